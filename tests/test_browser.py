"""Every notebook, run in a real JupyterLab in a real Chromium, as a learner would run it.

The kernels run with MPLBACKEND=Agg (bs.KERNEL_ENV): the notebooks must choose their inline backend themselves.
Each notebook is opened once (one JupyterLab page for all of them) and run once (Run All); the tests below then take
it in turn:

* before running: each panel cell of the committed notebook says in one line to run this cell (no raw widget repr);
* after Run All: every cell ran without an error, every widget displayed, every panel shows its sliders and a loaded
  figure, every static figure of the committed notebook is shown again, a keyboard move of every panel's η slider
  (of its first slider where it has no η) redraws the figure;
* the assert-after-slider sequence: move a panel's slider, run the cells after it again, one by one: none fails;
* the careless-student sequence: odd seeds, "random init" clicked quickly, Home/End on every slider, every
  checkbox, dropdown option and toggle button, fast; a seed box never silently changes what was typed; seed 3 gives
  the same parameters and figure on every click;
* the save-and-reopen sequence: saved, closed and reopened (kernel running, then the next day without it): no
  "Error displaying widget".

Throughout, the kernel's own messages are watched on iopub (``watch`` in browser_page.js): any error, warning or
stderr that belongs to no cell (a widget callback, on whatever kernel subshell JupyterLab sends it) fails the test, as
do tracebacks, warnings and errors in the server's log and console errors. A deliberately broken notebook shows that
the checks report what they should.

The browser is pytest-playwright's (its ``browser`` fixture, launching Debian's Chromium: ``browser_type_launch_args``
below). Without Chromium (/usr/bin/chromium) or playwright the module is skipped with the line saying how to enable
it, except under CI=true, where every test fails in its body with that line.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import browser_support as bs
import pytest

AVAILABLE, WHY = bs.chromium_available()
IN_CI = os.environ.get("CI") == "true"
if not AVAILABLE and not IN_CI:
    pytest.skip(f"browser tests skipped ({WHY}); to run them, {bs.ENABLE_HINT}", allow_module_level=True)

pytestmark = pytest.mark.browser
NAMES = [p.name for p in sorted(bs.NOTEBOOKS.glob("*.ipynb"))]


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """pytest-playwright's ``browser``: Debian's Chromium, headless (Playwright cannot download its own here)."""
    return bs.LAUNCH_ARGS


@pytest.fixture(scope="session")
def lab():
    # MPLBACKEND=Agg in the kernels' environment: the notebooks must choose their inline backend themselves
    with bs.LabServer(env=bs.KERNEL_ENV) as server:  # stopped by process group; raises if anything had to be killed
        yield server


def new_tab(request, lab):
    """A tab on pytest-playwright's ``browser``, closed after its user is done. Without Chromium (only reached under
    CI=true) None, and the browser is never asked for: ``need_browser`` then fails the test in its body, so that
    pytest counts a failure, not a set-up error."""
    if not AVAILABLE:
        yield None
        return
    tab = bs.Tab(request.getfixturevalue("browser"), lab)
    yield tab
    tab.close()


def need_browser(fixture_value):
    if fixture_value is None:
        pytest.fail(f"CI=true and the browser tests cannot run: {WHY}; {bs.ENABLE_HINT}")


@pytest.fixture
def tab(request, lab):
    yield from new_tab(request, lab)


@pytest.fixture(scope="module")
def lab_tab(request, lab):
    """One tab for the notebooks below, in turn: JupyterLab loads once, the notebooks open in it one by one."""
    yield from new_tab(request, lab)


@dataclass
class Opened:
    """A notebook opened and run once (Run All) for the tests below, which take it in turn (pytest groups the tests
    by notebook): what the page showed before the run, which cells did not run, and where the complaints stood."""

    name: str
    tab: bs.Tab
    committed: Path
    before_run: list[str]
    unrun: list[str]
    since: bs.Mark
    timings: dict = field(default_factory=dict)


def report(what: str, problems: list[str], timings: dict | None = None) -> str:
    took = f" ({timings} s)" if timings else ""
    return f"{what}{took}:\n  " + "\n  ".join(problems)


@pytest.fixture(scope="module", params=NAMES)
def notebook(request, lab, lab_tab):
    """Open the notebook, note what its panel cells show before anything runs, Run All; close it at the end."""
    if lab_tab is None:
        yield None
        return
    name, tab, t = request.param, lab_tab, time.monotonic()
    since = tab.mark()
    bs.open_notebook(tab, name)
    before = bs.check_panels_without_kernel(tab.page, lab.committed(name), "opened before running")
    opened_at = time.monotonic()
    unrun = bs.unrun_cells(bs.run_all(tab.page))
    timings = {"open": round(opened_at - t, 1), "run all": round(time.monotonic() - opened_at, 1)}
    yield Opened(name, tab, lab.committed(name), before, unrun, since, timings)
    bs.close_notebook(tab.page)
    lab.shutdown_kernels(path=name)


def test_committed_panels_say_run_this_cell(notebook):
    """The committed notebook, opened before anything runs: each panel cell says in one line what it is and to run
    this cell, not a raw VBox(children=...) repr."""
    need_browser(notebook)
    assert notebook.before_run == [], report(f"{notebook.name}, opened in JupyterLab", notebook.before_run)


def test_notebook_runs_in_jupyterlab(notebook):
    """Run All: every cell ran without an error, every widget displayed, every panel shows sliders and a loaded
    figure, every static figure of the committed notebook is shown, a keyboard move of every panel's η slider
    redraws it, and nothing went wrong out of sight (iopub, console, server log)."""
    need_browser(notebook)
    t = time.monotonic()
    problems = notebook.unrun + bs.check_after_run(notebook.tab, notebook.name, notebook.since)
    timings = {**notebook.timings, "checks": round(time.monotonic() - t, 1)}
    print(f"{notebook.name}: seconds per step {timings}")
    assert problems == [], report(f"{notebook.name} in JupyterLab", problems, timings)


def test_cells_after_panels_survive_a_slider_move(notebook):
    """The assert-after-slider sequence: move each panel's first slider (η where it has one) one step, then run the
    cells that follow it again, one by one: none may fail."""
    need_browser(notebook)
    tab, t = notebook.tab, time.monotonic()
    since = tab.mark()
    problems = bs.check_cells_after_panels(tab.page, notebook.committed) + tab.problems_since(since)
    print(f"{notebook.name}: {time.monotonic() - t:.1f} s")
    assert problems == [], report(f"{notebook.name}, cells run again after a slider move", problems)


def test_careless_student(notebook):
    """The careless-student sequence on every panel: odd seeds typed then "random init", "random init" clicked
    quickly, Home and End on every slider, every checkbox, dropdown option and toggle button, fast; then nothing
    may have gone wrong, on the page or out of sight (iopub: the widget callbacks, on whatever subshell), a seed box
    never silently changes what was typed, and seed 3 gives the same parameters and figure on every click."""
    need_browser(notebook)
    t, timings = time.monotonic(), {}
    problems = bs.check_careless_student(notebook.tab, notebook.committed, timings)
    seen = notebook.tab.page.evaluate("nbh.seen")
    if not seen["commMsg"]:  # the watch must see the callbacks' messages, or it vouches for nothing
        problems.append(f"the iopub watch saw no message answering a widget's comm_msg ({seen})")
    print(f"{notebook.name}: {time.monotonic() - t:.1f} s, {timings}, iopub messages seen {seen}")
    assert problems == [], report(f"{notebook.name}, careless student", problems)


def test_saved_notebook_reopens(lab, notebook):
    """The save-and-reopen sequence: move a slider, save, close the tab and open the notebook again (its kernel still
    running); then close it, shut its kernel down and open it in a freshly loaded JupyterLab (the next day). No panel
    reads "Error displaying widget"; a panel that cannot be shown says in one line to run this cell."""
    need_browser(notebook)
    tab, page, name = notebook.tab, notebook.tab.page, notebook.name
    since = tab.mark()
    shown = bs.panels(page)
    if shown and shown[0]["sliders"]:
        bs.nudge_slider(page, shown[0])
    bs.save_notebook(page)
    bs.close_tab(page)
    bs.open_notebook(tab, name)
    problems = bs.check_panels_without_kernel(page, notebook.committed, "saved, closed and reopened", live_ok=True)
    bs.close_tab(page)
    problems += tab.problems_since(since)
    lab.shutdown_kernels(path=name)  # the next day: the kernel is gone, and the browser starts afresh
    next_day = "saved, closed, and opened the next day (a new kernel, JupyterLab loaded afresh)"
    since = tab.mark(reload=True)
    bs.open_notebook(tab, name, reload=True)
    found = bs.check_panels_without_kernel(page, notebook.committed, next_day, live_ok=True)
    found += tab.problems_since(since)
    if found and all("model not found" in p for p in found):
        # jupyterlab-manager 5 sometimes renders a saved widget before it has restored the notebook's saved widget
        # state, and then says "model not found" (the state is in the file: every view's model is there). A learner
        # reloads the page; so does the test, once. A second failure, or any other problem, fails the test.
        print(f"{name}: first load after reopening: {found}; loading again")
        since = tab.mark(reload=True)
        bs.open_notebook(tab, name, reload=True)
        found = bs.check_panels_without_kernel(page, notebook.committed, next_day + ", loaded again", live_ok=True)
        found += tab.problems_since(since)
    problems += found
    assert problems == [], report(f"{name}, saved and reopened", problems)


# --- the checks catch a broken panel ----------------------------------------------------------------------------
# The sabotage notebook builds its panels from ipywidgets and matplotlib alone, the way nbhelpers' panels are built
# (an η slider with class eta-slider, a PNG in an Image with class panel-figure), so that it tests the checks
# whatever nbhelpers' panels become.
TOY_PANEL = """import io
import sys
import warnings

