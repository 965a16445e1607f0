"""The browser tests' checks catch a broken panel: a deliberately broken notebook (a redraw that raises, a figure that
never changes, a widget with no model, a noisy callback, a figure lost to MPLBACKEND=Agg, a panel whose canvas never
gets its data, a failing cell) run in a real
JupyterLab in Chromium, and every fault must be reported, in words. The fixtures (``lab``, ``tab``) are in
conftest.py; the harness is browser_support.py. A module of its own, so that pytest-xdist can run it beside
test_browser.py.
"""

from __future__ import annotations

import json

import browser_support as bs
import pytest

bs.skip_module_without_browser()
pytestmark = pytest.mark.browser

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
    (
        "panel",  # an nbhelpers panel whose page never gets the data: only the frames show (check_pictures)
        "import nbhelpers as nb\n"
        "from nbhelpers import panels\n"
        "\n"
        "blank = panels.ForwardPanel(nb.load_dataset('regression'))\n"
        "blank.view.renderer.scene = lambda: b''  # sabotage: an empty scene\n"
        "blank.set(w1_11=0.5)\n"
        "blank",
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
    """Five broken widget cells, a figure lost to MPLBACKEND=Agg, a failing cell and one it stops: every fault is
    reported, in words."""
    bs.need_browser(tab)
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
        "ForwardPanel: the canvas differs from Agg's picture by",
        "cell 8: error output: ValueError: sabotage: a cell that fails",
        "cells [9] did not run",
        "console.error: Error: widget model not found",
    ]
    missing = [e for e in expected if e not in report]
    assert not missing, f"the checks missed {missing}; they reported:\n{report}"
    # and the noisy panel still redraws: only the iopub watch can tell anything went wrong with it
    assert "cell 5: panel" not in report, report


def test_saved_state_check_names_the_views_it_lacks(tmp_path):
    """The next-day check reads the saved file first: a notebook saved without the widget state of some of its views
    (jupyter-widgets/ipywidgets#3888: a reopened notebook saved again can lose it) is reported, naming the cells, and
    one that holds every view's model passes."""
    view = "application/vnd.jupyter.widget-view+json"
    cells = [
        {"cell_type": "code", "outputs": [{"output_type": "display_data", "data": {view: {"model_id": m}}}]}
        for m in ("aaa", "bbb")
    ]
    cells.insert(1, {"cell_type": "markdown", "source": "text"})
    for state, lacking in (({"aaa": {}, "bbb": {}, "ccc": {}}, None), ({"aaa": {}}, [3]), ({}, [1, 3])):
        path = tmp_path / "saved.ipynb"
        widgets = {"application/vnd.jupyter.widget-state+json": {"state": state}}
        path.write_text(json.dumps({"cells": cells, "metadata": {"widgets": widgets}}))
        line, complete = bs.saved_widget_state(path)
        assert complete == (lacking is None), line
        assert f"2 widget views in its outputs, {len(state)} models" in line, line
        assert (f"the views of cells {lacking} not among them" in line) == (lacking is not None), line
    path.write_text(json.dumps({"cells": cells, "metadata": {}}))  # saved with the setting off: no state at all
    assert bs.saved_widget_state(path) == (
        "saved.ipynb as saved: 2 widget views in its outputs, 0 models in its saved widget state, the views of cells "
        "[1, 3] not among them",
        False,
    )
