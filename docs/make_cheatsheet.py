"""Draw the one-page cheat-sheet, docs/cheatsheet.pdf and docs/cheatsheet.png, from nbhelpers itself.

Run: python docs/make_cheatsheet.py   (or make cheatsheet)

Every formula on the page comes from ``nbhelpers.lessons.derivative_formulas`` and the network from
``nbhelpers.plots.draw_network``, so the sheet says what the code computes; tests/test_cheatsheet.py checks that the
page carries each formula and that the committed PNG is what this script draws.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nbhelpers import lessons, plots  # noqa: E402

HERE = Path(__file__).resolve().parent
A4_LANDSCAPE = (11.69, 8.27)
PNG_DPI = 100
SOFTWARE = f"matplotlib {matplotlib.__version__}"  # in the PNG: the test compares pixels only with the same version
MONO = {"family": "DejaVu Sans Mono", "size": 9.5}

DELTA = [
    "δ = ∂L/∂z_f, once, at the output:",
    "    regression:      δ = −2(y − ŷ)      (L = (y − ŷ)², ŷ = z_f)",
    "    classification:  δ = −(y − ŷ)       (the sigmoid's ŷ(1 − ŷ) cancels)",
    "pass it back through each hidden neuron k:",
    "    δ₁ₖ = δ · w²ₖ₁ · g′(z₁ₖ)      (g′ = 1: the notes' linear neurons)",
    "every derivative = δ of the neuron the weight enters",
    "                   × the value the weight multiplies:",
    "    ∂L/∂w²ₖ₁ = δ · o₁ₖ     ∂L/∂b₂₁ = δ",
    "    ∂L/∂w¹ⱼₖ = δ₁ₖ · x_ij  ∂L/∂b₁ₖ = δ₁ₖ",
]
UPDATE = [
    "one step, per sample (row by row, in order):",
    "    θ_new = θ_old − η · ∂L/∂θ_old   for all nine θ",
    "    all nine derivatives from ONE forward pass, then all nine updates",
    "    (using the new w² in the w¹ derivatives is a known bug)",
    "start: every weight 1, every bias 0 (the notes); η = 1e-5 for raw iq",
]


def table_lines(task: str) -> list[str]:
    return [f"{symbol:<9} = {formula}" for symbol, formula in lessons.derivative_formulas("linear", task)]


def build() -> Figure:
    fig = Figure(figsize=A4_LANDSCAPE)
    fig.text(
        0.5,
        0.965,
        "Backpropagation for the 2-2-1 network: the cheat-sheet",
        ha="center",
        va="top",
        size=17,
        weight="bold",
    )
    net = fig.add_axes((0.01, 0.52, 0.43, 0.38))
    plots.draw_network(ax=net)
    fig.text(0.04, 0.50, "w¹ⱼₖ: input j → hidden neuron k;   w²ₖ₁: hidden neuron k → the output", size=10, va="top")
    blocks = [
        (0.47, 0.90, "The δ pattern (backward pass)", DELTA),
        (0.47, 0.62, "The update rule (Step 4)", UPDATE),
        (0.04, 0.41, "Regression (L = (y − ŷ)², ŷ = z_f)", table_lines("regression")),
        (0.52, 0.41, "Classification (cross-entropy J, ŷ = σ(z_f))", table_lines("classification")),
    ]
    for x, y, title, lines in blocks:
        fig.text(x, y, title, size=12, weight="bold", va="top")
        fig.text(x, y - 0.035, "\n".join(lines), va="top", linespacing=1.5, fontdict=MONO)
    fig.text(
        0.5,
        0.02,
        "Drawn by docs/make_cheatsheet.py from nbhelpers; the full write-up is docs/notes.md.",
        ha="center",
        size=9,
        color="#555555",
    )
    return fig


def main(out_dir: Path = HERE) -> tuple[Path, Path]:
    fig = build()
    pdf, png = out_dir / "cheatsheet.pdf", out_dir / "cheatsheet.png"
    fig.savefig(pdf, metadata={"CreationDate": None, "Creator": None, "Producer": None})
    fig.savefig(png, dpi=PNG_DPI, metadata={"Software": SOFTWARE})
    return pdf, png


if __name__ == "__main__":
    for path in main():
        print(f"wrote {path}")
