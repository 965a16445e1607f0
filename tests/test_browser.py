"""Every notebook, run in a real JupyterLab in a real Chromium, as a learner would run it.

For each notebook: open it, Run All Cells, and check that every cell ran without an error, every widget displayed,
every panel shows its sliders and a loaded figure, a keyboard move of every panel's η slider (of its first slider
where it has no η) redraws the figure, the kernel raised nothing outside the cells (widget callbacks) and the
browser console logged no error. A deliberately broken notebook shows the checks report what they should.

Needs Debian's Chromium (/usr/bin/chromium) and playwright; without them the module is skipped with the line saying
how to enable it, except under CI=true, where a missing Chromium fails.
"""

from __future__ import annotations

import json
import os

import browser_support as bs
import pytest

AVAILABLE, WHY = bs.chromium_available()
IN_CI = os.environ.get("CI") == "true"
if not AVAILABLE and not IN_CI:
    pytest.skip(f"browser tests skipped ({WHY}); to run them, {bs.ENABLE_HINT}", allow_module_level=True)

pytestmark = pytest.mark.browser
NOTEBOOKS = sorted(bs.NOTEBOOKS.glob("*.ipynb"))


@pytest.fixture(scope="session")
def lab():
    if not AVAILABLE:
        yield None
        return
    server = bs.LabServer().start()
    try:
        yield server
    finally:
        server.stop()  # kernels through the REST API, then the server by pid; raises if anything survives


@pytest.fixture(scope="session")
def chromium():
    if not AVAILABLE:
        yield None
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = bs.launch_chromium(p)
        yield browser
        browser.close()


def need_browser(page):
    """Only reached without Chromium under CI=true: there, a missing browser fails the test (in the test's body,
    so that pytest counts a failure, not a set-up error)."""
    if page is None:
        pytest.fail(f"CI=true and the browser tests cannot run: {WHY}; {bs.ENABLE_HINT}")


@pytest.fixture
def page(lab, chromium):
    if chromium is None:
        yield None
        return
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.console = bs.Console().attach(page)
    yield page
    context.close()


@pytest.mark.parametrize("name", [p.name for p in NOTEBOOKS])
def test_notebook_runs_in_jupyterlab(lab, page, name):
    need_browser(page)
    timings = {}
    problems = bs.check_notebook(page, lab, name, page.console, timings=timings)
    print(f"{name}: seconds per step {timings}")
    assert problems == [], f"{name} in JupyterLab ({timings} s):\n  " + "\n  ".join(problems)


# --- the checks catch a broken panel ----------------------------------------------------------------------------
SABOTAGE_CELLS = [
    ("code", "import nbhelpers as nb\nfrom nbhelpers import panels\n\ndata = nb.load_dataset('regression')"),
    ("code", "class RaisingPanel(panels.TrainingPanel):\n"
             "    def draw(self):\n"
             "        if self.redraws:\n"
             "            raise RuntimeError('sabotage: redraw fails after the first draw')\n"
             "        return super().draw()\n\n\n"
             "class FrozenPanel(panels.TrainingPanel):\n"
             "    def redraw(self):\n"
             "        if not self.redraws:\n"
             "            super().redraw()  # later changes never reach the figure"),
    ("panel", "RaisingPanel(data, epochs=5).widget"),
    ("panel", "FrozenPanel(data, epochs=5).widget"),
    ("panel", "display({'application/vnd.jupyter.widget-view+json':\n"
              "         {'model_id': 'no-such-model', 'version_major': 2, 'version_minor': 0}}, raw=True)"),
    ("code", "raise ValueError('sabotage: a cell that fails')"),
    ("code", "print('never reached')"),
]  # fmt: skip


def sabotage_notebook() -> dict:
    cells = []
    for i, (kind, source) in enumerate(SABOTAGE_CELLS):
        tags = [bs.PANEL_TAG] if kind == "panel" else []
        cells.append({"cell_type": "code", "id": f"cell-{i + 1}", "execution_count": None,
                      "metadata": {"tags": tags}, "outputs": [], "source": source})  # fmt: skip
    return {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                        "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}  # fmt: skip


def test_checks_report_broken_panels(lab, page):
    """Three broken widget cells, a failing cell and one it stops: every fault is reported, in words."""
    need_browser(page)
    name = "_sabotage.ipynb"  # written into the server's temporary copy of notebooks/, never into the repo
    (lab.root_dir / name).write_text(json.dumps(sabotage_notebook()))
    problems = bs.check_notebook(page, lab, name, page.console)
    report = "\n".join(problems)
    expected = [
        "cell 3: panel: the figure did not change after 3 presses of ArrowRight on the η slider",
        # the callback's exception, which only JupyterLab's log console shows
        "kernel error outside any cell (after a comm_msg): RuntimeError: sabotage: redraw fails after the first draw",
        "cell 4: panel: the figure did not change after 3 presses of ArrowRight on the η slider",
        "cell 5: panel shows no slider",
        "cell 5: panel shows no figure",
        "Error displaying widget",
        "cell 6: error output: ValueError: sabotage: a cell that fails",
        "cells [7] did not run",
        "console.error: Error: widget model not found",
    ]
    missing = [e for e in expected if e not in report]
    assert not missing, f"the checks missed {missing}; they reported:\n{report}"
