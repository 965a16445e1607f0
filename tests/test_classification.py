"""What notebooks 03 and 04 compute and show (classification), each against an independent reference, and their
panels driven to extremes.

References are written out here with ``math`` (the loss and its derivatives from their textbook formulas,
central differences, the boundary line of a hand-solved network), not taken from the code under test.
"""

import math

import numpy as np
import pytest
from panel_checks import assert_figure_ok, extremes

import nbhelpers as nb
from nbhelpers import activations, lessons, panels, plots, tables
from nbhelpers import loss_functions as LF

DATA = nb.load_dataset("classification")
P0 = nb.Params.notes_init()
SCALER = nb.fit_scaler(DATA.X)
X_STD = SCALER.transform(DATA.X)


def bce(y_hat, y):
    """Reference: J = -y log y_hat - (1 - y) log(1 - y_hat), for 0 < y_hat < 1."""
    return -y * math.log(y_hat) - (1 - y) * math.log(1 - y_hat)


def sig(z):
    return 1 / (1 + math.exp(-z))


# --- the loss, two ways ---------------------------------------------------------------------------------------
def test_notes_row_3_naive_is_log0_and_stable_is_132():
    f = nb.forward(P0, DATA.X[2], "classification")
    assert f.z == 132.0 and f.y_hat == 1.0
    assert LF.naive_cross_entropy(f.y_hat, 0.0) == math.inf  # -log(0), and no RuntimeWarning (warnings are errors)
    assert math.isnan(LF.naive_cross_entropy(1.0, 1.0))  # 0 * log 0 in floats
    assert LF.cross_entropy_array(132.0, 0.0) == 132.0
    assert nb.loss(P0, DATA.X[2], 0.0, "classification") == 132.0


@pytest.mark.parametrize("z", [-4.0, -0.2, 0.0, 0.7, 4.0])
@pytest.mark.parametrize("y", [0.0, 1.0])
def test_both_losses_agree_with_the_textbook_formula_where_y_hat_is_not_rounded(z, y):
    expected = bce(sig(z), y)
    assert LF.naive_cross_entropy(sig(z), y) == pytest.approx(expected, rel=1e-12)
    assert LF.cross_entropy_array(z, y) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("z", [-700.0, -30.0, -3.0, 0.0, 3.0, 30.0, 700.0])
@pytest.mark.parametrize("y", [0.0, 1.0])
def test_stable_loss_is_the_softplus(z, y):
    """J = log(1 + e^z) for y = 0 and log(1 + e^-z) for y = 1 (math.log1p, exact for these z)."""
    expected = math.log1p(math.exp(z)) if y == 0 else math.log1p(math.exp(-z))
    assert LF.cross_entropy_array(z, y) == pytest.approx(expected, rel=1e-14)


def test_stable_loss_for_huge_z_is_linear():
    """For y = 0 and z >> 0, J = z + log(1 + e^-z) = z; for y = 1 and z << 0, J = -z."""
    assert LF.cross_entropy_array(800.0, 0.0) == 800.0
    assert LF.cross_entropy_array(-800.0, 1.0) == 800.0
    assert np.array_equal(LF.cross_entropy_array(np.array([176.0, 110.0]), np.array([0.0, 0.0])), [176.0, 110.0])


# --- local derivatives -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("y_hat", [0.05, 0.3, 0.5, 0.9])
@pytest.mark.parametrize("y", [0.0, 1.0])
def test_dJ_dy_hat_against_central_differences(y_hat, y):
    h = 1e-7
    numeric = (bce(y_hat + h, y) - bce(y_hat - h, y)) / (2 * h)
    assert LF.dJ_dy_hat(y_hat, y) == pytest.approx(numeric, rel=1e-6)
    assert LF.dJ_dy_hat(y_hat, y) == pytest.approx(-y / y_hat + (1 - y) / (1 - y_hat), rel=1e-12)


@pytest.mark.parametrize("z", [-6.0, -1.0, 0.0, 0.7, 3.0])
def test_sigmoid_prime_against_central_differences(z):
    h = 1e-6
    numeric = (sig(z + h) - sig(z - h)) / (2 * h)
    assert LF.dy_hat_dz(z) == pytest.approx(numeric, rel=1e-7)
    assert activations.sigmoid_prime_exact(z) == pytest.approx(numeric, rel=1e-7)
    assert activations.sigmoid(z) == pytest.approx(sig(z), rel=1e-15)


