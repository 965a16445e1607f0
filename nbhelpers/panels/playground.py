"""The playground panel (notebook 06): choose data (the notes', two presets, or your own CSV), then Step, Epoch or
Play, and watch the network, the loss landscape, the loss curve and the fit or boundary follow.

Thin: every button and control changes a ``playground.Playground`` (the state, no widgets), and ``draw`` calls
the pure plot functions on it. Nothing a learner does raises into the notebook or writes to stderr: a bad file,
or training that diverges, is a message in the panel, and the data and the training stay as they were.
"""

from __future__ import annotations

import html
import threading

import ipywidgets as widgets

from ..data import PRESETS, load_dataset, load_upload, make_preset, read_upload
from ..notation import UNICODE
from ..params import PARAM_NAMES, Params
from ..playground import Playground
from ..plots.playground import draw_playground, playground_axes
from ..tables import step_record_html
from ..validate import HIDDEN
from .base import FigureView, Panel
from .controls import STYLE, ParamControls, eta_slider

CHOICES = {  # the data dropdown: label -> how to get the data
    "notes: regression (iq, cgpa → package)": lambda: load_dataset("regression"),
    "notes: classification (iq, cgpa → placed)": lambda: load_dataset("classification"),
    **{f"preset: {name}": (lambda name=name: make_preset(name)) for name in PRESETS},
}
SPEEDS = {"slow (1 epoch/s)": 1000, "medium (4/s)": 250, "fast (10/s)": 100}


