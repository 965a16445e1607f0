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

A slider dragged back and forth brings the frames back to pictures already drawn (the loss axis returns to the
decades it had). So the renderer keeps the last ``FRAME_CACHE`` frame pictures it sent, as their PNG bytes, by
signature: a signature met again is decoded from them (a few ms) instead of drawn again (40-70 ms), and its PNG is
sent as it is, under the number it was first sent with (``frame_version``): a number always stands for the same
pixels, so the page, which keeps the frames it has decoded by number, need not decode them again.

A legend outside every axes (``plots.LEGEND`` puts them in the margin) covers only the figure's background, which
never changes: its pixels depend only on its own content and place, so the renderer keeps them and pastes them back,
border included, while the legend's texts, handles and place are unchanged, instead of drawing its text again (a
third of the data's drawing time). A title clear of every axes is kept the same way while its text, style and place
are unchanged ("after epoch 100" stays while η moves). A legend or title over an axes is always drawn.

The PNG is written by ``encode_png``: rows unfiltered, zlib's fastest level, two to three times faster than
Pillow's encoder for a file about as small.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections import OrderedDict
from contextlib import contextmanager

import matplotlib as mpl
import numpy as np
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.legend import Legend
from matplotlib.patches import BoxStyle, Circle
from matplotlib.spines import Spine
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from .scene import Scene, SceneRecorder

PNG_LEVEL = 1  # zlib's fastest level: a panel's PNG is encoded on every move and decoded at once
FRAME_CACHE = 32  # frame pictures a renderer keeps (their PNGs: 20-60 KB each), the least recently shown dropped

# A panel's text is laid out and drawn unhinted: then Agg places every glyph where its outline lies, and the page's
# canvas, which draws the outlines (scene.py), shows the same text (hinted, Agg moves glyphs by up to a pixel each).
# (text.hinting_factor, 8 before matplotlib 3.11, is 1 from then on, and deprecated)
UNHINTED = {"text.hinting": "none", **({"text.hinting_factor": 1} if mpl.__version_info__ < (3, 11) else {})}


@contextmanager
def unhinted_text():
    """Draw a panel's figure with ``UNHINTED`` text (the two settings are put back afterwards)."""
    old = {key: mpl.rcParams[key] for key in UNHINTED}
    mpl.rcParams.update(UNHINTED)
    try:
        yield
    finally:
        mpl.rcParams.update(old)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(rgba) -> bytes:
    """A PNG of an (height, width, 4) uint8 RGBA array: 8-bit RGBA, every row unfiltered, zlib level 1.

    Two to three times faster than Pillow's encoder at its fastest level (which tries the five PNG filters on every
    row), for files about as small: a panel's picture is mostly flat colour. Lossless; ``tests/test_render.py``
    decodes it with Pillow.
    """
    rgba = np.asarray(rgba, dtype=np.uint8)
    height, width, channels = rgba.shape
    if channels != 4:
        raise ValueError(f"encode_png takes RGBA pixels, (height, width, 4); got shape {rgba.shape}")
    rows = np.empty((height, 1 + 4 * width), dtype=np.uint8)
    rows[:, 0] = 0  # filter type 0 (none) for every row
    rows[:, 1:] = rgba.reshape(height, 4 * width)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8 bits, colour type 6 (RGBA), no interlace
    data = zlib.compress(rows.tobytes(), PNG_LEVEL)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b"")


def decode_png(png: bytes):
    """The (height, width, 4) uint8 RGBA pixels of a PNG that ``encode_png`` wrote (one IDAT chunk, rows
    unfiltered); ValueError for any other PNG."""
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", png[16:29])
    (length,), kind = struct.unpack(">I", png[33:37]), png[37:41]
    if png[:8] != b"\x89PNG\r\n\x1a\n" or kind != b"IDAT" or (depth, colour, interlace) != (8, 6, 0):
        raise ValueError("decode_png reads only the PNGs encode_png writes")
    rows = np.frombuffer(zlib.decompress(png[41 : 41 + length]), dtype=np.uint8).reshape(height, 1 + 4 * width)
    if rows[:, 0].any():
        raise ValueError("decode_png reads only unfiltered rows, as encode_png writes them")
    return rows[:, 1:].reshape(height, width, 4)


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
    if isinstance(artist, Legend):  # its texts, handles and what decides where it lies (laying it out costs ms)
        return ("legend", _legend_place_key(artist, _legend_key(artist)))
    if isinstance(artist, Circle):
        return ("circle", artist.center, artist.radius, artist.get_facecolor(), artist.get_edgecolor())
    return ("artist", id(artist))


