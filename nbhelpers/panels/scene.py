"""A panel's data as drawing commands for the page's canvas: matplotlib draws, this renderer writes down what it draws.

The live view of a panel (``panels.base.FigureView``) shows two layers on an HTML canvas: the *frames* (axes, ticks,
labels: the picture ``render.BlitRenderer`` keeps, sent as a PNG only when it changes) and on top the *data*
(lines, markers, contours, images, titles, legends, texts). The data are not rasterised in the kernel: each artist
draws itself, as always, but onto a ``SceneRecorder``, which records every path, marker, image and glyph outline in
display coordinates; the page replays them with the canvas 2D API. So there is one description of every plot, the
matplotlib artists the plot functions make: the static figure, the PNG and the canvas are three renderings of it.

Text is recorded as the glyphs' outlines (matplotlib's own text-to-path, mathtext included) at the places the Agg
renderer lays it out (its metrics are used), so titles and legends stand where they stand in the PNG.

The scene is one ``bytes`` value (``unpack`` reads it back; ``canvas_view.js`` reads it in the page): two little-endian
uint32 (the length of the JSON head, the count of float32 numbers), the head (a JSON list of commands, padded with
spaces to 4 bytes), the float32 numbers the commands index into (vertices, path codes, marker offsets), then the bytes
of the images (RGBA, or for an image of at most 256 colours one palette index per pixel). Coordinates are canvas pixels:
x to the right, y down from the top edge.
"""

from __future__ import annotations

import json
import math
import struct

import numpy as np
from matplotlib.backend_bases import GraphicsContextBase, RendererBase
from matplotlib.ft2font import LoadFlags
from matplotlib.path import Path
from matplotlib.text import _get_text_metrics_with_cache
from matplotlib.textpath import TextToPath
from matplotlib.transforms import Affine2D

_CAPS = {"butt": "butt", "round": "round", "projecting": "square"}


class _GlyphOutlines:
    """Text as glyph outlines, like matplotlib's ``TextToPath.get_text_path``, but each glyph's outline is made once.

    ``TextToPath`` lays the text out, then loads every glyph and builds the outline vertex by vertex in Python: about
    1 ms for a 40-character title, on every redraw that changes a number in it. Here the text is laid out as
    ``TextToPath`` lays it out (its font, with the fallbacks, from its private ``_get_font``; the font's private
    ``_layout``), and each glyph's outline, made once per font file and glyph, is placed with numpy: about 0.4 ms.
    ``tests/test_render.py`` checks that both names are there and that the outlines are ``TextToPath``'s, vertex
    for vertex. Mathtext, and a matplotlib without those names, go through ``TextToPath`` itself. Whole texts are
    kept too: a panel redraws the same texts."""

    def __init__(self):
        self._inner = TextToPath()
        self.FONT_SCALE = self._inner.FONT_SCALE
        self._glyphs = {}  # (font file, face, glyph index) -> (vertices, codes) at FONT_SCALE
        self._paths = {}  # (font, text, ismath) -> (vertices, codes)

    def get_text_path(self, prop, s, ismath=False):
        key = (hash(prop), s, ismath)
        path = self._paths.get(key)
        if path is None:
            if len(self._paths) > 2000:
                self._paths.clear()
            font = None if ismath or not hasattr(self._inner, "_get_font") else self._inner._get_font(prop)
            if font is None or not hasattr(font, "_layout"):
                path = self._inner.get_text_path(prop, s, ismath=ismath)
            else:
                path = self._outlines(font, s)
            self._paths[key] = path
        return path

    def _outlines(self, font, s):
        vertices, codes = [], []
        for item in font._layout(s, LoadFlags.NO_HINTING):
            glyph = item.ft_object
            key = (glyph.fname, glyph.face_index, item.glyph_index)
            outline = self._glyphs.get(key)
            if outline is None:
                glyph.load_glyph(item.glyph_index, flags=LoadFlags.NO_HINTING)
                v, c = glyph.get_path()
                outline = self._glyphs[key] = (np.asarray(v, dtype=float), np.asarray(c))
            vertices.append(outline[0] + (item.x, item.y))
            codes.append(outline[1])
        if not vertices:
            return np.empty((0, 2)), np.empty(0, dtype=np.uint8)
        return np.concatenate(vertices), np.concatenate(codes)


_TEXT_TO_PATH = _GlyphOutlines()


