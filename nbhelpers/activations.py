"""Activations, each beside its derivative, in two flavours that compute the same numbers.

``*_array`` functions take numpy arrays (a batch, a 200 x 200 grid); the plain ones take Python floats
and use ``math``, which is what per-sample SGD runs on (no numpy call overhead, and overflow gives
inf/nan quietly instead of a RuntimeWarning, so divergence can be reported in words).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np


# --- sigmoid: sigma(z) = 1 / (1 + e^-z), sigma'(z) = sigma(z) (1 - sigma(z)) -------------------------
def sigmoid(z: float) -> float:
    """sigma(z) = 1 / (1 + e^-z), written so that e^x never overflows (x <= 0)."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def sigmoid_prime(z: float) -> float:
    """sigma'(z) = sigma(z) (1 - sigma(z))"""
    s = sigmoid(z)
    return s * (1.0 - s)


def sigmoid_and_prime(z: float) -> tuple[float, float]:
    """(sigma(z), sigma'(z)) from one sigma(z): what per-sample SGD needs of each hidden neuron."""
    s = sigmoid(z)
    return s, s * (1.0 - s)


def sigmoid_array(z):
    """sigma(z) for arrays, without overflow: e = e^-|z| <= 1. (float32 stays float32, anything else is float64.)"""
    z = np.asarray(z)
    z = z if z.dtype == np.float32 else np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime_array(z):
    """sigma'(z) = sigma(z) (1 - sigma(z)), computed as the notes write it: 0.0 once sigma(z) rounds to 1.0"""
    s = sigmoid_array(z)
    return s * (1.0 - s)


def sigmoid_prime_exact(z):
    """sigma'(z) = sigma(z) sigma(-z), the same derivative without 1 - 1.0 = 0: 5e-77 at z = 176, not 0.0.

    For a number or an array (a number gives a float).
    """
    d = sigmoid_array(z) * sigmoid_array(-np.asarray(z, dtype=float))
    return d if d.ndim else float(d)


# --- linear (the notes): g(z) = z, g'(z) = 1 --------------------------------------------------------
def linear(z):
    """g(z) = z"""
    return z


def linear_prime(z):
    """g'(z) = 1"""
    return 1.0


def linear_and_prime(z: float) -> tuple[float, float]:
    """(g(z), g'(z)) = (z, 1)"""
    return z, 1.0


def linear_prime_array(z):
    """g'(z) = 1"""
    return np.ones_like(np.asarray(z, dtype=float))


# --- tanh: g'(z) = 1 - tanh(z)^2 --------------------------------------------------------------------
def tanh_prime(z: float) -> float:
    """g'(z) = 1 - tanh(z)^2"""
    t = math.tanh(z)
    return 1.0 - t * t


def tanh_and_prime(z: float) -> tuple[float, float]:
    """(tanh z, 1 - tanh(z)^2) from one tanh z"""
    t = math.tanh(z)
    return t, 1.0 - t * t


def tanh_prime_array(z):
    """g'(z) = 1 - tanh(z)^2"""
    t = np.tanh(z)
    return 1.0 - t * t


# --- ReLU: g(z) = max(z, 0), g'(z) = 1 if z > 0 else 0 ---------------------------------------------
def relu(z: float) -> float:
    """g(z) = max(z, 0)"""
    return z if z > 0 else 0.0


def relu_prime(z: float) -> float:
    """g'(z) = 1 if z > 0 else 0 (0 at the kink z = 0)"""
    return 1.0 if z > 0 else 0.0


def relu_and_prime(z: float) -> tuple[float, float]:
    """(max(z, 0), 1 if z > 0 else 0)"""
    return (z, 1.0) if z > 0 else (0.0, 0.0)


def relu_array(z):
    """g(z) = max(z, 0)"""
    return np.maximum(z, 0.0)


def relu_prime_array(z):
    """g'(z) = 1 if z > 0 else 0"""
    return (np.asarray(z) > 0).astype(float)


class Activation(NamedTuple):
    name: str
    g: Callable  # floats
    g_prime: Callable
    g_array: Callable  # numpy arrays
    g_prime_array: Callable
    g_and_prime: Callable  # floats: (g(z), g'(z)) in one call, the same numbers as g and g_prime


ACTIVATIONS = {
    "linear": Activation("linear", linear, linear_prime, linear, linear_prime_array, linear_and_prime),
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_prime, sigmoid_array, sigmoid_prime_array, sigmoid_and_prime),
    "tanh": Activation("tanh", math.tanh, tanh_prime, np.tanh, tanh_prime_array, tanh_and_prime),
    "relu": Activation("relu", relu, relu_prime, relu_array, relu_prime_array, relu_and_prime),
}
