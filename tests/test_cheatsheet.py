"""The cheat-sheet (docs/cheatsheet.pdf, .png) carries the formulas the code computes, and the committed PNG is what
docs/make_cheatsheet.py draws now."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nbhelpers import lessons

DOCS = Path(__file__).resolve().parent.parent / "docs"
spec = importlib.util.spec_from_file_location("make_cheatsheet", DOCS / "make_cheatsheet.py")
sheet = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sheet)


def page_text(fig) -> str:
    return "\n".join(t.get_text() for t in fig.texts)


@pytest.mark.parametrize("task", ["regression", "classification"])
def test_the_sheet_carries_every_derivative_of_the_code(task):
    text = page_text(sheet.build())
    for symbol, formula in lessons.derivative_formulas("linear", task):
        assert formula in text and symbol in text, (symbol, formula)
    assert "θ_new = θ_old − η · ∂L/∂θ_old" in text and "δ₁ₖ = δ · w²ₖ₁ · g′(z₁ₖ)" in text


def test_the_network_is_drawn_with_its_nine_parameters():
    fig = sheet.build()
    labels = {t.get_text() for ax in fig.axes for t in ax.texts}
    assert {"$w^1_{11}$", "$w^2_{21}$", "+ $b_{21}$"} <= labels


def test_the_committed_png_is_what_the_script_draws(tmp_path):
    pdf, png = sheet.main(tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF") and (DOCS / "cheatsheet.pdf").is_file()
    committed = Image.open(DOCS / "cheatsheet.png")
    drawn_with = committed.text.get("Software", "")
    if drawn_with != sheet.SOFTWARE:
        pytest.skip(
            f"docs/cheatsheet.png was drawn with {drawn_with or 'an unknown version'}, this is "
            f"{sheet.SOFTWARE}: pixels are compared only between the same versions (run make cheatsheet)"
        )
    fresh = np.asarray(Image.open(png).convert("RGB"))
    assert np.array_equal(np.asarray(committed.convert("RGB")), fresh), (
        "docs/cheatsheet.png is stale: run make cheatsheet"
    )
