"""The nine parameters of the 2-2-1 network, named as the notes write them.

w^l_jk is the weight from neuron j of layer l-1 to neuron k of layer l (code: ``wl_jk``);
b_lk is the bias of neuron k of layer l (code: ``b_lk``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

PARAM_NAMES = ("w1_11", "w1_21", "w1_12", "w1_22", "b_11", "b_12", "w2_11", "w2_21", "b_21")


def _describe(value) -> str:
    """``nan``, ``'a' (a str)``, ``None (a NoneType)``: what a learner typed, shortened."""
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    if isinstance(value, (float, np.floating)):  # nan, inf, -inf: the value says it all
        return repr(float(value))
    kind = type(value).__name__
    return f"{text} ({'an' if kind[:1] in 'aeiouAEIOU' else 'a'} {kind})"


def _checked(name, value) -> float:
    """``value`` as a finite Python float, or a ValueError naming the parameter."""
    if isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "iuf":
        value = value.item()  # a 0-d numeric array counts as its number
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        try:
            number = float(value)
        except (OverflowError, ValueError):  # an int beyond the float range
            number = math.inf
        if math.isfinite(number):
            return number
    raise ValueError(f"params: {name} must be a finite number, got {_describe(value)}")


class _ParamsFields(NamedTuple):
    """The field layout of ``Params`` (a NamedTuple cannot define ``__new__`` itself)."""

    w1_11: float  # input 1 (iq)   -> hidden neuron 1
    w1_21: float  # input 2 (cgpa) -> hidden neuron 1
    w1_12: float  # input 1 (iq)   -> hidden neuron 2
    w1_22: float  # input 2 (cgpa) -> hidden neuron 2
    b_11: float  # bias of hidden neuron 1
    b_12: float  # bias of hidden neuron 2
    w2_11: float  # hidden neuron 1 -> output
    w2_21: float  # hidden neuron 2 -> output
    b_21: float  # bias of the output neuron


class Params(_ParamsFields):
    """An immutable record of the nine parameters, in ``PARAM_NAMES`` order.

    Every way of building one (``Params(...)``, ``from_dict``, ``from_array``, ``as_params``, ``replace``,
    ``_make``) checks each value here, once: it must be a finite real number (an int, a float or a numpy
    number; not a bool, a string or None), and is stored as a Python float. Anything else is a ValueError
    naming the parameter, e.g. "params: w1_21 must be a finite number, got nan".
    """

    __slots__ = ()

    def __new__(cls, w1_11, w1_21, w1_12, w1_22, b_11, b_12, w2_11, w2_21, b_21):
        values = (w1_11, w1_21, w1_12, w1_22, b_11, b_12, w2_11, w2_21, b_21)
        return tuple.__new__(cls, [_checked(n, v) for n, v in zip(PARAM_NAMES, values)])

    @classmethod
    def _make(cls, iterable) -> Params:  # NamedTuple's own _make (used by _replace) would skip the check
        values = tuple(iterable)
        if len(values) != len(PARAM_NAMES):
            raise TypeError(f"Params takes 9 values, got {len(values)}")
        return cls(*values)

    @classmethod
    def notes_init(cls) -> Params:
        """Step 1 of the notes: every weight 1, every bias 0."""
        return cls(1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0)

    @classmethod
    def random(cls, seed: int | None = 0, scale: float = 0.5) -> Params:
        """Weights drawn from N(0, scale^2) with ``numpy.random.default_rng(seed)``; biases 0."""
        if isinstance(scale, bool) or not (isinstance(scale, (int, float)) and math.isfinite(scale) and scale > 0):
            raise ValueError(f"scale must be a finite number > 0, got {scale!r}")
        w = np.random.default_rng(seed).normal(0.0, scale, size=6)
        return cls(w[0], w[1], w[2], w[3], 0.0, 0.0, w[4], w[5], 0.0)._as_floats()

    @classmethod
    def from_dict(cls, values) -> Params:
        """Build from a mapping with exactly the nine names of ``PARAM_NAMES``."""
        keys = set(values)
        missing = [n for n in PARAM_NAMES if n not in keys]
        extra = sorted(str(k) for k in keys - set(PARAM_NAMES))
        if missing or extra:
            raise ValueError(
                f"params: missing {missing or 'nothing'}, unknown {extra or 'nothing'}; expected exactly {PARAM_NAMES}"
            )
        return cls.from_array([values[n] for n in PARAM_NAMES])

    @classmethod
    def from_array(cls, values) -> Params:
        """Build from nine numbers in ``PARAM_NAMES`` order (a list or a flat numpy array)."""
        arr = np.asarray(values, dtype=object)  # object: each value keeps its type, for Params' message
        if arr.shape != (9,):
            raise ValueError(f"params: expected 9 values in PARAM_NAMES order, got shape {arr.shape}")
        return cls(*arr.tolist())  # Params checks each value (finite number) and names the first bad one

    def to_dict(self) -> dict:
        """``{name: value}`` in ``PARAM_NAMES`` order."""
        return dict(zip(PARAM_NAMES, self))

    def to_array(self) -> np.ndarray:
        """A flat float array in ``PARAM_NAMES`` order."""
        return np.array(self, dtype=float)

    def replace(self, **changes) -> Params:
        """A copy with some parameters changed, e.g. ``p.replace(w1_11=0.5)``."""
        return self._replace(**changes)

    def _as_floats(self) -> Params:
        return Params(*(float(v) for v in self))


def as_params(params) -> Params:
    """Accept a ``Params``, a mapping of the nine names, or nine numbers; reject anything else clearly.

    A wrong form (not nine values) says what is expected; nine values of which one is not a finite number get
    ``Params``' own message naming that parameter.
    """
    if isinstance(params, Params):
        return params
    if isinstance(params, Mapping):
        return Params.from_dict(params)
    try:
        shape = np.shape(params)
    except ValueError:  # ragged nesting
        shape = None
    if shape != (9,):
        try:
            return Params.from_array(params)  # raises: say what the form should be
        except (TypeError, ValueError) as err:
            raise ValueError(f"params: expected a Params, a dict of {PARAM_NAMES} or 9 numbers ({err})") from None
    return Params.from_array(params)
