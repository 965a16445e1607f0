"""Training as pictures: the loss curve, parameters over the epochs, and the lessons on the learning rate and on
symmetry."""

from __future__ import annotations

import numpy as np

from ..lessons import converging_range, symmetry_gap
from ..notation import MATHTEXT, UNICODE
from ..training import History
from .axes import axes_or_new, line, loss_axis, round_up, use_log_scale
from .axes import message as message_of
from .style import COLORS


def divergence_message(history: History) -> str | None:
    """The sentence a learner sees when training stopped early (``History.advice``: why, and what to change)."""
    return history.advice


def plot_loss_curve(history: History, ax=None, label=None, color=None, drawn=None):
    """The dataset-mean loss after each epoch, on a log scale; says so in words if training diverged.

    ``drawn``: what an earlier call on ``ax`` returned, to draw again in place (a panel's redraw)."""
    ax = axes_or_new(ax)
    losses = np.asarray(history.losses, dtype=float)
    ok = np.isfinite(losses) & (losses <= 1e12)
    epochs = np.asarray(history.recorded)  # every epoch, or every k-th of a very long run
    marker = "o" if ok.sum() < 30 else "None"
    curve = line(ax, drawn, "line", epochs[ok], losses[ok], marker=marker, label=label, color=color)
    ax.set_xlim(0, max(round_up(history.epochs), ax.get_xlim()[1] if len(ax.lines) > 1 else 0))
    loss_axis(ax, np.concatenate([np.asarray(ln.get_ydata(), dtype=float) for ln in ax.lines]))  # every curve
    ax.set_xlabel("epoch")
    scale = " (log scale)" if ax.get_yscale() == "log" else ""
    ax.set_ylabel("mean loss " + ("L" if history.task == "regression" else "J") + scale)
    ax.set_title(f"loss, η = {history.eta:.1e}")
    text = message_of(ax, drawn, "message", divergence_message(history))
    return {"line": curve, "message": text}


def plot_trajectories(history: History, names=("w1_11", "w1_12"), ax=None):
    """Parameters over the epochs (e.g. w^1_11 and w^1_12, to see the symmetry of w = 1)."""
    ax = axes_or_new(ax)
    lines = {}
    styles = ["-", "--", ":", "-."]
    for i, name in enumerate(names):
        values = history.trajectory(name)
        ok = np.isfinite(values)
        lines[name] = ax.plot(np.asarray(history.recorded)[ok], values[ok], styles[i % 4], label=MATHTEXT[name])[0]
    ax.set_xlabel("epoch")
    ax.set_ylabel("parameter value")
    ax.legend()
    return lines


def plot_loss_comparison(histories, ax=None, title="mean loss J"):
    """Several loss curves on one log axis: ``histories`` maps a label to a ``History``."""
    ax = axes_or_new(ax)
    lines = {}
    for label, history in histories.items():  # each call fits the axes to every curve drawn so far
        lines[label] = plot_loss_curve(history, ax=ax, label=label)["line"]
    ax.set_title(title)
    ax.legend(loc="best", fontsize=10)
    return lines


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
        drawn["diverged"].append(
            ax.scatter(
                sweep.etas[sweep.diverged],
                height,
                marker="x",
                s=70,
                color=color,
                transform=top,
                label=f"{name}: diverged",
            )
        )
        rng = converging_range(sweep)
        if rng:
            drawn["largest"].append(ax.axvline(rng[1], color=color, ls="--", lw=1.5))
            ax.text(
                rng[1],
                0.8,
                f" largest η that \n converges: {rng[1]:.1e} ",
                transform=top,
                color=color,
                fontsize=11,
                va="top",
                ha="right" if sweep.standardised else "left",
            )
    for eta in marks:
        ax.axvline(eta, color="grey", lw=1, ls="-", alpha=0.6)
        ax.text(
            eta, 0.02, f"η = {eta:.0e} ", transform=top, rotation=90, ha="right", va="bottom", fontsize=10, color="grey"
        )
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


def plot_symmetry(history: History, title, ax=None, names=("w1_11", "w1_12")):
    """w^1_11 and w^1_12 over the epochs (``plots.plot_trajectories``), the largest gap in the title."""
    ax = axes_or_new(ax)
    lines = plot_trajectories(history, names, ax=ax)
    gap = float(np.max(symmetry_gap(history, *names[:2])))
    ax.set_title(f"{title}\nlargest |{UNICODE[names[0]]} − {UNICODE[names[1]]}| = {gap:.3g}")
    ax.set_ylabel("weight value")
    return {"lines": lines, "gap": gap, "symbols": [MATHTEXT[n] for n in names]}


def plot_update_curve(updates, losses, n_rows, ax=None, task="regression", eta=None, message=None, drawn=None):
    """The mean loss after each action of a step-by-step run (``updates``: per-sample updates so far), on a log
    scale, with the epochs marked on top; ``message`` (why training stopped) is written over it.

    ``drawn``: what an earlier call on ``ax`` returned, to draw again in place (the playground's Step)."""
    ax = axes_or_new(ax)
    updates, losses = np.asarray(updates, dtype=float), np.asarray(losses, dtype=float)
    ok = np.isfinite(losses) & (losses <= 1e12)
    marker = "o" if ok.sum() <= 30 else "None"
    curve = line(ax, drawn, "line", updates[ok], losses[ok], marker=marker, color=COLORS["out"])
    now = line(ax, drawn, "now", updates[ok][-1:], losses[ok][-1:], marker="*", ls="None", color=COLORS["bad"], ms=16)
    now.set_zorder(4)
    last = float(updates.max()) if updates.size else 0.0
    ax.set_xlim(0, round_up(max(last, n_rows)))
    shown = losses[ok]
    loss_axis(ax, shown)
    L = "L" if task == "regression" else "J"
    ax.set_xlabel(f"updates (one per row; an epoch is {n_rows})")
    ax.set_ylabel(f"mean loss {L}" + (" (log scale)" if ax.get_yscale() == "log" else ""))
    title = f"mean {L} = {shown[-1]:.4g} after {int(last)} updates" if shown.size else f"mean {L}"
    ax.set_title(title + (f", η = {eta:.2g}" if eta is not None else ""))
    text = message_of(ax, drawn, "message", message)
    return {"line": curve, "now": now, "message": text}
