"""Exercises with feedback that names the mistake: ``check(exercise_id, answer)``.

A learner's answer is a function (their own backprop code) or numbers (a hand calculation). ``check`` compares it
with the network math (``chain_rule``, ``sgd_step``), never raises for any answer, and returns a ``Feedback``: a
short coloured box in a notebook (``_repr_html_``, no IPython needed), with ``.correct`` and ``.message``.

A wrong answer's message names every parameter that is off by its code name (``w1_21 (w¹₂₁)``), and the mistake
whenever it is one of the usual ones: the factor 2 of the square missing or doubled, the sign flipped, w¹₂₁ and
w¹₁₂ swapped, a hidden output o where the input x belongs, a bias derivative multiplied by an input, hidden neuron 2
using w²₁₁, the σ′ factor kept with cross-entropy or the regression factor −2(y − ŷ) used, g′ missing, and for a
step: the derivatives taken with w² already updated, or a step along +gradient.

How a mistake is recognised: each usual mistake is a formula. A function answer is called on ``DRAWS`` random
parameter/row draws (w²₁₁ ≠ w²₂₁ in them, so a mistake that hides at the notes' w = 1 shows) plus the notes' rows,
and each parameter's values are compared with the right formula and with each wrong one; a wrong formula that
matches on every draw is the diagnosis.
"""

from __future__ import annotations

import contextlib
import html
import inspect
import io
import math
import numbers
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS, sigmoid
from .backprop import chain_rule
from .data import load_dataset, standardise
from .lessons import sequential_update
from .loss_functions import OUTPUTS
from .matrix_form import Layers, layers_loss, random_layers
from .network import forward_values, loss
from .notation import UNICODE
from .params import PARAM_NAMES, Params
from .training import train

DRAWS = 60  # random parameter/row draws a function answer is called on, besides the notes' rows
RTOL = 1e-6  # a function answer: relative tolerance per value (floating point, not rounding)
NUMBER_RTOL = 1e-4  # a number answer (a hand calculation): relative tolerance, unless a rounding is stated
ETA = 1e-5  # the step exercises' learning rate (the notes' η)


# --- the feedback box ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Feedback:
    """What ``check`` says: ``correct``, ``message``, and ``answered`` (False for the ``...`` placeholder)."""

    correct: bool
    message: str
    answered: bool = True

    @property
    def status(self) -> str:
        return "correct" if self.correct else "wrong" if self.answered else "not answered"

    def _repr_html_(self) -> str:
        colours = {
            "correct": ("#e6f4ea", "#1e8e3e"),
            "wrong": ("#fce8e6", "#d93025"),
            "not answered": ("#f1f3f4", "#5f6368"),
        }
        background, border = colours[self.status]
        mark = {"correct": "✓", "wrong": "✗", "not answered": "…"}[self.status]
        text = html.escape(self.message).replace("\n", "<br>")
        return (
            f"<div class='exercise-feedback exercise-{self.status.replace(' ', '-')}' style='background:{background};"
            f"border-left:6px solid {border};padding:8px 12px;margin:4px 0;font-size:14px'><b>{mark}</b> {text}</div>"
        )

    def __str__(self) -> str:
        return f"[{self.status}] {self.message}"

    __repr__ = __str__


def _wrong(message: str) -> Feedback:
    return Feedback(False, message)


# --- the cases a function answer is called on ------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    p: tuple  # nine floats, PARAM_NAMES order
    x1: float
    x2: float
    y: float


def _cases(task: str, seed: int) -> list[Case]:
    """The notes' rows at the notes' initialisation and at one random setting, then ``DRAWS`` random draws."""
    data = load_dataset(task)
    rng = np.random.default_rng(seed)
    random_p = tuple(float(v) for v in rng.normal(0.0, 1.0, 9))
    cases = [
        Case(tuple(p), float(x[0]), float(x[1]), float(t))
        for p in (Params.notes_init(), random_p)
        for x, t in zip(data.X, data.y)
    ]
    for _ in range(DRAWS):
        p = tuple(float(v) for v in rng.normal(0.0, 1.0, 9))
        x1, x2 = (float(v) for v in rng.uniform(-2.0, 2.0, 2))
        y = float(rng.integers(0, 2)) if task == "classification" else float(rng.normal(0.0, 2.0))
        cases.append(Case(p, x1, x2, y))
    return cases


# --- reading an answer's values -------------------------------------------------------------------------------------
class AnswerError(Exception):
    """An answer that cannot be read as the values asked for; the message says why, in the learner's terms."""


class NotAnswered(Exception):
    """A function answer that still returns the placeholder ``...``."""


def _describe(value) -> str:
    text = repr(value)
    text = text if len(text) <= 40 else text[:37] + "..."
    return f"{text} (a {type(value).__name__})"


def _number(value, what: str) -> float:
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise AnswerError(f"{what} is {_describe(value)}, not a number")
    number = float(value)
    if not math.isfinite(number):
        raise AnswerError(
            f"{what} is {number}: every answer here is a finite number (a loss that comes out as inf was "
            "computed from a ŷ that rounded to 1.0: compute J from z_f instead)"
        )
    return number