class Scene:
    """The commands, in drawing order. A command is a dict; its numbers (vertices, path codes, offsets) are float32
    arrays and its pixels bytes until ``to_bytes`` packs them. A recorded part can be kept and added to a later scene
    as it is (``ops.extend``): nothing in a command refers to another."""

    ARRAYS = ("v", "c", "o")  # keys of a command (or of its clip path "cp") that hold float32 arrays

    def __init__(self):
        self.ops = []

    def to_bytes(self) -> bytes:
        floats, blobs, n_floats, n_bytes = [], [], 0, 0

        def refs(op):
            nonlocal n_floats, n_bytes
            out = dict(op)
            for key in self.ARRAYS:
                if key in op:
                    a = op[key]
                    floats.append(a)
                    out[key] = [n_floats, int(a.size)]
                    n_floats += a.size
            if "b" in op:
                blobs.append(op["b"])
                out["b"] = [n_bytes, len(op["b"])]
                n_bytes += len(op["b"])
            if "cp" in op:
                out["cp"] = refs(op["cp"])
            return out

        head = json.dumps([refs(op) for op in self.ops], separators=(",", ":")).encode()
        head += b" " * (-len(head) % 4)
        numbers = np.concatenate(floats).astype("<f4").tobytes() if floats else b""
        return struct.pack("<II", len(head), n_floats) + head + numbers + b"".join(blobs)


def unpack(data: bytes) -> tuple[list, np.ndarray, bytes]:
    """A packed scene's commands (their arrays as [offset, count] into the numbers), numbers and image bytes."""
    head, count = struct.unpack("<II", data[:8])
    numbers = np.frombuffer(data, "<f4", count=count, offset=8 + head)
    return json.loads(data[8 : 8 + head]), numbers, data[8 + head + 4 * count :]


def _f32(values):
    return np.ascontiguousarray(values, dtype=np.float32).ravel()


