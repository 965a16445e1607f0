"""The live figure of every panel, drawn in Chromium by the page's own code (nbhelpers/panels/canvas_view.js) from
what the kernel sends (the frames' PNG and the recorded scene), against the picture Agg draws in the kernel for the
same panel (``FigureView.png()``, which the pixel tests compare with a fresh panel and a full draw).

Canvas and Agg antialias edges differently (and Agg hints glyphs), so pixels along edges differ a little; anything
a learner could notice (a missing legend, a text, a marker, a stale curve, a wrong colour) makes some 16 x 16 block
of the picture differ on average by far more (``browser_support.worst_block``; the browser tests compare the page's
canvases with the kernel's pictures the same way). ``test_the_check_sees_*`` show that each kind of wrong picture fails.
No JupyterLab: a blank page imports the module.
"""

from __future__ import annotations

import base64
import json
import struct
from pathlib import Path

import numpy as np
import pytest
from browser_support import (
    FIGURE_PAGE_JS,
    canvas_rgba,
    need_browser,
    png_rgba,
    skip_module_without_browser,
    worst_block,
)
from browser_support import PICTURE_MOST as MOST

import nbhelpers as nb
from nbhelpers import panels
from nbhelpers.panels.playground import PlaygroundPanel
from nbhelpers.panels.scene import unpack

skip_module_without_browser()

JS = (Path(nb.__file__).parent / "panels" / "canvas_view.js").read_text()
REG, CLS = nb.load_dataset("regression"), nb.load_dataset("classification")
# Paint the frames' PNG and the scene on a fresh canvas with the module's own paint(); return its RGBA, base64.
PAINT_JS = """async ([js, frame64, scene64, w, h]) => {
    const m = await import(URL.createObjectURL(new Blob([js], {type: 'text/javascript'})));
    const bytes = s => Uint8Array.from(atob(s), c => c.charCodeAt(0));
    const canvas = document.createElement('canvas');
    canvas.width = w; canvas.height = h;
    const frame = await m.decodeFrame(new DataView(bytes(frame64).buffer));
    await m.paint(canvas, frame, new DataView(bytes(scene64).buffer));
    return nbhFigure.rgba64(canvas);
}"""


@pytest.fixture
def canvas_page(request):
    ok, _ = skip_module_without_browser()
    if not ok:
        yield None
        return
    page = request.getfixturevalue("browser").new_page()
    page.set_content("<html><body></body></html>")
    page.add_script_tag(path=FIGURE_PAGE_JS)  # nbhFigure.rgba64: the canvas' pixels
    yield page
    page.close()


def painted(page, frame_png: bytes, scene: bytes, width: int, height: int) -> np.ndarray:
    b64 = page.evaluate(
        PAINT_JS, [JS, base64.b64encode(frame_png).decode(), base64.b64encode(scene).decode(), width, height]
    )
    return canvas_rgba(b64, width, height)


def shown(page, panel, scene=None):
    """What the page's canvas shows for ``panel`` (its current scene, or ``scene``), and what Agg draws."""
    view = panel.view
    view.render()
    agg = png_rgba(view.png())
    frame = view.renderer.frame_png()
    canvas = painted(page, frame, view.widget.scene if scene is None else scene, view.widget.width, view.widget.height)
    return canvas, agg


def _playground():
    panel = PlaygroundPanel(data="preset: xor", hidden="tanh", eta=0.2)
    for _ in range(3):
        panel.epoch_button.click()
    panel.step_button.click()
    return panel


CASES = {
    "training, regression (02)": lambda: panels.TrainingPanel(REG, eta=1e-5, epochs=100),
    "training, diverged": lambda: panels.TrainingPanel(REG, eta=1e-2, epochs=100),
    "training, classification (04)": lambda: panels.ClassificationTrainingPanel(CLS, eta=1e-3, epochs=100),
    "training, classification, tanh, standardised": lambda: panels.ClassificationTrainingPanel(
        CLS, eta=0.5, epochs=200, hidden="tanh", standardise=True
    ),
    "forward, regression": lambda: panels.ForwardPanel(REG),
    "forward, classification": lambda: panels.ForwardPanel(CLS),
    "gradients": lambda: panels.GradientPanel(REG),
    "playground after 3 epochs and a step": _playground,
}


@pytest.mark.parametrize("name", CASES)
def test_the_canvas_shows_what_agg_draws(canvas_page, name):
    need_browser(canvas_page)
    canvas, agg = shown(canvas_page, CASES[name]())
    assert canvas.shape == agg.shape
    worst, at = worst_block(canvas, agg)
    assert worst < MOST, f"{name}: the 16 x 16 block at {at} differs by {worst:.1f} on average (at most {MOST})"


