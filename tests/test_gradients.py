"""The nine analytic derivatives (nb.gradients) against independent references.

References used here, none of them values captured from the code:

* central differences of ``nb.loss`` computed in this file (``central_difference``), on >= 200 random
  parameter/row combinations for each (task, hidden activation) pair;
* the tests' shared plain-Python reference, tests/reference.py (``ref``): the notes' forward pass, loss and
  boxed formulas, with the factor g'(z_1k) of the notes for non-linear hidden neurons;
* the hand-worked numbers of the notes ("Worked numbers") and hand arithmetic at the notes' initialisation.

The last section checks ``ref`` itself the same ways (central differences of its own loss, the worked numbers),
so that the reference cannot silently be wrong.

The checkers ``nb.numerical_gradients`` and ``nb.gradient_check`` are tested too, including that
``gradient_check`` reports a large error for a deliberately wrong gradient.
"""

from __future__ import annotations

import csv
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import reference as ref

import nbhelpers as nb
import nbhelpers.backprop

NAMES, TASKS, HIDDENS = ref.NAMES, ref.TASKS, ref.HIDDENS


# --- the central-difference reference ------------------------------------------------------------
#
# Step: each parameter is moved in units of how strongly it moves a pre-activation ("natural scale"
# S_i): max|x_j| over the rows for w1_jk, max|o_k| for w2_k1, 1 for the biases (never below 1). With raw
# inputs (iq ~ 100) a step of 1e-4 in w1_11 already moves z_11 by 1e-2, while the same step in b_11 moves
# it by 1e-4, so one common step is either too coarse for w1 or too fine (rounding) for the rest.
# The step is s_i = STEP / S_i with STEP = 1e-2: every pre-activation moves by at most 3e-2.
# Formula: the 7-point central difference (coefficients 1/60 (-1, 9, -45, 0, 45, -9, 1)), whose
# truncation error is O(s^6) ~ 1e-12 relative at this step, so the step can be large enough that
# float rounding in the loss (about 1e-16 |L| / s) is negligible too. It is still a central
# difference of nb.loss (or of the reference's loss, to check the reference), evaluated in this file.
# ReLU: combinations with a hidden pre-activation within KINK_GAP = 1e-4 of the kink are redrawn, and
# the first-layer steps are capped so that the widest stencil point moves a pre-activation by at most
# 3/4 of its distance to the kink: the reference never straddles the kink.
STEP = 1e-2
KINK_GAP = 1e-4
STENCIL = ((-3, -1.0), (-2, 9.0), (-1, -45.0), (1, 45.0), (2, -9.0), (3, 1.0))  # (offset, weight / 60)
EPS = 2.0**-52
NOISE_ULPS = 8


def hidden_pre_activations(theta, X):
    X = np.atleast_2d(np.asarray(X, dtype=float))
    z_11 = theta[0] * X[:, 0] + theta[1] * X[:, 1] + theta[4]
    z_12 = theta[2] * X[:, 0] + theta[3] * X[:, 1] + theta[5]
    return z_11, z_12


def natural_scales(theta, X, hidden):
    X = np.atleast_2d(np.asarray(X, dtype=float))
    o = np.abs([ref.forward(theta, x1, x2, hidden)[2:4] for x1, x2 in X.tolist()])  # |o_11|, |o_12| of each row
    ax1, ax2 = np.abs(X).max(axis=0)
    s = [ax1, ax2, ax1, ax2, 1.0, 1.0, o[:, 0].max(), o[:, 1].max(), 1.0]
    return np.maximum(1.0, np.array(s, dtype=float))


def central_difference(theta, X, y, task, hidden, with_noise=False, loss=nb.loss):
    """dL/dtheta_i by the 7-point central difference of ``loss`` (nb.loss's signature), one parameter at a time.

    With ``with_noise``, also return the rounding noise of each estimate: the loss values carry a relative
    rounding error of a few units of 2^-52 (NOISE_ULPS), so the weighted sum divided by 60 s_i is uncertain
    by NOISE_ULPS * 2^-52 * sum_k |w_k L_k| / (60 s_i).
    """
    theta = np.asarray(theta, dtype=float)
    scales = natural_scales(theta, X, hidden)
    steps = STEP / scales
    if hidden == "relu":
        z_11, z_12 = hidden_pre_activations(theta, X)
        gap = min(np.abs(z_11).min(), np.abs(z_12).min())
        # first-layer parameter i moves a pre-activation by at most |offset| * s_i * scales[i]
        steps[:6] = np.minimum(steps[:6], 0.25 * gap / scales[:6])
    out, noise = np.empty(9), np.empty(9)
    for i in range(9):
        total = magnitude = 0.0
        for k, w in STENCIL:
            moved = theta.copy()
            moved[i] += k * steps[i]
            value = loss(moved, X, y, task, hidden)
            total += w * value
            magnitude += abs(w * value)
        out[i] = total / (60.0 * steps[i])
        noise[i] = NOISE_ULPS * EPS * magnitude / (60.0 * steps[i])
    return (out, noise) if with_noise else out


