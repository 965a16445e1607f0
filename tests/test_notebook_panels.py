"""The checks that used to sit in the notebooks right after each panel, built as the notebooks build them.

In a notebook such a check failed as soon as a student moved a slider and re-ran the next cell (the panel is
live; the check read it). Here each panel is fresh, so the check says what it meant: the panel starts from
the notebook's own numbers.
"""

import numpy as np

import nbhelpers as nb
from nbhelpers import lessons, panels

REG = nb.load_dataset("regression")
CLS = nb.load_dataset("classification")
P0 = nb.Params.notes_init()


def test_01_forward_panel_starts_at_the_notes_init():
    panel = panels.ForwardPanel(REG)
    assert panel.params_ui.params() == P0
    bars, _ = panel.figure.axes
    assert [b.get_height() for b in bars.patches] == [(y - 2 * (iq + cgpa)) ** 2 for (iq, cgpa), y in zip(REG.X, REG.y)]
    assert bars.get_title() == "mean loss = 19183.5"


def test_02_gradient_panel_shows_the_tables_numbers():
    panel = panels.GradientPanel(REG)
    rows = lessons.derivative_rows(P0, REG.X[0], float(REG.y[0]), "regression")
    assert [r["product"] for r in panel.rows] == [r["product"] for r in rows]
    assert [r["product"] for r in panel.rows] == [29568, 29568, 336, 26880, 2688, 336, 26880, 2688, 336]


def test_02_training_panel_starts_with_the_notebooks_run():
    panel = panels.TrainingPanel(REG, eta=1e-5, epochs=100)
    history = nb.train(REG.X, REG.y, "regression", P0, eta=1e-5, epochs=100)
    assert panel.history.diverged_at is None
    assert np.array_equal(panel.history.losses, history.losses)


def test_03_forward_panel_draws_the_tables_numbers():
    panel = panels.ForwardPanel(CLS)
    bars, model = panel.figure.axes
    assert panel.params_ui.params() == P0
    assert "no ŷ = 0.5 line" in model.get_title()
    assert np.allclose([bar.get_height() for bar in bars.patches], nb.losses(P0, CLS.X, CLS.y, "classification"))


def test_04_panels_start_from_the_notebooks_numbers():
    grad = panels.GradientPanel(CLS, row=2)
    rows3 = lessons.derivative_rows(P0, CLS.X[2], float(CLS.y[2]), "classification")
    assert [r["product"] for r in grad.rows] == [r["product"] for r in rows3]
    assert max(r["rel_error"] for r in grad.rows) < 1e-6

    scaler = nb.fit_scaler(CLS.X)
    history = nb.train(scaler.transform(CLS.X), CLS.y, "classification", nb.Params.random(2), eta=0.1, epochs=100)
    scrubber = panels.EpochScrubber(history, CLS, scaler)
    assert scrubber.epoch.max == 100 and scrubber.epoch.value == 0
    assert tuple(scrubber.marker.get_data()[1]) == (history.losses[0],)

    train_panel = panels.ClassificationTrainingPanel(CLS, eta=1e-3, epochs=100)
    notes_run = nb.train(CLS.X, CLS.y, "classification", P0, eta=1e-3, epochs=100)
    assert np.array_equal(train_panel.history.losses, notes_run.losses)
    assert "g′(z₁₁)" not in train_panel.formulas.value  # linear hidden neurons: no g′ factor in the formulas


def test_06_playground_starts_as_the_notebook_describes():
    from nbhelpers.panels.playground import PlaygroundPanel

    panel = PlaygroundPanel(data="preset: xor", hidden="tanh", eta=0.1)
    s = panel.state
    assert (
        s.params == panels.on_sliders(nb.Params.random(1)) and s.updates == 0 and s.next_row == 0 and s.stopped is None
    )
    assert s.data.source == "preset 'xor' (seed 0)" and s.hidden == "tanh" and s.standardise and s.eta == 0.1
    net, land, curve, model = panel.figure.axes
    assert "the ringed row through the network" in [t.get_text() for t in net.texts]
    assert model.get_title() == "○ row 1 (the next Step)"
    assert "Press <b>Step</b>" in panel.table.value and panel.message.value == ""
    assert np.allclose(s.params, nb.Params.random(1), atol=0.005)  # the sliders' grid: 0.01 for weights
