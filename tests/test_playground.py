"""nbhelpers.playground (the state behind notebook 06's panel), checked against the independent reference."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import reference as ref

import nbhelpers as nb
from nbhelpers import playground
from nbhelpers.data import make_preset
from nbhelpers.playground import Playground


def rows_of(state):
    return [(float(a), float(b), float(t)) for (a, b), t in zip(state.X, state.data.y)]


@pytest.mark.parametrize("hidden", ["linear", "tanh"])
@pytest.mark.parametrize("which", ["regression", "xor"])
def test_each_step_is_one_reference_step_on_the_next_row(which, hidden):
    data = nb.load_dataset("regression") if which == "regression" else make_preset("xor")
    state = Playground(data, nb.Params.random(1), eta=0.05, hidden=hidden, standardise=True)
    rows, p = rows_of(state), ref.as_dict(state.params)
    for k in range(len(rows) + 2):  # past the last row: back to row 1
        record = state.step()
        x1, x2, y = rows[k % len(rows)]
        assert record.row == k % len(rows)
        want = ref.step(p, x1, x2, y, 0.05, data.task, hidden)
        assert np.allclose(record.after, [want[n] for n in ref.NAMES], rtol=1e-12, atol=1e-15)
        grads = ref.gradient(p, x1, x2, y, data.task, hidden)
        assert np.allclose(record.grads, [grads[n] for n in ref.NAMES], rtol=1e-12, atol=1e-15)
        assert record.loss_before == pytest.approx(ref.loss(p, x1, x2, y, data.task, hidden), rel=1e-12)
        assert record.loss_after == pytest.approx(ref.loss(want, x1, x2, y, data.task, hidden), rel=1e-12)
        p = want
        assert state.curve[-1] == (k + 1, pytest.approx(ref.mean_loss(p, rows, data.task, hidden), rel=1e-12))
    assert state.next_row == 2 and state.updates == len(rows) + 2 and len(state.path) == len(rows) + 3


def test_an_epoch_from_any_row_is_the_same_as_that_many_steps():
    data = make_preset("circle")
    a = Playground(data, nb.Params.random(2), eta=0.2, hidden="tanh")
    b = Playground(data, nb.Params.random(2), eta=0.2, hidden="tanh")
    for _ in range(5):
        a.step()
        b.step()
    a.epoch()
    for _ in range(len(data.y)):
        b.step()
    assert np.allclose(a.params, b.params, rtol=1e-12) and a.next_row == b.next_row == 5
    assert a.updates == b.updates and a.curve[-1][1] == pytest.approx(b.curve[-1][1], rel=1e-12)


def test_epochs_from_the_first_row_follow_the_reference_training():
    data = nb.load_dataset("classification")
    state = Playground(data, nb.Params.notes_init(), eta=0.5, hidden="sigmoid", standardise=True)
    for _ in range(3):
        state.epoch()
    losses, history = ref.train(nb.Params.notes_init(), rows_of(state), 0.5, 3, "classification", "sigmoid")
    assert [loss for _, loss in state.curve] == pytest.approx(losses, rel=1e-12)
    assert np.allclose(state.params, [history[-1][n] for n in ref.NAMES], rtol=1e-12)


def test_reset_and_settings():
    state = Playground(nb.load_dataset("regression"), nb.Params.random(0), eta=0.01, hidden="linear")
    state.step()
    state.set_eta(0.02)
    assert state.eta == 0.02 and state.updates == 1  # η changes nothing else
    state.reset(nb.Params.notes_init(), hidden="tanh", standardise=False)
    assert state.params == nb.Params.notes_init() and state.updates == 0 and state.next_row == 0
    assert state.hidden == "tanh" and not state.standardise and state.last is None and len(state.curve) == 1
    assert np.array_equal(state.X, state.data.X)  # raw inputs now
    state.reset(data=make_preset("xor"))
    assert state.task == "classification" and state.n_rows == 48 and state.params == nb.Params.notes_init()
    with pytest.raises(ValueError, match="eta"):
        state.set_eta(-1)
    with pytest.raises(ValueError, match="hidden"):
        state.reset(hidden="softmax")


def test_divergence_stops_training_with_a_message_and_no_warning():
    state = Playground(
        nb.load_dataset("regression"), nb.Params.notes_init(), eta=10.0, hidden="linear", standardise=False
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(6):
            state.step()
        state.epoch()
    assert state.stopped and "Training stopped" in state.stopped and "smaller η" in state.stopped
    kept = state.params
    assert all(np.isfinite(kept)) and state.step() is None  # nothing moves until a reset
    state.epoch()
    assert state.params == kept
    state.set_eta(1e-6)
    state.reset()
    assert state.stopped is None and state.step() is not None


def test_a_start_already_out_of_bounds_says_so():
    huge = nb.Params(*([1e7] * 9))
    state = Playground(nb.load_dataset("regression"), huge, eta=0.1, hidden="linear", standardise=False)
    assert state.stopped and "at the start" in state.stopped and "standardise" in state.stopped
    assert state.step() is None and state.updates == 0


def test_long_runs_keep_a_bounded_record(monkeypatch):
    monkeypatch.setattr(playground, "MAX_RECORDS", 10)
    state = Playground(make_preset("xor"), nb.Params.random(3), eta=0.1)
    for _ in range(25):
        state.step()
    assert len(state.curve) <= 11 and state.curve[0][0] == 0 and state.curve[-1][0] == 25
    assert len(state.path) == len(state.curve) and state.path[-1][1] == state.params
    assert [u for u, _ in state.curve] == sorted(u for u, _ in state.curve)


def test_trajectory_and_row_forward():
    state = Playground(
        nb.load_dataset("regression"), nb.Params.notes_init(), eta=1e-5, standardise=False, hidden="linear"
    )
    state.step()
    assert state.trajectory("w2_11")[0] == 1.0 and state.trajectory("w2_11")[1] == pytest.approx(0.70432)
    f = state.row_forward(0)
    assert float(np.ravel(f.y_hat)[0]) == pytest.approx(ref.forward(state.params, 80, 8)[4], rel=1e-12)


def test_a_copy_moves_on_its_own():
    """``copy()`` (the playground panel steps a copy to draw the next Step ahead): stepping the copy leaves the
    original exactly as it was, and the copy goes where the original would have gone."""
    state = Playground(make_preset("xor"), nb.Params.random(2), eta=0.3, hidden="tanh")
    state.epoch()
    state.step()
    state.trajectory("w1_11")  # the path's array is cached: the copy must not extend the original's
    before = (state.params, state.updates, state.next_row, list(state.curve), list(state.path), state.last)
    twin = state.copy()
    for _ in range(3):
        twin.step()
    twin.epoch()
    assert (state.params, state.updates, state.next_row, state.curve, state.path, state.last) == before
    assert len(state.trajectory("w1_11")) == len(before[4])
    for _ in range(3):
        state.step()
    state.epoch()
    assert state.params == twin.params and state.curve == twin.curve and state.path == twin.path
    np.testing.assert_array_equal(state.trajectory("b_21"), twin.trajectory("b_21"))