import ipywidgets as widgets
from matplotlib.figure import Figure


class Toy:
    def __init__(self, fault=None):
        self.fault, self.redraws = fault, 0
        self.eta = widgets.FloatLogSlider(value=1e-3, min=-6, max=0, step=0.1, description='η')
        self.eta.add_class('eta-slider')
        self.image = widgets.Image(format='png')
        self.image.add_class('panel-figure')
        self.eta.observe(lambda _: self.redraw(), names='value')
        self.widget = widgets.VBox([self.eta, self.image])
        self.redraw()

    def redraw(self):
        if self.redraws and self.fault == 'raise':
            raise RuntimeError('sabotage: redraw fails after the first draw')
        if self.redraws and self.fault == 'frozen':
            return  # later changes never reach the figure
        if self.redraws and self.fault == 'noisy':
            sys.stderr.write('sabotage stderr from a callback\\n')
            sys.stderr.flush()  # a stream message of its own, not merged with the warning's
            warnings.warn('sabotage warning from a callback', UserWarning, stacklevel=1)
        fig = Figure(figsize=(3, 2))
        fig.add_subplot().set_title(f'η = {self.eta.value:.2e}')
        png = io.BytesIO()
        fig.savefig(png, format='png')
        self.image.value = png.getvalue()
        self.redraws += 1"""
SABOTAGE_CELLS = [
    ("code", TOY_PANEL),
    ("panel", "Toy('raise').widget"),
    ("panel", "Toy('frozen').widget"),
    (
        "panel",
        "display({'application/vnd.jupyter.widget-view+json':\n"
        "         {'model_id': 'no-such-model', 'version_major': 2, 'version_minor': 0}}, raw=True)",
    ),
    ("panel", "Toy('noisy').widget"),
    (
        "figure",
        "import matplotlib.pyplot as plt  # the backend left to the environment: Agg shows nothing\n"
        "\n"
        "plt.plot([0, 1], [0, 1])\n"
        "plt.show()",
    ),
    ("code", "raise ValueError('sabotage: a cell that fails')"),
    ("code", "print('never reached')"),
]


def tiny_png() -> str:
    """A committed figure output for the "figure" cell (a 1x1 PNG, base64)."""
    import base64
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b"")
    return base64.b64encode(png).decode()


def sabotage_notebook() -> dict:
    cells = []
    for i, (kind, source) in enumerate(SABOTAGE_CELLS):
        tags = [bs.PANEL_TAG] if kind == "panel" else []
        outputs = []
        if kind == "figure":  # as committed: one figure, which the run must show again
            outputs = [
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {"image/png": tiny_png(), "text/plain": "<Figure size 640x480 with 1 Axes>"},
                }
            ]
        cells.append(
            {
                "cell_type": "code",
                "id": f"cell-{i + 1}",
                "execution_count": None,
                "metadata": {"tags": tags},
                "outputs": outputs,
                "source": source,
            }
        )
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def test_checks_report_broken_panels(lab, tab):
    """Four broken widget cells, a figure lost to MPLBACKEND=Agg, a failing cell and one it stops: every fault is
    reported, in words."""
    need_browser(tab)
    name = "_sabotage.ipynb"  # written into the server's temporary copy of notebooks/, never into the repo
    (lab.root_dir / name).write_text(json.dumps(sabotage_notebook()))
    since = tab.mark()
    bs.open_notebook(tab, name)
    problems = bs.unrun_cells(bs.run_all(tab.page)) + bs.check_after_run(tab, name, since)
    lab.shutdown_kernels(path=name)
    report = "\n".join(problems)
    expected = [
        "cell 2: panel: the figure did not change after 3 presses of ArrowRight on the η slider",
        # the callback's exception, which only JupyterLab's log console shows (iopub, after a comm_msg: JupyterLab
        # sends it over a subshell)
        "kernel error outside any cell (after a comm_msg",
        "RuntimeError: sabotage: redraw fails after the first draw",
        "cell 3: panel: the figure did not change after 3 presses of ArrowRight on the η slider",
        "cell 4: panel shows no slider",
        "cell 4: panel shows no figure",
        "Error displaying widget",
        # the noisy callback: its stderr write and its warning, on iopub
        "kernel stderr outside any cell (after a comm_msg",
        "sabotage stderr from a callback",
        "kernel warning outside any cell (after a comm_msg",
        "UserWarning: sabotage warning from a callback",
        # the figure the committed notebook shows, lost to MPLBACKEND=Agg
        "cell 6: figure missing (the committed notebook shows 1 figure(s) here, the page 0)",
        "cell 7: error output: ValueError: sabotage: a cell that fails",
        "cells [8] did not run",
        "console.error: Error: widget model not found",
    ]
    missing = [e for e in expected if e not in report]
    assert not missing, f"the checks missed {missing}; they reported:\n{report}"
    # and the noisy panel still redraws: only the iopub watch can tell anything went wrong with it
    assert "cell 5: panel" not in report, report


# --- the playground (notebook 06) in the page: Step, and uploads through the browser's file input ----------------
PLAYGROUND = "06_playground.ipynb"
BAD_CSV = b"iq,cgpa,placed\n80,8,1\n70,,0\n60,6,0\n"
GOOD_CSV = "iq;cgpa;placed\n80;8,5;1\n70;7;1\n60;6;0\n50;5,5;0\n".encode("cp1252")


def playground_src(page) -> str | None:
    return page.evaluate(
        "() => document.querySelector('.step-button')?.closest('.widget-vbox')"
        "?.querySelector('img.panel-figure')?.src || null"
    )


def wait_new_figure(page, old: str | None, timeout=15.0) -> str | None:
    """Wait until the playground's figure is a new image (its src changes with every PNG) and has loaded."""
    with suppress_timeout():
        page.wait_for_function(
            "old => { const img = document.querySelector('.step-button')?.closest('.widget-vbox')"
            "?.querySelector('img.panel-figure'); return img && img.src !== old && img.complete "
            "&& img.naturalWidth > 0; }",
            arg=old,
            timeout=timeout * 1000,
        )
    return playground_src(page)


