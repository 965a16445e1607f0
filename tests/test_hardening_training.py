"""Issue 13, items 3 and 8: long runs (bounded memory, progress, interrupts) and absurd parameters (one check,
advice that names the cause).

Nothing here measures time or memory (benchmarks/bench_memory.py and bench_train.py print those figures):
the History's sizes are checked instead, which is deterministic. Interrupts are raised from a patched function
inside the loop, at a chosen call.
"""

from __future__ import annotations

import inspect
import math
import pickle
import re
import sys

import numpy as np
import pytest

import nbhelpers as nb
from nbhelpers import training

REG = nb.load_dataset("regression")
X, Y = REG.X, REG.y
X_STD = nb.standardise(X)
Y_STD = (Y - Y.mean()) / Y.std()
INIT = nb.Params.notes_init()


class FakeBar:
    """Stands in for a tqdm bar: records what train tells it."""

    def __init__(self, total, fail_on_update=None):
        self.total, self.updates, self.closed, self.fail_on_update = total, [], 0, fail_on_update

    def update(self, n):
        self.updates.append(n)
        if self.fail_on_update == len(self.updates):
            raise KeyboardInterrupt

    def close(self):
        self.closed += 1


def interrupt_at_call(monkeypatch, epoch, row):
    """Make train raise KeyboardInterrupt in its ``epoch``-th epoch, once ``row - 1`` rows of it are updated (as
    Ctrl-C would there): train runs an epoch as one call of ``_sgd_epoch``."""
    count = [0]
    real = training._sgd_epoch

    def sgd_epoch(p, rows, *args):
        count[0] += 1
        if count[0] == epoch:
            real(p, rows[: row - 1], *args)
            raise KeyboardInterrupt
        return real(p, rows, *args)

    monkeypatch.setattr(training, "_sgd_epoch", sgd_epoch)


def train_expecting_no_interrupt(*args, **kwargs):
    """nb.train, failing the test (not ending the whole pytest session) if a KeyboardInterrupt escapes it."""
    try:
        return nb.train(*args, **kwargs)
    except KeyboardInterrupt:
        pytest.fail("the KeyboardInterrupt escaped nb.train")


# --- item 3: memory ------------------------------------------------------------------------------------------
def test_history_stores_arrays_not_one_object_per_epoch():
    h = nb.train(X, Y, "regression", INIT, 1e-5, 50)
    assert isinstance(h.param_values, np.ndarray) and h.param_values.shape == (51, 9)
    assert h.param_values.dtype == float and h.losses.shape == (51,) and h.recorded.dtype == np.int64
    assert h.recorded.tolist() == list(range(51)) and h.epoch_numbers is h.recorded
    assert h.stride == 1 and not h.subsampled
    for k in (0, 7, 50):  # params[k] is built on demand from row k
        assert isinstance(h.params[k], nb.Params) and tuple(h.params[k]) == tuple(h.param_values[k])
    with pytest.raises(ValueError):  # a record is read-only
        h.losses[0] = 0.0
    with pytest.raises(AttributeError):
        h.eta = 1.0
    again = pickle.loads(pickle.dumps(h))
    assert again.params == h.params and again.recorded.tolist() == h.recorded.tolist() and again.eta == h.eta


@pytest.mark.parametrize("epochs", [1000, 1005])
def test_long_runs_are_recorded_every_kth_epoch_plus_the_last(epochs):
    full = nb.train(X, Y, "regression", INIT, 1e-5, epochs)
    h = nb.train(X, Y, "regression", INIT, 1e-5, epochs, max_records=100)
    stride = math.ceil(epochs / 100)
    expected = list(range(0, epochs + 1, stride))
    if expected[-1] != epochs:
        expected.append(epochs)
    assert h.stride == stride and h.subsampled
    assert h.recorded.tolist() == expected
    assert len(h.losses) == len(h.params) == len(h.param_values) == len(expected)
    # the same run, fewer records: each recorded entry is exactly the full run's entry at that epoch
    np.testing.assert_array_equal(h.losses, full.losses[expected])
    np.testing.assert_array_equal(h.param_values, full.param_values[expected])
    np.testing.assert_array_equal(h.trajectory("w2_11"), full.trajectory("w2_11")[expected])
    assert h.final == full.final and h.final_epoch == h.epochs_run == epochs
    assert h.params_at(stride) == full.params[stride] and h.loss_at(epochs) == full.losses[-1]
    assert h.index_of(epochs) == len(expected) - 1
    with pytest.raises(ValueError, match=r"epoch 1 was not recorded"):
        h.index_of(1)


