"""Render a panel's figure to PNG quickly: redraw only the data when the axes frames have not changed.

Drawing text is most of the cost of a matplotlib figure (tick labels, axis labels), and a slider move rarely changes
it. So the renderer keeps a picture of the *frames* (axes backgrounds, spines, ticks, tick labels, axis labels, and
any artist a plot marks as part of the frame with ``gid="frame"``: a diagram's nodes and names) and, while their
signature (size, limits, scales, ticks, labels, those artists' texts and places) stays the same, restores that
picture and draws only the data on top (lines, markers, bars, images, contours, titles, texts, legends): the classic
blitting technique, on an off-screen Agg canvas. When some axes' frames change and the others' do not (say the loss
axis moves a decade while the fit's stays), it clears the changed frames' regions and draws only those frames again,
provided no region touches another frame; otherwise it draws every frame again. The picture is always the one a
fresh panel shows at the same values (a test compares them pixel for pixel); it differs from a plain full draw only
in stacking: the data is always drawn above the grid.

A legend outside every axes (``plots.LEGEND`` puts them in the margin) covers only the figure's background, which
never changes: its pixels depend only on its own content and place, so the renderer keeps them and pastes them back,
border included, while the legend's texts, handles and place are unchanged, instead of drawing its text again (a
third of the data's drawing time). A legend inside an axes is always drawn.
"""

from __future__ import annotations

import io
import math

import numpy as np
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.legend import Legend
from matplotlib.patches import BoxStyle, Circle
from matplotlib.spines import Spine
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from PIL import Image

PNG_OPTIONS = {"compress_level": 1, "compress_type": 3}  # zlib level 1 with Z_RLE: the fastest lossless encoding here


def title_artists(ax) -> tuple:
    """The three titles of ``ax`` (centre, left, right): matplotlib keeps the last two in private attributes.

    The one place that reads them; ``tests/test_render.py`` fails loudly if a matplotlib release moves them.
    """
    return ax.title, ax._left_title, ax._right_title


FRAME_GID = "frame"  # an artist with this gid is drawn with the frame: it is cached with it while it is unchanged


def _is_frame(artist, ax) -> bool:
    return artist is ax.patch or isinstance(artist, (Axis, Spine)) or artist.get_gid() == FRAME_GID


def _static_key(artist):
    """What a frame artist's pixels depend on. An artist of an unknown kind gets its identity: a new one is then
    always a change (the frame is drawn again: correct, only slower)."""
    if isinstance(artist, Text):
        return (
            "text",
            artist.get_text(),
            artist.get_position(),
            artist.get_color(),
            artist.get_fontsize(),
            artist.get_ha(),
            artist.get_va(),
            artist.get_fontweight(),
            artist.get_visible(),
        )
    if isinstance(artist, Legend):  # its texts, handles and where it lays itself out (through public calls only)
        where = artist.get_window_extent(artist.figure.canvas.get_renderer()).bounds
        return ("legend", tuple(t.get_text() for t in artist.texts), _legend_key(artist)[1], tuple(where))
    if isinstance(artist, Circle):
        return ("circle", artist.center, artist.radius, artist.get_facecolor(), artist.get_edgecolor())
    return ("artist", id(artist))


def data_artists(ax):
    """Everything visible in ``ax`` except its frame (titles and legend included), in drawing order."""
    children = [a for a in ax.get_children() if not _is_frame(a, ax) and a.get_visible()]
    return sorted(children, key=lambda a: a.get_zorder())


def axes_signature(ax):
    """What one axes' frame pixels depend on: position, limits, scales, ticks and labels."""
    return (
        tuple(ax.get_position().bounds),
        ax.get_xlim(),
        ax.get_ylim(),
        ax.get_xscale(),
        ax.get_yscale(),
        ax.get_xlabel(),
        ax.get_ylabel(),
        ax.axison,
        tuple(ax.get_xticks()),
        tuple(ax.get_yticks()),
        tuple(t.get_text() for t in ax.get_xticklabels()),
        tuple(t.get_text() for t in ax.get_yticklabels()),
        tuple(_static_key(a) for a in ax.get_children() if a.get_gid() == FRAME_GID),
    )


def frame_signature(fig):
    """What the frames' pixels depend on: figure size, and each axes' ``axes_signature``."""
    return [tuple(fig.bbox.bounds), fig.dpi] + [axes_signature(ax) for ax in fig.axes]


