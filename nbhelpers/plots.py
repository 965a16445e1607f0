"""Pure plot functions: each takes ``ax=None`` (a new pyplot figure then), draws, and returns what it drew.

Panels call the same functions on pyplot-free ``Figure`` objects, so a static figure in a notebook and
the live panel below it are drawn by the same code.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter

from .activations import sigmoid_array
from .data import UNITS
from .network import forward, losses
from .style import COLORS
from .training import History

# Legends sit outside the axes, to the right, so they never cover a data point; opaque and square, they hide
# nothing but the figure's background, whose pixels never change.
LEGEND = {"framealpha": 1.0, "fancybox": False, "loc": "upper left", "bbox_to_anchor": (1.02, 1.0),
          "borderaxespad": 0.0}  # fmt: skip
MANY_ROWS = 20  # beyond this many rows, per-row bars and labels become a summary


def label_for(name: str) -> str:
    """An axis label for a column: the notes' columns with their units, a learner's own by their own name."""
    return UNITS.get(name, name)


SYMBOLS = {  # the notes' symbols in matplotlib mathtext
    "w1_11": r"$w^1_{11}$", "w1_21": r"$w^1_{21}$", "w1_12": r"$w^1_{12}$", "w1_22": r"$w^1_{22}$",
    "b_11": r"$b_{11}$", "b_12": r"$b_{12}$",
    "w2_11": r"$w^2_{11}$", "w2_21": r"$w^2_{21}$", "b_21": r"$b_{21}$",
}  # fmt: skip


def axes_or_new(ax, figsize=(7, 4.5)):
    """``ax`` itself, or the axes of a new pyplot figure (only a standalone call touches pyplot)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def panel_figure(ncols=2, figsize=(13, 4.5)) -> tuple[Figure, list]:
    """A pyplot-free figure for a widget panel (nothing is displayed or kept by pyplot).

    Fixed margins rather than a layout engine: constrained layout doubles the redraw time of a panel.
    """
    fig = Figure(figsize=figsize, dpi=80)
    axes = fig.subplots(1, ncols)
    # room for a two-line title above, and for the legend (outside, LEGEND) right of the last axes
    fig.subplots_adjust(left=0.07, right=0.8, bottom=0.14, top=0.86, wspace=0.25)
    return fig, list(np.atleast_1d(axes))


def nice_limits(lo, hi, log=False):
    """Round (lo, hi) outwards to a coarse grid, so the axes (and their tick labels) change only in steps.

    Linear: multiples of 1, 2 or 5 times a power of ten, fine enough that the data covers most of the axis
    (at least two thirds of it); log: whole decades. Values already on the grid stay where they are:
    nice_limits(0, 100) is (0, 100).
    """
    lo, hi = float(lo), float(hi)
    if log:
        return 10.0 ** np.floor(np.log10(lo) + 1e-12), 10.0 ** np.ceil(np.log10(hi) - 1e-12)
    span = hi - lo
    step = 10.0 ** np.floor(np.log10(span)) if hi > lo else max(abs(hi), 1.0)
    if hi > lo:
        step /= 5 if span / step <= 2 else 2 if span / step <= 5 else 1
    return np.floor(lo / step + 1e-12) * step, np.ceil(hi / step - 1e-12) * step


