"""Thin widget panels: a callback reads the controls, calls a pure compute function, then a pure plot function.

Every panel draws on a pyplot-free matplotlib ``Figure`` and shows it as a PNG in an ``ipywidgets.Image``
that is replaced in place on each change (no flicker, no growing output, and the same bytes a test can read).
Panels are driven from Python in the tests: ``panel.set(eta=1e-6)`` moves a control exactly as the learner's
slider would, and ``panel.figure`` is the figure that was drawn.

What a panel promises, whatever order and thread its messages arrive in (JupyterLab 4.6 sends widget messages
over kernel subshells, so two callbacks can run at once):

* one redraw at a time: a change that arrives while another thread draws only marks the panel out of date, and
  the drawing thread draws again, reading the controls afresh, until nothing is left to draw;
* the picture is a pure function of the controls: after the last change it is what a fresh panel at the same
  values draws (no axis remembers where an earlier slider position took it);
* a slider holds exactly the value that is used: values are snapped to the slider's step in Python, so a
  preset's values and the front end's echo of them are the same numbers.
"""

from __future__ import annotations

import math
import re
import threading
from contextlib import contextmanager

import ipywidgets as widgets
import numpy as np
from traitlets import validate

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
MAX_ROWS = 10_000  # the most rows a panel draws (a learner's own CSV can be larger: take a sample)
UPDATE_BUDGET = 30_000  # the training panel's epochs slider stops where epochs x rows would pass this
SLIDER_LAYOUT = widgets.Layout(width="300px")
STYLE = {"description_width": "60px"}
RERUN_HINT = "if its controls do nothing, run this cell again (the panel lives in the running kernel)"


def slider_range(name: str) -> tuple[float, float, float]:
    return BIAS_RANGE if name.startswith("b") else WEIGHT_RANGE


def snap(value, lo, hi, step) -> float:
    """``value`` clipped to [lo, hi] and rounded to the slider grid lo + k * step, as the exact decimal."""
    decimals = next(d for d in range(12) if round(step, d) == step)
    k = round((min(max(float(value), lo), hi) - lo) / step)
    return round(min(max(lo + k * step, lo), hi), decimals + 1)


class ParamSlider(widgets.FloatSlider):
    """A parameter slider whose value is always on its step grid, whoever sets it (a preset or the front end)."""

    @validate("value")
    def _validate_value(self, proposal):
        return snap(proposal["value"], self.min, self.max, self.step)


def eta_slider(value=1e-5, min_exp=-6, max_exp=0) -> widgets.FloatLogSlider:
    """The learning-rate slider, η from 10^min_exp to 10^max_exp, CSS class ``eta-slider`` (browser tests)."""
    s = widgets.FloatLogSlider(value=value, base=10, min=min_exp, max=max_exp, step=0.1, description="η",
                               readout_format=".1e", continuous_update=True, style=STYLE,
                               layout=widgets.Layout(width="420px"))  # fmt: skip
    s.add_class("eta-slider")
    return s


# --- typed whole numbers: what a person types is what is used, or a message says why not -------------------------
_POWER = re.compile(r"^\s*(\d+)\s*(?:\*\*|\^)\s*(\d+)\s*$")


def parse_whole(text: str) -> int:
    """A whole number as a person types it: ``3``, ``1000``, ``1_000``, ``1e3``, ``10**3`` or ``10^3``.

    Raises ValueError saying why for anything else: ``3.7`` (not whole), ``abc``, ``-5`` is returned as -5
    (the caller checks the range).
    """
    text = str(text).strip()
    power = _POWER.match(text)
    if power:
        base, exponent = int(power.group(1)), int(power.group(2))
        if exponent > 64:
            raise ValueError(f"{text!r} is too large")
        return base**exponent
    try:
        return int(text.replace("_", ""))
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if not math.isfinite(number) or number != int(number):
        raise ValueError(f"{text!r} is not a whole number")
    return int(number)