def _values(answer, names: tuple[str, ...], what: str) -> tuple[float, ...]:
    """``answer`` as len(names) floats: a tuple, list, array, ``Params`` or dict keyed by ``names``."""
    if isinstance(answer, Mapping):
        keys = {str(k) for k in answer}
        missing = [n for n in names if n not in keys]
        unknown = sorted(keys - set(names))
        if missing or unknown:
            parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
                [f"unknown keys {', '.join(unknown)}"] if unknown else []
            )
            raise AnswerError(f"{what} is a dict with {'; '.join(parts)}: the keys are {', '.join(names)}")
        return tuple(_number(answer[n], f"{what}[{n!r}]") for n in names)
    if answer is None or isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__"):
        kind = "nothing (None)" if answer is None else _describe(answer)
        raise AnswerError(f"{what} is {kind}; expected {len(names)} numbers in this order: {', '.join(names)}")
    try:
        items = list(np.asarray(answer, dtype=object).ravel()) if isinstance(answer, np.ndarray) else list(answer)
    except TypeError:
        raise AnswerError(f"{what} is {_describe(answer)}; expected {len(names)} numbers") from None
    if len(items) != len(names):
        raise AnswerError(f"{what} has {len(items)} values; expected {len(names)}, in this order: {', '.join(names)}")
    return tuple(_number(v, f"{what}: the value for {n}") for v, n in zip(items, names))


def _call(f, case: Case, extra=(), quiet=True):
    """The learner's ``f(p, x1, x2, y, *extra)`` (see ``_run``)."""
    args = (Params(*case.p), case.x1, case.x2, case.y, *extra)
    call = f"f(p, x1={case.x1:.4g}, x2={case.x2:.4g}, y={case.y:.4g}{', eta=' + repr(extra[0]) if extra else ''})"
    return _run(f, args, call, quiet)


def _run(f, args: tuple, call: str, quiet=True):
    """``f(*args)``, without warnings, and with what it prints swallowed when ``quiet`` (a learner's debugging
    print shows once, on the first case, not once per draw); an exception becomes an AnswerError that quotes
    ``call``, and a function that still returns the placeholder ``...`` is not answered yet."""
    sink = io.StringIO()
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            if not quiet:
                result = f(*args)
            else:
                with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                    result = f(*args)
    except Exception as err:  # the learner's code: say what it raised, without a traceback
        raise AnswerError(f"your function raised {type(err).__name__}: {err} when called as {call}") from None
    if result is ...:
        raise NotAnswered
    return result


def _check_signature(f, n_args: int, usage: str) -> None:
    if not callable(f):
        raise AnswerError(f"the answer is {_describe(f)}; expected a function {usage}")
    try:
        inspect.signature(f).bind(*range(n_args))
    except TypeError:
        raise AnswerError(f"your function takes {inspect.signature(f)}; the exercise calls it as {usage}") from None
    except ValueError:  # a builtin without a signature: let the call say
        pass


# --- the usual mistakes, as formulas -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Pieces:
    """One forward pass of a case: what every derivative formula is made of."""

    x: tuple  # (x_i1, x_i2)
    o: tuple  # (o_11, o_12)
    zh: tuple  # (z_11, z_12)
    g: tuple  # (g'(z_11), g'(z_12))
    w2: tuple  # (w2_11, w2_21)
    z: float
    y: float


def _pieces(case: Case, hidden: str) -> Pieces:
    act = ACTIVATIONS[hidden]
    z_11, z_12, o_11, o_12, z = forward_values(case.p, case.x1, case.x2, act.g)
    return Pieces(
        (case.x1, case.x2),
        (o_11, o_12),
        (z_11, z_12),
        (act.g_prime(z_11), act.g_prime(z_12)),
        (case.p[6], case.p[7]),
        z,
        case.y,
    )


def _deltas(task: str) -> dict[str, Callable]:
    """δ = ∂L/∂z_f, right and wrong: name -> δ(z, y), the form ``chain_rule`` takes. The first is right."""
    if task == "regression":
        return {
            "right": OUTPUTS["regression"].dL_dz,
            "The factor 2 from the square is missing: ∂L/∂ŷ = −2(y − ŷ), since L = (y − ŷ)²": lambda z, y: -(y - z),
            "The factor 2 is doubled: ∂L/∂ŷ = −2(y − ŷ), not −4(y − ŷ)": lambda z, y: -4.0 * (y - z),
            "The sign is flipped: ∂L/∂ŷ = −2(y − ŷ) = 2(ŷ − y)": lambda z, y: 2.0 * (y - z),
            "The sign is flipped and the factor 2 is missing: ∂L/∂ŷ = −2(y − ŷ)": lambda z, y: y - z,
        }
    return {
        "right": OUTPUTS["classification"].dL_dz,
        "The σ′ factor is kept: with cross-entropy ∂J/∂z_f = −(y − ŷ), because ŷ(1 − ŷ) cancels": lambda z, y: (
            (sigmoid(z) - y) * sigmoid(z) * (1.0 - sigmoid(z))
        ),
        "The regression factor −2(y − ŷ) is used: for cross-entropy ∂J/∂z_f = −(y − ŷ)": lambda z, y: (
            -2.0 * (y - sigmoid(z))
        ),
        "The sign is flipped: ∂J/∂z_f = −(y − ŷ) = ŷ − y": lambda z, y: y - sigmoid(z),
    }


def _gradients(case: Case, dL_dz: Callable) -> tuple:
    """The nine derivatives of the notes' network (linear hidden neurons) at ``case``, for the δ ``dL_dz``."""
    return chain_rule(case.p, case.x1, case.x2, case.y, dL_dz, None, None)