def test_history_size_is_bounded_whatever_the_number_of_epochs(monkeypatch, capsys):
    assert training.MAX_RECORDS == 100_000
    assert inspect.signature(nb.train).parameters["max_records"].default == training.MAX_RECORDS
    for max_records in range(1, 8):
        for epochs in range(0, 31):
            h = nb.train(X, Y, "regression", INIT, 1e-5, epochs, max_records=max_records)
            r = h.recorded.tolist()
            assert len(r) <= max_records + 2, (max_records, epochs)
            assert r[0] == 0 and r[-1] == epochs and all(a < b for a, b in zip(r, r[1:]))
            assert len(h.losses) == len(h.param_values) == len(r)
    # and with the default limit: the stride grows with the epochs, the entries do not (runs interrupted in their
    # first epoch, which is enough for train to have chosen its stride)
    for epochs, stride in ((10**5, 1), (10**5 + 1, 2), (10**6, 10), (10**7, 100), (10**9, 10**4)):
        with monkeypatch.context() as m:
            interrupt_at_call(m, 1, 2)
            h = train_expecting_no_interrupt(X, Y, "regression", INIT, 1e-5, epochs, progress=False)
        assert h.interrupted and h.epochs == epochs and h.stride == stride, (epochs, h.stride)
        assert epochs // h.stride + 1 <= training.MAX_RECORDS + 1
    capsys.readouterr()  # the five "training interrupted" lines


def test_subsampled_divergence_keeps_the_epoch_before_and_the_diverged_one():
    p0 = nb.Params.random(0)
    full = nb.train(X_STD, Y_STD, "regression", p0, 0.31, 10)
    assert full.diverged_at == 4
    h = nb.train(X_STD, Y_STD, "regression", p0, 0.31, 10, max_records=5)  # stride 2
    assert h.stride == 2 and h.recorded.tolist() == [0, 2, 3, 4]
    assert h.diverged_at == 4 and h.final_epoch == 3 and h.final == full.final == full.params[3]
    np.testing.assert_array_equal(h.losses, full.losses[[0, 2, 3, 4]])


# --- item 3: progress ----------------------------------------------------------------------------------------
def test_a_bar_only_for_long_runs_by_default(monkeypatch, capsys):
    assert training.PROGRESS_MIN_UPDATES == 200_000
    assert not training._wants_bar(None, 50_000, 4) and training._wants_bar(None, 50_001, 4)
    assert training._wants_bar(True, 1, 4) and not training._wants_bar(False, 10**9, 4)
    nb.train(X, Y, "regression", INIT, 1e-5, 100)  # the notebooks' short runs print nothing
    assert capsys.readouterr() == ("", "")
    bars = []
    monkeypatch.setattr(training, "_progress_bar", lambda total: bars.append(FakeBar(total)) or bars[-1])
    monkeypatch.setattr(training, "PROGRESS_MIN_UPDATES", 100)
    nb.train(X, Y, "regression", INIT, 1e-5, 25)  # 100 row updates: no bar
    assert bars == []
    nb.train(X, Y, "regression", INIT, 1e-5, 26)  # 104 row updates: a bar
    assert len(bars) == 1 and bars[0].total == 26 and sum(bars[0].updates) == 26 and bars[0].closed == 1
    nb.train(X, Y, "regression", INIT, 1e-5, 26, progress=False)
    assert len(bars) == 1


