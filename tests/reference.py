"""The notes' 2-2-1 network written once more, independently, as the tests' reference: Python floats and ``math``.

Written from the notes, not from nbhelpers, and importing neither nbhelpers nor numpy (test_gradients.py checks
that, and checks these functions themselves: the derivatives against central differences of this module's own
loss, and the notes' hand-worked numbers).

Parameters are a dict of the nine names of ``NAMES``, or nine numbers in that order (a tuple, a list, an
``nb.Params``); w^l_jk is the weight from neuron j of layer l-1 to neuron k of layer l. One row is x1, x2 (iq,
cgpa) and its target y; ``rows`` is a list of (x1, x2, y).

    z_11 = w1_11 x1 + w1_21 x2 + b_11       o_11 = g(z_11)      g: linear (the notes), sigmoid, tanh or relu
    z_12 = w1_12 x1 + w1_22 x2 + b_12       o_12 = g(z_12)
    z    = w2_11 o_11 + w2_21 o_12 + b_21
    regression:      y_hat = z         L = (y - y_hat)^2                              dL/dz = -2 (y - y_hat)
    classification:  y_hat = sigma(z)  J = -y log y_hat - (1 - y) log(1 - y_hat)      dJ/dz = -(y - y_hat)
"""

from __future__ import annotations

import math

NAMES = ("w1_11", "w1_21", "w1_12", "w1_22", "b_11", "b_12", "w2_11", "w2_21", "b_21")
TASKS = ("regression", "classification")


def sigmoid(z):
    """sigma(z) = 1 / (1 + e^-z), as 0.5 (1 + tanh(z / 2)): the same number, and no overflow for any z."""
    return 0.5 * (1.0 + math.tanh(0.5 * z))


# hidden activation: (g, g')
ACTIVATIONS = {
    "linear": (lambda z: z, lambda z: 1.0),
    "sigmoid": (sigmoid, lambda z: sigmoid(z) * (1.0 - sigmoid(z))),
    "tanh": (math.tanh, lambda z: 1.0 - math.tanh(z) ** 2),
    "relu": (lambda z: max(z, 0.0), lambda z: 1.0 if z > 0 else 0.0),
}
HIDDENS = tuple(ACTIVATIONS)


def as_dict(params):
    """The nine parameters as {name: float}, from a dict of the nine names or nine numbers in NAMES order."""
    if hasattr(params, "keys"):
        return {n: float(params[n]) for n in NAMES}
    values = [float(v) for v in params]
    if len(values) != len(NAMES):
        raise ValueError(f"expected 9 parameters in the order {NAMES}, got {len(values)}")
    return dict(zip(NAMES, values))


def forward(params, x1, x2, hidden="linear"):
    """The forward pass for one row: (z_11, z_12, o_11, o_12, z)."""
    t = as_dict(params)
    g = ACTIVATIONS[hidden][0]
    z_11 = t["w1_11"] * x1 + t["w1_21"] * x2 + t["b_11"]
    z_12 = t["w1_12"] * x1 + t["w1_22"] * x2 + t["b_12"]
    o_11, o_12 = g(z_11), g(z_12)
    z = t["w2_11"] * o_11 + t["w2_21"] * o_12 + t["b_21"]
    return z_11, z_12, o_11, o_12, z


def loss(params, x1, x2, y, task, hidden="linear"):
    """L = (y - z)^2 (regression) or the binary cross-entropy J of sigma(z) (classification), for one row."""
    z = forward(params, x1, x2, hidden)[4]
    if task == "regression":
        r = y - z
        return r * r  # not r ** 2: an overflow gives inf, not an OverflowError
    if task != "classification":
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    # -log sigma(z) = log(1 + e^-z), -log(1 - sigma(z)) = log(1 + e^z); log(1 + e^s) without overflow:
    softplus = lambda s: max(s, 0.0) + math.log1p(math.exp(-abs(s)))  # noqa: E731
    return y * softplus(-z) + (1.0 - y) * softplus(z)