class WholeNumberBox:
    """A text box for a whole number in [lo, hi], with a note beside it that says which value is used.

    ipywidgets' own number boxes parse in the browser and change what was typed without a word ("3.7" becomes
    37, "-5" becomes 0, "1e3" becomes 1). Here the text goes to Python: a value out of range is clipped and the
    note says so; text that is not a whole number is refused and the note says the value stays as it was.
    """

    def __init__(self, value: int, lo: int, hi: int, name: str, width="90px", clip=True, clip_reason=""):
        self.lo, self.hi, self.name, self.clip, self.clip_reason = lo, hi, name, clip, clip_reason
        self._value = int(value)
        self.text = widgets.Text(value=str(value), continuous_update=False, layout={"width": width})
        self.text.add_class(f"{name}-box")
        self.note = widgets.HTML("")
        self.note.add_class(f"{name}-note")
        self.text.observe(self._typed, names="value")
        self._callbacks = []

    @property
    def value(self) -> int:
        return self._value

    @value.setter
    def value(self, value) -> None:
        self.text.value = str(value)  # the same path as typing
        self._typed({"new": str(value)})

    def on_change(self, callback) -> None:
        self._callbacks.append(callback)

    def show(self, value: int) -> None:
        """Show ``value`` (set elsewhere, e.g. by a slider) without calling back."""
        self._value = int(value)
        if self.text.value != str(value):
            self.text.value = str(value)

    def _typed(self, change) -> None:
        typed = str(change["new"]).strip()
        if typed == str(self._value):
            return
        try:
            number = parse_whole(typed)
        except ValueError as err:
            self.note.value = f"<span style='color:#b00020'>{err}: the {self.name} stays {self._value}</span>"
            self.text.value = str(self._value)
            return
        used = min(max(number, self.lo), self.hi)
        if used != number and not self.clip:
            self.note.value = (f"<span style='color:#b00020'>a {self.name} is a whole number from {self.lo} to "
                               f"{self.hi}, not {typed}: the {self.name} stays {self._value}</span>")  # fmt: skip
            self.text.value = str(self._value)
            return
        if used != number:
            why = f" ({self.clip_reason})" if self.clip_reason and number > self.hi else ""
            self.note.value = (f"<span style='color:#b00020'>{typed} is outside {self.lo} … {self.hi}: "
                               f"using {used}{why}</span>")  # fmt: skip
        else:
            self.note.value = ""
        self._value = used
        if self.text.value != str(used):
            self.text.value = str(used)
        for callback in self._callbacks:
            callback(used)


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
            self.sliders[name] = ParamSlider(
                value=snap(value, lo, hi, step), min=lo, max=hi, step=step, description=SYMBOL[name],
                readout_format=".2f", continuous_update=True, style=STYLE, layout=SLIDER_LAYOUT,
            )  # fmt: skip
        self.notes_button = widgets.Button(description="notes' init (w = 1, b = 0)", layout={"width": "210px"})
        self.random_button = widgets.Button(description="random init, seed:", layout={"width": "150px"})
        self.seed = WholeNumberBox(0, 0, 2**32 - 1, "seed", clip=False)
        self.preset_note = widgets.HTML("")
        columns = [
            widgets.VBox([widgets.HTML(f"<b>{label}</b>")] + [self.sliders[n] for n in names])
            for label, names in GROUPS
        ]
        presets = widgets.HBox([self.notes_button, self.random_button, self.seed.text, self.seed.note,
                                self.preset_note])  # fmt: skip
        self.box = widgets.VBox([widgets.HTML(f"<b>{title}</b>"), widgets.HBox(columns), presets])

    def params(self) -> Params:
        """The nine slider values: exactly the parameters the panel uses."""
        return Params(*(float(self.sliders[n].value) for n in PARAM_NAMES))

    def random_preset(self) -> Params:
        """``Params.random(seed)``: what "random init" sets (the sliders round it to their steps and ranges)."""
        self.preset_note.value = (f"<small>seed {self.seed.value}: weights from N(0, 0.5²), rounded to the "
                                  f"sliders' steps</small>")  # fmt: skip
        return Params.random(self.seed.value)

    def widgets(self):
        return list(self.sliders.values())


def check_rows(data) -> None:
    """Panels draw at most ``MAX_ROWS`` rows: a larger dataset gets a ValueError that says what to do."""
    n = len(data.y)
    if n > MAX_ROWS:
        raise ValueError(f"{data.source}: {n} rows; a panel draws at most {MAX_ROWS}. Take a sample first, e.g. "
                         f"idx = np.random.default_rng(0).choice({n}, {MAX_ROWS}, replace=False) and "
                         f"data._replace(X=data.X[idx], y=data.y[idx])")  # fmt: skip


