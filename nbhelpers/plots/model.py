"""The model against the data: the regression fit, the classification boundary (one plot or small multiples),
the per-row losses, and the sigmoid."""

from __future__ import annotations

import numpy as np
from matplotlib.collections import Collection
from matplotlib.path import Path

from ..activations import sigmoid_array
from ..lessons import boundary_points, grid_over, line_fit_residual
from ..network import forward, losses
from .axes import (
    LEGEND,
    MANY_ROWS,
    axes_or_new,
    contour_generator,
    joined_path,
    kept,
    label_for,
    nice_limits,
    points,
    segments,
    steady_limits,
)
from .axes import legend as legend_of
from .axes import line as plot_line
from .style import COLORS


def trend(x1, x2):
    """(intercept, slope) of the least-squares line x2 = a + b x1 through the data (b = 0 if x1 is constant)."""
    x1, x2 = np.asarray(x1, dtype=float), np.asarray(x2, dtype=float)
    spread = x1 - x1.mean()
    denominator = float(spread @ spread)
    slope = float(spread @ (x2 - x2.mean())) / denominator if denominator > 0 else 0.0
    return float(x2.mean() - slope * x1.mean()), slope


def plot_fit(params, X, y, hidden="linear", scaler=None, ax=None, names=("iq", "cgpa", "package"), drawn=None):
    """Regression: targets and predictions against the first input, with the residuals, and the model along the
    data's trend (the least-squares line of the second input on the first: cgpa = iq / 10 for the notes' rows).

    ``names``: the two input columns and the target, for the axis labels; ``drawn``: what an earlier call on ``ax``
    returned, to draw again in place (a panel's redraw).
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
    model = plot_line(
        ax,
        drawn,
        "model",
        line_x1,
        forward(params, line_in, "regression", hidden).y_hat,
        color=COLORS["out"],
        alpha=0.5,
        label=f"ŷ along the data's trend\n{names[1]} ≈ {line}",
    )
    few = len(y) <= MANY_ROWS
    resid = None
    if few:  # beyond MANY_ROWS the gap between the two markers shows the error (10,000 lines cost a second)
        style = {"color": COLORS["bad"], "alpha": 0.6, "linestyles": "dotted", "label": "error y − ŷ"}
        resid = segments(ax, drawn, "residuals", x1, y, y_hat, **style)
    targets = points(ax, x1, y, few, COLORS["target"], "o", 70, 3, "target y", drawn=drawn, key="targets")
    preds = points(ax, x1, y_hat, few, COLORS["out"], "X", 90, 4, "prediction ŷ", drawn=drawn, key="predictions")
    ax.set_xlabel(label_for(names[0]))
    ax.set_ylabel(label_for(names[2]))
    ax.set_ylim(*steady_limits(y, np.concatenate([y_hat, model.get_ydata()])))  # the targets with room: steady
    ax.set_xlim(line_x1[0], line_x1[-1])
    key = legend_of(ax, drawn, **LEGEND)
    return {"targets": targets, "predictions": preds, "residuals": resid, "model": model, "y_hat": y_hat, "legend": key}


def plot_decision_boundary(
    params,
    X,
    y,
    hidden="linear",
    scaler=None,
    ax=None,
    n=200,
    colorbar=False,
    names=("iq", "cgpa", "placed"),
    legend=True,
    drawn=None,
):
    """Classification: P(y = 1) over the plane of the two inputs, the y_hat = 0.5 line, and the rows by class.

    ``names``: the two input columns and the target, for the labels; ``legend=False`` leaves the legend out
    (small multiples put one legend for all their tiles); ``drawn``: what an earlier call on ``ax`` returned, to
    draw again in place (a panel's redraw).
    """
    ax = axes_or_new(ax)
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    G1, G2, pts = grid_over(X, n)
    z = forward(params, pts if scaler is None else scaler.transform(pts), "classification", hidden).z
    prob = sigmoid_array(z).reshape(G1.shape)
    extent = (G1.min(), G1.max(), G2.min(), G2.max())
    image = kept(drawn, "image", ax)
    if image is not None and image.get_array().shape == prob.shape:
        image.set_data(prob)
        image.set_extent(extent)
    else:
        image = ax.imshow(
            prob,
            origin="lower",
            extent=extent,
            aspect="auto",
            cmap="RdBu",
            vmin=0,
            vmax=1,
            alpha=0.75,
            interpolation="none",  # the same pixels as "nearest" in a PNG; the live canvas scales it itself
        )
    boundary = kept(drawn, "boundary", ax)
    if prob.min() < 0.5 < prob.max():
        if boundary is None:
            boundary = Collection(facecolors="none", edgecolors="k", linewidths=2, transform=ax.transData, zorder=2)
            ax.add_collection(boundary, autolim=False)
        boundary.set_paths([_level_path(G1[0], G2[:, 0], prob, 0.5)])
    elif boundary is not None:
        boundary.remove()
        boundary = None
    classes = {}
    for cls, marker in ((1, "o"), (0, "s")):
        rows = y == cls
        classes[f"class{cls}"] = points(
            ax,
            X[rows, 0],
            X[rows, 1],
            len(y) <= MANY_ROWS,
            color=COLORS[f"class{cls}"],
            marker=marker,
            size=110,
            zorder=3,
            label=f"{names[2]} = {cls}",
            edgecolor="k",
            drawn=drawn,
            key=f"class{cls}",
        )
    ax.set_xlabel(label_for(names[0]))
    ax.set_ylabel(label_for(names[1]))
    p = f"P({names[2]}) = ŷ"
    ax.set_title(f"{p}; black line: ŷ = 0.5" if boundary else f"{p} (no ŷ = 0.5 line here)")
    key = None
    if legend:
        key = legend_of(ax, drawn, **LEGEND)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label="ŷ")
    return {"image": image, "boundary": boundary, "prob": prob, "legend": key, **classes}


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


def draw_model(ax, params, data, hidden="linear", scaler=None, n=200, drawn=None):
    """The regression fit, or the classification decision boundary, for ``params``, labelled with the data's names.

    ``n``: the boundary's grid, n x n points (a panel redrawn at every step can take fewer); ``drawn``: what an
    earlier call on ``ax`` returned, to draw again in place."""
    names = (*data.feature_names, data.target_name)
    if data.task == "regression":
        return plot_fit(params, data.X, data.y, hidden, scaler, ax=ax, names=names, drawn=drawn)
    return plot_decision_boundary(params, data.X, data.y, hidden, scaler, ax=ax, names=names, n=n, drawn=drawn)


def _boundary_tile(ax, params, data, hidden, scaler, title):
    """One small boundary plot; axis labels only on the outer edge of a grid, no legend (see _tiles_legend)."""
    names = (*data.feature_names, data.target_name)
    drawn = plot_decision_boundary(params, data.X, data.y, hidden, scaler, ax=ax, names=names, legend=False)
    ax.set_title(title, fontsize=12)
    spec = ax.get_subplotspec()
    if spec is not None:
        if not spec.is_first_col():
            ax.set_ylabel("")
        if not spec.is_last_row():
            ax.set_xlabel("")
    return drawn


def _tiles_legend(axes):
    """One legend for a grid of tiles, above them, where it covers no tile (constrained layout makes room for it)."""
    first = np.atleast_1d(axes).ravel()[0]
    handles, labels = first.get_legend_handles_labels()
    fig = first.figure
    return fig.legend(handles, labels, loc="outside upper center", ncols=len(labels), framealpha=1.0, fancybox=False)


def plot_boundary_snapshots(history, data, epochs=(0, 1, 5, 20, 100), scaler=None, axes=None):
    """Small multiples: the boundary of a recorded ``History`` at a few epochs (no training here)."""
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, len(epochs), figsize=(3.2 * len(epochs), 3.6), layout="constrained", sharey=True)
    drawn = []
    for ax, k in zip(np.atleast_1d(axes), epochs):
        title = f"epoch {k}: J = {history.losses[k]:.3g}"
        drawn.append(_boundary_tile(ax, history.params[k], data, history.hidden, scaler, title))
    _tiles_legend(axes)
    return drawn


def plot_boundary_gallery(draws, data, scaler=None, axes=None):
    """Boundaries for several (label, params, hidden), each titled with its line-fit residual."""
    axes = np.atleast_1d(axes).ravel()
    out = []
    for ax, (label, params, hidden) in zip(axes, draws):
        r = line_fit_residual(boundary_points(params, data.X, hidden, scaler), data.X)
        drawn = _boundary_tile(ax, params, data, hidden, scaler, f"{label}: residual {r:.3f}")
        out.append({**drawn, "residual": r})
    _tiles_legend(axes)
    return out


def _level_path(x, y, Z, level) -> Path:
    """The ``level`` line of ``Z`` over ``x`` x ``y`` as one path: the pixels of ``ax.contour(..., levels=[level],
    colors="k", linewidths=2)`` (tests/test_plots.py compares them), in a plain ``Collection`` a redraw moves
    instead of a new ``ContourSet``."""
    return joined_path(*contour_generator(x, y, Z).create_contour(level))


def mark_row(ax, data, row, label=None, drawn=None):
    """A ring around one row's point in ``draw_model``'s picture: (iq, target) for a fit, (iq, cgpa) for a
    boundary. ``drawn``: the ring an earlier call on ``ax`` returned, moved to the row (in place). Without a
    ``label`` the ring stays out of legends (its row is in the title)."""
    x = float(data.X[row, 0])
    y = float(data.y[row]) if data.task == "regression" else float(data.X[row, 1])
    label = label or f"_row {row + 1}"
    old = kept({"ring": drawn}, "ring", ax)
    if old is not None:
        old.set_offsets([[x, y]])
        old.set_label(label)
        return old
    return ax.scatter([x], [y], s=520, facecolors="none", edgecolors="k", linewidths=2.5, zorder=6, label=label)
