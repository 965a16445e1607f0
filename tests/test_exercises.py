"""nbhelpers.exercises: right answers pass, every usual mistake is named, and no answer makes check() raise.

The right answers live here, not in the package: functions built on the independent reference (tests/reference.py)
and numbers worked by hand from the notes (row 2: iq 70, cgpa 7, package 7, every weight 1 and every bias 0).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import reference as ref

from nbhelpers import exercises as ex

NAMES = ref.NAMES


def right(task, hidden="linear"):
    return lambda p, x1, x2, y: tuple(ref.gradient(p, x1, x2, y, task, hidden)[n] for n in NAMES)


def pieces(p, x1, x2, hidden="linear"):
    d = ref.as_dict(p)
    g_prime = ref.ACTIVATIONS[hidden][1]
    z_11, z_12, o_11, o_12, z = ref.forward(p, x1, x2, hidden)
    return d, (z_11, z_12), (o_11, o_12), (g_prime(z_11), g_prime(z_12)), z


def built(task, hidden="linear", delta=None, **swap):
    """A learner's gradient function written out by hand, with one mistake switched on by name."""

    def f(p, x1, x2, y):
        d, zh, o, g, z = pieces(p, x1, x2, hidden)
        y_hat = z if task == "regression" else ref.sigmoid(z)
        dz = delta(y, y_hat) if delta else (-2 * (y - y_hat) if task == "regression" else -(y - y_hat))
        x, w2 = (x1, x2), (d["w2_11"], d["w2_21"])
        out = {"w2_11": dz * o[0], "w2_21": dz * o[1], "b_21": dz}
        for k in (0, 1):
            w = w2[0] if swap.get("w2_11_for_neuron_2") else w2[k]
            gk = 1.0 if swap.get("no_g_prime") else g[k]
            out[f"b_1{k + 1}"] = dz * w * gk * (x[0] if swap.get("bias_times_x") else 1.0)
            for j in (0, 1):
                factor = o[j] if swap.get("o_for_x") else x[j]
                out[f"w1_{j + 1}{k + 1}"] = dz * w * gk * factor
        if swap.get("transposed"):
            out["w1_21"], out["w1_12"] = out["w1_12"], out["w1_21"]
        return out

    return f


# --- right answers pass ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "exercise, answer",
    [
        ("regression_gradients", right("regression")),
        ("classification_gradients", right("classification")),
        ("tanh_gradients", right("regression", "tanh")),
        ("regression_gradients", built("regression")),  # written out as a learner would
        ("classification_gradients", built("classification")),
        ("tanh_gradients", built("regression", "tanh")),
        ("sgd_step", lambda p, x1, x2, y, eta: ref.step(p, x1, x2, y, eta, "regression")),
    ],
)
def test_right_functions_pass(exercise, answer):
    feedback = ex.check(exercise, answer)
    assert feedback.correct and feedback.answered, feedback.message


def test_right_functions_pass_in_every_container():
    base = right("regression")
    for wrap in (tuple, list, np.array, lambda v: dict(zip(NAMES, v)), lambda v: __import__("nbhelpers").Params(*v)):
        assert ex.check("regression_gradients", lambda p, x1, x2, y, w=wrap: w(base(p, x1, x2, y))).correct


# row 2 by hand: z_11 = z_12 = 70 + 7 = 77, z_f = 154, L = (7 - 154)^2 = 21609; dL/dy_hat = -2 (7 - 154) = 294
ROW2_GRADIENTS = (294 * 70, 294 * 7, 294 * 70, 294 * 7, 294, 294, 294 * 77, 294 * 77, 294)
ROW2_STEP = tuple(v - 1e-5 * g for v, g in zip((1, 1, 1, 1, 0, 0, 1, 1, 0), ROW2_GRADIENTS))


@pytest.mark.parametrize(
    "exercise, answer, rounding",
    [
        ("regression_forward_row2", (77, 77, 154, 21609), None),
        ("regression_forward_row2", {"z_11": 77.0, "z_12": 77.0, "z_f": 154.0, "L": 21609.4}, 0),
        ("regression_gradients_row2", ROW2_GRADIENTS, None),
        ("regression_gradients_row2", dict(zip(NAMES, ROW2_GRADIENTS)), None),
        ("regression_step_row2", ROW2_STEP, None),
        ("regression_step_row2", [round(v, 5) for v in ROW2_STEP], 5),
        ("classification_row4", (110.0, 1.0), None),  # z_f = 110: J = 110 + log(1 + e^-110), dJ/dz_f = 1 - 0
        ("classification_row4", (110.00001, 0.99999), None),  # within a relative 1e-4
    ],
)
def test_right_numbers_pass(exercise, answer, rounding):
    feedback = ex.check(exercise, answer, rounding=rounding)
    assert feedback.correct, feedback.message


