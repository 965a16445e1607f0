"""What every plot function shares: new axes on request, the legend's place, axis limits that move in steps,
plain-text log ticks, clearing axes for a new drawing, one marker per row, a sentence instead of an empty plot, and
drawing again in place.

Drawing again in place: a plot function called with ``drawn`` (the dict it returned from an earlier call on the same
axes) moves the artists it made then (``line``, ``points``, ``segments``, ``legend``, ``message``) to the new data
instead of making new ones, which costs a panel most of its redraw time. A new call and a call in place give the same
picture (the panels' tests compare them pixel for pixel); a static figure never passes ``drawn``.
"""

from __future__ import annotations

import contourpy
import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.path import Path
from matplotlib.ticker import FuncFormatter, NullFormatter, NullLocator

from ..data import UNITS
from ..notation import SUPERSCRIPTS
from .style import COLORS

# Legends sit outside the axes, to the right, so they never cover a data point; an opaque, square frame.
LEGEND = {
    "framealpha": 1.0,
    "fancybox": False,
    "loc": "upper left",
    "bbox_to_anchor": (1.02, 1.0),
    "borderaxespad": 0.0,
}
MANY_ROWS = 20  # beyond this many rows, per-row bars and labels become a summary


def label_for(name: str) -> str:
    """An axis label for a column: the notes' columns with their units, a learner's own by their own name."""
    return UNITS.get(name, name)


def axes_or_new(ax, figsize=(7, 4.5)):
    """``ax`` itself, or the axes of a new pyplot figure (only a standalone call touches pyplot)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def panel_figure(ncols=2, figsize=(13, 4.5)) -> tuple[Figure, list]:
    """A pyplot-free figure for a widget panel (nothing is displayed or kept by pyplot).

    Fixed margins rather than a layout engine: constrained layout doubles the redraw time of a panel.
    """
    fig = Figure(figsize=figsize, dpi=80)
    axes = fig.subplots(1, ncols)
    # room for a two-line title above, and for the legend (outside, LEGEND) right of the last axes
    fig.subplots_adjust(left=0.07, right=0.8, bottom=0.14, top=0.86, wspace=0.25)
    return fig, list(np.atleast_1d(axes))


def nice_limits(lo, hi, log=False):
    """Round (lo, hi) outwards to a coarse grid, so the axes (and their tick labels) change only in steps.

    Linear: multiples of 1, 2 or 5 times a power of ten, fine enough that the data covers most of the axis
    (at least two thirds of it); log: whole decades. Values already on the grid stay where they are:
    nice_limits(0, 100) is (0, 100).
    """
    lo, hi = float(lo), float(hi)
    if log:
        return 10.0 ** np.floor(np.log10(lo) + 1e-12), 10.0 ** np.ceil(np.log10(hi) - 1e-12)
    span = hi - lo
    step = 10.0 ** np.floor(np.log10(span)) if hi > lo else max(abs(hi), 1.0)
    if hi > lo:
        step /= 5 if span / step <= 2 else 2 if span / step <= 5 else 1
    return np.floor(lo / step + 1e-12) * step, np.ceil(hi / step - 1e-12) * step


def steady_limits(anchor, values, room=0.25):
    """Linear limits that hold ``anchor`` (and 0) with ``room`` (a fraction of their span) above them, on the
    ``nice_limits`` grid, and move only when ``values`` leave those limits: then the ``nice_limits`` of everything.

    For a fit drawn again on every move: the targets are the anchor, the predictions the values; the axis then stays
    put while the predictions move inside it, instead of stepping 9, 10, 12, 10, 9 as they swing. Still a pure
    function of what is shown (no axis remembers an earlier position)."""
    anchor = np.asarray(anchor, dtype=float).ravel()
    values = np.asarray(values, dtype=float).ravel()
    anchor, values = anchor[np.isfinite(anchor)], values[np.isfinite(values)]

    def above(lo, hi, share):  # lo .. hi with ``share`` of the span above (1 above a lone value), on the grid
        return nice_limits(lo, hi + share * (hi - lo) if hi > lo else hi + 1.0)

    lo, hi = (min(anchor.min(), 0.0), max(anchor.max(), 0.0)) if anchor.size else (0.0, 1.0)
    limits = above(lo, hi, room)
    if values.size and (values.min() < limits[0] or values.max() > limits[1]):
        limits = above(min(lo, values.min()), max(hi, values.max()), 0.05)
    return limits


def round_up(n) -> float:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that is >= n (and >= 1): an axis end that moves in steps."""
    n = max(float(n), 1.0)
    decade = 10.0 ** np.floor(np.log10(n))
    return next(float(m * decade) for m in (1, 2, 5, 10) if m * decade >= n * (1 - 1e-12))