def round_up(n) -> float:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that is >= n (and >= 1): an axis end that moves in steps."""
    n = max(float(n), 1.0)
    decade = 10.0 ** np.floor(np.log10(n))
    return next(float(m * decade) for m in (1, 2, 5, 10) if m * decade >= n * (1 - 1e-12))


def wipe(ax):
    """Remove what was drawn on ``ax`` but keep the axes themselves (their tick and scale objects).

    Panels call it instead of ``ax.clear()`` before a pure plot function draws again: rebuilding the tick
    objects after ``clear()`` costs about 30 ms of a redraw on a 2-core machine.
    """
    for container in list(ax.containers):  # bars: else each redraw adds a legend entry for the old ones
        container.remove()
    for artist in [*ax.images, *ax.collections, *ax.lines, *ax.patches, *ax.texts]:
        artist.remove()
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    ax.set_prop_cycle(None)  # the next line gets the first colour again, as after clear()
    for scale, set_scale in ((ax.get_xscale(), ax.set_xscale), (ax.get_yscale(), ax.set_yscale)):
        if scale != "linear":
            set_scale("linear")
    ax.set_title("")
    ax.set_autoscale_on(True)
    ax.relim()


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten_label(value, _pos=None) -> str:
    """10², 10⁻³, −10⁴, 0: tick labels for log and symlog axes in plain unicode.

    Matplotlib's default writes them in mathtext, which makes every redraw of a panel about twice as slow.
    """
    if value == 0:
        return "0"
    exponent = np.log10(abs(value))
    if abs(exponent - round(exponent)) > 1e-9:
        return ""
    return ("−" if value < 0 else "") + "10" + str(int(round(exponent))).translate(_SUPERSCRIPT)


def use_log_scale(ax, axis="y", **kwargs):
    """A log (or, with ``symlog=True``, symlog) axis whose tick labels are plain text, decades only."""
    symlog = kwargs.pop("symlog", False)
    target = ax.yaxis if axis == "y" else ax.xaxis
    (ax.set_yscale if axis == "y" else ax.set_xscale)("symlog" if symlog else "log", **kwargs)
    target.set_major_formatter(FuncFormatter(power_of_ten_label))
    target.set_minor_formatter(NullFormatter())


def divergence_message(history: History) -> str | None:
    """The sentence a learner sees when training stopped early (``History.advice``: why, and what to change)."""
    return history.advice


def say(ax, text, color=COLORS["bad"]):
    """Write a sentence in the middle of ``ax`` (used instead of an empty plot)."""
    box = {"boxstyle": "round", "fc": "white", "ec": color}
    return ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", fontsize=15,
                   color=color, wrap=True, bbox=box)  # fmt: skip


def plot_loss_curve(history: History, ax=None, label=None, color=None):
    """The dataset-mean loss after each epoch, on a log scale; says so in words if training diverged."""
    ax = axes_or_new(ax)
    losses = np.asarray(history.losses, dtype=float)
    ok = np.isfinite(losses) & (losses <= 1e12)
    epochs = np.asarray(history.recorded)  # every epoch, or every k-th of a very long run
    (line,) = ax.plot(epochs[ok], losses[ok], marker="o" if ok.sum() < 30 else None, label=label, color=color)
    ax.set_xlim(0, max(round_up(history.epochs), ax.get_xlim()[1] if len(ax.lines) > 1 else 0))
    shown = np.concatenate([np.asarray(ln.get_ydata(), dtype=float) for ln in ax.lines])  # every curve on ax
    if shown.size and (shown > 0).all():
        use_log_scale(ax)
        ax.set_ylim(*nice_limits(shown.min(), shown.max(), log=True))
    ax.set_xlabel("epoch")
    scale = " (log scale)" if ax.get_yscale() == "log" else ""
    ax.set_ylabel("mean loss " + ("L" if history.task == "regression" else "J") + scale)
    ax.set_title(f"loss, η = {history.eta:.1e}")
    msg = divergence_message(history)
    text = say(ax, msg) if msg else None
    return {"line": line, "message": text}


def points(ax, x, y, few, color, marker, size, zorder, label, edgecolor=None):
    """One marker per row: a scatter for a few rows, a marker-only line (several times faster to draw) for many."""
    if few:
        return ax.scatter(x, y, color=color, marker=marker, s=size, zorder=zorder, label=label,
                          edgecolors=edgecolor)  # fmt: skip
    return ax.plot(x, y, linestyle="none", marker=marker, markersize=3.5, color=color, zorder=zorder, label=label,
                   markeredgecolor=edgecolor or color, markeredgewidth=0.3)[0]  # fmt: skip


def trend(x1, x2):
    """(intercept, slope) of the least-squares line x2 = a + b x1 through the data (b = 0 if x1 is constant)."""
    x1, x2 = np.asarray(x1, dtype=float), np.asarray(x2, dtype=float)
    spread = x1 - x1.mean()
    denominator = float(spread @ spread)
    slope = float(spread @ (x2 - x2.mean())) / denominator if denominator > 0 else 0.0
    return float(x2.mean() - slope * x1.mean()), slope


def plot_fit(params, X, y, hidden="linear", scaler=None, ax=None, names=("iq", "cgpa", "package")):
    """Regression: targets and predictions against the first input, with the residuals, and the model along the
    data's trend (the least-squares line of the second input on the first: cgpa = iq / 10 for the notes' rows).

    ``names``: the two input columns and the target, for the axis labels.
    """
    ax = axes_or_new(ax)
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    Xin = X if scaler is None else scaler.transform(X)
    y_hat = forward(params, Xin, "regression", hidden).y_hat
    x1 = X[:, 0]
    pad = 0.05 * (x1.max() - x1.min()) if x1.max() > x1.min() else 1.0
    line_x1 = np.linspace(x1.min() - pad, x1.max() + pad, 50)
    a, b = trend(X[:, 0], X[:, 1])
    line_X = np.column_stack([line_x1, a + b * line_x1])
    line_in = line_X if scaler is None else scaler.transform(line_X)
    scale = float(np.abs(X[:, 1]).max()) or 1.0
    line = f"{b:.3g}·{names[0]}" + ("" if abs(a) < 1e-9 * scale else f" {'+' if a > 0 else '−'} {abs(a):.3g}")
    model = ax.plot(line_x1, forward(params, line_in, "regression", hidden).y_hat, color=COLORS["out"],
                    alpha=0.5, label=f"ŷ along the data's trend\n{names[1]} ≈ {line}")[0]  # fmt: skip
    few = len(y) <= MANY_ROWS
    resid = None
    if few:  # beyond MANY_ROWS the gap between the two markers shows the error (10,000 lines cost a second)
        resid = ax.vlines(x1, y, y_hat, color=COLORS["bad"], alpha=0.6, linestyles="dotted", label="error y − ŷ")
    targets = points(ax, x1, y, few, color=COLORS["target"], marker="o", size=70, zorder=3, label="target y")
    preds = points(ax, x1, y_hat, few, color=COLORS["out"], marker="X", size=90, zorder=4, label="prediction ŷ")
    ax.set_xlabel(label_for(names[0]))
    ax.set_ylabel(label_for(names[2]))
    shown = np.concatenate([y, y_hat, model.get_ydata()])
    shown = shown[np.isfinite(shown)]
    lo, hi = (min(shown.min(), 0.0), max(shown.max(), 0.0)) if shown.size else (0.0, 1.0)
    ax.set_ylim(*nice_limits(lo, hi + 0.05 * (hi - lo) if hi > lo else hi + 1.0))
    ax.set_xlim(line_x1[0], line_x1[-1])
    ax.legend(**LEGEND)
    return {"targets": targets, "predictions": preds, "residuals": resid, "model": model, "y_hat": y_hat}


def grid_over(X, n=200, pad=0.15):
    """An n x n grid over the iq-cgpa box of X (padded): returns (iq grid, cgpa grid, points (n*n, 2))."""
    X = np.asarray(X, dtype=float)
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    g1 = np.linspace(lo[0] - pad * span[0], hi[0] + pad * span[0], n)
    g2 = np.linspace(lo[1] - pad * span[1], hi[1] + pad * span[1], n)
    G1, G2 = np.meshgrid(g1, g2)
    return G1, G2, np.column_stack([G1.ravel(), G2.ravel()])


def plot_decision_boundary(params, X, y, hidden="linear", scaler=None, ax=None, n=200, colorbar=False,
                           names=("iq", "cgpa", "placed"), legend=True):
    """Classification: P(y = 1) over the plane of the two inputs, the y_hat = 0.5 line, and the rows by class.

    ``names``: the two input columns and the target, for the labels; ``legend=False`` leaves the legend out
    (small multiples put one legend for all their tiles).
    """
    ax = axes_or_new(ax)
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    G1, G2, pts = grid_over(X, n)
    z = forward(params, pts if scaler is None else scaler.transform(pts), "classification", hidden).z
    prob = sigmoid_array(z).reshape(G1.shape)
    extent = (G1.min(), G1.max(), G2.min(), G2.max())
    image = ax.imshow(prob, origin="lower", extent=extent, aspect="auto", cmap="RdBu", vmin=0, vmax=1,
                      alpha=0.75, interpolation="nearest")  # fmt: skip
    boundary = None
    if prob.min() < 0.5 < prob.max():
        boundary = ax.contour(G1, G2, prob, levels=[0.5], colors="k", linewidths=2)
    for cls, marker in ((1, "o"), (0, "s")):
        rows = y == cls
        points(ax, X[rows, 0], X[rows, 1], len(y) <= MANY_ROWS, color=COLORS[f"class{cls}"], marker=marker,
               size=110, zorder=3, label=f"{names[2]} = {cls}", edgecolor="k")  # fmt: skip
    ax.set_xlabel(label_for(names[0]))
    ax.set_ylabel(label_for(names[1]))
    p = f"P({names[2]}) = ŷ"
    ax.set_title(f"{p}; black line: ŷ = 0.5" if boundary else f"{p} (no ŷ = 0.5 line here)")
    if legend:
        ax.legend(**LEGEND)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label="ŷ")
    return {"image": image, "boundary": boundary, "prob": prob}


def plot_trajectories(history: History, names=("w1_11", "w1_12"), ax=None):
    """Parameters over the epochs (e.g. w^1_11 and w^1_12, to see the symmetry of w = 1)."""
    ax = axes_or_new(ax)
    lines = {}
    styles = ["-", "--", ":", "-."]
    for i, name in enumerate(names):
        values = history.trajectory(name)
        ok = np.isfinite(values)
        lines[name] = ax.plot(np.asarray(history.recorded)[ok], values[ok], styles[i % 4], label=SYMBOLS[name])[0]
    ax.set_xlabel("epoch")
    ax.set_ylabel("parameter value")
    ax.legend()
    return lines


def plot_sigmoid(ax=None, zmax=8):
    """σ(z) and σ'(z) = σ(z)(1 − σ(z))."""
    ax = axes_or_new(ax)
    z = np.linspace(-zmax, zmax, 400)
    s = sigmoid_array(z)
    a = ax.plot(z, s, label=r"$\sigma(z) = 1/(1+e^{-z})$", color=COLORS["out"])[0]
    b = ax.plot(z, s * (1 - s), "--", label=r"$\sigma'(z) = \sigma(z)(1-\sigma(z))$", color=COLORS["h1"])[0]
    ax.axhline(0.5, color="grey", lw=0.8)
    ax.set_xlabel("z")
    ax.legend(loc="center right")
    return {"sigma": a, "sigma_prime": b}


