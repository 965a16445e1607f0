"""Shared checks for widget panels: every value a figure shows must be finite, and it must show something."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import Collection
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle


def plotted_values(fig) -> list[np.ndarray]:
    """The data arrays of every line, scatter, image and bar drawn in ``fig``."""
    values = []
    for ax in fig.axes:
        for artist in ax.get_children():
            if isinstance(artist, Line2D):
                values += [np.asarray(artist.get_xdata(), float), np.asarray(artist.get_ydata(), float)]
            elif isinstance(artist, AxesImage):
                values.append(np.asarray(artist.get_array(), float))
            elif isinstance(artist, Collection):
                values.append(np.asarray(artist.get_offsets(), float))
                values += [np.asarray(p.vertices, float) for p in artist.get_paths()]
            elif isinstance(artist, Rectangle) and artist is not ax.patch:
                values.append(np.array([artist.get_x(), artist.get_y(), artist.get_width(), artist.get_height()]))
    return values


def assert_figure_ok(fig, where=""):
    """Something is drawn, every value drawn is finite, and the PNG renders."""
    values = plotted_values(fig)
    data_points = sum(v.size for v in values)
    assert data_points > 0, f"{where}: the figure is empty"
    for v in values:
        assert np.isfinite(v).all(), f"{where}: a plotted value is not finite: {v[~np.isfinite(v)][:5]}"
    for ax in fig.axes:
        for lim in (ax.get_xlim(), ax.get_ylim()):
            assert np.isfinite(lim).all(), f"{where}: axis limits not finite: {lim}"


def extremes(control):
    """The values a learner can drag or pick a control to: both ends of a slider, every option of a choice."""
    if hasattr(control, "options"):
        return [v for _, v in control.options] if isinstance(control.options[0], tuple) else list(control.options)
    if isinstance(control.value, bool):
        return [True, False]
    if isinstance(control, widgets.FloatLogSlider):
        return [control.base**control.min, control.base**control.max]
    return [control.min, control.max]


def each_extreme(panel):
    """Move every control of ``panel`` to each of its extremes in turn, as a learner could, and yield
    (name, value) after each move; the previous control goes back to where it was in the same redraw."""
    restore = {}
    for name, control in panel.controls.items():
        start = control.value
        for value in extremes(control):
            panel.set(**restore, **{name: value})
            restore = {}
            yield name, value
        restore = {name: start}
