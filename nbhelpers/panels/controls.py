"""The controls of the panels: parameter sliders that hold exactly the value used, the η slider, a box for whole
numbers that says what it did with what was typed, and the nine sliders grouped by neuron with their presets."""

from __future__ import annotations

import math
import re

import ipywidgets as widgets
from traitlets import CFloat, validate

from ..notation import UNICODE  # sliders cannot show LaTeX
from ..params import PARAM_NAMES, Params, as_params

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


def snap(value, lo, hi, step) -> float:
    """``value`` clipped to [lo, hi] and rounded to the slider grid lo + k * step, as the exact decimal."""
    decimals = next(d for d in range(12) if round(step, d) == step)
    k = round((min(max(float(value), lo), hi) - lo) / step)
    return round(min(max(lo + k * step, lo), hi), decimals + 1)


def on_sliders(params) -> Params:
    """``params`` as the nine sliders hold them: each clipped to its slider's range and rounded to its step (the
    parameters a panel started from ``params`` uses; a notebook can use the same numbers before the panel)."""
    return Params(*(snap(v, *slider_range(n)) for n, v in zip(PARAM_NAMES, as_params(params))))


# A slider's moves are not echoed back to the page (ipywidgets 8 sends every value a page sets back to all pages, for
# several pages on one kernel; a widget may opt out): one message less on the way to each new figure.
NO_ECHO = {"sync": True, "echo_update": False}


class ParamSlider(widgets.FloatSlider):
    """A parameter slider whose value is always on its step grid, whoever sets it (a preset or the front end)."""

    value = CFloat(0.0, help="Float value").tag(**NO_ECHO)

    @validate("value")
    def _validate_value(self, proposal):
        return snap(proposal["value"], self.min, self.max, self.step)


def log_notch(value: float, base=10.0, step=0.1) -> float:
    """``value`` if it is off the log slider's grid (base^(k * step)); on it (within a billionth of a notch), the
    grid's value exactly as Python computes it, base ** (k * step) with k * step rounded to 10 decimals."""
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        return value
    k = math.log(value, base) / step
    return float(base) ** round(round(k) * step, 10) if abs(k - round(k)) < 1e-9 else value


def eta_notches(slider, notches=(1, -1)) -> list[float]:
    """The values of ``slider`` (a log slider) ``notches`` steps from where it is (an arrow key moves one), within
    its range."""
    k = round(math.log(slider.value, slider.base) / slider.step)
    out = []
    for n in notches:
        exponent = round((k + n) * slider.step, 10)
        if slider.min - 1e-9 <= exponent <= slider.max + 1e-9:
            out.append(float(slider.base) ** exponent)
    return out


class EtaSlider(widgets.FloatLogSlider):
    """The η slider: a value on its grid is held exactly as Python computes the grid (``log_notch``). The page
    computes 10^(k/10) its own way, a last digit apart at some notches; held the same way, the same η is the same
    number, and a panel can draw the η of the next notch before it is asked for (``TrainingPanel.likely_next``)."""

    value = CFloat(1.0, help="Float value").tag(**NO_ECHO)

    @validate("value")
    def _validate_value(self, proposal):
        return log_notch(super()._validate_value(proposal), self.base, self.step)  # clipped to the range, as ever


def eta_slider(value=1e-5, min_exp=-6, max_exp=0) -> widgets.FloatLogSlider:
    """The learning-rate slider, η from 10^min_exp to 10^max_exp, CSS class ``eta-slider`` (browser tests)."""
    s = EtaSlider(
        value=value,
        base=10,
        min=min_exp,
        max=max_exp,
        step=0.1,
        description="η",
        readout_format=".1e",
        continuous_update=True,
        style=STYLE,
        layout=widgets.Layout(width="420px"),
    )
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
            self.note.value = (
                f"<span style='color:#b00020'>a {self.name} is a whole number from {self.lo} to "
                f"{self.hi}, not {typed}: the {self.name} stays {self._value}</span>"
            )
            self.text.value = str(self._value)
            return
        if used != number:
            why = f" ({self.clip_reason})" if self.clip_reason and number > self.hi else ""
            self.note.value = (
                f"<span style='color:#b00020'>{typed} is outside {self.lo} … {self.hi}: using {used}{why}</span>"
            )
        else:
            self.note.value = ""
        self._value = used
        if self.text.value != str(used):
            self.text.value = str(used)
        for callback in self._callbacks:
            callback(used)


class ParamControls:
    """Nine sliders grouped by neuron, plus the two presets: the notes' initialisation and a seeded random one."""

    def __init__(self, initial: Params, title="initial parameters"):
        self.sliders = {}
        for name, value in zip(PARAM_NAMES, initial):
            lo, hi, step = slider_range(name)
            self.sliders[name] = ParamSlider(
                value=snap(value, lo, hi, step),
                min=lo,
                max=hi,
                step=step,
                description=UNICODE[name],
                readout_format=".2f",
                continuous_update=True,
                style=STYLE,
                layout=SLIDER_LAYOUT,
            )
        self.notes_button = widgets.Button(description="notes' init (w = 1, b = 0)", layout={"width": "210px"})
        self.random_button = widgets.Button(description="random init, seed:", layout={"width": "150px"})
        self.seed = WholeNumberBox(0, 0, 2**32 - 1, "seed", clip=False)
        self.preset_note = widgets.HTML("")
        columns = [
            widgets.VBox([widgets.HTML(f"<b>{label}</b>")] + [self.sliders[n] for n in names])
            for label, names in GROUPS
        ]
        presets = widgets.HBox(
            [self.notes_button, self.random_button, self.seed.text, self.seed.note, self.preset_note]
        )
        self.box = widgets.VBox([widgets.HTML(f"<b>{title}</b>"), widgets.HBox(columns), presets])

    def params(self) -> Params:
        """The nine slider values: exactly the parameters the panel uses."""
        return Params(*(float(self.sliders[n].value) for n in PARAM_NAMES))

    def random_preset(self) -> Params:
        """``Params.random(seed)``: what "random init" sets (the sliders round it to their steps and ranges)."""
        self.preset_note.value = (
            f"<small>seed {self.seed.value}: weights from N(0, 0.5²), rounded to the sliders' steps</small>"
        )
        return Params.random(self.seed.value)

    def widgets(self):
        return list(self.sliders.values())