def _formulas(i: int, d: float, s: Pieces) -> dict[str, float]:
    """Parameter ``i``'s derivative for δ = ``d``: "right" and the usual wrong formulas (name -> value)."""
    name = PARAM_NAMES[i]
    out = {}
    if name in ("w2_11", "w2_21"):
        k = 0 if name == "w2_11" else 1
        out["right"] = d * s.o[k]
        out[f"The input x_i{k + 1} is used where the hidden output o₁{'₁₂'[k]} belongs"] = d * s.x[k]
        out[f"The other hidden neuron's output o₁{'₂₁'[k]} is used"] = d * s.o[1 - k]
        out[f"You used z₁{'₁₂'[k]} where o₁{'₁₂'[k]} = g(z₁{'₁₂'[k]}) belongs"] = d * s.zh[k]
    elif name == "b_21":
        out["right"] = d
        for j in (0, 1):
            out[f"The bias derivative is multiplied by the input x_i{j + 1} (∂z_f/∂b₂₁ = 1)"] = d * s.x[j]
            out[f"The bias derivative is multiplied by o₁{'₁₂'[j]} (∂z_f/∂b₂₁ = 1)"] = d * s.o[j]
    else:
        k = int(name[-1]) - 1  # hidden neuron k + 1
        j = None if name.startswith("b") else int(name[-2]) - 1  # input j + 1 (weights only)
        factor = s.x[j] if j is not None else 1.0
        n = "₁₂"[k]
        out["right"] = d * s.w2[k] * s.g[k] * factor
        out[f"Hidden neuron {k + 1} uses w²{'₂₁'[k]}₁ instead of w²{n}₁"] = d * s.w2[1 - k] * s.g[k] * factor
        out[f"The factor g′(z₁{n}) (the hidden activation's derivative) is missing"] = d * s.w2[k] * factor
        out[f"The factor w²{n}₁ (∂z_f/∂o₁{n}) is missing"] = d * s.g[k] * factor
        if j is None:
            for m in (0, 1):
                out[f"The bias derivative is multiplied by the input x_i{m + 1} (∂z₁{n}/∂b₁{n} = 1)"] = (
                    d * s.w2[k] * s.g[k] * s.x[m]
                )
        else:
            for m in (0, 1):
                out[f"The hidden output o₁{'₁₂'[m]} is used where the input x_i{j + 1} belongs"] = (
                    d * s.w2[k] * s.g[k] * s.o[m]
                )
            if j != k:  # w1_21 <-> w1_12: the other one's derivative
                out[
                    "You swapped the derivatives of w¹₂₁ and w¹₁₂ (w¹ⱼₖ is the weight from input j to hidden neuron k)"
                ] = d * s.w2[j] * s.g[j] * s.x[k]
    return out


def _close(a: float, b: float, scale: float, rtol=RTOL) -> bool:
    return abs(a - b) <= rtol * max(abs(a), abs(b)) + 1e-12 * scale


def _diagnose(got: list[tuple], cases: list[Case], task: str, hidden: str) -> tuple[list[int], str]:
    """(the parameters that are off, a description of the mistakes recognised) for a gradient answer."""
    pieces = [_pieces(c, hidden) for c in cases]
    deltas = _deltas(task)
    table = {}  # (delta name, i) -> {formula name: values over the cases}
    for dname, delta in deltas.items():
        ds = [delta(s.z, s.y) for s in pieces]
        for i in range(9):
            per_case = [_formulas(i, d, s) for d, s in zip(ds, pieces)]
            table[dname, i] = {f: [pc[f] for pc in per_case] for f in per_case[0]}
    scale = max(1.0, *(abs(v) for i in range(9) for v in table["right", i]["right"]))  # an absolute floor's scale

    def matches(values, i):
        return all(_close(a, b, scale) for a, b in zip(values, [g[i] for g in got]))

    right = [table["right", i]["right"] for i in range(9)]
    off = [i for i in range(9) if not matches(right[i], i)]
    if not off:
        return [], ""
    best = None
    for dname in deltas:
        found = {}
        for i in range(9):
            if matches(table[dname, i]["right"], i):
                found[i] = None  # this δ and the right formula
                continue
            for fname, values in table[dname, i].items():
                informative = not all(_close(a, b, scale) for a, b in zip(values, table[dname, i]["right"]))
                if fname != "right" and informative and matches(values, i):
                    found[i] = fname
                    break
        if best is None or len(found) > len(best[1]):
            best = (dname, found)
    dname, found = best
    lines = []
    if dname != "right":
        lines.append(dname + ".")
    for fname in sorted({f for f in found.values() if f}):
        who = ", ".join(PARAM_NAMES[i] for i, f in found.items() if f == fname)
        lines.append(f"{fname}: {who}.")
    unknown = [i for i in off if i not in found]
    if unknown:
        c, i = cases[0], unknown[0]
        lines.append(
            f"{', '.join(PARAM_NAMES[j] for j in unknown)}: not a mistake I recognise. At the notes' first row and "
            f"initialisation you return {got[0][i]:.6g} for {PARAM_NAMES[i]}; the chain rule gives {right[i][0]:.6g} "
            f"(x_i1 = {c.x1:g}, x_i2 = {c.x2:g}, y = {c.y:g})."
        )
    return off, "\n".join(lines)


