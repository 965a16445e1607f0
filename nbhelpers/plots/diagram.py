"""The 2-2-1 network drawn as a labelled diagram (each edge carries its symbol and, on request, its value), and the
path a derivative travels back along, from the loss to a parameter."""

from __future__ import annotations

import math

from matplotlib.lines import Line2D
from matplotlib.patches import Circle

from ..lessons import PATH
from ..notation import MATHTEXT
from ..params import Params, as_params
from .axes import axes_or_new
from .style import COLORS

# node -> (x, y, label); inputs on the left, the output on the right, as the notes draw it
NODES = {
    "x1": (0.0, 0.78, "$x_{i1}$\niq"),
    "x2": (0.0, 0.22, "$x_{i2}$\ncgpa"),
    "h1": (1.0, 0.78, "$o_{11}$"),
    "h2": (1.0, 0.22, "$o_{12}$"),
    "out": (2.0, 0.5, r"$\hat{y}$"),
}
# parameter -> (from, to, where along the edge its label sits, vertical offset of the label)
EDGES = {
    "w1_11": ("x1", "h1", 0.5, 0.06),
    "w1_21": ("x2", "h1", 0.3, 0.0),
    "w1_12": ("x1", "h2", 0.3, 0.0),
    "w1_22": ("x2", "h2", 0.5, -0.06),
    "w2_11": ("h1", "out", 0.5, 0.07),
    "w2_21": ("h2", "out", 0.5, -0.07),
}
BIASES = {"b_11": "h1", "b_12": "h2", "b_21": "out"}
RADIUS = 0.13


def draw_network(params: Params | None = None, ax=None, task="regression", hidden="linear"):
    """Draw the network. With ``params``, each symbol is followed by its current value."""
    ax = axes_or_new(ax, figsize=(9, 5))
    p = None if params is None else as_params(params)

    def label(name):
        return MATHTEXT[name] + ("" if p is None else f" = {getattr(p, name):.3g}")

    drawn = {"edges": {}, "nodes": {}, "labels": {}, "symbols": {}, "headers": []}
    for name, (a, b, t, dy) in EDGES.items():
        (x0, y0), (x1, y1) = NODES[a][:2], NODES[b][:2]
        length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
        ux, uy = (x1 - x0) / length, (y1 - y0) / length  # start and end on the circles' rims
        drawn["edges"][name] = ax.annotate(
            "",
            xy=(x1 - RADIUS * ux, y1 - RADIUS * uy),
            xytext=(x0 + RADIUS * ux, y0 + RADIUS * uy),
            arrowprops={"arrowstyle": "-|>", "color": "#555555", "lw": 1.6, "shrinkA": 0, "shrinkB": 0},
        )
        lx, ly = x0 + t * (x1 - x0), y0 + t * (y1 - y0) + dy
        drawn["labels"][name] = ax.text(
            lx,
            ly,
            label(name),
            ha="center",
            va="center",
            fontsize=14,
            bbox={"fc": "white", "ec": "none", "alpha": 0.9, "pad": 1},
        )
    colors = {"x1": "#dddddd", "x2": "#dddddd", "h1": COLORS["h1"], "h2": COLORS["h2"], "out": COLORS["out"]}
    for key, (x, y, text) in NODES.items():
        drawn["nodes"][key] = ax.add_patch(Circle((x, y), RADIUS, fc=colors[key], ec="k", lw=1.5, alpha=0.9))
        drawn["symbols"][key] = ax.text(
            x, y, text, ha="center", va="center", fontsize=15, color="k" if key.startswith("x") else "white"
        )
    for name, node in BIASES.items():
        x, y, _ = NODES[node]
        drawn["labels"][name] = ax.text(x, y - RADIUS - 0.05, "+ " + label(name), ha="center", va="top", fontsize=13)
    g = "linear: o = z" if hidden == "linear" else f"g = {hidden}"
    out = r"$\hat{y} = z_f$" if task == "regression" else r"$\hat{y} = \sigma(z_f)$"
    for x, text in ((0.0, "input layer"), (1.0, f"hidden layer\n({g})"), (2.0, f"output layer\n({out})")):
        drawn["headers"].append(ax.text(x, 1.02, text, ha="center", va="bottom", fontsize=13, color="#444444"))
    ax.set_xlim(-0.3, 2.3)
    ax.set_ylim(-0.05, 1.18)
    ax.set_aspect("equal")
    ax.axis("off")
    return drawn


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
    ax.annotate(
        "",
        xy=(x + 0.5, y),
        xytext=(x + RADIUS, y),
        arrowprops={"arrowstyle": "-|>", "color": HIGHLIGHT, "lw": 3.5, "shrinkA": 0, "shrinkB": 0},
    )
    ax.text(x + 0.58, y, "$L$", ha="left", va="center", fontsize=18, color=HIGHLIGHT)
    ax.set_xlim(-0.3, 2.85)
    if title:
        ax.set_title(title)
    return {**drawn, "highlighted": {"edges": edges, "labels": list(names)}}