# --- relative error ------------------------------------------------------------------------------
#
# rel_i = |a_i - n_i| / max(|a_i|, |n_i|, floor_i), where G is the largest |component| of either gradient
# and floor_i = max(REL_FLOOR * G, ABS_FLOOR, noise_i / TOL):
# * REL_FLOOR = 1e-3: a component below 1/1000 of the largest one is "~0 relative to the gradient" (e.g.
#   the w1 of a saturated sigmoid/tanh neuron, ~1e-20): it is held to 1e-6 * 1e-3 * G in absolute terms
#   instead of to its own size, which neither finite differences nor a product of factors can resolve.
# * ABS_FLOOR = 1e-7: a gradient whose every entry is below 1e-7 is ~0 in absolute terms (a step with
#   eta <= 1 moves no parameter by more than 1e-7). It occurs for classification rows that are confidently
#   right (|z| >~ 16); there nb's dJ/dz = y_hat - y is limited by the rounding of y_hat near 1 (absolute
#   error ~1e-16; see test_cross_entropy_gradient_relative_accuracy_when_saturated below).
# * noise_i / TOL: the reference's own rounding noise (see central_difference). Near a stationary point
#   with a large loss (e.g. saturated hidden neurons making y_hat a constant 1/3 for targets 0, 0, 1:
#   L = 0.64, G = 2.5e-5) no double-precision difference of L resolves a 2e-7 component to 1e-6; there
#   the test asks for agreement within the reference's noise, not beyond it.
# A draw is "informative" when floor_i = REL_FLOOR * G for every i, i.e. neither the absolute floor nor the
# reference's noise plays any part; each (task, hidden) pair is run until it has N_CASES informative
# draws (the other draws are checked too, at their floors).
REL_FLOOR = 1e-3
ABS_FLOOR = 1e-7
TOL = 1e-6
N_CASES = 200


def relative_errors(analytic, numeric, noise=None):
    """Return (rel_i for the nine components, G, informative?) as defined above."""
    analytic, numeric = np.asarray(analytic, dtype=float), np.asarray(numeric, dtype=float)
    big = max(np.abs(analytic).max(), np.abs(numeric).max())
    noise_floor = np.zeros(9) if noise is None else np.asarray(noise) / TOL
    floor = np.maximum(max(REL_FLOOR * big, ABS_FLOOR), noise_floor)
    informative = bool(REL_FLOOR * big >= ABS_FLOOR and (noise_floor <= REL_FLOOR * big).all())
    scale = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), floor)
    return np.abs(analytic - numeric) / scale, big, informative


def draw_case(rng, task, hidden):
    """Random params ~ N(0, 0.5) (all nine) and 1-5 rows: raw scale (iq in [40, 120], cgpa in [4, 10]) or
    standardised (~ N(0, 1)); one row is passed as shape (2,) half of the time. Returns
    (theta, X, y, kind) with kind = (raw?, single row?)."""
    while True:
        theta = rng.normal(0.0, 0.5, size=9)
        raw = bool(rng.random() < 0.5)
        n = 1 if rng.random() < 0.4 else int(rng.integers(2, 6))
        if raw:
            X = np.column_stack([rng.uniform(40, 120, n), rng.uniform(4, 10, n)])
        else:
            X = rng.normal(0.0, 1.0, size=(n, 2))
        if task == "regression":
            y = rng.uniform(3, 12, n) if raw else rng.normal(0.0, 1.0, n)
        else:
            y = rng.integers(0, 2, n).astype(float)
        if hidden == "relu":
            z_11, z_12 = hidden_pre_activations(theta, X)
            if min(np.abs(z_11).min(), np.abs(z_12).min()) < KINK_GAP:
                continue  # too close to the kink: redraw
        single = n == 1 and bool(rng.random() < 0.5)
        if single:
            return theta, X[0], float(y[0]), (raw, True)
        return theta, X, y, (raw, n == 1)


