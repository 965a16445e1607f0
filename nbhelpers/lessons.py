"""Step 4 with numbers, and the lessons of the notes' set-up (notebook 02, regression backward).

Compute functions return values; plot functions take ``ax=None`` and return what they drew.

The hierarchy: ``plot_path`` draws the network with the path from the loss back to some parameters in red.

Step 4 of the notes, one update on one row (the table itself is ``explain.step_rows`` / ``step_table_html``):
    ``sequential_update``                the known bug (new w^2 used in the w^1 derivatives), for contrast only

Lesson (a): raw iq (~80) with w = 1 needs a tiny eta; standardising the inputs moves the usable eta:
    ``update_losses``, ``plot_update_losses``    the mean loss after each single-row update
    ``eta_sweep``, ``converging_range``, ``plot_eta_sweep``    final loss after N epochs against eta

Lesson (b): w = 1 keeps the two hidden neurons identical; a random initialisation breaks the symmetry:
    ``symmetry_gap``, ``plot_symmetry``
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .data import standardise as standardise_inputs
from .diagram import NODES, RADIUS, draw_network
from .explain import SYMBOL
from .network import forward, loss
from .params import Params, as_params
from .plots import SYMBOLS, axes_or_new, plot_trajectories, use_log_scale
from .style import COLORS
from .training import DIVERGENCE_LIMIT, History, sgd_step, train
from .validate import check_epochs, check_eta

# --- the hierarchy: which edges a derivative travels back along -----------------------------------------------
PATH = {  # parameter -> the edges between it and the loss (its own edge first), as in "L -> y_hat -> o_11 -> w^1_11"
    "w2_11": ("w2_11",), "w2_21": ("w2_21",), "b_21": (),
    "w1_11": ("w1_11", "w2_11"), "w1_21": ("w1_21", "w2_11"), "b_11": ("w2_11",),
    "w1_12": ("w1_12", "w2_21"), "w1_22": ("w1_22", "w2_21"), "b_12": ("w2_21",),
}  # fmt: skip
HIGHLIGHT = "#d62728"


def plot_path(names, ax=None, title=None):
    """The network (``diagram.draw_network``) with the path from L back to each parameter in ``names`` in red.

    Returns the drawn diagram plus ``highlighted``: the edge and label names that were coloured.
    """
    ax = axes_or_new(ax, figsize=(8, 4.5))
    drawn = draw_network(ax=ax)
    edges = sorted({e for n in names for e in PATH[n]})
    for e in edges:
        drawn["edges"][e].arrow_patch.set_color(HIGHLIGHT)
        drawn["edges"][e].arrow_patch.set_linewidth(3.5)
    for n in names:
        drawn["labels"][n].set_color(HIGHLIGHT)
        drawn["labels"][n].set_fontweight("bold")
    x, y, _ = NODES["out"]
    ax.annotate("", xy=(x + 0.5, y), xytext=(x + RADIUS, y),
                arrowprops={"arrowstyle": "-|>", "color": HIGHLIGHT, "lw": 3.5, "shrinkA": 0, "shrinkB": 0})
    ax.text(x + 0.58, y, "$L$", ha="left", va="center", fontsize=18, color=HIGHLIGHT)
    ax.set_xlim(-0.3, 2.85)
    if title:
        ax.set_title(title)
    return {**drawn, "highlighted": {"edges": edges, "labels": list(names)}}


# --- Step 4 with numbers: explain.step_rows and explain.step_table_html; here only the bug, for contrast ---
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
        p.w1_11 - eta * dL_dy_hat * w2_11 * x1, p.w1_21 - eta * dL_dy_hat * w2_11 * x2,
        p.w1_12 - eta * dL_dy_hat * w2_21 * x1, p.w1_22 - eta * dL_dy_hat * w2_21 * x2,
        p.b_11 - eta * dL_dy_hat * w2_11, p.b_12 - eta * dL_dy_hat * w2_21,
        w2_11, w2_21, b_21,
    )  # fmt: skip


# --- lesson (a): the learning rate ------------------------------------------------------------------------------
def update_losses(X, y, params, eta, updates, task="regression", hidden="linear") -> np.ndarray:
    """The dataset-mean loss before any update and after each single-row SGD update (rows in order).

    Stops after the first loss that is non-finite or beyond ``DIVERGENCE_LIMIT`` (that loss is kept), so the
    result has at most ``updates + 1`` entries.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    p = as_params(params)
    updates = check_epochs(updates)
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