@pytest.mark.parametrize("z", [110.0, 132.0, 154.0, 176.0])
def test_sigmoid_prime_exact_in_the_saturated_range(z):
    """sigma'(z) = e^-z / (1 + e^-z)^2 = e^-z to 1e-47 here; the y_hat (1 - y_hat) form gives exactly 0."""
    assert activations.sigmoid_prime_exact(z) == pytest.approx(math.exp(-z), rel=1e-12)
    assert LF.dy_hat_dz(z) == 0.0


@pytest.mark.parametrize("z", [-4.0, -0.5, 0.0, 1.5, 5.0])
@pytest.mark.parametrize("y", [0.0, 1.0])
def test_dJ_dz_is_the_product_and_matches_central_differences(z, y):
    h = 1e-6
    numeric = (bce(sig(z + h), y) - bce(sig(z - h), y)) / (2 * h)
    assert LF.dJ_dz(z, y) == pytest.approx(numeric, rel=1e-6, abs=1e-9)
    assert lessons.naive_dJ_dz(z, y) == pytest.approx(LF.dJ_dz(z, y), rel=1e-9, abs=1e-12)


def test_naive_product_is_nan_once_y_hat_rounds_to_one():
    assert math.isnan(lessons.naive_dJ_dz(132.0, 0.0))  # (1 / 0) * 0
    assert math.isnan(lessons.naive_dJ_dz(176.0, 1.0))  # (0 / 0) * 0
    assert LF.dJ_dz(132.0, 0.0) == 1.0
    assert LF.dJ_dz(176.0, 1.0) == pytest.approx(-math.exp(-176.0), rel=1e-12)  # -(1 - sigma(z)) = -sigma(-z)
    assert LF.dJ_dy_hat(1.0, 0.0) == math.inf


def test_regression_and_classification_share_the_rest_of_every_path():
    """Each classification derivative is its regression twin with -2 (y - y_hat) replaced by -(y - y_hat)."""
    reg = nb.load_dataset("regression")
    for p in (P0, nb.Params.random(3)):
        for i in range(4):
            f = nb.forward(p, DATA.X[i], "classification")
            d_cls = -(DATA.y[i] - f.y_hat)
            d_reg = -2 * (reg.y[i] - f.z)
            if abs(d_cls) < 1e-9:
                continue
            rest_cls = nb.gradients(p, DATA.X[i], DATA.y[i], "classification").to_array() / d_cls
            rest_reg = nb.gradients(p, reg.X[i], reg.y[i], "regression").to_array() / d_reg
            assert np.allclose(rest_cls, rest_reg, rtol=1e-9)


# --- tables ----------------------------------------------------------------------------------------------------
def test_loss_table_shows_both_ways():
    loss = tables.loss_table(P0, DATA)
    assert loss.count("inf (−log 0)") == 2 and loss.count("nan (0 × log 0)") == 3  # rows 3, 4; rows 1, 2, mean
    assert ">132<" in loss and ">110<" in loss and ">60.5<" in loss and ">3.66582e-77<" in loss
    sep = tables.loss_table(lessons.SEPARATING, DATA)  # no rounding to 1.0 here: both ways agree, no inf or nan
    assert "inf" not in sep and "nan" not in sep


def test_step_table_row_3():
    eta = 1e-3
    html = tables.step_table_html(lessons.step_rows(P0, DATA.X[2], 0.0, eta, "classification"), eta)
    assert "∂J/∂θ" in html
    assert ">0.934<" in html and ">0.94<" in html and ">0.994<" in html and ">-0.001<" in html
    assert html.index("w²₁₁") < html.index("w¹₁₁") < html.index("w¹₁₂")  # the notes' order


def test_separating_setting_fits_the_sliders_and_separates():
    assert lessons.count_errors(lessons.SEPARATING, DATA.X, DATA.y) == 0
    assert lessons.count_errors(P0, DATA.X, DATA.y) == 2
    for name, value in lessons.SEPARATING.to_dict().items():
        lo, hi, step = panels.slider_range(name)
        assert lo <= value <= hi and abs(round(value / step) * step - value) < 1e-9


