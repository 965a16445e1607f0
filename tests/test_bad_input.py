"""Every bad input raises ValueError, and the message names the problem."""

from __future__ import annotations

import re

import numpy as np
import pytest

import nbhelpers as nb

P = nb.Params.notes_init()
X4 = np.array([[80.0, 8.0], [70.0, 7.0], [60.0, 6.0], [50.0, 5.0]])
Y4 = np.array([8.0, 7.0, 6.0, 5.0])
YC = np.array([1.0, 1.0, 0.0, 0.0])

# Every public function that takes X, y and a task, called with the arguments in order.
CALLS = {
    "forward": lambda X, y, task="regression", hidden="linear": nb.forward(P, X, task, hidden),
    "losses": lambda X, y, task="regression", hidden="linear": nb.losses(P, X, y, task, hidden),
    "loss": lambda X, y, task="regression", hidden="linear": nb.loss(P, X, y, task, hidden),
    "gradients": lambda X, y, task="regression", hidden="linear": nb.gradients(P, X, y, task, hidden),
    "numerical_gradients": lambda X, y, task="regression", hidden="linear": nb.numerical_gradients(
        P, X, y, task, hidden
    ),
    "gradient_check": lambda X, y, task="regression", hidden="linear": nb.gradient_check(P, X, y, task, hidden),
    "train": lambda X, y, task="regression", hidden="linear": nb.train(X, y, task, P, 1e-5, 1, hidden=hidden),
}
WITH_Y = [name for name in CALLS if name != "forward"]


def row_call(name):
    """The same functions on one row (shape (2,)), plus sgd_step, which only takes one row."""
    if name == "sgd_step":
        return lambda x, y, task="regression", hidden="linear": nb.sgd_step(P, x, y, 1e-5, task, hidden)
    return CALLS[name]


# --- task, hidden activation, dataset name --------------------------------------------------------
@pytest.mark.parametrize("name", list(CALLS))
@pytest.mark.parametrize("task", ["regresion", "Regression", "", None, 1])
def test_unknown_task(name, task):
    with pytest.raises(ValueError, match=r"task must be one of .*regression.*classification.*got"):
        CALLS[name](X4, Y4, task=task)


def test_unknown_task_in_sgd_step_and_load_csv(tmp_path):
    with pytest.raises(ValueError, match=r"task must be one of .* got 'softmax'"):
        nb.sgd_step(P, [80, 8], 8, 1e-5, "softmax")
    path = tmp_path / "d.csv"
    path.write_text("iq,cgpa,package\n80,8,8\n")
    with pytest.raises(ValueError, match=r"task must be one of"):
        nb.load_csv(path, ("iq", "cgpa"), "package", task="ranking")


@pytest.mark.parametrize("name", list(CALLS) + ["sgd_step"])
@pytest.mark.parametrize("hidden", ["softmax", "ReLU", "", None])
def test_unknown_hidden_activation(name, hidden):
    with pytest.raises(ValueError, match=r"hidden activation must be one of .*linear.*sigmoid.*tanh.*relu"):
        row_call(name)(X4[0], Y4[0], hidden=hidden)


@pytest.mark.parametrize("dataset", ["regresion", "iris", "", "classification.csv"])
def test_unknown_dataset(dataset):
    with pytest.raises(ValueError, match=rf"unknown dataset {re.escape(repr(dataset))}.*regression"):
        nb.load_dataset(dataset)


# --- X and y --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(CALLS))
@pytest.mark.parametrize("shape", [(3,), (4, 3), (0, 2), (4, 2, 1), (1,), ()])
def test_X_of_wrong_shape(name, shape):
    X = np.ones(shape)
    y = np.ones(shape[0] if shape else 1)
    expected = re.escape(str(tuple(shape)))
    with pytest.raises(ValueError, match=rf"X must have shape \(2,\) for one row or \(n, 2\).*got {expected}"):
        CALLS[name](X, y)


@pytest.mark.parametrize("X", [[["80", "eight"]], "iq", [[80, 8], [70]]])
def test_X_not_numbers(X):
    with pytest.raises(ValueError, match=r"X must"):
        nb.loss(P, X, [8.0], "regression")


def test_sgd_step_needs_one_row():
    with pytest.raises(ValueError, match=r"x must be one row of shape \(2,\) \(iq, cgpa\), got shape \(4, 2\)"):
        nb.sgd_step(P, X4, Y4, 1e-5, "regression")


