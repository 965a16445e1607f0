"""Training panels: the training panel (η, epochs, initial parameters, standardise; notebooks 02 and 04), its
classification variant with the nine formulas, and the epoch scrubber that replays one recorded run."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..data import scaled_inputs
from ..params import Params
from ..plots import draw_model, panel_figure, plot_decision_boundary, plot_loss_curve
from ..tables import formula_box_html
from ..training import train
from ..validate import HIDDEN
from .base import FigureView, Panel, check_rows
from .controls import STYLE, ParamControls, WholeNumberBox, eta_notches, eta_slider

UPDATE_BUDGET = 30_000  # the epochs slider stops where epochs x rows (per-sample updates per redraw) would pass this


class TrainingPanel(Panel):
    """η, epochs, initial parameters, standardise (and for classification the hidden activation):
    the loss curve and the fit (or boundary) of per-sample SGD redraw on every change."""

    DESCRIPTION = "training panel (η, epochs, initial parameters; the loss curve and the fit)"

    def __init__(
        self,
        data,
        eta=1e-5,
        epochs=100,
        params=None,
        eta_range=(-6, 0),
        max_epochs=500,
        hidden="linear",
        hidden_choice=False,
        standardise=False,
    ):
        super().__init__()
        check_rows(data)
        self.data = data
        # per-sample SGD makes epochs x rows updates: keep a redraw quick on a learner's larger dataset
        budget = max(1, UPDATE_BUDGET // len(data.y))
        max_epochs = min(max_epochs, budget)
        reason = f"{len(data.y)} rows: at most {max_epochs} epochs keep the panel quick" if budget < 500 else ""
        self.eta = eta_slider(eta, *eta_range)
        self.epochs = widgets.IntSlider(
            value=min(epochs, max_epochs),
            min=1,
            max=max_epochs,
            step=1,
            description="epochs",
            continuous_update=True,
            readout=False,
            style=STYLE,
            layout=widgets.Layout(width="330px"),
        )
        self.epochs_box = WholeNumberBox(
            self.epochs.value,
            1,
            max_epochs,
            "epochs",
            width="80px",
            clip_reason=reason or f"this panel trains at most {max_epochs} epochs; nb.train runs longer",
        )
        self.epochs_box.on_change(lambda n: setattr(self.epochs, "value", n))
        self.epochs.observe(lambda change: self.epochs_box.show(change["new"]), names="value")
        self.standardise = widgets.Checkbox(value=standardise, description="standardise inputs", indent=False)
        self.hidden = widgets.Dropdown(
            options=list(HIDDEN), value=hidden, description="hidden g", style=STYLE, layout={"width": "200px"}
        )
        self.params_ui = ParamControls(params or Params.notes_init())
        choices = {"hidden": self.hidden} if hidden_choice else {}
        self.controls = {
            "eta": self.eta,
            "epochs": self.epochs,
            "standardise": self.standardise,
            **choices,
            **self.params_ui.sliders,
        }
        self._watch([self.eta, self.epochs, self.standardise, *choices.values()])
        self._wire_params(self.params_ui)
        self.view = FigureView(panel_figure(2, (13, 4.5))[0])
        epochs_row = widgets.HBox([self.epochs, self.epochs_box.text, self.epochs_box.note])
        top = [self.standardise] + ([self.hidden] if hidden_choice else [])
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.eta]),
                epochs_row,
                widgets.HBox(top),
                self.params_ui.box,
                self.view.box,
                self._caption(),
            ]
        )
        self.history = None
        self._drawn = None  # the artists of the last draw, moved by the next (plots' ``drawn``)
        self.follow_page()  # then ``idle`` draws the next notches of η ahead
        self.redraw()

    def compute(self, eta=None):
        """Train with the current controls (a pure call to ``train``); ``eta``: another η than the slider's."""
        X, scaler = scaled_inputs(self.data.X, self.standardise.value)
        history = train(
            X,
            self.data.y,
            self.data.task,
            self.params_ui.params(),
            self.eta.value if eta is None else eta,
            self.epochs.value,
            hidden=self.hidden.value,
            progress=False,
        )
        return history, scaler

    def likely_next(self) -> list:
        """η one notch up and one down (an arrow key moves one; a slow drag passes through them), the rest as it
        is. The one the learner came from is usually still kept (``Panel.redraw``): one is drawn per move."""
        settings = self.settings()
        return [
            (tuple(dict(settings, eta=eta).items()), lambda eta=eta: self.draw(eta)) for eta in eta_notches(self.eta)
        ]

    def draw(self, eta=None):
        """Train, then draw the loss curve and the model in place (the artists of the last draw move); ``eta``:
        another η than the slider's."""
        self.history, scaler = self.compute(eta)
        left, right = self.figure.axes
        before = self._drawn or {}
        loss = plot_loss_curve(self.history, ax=left, drawn=before.get("loss"))
        drawn = draw_model(right, self.history.final, self.data, self.history.hidden, scaler, drawn=before.get("model"))
        self._drawn = {"loss": loss, "model": drawn}
        title = f"after epoch {self.history.final_epoch}"
        if self.history.diverged_at:  # (diverged at 0: the initial parameters are all there is)
            title += ", where the run stopped"
        if self.data.task == "classification" and drawn["boundary"] is None:
            title += "\nno ŷ = 0.5 line in view"
        right.set_title(title)
        return drawn