def gradient_errors(task, hidden, seed, n_cases=N_CASES):
    """Run the comparison; return (max relative error over all draws, over the informative draws,
    informative draws, all draws, {(raw?, single row?): informative draws})."""
    rng = np.random.default_rng(seed)
    worst = worst_informative = 0.0
    informative, total, kinds = 0, 0, {}
    while informative < n_cases:
        theta, X, y, kind = draw_case(rng, task, hidden)
        analytic = nb.gradients(theta, X, y, task, hidden)
        assert isinstance(analytic, nb.Params)
        numeric, noise = central_difference(theta, X, y, task, hidden, with_noise=True)
        err, big, useful = relative_errors(analytic.to_array(), numeric, noise)
        i = int(np.argmax(err))
        assert err[i] <= TOL, (
            f"{task}/{hidden}: d/d{NAMES[i]} analytic {analytic[i]!r} vs central difference {numeric[i]!r} "
            f"(relative error {err[i]:.2e}) at params={theta.tolist()}, X={np.asarray(X).tolist()}, "
            f"y={np.asarray(y).tolist()}"
        )
        worst = max(worst, float(err.max()))
        total += 1
        if useful:
            informative += 1
            worst_informative = max(worst_informative, float(err.max()))
            kinds[kind] = kinds.get(kind, 0) + 1
        assert total < 10 * n_cases, "too few informative draws"
    return worst, worst_informative, informative, total, kinds


PAIRS = [(t, h) for t in TASKS for h in HIDDENS]


@pytest.mark.parametrize("task, hidden", PAIRS)
def test_gradients_match_central_differences(task, hidden):
    seed = 1000 + PAIRS.index((task, hidden))
    worst, worst_informative, informative, total, kinds = gradient_errors(task, hidden, seed)
    # gradient_errors asserted each draw within TOL; here: the mix really was mixed (raw and standardised inputs,
    # single rows and batches)
    raw = sum(v for (r, _), v in kinds.items() if r)
    single = sum(v for (_, s), v in kinds.items() if s)
    assert raw >= 40 and informative - raw >= 40, kinds
    assert single >= 30 and informative - single >= 30, kinds
    print(
        f"{task}/{hidden}: max relative error {worst:.2e} over {total} draws, "
        f"{worst_informative:.2e} over the {informative} informative ones"
    )


def test_central_difference_reference_reproduces_hand_numbers():
    """The reference itself: at the notes' init on row 1 it recovers the notes' nine derivatives."""
    expected = [26880, 2688, 26880, 2688, 336, 336, 29568, 29568, 336]
    numeric = central_difference(list(nb.Params.notes_init()), [80.0, 8.0], 8.0, "regression", "linear")
    np.testing.assert_allclose(numeric, expected, rtol=1e-9)


def test_relative_error_definition_catches_a_wrong_factor():
    """A gradient that is right except for one factor of 2 in one component fails the tolerance."""
    rng = np.random.default_rng(5)
    theta, X, y, _ = draw_case(rng, "classification", "tanh")
    analytic = nb.gradients(theta, X, y, "classification", "tanh").to_array()
    wrong = analytic.copy()
    wrong[int(np.argmax(np.abs(wrong)))] *= 2.0
    numeric = central_difference(theta, X, y, "classification", "tanh")
    assert relative_errors(analytic, numeric)[0].max() <= TOL
    assert relative_errors(wrong, numeric)[0].max() > 0.4


# --- the boxed formulas and the loss, against the shared reference (tests/reference.py) ----------