def _drop(scene: bytes, keep) -> bytes:
    """``scene`` without the commands ``keep(index, op)`` rejects (the numbers stay where they are)."""
    ops, numbers, images = unpack(scene)
    head = json.dumps([op for i, op in enumerate(ops) if keep(i, op)]).encode()
    head += b" " * (-len(head) % 4)
    return struct.pack("<II", len(head), numbers.size) + head + numbers.tobytes() + images


def test_the_check_sees_a_missing_legend(canvas_page):
    need_browser(canvas_page)
    panel = panels.TrainingPanel(REG, eta=1e-5, epochs=100)
    panel.view.render()
    legend = panel.figure.axes[1].get_legend().get_window_extent()
    height = panel.view.widget.height
    inside = lambda op: "v" in op and op["t"] == "p" and op.get("cr") is None  # noqa: E731
    # the legend's commands are the unclipped ones drawn inside its box: drop them all
    scene = panel.view.widget.scene
    _, floats, _ = unpack(scene)

    def in_legend(op):
        if not inside(op):
            return False
        x, y = floats[op["v"][0]], floats[op["v"][0] + 1]
        return legend.x0 - 2 <= x <= legend.x1 + 2 and height - legend.y1 - 2 <= y <= height - legend.y0 + 2

    canvas, agg = shown(canvas_page, panel, _drop(scene, lambda i, op: not in_legend(op)))
    worst, _ = worst_block(canvas, agg)
    assert worst > MOST, f"the check passed a wrong picture: worst block {worst:.1f}"


def test_the_check_sees_a_stale_picture(canvas_page):
    need_browser(canvas_page)
    panel = panels.TrainingPanel(REG, eta=1e-5, epochs=100)
    panel.view.render()
    stale = panel.view.widget.scene
    panel.set(eta=3e-6)
    canvas, agg = shown(canvas_page, panel, stale)
    worst, _ = worst_block(canvas, agg)
    assert worst > MOST, f"the check passed a wrong picture: worst block {worst:.1f}"


def test_the_check_sees_a_missing_text(canvas_page):
    need_browser(canvas_page)
    panel = panels.ForwardPanel(CLS)
    panel.view.render()
    scene = panel.view.widget.scene
    ops, floats, _ = unpack(scene)
    # a title: the first filled path without a clip box above the axes (glyphs are filled outlines)
    top = panel.figure.axes[0].bbox.y1
    height = panel.view.widget.height
    title = next(
        i
        for i, op in enumerate(ops)
        if op["t"] == "p" and "f" in op and "cr" not in op and floats[op["v"][0] + 1] < height - top
    )
    canvas, agg = shown(canvas_page, panel, _drop(scene, lambda i, op: i != title))
    worst, _ = worst_block(canvas, agg)
    assert worst > MOST, f"the check passed a wrong picture: worst block {worst:.1f}"


@pytest.mark.parametrize("colours", [5, 4096])
def test_an_image_reaches_the_canvas_with_its_colours(canvas_page, colours):
    """An image's pixels go to the page as a palette and one byte per pixel when it has at most 256 colours (a
    boundary's bands), as RGBA otherwise: either way the canvas shows Agg's pixels."""
    from nbhelpers import plots
    from nbhelpers.panels.render import BlitRenderer

    need_browser(canvas_page)
    fig, (ax,) = plots.panel_figure(1, (6, 4))
    values = np.random.default_rng(1).integers(0, colours, (60, 80))
    ax.imshow(values, cmap="viridis" if colours < 256 else "nipy_spectral", interpolation="none", aspect="auto")
    if colours > 256:  # many colours: every pixel its own RGB
        rgb = np.random.default_rng(2).random((60, 80, 3))
        ax.images[0].remove()
        ax.imshow(rgb, interpolation="none", aspect="auto")
    renderer = BlitRenderer(fig)
    renderer.frames()
    scene = renderer.scene()
    (image,) = [op for op in unpack(scene)[0] if op["t"] == "i"]
    assert ("pal" in image) == (colours <= 256)
    assert image["b"][1] == image["iw"] * image["ih"] * (1 if colours <= 256 else 4)
    width, height = (int(round(v)) for v in fig.bbox.size)
    canvas = painted(canvas_page, renderer.frame_png(), scene, width, height)
    agg = png_rgba(renderer.png(full=True))
    worst, at = worst_block(canvas, agg)
    assert worst < MOST, f"{colours} colours: the 16 x 16 block at {at} differs by {worst:.1f} on average"


