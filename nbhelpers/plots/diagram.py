"""The 2-2-1 network drawn as a labelled diagram (each edge carries its symbol and, on request, its value), and the
path a derivative travels back along, from the loss to a parameter."""

from __future__ import annotations

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

    drawn = {"edges": {}, "nodes": {}, "labels": {}}
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
        ax.text(x, y, text, ha="center", va="center", fontsize=15, color="k" if key.startswith("x") else "white")
    for name, node in BIASES.items():
        x, y, _ = NODES[node]
        drawn["labels"][name] = ax.text(x, y - RADIUS - 0.05, "+ " + label(name), ha="center", va="top", fontsize=13)
    g = "linear: o = z" if hidden == "linear" else f"g = {hidden}"
    out = r"$\hat{y} = z_f$" if task == "regression" else r"$\hat{y} = \sigma(z_f)$"
    for x, text in ((0.0, "input layer"), (1.0, f"hidden layer\n({g})"), (2.0, f"output layer\n({out})")):
        ax.text(x, 1.02, text, ha="center", va="bottom", fontsize=13, color="#444444")
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