# --- the exercises -----------------------------------------------------------------------------------------------
def _gradient_exercise(task: str, hidden: str, seed: int):
    usage = "f(p, x1, x2, y) returning the nine derivatives in PARAM_NAMES order"

    def check_answer(f, _rounding=None) -> Feedback:  # a function answer: no rounding
        _check_signature(f, 4, usage)
        cases = _cases(task, seed)
        got = [
            _values(_call(f, c, quiet=k > 0), PARAM_NAMES, "what your function returns") for k, c in enumerate(cases)
        ]
        off, diagnosis = _diagnose(got, cases, task, hidden)
        if not off:
            return Feedback(
                True,
                f"Right: all nine derivatives match the chain rule on {len(cases)} rows and "
                f"parameter settings (the notes' rows and {DRAWS} random draws).",
            )
        names = ", ".join(f"{PARAM_NAMES[i]} ({UNICODE[PARAM_NAMES[i]]})" for i in off)
        return _wrong(f"Not yet: {len(off)} of 9 derivatives are off: {names}.\n{diagnosis}")

    return check_answer


def _step_variants(case: Case, eta: float, task: str = "regression") -> dict[str, tuple]:
    """One step θ − η ∂L/∂θ at ``case``, right and wrong: along +gradient, with w² already updated in the w¹
    derivatives (regression), and with each wrong δ of ``_deltas``."""
    deltas = _deltas(task)
    grads = _gradients(case, deltas["right"])
    variants = {
        "right": tuple(v - eta * g for v, g in zip(case.p, grads)),
        "The step goes along +gradient: θ_new = θ_old − η ∂L/∂θ (against the gradient, downhill)": tuple(
            v + eta * g for v, g in zip(case.p, grads)
        ),
    }
    if task == "regression":
        sequential = sequential_update(Params(*case.p), (case.x1, case.x2), case.y, eta)
        variants[
            "The w¹ derivatives were taken with w² already updated: compute all nine derivatives first, then update"
        ] = tuple(sequential)
    for name, delta in deltas.items():
        if name != "right":
            variants[name] = tuple(v - eta * g for v, g in zip(case.p, _gradients(case, delta)))
    return variants


def _step_diagnosis(got: list[tuple], variants: list[dict[str, tuple]]) -> tuple[list[int], str]:
    scale = 1.0
    off = [i for i in range(9) if not all(_close(g[i], v["right"][i], scale) for g, v in zip(got, variants))]
    if not off:
        return [], ""
    for name in variants[0]:
        if name != "right" and all(_close(g[i], v[name][i], scale) for g, v in zip(got, variants) for i in range(9)):
            return off, name + "."
    return off, "Not a mistake I recognise: compare each θ_new = θ_old − η ∂L/∂θ with the table of notebook 02."


def _step_exercise(seed: int):
    usage = "f(p, x1, x2, y, eta) returning the nine parameters after one SGD step (regression)"

    def check_answer(f, _rounding=None) -> Feedback:
        _check_signature(f, 5, usage)
        cases = _cases("regression", seed)
        etas = [ETA if i < 8 else 0.05 for i in range(len(cases))]  # the notes' η on their rows, a larger one elsewhere
        got = [
            _values(_call(f, c, (eta,), quiet=k > 0), PARAM_NAMES, "what your function returns")
            for k, (c, eta) in enumerate(zip(cases, etas))
        ]
        off, diagnosis = _step_diagnosis(got, [_step_variants(c, eta) for c, eta in zip(cases, etas)])
        if not off:
            return Feedback(
                True,
                f"Right: one step θ_new = θ_old − η ∂L/∂θ with all nine derivatives from one "
                f"forward pass, on {len(cases)} rows and parameter settings.",
            )
        names = ", ".join(PARAM_NAMES[i] for i in off)
        return _wrong(f"Not yet: {len(off)} of 9 new parameters are off: {names}.\n{diagnosis}")

    return check_answer


# --- notebook 05: the learner's own forward pass, training loop and matrix-form backward ------------------------
SWAPPED_W1 = (
    "You swapped w¹₂₁ and w¹₁₂: w¹ⱼₖ goes from input j to hidden neuron k, so z₁₁ = w¹₁₁ x_i1 + w¹₂₁ x_i2 + b₁₁"
)


def _forward_variants(case: Case) -> dict[str, tuple]:
    """(z_11, z_12, z_f) at ``case``, right and with the usual mistakes of a forward pass (linear hidden neurons)."""
    w1_11, w1_21, w1_12, w1_22, b_11, b_12, w2_11, w2_21, b_21 = case.p
    x1, x2 = case.x1, case.x2

    def out(z_11, z_12, w2_2=w2_21, b=b_21):
        return (z_11, z_12, w2_11 * z_11 + w2_2 * z_12 + b)

    right = out(w1_11 * x1 + w1_21 * x2 + b_11, w1_12 * x1 + w1_22 * x2 + b_12)
    return {
        "right": right,
        SWAPPED_W1: out(w1_11 * x1 + w1_12 * x2 + b_11, w1_21 * x1 + w1_22 * x2 + b_12),
        "The hidden biases are missing: z₁ₖ = w¹₁ₖ x_i1 + w¹₂ₖ x_i2 + b₁ₖ": out(
            w1_11 * x1 + w1_21 * x2, w1_12 * x1 + w1_22 * x2
        ),
        "The output bias is missing: z_f = w²₁₁ o₁₁ + w²₂₁ o₁₂ + b₂₁": out(*right[:2], b=0.0),
        "Hidden neuron 2 uses w²₁₁ instead of w²₂₁ in z_f": out(*right[:2], w2_2=w2_11),
    }