# The view itself (canvas_view.js's render) on a model of our own: picture 1 (frames A); the frames B sent ahead as
# number 2 ({frame_ahead: 2}, as FigureView.send_frames_ahead sends them); picture 2 with frames number 2 but no frame
# bytes in the model, so that only what the view kept can show them; picture 3, frames number 3 with their bytes (the
# model's frames, decoded when the picture comes). Returns, for each picture, the canvas' RGBA (base64) and counts.
VIEW_JS = """async ([js, pictures, ahead]) => {
    const m = await import(URL.createObjectURL(new Blob([js], {type: 'text/javascript'})));
    const bytes = s => new DataView(Uint8Array.from(atob(s), c => c.charCodeAt(0)).buffer);
    const listeners = {}, state = {report_drawn: false};
    const model = {get: k => state[k], send: () => {}, on: (e, f) => (listeners[e] = listeners[e] || []).push(f),
                   off: () => {}};
    const set = p => Object.assign(state, {version: p.version, scene: bytes(p.scene), frame: bytes(p.frame),
                                           frame_version: p.frame_version, width: p.width, height: p.height});
    const el = document.createElement('div');
    document.body.appendChild(el);
    const drawn = async v => { const c = el.querySelector('canvas');
        for (let i = 0; i < 200 && c.dataset.drawn !== String(v); i++) await new Promise(r => setTimeout(r, 10));
        return {pixels: nbhFigure.rgba64(c), kept: c.dataset.framesKept, decoded: c.dataset.framesDecoded,
                drawn: c.dataset.drawn}; };
    set(pictures[0]);
    m.default.render({model, el});
    const out = [await drawn(pictures[0].version)];
    listeners['msg:custom'].forEach(f => f({frame_ahead: ahead.number}, [bytes(ahead.frame)]));
    for (const p of pictures.slice(1)) {
        set(p);
        listeners['change:version'].forEach(f => f());
        out.push(await drawn(p.version));
    }
    return out;
}"""


def _view_pictures(page, wrong=False):
    """Drive the view as VIEW_JS does with a regression training panel: frames A at η = 1e-5, frames B at η = 10^-4.1
    (the loss axis has moved), B's PNG sent ahead as number 2 (A's if ``wrong``); the canvas after each picture, the
    counts, and Agg's pictures."""
    panel = panels.TrainingPanel(REG, eta=1e-5, epochs=100)
    a = panel.view.picture()
    agg_a = png_rgba(panel.view.png())
    panel.set(eta=10**-4.1)
    b = panel.view.picture()
    agg_b = png_rgba(panel.view.png())
    assert a.frame != b.frame and a.frame_version != b.frame_version  # (else nothing would be tested)
    width, height = panel.view.widget.width, panel.view.widget.height
    b64 = lambda x: base64.b64encode(x).decode()  # noqa: E731
    pictures = [
        {"version": 1, "scene": b64(a.scene), "frame": b64(a.frame), "frame_version": 1},
        {"version": 2, "scene": b64(b.scene), "frame": "", "frame_version": 2},
        {"version": 3, "scene": b64(b.scene), "frame": b64(b.frame), "frame_version": 3},
    ]
    for p in pictures:
        p.update(width=width, height=height)
    got = page.evaluate(VIEW_JS, [JS, pictures, {"number": 2, "frame": b64(a.frame if wrong else b.frame)}])
    assert [g["drawn"] for g in got] == ["1", "2", "3"]
    return [canvas_rgba(g["pixels"], width, height) for g in got], [agg_a, agg_b, agg_b], got


def test_the_view_shows_frames_sent_ahead_from_what_it_kept(canvas_page):
    """The frames of a picture drawn ahead, sent before the picture (``FigureView.send_frames_ahead``), are decoded
    and kept by number: the picture that comes with that number shows them without any frame bytes in the model; a
    number the view has not kept is decoded from the model's bytes. Each canvas is what Agg draws."""
    need_browser(canvas_page)
    canvases, aggs, got = _view_pictures(canvas_page)
    assert [(g["decoded"], g["kept"]) for g in got] == [("1", "0"), ("2", "1"), ("3", "1")]
    for k, (canvas, agg) in enumerate(zip(canvases, aggs)):
        worst, at = worst_block(canvas, agg)
        assert worst < MOST, f"picture {k + 1}: the 16 x 16 block at {at} differs by {worst:.1f} on average"


def test_the_check_sees_frames_kept_under_a_wrong_number(canvas_page):
    """Frames sent ahead under the number of other frames (A's PNG as number 2, B's number) make picture 2 a stale
    frame under a new scene: the check sees it."""
    need_browser(canvas_page)
    canvases, aggs, got = _view_pictures(canvas_page, wrong=True)
    assert got[1]["kept"] == "1"
    worst, _ = worst_block(canvases[1], aggs[1])
    assert worst > MOST, f"the check passed a wrong picture: worst block {worst:.1f}"
