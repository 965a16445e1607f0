"""The gradient panel (notebooks 02 and 04): a row and nine parameter sliders; every factor of the nine derivatives,
live, beside central differences."""

from __future__ import annotations

import ipywidgets as widgets

from ..lessons import derivative_rows
from ..params import Params
from ..plots import panel_figure, plot_gradient_bars, wipe
from ..tables import derivative_table_html
from .base import FigureView, Panel, check_rows
from .controls import STYLE, ParamControls


class GradientPanel(Panel):
    """A row selector and the nine parameter sliders: every factor of the nine derivatives, live, with a check."""

    DESCRIPTION = "gradient panel (a row, nine parameter sliders; every factor of the nine derivatives)"
    BUTTON_ROWS = 8  # up to this many rows, one button per row; beyond, a slider

    def __init__(self, data, params=None, hidden="linear", row=0):
        super().__init__()
        check_rows(data)
        self.data, self.hidden = data, hidden
        n = len(data.y)
        if n <= self.BUTTON_ROWS:
            self.row = widgets.ToggleButtons(
                options=[(f"row {i + 1}", i) for i in range(n)],
                value=row,
                description="row",
                style={"button_width": "70px"},
            )
        else:  # the value is the 0-based index, as for the buttons; the readout shows the row number
            self.row = widgets.IntSlider(
                value=row,
                min=0,
                max=n - 1,
                description="row index",
                style=STYLE,
                continuous_update=True,
                layout=widgets.Layout(width="420px"),
            )
        self.params_ui = ParamControls(params or Params.notes_init(), title="parameters")
        self.controls = {"row": self.row, **self.params_ui.sliders}
        self._watch([self.row])
        self._wire_params(self.params_ui)
        self.table = widgets.HTML()
        self.view = FigureView(panel_figure(1, (13, 3.6))[0])
        self.widget = widgets.VBox([self.row, self.params_ui.box, self.table, self.view.box, self._caption()])
        self.rows = None
        self.redraw()

    def draw(self):
        i = self.row.value
        self.rows = derivative_rows(
            self.params_ui.params(), self.data.X[i], float(self.data.y[i]), self.data.task, self.hidden
        )
        self.show_text(self.table, derivative_table_html(self.rows))
        (ax,) = self.figure.axes
        wipe(ax)
        return plot_gradient_bars(self.rows, ax=ax)
