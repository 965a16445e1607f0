"""The loss landscape of two parameters (``landscape.loss_surface``) as a filled contour, with the path the two
parameters took during training drawn on it.

The filled contour is matplotlib's ``contourf`` picture, made as ``contourf`` makes it (the same contourpy bands, the
same colours: tests/test_speedups.py compares the pixels) but as one plain ``Collection`` that a redraw moves to the
new surface, instead of a new ``ContourSet``, whose making costs about 10 ms on every playground Step.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import Collection
from matplotlib.colors import LogNorm, Normalize

from ..landscape import Surface
from ..notation import MATHTEXT
from .axes import axes_or_new, contour_generator, joined_path, kept, line
from .style import COLORS

PROJECTION_NOTE = (
    "the other seven are held where they are now;\nthey moved too in training, so the path is a projection\n"
    "and can cross the contours uphill"
)


def plot_landscape(
    surface: Surface, path_a=(), path_b=(), ax=None, levels=14, note=True, subtitle="darker: lower", drawn=None
):
    """The mean loss over ``surface.a`` × ``surface.b`` (the other seven held), and the path (``path_a``,
    ``path_b``) of the two during training, from its start (a white circle) to now (a star).

    The colours follow the logarithm of the loss when it spans more than two decades, so the valley shows.
    ``subtitle``: the title's second line; ``drawn``: what an earlier call on ``ax`` returned, to draw again in
    place (the contours are drawn anew: they cannot be moved).
    """
    ax = axes_or_new(ax, figsize=(7, 5.5))
    losses = np.asarray(surface.losses, dtype=float)
    finite = losses[np.isfinite(losses)]
    before = drawn or {}
    drawn = {"contour": None, "path": None, "start": None, "now": None, "note": None, "title": None}
    bands = None
    if finite.size:
        low, high = float(finite.min()), float(finite.max())
        shown = np.where(np.isfinite(losses), losses, high)
        if low > 0 and high / low > 100:
            bands = np.geomspace(low, high * (1 + 1e-9), levels), LogNorm(low, high)
        elif high > low:
            bands = np.linspace(low, high * (1 + 1e-12) + 1e-300, levels), None
    old = kept(before, "contour", ax)
    if bands is not None:
        drawn["contour"] = filled_contour(ax, surface.a_values, surface.b_values, shown, *bands, old)
    elif old is not None:
        old.remove()
    a, b = np.asarray(path_a, dtype=float), np.asarray(path_b, dtype=float)
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = a[ok], b[ok]
    for key in ("path", "start", "now"):
        if not a.size and kept(before, key, ax) is not None:
            before[key].remove()
    if a.size:
        drawn["path"] = line(ax, before, "path", a, b, ls="-", color="white", lw=2.2, label="path so far")
        style = {"ls": "None", "color": "white", "mec": "k", "ms": 10, "label": "start", "marker": "o"}
        drawn["start"] = line(ax, before, "start", a[:1], b[:1], **style)
        style = {"ls": "None", "color": COLORS["bad"], "mec": "white", "ms": 18, "label": "now", "marker": "*"}
        drawn["now"] = line(ax, before, "now", a[-1:], b[-1:], **style)
    ax.set_xlim(surface.a_values[0], surface.a_values[-1])
    ax.set_ylim(surface.b_values[0], surface.b_values[-1])
    ax.set_xlabel(MATHTEXT[surface.a])
    ax.set_ylabel(MATHTEXT[surface.b])
    title = f"mean loss over {MATHTEXT[surface.a]} and {MATHTEXT[surface.b]}" + (f"\n{subtitle}" if subtitle else "")
    # the title and the note are part of the frame: a panel's renderer keeps them while they are unchanged
    drawn["title"] = _frame_text(ax, before, "title", title, 1.03, "bottom", fontsize=14)
    if note:
        drawn["note"] = _frame_text(ax, before, "note", PROJECTION_NOTE, -0.16, "top", fontsize=10, color="#444444")
    elif kept(before, "note", ax) is not None:
        before["note"].remove()
    return drawn


def _frame_text(ax, before, key, text, y, va, **style):
    """A centred line of text at height ``y`` (axes coordinates), marked as part of the frame (``gid="frame"``);
    ``before[key]`` kept while its text is the same."""
    old = kept(before, key, ax)
    if old is not None and old.get_text() == text:
        return old
    if old is not None:
        old.remove()
    artist = ax.text(0.5, y, text, transform=ax.transAxes, ha="center", va=va, **style)
    artist.set_gid("frame")
    return artist


def filled_contour(ax, x, y, Z, levels, norm=None, drawn=None) -> Collection:
    """What ``ax.contourf(x, y, Z, levels=levels, norm=norm, cmap="viridis")`` draws (``Z`` finite, ``levels``
    increasing from ``Z.min()``), as a ``Collection`` of one path per band; ``drawn``: such a collection on ``ax``,
    moved to the new bands instead of making a new one."""
    log = isinstance(norm, LogNorm)
    bands = _band_paths(x, y, Z, levels, log)
    if norm is None:  # contourf's default: linear from the lowest level to the highest
        norm = Normalize(levels.min(), levels.max())
    lower, upper = levels[:-1], levels[1:]
    layers = np.sqrt(lower) * np.sqrt(upper) if log else 0.5 * (lower + upper)
    if drawn is None:
        drawn = Collection(antialiaseds=False, edgecolor="none", transform=ax.transData, cmap="viridis")
        ax.add_collection(drawn, autolim=False)
    drawn.set_paths(bands)
    drawn.set_norm(norm)
    drawn.set_array(layers)  # each band coloured by its middle (geometric on a log scale), as contourf does
    return drawn


def _band_paths(x, y, Z, levels, log):
    """One ``Path`` per band between two levels, as ``contourf`` computes them (contourpy, matplotlib's settings);
    the lowest band reaches below ``Z.min()`` so that the lowest grid points are filled too."""
    generator = contour_generator(x, y, Z)
    lowers, uppers = levels[:-1].copy(), levels[1:]
    if lowers[0] == Z.min():
        lowers[0] = 0.99 * lowers[0] if log else lowers[0] - 1
    return [joined_path(*pieces) for pieces in map(generator.create_filled_contour, lowers, uppers)]