# --- decision boundary geometry ----------------------------------------------------------------------------------
def test_boundary_points_lie_on_the_hand_solved_line():
    """SEPARATING: z_f = 0.77 * 2 (0.05 iq + 0.5 cgpa) - 10 = 0  <=>  cgpa = (10 / 1.54 - 0.05 iq) / 0.5."""
    pts = lessons.boundary_points(lessons.SEPARATING, DATA.X)
    assert len(pts) > 100
    assert np.allclose(pts[:, 1], (10 / 1.54 - 0.05 * pts[:, 0]) / 0.5, atol=1e-9)
    assert lessons.line_fit_residual(pts, DATA.X) < 1e-12


def test_no_boundary_at_the_notes_init():
    pts = lessons.boundary_points(P0, DATA.X)
    assert pts.shape == (0, 2) and math.isnan(lessons.line_fit_residual(pts, DATA.X))


def test_line_fit_residual_of_a_known_curve():
    """Points on a parabola y = x^2 over [-1, 1] are far from a line; points on a line are not."""
    x = np.linspace(-1, 1, 201)
    box = np.array([[-1.0, 0.0], [1.0, 1.0]])
    assert lessons.line_fit_residual(np.column_stack([x, 0.3 * x + 0.1]), box) < 1e-15
    assert lessons.line_fit_residual(np.column_stack([x, x**2]), box) > 0.05


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("standardise", [False, True])
def test_linear_hidden_boundaries_are_straight(seed, standardise):
    params = nb.Params.random(seed, scale=2.0)
    if not standardise:  # raw inputs: put the boundary inside the picture with the output bias
        z_mid = nb.forward(params, DATA.X.mean(axis=0), "classification").z
        params = params.replace(b_21=-z_mid)
    pts = lessons.boundary_points(params, DATA.X, "linear", SCALER if standardise else None)
    assert len(pts) > 50
    assert lessons.line_fit_residual(pts, DATA.X) < 1e-9


def test_tanh_and_relu_boundaries_can_bend():
    bent = {
        g: lessons.line_fit_residual(lessons.boundary_points(nb.Params.random(0, 2.0), DATA.X, g, SCALER), DATA.X)
        for g in ("tanh", "relu")
    }
    assert bent["tanh"] > 1e-2 and bent["relu"] > 1e-2


def test_count_errors_against_a_direct_count():
    for seed in range(5):
        p = nb.Params.random(seed)
        y_hat = [sig(nb.forward(p, x, "classification").z) for x in X_STD]
        expected = sum((yh > 0.5) != (t == 1) for yh, t in zip(y_hat, DATA.y))
        assert lessons.count_errors(p, X_STD, DATA.y) == expected


# --- formulas ----------------------------------------------------------------------------------------------------
def test_formulas_gain_g_prime_only_when_not_linear():
    linear = dict(lessons.derivative_formulas("linear"))
    assert not any("g′" in f for f in linear.values())
    assert linear["∂J/∂w¹₁₁"] == "−(y − ŷ) · w²₁₁ · x_i1" and linear["∂J/∂b₂₁"] == "−(y − ŷ)"
    for g in ("sigmoid", "tanh", "relu"):
        f = dict(lessons.derivative_formulas(g))
        for s in ("w¹₁₁", "w¹₂₁", "b₁₁"):
            assert "g′(z₁₁)" in f[f"∂J/∂{s}"]
        for s in ("w¹₁₂", "w¹₂₂", "b₁₂"):
            assert "g′(z₁₂)" in f[f"∂J/∂{s}"]
        for s in ("w²₁₁", "w²₂₁", "b₂₁"):
            assert "g′" not in f[f"∂J/∂{s}"]
    with pytest.raises(ValueError, match="hidden activation"):
        lessons.derivative_formulas("softplus")