def _close(a, b, scale, rel=1e-12):
    return abs(a - b) <= rel * max(abs(a), abs(b), scale)


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("hidden", HIDDENS)
def test_gradients_equal_scalar_boxed_formulas(task, hidden):
    """nb.gradients == the notes' boxed formulas (plus g' for non-linear hidden) at 1e-12 relative.

    Single rows compare component by component; a batch compares with the mean of the per-row
    formulas, relative to the largest per-row term (the mean of terms of both signs can be ~0).
    """
    rng = np.random.default_rng(77 + HIDDENS.index(hidden) + 10 * TASKS.index(task))
    for _ in range(60):
        vals = rng.normal(0.0, 0.5, size=9)
        theta = dict(zip(NAMES, vals.tolist()))
        n = int(rng.integers(1, 5))
        X = rng.normal(0.0, 1.0, size=(n, 2))
        y = rng.normal(0.0, 1.0, n) if task == "regression" else rng.integers(0, 2, n).astype(float)
        if hidden == "relu" and min(np.abs(a).min() for a in hidden_pre_activations(vals, X)) < 1e-9:
            continue
        rows = [ref.gradient(theta, float(a), float(b), float(t), task, hidden) for (a, b), t in zip(X, y)]
        got = nb.gradients(theta, X, y, task, hidden)
        for name in NAMES:
            terms = [r[name] for r in rows]
            expected = sum(terms) / n
            scale = max(abs(t) for t in terms) if n > 1 else 0.0
            assert _close(getattr(got, name), expected, scale), (name, getattr(got, name), expected)
        # a single row, passed as shape (2,)
        one = nb.gradients(theta, X[0], float(y[0]), task, hidden)
        for name in NAMES:
            assert _close(getattr(one, name), rows[0][name], 0.0), (name, getattr(one, name), rows[0][name])


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("hidden", HIDDENS)
def test_loss_equals_scalar_reimplementation(task, hidden):
    rng = np.random.default_rng(3 + HIDDENS.index(hidden) + 10 * TASKS.index(task))
    for _ in range(40):
        vals = rng.normal(0.0, 0.5, size=9)
        theta = dict(zip(NAMES, vals.tolist()))
        n = int(rng.integers(1, 5))
        X = np.column_stack([rng.uniform(40, 120, n), rng.uniform(4, 10, n)])
        y = rng.uniform(3, 12, n) if task == "regression" else rng.integers(0, 2, n).astype(float)
        expected = [ref.loss(theta, float(a), float(b), float(t), task, hidden) for (a, b), t in zip(X, y)]
        got = nb.losses(theta, X, y, task, hidden)
        assert got.shape == (n,)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-300)
        assert nb.loss(theta, X, y, task, hidden) == pytest.approx(sum(expected) / n, rel=1e-12)


# --- worked numbers of the notes (regression, row 1, notes' initialisation) -------------------------


# The notes' nine derivatives on row 1 at the notes' initialisation (every weight 1, every bias 0), by hand:
# dL/dy_hat = -2 (8 - 176) = 336; times o_1k = 88 for w^2, times w^2 = 1 and x = 80 or 8 for w^1.
ROW1_GRADIENTS = dict(zip(NAMES, (26880.0, 2688.0, 26880.0, 2688.0, 336.0, 336.0, 29568.0, 29568.0, 336.0)))
# Classification, row 3 (y = 0) at the same initialisation: dJ/dz = -(0 - 1) = 1, o_11 = o_12 = 66, x = (60, 6).
ROW3_CLASSIFICATION_GRADIENTS = dict(zip(NAMES, (60.0, 6.0, 60.0, 6.0, 1.0, 1.0, 66.0, 66.0, 1.0)))


def test_regression_worked_numbers_row_1():
    p = nb.Params.notes_init()
    f = nb.forward(p, [80, 8], "regression")
    assert (f.z_11, f.z_12, f.o_11, f.o_12) == (88.0, 88.0, 88.0, 88.0)
    assert f.z == 176.0 and f.y_hat == 176.0
    assert nb.loss(p, [80, 8], 8, "regression") == 28224.0
    g = nb.gradients(p, [80, 8], 8, "regression")
    assert g.to_dict() == ROW1_GRADIENTS


def test_wrong_sign_would_be_caught():
    """y_hat = 176 > y = 8, so raising any parameter raises y_hat and the loss: every dL/dtheta is positive
    (dL/db_21 = +336, not -336), and each sign agrees with what nudging that parameter does to nb.loss."""
    p = nb.Params.notes_init()
    g = nb.gradients(p, [80, 8], 8, "regression")
    for name in NAMES:
        up = nb.loss(p.replace(**{name: getattr(p, name) + 1e-3}), [80, 8], 8, "regression")
        down = nb.loss(p.replace(**{name: getattr(p, name) - 1e-3}), [80, 8], 8, "regression")
        assert down < 28224.0 < up, name
        assert getattr(g, name) > 0, name