POSITIVE, NEGATIVE = "#1f77b4", "#e6550d"  # edge colours: the sign of a weight


def plot_live_network(params, values, ax=None, task="regression", hidden="linear", names=("iq", "cgpa")):
    """The network with each edge coloured by the sign of its weight and as wide as its size, and each node showing
    its value for one row: ``values`` maps "x1", "x2", "h1", "h2", "out" to numbers (inputs as the network sees
    them, hidden outputs, ŷ); ``names``: the two input columns.

    Everything but the edges and the values is marked ``gid="frame"``: a panel's renderer draws it once and keeps
    it. So the names sit beside the edges, not on them (an edge is drawn over what is part of the frame). A panel
    draws it once and moves it on with ``update_live_network``."""
    ax = axes_or_new(ax, figsize=(9, 5))
    drawn = draw_network(ax=ax, task=task, hidden=hidden)
    for name, (a, b, t, dy) in EDGES.items():  # each name beside its edge, on the side its offset points to
        (x0, y0), (x1, y1) = NODES[a][:2], NODES[b][:2]
        length = math.hypot(x1 - x0, y1 - y0)
        nx, ny = -(y1 - y0) / length, (x1 - x0) / length  # a unit normal, pointing up-left
        side = 1.0 if dy > 0 or (dy == 0 and y1 < y0) else -1.0  # the two crossing edges: away from each other
        label = drawn["labels"][name]
        label.set_position((x0 + t * (x1 - x0) + side * 0.08 * nx, y0 + t * (y1 - y0) + side * 0.08 * ny))
        label.set_bbox(None)
        label.set_fontsize(13)
    for key in ("x1", "x2"):
        drawn["symbols"][key].set_text(NODES[key][2].split("\n")[0])  # the symbol; the column's name is by its value
    drawn["values"] = {}
    for key in NODES:
        x, y, _ = NODES[key]
        at = (
            (x - RADIUS - 0.03, y, "right", "center")
            if key.startswith("x")
            else (x, y + RADIUS + 0.02, "center", "bottom")
        )
        drawn["values"][key] = ax.text(at[0], at[1], "", ha=at[2], va=at[3], fontsize=12, fontweight="bold")
    key = [
        Line2D([], [], color=POSITIVE, lw=4, label="w > 0"),
        Line2D([], [], color=NEGATIVE, lw=4, label="w < 0"),
        Line2D([], [], color="#777777", lw=7.8, label="width ∝ |w|"),
    ]
    drawn["key"] = ax.legend(
        handles=key, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncols=3, fontsize=11, frameon=False
    )
    static = [*drawn["nodes"].values(), *drawn["labels"].values(), *drawn["symbols"].values(), *drawn["headers"]]
    for artist in [*static, drawn["key"]]:
        artist.set_gid("frame")
    drawn["names"] = tuple(names)
    ax.set_xlim(-0.55, 2.3)
    return update_live_network(drawn, params, values)


def update_live_network(drawn, params, values):
    """Restyle a drawn ``plot_live_network`` for new parameters and node values (nothing is created)."""
    p = as_params(params)
    weights = {name: getattr(p, name) for name in EDGES}
    biggest = max((abs(w) for w in weights.values() if math.isfinite(w)), default=0.0) or 1.0
    for name, w in weights.items():
        arrow = drawn["edges"][name].arrow_patch
        arrow.set_color(POSITIVE if w >= 0 else NEGATIVE)
        arrow.set_linewidth(0.8 + 7.0 * min(abs(w) / biggest, 1.0) if math.isfinite(w) else 0.8)
    for key, value in values.items():
        text = f"{value:.3g}" if math.isfinite(value) else str(value)
        if key.startswith("x"):
            text = f"{drawn['names'][int(key[1]) - 1]}\n{text}"
        drawn["values"][key].set_text(text)
    drawn["biggest"] = biggest
    return drawn