def _forward_exercise(seed: int):
    usage = "f(p, x1, x2) returning z_11, z_12 and z_f"
    names = ("z_11", "z_12", "z_f")

    def check_answer(f, _rounding=None) -> Feedback:
        _check_signature(f, 3, usage)
        cases = _cases("regression", seed)
        got = [
            _values(
                _run(f, (Params(*c.p), c.x1, c.x2), f"f(p, x1={c.x1:.4g}, x2={c.x2:.4g})", k > 0),
                names,
                "what your function returns",
            )
            for k, c in enumerate(cases)
        ]
        variants = [_forward_variants(c) for c in cases]
        scale = max(1.0, *(abs(v) for var in variants for v in var["right"]))
        off = [i for i in range(3) if not all(_close(g[i], v["right"][i], scale) for g, v in zip(got, variants))]
        if not off:
            return Feedback(True, f"Right: z_11, z_12 and z_f match on {len(cases)} rows and parameter settings.")
        lines = [f"Not yet: {', '.join(names[i] for i in off)} {'is' if len(off) == 1 else 'are'} off."]
        for name in variants[0]:
            if name != "right" and all(
                _close(g[i], v[name][i], scale) for g, v in zip(got, variants) for i in range(3)
            ):
                lines.append(name + ".")
                break
        else:
            c, want = cases[0], variants[0]["right"]
            lines.append(
                f"At the notes' first row (x_i1 = {c.x1:g}, x_i2 = {c.x2:g}) and initialisation you return "
                + ", ".join(f"{names[i]} = {got[0][i]:.6g}" for i in off)
                + "; the forward pass gives "
                + ", ".join(f"{names[i]} = {want[i]:.6g}" for i in off)
                + "."
            )
        return _wrong("\n".join(lines))

    return check_answer


def _train_runs(seed: int) -> list[tuple]:
    """The runs a training loop is checked on: (X, y, p, eta, epochs), none of which diverges."""
    data = load_dataset("regression")
    rng = np.random.default_rng(seed)
    X_std = standardise(data.X)
    X_rand = rng.normal(0.0, 1.0, (6, 2))
    y_rand = X_rand @ np.array([1.5, -0.5]) + rng.normal(0.0, 0.3, 6)
    return [
        (data.X, data.y, Params.notes_init(), ETA, 8),
        (X_std, data.y, Params(*rng.normal(0.0, 0.5, 9)), 0.02, 12),
        (X_rand, y_rand, Params(*rng.normal(0.0, 0.5, 9)), 0.03, 10),
    ]


def _loop_variants(X, y, p, eta, epochs) -> dict[str, list]:
    """The mean loss before training and after each epoch with each usual mistake of a training loop (name -> the
    epochs + 1 losses). The right losses are nb.train's."""
    rows = [(float(a), float(b), float(t)) for (a, b), t in zip(X, y)]
    delta = OUTPUTS["regression"].dL_dz

    def step(q, x1, x2, t, sign=1.0):
        return tuple(v - sign * eta * g for v, g in zip(q, chain_rule(q, x1, x2, t, delta, None, None)))

    def sequential(q, x1, x2, t):
        return tuple(sequential_update(Params(*q), (x1, x2), t, eta))

    def batch(q):
        grads = [chain_rule(q, x1, x2, t, delta, None, None) for x1, x2, t in rows]
        return tuple(v - eta * sum(g[i] for g in grads) / len(rows) for i, v in enumerate(q))

    def row_losses(q):
        return [OUTPUTS["regression"].loss(forward_values(q, x1, x2, None)[4], t) for x1, x2, t in rows]

    def run(update, record=lambda q: float(np.mean(row_losses(q))), per_epoch=True):
        q = tuple(p)
        out = [record(q)]
        for _ in range(epochs):
            if per_epoch:
                for x1, x2, t in rows:
                    q = update(q, x1, x2, t)
            else:
                q = update(q)
            out.append(record(q))
        return out

    return {
        "The w¹ derivatives were taken with w² already updated: compute all nine derivatives first, then update": run(
            sequential
        ),
        "This is full-batch gradient descent (one step per epoch along the mean gradient); the exercise asks for "
        "per-sample updates, one step per row": run(batch, per_epoch=False),
        "That is the sum of the row losses; record their mean": run(step, lambda q: float(np.sum(row_losses(q)))),
        "That is the last row's loss; record the mean loss over all rows": run(step, lambda q: row_losses(q)[-1]),
        "The step goes along +gradient: θ_new = θ_old − η ∂L/∂θ": run(lambda q, *r: step(q, *r, sign=-1.0)),
    }


