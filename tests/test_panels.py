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
    before = panel.view.png()
    panel.set(eta=2e-6)
    assert panel.view.png() != before
    assert panel.view.png()[:8] == b"\x89PNG\r\n\x1a\n"


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


LIVE_MOVES = [
    (lambda: panels.TrainingPanel(REG), [{"eta": 3e-6}, {"standardise": True}, {"eta": 3e-2}, {"eta": 1e-5}]),
    (
        lambda: panels.ClassificationTrainingPanel(nb.load_dataset("classification"), eta=1e-3),
        [{"eta": 3e-3}, {"hidden": "tanh"}, {"w1_11": 0.5}],
    ),
    (lambda: panels.ForwardPanel(nb.load_dataset("classification")), [{"w1_11": 0.5}, {"b_21": -10.0}]),
    (lambda: panels.GradientPanel(REG), [{"w2_11": 0.5}, {"row": 3}]),
]


@pytest.mark.parametrize("make,moves", LIVE_MOVES)
def test_the_live_view_after_changes_is_what_a_fresh_panel_sends(make, moves):
    """What the page's canvas gets (the frames' PNG, the scene) after each move: the very bytes a panel built at the
    same values sends, one new picture per move, and the frames a full draw of the figure gives."""
    panel = make()
    view = panel.view.widget
    for move in moves:
        version = view.version
        panel.set(**move)
        assert view.version == version + 1  # one picture per move
        fresh = make()
        with fresh.hold():
            for name, value in panel.settings().items():
                fresh.controls[name].value = value
        assert view.scene == fresh.view.widget.scene, f"after {move}: the scene differs from a fresh panel's"
        assert view.frame == fresh.view.widget.frame, f"after {move}: the frames differ from a fresh panel's"
        assert view.frame_version == panel.view.renderer.frame_version
        panel.view.renderer.frames(full=True)  # the frames drawn from scratch, not from what was drawn before
        assert view.frame == panel.view.renderer.frame_png(), f"after {move}: the page's frames are not the figure's"


def test_without_anywidget_a_panel_shows_its_pngs(monkeypatch):
    """A hub with only numpy, matplotlib and ipywidgets: the panels show the PNG of every picture in an Image."""
    import ipywidgets as widgets

    from nbhelpers.panels import base

    monkeypatch.setattr(base, "CanvasView", None)
    panel = panels.TrainingPanel(REG, eta=1e-5, epochs=100)
    image = panel.view.widget
    assert isinstance(image, widgets.Image) and "panel-figure" in image._dom_classes
    before = image.value
    panel.set(eta=2e-6)
    assert image.value != before and image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.value == panel.view.png()


def test_a_panels_table_follows_its_figure_and_tells_the_truth():
    """The derivative table of the gradient panel is set just after the new figure is sent (``Panel.show_text``):
    while the figure is rendered the page still holds the old table, and right after the redraw the new one, which
    is the table of the new parameters; outside a redraw the text is set at once."""
    panel = panels.GradientPanel(REG)
    render, seen = panel.view.render, []

    def spy():
        seen.append(panel.table.value)
        return render()

    panel.view.render = spy
    before = panel.table.value
    panel.set(w2_11=0.5)
    expected = nb.tables.derivative_table_html(
        nb.lessons.derivative_rows(panel.params_ui.params(), REG.X[0], float(REG.y[0]), "regression", "linear")
    )
    assert seen == [before] and panel.table.value == expected != before
    panel.show_text(panel.table, "set at once")
    assert panel.table.value == "set at once"


def test_the_eta_slider_holds_each_notch_as_python_computes_it():
    """The page computes 10^(k/10) its own way (seen in Chromium: 0.00031622776601683826 for 10^-3.5, Python's is
    ...794): the η slider holds a value on its grid exactly as Python computes it, and leaves one off the grid alone."""
    from nbhelpers.panels.controls import eta_notches, eta_slider, log_notch

    slider = eta_slider(1e-5, -6, 0)
    slider.value = 0.00031622776601683826
    assert slider.value == 10**-3.5
    for k in range(-60, 1):
        slider.value = 10 ** (-6 + (k + 60) * 0.1)  # the exponent summed as a slider's steps add up
        assert slider.value == 10.0 ** round(k / 10, 10)
    for off in (0.05, 3e-4, 2e-6):
        assert log_notch(off) == off
    slider.value = 5.0
    assert slider.value == 1.0  # clipped to the range, as a FloatLogSlider clips
    slider.value = 1e-5
    assert eta_notches(slider) == [10**-4.9, 10**-5.1]
    slider.value = 1.0
    assert eta_notches(slider) == [10**-0.1]  # the top of the range: one notch only


