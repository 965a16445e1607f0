"""What every panel shares: a figure shown as a PNG, one redraw at a time whatever thread a change arrives on,
controls moved by name from Python, and a one-line text where the widget cannot be shown.

What a panel promises, whatever order and thread its messages arrive in (JupyterLab 4.6 sends widget messages
over kernel subshells, so two callbacks can run at once):

* one redraw at a time: a change that arrives while another thread draws only marks the panel out of date, and
  the drawing thread draws again, reading the controls afresh, until nothing is left to draw;
* the picture is a pure function of the controls: after the last change it is what a fresh panel at the same
  values draws (no axis remembers where an earlier slider position took it);
* a slider holds exactly the value that is used: values are snapped to the slider's step in Python, so a
  preset's values and the front end's echo of them are the same numbers.
"""

from __future__ import annotations

import gc
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import ipywidgets as widgets
import traitlets

try:
    import anywidget
except ImportError:  # a hub with only numpy, matplotlib and ipywidgets: the panels show PNGs (FigureView)
    anywidget = None

from ..params import PARAM_NAMES, Params
from .controls import ParamControls
from .render import BlitRenderer, unhinted_text

AHEAD_KEEP = 8  # pictures a panel keeps to send again (``Panel.redraw``)
FRAMES_ON_PAGE = 8  # frames' pictures the page keeps decoded, by number (canvas_view.js's FRAMES_KEPT)
MAX_ROWS = 10_000  # the most rows a panel draws (a learner's own CSV can be larger: take a sample)
RERUN_HINT = "if its controls do nothing, run this cell again (the panel lives in the running kernel)"
# A canvas view whose model hears nothing from the kernel (anywidget drops every message to a model it could not set
# up within its fixed 2 s: see ``FigureView``) is replaced by a fresh one, at most this many times per figure.
REPLACE_MOST = 3
ANSWER_FRESH = 1.5  # seconds: an answer sent this lately may still be on its way to the page (``FigureView``)


_gc_lock = threading.Lock()
_gc_hold = {"redraws": 0, "turned_off": False}  # redraws in progress; whether the first of them turned the gc off


