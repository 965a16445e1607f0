"""The output neuron and its loss, each loss beside its gradient with respect to z (the notes' z_f).

Regression:      y_hat = z,         L = (y - y_hat)^2,                      dL/dz = -2 (y - y_hat)
Classification:  y_hat = sigma(z),  J = -y log y_hat - (1 - y) log(1 - y_hat),  dJ/dz = -(y - y_hat)

For classification dJ/dz is the notes' dL/dy_hat * dy_hat/dz_f
= -(y - y_hat) / (y_hat (1 - y_hat)) * y_hat (1 - y_hat) = -(y - y_hat).
J is computed from z, not from y_hat (a departure from the notes' formula, same value):
J = max(z, 0) - y z + log(1 + e^-|z|). At the notes' initialisation z = 132 on row 3, where
y_hat rounds to exactly 1.0 and the naive formula takes log(0); the stable form gives 132.0.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .activations import sigmoid, sigmoid_array, sigmoid_prime_array


# --- regression: identity output, squared error (no 1/2, hence the 2) ------------------------------
def squared_error(z: float, y: float) -> float:
    """L = (y - y_hat)^2 with y_hat = z (r * r, not r ** 2: overflow gives inf, not an exception)"""
    r = y - z
    return r * r


def squared_error_dz(z: float, y: float) -> float:
    """dL/dy_hat = dL/dz = -2 (y - y_hat)"""
    return -2.0 * (y - z)


def squared_error_array(z, y):
    r = y - z
    return r * r


# --- classification: sigmoid output, binary cross-entropy ------------------------------------------
def cross_entropy(z: float, y: float) -> float:
    """J = -y log sigma(z) - (1 - y) log(1 - sigma(z)) = max(z, 0) - y z + log(1 + e^-|z|)"""
    return (z if z > 0 else 0.0) - y * z + math.log1p(math.exp(-abs(z)))


def cross_entropy_dz(z: float, y: float) -> float:
    """dJ/dz = dJ/dy_hat * dy_hat/dz = -(y - y_hat)

    For y = 1 it is written -(1 - sigma(z)) = -sigma(-z): the same number, without the cancellation
    that would leave 0.0 instead of, say, -4e-18 when the row is confidently right.
    """
    return -sigmoid(-z) if y == 1 else sigmoid(z) - y


def cross_entropy_dz_array(z, y):
    """dJ/dz = -(y - y_hat), as -sigma(-z) where y = 1 (see cross_entropy_dz)"""
    z = np.asarray(z, dtype=float)
    return np.where(y == 1, -sigmoid_array(-z), sigmoid_array(z) - y)


def cross_entropy_array(z, y):
    z = np.asarray(z, dtype=float)
    return np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z)))


def softplus_array(u):
    """log(1 + e^u) = max(u, 0) + log1p(e^-|u|), without overflow; float32 stays float32.

    For y in {0, 1} the cross-entropy is J = softplus(z) (y = 0) or softplus(-z) (y = 1), that is
    J = softplus((1 - 2y) z): the numbers of ``cross_entropy_array`` in fewer passes over the data (the loss
    landscape evaluates it at every grid point for every row). numpy's float32 log1p is no faster than its float64
    one, so float32 takes log(1 + t), corrected by one step: log1p(t) = log(v) - ((v - 1) - t) / v, v = 1 + t.
    """
    u = np.asarray(u)
    t = np.abs(u)
    np.negative(t, out=t)
    np.exp(t, out=t)  # t = e^-|u|, in (0, 1]
    if u.dtype == np.float32:
        v = t + 1
        t -= v - 1  # minus the rounding of 1 + t
        t /= v
        t += np.log(v, out=v)
    else:
        np.log1p(t, out=t)
    t += np.maximum(u, 0)
    return t


# --- the output neuron's local derivatives as the notes write them, one function per equation -------------------
# For a number or an array (a number gives a float). They compute from y_hat, as the notes do, so they show what
# floating point does to the notes' formulas once y_hat rounds to 1.0 (the lesson of notebook 04).
def _number_or_array(d):
    d = np.asarray(d, dtype=float)
    return d if d.ndim else float(d)


def naive_cross_entropy(y_hat, y):
    """J = -y log y_hat - (1 - y) log(1 - y_hat), literally, from y_hat (the notes' formula).

    In floating point y_hat rounds to exactly 1.0 once z_f > 37: then log(1 - y_hat) = log 0 = -inf, so J = inf
    for y = 0 and J = 0 * (-inf) = nan for y = 1. (Quietly: the warnings are switched off for this demonstration.)
    """
    y_hat, y = np.asarray(y_hat, dtype=float), np.asarray(y, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _number_or_array(-y * np.log(y_hat) - (1.0 - y) * np.log(1.0 - y_hat))


def dJ_dy_hat(y_hat, y):
    """dJ/dy_hat = -y / y_hat + (1 - y) / (1 - y_hat) = -(y - y_hat) / (y_hat (1 - y_hat))"""
    y_hat = np.asarray(y_hat, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):  # y_hat = 1.0 exactly: a division by 0, shown as inf/nan
        return _number_or_array(-(y - y_hat) / (y_hat * (1.0 - y_hat)))


def dy_hat_dz(z):
    """dy_hat/dz_f = sigma(z_f) (1 - sigma(z_f)) = y_hat (1 - y_hat), computed from y_hat as the notes do"""
    return _number_or_array(sigmoid_prime_array(z))


def dJ_dz(z, y):
    """dJ/dz_f = dJ/dy_hat * dy_hat/dz_f = -(y - y_hat): the factor y_hat (1 - y_hat) cancels.

    ``cross_entropy_dz_array``, the form ``chain_rule`` uses, which writes -(1 - y_hat) as -sigma(-z) for y = 1.
    """
    return _number_or_array(cross_entropy_dz_array(np.asarray(z, dtype=float), np.asarray(y, dtype=float)))


def identity(z):
    """y_hat = z (regression output)"""
    return z


class Output(NamedTuple):
    task: str
    y_hat: Callable  # floats
    loss: Callable
    dL_dz: Callable
    y_hat_array: Callable  # numpy arrays
    loss_array: Callable
    dL_dz_array: Callable


OUTPUTS = {
    "regression": Output(
        "regression", identity, squared_error, squared_error_dz, identity, squared_error_array, squared_error_dz
    ),
    "classification": Output(
        "classification",
        sigmoid,
        cross_entropy,
        cross_entropy_dz,
        sigmoid_array,
        cross_entropy_array,
        cross_entropy_dz_array,
    ),
}
