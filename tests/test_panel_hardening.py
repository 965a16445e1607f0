"""What a careless student, two kernel threads and a learner's own file do to the panels (issue: hardening).

Each test here failed on the panels before the fix: two threads drawing one figure at once, sticky axes,
slider values the front end would round, number boxes that change what was typed, legends over the data,
clipped titles, the notes' names and the cgpa = iq / 10 line on any dataset, one bar per row of a large file.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D

import nbhelpers as nb
from nbhelpers import panels, plots
from nbhelpers.data import Dataset

REG = nb.load_dataset("regression")
CLS = nb.load_dataset("classification")


def fresh_png(panel):
    """The PNG a full draw of ``panel``'s figure gives now (no blitting, no pasted legend)."""
    return panels.BlitRenderer(panel.figure).png(full=True)


def same_picture(a: panels.Panel, b: panels.Panel):
    return fresh_png(a) == fresh_png(b)


# --- one redraw at a time, and the last picture is a fresh draw at the last values ---------------------------
class Overlap:
    """Wraps a panel's draw to record how many threads were inside it at once."""

    def __init__(self, panel):
        self.inside = 0
        self.most = 0
        self.lock = threading.Lock()
        draw = panel.draw

        def counted():
            with self.lock:
                self.inside += 1
                self.most = max(self.most, self.inside)
            try:
                time.sleep(0.002)  # widen the window a race needs
                return draw()
            finally:
                with self.lock:
                    self.inside -= 1

        panel.draw = counted


