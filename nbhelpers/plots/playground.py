"""The playground's picture (notebook 06): the network, the loss landscape, the loss curve and the fit or boundary
of one ``playground.Playground``, on four axes. The panel redraws it on every action; the notebook draws it once
as a static figure with the same function."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..landscape import span_around
from ..playground import Playground, state_surface
from .axes import nice_limits, wipe
from .diagram import plot_live_network, update_live_network
from .landscape import plot_landscape
from .model import draw_model, mark_row
from .training import plot_update_curve

GRID = 60  # the landscape's grid: GRID x GRID points
BOUNDARY_GRID = 120  # the decision boundary's grid (the static figures of notebooks 03 and 04 use 200)
FIGSIZE = (13, 9.6)


def playground_axes(fig: Figure | None = None) -> list:
    """Four axes on ``fig`` (a new pyplot-free figure if None): the network and the landscape above, the loss
    curve and the fit (or boundary) below. Fixed margins: a layout engine would slow every redraw."""
    fig = fig if fig is not None else Figure(figsize=FIGSIZE, dpi=80)
    top = fig.add_gridspec(1, 2, width_ratios=(1.5, 1), left=0.01, right=0.95, bottom=0.6, top=0.93, wspace=0.3)
    bottom = fig.add_gridspec(1, 2, left=0.07, right=0.82, bottom=0.08, top=0.44, wspace=0.3)
    return [fig.add_subplot(spec) for spec in (top[0, 0], top[0, 1], bottom[0, 0], bottom[0, 1])]


def landscape_values(state: Playground, name: str, grid: int = GRID) -> np.ndarray:
    """One axis of the landscape: the path of ``name`` so far and its value now, with room around them, on limits
    from a 1-2-5 grid (so they move in steps as the path grows, and the frame is rarely drawn again)."""
    now = getattr(state.params, name)
    return np.linspace(*nice_limits(*span_around(state.trajectory(name), now, n=2)), grid)


def row_in_use(state: Playground) -> int:
    """The row of the last Step, else the row the next Step will use."""
    return state.last.row if state.last is not None else state.next_row


def draw_playground(axes, state: Playground, a="w2_11", b="b_21", drawn=None) -> dict:
    """Draw ``state`` on the four ``playground_axes``; ``a``, ``b``: the landscape's parameters.

    ``drawn``: what an earlier call returned, to draw again in place: the diagram restyled, the curves, points and
    ring moved, only the contours drawn anew (everything is drawn afresh when the task, activation or columns
    change)."""
    net, land, curve, model = axes
    row = row_in_use(state)
    f = state.row_forward(row)
    values = {"x1": state.X[row, 0], "x2": state.X[row, 1], "h1": f.o_11, "h2": f.o_12, "out": f.y_hat}
    values = {k: float(np.ravel(v)[0]) for k, v in values.items()}
    look = (state.task, state.hidden, tuple(state.data.feature_names))
    network = drawn["network"] if drawn else None
    before = drawn if drawn and network is not None and network[0] == look else {}
    if not before:
        for ax in (land, curve, model):
            wipe(ax)
    if network is None or network[0] != look:  # drawn once per task, activation and columns
        wipe(net)
        network = (look, plot_live_network(state.params, values, net, *look))
    else:
        update_live_network(network[1], state.params, values)
    if network[1].get("title") is None:  # the same words for every row: part of the frame, drawn once
        network[1]["title"] = net.text(
            0.5, 1.06, "the ringed row through the network", transform=net.transAxes, ha="center", fontsize=14
        )
        network[1]["title"].set_gid("frame")
    landscape = None
    if a == b or before.get("landscape") is None:
        wipe(land)
        before = {**before, "landscape": None}
    if a == b:  # an empty plot with a sentence, as on new axes
        land.set(xlim=(0, 1), ylim=(0, 1), xlabel="", ylabel="")
        land.text(0.5, 0.5, "choose two different parameters", ha="center", transform=land.transAxes)
        rows = None
    else:
        surface, rows = state_surface(state, a, b, landscape_values(state, a), landscape_values(state, b))
        sample = f"; a sample of {rows} of the {state.n_rows} rows" if rows < state.n_rows else ""
        landscape = plot_landscape(
            surface,
            state.trajectory(a),
            state.trajectory(b),
            ax=land,
            subtitle="darker: lower" + sample,
            drawn=before.get("landscape"),
        )
    updates, losses = zip(*state.curve)
    loss = plot_update_curve(
        updates, losses, state.n_rows, curve, state.task, state.eta, state.stopped, drawn=before.get("curve")
    )
    fit = draw_model(
        model, state.params, state.data, state.hidden, state.scaler, n=BOUNDARY_GRID, drawn=before.get("model")
    )
    ring = mark_row(model, state.data, row, drawn=before.get("ring"))
    model.set_title(f"○ row {row + 1}" + (" (the last Step)" if state.last is not None else " (the next Step)"))
    return {
        "network": network,
        "row": row,
        "landscape_rows": rows,
        "landscape": landscape,
        "curve": loss,
        "model": fit,
        "ring": ring,
    }
