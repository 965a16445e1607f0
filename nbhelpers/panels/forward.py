"""The forward-pass panel (notebooks 01 and 03): nine parameter sliders; the per-row losses and the model follow."""

from __future__ import annotations

import ipywidgets as widgets

from ..params import Params
from ..plots import draw_model, loss_bars, panel_figure, wipe
from .base import FigureView, Panel, check_rows
from .controls import ParamControls


class ForwardPanel(Panel):
    """Nine parameter sliders and the presets; the fit (or boundary) and the per-row losses follow them."""

    DESCRIPTION = "forward-pass panel (nine parameter sliders, the fit and the losses)"

    def __init__(self, data, params=None, hidden="linear"):
        super().__init__()
        check_rows(data)
        self.data, self.hidden = data, hidden
        self.params_ui = ParamControls(params or Params.notes_init(), title="parameters")
        self.controls = dict(self.params_ui.sliders)
        self.view = FigureView(panel_figure(2, (13, 4.5))[0])
        self._wire_params(self.params_ui)
        self.widget = widgets.VBox([self.params_ui.box, self.view.box, self._caption()])
        self.redraw()

    def draw(self):
        left, right = self.figure.axes
        wipe(left)
        wipe(right)
        p = self.params_ui.params()
        loss_bars(p, self.data, self.hidden, ax=left)
        draw_model(right, p, self.data, self.hidden)  # right: its legend goes in the margin beside it