def _loop_exercise(seed: int):
    usage = "f(X, y, p, eta, epochs) returning the mean loss before training and after each epoch (epochs + 1 numbers)"

    def check_answer(f, _rounding=None) -> Feedback:
        _check_signature(f, 5, usage)
        runs = _train_runs(seed)
        reference = []
        for k, (X, y, p, eta, epochs) in enumerate(runs):
            history = train(X, y, "regression", p, eta, epochs)
            want = [float(v) for v in history.losses]
            call = f"f(X ({len(X)} rows), y, p, eta={eta:g}, epochs={epochs})"
            result = _run(f, (X.copy(), y.copy(), p, eta, epochs), call, quiet=k > 0)
            n = len(result) if hasattr(result, "__len__") and not isinstance(result, (str, bytes, Mapping)) else None
            if n == epochs:
                return _wrong(
                    f"Your function returns {epochs} losses for {call}; expected {epochs + 1}: the mean loss before "
                    "any update first, then one after each epoch (nb.train's history.losses has the same layout)."
                )
            if n is not None and n in (epochs * len(X), epochs * len(X) + 1):
                return _wrong(
                    f"Your function returns {n} losses for {call}: one per row update. Record one per epoch: the "
                    f"mean loss over all {len(X)} rows before training and after each pass through them."
                )
            names = tuple(f"epoch {e}" for e in range(epochs + 1))
            try:
                got = _values(result, names, f"what your function returns for {call}")
            except AnswerError as err:
                if "finite" in str(err):
                    return _wrong(
                        f"Your losses for {call} overflow to inf or nan: the training diverged where nb.train "
                        f"ends at {want[-1]:.6g}. Check the sign of the step: θ_new = θ_old − η ∂L/∂θ."
                    )
                raise
            reference.append((got, want, _loop_variants(X, y, p, eta, epochs), call))
        bad = [(got, want, variants, call) for got, want, variants, call in reference if not _all_close(got, want)]
        if not bad:
            return Feedback(
                True,
                f"Right: your losses match nb.train's history on {len(runs)} runs (the notes' data and η, "
                "standardised inputs, and a random data set).",
            )
        got, want, variants, call = bad[0]
        first = next(e for e, (a, b) in enumerate(zip(got, want)) if not _close(a, b, 1.0))
        lines = [
            f"Not yet: for {call} your loss at epoch {first} is {got[first]:.6g}; nb.train's history has "
            f"{want[first]:.6g}."
        ]
        for name in variants:
            if all(_all_close(g, v[name]) for g, _, v, _ in reference):
                lines.append(name + ".")
                break
        else:
            if first == 0:
                lines.append("Epoch 0 is the mean loss of the starting parameters, before any update.")
        return _wrong("\n".join(lines))

    return check_answer


def _all_close(a, b) -> bool:
    return len(a) == len(b) and all(_close(u, v, 1.0) for u, v in zip(a, b))


def _layer_variants(layers: Layers, x, y) -> dict[str, Layers]:
    """The gradients of a 2-m-1 network with tanh hidden neurons (regression) with each usual mistake of the matrix
    form (name -> the four arrays). The right ones are checked against central differences."""
    W1, b1, W2, b2 = layers
    z1 = W1 @ x + b1
    o1 = np.tanh(z1)
    e = y - (W2 @ o1 + b2)  # y − ŷ, shape (1,)

    def grads(delta2, g_prime, transpose=False):
        delta1 = (W2.T @ delta2) * g_prime
        dW1 = np.outer(delta1, x)
        return Layers(dW1.T if transpose else dW1, delta1, np.outer(delta2, o1), delta2)

    right = -2.0 * e
    return {
        "The factor 2 from the square is missing: δ² = ∂L/∂z_f = −2(y − ŷ)": grads(-e, 1.0 - o1**2),
        "The sign is flipped: δ² = ∂L/∂z_f = −2(y − ŷ) = 2(ŷ − y)": grads(2.0 * e, 1.0 - o1**2),
        "The factor g′(z¹) is missing: δ¹ = (W²ᵀ δ²) ⊙ g′(z¹)": grads(right, np.ones_like(o1)),
        "g′ is computed from z: for tanh, g′(z) = 1 − tanh(z)² = 1 − o², not 1 − z²": grads(right, 1.0 - z1**2),
        "g(z) is used where g′(z) belongs: for tanh, g′(z) = 1 − o²": grads(right, o1),
        "∂L/∂W¹ is transposed: ∂L/∂W¹ = δ¹ xᵀ, whose row k holds the weights entering hidden neuron k": grads(
            right, 1.0 - o1**2, transpose=True
        ),
    }


def _central_differences(layers: Layers, x, y, h=1e-6) -> Layers:
    """∂L/∂θ for every entry of every array, by central differences of the loss (independent of any backward)."""
    out = []
    for a, array in enumerate(layers):
        grad = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            step = h * max(1.0, abs(array[index]))
            values = []
            for sign in (1.0, -1.0):
                moved = [arr.copy() for arr in layers]
                moved[a][index] += sign * step
                values.append(layers_loss(Layers(*moved), x, y, "regression", "tanh"))
            grad[index] = (values[0] - values[1]) / (2 * step)
        out.append(grad)
    return Layers(*out)


_LAYER_NAMES = ("dW1", "db1", "dW2", "db2")


def _layer_arrays(result, layers: Layers, call: str) -> Layers:
    """The learner's four gradient arrays, checked against the shapes of W1 (m, 2), b1 (m,), W2 (1, m), b2 (1,)."""
    if result is None or isinstance(result, (str, bytes, Mapping)) or not hasattr(result, "__len__"):
        raise AnswerError(f"your function returns {_describe(result)} for {call}; expected four arrays {_LAYER_NAMES}")
    if len(result) != 4:
        raise AnswerError(f"your function returns {len(result)} values for {call}; expected four: dW1, db1, dW2, db2")
    arrays = []
    for name, value, like in zip(_LAYER_NAMES, result, layers):
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise AnswerError(f"{name} is {_describe(value)} for {call}, not an array of numbers") from None
        m = layers.width
        if name == "dW1" and array.shape == (2, m) and m != 2:
            raise AnswerError(
                f"dW1 has shape (2, {m}) for {call}: it is transposed. ∂L/∂W¹ = δ¹ xᵀ has W1's shape ({m}, 2): "
                "row k holds the derivatives of the weights entering hidden neuron k"
            )
        if array.size != like.size or (name == "dW1" and array.shape != like.shape):
            raise AnswerError(
                f"{name} has shape {array.shape} for {call}; it must have the shape of {name[1:]}: {like.shape}"
            )
        if not np.all(np.isfinite(array)):
            raise AnswerError(f"{name} holds inf or nan for {call}; every derivative here is finite")
        arrays.append(array.reshape(like.shape))
    return Layers(*arrays)