@pytest.mark.parametrize(
    "make",
    [
        lambda: panels.ForwardPanel(REG),
        lambda: panels.TrainingPanel(REG),
        lambda: panels.ClassificationTrainingPanel(CLS),
    ],
    ids=["forward", "training", "classification-training"],
)
def test_concurrent_changes_draw_one_at_a_time_and_end_at_the_last_values(make):
    panel = make()
    overlap = Overlap(panel)
    errors = []
    names = ["w1_11", "w2_11", "b_21", "w1_22"]

    def student(k):
        try:
            for i in range(12):
                name = names[(k + i) % len(names)]
                lo, hi, _ = panels.slider_range(name)
                panel.controls[name].value = lo + (hi - lo) * ((7 * k + 3 * i) % 10) / 10
                if i % 4 == 0:
                    panel.params_ui.random_button.click()
        except Exception as err:  # noqa: BLE001 - any exception in a callback is the failure
            errors.append(repr(err))

    threads = [threading.Thread(target=student, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert overlap.most == 1, f"{overlap.most} redraws ran at once"
    final = panel.params_ui.params()
    twin = make()
    twin.set_params(final)
    if hasattr(panel, "eta"):
        assert twin.settings() == panel.settings()
    assert same_picture(panel, twin), "the last picture is not what a fresh panel draws at the same values"


def test_a_change_during_a_redraw_is_drawn_afterwards():
    """A value that arrives on another thread while a redraw runs is drawn once that redraw ends."""
    panel = panels.ForwardPanel(REG)
    started, release = threading.Event(), threading.Event()
    draw = panel.draw

    def slow_draw():
        started.set()
        release.wait(5)
        return draw()

    panel.draw = slow_draw
    first = threading.Thread(target=lambda: panel.set(w1_11=0.5))
    first.start()
    started.wait(5)
    panel.controls["w2_11"].value = 0.25  # arrives mid-redraw, on this thread: only marks the panel out of date
    release.set()
    first.join()
    panel.draw = draw
    twin = panels.ForwardPanel(REG, params=nb.Params.notes_init().replace(w1_11=0.5, w2_11=0.25))
    assert same_picture(panel, twin)


def test_axes_fit_again_when_the_changes_stop():
    """02 with standardised inputs: eta to 0.03 and back to 1e-5 leaves the axes of a fresh panel at 1e-5."""
    panel = panels.TrainingPanel(REG, eta=1e-5, epochs=100, standardise=True)
    for eta in (1e-3, 3e-2, 1e-1, 3e-2, 1e-5):
        panel.set(eta=eta)
    twin = panels.TrainingPanel(REG, eta=1e-5, epochs=100, standardise=True)
    for ax, fresh in zip(panel.figure.axes, twin.figure.axes):
        assert ax.get_ylim() == fresh.get_ylim() and ax.get_xlim() == fresh.get_xlim()
    assert same_picture(panel, twin)


# --- slider values: what is shown is what is used ------------------------------------------------------------
def test_random_preset_is_exactly_what_the_sliders_hold_and_reproducible():
    panel = panels.ForwardPanel(REG)
    panel.params_ui.seed.value = 3
    losses = set()
    for _ in range(3):
        panel.params_ui.random_button.click()
        losses.add(panel.figure.axes[0].get_title())
    assert len(losses) == 1
    held = panel.params_ui.params()
    for name, value in held.to_dict().items():
        lo, hi, step = panels.slider_range(name)
        assert value == round(value / step) * step or abs(value / step - round(value / step)) < 1e-9
    assert np.allclose(held.to_array(), nb.Params.random(3).to_array(), atol=0.005 + 1e-12)


@pytest.mark.parametrize("noise", [1e-13, -1e-13, 0.004, -0.004])
def test_an_echo_rounded_by_the_front_end_changes_nothing(noise):
    """The front end sends a slider value back rounded to its step (e.g. 0.5700000000000001): no new draw."""
    panel = panels.ForwardPanel(REG)
    panel.params_ui.seed.value = 3
    panel.params_ui.random_button.click()
    before, redraws = panel.params_ui.params(), panel.redraws
    for name in nb.PARAM_NAMES:
        panel.controls[name].value = panel.controls[name].value + noise
    assert panel.params_ui.params() == before
    assert panel.redraws == redraws


# --- number boxes say what they used -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "typed,expected,note",
    [
        ("3.7", 0, "not a whole number"),
        ("-5", 0, "whole number from 0"),
        ("1e30", 0, "whole number from 0"),
        ("abc", 0, "not a number"),
        ("7", 7, ""),
        ("1e3", 1000, ""),
        ("10**3", 1000, ""),
    ],
)
def test_seed_box_uses_what_was_typed_or_says_why_not(typed, expected, note):
    seed = panels.ParamControls(nb.Params.notes_init()).seed
    seed.text.value = typed
    assert seed.value == expected
    assert seed.text.value == str(expected)  # the box shows the value in use
    assert note in seed.note.value
    if note:
        assert "stays 0" in seed.note.value


@pytest.mark.parametrize(
    "typed,expected,note",
    [("1e3", 500, "using 500"), ("10**2", 100, ""), ("250", 250, ""), ("0", 1, "using 1"), ("2.5", 100, "whole")],
)
def test_epochs_box_moves_the_slider_and_shows_the_value_used(typed, expected, note):
    panel = panels.TrainingPanel(REG, eta=1e-5, epochs=100)
    panel.epochs_box.text.value = typed
    assert panel.epochs.value == expected == len(panel.history.losses) - 1
    assert panel.epochs_box.text.value == str(expected)
    assert note in panel.epochs_box.note.value
    panel.set(epochs=42)
    assert panel.epochs_box.text.value == "42"


# --- figures that tell the truth ----------------------------------------------------------------------------------
def data_points(ax):
    """Display coordinates of every scatter point and line vertex drawn in ``ax``."""
    pts = []
    for artist in ax.get_children():
        if isinstance(artist, PathCollection) and len(artist.get_offsets()):
            pts.append(ax.transData.transform(np.asarray(artist.get_offsets(), float)))
        elif isinstance(artist, Line2D) and len(artist.get_xdata()):
            xy = np.column_stack([artist.get_xdata(), artist.get_ydata()]).astype(float)
            pts.append(artist.get_transform().transform(xy))
    return np.concatenate(pts) if pts else np.empty((0, 2))


def check_truthful(fig, where):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    legends = [lg for ax in fig.axes for lg in [ax.get_legend()] if lg is not None] + list(fig.legends)
    for ax in fig.axes:
        pts = data_points(ax)
        inside = (
            (pts[:, 0] >= ax.bbox.x0 - 1)
            & (pts[:, 0] <= ax.bbox.x1 + 1)
            & (pts[:, 1] >= ax.bbox.y0 - 1)
            & (pts[:, 1] <= ax.bbox.y1 + 1)
        )
        for legend in legends:
            box = legend.get_window_extent(renderer)
            assert box.x0 >= 0 and box.x1 <= width and box.y0 >= 0 and box.y1 <= height, f"{where}: legend clipped"
            covered = inside & (pts[:, 0] > box.x0) & (pts[:, 0] < box.x1) & (pts[:, 1] > box.y0) & (pts[:, 1] < box.y1)
            assert not covered.any(), f"{where}: a legend covers {covered.sum()} data point(s)"
        for title in (ax.title, ax._left_title, ax._right_title):
            if title.get_text():
                box = title.get_window_extent(renderer)
                fits = box.x0 >= 0 and box.x1 <= width and box.y1 <= height
                assert fits, f"{where}: title {title.get_text()!r} clipped"
        label = ax.get_ylabel()
        assert ("log scale" in label) == (ax.get_yscale() == "log"), f"{where}: y label {label!r} on {ax.get_yscale()}"


def check_fits(ax, values, where, log=False):
    """The data lies inside the axes' y range and covers at least half of it (in decades on a log axis)."""
    values = np.asarray(values, float)
    values = values[np.isfinite(values)]
    lo, hi = ax.get_ylim()
    assert lo <= values.min() and values.max() <= hi, f"{where}: data {values.min()}..{values.max()} outside {lo, hi}"
    if log:
        shown, span = np.log10(values.max() / values.min()), np.log10(hi / lo)
        assert span <= 1 + 1e-9 or shown >= 0.5 * span, f"{where}: data covers {shown:.2f} of {span:.2f} decades"
    else:
        assert values.max() - min(values.min(), 0) >= 0.5 * (hi - lo), f"{where}: data covers little of {lo, hi}"


def test_training_panel_figures_tell_the_truth_after_a_drag():
    panel = panels.TrainingPanel(REG, eta=1e-5, epochs=100, standardise=True)
    for eta in (3e-2, 1.0, 3e-2, 1e-5):  # through divergence and back
        panel.set(eta=eta)
        check_truthful(panel.figure, f"eta = {eta}")
    left, right = panel.figure.axes
    check_fits(left, panel.history.losses, "loss axis", log=True)
    check_fits(
        right,
        np.concatenate([REG.y, nb.forward(panel.history.final, nb.standardise(REG.X), "regression").y_hat]),
        "fit axis",
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda: panels.ForwardPanel(REG),
        lambda: panels.ForwardPanel(CLS),
        lambda: panels.GradientPanel(REG),
        lambda: panels.TrainingPanel(REG),
        lambda: panels.ClassificationTrainingPanel(CLS, eta=10.0),
        lambda: panels.ClassificationTrainingPanel(CLS, eta=1e-3),
        # targets falling with iq, fitted exactly: the row with the lowest iq has the highest target (top left)
        lambda: panels.ForwardPanel(
            REG._replace(y=REG.y[::-1].copy()), params=nb.Params(-0.1, 0, 0, 0, 13, 0, 1, 0, 0)
        ),
    ],
)
def test_no_legend_covers_data_titles_fit_and_labels_say_the_scale(make):
    check_truthful(make().figure, "panel")


