"""sgd_step and train (Step 4 of the notes: per-sample SGD with the simultaneous update).

References: the hand-worked step of the notes, nb.gradients (itself checked against central differences in
test_gradients.py), and the tests' plain-Python re-implementation of the notes, tests/reference.py (``ref``: one
step, the known-wrong sequential step, per-sample SGD; checked itself in test_gradients.py). Nothing is compared
with values captured from the code.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
import reference as ref

import nbhelpers as nb

NAMES, HIDDENS = ref.NAMES, ref.HIDDENS
ROWS = [(80.0, 8.0, 8.0), (70.0, 7.0, 7.0), (60.0, 6.0, 6.0), (50.0, 5.0, 5.0)]  # the notes, regression


def assert_params_close(got, expected, rel=1e-12, scale=0.0):
    got = ref.as_dict(got)
    for n in NAMES:
        a, b = got[n], expected[n]
        assert abs(a - b) <= rel * max(abs(a), abs(b), scale), (n, a, b)


# --- sgd_step ------------------------------------------------------------------------------------


def test_sgd_step_worked_numbers_of_the_notes():
    """The notes: eta = 1e-5 on row 1 from the notes' init."""
    new = nb.sgd_step(nb.Params.notes_init(), [80, 8], 8, 1e-5, "regression")
    assert isinstance(new, nb.Params)
    expected = {
        "w2_11": 0.70432,
        "w2_21": 0.70432,
        "b_21": -0.00336,  # 1 - 1e-5 * 29568, 0 - 1e-5 * 336
        "w1_11": 0.7312,
        "w1_12": 0.7312,  # 1 - 1e-5 * 26880
        "w1_21": 0.97312,
        "w1_22": 0.97312,  # 1 - 1e-5 * 2688
        "b_11": -0.00336,
        "b_12": -0.00336,  # 0 - 1e-5 * 336
    }
    for name, value in expected.items():
        assert getattr(new, name) == pytest.approx(value, rel=1e-12, abs=0.0), name


def test_sgd_step_is_the_simultaneous_update_not_the_sequential_one():
    p = nb.Params.notes_init()
    new = nb.sgd_step(p, [80, 8], 8, 1e-5, "regression")
    simultaneous = ref.step(p, 80.0, 8.0, 8.0, 1e-5, "regression", "linear")
    sequential = ref.step_sequential(p, 80.0, 8.0, 8.0, 1e-5, "regression")
    assert_params_close(new, simultaneous)
    # the buggy variant really differs (w1_11 = 1 - 1e-5 * 336 * 0.70432 * 80 = 0.8106788..., checked by hand in
    # test_gradients.py), so the comparison above would fail for a sequential implementation
    assert abs(sequential["w1_11"] - new.w1_11) > 0.07
    with pytest.raises(AssertionError):
        assert_params_close(new, sequential)


@pytest.mark.parametrize("task", ["regression", "classification"])
@pytest.mark.parametrize("hidden", HIDDENS)
def test_sgd_step_equals_params_minus_eta_times_gradients(task, hidden):
    rng = np.random.default_rng(HIDDENS.index(hidden) + (10 if task == "classification" else 0))
    distinguishable = 0
    for _ in range(40):
        p = nb.Params.from_array(rng.normal(0.0, 0.5, 9))
        if rng.random() < 0.5:
            x = np.array([rng.uniform(40, 120), rng.uniform(4, 10)])
            y = rng.uniform(3, 12) if task == "regression" else float(rng.integers(0, 2))
            eta = 1e-5
        else:
            x = rng.normal(0.0, 1.0, 2)
            y = rng.normal() if task == "regression" else float(rng.integers(0, 2))
            eta = 0.1
        new = nb.sgd_step(p, x, y, eta, task, hidden)
        grad = nb.gradients(p, x, y, task, hidden)  # every derivative from the OLD params
        expected = {n: getattr(p, n) - eta * getattr(grad, n) for n in NAMES}
        scale = eta * max(abs(v) for v in grad)
        assert_params_close(new, expected, scale=scale)
        assert_params_close(new, ref.step(p, x[0], x[1], y, eta, task, hidden), scale=scale)
        if hidden == "linear":
            try:  # would the sequential-update bug pass this same comparison?
                assert_params_close(ref.step_sequential(p, x[0], x[1], y, eta, task), expected, scale=scale)
            except AssertionError:
                distinguishable += 1
    if hidden == "linear":
        # the bug differs at second order (eta^2 (dL/dz)^2 x o): visible in all but the tiniest steps
        assert distinguishable >= 30


def test_sgd_step_does_not_change_its_input():
    """Parameters as a numpy array, a list or a dict, the row and target as arrays: read, never written to."""
    p = nb.Params.random(1)
    expected = ref.step(p, 1.0, -0.5, 1.0, 0.1, "classification", "tanh")
    for params in (p.to_array(), list(p), p.to_dict()):
        x, y = np.array([1.0, -0.5]), np.array([1.0])
        assert_params_close(nb.sgd_step(params, x, y, 0.1, "classification", "tanh"), expected)
        assert x.tolist() == [1.0, -0.5] and y.tolist() == [1.0]
        assert (list(params.values()) if isinstance(params, dict) else list(params)) == list(p)


