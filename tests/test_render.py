"""The blitting renderer shows what a full matplotlib draw of the same figure shows."""

import io

import numpy as np
import pytest
from PIL import Image

import nbhelpers as nb
from nbhelpers import panels, plots
from nbhelpers.panels.render import unhinted_text


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def savefig_png(fig) -> bytes:
    """A full draw of a panel's figure, as a panel draws it (unhinted text)."""
    buf = io.BytesIO()
    with unhinted_text():
        fig.savefig(buf, format="png")
    return buf.getvalue()


CASES = {
    "training-regression": lambda: panels.TrainingPanel(nb.load_dataset("regression")),
    "training-classification": lambda: panels.TrainingPanel(
        nb.load_dataset("classification"), eta=0.1, eta_range=(-6, 1), standardise=True
    ),
    "forward-classification": lambda: panels.ForwardPanel(nb.load_dataset("classification")),
    "gradient-regression": lambda: panels.GradientPanel(nb.load_dataset("regression")),
}


@pytest.mark.parametrize("name", CASES)
def test_blitted_frames_match_a_full_draw(name):
    panel = CASES[name]()
    control = "eta" if "eta" in panel.controls else "w2_11"
    start = panel.controls[control].value
    full_before = panel.view.renderer.full_draws
    for factor in (1.05, 1.1, 1.15, 1.2):  # small moves, as a drag makes: most of them only redraw the data
        panel.controls[control].value = start * factor
        shown = pixels(panel.view.png())
        reference = pixels(savefig_png(panel.figure))
        assert shown.shape == reference.shape
        differing = (np.abs(shown - reference).sum(axis=-1) > 60).mean()
        # the only allowed difference is stacking (data drawn above the grid lines): a few pixels in a thousand
        assert differing < 0.01, f"{name}: {differing:.2%} of the pixels differ from a full draw"
    assert panel.view.renderer.full_draws - full_before < 4, "every move redrew the whole figure"


def test_a_title_change_shows_in_the_blitted_picture():
    panel = panels.TrainingPanel(nb.load_dataset("classification"), eta=0.1, eta_range=(-6, 1), standardise=True)
    before = pixels(panel.view.png())
    panel.eta.value = 0.11  # the title "loss, η = 1e-01" stays; the curve moves
    panel.eta.value = 0.3  # title becomes "loss, η = 3e-01"
    after = pixels(panel.view.png())
    title_rows = slice(0, int(0.1 * before.shape[0]))  # the top tenth of the picture holds the titles
    assert (np.abs(after[title_rows] - before[title_rows]).sum(axis=-1) > 60).any()


def test_the_private_title_attributes_are_where_the_renderer_reads_them():
    """``title_artists`` is the one reader of matplotlib's private ``_left_title`` / ``_right_title``: if a release
    moves or renames them, this fails with the attribute's name instead of the renderer drawing stale titles."""
    from matplotlib.text import Text

    from nbhelpers.panels.render import title_artists

    fig, (ax,) = plots.panel_figure(1)
    for loc in ("center", "left", "right"):
        ax.set_title(f"{loc} title", loc=loc)
    centre, left, right = title_artists(ax)
    assert all(isinstance(t, Text) for t in (centre, left, right))
    assert (centre.get_text(), left.get_text(), right.get_text()) == ("center title", "left title", "right title")


@pytest.mark.parametrize("kind", ["flat", "noise", "one pixel"])
def test_encode_png_is_lossless(kind):
    """The panels' own PNG writer: Pillow decodes it to exactly the pixels given (alpha included)."""
    from nbhelpers.panels.render import encode_png

    rng = np.random.default_rng(0)
    shape = {"flat": (36, 104, 4), "noise": (50, 70, 4), "one pixel": (1, 1, 4)}[kind]
    rgba = rng.integers(0, 256, shape, dtype=np.uint8) if kind != "flat" else np.full(shape, 255, np.uint8)
    if kind == "flat":
        rgba[10:20, 30:40] = (31, 119, 180, 255)
    decoded = np.asarray(Image.open(io.BytesIO(encode_png(rgba))))
    assert decoded.shape == rgba.shape and np.array_equal(decoded, rgba)


