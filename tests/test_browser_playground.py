"""The playground (notebook 06) in a real JupyterLab in Chromium: Step redraws the figure and fills the step table, and
the upload button takes files through the browser's file dialog (a bad CSV is named with its line and column, a good
one is taken and drawn). The fixtures (``lab``, ``tab``) are in conftest.py; the harness is browser_support.py. A
module of its own, so that pytest-xdist can run it beside test_browser.py.
"""

from __future__ import annotations

import browser_support as bs
import pytest

bs.skip_module_without_browser()
pytestmark = pytest.mark.browser

# --- the playground (notebook 06) in the page: Step, and uploads through the browser's file input ----------------
PLAYGROUND = "06_playground.ipynb"
BAD_CSV = b"iq,cgpa,placed\n80,8,1\n70,,0\n60,6,0\n"
GOOD_CSV = "iq;cgpa;placed\n80;8,5;1\n70;7;1\n60;6;0\n50;5,5;0\n".encode("cp1252")


def playground_src(page) -> str | None:
    """The number of the picture the playground's canvas shows (new with every picture)."""
    return page.evaluate(
        "() => document.querySelector('.step-button')?.closest('.widget-vbox')"
        "?.querySelector('canvas.panel-figure')?.dataset.drawn ?? null"
    )


def wait_new_figure(page, old: str | None, timeout=15.0) -> str | None:
    """Wait until the playground's canvas shows a new picture (drawn without an error)."""
    with suppress_timeout():
        page.wait_for_function(
            "old => { const c = document.querySelector('.step-button')?.closest('.widget-vbox')"
            "?.querySelector('canvas.panel-figure'); return !!c && c.dataset.drawn !== undefined "
            "&& c.dataset.drawn !== old && c.dataset.error === undefined; }",
            arg=old,
            timeout=timeout * 1000,
            polling=bs.POLL_MS,
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
    bs.need_browser(tab)
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
    # the page reports each picture it has drawn, and the kernel draws the next Step's picture meanwhile: the next
    # Steps come drawn ahead, and show what Agg draws for the panel's state
    shown = after_step
    for _ in range(3):
        bs.wait_kernel_idle(page, 30, settle=0.2)
        page.locator(".step-button").first.click()
        shown = wait_new_figure(page, shown)
    bs.wait_kernel_idle(page, 30)
    ahead = bs.kernel_exec(
        page,
        "import gc\nfrom nbhelpers.panels.playground import PlaygroundPanel as P\n"
        "print([o.drawn_ahead for o in gc.get_objects() if isinstance(o, P)])",
    )
    if ahead.strip() != "[3]":
        problems.append(f"of the three Steps after the first, the playground drew {ahead.strip()} ahead, not [3]")
    problems += bs.check_pictures(page)

    upload_file(page, "bad.csv", BAD_CSV)
    with suppress_timeout():
        page.wait_for_function(
            "() => document.querySelector('.playground-message')?.innerText.includes('bad.csv')",
            timeout=15_000,
            polling=bs.POLL_MS,
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
    assert problems == [], bs.report("the playground in JupyterLab", problems)