# --- train ---------------------------------------------------------------------------------------


def test_train_notes_init_converges_at_eta_1e_5():
    d = nb.load_dataset("regression")
    h = nb.train(d.X, d.y, "regression", nb.Params.notes_init(), 1e-5, 100)
    assert isinstance(h.losses, np.ndarray)
    assert len(h.losses) == 101 and len(h.params) == 101
    # (8-176)^2, (7-154)^2, (6-132)^2, (5-110)^2 averaged: (28224 + 21609 + 15876 + 11025) / 4
    assert h.losses[0] == 19183.5
    assert h.losses[-1] < 1e-3
    assert h.diverged_at is None
    assert h.params[0] == nb.Params.notes_init()
    assert all(isinstance(p, nb.Params) for p in h.params)
    assert h.final == h.params[-1]
    assert (h.eta, h.task, h.hidden) == (1e-5, "regression", "linear")
    # each recorded loss is the dataset-mean loss of the recorded params
    for k in (0, 1, 50, 100):
        assert h.losses[k] == pytest.approx(nb.loss(h.params[k], d.X, d.y, "regression"), rel=1e-12)
    traj = h.trajectory("w2_11")
    assert traj.shape == (101,) and traj[0] == 1.0 and traj[-1] == h.params[-1].w2_11
    # symmetry (the notes): from w = 1 everywhere the two hidden neurons stay identical
    last = h.params[-1]
    assert (last.w1_11, last.w1_21, last.b_11, last.w2_11) == (last.w1_12, last.w1_22, last.b_12, last.w2_21)


def test_train_matches_plain_python_sgd_regression_notes_init():
    """The 100 epochs of the notes' figure (the reference converges there too: test_gradients.py)."""
    d = nb.load_dataset("regression")
    h = nb.train(d.X, d.y, "regression", nb.Params.notes_init(), 1e-5, 100)
    losses, params = ref.train(nb.Params.notes_init(), ROWS, 1e-5, 100, "regression", "linear")
    np.testing.assert_allclose(h.losses, losses, rtol=1e-12, atol=0.0)
    assert len(h.params) == len(params) == 101
    for got, expected in zip(h.params, params):
        assert_params_close(got, expected)


@pytest.mark.parametrize("hidden", HIDDENS)
@pytest.mark.parametrize("task", ["regression", "classification"])
def test_train_matches_plain_python_sgd_standardised(task, hidden):
    d = nb.load_dataset(task)
    X = nb.standardise(d.X)
    y = (d.y - d.y.mean()) / d.y.std() if task == "regression" else d.y
    rows = [(float(a), float(b), float(t)) for (a, b), t in zip(X, y)]
    p = nb.Params.random(3).replace(b_11=0.1, b_12=-0.2, b_21=0.05)
    h = nb.train(X, y, task, p, 0.05, 8, hidden=hidden)
    losses, params = ref.train(p, rows, 0.05, 8, task, hidden)
    np.testing.assert_allclose(h.losses, losses, rtol=1e-12, atol=0.0)
    for got, expected in zip(h.params, params):
        assert_params_close(got, expected, scale=1e-3)
    assert h.hidden == hidden and h.task == task


def test_train_diverges_at_eta_1e_4_without_any_warning():
    d = nb.load_dataset("regression")
    # the reference: after one epoch at eta = 1e-4 the mean loss is already about 4e40, beyond the limit
    ref_losses, ref_params = ref.train(nb.Params.notes_init(), ROWS, 1e-4, 1, "regression", "linear")
    assert ref_losses[1] > nb.DIVERGENCE_LIMIT
    for errstate in ({"all": "warn"}, {"all": "raise"}):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with np.errstate(**errstate):
                h = nb.train(d.X, d.y, "regression", nb.Params.notes_init(), 1e-4, 100)
        assert isinstance(h.diverged_at, int) and not isinstance(h.diverged_at, bool)
        assert h.diverged_at == 1
        assert len(h.losses) == h.diverged_at + 1 == len(h.params)
        assert h.losses[0] == 19183.5
        # the diverged epoch is recorded as it was: the reference's loss and parameters after epoch 1
        assert h.losses[-1] == pytest.approx(ref_losses[1], rel=1e-12)
        np.testing.assert_allclose(h.param_values[-1], [ref_params[1][n] for n in NAMES], rtol=1e-12)
        assert h.final == h.params[h.diverged_at - 1] == nb.Params.notes_init()