class PlaygroundPanel(Panel):
    """Data, settings and buttons over one ``Playground``; the figure and the step table follow every action."""

    DESCRIPTION = "playground (data, Step, Epoch, Play; the network, the loss landscape, the loss and the fit)"

    def __init__(self, data="preset: xor", hidden="tanh", eta=0.1, standardise=True, params=None, axes=None, seed=1):
        """``params``: the initial parameters (default: ``Params.random(seed)``; seed 0 starts at a saddle on the
        presets, where the loss stays at log 2 for a long time); ``axes``: the landscape's two parameters; ``eta``:
        best a power of ten, or 10^(k/10), where the log slider can hold it exactly."""
        super().__init__()
        self._state_lock = threading.RLock()  # a Step and a redraw never interleave
        self.uploaded = None  # the last good upload (an ``Upload``), offered in the data dropdown
        self.uploads = {}  # label -> Dataset of a loaded CSV
        self.message = widgets.HTML("")
        self.message.add_class("playground-message")
        self.dataset = widgets.Dropdown(
            options=list(CHOICES), value=data, description="data", style=STYLE, layout={"width": "420px"}
        )
        self.upload = widgets.FileUpload(accept=".csv,.txt,.tsv", multiple=False, description="your CSV…")
        self.upload.add_class("csv-upload")
        self.feature_1, self.feature_2, self.target = (
            widgets.Dropdown(options=[], description=d, style=STYLE, layout={"width": "220px"}, disabled=True)
            for d in ("x_i1", "x_i2", "target")
        )
        self.task = widgets.Dropdown(
            options=["from the target", "regression", "classification"],
            description="task",
            style=STYLE,
            layout={"width": "260px"},
            disabled=True,
        )
        self.hidden = widgets.Dropdown(
            options=list(HIDDEN), value=hidden, description="hidden g", style=STYLE, layout={"width": "200px"}
        )
        self.standardise = widgets.Checkbox(value=standardise, description="standardise inputs", indent=False)
        self.eta = eta_slider(eta, -4, 1)
        self.step_button = widgets.Button(description="Step", tooltip="one update on the next row")
        self.step_button.add_class("step-button")
        self.epoch_button = widgets.Button(description="Epoch", tooltip="one update per row, every row once")
        self.reset_button = widgets.Button(description="Reset", tooltip="back to the initial parameters")
        self.play = widgets.Play(value=0, min=0, max=1_000_000, step=1, interval=250, description="play epochs")
        self.speed = widgets.Dropdown(options=SPEEDS, value=250, description="speed", style=STYLE)
        self.speed.observe(lambda change: setattr(self.play, "interval", change["new"]), names="value")
        a, b = axes or ("w2_11", "b_21")
        self.axis_a, self.axis_b = (
            widgets.Dropdown(
                options=[(f"{UNICODE[n]} ({n})", n) for n in PARAM_NAMES],
                value=v,
                description=d,
                style={"description_width": "90px"},
                layout={"width": "260px"},
            )
            for v, d in ((a, "landscape x"), (b, "landscape y"))
        )
        self.params_ui = ParamControls(params or Params.random(seed))
        self.params_ui.seed.value = seed
        self.controls = {
            "data": self.dataset,
            "x_i1": self.feature_1,
            "x_i2": self.feature_2,
            "target": self.target,
            "task": self.task,
            "hidden": self.hidden,
            "standardise": self.standardise,
            "eta": self.eta,
            "play": self.play,
            "speed": self.speed,
            "landscape_x": self.axis_a,
            "landscape_y": self.axis_b,
            **self.params_ui.sliders,
        }
        self.state = Playground(CHOICES[data](), self.params_ui.params(), eta, hidden, standardise)
        self.table = widgets.HTML("")
        self.view = FigureView(playground_axes()[0].figure)
        self.follow_page()  # then ``idle`` draws the next Step ahead
        self._wire()
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.dataset, self.upload]),
                widgets.HBox([self.feature_1, self.feature_2, self.target, self.task]),
                widgets.HBox([self.hidden, self.standardise, self.eta]),
                widgets.HBox([self.step_button, self.epoch_button, self.reset_button, self.play, self.speed]),
                self.message,
                self.view.box,
                widgets.HBox([self.axis_a, self.axis_b]),
                self.table,
                self.params_ui.box,
                self._caption(),
            ]
        )
        self.redraw()

    # --- wiring: each control acts on the state, then asks for one redraw --------------------------------------
    def _wire(self):
        def on(widget, action, names="value"):
            widget.observe(lambda change: self._act(action, change), names=names)

        on(self.dataset, lambda _: self._reset(data=self._chosen_data()))
        for w in (self.feature_1, self.feature_2, self.target, self.task):
            on(w, lambda _: self._columns_changed())
        on(self.upload, lambda change: self._uploaded(change["new"]))
        on(self.hidden, lambda change: self._reset(hidden=change["new"]))
        on(self.standardise, lambda change: self._reset(standardise=change["new"]))
        on(self.eta, lambda change: self.state.set_eta(change["new"]))
        on(self.play, lambda _: self.state.epoch())
        on(self.axis_a, lambda _: None)
        on(self.axis_b, lambda _: None)
        for slider in self.params_ui.widgets():
            on(slider, lambda _: self._reset())
        self.step_button.on_click(lambda _: self._act(lambda _: self._step(), None))
        self.epoch_button.on_click(lambda _: self._act(lambda _: self.state.epoch(), None))
        self.reset_button.on_click(lambda _: self._act(lambda _: self._reset(), None))
        self.params_ui.notes_button.on_click(lambda _: self.set_params(Params.notes_init()))
        self.params_ui.random_button.on_click(lambda _: self.set_params(self.params_ui.random_preset()))

    def _act(self, action, change):
        """Run one action on the state, show any problem as the panel's message (never raise), then redraw.

        Controls that the panel itself moves while it acts (the column dropdowns after an upload) do nothing."""
        if self._quiet:
            return
        try:
            with self._state_lock:
                self.problem = None
                self.stepped = False
                action(change)
        except ValueError as err:  # bad input: say it; the state is untouched (actions check before changing)
            self.problem = str(err)
        except Exception as err:  # a bug must not become a traceback in a learner's notebook: say what happened
            self.problem = f"unexpected {type(err).__name__}: {err}"
        if self.state.stopped and self.play.playing:
            self.play.playing = False
        self.request_redraw()

    problem = None  # the message of the last action that failed, shown until the next action
    stepped = False  # the last action was a Step: the next is likely one too (see ``likely_next``)
    _drawn = None  # what the last draw_playground returned: the next draws again in place (see its ``drawn``)
    _quiet = False  # True while the panel moves its own controls

    def _reset(self, **changes):
        self.state.reset(self.params_ui.params(), **changes)

    def _chosen_data(self):
        label = self.dataset.value
        return self.uploads[label] if label in self.uploads else CHOICES[label]()

    # --- your own CSV -------------------------------------------------------------------------------------------
    def _uploaded(self, files):
        if not files:
            return
        file = files[0]
        upload = read_upload(bytes(file["content"]), file["name"])  # a ValueError leaves everything as it was
        columns = list(upload.columns)  # at least 3: read_upload refuses fewer
        data = load_upload(upload, columns[:2], columns[-1])  # the first two columns, and the last as the target
        self.uploaded = upload
        self._quiet = True
        try:
            for box, value in ((self.feature_1, columns[0]), (self.feature_2, columns[1]), (self.target, columns[-1])):
                box.options, box.value, box.disabled = columns, value, False
            self.task.value, self.task.disabled = "from the target", False
        finally:
            self._quiet = False
        self._use(upload.name, data)

    def _columns_changed(self):
        if self.uploaded is None or self.dataset.value not in self.uploads:
            return
        task = None if self.task.value == "from the target" else self.task.value
        features = (self.feature_1.value, self.feature_2.value)
        self._use(self.uploaded.name, load_upload(self.uploaded, features, self.target.value, task))

    def _use(self, name, data):
        """Train on ``data`` from now on, listed in the data dropdown as "your CSV: <name>"."""
        label = f"your CSV: {name}"
        self.uploads = {label: data}
        options = list(CHOICES) + [label]
        self._quiet = True
        try:
            if list(self.dataset.options) != options:
                self.dataset.options = options
            self.dataset.value = label
        finally:
            self._quiet = False
        self.state.reset(self.params_ui.params(), data=data)

    # --- the next Step, drawn ahead ---------------------------------------------------------------------------------
    def _step(self):
        self.state.step()
        self.stepped = True

    def picture_key(self, state: Playground | None = None) -> tuple:
        """Everything the picture of ``state`` (default: the panel's) depends on: the data and settings, the
        parameters, how far training has come, the landscape's axes and the panel's message."""
        s = self.state if state is None else state
        moved = (s.updates, s.next_row, s.params, s.start, s.stopped, len(s.curve), s.curve[-1], len(s.path), s.last)
        settings = (id(s.data), id(s.X), s.hidden, s.standardise, s.eta)
        return (*settings, *moved, self.axis_a.value, self.axis_b.value, self.problem)

    def likely_next(self) -> list:
        """After a Step, the next Step (a teacher presses Step again and again): the state a copy of this one takes
        one Step to (``Playground.copy``; a Step is deterministic, so the real one gets there too)."""
        if not self.stepped or self.state.stopped or self.play.playing:
            return []
        with self._state_lock:
            state = self.state.copy()
            state.step()
        return [(self.picture_key(state), lambda: self.draw(state))]

    # --- drawing ------------------------------------------------------------------------------------------------
    def draw(self, state: Playground | None = None):
        """Draw ``state`` (default: the panel's) and set the table and the message for it."""
        with self._state_lock:
            s = self.state if state is None else state
            drawn = draw_playground(self.figure.axes, s, self.axis_a.value, self.axis_b.value, drawn=self._drawn)
            self._drawn = drawn
            self.show_text(self.table, self._table_html(s))
            self.show_text(self.message, self._message_html(s))
            return drawn

    def _message_html(self, state: Playground) -> str:
        problem = self.problem or state.stopped
        return f"<div style='color:#b00020;font-size:15px'>{html.escape(problem)}</div>" if problem else ""

    def _table_html(self, state: Playground) -> str:
        s = state
        if s.last is None:
            return (
                f"<small>Press <b>Step</b> for one update on row {s.next_row + 1}: the table then shows the nine "
                "parameters before and after it, and their derivatives on that row.</small>"
            )
        return step_record_html(s.last, s.eta, s.task)