def dL_dz(z, y, task):
    """The loss's derivative with respect to the output pre-activation z (the notes' z_f)."""
    if task == "regression":
        return -2.0 * (y - z)  # y_hat = z
    if task != "classification":
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    return -(y - sigmoid(z))  # dJ/dy_hat * dy_hat/dz = -(y - y_hat) / (y_hat (1 - y_hat)) * y_hat (1 - y_hat)


def _output_layer(c, o_11, o_12):
    """dL/dz * dz/dtheta for the output layer's three parameters (c = dL/dz)."""
    return {"w2_11": c * o_11, "w2_21": c * o_12, "b_21": c}


def _hidden_layer(c, w2_11, w2_21, g_11, g_12, x1, x2):
    """dL/dz * dz/do_1k * do_1k/dz_1k * dz_1k/dtheta for the hidden layer's six (g_1k = g'(z_1k))."""
    return {
        "w1_11": c * w2_11 * g_11 * x1,
        "w1_21": c * w2_11 * g_11 * x2,
        "b_11": c * w2_11 * g_11,
        "w1_12": c * w2_21 * g_12 * x1,
        "w1_22": c * w2_21 * g_12 * x2,
        "b_12": c * w2_21 * g_12,
    }


def gradient(params, x1, x2, y, task, hidden="linear"):
    """The nine dL/dtheta for one row by the chain rule, all from one forward pass: {name: float} in NAMES order.

    With the notes' linear hidden neurons g' = 1 and these are the notes' boxed results.
    """
    t = as_dict(params)
    z_11, z_12, o_11, o_12, z = forward(t, x1, x2, hidden)
    c = dL_dz(z, y, task)
    g_prime = ACTIVATIONS[hidden][1]
    grads = {
        **_output_layer(c, o_11, o_12),
        **_hidden_layer(c, t["w2_11"], t["w2_21"], g_prime(z_11), g_prime(z_12), x1, x2),
    }
    return {n: grads[n] for n in NAMES}


def step(params, x1, x2, y, eta, task, hidden="linear"):
    """One SGD step on one row: theta_new = theta_old - eta dL/dtheta_old for all nine at once (a dict)."""
    t = as_dict(params)
    grads = gradient(t, x1, x2, y, task, hidden)
    return {n: t[n] - eta * grads[n] for n in NAMES}


def step_sequential(params, x1, x2, y, eta, task, hidden="linear"):
    """The known bug: update w2 (and b_21) first, then use the NEW w2 in the hidden-layer derivatives.

    dL/dz and the g'(z_1k) still come from the one forward pass at the old parameters; only w2 differs.
    """
    t = as_dict(params)
    z_11, z_12, o_11, o_12, z = forward(t, x1, x2, hidden)
    c = dL_dz(z, y, task)
    g_prime = ACTIVATIONS[hidden][1]
    new = dict(t)
    for name, d in _output_layer(c, o_11, o_12).items():
        new[name] = t[name] - eta * d
    for name, d in _hidden_layer(c, new["w2_11"], new["w2_21"], g_prime(z_11), g_prime(z_12), x1, x2).items():
        new[name] = t[name] - eta * d
    return new


def mean_loss(params, rows, task, hidden="linear"):
    """The loss averaged over ``rows``, a list of (x1, x2, y)."""
    return sum(loss(params, x1, x2, y, task, hidden) for x1, x2, y in rows) / len(rows)


def train(params, rows, eta, epochs, task, hidden="linear"):
    """Per-sample SGD, the rows in order, ``epochs`` times.

    Returns (losses, params): the mean loss and the parameters (dicts) before the first epoch and after each one.
    """
    t = as_dict(params)
    losses, history = [mean_loss(t, rows, task, hidden)], [t]
    for _ in range(epochs):
        for x1, x2, y in rows:
            t = step(t, x1, x2, y, eta, task, hidden)
        losses.append(mean_loss(t, rows, task, hidden))
        history.append(t)
    return losses, history
