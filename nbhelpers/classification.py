"""Classification (notebooks 03 and 04): tables, the loss two ways, the output neuron's local derivatives,
the geometry of the decision boundary, an epoch scrubber and a training panel that shows its formulas.

Notation (the notes' symbol, then the code name; the rest is in ``nbhelpers.__doc__``):

=================  ==========  =================================================
notes              code        meaning
=================  ==========  =================================================
x_i1, x_i2         x1, x2      iq and cgpa of row i
z_f                z           output pre-activation
y_hat = sigma(z_f) y_hat       predicted probability of "placed"
J                  loss        -y log y_hat - (1 - y) log(1 - y_hat)
g, g'              hidden      hidden activation (linear in the notes) and its derivative
eta                eta         learning rate
=================  ==========  =================================================

The math itself (forward pass, stable loss, the nine derivatives, SGD) lives in the core modules; this module
only adds what the classification notebooks show beside it.
"""

from __future__ import annotations

import html
import math

import ipywidgets as widgets
import numpy as np

from .activations import sigmoid_array
from .explain import SYMBOL, html_table
from .losses import cross_entropy_array, cross_entropy_dz_array
from .network import forward, losses
from .panels import STYLE, FigureView, Panel, TrainingPanel
from .params import Params
from .plots import (
    axes_or_new,
    grid_over,
    panel_figure,
    plot_decision_boundary,
    plot_loss_curve,
    wipe,
)

# A setting of the nine sliders (all within their ranges) whose y_hat = 0.5 line separates the four rows:
# o_1k = 0.05 x_i1 + 0.5 x_i2 and z_f = 0.77 (o_11 + o_12) - 10, so z_f = 0 near iq 65, cgpa 6.5.
SEPARATING = Params(0.05, 0.5, 0.05, 0.5, 0.0, 0.0, 0.77, 0.77, -10.0)


# --- tables (in the style of nbhelpers.explain: data_table_html and forward_table_html show the rest) ------
def describe(value: float) -> str:
    """A loss value for a table, saying where an inf or a nan came from."""
    if math.isnan(value):
        return "nan (0 × log 0)"
    if math.isinf(value):
        return "inf (−log 0)"
    return f"{value:.6g}"


def loss_table(params, data, hidden="linear") -> str:
    """Step 3 for every row: J from y_hat as the notes write it, and J computed stably from z_f."""
    f = forward(params, data.X, "classification", hidden)
    naive = naive_cross_entropy(f.y_hat, data.y)
    stable = losses(params, data.X, data.y, "classification", hidden)
    header = ["row", "y", "z_f", "ŷ", "1 − ŷ (in floats)", "J from ŷ (the formula as written)", "J from z_f (stable)"]
    rows = [
        [i + 1, f"{data.y[i]:g}", f"{f.z[i]:.6g}", f"{f.y_hat[i]:.10g}", f"{1.0 - f.y_hat[i]:.6g}",
         describe(naive[i]), f"{stable[i]:.6g}"]
        for i in range(len(data.y))
    ]  # fmt: skip
    rows.append(["mean", "", "", "", "", describe(float(np.mean(naive))), f"<b>{stable.mean():.6g}</b>"])
    return html_table(header, rows)