def test_numbers_outside_the_tolerance_or_the_stated_rounding_fail():
    assert not ex.check("regression_forward_row2", (77, 77, 154, 21700)).correct  # 4e-3 off
    assert not ex.check("regression_forward_row2", (77, 77, 154, 21609.6), rounding=0).correct
    assert not ex.check("classification_row4", (110.0, 0.99)).correct


# --- the usual mistakes are named -------------------------------------------------------------------------------
REG, CLS = "regression_gradients", "classification_gradients"
W1 = ("w1_11", "w1_21", "w1_12", "w1_22")
HIDDEN_LAYER = (*W1, "b_11", "b_12")
NEURON_2 = ("w1_12", "w1_22", "b_12")
MISTAKES = [
    # (exercise, answer, words the message must contain, parameters it must name)
    (REG, built("regression", delta=lambda y, h: -(y - h)), "factor 2 from the square is missing", NAMES),
    (REG, built("regression", delta=lambda y, h: -4 * (y - h)), "factor 2 is doubled", NAMES),
    (REG, built("regression", delta=lambda y, h: 2 * (y - h)), "sign is flipped", NAMES),
    (REG, built("regression", transposed=True), "swapped the derivatives of w¹₂₁ and w¹₁₂", ("w1_21", "w1_12")),
    (REG, built("regression", o_for_x=True), "hidden output o₁", W1),
    (REG, built("regression", bias_times_x=True), "bias derivative is multiplied by the input", ("b_11", "b_12")),
    (REG, built("regression", w2_11_for_neuron_2=True), "neuron 2 uses w²₁₁ instead of w²₂₁", NEURON_2),
    (CLS, built("classification", delta=lambda y, h: -(y - h) * h * (1 - h)), "σ′ factor is kept", NAMES),
    (CLS, built("classification", delta=lambda y, h: -2 * (y - h)), "regression factor −2(y − ŷ)", NAMES),
    (CLS, built("classification", transposed=True), "swapped the derivatives", ("w1_21", "w1_12")),
    ("tanh_gradients", built("regression", "tanh", no_g_prime=True), "g′(z₁₁)", HIDDEN_LAYER),
    ("sgd_step", lambda p, x1, x2, y, eta: ref.step_sequential(p, x1, x2, y, eta, "regression"), "w² already", ()),
    ("sgd_step", lambda p, x1, x2, y, eta: ref.step(p, x1, x2, y, -eta, "regression"), "+gradient", NAMES),
]


@pytest.mark.parametrize("exercise, answer, words, named", MISTAKES, ids=[m[2][:30] for m in MISTAKES])
def test_each_usual_mistake_is_named(exercise, answer, words, named):
    feedback = ex.check(exercise, answer)
    assert not feedback.correct and feedback.answered
    assert words.lower() in feedback.message.lower(), feedback.message
    for name in named:
        assert name in feedback.message, (name, feedback.message)


def test_only_the_parameters_that_are_off_are_named():
    feedback = ex.check("regression_gradients", built("regression", transposed=True))
    first_line = feedback.message.splitlines()[0]
    assert "2 of 9" in first_line and "w1_21" in first_line and "w1_12" in first_line
    assert "w1_11" not in first_line and "b_21" not in first_line


def test_mistakes_in_the_number_exercises_are_named():
    half = tuple(g / 2 for g in ROW2_GRADIENTS)
    assert "factor 2 from the square is missing" in ex.check("regression_gradients_row2", half).message
    plus = tuple(v + 1e-5 * g for v, g in zip((1, 1, 1, 1, 0, 0, 1, 1, 0), ROW2_GRADIENTS))
    assert "+gradient" in ex.check("regression_step_row2", plus).message
    sequential = ref.step_sequential((1, 1, 1, 1, 0, 0, 1, 1, 0), 70.0, 7.0, 7.0, 1e-5, "regression")
    feedback = ex.check("regression_step_row2", [sequential[n] for n in NAMES])
    assert "w² already updated" in feedback.message, feedback.message


def test_an_unknown_mistake_is_still_reported_with_numbers():
    def off_by_one(p, x1, x2, y):
        g = list(right("regression")(p, x1, x2, y))
        g[8] += 1.0
        return g

    feedback = ex.check("regression_gradients", off_by_one)
    assert not feedback.correct and "b_21" in feedback.message and "not a mistake I recognise" in feedback.message


# --- no answer makes check() raise --------------------------------------------------------------------------------
def _raises(p, x1, x2, y):
    raise KeyError("w1_99")


def _recurse(p, x1, x2, y):
    return _recurse(p, x1, x2, y)