def data_artists(ax):
    """Everything visible in ``ax`` except its frame (titles and legend included), in drawing order."""
    children = [a for a in ax.get_children() if not _is_frame(a, ax) and a.get_visible()]
    return sorted(children, key=lambda a: a.get_zorder())


def tick_signature(ax):
    """An axes' ticks and tick labels (laying them out costs a few ms: see ``ticks_key``)."""
    return (
        tuple(ax.get_xticks()),
        tuple(ax.get_yticks()),
        tuple(t.get_text() for t in ax.get_xticklabels()),
        tuple(t.get_text() for t in ax.get_yticklabels()),
    )


TICKS = 8  # where ``axes_signature`` keeps the ``tick_signature``


def axes_signature(ax, ticks=None):
    """What one axes' frame pixels depend on: position, limits, scales, labels, ticks and frame artists.
    ``ticks``: its ``tick_signature`` where already known."""
    return (
        tuple(ax.get_position().bounds),
        ax.get_xlim(),
        ax.get_ylim(),
        ax.get_xscale(),
        ax.get_yscale(),
        ax.get_xlabel(),
        ax.get_ylabel(),
        ax.axison,
        tick_signature(ax) if ticks is None else ticks,
        tuple(_static_key(a) for a in ax.get_children() if a.get_gid() == FRAME_GID),
    )


def frame_signature(fig, ticks=None):
    """What the frames' pixels depend on: figure size, and each axes' ``axes_signature`` (``ticks``: each axes'
    ``tick_signature``, where already known)."""
    ticks = ticks or [None] * len(fig.axes)
    return [tuple(fig.bbox.bounds), fig.dpi] + [axes_signature(ax, k) for ax, k in zip(fig.axes, ticks)]


def _ticking(axis):
    """What decides an axis' ticks and their labels besides its limits, scale and length: its locators and
    formatters (the objects; a panel that wants other ticks sets new ones)."""
    return tuple(id(x) for x in (axis.major.locator, axis.major.formatter, axis.minor.locator, axis.minor.formatter))


def ticks_key(fig):
    """``frame_signature`` without the ticks and tick labels, plus what decides them (``_ticking``): where it is
    unchanged, so are the ticks, and the renderer keeps the last signature instead of laying the ticks out again
    (about 5 ms a redraw)."""
    return [tuple(fig.bbox.bounds), fig.dpi] + [
        (
            tuple(ax.get_position().bounds),
            ax.get_xlim(),
            ax.get_ylim(),
            ax.get_xscale(),
            ax.get_yscale(),
            _ticking(ax.xaxis),
            _ticking(ax.yaxis),
        )
        for ax in fig.axes
    ]


def frame_box(ax, renderer) -> Bbox:
    """Where ``ax``'s frame draws: its area, ticks, tick labels, axis labels and frame artists (not its title, not
    its data)."""
    boxes = [ax.bbox] + [b for b in (ax.xaxis.get_tightbbox(renderer), ax.yaxis.get_tightbbox(renderer)) if b]
    boxes += [a.get_window_extent(renderer) for a in ax.get_children() if a.get_gid() == FRAME_GID]
    return Bbox.union(boxes).padded(3)


def pixel_box(box: Bbox, pad=2) -> Bbox:
    """``box`` padded by ``pad`` pixels and rounded outwards to whole pixels: every pixel an artist's antialiased
    edge touches (a kept region cut at a fraction would drop the last column of a legend's border)."""
    box = box.padded(pad)
    return Bbox.from_extents(math.floor(box.x0), math.floor(box.y0), math.ceil(box.x1), math.ceil(box.y1))


def _clear_of_axes(box: Bbox, fig) -> bool:
    """``box`` touches no axes: only the figure's background, which never changes, lies under it."""
    return not any(box.overlaps(ax.bbox) for ax in fig.axes)


def _pastable(legend, box: Bbox, fig) -> bool:
    """Opaque, square, and (its ``box``) clear of every axes: nothing that changes is drawn under it."""
    frame = legend.get_frame()
    square = isinstance(frame.get_boxstyle(), BoxStyle.Square)
    return frame.get_facecolor()[3] == 1.0 and square and _clear_of_axes(box, fig)


