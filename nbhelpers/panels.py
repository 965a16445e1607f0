"""Thin widget panels: a callback reads the controls, calls a pure compute function, then a pure plot function.

Every panel draws on a pyplot-free matplotlib ``Figure`` and shows it as a PNG in an ``ipywidgets.Image``
that is replaced in place on each change (no flicker, no growing output, and the same bytes a test can read).
Panels are driven from Python in the tests: ``panel.set(eta=1e-6)`` moves a control exactly as the learner's
slider would, and ``panel.figure`` is the figure that was drawn.
"""

from __future__ import annotations

from contextlib import contextmanager

import ipywidgets as widgets
import numpy as np

from .data import fit_scaler
from .explain import SYMBOL, derivative_rows, derivative_table_html  # SYMBOL: unicode, sliders cannot show LaTeX
from .params import PARAM_NAMES, Params
from .plots import draw_model, loss_bars, panel_figure, plot_gradient_bars, plot_loss_curve, wipe
from .render import BlitRenderer
from .training import train

GROUPS = (
    ("hidden neuron 1", ("w1_11", "w1_21", "b_11")),
    ("hidden neuron 2", ("w1_12", "w1_22", "b_12")),
    ("output neuron", ("w2_11", "w2_21", "b_21")),
)
WEIGHT_RANGE = (-2.0, 2.0, 0.01)  # min, max, step of every weight slider
BIAS_RANGE = (-10.0, 10.0, 0.05)  # of every bias slider
SLIDER_LAYOUT = widgets.Layout(width="300px")
STYLE = {"description_width": "60px"}


def slider_range(name: str) -> tuple[float, float, float]:
    return BIAS_RANGE if name.startswith("b") else WEIGHT_RANGE


def eta_slider(value=1e-5, min_exp=-6, max_exp=0) -> widgets.FloatLogSlider:
    """The learning-rate slider, η from 10^min_exp to 10^max_exp, CSS class ``eta-slider`` (browser tests)."""
    s = widgets.FloatLogSlider(value=value, base=10, min=min_exp, max=max_exp, step=0.1, description="η",
                               readout_format=".1e", continuous_update=True, style=STYLE,
                               layout=widgets.Layout(width="420px"))  # fmt: skip
    s.add_class("eta-slider")
    return s


class FigureView:
    """A matplotlib ``Figure`` shown as a PNG in an ``ipywidgets.Image``."""

    def __init__(self, figure, width="100%"):
        self.figure = figure
        self.renderer = BlitRenderer(figure)
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=width, max_width="1100px"))
        self.image.add_class("panel-figure")

    def render(self) -> bytes:
        """Draw the figure (only its data, when the axes frames are unchanged) and show the PNG."""
        self.image.value = self.renderer.png()
        return self.image.value


class ParamControls:
    """Nine sliders grouped by neuron, plus the two presets: the notes' initialisation and a seeded random one."""

    def __init__(self, initial: Params, title="initial parameters"):
        self.sliders = {}
        for name, value in zip(PARAM_NAMES, initial):
            lo, hi, step = slider_range(name)
            self.sliders[name] = widgets.FloatSlider(
                value=float(np.clip(value, lo, hi)), min=lo, max=hi, step=step, description=SYMBOL[name],
                readout_format=".2f", continuous_update=True, style=STYLE, layout=SLIDER_LAYOUT,
            )  # fmt: skip
        self.notes_button = widgets.Button(description="notes' init (w = 1, b = 0)", layout={"width": "210px"})
        self.random_button = widgets.Button(description="random init, seed:", layout={"width": "150px"})
        self.seed = widgets.BoundedIntText(value=0, min=0, max=10_000, layout={"width": "80px"})
        columns = [
            widgets.VBox([widgets.HTML(f"<b>{label}</b>")] + [self.sliders[n] for n in names])
            for label, names in GROUPS
        ]
        presets = widgets.HBox([self.notes_button, self.random_button, self.seed])
        self.box = widgets.VBox([widgets.HTML(f"<b>{title}</b>"), widgets.HBox(columns), presets])

    def params(self) -> Params:
        return Params(*(float(self.sliders[n].value) for n in PARAM_NAMES))

    def widgets(self):
        return list(self.sliders.values())