def test_train_blows_up_to_inf_without_warning():
    """Steps so large that the floats overflow to inf/nan: still no warning, and divergence is reported."""
    d = nb.load_dataset("regression")
    for task, y in (("regression", d.y), ("classification", np.array([1.0, 1.0, 0.0, 0.0]))):
        for hidden in HIDDENS:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                with np.errstate(all="raise"):
                    h = nb.train(d.X, y, task, nb.Params.notes_init(), 1e300, 5, hidden=hidden)
            assert h.diverged_at == 1, (task, hidden)
            assert len(h.losses) == h.diverged_at + 1
            assert h.final == nb.Params.notes_init()  # the last finite parameters: epoch 0's
            if task == "regression":
                # the diverged epoch's raw numbers (no Params may hold inf or nan: see test_hardening_training.py)
                assert not np.isfinite(h.losses[-1]) or not np.isfinite(h.param_values[-1]).all()


def test_train_shuffle_is_reproducible_and_differs_from_in_order():
    d = nb.load_dataset("regression")
    p = nb.Params.notes_init()
    a = nb.train(d.X, d.y, "regression", p, 1e-5, 10, shuffle=True, seed=7)
    b = nb.train(d.X, d.y, "regression", p, 1e-5, 10, shuffle=True, seed=7)
    in_order = nb.train(d.X, d.y, "regression", p, 1e-5, 10)
    np.testing.assert_array_equal(a.losses, b.losses)
    assert a.params == b.params
    assert not np.array_equal(a.losses[1:], in_order.losses[1:])
    c = nb.train(d.X, d.y, "regression", p, 1e-5, 10, shuffle=True, seed=8)
    assert not np.array_equal(a.losses, c.losses)
    assert a.losses[0] == in_order.losses[0] == 19183.5


def test_train_shuffle_visits_every_row_once_per_epoch():
    """Each shuffled epoch is per-sample SGD over SOME ordering of the four rows (found by trying all 24)."""
    d = nb.load_dataset("regression")
    h = nb.train(d.X, d.y, "regression", nb.Params.notes_init(), 1e-5, 6, shuffle=True, seed=123)
    orders = []
    for k in range(6):
        start = h.params[k]
        matches = []
        for perm in itertools.permutations(range(4)):
            t = start
            for i in perm:
                t = ref.step(t, *ROWS[i], 1e-5, "regression", "linear")
            try:
                assert_params_close(h.params[k + 1], t, rel=1e-11)
                matches.append(perm)
            except AssertionError:
                pass
        assert matches, f"epoch {k + 1} is not one pass over a permutation of the rows"
        orders.append(matches[0])
    assert any(o != (0, 1, 2, 3) for o in orders)  # it did shuffle


def test_train_zero_epochs_returns_the_initial_loss_only():
    d = nb.load_dataset("regression")
    h = nb.train(d.X, d.y, "regression", nb.Params.notes_init(), 1e-5, 0)
    assert h.losses.tolist() == [19183.5]
    assert h.params == (nb.Params.notes_init(),)
    assert h.diverged_at is None
    assert h.final == nb.Params.notes_init()


@pytest.mark.parametrize("hidden", HIDDENS)
def test_classification_training_reduces_the_loss_with_standardised_inputs(hidden):
    d = nb.load_dataset("classification")
    X = nb.standardise(d.X)
    p = nb.Params.random(0)
    h = nb.train(X, d.y, "classification", p, 0.5, 200, hidden=hidden)
    assert h.diverged_at is None
    # the initial loss, independently
    rows = [(float(a), float(b), float(t)) for (a, b), t in zip(X, d.y)]
    assert h.losses[0] == pytest.approx(ref.mean_loss(p, rows, "classification", hidden), rel=1e-12)
    assert h.losses[-1] < 0.5 * h.losses[0]
    assert h.losses[-1] < 0.2
    # the final network classifies all four rows correctly
    y_hat = nb.forward(h.final, X, "classification", hidden).y_hat
    assert ((y_hat > 0.5) == (d.y == 1)).all()


def test_train_does_not_change_its_inputs():
    d = nb.load_dataset("regression")
    X, y = d.X.copy(), d.y.copy()
    nb.train(X, y, "regression", nb.Params.notes_init(), 1e-5, 3, shuffle=True, seed=1)
    np.testing.assert_array_equal(X, d.X)
    np.testing.assert_array_equal(y, d.y)


def test_absurd_parameters_give_inf_not_a_warning():
    # pytest turns warnings into errors here: the batch functions must answer inf/nan quietly
    d = nb.load_dataset("regression")
    huge = nb.Params(*[1e200] * 9)
    assert nb.loss(huge, d.X, d.y, "regression") == float("inf")
    assert not np.isfinite(nb.forward(huge, d.X, "regression").y_hat).any()


def test_final_epoch_is_the_last_one_within_bounds():
    d = nb.load_dataset("regression")
    ok = nb.train(d.X, d.y, "regression", nb.Params.notes_init(), 1e-5, 7)
    assert ok.final_epoch == 7 and ok.final == ok.params[7]
    bad = nb.train(d.X, d.y, "regression", nb.Params.notes_init(), 1e-4, 7)
    assert bad.diverged_at == 1 and bad.final_epoch == 0 and bad.final == nb.Params.notes_init()