def _legend_place_key(legend, content):
    """What decides where a legend with ``content`` (its ``_legend_key``) lies: its anchor and the figure's size.
    (Not the data: a legend placed "best", which moves with the data, lies over an axes and is never kept; it must
    not be marked ``gid="frame"``.)"""
    return content, tuple(legend.get_bbox_to_anchor().bounds), tuple(legend.figure.bbox.bounds)


def _legend_key(legend):
    """A legend's texts and handles (where it lies is in the key beside it)."""
    handles = tuple((type(h).__name__, str(getattr(h, "get_color", lambda: None)())) for h in legend.legend_handles)
    return tuple(t.get_text() for t in legend.texts), handles


def _hashable(signature):
    """``signature`` as a dict key (nested tuples), or None where some part of it cannot be one."""
    try:
        key = tuple(signature)
        hash(key)
    except TypeError:
        return None
    return key


class BlitRenderer:
    """PNG bytes of ``fig``; reuses the frames' pixels while ``frame_signature`` is unchanged."""

    def __init__(self, fig):
        self.fig = fig
        self.canvas = FigureCanvasAgg(fig)
        self._signature = None
        self._ticks_key = None  # ``ticks_key`` at the last signature
        self._background = None
        self._kept = {}  # ("legend", axes index) or ("title", axes index, which) -> (key, its pixels): see _draw_kept
        self._boxes = []  # where each axes' frame drew at the last frame draw
        self.full_draws = 0
        self.frame_redraws = 0  # frames of some axes only drawn again
        self.frames_recalled = 0  # frame pictures decoded from ``_pictures`` instead of drawn
        self.frame_version = 0  # the number of the frames' picture on the canvas (0: none yet): see _number
        self._numbers = 0  # the last number given to a new picture
        self._pictures = OrderedDict()  # hashable signature -> (PNG bytes, boxes, number) of frames sent: _recall
        self._recorder = None  # the SceneRecorder of ``scene()``, and the commands it keeps (like ``_kept``)
        self._kept_ops = {}
        self._measured_boxes = {}  # slot (as in _kept) -> (legend or title, key, box): see _measured_box

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

    def frames(self, full=False) -> bool:
        """Bring the canvas to the picture of the frames (drawing them again only where their signature changed);
        returns whether that picture differs from the last call's."""
        with unhinted_text():
            return self._frames(full)

    def _frames(self, full):
        before = self.frame_changes
        tick_key = ticks_key(self.fig)
        same_ticks = tick_key == self._ticks_key and self._signature is not None
        signature = frame_signature(self.fig, [s[TICKS] for s in self._signature[2:]] if same_ticks else None)
        self._ticks_key = tick_key
        old, key = self._signature, None
        if full or old is None or signature[:2] != old[:2] or len(signature) != len(old):
            self._draw_frames()
        else:
            changed = [i for i, (a, b) in enumerate(zip(signature[2:], old[2:])) if a != b]
            if not changed:
                self.canvas.restore_region(self._background)
            elif self._recall(key := _hashable(signature)):
                pass
            elif len(changed) == len(self.fig.axes) or not self._redraw_frames_of(changed):  # all: draw the figure
                self._draw_frames()
        self._signature = signature
        if self.frame_changes == before:
            return False
        self._picture_key = key if key is not None else _hashable(signature)
        self._number()
        return True

    _picture_key = None  # the hashable signature of the frames on the canvas (None: not kept)

    def _number(self) -> None:
        """Number the frames' picture now on the canvas (``frame_version``): a picture kept in ``_pictures`` (recalled,
        or drawn again to the same signature: the same pixels) has the number it was sent with, any other a new one.
        So a number always stands for the same pixels, and the page, which keeps the pictures it has decoded by
        number (``canvas_view.js``), need not decode one it has seen."""
        kept = self._pictures.get(self._picture_key) if self._picture_key is not None else None
        if kept is not None:
            self.frame_version = kept[2]
        else:
            self._numbers += 1
            self.frame_version = self._numbers

    def _recall(self, key) -> bool:
        """Bring back the frames' picture of signature ``key`` from its PNG, if it was sent before: the same pixels
        as drawing it (``encode_png`` is lossless; the signature holds the figure's size), and the same boxes."""
        if key not in self._pictures:  # None (a signature that cannot be a key) never is
            return False
        png, boxes, _ = self._pictures[key]
        np.asarray(self.canvas.buffer_rgba())[...] = decode_png(png)
        self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        self._boxes = list(boxes)
        self._pictures.move_to_end(key)
        self.frames_recalled += 1
        return True

    def _data(self, renderer):
        """Every data artist in drawing order, with ``(slot, key, box)`` where its pixels can be kept while ``key``
        and ``box`` stay the same (a pastable legend; a title clear of every axes), else None."""
        for i, ax in enumerate(self.fig.axes):
            titles = title_artists(ax)
            for artist in data_artists(ax):
                kept = None
                if isinstance(artist, Legend):  # its place: its content, anchor and the figure's size decide it
                    slot, content = ("legend", i), _legend_key(artist)
                    box = self._measured_box(slot, artist, _legend_place_key(artist, content), renderer)
                    if _pastable(artist, box, self.fig):
                        kept = (slot, (content, tuple(box.bounds)), box)
                elif artist in titles and artist.get_text():  # its place: its text and style, and the frames (ticks)
                    slot, style = ("title", i, titles.index(artist)), _static_key(artist)
                    box = self._measured_box(slot, artist, (style, self.frame_version), renderer)
                    if _clear_of_axes(box, self.fig):  # a title over some axes' data is always drawn
                        kept = (slot, (style, tuple(box.bounds)), box)
                yield artist, kept

    def _measured_box(self, slot, artist, key, renderer) -> Bbox:
        """Where ``artist`` (the legend or title in ``slot``) lies, in whole pixels, laid out afresh only when it is
        another artist or its ``key`` changed (laying a legend out costs a few ms; the frame of a new legend has no
        place until it is drawn)."""
        cached = self._measured_boxes.get(slot)
        if cached is None or cached[0] is not artist or cached[1] != key:
            cached = self._measured_boxes[slot] = (artist, key, pixel_box(artist.get_window_extent(renderer)))
        return cached[2]

    def png(self, full=False) -> bytes:
        """PNG bytes of the figure: the frames, and the data drawn on top."""
        self.frames(full)
        renderer = self.canvas.get_renderer()
        with unhinted_text():
            for artist, kept in self._data(renderer):
                if kept is None:
                    artist.draw(renderer)
                else:
                    self._draw_kept(artist, *kept, renderer)
        return encode_png(self.canvas.buffer_rgba())

    @property
    def frame_changes(self) -> int:
        """Counts the times the frames' picture has changed (drawn wholly or in part, or recalled)."""
        return self.full_draws + self.frame_redraws + self.frames_recalled

    def frame_png(self) -> bytes:
        """The frames' picture as a PNG (after ``frames()``); kept by signature, to be recalled (``_recall``)."""
        key = self._picture_key
        if key in self._pictures:
            self._pictures.move_to_end(key)
            return self._pictures[key][0]
        self.canvas.restore_region(self._background)
        png = encode_png(self.canvas.buffer_rgba())
        if key is not None:
            self._pictures[key] = (png, list(self._boxes), self.frame_version)
            while len(self._pictures) > FRAME_CACHE:
                self._pictures.popitem(last=False)
        return png

    def scene(self) -> bytes:
        """The data as drawing commands for the page's canvas (``scene.py``), to draw over the frames' picture (call
        ``frames()`` first). A legend or title ``png`` would paste is recorded once and its commands reused."""
        renderer = self.canvas.get_renderer()
        if self._recorder is None or self._recorder.agg is not renderer:
            self._recorder = SceneRecorder(renderer)
            self._kept_ops = {}
        with unhinted_text():
            return self._scene(renderer)

    def _scene(self, renderer) -> bytes:
        recorder = self._recorder
        scene = recorder.scene = Scene()
        for artist, kept in self._data(renderer):
            if kept is None:
                artist.draw(recorder)
                continue
            slot, key, _ = kept
            cached = self._kept_ops.get(slot)
            if cached is None or cached[0] != key:
                part = recorder.scene = Scene()
                artist.draw(recorder)
                recorder.scene = scene
                cached = self._kept_ops[slot] = (key, part.ops)
            scene.ops.extend(cached[1])
        return scene.to_bytes()

    def _draw_kept(self, artist, slot, key, box, renderer):
        """Draw ``artist`` over the figure's background in ``box`` (which covers no axes), or, while its ``key`` (its
        box included) is what it was when it was last drawn in ``slot``, paste the pixels kept then."""
        cached = self._kept.get(slot)
        if cached is not None and cached[0] == key:
            self.canvas.restore_region(cached[1])
            return
        artist.draw(renderer)
        self._kept[slot] = (key, self.canvas.copy_from_bbox(box))