def plot_update_losses(runs, n_rows=4, ax=None):
    """Loss after each single-row update, one line per eta; ``runs`` maps eta -> ``update_losses(...)``."""
    ax = axes_or_new(ax)
    lines = {}
    colors = [COLORS["out"], COLORS["bad"], COLORS["h1"], COLORS["h2"]]
    longest = 0
    for (eta, values), color in zip(runs.items(), colors):
        values = np.asarray(values, dtype=float)
        ok = np.isfinite(values)
        steps = np.arange(len(values))
        grew = len(values) > 1 and values[-1] > values[0]
        label = f"η = {eta:.0e}" + (" (diverges)" if grew else "")
        lines[eta] = ax.plot(steps[ok], values[ok], marker="o", color=color, label=label)[0]
        longest = max(longest, len(values) - 1)
    for epoch_end in range(n_rows, longest + 1, n_rows):
        ax.axvline(epoch_end, color="grey", lw=0.8, ls=":")
    use_log_scale(ax)  # plain-text tick labels, as in the panels
    ax.set_xlabel(f"update (one row each; dotted line = end of an epoch of {n_rows} rows)")
    ax.set_ylabel("mean loss L (LPA², log scale)")
    ax.legend(loc="upper left")
    return lines


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


def plot_eta_sweep(sweeps, ax=None, floor=1e-10, marks=()):
    """Final loss against eta (log-log), one line per sweep; diverged runs as crosses along the top.

    Losses below ``floor`` are drawn at ``floor``. A dashed vertical line marks the largest eta that converged
    in each sweep, the dotted horizontal line the tolerance ``tol``, grey lines the etas in ``marks``.
    """
    ax = axes_or_new(ax, figsize=(10, 4.8))
    drawn = {"lines": [], "diverged": [], "largest": []}
    top = ax.get_xaxis_transform()  # x in data units, y in axes units
    for k, (sweep, color) in enumerate(zip(sweeps, (COLORS["h1"], COLORS["h2"], COLORS["out"]))):
        name = "standardised inputs" if sweep.standardised else "raw inputs"
        ok = ~sweep.diverged
        y = np.maximum(sweep.final_loss[ok], floor)
        drawn["lines"].append(ax.plot(sweep.etas[ok], y, marker="o", color=color, label=name)[0])
        height = np.full(sweep.diverged.sum(), 0.95 - 0.06 * k)
        drawn["diverged"].append(ax.scatter(sweep.etas[sweep.diverged], height, marker="x", s=70, color=color,
                                            transform=top, label=f"{name}: diverged"))  # fmt: skip
        rng = converging_range(sweep)
        if rng:
            drawn["largest"].append(ax.axvline(rng[1], color=color, ls="--", lw=1.5))
            ax.text(rng[1], 0.8, f" largest η that \n converges: {rng[1]:.1e} ", transform=top, color=color,
                    fontsize=11, va="top", ha="right" if sweep.standardised else "left")  # fmt: skip
    for eta in marks:
        ax.axvline(eta, color="grey", lw=1, ls="-", alpha=0.6)
        ax.text(eta, 0.02, f"η = {eta:.0e} ", transform=top, rotation=90, ha="right", va="bottom", fontsize=10,
                color="grey")  # fmt: skip
    tol = sweeps[0].tol
    ax.axhline(tol, color="k", ls=":", lw=1)
    ax.text(sweeps[0].etas.min(), tol, f"converged: loss ≤ {tol:g}", va="bottom", ha="left", fontsize=10)
    use_log_scale(ax, "x")  # plain-text tick labels, as in the panels
    use_log_scale(ax, "y")
    lo, hi = min(s.etas.min() for s in sweeps), max(s.etas.max() for s in sweeps)
    ax.set_xlim(lo / 1.6, hi * 1.6)
    ax.set_ylim(floor / 10, None)
    ax.set_ylim(None, ax.get_ylim()[1] * 1e5)  # room for the crosses along the top
    ax.set_xlabel("learning rate η (log scale)")
    ax.set_ylabel(f"mean loss L after {sweeps[0].epochs} epochs\n(LPA², log scale)")
    ax.legend(loc="lower left", fontsize=10)
    return drawn


# --- lesson (b): symmetry -----------------------------------------------------------------------------------
def symmetry_gap(history: History, a="w1_11", b="w1_12") -> np.ndarray:
    """|a - b| after each epoch (entry 0: before training); all zeros while the two neurons stay identical."""
    return np.abs(history.trajectory(a) - history.trajectory(b))


def plot_symmetry(history: History, title, ax=None, names=("w1_11", "w1_12")):
    """w^1_11 and w^1_12 over the epochs (``plots.plot_trajectories``), the largest gap in the title."""
    ax = axes_or_new(ax)
    lines = plot_trajectories(history, names, ax=ax)
    gap = float(np.max(symmetry_gap(history, *names[:2])))
    ax.set_title(f"{title}\nlargest |{SYMBOL[names[0]]} − {SYMBOL[names[1]]}| = {gap:.3g}")
    ax.set_ylabel("weight value")
    return {"lines": lines, "gap": gap, "symbols": [SYMBOLS[n] for n in names]}