@pytest.mark.parametrize("name", WITH_Y)
@pytest.mark.parametrize("y", [np.ones(3), np.ones(5), np.ones((4, 1)), np.ones((2, 2)), 8.0])
def test_y_of_wrong_shape(name, y):
    with pytest.raises(ValueError, match=r"y must have shape \(4,\) to match X \(4 rows\), got"):
        CALLS[name](X4, y)


def test_y_of_wrong_shape_for_one_row():
    with pytest.raises(ValueError, match=r"y must have shape \(1,\).*got \(2,\)"):
        nb.sgd_step(P, [80, 8], [8, 7], 1e-5, "regression")
    with pytest.raises(ValueError, match=r"y must be numbers"):
        nb.loss(P, [80, 8], "eight", "regression")


@pytest.mark.parametrize("name", list(CALLS))
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_X(name, bad):
    X = X4.copy()
    X[2, 1] = bad
    with pytest.raises(ValueError, match=rf"X has a non-finite value \({bad}\) at row 2, column 1"):
        CALLS[name](X, Y4)


@pytest.mark.parametrize("name", WITH_Y + ["sgd_step"])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_X_one_row(name, bad):
    argument = "x" if name == "sgd_step" else "X"  # each function names the argument as it calls it
    with pytest.raises(ValueError, match=rf"^{argument} has a non-finite value"):
        row_call(name)(np.array([80.0, bad]), 8.0)


@pytest.mark.parametrize("name", WITH_Y)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_y(name, bad):
    y = Y4.copy()
    y[3] = bad
    with pytest.raises(ValueError, match=rf"y has a non-finite value \({bad}\) at row 3"):
        CALLS[name](X4, y)


def test_non_finite_y_sgd_step():
    with pytest.raises(ValueError, match=r"y has a non-finite value \(nan\)"):
        nb.sgd_step(P, [80, 8], float("nan"), 1e-5, "regression")


@pytest.mark.parametrize("name", WITH_Y)
@pytest.mark.parametrize("bad", [2.0, -1.0, 0.5, 8.0])
def test_classification_y_outside_0_1(name, bad):
    y = YC.copy()
    y[1] = bad
    with pytest.raises(ValueError, match=rf"classification needs y in \{{0, 1\}}, got {bad} at row 1"):
        CALLS[name](X4, y, task="classification")


def test_classification_y_outside_0_1_sgd_step():
    with pytest.raises(ValueError, match=r"classification needs y in \{0, 1\}, got 8.0"):
        nb.sgd_step(P, [80, 8], 8.0, 0.1, "classification")
    # the regression data is not classification data
    d = nb.load_dataset("regression")
    with pytest.raises(ValueError, match=r"classification needs y in \{0, 1\}"):
        nb.train(d.X, d.y, "classification", P, 0.1, 1)


# --- eta and epochs -------------------------------------------------------------------------------
ETA_MESSAGE = r"eta \(learning rate\) must be a finite number > 0, got "
BAD_ETAS = [0, 0.0, -1e-5, -1, float("nan"), float("inf"), -float("inf"), "0.1", "1e-5", None, True, [1e-5]]


@pytest.mark.parametrize("eta", BAD_ETAS, ids=repr)
def test_bad_eta_train(eta):
    with pytest.raises(ValueError, match=ETA_MESSAGE + re.escape(repr(eta))):
        nb.train(X4, Y4, "regression", P, eta, 3)


@pytest.mark.parametrize("eta", BAD_ETAS, ids=repr)
def test_bad_eta_sgd_step(eta):
    with pytest.raises(ValueError, match=ETA_MESSAGE + re.escape(repr(eta))):
        nb.sgd_step(P, [80, 8], 8, eta, "regression")


def test_good_eta_types_are_accepted():
    for eta in (1e-5, 1, np.float64(1e-5), np.float32(1e-5)):
        h = nb.train(X4, Y4, "regression", P, eta, 1)
        assert h.eta == float(eta)


@pytest.mark.parametrize("epochs", [-1, -100])
def test_negative_epochs(epochs):
    with pytest.raises(ValueError, match=rf"epochs must be an integer >= 0, got {epochs}"):
        nb.train(X4, Y4, "regression", P, 1e-5, epochs)


@pytest.mark.parametrize("epochs", [2.5, 3.0, "3", True, False, None, float("nan")], ids=repr)
def test_epochs_not_an_integer(epochs):
    with pytest.raises(ValueError, match=r"epochs must be an integer >= 0, got " + re.escape(repr(epochs))):
        nb.train(X4, Y4, "regression", P, 1e-5, epochs)


def test_numpy_integer_epochs_are_accepted():
    assert len(nb.train(X4, Y4, "regression", P, 1e-5, np.int64(2)).losses) == 3


