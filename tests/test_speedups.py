"""The fast paths against the straightforward computations they replace, which stay here as the references.

- ``training._sgd_epoch`` (one epoch of per-sample SGD, written out on nine floats) against ``chain_rule`` then
  ``_update`` for each row, and ``training._mean_loss`` against ``forward_values`` and the loss: bit for bit,
  overflow (inf, nan) included, so ``train``'s histories are the numbers they were;
- the activations' ``*_and_prime`` against ``g`` and ``g_prime``: bit for bit;
- ``loss_functions.softplus_array`` against ``cross_entropy_array`` (float64: bit for bit) and against ``math``
  (float32: to float32's precision, also where e^-|u| is far below its epsilon);
- ``landscape.loss_surface`` (blocks of the grid, softplus, optionally float32) against the one broadcast pass it
  was; ``plots.landscape.filled_contour`` against ``ax.contourf``, pixel for pixel;
- ``Playground.trajectory`` (an array kept up to date) against the list comprehension it was.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
import reference as ref
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

import nbhelpers as nb
from nbhelpers import landscape, playground, training
from nbhelpers.activations import ACTIVATIONS
from nbhelpers.backprop import chain_rule
from nbhelpers.data import make_preset
from nbhelpers.loss_functions import OUTPUTS, cross_entropy_array, softplus_array
from nbhelpers.network import forward_values
from nbhelpers.plots.landscape import filled_contour

TASKS, HIDDENS = ref.TASKS, ref.HIDDENS


def bits(values):
    """Floats as their exact bit patterns (nan, inf and the sign of zero included)."""
    return [float(v).hex() for v in values]


def rows_of(X, y):
    return [(float(a), float(b), float(t)) for (a, b), t in zip(X, y)]


def data_for(task, n=9, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(0, scale, (n, 2))
    y = (rng.random(n) > 0.5).astype(float) if task == "classification" else rng.normal(0, 2, n)
    return X, y


# --- training: one epoch -------------------------------------------------------------------------------------------
def reference_epoch(p, rows, eta, task, hidden):
    """The straightforward epoch: for each row, chain_rule (one forward pass, nine derivatives), then _update."""
    out, act = OUTPUTS[task], ACTIVATIONS[hidden]
    g, g_prime = (None, None) if hidden == "linear" else (act.g, act.g_prime)
    for x1, x2, y in rows:
        p = training._update(p, chain_rule(p, x1, x2, y, out.dL_dz, g, g_prime), eta)
    return tuple(p)


def reference_mean_loss(p, rows, task, hidden):
    g = None if hidden == "linear" else ACTIVATIONS[hidden].g
    return sum(OUTPUTS[task].loss(forward_values(p, x1, x2, g)[4], y) for x1, x2, y in rows) / len(rows)


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("hidden", HIDDENS)
@pytest.mark.parametrize("eta", [1e-3, 0.5, 1e6])  # the last one overflows: inf and nan must come out alike
def test_an_epoch_is_chain_rule_then_update_for_each_row_bit_for_bit(task, hidden, eta):
    X, y = data_for(task, seed=3, scale=2.0)
    rows = rows_of(X, y)
    g_and_prime = None if hidden == "linear" else ACTIVATIONS[hidden].g_and_prime
    for seed in range(4):
        p = tuple(np.random.default_rng(seed).normal(0, 1.5, 9).tolist())
        for _ in range(3):  # three epochs in a row, the second and third from the first's result
            want = reference_epoch(p, rows, eta, task, hidden)
            got = training._sgd_epoch(p, rows, eta, OUTPUTS[task].dL_dz, g_and_prime)
            assert bits(got) == bits(want), (seed, task, hidden, eta)
            g = None if hidden == "linear" else ACTIVATIONS[hidden].g
            with np.errstate(all="ignore"):
                assert bits([training._mean_loss(got, rows, OUTPUTS[task], g)]) == bits(
                    [reference_mean_loss(got, rows, task, hidden)]
                )
            p = got


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("hidden", ["linear", "tanh"])
def test_train_records_the_reference_epochs(task, hidden):
    """train's whole history is the reference epochs' (shuffled rows too), and it still agrees with tests/reference.py
    (the notes written independently) to rounding."""
    X, y = data_for(task, seed=5)
    start = nb.Params.random(4)
    h = nb.train(X, y, task, start, 0.05, 12, hidden, shuffle=True, seed=7)
    rng, rows, p = np.random.default_rng(7), rows_of(X, y), tuple(start)
    want = [p]
    for _ in range(12):
        p = reference_epoch(p, [rows[i] for i in rng.permutation(len(rows))], 0.05, task, hidden)
        want.append(p)
    assert h.diverged_at is None and h.losses[-1] < h.losses[0]
    assert [bits(r) for r in h.param_values.tolist()] == [bits(r) for r in want]
    assert bits(h.losses) == bits([reference_mean_loss(q, rows, task, hidden) for q in want])
    plain = nb.train(X, y, task, start, 0.05, 12, hidden)
    losses, history = ref.train(start, rows, 0.05, 12, task, hidden)
    np.testing.assert_allclose(plain.losses, losses, rtol=1e-12)
    np.testing.assert_allclose(plain.final, [history[-1][n] for n in ref.NAMES], rtol=1e-12)


@pytest.mark.parametrize("hidden", HIDDENS)
def test_g_and_prime_is_g_and_g_prime(hidden):
    act = ACTIVATIONS[hidden]
    zs = [0.0, -0.0, 1e-300, -3.5, 0.7, 17.0, -40.0, 800.0, -800.0, math.inf, -math.inf, math.nan]
    for z in zs + np.random.default_rng(0).normal(0, 5, 50).tolist():
        assert bits(act.g_and_prime(z)) == bits((act.g(z), act.g_prime(z))), z


# --- the loss on a grid ------------------------------------------------------------------------------------------
def test_softplus_is_the_cross_entropy_bit_for_bit_in_float64():
    z = np.concatenate([np.random.default_rng(1).normal(0, 20, 2000), [0.0, -0.0, 36.0, -36.0, 745.0, -745.0, 1e300]])
    for y in (0.0, 1.0):
        want = cross_entropy_array(z, y)
        got = softplus_array(z * (1 - 2 * y))
        assert got.dtype == np.float64 and bits(got) == bits(want)


def test_softplus_in_float32_has_float32_precision():
    """Against math in Python floats, also for |u| from 17 to 87, where e^-|u| vanishes beside 1 in float32 and a plain
    log(1 + t) would give 0 instead of e^-|u| (beyond 87, e^-|u| is below float32's smallest normal number); and
    overflow-free at the ends."""
    u = np.concatenate([np.linspace(-87, 87, 4001), [-30.0, -17.0, 17.0, 30.0]]).astype(np.float32)
    got = softplus_array(u)
    assert got.dtype == np.float32
    want = [max(v, 0.0) + math.log1p(math.exp(-abs(v))) for v in u.astype(float).tolist()]
    np.testing.assert_allclose(got.astype(float), want, rtol=3e-7, atol=0)
    ends = softplus_array(np.array([np.inf, -np.inf, np.nan], dtype=np.float32))
    assert ends[0] == np.inf and ends[1] == 0.0 and np.isnan(ends[2])


def reference_surface(params, X, y, task, a, b, a_values, b_values, hidden):
    """The straightforward landscape: every grid point on every row in one broadcast pass, cross_entropy_array."""
    p = [float(v) for v in nb.Params(*params)]
    names = nb.PARAM_NAMES
    p[names.index(a)] = np.asarray(a_values, dtype=float)[None, :, None]
    p[names.index(b)] = np.asarray(b_values, dtype=float)[:, None, None]
    X = np.asarray(X, dtype=float)
    z = forward_values(p, X[:, 0], X[:, 1], None if hidden == "linear" else ACTIVATIONS[hidden].g_array)[4]
    return OUTPUTS[task].loss_array(z, np.asarray(y, dtype=float)).mean(axis=-1)


PAIRS = [("w2_11", "b_21"), ("w1_11", "w1_21"), ("b_12", "w1_22"), ("w2_21", "b_11")]


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("hidden", HIDDENS)
def test_the_surface_is_the_one_broadcast_pass(task, hidden, monkeypatch):
    X, y = data_for(task, n=23, seed=2)
    p = np.random.default_rng(6).normal(0, 1, 9)
    a_values, b_values = np.linspace(-2, 3, 17), np.linspace(-1, 2, 11)
    for a, b in PAIRS:
        want = reference_surface(p, X, y, task, a, b, a_values, b_values, hidden)
        got = landscape.loss_surface(p, X, y, task, a, b, a_values, b_values, hidden)
        np.testing.assert_allclose(got.losses, want, rtol=1e-13, atol=0)
        single = landscape.loss_surface(p, X, y, task, a, b, a_values, b_values, hidden, dtype=np.float32)
        assert single.losses.dtype == np.float64
        np.testing.assert_allclose(single.losses, want, rtol=2e-6, atol=0)
    with monkeypatch.context() as m:  # blocks of 3 rows of the data, one row of the grid each: the same surface
        m.setattr(landscape, "CHUNK_ELEMENTS", 17 * 3)
        got = landscape.loss_surface(p, X, y, task, "w1_12", "b_21", a_values, b_values, hidden)
        want = reference_surface(p, X, y, task, "w1_12", "b_21", a_values, b_values, hidden)
        np.testing.assert_allclose(got.losses, want, rtol=1e-13, atol=0)


def test_a_bad_dtype_is_named():
    X, y = np.zeros((2, 2)), np.zeros(2)
    with pytest.raises(ValueError, match="dtype must be float32 or float64"):
        landscape.loss_surface(np.ones(9), X, y, "regression", "b_11", "b_21", [0], [0], dtype=np.int64)


def test_sigmoid_keeps_float32_and_makes_anything_else_float64():
    z = np.linspace(-30, 30, 101)
    single = nb.activations.sigmoid_array(z.astype(np.float32))
    assert single.dtype == np.float32
    np.testing.assert_allclose(single, nb.activations.sigmoid_array(z), rtol=1e-6)
    assert nb.activations.sigmoid_array(0.5).dtype == np.float64
    assert nb.activations.sigmoid_array([1, 2]).dtype == np.float64


# --- the landscape's filled contour ----------------------------------------------------------------------------
def rendered(fig) -> np.ndarray:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def a_surface(seed, pair=("w2_11", "b_21"), n=40):
    xor = make_preset("xor")
    values = np.linspace(-3, 3, n)
    s = landscape.loss_surface(
        nb.Params.random(seed), nb.standardise(xor.X), xor.y, "classification", *pair, values, values, "tanh"
    )
    return values, s.losses


def a_plateau(n=30):
    """A surface whose lowest value is a flat disc: the lowest band must include its lowest level."""
    values = np.linspace(-2, 2, n)
    A, B = np.meshgrid(values, values)
    return values, np.maximum(A**2 + B**2 - 1, 0) * 50 + 0.5


@pytest.mark.parametrize("log", [True, False])
def test_the_filled_contour_is_contourf_pixel_for_pixel(log):
    for values, Z in (a_surface(1), a_surface(3, ("w1_11", "w1_21")), a_plateau()):
        low, high = float(Z.min()), float(Z.max())
        if log:
            levels, norm = np.geomspace(low, high * (1 + 1e-9), 14), LogNorm(low, high)
        else:
            levels, norm = np.linspace(low, high * (1 + 1e-12) + 1e-300, 14), None
        figures = []
        for ours in (False, True):
            fig = Figure(figsize=(4, 3), dpi=80)
            ax = fig.add_subplot()
            if ours:
                filled_contour(ax, values, values, Z, levels, norm)
            else:
                ax.contourf(values, values, Z, levels=levels, cmap="viridis", **({"norm": norm} if norm else {}))
            ax.set_xlim(values[0], values[-1])
            ax.set_ylim(values[0], values[-1])
            figures.append(rendered(fig))
        assert np.array_equal(*figures), (Z.shape, log)


def test_a_filled_contour_moved_in_place_is_a_new_one():
    values, first = a_surface(1)
    _, second = a_surface(5)
    pictures = []
    for steps in ((first, second), (second,)):
        fig = Figure(figsize=(4, 3), dpi=80)
        ax = fig.add_subplot()
        drawn = None
        for Z in steps:  # the log colours, then linear ones: the collection takes the new norm too
            log = Z is first
            levels = np.geomspace(Z.min(), Z.max() * (1 + 1e-9), 14) if log else np.linspace(Z.min(), Z.max(), 14)
            drawn = filled_contour(ax, values, values, Z, levels, LogNorm(Z.min(), Z.max()) if log else None, drawn)
        assert len(ax.collections) == 1
        ax.set_xlim(values[0], values[-1])
        ax.set_ylim(values[0], values[-1])
        pictures.append(rendered(fig))
    assert np.array_equal(*pictures)


def test_plot_landscape_draws_one_fill_and_removes_it_for_a_flat_surface():
    from nbhelpers.plots.landscape import plot_landscape

    values, Z = a_surface(2, n=20)
    fig = Figure(figsize=(4, 3), dpi=80)
    ax = fig.add_subplot()
    surface = landscape.Surface("w2_11", "b_21", values, values, Z)
    drawn = plot_landscape(surface, [0.1, 0.2], [0.3, 0.1], ax=ax)
    again = plot_landscape(surface._replace(losses=Z * 2), [0.1, 0.2], [0.3, 0.1], ax=ax, drawn=drawn)
    assert again["contour"] is drawn["contour"] and len(ax.collections) == 1
    flat = plot_landscape(surface._replace(losses=np.ones_like(Z)), [0.1], [0.3], ax=ax, drawn=again)
    assert flat["contour"] is None and not ax.collections
    buf = io.BytesIO()
    fig.savefig(buf, format="png")


# --- the playground's path ---------------------------------------------------------------------------------------
def test_trajectory_is_every_recorded_parameter_after_steps_epochs_thinning_and_reset(monkeypatch):
    monkeypatch.setattr(playground, "MAX_RECORDS", 7)
    state = playground.Playground(make_preset("xor"), nb.Params.random(1), eta=0.1, hidden="tanh")

    def straightforward(name):
        k = nb.PARAM_NAMES.index(name)
        return np.array([p[k] for _, p in state.path])

    for action in ["step"] * 5 + ["epoch"] * 2 + ["step"] * 6 + ["reset", "step", "step"]:
        getattr(state, action)()
        for name in ("w1_11", "b_21"):
            got = state.trajectory(name)
            assert bits(got) == bits(straightforward(name)), (action, name)
        got[0] = 99.0  # a copy: the caller may change it
        assert state.trajectory("b_21")[0] != 99.0
