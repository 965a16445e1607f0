"""Params (names, immutability, constructors, round trips) and the data loaders.

Expected values are written out by hand from the notes ("The two problems and their data",
"Code names"), never captured from the code.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import nbhelpers as nb

# The notes, "Code names (fixed for the whole project)", in that order.
EXPECTED_NAMES = ("w1_11", "w1_21", "w1_12", "w1_22", "b_11", "b_12", "w2_11", "w2_21", "b_21")

# The notes, the two tables: (iq, cgpa, target).
REGRESSION_ROWS = [(80, 8, 8), (70, 7, 7), (60, 6, 6), (50, 5, 5)]
CLASSIFICATION_ROWS = [(80, 8, 1), (70, 7, 1), (60, 6, 0), (50, 5, 0)]


# --- Params ---------------------------------------------------------------------------------------
def test_param_names_exact_tuple():
    assert nb.PARAM_NAMES == EXPECTED_NAMES
    assert type(nb.PARAM_NAMES) is tuple
    assert nb.Params._fields == EXPECTED_NAMES


def test_params_is_immutable():
    p = nb.Params.notes_init()
    with pytest.raises(AttributeError):
        p.w1_11 = 5.0
    # no attribute beyond the nine either (Params' own __slots__ = ()): a mistyped name is an error, not a new
    # attribute that every function would silently ignore
    with pytest.raises(AttributeError):
        p.w1_13 = 5.0
    assert not hasattr(p, "__dict__")


def test_replace_returns_a_new_record():
    p = nb.Params.notes_init()
    q = p.replace(w1_11=0.5, b_21=-2)
    assert type(q) is nb.Params and q.w1_11 == 0.5 and q.b_21 == -2.0
    assert type(q.b_21) is float  # replaced values go through Params' check too (an int is stored as a float)
    assert q[1:8] == p[1:8]


def test_notes_init_every_weight_one_every_bias_zero():
    p = nb.Params.notes_init()
    for name in EXPECTED_NAMES:
        expected = 0.0 if name.startswith("b_") else 1.0
        assert getattr(p, name) == expected, name
        assert type(getattr(p, name)) is float, name  # a Python float, not a numpy number
    assert tuple(p) == (1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0)


def test_random_is_deterministic_per_seed_and_seeds_differ():
    a, b = nb.Params.random(3), nb.Params.random(3)
    assert a == b
    assert nb.Params.random(4) != a
    assert nb.Params.random(0) == nb.Params.random()  # documented default seed 0
    for p in (a, nb.Params.random(4)):
        assert all(type(v) is float for v in p)  # Python floats, not the numpy float64 that numpy drew
        assert (p.b_11, p.b_12, p.b_21) == (0.0, 0.0, 0.0)  # biases 0
        assert all(v != 0.0 for v in (p.w1_11, p.w1_21, p.w1_12, p.w1_22, p.w2_11, p.w2_21))


def test_random_scale_matches_normal_distribution():
    # N(0, scale^2) for the six weights: over many seeds the sample std is close to scale.
    weights = np.array(
        [
            [p.w1_11, p.w1_21, p.w1_12, p.w1_22, p.w2_11, p.w2_21]
            for p in (nb.Params.random(s, scale=2.0) for s in range(400))
        ]
    )
    assert abs(weights.mean()) < 0.15
    assert weights.std() == pytest.approx(2.0, rel=0.05)
    # the draw is numpy's default_rng(seed).normal(0, scale, 6), as documented
    w = np.random.default_rng(11).normal(0.0, 0.5, size=6)
    p = nb.Params.random(11)
    assert (p.w1_11, p.w1_21, p.w1_12, p.w1_22, p.w2_11, p.w2_21) == tuple(w)


def test_dict_round_trip():
    p = nb.Params.random(7)
    d = p.to_dict()
    assert list(d) == list(EXPECTED_NAMES)
    assert d == {name: getattr(p, name) for name in EXPECTED_NAMES}
    assert nb.Params.from_dict(d) == p
    # order of the mapping does not matter, names do
    assert nb.Params.from_dict(dict(reversed(list(d.items())))) == p


def test_array_round_trip():
    values = [0.5, -1.5, 2.0, 0.25, 3.0, -4.0, 1e-3, -7.0, 8.5]
    p = nb.Params.from_array(values)
    assert tuple(p) == tuple(values)
    arr = p.to_array()
    assert isinstance(arr, np.ndarray) and arr.dtype == float and arr.shape == (9,)
    np.testing.assert_array_equal(arr, values)
    assert nb.Params.from_array(arr) == p
    assert nb.Params.from_array(np.array(values)) == p
    assert nb.Params.from_dict(dict(zip(EXPECTED_NAMES, values))) == p


def test_public_functions_accept_params_dict_or_sequence():
    # the loss at the notes' init, row 1, is (8 - 176)^2 = 28224 whatever form the parameters take
    p = nb.Params.notes_init()
    for form in (p, p.to_dict(), list(p), p.to_array()):
        assert nb.loss(form, [80, 8], 8, "regression") == 28224.0


# --- datasets -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, rows, target",
    [("regression", REGRESSION_ROWS, "package"), ("classification", CLASSIFICATION_ROWS, "placed")],
)
def test_load_dataset_values_are_the_notes_rows(name, rows, target):
    d = nb.load_dataset(name)
    assert isinstance(d.X, np.ndarray) and d.X.shape == (4, 2) and d.X.dtype == float
    assert isinstance(d.y, np.ndarray) and d.y.shape == (4,) and d.y.dtype == float
    assert d.X.tolist() == [[float(iq), float(cgpa)] for iq, cgpa, _ in rows]
    assert d.y.tolist() == [float(t) for _, _, t in rows]
    assert tuple(d.feature_names) == ("iq", "cgpa")
    assert d.target_name == target
    assert d.task == name
    assert d.source.endswith(f"{name}.csv")


def test_load_dataset_from_another_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    d = nb.load_dataset("regression")
    assert d.X.tolist() == [[80.0, 8.0], [70.0, 7.0], [60.0, 6.0], [50.0, 5.0]]
    assert d.y.tolist() == [8.0, 7.0, 6.0, 5.0]
    c = nb.load_dataset("classification")
    assert c.y.tolist() == [1.0, 1.0, 0.0, 0.0]


def test_load_csv_learners_file(tmp_path):
    # a learner's own file: other column order, an extra column, spaces, a blank line, CRLF line ends
    path = tmp_path / "my students.csv"
    path.write_bytes(b"name, cgpa ,iq,package\r\nana,9.5,110,12.5\r\n\r\nbo,6.25,95,7\r\n")
    d = nb.load_csv(path, ("iq", "cgpa"), "package", task="regression")
    assert d.X.tolist() == [[110.0, 9.5], [95.0, 6.25]]
    assert d.y.tolist() == [12.5, 7.0]
    assert tuple(d.feature_names) == ("iq", "cgpa") and d.target_name == "package"
    assert d.task == "regression"
    assert d.source == str(path)
    # and it trains: the data is usable straight away
    h = nb.train(d.X, d.y, "regression", nb.Params.notes_init(), 1e-6, 2)
    assert len(h.losses) == 3


def test_load_csv_classification_file(tmp_path):
    path = tmp_path / "placed.csv"
    path.write_text("iq,cgpa,placed\n100,9,1\n40,4,0\n", encoding="utf-8")
    d = nb.load_csv(str(path), ["iq", "cgpa"], "placed", "classification")
    assert d.X.tolist() == [[100.0, 9.0], [40.0, 4.0]]
    assert d.y.tolist() == [1.0, 0.0]
    assert d.task == "classification"


def test_standardise_gives_mean_zero_std_one():
    d = nb.load_dataset("regression")
    Z = nb.standardise(d.X)
    # independent: iq column 80,70,60,50 has mean 65 and population std sqrt(125)
    np.testing.assert_allclose(Z[:, 0], (np.array([80, 70, 60, 50]) - 65) / math.sqrt(125), rtol=1e-12)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1.0, rtol=1e-12)
    s = nb.fit_scaler(d.X)
    np.testing.assert_allclose(s.inverse(s.transform(d.X)), d.X, rtol=1e-12)


def test_load_csv_accepts_excel_utf8_bom(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbfiq,cgpa,package\r\n80,8,8\r\n")
    d = nb.load_csv(path, ("iq", "cgpa"), "package", "regression")
    assert d.X.tolist() == [[80.0, 8.0]]