class Panel:
    """Base class: subclasses build ``self.controls``, ``self.view`` and ``self.widget`` and implement ``draw()``.

    ``DESCRIPTION`` names the panel in the one line shown where the widget cannot be (a notebook opened without
    its kernel, or read on a static page).
    """

    DESCRIPTION = "a live panel"

    def __init__(self):
        self._lock = threading.Lock()  # guards the three flags below
        self._held = 0  # inside hold(): changes only mark the panel out of date
        self._dirty = False  # a change has not been drawn yet
        self._drawing = False  # some thread is in the redraw loop
        self.redraws = 0

    def _watch(self, controls):
        for w in controls:
            w.observe(self._changed, names="value")

    def _wire_params(self, pc: ParamControls):
        self._watch(pc.widgets())
        pc.notes_button.on_click(lambda _: self.set_params(Params.notes_init()))
        pc.random_button.on_click(lambda _: self.set_params(pc.random_preset()))

    def _changed(self, _change):
        self.request_redraw()

    def request_redraw(self):
        """Redraw now, unless another thread is drawing (it will draw again) or the controls are held."""
        with self._lock:
            self._dirty = True
            if self._held or self._drawing:
                return
            self._drawing = True
        try:
            while True:
                with self._lock:
                    if not self._dirty:
                        self._drawing = False
                        return
                    self._dirty = False
                self.redraw()  # reads the controls as they are now
        except BaseException:
            with self._lock:
                self._drawing = False
            raise

    @contextmanager
    def hold(self):
        """Change several controls, then redraw once."""
        with self._lock:
            self._held += 1
        try:
            yield
        finally:
            with self._lock:
                self._held -= 1
        self.request_redraw()

    def set(self, **values):
        """Move controls by name (as a learner would), then redraw once."""
        with self.hold():
            for name, value in values.items():
                self.controls[name].value = value

    def set_params(self, params: Params):
        self.set(**dict(zip(PARAM_NAMES, params)))

    def redraw(self):
        self.draw()
        self.view.render()
        self.redraws += 1

    @property
    def figure(self):
        return self.view.figure

    def settings(self) -> dict:
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def params_code(self) -> str:
        """The current parameters as a line of code, to keep them: paste it into a cell."""
        return "nb.Params(" + ", ".join(f"{n}={v!r}" for n, v in self.params_ui.params().to_dict().items()) + ")"

    def _caption(self):
        return widgets.HTML(f"<small style='color:#666'>{self.DESCRIPTION}: {RERUN_HINT}</small>")

    def _repr_mimebundle_(self, **kwargs):
        """The widget, and a one-line text for where it cannot be shown (no kernel, a static page)."""
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"[{self.DESCRIPTION}: run this cell to bring the panel back]"
        return bundle


def scaled_inputs(X, standardise: bool):
    """The network's inputs: raw X, or X standardised per column (returns the inputs and the scaler)."""
    if not standardise:
        return np.asarray(X, dtype=float), None
    scaler = fit_scaler(X)
    return scaler.transform(X), scaler


# --- the concrete panels ---------------------------------------------------------------------------------------
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
        self.widget = widgets.VBox([self.params_ui.box, self.view.image, self._caption()])
        self.redraw()

    def draw(self):
        left, right = self.figure.axes
        wipe(left)
        wipe(right)
        p = self.params_ui.params()
        loss_bars(p, self.data, self.hidden, ax=left)
        draw_model(right, p, self.data, self.hidden)  # right: its legend goes in the margin beside it


