"""The notes' symbols for the nine parameters, in the three notations the notebooks write, all derived from
``PARAM_NAMES``: a code name ``wl_jk`` is the notes' w^l_jk, and ``b_lk`` is b_lk.

- ``UNICODE``: w¹₁₁, b₂₁ (tables, slider labels, titles: text that no LaTeX renders);
- ``MATHTEXT``: ``$w^1_{11}$`` (matplotlib labels);
- ``LATEX``: ``w^1_{11}`` (the equations written out with numbers, shown with ``IPython.display.Math``).
"""

from __future__ import annotations

from .params import PARAM_NAMES

# The notes work backwards from the loss: the output neuron, then hidden neuron 1, then hidden neuron 2.
NOTES_ORDER = ("w2_11", "w2_21", "b_21", "w1_11", "w1_21", "b_11", "w1_12", "w1_22", "b_12")

SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")  # for layer numbers, and exponents (10⁻³)
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def parts(name: str) -> tuple[str, str, str]:
    """(letter, layer superscript or "", subscript): "w1_21" -> ("w", "1", "21"), "b_11" -> ("b", "", "11")."""
    head, sub = name.split("_")
    return head[0], head[1:], sub


def unicode_symbol(name: str) -> str:
    letter, layer, sub = parts(name)
    return letter + layer.translate(SUPERSCRIPTS) + sub.translate(_SUBSCRIPTS)


def latex_symbol(name: str) -> str:
    letter, layer, sub = parts(name)
    return letter + (f"^{layer}" if layer else "") + f"_{{{sub}}}"


UNICODE = {name: unicode_symbol(name) for name in PARAM_NAMES}
LATEX = {name: latex_symbol(name) for name in PARAM_NAMES}
MATHTEXT = {name: f"${LATEX[name]}$" for name in PARAM_NAMES}