def loss_bars(params, data, hidden="linear", scaler=None, ax=None):
    """Step 3 of the notes: the loss of each row as a bar, the mean in the title.

    Beyond ``MANY_ROWS`` rows one bar per row is unreadable (and slow): a histogram of the per-row losses instead.
    """
    ax = axes_or_new(ax)
    Xin = data.X if scaler is None else scaler.transform(data.X)
    per_row = losses(params, Xin, data.y, data.task, hidden)
    name = "L = (y − ŷ)²" if data.task == "regression" else "J (cross-entropy)"
    finite = per_row[np.isfinite(per_row)]
    top = float(finite.max()) if finite.size else 0.0
    if len(per_row) <= MANY_ROWS:
        bars = ax.bar([f"row {i + 1}" for i in range(len(per_row))], per_row, color="#888888")
        ax.bar_label(bars, fmt="{:.3g}")
        ax.set_ylabel(f"loss {name}")
        ax.set_ylim(0, nice_limits(0, top * 1.15)[1] if top > 0 else 1)
    else:
        counts, edges = np.histogram(finite, bins=30, range=(0.0, top if top > 0 else 1.0))
        bars = ax.stairs(counts, edges, fill=True, color="#888888")  # one artist, not 30 rectangles
        ax.set_xlabel(f"loss {name} of a row")
        ax.set_ylabel(f"rows (of {len(per_row)})")
        ax.set_xlim(edges[0], edges[-1])
        ax.set_ylim(0, nice_limits(0, counts.max() * 1.1)[1])
    ax.set_title(f"mean loss = {per_row.mean():.6g}")
    return {"bars": bars, "losses": per_row}