WIDTHS = (1, 2, 3, 5, 8)  # the widths a matrix-form backward is checked at


def _layers_exercise(seed: int):
    usage = "f(W1, b1, W2, b2, x, y) returning dW1, db1, dW2, db2"

    def check_answer(f, _rounding=None) -> Feedback:
        _check_signature(f, 6, usage)
        rng = np.random.default_rng(seed)
        cases = []
        for k in range(DRAWS):
            layers = random_layers(WIDTHS[k % len(WIDTHS)], rng)
            cases.append((layers, rng.uniform(-2.0, 2.0, 2), float(rng.normal(0.0, 2.0))))
        got = []
        for k, (layers, x, y) in enumerate(cases):
            call = f"f(W1, b1, W2, b2, x, y) with {layers.width} hidden neuron{'s' if layers.width > 1 else ''}"
            args = (*(a.copy() for a in layers), x.copy(), y)
            got.append(_layer_arrays(_run(f, args, call, quiet=k > 0), layers, call))
        want = [_central_differences(*case) for case in cases]

        def matches(arrays, reference, a):
            return all(
                np.allclose(g[a], r[a], rtol=1e-5, atol=1e-7 * max(1.0, np.abs(r[a]).max()))
                for g, r in zip(arrays, reference)
            )

        off = [a for a in range(4) if not matches(got, want, a)]
        if not off:
            return Feedback(
                True,
                f"Right: dW1, db1, dW2 and db2 match central differences on {len(cases)} networks of "
                f"{', '.join(map(str, WIDTHS))} hidden neurons.",
            )
        lines = [f"Not yet: {', '.join(_LAYER_NAMES[a] for a in off)} {'is' if len(off) == 1 else 'are'} off."]
        variants = [_layer_variants(*case) for case in cases]
        for name in variants[0]:
            if all(matches(got, [v[name] for v in variants], a) for a in range(4)):
                lines.append(name + ".")
                break
        else:
            lines.append(
                "Not a mistake I recognise: compare each line with δ¹ = (W²ᵀ δ²) ⊙ g′(z¹) and the table above."
            )
        return _wrong("\n".join(lines))

    return check_answer


# number exercises: a hand calculation on one row
def _row(task: str, i: int) -> Case:
    data = load_dataset(task)
    return Case(tuple(Params.notes_init()), float(data.X[i, 0]), float(data.X[i, 1]), float(data.y[i]))


def _number_exercise(names: tuple[str, ...], expected: Callable[[], tuple], variants: Callable[[], dict] | None = None):
    def check_answer(answer, rounding=None) -> Feedback:
        want = expected()
        got = (
            (_number(answer, "your answer"),)
            if len(names) == 1 and not isinstance(answer, (Mapping, list, tuple, np.ndarray))
            else _values(answer, names, "your answer")
        )

        def close(a, b):
            if rounding is not None:
                return abs(a - b) <= 0.5 * 10.0 ** (-rounding) * (1 + 1e-9) + 1e-12 * abs(b)
            return abs(a - b) <= NUMBER_RTOL * abs(b) + 1e-12

        off = [k for k in range(len(names)) if not close(got[k], want[k])]
        how = f"rounded to {rounding} decimals" if rounding is not None else f"within a relative {NUMBER_RTOL:g}"
        if not off:
            return Feedback(True, f"Right: {', '.join(f'{n} = {w:.6g}' for n, w in zip(names, want))} ({how}).")
        lines = [f"Not yet: {', '.join(names[k] for k in off)} {'is' if len(off) == 1 else 'are'} off ({how})."]
        for name, values in (variants() if variants else {}).items():
            if all(close(got[k], values[k]) for k in range(len(names))) and values != want:
                lines.append(name + ".")
                break
        return _wrong("\n".join(lines))

    return check_answer


def _row2_forward():
    c = _row("regression", 1)
    z_11, z_12, _, _, z = forward_values(c.p, c.x1, c.x2, None)
    return z_11, z_12, z, OUTPUTS["regression"].loss(z, c.y)


def _row2_gradients():
    return _gradients(_row("regression", 1), OUTPUTS["regression"].dL_dz)


def _row2_gradient_variants():
    c = _row("regression", 1)
    return {name: _gradients(c, delta) for name, delta in _deltas("regression").items() if name != "right"}


def _wrong_steps(task: str, row: int, eta: float) -> dict[str, tuple]:
    return {k: v for k, v in _step_variants(_row(task, row), eta, task).items() if k != "right"}


def _mean_loss(task):
    data = load_dataset(task)
    return loss(Params.notes_init(), data.X, data.y, task)


def _sum_instead_of_mean(task):
    return {
        "That is the sum of the four row losses; the loss of the batch is their mean (divide by 4)": (
            _mean_loss(task) * len(load_dataset(task).y),
        )
    }


