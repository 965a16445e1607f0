"""Tables and equations with numbers: HTML and LaTeX text for the notebooks and the panels.

Each function takes numbers already computed (by the network math or ``lessons``) and returns a string:
``IPython.display.HTML`` or ``Math`` shows it in a notebook, an ``ipywidgets.HTML`` in a panel.
"""

from __future__ import annotations

import html
import math

import numpy as np

from .lessons import G_PRIME, derivative_formulas
from .loss_functions import naive_cross_entropy
from .network import forward, losses
from .notation import LATEX, NOTES_ORDER, UNICODE
from .params import PARAM_NAMES, as_params

# Cell padding and right-aligned numbers; inline (as a <style> scoped by class) so it works in a widget too.
TABLE_CSS = (
    "<style>table.nb-table, table.derivative-table {border-collapse: collapse; font-size: 14px}"
    " .nb-table th, .nb-table td, .derivative-table th, .derivative-table td"
    " {padding: 4px 12px; text-align: right; border-bottom: 1px solid #ddd}</style>"
)


def html_table(headers, rows, caption=None) -> str:
    """A small HTML table (numbers already formatted as strings)."""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table class='nb-table'>{TABLE_CSS}{cap}<tr>{head}</tr>{body}</table>"


def _num(v) -> str:
    """A number as the notes would write it: 88, 0.7312, -0.00336, 1.2e+04."""
    v = float(v)
    return f"{v:.6g}" if v == 0 or 1e-4 <= abs(v) < 1e7 else f"{v:.4e}"


# --- the forward pass (Step 2 and 3) --------------------------------------------------------------------------
def forward_latex(params, x, task="regression", hidden="linear") -> str:
    """Step 2 for one row, written out with numbers as LaTeX lines (display with IPython.display.Math)."""
    p = as_params(params)
    f = forward(p, x, task, hidden)
    x1, x2 = (_num(v) for v in np.asarray(x, dtype=float))
    n = {k: _num(v) for k, v in p.to_dict().items()}
    t = LATEX  # the parameters' symbols: w^1_{11}, b_{11}, ...

    def hidden_neuron(k, w_a, w_b, b):  # z_1k = w^1_1k x_i1 + w^1_2k x_i2 + b_1k, with its numbers
        return (
            rf"z_{{1{k}}} = {t[w_a]} x_{{i1}} + {t[w_b]} x_{{i2}} + {t[b]} = {x1}\cdot{n[w_a]} + "
            rf"{x2}\cdot{n[w_b]} + {n[b]} = {_num(f.z_11 if k == 1 else f.z_12)}"
        )

    lines = [hidden_neuron(1, "w1_11", "w1_21", "b_11"), hidden_neuron(2, "w1_12", "w1_22", "b_12")]
    if hidden == "linear":
        lines.append(
            rf"o_{{11}} = z_{{11}} = {_num(f.o_11)}, \quad o_{{12}} = z_{{12}} = {_num(f.o_12)}"
            r"\quad \text{(linear hidden neurons)}"
        )
    else:
        lines.append(rf"o_{{11}} = g(z_{{11}}) = {_num(f.o_11)}, \quad o_{{12}} = g(z_{{12}}) = {_num(f.o_12)}")
    output = rf"z_f = {t['w2_11']} o_{{11}} + {t['w2_21']} o_{{12}} + {t['b_21']}"
    numbers = rf"{n['w2_11']}\cdot{_num(f.o_11)} + {n['w2_21']}\cdot{_num(f.o_12)} + {n['b_21']}"
    lines.append(f"{output} = {numbers} = {_num(f.z)}")
    if task == "regression":
        lines.append(rf"\hat{{y}} = z_f = {_num(f.y_hat)}")
    else:
        lines.append(rf"\hat{{y}} = \sigma(z_f) = 1/(1 + e^{{-{_num(f.z)}}}) = {f.y_hat:.10g}")
    return r"\begin{aligned}" + r" \\ ".join(line.replace("=", "&=", 1) for line in lines) + r"\end{aligned}"


def forward_table_html(params, data, hidden="linear", scaler=None) -> str:
    """Step 2 and 3 for every row: inputs, o_11, o_12, z_f, y_hat, target and loss, then the mean loss."""
    X = data.X if scaler is None else scaler.transform(data.X)
    f = forward(params, X, data.task, hidden)
    per_row = losses(params, X, data.y, data.task, hidden)
    headers = ["row", *data.feature_names, "o₁₁", "o₁₂", "z_f", "ŷ", f"y ({data.target_name})", "loss"]
    rows = [
        [
            i + 1,
            *(_num(v) for v in data.X[i]),
            _num(f.o_11[i]),
            _num(f.o_12[i]),
            _num(f.z[i]),
            f"{f.y_hat[i]:.10g}",
            _num(data.y[i]),
            _num(per_row[i]),
        ]
        for i in range(len(data.y))
    ]
    rows.append(["mean", "", "", "", "", "", "", "", f"<b>{_num(per_row.mean())}</b>"])
    return html_table(headers, rows)


