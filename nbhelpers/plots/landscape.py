"""The loss landscape of two parameters (``landscape.loss_surface``) as a filled contour, with the path the two
parameters took during training drawn on it."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import LogNorm

from ..landscape import Surface
from ..notation import MATHTEXT
from .axes import axes_or_new, kept, line
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
    if kept(before, "contour", ax) is not None:
        before["contour"].remove()
    drawn = {"contour": None, "path": None, "start": None, "now": None, "note": None, "title": None}
    if finite.size:
        low, high = float(finite.min()), float(finite.max())
        shown = np.where(np.isfinite(losses), losses, high)
        if low > 0 and high / low > 100:
            bounds = np.geomspace(low, high * (1 + 1e-9), levels)
            drawn["contour"] = ax.contourf(
                surface.a_values, surface.b_values, shown, levels=bounds, norm=LogNorm(low, high), cmap="viridis"
            )
        elif high > low:
            bounds = np.linspace(low, high * (1 + 1e-12) + 1e-300, levels)
            drawn["contour"] = ax.contourf(surface.a_values, surface.b_values, shown, levels=bounds, cmap="viridis")
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