def draw_model(ax, params, data, hidden="linear", scaler=None):
    """The regression fit, or the classification decision boundary, for ``params``, labelled with the data's names."""
    names = (*data.feature_names, data.target_name)
    if data.task == "regression":
        return plot_fit(params, data.X, data.y, hidden, scaler, ax=ax, names=names)
    return plot_decision_boundary(params, data.X, data.y, hidden, scaler, ax=ax, names=names)


def plot_gradient_bars(rows, ax=None):
    """The nine derivatives (bars) beside their central-difference estimates (dots), symlog scale."""
    ax = axes_or_new(ax)
    names = [r["symbol"] for r in rows]
    pos = np.arange(len(rows))
    bars = ax.bar(pos, [r["product"] for r in rows], color="#1f77b4", label="chain rule")
    dots = ax.scatter(pos, [r["numerical"] for r in rows], color="k", zorder=3, label="central difference")
    ax.set_xticks(pos, names)
    use_log_scale(ax, symlog=True, linthresh=1e-3)
    top = max(max(abs(r["product"]), abs(r["numerical"])) for r in rows)
    top = nice_limits(1e-3, max(top, 1e-3) * 1.5, log=True)[1]
    ax.set_ylim(-top, top)
    ax.axhline(0, color="grey", lw=0.8)
    worst = max(r["rel_error"] for r in rows)
    ax.set_title(f"the nine derivatives for this row; largest relative error {worst:.1e}")
    ax.legend(**LEGEND)
    return {"bars": bars, "dots": dots}