class Panel:
    """Base class: subclasses build ``self.controls`` and ``self.view`` and implement ``draw()``."""

    def __init__(self):
        self._held = False
        self.redraws = 0

    def _watch(self, controls):
        for w in controls:
            w.observe(self._changed, names="value")

    def _wire_params(self, pc: ParamControls):
        self._watch(pc.widgets())
        pc.notes_button.on_click(lambda _: self.set_params(Params.notes_init()))
        pc.random_button.on_click(lambda _: self.set_params(Params.random(pc.seed.value)))

    def _changed(self, _change):
        if not self._held:
            self.redraw()

    @contextmanager
    def hold(self):
        """Change several controls, then redraw once."""
        self._held = True
        try:
            yield
        finally:
            self._held = False
        self.redraw()

    def set(self, **values):
        """Move controls by name (as a learner would), then redraw once."""
        with self.hold():
            for name, value in values.items():
                self.controls[name].value = value

    def set_params(self, params: Params):
        self.set(**{n: float(np.clip(v, *slider_range(n)[:2])) for n, v in zip(PARAM_NAMES, params)})

    def redraw(self):
        self.draw()
        self.view.render()
        self.redraws += 1

    @property
    def figure(self):
        return self.view.figure

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def scaled_inputs(X, standardise: bool):
    """The network's inputs: raw X, or X standardised per column (returns the inputs and the scaler)."""
    if not standardise:
        return np.asarray(X, dtype=float), None
    scaler = fit_scaler(X)
    return scaler.transform(X), scaler


# --- the concrete panels ---------------------------------------------------------------------------------------
class ForwardPanel(Panel):
    """Nine parameter sliders and the presets; the fit (or boundary) and the per-row losses follow them."""

    def __init__(self, data, params=None, hidden="linear"):
        super().__init__()
        self.data, self.hidden = data, hidden
        self.params_ui = ParamControls(params or Params.notes_init(), title="parameters")
        self.controls = dict(self.params_ui.sliders)
        self.view = FigureView(panel_figure(2, (12, 4.5))[0])
        self._wire_params(self.params_ui)
        self.widget = widgets.VBox([self.params_ui.box, self.view.image])
        self.redraw()

    def draw(self):
        left, right = self.figure.axes
        wipe(left)
        wipe(right)
        p = self.params_ui.params()
        draw_model(left, p, self.data, self.hidden)
        loss_bars(p, self.data, self.hidden, ax=right)


class StickyRange:
    """Axis limits that only widen, so that the axes (and their tick labels) stay put while η is dragged:
    the curves of successive η can be compared by eye, and only the data needs redrawing."""

    def __init__(self):
        self.limits = None

    def reset(self):
        self.limits = None

    def widen(self, ax):
        lo, hi = ax.get_ylim()
        if self.limits is not None:
            lo, hi = min(lo, self.limits[0]), max(hi, self.limits[1])
        self.limits = (lo, hi)
        ax.set_ylim(lo, hi)


