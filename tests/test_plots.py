"""The small axis helpers the plots and panels share."""

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import nbhelpers as nb  # noqa: E402
from nbhelpers import plots  # noqa: E402


def test_nice_limits_round_outwards_and_keep_values_on_the_grid():
    assert plots.nice_limits(0, 100) == (0.0, 100.0)
    assert plots.nice_limits(3, 117) == (0.0, 120.0)  # steps of 20: the data covers 95% of the axis
    assert plots.nice_limits(5, 8.4) == (5.0, 8.5)  # steps of 0.5
    assert plots.nice_limits(0, 101) == (0.0, 120.0)  # not (0, 200): the data would cover half of it
    assert plots.nice_limits(1e-3, 100, log=True) == (1e-3, 100.0)
    assert plots.nice_limits(2e-3, 150, log=True) == (1e-3, 1000.0)


def test_steady_limits_hold_the_targets_and_move_only_when_the_predictions_leave_them():
    y = [8, 7, 6, 5]  # the notes' regression targets: 0..8 with a quarter of room is 0..10
    for y_hat in ([5.5, 6, 9.9, 7], [0.1, 3, 8, 10], []):
        assert plots.steady_limits(y, y_hat) == (0.0, 10.0)  # predictions swinging inside: the axis stays
    assert plots.steady_limits(y, [11, 6]) == (0.0, 12.0)  # 0..11.55 in steps of 2
    assert plots.steady_limits(y, [-1, 6]) == (-1.0, 9.0)  # -1..8.45 in steps of 1
    assert plots.steady_limits(y, [np.nan, np.inf, 6]) == (0.0, 10.0)  # what cannot be drawn does not count


def test_power_of_ten_labels():
    assert [plots.power_of_ten_label(v) for v in (100, 1e-3, -1e4, 0, 1, 30)] == ["10²", "10⁻³", "−10⁴", "0", "10⁰", ""]


def test_a_log_axis_has_its_decades_labelled_and_no_minor_ticks():
    """``use_log_scale``: a tick and a plain-text label at each decade shown, nothing between (minor ticks cost a
    static figure half its drawing time); the same for a symlog axis."""
    fig, (ax, sym) = plt.subplots(1, 2)
    ax.plot([1, 2, 3], [1e-3, 1.0, 1e2])
    plots.use_log_scale(ax)
    ax.set_ylim(1e-3, 1e2)
    sym.plot([0, 1], [-1e3, 1e3])
    plots.use_log_scale(sym, symlog=True)
    fig.canvas.draw()
    assert list(ax.yaxis.get_minorticklocs()) == [] and list(sym.yaxis.get_minorticklocs()) == []
    decades = [t for t in ax.yaxis.get_majorticklocs() if 1e-3 <= t <= 1e2]
    assert np.allclose(np.log10(decades), np.round(np.log10(decades)))
    assert [t.get_text() for t in ax.get_yticklabels() if 1e-3 <= t.get_position()[1] <= 1e2] == [
        plots.power_of_ten_label(t) for t in decades
    ]
    plt.close(fig)


def test_overlaid_loss_curves_all_stay_on_the_axes():
    d = nb.load_dataset("classification")
    p0 = nb.Params.notes_init()
    raw = nb.train(d.X, d.y, "classification", p0, 1e-2, 200)
    std = nb.train(nb.standardise(d.X), d.y, "classification", p0, 1e-2, 200)
    fig, ax = plt.subplots()
    plots.plot_loss_curve(raw, ax=ax, label="raw")
    plots.plot_loss_curve(std, ax=ax, label="standardised")
    lo, hi = ax.get_ylim()
    for h in (raw, std):
        assert lo <= h.losses.min() and h.losses.max() <= hi
    plt.close(fig)


def test_wipe_keeps_the_axes_but_nothing_drawn():
    fig, ax = plt.subplots()
    h = nb.train(*nb.load_dataset("regression")[:2], "regression", nb.Params.notes_init(), 1e-4, 10)
    plots.plot_loss_curve(h, ax=ax)
    xaxis = ax.xaxis
    plots.wipe(ax)
    assert ax.xaxis is xaxis and not ax.lines and not ax.texts and ax.get_yscale() == "linear"
    assert ax.get_title() == ""
    plt.close(fig)


def _png_pixels(fig):
    import io

    import numpy as np
    from PIL import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return np.asarray(Image.open(buf))


def test_the_boundary_line_is_the_picture_ax_contour_draws():
    """plot_decision_boundary draws the ŷ = 0.5 line as a plain Collection it can move (making a ContourSet costs
    about 10 ms a redraw): its pixels are those of ``ax.contour(..., levels=[0.5], colors="k", linewidths=2)``."""
    import numpy as np
    from matplotlib.figure import Figure

    from nbhelpers.lessons import grid_over
    from nbhelpers.network import forward

    data = nb.load_dataset("classification")
    X = (data.X - data.X.mean(axis=0)) / data.X.std(axis=0)  # standardised: lines cross the picture
    cases = ((nb.Params(*np.linspace(-0.9, 0.8, 9)), "linear"), (nb.Params(*np.linspace(0.7, -1.1, 9)), "tanh"))
    for params, hidden in cases:
        pictures = []
        for reference in (False, True):
            fig = Figure(figsize=(6, 4.5))
            ax = fig.add_subplot()
            drawn = plots.plot_decision_boundary(params, X, data.y, ax=ax, hidden=hidden)
            if reference:
                assert drawn["boundary"] is not None, "this case has a ŷ = 0.5 line"
                drawn["boundary"].remove()
                G1, G2, pts = grid_over(X)
                prob = 1 / (1 + np.exp(-forward(params, pts, "classification", hidden).z.reshape(G1.shape)))
                ax.contour(G1, G2, prob, levels=[0.5], colors="k", linewidths=2)
            pictures.append(_png_pixels(fig))
        differ = int((pictures[0] != pictures[1]).any(axis=2).sum())
        assert differ == 0, f"{hidden}: {differ} pixels differ from ax.contour's line"
