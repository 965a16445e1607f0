"""Computations for the lessons: what the notebooks show beside the core math, as numbers (no drawing here).

Step 4 with numbers (notebooks 02 and 04):
    ``derivative_rows``     every factor of every chain-rule product for one row, with a central-difference check
    ``step_rows``           one SGD step parameter by parameter: before, derivative, change, after
    ``derivative_formulas`` the nine derivatives as formulas, for any hidden activation
    ``PATH``                the edges a derivative travels back along, from the loss to each parameter
    ``sequential_update``   the known bug (new w^2 used in the w^1 derivatives), for contrast only
    ``naive_dJ_dz``         dJ/dy_hat * dy_hat/dz_f multiplied in floats: nan once y_hat rounds to 1.0
    ``first_order_loss``    L(theta) - eta ||dL/dtheta||^2, the first-order prediction of the loss after a step

Lesson (a): raw iq (~80) with w = 1 needs a tiny eta; standardising the inputs moves the usable eta:
    ``update_losses``       the mean loss after each single-row update
    ``eta_sweep``, ``converging_range``    the final loss after N epochs against eta
    ``prediction_gradient``, ``prediction_sensitivity``, ``predicted_eta_limit``, ``first_order_error``
                            a divergence criterion: a step on a row gives e' = e (1 - 2 eta S), S = sum (dy_hat/dθ)^2
    ``intercept``           c = w2_11 b_11 + w2_21 b_12 + b_21, the prediction at iq = cgpa = 0 (what the biases set)

Lesson (b): w = 1 keeps the two hidden neurons identical; a random initialisation breaks the symmetry:
    ``symmetry_gap``

The decision boundary as geometry (notebooks 03 and 04):
    ``SEPARATING``, ``grid_over``, ``boundary_points``, ``line_fit_residual``, ``count_errors``
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .activations import sigmoid_array
from .arguments import resolve
from .backprop import chain_rule, gradients, numerical_gradients, relative_error
from .data import standardise as standardise_inputs
from .loss_functions import dJ_dy_hat, dy_hat_dz
from .network import forward, loss
from .notation import NOTES_ORDER, UNICODE
from .params import PARAM_NAMES, Params, as_params
from .training import DIVERGENCE_LIMIT, History, sgd_step, train
from .validate import check_count, check_eta, check_hidden, check_task


# --- Step 4 with numbers ------------------------------------------------------------------------------------
def derivative_rows(params, x, y, task, hidden="linear"):
    """For one row x = (iq, cgpa), the nine derivatives: factors (label, value), product, check.

    Returns a list of dicts in the notes' order with keys ``name``, ``factors``, ``product``,
    ``numerical`` and ``rel_error``.
    """
    p, _, act, X, _, _ = resolve(params, task, hidden, x, y, X_name="x", one_row=True)
    f = forward(p, x, task, hidden)
    x1, x2 = float(X[0, 0]), float(X[0, 1])
    L = "L" if task == "regression" else "J"
    if task == "regression":
        first = (f"∂L/∂ŷ = −2(y − ŷ) = −2({y:g} − {f.y_hat:.6g})", -2.0 * (y - f.y_hat))
    else:
        first = (f"∂J/∂z_f = −(y − ŷ) = −({y:g} − {f.y_hat:.6g})", -(y - f.y_hat))
    zf = "ŷ" if task == "regression" else "z_f"
    factors = {
        "w2_11": [first, (f"∂{zf}/∂w²₁₁ = o₁₁", f.o_11)],
        "w2_21": [first, (f"∂{zf}/∂w²₂₁ = o₁₂", f.o_12)],
        "b_21": [first, (f"∂{zf}/∂b₂₁ = 1", 1.0)],
    }
    for k, o, w2, (wa, wb, b) in (
        (1, "o₁₁", "w²₁₁", ("w1_11", "w1_21", "b_11")),
        (2, "o₁₂", "w²₂₁", ("w1_12", "w1_22", "b_12")),
    ):
        z_k = f.z_11 if k == 1 else f.z_12
        path = [first, (f"∂{zf}/∂{o} = {w2}", p.w2_11 if k == 1 else p.w2_21)]
        if act.name != "linear":
            path.append((f"∂{o}/∂z₁{'₁' if k == 1 else '₂'} = g′(z) ({act.name})", float(act.g_prime(z_k))))
        tail = "z₁" + ("₁" if k == 1 else "₂") if act.name != "linear" else o
        factors[wa] = path + [(f"∂{tail}/∂{UNICODE[wa]} = x_i1", x1)]
        factors[wb] = path + [(f"∂{tail}/∂{UNICODE[wb]} = x_i2", x2)]
        factors[b] = path + [(f"∂{tail}/∂{UNICODE[b]} = 1", 1.0)]
    analytic = gradients(p, x, y, task, hidden)
    numeric = numerical_gradients(p, x, y, task, hidden)
    rows = []
    for name in NOTES_ORDER:
        i = PARAM_NAMES.index(name)
        product = float(np.prod([v for _, v in factors[name]]))
        rows.append(
            {
                "name": name,
                "symbol": f"∂{L}/∂{UNICODE[name]}",
                "factors": factors[name],
                "product": product,
                "analytic": analytic[i],
                "numerical": numeric[i],
                "rel_error": float(relative_error(analytic[i], numeric[i])),
            }
        )
    return rows


def step_rows(params, x, y, eta, task="regression", hidden="linear"):
    """One SGD step on one row, parameter by parameter, in the notes' order.

    theta_new = theta_old - eta * dL/dtheta_old, with all nine derivatives from the same forward pass.
    Returns a list of dicts with keys ``name``, ``symbol``, ``before``, ``grad``, ``change`` and ``after``.
    """
    p, _, _, X, Y, _ = resolve(params, task, hidden, x, y, X_name="x", one_row=True)
    eta = check_eta(eta)
    grads = gradients(p, X[0], Y[0], task, hidden)  # the nine derivatives, one forward pass
    new = sgd_step(p, X[0], Y[0], eta, task, hidden)  # all nine updates together
    rows = []
    for name in NOTES_ORDER:
        i = PARAM_NAMES.index(name)
        rows.append(
            {
                "name": name,
                "symbol": UNICODE[name],
                "before": p[i],
                "grad": grads[i],
                "change": -eta * grads[i],
                "after": new[i],
                "task": task,
            }
        )
    return rows


G_PRIME = {
    "linear": "g(z) = z, g′(z) = 1: the notes' hidden neurons, so no g′ factor appears",
    "sigmoid": "g(z) = σ(z), g′(z) = g(z)(1 − g(z))",
    "tanh": "g(z) = tanh z, g′(z) = 1 − tanh² z",
    "relu": "g(z) = max(z, 0), g′(z) = 1 if z > 0 else 0",
}


def derivative_formulas(hidden="linear", task="classification"):
    """The nine derivatives as unicode formulas in the notes' order: a list of (symbol, formula).

    Classification starts every one with ∂J/∂z_f = −(y − ŷ), regression with ∂L/∂ŷ = −2(y − ŷ). The hidden-layer
    ones gain the factor g'(z_1k) when the hidden activation is not linear.
    """
    check_hidden(hidden)
    check_task(task)
    d = "−(y − ŷ)" if task == "classification" else "−2(y − ŷ)"
    rows = [("w2_11", f"{d} · o₁₁"), ("w2_21", f"{d} · o₁₂"), ("b_21", d)]
    for k, (wa, wb, b) in ((1, ("w1_11", "w1_21", "b_11")), (2, ("w1_12", "w1_22", "b_12"))):
        path = f"{d} · {UNICODE['w2_11' if k == 1 else 'w2_21']}"
        if hidden != "linear":
            path += f" · g′(z₁{'₁' if k == 1 else '₂'})"
        rows += [(wa, f"{path} · x_i1"), (wb, f"{path} · x_i2"), (b, path)]
    loss = "J" if task == "classification" else "L"
    return [(f"∂{loss}/∂{UNICODE[name]}", formula) for name, formula in rows]


# --- the hierarchy: which edges a derivative travels back along -----------------------------------------------
PATH = {  # parameter -> the edges between it and the loss (its own edge first), as in "L -> y_hat -> o_11 -> w^1_11"
    "w2_11": ("w2_11",),
    "w2_21": ("w2_21",),
    "b_21": (),
    "w1_11": ("w1_11", "w2_11"),
    "w1_21": ("w1_21", "w2_11"),
    "b_11": ("w2_11",),
    "w1_12": ("w1_12", "w2_21"),
    "w1_22": ("w1_22", "w2_21"),
    "b_12": ("w2_21",),
}


def sequential_update(params, x, y, eta) -> Params:
    """The known bug, for contrast only (regression, linear hidden neurons).

    Updates the output layer first, then uses the *new* w^2_11, w^2_21 in the hidden-layer derivatives
    dL/dw^1_jk = -2 (y - y_hat) w^2_k1 x_ij, instead of the old ones from the same forward pass.
    """
    p = as_params(params)
    eta = check_eta(eta)
    x1, x2 = float(np.asarray(x)[0]), float(np.asarray(x)[1])
    f = forward(p, (x1, x2), "regression")
    dL_dy_hat = -2.0 * (y - f.y_hat)  # dL/dy_hat = -2 (y - y_hat), from the one forward pass
    w2_11 = p.w2_11 - eta * dL_dy_hat * f.o_11
    w2_21 = p.w2_21 - eta * dL_dy_hat * f.o_12
    b_21 = p.b_21 - eta * dL_dy_hat
    # the slip: w2_11 and w2_21 below are already the updated values
    return Params(
        p.w1_11 - eta * dL_dy_hat * w2_11 * x1,
        p.w1_21 - eta * dL_dy_hat * w2_11 * x2,
        p.w1_12 - eta * dL_dy_hat * w2_21 * x1,
        p.w1_22 - eta * dL_dy_hat * w2_21 * x2,
        p.b_11 - eta * dL_dy_hat * w2_11,
        p.b_12 - eta * dL_dy_hat * w2_21,
        w2_11,
        w2_21,
        b_21,
    )


def naive_dJ_dz(z, y):
    """dJ/dy_hat * dy_hat/dz_f multiplied in floating point: inf * 0 = nan once y_hat rounds to 1.0."""
    with np.errstate(invalid="ignore"):
        d = np.asarray(dJ_dy_hat(sigmoid_array(z), y)) * np.asarray(dy_hat_dz(z))
    return d if d.ndim else float(d)


def first_order_loss(params, x, y, eta, task="regression", hidden="linear") -> float:
    """L(theta) - eta ||dL/dtheta||^2: the first-order prediction of one row's loss after one step on that row.

    The step theta -> theta - eta g (g the nine dL/dtheta) changes L by g . (-eta g) = -eta ||g||^2 to first
    order, never upwards; the neglected second-order term grows as eta^2, so the prediction (and the guarantee
    that the loss falls) holds only for small enough eta. Compare ``loss`` of ``sgd_step``'s result.
    """
    p, _, _, X, Y, _ = resolve(params, task, hidden, x, y, X_name="x", one_row=True)
    eta = check_eta(eta)
    g = gradients(p, X[0], Y[0], task, hidden).to_array()
    return loss(p, X[0], Y[0], task, hidden) - eta * float(g @ g)


# --- lesson (a): the learning rate ------------------------------------------------------------------------------
def update_losses(X, y, params, eta, updates, task="regression", hidden="linear") -> np.ndarray:
    """The dataset-mean loss before any update and after each single-row SGD update (rows in order).

    Stops after the first loss that is non-finite or beyond ``DIVERGENCE_LIMIT`` (that loss is kept), so the
    result has at most ``updates + 1`` entries.
    """
    p, _, _, X, y, _ = resolve(params, task, hidden, X, y)
    eta = check_eta(eta)
    updates = check_count(updates, "updates")
    out = [loss(p, X, y, task, hidden)]  # loss answers inf / nan quietly for a diverging run
    for k in range(updates):
        if not abs(out[-1]) <= DIVERGENCE_LIMIT:
            break
        i = k % len(X)
        try:
            p = sgd_step(p, X[i], y[i], eta, task, hidden)
        except ValueError:  # the update overflowed: the parameters are no longer numbers, the loss is unbounded
            out.append(np.inf)
            break
        out.append(loss(p, X, y, task, hidden))
    return np.array(out)


class Sweep(NamedTuple):
    """The result of ``eta_sweep``: one training run per learning rate."""

    etas: np.ndarray
    final_loss: np.ndarray  # mean loss after the last epoch; inf where the run diverged
    initial_loss: float  # mean loss before training (the same for every run)
    diverged: np.ndarray  # bool: stopped by ``train`` (loss or a parameter non-finite or > 1e12) or loss grew
    converged: np.ndarray  # bool: did not diverge and final loss <= tol
    epochs: int
    standardised: bool
    tol: float


def eta_sweep(X, y, etas, epochs=100, params=None, standardise=False, tol=1e-2, task="regression") -> Sweep:
    """Train once per eta (per-sample SGD, ``epochs`` epochs, from ``params``, default the notes' init).

    With ``standardise`` the inputs are first scaled to mean 0 and standard deviation 1 per column.
    A run *diverged* if ``train`` stopped it or its loss ended above where it started; it *converged* if it did
    not diverge and its final mean loss is at most ``tol`` (for regression, LPA^2: 1e-2 is an RMS error of
    0.1 LPA). Runs that do neither were too slow for ``epochs`` epochs.
    """
    X_in = standardise_inputs(X) if standardise else np.asarray(X, dtype=float)
    p = Params.notes_init() if params is None else as_params(params)
    etas = np.asarray(etas, dtype=float)
    final, diverged, initial = [], [], None
    for eta in etas:
        h = train(X_in, y, task, p, float(eta), epochs)
        if h.interrupted:  # Ctrl-C: stop the whole sweep, not just this run
            raise KeyboardInterrupt
        initial = float(h.losses[0])
        bad = h.diverged_at is not None or not h.losses[-1] <= h.losses[0]
        diverged.append(bad)
        final.append(np.inf if bad else float(h.losses[-1]))
    final, diverged = np.array(final), np.array(diverged, dtype=bool)
    return Sweep(etas, final, initial, diverged, ~diverged & (final <= tol), epochs, bool(standardise), tol)


def converging_range(sweep: Sweep):
    """(smallest, largest) eta of the sweep that converged, or None if none did."""
    ok = sweep.etas[sweep.converged]
    return (float(ok.min()), float(ok.max())) if len(ok) else None


# A divergence criterion for the regression network (y_hat = z_f). With e = y_hat - y, dL/dtheta = 2 e dy_hat/dtheta,
# so one step on the row moves y_hat by about sum dy_hat/dtheta * (-eta 2 e dy_hat/dtheta) = -2 eta e S, and
# e' = e (1 - 2 eta S): the step overshoots (|e'| > |e|) when |1 - 2 eta S| > 1, that is when eta > 1 / S.
def prediction_gradient(params, x, hidden="linear") -> Params:
    """The nine dy_hat/dtheta of the regression network (y_hat = z_f) for one row x = (iq, cgpa), as a ``Params``.

    With linear hidden neurons, in PARAM_NAMES order: w2_11 x_i1, w2_11 x_i2, w2_21 x_i1, w2_21 x_i2, w2_11, w2_21,
    o_11, o_12, 1 (the notes' chain-rule products without the first link -2 (y - y_hat)).
    """
    p, _, act, X, _, _ = resolve(params, "regression", hidden, x, X_name="x", one_row=True)
    d = chain_rule(p, float(X[0, 0]), float(X[0, 1]), None, lambda z, y: 1.0, act.g, act.g_prime)
    return Params(*(float(v) for v in d))


def prediction_sensitivity(params, x, hidden="linear") -> float:
    """S = the sum over the nine parameters of (dy_hat/dtheta)^2, for one row (regression network).

    At the notes' initialisation, row 1: 2 * 80^2 + 2 * 8^2 + 2 * 1^2 + 2 * 88^2 + 1^2 = 28419.
    """
    g = prediction_gradient(params, x, hidden).to_array()
    return float(g @ g)


def predicted_eta_limit(params, x, hidden="linear") -> float:
    """1 / S: above this eta, |1 - 2 eta S| > 1 and one step on the row overshoots, to first order."""
    return 1.0 / prediction_sensitivity(params, x, hidden)


def first_order_error(e, eta, S) -> float:
    """e' = e (1 - 2 eta S): a row's error y_hat - y after one step on that row, to first order in eta."""
    return float(e) * (1.0 - 2.0 * float(eta) * float(S))


def intercept(params) -> float:
    """c = w2_11 b_11 + w2_21 b_12 + b_21: what the network with linear hidden neurons predicts at iq = cgpa = 0.

    With linear hidden neurons z_f = a x_i1 + b x_i2 + c, with a = w2_11 w1_11 + w2_21 w1_12 and
    b = w2_11 w1_21 + w2_21 w1_22; the biases set c alone. Without them c = 0: every fit passes through the origin.
    """
    p = as_params(params)
    return p.w2_11 * p.b_11 + p.w2_21 * p.b_12 + p.b_21


# --- lesson (b): symmetry -----------------------------------------------------------------------------------
def symmetry_gap(history: History, a="w1_11", b="w1_12") -> np.ndarray:
    """|a - b| after each epoch (entry 0: before training); all zeros while the two neurons stay identical."""
    return np.abs(history.trajectory(a) - history.trajectory(b))


# --- the decision boundary as geometry -------------------------------------------------------------------------
# A setting of the nine sliders (all within their ranges) whose y_hat = 0.5 line separates the four rows:
# o_1k = 0.05 x_i1 + 0.5 x_i2 and z_f = 0.77 (o_11 + o_12) - 10, so z_f = 0 near iq 65, cgpa 6.5.
SEPARATING = Params(0.05, 0.5, 0.05, 0.5, 0.0, 0.0, 0.77, 0.77, -10.0)


def grid_over(X, n=200, pad=0.15):
    """An n x n grid over the iq-cgpa box of X (padded): returns (iq grid, cgpa grid, points (n*n, 2))."""
    X = np.asarray(X, dtype=float)
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    g1 = np.linspace(lo[0] - pad * span[0], hi[0] + pad * span[0], n)
    g2 = np.linspace(lo[1] - pad * span[1], hi[1] + pad * span[1], n)
    G1, G2 = np.meshgrid(g1, g2)
    return G1, G2, np.column_stack([G1.ravel(), G2.ravel()])


def boundary_points(params, X, hidden="linear", scaler=None, n=200) -> np.ndarray:
    """Points (iq, cgpa) of the y_hat = 0.5 line (z_f = 0) over the plotted box, shape (m, 2); m = 0 if none.

    On the same n x n grid as ``plots.plot_decision_boundary``: wherever z_f changes sign between two neighbouring
    grid points (along iq, then along cgpa), the crossing is placed by linear interpolation.
    """
    G1, G2, pts = grid_over(X, n)
    z = forward(params, pts if scaler is None else scaler.transform(pts), "classification", hidden).z
    Z = z.reshape(G1.shape)
    found = []
    for A, B, C in ((G1, G2, Z), (G1.T, G2.T, Z.T)):  # along each row of the grid, then each column
        a, b = C[:, :-1], C[:, 1:]
        i, j = np.nonzero((a < 0) != (b < 0))
        t = a[i, j] / (a[i, j] - b[i, j])
        found.append(np.column_stack([A[i, j] + t * (A[i, j + 1] - A[i, j]), B[i, j] + t * (B[i, j + 1] - B[i, j])]))
    return np.concatenate(found)


def line_fit_residual(points, X) -> float:
    """How far ``points`` are from their best straight line: the RMS perpendicular distance, in units of the
    data's span on each axis (so iq and cgpa count alike). 0 for a straight line; nan for fewer than 3 points."""
    points = np.asarray(points, dtype=float)
    if len(points) < 3:
        return float("nan")
    X = np.asarray(X, dtype=float)
    span = np.where(X.max(axis=0) > X.min(axis=0), X.max(axis=0) - X.min(axis=0), 1.0)
    centred = (points - points.mean(axis=0)) / span
    smallest = np.linalg.svd(centred, compute_uv=False)[-1]  # total least squares: the smallest singular value
    return float(smallest / math.sqrt(len(points)))


def count_errors(params, X, y, hidden="linear") -> int:
    """How many rows land on the wrong side of y_hat = 0.5 (X as the network sees it: raw or standardised)."""
    p, _, _, X, y, _ = resolve(params, "classification", hidden, X, y)
    y_hat = forward(p, X, "classification", hidden).y_hat
    return int(np.sum((y_hat > 0.5) != (y == 1)))