@pytest.mark.parametrize("hidden", nb.HIDDEN)
def test_formulas_have_the_factors_of_the_chain_rule_table(hidden):
    """Each formula has as many factors as lessons.derivative_rows multiplies (the constant 1s left out)."""
    rows = lessons.derivative_rows(nb.Params.random(1), X_STD[0], 1.0, "classification", hidden)
    formulas = dict(lessons.derivative_formulas(hidden))
    for r in rows:
        non_trivial = [label for label, _ in r["factors"] if not label.endswith("= 1")]
        assert len(formulas[r["symbol"]].split(" · ")) == len(non_trivial), r["symbol"]


# --- the epoch scrubber ------------------------------------------------------------------------------------------
def recorded(eta=0.1, epochs=100, params=None, X=X_STD):
    return nb.train(X, DATA.y, "classification", params or nb.Params.random(2), eta=eta, epochs=epochs)


def expected_image(params, scaler=SCALER, n=200, pad=0.15):
    """y_hat on the n x n grid the boundary plot uses (rows: cgpa, columns: iq), computed here independently."""
    lo, hi = DATA.X.min(axis=0), DATA.X.max(axis=0)
    span = hi - lo
    iq = np.linspace(lo[0] - pad * span[0], hi[0] + pad * span[0], n)
    cgpa = np.linspace(lo[1] - pad * span[1], hi[1] + pad * span[1], n)
    grid_iq, grid_cgpa = np.meshgrid(iq, cgpa)
    X = scaler.transform(np.column_stack([grid_iq.ravel(), grid_cgpa.ravel()]))
    p = params
    z = (
        p.w2_11 * (p.w1_11 * X[:, 0] + p.w1_21 * X[:, 1] + p.b_11)
        + p.w2_21 * (p.w1_12 * X[:, 0] + p.w1_22 * X[:, 1] + p.b_12)
        + p.b_21
    )
    return (1 / (1 + np.exp(-np.clip(z, -700, 700)))).reshape(grid_iq.shape)


def test_scrubber_replays_without_training(monkeypatch):
    history = recorded()

    def no_training(*args, **kwargs):
        raise AssertionError("the scrubber must not train")

    import nbhelpers.backprop
    import nbhelpers.panels.training
    import nbhelpers.training

    for module in (nb, nbhelpers.training, nbhelpers.panels.training):
        for name in ("train", "sgd_step", "chain_rule"):
            monkeypatch.setattr(module, name, no_training, raising=False)
    monkeypatch.setattr(nbhelpers.backprop, "chain_rule", no_training)
    scrubber = panels.EpochScrubber(history, DATA, SCALER)
    assert scrubber.epoch.min == 0 and scrubber.epoch.max == 100
    for k in (0, 1, 5, 100, 37):
        scrubber.set(epoch=k)
        assert_figure_ok(scrubber.figure, f"epoch {k}")
        image = np.asarray(scrubber.figure.axes[1].images[0].get_array(), dtype=float)
        assert np.allclose(image, expected_image(history.params[k]), atol=1e-12)
        assert scrubber.marker.get_data()[0][0] == k and scrubber.marker.get_data()[1][0] == history.losses[k]
        assert f"epoch {k}:" in scrubber.figure.axes[1].get_title()


def test_scrubber_stops_before_divergence():
    history = recorded(eta=1.0, epochs=50, params=P0, X=DATA.X)
    assert history.diverged_at is not None
    scrubber = panels.EpochScrubber(history, DATA)
    assert scrubber.epoch.max == history.diverged_at - 1
    for value in extremes(scrubber.epoch):
        scrubber.set(epoch=value)
        assert_figure_ok(scrubber.figure, f"epoch {value}")


# --- the training panel ------------------------------------------------------------------------------------------
def test_training_panel_formulas_follow_the_hidden_activation():
    # every control at its extremes: tests/test_panels.py (training-classification builds this panel)
    panel = panels.ClassificationTrainingPanel(DATA, eta=1e-3, epochs=100)
    assert panel.eta.min == -6 and panel.eta.max == 1 and panel.eta.description == "η"
    assert "eta-slider" in panel.eta._dom_classes
    for hidden in nb.HIDDEN:
        panel.set(hidden=hidden)
        assert_figure_ok(panel.figure, hidden)
        assert ("g′(z₁₁)" in panel.formulas.value) == (hidden != "linear")