def test_regression_batch_gradient_is_mean_of_rows():
    """All four rows at the notes' init: dL/db_21 = mean of -2 (y - 2 (iq + cgpa)) = mean(336, 294, 252, 210)."""
    d = nb.load_dataset("regression")
    g = nb.gradients(nb.Params.notes_init(), d.X, d.y, "regression")
    assert g.b_21 == (336 + 294 + 252 + 210) / 4
    # dL/dw2_11 = mean of dL/dz * o_11 = mean(336*88, 294*77, 252*66, 210*55)
    assert g.w2_11 == (336 * 88 + 294 * 77 + 252 * 66 + 210 * 55) / 4
    assert nb.loss(nb.Params.notes_init(), d.X, d.y, "regression") == (168**2 + 147**2 + 126**2 + 105**2) / 4


# --- classification at the notes' initialisation and far out in the tails --------------------------


def test_classification_at_notes_init():
    p = nb.Params.notes_init()
    d = nb.load_dataset("classification")
    f = nb.forward(p, d.X, "classification")
    np.testing.assert_array_equal(f.z, [176.0, 154.0, 132.0, 110.0])
    np.testing.assert_array_equal(f.y_hat, [1.0, 1.0, 1.0, 1.0])  # sigma rounds to exactly 1.0
    row_losses = nb.losses(p, d.X, d.y, "classification")
    assert np.isfinite(row_losses).all()
    assert row_losses[2] == 132.0  # row 3: y = 0, J = -log(1 - sigma(132)) = 132 + log(1 + e^-132)
    assert row_losses[3] == 110.0
    assert row_losses[0] == pytest.approx(math.exp(-176.0), rel=1e-12)  # y = 1: J = log(1 + e^-176)
    assert row_losses[1] == pytest.approx(math.exp(-154.0), rel=1e-12)
    assert nb.loss(p, d.X[2], 0, "classification") == 132.0
    # the batch loss is the mean of the row losses: (e^-176 + e^-154 + 132 + 110) / 4
    assert nb.loss(p, d.X, d.y, "classification") == 60.5
    # gradients there, by hand: row 3 has dJ/dz = -(0 - 1) = 1, o_11 = o_12 = 66
    g = nb.gradients(p, d.X[2], 0, "classification")
    assert g.to_dict() == ROW3_CLASSIFICATION_GRADIENTS


def _z_params(z):
    """o_11 = b_11 = 1 (w1 = 0), so z = w2_11 exactly, for any row."""
    return nb.Params(0.0, 0.0, 0.0, 0.0, 1.0, 0.0, float(z), 0.0, 0.0)


@pytest.mark.parametrize(
    "z, y, expected",
    [
        (1e4, 0, 1e4),  # -log(1 - sigma(1e4)) = 1e4 + log(1 + e^-1e4)
        (1e4, 1, 0.0),  # -log(sigma(1e4)) = log(1 + e^-1e4) ~ 1e-4343, 0 in double
        (-1e4, 1, 1e4),
        (-1e4, 0, 0.0),
        (1e3, 0, 1e3),
        (40.0, 0, 40.0),  # 40 + 4.2e-18 rounds to 40
    ],
)
def test_classification_loss_far_in_the_tails(z, y, expected):
    p = _z_params(z)
    assert nb.forward(p, [80, 8], "classification").z == z
    value = nb.loss(p, [80, 8], y, "classification")
    assert math.isfinite(value)
    assert value == pytest.approx(expected, rel=1e-15, abs=1e-300)
    g = nb.gradients(p, [80, 8], y, "classification")
    # dJ/dz = sigma(z) - y: +-1 when confidently wrong, 0 when confidently right
    assert g.b_21 == pytest.approx(float(z > 0) - y, abs=1e-15)
    # and all nine: dJ/dz times o_11 = 1, o_12 = 0 (output layer) or times w2_11 = z, w2_21 = 0 (hidden layer)
    assert g.to_dict() == pytest.approx(ref.gradient(p, 80.0, 8.0, y, "classification"), rel=1e-15, abs=1e-300)


def test_classification_loss_notes_init_scaled_to_z_1e4():
    """The notes' init with both w2 scaled by 1e4/132: z = 2 * (1e4/132) * 66 = 1e4 on row 3 (iq 60, cgpa 6)."""
    w2 = 1e4 / 132
    p = nb.Params.notes_init().replace(w2_11=w2, w2_21=w2)
    z = w2 * 66 + w2 * 66
    assert nb.forward(p, [60, 6], "classification").z == pytest.approx(1e4, rel=1e-15)
    assert nb.loss(p, [60, 6], 0, "classification") == pytest.approx(z, rel=1e-15)  # y = 0: J = z + ~e^-z
    assert nb.loss(p, [60, 6], 1, "classification") == pytest.approx(0.0, abs=1e-300)  # y = 1: J = ~e^-z
    # all four rows: rows 1, 2 (y = 1) contribute ~0, rows 3, 4 (y = 0) contribute z_3 + z_4 = 2 w2 (66 + 55)
    c = nb.load_dataset("classification")
    assert nb.loss(p, c.X, c.y, "classification") == pytest.approx(2 * w2 * (66 + 55) / 4, rel=1e-15)