# --- CSV files ------------------------------------------------------------------------------------
def _write(tmp_path, text, name="students.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_missing_column(tmp_path):
    path = _write(tmp_path, "iq,package\n80,8\n70,7\n", name="no_cgpa.csv")
    with pytest.raises(ValueError) as err:
        nb.load_csv(path, ("iq", "cgpa"), "package", "regression")
    msg = str(err.value)
    assert "no_cgpa.csv" in msg and "line 1" in msg and "'cgpa'" in msg and "missing" in msg


def test_csv_missing_target_column(tmp_path):
    path = _write(tmp_path, "iq,cgpa\n80,8\n", name="no_target.csv")
    with pytest.raises(ValueError, match=r"no_target\.csv, line 1: missing column\(s\) \['placed'\]"):
        nb.load_csv(path, ("iq", "cgpa"), "placed", "classification")


@pytest.mark.parametrize(
    "text, line, column",
    [
        ("iq,cgpa,package\n80,8,8\n70,,7\n", 3, "cgpa"),
        ("iq,cgpa,package\n80,8,8\n70,7,7\n60,6,  \n", 4, "package"),
        ("iq,cgpa,package\n80,8\n", 2, "package"),  # a short row: the cell is missing altogether
    ],
)
def test_csv_empty_cell(tmp_path, text, line, column):
    path = _write(tmp_path, text, name="gaps.csv")
    with pytest.raises(ValueError) as err:
        nb.load_csv(path, ("iq", "cgpa"), "package", "regression")
    msg = str(err.value)
    assert "gaps.csv" in msg and f"line {line}" in msg and repr(column) in msg and "empty cell" in msg


@pytest.mark.parametrize(
    "text, line, column, cell",
    [
        ("iq,cgpa,package\n80,8,8\n70,seven,7\n", 3, "cgpa", "seven"),
        ("iq,cgpa,package\n80,8,8 LPA\n", 2, "package", "8 LPA"),
        ("iq,cgpa,package\n80,8,8\n70,7,7\n60,6,6\n1O0,5,5\n", 5, "iq", "1O0"),
        ("iq,cgpa,package\n80,nan,8\n", 2, "cgpa", "nan"),
        ("iq,cgpa,package\n80,8,inf\n", 2, "package", "inf"),
    ],
)
def test_csv_non_numeric_cell(tmp_path, text, line, column, cell):
    path = _write(tmp_path, text, name="typos.csv")
    with pytest.raises(ValueError) as err:
        nb.load_csv(path, ("iq", "cgpa"), "package", "regression")
    msg = str(err.value)
    assert "typos.csv" in msg and f"line {line}" in msg and repr(column) in msg and repr(cell) in msg


def test_csv_classification_target_not_0_1(tmp_path):
    path = _write(tmp_path, "iq,cgpa,placed\n80,8,1\n70,7,yes\n", name="placed.csv")
    with pytest.raises(ValueError, match=r"placed\.csv, line 3, column 'placed': 'yes' is not a number"):
        nb.load_csv(path, ("iq", "cgpa"), "placed", "classification")
    path = _write(tmp_path, "iq,cgpa,placed\n80,8,1\n70,7,2\n", name="placed2.csv")
    with pytest.raises(ValueError, match=r"placed2\.csv.*'placed'.*classification needs y in \{0, 1\}"):
        nb.load_csv(path, ("iq", "cgpa"), "placed", "classification")


def test_csv_missing_file_empty_file_and_header_only(tmp_path):
    with pytest.raises(ValueError, match=r"nowhere\.csv: cannot read the file"):
        nb.load_csv(tmp_path / "nowhere.csv", ("iq", "cgpa"), "package", "regression")
    with pytest.raises(ValueError, match=r"empty\.csv: the file is empty"):
        nb.load_csv(_write(tmp_path, "", name="empty.csv"), ("iq", "cgpa"), "package", "regression")
    with pytest.raises(ValueError, match=r"header\.csv: no data rows"):
        nb.load_csv(_write(tmp_path, "iq,cgpa,package\n", name="header.csv"), ("iq", "cgpa"), "package", "regression")


def test_csv_wrong_number_of_features(tmp_path):
    path = _write(tmp_path, "iq,cgpa,package\n80,8,8\n")
    with pytest.raises(ValueError, match=r"features must name 2 columns"):
        nb.load_csv(path, ("iq",), "package", "regression")


# --- params ---------------------------------------------------------------------------------------
def test_params_dict_missing_name():
    d = P.to_dict()
    del d["b_21"]
    with pytest.raises(ValueError, match=r"params: missing \['b_21'\]"):
        nb.Params.from_dict(d)
    with pytest.raises(ValueError, match=r"missing \['b_21'\]"):
        nb.loss(d, [80, 8], 8, "regression")


def test_params_dict_unknown_name():
    d = P.to_dict()
    d["w2_12"] = 1.0  # the notes' slip (erratum 1): the name is w2_21
    with pytest.raises(ValueError, match=r"params: missing nothing, unknown \['w2_12'\]"):
        nb.Params.from_dict(d)
    d.pop("w2_21")
    with pytest.raises(ValueError, match=r"missing \['w2_21'\], unknown \['w2_12'\]"):
        nb.train(X4, Y4, "regression", d, 1e-5, 1)


@pytest.mark.parametrize("values", [[1.0] * 8, [1.0] * 10, [], np.ones((3, 3))], ids=["8", "10", "0", "3x3"])
def test_params_wrong_length(values):
    with pytest.raises(ValueError, match=r"expected 9 values in PARAM_NAMES order, got shape"):
        nb.Params.from_array(values)
    with pytest.raises(ValueError, match=r"params: .*expected 9 values"):
        nb.gradients(values, [80, 8], 8, "regression")


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_params_non_finite(bad):
    values = list(P)
    values[6] = bad
    # one message for every way in (Params checks each value itself): it names the parameter and the value
    with pytest.raises(ValueError, match=rf"params: w2_11 must be a finite number, got {bad}"):
        nb.Params.from_array(values)
    with pytest.raises(ValueError, match=rf"params: w2_11 must be a finite number, got {bad}"):
        nb.sgd_step(values, [80, 8], 8, 1e-5, "regression")


def test_params_nine_values_one_not_a_number():
    # nine values of the right form: the message names the bad one instead of restating the expected form
    with pytest.raises(ValueError, match=r"params: w1_11 must be a finite number, got 'a' \(a str\)"):
        nb.forward(["a"] * 9, [80, 8], "regression")


@pytest.mark.parametrize("params", ["notes", None, 3.0], ids=repr)
def test_params_not_numbers(params):
    with pytest.raises(ValueError, match=r"params: expected a Params, a dict of .* or 9 numbers"):
        nb.forward(params, [80, 8], "regression")


@pytest.mark.parametrize("scale", [0, -1.0, float("nan"), float("inf"), "1"], ids=repr)
def test_params_random_bad_scale(scale):
    with pytest.raises(ValueError, match=r"scale must be a finite number > 0"):
        nb.Params.random(0, scale=scale)


def test_history_trajectory_unknown_name():
    h = nb.train(X4, Y4, "regression", P, 1e-5, 1)
    with pytest.raises(ValueError, match=r"unknown parameter 'w2_12'"):
        h.trajectory("w2_12")


# --- each function's errors name its own arguments (one resolution helper, arguments.resolve) ----------------
def test_lesson_functions_name_their_own_arguments():
    from nbhelpers import lessons

    with pytest.raises(ValueError, match=r"^updates must be an integer >= 0, got 2.5"):
        lessons.update_losses(X4, Y4, P, 1e-5, updates=2.5)
    with pytest.raises(ValueError, match=r"^updates must be an integer >= 0, got -1"):
        lessons.update_losses(X4, Y4, P, 1e-5, updates=-1)
    with pytest.raises(ValueError, match=r"^eta \(learning rate\) must be a finite number > 0, got 0"):
        lessons.update_losses(X4, Y4, P, 0, updates=3)
    with pytest.raises(ValueError, match=r"^x must be one row of shape \(2,\)"):
        lessons.derivative_rows(P, X4, 8.0, "regression")
    with pytest.raises(ValueError, match=r"^x has a non-finite value \(nan\)"):
        lessons.step_rows(P, [80.0, np.nan], 8.0, 1e-5)
    with pytest.raises(ValueError, match=r"^classification needs y in \{0, 1\}, got 8.0 at row 0"):
        lessons.count_errors(P, X4, Y4)
    with pytest.raises(ValueError, match=r"^hidden activation must be one of"):
        lessons.derivative_formulas("softmax")


def test_max_records_and_epochs_name_themselves():
    with pytest.raises(ValueError, match=r"^max_records must be an integer >= 1, got 0"):
        nb.train(X4, Y4, "regression", P, 1e-5, 3, max_records=0)
    with pytest.raises(ValueError, match=r"^epochs must be an integer >= 0, got 1.5"):
        nb.train(X4, Y4, "regression", P, 1e-5, 1.5)