def frame_box(ax, renderer) -> Bbox:
    """Where ``ax``'s frame draws: its area, ticks, tick labels, axis labels and frame artists (not its title, not
    its data)."""
    boxes = [ax.bbox] + [b for b in (ax.xaxis.get_tightbbox(renderer), ax.yaxis.get_tightbbox(renderer)) if b]
    boxes += [a.get_window_extent(renderer) for a in ax.get_children() if a.get_gid() == FRAME_GID]
    return Bbox.union(boxes).padded(3)


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
        self._boxes = []  # where each axes' frame drew at the last frame draw
        self.full_draws = 0
        self.frame_redraws = 0  # frames of some axes only drawn again

    def _hide_data(self, axes):
        """Hide the data of ``axes`` and make their titles transparent; returns the undo function.

        Titles are made transparent, not invisible: an invisible title has no extent, and the axes would then
        move it up as if it overlapped the ticks.
        """
        titles = {a: a.get_alpha() for ax in axes for a in title_artists(ax)}
        hidden = [a for ax in axes for a in data_artists(ax) if a not in titles]
        for a in hidden:
            a.set_visible(False)
        for a in titles:
            a.set_alpha(0.0)

        def undo():
            for a in hidden:
                a.set_visible(True)
            for a, alpha in titles.items():
                a.set_alpha(alpha)

        return undo

    def _draw_frames(self):
        undo = self._hide_data(self.fig.axes)
        try:
            self.canvas.draw()
        finally:
            undo()
        renderer = self.canvas.get_renderer()
        self._boxes = [frame_box(ax, renderer) for ax in self.fig.axes]
        self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        self.full_draws += 1

    def _redraw_frames_of(self, changed) -> bool:
        """Draw again only the frames of the axes (indices) in ``changed``, over the cached picture of the others.

        Each changed frame's old and new places are cleared to the figure's colour and its frame drawn there:
        the same pixels as a full draw, as long as that region touches no other frame (else returns False and
        nothing is drawn) and the figure has no artists of its own (legends, texts) that a region could cover.
        """
        fig = self.fig
        edge = fig.patch.get_linewidth() > 0 and fig.patch.get_edgecolor() != fig.patch.get_facecolor()
        if fig.legends or fig.texts or fig.patches or fig.lines or fig.images or edge:
            return False
        renderer = self.canvas.get_renderer()
        axes = [fig.axes[i] for i in changed]
        new_boxes = {i: frame_box(fig.axes[i], renderer) for i in changed}
        regions = {i: Bbox.union([self._boxes[i], new_boxes[i]]) for i in changed}
        kept = [b for j, b in enumerate(self._boxes) if j not in regions]
        for i, region in regions.items():
            others = kept + [r for k, r in regions.items() if k != i]
            if any(region.overlaps(b) for b in others):
                return False
        self.canvas.restore_region(self._background)
        pixels = np.asarray(self.canvas.buffer_rgba())
        height, width = pixels.shape[:2]
        face = np.round(np.array(to_rgba(fig.get_facecolor())) * 255).astype(np.uint8)
        for region in regions.values():
            x0, x1 = max(0, math.floor(region.x0)), min(width, math.ceil(region.x1))
            y0, y1 = max(0, math.floor(height - region.y1)), min(height, math.ceil(height - region.y0))
            pixels[y0:y1, x0:x1] = face
        undo = self._hide_data(axes)
        try:
            for ax in axes:
                ax.draw(renderer)
        finally:
            undo()
        for i, box in new_boxes.items():
            self._boxes[i] = box
        self._background = self.canvas.copy_from_bbox(fig.bbox)
        self.frame_redraws += 1
        return True

    def png(self, full=False) -> bytes:
        signature = frame_signature(self.fig)
        old = self._signature
        if full or old is None or signature[:2] != old[:2] or len(signature) != len(old):
            self._draw_frames()
        else:
            changed = [i for i, (a, b) in enumerate(zip(signature[2:], old[2:])) if a != b]
            if not changed:
                self.canvas.restore_region(self._background)
            elif len(changed) == len(self.fig.axes) or not self._redraw_frames_of(changed):  # all: draw the figure
                self._draw_frames()
        self._signature = signature
        renderer = self.canvas.get_renderer()
        for i, ax in enumerate(self.fig.axes):
            for artist in data_artists(ax):
                if isinstance(artist, Legend) and _pastable(artist, self.fig):
                    self._draw_legend(i, artist, renderer)
                else:
                    artist.draw(renderer)
        size = self.canvas.get_width_height()
        image = Image.frombuffer("RGBA", size, self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        if self._opaque():  # no pixel can be see-through: RGB, a quarter less to encode and to decode
            image = image.convert("RGB")
        buf = io.BytesIO()
        image.save(buf, format="png", **PNG_OPTIONS)
        return buf.getvalue()

    def _opaque(self) -> bool:
        patch = self.fig.patch
        return patch.get_visible() and to_rgba(patch.get_facecolor(), patch.get_alpha())[3] == 1.0

    def _draw_legend(self, i, legend, renderer):
        key = _legend_key(legend)
        cached = self._legends.get(i)
        if cached is not None and cached[0] == key:
            self.canvas.restore_region(cached[1])
            return
        legend.draw(renderer)
        self._legends[i] = (key, self.canvas.copy_from_bbox(legend.get_frame().get_window_extent().padded(2)))
