"""A panel whose model anywidget gave up on comes back to life, in a real JupyterLab in Chromium.

anywidget gives a model 2 s from its creation on the page to load its module (``AbortSignal.timeout(2000)`` in its
``Runtime``); a model that misses it still renders its view, but every message the kernel sends it afterwards is
dropped: the panel shows its first picture and never another. That happened in Voilà on a loaded CI machine (notebook
02, both panels dead: "the figure did not change after 3 presses"). Here the page makes anywidget give up on the
first two models it sets up, deterministically: ``AbortSignal.timeout(2000)`` returns a signal that aborts at once,
through anywidget's own code path. Then notebook 02 runs (Run All), and its two panels must replace their dead views
(``FigureView.replace_canvas``): each figure hears from the kernel, redraws when its slider moves, shows what Agg draws
for the panel, and the η panel's frames drawn ahead still reach the page.
"""

from __future__ import annotations

import json

import browser_support as bs
import pytest

bs.skip_module_without_browser()
pytestmark = pytest.mark.browser

NOTEBOOK = "02_regression_backward.ipynb"  # two panels: the gradient table and the η training panel
KILLED = 2
REPLACED_CODE = """
import gc, json
from nbhelpers.panels.base import FigureView
print(json.dumps(sorted(getattr(o, "replaced", 0) for o in gc.get_objects() if isinstance(o, FigureView))))
"""


def test_panels_replace_the_views_anywidget_gave_up_on(lab, tab):
    """Run All with anywidget giving up on the first two models: both panels replace their views once, then hear
    from the kernel, redraw on a key press and show Agg's picture; the η panel's frames drawn ahead reach the page.
    (Without the kill, the same run replaces no view. JupyterLab's page leaves anywidget's rejection uncaught only now
    and then: ``Tab`` counts it apart, and it is printed, not checked.)"""
    bs.need_browser(tab)
    page = tab.page
    bs.open_notebook(tab, NOTEBOOK)
    since = tab.mark()
    page.evaluate(bs.GIVE_UP_JS, KILLED)
    problems = bs.unrun_cells(bs.run_all(page))
    bs.wait_widgets_rendered(page)
    killed = page.evaluate("window.nbhKilled")
    assert killed == KILLED, f"the page gave up on {killed} models, not {KILLED}: the test itself is broken"
    problems += bs.check_outputs(page, 2)
    problems += bs.check_slider_moves(page)  # waits until each figure hears from the kernel
    problems += bs.check_pictures(page)
    problems += bs.check_frames_ahead(page)
    replaced = json.loads(bs.kernel_exec(page, REPLACED_CODE))
    if replaced != [1, 1]:
        problems.append(f"the two panels replaced their views {replaced} times, not once each")
    print(f"anywidget's rejection left uncaught {tab.gave_up} time(s) of {KILLED}")
    problems += tab.problems_since(since)
    bs.close_notebook(page)
    lab.shutdown_kernels(path=NOTEBOOK)
    assert problems == [], bs.report(f"{NOTEBOOK} with anywidget giving up on its first {KILLED} models", problems)
