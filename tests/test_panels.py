"""Drive every control of the regression/shared panels to its extremes, as a learner could, without a browser.

No exception, no warning (pytest turns warnings into errors), every plotted value finite, and the PNG shown
on the page changes when a control changes.
"""

import numpy as np
import pytest
from panel_checks import assert_figure_ok, each_extreme

import nbhelpers as nb
from nbhelpers import panels

REG = nb.load_dataset("regression")
CLS = nb.load_dataset("classification")


def make(kind, data):
    if kind == "forward":
        return panels.ForwardPanel(data)
    if kind == "gradient":
        return panels.GradientPanel(data)
    if data.task == "regression":  # as notebook 02 builds it
        return panels.TrainingPanel(data, eta=1e-5, epochs=100)
    return panels.ClassificationTrainingPanel(data, eta=1e-3, epochs=100)  # as notebook 04 builds it


CASES = [(k, d) for k in ("forward", "gradient", "training") for d in (REG, CLS)]


@pytest.mark.parametrize("kind,data", CASES, ids=[f"{k}-{d.task}" for k, d in CASES])
def test_every_control_at_its_extremes(kind, data):
    panel = make(kind, data)
    assert_figure_ok(panel.figure, "initial")
    for name, value in each_extreme(panel):
        assert_figure_ok(panel.figure, f"{kind}/{data.task}: {name} = {value}")


@pytest.mark.parametrize("data", [REG, CLS], ids=["regression", "classification"])
def test_training_panel_worst_corners(data):
    """Largest eta with the largest weights, raw and standardised, and every hidden activation."""
    panel = make("training", data)
    choices = [{"hidden": h} for h in nb.HIDDEN] if "hidden" in panel.controls else [{}]
    for choice in choices:
        for standardise in (False, True):
            panel.set(
                eta=10.0**panel.eta.max,
                epochs=panel.epochs.max,
                standardise=standardise,
                **choice,
                **{n: panels.slider_range(n)[1] for n in nb.PARAM_NAMES},
            )
            assert_figure_ok(panel.figure, f"{choice}, standardise={standardise}")


def test_divergence_is_said_in_words():
    panel = panels.TrainingPanel(REG, eta=1e-4, epochs=100)
    assert panel.history.diverged_at is not None
    texts = [t.get_text() for ax in panel.figure.axes for t in ax.texts]
    assert f"diverged at epoch {panel.history.diverged_at}, try a smaller η" in texts
    assert_figure_ok(panel.figure)
    panel.set(eta=1e-5)
    assert panel.history.diverged_at is None
    assert not any("diverged" in t.get_text() for ax in panel.figure.axes for t in ax.texts)


def test_the_picture_changes_with_eta():
    panel = panels.TrainingPanel(REG, eta=1e-5, epochs=100)
    before = panel.view.image.value
    panel.set(eta=2e-6)
    assert panel.view.image.value != before
    assert panel.view.image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_presets_set_the_sliders():
    panel = panels.ForwardPanel(REG)
    panel.params_ui.seed.value = 3
    panel.params_ui.random_button.click()
    expected = nb.Params.random(3)
    got = panel.params_ui.params()
    # sliders have a step: they hold the random values to within half a step
    assert np.allclose(got.to_array(), expected.to_array(), atol=panels.WEIGHT_RANGE[2] / 2 + 1e-12)
    panel.params_ui.notes_button.click()
    assert panel.params_ui.params() == nb.Params.notes_init()


def test_one_redraw_per_preset_click():
    panel = panels.ForwardPanel(REG)
    before = panel.redraws
    panel.params_ui.random_button.click()
    assert panel.redraws == before + 1


def test_gradient_panel_numbers_match_the_notes():
    panel = panels.GradientPanel(REG)  # notes' init, row 1
    products = {r["name"]: r["product"] for r in panel.rows}
    assert products == {
        "w2_11": 29568.0,
        "w2_21": 29568.0,
        "b_21": 336.0,
        "w1_11": 26880.0,
        "w1_21": 2688.0,
        "b_11": 336.0,
        "w1_12": 26880.0,
        "w1_22": 2688.0,
        "b_12": 336.0,
    }
    assert max(r["rel_error"] for r in panel.rows) < 1e-6
    panel.set(row=2)
    assert panel.rows[0]["factors"][0][1] == -2 * (6 - 132)  # dL/dy_hat on row 3
