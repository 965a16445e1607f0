"""Thin widget panels: a callback reads the controls, calls pure compute functions, then pure plot functions.

The only part of nbhelpers that imports ipywidgets (or IPython). Every panel draws on a pyplot-free matplotlib
``Figure`` and shows it as a PNG in an ``ipywidgets.Image`` that is replaced in place on each change (no flicker,
no growing output, and the same bytes a test can read). Panels are driven from Python in the tests:
``panel.set(eta=1e-6)`` moves a control exactly as the learner's slider would, and ``panel.figure`` is the figure
that was drawn.

=================  ==========================================================================================
module             what it holds
=================  ==========================================================================================
``render``         the figure to PNG, drawing again only what changed (no widgets: matplotlib and Pillow)
``controls``       sliders that hold exactly the value used, the η slider, a whole-number box, the nine sliders
``base``           ``Panel`` (one redraw at a time, ``set``, ``hold``) and ``FigureView``
``forward``        ``ForwardPanel`` (notebooks 01 and 03)
``gradients``      ``GradientPanel`` (notebooks 02 and 04)
``training``       ``TrainingPanel``, ``ClassificationTrainingPanel``, ``EpochScrubber`` (notebooks 02 and 04)
``playground``     ``PlaygroundPanel`` (notebook 06; imported by name: ``from nbhelpers.panels.playground import ...``)
=================  ==========================================================================================
"""

from .base import MAX_ROWS, RERUN_HINT, FigureView, Panel, check_rows
from .controls import (
    BIAS_RANGE,
    GROUPS,
    WEIGHT_RANGE,
    ParamControls,
    ParamSlider,
    WholeNumberBox,
    eta_slider,
    on_sliders,
    parse_whole,
    slider_range,
    snap,
)
from .forward import ForwardPanel
from .gradients import GradientPanel
from .render import BlitRenderer
from .training import UPDATE_BUDGET, ClassificationTrainingPanel, EpochScrubber, TrainingPanel

__all__ = [
    "BIAS_RANGE",
    "GROUPS",
    "MAX_ROWS",
    "RERUN_HINT",
    "UPDATE_BUDGET",
    "WEIGHT_RANGE",
    "BlitRenderer",
    "ClassificationTrainingPanel",
    "EpochScrubber",
    "FigureView",
    "ForwardPanel",
    "GradientPanel",
    "Panel",
    "ParamControls",
    "ParamSlider",
    "TrainingPanel",
    "WholeNumberBox",
    "check_rows",
    "eta_slider",
    "on_sliders",
    "parse_whole",
    "slider_range",
    "snap",
]