@pytest.mark.parametrize("z", [-700.0, -40.0, -5.0, -0.5, 0.0, 0.5, 5.0, 40.0, 700.0])
@pytest.mark.parametrize("y", [0, 1])
def test_classification_loss_matches_cross_entropy(z, y):
    # J = -y log sigma(z) - (1 - y) log(1 - sigma(z)), with sigma(z) = 1/(1 + e^-z), 1 - sigma(z) = 1/(1 + e^z):
    # J = y log(1 + e^-z) + (1 - y) log(1 + e^z); e^+-z does not overflow for |z| <= 700
    expected = y * math.log1p(math.exp(-z)) + (1 - y) * math.log1p(math.exp(z))
    assert nb.loss(_z_params(z), [80, 8], y, "classification") == pytest.approx(expected, rel=1e-14, abs=1e-300)


def test_cross_entropy_gradient_relative_accuracy_when_saturated():
    for z in (20.0, 30.0, 40.0):
        true = -math.exp(-z) / (1.0 + math.exp(-z))  # dJ/dz = sigma(z) - 1 = -sigma(-z)
        assert nb.gradients(_z_params(z), [80, 8], 1, "classification").b_21 == pytest.approx(true, rel=1e-6, abs=0.0)


# --- nb.numerical_gradients, nb.relative_error and nb.gradient_check -----------------------------


def test_numerical_gradients_agree_with_reference():
    rng = np.random.default_rng(42)
    for task, hidden in PAIRS:
        checked = 0
        while checked < 15:
            theta = rng.normal(0.0, 0.5, size=9)
            n = int(rng.integers(1, 5))
            X = rng.normal(0.0, 1.0, size=(n, 2))
            y = rng.normal(0.0, 1.0, n) if task == "regression" else rng.integers(0, 2, n).astype(float)
            if hidden == "relu" and min(np.abs(a).min() for a in hidden_pre_activations(theta, X)) < 1e-3:
                continue  # nb's 2-point difference (step 1e-6 max(1, |theta|)) must not straddle the kink
            theirs = nb.numerical_gradients(theta, X, y, task, hidden)
            assert isinstance(theirs, nb.Params)
            ours = central_difference(theta, X, y, task, hidden)
            # nb uses the plain 2-point difference with h = 1e-6: good to ~1e-5 of the largest component
            err = relative_errors(theirs.to_array(), ours)[0]
            assert err.max() <= 1e-4, (task, hidden, err.max())
            checked += 1


def test_numerical_gradients_at_notes_init_reproduce_hand_numbers():
    d = nb.numerical_gradients(nb.Params.notes_init(), [80, 8], 8, "regression")
    np.testing.assert_allclose(d.to_array(), [26880, 2688, 26880, 2688, 336, 336, 29568, 29568, 336], rtol=1e-7)


def test_relative_error_function():
    np.testing.assert_allclose(nb.relative_error([1.0, -2.0, 3.0], [1.0, 2.0, 3.3]), [0.0, 2.0, 0.3 / 3.3])
    assert nb.relative_error(0.0, 0.0) == 0.0
    assert nb.relative_error(1e-13, -1e-13) == 0.0  # both below the floor 1e-12
    assert nb.relative_error(1e-3, 0.0) == 1.0


def test_gradient_check_small_for_correct_gradients():
    d = nb.load_dataset("regression")
    p = nb.Params.notes_init()
    assert max(nb.gradient_check(p, d.X, d.y, "regression")) <= 1e-6
    for row in range(4):
        assert max(nb.gradient_check(p, d.X[row], d.y[row], "regression")) <= 1e-6
    rng = np.random.default_rng(8)
    c = nb.load_dataset("classification")
    Xc = nb.standardise(c.X)
    for hidden in HIDDENS:
        for seed in range(5):
            p = nb.Params.from_array(rng.normal(0.0, 0.5, 9))
            if hidden == "relu" and min(np.abs(a).min() for a in hidden_pre_activations(p, Xc)) < 1e-3:
                continue
            errors = nb.gradient_check(p, Xc, c.y, "classification", hidden)
            assert isinstance(errors, nb.Params)
            assert max(errors) <= 1e-4, (hidden, seed, errors)