@contextmanager
def collector_held_off():
    """Hold off Python's cyclic garbage collector while a redraw runs, and let it run afterwards.

    A notebook's kernel holds a few hundred thousand objects, and a redraw allocates enough to start a collection
    of all of them now and then: 10 ms of a 35 ms redraw in notebook 02's kernel. Held off, that collection runs
    after the new picture has been sent, between two moves of a slider. Reference counting still frees everything
    at once; only cycles wait. Concurrent redraws (two panels on two kernel threads) share one hold, and the
    collector is turned on again only if a redraw turned it off.
    """
    with _gc_lock:
        if _gc_hold["redraws"] == 0:
            _gc_hold["turned_off"] = gc.isenabled()
            gc.disable()
        _gc_hold["redraws"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_hold["redraws"] -= 1
            if _gc_hold["redraws"] == 0 and _gc_hold["turned_off"]:
                gc.enable()


def remember(kept: dict, key, value, most: int) -> None:
    """Put ``key`` last in ``kept`` with ``value`` (a dict keeps its order), dropping the first entries beyond
    ``most``: a store of the ``most`` latest."""
    kept.pop(key, None)
    kept[key] = value
    while len(kept) > most:
        del kept[next(iter(kept))]


# the synced traits of a CanvasView that a fresh one takes over from the one it replaces (``replace_canvas``)
SYNCED = ("width", "height", "frame", "frame_version", "scene", "version", "report_drawn")

if anywidget is not None:

    class CanvasView(anywidget.AnyWidget):
        """The page's side of a ``FigureView``: a canvas that shows the frames' PNG and draws the scene over it
        (``canvas_view.js``). ``version`` counts the pictures sent; the canvas' ``data-drawn`` attribute says which
        one it shows, and, where ``report_drawn`` is set, the page sends it back ({"drawn": version})."""

        _esm = Path(__file__).with_name("canvas_view.js")
        width = traitlets.Int(0).tag(sync=True)
        height = traitlets.Int(0).tag(sync=True)
        frame = traitlets.Bytes(b"").tag(sync=True)
        frame_version = traitlets.Int(-1).tag(sync=True)
        scene = traitlets.Bytes(b"").tag(sync=True)
        version = traitlets.Int(0).tag(sync=True)
        report_drawn = traitlets.Bool(False).tag(sync=True)  # the page says which picture it has drawn

else:
    CanvasView = None


class Picture(NamedTuple):
    """A panel's picture as the page gets it: the scene, the frames' PNG and its number (``frame_version``), and the
    texts the panel sets with it ((widget, value) pairs). Kept to be sent again (``Panel.redraw``)."""

    scene: bytes
    frame: bytes
    frame_version: int
    texts: tuple


class FigureView:
    """A matplotlib ``Figure`` shown live on the page: the frames as a PNG, sent only when they change, and the data
    as drawing commands (``scene.py``), in a ``CanvasView``. ``png()`` draws the same picture in the kernel.

    Without anywidget (a hub with only the notebooks' own imports) the page gets that PNG, in an
    ``ipywidgets.Image``, on every change: slower, the same picture."""

    def __init__(self, figure, width="100%"):
        self.figure = figure
        self.renderer = BlitRenderer(figure)
        self.lock = threading.RLock()  # held while the figure is drawn or read (``Panel``'s drawing, ``png``)
        self._frames_sent = {}  # numbers of the frames' pictures the page was sent, the latest last (FRAMES_ON_PAGE)
        self.catch_up = lambda: None  # brings the figure to the panel's state before it is read (``png``)
        self.replaced = 0  # canvas views replaced because they heard nothing from the kernel (``replace_canvas``)
        self._answered = -float("inf")  # time.monotonic() of the last answer to the page's {"hello"}
        self._drawn = None  # ``on_drawn``'s callback
        if CanvasView is None:
            self.widget = widgets.Image(format="png", layout=widgets.Layout(width="100%"))
            self.widget.add_class("panel-figure")
        else:
            self.widget = self._new_canvas()
        # what the panel lays out: a box around the view, so that a fresh view can take the place of a dead one
        self.box = widgets.VBox([self.widget], layout=widgets.Layout(width=width, max_width="1100px"))

    def _new_canvas(self, **state) -> CanvasView:
        """A canvas view with ``state`` (its synced traits), answering the page's messages (``_page_message``)."""
        view = CanvasView(layout=widgets.Layout(width="100%"), **state)
        view.add_class("panel-view")
        view.on_msg(self._page_message)
        return view

    def _page_message(self, widget, content, _buffers) -> None:
        """What the canvas view sends: {"hello": n} when it starts (answered in kind: the page then knows that the
        kernel's messages reach it), {"stale": n} when it got no answer (``replace_canvas``), {"drawn": version}
        (``on_drawn``). Messages from a view that has been replaced are ignored."""
        if widget is not self.widget or not isinstance(content, dict):
            return
        if "hello" in content:
            self._answer()
        elif "stale" in content:
            self.replace_canvas()
        elif isinstance(content.get("drawn"), int) and self._drawn is not None:
            self._drawn(content["drawn"])

    def _answer(self) -> None:
        self._answered = time.monotonic()
        self.widget.send({"hello": 1})

    def replace_canvas(self) -> None:
        """Put a fresh canvas view, with the same state, in the place of one whose page got no answer to its
        {"hello"}, and close the old one.

        anywidget gives a model 2 s from its creation on the page to load its module; a model that misses that
        (a page busy for longer while it builds every widget at once: Voilà, a JupyterLab tab reloaded with its kernel
        running) still shows its first picture, but every message the kernel sends it afterwards is dropped: the
        panel looks alive and never changes. The view cannot mend its model; a new model, made now, gets its own 2 s.

        Nothing happens where the last answer is recent (``ANSWER_FRESH``: the kernel was busy, and the answer and
        the page's complaint crossed), or after ``REPLACE_MOST`` replacements (the panel's caption says what
        then: run its cell again)."""
        with self.lock:
            if self.replaced >= REPLACE_MOST:
                return
            if time.monotonic() - self._answered < ANSWER_FRESH:
                self._answer()
                return
            old = self.widget
            self.widget = self._new_canvas(**{name: getattr(old, name) for name in SYNCED})
            self._frames_sent = {self.widget.frame_version: True}  # the new page view has decoded no other frames
            self.box.children = (self.widget,)
            self.replaced += 1
            old.close()

    def render(self) -> bytes:
        """Send the new picture to the page: the frames' PNG if they changed, and the scene; returns the scene (or,
        without anywidget, the PNG)."""
        renderer = self.renderer
        if CanvasView is None:
            self.widget.value = renderer.png()
            return self.widget.value
        renderer.frames()
        scene = renderer.scene()
        self.send(scene, *self.new_frames())
        return scene

    def picture(self, texts=()) -> Picture:
        """The figure as it is now, as a ``Picture`` (the canvas view only), with ``texts``."""
        renderer = self.renderer
        renderer.frames()
        scene = renderer.scene()
        return Picture(scene, renderer.frame_png(), renderer.frame_version, tuple(texts))

    def shown(self, texts=()) -> Picture | None:
        """The picture the page was last sent, with ``texts`` (None without the canvas view)."""
        view = self.widget
        return Picture(view.scene, view.frame, view.frame_version, tuple(texts)) if self.live else None

    def show(self, picture: Picture) -> None:
        """Send ``picture`` (its frames only where the page shows others)."""
        same = picture.frame_version == self.widget.frame_version
        self.send(picture.scene, *((None, None) if same else (picture.frame, picture.frame_version)))

    @property
    def live(self) -> bool:
        """The canvas view (not the PNG fallback): pictures can be kept and sent again."""
        return CanvasView is not None and isinstance(self.widget, CanvasView)

    def new_frames(self) -> tuple:
        """(PNG, version) of the frames' picture on the renderer's canvas (after ``frames()``), or (None, None) where
        the page already shows it."""
        renderer = self.renderer
        if renderer.frame_version == self.widget.frame_version:
            return None, None
        return renderer.frame_png(), renderer.frame_version

    def send(self, scene: bytes, frame: bytes | None = None, frame_version: int | None = None) -> None:
        """Show ``scene`` on the page, over the frames' picture ``frame`` (numbered ``frame_version``) if it is given,
        else over the frames the page shows."""
        view = self.widget
        width, height = (int(round(v)) for v in self.figure.bbox.size)
        with view.hold_sync():
            if frame is not None:
                view.frame = frame
                view.frame_version = frame_version
                remember(self._frames_sent, frame_version, True, FRAMES_ON_PAGE)
            view.width, view.height = width, height
            view.scene = scene
            view.version += 1

    def send_frames_ahead(self, picture: Picture) -> None:
        """Send the page the frames' picture of ``picture`` (a picture drawn ahead) unless it shows those frames or
        was sent them lately: the page decodes it while the learner looks and keeps it by number, and the move that
        shows ``picture`` then finds it decoded (a PNG decode on the page: 30-45 ms on a slow machine, in a move of
        20-40). The model still carries the frames with the picture: a page that no longer holds them decodes them
        then."""
        number = picture.frame_version
        if not self.live or number == self.widget.frame_version or number in self._frames_sent:
            return
        self.widget.send({"frame_ahead": number}, [picture.frame])
        remember(self._frames_sent, number, True, FRAMES_ON_PAGE)

    def on_drawn(self, callback) -> None:
        """Have the page report each picture it has drawn, and call ``callback(version)`` with its number then (the
        canvas view only: the PNG fallback reports nothing)."""
        if not self.live:
            return
        self._drawn = callback
        self.widget.report_drawn = True

    def png(self) -> bytes:
        """The picture the page shows, drawn in the kernel by Agg (for tests, screenshots and saving)."""
        with self.lock:
            self.catch_up()
            return self.renderer.png()


def check_rows(data) -> None:
    """Panels draw at most ``MAX_ROWS`` rows: a larger dataset gets a ValueError that says what to do."""
    n = len(data.y)
    if n > MAX_ROWS:
        raise ValueError(
            f"{data.source}: {n} rows; a panel draws at most {MAX_ROWS}. Take a sample first, e.g. "
            f"idx = np.random.default_rng(0).choice({n}, {MAX_ROWS}, replace=False) and "
            f"data._replace(X=data.X[idx], y=data.y[idx])"
        )


class Panel:
    """Base class: subclasses build ``self.controls``, ``self.view`` and ``self.widget`` and implement ``draw()``.

    ``DESCRIPTION`` names the panel in the one line shown where the widget cannot be (a notebook opened without
    its kernel, or read on a static page).
    """

    DESCRIPTION = "a live panel"

    def __init__(self):
        self._lock = threading.Lock()  # guards the three flags below
        self._held = 0  # inside hold(): changes only mark the panel out of date
        self._dirty = False  # a change has not been drawn yet
        self._drawing = False  # some thread is in the redraw loop
        self.redraws = 0
        self.drawn_ahead = 0  # pictures sent from ``_ahead``: drawn before they were asked for, or shown before
        self._ahead = {}  # picture key -> Picture: drawn ahead (``idle``) or shown before (``redraw``)
        self._shown = None  # (picture key, Picture) of the picture the page was last sent

    def _watch(self, controls):
        for w in controls:
            w.observe(self._changed, names="value")

    def _wire_params(self, pc: ParamControls):
        self._watch(pc.widgets())
        pc.notes_button.on_click(lambda _: self.set_params(Params.notes_init()))
        pc.random_button.on_click(lambda _: self.set_params(pc.random_preset()))

    def _changed(self, _change):
        self.request_redraw()

    def request_redraw(self):
        """Redraw now, unless another thread is drawing (it will draw again) or the controls are held."""
        with self._lock:
            self._dirty = True
            if self._held or self._drawing:
                return
            self._drawing = True
        self._drawing_loop()

    def follow_page(self) -> None:
        """Have the page report each picture it has drawn (``page_drew``): then the panel does its ``idle`` work
        (draws its ``likely_next`` pictures ahead) while the learner looks. (The canvas view only.)"""
        self.view.catch_up = self._catch_up
        self.view.on_drawn(self.page_drew)

    def page_drew(self, version: int) -> None:
        """The page has drawn picture ``version`` (the canvas view reports it where ``report_drawn`` is set): if it is
        the latest, do the panel's ``idle`` work now, or, where another thread is drawing, once it is done (unless it
        draws a newer picture: its report will come)."""
        self._page_reports = True
        with self._lock:
            if version != self.view.widget.version:
                return
            if self._held or self._drawing or self._dirty:
                self._idle_due = True
                return
            self._drawing = True
        self._drawing_loop(idle=True)

    _page_reports = False  # the page reports the pictures it draws: the figure catches up with them in ``idle``
    _idle_due = False  # a report came while another thread drew: ``idle`` runs when it is done
    _behind = False  # the figure lags the picture sent (one sent as kept): ``idle`` or a reader draws it

    def _drawing_loop(self, idle=False):
        """Run ``idle`` (if asked), then redraw until nothing is left to draw (and ``idle`` if a report came
        meanwhile); the caller has set ``_drawing``."""
        try:
            with self.view.lock:
                while True:
                    if idle:
                        self.idle()
                    with self._lock:
                        if self._dirty:
                            self._dirty, self._idle_due, idle = False, False, False
                        elif self._idle_due:
                            self._idle_due, idle = False, True
                            continue
                        else:
                            self._drawing = False
                            return
                    with collector_held_off():
                        self.redraw()  # reads the controls as they are now
        except BaseException:
            with self._lock:
                self._drawing = False
            raise

    @contextmanager
    def hold(self):
        """Change several controls, then redraw once."""
        with self._lock:
            self._held += 1
        try:
            yield
        finally:
            with self._lock:
                self._held -= 1
        self.request_redraw()

    def set(self, **values):
        """Move controls by name (as a learner would), then redraw once."""
        with self.hold():
            for name, value in values.items():
                self.controls[name].value = value

    def set_params(self, params: Params):
        self.set(**dict(zip(PARAM_NAMES, params)))

    def redraw(self):
        """Draw the figure for the controls and send it; or, if a picture for exactly this state was drawn ahead or
        shown before (the same ``picture_key``), send that at once, then draw the figure to the state."""
        key = self._picture_key()
        if self._shown is not None:  # the picture being left: the learner may come back to it
            self._keep(*self._shown)
        picture = self._ahead.get(key) if key is not None else None
        if picture is None:
            with self.texts_after_figure() as texts, unhinted_text():  # as the renderer draws: anything a plot
                self.draw()  # measures is measured as it will be drawn
                self.view.render()
            picture = self.view.shown(texts)
        else:
            with self.texts_after_figure():
                self.view.show(picture)
                for widget, value in picture.texts:
                    self.show_text(widget, value)
            self.drawn_ahead += 1
            self._behind = True
            if not self._page_reports:  # else the figure is drawn to the state once the page shows the picture
                # (``idle``): drawing now would take a core from the server and the browser on its way there
                self._catch_up()
        self._shown = (key, picture) if key is not None and picture is not None else None
        self.redraws += 1

    def picture_key(self):
        """Everything the picture depends on, hashable: the controls' values (a panel whose picture depends on more
        says so). Pictures with the same key are the same picture."""
        return tuple(self.settings().items())

    def likely_next(self) -> list:
        """The pictures the learner will likely ask for next, as (``picture_key``, draw) pairs: ``draw()`` draws the
        figure for that key without moving any control. None here; ``idle`` draws them ahead."""
        return []

    def _picture_key(self):
        if not self.view.live:
            return None
        try:
            key = self.picture_key()
            hash(key)
        except TypeError:  # a value that cannot be a key: nothing is kept
            return None
        return key

    def _catch_up(self) -> None:
        """Draw the figure to the controls if it lags the picture sent (``_behind``)."""
        if self._behind:
            self._behind = False
            # The picture leaves through the kernel's I/O thread, which needs the GIL that drawing holds: wait until
            # it has gone (in a kernel, stdout's flush waits for that thread to get this far; elsewhere it does
            # nothing).
            sys.stdout.flush()
            self._draw_figure_only()

    def _draw_figure_only(self) -> None:
        """``draw()`` the figure for the controls, keeping the texts it sets to itself: the page's texts go with its
        picture, and only a redraw sends a picture."""
        held, self._texts = self._texts, []
        try:
            with unhinted_text():
                self.draw()
        finally:
            self._texts = held

    def _keep(self, key, picture) -> None:
        remember(self._ahead, key, picture, AHEAD_KEEP)

    def idle(self):
        """Work for the likely next action, done while the learner looks at the picture (``page_drew``): draw the
        ``likely_next`` pictures not yet kept (and forget the other kept ones), stopping as soon as a change waits;
        then draw the figure back to the controls. No picture is sent; the frames of those drawn ahead (and of those
        kept, where the page lacks them) are (``send_frames_ahead``)."""
        if not self.view.live:
            return
        self._catch_up()
        with unhinted_text():
            try:
                plans = self.likely_next()
                wanted = {key for key, _ in plans}
                self._ahead = {key: p for key, p in self._ahead.items() if key in wanted}
                todo = []
                for key, draw in plans:
                    if key in self._ahead:  # drawn already: its frames go to a page that lacks them (a new view)
                        self.view.send_frames_ahead(self._ahead[key])
                    else:
                        todo.append((key, draw))
                if not todo:
                    return
                for key, draw in todo:
                    if self._dirty:  # a change waits: it is drawn first
                        break
                    self._texts = []
                    try:
                        draw()
                    finally:
                        texts, self._texts = self._texts, None
                    picture = self.view.picture(texts)
                    self._keep(key, picture)
                    self.view.send_frames_ahead(picture)
            except Exception:  # nothing is lost: a picture not drawn ahead is drawn when it is asked for
                pass
            self._draw_figure_only()  # the figure back to the controls

    @contextmanager
    def texts_after_figure(self):
        """While inside, ``show_text`` holds its texts back; on leaving, they are set (after the figure was sent).
        Yields the list of the (widget, value) pairs held back."""
        self._texts = []
        try:
            yield self._texts
        finally:
            texts, self._texts = self._texts, None
            for widget, value in texts:
                widget.value = value

    _texts = None  # during a redraw: the (widget, value) pairs ``show_text`` holds back until the figure is sent

    def show_text(self, widget, value: str) -> None:
        """Set a text widget (a table, a message) that ``draw()`` fills. During a redraw it is set just after the new
        figure has been sent, so that the page draws the figure first and lays the text out afterwards (a table
        laid out at the same time slows the figure's way to the screen on a 2-core machine); at once otherwise."""
        if self._texts is None:
            widget.value = value
        else:
            self._texts.append((widget, value))

    @property
    def figure(self):
        return self.view.figure

    def settings(self) -> dict:
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def params_code(self) -> str:
        """The current parameters as a line of code, to keep them: paste it into a cell."""
        return "nb.Params(" + ", ".join(f"{n}={v!r}" for n, v in self.params_ui.params().to_dict().items()) + ")"

    def _caption(self):
        return widgets.HTML(f"<small style='color:#666'>{self.DESCRIPTION}: {RERUN_HINT}</small>")

    def _repr_mimebundle_(self, **kwargs):
        """The widget, and a one-line text for where it cannot be shown (no kernel, a static page)."""
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"[{self.DESCRIPTION}: run this cell to bring the panel back]"
        return bundle
