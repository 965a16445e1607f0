"""The notebooks' static figures are shown as drawn, whole and uncropped (``plots.style.show_figures_uncropped``).

Jupyter's inline backend crops a figure to what was drawn unless told not to; the notebooks tell it not to (the
crop draws every figure twice), so each figure must fill its own canvas. Checked on the committed pictures (the
outputs a fresh run gives: the notebooks are committed re-executed) and, for the switch itself, in a real IPython
shell with the inline backend.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from browser_support import png_rgba

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
DPI = 90  # plots.style.NOTEBOOK_RC["figure.dpi"], written out: the test does not take it from the code it checks
MAX_MARGIN = 0.1  # an empty band wider than this share of the picture is a figure that does not fill its canvas
FIGSIZE = re.compile(r"figsize=\(([\d.]+),\s*([\d.]+)\)")


def figures(path):
    """(cell index, the cell's source, the RGBA pixels of each PNG it shows) for every cell that shows one."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for i, cell in enumerate(cells):
        pngs = [o["data"]["image/png"] for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        if pngs:
            pixels = [png_rgba(base64.b64decode(p)) for p in pngs]
            yield i, "".join(cell["source"]), pixels


def empty_bands(pixels):
    """Widths of the background-coloured bands at the left, right, top and bottom edges (the corner's colour)."""
    drawn = np.any(pixels != pixels[0, 0], axis=2)
    rows, cols = np.flatnonzero(drawn.any(axis=1)), np.flatnonzero(drawn.any(axis=0))
    height, width = drawn.shape
    return cols[0], width - 1 - cols[-1], rows[0], height - 1 - rows[-1]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_is_whole_and_fills_its_picture(path):
    """Nothing is cut off at an edge (every edge pixel is background), and no edge has an empty band wider than a
    tenth of the picture (a figure laid out for a larger canvas than its content)."""
    shown = list(figures(path))
    for i, _, pictures in shown:
        for pixels in pictures:
            height, width = pixels.shape[:2]
            left, right, top, bottom = empty_bands(pixels)
            where = f"{path.name}, cell {i}: {width}x{height} picture"
            assert min(left, right, top, bottom) >= 1, f"{where}: something is cut off at an edge"
            assert max(left, right) <= MAX_MARGIN * width, f"{where}: empty bands left {left}, right {right} px"
            assert max(top, bottom) <= MAX_MARGIN * height, f"{where}: empty bands top {top}, bottom {bottom} px"


def test_a_figure_is_shown_at_the_size_its_cell_asks_for():
    """Uncropped: a cell that makes one figure of ``figsize=(w, h)`` shows a picture of w x h inches at 90 dpi."""
    checked = 0
    for path in NOTEBOOKS:
        for i, source, pictures in figures(path):
            sizes = FIGSIZE.findall(source)
            if len(sizes) != 1 or len(pictures) != 1:
                continue
            w, h = (float(v) for v in sizes[0])
            assert pictures[0].shape[:2] == (round(h * DPI), round(w * DPI)), f"{path.name}, cell {i}"
            checked += 1
    assert checked >= 15, f"only {checked} cells with one figsize and one figure"


SHELL = r"""
import matplotlib
from IPython.terminal.interactiveshell import TerminalInteractiveShell
from IPython.core.pylabtools import print_figure

shell = TerminalInteractiveShell.instance()
import nbhelpers as nb
print("before", nb.plots.style.show_figures_uncropped())
shell.run_line_magic("matplotlib", "inline")
nb.use_notebook_style()
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(4, 3), layout="constrained")
ax.plot([0, 1], [0, 1])
formatter = shell.display_formatter.formatters["image/png"]
formatter.enabled = True  # as in a kernel (a terminal shows no pictures)
png = formatter(fig)  # base64 text, as the kernel sends it
import base64, io
from PIL import Image
print("size", Image.open(io.BytesIO(base64.b64decode(png))).size)
"""


def test_the_inline_backend_is_told_to_show_figures_uncropped():
    """In an IPython shell with the inline backend, after ``use_notebook_style()`` the PNG a figure is shown as has
    the figure's own size (cropped, it would be smaller); outside one, nothing is changed."""
    out = subprocess.run([sys.executable, "-c", SHELL], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "before False" in out.stdout, out.stdout
    assert f"size ({4 * DPI}, {3 * DPI})" in out.stdout, out.stdout