@pytest.mark.parametrize("task, hidden", [("regression", "linear"), ("classification", "tanh")])
def test_gradient_check_detects_a_sign_flipped_gradient(monkeypatch, task, hidden):
    d = nb.load_dataset(task)
    X = nb.standardise(d.X)
    p = nb.Params.random(2)
    correct = nb.gradients
    assert max(nb.gradient_check(p, X, d.y, task, hidden)) <= 1e-4

    def flipped(*args, **kwargs):
        return nb.Params(*(-v for v in correct(*args, **kwargs)))

    monkeypatch.setattr(nbhelpers.backprop, "gradients", flipped)
    errors = nb.gradient_check(p, X, d.y, task, hidden)
    # |a - (-a)| / |a| = 2 for every non-zero component
    nonzero = [e for e, g in zip(errors, correct(p, X, d.y, task, hidden)) if abs(g) > 1e-9]
    assert nonzero and min(nonzero) == pytest.approx(2.0, rel=1e-3)


def test_gradient_check_detects_a_missing_g_prime_factor(monkeypatch):
    """A subtler wrong gradient: the hidden-layer derivatives without the factor g'(z_1k)."""
    d = nb.load_dataset("classification")
    X = nb.standardise(d.X)
    p = nb.Params.random(4)
    correct = nb.gradients

    def no_g_prime(params, X_, y_, task, hidden="linear"):
        g = correct(params, X_, y_, task, "linear")  # the linear-hidden formulas ...
        keep_output = correct(params, X_, y_, task, hidden)  # ... but the right output-layer lines
        return g.replace(w2_11=keep_output.w2_11, w2_21=keep_output.w2_21, b_21=keep_output.b_21)

    monkeypatch.setattr(nbhelpers.backprop, "gradients", no_g_prime)
    errors = nb.gradient_check(p, X, d.y, "classification", "sigmoid")
    assert max(errors.w1_11, errors.w1_21, errors.b_11) > 0.1


def test_gradient_check_does_not_flag_a_correct_tiny_derivative(monkeypatch):
    # saturated sigmoid hidden neurons on raw iq: dL/dw1_12 is about -1e-9 beside components of about 16;
    # central differences return 0.0 for it, which is no evidence of a wrong derivative
    p = nb.Params.random(0)
    errors = nb.gradient_check(p, [80, 8], 8, "regression", "sigmoid")
    assert max(errors) < 1e-6
    # ... while a real error, 1% in a large component, is still caught by gradient_check at this same point
    correct = nb.gradients

    def one_percent_off(*args, **kwargs):
        g = correct(*args, **kwargs)
        return g.replace(w2_11=1.01 * g.w2_11)

    monkeypatch.setattr(nbhelpers.backprop, "gradients", one_percent_off)
    errors = nb.gradient_check(p, [80, 8], 8, "regression", "sigmoid")
    assert errors.w2_11 == pytest.approx(0.01 / 1.01, rel=1e-3)
    assert max(v for name, v in errors.to_dict().items() if name != "w2_11") < 1e-6


# --- the shared reference (tests/reference.py) checks itself ---------------------------------------
#
# Everything above trusts ``ref``; here it is held to the same two independent standards as nb: central
# differences of its own loss (ref.mean_loss, through central_difference above), and the worked numbers of the notes
# with the rows read from data/*.csv by the csv module.


def ref_batch_loss(theta, X, y, task, hidden):
    """ref.mean_loss with nb.loss's signature (a numpy batch or one row), for central_difference."""
    rows = [(x1, x2, t) for (x1, x2), t in zip(np.atleast_2d(X).tolist(), np.atleast_1d(y).tolist())]
    return ref.mean_loss(theta, rows, task, hidden)


def ref_batch_gradient(theta, X, y, task, hidden):
    rows = list(zip(np.atleast_2d(X).tolist(), np.atleast_1d(y).tolist()))
    grads = [ref.gradient(theta, x1, x2, t, task, hidden) for (x1, x2), t in rows]
    return np.array([sum(g[name] for g in grads) / len(grads) for name in NAMES])


def csv_rows(name):
    """data/<name>.csv as a list of (iq, cgpa, target) floats, read without nbhelpers."""
    path = Path(__file__).resolve().parent.parent / "data" / f"{name}.csv"
    with path.open(newline="", encoding="utf-8") as f:
        return [tuple(float(v) for v in row) for row in list(csv.reader(f))[1:]]


