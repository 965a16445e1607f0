"""The loss landscape: the mean loss over a grid of two parameters, the other seven held where they are.

One forward pass over the whole grid at once: the two chosen parameters become arrays of shape (rows of the grid,
columns of the grid, 1), the inputs have shape (n,), and numpy broadcasting evaluates every grid point on every
row in one go (``network.forward_values`` is the same lines as the rest of the package; a layer that does not
depend on the two parameters is computed once, for the rows only). The grid is taken in blocks of about
``CHUNK_ELEMENTS`` grid points x rows (some rows of the grid, and for a large file some of its rows), so the
intermediates stay in the processor's cache and memory stays bounded whatever the file's size: 100 x 100 points on
48 rows take half the time they took as one block. The cross-entropy is computed as ``softplus((1 - 2y) z)``, the
same numbers as ``cross_entropy_array`` in fewer passes.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .arguments import resolve
from .loss_functions import softplus_array
from .network import forward_values
from .params import PARAM_NAMES

CHUNK_ELEMENTS = 65_536  # grid points x rows per block: 512 kB per float64 intermediate, which stays in cache


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


def loss_surface(params, X, y, task, a, b, a_values, b_values, hidden="linear", dtype=float) -> Surface:
    """The mean loss over the data with parameter ``a`` set to each of ``a_values`` and ``b`` to each of
    ``b_values``, the other seven at their values in ``params``.

    ``dtype=np.float32`` computes in single precision, two to three times faster, to about six significant digits:
    for a picture (the playground's landscape), not for numbers to print. The result is float64 either way.
    """
    i, j = _index(a, "a"), _index(b, "b")
    if i == j:
        raise ValueError(f"a and b must be two different parameters, got {a!r} twice")
    p, out, act, X, y, _ = resolve(params, task, hidden, X, y)
    a_values = np.asarray(a_values, dtype=float).ravel()
    b_values = np.asarray(b_values, dtype=float).ravel()
    if not (len(a_values) and len(b_values) and np.all(np.isfinite(a_values)) and np.all(np.isfinite(b_values))):
        raise ValueError("a_values and b_values must be non-empty and finite")
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    grid = [dtype.type(v) for v in p]
    grid[i] = a_values.astype(dtype)[None, :, None]  # (1, n_a, 1)
    b_grid = b_values.astype(dtype)[:, None, None]  # (n_b, 1, 1), taken a block of rows of the grid at a time
    x1, x2, t = (np.ascontiguousarray(v, dtype=dtype) for v in (X[:, 0], X[:, 1], y))
    sign = 1 - 2 * t if task == "classification" else None  # J = softplus(z) for y = 0, softplus(-z) for y = 1
    g = None if act.name == "linear" else act.g_array
    n_a, n_b, n = len(a_values), len(b_values), len(X)
    rows = min(n, max(1, CHUNK_ELEMENTS // n_a))  # rows of the data per block
    lines = max(1, CHUNK_ELEMENTS // (n_a * rows))  # rows of the grid per block
    total = np.zeros((n_b, n_a))
    for r in range(0, n, rows):
        data = slice(r, r + rows)
        for k in range(0, n_b, lines):
            grid[j] = b_grid[k : k + lines]
            z = forward_values(grid, x1[data], x2[data], g)[4]
            row_loss = out.loss_array(z, t[data]) if sign is None else softplus_array(z * sign[data])
            total[k : k + lines] += row_loss.sum(axis=-1)
    return Surface(a, b, a_values, b_values, total / n)


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