class SceneRecorder(RendererBase):
    """A matplotlib renderer that records into a ``Scene`` instead of drawing pixels.

    ``agg`` is the Agg renderer of the same figure: its text metrics lay out every text exactly as in the PNG.
    """

    def __init__(self, agg):
        super().__init__()
        self.agg = agg
        self.scene = Scene()
        self.width, self.height = agg.get_canvas_width_height()
        self.dpi = agg.dpi
        self._text2path = _TEXT_TO_PATH
        self._flip = Affine2D().scale(1, -1).translate(0, self.height)

    # what layout asks the renderer: the Agg renderer's answers
    def get_canvas_width_height(self):
        return self.width, self.height

    def get_text_width_height_descent(self, s, prop, ismath):
        # through matplotlib's cache of the Agg renderer's text metrics (private; tests/test_render.py checks it): a
        # title the renderer has placed with Agg (render.BlitRenderer._measured_box) is not laid out again here
        return _get_text_metrics_with_cache(self.agg, s, prop, ismath, self.agg.dpi)

    def points_to_pixels(self, points):
        return points * self.dpi / 72

    def flipy(self):
        return False

    def option_image_nocomposite(self):
        return True

    def option_scale_image(self):
        return True  # an image drawn with interpolation "none" is sent as it is, and scaled by the canvas

    def new_gc(self):
        return GraphicsContextBase()

    # the style of a command: colours, line, clip
    def _style(self, gc, rgbFace, op):
        """Set ``op``'s fill ("f"), stroke ("s" and its line), clip box and clip path from ``gc`` and ``rgbFace``."""
        forced = gc.get_forced_alpha()
        if rgbFace is not None:
            alpha = gc.get_alpha() if forced else (rgbFace[3] if len(rgbFace) > 3 else 1.0)
            face = [float(v) for v in rgbFace[:3]] + [float(alpha)]
            if face[3] > 0:
                op["f"] = face
        width = self.points_to_pixels(gc.get_linewidth())
        if width > 0:
            rgb = gc.get_rgb()
            stroke = list(map(float, rgb[:3])) + [float(gc.get_alpha() if forced else rgb[3])]
            if stroke[3] > 0:
                op["s"] = stroke
                op["w"] = float(width)
                op["cap"] = _CAPS.get(gc.get_capstyle(), "butt")
                op["join"] = gc.get_joinstyle()
                offset, dashes = gc.get_dashes()
                if dashes is not None and len(dashes):
                    op["d"] = [self.points_to_pixels(float(v)) for v in (offset or 0, *dashes)]
        if gc.get_hatch():
            raise NotImplementedError("the canvas view does not draw hatches")
        self._clip_box(gc, op)
        clip_path, clip_transform = gc.get_clip_path()
        if clip_path is not None:
            op["cp"] = self._path(clip_path, clip_transform + self._flip)

    def _clip_box(self, gc, op):
        """``gc``'s clip rectangle, if any, as the command's "cr": x, y of its top-left corner, width, height."""
        box = gc.get_clip_rectangle()
        if box is not None:
            op["cr"] = [float(box.x0), float(self.height - box.y1), float(box.width), float(box.height)]

    def _path(self, path, transform, gc=None, simplify=None) -> dict:
        """A path in canvas pixels: {"v": vertices, "c": codes}; drawn with ``gc``, snapped to pixels as Agg snaps
        it (a rectilinear path: a marker square, a bar, a legend's box)."""
        snap = {} if gc is None else {"snap": gc.get_snap(), "stroke_width": self.points_to_pixels(gc.get_linewidth())}
        cleaned = path.cleaned(
            transform=transform,
            remove_nans=True,
            simplify=path.should_simplify if simplify is None else simplify,
            curves=True,
            **snap,
        )
        return {"v": _f32(cleaned.vertices), "c": _f32(cleaned.codes)}

    def draw_path(self, gc, path, transform, rgbFace=None):
        self._add(gc, rgbFace, {"t": "p", **self._path(path, transform + self._flip, gc)})

    def _add(self, gc, rgbFace, op):
        """Style ``op`` and record it, if it has anything to fill or stroke."""
        self._style(gc, rgbFace, op)
        if "f" in op or "s" in op:
            self.scene.ops.append(op)

    def draw_markers(self, gc, marker_path, marker_trans, path, trans, rgbFace=None):
        points = path.cleaned(transform=trans + self._flip, remove_nans=True, simplify=False)
        offsets = points.vertices[(points.codes == Path.MOVETO) | (points.codes == Path.LINETO)]
        marker_trans = marker_trans + Affine2D().scale(1, -1)
        op = {"t": "m", **self._path(marker_path, marker_trans, gc, simplify=False)}
        # Agg puts every marker at a whole pixel, and the centre of one it does not snap (a circle) at the middle of
        # a pixel (measured: tests/test_canvas_view.py)
        snapped = not np.array_equal(op["v"], _f32(marker_path.cleaned(marker_trans, curves=True).vertices))
        op["o"] = _f32(np.floor(offsets + 0.5) + (0.0 if snapped else 0.5))
        self._add(gc, rgbFace, op)

    def _iter_collection(self, *args, **kwargs):
        """matplotlib's walk through a collection (``RendererBase.draw_path_collection`` draws each item with
        ``draw_path``), with every offset at a whole pixel, as Agg puts them."""
        for xo, yo, *rest in super()._iter_collection(*args, **kwargs):
            yield (math.floor(xo + 0.5), self.height - math.floor(self.height - yo + 0.5), *rest)

    def draw_image(self, gc, x, y, im, transform=None):
        im = np.ascontiguousarray(im, dtype=np.uint8)
        h, w = im.shape[:2]
        op = {"t": "i", "x": float(x), "y": float(self.height - y - h), "iw": int(w), "ih": int(h)}
        # An image of at most 256 colours (a boundary's few bands) as a palette ("pal", RGBA each) and one byte per
        # pixel: a quarter of the bytes on their way to the page; else its RGBA bytes.
        colours, index = np.unique(im.reshape(-1, 4).view(np.uint32).ravel(), return_inverse=True)
        if len(colours) <= 256:
            op["pal"] = colours.view(np.uint8).reshape(-1, 4).tolist()
            op["b"] = index.astype(np.uint8).tobytes()
        else:
            op["b"] = im.tobytes()
        if transform is not None:  # an image not resampled (interpolation "none"): the canvas scales it
            m = (Affine2D().scale(1.0 / w, 1.0 / h) + transform + Affine2D().translate(x, y) + self._flip).get_matrix()
            op["m"] = [float(m[0, 0]), float(m[1, 0]), float(m[0, 1]), float(m[1, 1]), float(m[0, 2]), float(m[1, 2])]
            alpha = gc.get_alpha()  # a resampled image has its alpha in its pixels; this one has not
            if alpha is not None and alpha != 1.0:
                op["a"] = float(alpha)
        self._clip_box(gc, op)
        self.scene.ops.append(op)

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath == "TeX":
            raise NotImplementedError("the canvas view does not draw usetex text")
        fontsize = self.points_to_pixels(prop.get_size_in_points())
        verts, codes = self._text2path.get_text_path(prop, s, ismath=ismath)
        transform = Affine2D().scale(fontsize / self._text2path.FONT_SCALE).rotate_deg(angle).translate(x, y)
        color = gc.get_rgb()
        gc.set_linewidth(0.0)
        self.draw_path(gc, Path(verts, codes), transform, rgbFace=color)

    def draw_gouraud_triangles(self, gc, triangles_array, colors_array, transform):
        raise NotImplementedError("the canvas view does not draw Gouraud shading")
