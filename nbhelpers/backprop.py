"""Backpropagation: the nine derivatives of the notes, "following the hierarchy".

``chain_rule`` is the one implementation of the nine derivatives. ``gradients`` runs it on a batch
(numpy arrays), ``sgd_step`` on Python floats; ``train`` runs the same lines written out on nine local floats
(``training._sgd_epoch``, which tests/test_speedups.py checks against this function bit for bit).
"""

from __future__ import annotations

import numpy as np

from .arguments import resolve
from .network import forward_values, loss
from .params import PARAM_NAMES, Params, as_params


def chain_rule(p, x1, x2, y, out_dL_dz, g, g_prime):
    """One forward pass, then the nine chain-rule products in PARAM_NAMES order (floats or arrays).

    ``out_dL_dz(z, y)`` is dL/dz at the output: -2 (y - y_hat) for regression (where dL/dy_hat = dL/dz),
    -(y - y_hat) for classification (the notes' dL/dy_hat * dy_hat/dz_f). With the notes' linear hidden
    neurons g'(z_1k) = 1 and each line below is exactly a boxed result of the notes.
    """
    z_11, z_12, o_11, o_12, z = forward_values(p, x1, x2, g)
    w2_11, w2_21 = p[6], p[7]
    dL_dz = out_dL_dz(z, y)  # -2 (y - y_hat) or -(y - y_hat)
    # do_1k/dz_1k = g'(z_1k): 1 for the notes' linear hidden neurons (g_prime None)
    g_11, g_12 = (1.0, 1.0) if g_prime is None else (g_prime(z_11), g_prime(z_12))
    # The nine lines stay aligned, one per boxed result of the notes: the formatter leaves them alone.
    # fmt: off
    # output layer:    dL/dz * dz/dtheta
    dL_dw2_11 = dL_dz * o_11
    dL_dw2_21 = dL_dz * o_12
    dL_db_21  = dL_dz
    # hidden neuron 1: dL/dz * dz/do_11 * do_11/dz_11 * dz_11/dtheta
    dL_dw1_11 = dL_dz * w2_11 * g_11 * x1
    dL_dw1_21 = dL_dz * w2_11 * g_11 * x2
    dL_db_11  = dL_dz * w2_11 * g_11
    # hidden neuron 2: dL/dz * dz/do_12 * do_12/dz_12 * dz_12/dtheta
    dL_dw1_12 = dL_dz * w2_21 * g_12 * x1
    dL_dw1_22 = dL_dz * w2_21 * g_12 * x2
    dL_db_12  = dL_dz * w2_21 * g_12
    # fmt: on
    return (dL_dw1_11, dL_dw1_21, dL_dw1_12, dL_dw1_22, dL_db_11, dL_db_12, dL_dw2_11, dL_dw2_21, dL_db_21)


def gradients(params, X, y, task, hidden="linear") -> Params:
    """The nine dL/dtheta as a ``Params``: for one row, or the mean over the rows of a batch."""
    a = resolve(params, task, hidden, X, y)
    grads = chain_rule(a.p, a.X[:, 0], a.X[:, 1], a.y, a.out.dL_dz_array, a.act.g_array, a.act.g_prime_array)
    return Params(*(float(np.mean(np.broadcast_to(d, (len(a.X),)))) for d in grads))


def numerical_gradients(params, X, y, task, hidden="linear", h=1e-6) -> Params:
    """Central differences (L(theta + h) - L(theta - h)) / 2h for each parameter; h scales with |theta|."""
    p = as_params(params).to_array()
    est = []
    for i in range(len(PARAM_NAMES)):
        step = h * max(1.0, abs(p[i]))
        up, down = p.copy(), p.copy()
        up[i] += step
        down[i] -= step
        est.append((loss(up, X, y, task, hidden) - loss(down, X, y, task, hidden)) / (2 * step))
    return Params(*est)


def relative_error(a, b, floor=1e-12):
    """|a - b| / max(|a|, |b|, floor); 0 when both are below ``floor`` (both zero, e.g. a dead ReLU)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.maximum(np.abs(a), np.abs(b))
    return np.where(scale < floor, 0.0, np.abs(a - b) / np.maximum(scale, floor))


def gradient_check(params, X, y, task, hidden="linear", h=1e-6) -> Params:
    """The relative error of each analytic derivative against central differences, as a ``Params``.

    A derivative smaller than 1e-8 of the largest one is compared on that scale instead of its own:
    central differences cannot resolve it (a saturated hidden neuron gives 1e-9 beside 16, say), and
    reporting an error of 100% for a correct tiny derivative would mislead.
    """
    analytic = gradients(params, X, y, task, hidden)
    numeric = numerical_gradients(params, X, y, task, hidden, h)
    floor = max(1e-12, 1e-8 * float(np.max(np.abs(analytic))))
    return Params(*(float(e) for e in relative_error(analytic, numeric, floor)))