class TrainingPanel(Panel):
    """η, epochs, initial parameters, standardise (and for classification the hidden activation):
    the loss curve and the fit (or boundary) of per-sample SGD redraw on every change."""

    DESCRIPTION = "training panel (η, epochs, initial parameters; the loss curve and the fit)"

    def __init__(self, data, eta=1e-5, epochs=100, params=None, eta_range=(-6, 0), max_epochs=500,
                 hidden="linear", hidden_choice=False, standardise=False):  # fmt: skip
        super().__init__()
        check_rows(data)
        self.data = data
        # per-sample SGD makes epochs x rows updates: keep a redraw quick on a learner's larger dataset
        budget = max(1, UPDATE_BUDGET // len(data.y))
        max_epochs = min(max_epochs, budget)
        reason = f"{len(data.y)} rows: at most {max_epochs} epochs keep the panel quick" if budget < 500 else ""
        self.eta = eta_slider(eta, *eta_range)
        self.epochs = widgets.IntSlider(value=min(epochs, max_epochs), min=1, max=max_epochs, step=1,
                                        description="epochs", continuous_update=True, readout=False, style=STYLE,
                                        layout=widgets.Layout(width="330px"))  # fmt: skip
        self.epochs_box = WholeNumberBox(self.epochs.value, 1, max_epochs, "epochs", width="80px",
                                         clip_reason=reason or f"this panel trains at most {max_epochs} epochs; "
                                         "nb.train runs longer")  # fmt: skip
        self.epochs_box.on_change(lambda n: setattr(self.epochs, "value", n))
        self.epochs.observe(lambda change: self.epochs_box.show(change["new"]), names="value")
        self.standardise = widgets.Checkbox(value=standardise, description="standardise inputs", indent=False)
        self.hidden = widgets.Dropdown(options=["linear", "sigmoid", "tanh", "relu"], value=hidden,
                                       description="hidden g", style=STYLE, layout={"width": "200px"})
        self.params_ui = ParamControls(params or Params.notes_init())
        choices = {"hidden": self.hidden} if hidden_choice else {}
        self.controls = {"eta": self.eta, "epochs": self.epochs, "standardise": self.standardise, **choices,
                         **self.params_ui.sliders}  # fmt: skip
        self._watch([self.eta, self.epochs, self.standardise, *choices.values()])
        self._wire_params(self.params_ui)
        self.view = FigureView(panel_figure(2, (13, 4.5))[0])
        epochs_row = widgets.HBox([self.epochs, self.epochs_box.text, self.epochs_box.note])
        top = [self.standardise] + ([self.hidden] if hidden_choice else [])
        self.widget = widgets.VBox([widgets.HBox([self.eta]), epochs_row, widgets.HBox(top), self.params_ui.box,
                                    self.view.image, self._caption()])  # fmt: skip
        self.history = None
        self.redraw()

    def compute(self):
        """Train with the current controls (a pure call to ``train``)."""
        X, scaler = scaled_inputs(self.data.X, self.standardise.value)
        history = train(X, self.data.y, self.data.task, self.params_ui.params(), self.eta.value,
                        self.epochs.value, hidden=self.hidden.value, progress=False)  # fmt: skip
        return history, scaler

    def draw(self):
        self.history, scaler = self.compute()
        left, right = self.figure.axes
        wipe(left)
        wipe(right)
        plot_loss_curve(self.history, ax=left)
        drawn = draw_model(right, self.history.final, self.data, self.history.hidden, scaler)
        title = f"after epoch {self.history.final_epoch}"
        if self.history.diverged_at:  # (diverged at 0: the initial parameters are all there is)
            title += ", where the run stopped"
        if self.data.task == "classification" and drawn["boundary"] is None:
            title += "\nno ŷ = 0.5 line in view"
        right.set_title(title)
        return drawn


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
            self.row = widgets.ToggleButtons(options=[(f"row {i + 1}", i) for i in range(n)], value=row,
                                             description="row", style={"button_width": "70px"})  # fmt: skip
        else:  # the value is the 0-based index, as for the buttons; the readout shows the row number
            self.row = widgets.IntSlider(value=row, min=0, max=n - 1, description="row index", style=STYLE,
                                         continuous_update=True, layout=widgets.Layout(width="420px"))
        self.params_ui = ParamControls(params or Params.notes_init(), title="parameters")
        self.controls = {"row": self.row, **self.params_ui.sliders}
        self._watch([self.row])
        self._wire_params(self.params_ui)
        self.table = widgets.HTML()
        self.view = FigureView(panel_figure(1, (13, 3.6))[0])
        self.widget = widgets.VBox([self.row, self.params_ui.box, self.table, self.view.image, self._caption()])
        self.rows = None
        self.redraw()

    def draw(self):
        i = self.row.value
        self.rows = derivative_rows(self.params_ui.params(), self.data.X[i], float(self.data.y[i]),
                                    self.data.task, self.hidden)  # fmt: skip
        self.table.value = derivative_table_html(self.rows)
        (ax,) = self.figure.axes
        wipe(ax)
        return plot_gradient_bars(self.rows, ax=ax)