def test_classification_at_eta_10_has_a_title_that_fits_and_does_not_claim_non_finite_parameters():
    panel = panels.ClassificationTrainingPanel(CLS, eta=10.0, epochs=100)
    check_truthful(panel.figure, "eta = 10")
    assert "finite" not in panel.figure.axes[1].get_title()


def test_static_figures_keep_their_legends_off_the_data():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    plots.plot_fit(nb.Params.notes_init(), REG.X, REG.y, ax=ax)
    check_truthful(fig, "plot_fit")
    plt.close(fig)


# --- a learner's own data -------------------------------------------------------------------------------------------
def own_data(n, task="regression", seed=0):
    rng = np.random.default_rng(seed)
    hours = rng.uniform(0, 10, n)
    score = 3 * hours + 5 + rng.normal(0, 1, n)
    y = (score > 20).astype(float) if task == "classification" else 0.5 * hours + 0.1 * score + rng.normal(0, 0.1, n)
    return Dataset(np.column_stack([hours, score]), y, ("hours", "score"), "grade", task, "own.csv")


@pytest.mark.parametrize("task", ["regression", "classification"])
def test_panels_label_a_learners_data_with_its_own_names(task):
    data = own_data(50, task)
    for panel in (panels.ForwardPanel(data), panels.TrainingPanel(data, eta=1e-3)):
        model = panel.figure.axes[1]
        assert model.get_xlabel() == "hours"
        assert model.get_ylabel() == ("grade" if task == "regression" else "score")
        texts = " ".join([ax.get_xlabel() + ax.get_ylabel() + ax.get_title() for ax in panel.figure.axes])
        assert "iq" not in texts and "LPA" not in texts and "placed" not in texts


