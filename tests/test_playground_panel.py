"""The playground panel of notebook 06, driven from Python as a learner drives it: the buttons, Play, every control
to its extremes, and uploads of good and bad CSV files. Nothing may raise or write to stderr; a problem is a
message in the panel, and the data and the training stay as they were."""

from __future__ import annotations

import datetime
import io
import warnings

import numpy as np
import pytest
import reference as ref
from PIL import Image

import nbhelpers as nb
from nbhelpers import playground
from nbhelpers.panels.playground import CHOICES, PlaygroundPanel
from nbhelpers.panels.render import unhinted_text


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def upload(panel, content: bytes, name="marks.csv"):
    """What the browser's FileUpload sends: one file, its bytes as a memoryview."""
    when = datetime.datetime(2026, 11, 30, tzinfo=datetime.timezone.utc)
    file = {
        "name": name,
        "type": "text/csv",
        "size": len(content),
        "content": memoryview(content),
        "last_modified": when,
    }
    panel.upload.value = (file,)


@pytest.fixture
def quiet(capfd):
    """No warning, and nothing on stdout or stderr, while the test drives the panel."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
    out, err = capfd.readouterr()
    assert out == "" and err == "", (out, err)


def test_step_moves_one_row_and_shows_it_everywhere(quiet):
    panel = PlaygroundPanel(data="notes: regression (iq, cgpa → package)", hidden="linear", eta=0.01)
    assert "step-button" in panel.step_button._dom_classes and "csv-upload" in panel.upload._dom_classes
    before_png, before = panel.view.png(), panel.state.params
    panel.step_button.click()
    record = panel.state.last
    assert record.row == 0 and panel.state.updates == 1 and panel.view.png() != before_png
    x1, x2, y = panel.state.X[0, 0], panel.state.X[0, 1], panel.state.data.y[0]  # standardised row 1
    want = ref.step(before, x1, x2, y, 0.01, "regression", "linear")
    assert np.allclose(panel.state.params, [want[n] for n in ref.NAMES], rtol=1e-12)
    # the table: the row, and each parameter before, its derivative and after
    table = panel.table.value
    assert "Step on row 1" in table and f"{record.loss_before:.6g}" in table and f"{record.after.w2_11:.8g}" in table
    net, _, _, model = panel.figure.axes
    assert "the ringed row through the network" in [t.get_text() for t in net.texts]
    assert model.get_title().startswith("○ row 1")
    panel.step_button.click()
    assert panel.state.last.row == 1 and "Step on row 2" in panel.table.value


def test_epoch_play_and_reset(quiet):
    panel = PlaygroundPanel(data="preset: circle", hidden="tanh", eta=0.3)
    start = panel.state.params
    panel.epoch_button.click()
    assert panel.state.updates == 48 and panel.state.last is None
    panel.play.value = 1  # the Play widget ticks: one epoch per tick
    panel.play.value = 2
    assert panel.state.updates == 3 * 48
    losses = [loss for _, loss in panel.state.curve]
    assert losses[-1] < losses[0]  # tanh separates the circle: the loss falls
    panel.reset_button.click()
    assert panel.state.updates == 0 and panel.state.params == start and len(panel.state.curve) == 1
    panel.set(speed=100)
    assert panel.play.interval == 100


def test_the_boundary_bends_on_the_non_linear_presets():
    panel = PlaygroundPanel(data="preset: xor", hidden="tanh", eta=0.5)
    for _ in range(60):
        panel.state.epoch()
    s = panel.state
    errors = nb.lessons.count_errors(s.params, s.X, s.data.y, s.hidden)
    assert errors <= 4, errors  # a linear hidden layer misclassifies at least a quarter of the xor rows
    points = nb.lessons.boundary_points(s.params, s.X, s.hidden)
    assert nb.lessons.line_fit_residual(points, s.X) > 0.05  # the ŷ = 0.5 line is not straight


def test_every_control_to_its_extremes(quiet):
    panel = PlaygroundPanel(data="preset: xor", hidden="tanh", eta=0.1)
    for label in CHOICES:
        panel.set(data=label)
        assert panel.state.data.source and panel.problem is None
    panel.set(data="preset: xor")
    for hidden in nb.HIDDEN:
        panel.set(hidden=hidden)
        assert panel.state.hidden == hidden
    for standardise in (False, True):
        panel.set(standardise=standardise)
    for eta in (panel.eta.min, panel.eta.max):  # 10^-4 and 10^1: exponents of the log slider
        panel.set(eta=10.0**eta)
        for _ in range(3):
            panel.step_button.click()
        panel.epoch_button.click()
        assert panel.problem is None
        panel.reset_button.click()
    sliders = panel.params_ui.sliders
    for end in ("min", "max"):  # all nine at once: one redraw each
        values = {name: getattr(slider, end) for name, slider in sliders.items()}
        panel.set(**values)
        assert panel.state.start == nb.Params(**values) and panel.state.updates == 0
        panel.step_button.click()
        assert panel.problem is None
    for a, b in (("w1_11", "w1_21"), ("b_11", "w2_21"), ("b_21", "w1_12")):
        panel.set(landscape_x=a, landscape_y=b)
        _, land, _, _ = panel.figure.axes
        assert (land.get_xlabel(), land.get_ylabel()) == (nb.notation.MATHTEXT[a], nb.notation.MATHTEXT[b])
    panel.set(landscape_x="w1_11", landscape_y="w1_11")
    assert any("two different" in t.get_text() for t in panel.figure.axes[1].texts)
    panel.set(landscape_x="w2_11", landscape_y="b_21")


def test_divergence_is_a_message_not_a_traceback(quiet):
    panel = PlaygroundPanel(data="notes: regression (iq, cgpa → package)", hidden="linear", standardise=False)
    panel.set(eta=10.0)
    for _ in range(4):
        panel.step_button.click()
    assert "Training stopped" in panel.message.value and panel.state.stopped
    assert all(np.isfinite(panel.state.params))
    curve = panel.figure.axes[2]
    assert any("Training stopped" in t.get_text() for t in curve.texts)  # said on the loss curve too
    panel.play.playing = True
    panel.play.value = 1
    assert not panel.play.playing  # Play pauses itself when training cannot go on


def test_a_redrawn_picture_is_what_a_full_draw_shows():
    panel = PlaygroundPanel(data="preset: xor", hidden="tanh", eta=0.2)
    for k in range(6):
        panel.step_button.click() if k % 2 else panel.epoch_button.click()
        shown = pixels(panel.view.png())
        buf = io.BytesIO()
        with unhinted_text():  # as a panel draws its figure
            panel.figure.savefig(buf, format="png")
        reference = pixels(buf.getvalue())
        assert shown.shape == reference.shape
        differing = (np.abs(shown - reference).sum(axis=-1) > 60).mean()
        assert differing < 0.01, f"after action {k}: {differing:.2%} of the pixels differ from a full draw"
    assert panel.view.renderer.full_draws < 6, "every action redrew the frames"


def test_drawn_in_place_is_what_a_fresh_drawing_shows():
    """The panel draws again in place (curves, points and ring moved, contours drawn anew): after each action its
    figure is, pixel for pixel, what draw_playground draws on new axes for the same state."""
    from matplotlib.figure import Figure

    from nbhelpers.panels.render import BlitRenderer
    from nbhelpers.plots.playground import FIGSIZE, draw_playground, playground_axes

    panel = PlaygroundPanel(data="preset: xor", hidden="tanh", eta=0.2)
    actions = [
        lambda: panel.step_button.click(),
        lambda: panel.epoch_button.click(),
        lambda: setattr(panel.axis_a, "value", "w1_11"),
        lambda: setattr(panel.axis_b, "value", panel.axis_a.value),  # "choose two different parameters"
        lambda: setattr(panel.axis_b, "value", "b_21"),
        lambda: setattr(panel.hidden, "value", "linear"),  # a new look: everything drawn afresh
        lambda: setattr(panel.dataset, "value", "notes: regression (iq, cgpa → package)"),
        lambda: panel.step_button.click(),
    ]
    for k, act in enumerate(actions):
        act()
        fig = Figure(figsize=FIGSIZE, dpi=80)
        draw_playground(playground_axes(fig), panel.state, panel.axis_a.value, panel.axis_b.value)
        fresh = pixels(BlitRenderer(fig).png(full=True))
        shown = pixels(BlitRenderer(panel.figure).png(full=True))
        assert shown.shape == fresh.shape
        differ = int((shown != fresh).any(axis=-1).sum())
        assert differ == 0, f"after action {k}: {differ} pixels differ from a fresh drawing of the same state"


def test_the_next_step_drawn_ahead_is_what_a_step_draws(quiet):
    """Once the page has drawn a Step's picture (it says so), the panel draws the next Step's while the learner looks
    (``idle``), and the next Step sends it at once. What the page gets must be, byte for byte, what a twin panel that
    draws every Step when it comes sends: the scene, the frames (the frames change on some Steps here), the table and
    the message; and any change in between (η moved on the slider, or on the state itself, the landscape's axes, an
    Epoch) must drop it. A report of an older picture, or none, draws nothing ahead."""
    make = lambda: PlaygroundPanel(data="preset: xor", hidden="tanh", eta=0.5, seed=1)  # noqa: E731
    panel, twin = make(), make()  # the twin's page never reports: it draws every Step when it comes
    assert panel.view.widget.report_drawn

    def page_drew(version):  # what canvas_view.js sends once it has drawn a picture
        panel.view.widget._handle_custom_msg({"drawn": version}, [])

    step = lambda p: p.step_button.click()  # noqa: E731
    # (action, whether its picture comes drawn ahead): a Step after a Step, with nothing changed in between
    actions = (
        [(step, False)] + [(step, True)] * 11
        + [(lambda p: setattr(p.eta, "value", 0.1), False), (step, False), (step, True)]
        + [(lambda p: p.state.set_eta(0.2), False), (step, False), (step, True)]  # η changed behind the panel's back
        + [(lambda p: setattr(p.axis_a, "value", "w1_11"), False), (step, False), (step, True)]
        + [(lambda p: p.epoch_button.click(), False), (step, False)] + [(step, True)] * 3
    )  # fmt: skip
    frames_before, reported = twin.view.renderer.frame_changes, None
    for k, (act, ahead) in enumerate(actions):
        drawn_ahead = panel.drawn_ahead
        act(panel)
        act(twin)
        kept = dict(panel._ahead)
        page_drew(panel.view.widget.version - 1)  # an older picture: nothing happens
        assert panel._ahead == kept
        if panel.view.widget.version != reported:  # the page reports each new picture once it has drawn it
            reported = panel.view.widget.version
            page_drew(reported)
        assert panel.drawn_ahead - drawn_ahead == ahead, f"action {k}: drawn ahead {not ahead}"
        shown, want = panel.view.widget, twin.view.widget
        assert shown.version == want.version, f"action {k}: not one picture per action"
        assert shown.scene == want.scene, f"action {k}: the scene differs from a Step drawn when it came"
        assert shown.frame == want.frame, f"action {k}: the frames differ from a Step drawn when it came"
        assert (panel.table.value, panel.message.value) == (twin.table.value, twin.message.value)
        assert panel.state.params == twin.state.params and panel.state.updates == twin.state.updates
    assert twin.view.renderer.frame_changes - frames_before >= 3, "no Step here changed the frames"
    assert twin.drawn_ahead == 0


# --- uploads ------------------------------------------------------------------------------------------------------
GOOD = b"name,iq,cgpa,placed\nA,80,8,1\nB,70,7,1\nC,60,6,0\nD,50,5,0\nE,75,6.5,1\n"


def test_a_good_file_is_taken_and_drawn(quiet):
    panel = PlaygroundPanel()
    upload(
        panel,
        GOOD.replace(b"name,", b"")
        .replace(b"A,", b"")
        .replace(b"B,", b"")
        .replace(b"C,", b"")
        .replace(b"D,", b"")
        .replace(b"E,", b""),
        "marks.csv",
    )
    s = panel.state
    assert panel.problem is None and s.data.source == "marks.csv" and s.task == "classification"
    assert s.data.feature_names == ("iq", "cgpa") and s.data.target_name == "placed" and s.n_rows == 5
    assert panel.dataset.value == "your CSV: marks.csv" and list(panel.target.options) == ["iq", "cgpa", "placed"]
    assert np.allclose(s.data.X[4], [75, 6.5])
    panel.step_button.click()
    assert panel.state.updates == 1 and "iq" in panel.figure.axes[3].get_xlabel()


def test_columns_and_task_are_chosen_after_loading(quiet):
    panel = PlaygroundPanel()
    upload(panel, GOOD, "named.csv")  # the first column is text: the default choice fails and says where
    assert "named.csv" in panel.message.value and "line 2" in panel.message.value
    assert panel.state.data.source.startswith("preset")
    upload(panel, b"iq,cgpa,placed,salary\n80,8,1,9.5\n70,7,1,7\n60,6,0,4\n50,5,0,2\n", "four.csv")
    assert panel.state.task == "regression"  # the last column, salary, is the target by default
    panel.set(target="placed")
    assert panel.state.task == "classification" and panel.state.data.target_name == "placed"
    panel.set(task="regression")
    assert panel.state.task == "regression"
    panel.set(task="classification")
    assert panel.state.task == "classification"
    panel.set(target="salary")  # 9.5 is not a class: said, and the data stays what it was
    assert "four.csv" in panel.message.value and "line 2" in panel.message.value and "salary" in panel.message.value
    assert panel.state.task == "classification" and panel.state.data.target_name == "placed"
    panel.set(x_i1="cgpa", x_i2="cgpa", task="from the target")
    assert "two features must be different" in panel.message.value


def test_a_semicolon_file_as_european_excel_saves_it_loads(quiet):
    panel = PlaygroundPanel()
    upload(panel, "iq;cgpa;Gehalt\n80;8,5;9,5\n70;7;7,25\n60;6;4\n".encode("cp1252"), "eu.csv")
    assert panel.problem is None and panel.state.task == "regression"
    assert np.allclose(panel.state.data.X[0], [80, 8.5]) and panel.state.data.y[1] == 7.25


BAD = {
    "missing column": (b"iq,cgpa\n80,8\n70,7\n", ["bad.csv", "3"]),
    "empty cell": (b"iq,cgpa,placed\n80,8,1\n70,,0\n", ["bad.csv", "line 3", "cgpa"]),
    "non-numeric cell": (b"iq,cgpa,placed\n80,8,1\n70,seven,0\n", ["bad.csv", "line 3", "cgpa", "seven"]),
    "too big": (b"iq,cgpa,placed\n" + b"80,8,1\n" * 150_000, ["bad.csv", "MB"]),
    "too many rows": (b"iq,cgpa,placed\n" + b"80,8,1\n" * 10_001, ["bad.csv", "10001", "10000"]),
    "not text": (b"PK\x03\x04\x14\x00xl/workbook.xml" + bytes(64), ["bad.csv", "Excel"]),
    "not UTF-8 and not Windows-1252": (b"iq,cgpa,placed\n80,8,1\n70,7\x81,0\n", ["bad.csv", "line 3"]),
    "a single class": (b"iq,cgpa,placed\n80,8,1\n70,7,1\n", ["bad.csv", "placed", "only class 1"]),
    "duplicate header names": (b"iq,cgpa,IQ\n80,8,1\n70,7,0\n", ["bad.csv", "line 1", "columns 1 and 3"]),
    "empty file": (b"", ["bad.csv", "empty"]),
}


@pytest.fixture(scope="module")
def trained():
    """One panel for the bad files: each leaves it as it was (the test checks that), so they can share it."""
    panel = PlaygroundPanel()
    panel.step_button.click()
    return panel


@pytest.mark.parametrize("kind", BAD)
def test_a_bad_file_is_named_and_nothing_is_lost(kind, trained, quiet):
    content, words = BAD[kind]
    panel = trained
    data, params, updates, png = panel.state.data, panel.state.params, panel.state.updates, panel.view.png()
    upload(panel, content, "bad.csv")
    message = panel.message.value
    for word in words:
        assert word in message, (kind, word, message)
    assert panel.state.data is data and panel.state.params == params and panel.state.updates == updates
    assert panel.dataset.value == "preset: xor" and png  # the data and the training are as they were
    panel.step_button.click()  # and training goes on
    assert panel.state.updates == updates + 1 and "bad.csv" not in panel.message.value


def test_landscape_grid_is_sampled_for_a_large_file(monkeypatch, quiet):
    monkeypatch.setattr(playground, "LANDSCAPE_ROWS", 20)
    rng = np.random.default_rng(0)
    rows = "\n".join(f"{a:.3f},{b:.3f},{int(a * b > 0)}" for a, b in rng.normal(0, 1, (60, 2)))
    panel = PlaygroundPanel()
    upload(panel, f"a,b,c\n{rows}\n".encode(), "many.csv")
    land = panel.figure.axes[1]
    assert panel.state.n_rows == 60 and any("a sample of 20 of the 60 rows" in t.get_text() for t in land.texts)
