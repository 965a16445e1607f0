"""Pure plot functions: each takes ``ax=None`` (a new pyplot figure then), draws, and returns what it drew.

They compute nothing of their own beyond what a picture needs: the numbers come from the network math and from
``nbhelpers.lessons``. A static figure in a notebook and a live panel (``nbhelpers.panels``, which draws on
pyplot-free figures) call the same functions, so both show the same picture.

=================  ==========================================================================================
module             what it draws
=================  ==========================================================================================
``style``          the classroom style (big fonts) and the colours every figure uses
``axes``           shared pieces: new axes, the legend's place, stepped limits, plain-text log ticks, ``wipe``
``model``          the model against the data: fit, decision boundary (also as small multiples), losses per row
``training``       loss curves, parameters over the epochs, the learning-rate and symmetry lessons
``gradients``      the nine derivatives of one row beside their central differences
``diagram``        the network with its symbols (and values), and the path of a derivative through it
=================  ==========================================================================================
"""

from .axes import (
    LEGEND,
    MANY_ROWS,
    axes_or_new,
    label_for,
    nice_limits,
    panel_figure,
    points,
    power_of_ten_label,
    round_up,
    say,
    steady_limits,
    use_log_scale,
    wipe,
)
from .diagram import draw_network, plot_path
from .gradients import plot_gradient_bars
from .model import (
    draw_model,
    loss_bars,
    plot_boundary_gallery,
    plot_boundary_snapshots,
    plot_decision_boundary,
    plot_fit,
    plot_sigmoid,
    trend,
)
from .style import COLORS, use_notebook_style
from .training import (
    divergence_message,
    plot_eta_sweep,
    plot_loss_comparison,
    plot_loss_curve,
    plot_symmetry,
    plot_trajectories,
    plot_update_losses,
)

__all__ = [
    "COLORS",
    "LEGEND",
    "MANY_ROWS",
    "axes_or_new",
    "divergence_message",
    "draw_model",
    "draw_network",
    "label_for",
    "loss_bars",
    "nice_limits",
    "steady_limits",
    "panel_figure",
    "plot_boundary_gallery",
    "plot_boundary_snapshots",
    "plot_decision_boundary",
    "plot_eta_sweep",
    "plot_fit",
    "plot_gradient_bars",
    "plot_loss_comparison",
    "plot_loss_curve",
    "plot_path",
    "plot_sigmoid",
    "plot_symmetry",
    "plot_trajectories",
    "plot_update_losses",
    "points",
    "power_of_ten_label",
    "round_up",
    "say",
    "trend",
    "use_log_scale",
    "use_notebook_style",
    "wipe",
]
