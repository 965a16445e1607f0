"""Plot style for the classroom: big, clear figures. Called once by each notebook's set-up cell."""

from __future__ import annotations

import sys

import matplotlib as mpl

NOTEBOOK_RC = {
    "figure.dpi": 90,
    "savefig.dpi": 90,
    "font.size": 13,
    "axes.titlesize": 14,
    "axes.labelsize": 13,
    "legend.fontsize": 11,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 2.0,
    "lines.markersize": 8,
    "svg.hashsalt": "nbhelpers",  # deterministic output
}

# Colours used consistently across notebooks: hidden neuron 1, hidden neuron 2, output / prediction, target.
COLORS = {
    "h1": "#1f77b4",
    "h2": "#ff7f0e",
    "out": "#2ca02c",
    "target": "#333333",
    "bad": "#d62728",
    "class0": "#d62728",
    "class1": "#1f77b4",
}


def use_notebook_style() -> None:
    """Set matplotlib's rcParams for the notebooks, and show inline figures as drawn (``show_figures_uncropped``).
    The only function here that changes global state."""
    mpl.rcParams.update(NOTEBOOK_RC)
    show_figures_uncropped()


def show_figures_uncropped() -> bool:
    """Jupyter's inline backend shows each figure cropped to what was drawn (``bbox_inches="tight"``), which lays
    the figure out and draws it a second time first: a third of a notebook's fresh run. Every figure the notebooks
    show fills its canvas (constrained layout, or a panel's fixed margins; ``tests/test_figures.py`` checks the
    committed pictures), so the inline backend is told to show them as drawn. Returns whether it was told: only
    where the inline backend is set up (``%matplotlib inline`` in a kernel); its settings are read from the module
    it loaded, so this module imports nothing of IPython's."""
    config = sys.modules.get("matplotlib_inline.config")
    if config is None or not config.InlineBackend.initialized():
        return False
    config.InlineBackend.instance().print_figure_kwargs = {"bbox_inches": None}
    return True