def test_the_fit_line_follows_the_datas_own_trend():
    """score = 3 hours + 5 exactly: the model line is the network's prediction along that line, not along
    score = mean(score / hours) * hours (the notes' cgpa = iq / 10)."""
    rng = np.random.default_rng(1)
    hours = rng.uniform(1, 10, 30)
    X = np.column_stack([hours, 3 * hours + 5])
    p = nb.Params(0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0)  # y_hat = score
    drawn = plots.plot_fit(p, X, hours, ax=plots.panel_figure(1)[1][0], names=("hours", "score", "grade"))
    x, y_line = drawn["model"].get_data()
    assert np.allclose(y_line, 3 * np.asarray(x) + 5)


def test_many_rows_are_summarised_not_one_bar_each():
    data = own_data(10_000)
    panel = panels.ForwardPanel(data)
    (histogram,) = panel.figure.axes[0].patches  # one StepPatch: the per-row losses in 30 bins
    counts, edges, _ = histogram.get_data()
    assert len(counts) == 30 and counts.sum() == 10_000
    assert np.array_equal(
        counts, np.histogram(nb.losses(nb.Params.notes_init(), data.X, data.y, "regression"), bins=edges)[0]
    )
    assert len(panel.figure.axes[0].texts) == 0  # no per-row labels


def test_a_gradient_panel_on_many_rows_picks_the_row_with_a_slider():
    data = own_data(500)
    panel = panels.GradientPanel(data)
    assert panel.row.max == 499
    panel.set(row=499)
    assert panel.rows[0]["factors"][0][1] == pytest.approx(
        -2 * (data.y[499] - nb.forward(nb.Params.notes_init(), data.X[499], "regression").y_hat)
    )


def test_the_training_panel_keeps_epochs_times_rows_within_its_budget():
    panel = panels.TrainingPanel(own_data(10_000), eta=1e-4, epochs=100)
    assert panel.epochs.max * 10_000 <= panels.UPDATE_BUDGET
    assert "rows" in panel.epochs_box.clip_reason


def test_more_rows_than_a_panel_draws_is_a_clear_error():
    with pytest.raises(ValueError, match=r"own.csv: 10001 rows; a panel draws at most 10000"):
        panels.ForwardPanel(own_data(10_001))


# --- a panel without its kernel ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make", [lambda: panels.ForwardPanel(REG), lambda: panels.GradientPanel(REG), lambda: panels.TrainingPanel(REG)]
)
def test_a_panel_shown_without_its_kernel_says_what_it_is_in_one_line(make):
    bundle = make()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    text = bundle["text/plain"]
    assert "\n" not in text and "run this cell" in text and "VBox" not in text


def test_params_code_reproduces_the_sliders():
    panel = panels.ForwardPanel(REG)
    panel.params_ui.seed.value = 5
    panel.params_ui.random_button.click()
    assert eval(panel.params_code(), {"nb": nb}) == panel.params_ui.params()


# --- long runs: recorded every k-th epoch -----------------------------------------------------------------------
def test_a_subsampled_history_is_plotted_and_replayed_at_its_recorded_epochs():
    X = nb.standardise(CLS.X)
    history = nb.train(X, CLS.y, "classification", nb.Params.random(2), eta=0.1, epochs=1000, max_records=100)
    assert history.stride == 10
    line = plots.plot_loss_curve(history, ax=plots.panel_figure(1)[1][0])["line"]
    assert np.array_equal(line.get_xdata(), np.arange(0, 1001, 10))
    scrubber = panels.EpochScrubber(history, CLS, nb.fit_scaler(CLS.X))
    assert scrubber.epoch.step == 10 and scrubber.epoch.max == 1000
    scrubber.set(epoch=550)
    assert scrubber.figure.axes[1].get_title() == f"epoch 550: mean J = {history.loss_at(550):.4g}"
    assert tuple(scrubber.marker.get_data()[0]) == (550,)