def _row4_forward():
    c = _row("classification", 3)
    z = forward_values(c.p, c.x1, c.x2, None)[4]
    return z, OUTPUTS["classification"].loss(z, c.y)


def _row4_classification():
    c = _row("classification", 3)
    z = forward_values(c.p, c.x1, c.x2, None)[4]
    return OUTPUTS["classification"].loss(z, c.y), OUTPUTS["classification"].dL_dz(z, c.y)


EXERCISES = {
    "regression_mean_loss": "the mean loss L of the four regression rows at the notes' initialisation",
    "classification_forward_row4": "classification row 4 (iq 50, cgpa 5) at the notes' initialisation: z_f and J",
    "classification_mean_loss": "the mean J of the four classification rows at the notes' initialisation",
    "classification_step_row4": "classification row 4 at the notes' initialisation, η = 1e-3: the nine parameters "
    "after one step",
    "regression_forward_row2": "row 2 (iq 70, cgpa 7) at the notes' initialisation: z_11, z_12, z_f and the loss L",
    "regression_gradients_row2": "row 2 at the notes' initialisation: the nine dL/dθ in PARAM_NAMES order",
    "regression_step_row2": "row 2 at the notes' initialisation, η = 1e-5: the nine parameters after one step",
    "classification_row4": "classification row 4 (iq 50, cgpa 5, not placed) at the notes' initialisation: J and "
    "dJ/dz_f",
    "regression_gradients": "a function f(p, x1, x2, y) returning the nine dL/dθ of the notes' regression network",
    "classification_gradients": "a function f(p, x1, x2, y) returning the nine dJ/dθ with the sigmoid output and "
    "cross-entropy",
    "tanh_gradients": "a function f(p, x1, x2, y) returning the nine dL/dθ of the regression network with tanh hidden "
    "neurons",
    "sgd_step": "a function f(p, x1, x2, y, eta) returning the nine parameters after one per-sample SGD step "
    "(regression)",
    "forward": "a function f(p, x1, x2) returning z_11, z_12 and z_f of the notes' regression network",
    "training_loop": "a function f(X, y, p, eta, epochs) returning the mean loss before training and after each "
    "epoch of per-sample updates (regression), as nb.train's history.losses",
    "backward_layers": "a function f(W1, b1, W2, b2, x, y) returning dW1, db1, dW2, db2 of a network with m tanh "
    "hidden neurons (regression), for any m",
}

_CHECKERS = {
    "regression_mean_loss": _number_exercise(
        ("L",), lambda: (_mean_loss("regression"),), lambda: _sum_instead_of_mean("regression")
    ),
    "classification_forward_row4": _number_exercise(("z_f", "J"), _row4_forward),
    "classification_mean_loss": _number_exercise(
        ("J",), lambda: (_mean_loss("classification"),), lambda: _sum_instead_of_mean("classification")
    ),
    "classification_step_row4": _number_exercise(
        PARAM_NAMES,
        lambda: _step_variants(_row("classification", 3), 1e-3, "classification")["right"],
        lambda: _wrong_steps("classification", 3, 1e-3),
    ),
    "regression_forward_row2": _number_exercise(("z_11", "z_12", "z_f", "L"), _row2_forward),
    "regression_gradients_row2": _number_exercise(PARAM_NAMES, _row2_gradients, _row2_gradient_variants),
    "regression_step_row2": _number_exercise(
        PARAM_NAMES,
        lambda: _step_variants(_row("regression", 1), ETA)["right"],
        lambda: _wrong_steps("regression", 1, ETA),
    ),
    "classification_row4": _number_exercise(("J", "dJ_dz_f"), _row4_classification),
    "regression_gradients": _gradient_exercise("regression", "linear", seed=1),
    "classification_gradients": _gradient_exercise("classification", "linear", seed=2),
    "tanh_gradients": _gradient_exercise("regression", "tanh", seed=3),
    "sgd_step": _step_exercise(seed=4),
    "forward": _forward_exercise(seed=5),
    "training_loop": _loop_exercise(seed=6),
    "backward_layers": _layers_exercise(seed=7),
}


def check(exercise_id: str, answer, rounding: int | None = None) -> Feedback:
    """Check ``answer`` for ``exercise_id`` (see ``EXERCISES``); ``...`` means not answered yet.

    ``rounding``: for a number answer, how many decimals you rounded to (else a relative 1e-4 is allowed).
    Never raises for any answer; an unknown ``exercise_id`` is a ValueError listing the valid ones.
    """
    if exercise_id not in EXERCISES:
        raise ValueError(f"unknown exercise {exercise_id!r}; the exercises are: {', '.join(EXERCISES)}")
    if answer is ...:
        return Feedback(False, f"Not answered yet: replace ... with your answer ({EXERCISES[exercise_id]}).", False)
    if rounding is not None and (
        isinstance(rounding, bool) or not isinstance(rounding, int) or not 0 <= rounding <= 12
    ):
        return _wrong(f"rounding is the number of decimals you rounded to (0 to 12), got {_describe(rounding)}")
    try:
        return _CHECKERS[exercise_id](answer, rounding)
    except NotAnswered:
        return Feedback(False, f"Not answered yet: your function still returns ... ({EXERCISES[exercise_id]}).", False)
    except AnswerError as err:
        return _wrong(str(err))
    except RecursionError:
        return _wrong("your function recursed without end")