@pytest.mark.parametrize("task, hidden", PAIRS)
def test_reference_gradient_matches_central_differences_of_its_own_loss(task, hidden):
    rng = np.random.default_rng(2000 + PAIRS.index((task, hidden)))
    informative = 0
    for _ in range(40):
        theta, X, y, _ = draw_case(rng, task, hidden)
        numeric, noise = central_difference(theta, X, y, task, hidden, with_noise=True, loss=ref_batch_loss)
        err, _, useful = relative_errors(ref_batch_gradient(theta, X, y, task, hidden), numeric, noise)
        assert err.max() <= TOL, (task, hidden, NAMES[int(np.argmax(err))], theta.tolist(), X, y)
        informative += useful
    assert informative >= 20


def test_reference_is_wrong_when_its_formula_is(monkeypatch):
    """The check above can fail: with the factor g' left out of the hidden layer it does."""
    monkeypatch.setitem(ref.ACTIVATIONS, "tanh", (math.tanh, lambda z: 1.0))
    theta, X, y, _ = draw_case(np.random.default_rng(2), "regression", "tanh")
    numeric = central_difference(theta, X, y, "regression", "tanh", loss=ref_batch_loss)
    assert relative_errors(ref_batch_gradient(theta, X, y, "regression", "tanh"), numeric)[0].max() > 1e-2


def test_reference_reproduces_the_worked_numbers():
    rows = csv_rows("regression")
    assert rows == [(80.0, 8.0, 8.0), (70.0, 7.0, 7.0), (60.0, 6.0, 6.0), (50.0, 5.0, 5.0)]
    init = dict(zip(NAMES, (1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0)))  # every weight 1, every bias 0
    x1, x2, y = rows[0]
    assert ref.forward(init, x1, x2) == (88.0, 88.0, 88.0, 88.0, 176.0)
    assert ref.loss(init, x1, x2, y, "regression") == 28224.0  # (8 - 176)^2
    assert ref.gradient(init, x1, x2, y, "regression") == ROW1_GRADIENTS
    new = ref.step(init, x1, x2, y, 1e-5, "regression")
    expected = {
        "w2_11": 0.70432,
        "w2_21": 0.70432,
        "b_21": -0.00336,
        "w1_11": 0.7312,
        "w1_12": 0.7312,
        "w1_21": 0.97312,
        "w1_22": 0.97312,
        "b_11": -0.00336,
        "b_12": -0.00336,
    }
    assert new == pytest.approx(expected, rel=1e-12, abs=0.0)
    # the known bug uses the new w2 = 0.70432 for the hidden layer: w1_11 = 1 - 1e-5 * 336 * 0.70432 * 80
    wrong = ref.step_sequential(init, x1, x2, y, 1e-5, "regression")
    assert wrong["w1_11"] == pytest.approx(1 - 1e-5 * 336 * 0.70432 * 80, rel=1e-12)
    assert {n: wrong[n] for n in ("w2_11", "w2_21", "b_21")} == {n: new[n] for n in ("w2_11", "w2_21", "b_21")}
    # the four rows: (168^2 + 147^2 + 126^2 + 105^2) / 4; eta = 1e-5 converges in 100 epochs, 1e-4 blows up at once
    assert ref.mean_loss(init, rows, "regression") == 19183.5
    losses, params = ref.train(init, rows, 1e-5, 100, "regression")
    assert len(losses) == len(params) == 101 and params[0] == init and losses[0] == 19183.5 and losses[-1] < 1e-3
    assert ref.train(init, rows, 1e-4, 1, "regression")[0][1] > 1e12
    # classification at the same init, row 3 (y = 0): J = 132 + log(1 + e^-132) = 132, dJ/dz = 1, o_11 = o_12 = 66
    x1, x2, y = csv_rows("classification")[2]
    assert (x1, x2, y) == (60.0, 6.0, 0.0)
    assert ref.loss(init, x1, x2, y, "classification") == 132.0
    assert ref.gradient(init, x1, x2, y, "classification") == ROW3_CLASSIFICATION_GRADIENTS


def test_reference_does_not_import_nbhelpers_or_numpy():
    code = "import sys, reference; print(sorted({'nbhelpers', 'numpy'} & {m.split('.')[0] for m in sys.modules}))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=Path(__file__).parent, capture_output=True, text=True, check=True
    ).stdout
    assert out == "[]\n"