def test_the_bar_is_updated_every_so_many_epochs_not_every_epoch(monkeypatch):
    bars = []
    monkeypatch.setattr(training, "_progress_bar", lambda total: bars.append(FakeBar(total)) or bars[-1])
    monkeypatch.setattr(training, "_TICK_UPDATES", 40)  # 10 epochs of 4 rows
    plain = nb.train(X, Y, "regression", INIT, 1e-5, 35)
    h = nb.train(X, Y, "regression", INIT, 1e-5, 35, progress=True)
    assert bars[0].updates == [10, 10, 10, 5] and bars[0].closed == 1
    np.testing.assert_array_equal(h.losses, plain.losses)  # the bar changes nothing else
    d = nb.train(X, Y, "regression", INIT, 1e-4, 35, progress=True)  # diverges at epoch 1: the bar still closes
    assert d.diverged_at == 1 and bars[1].closed == 1 and sum(bars[1].updates) == 0


def test_progress_true_shows_a_tqdm_bar(capsys):
    pytest.importorskip("tqdm")
    nb.train(X, Y, "regression", INIT, 1e-5, 20, progress=True)
    out, err = capsys.readouterr()
    assert out == "" and "training" in err and "100%" in err


def test_without_tqdm_the_run_works_with_no_bar(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm.auto now raises ImportError
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    h = nb.train(X, Y, "regression", INIT, 1e-5, 20, progress=True)
    assert capsys.readouterr() == ("", "")
    np.testing.assert_array_equal(h.losses, nb.train(X, Y, "regression", INIT, 1e-5, 20, progress=False).losses)


@pytest.mark.parametrize("progress", ["yes", 1, 0.5])
def test_progress_must_be_none_true_or_false(progress):
    with pytest.raises(ValueError, match=r"progress must be None .*, True or False"):
        nb.train(X, Y, "regression", INIT, 1e-5, 2, progress=progress)


@pytest.mark.parametrize("max_records", [0, -1, 2.5, True, "10"])
def test_max_records_must_be_a_positive_integer(max_records):
    with pytest.raises(ValueError, match=r"max_records must be an integer >= 1"):
        nb.train(X, Y, "regression", INIT, 1e-5, 2, max_records=max_records)


# --- item 3: interrupts --------------------------------------------------------------------------------------
def test_an_interrupt_returns_the_history_so_far_with_one_line(monkeypatch, capsys):
    interrupt_at_call(monkeypatch, 1235, 3)  # during epoch 1235, at its third row
    h = train_expecting_no_interrupt(X, Y, "regression", INIT, 1e-5, 10**7, progress=False)
    out, err = capsys.readouterr()
    assert out == "training interrupted after epoch 1234 of 10000000; returning the history so far\n"
    assert err == ""
    assert h.interrupted and h.stopped_because == "interrupted" and h.diverged_at is None
    assert h.epochs == 10**7 and h.epochs_run == h.final_epoch == 1234 and h.stride == 100
    assert h.recorded.tolist() == list(range(0, 1201, 100)) + [1234]
    assert h.advice == "training was interrupted after epoch 1234 of 10000000"
    monkeypatch.undo()
    plain = nb.train(X, Y, "regression", INIT, 1e-5, 1234)  # the half-done epoch 1235 is not kept
    assert h.final == plain.final and h.losses[-1] == plain.losses[-1]


def test_an_interrupt_in_the_first_epoch_keeps_the_start(monkeypatch, capsys):
    interrupt_at_call(monkeypatch, 1, 2)
    h = train_expecting_no_interrupt(X, Y, "regression", INIT, 1e-5, 100)
    assert capsys.readouterr().out == "training interrupted after epoch 0 of 100; returning the history so far\n"
    assert h.recorded.tolist() == [0] and h.final == INIT and h.losses.tolist() == [19183.5]


def test_an_interrupt_while_the_bar_updates_closes_the_bar(monkeypatch, capsys):
    bars = []
    monkeypatch.setattr(
        training, "_progress_bar", lambda total: bars.append(FakeBar(total, fail_on_update=2)) or bars[-1]
    )
    monkeypatch.setattr(training, "_TICK_UPDATES", 40)  # an update every 10 epochs
    h = train_expecting_no_interrupt(X, Y, "regression", INIT, 1e-5, 100, progress=True)
    assert capsys.readouterr().out == "training interrupted after epoch 20 of 100; returning the history so far\n"
    assert bars[0].closed == 1 and h.epochs_run == 20 and h.recorded.tolist() == list(range(21))


# --- item 8: one check of the parameters ---------------------------------------------------------------------
BAD = [
    (float("nan"), "nan"),
    (float("inf"), "inf"),
    (-float("inf"), "-inf"),
    (np.float64("nan"), "nan"),
    ("a", "'a' (a str)"),
    (None, "None (a NoneType)"),
    (True, "True (a bool)"),
    ([1.0], "[1.0] (a list)"),
]


@pytest.mark.parametrize("bad, shown", BAD, ids=[s for _, s in BAD])
def test_params_rejects_what_is_not_a_finite_number_naming_it(bad, shown):
    message = "params: w1_21 must be a finite number, got " + re.escape(shown)
    values = list(INIT)
    values[1] = bad
    builders = {
        "Params(...)": lambda: nb.Params(*values),
        "keywords": lambda: nb.Params(**dict(zip(nb.PARAM_NAMES, values))),
        "from_array": lambda: nb.Params.from_array(values),
        "from_dict": lambda: nb.Params.from_dict(dict(zip(nb.PARAM_NAMES, values))),
        "replace": lambda: INIT.replace(w1_21=bad),
        "_make": lambda: nb.Params._make(values),
    }
    for how, build in builders.items():
        with pytest.raises(ValueError, match=message):
            build()
            pytest.fail(how)


def test_params_stores_floats():
    p = nb.Params(1, np.float32(0.5), np.int64(2), 0, 0, 0, 1, 1, np.array(3.0))
    assert all(type(v) is float for v in p) and tuple(p) == (1.0, 0.5, 2.0, 0.0, 0.0, 0.0, 1.0, 1.0, 3.0)


CALLS = {
    "forward": lambda p: nb.forward(p, X, "regression"),
    "loss": lambda p: nb.loss(p, X, Y, "regression"),
    "losses": lambda p: nb.losses(p, X, Y, "regression"),
    "gradients": lambda p: nb.gradients(p, X, Y, "regression"),
    "numerical_gradients": lambda p: nb.numerical_gradients(p, X, Y, "regression"),
    "gradient_check": lambda p: nb.gradient_check(p, X, Y, "regression"),
    "sgd_step": lambda p: nb.sgd_step(p, X[0], Y[0], 1e-5, "regression"),
    "train": lambda p: nb.train(X, Y, "regression", p, 1e-5, 10),
}


@pytest.mark.parametrize("name", list(CALLS))
@pytest.mark.parametrize("form", ["list", "dict", "array"])
def test_every_function_rejects_nan_params_with_the_same_message(name, form):
    values = list(INIT)
    values[6] = float("nan")
    params = {"list": values, "dict": dict(zip(nb.PARAM_NAMES, values)), "array": np.array(values)}[form]
    with pytest.raises(ValueError, match=r"^params: w2_11 must be a finite number, got nan$"):
        CALLS[name](params)


def test_sgd_step_says_when_the_update_overflows():
    with pytest.raises(ValueError, match=r"sgd_step: the update overflowed: w1_11 became -?inf .* try a smaller η"):
        nb.sgd_step(INIT, X[0], Y[0], 1e308, "regression")


def test_history_never_builds_a_params_of_non_finite_numbers():
    h = nb.train(X, Y, "regression", INIT, 1e300, 5)
    assert h.diverged_at == 1 and not np.isfinite(h.param_values[-1]).all()
    assert h.params[0] == INIT and h.final == INIT and list(h.params[:-1]) == [INIT]
    with pytest.raises(
        ValueError,
        match=r"history.params\[-1\] is epoch 1, where training diverged: .* not a finite "
        r"number.*history.final holds the last finite parameters \(epoch 0\)",
    ):
        h.params[-1]
    with pytest.raises(ValueError, match=r"history.params\[1\] is epoch 1"):
        list(h.params)
    assert not np.isfinite(h.trajectory("w1_11")[-1])  # the raw numbers stay available


# --- item 8: advice that names the cause ---------------------------------------------------------------------
def test_no_advice_when_training_went_fine():
    h = nb.train(X, Y, "regression", INIT, 1e-5, 20)
    assert h.advice is None and h.stopped_because is None and not h.interrupted


def test_a_plain_eta_divergence_keeps_its_sentence():
    h = nb.train(X, Y, "regression", INIT, 1e-4, 100)
    assert h.diverged_at == 1 and h.stopped_because == "loss"
    assert h.advice == "diverged at epoch 1, try a smaller η"


@pytest.mark.parametrize(
    "case, params, advice",
    [
        (
            "weights 1e6",
            nb.Params(*[1e6] * 9),
            r"the initial loss is already \d(\.\d+)?e\d+: start from smaller weights",
        ),
        (
            "weights 1e200",
            nb.Params(*[1e200] * 9),
            r"the initial loss is already infinite \(the forward pass overflows\): start from smaller weights",
        ),
    ],
    ids=["1e6", "1e200"],
)
def test_a_bad_start_is_blamed_on_the_start_not_on_eta(case, params, advice):
    h = nb.train(X, Y, "regression", params, 1e-5, 100)
    assert h.diverged_at == 0 and h.stopped_because == "loss" and h.final == params
    assert re.fullmatch(advice, h.advice), h.advice
    assert "η" not in h.advice


def test_huge_targets_or_inputs_are_named():
    h = nb.train(X, Y * 1e7, "regression", INIT, 1e-5, 10)
    assert h.diverged_at == 0
    assert re.fullmatch(
        r"the targets are so large that the initial loss is already \S+: rescale y, e.g. "
        r"standardise it",
        h.advice,
    ), h.advice
    h = nb.train(X * 1e5, Y, "regression", INIT, 1e-5, 10)
    assert h.diverged_at == 0
    assert h.advice.endswith(": start from smaller weights, or standardise the inputs"), h.advice


def test_a_parameter_out_of_bounds_at_the_start_is_named():
    p = INIT.replace(b_11=1e13, w2_11=0.0)  # hidden neuron 1 is huge but unused: the loss is fine
    h = nb.train(X, Y, "regression", p, 1e-5, 10)
    assert h.diverged_at == 0 and h.stopped_because == "params" and math.isfinite(h.losses[0])
    assert h.advice == "b_11 = 1e13 at the start is beyond ±1e12: start from a smaller b_11"


def test_a_parameter_that_passes_the_limit_while_the_loss_is_fine_is_named():
    # every target 1: a huge step makes z huge and positive, so the loss is ~0 while the parameters blow past 1e12
    h = nb.train(X_STD, [1, 1, 1, 1], "classification", nb.Params.random(0), 1e13, 10, hidden="tanh")
    assert h.diverged_at == 1 and h.stopped_because == "params" and h.losses[-1] < 1e12
    assert re.fullmatch(
        r"\w+ reached -?\d(\.\d+)?e\d+ at epoch 1, beyond ±1e12, while the mean loss was \S+: "
        r"try a smaller η",
        h.advice,
    ), h.advice


@pytest.mark.parametrize("task", ["regression", "classification"])
@pytest.mark.parametrize("hidden", ["linear", "tanh"])
def test_many_rows_record_the_same_mean_loss_as_nb_loss(task, hidden):
    """Beyond 64 rows train computes each epoch's mean loss with numpy: it must equal nb.loss at the recorded
    parameters, and a diverging run must still stop quietly with the right advice."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(200, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(float) if task == "classification" else X @ [1.5, -0.5] + 0.3
    h = nb.train(X, y, task, nb.Params.random(1), 0.05, 6, hidden=hidden)
    expected = [nb.loss(h.params[k], X, y, task, hidden) for k in range(len(h.params))]
    assert np.allclose(h.losses, expected, rtol=1e-12, atol=0)
    if task == "regression":
        big = nb.train(X * 1e3, y, task, nb.Params.notes_init(), 1.0, 5, hidden=hidden)
        assert big.losses[0] == pytest.approx(nb.loss(nb.Params.notes_init(), X * 1e3, y, task, hidden), rel=1e-12)
        assert (big.diverged_at, big.stopped_because) == (1, "loss")
        assert big.advice == "diverged at epoch 1, try a smaller η"