def wipe(ax):
    """Remove what was drawn on ``ax`` but keep the axes themselves (their tick and scale objects).

    For drawing again on the same axes (a panel's redraw): cheaper than ``ax.clear()``, whose rebuilding of the
    tick objects costs about 30 ms on a 2-core machine.
    """
    for container in list(ax.containers):  # bars: else each redraw adds a legend entry for the old ones
        container.remove()
    for artist in [*ax.images, *ax.collections, *ax.lines, *ax.patches, *ax.texts]:
        artist.remove()
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    ax.set_prop_cycle(None)  # the next line gets the first colour again, as after clear()
    for scale, set_scale in ((ax.get_xscale(), ax.set_xscale), (ax.get_yscale(), ax.set_yscale)):
        if scale != "linear":
            set_scale("linear")
    ax.set_title("")
    ax.set_autoscale_on(True)
    ax.relim()


def power_of_ten_label(value, _pos=None) -> str:
    """10², 10⁻³, −10⁴, 0: tick labels for log and symlog axes in plain unicode.

    Matplotlib's default writes them in mathtext, which makes every redraw of a panel about twice as slow.
    """
    if value == 0:
        return "0"
    exponent = np.log10(abs(value))
    if abs(exponent - round(exponent)) > 1e-9:
        return ""
    return ("−" if value < 0 else "") + "10" + str(int(round(exponent))).translate(SUPERSCRIPTS)


def use_log_scale(ax, axis="y", **kwargs):
    """A log (or, with ``symlog=True``, symlog) axis whose tick labels are plain text, decades only, and no minor
    ticks: a grid line at every labelled decade. Between decades the minor ticks were barely visible marks on the
    spine, yet making them cost a new figure half its drawing time (a loss curve printed in 180 ms, 91 without)."""
    symlog = kwargs.pop("symlog", False)
    target = ax.yaxis if axis == "y" else ax.xaxis
    scale = "symlog" if symlog else "log"
    plain_ticks = getattr(target.get_major_formatter(), "func", None) is power_of_ten_label
    if not kwargs and target.get_scale() == scale and plain_ticks:
        return  # already so (a panel drawing again in place): setting a scale rebuilds the axis' tick machinery
    (ax.set_yscale if axis == "y" else ax.set_xscale)(scale, **kwargs)
    target.set_major_formatter(FuncFormatter(power_of_ten_label))
    target.set_minor_locator(NullLocator())
    target.set_minor_formatter(NullFormatter())


def use_linear_scale(ax, axis="y"):
    """A linear axis (where a panel drawing in place may have made it log before)."""
    if (ax.get_yscale() if axis == "y" else ax.get_xscale()) != "linear":
        (ax.set_yscale if axis == "y" else ax.set_xscale)("linear")


def loss_axis(ax, shown):
    """The y axis of a loss curve showing the values ``shown``: log, in whole decades, when they are all positive;
    else (a loss of exactly 0, a perfect fit, or none left to show) linear, from 0."""
    if shown.size and (shown > 0).all():
        use_log_scale(ax)
        ax.set_ylim(*nice_limits(shown.min(), shown.max(), log=True))
    else:
        use_linear_scale(ax)
        top = shown.max() if shown.size else 0.0
        ax.set_ylim(*nice_limits(min(shown.min(), 0.0) if shown.size else 0.0, top if top > 0 else 1.0))


def say(ax, text, color=COLORS["bad"]):
    """Write a sentence in the middle of ``ax`` (used instead of an empty plot)."""
    box = {"boxstyle": "round", "fc": "white", "ec": color}
    return ax.text(
        0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", fontsize=15, color=color, wrap=True, bbox=box
    )


