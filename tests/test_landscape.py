"""nbhelpers.landscape: the mean loss over a grid of two parameters, against the reference's loss point by point."""

from __future__ import annotations

import numpy as np
import pytest
import reference as ref

from nbhelpers import landscape


@pytest.mark.parametrize("task", ref.TASKS)
@pytest.mark.parametrize("hidden", ["linear", "tanh"])
def test_every_grid_point_is_the_mean_loss_with_those_two_values(task, hidden):
    rng = np.random.default_rng(0)
    X = rng.normal(0, 1, (7, 2))
    y = (rng.random(7) > 0.5).astype(float) if task == "classification" else rng.normal(0, 2, 7)
    p = dict(zip(ref.NAMES, rng.normal(0, 1, 9)))
    a_values, b_values = np.linspace(-2, 2, 5), np.linspace(-1, 3, 4)
    s = landscape.loss_surface(list(p.values()), X, y, task, "w1_21", "b_21", a_values, b_values, hidden)
    assert s.losses.shape == (4, 5)
    rows = [(float(a), float(b), float(t)) for (a, b), t in zip(X, y)]
    for i, b in enumerate(b_values):
        for j, a in enumerate(a_values):
            want = ref.mean_loss({**p, "w1_21": a, "b_21": b}, rows, task, hidden)
            assert s.losses[i, j] == pytest.approx(want, rel=1e-12, abs=1e-14)


def test_chunks_of_rows_give_the_same_surface(monkeypatch):
    rng = np.random.default_rng(1)
    X, y = rng.normal(0, 1, (50, 2)), rng.normal(0, 1, 50)
    args = (rng.normal(0, 1, 9), X, y, "regression", "w2_11", "w2_21", np.linspace(-1, 1, 6), np.linspace(0, 2, 3))
    whole = landscape.loss_surface(*args).losses
    monkeypatch.setattr(landscape, "CHUNK_ELEMENTS", 6 * 7)  # 7 rows by one row of the grid: 8 chunks of rows
    assert np.allclose(landscape.loss_surface(*args).losses, whole, rtol=1e-13)


def test_bad_parameter_names_are_named():
    X, y = np.zeros((2, 2)), np.zeros(2)
    with pytest.raises(ValueError, match="a must be one of w1_11.*got 'w3_11'"):
        landscape.loss_surface(np.ones(9), X, y, "regression", "w3_11", "b_21", [0], [0])
    with pytest.raises(ValueError, match="two different parameters"):
        landscape.loss_surface(np.ones(9), X, y, "regression", "b_21", "b_21", [0], [0])
    with pytest.raises(ValueError, match="finite"):
        landscape.loss_surface(np.ones(9), X, y, "regression", "b_11", "b_21", [np.nan], [0])


def test_span_covers_the_path_and_the_centre():
    values = landscape.span_around([0.2, 0.9, 0.4], centre=-0.5, n=11)
    assert len(values) == 11 and values[0] < -0.5 and values[-1] > 0.9
    assert values[-1] - values[0] == pytest.approx(1.4 * 2)  # range 1.4, widened by half of it on each side
    assert values[-1] - values[0] >= 1.0
    narrow = landscape.span_around([1.0], centre=1.0, minimum=1.0)
    assert narrow[0] == pytest.approx(0.0) and narrow[-1] == pytest.approx(2.0)