@pytest.mark.parametrize("kind", ["flat", "noise", "one pixel"])
def test_decode_png_reads_back_what_encode_png_wrote(kind):
    """The frame cache's reader: the pixels Pillow writes into a PNG of its own, read back from encode_png's PNG of
    them (Pillow as the independent writer and reader; the round trip alone could hide a shared mistake)."""
    from nbhelpers.panels.render import decode_png, encode_png

    rng = np.random.default_rng(1)
    shape = {"flat": (36, 104, 4), "noise": (50, 70, 4), "one pixel": (1, 1, 4)}[kind]
    rgba = rng.integers(0, 256, shape, dtype=np.uint8) if kind != "flat" else np.full(shape, 200, np.uint8)
    buf = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buf, format="png")
    from_pillow = np.asarray(Image.open(io.BytesIO(buf.getvalue())))
    assert np.array_equal(decode_png(encode_png(from_pillow)), rgba)
    try:  # Pillow's own PNG: read right (rows it left unfiltered) or refused (filtered rows), never misread
        assert np.array_equal(decode_png(buf.getvalue()), rgba)
    except ValueError as error:
        assert "encode_png" in str(error)


def test_frames_met_again_are_recalled_with_the_pixels_of_a_fresh_panel(monkeypatch):
    """η up until the run diverges (the loss axis and the fit's axis change), then back: the frames come back from
    the kept PNG instead of being drawn, and the picture, frames and data, is pixel for pixel what a fresh panel at
    the same η shows; the frame PNG sent again is the one sent the first time."""
    from nbhelpers.panels import base

    monkeypatch.setattr(base, "AHEAD_KEEP", 0)  # else the panel sends a picture it kept, not asking the renderer
    data = nb.load_dataset("regression")
    panel = panels.TrainingPanel(data, eta=1e-5, epochs=100)
    renderer = panel.view.renderer
    first_frame = renderer.frame_png()
    etas = [1e-5, 10**-4.7, 10**-4.1, 10**-4.0]
    for eta in etas + etas[::-1]:
        panel.set(eta=eta)
    assert renderer.frames_recalled >= 2, (renderer.frames_recalled, renderer.frame_redraws, renderer.full_draws)
    assert renderer.frame_png() == first_frame
    fresh = panels.TrainingPanel(data, eta=panel.eta.value, epochs=100)
    assert np.array_equal(pixels(panel.view.png()), pixels(fresh.view.png()))
    panel.set(eta=10**-4.1)
    fresh = panels.TrainingPanel(data, eta=panel.eta.value, epochs=100)
    assert np.array_equal(pixels(panel.view.png()), pixels(fresh.view.png()))


def test_a_frames_number_always_stands_for_the_same_pixels(monkeypatch):
    """The page keeps the frames' pictures it has decoded by their number (``frame_version``; canvas_view.js): a
    number must never stand for two pictures, and frames met again (recalled, or drawn again from scratch to the same
    signature) must come back with the number they were first sent with, or the page would decode them again. η up
    until the run diverges and back, twice, the frames drawn from scratch in between."""
    from nbhelpers.panels import base

    monkeypatch.setattr(base, "AHEAD_KEEP", 0)  # every picture asked of the renderer
    panel = panels.TrainingPanel(nb.load_dataset("regression"), eta=1e-5, epochs=100)
    view, renderer = panel.view.widget, panel.view.renderer
    pngs, numbers = {}, {}  # number -> frames' PNG; PNG -> numbers
    etas = [1e-5, 10**-4.7, 10**-4.1, 10**-4.0]
    for k, eta in enumerate((etas + etas[::-1]) * 2):
        panel.set(eta=eta)
        if k == len(etas):
            before = renderer.frame_version
            renderer.frames(full=True)  # drawn from scratch: the same picture, the same number
            assert renderer.frame_version == before
        assert pngs.setdefault(view.frame_version, view.frame) == view.frame, f"move {k}: a number, two pictures"
        numbers.setdefault(view.frame, set()).add(view.frame_version)
    assert len(pngs) >= 3, "the frames hardly changed: the test tests little"
    assert all(len(n) == 1 for n in numbers.values()), f"frames met again under a new number: {numbers.values()}"
    assert renderer.frames_recalled >= 2


def test_encode_png_takes_only_rgba():
    from nbhelpers.panels.render import encode_png

    with pytest.raises(ValueError, match="RGBA"):
        encode_png(np.zeros((4, 4, 3), np.uint8))