@pytest.mark.parametrize(
    "make",
    [
        lambda: panels.TrainingPanel(REG, eta=1e-5, epochs=100),
        lambda: panels.ClassificationTrainingPanel(nb.load_dataset("classification"), eta=1e-3, hidden="tanh"),
    ],
)
def test_the_next_notches_of_eta_drawn_ahead_are_what_a_move_draws(make):
    """Once the page has drawn a training panel's picture (it says so), the panel draws η one notch up and one down
    ahead; an arrow key then gets its picture at once. What the page gets must be, byte for byte, what a twin panel
    whose page never reports sends, move for move: η up 12 notches (as the page sends them, a last digit apart from
    Python's at some), back 12, then the epochs moved (nothing was drawn ahead for that) and η again."""
    panel, twin = make(), make()
    assert panel.view.widget.report_drawn
    k0 = round(np.log10(panel.eta.value) * 10)
    notches = [k0 + n for n in range(1, 13)] + [k0 + n for n in range(11, -1, -1)]
    moves = [{"eta": 10 ** (k0 / 10 + (k - k0) * 0.1)} for k in notches] + [
        {"epochs": 50},
        {"eta": 10 ** (k0 / 10 + 0.1)},
    ]
    for k, move in enumerate(moves):
        drawn_ahead = panel.drawn_ahead
        panel.set(**move)
        twin.set(**move)
        ahead = panel.drawn_ahead - drawn_ahead
        assert ahead == (0 if k in (0, len(moves) - 2) else 1), f"move {k} ({move}): drawn ahead {ahead}"
        shown, want = panel.view.widget, twin.view.widget
        assert (panel.eta.value, shown.version) == (twin.eta.value, want.version)
        assert shown.scene == want.scene, f"move {k} ({move}): the scene differs from a move drawn when it came"
        assert shown.frame == want.frame, f"move {k} ({move}): the frames differ from a move drawn when it came"
        if isinstance(panel, panels.ClassificationTrainingPanel):
            assert panel.formulas.value == twin.formulas.value
        if k % 4 == 1:  # the figure, read before the page reports, is brought to the controls first
            assert panel.view.png() == twin.view.png(), f"move {k} ({move}): the figure lags the controls"
        panel.view.widget._handle_custom_msg({"drawn": shown.version}, [])  # what canvas_view.js sends
        assert panel.history.final == twin.history.final  # once the page shows it, the panel follows the controls
    assert twin.drawn_ahead < panel.drawn_ahead  # (the twin sends again only pictures it showed, on the way back)


@pytest.mark.parametrize(
    "make",
    [
        lambda: panels.TrainingPanel(REG, eta=1e-5, epochs=100),
        lambda: panels.ClassificationTrainingPanel(nb.load_dataset("classification"), eta=10**-1.9),
    ],
)
def test_frames_drawn_ahead_reach_the_page_before_their_pictures(make):
    """η up 12 notches and back (the loss axis changes on the way), the page reporting each picture: every picture
    that comes with frames the page has never had had those frames sent ahead ({"frame_ahead": number} and the PNG,
    which the page decodes meanwhile), under the picture's number and with its bytes; nothing is sent ahead that the
    page shows; and a number always comes with the same bytes, whichever way it reaches the page."""
    panel = make()
    view = panel.view.widget
    sent = []

    def send(content, buffers=None):
        assert content["frame_ahead"] != view.frame_version, "frames sent ahead that the page shows"
        sent.append((content["frame_ahead"], bytes(buffers[0])))

    view.send = send
    k0 = round(np.log10(panel.eta.value) * 10)
    notches = list(range(k0 + 1, k0 + 13)) + list(range(k0 + 11, k0 - 1, -1))
    pngs, shown, new_frames = {view.frame_version: view.frame}, {view.frame_version}, 0
    for k, notch in enumerate(notches):
        panel.set(eta=10 ** (k0 / 10 + (notch - k0) * 0.1))
        if view.frame_version not in shown:
            shown.add(view.frame_version)
            if k > 0:  # (before the first move, the page had reported nothing: nothing was drawn ahead)
                new_frames += 1
                assert (view.frame_version, view.frame) in sent, f"move {k}: its frames were not sent ahead"
        panel.view.widget._handle_custom_msg({"drawn": view.version}, [])  # what canvas_view.js sends
        for number, png in [(view.frame_version, view.frame), *sent]:
            assert pngs.setdefault(number, png) == png, f"move {k}: frames number {number} with other bytes"
    assert new_frames >= 2, f"only {new_frames} moves brought frames the page had not had: the test tests little"


