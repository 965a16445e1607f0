"""Render a panel's figure to PNG quickly: redraw only the data when the axes frames have not changed.

Drawing text is most of the cost of a matplotlib figure (tick labels, axis labels), and a slider move rarely
changes it. So the renderer keeps a picture of the *frames* (axes backgrounds, spines, ticks, tick labels, axis
labels) and, while their signature (size, limits, scales, ticks, labels) stays the same, restores that picture
and draws only the data on top (lines, markers, bars, images, contours, titles, texts, legends): the classic
blitting technique, on an off-screen Agg canvas. When a frame changes, it draws the whole figure again.
The pixels differ from a full draw only in stacking: the data is always drawn above the grid.

A legend outside every axes (the plots put theirs in the margin) covers only the figure's background, which
never changes: its pixels depend only on its own content and place, so the renderer keeps them and pastes them
back, border included, while the legend's texts, handles and place are unchanged, instead of drawing its text
again (a third of the data's drawing time). A legend inside an axes is always drawn.
"""

from __future__ import annotations

import io

from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.legend import Legend
from matplotlib.patches import BoxStyle
from matplotlib.spines import Spine
from PIL import Image

PNG_OPTIONS = {"compress_level": 1}  # fast to encode; the PNGs are transient


def _is_frame(artist, ax) -> bool:
    return artist is ax.patch or isinstance(artist, (Axis, Spine))


def data_artists(ax):
    """Everything visible in ``ax`` except its frame (titles and legend included), in drawing order."""
    children = [a for a in ax.get_children() if not _is_frame(a, ax) and a.get_visible()]
    return sorted(children, key=lambda a: a.get_zorder())


def frame_signature(fig):
    """What the frames' pixels depend on: figure size, axes positions, limits, scales, ticks and labels."""
    sig = [tuple(fig.bbox.bounds), fig.dpi]
    for ax in fig.axes:
        sig.append((
            tuple(ax.get_position().bounds), ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(),
            ax.get_xlabel(), ax.get_ylabel(), ax.axison,
            tuple(ax.get_xticks()), tuple(ax.get_yticks()),
            tuple(t.get_text() for t in ax.get_xticklabels()), tuple(t.get_text() for t in ax.get_yticklabels()),
        ))  # fmt: skip
    return sig


def _pastable(legend, fig) -> bool:
    """Opaque, square, and clear of every axes: nothing that changes is drawn under it."""
    frame = legend.get_frame()
    if frame.get_facecolor()[3] != 1.0 or not isinstance(frame.get_boxstyle(), BoxStyle.Square):
        return False
    box = frame.get_window_extent().padded(2)
    return not any(box.overlaps(ax.bbox) for ax in fig.axes)


def _legend_key(legend):
    handles = tuple((type(h).__name__, str(getattr(h, "get_color", lambda: None)())) for h in legend.legend_handles)
    return tuple(t.get_text() for t in legend.texts), handles, tuple(legend.get_frame().get_window_extent().bounds)


class BlitRenderer:
    """PNG bytes of ``fig``; reuses the frames' pixels while ``frame_signature`` is unchanged."""

    def __init__(self, fig):
        self.fig = fig
        self.canvas = FigureCanvasAgg(fig)
        self._signature = None
        self._background = None
        self._legends = {}  # axes index -> (legend key, its pixels)
        self.full_draws = 0

    def _draw_frames(self):
        # Titles are made transparent, not invisible: an invisible title has no extent, and the axes would
        # then move it up as if it overlapped the ticks.
        titles = {a: a.get_alpha() for ax in self.fig.axes for a in (ax.title, ax._left_title, ax._right_title)}
        hidden = [a for ax in self.fig.axes for a in data_artists(ax) if a not in titles]
        for a in hidden:
            a.set_visible(False)
        for a in titles:
            a.set_alpha(0.0)
        try:
            self.canvas.draw()
        finally:
            for a in hidden:
                a.set_visible(True)
            for a, alpha in titles.items():
                a.set_alpha(alpha)
        self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        self.full_draws += 1

    def png(self, full=False) -> bytes:
        signature = frame_signature(self.fig)
        if full or signature != self._signature:
            self._draw_frames()
            self._signature = signature
        else:
            self.canvas.restore_region(self._background)
        renderer = self.canvas.get_renderer()
        for i, ax in enumerate(self.fig.axes):
            for artist in data_artists(ax):
                if isinstance(artist, Legend) and _pastable(artist, self.fig):
                    self._draw_legend(i, artist, renderer)
                else:
                    artist.draw(renderer)
        size = self.canvas.get_width_height()
        image = Image.frombuffer("RGBA", size, self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        image.save(buf, format="png", **PNG_OPTIONS)
        return buf.getvalue()

    def _draw_legend(self, i, legend, renderer):
        key = _legend_key(legend)
        cached = self._legends.get(i)
        if cached is not None and cached[0] == key:
            self.canvas.restore_region(cached[1])
            return
        legend.draw(renderer)
        self._legends[i] = (key, self.canvas.copy_from_bbox(legend.get_frame().get_window_extent().padded(2)))
