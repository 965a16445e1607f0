"""The loss landscape: the mean loss over a grid of two parameters, the other seven held where they are.

One forward pass over the whole grid at once: the two chosen parameters become arrays of shape (rows of the grid,
columns of the grid, 1), the inputs have shape (n,), and numpy broadcasting evaluates every grid point on every
row in one go (``network.forward_values`` is the same lines as the rest of the package). Large data sets are taken
in chunks of rows, so memory stays at about ``CHUNK_ELEMENTS`` floats per intermediate whatever the file's size.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .arguments import resolve
from .network import forward_values
from .params import PARAM_NAMES

CHUNK_ELEMENTS = 2_000_000  # grid points x rows per chunk: about 16 MB per intermediate array


class Surface(NamedTuple):
    a: str  # the parameter along the horizontal axis
    b: str  # the parameter along the vertical axis
    a_values: np.ndarray  # (n_a,)
    b_values: np.ndarray  # (n_b,)
    losses: np.ndarray  # (n_b, n_a): the mean loss at (a_values[j], b_values[i]) in losses[i, j]


def _index(name: str, what: str) -> int:
    if name not in PARAM_NAMES:
        raise ValueError(f"{what} must be one of {', '.join(PARAM_NAMES)}, got {name!r}")
    return PARAM_NAMES.index(name)


def loss_surface(params, X, y, task, a, b, a_values, b_values, hidden="linear") -> Surface:
    """The mean loss over the data with parameter ``a`` set to each of ``a_values`` and ``b`` to each of
    ``b_values``, the other seven at their values in ``params``."""
    i, j = _index(a, "a"), _index(b, "b")
    if i == j:
        raise ValueError(f"a and b must be two different parameters, got {a!r} twice")
    p, out, act, X, y, _ = resolve(params, task, hidden, X, y)
    a_values = np.asarray(a_values, dtype=float).ravel()
    b_values = np.asarray(b_values, dtype=float).ravel()
    if not (len(a_values) and len(b_values) and np.all(np.isfinite(a_values)) and np.all(np.isfinite(b_values))):
        raise ValueError("a_values and b_values must be non-empty and finite")
    grid = [float(v) for v in p]
    grid[i] = a_values[None, :, None]  # (1, n_a, 1)
    grid[j] = b_values[:, None, None]  # (n_b, 1, 1)
    g = None if act.name == "linear" else act.g_array
    total = np.zeros((len(b_values), len(a_values)))
    step = max(1, CHUNK_ELEMENTS // (len(a_values) * len(b_values)))
    for start in range(0, len(X), step):
        x1, x2, t = X[start : start + step, 0], X[start : start + step, 1], y[start : start + step]
        z = forward_values(grid, x1, x2, g)[4]
        total += out.loss_array(z, t).sum(axis=-1)
    return Surface(a, b, a_values, b_values, total / len(X))


def span_around(values, centre: float, pad: float = 0.5, minimum: float = 1.0, n: int = 100) -> np.ndarray:
    """``n`` values covering ``values`` (a path) and ``centre``, widened by ``pad`` of the range on each side,
    and at least ``minimum`` wide: the axis of a landscape that shows the whole path."""
    values = np.concatenate([np.asarray(values, dtype=float).ravel(), [float(centre)]])
    values = values[np.isfinite(values)]
    low, high = float(values.min()), float(values.max())
    width = max(high - low, minimum)
    middle = (low + high) / 2
    half = width * (0.5 + pad)
    return np.linspace(middle - half, middle + half, n)