def data_table_html(data) -> str:
    """The dataset as the notes print it: row, the two inputs and the target."""
    headers = ["row", f"{data.feature_names[0]} = x_i1", f"{data.feature_names[1]} = x_i2", f"{data.target_name} = y"]
    rows = [[i + 1, *(_num(v) for v in x), _num(t)] for i, (x, t) in enumerate(zip(data.X, data.y))]
    return html_table(headers, rows)


# --- the loss, two ways (notebook 03) -------------------------------------------------------------------------
def describe_loss(value: float) -> str:
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
        [
            i + 1,
            f"{data.y[i]:g}",
            f"{f.z[i]:.6g}",
            f"{f.y_hat[i]:.10g}",
            f"{1.0 - f.y_hat[i]:.6g}",
            describe_loss(naive[i]),
            f"{stable[i]:.6g}",
        ]
        for i in range(len(data.y))
    ]
    rows.append(["mean", "", "", "", "", describe_loss(float(np.mean(naive))), f"<b>{stable.mean():.6g}</b>"])
    return html_table(header, rows)


# --- the derivatives and one step (Step 4) -------------------------------------------------------------------
def derivative_table_html(rows) -> str:
    """The rows of ``derivative_rows`` as an HTML table (used by the live panel and printed statically)."""
    head = (
        "<tr><th>derivative</th><th>factors (chain rule)</th><th>product</th>"
        "<th>central difference</th><th>relative error</th></tr>"
    )
    body = []
    for r in rows:
        parts = " × ".join(f"<span title='{html.escape(lbl)}'>({v:.6g})</span>" for lbl, v in r["factors"])
        labels = "<br>".join(html.escape(lbl) for lbl, _ in r["factors"])
        body.append(
            f"<tr><td><b>{r['symbol']}</b></td><td><small>{labels}</small><br>{parts}</td>"
            f"<td><b>{r['product']:.8g}</b></td><td>{r['numerical']:.8g}</td><td>{r['rel_error']:.1e}</td></tr>"
        )
    style = "border-collapse:collapse;font-size:14px"
    return f"<table style='{style}' class='derivative-table'>{head}{''.join(body)}</table>"


def step_table_html(rows, eta) -> str:
    """The rows of ``step_rows`` as an HTML table: before, derivative, change, after."""
    L = "L" if not rows or rows[0].get("task", "regression") == "regression" else "J"
    headers = ["parameter θ", "before: θ_old", f"∂{L}/∂θ_old", f"change: −η ∂{L}/∂θ (η = {eta:g})", "after: θ_new"]
    body = [
        [
            f"<b>{html.escape(r['symbol'])}</b>",
            f"{r['before']:.8g}",
            f"{r['grad']:.8g}",
            f"{r['change']:+.8g}",
            f"<b>{r['after']:.8g}</b>",
        ]
        for r in rows
    ]
    return html_table(headers, body)


def step_record_html(record, eta, task="regression") -> str:
    """What one playground Step did (a ``playground.StepRecord``): the row, its loss before and after, and the
    nine parameters before, their derivatives on the row, and after, in the notes' order."""
    rows = [
        {
            "symbol": UNICODE[name],
            "before": record.before[i],
            "grad": record.grads[i],
            "change": record.after[i] - record.before[i],
            "after": record.after[i],
            "task": task,
        }
        for name in NOTES_ORDER
        for i in [PARAM_NAMES.index(name)]
    ]
    L = "L" if task == "regression" else "J"
    head = (
        f"<b>Step on row {record.row + 1}</b>: the row's loss {L} went from {record.loss_before:.6g} to "
        f"{record.loss_after:.6g}"
    )
    return f"<div class='step-table'>{head}{step_table_html(rows, eta)}</div>"


def formula_box_html(hidden="linear") -> str:
    """The formulas of ``derivative_formulas`` laid out by neuron, in unicode (no LaTeX needed in a widget)."""
    f = derivative_formulas(hidden)
    groups = (("output neuron", f[0:3]), ("hidden neuron 1", f[3:6]), ("hidden neuron 2", f[6:9]))
    cells = "".join(
        f"<td style='padding:0 14px;vertical-align:top'><b>{label}</b><br>"
        + "<br>".join(f"{html.escape(s)} = {html.escape(v)}" for s, v in items)
        + "</td>"
        for label, items in groups
    )
    head = f"∂J/∂z_f = −(y − ŷ) (the sigmoid's ŷ(1 − ŷ) cancels); hidden {html.escape(G_PRIME[hidden])}"
    return f"<div class='formula-box' style='font-size:14px'><div>{head}</div><table><tr>{cells}</tr></table></div>"