def suppress_timeout():
    from contextlib import suppress

    return suppress(Exception)  # playwright's TimeoutError: the assertions below say what did not happen


def upload_file(page, name: str, content: bytes) -> None:
    """Click the playground's upload button and choose a file in the file dialog it opens (ipywidgets' FileUpload
    makes its file input only when clicked), as a learner does."""
    with page.expect_file_chooser(timeout=10_000) as chooser:
        page.locator(".csv-upload").first.click()
    chooser.value.set_files(files=[{"name": name, "mimeType": "text/csv", "buffer": content}])


def message_text(page) -> str:
    return page.locator(".playground-message").inner_text()


def test_playground_steps_and_takes_uploads_in_the_page(lab, tab):
    """In JupyterLab: pressing Step redraws the figure and fills the step table; a bad CSV chosen in the upload
    button is reported with its file name, line and column, and nothing else changes; a good (semicolon, decimal
    comma, Windows-1252) CSV is taken: the data dropdown names it and the figure is drawn again."""
    need_browser(tab)
    since = tab.mark()
    page = tab.page
    bs.open_notebook(tab, PLAYGROUND)
    problems = bs.unrun_cells(bs.run_all(page))
    bs.wait_widgets_rendered(page)
    before = playground_src(page)
    assert before, "the playground's figure is not on the page"
    page.locator(".step-button").first.click()
    after_step = wait_new_figure(page, before)
    if after_step == before:
        problems.append("pressing Step did not redraw the playground's figure")
    table = page.evaluate(
        "() => document.querySelector('.step-button')?.closest('.widget-vbox')?.querySelector('.step-table')"
        "?.innerText || ''"
    )
    if "Step on row 1" not in table:
        problems.append(f"after Step the table reads {table[:80]!r}, not 'Step on row 1 ...'")

    upload_file(page, "bad.csv", BAD_CSV)
    with suppress_timeout():
        page.wait_for_function(
            "() => document.querySelector('.playground-message')?.innerText.includes('bad.csv')", timeout=15_000
        )
    said = message_text(page)
    if not ("bad.csv, line 3" in said and "cgpa" in said):
        problems.append(f"a bad CSV (an empty cell on line 3) got the message {said!r}")
    bs.wait_kernel_idle(page, 30)
    if playground_src(page) == after_step and "bad.csv" not in said:
        problems.append("the bad CSV left no trace on the page")

    shown = playground_src(page)
    upload_file(page, "good.csv", GOOD_CSV)
    redrawn = wait_new_figure(page, shown)
    bs.wait_kernel_idle(page, 30)
    chosen = page.evaluate(
        "() => [...document.querySelectorAll('.widget-dropdown select')].map(s => s.options[s.selectedIndex]?.text)"
    )
    chosen = [(text or "").replace("\xa0", " ") for text in chosen]  # ipywidgets shows options with no-break spaces
    if "your CSV: good.csv" not in chosen:
        problems.append(f"after a good CSV the dropdowns show {chosen}, not 'your CSV: good.csv'")
    if redrawn == shown:
        problems.append("a good CSV did not redraw the playground's figure")
    if message_text(page).strip():
        problems.append(f"after a good CSV the panel still says {message_text(page)!r}")
    problems += tab.problems_since(since)
    bs.close_notebook(page)
    lab.shutdown_kernels(path=PLAYGROUND)
    assert problems == [], report("the playground in JupyterLab", problems)
