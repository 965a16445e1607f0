"""Numbers for the story: every factor of every chain-rule product, beside a central-difference check.

``derivative_rows`` lays each of the nine derivatives out as the notes do (in the notes' order: output layer,
hidden neuron 1, hidden neuron 2), with the value of each factor. The product of the factors is checked
against ``gradients`` (the one implementation of the derivatives) in the tests, and against central
differences in the table itself.
"""

from __future__ import annotations

import html

import numpy as np

from .activations import ACTIVATIONS
from .backprop import gradients, numerical_gradients, relative_error
from .network import forward
from .params import PARAM_NAMES, as_params
from .validate import check_hidden, check_task

# Cell padding and right-aligned numbers; inline (as a <style> scoped by class) so it works in a widget too.
TABLE_CSS = ("<style>table.nb-table, table.derivative-table {border-collapse: collapse; font-size: 14px}"
             " .nb-table th, .nb-table td, .derivative-table th, .derivative-table td"
             " {padding: 4px 12px; text-align: right; border-bottom: 1px solid #ddd}</style>")  # fmt: skip
NOTES_ORDER = ("w2_11", "w2_21", "b_21", "w1_11", "w1_21", "b_11", "w1_12", "w1_22", "b_12")
SYMBOL = {  # unicode, for tables and widget labels
    "w1_11": "w¹₁₁", "w1_21": "w¹₂₁", "w1_12": "w¹₁₂", "w1_22": "w¹₂₂",
    "b_11": "b₁₁", "b_12": "b₁₂", "w2_11": "w²₁₁", "w2_21": "w²₂₁", "b_21": "b₂₁",
}  # fmt: skip
LATEX = {
    "w1_11": "w^1_{11}", "w1_21": "w^1_{21}", "w1_12": "w^1_{12}", "w1_22": "w^1_{22}",
    "b_11": "b_{11}", "b_12": "b_{12}", "w2_11": "w^2_{11}", "w2_21": "w^2_{21}", "b_21": "b_{21}",
}  # fmt: skip


def derivative_rows(params, x, y, task, hidden="linear"):
    """For one row x = (iq, cgpa), the nine derivatives: factors (label, value), product, check.

    Returns a list of dicts in the notes' order with keys ``name``, ``factors``, ``product``,
    ``numerical`` and ``rel_error``.
    """
    p = as_params(params)
    check_task(task)
    act = ACTIVATIONS[check_hidden(hidden)]
    f = forward(p, x, task, hidden)
    x1, x2 = float(np.asarray(x)[0]), float(np.asarray(x)[1])
    L = "L" if task == "regression" else "J"
    if task == "regression":
        first = (f"∂L/∂ŷ = −2(y − ŷ) = −2({y:g} − {f.y_hat:.6g})", -2.0 * (y - f.y_hat))
    else:
        first = (f"∂J/∂z_f = −(y − ŷ) = −({y:g} − {f.y_hat:.6g})", -(y - f.y_hat))
    zf = "ŷ" if task == "regression" else "z_f"
    factors = {
        "w2_11": [first, (f"∂{zf}/∂w²₁₁ = o₁₁", f.o_11)],
        "w2_21": [first, (f"∂{zf}/∂w²₂₁ = o₁₂", f.o_12)],
        "b_21": [first, (f"∂{zf}/∂b₂₁ = 1", 1.0)],
    }
    for k, o, w2, (wa, wb, b) in ((1, "o₁₁", "w²₁₁", ("w1_11", "w1_21", "b_11")),
                                  (2, "o₁₂", "w²₂₁", ("w1_12", "w1_22", "b_12"))):  # fmt: skip
        z_k = f.z_11 if k == 1 else f.z_12
        path = [first, (f"∂{zf}/∂{o} = {w2}", p.w2_11 if k == 1 else p.w2_21)]
        if act.name != "linear":
            path.append((f"∂{o}/∂z₁{'₁' if k == 1 else '₂'} = g′(z) ({act.name})", float(act.g_prime(z_k))))
        tail = "z₁" + ("₁" if k == 1 else "₂") if act.name != "linear" else o
        factors[wa] = path + [(f"∂{tail}/∂{SYMBOL[wa]} = x_i1", x1)]
        factors[wb] = path + [(f"∂{tail}/∂{SYMBOL[wb]} = x_i2", x2)]
        factors[b] = path + [(f"∂{tail}/∂{SYMBOL[b]} = 1", 1.0)]
    analytic = gradients(p, x, y, task, hidden)
    numeric = numerical_gradients(p, x, y, task, hidden)
    rows = []
    for name in NOTES_ORDER:
        i = PARAM_NAMES.index(name)
        product = float(np.prod([v for _, v in factors[name]]))
        rows.append({
            "name": name, "symbol": f"∂{L}/∂{SYMBOL[name]}", "factors": factors[name], "product": product,
            "analytic": analytic[i], "numerical": numeric[i],
            "rel_error": float(relative_error(analytic[i], numeric[i])),
        })  # fmt: skip
    return rows


def derivative_table_html(rows) -> str:
    """The rows of ``derivative_rows`` as an HTML table (used by the live panel and printed statically)."""
    head = ("<tr><th>derivative</th><th>factors (chain rule)</th><th>product</th>"
            "<th>central difference</th><th>relative error</th></tr>")  # fmt: skip
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


def _num(v) -> str:
    """A number as the notes would write it: 88, 0.7312, -0.00336, 1.2e+04."""
    v = float(v)
    return f"{v:.6g}" if v == 0 or 1e-4 <= abs(v) < 1e7 else f"{v:.4e}"


