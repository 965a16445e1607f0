"""Notebook 05's exercises (the forward pass, the training loop, the backward method for any width) and
nbhelpers.matrix_form, the matrix form they bridge to.

The right answers are written here: on the independent reference (tests/reference.py), or as plain loops over
neurons (no matrix algebra), and the matrix form is checked against central differences and hand counts.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import reference as ref

from nbhelpers import Params
from nbhelpers import exercises as ex
from nbhelpers import matrix_form as mf


# --- the learner's functions, right and wrong ----------------------------------------------------------------------
def forward(p, x1, x2, swap=False, no_output_bias=False):
    d = ref.as_dict(p)
    w_21, w_12 = (d["w1_12"], d["w1_21"]) if swap else (d["w1_21"], d["w1_12"])
    z_11 = d["w1_11"] * x1 + w_21 * x2 + d["b_11"]
    z_12 = w_12 * x1 + d["w1_22"] * x2 + d["b_12"]
    return z_11, z_12, d["w2_11"] * z_11 + d["w2_21"] * z_12 + (0.0 if no_output_bias else d["b_21"])


def loop(X, y, p, eta, epochs, record="mean", step=ref.step, skip_first=False):
    rows = [(float(a), float(b), float(t)) for (a, b), t in zip(X, y)]
    t = ref.as_dict(p)

    def loss_of(q):
        values = [ref.loss(q, x1, x2, target, "regression") for x1, x2, target in rows]
        return {"mean": sum(values) / len(values), "sum": sum(values), "last": values[-1]}[record]

    out = [loss_of(t)]
    for _ in range(epochs):
        for x1, x2, target in rows:
            t = step(t, x1, x2, target, eta, "regression")
        out.append(loss_of(t))
    return out[1:] if skip_first else out


def backward(W1, b1, W2, b2, x, y, two=2.0, sign=1.0, g_prime=True, transpose=False):
    """dW1, db1, dW2, db2 of a 2-m-1 tanh network written neuron by neuron, as the notes do (no matrix algebra)."""
    m = len(b1)
    z1 = [W1[k][0] * x[0] + W1[k][1] * x[1] + b1[k] for k in range(m)]
    o1 = [math.tanh(z) for z in z1]
    y_hat = sum(W2[0][k] * o1[k] for k in range(m)) + b2[0]
    delta = -two * sign * (y - y_hat)
    d1 = [delta * W2[0][k] * ((1.0 - o1[k] ** 2) if g_prime else 1.0) for k in range(m)]
    dW1 = [[d1[k] * x[j] for j in range(2)] for k in range(m)]
    if transpose:
        dW1 = [list(col) for col in zip(*dW1)]
    return dW1, d1, [[delta * o1[k] for k in range(m)]], [delta]


def right(exercise):
    return {"forward": forward, "training_loop": loop, "backward_layers": backward}[exercise]


@pytest.mark.parametrize("exercise", ["forward", "training_loop", "backward_layers"])
def test_right_functions_pass(exercise):
    feedback = ex.check(exercise, right(exercise))
    assert feedback.correct and feedback.answered, feedback.message


def test_right_answers_pass_as_numpy_and_flat_shapes():
    def numpy_backward(W1, b1, W2, b2, x, y):
        z1 = W1 @ x + b1
        o1 = np.tanh(z1)
        d2 = -2.0 * (y - (W2 @ o1 + b2))
        d1 = (W2.T @ d2) * (1.0 - o1**2)
        return np.outer(d1, x), d1, (d2 * o1).ravel(), float(d2[0])  # dW2 flat, db2 a float: both accepted

    assert ex.check("backward_layers", numpy_backward).correct
    assert ex.check("training_loop", lambda *a: np.array(loop(*a))).correct
    assert ex.check("forward", lambda p, x1, x2: np.array(forward(p, x1, x2))).correct


MISTAKES = [
    ("forward", lambda p, x1, x2: forward(p, x1, x2, swap=True), "swapped w¹₂₁ and w¹₁₂", "z_11, z_12, z_f"),
    ("forward", lambda p, x1, x2: forward(p, x1, x2, no_output_bias=True), "output bias is missing", "z_f is off"),
    ("training_loop", lambda *a: loop(*a, record="sum"), "sum of the row losses", "epoch 0"),
    ("training_loop", lambda *a: loop(*a, record="last"), "last row's loss", "epoch 0"),
    ("training_loop", lambda *a: loop(*a, step=ref.step_sequential), "w² already updated", "epoch 1"),
    ("training_loop", lambda *a: loop(*a, skip_first=True), "before any update first", "expected 9"),
    ("backward_layers", lambda *a: backward(*a, two=1.0), "factor 2", "dW1, db1, dW2, db2 are off"),
    ("backward_layers", lambda *a: backward(*a, sign=-1.0), "sign is flipped", "dW1, db1, dW2, db2 are off"),
    ("backward_layers", lambda *a: backward(*a, g_prime=False), "g′(z¹) is missing", "dW1, db1 are off"),
    ("backward_layers", lambda *a: backward(*a, transpose=True), "transposed", "dW1"),
]


@pytest.mark.parametrize("exercise, answer, words, named", MISTAKES, ids=[m[2][:30] for m in MISTAKES])
def test_each_usual_mistake_is_named(exercise, answer, words, named):
    feedback = ex.check(exercise, answer)
    assert not feedback.correct and feedback.answered
    assert words in feedback.message and named in feedback.message, feedback.message


def test_a_full_batch_loop_and_an_uphill_loop_are_named():
    def batch(X, y, p, eta, epochs):
        rows = [(float(a), float(b), float(t)) for (a, b), t in zip(X, y)]
        t = ref.as_dict(p)
        out = [ref.mean_loss(t, rows, "regression")]
        for _ in range(epochs):
            grads = [ref.gradient(t, *row, "regression") for row in rows]
            t = {n: t[n] - eta * sum(g[n] for g in grads) / len(rows) for n in ref.NAMES}
            out.append(ref.mean_loss(t, rows, "regression"))
        return out

    assert "full-batch" in ex.check("training_loop", batch).message
    uphill = ex.check("training_loop", lambda *a: loop(*a, step=lambda t, *r: ref.step(t, *r[:3], -r[3], r[4])))
    assert not uphill.correct and ("+gradient" in uphill.message or "diverged" in uphill.message), uphill.message


def test_one_mistake_at_one_width_is_caught():
    def wrong_at_width_3(W1, b1, W2, b2, x, y):
        grads = backward(W1, b1, W2, b2, x, y)
        if len(b1) == 3:
            grads[1][2] *= 1.01  # db1 of the third neuron, 1% off
        return grads

    feedback = ex.check("backward_layers", wrong_at_width_3)
    assert not feedback.correct and "db1 is off" in feedback.message, feedback.message


def test_a_function_that_still_returns_the_placeholder_is_not_answered():
    for exercise, args in [("forward", 3), ("training_loop", 5), ("backward_layers", 6), ("regression_gradients", 4)]:
        feedback = ex.check(exercise, eval(f"lambda {', '.join('abcdef'[:args])}: ..."))  # noqa: S307
        assert feedback.status == "not answered" and "still returns ..." in feedback.message, feedback.message


def test_junk_messages_name_the_problem():
    say = ex.check("backward_layers", lambda *a: [np.ones(3)] * 4).message
    assert "dW1 has shape (3,)" in say, say
    assert "expected four" in ex.check("backward_layers", lambda *a: (1, 2, 3)).message
    assert "raised ZeroDivisionError" in ex.check("training_loop", lambda *a: 1 / 0).message
    assert "inf or nan" in ex.check("training_loop", lambda X, y, p, eta, epochs: [math.inf] * (epochs + 1)).message


# --- nbhelpers.matrix_form ----------------------------------------------------------------------------------------
def central(f, values, h=1e-6):
    out = np.zeros_like(values)
    for i in np.ndindex(values.shape):
        up, down = values.copy(), values.copy()
        up[i] += h
        down[i] -= h
        out[i] = (f(up) - f(down)) / (2 * h)
    return out


def test_layers_round_trip_and_the_row_is_the_neuron_the_weight_enters():
    p = Params(*range(1, 10))
    layers = mf.to_layers(p)
    assert layers.W1[0, 1] == p.w1_21 and layers.W1[1, 0] == p.w1_12  # row k: the weights entering neuron k
    assert mf.from_layers(layers) == p
    with pytest.raises(ValueError, match="width 2"):
        mf.from_layers(mf.random_layers(3, np.random.default_rng(0)))


@pytest.mark.parametrize("task", ref.TASKS)
@pytest.mark.parametrize("hidden", ["linear", "tanh", "sigmoid"])
def test_width_2_is_the_nine_lines_of_the_notes(task, hidden):
    rng = np.random.default_rng(1)
    for _ in range(10):
        p = rng.normal(0, 1, 9)
        x, y = rng.uniform(-2, 2, 2), float(rng.integers(0, 2))
        got = mf.from_layers(mf.backward_layers(mf.to_layers(p), x, y, task, hidden))
        want = ref.gradient(p, x[0], x[1], y, task, hidden)
        assert np.allclose(got, [want[n] for n in ref.NAMES], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("width", [1, 3, 7])
def test_any_width_matches_central_differences(width):
    rng = np.random.default_rng(width)
    layers = mf.random_layers(width, rng)
    x, y = rng.uniform(-2, 2, 2), 0.7
    grads = mf.backward_layers(layers, x, y, "regression", "tanh")
    for a in range(4):

        def loss_with(values, a=a):
            moved = list(layers)
            moved[a] = values
            return mf.layers_loss(mf.Layers(*moved), x, y, "regression", "tanh")

        assert np.allclose(grads[a], central(loss_with, layers[a].copy()), rtol=1e-6, atol=1e-8)


def test_the_input_gradient_is_the_sum_of_the_two_paths():
    p = ref.as_dict(np.random.default_rng(3).normal(0, 1, 9))
    x, y = np.array([0.8, -1.2]), 0.5
    z_f = ref.forward(p, x[0], x[1])[4]
    delta = -2 * (y - z_f)
    by_hand = delta * (p["w2_11"] * p["w1_11"] + p["w2_21"] * p["w1_12"])  # iq: through neuron 1, plus neuron 2
    layers = mf.to_layers(list(p.values()))
    got = mf.input_gradient(layers, x, y)
    assert got[0] == pytest.approx(by_hand, rel=1e-12)
    numeric = central(lambda v: ref.loss(p, v[0], v[1], y, "regression"), x.copy())
    assert np.allclose(got, numeric, rtol=1e-7)


class Counted:
    """A float that counts the multiplications done with it."""

    count = 0

    def __init__(self, v):
        self.v = v

    def __mul__(self, other):
        Counted.count += 1
        return Counted(self.v * (other.v if isinstance(other, Counted) else other))

    __rmul__ = __mul__

    def __add__(self, other):
        return Counted(self.v + (other.v if isinstance(other, Counted) else other))

    __radd__ = __add__


def count_both_ways(widths):
    """Run both schemes on Counted numbers over a fully connected net and count: (separate, once)."""
    weights = [[[Counted(1.0) for _ in range(widths[k + 1])] for _ in range(widths[k])] for k in range(len(widths) - 1)]
    g_prime = [[Counted(1.0) for _ in range(w)] for w in widths]  # g'(z) of every hidden neuron
    inputs = [[Counted(1.0) for _ in range(w)] for w in widths]  # what each weight multiplies

    def chain(layer, j):  # ∂L/∂z of neuron j of `layer`, from scratch: δ = −2(y − ŷ), then every path
        delta = Counted(-2.0) * Counted(0.5)
        if layer == len(widths) - 1:
            return delta
        total = 0.0
        for path in all_paths(layer, j):
            product = delta
            for (la, a), (_, b) in zip(path, path[1:]):
                product = product * weights[la][a][b] * g_prime[la][a]
            total = total + product
        return total

    def all_paths(layer, j):  # every path from neuron j of `layer` to the output, as (layer, neuron) pairs
        if layer == len(widths) - 1:
            return [[(layer, j)]]
        return [[(layer, j)] + rest for k in range(widths[layer + 1]) for rest in all_paths(layer + 1, k)]

    Counted.count = 0
    for layer in range(1, len(widths)):
        for k in range(widths[layer]):
            for j in range(widths[layer - 1]):
                chain(layer, k) * inputs[layer - 1][j]  # a weight's derivative
            chain(layer, k)  # the bias's
    separate = Counted.count

    Counted.count = 0
    deltas = {len(widths) - 1: [Counted(-2.0) * Counted(0.5)]}
    for layer in range(len(widths) - 2, 0, -1):
        deltas[layer] = [
            g_prime[layer][a]
            * sum((weights[layer][a][b] * deltas[layer + 1][b] for b in range(widths[layer + 1])), 0.0)
            for a in range(widths[layer])
        ]
    for layer in range(1, len(widths)):
        for k in range(widths[layer]):
            for j in range(widths[layer - 1]):
                deltas[layer][k] * inputs[layer - 1][j]
    return separate, Counted.count


@pytest.mark.parametrize("widths", [[2, 2, 1], [2, 3, 1], [2, 3, 3, 1], [2, 4, 4, 4, 1], [3, 2, 5, 1]])
def test_multiplication_counts_match_counting_both_schemes(widths):
    assert mf.multiplication_counts(widths) == count_both_ways(widths)


def test_multiplication_counts_of_the_notes_network_by_hand():
    # separately: w²ₖ₁ δ·o (1 + 1), b₂₁ δ (1), w¹ⱼₖ δ·w²·g′·x (1 + 3), b₁ₖ δ·w²·g′ (1 + 2): 2·2 + 1 + 4·4 + 2·3 = 27
    # once: δ (1), δ₁ₖ = δ·w²ₖ₁·g′ (2 each: 4), then δ times the input for each of the 6 weights: 11
    assert mf.multiplication_counts([2, 2, 1]) == (27, 11)
    with pytest.raises(ValueError, match="one output last"):
        mf.multiplication_counts([2, 2, 2])
