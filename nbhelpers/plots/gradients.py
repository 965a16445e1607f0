"""The nine derivatives of one row as bars, beside their central-difference estimates."""

from __future__ import annotations

import numpy as np

from .axes import LEGEND, axes_or_new, nice_limits, use_log_scale


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