def forward_latex(params, x, task="regression", hidden="linear") -> str:
    """Step 2 for one row, written out with numbers as LaTeX lines (display with IPython.display.Math)."""
    p = as_params(params)
    f = forward(p, x, task, hidden)
    x1, x2 = (_num(v) for v in np.asarray(x, dtype=float))
    n = {k: _num(v) for k, v in p.to_dict().items()}
    lines = [
        rf"z_{{11}} = w^1_{{11}} x_{{i1}} + w^1_{{21}} x_{{i2}} + b_{{11}} = {x1}\cdot{n['w1_11']} + "
        rf"{x2}\cdot{n['w1_21']} + {n['b_11']} = {_num(f.z_11)}",
        rf"z_{{12}} = w^1_{{12}} x_{{i1}} + w^1_{{22}} x_{{i2}} + b_{{12}} = {x1}\cdot{n['w1_12']} + "
        rf"{x2}\cdot{n['w1_22']} + {n['b_12']} = {_num(f.z_12)}",
    ]
    if hidden == "linear":
        lines.append(rf"o_{{11}} = z_{{11}} = {_num(f.o_11)}, \quad o_{{12}} = z_{{12}} = {_num(f.o_12)}"
                     r"\quad \text{(linear hidden neurons)}")  # fmt: skip
    else:
        lines.append(rf"o_{{11}} = g(z_{{11}}) = {_num(f.o_11)}, \quad o_{{12}} = g(z_{{12}}) = {_num(f.o_12)}")
    lines.append(rf"z_f = w^2_{{11}} o_{{11}} + w^2_{{21}} o_{{12}} + b_{{21}} = {n['w2_11']}\cdot{_num(f.o_11)} + "
                 rf"{n['w2_21']}\cdot{_num(f.o_12)} + {n['b_21']} = {_num(f.z)}")  # fmt: skip
    if task == "regression":
        lines.append(rf"\hat{{y}} = z_f = {_num(f.y_hat)}")
    else:
        lines.append(rf"\hat{{y}} = \sigma(z_f) = 1/(1 + e^{{-{_num(f.z)}}}) = {f.y_hat:.10g}")
    return r"\begin{aligned}" + r" \\ ".join(line.replace("=", "&=", 1) for line in lines) + r"\end{aligned}"


def html_table(headers, rows, caption=None) -> str:
    """A small HTML table (numbers already formatted as strings)."""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table class='nb-table'>{TABLE_CSS}{cap}<tr>{head}</tr>{body}</table>"


def forward_table_html(params, data, hidden="linear", scaler=None) -> str:
    """Step 2 and 3 for every row: inputs, o_11, o_12, z_f, y_hat, target and loss, then the mean loss."""
    from .network import losses

    X = data.X if scaler is None else scaler.transform(data.X)
    f = forward(params, X, data.task, hidden)
    per_row = losses(params, X, data.y, data.task, hidden)
    headers = ["row", *data.feature_names, "o₁₁", "o₁₂", "z_f", "ŷ", f"y ({data.target_name})", "loss"]
    rows = [
        [i + 1, *(_num(v) for v in data.X[i]), _num(f.o_11[i]), _num(f.o_12[i]), _num(f.z[i]),
         f"{f.y_hat[i]:.10g}", _num(data.y[i]), _num(per_row[i])]
        for i in range(len(data.y))
    ]  # fmt: skip
    rows.append(["mean", "", "", "", "", "", "", "", f"<b>{_num(per_row.mean())}</b>"])
    return html_table(headers, rows)


def data_table_html(data) -> str:
    """The dataset as the notes print it: row, the two inputs and the target."""
    headers = ["row", f"{data.feature_names[0]} = x_i1", f"{data.feature_names[1]} = x_i2", f"{data.target_name} = y"]
    rows = [[i + 1, *(_num(v) for v in x), _num(t)] for i, (x, t) in enumerate(zip(data.X, data.y))]
    return html_table(headers, rows)


# --- Step 4: one update with numbers ----------------------------------------------------------------------------
def step_rows(params, x, y, eta, task="regression", hidden="linear"):
    """One SGD step on one row, parameter by parameter, in the notes' order.

    theta_new = theta_old - eta * dL/dtheta_old, with all nine derivatives from the same forward pass.
    Returns a list of dicts with keys ``name``, ``symbol``, ``before``, ``grad``, ``change`` and ``after``.
    """
    from .training import sgd_step

    p = as_params(params)
    grads = gradients(p, x, y, task, hidden)  # the nine derivatives, one forward pass
    new = sgd_step(p, x, y, eta, task, hidden)  # all nine updates together
    rows = []
    for name in NOTES_ORDER:
        i = PARAM_NAMES.index(name)
        rows.append({"name": name, "symbol": SYMBOL[name], "before": p[i], "grad": grads[i],
                     "change": -eta * grads[i], "after": new[i], "task": task})  # fmt: skip
    return rows


def step_table_html(rows, eta) -> str:
    """The rows of ``step_rows`` as an HTML table: before, derivative, change, after."""
    L = "L" if not rows or rows[0].get("task", "regression") == "regression" else "J"
    headers = ["parameter θ", "before: θ_old", f"∂{L}/∂θ_old", f"change: −η ∂{L}/∂θ (η = {eta:g})", "after: θ_new"]
    body = [[f"<b>{html.escape(r['symbol'])}</b>", f"{r['before']:.8g}", f"{r['grad']:.8g}", f"{r['change']:+.8g}",
             f"<b>{r['after']:.8g}</b>"] for r in rows]  # fmt: skip
    return html_table(headers, body)