# --- the loss, two ways ---------------------------------------------------------------------------------
def naive_cross_entropy(y_hat, y):
    """J = -y log y_hat - (1 - y) log(1 - y_hat), literally, from y_hat (the notes' formula).

    In floating point y_hat rounds to exactly 1.0 once z_f > 37: then log(1 - y_hat) = log 0 = -inf, so J = inf
    for y = 0 and J = 0 * (-inf) = nan for y = 1. (Quietly: the warnings are switched off for this demonstration.)
    """
    y_hat, y = np.asarray(y_hat, dtype=float), np.asarray(y, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        J = -y * np.log(y_hat) - (1.0 - y) * np.log(1.0 - y_hat)
    return J if J.ndim else float(J)


def stable_cross_entropy(z, y):
    """J = max(z, 0) - y z + log(1 + e^-|z|), the same J written in z_f (what ``nb.loss`` computes)."""
    J = cross_entropy_array(np.asarray(z, dtype=float), np.asarray(y, dtype=float))
    return J if np.ndim(J) else float(J)


# --- the output neuron's local derivatives, one function per equation of the notes -----------------------
def sigmoid(z):
    """y_hat = sigma(z_f) = 1 / (1 + e^-z_f), for a number or an array (without overflow)"""
    s = sigmoid_array(z)
    return s if s.ndim else float(s)


def dJ_dy_hat(y_hat, y):
    """dJ/dy_hat = -y / y_hat + (1 - y) / (1 - y_hat) = -(y - y_hat) / (y_hat (1 - y_hat))"""
    y_hat = np.asarray(y_hat, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):  # y_hat = 1.0 exactly: a division by 0, shown as inf/nan
        d = -(y - y_hat) / (y_hat * (1.0 - y_hat))
    return d if d.ndim else float(d)


def dy_hat_dz(z):
    """dy_hat/dz_f = sigma(z_f) (1 - sigma(z_f)) = y_hat (1 - y_hat), computed from y_hat as the notes do"""
    s = sigmoid_array(z)
    d = s * (1.0 - s)
    return d if d.ndim else float(d)


def sigmoid_prime_exact(z):
    """sigma'(z) = sigma(z) (1 - sigma(z)) = sigma(z) sigma(-z): the second form needs no 1 - 1.0 = 0."""
    d = sigmoid_array(z) * sigmoid_array(-np.asarray(z, dtype=float))
    return d if d.ndim else float(d)


def dJ_dz(z, y):
    """dJ/dz_f = dJ/dy_hat * dy_hat/dz_f = -(y - y_hat): the factor y_hat (1 - y_hat) cancels.

    The core's implementation (``losses.cross_entropy_dz_array``), which writes -(1 - y_hat) as -sigma(-z) for y = 1.
    """
    d = cross_entropy_dz_array(np.asarray(z, dtype=float), np.asarray(y, dtype=float))
    return d if d.ndim else float(d)


def naive_dJ_dz(z, y):
    """dJ/dy_hat * dy_hat/dz_f multiplied in floating point: inf * 0 = nan once y_hat rounds to 1.0."""
    with np.errstate(invalid="ignore"):
        d = np.asarray(dJ_dy_hat(sigmoid_array(z), y)) * np.asarray(dy_hat_dz(z))
    return d if d.ndim else float(d)


# --- the decision boundary as geometry -------------------------------------------------------------------
def boundary_points(params, X, hidden="linear", scaler=None, n=200) -> np.ndarray:
    """Points (iq, cgpa) of the y_hat = 0.5 line (z_f = 0) over the plotted box, shape (m, 2); m = 0 if none.

    On the same n x n grid as ``plot_decision_boundary``: wherever z_f changes sign between two neighbouring
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
    y_hat = forward(params, X, "classification", hidden).y_hat
    return int(np.sum((np.asarray(y_hat) > 0.5) != (np.asarray(y) == 1)))


# --- static figures ----------------------------------------------------------------------------------------
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
    """One legend for a grid of tiles, above them, where it covers no tile."""
    first = np.atleast_1d(axes).ravel()[0]
    handles, labels = first.get_legend_handles_labels()
    fig = first.figure
    return fig.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 0.98), ncols=len(labels),
                      framealpha=1.0, fancybox=False)  # fmt: skip


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


def plot_loss_comparison(histories, ax=None, title="mean loss J"):
    """Several loss curves on one log axis: ``histories`` maps a label to a ``History``."""
    ax = axes_or_new(ax)
    lines = {}
    for label, history in histories.items():  # each call fits the axes to every curve drawn so far
        lines[label] = plot_loss_curve(history, ax=ax, label=label)["line"]
    ax.set_title(title)
    ax.legend(loc="best", fontsize=10)
    return lines


# --- panels ----------------------------------------------------------------------------------------------------
# the epoch scrubber: replay one recorded History
class EpochScrubber(Panel):
    """An epoch slider over ONE recorded ``History``: the loss curve with a marker, and the boundary at that epoch.

    Nothing is trained here: each change only indexes ``history.params`` and ``history.losses`` (for a very long
    run, which records every k-th epoch, the slider moves in steps of k and shows the last recorded epoch).
    """

    DESCRIPTION = "epoch scrubber (replays one recorded training run)"

    def __init__(self, history, data, scaler=None, epoch=0):
        super().__init__()
        self.history, self.data, self.scaler = history, data, scaler
        last = history.final_epoch
        self.epoch = widgets.IntSlider(value=min(epoch, last), min=0, max=last, step=history.stride,
                                       description="epoch", continuous_update=True, style=STYLE,
                                       layout=widgets.Layout(width="520px"))  # fmt: skip
        self.controls = {"epoch": self.epoch}
        self._watch([self.epoch])
        self.view = FigureView(panel_figure(2, (13, 4.5))[0])
        left, _ = self.figure.axes
        plot_loss_curve(history, ax=left)  # drawn once; only the marker moves
        (self.marker,) = left.plot([0], [history.losses[0]], "o", color="k", markersize=11, zorder=4)
        self.widget = widgets.VBox([self.epoch, self.view.image, self._caption()])
        self.redraw()

    def draw(self):
        i = int(np.searchsorted(self.history.recorded, self.epoch.value, side="right")) - 1  # the record at or before
        k = int(self.history.recorded[i])
        params, J = self.history.params[i], float(self.history.losses[i])  # replay: index the record
        self.marker.set_data([k], [J])
        right = self.figure.axes[1]
        wipe(right)
        names = (*self.data.feature_names, self.data.target_name)
        drawn = plot_decision_boundary(params, self.data.X, self.data.y, self.history.hidden, self.scaler, ax=right,
                                       names=names)  # fmt: skip
        right.set_title(f"epoch {k}: mean J = {J:.4g}")
        return drawn


# the training panel with its formulas
G_PRIME = {
    "linear": "g(z) = z, g′(z) = 1: the notes' hidden neurons, so no g′ factor appears",
    "sigmoid": "g(z) = σ(z), g′(z) = g(z)(1 − g(z))",
    "tanh": "g(z) = tanh z, g′(z) = 1 − tanh² z",
    "relu": "g(z) = max(z, 0), g′(z) = 1 if z > 0 else 0",
}


def derivative_formulas(hidden="linear"):
    """The nine derivatives as unicode formulas in the notes' order: a list of (symbol, formula).

    The hidden-layer ones gain the factor g'(z_1k) when the hidden activation is not linear.
    """
    if hidden not in G_PRIME:
        raise ValueError(f"hidden activation must be one of {tuple(G_PRIME)}, got {hidden!r}")
    d = "−(y − ŷ)"
    rows = [("w2_11", f"{d} · o₁₁"), ("w2_21", f"{d} · o₁₂"), ("b_21", d)]
    for k, (wa, wb, b) in ((1, ("w1_11", "w1_21", "b_11")), (2, ("w1_12", "w1_22", "b_12"))):
        path = f"{d} · {SYMBOL['w2_11' if k == 1 else 'w2_21']}"
        if hidden != "linear":
            path += f" · g′(z₁{'₁' if k == 1 else '₂'})"
        rows += [(wa, f"{path} · x_i1"), (wb, f"{path} · x_i2"), (b, path)]
    return [(f"∂J/∂{SYMBOL[name]}", formula) for name, formula in rows]


def formula_box_html(hidden="linear") -> str:
    """The formulas of ``derivative_formulas`` laid out by neuron, in unicode (no LaTeX needed in a widget)."""
    f = derivative_formulas(hidden)
    groups = (("output neuron", f[0:3]), ("hidden neuron 1", f[3:6]), ("hidden neuron 2", f[6:9]))
    cells = "".join(
        f"<td style='padding:0 14px;vertical-align:top'><b>{label}</b><br>"
        + "<br>".join(f"{html.escape(s)} = {html.escape(v)}" for s, v in items) + "</td>"
        for label, items in groups
    )  # fmt: skip
    head = f"∂J/∂z_f = −(y − ŷ) (the sigmoid's ŷ(1 − ŷ) cancels); hidden {html.escape(G_PRIME[hidden])}"
    return (f"<div class='formula-box' style='font-size:14px'><div>{head}</div>"
            f"<table><tr>{cells}</tr></table></div>")  # fmt: skip


class ClassificationTrainingPanel(TrainingPanel):
    """``TrainingPanel`` for classification, with a box of the nine formulas that follows the hidden activation."""

    DESCRIPTION = "training panel (η, epochs, hidden activation, initial parameters; the loss and the boundary)"

    def __init__(self, data, eta=1e-3, epochs=100, params=None, eta_range=(-6, 1), max_epochs=500,
                 hidden="linear", standardise=False):  # fmt: skip
        self.formulas = widgets.HTML(formula_box_html(hidden))  # before super(): its first redraw updates it
        super().__init__(data, eta=eta, epochs=epochs, params=params, eta_range=eta_range, max_epochs=max_epochs,
                         hidden=hidden, hidden_choice=True, standardise=standardise)  # fmt: skip
        children = list(self.widget.children)
        self.widget.children = children[:-2] + [self.formulas] + children[-2:]  # formulas just above the figure

    def draw(self):
        self.formulas.value = formula_box_html(self.hidden.value)
        return super().draw()


def benchmark_cases():
    """The panels of notebooks 03 and 04, built as the notebook builds them, for ``benchmarks/bench_panels.py``:
    (label, panel, control, two values the control is moved between)."""
    from .data import fit_scaler, load_dataset
    from .training import train

    data = load_dataset("classification")
    scaler = fit_scaler(data.X)
    history = train(scaler.transform(data.X), data.y, "classification", Params.random(2), eta=0.1, epochs=100)
    return [
        ("04 EpochScrubber", EpochScrubber(history, data, scaler), "epoch", (1, 50)),
        ("04 ClassificationTrainingPanel", ClassificationTrainingPanel(data, eta=1e-3), "eta", (1e-3, 2e-3)),
        ("04 ClassificationTrainingPanel", ClassificationTrainingPanel(data, eta=1e-3), "hidden", ("linear", "tanh")),
        ("04 ClassificationTrainingPanel", ClassificationTrainingPanel(data, eta=1e-3), "w1_11", (0.5, 1.0)),
    ]