def test_redraws_do_not_accumulate_legend_entries_or_artists():
    """wipe() leaves nothing behind: the tenth redraw draws what the first did (bars live in ax.containers too)."""

    def census(panel):
        return [
            (
                len(ax.containers),
                len(ax.patches),
                len(ax.lines),
                len(ax.collections),
                len(ax.texts),
                [t.get_text() for t in ax.get_legend().texts] if ax.get_legend() else None,
            )
            for ax in panel.figure.axes
        ]

    for panel in (panels.GradientPanel(REG), panels.ForwardPanel(REG), panels.TrainingPanel(REG)):
        first = census(panel)
        for value in (0.5, 1.5, 0.5, 1.0):
            panel.set(w2_11=value)
        assert census(panel) == first


def test_a_pasted_legend_keeps_its_border():
    """After redraws that paste the legend's pixels back, the legend looks exactly as in a full draw."""
    import io

    from PIL import Image

    panel = panels.TrainingPanel(REG, eta=1e-5, epochs=100)
    for eta in (2e-6, 1e-5, 2e-6):
        panel.set(eta=eta)
    shown = np.asarray(Image.open(io.BytesIO(panel.view.png())))
    full = np.asarray(Image.open(io.BytesIO(fresh_png(panel))))
    legend = panel.figure.axes[1].get_legend()
    box = legend.get_window_extent().padded(1)
    height = shown.shape[0]
    rows = slice(int(height - box.y1), int(np.ceil(height - box.y0)))
    cols = slice(int(box.x0), int(np.ceil(box.x1)))
    assert np.array_equal(shown[rows, cols], full[rows, cols])


@pytest.mark.parametrize(
    "make,moves",
    [
        (
            lambda: panels.TrainingPanel(REG),
            [{"eta": 3e-6}, {"eta": 1e-5}, {"eta": 2e-5}, {"standardise": True}, {"eta": 3e-2}, {"eta": 1e-5}],
        ),
        (lambda: panels.ForwardPanel(CLS), [{"w1_11": 0.5}, {"w1_11": 0.9}, {"w2_11": 0.3}, {"b_21": -10.0}]),
        (lambda: panels.ForwardPanel(REG), [{"w1_11": 0.5}, {"w2_11": -1.0}, {"b_21": 10.0}, {"w1_11": 1.0}]),
        (lambda: panels.GradientPanel(REG), [{"w2_11": 0.5}, {"w2_11": 1.5}, {"row": 3}, {"w1_11": -2.0}]),
    ],
)
def test_the_picture_shown_after_changes_is_the_one_a_fresh_panel_shows(make, moves):
    """The PNG in the page (blitted: cached frames, data redrawn) equals, pixel for pixel, what a panel built at the
    same values shows."""
    import io

    from PIL import Image

    panel = make()
    for move in moves:  # after every move: the renderer redraws the data, one axes' frame, or everything
        panel.set(**move)
        fresh = make()
        with fresh.hold():
            for name, value in panel.settings().items():
                fresh.controls[name].value = value
        shown, expected = (np.asarray(Image.open(io.BytesIO(p.view.png()))) for p in (panel, fresh))
        assert shown.shape == expected.shape
        differ = int((shown != expected).any(axis=2).sum())
        assert differ == 0, f"after {move}: {differ} pixels differ from a fresh panel's picture"


def test_a_change_of_one_axes_redraws_only_that_axes_frame():
    """η from 1e-5 to 3e-6 changes the loss axis (decades) but not the fit's: one frame drawn again, not the figure."""
    panel = panels.TrainingPanel(REG, eta=1e-5, epochs=100)
    renderer = panel.view.renderer
    fit_limits = panel.figure.axes[1].get_ylim()
    before = panel.figure.axes[0].get_ylim()
    panel.set(eta=3e-6)
    assert panel.figure.axes[0].get_ylim() != before and panel.figure.axes[1].get_ylim() == fit_limits
    assert (renderer.full_draws, renderer.frame_redraws) == (1, 1)


def test_a_redraw_holds_the_garbage_collector_off_and_gives_it_back():
    """The collector is off during a redraw and on again after it; a collector the learner turned off stays off;
    two overlapping redraws (two panels on two kernel threads) turn it on only when both are done."""
    import gc

    from nbhelpers.panels.base import collector_held_off

    panel = panels.ForwardPanel(REG)
    seen = []
    inner = panel.redraw
    panel.redraw = lambda: (seen.append(gc.isenabled()), inner())
    assert gc.isenabled()
    panel.set(w1_11=0.5)
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        panel.set(w1_11=0.7)
        assert not gc.isenabled()
    finally:
        gc.enable()
    with collector_held_off():
        with collector_held_off():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the other redraw is still going
    assert gc.isenabled()