# --- a view whose model anywidget gave up on: the page hears nothing from the kernel, and the panel replaces it -----
def says(widget, content):
    """What canvas_view.js sends from the page, as the kernel's comm hands it to the widget."""
    widget._handle_custom_msg(content, [])


def listen(widget) -> list:
    """The widget's custom messages to the page, from now on: (content, buffers) pairs."""
    sent = []
    widget.send = lambda content, buffers=None: sent.append((content, buffers))
    return sent


def test_a_view_that_hears_nothing_is_replaced_by_one_with_the_same_picture():
    """The page says {hello}: the kernel answers. A {stale} just after an answer (the answer may be on its way: the
    kernel was busy) gets another answer, nothing more. A {stale} long after it: a fresh view with the same picture
    (every synced trait, the class the tests find it by, report_drawn) takes the old one's place in the panel's box,
    the old one is closed, and from then on moves go to the new view and agree with a twin panel's; the old view's
    messages are ignored."""
    from nbhelpers.panels.base import SYNCED

    panel, twin = make("training", REG), make("training", REG)
    view, old = panel.view, panel.view.widget
    to_old = listen(old)
    says(old, {"hello": 1})
    says(old, {"stale": 1})
    assert to_old == [({"hello": 1}, None)] * 2 and view.widget is old and view.replaced == 0
    view._answered -= 10  # the answer went 10 s ago: the page should have heard it
    says(old, {"stale": 2})
    new = view.widget
    assert new is not old and view.replaced == 1
    assert view.box.children == (new,) and old.comm is None, "the old view is still in the panel, or still open"
    for name in SYNCED:
        assert getattr(new, name) == getattr(old, name), f"the fresh view's {name} is not the old one's"
    assert "panel-view" in new._dom_classes and new.report_drawn
    version, k0 = old.version, round(np.log10(panel.eta.value) * 10)
    notch = [10 ** (k0 / 10 + k * 0.1) for k in range(4)]  # η, then one notch up, two, three
    for eta in notch[1:3]:
        panel.set(eta=eta)
        twin.set(eta=eta)
        want = twin.view.widget
        assert (new.version, new.scene, new.frame) == (want.version, want.scene, want.frame)
    assert old.version == version, "a picture went to the closed view"
    drawn_ahead = panel.drawn_ahead
    says(old, {"stale": 3})
    says(old, {"drawn": old.version})
    assert view.widget is new and panel.drawn_ahead == drawn_ahead  # the old view's messages: ignored
    says(new, {"drawn": new.version})  # the new one's report: the panel draws the next notches of η ahead
    panel.set(eta=notch[3])
    assert panel.drawn_ahead == drawn_ahead + 1


def test_a_view_is_replaced_at_most_three_times():
    """A page that never hears (the kernel's messages never reach it): three fresh views, then the panel stops (its
    caption says to run the cell again)."""
    from nbhelpers.panels.base import REPLACE_MOST

    panel = make("forward", REG)
    view = panel.view
    for k in range(REPLACE_MOST + 2):
        listen(view.widget)
        view._answered -= 10
        says(view.widget, {"stale": 1})
        assert view.replaced == min(k + 1, REPLACE_MOST)
    assert REPLACE_MOST == 3 and "run this cell again" in panel.widget.children[-1].value


def test_frames_sent_ahead_to_a_replaced_view_go_again_to_the_new_one():
    """The old view's page got the frames of the pictures drawn ahead (its reports reach the kernel even where the
    kernel's messages do not reach it); a fresh view has decoded none of them: the next pictures drawn ahead send
    their frames again, to the new view."""
    panel = panels.ClassificationTrainingPanel(CLS, eta=10**-1.9)
    old = panel.view.widget
    to_old = listen(old)
    for notch in range(1, 13):
        says(old, {"drawn": old.version})
        if to_old:
            break
        panel.set(eta=10 ** (-1.9 + 0.1 * notch))
    assert to_old, "no frames were sent ahead in 12 notches: the test tests nothing"
    panel.view._answered -= 10
    says(old, {"stale": 1})
    new = panel.view.widget
    to_new = listen(new)
    says(new, {"drawn": new.version})
    assert [c["frame_ahead"] for c, _ in to_new] == [c["frame_ahead"] for c, _ in to_old]
