"""Plot style for the classroom: big, clear figures. Called once by each notebook's set-up cell."""

from __future__ import annotations

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
    """Set matplotlib's rcParams for the notebooks (the only function here that changes global state)."""
    mpl.rcParams.update(NOTEBOOK_RC)