JUNK = [
    None,
    "the nine derivatives",
    b"bytes",
    3,
    3.5,
    math.nan,
    True,
    [],
    {},
    (1, 2, 3),
    list(range(9)) + [1],
    {"w1_11": 1.0},
    dict(zip(NAMES, ["a"] * 9)),
    dict(zip(NAMES, [math.nan] * 9)),
    object(),
    np.zeros((3, 3)),
    lambda: 1,
    lambda p: 1,
    lambda p, x1, x2, y, z: 1,
    _raises,
    _recurse,
    lambda p, x1, x2, y: None,
    lambda p, x1, x2, y: "abc",
    lambda p, x1, x2, y: [math.inf] * 9,
    lambda p, x1, x2, y: [math.nan] * 9,
    lambda p, x1, x2, y: {"w1_11": 1},
    lambda p, x1, x2, y: (x for x in range(9)),
    lambda p, x1, x2, y: [None] * 9,
    lambda p, x1, x2, y: np.ones(8),
    lambda p, x1, x2, y: p.w1_13,
    lambda p, x1, x2, y: 1 / (x1 - x1),
    lambda p, x1, x2, y: np.float64(1.0) / 0.0,
    lambda p, x1, x2, y: [[1] * 9],
    lambda *args: [0.0] * 9,
    print,
    len,
    max,
    # for the exercises of notebook 05 (any number of arguments: past the signature check of each of them)
    lambda p, x1, x2, y, eta, epochs, z: 1,
    lambda *a: None,
    lambda *a: "abc",
    lambda *a: [math.nan] * 9,
    lambda *a: [math.inf] * 3,
    lambda *a: (None, None, None, None),
    lambda *a: [np.ones(3)] * 4,
    lambda *a: ["a"] * 4,
    lambda *a: [[1, 2], 1, 2, 3],
    lambda *a: {"dW1": 1},
    lambda *a: 1 / 0,
    lambda *a: (x for x in range(3)),
    lambda *a: [np.zeros((2, 2)), np.zeros(2), np.zeros((1, 2)), np.full(1, math.nan)],
]


@pytest.mark.parametrize("exercise", list(ex.EXERCISES))
def test_no_answer_makes_check_raise(exercise):
    for answer in JUNK:
        feedback = ex.check(exercise, answer)
        assert isinstance(feedback, ex.Feedback) and not feedback.correct, (exercise, answer)
        assert feedback.message and "Traceback" not in feedback.message, (exercise, answer)


def test_junk_gets_a_message_that_names_the_problem():
    say = {a: ex.check("regression_gradients", a).message for a in (None, 3.5)}
    assert "None" in say[None] and "a float" in say[3.5]
    assert "takes (p)" in ex.check("regression_gradients", lambda p: 1).message
    assert "raised KeyError" in ex.check("regression_gradients", _raises).message
    assert "has 8 values; expected 9" in ex.check("regression_gradients", lambda p, x1, x2, y: np.ones(8)).message
    assert "nan" in ex.check("regression_gradients", lambda p, x1, x2, y: [math.nan] * 9).message
    assert "missing w1_21" in ex.check("regression_gradients", lambda p, x1, x2, y: {"w1_11": 1}).message
    assert "not a number" in ex.check("regression_gradients_row2", ["a"] * 9).message
    assert "rounding" in ex.check("regression_forward_row2", (77, 77, 154, 21609), rounding="2").message


def test_not_answered_and_unknown_ids():
    feedback = ex.check("sgd_step", ...)
    assert not feedback.correct and not feedback.answered and feedback.status == "not answered"
    with pytest.raises(ValueError, match=r"unknown exercise 'regresion_gradients'.*regression_gradients.*sgd_step"):
        ex.check("regresion_gradients", right("regression"))


def test_the_feedback_box_is_coloured_by_status():
    boxes = {
        "correct": ex.check("classification_row4", (110.0, 1.0))._repr_html_(),
        "wrong": ex.check("classification_row4", (110.0, 2.0))._repr_html_(),
        "not-answered": ex.check("classification_row4", ...)._repr_html_(),
    }
    assert "#1e8e3e" in boxes["correct"] and "#d93025" in boxes["wrong"] and "#5f6368" in boxes["not-answered"]
    for status, box in boxes.items():
        assert f"exercise-{status}" in box
    assert "&lt;" in ex.Feedback(False, "<script>")._repr_html_()  # the message is escaped


def test_mistakes_in_the_loss_and_classification_step_exercises_are_named():
    assert "sum of the four row losses" in ex.check("regression_mean_loss", 76734).message
    unchanged = (1, 1, 1, 1, 0, 0, 1, 1, 0)  # σ' = σ(110)(1 - σ(110)) rounds to 0: a step with it moves nothing
    assert "σ′ factor is kept" in ex.check("classification_step_row4", unchanged).message
    assert "inf" in ex.check("classification_forward_row4", (110, math.inf)).message
