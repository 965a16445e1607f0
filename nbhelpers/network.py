"""The 2-2-1 network: the forward pass (Step 2 of the notes) and the loss (Step 3).

z_11 = w^1_11 x_i1 + w^1_21 x_i2 + b_11      o_11 = g(z_11)      (g linear in the notes: o = z)
z_12 = w^1_12 x_i1 + w^1_22 x_i2 + b_12      o_12 = g(z_12)
z    = w^2_11 o_11 + w^2_21 o_12 + b_21      y_hat = z (regression) or sigma(z) (classification)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .arguments import resolve


def forward_values(p, x1, x2, g):
    """Step 2 on floats or arrays: returns (z_11, z_12, o_11, o_12, z). ``p`` unpacks in PARAM_NAMES order."""
    w1_11, w1_21, w1_12, w1_22, b_11, b_12, w2_11, w2_21, b_21 = p
    z_11 = w1_11 * x1 + w1_21 * x2 + b_11  # hidden neuron 1, pre-activation
    z_12 = w1_12 * x1 + w1_22 * x2 + b_12  # hidden neuron 2, pre-activation
    if g is None:  # the notes' linear hidden neurons, o = z (saves two calls per row on train's hot path)
        o_11, o_12 = z_11, z_12
    else:
        o_11, o_12 = g(z_11), g(z_12)
    z = w2_11 * o_11 + w2_21 * o_12 + b_21  # output pre-activation (the notes' z_f)
    return z_11, z_12, o_11, o_12, z


class Forward(NamedTuple):
    """Every quantity of the forward pass; floats for one row, arrays of shape (n,) for a batch."""

    z_11: object
    z_12: object
    o_11: object
    o_12: object
    z: object
    y_hat: object


def forward(params, X, task, hidden="linear") -> Forward:
    """The forward pass for one row (X of shape (2,)) or a batch (n, 2), vectorised over rows."""
    a = resolve(params, task, hidden, X)
    with np.errstate(over="ignore", invalid="ignore"):  # absurd parameters give inf / nan, not a warning
        z_11, z_12, o_11, o_12, z = forward_values(a.p, a.X[:, 0], a.X[:, 1], a.act.g_array)
        values = (z_11, z_12, o_11, o_12, z, a.out.y_hat_array(z))
    if a.single:
        return Forward(*(float(v[0]) for v in values))
    return Forward(*(np.asarray(v, dtype=float) for v in values))


def losses(params, X, y, task, hidden="linear") -> np.ndarray:
    """The loss of every row, shape (n,)."""
    a = resolve(params, task, hidden, X, y)
    with np.errstate(over="ignore", invalid="ignore"):  # absurd parameters give inf / nan, not a warning
        z = forward_values(a.p, a.X[:, 0], a.X[:, 1], a.act.g_array)[4]
        return a.out.loss_array(z, a.y)


def loss(params, X, y, task, hidden="linear") -> float:
    """Step 3: the loss of one row, or the mean over the rows of a batch.

    regression:     L = (y - y_hat)^2
    classification: J = -y log y_hat - (1 - y) log(1 - y_hat), computed stably from z
    """
    return float(np.mean(losses(params, X, y, task, hidden)))