def test_the_scene_recorder_measures_text_through_the_agg_renderers_cache():
    """The scene recorder's other private matplotlib name: ``matplotlib.text._get_text_metrics_with_cache``. It must
    give the Agg renderer's own metrics, and a text Agg has measured must not be laid out again for the scene."""
    from matplotlib.font_manager import FontProperties

    from nbhelpers.panels.render import BlitRenderer
    from nbhelpers.panels.scene import SceneRecorder

    fig, (ax,) = plots.panel_figure(1)
    agg = BlitRenderer(fig).canvas.get_renderer()
    recorder = SceneRecorder(agg)
    prop = FontProperties(size=14)
    text = "mean J = 0.6952 after 56 updates, η = 0.1"
    assert recorder.get_text_width_height_descent(text, prop, False) == agg.get_text_width_height_descent(
        text, prop, False
    )
    laid_out = []
    measure = agg.get_text_width_height_descent
    agg.get_text_width_height_descent = lambda *args: laid_out.append(args) or measure(*args)
    recorder.get_text_width_height_descent(text, prop, False)
    assert laid_out == [], "the recorder laid out again a text the Agg renderer had measured"


@pytest.mark.parametrize(
    "text",
    [
        "mean J = 0.1802 after 597 updates, η = 0.1",
        "○ row 3 (the last Step)",
        "ŷ = σ(z) ∂J/∂w²₁₁ ∑ → ≈",  # glyphs from the fallback fonts, if DejaVu Sans lacks one
        "-0.806  x1",
        "",
        " ",
    ],
)
@pytest.mark.parametrize("size", [9, 14])
def test_the_scenes_text_outlines_are_text_to_paths(text, size):
    """The recorder's text outlines (each glyph made once, placed with numpy) are exactly matplotlib's
    ``TextToPath``'s, vertex for vertex, and through the two private names they read (``TextToPath._get_font``,
    ``FT2Font._layout``): if a release renames either, this fails here instead of the scene silently taking the slow
    path. A second call returns the kept outline."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    from nbhelpers.panels.scene import _GlyphOutlines

    assert hasattr(TextToPath, "_get_font")
    outlines = _GlyphOutlines()
    prop = FontProperties(size=size, weight="bold" if size == 9 else "normal")
    assert hasattr(outlines._inner._get_font(prop), "_layout")
    vertices, codes = outlines.get_text_path(prop, text)
    want_vertices, want_codes = TextToPath().get_text_path(prop, text)
    np.testing.assert_array_equal(vertices, np.asarray(want_vertices, dtype=float).reshape(-1, 2))
    np.testing.assert_array_equal(codes, np.asarray(want_codes))
    assert outlines.get_text_path(prop, text)[0] is vertices
    if text.strip():
        assert outlines._glyphs, "the outlines did not come from the glyph cache"


def test_the_scene_puts_collection_items_at_whole_pixels_as_agg_does():
    """The scene recorder's one use of matplotlib's private renderer API: it walks a collection through
    ``RendererBase._iter_collection`` to put each item at a whole pixel, as Agg does. If a release renames it, this
    fails here (the canvas would otherwise draw scatter points up to half a pixel away from the PNG's)."""
    from matplotlib.backend_bases import RendererBase

    from nbhelpers.panels.render import BlitRenderer
    from nbhelpers.panels.scene import unpack

    assert hasattr(RendererBase, "_iter_collection")
    fig, (ax,) = plots.panel_figure(1)
    # sizes that differ: no single-path shortcut, every point goes through draw_path_collection
    ax.scatter([0.13, 0.52, 0.871], [0.2, 0.61, 0.33], s=[30, 60, 90])
    renderer = BlitRenderer(fig)
    renderer.frames()
    ops, floats, _ = unpack(renderer.scene())
    centres = []
    for op in ops:
        if op["t"] == "p" and "f" in op:
            xy = floats[op["v"][0] : op["v"][0] + op["v"][1]].reshape(-1, 2)
            codes = floats[op["c"][0] : op["c"][0] + op["c"][1]]
            xy = xy[(codes != 0) & (codes != 79)]  # without the vertices of STOP and CLOSEPOLY
            centres.append((xy[:, 0].max() + xy[:, 0].min()) / 2)
    assert len(centres) == 3
    assert np.allclose(centres, np.round(centres), atol=1e-3), centres