class ClassificationTrainingPanel(TrainingPanel):
    """``TrainingPanel`` for classification, with a box of the nine formulas that follows the hidden activation."""

    DESCRIPTION = "training panel (η, epochs, hidden activation, initial parameters; the loss and the boundary)"

    def __init__(self, data, eta=1e-3, eta_range=(-6, 1), hidden="linear", **options):
        """``options``: those of ``TrainingPanel`` (epochs, params, max_epochs, standardise)."""
        self.formulas = widgets.HTML(formula_box_html(hidden))  # before super(): its first redraw updates it
        super().__init__(data, eta=eta, eta_range=eta_range, hidden=hidden, hidden_choice=True, **options)
        children = list(self.widget.children)
        self.widget.children = children[:-2] + [self.formulas] + children[-2:]  # formulas just above the figure

    def draw(self, eta=None):
        self.show_text(self.formulas, formula_box_html(self.hidden.value))
        return super().draw(eta)


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
        self.epoch = widgets.IntSlider(
            value=min(epoch, last),
            min=0,
            max=last,
            step=history.stride,
            description="epoch",
            continuous_update=True,
            style=STYLE,
            layout=widgets.Layout(width="520px"),
        )
        self.controls = {"epoch": self.epoch}
        self._watch([self.epoch])
        self.view = FigureView(panel_figure(2, (13, 4.5))[0])
        left, _ = self.figure.axes
        plot_loss_curve(history, ax=left)  # drawn once; only the marker moves
        (self.marker,) = left.plot([0], [history.losses[0]], "o", color="k", markersize=11, zorder=4)
        self.widget = widgets.VBox([self.epoch, self.view.box, self._caption()])
        self._drawn = None  # the boundary's artists of the last draw, moved by the next
        self.redraw()

    def draw(self):
        i = int(np.searchsorted(self.history.recorded, self.epoch.value, side="right")) - 1  # the record at or before
        k = int(self.history.recorded[i])
        params, J = self.history.params[i], float(self.history.losses[i])  # replay: index the record
        self.marker.set_data([k], [J])
        right = self.figure.axes[1]
        names = (*self.data.feature_names, self.data.target_name)
        self._drawn = plot_decision_boundary(
            params, self.data.X, self.data.y, self.history.hidden, self.scaler, ax=right, names=names, drawn=self._drawn
        )
        right.set_title(f"epoch {k}: mean J = {J:.4g}")
        return self._drawn