def kept(drawn, key, ax):
    """``drawn[key]``, the artist an earlier call drew, if it is still on ``ax`` (else None: draw a new one)."""
    artist = drawn.get(key) if drawn else None
    return artist if artist is not None and artist.axes is ax else None


def line(ax, drawn, key, x, y, **style):
    """``ax.plot(x, y, **style)``'s line, or ``drawn[key]`` moved to (x, y) with ``style`` (in place)."""
    old = kept(drawn, key, ax)
    if old is None:
        return ax.plot(x, y, **style)[0]
    old.set_data(x, y)
    old.set(**{k: v for k, v in style.items() if v is not None})
    return old


def segments(ax, drawn, key, x, y0, y1, **style):
    """``ax.vlines(x, y0, y1, **style)``, or ``drawn[key]`` with its segments moved (in place)."""
    old = kept(drawn, key, ax)
    if old is None:
        return ax.vlines(x, y0, y1, **style)
    x, y0, y1 = (np.broadcast_to(np.asarray(v, dtype=float), np.shape(x)) for v in (x, y0, y1))
    old.set_segments(np.stack([np.column_stack([x, y0]), np.column_stack([x, y1])], axis=1))
    return old


def legend(ax, drawn, key="legend", **options):
    """``ax.legend(**options)``, or ``drawn[key]`` where it still lists exactly the labels ``ax`` has now."""
    old = kept(drawn, key, ax)
    if old is not None and old is ax.get_legend():
        _, labels = ax.get_legend_handles_labels()
        if [t.get_text() for t in old.get_texts()] == labels:
            return old
        old.remove()
    return ax.legend(**options)


def message(ax, drawn, key, text, color=COLORS["bad"]):
    """``say(ax, text)`` (or nothing, for no text), replacing ``drawn[key]``'s sentence."""
    old = kept(drawn, key, ax)
    if old is not None:
        if text and old.get_text() == text and old.get_color() == color:
            return old
        old.remove()
    return say(ax, text, color) if text else None


def points(ax, x, y, few, color, marker, size, zorder, label, edgecolor=None, drawn=None, key=None):
    """One marker per row: a scatter for a few rows, a marker-only line (several times faster to draw) for many.

    With ``drawn``: ``drawn[key]``'s markers moved to (x, y), in place."""
    old = kept(drawn, key, ax)
    same_kind = old is not None and hasattr(old, "set_offsets") == few  # a scatter for few rows, else a line
    if same_kind and len(np.atleast_1d(x)) == (len(old.get_offsets()) if few else len(old.get_xdata())):
        if few:
            old.set_offsets(np.column_stack([x, y]))
        else:
            old.set_data(x, y)
        return old
    if old is not None:
        old.remove()
    if few:
        return ax.scatter(x, y, color=color, marker=marker, s=size, zorder=zorder, label=label, edgecolors=edgecolor)
    return ax.plot(
        x,
        y,
        linestyle="none",
        marker=marker,
        markersize=3.5,
        color=color,
        zorder=zorder,
        label=label,
        markeredgecolor=edgecolor or color,
        markeredgewidth=0.3,
    )[0]


def joined_path(vertices, codes) -> Path:
    """contourpy's pieces of one line or band (lists of vertex and code arrays) as one ``Path``; empty for none."""
    if not len(vertices):
        return Path(np.empty((0, 2)))
    return Path(np.concatenate(vertices), np.concatenate(codes))


def contour_generator(x, y, Z):
    """contourpy's generator for ``Z`` over the grid ``x`` x ``y`` with matplotlib's own settings: the lines and bands
    ``ax.contour`` and ``ax.contourf`` would draw, without making a ``ContourSet`` (about 10 ms each) on a redraw."""
    X, Y = np.meshgrid(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    algorithm = mpl.rcParams["contour.algorithm"]
    return contourpy.contour_generator(
        X,
        Y,
        np.ma.masked_invalid(Z, copy=False),
        name=algorithm,
        corner_mask=mpl.rcParams["contour.corner_mask"] if algorithm != "mpl2005" else False,
        line_type=contourpy.LineType.SeparateCode,
        fill_type=contourpy.FillType.OuterCode,
    )