def test_training_panel_worst_corners_and_presets():
    panel = panels.ClassificationTrainingPanel(DATA)
    for hidden in nb.HIDDEN:
        for standardise in (False, True):
            panel.set(
                eta=10.0,
                epochs=panel.epochs.max,
                standardise=standardise,
                hidden=hidden,
                **{n: panels.slider_range(n)[1] for n in nb.PARAM_NAMES},
            )
            assert_figure_ok(panel.figure, f"{hidden}, standardise={standardise}")
    panel.params_ui.seed.value = 7
    panel.params_ui.random_button.click()
    # the sliders hold Params.random(7) rounded to their 0.01 grid, and those are the values used
    expected = np.round(nb.Params.random(7).to_array() / 0.01) * 0.01
    assert np.allclose(panel.params_ui.params().to_array(), expected, rtol=0, atol=1e-12)
    assert_figure_ok(panel.figure, "random preset")
    panel.params_ui.notes_button.click()
    assert panel.params_ui.params() == P0


def test_training_panel_shows_what_train_returns():
    panel = panels.ClassificationTrainingPanel(DATA, eta=1e-3, epochs=100)
    expected = nb.train(DATA.X, DATA.y, "classification", P0, eta=1e-3, epochs=100)
    assert np.array_equal(panel.history.losses, expected.losses)
    panel.set(hidden="tanh", standardise=True, eta=0.5, epochs=40)
    expected = nb.train(X_STD, DATA.y, "classification", P0, eta=panel.eta.value, epochs=40, hidden="tanh")
    assert np.array_equal(panel.history.losses, expected.losses)
    line = panel.figure.axes[0].lines[0]
    assert np.array_equal(line.get_ydata(), expected.losses)
    assert "g′(z) = 1 − tanh² z" in panel.formulas.value
    children = panel.widget.children
    assert children.index(panel.formulas) == children.index(panel.view.box) - 1  # just above the figure


def test_training_panel_says_divergence_in_words():
    panel = panels.ClassificationTrainingPanel(DATA, eta=1.0, epochs=50)
    assert panel.history.diverged_at is not None
    texts = [t.get_text() for t in panel.figure.axes[0].texts]
    assert f"diverged at epoch {panel.history.diverged_at}, try a smaller η" in texts
    assert "where the run stopped" in panel.figure.axes[1].get_title()
    assert_figure_ok(panel.figure, "diverged")
    panel.set(eta=1e-3)  # back to a converging run: the message goes away
    assert not panel.figure.axes[0].texts


# --- the forward panel ---------------------------------------------------------------------------------------------
def test_forward_panel_boundary_and_losses():
    # every control at its extremes: tests/test_panels.py (forward-classification)
    panel = panels.ForwardPanel(DATA)  # left: the per-row losses; right: the boundary
    assert "no ŷ = 0.5 line" in panel.figure.axes[1].get_title()
    panel.set_params(lessons.SEPARATING)
    heights = [bar.get_height() for bar in panel.figure.axes[0].patches]
    assert np.allclose(heights, nb.losses(lessons.SEPARATING, DATA.X, DATA.y, "classification"))
    assert "black line" in panel.figure.axes[1].get_title()


def test_wipe_leaves_an_empty_reusable_axes():
    panel = panels.ForwardPanel(DATA)
    left, right = panel.figure.axes
    for ax in (left, right):
        plots.wipe(ax)
        assert not (ax.images or ax.collections or ax.lines or ax.patches or ax.texts) and ax.get_legend() is None
    panel.redraw()
    assert len(right.images) == 1 and len(left.patches) == 4


def test_round_up():
    assert [plots.round_up(n) for n in (0, 1, 2, 3, 37, 100, 101, 137, 250, 500, 501)] == [
        1,
        1,
        2,
        5,
        50,
        100,
        200,
        200,
        500,
        500,
        1000,
    ]


def test_wipe_restarts_the_colour_cycle():
    panel = panels.ClassificationTrainingPanel(DATA)
    first = panel.figure.axes[0].lines[0].get_color()
    for eta in (1e-2, 1e-4, 1e-3):
        panel.set(eta=eta)
    assert panel.figure.axes[0].lines[0].get_color() == first