class TrainingPanel(Panel):
    """η, epochs, initial parameters, standardise (and for classification the hidden activation):
    the loss curve and the fit (or boundary) of per-sample SGD redraw on every change."""

    def __init__(self, data, eta=1e-5, epochs=100, params=None, eta_range=(-6, 0), max_epochs=500,
                 hidden="linear", hidden_choice=False, standardise=False):  # fmt: skip
        super().__init__()
        self.data = data
        self.eta = eta_slider(eta, *eta_range)
        self.epochs = widgets.IntSlider(value=epochs, min=1, max=max_epochs, step=1, description="epochs",
                                        continuous_update=True, style=STYLE, layout=widgets.Layout(width="420px"))
        self.standardise = widgets.Checkbox(value=standardise, description="standardise inputs", indent=False)
        self.hidden = widgets.Dropdown(options=["linear", "sigmoid", "tanh", "relu"], value=hidden,
                                       description="hidden g", style=STYLE, layout={"width": "200px"})
        self.params_ui = ParamControls(params or Params.notes_init())
        choices = {"hidden": self.hidden} if hidden_choice else {}
        self.controls = {"eta": self.eta, "epochs": self.epochs, "standardise": self.standardise, **choices,
                         **self.params_ui.sliders}  # fmt: skip
        self._watch([self.eta, self.epochs, self.standardise, *choices.values()])
        self._wire_params(self.params_ui)
        self.view = FigureView(panel_figure(2, (12, 4.5))[0])
        top = [self.eta, self.epochs, self.standardise] + ([self.hidden] if hidden_choice else [])
        self.widget = widgets.VBox([widgets.HBox(top[:2]), widgets.HBox(top[2:]), self.params_ui.box, self.view.image])
        self.history = None
        self.loss_range, self.model_range = StickyRange(), StickyRange()
        self.redraw()

    def _changed(self, change):
        if change["owner"] not in (self.eta, self.epochs):  # a new set-up: let the axes fit it afresh
            self.loss_range.reset()
            self.model_range.reset()
        super()._changed(change)

    def compute(self):
        """Train with the current controls (a pure call to ``train``)."""
        X, scaler = scaled_inputs(self.data.X, self.standardise.value)
        history = train(X, self.data.y, self.data.task, self.params_ui.params(), self.eta.value,
                        self.epochs.value, hidden=self.hidden.value)  # fmt: skip
        return history, scaler

    def draw(self):
        self.history, scaler = self.compute()
        left, right = self.figure.axes
        wipe(left)
        wipe(right)
        plot_loss_curve(self.history, ax=left)
        drawn = draw_model(right, self.history.final, self.data, self.history.hidden, scaler)
        if left.get_yscale() == "log":
            self.loss_range.widen(left)
        if self.data.task == "regression":
            self.model_range.widen(right)
        title = f"after epoch {self.history.final_epoch}"
        if self.history.diverged_at:  # (diverged at 0: the initial parameters are all there is)
            title += " (last finite parameters)"
        if self.data.task == "classification" and drawn["boundary"] is None:
            title += ": no ŷ = 0.5 line in view"
        right.set_title(title)
        return drawn


class GradientPanel(Panel):
    """A row selector and the nine parameter sliders: every factor of the nine derivatives, live, with a check."""

    def __init__(self, data, params=None, hidden="linear", row=0):
        super().__init__()
        self.data, self.hidden = data, hidden
        self.row = widgets.ToggleButtons(options=[(f"row {i + 1}", i) for i in range(len(data.y))], value=row,
                                         description="row", style={"button_width": "70px"})  # fmt: skip
        self.params_ui = ParamControls(params or Params.notes_init(), title="parameters")
        self.controls = {"row": self.row, **self.params_ui.sliders}
        self._watch([self.row])
        self._wire_params(self.params_ui)
        self.table = widgets.HTML()
        self.view = FigureView(panel_figure(1, (12, 3.6))[0])
        self.widget = widgets.VBox([self.row, self.params_ui.box, self.table, self.view.image])
        self.rows = None
        self.bar_range = StickyRange()  # steady axes while a parameter is dragged; a new row starts afresh
        self.redraw()

    def _changed(self, change):
        if change["owner"] is self.row:
            self.bar_range.reset()
        super()._changed(change)

    def draw(self):
        i = self.row.value
        self.rows = derivative_rows(self.params_ui.params(), self.data.X[i], float(self.data.y[i]),
                                    self.data.task, self.hidden)  # fmt: skip
        self.table.value = derivative_table_html(self.rows)
        (ax,) = self.figure.axes
        wipe(ax)
        drawn = plot_gradient_bars(self.rows, ax=ax)
        self.bar_range.widen(ax)
        return drawn
