"""Step 4 of the notes and the training loop: per-sample (stochastic) gradient descent.

    theta_new = theta_old - eta * dL/dtheta_old        for all nine parameters at once

All nine derivatives of one step come from one forward pass (``chain_rule``); only then are the nine
parameters updated. (Updating w^2 first and using the new w^2 for the w^1 derivatives is a known bug.)
The loop runs on Python floats: for four rows that is several times faster than numpy arrays, and
overflow turns into inf/nan quietly, which ``train`` reports as ``diverged_at`` instead of a warning.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .activations import ACTIVATIONS
from .backprop import chain_rule
from .losses import OUTPUTS
from .network import forward_values
from .params import PARAM_NAMES, Params, as_params
from .validate import check_epochs, check_eta, check_hidden, check_task, check_X, check_y

DIVERGENCE_LIMIT = 1e12  # a loss or parameter beyond this (or non-finite) counts as diverged


def _update(p, grads, eta):
    """theta_new = theta_old - eta * dL/dtheta_old, for the nine parameters together (a plain tuple)."""
    w1_11, w1_21, w1_12, w1_22, b_11, b_12, w2_11, w2_21, b_21 = p
    d1_11, d1_21, d1_12, d1_22, db_11, db_12, d2_11, d2_21, db_21 = grads
    return (
        w1_11 - eta * d1_11, w1_21 - eta * d1_21, w1_12 - eta * d1_12, w1_22 - eta * d1_22,
        b_11 - eta * db_11, b_12 - eta * db_12, w2_11 - eta * d2_11, w2_21 - eta * d2_21, b_21 - eta * db_21,
    )


def _mean_loss(p, rows, out, g):
    """The dataset-mean loss at ``p`` (floats)."""
    total, loss = 0.0, out.loss
    for x1, x2, y in rows:
        total += loss(forward_values(p, x1, x2, g)[4], y)
    return total / len(rows)


def _diverged(loss_value, p):
    """Non-finite or beyond DIVERGENCE_LIMIT (a NaN fails every comparison, so it counts too)."""
    if not abs(loss_value) <= DIVERGENCE_LIMIT:
        return True
    # max/min skip a NaN that is not first, so the sum (NaN if any entry is NaN or +-inf cancel) checks that
    return not (max(p) <= DIVERGENCE_LIMIT and min(p) >= -DIVERGENCE_LIMIT and math.isfinite(sum(p)))


def sgd_step(params, x, y, eta, task, hidden="linear") -> Params:
    """One update on one row ``x`` = (iq, cgpa) with target ``y``: returns the new ``Params``."""
    p = as_params(params)
    out = OUTPUTS[check_task(task)]
    act = ACTIVATIONS[check_hidden(hidden)]
    X, single = check_X(x)
    if not single:
        raise ValueError(f"sgd_step takes one row x of shape (2,), got shape {np.shape(x)}")
    (y,) = check_y(y, 1, task)
    grads = chain_rule(p, float(X[0, 0]), float(X[0, 1]), float(y), out.dL_dz, act.g, act.g_prime)
    return Params(*_update(p, grads, check_eta(eta)))


class History(NamedTuple):
    """What ``train`` recorded. Entry 0 is before any update; entry k is after epoch k."""

    losses: np.ndarray  # dataset-mean loss, length epochs + 1 (or diverged_at + 1 if training stopped)
    params: tuple  # the Params after each epoch, same length as losses
    diverged_at: int | None  # first epoch whose loss or a parameter is non-finite or > 1e12, else None
    eta: float
    task: str
    hidden: str
    epochs: int  # the number of epochs asked for (more than were run if training diverged)

    def trajectory(self, name: str) -> np.ndarray:
        """One parameter over the epochs, e.g. ``history.trajectory("w1_11")``."""
        if name not in PARAM_NAMES:
            raise ValueError(f"unknown parameter {name!r}; expected one of {PARAM_NAMES}")
        i = PARAM_NAMES.index(name)
        return np.array([p[i] for p in self.params])

    @property
    def final_epoch(self) -> int:
        """The last epoch whose parameters were still finite and within bounds."""
        return len(self.params) - 1 if self.diverged_at is None else max(self.diverged_at - 1, 0)

    @property
    def final(self) -> Params:
        """The parameters after ``final_epoch``."""
        return self.params[self.final_epoch]


def train(X, y, task, params, eta, epochs, hidden="linear", shuffle=False, seed=None) -> History:
    """Per-sample SGD: for each epoch, one ``sgd_step`` per row in order (shuffled if asked, with ``seed``).

    Stops at the first epoch whose mean loss or any parameter is non-finite or larger than 1e12
    (``diverged_at``); emits no warning.
    """
    out = OUTPUTS[check_task(task)]
    act = ACTIVATIONS[check_hidden(hidden)]
    X, _ = check_X(X)
    y = check_y(y, len(X), task)
    p = as_params(params)
    eta = check_eta(eta)
    epochs = check_epochs(epochs)
    rows = [(float(a), float(b), float(t)) for (a, b), t in zip(X, y)]
    rng = np.random.default_rng(seed) if shuffle else None
    dL_dz, g, g_prime = out.dL_dz, act.g, act.g_prime
    if act.name == "linear":  # o = z and g' = 1 without calling anything
        g = g_prime = None

    losses = [_mean_loss(p, rows, out, g)]
    history = [p]
    diverged_at = 0 if _diverged(losses[0], p) else None
    for epoch in range(1, epochs + 1):
        if diverged_at is not None:
            break
        order = rows if rng is None else [rows[i] for i in rng.permutation(len(rows))]
        for x1, x2, t in order:
            p = _update(p, chain_rule(p, x1, x2, t, dL_dz, g, g_prime), eta)
        losses.append(_mean_loss(p, rows, out, g))
        history.append(p)
        if _diverged(losses[-1], p):
            diverged_at = epoch
    params_history = tuple(map(Params._make, history))
    return History(np.array(losses), params_history, diverged_at, eta, task, act.name, epochs)
