"""Every notebook as an app in Voilà (projector mode, ``make present``), in a real Chromium.

One Voilà server serves a temporary copy of notebooks/ as ``make present`` serves one notebook: on 127.0.0.1, with a
token, with the template share/jupyter/voila/templates/projector (Voilà's lab template without the stylesheets it
links from a CDN), the kernels with MPLBACKEND=Agg (bs.KERNEL_ENV); and with --show_tracebacks=True, without which
Voilà leaves the cells' stderr and warnings out of the page and shows an error as one line without its message.
Voilà runs every cell before the page is complete, so the notebooks (and a deliberately broken one, see the end) are
opened two at a time, one page each in one browser context (while a test checks one page, Voilà runs the next), and
the tests below take them in turn:

* Voilà ran every cell (it stops at the first that fails) and the page shows no error or stderr output, no widget
  that reads "Loading widget..." or "Error displaying widget";
* every panel shows its sliders and a loaded figure (canvas.panel-figure), every static figure of the committed
  notebook is shown, and no other cell shows a widget;
* every panel's figure hears from the kernel, and a keyboard move of every panel's η slider (of its first slider
  where it has no η) redraws its figure, one way and back; in 02 after anywidget was made to give up on both panels'
  models (``GIVE_UP``): their views are replaced;
* nothing went wrong out of sight: console errors, uncaught page errors, the kernel's errors, warnings and stderr
  outside any cell (a widget callback's: read on the page's kernel websocket), and any request to another host than
  the Voilà server (the test answers none: no network);

then the server's log (no traceback, no error), and the broken notebook shows that the checks report what they
should.

The browser is pytest-playwright's (Debian's Chromium: conftest.py). Without Chromium, playwright or voila the module
is skipped with the line saying how to enable it, except under CI=true, where every test fails in its body with that
line.
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import browser_support as bs
import pytest

AVAILABLE, WHY = bs.skip_module_without_browser()
HINT = bs.ENABLE_HINT
if AVAILABLE and importlib.util.find_spec("voila") is None:
    AVAILABLE, WHY, HINT = False, "voila is not installed", "pip install -e '.[test]'"
    if not bs.IN_CI:
        pytest.skip(f"Voilà tests skipped ({WHY}); to run them, {HINT}", allow_module_level=True)

pytestmark = pytest.mark.browser
NAMES = [p.name for p in sorted(bs.NOTEBOOKS.glob("*.ipynb"))]
SABOTAGE = "_sabotage.ipynb"  # written into the server's temporary copy of notebooks/, never into the repo
SABOTAGE_CELL = "'id': 'sabotage-"  # how Voilà's log names a cell of it (its cells' ids start so)
TEMPLATES = bs.ROOT / "share" / "jupyter"  # JUPYTER_PATH: Voilà finds the projector template in voila/templates/
SETTLE = 0.5  # seconds: no new figure this long after the kernel went idle: the key press drew none
# Pages where anywidget is made to give up on the first n models (bs.GIVE_UP_JS), as it did on a loaded CI machine
# (it drops every message the kernel sends a model it could not set up within its fixed 2 s): 02's two panels must
# replace their views and then pass every check, as the other notebooks' panels do without that.
GIVE_UP = {"02_regression_backward.ipynb": 2}


class VoilaServer(bs.LabServer):
    """``voila`` serving a temporary copy of notebooks/ (see the module's docstring), in a process group of its own;
    LabServer's temporary folder, environment and ``stop``. Voilà shuts every kernel down when it stops."""

    def start(self, timeout=120.0) -> VoilaServer:
        return self.spawn().wait_ready(timeout)

    def spawn(self) -> VoilaServer:
        """Start Voilà; ``wait_ready`` waits until it answers (the browser can start meanwhile)."""
        self.env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(TEMPLATES), self.env.get("JUPYTER_PATH")]))
        cmd = [
            sys.executable,
            "-m",
            "voila",
            str(self.root_dir),
            "--no-browser",
            f"--port={free_port()}",  # Voilà tries the next ports if it is taken: the log says which it got
            "--Voila.ip=127.0.0.1",
            f"--Voila.token={self.token}",  # token authentication on, as `make present` (--token) has it
            "--template=projector",
            "--show_tracebacks=True",
        ]
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(
                cmd, stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=self.tmp, start_new_session=True
            )
        atexit.register(self.stop, check=False)
        return self

    def wait_ready(self, timeout=120.0) -> VoilaServer:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            if m := re.search(r"Voilà is running at:\s*(http://127\.0\.0\.1:\d+)/", self.log()):
                try:
                    urllib.request.urlopen(f"{m.group(1)}/voila/static/voila.js", timeout=2).close()
                    self.base = m.group(1)
                    return self
                except OSError:
                    pass
            time.sleep(0.2)
        why = f"exited with {self.proc.returncode}" if self.proc.poll() is not None else f"no answer in {timeout:.0f} s"
        self.stop(check=False)
        raise RuntimeError(f"voila {why}:\n{self.log()[-4000:]}")

    def shutdown_kernels(self, path: str | None = None) -> None:
        """Nothing to do: Voilà shuts a page's kernel down when the page goes, and all of them when it stops."""

    def render_url(self, name: str) -> str:
        return f"{self.base}/voila/render/{name}?token={self.token}"  # the browser then keeps Voilà's login cookie


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the kernel's messages, read on the page's websocket --------------------------------------------------------------
def kernel_message(payload: str | bytes) -> tuple[str, dict, dict, dict] | None:
    """(channel, header, parent header, content) of a kernel websocket message: the v1 binary protocol of
    jupyter_server (offsets, then the channel and the message's JSON parts) or the JSON one."""
    try:
        if isinstance(payload, bytes):
            n = int.from_bytes(payload[:8], "little")
            offsets = [int.from_bytes(payload[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(n)]
            parts = [payload[a:b] for a, b in zip(offsets, offsets[1:])]
            header, parent, _, content = (json.loads(p) for p in parts[1:5])
            return parts[0].decode(), header, parent, content
        msg = json.loads(payload)
        return msg["channel"], msg["header"], msg["parent_header"], msg["content"]
    except (ValueError, KeyError, TypeError):
        return None


class VoilaPage:
    """A notebook opened in Voilà, in a page of ``context``. It records what goes wrong out of sight (``problems``):
    console errors, uncaught page errors, requests to other hosts (answered by nobody), and the kernel's errors,
    warnings and stderr that belong to no cell; and whether the kernel is busy, and when it last went idle."""

    def __init__(self, context, server: VoilaServer, name: str):
        self.name, self.server, self.committed = name, server, server.committed(name)
        self.page = context.new_page()
        self.page.route(re.compile(rf"^(?!{re.escape(server.base)}/)[a-z]+://"), self.elsewhere)
        self.complaints: list[tuple[str, str | None]] = []  # (what, the comm id of a "No such comm")
        self.ignored_comms: set[str] = set()
        self.busy, self.idle_at = False, 0.0
        self.gave_up = 0  # anywidget's rejections for models it gave up on (bs.ANYWIDGET_GAVE_UP): counted apart
        self.page.on("console", lambda m: m.type == "error" and self.complain(f"console.error: {m.text}"))
        self.page.on("pageerror", lambda exc: bs.page_error(self, exc, self.complain))
        self.page.on("websocket", self.watch)
        if name in GIVE_UP:
            self.page.add_init_script(script=f"({bs.GIVE_UP_JS})({GIVE_UP[name]})")
        self.url, self.opened_at = server.render_url(name), time.monotonic()
        # Voilà sends the page as the cells run; without waiting for the first bytes (seconds), as a link would
        self.page.evaluate("url => { location.href = url; }", self.url)

    def complain(self, what: str, comm: str | None = None) -> None:
        self.complaints.append((what, comm))

    def problems(self) -> list[str]:
        return [what for what, comm in self.complaints if comm not in self.ignored_comms]

    def elsewhere(self, route) -> None:
        self.complain(f"a request to another host than the Voilà server: {route.request.url}")
        route.abort()

    def watch(self, ws) -> None:
        if not ws.url.startswith(self.server.base.replace("http", "ws", 1) + "/"):
            self.complain(f"a websocket to another host than the Voilà server: {ws.url}")
        ws.on("framesent", self.sent)
        ws.on("framereceived", self.received)

    def sent(self, payload) -> None:
        """The widget manager's own comm (ipywidgets' jupyter.widget.control, which it opens to ask the kernel for
        its widgets and closes at once): a kernel may say "No such comm" to it (the open and the request travel on
        different shells); no notebook can avoid it, and it says nothing about the panels (as in browser_page.js)."""
        msg = kernel_message(payload)
        if msg and msg[1].get("msg_type") == "comm_open" and msg[3].get("target_name") == "jupyter.widget.control":
            self.ignored_comms.add(msg[3].get("comm_id"))

    def received(self, payload) -> None:
        msg = kernel_message(payload)
        if msg is None or msg[0] != "iopub":
            return
        _, header, parent, content = msg
        kind, after = header.get("msg_type"), parent.get("msg_type")
        if kind == "status":
            self.busy = content.get("execution_state") != "idle"
            self.idle_at = self.idle_at if self.busy else time.monotonic()
        if after == "execute_request":
            return  # a cell's own output: Voilà shows it in the page, where the checks read it
        where = f"after a {after}" if after else "with no parent message"
        if kind == "comm_close" and after == "comm_open":
            self.ignored_comms.add(content.get("comm_id"))  # refused: a kernel without ipywidgets (notebook 05)
        elif kind == "error":
            self.complain(f"kernel error outside any cell ({where}): {content.get('ename')}: {content.get('evalue')}")
        elif kind == "stream" and content.get("name") == "stderr":
            text = content.get("text", "").strip()
            if text == "No such comm target registered: jupyter.widget.control":
                return  # the same, from a kernel that has not imported ipywidgets
            comm = m.group(1) if (m := re.search(r"No such comm: ([\w-]+)", text)) else None
            what = "kernel warning" if re.search(r"\w*Warning\b:", text) else "kernel stderr"
            self.complain(f"{what} outside any cell ({where}): {' | '.join(text.splitlines())[:300]}", comm)


# --- what the page shows ------------------------------------------------------------------------------------------
# Voilà puts each cell's outputs in a <div cell-index="n"> (n counting every cell from 1, as bs.notebook_cells does)
# inside #rendered_cells, which it shows once every cell has run. Then its front end, once connected to the kernel,
# draws every output: it replaces each <script type="application/vnd.voila.cell-output+json"> with the rendered
# output (it leaves one it has no renderer for), and the widgets read "Loading widget..." until their models come.
OUTPUT_JSON = 'script[type="application/vnd.voila.cell-output+json"]'
# A panel's figure, whether it shows a picture, and what changes with every new picture: tests/figure_page.js, the
# definitions the JupyterLab checks read too (installed in every page of the context).
FIGURE_JS = "const {FIGURE, loaded: loadedFigure, shownAs} = nbhFigure;"
FINISHED = f"""stuck => {{
    {FIGURE_JS}
    const root = document.querySelector('#rendered_cells');
    if (!root) return true;  // an error page: the checks say so
    if (getComputedStyle(root).display === 'none' || root.querySelector('{OUTPUT_JSON}')) return false;
    const waiting = Array.from(root.querySelectorAll('.jp-OutputArea-output'))
        .filter(o => /^\\s*Loading widget/.test(o.textContent)).length;
    return waiting <= stuck && Array.from(root.querySelectorAll(FIGURE)).every(loadedFigure);
}}"""
# Each cell: whether it shows a widget, its sliders, η sliders, panel figures (loaded), static figures, the text of
# its error and stderr outputs (JupyterLab's renderer gives both this MIME type).
CELLS = f"""() => Array.from(document.querySelectorAll('#rendered_cells [cell-index]')).map(c => {{
    {FIGURE_JS}
    const all = sel => Array.from(c.querySelectorAll(sel)), img = all(FIGURE);
    return {{cell: +c.getAttribute('cell-index'),
            text: all('.jp-OutputArea-output').map(o => o.textContent.trim()).join(' ').slice(0, 200),
            unrendered: all('{OUTPUT_JSON}').map(s => Object.keys(JSON.parse(s.textContent).data || {{}}).join(', ')),
            widget: all('.jupyter-widgets').length > 0 || /Loading widget|Error displaying widget/.test(c.textContent),
            sliders: all('.widget-slider').length, eta: all('.eta-slider').length, images: img.length,
            loaded: img.filter(loadedFigure).length,
            figures: all('.jp-OutputArea-output[data-mime-type="image/png"]').length,
            errors: all('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
                .map(o => o.textContent)}};
}})"""
CELL = '#rendered_cells [cell-index="${n}"]'
# The slider (the first matching sel) of the panel in cell n: scrolled into view, its handle focused, read.
SLIDER = f"""([n, sel]) => {{
    const h = document.querySelector(`{CELL} ${{sel}}`), box = h.closest('.widget-slider');
    h.scrollIntoView({{block: 'center'}});
    h.focus();
    return {{now: +h.getAttribute('aria-valuenow'), max: +h.getAttribute('aria-valuemax'),
             focused: document.activeElement === h,
             name: box.querySelector('.widget-label')?.textContent.trim() || '?'}};
}}"""
FIGURE_SRC = f"""n => {{
    {FIGURE_JS}
    return shownAs(document.querySelector(`{CELL} :is(${{FIGURE}})`));
}}"""
HEARD = f"""n => {{
    {FIGURE_JS}
    const m = document.querySelector(`{CELL} :is(${{FIGURE}})`);
    return !!m && nbhFigure.heard(m);
}}"""
KERNEL_SAID = f"""n => {{
    {FIGURE_JS}
    return document.querySelector(`{CELL} :is(${{FIGURE}})`)?.dataset.kernel ?? null;
}}"""
NEW_FIGURE = f"""([n, before]) => {{
    {FIGURE_JS}
    const m = document.querySelector(`{CELL} :is(${{FIGURE}})`);
    return !!m && shownAs(m) !== before && loadedFigure(m);
}}"""
VOILA_SAYS = ("There was an error when executing cell", "An exception occurred at the server")


def wait_finished(shown: VoilaPage, timeout=240.0, widgets_timeout=90.0, stuck=0) -> float:
    """Wait until Voilà has run every cell (the page is complete then), and then (at most ``widgets_timeout``; the
    checks say what is missing) until it has drawn every output, at most ``stuck`` widgets read "Loading widget..."
    and every panel figure has loaded. Returns the seconds since the page was opened."""
    shown.page.wait_for_url(lambda url: url == shown.url, wait_until="commit", timeout=timeout * 1000)
    shown.page.wait_for_function("document.readyState === 'complete'", timeout=timeout * 1000, polling=200)
    try:
        shown.page.wait_for_function(FINISHED, arg=stuck, timeout=widgets_timeout * 1000, polling=200)
    except Exception:  # playwright's TimeoutError
        pass
    return time.monotonic() - shown.opened_at


def wait_heard(shown: VoilaPage, cell: int, timeout=bs.HEAR_WAIT) -> str | None:
    """Wait until the figure of the panel in ``cell`` hears from the kernel; a problem if it does not."""
    try:
        shown.page.wait_for_function(HEARD, arg=cell, timeout=timeout * 1000, polling=200)
        return None
    except Exception:  # playwright's TimeoutError
        return bs.not_heard(timeout, shown.page.evaluate(KERNEL_SAID, cell))


def move_slider(shown: VoilaPage, cell: int, handle: str, key: str, timeout=15.0, presses=3) -> str | None:
    """Press ``key`` on the slider ``handle`` of the panel in ``cell`` until its figure changes (a new PNG, loaded);
    a problem if ``presses`` presses do not change it (each waits until the figure changes, or the kernel went idle
    and SETTLE seconds passed without one)."""
    page = shown.page
    for _ in range(presses):
        state = page.evaluate(SLIDER, [cell, handle])
        what = f"the {state['name']} slider"
        if not state["focused"]:
            return f"{what}'s handle cannot take the keyboard focus"
        before = page.evaluate(FIGURE_SRC, cell)
        pressed = time.monotonic()
        page.keyboard.press(key)
        while not page.evaluate(NEW_FIGURE, [cell, before]):
            if not shown.busy and shown.idle_at > pressed and time.monotonic() - shown.idle_at > SETTLE:
                break  # the kernel handled the key and drew nothing new: press again
            if time.monotonic() - pressed > timeout:
                return (
                    f"the figure did not change within {timeout:.0f} s of pressing {key} on {what} "
                    f"(and the kernel did not go idle after it)"
                )
            page.wait_for_timeout(100)
        else:
            return None
    return f"the figure did not change after {presses} presses of {key} on {what} (the kernel handled each)"


def check_page(shown: VoilaPage) -> list[str]:
    """What went wrong in notebook ``shown`` once Voilà has run it: cells not run, error and stderr outputs, what
    Voilà and the widgets say instead of showing, panels without sliders or a loaded figure, widgets in cells that are
    not panel cells, static figures missing, a keyboard move of every panel's slider one way and back that draws no
    new figure; and what went wrong out of sight."""
    page, cells = shown.page, bs.notebook_cells(shown.committed)
    found = page.evaluate(CELLS)
    ran = {c["cell"] for c in found}
    problems = [f"cell {c['cell']}: {bs.describe_output(text)}" for c in found for text in c["errors"]]
    problems += [f"cell {c['cell']}: an output Voilà did not draw ({kind})" for c in found for kind in c["unrendered"]]
    if not found:
        text = " ".join((page.text_content("body") or "").split())
        return [f"Voilà shows no cell: {text[:300]!r}", *shown.problems()]
    if missing := [c.number for c in cells if c.number not in ran]:
        problems.insert(0, f"Voilà did not run cells {missing} (it stops at the first cell that fails)")
    body = page.text_content("#rendered_cells") or ""
    problems += [f"the page reads {phrase!r}" for phrase in (*bs.SHOWN_WRONG, *VOILA_SAYS) if phrase in body]
    panel_cells = {c.number for c in cells if c.panel}
    for c in found:
        if c["cell"] in panel_cells:
            problems += bs.panel_problems(c)
        elif c["widget"]:
            problems.append(f"cell {c['cell']}: shows a widget, but is not tagged {bs.PANEL_TAG} (a panel cell)")
    problems += bs.static_figure_problems({c["cell"]: c["figures"] for c in found}, shown.committed, "in Voilà")
    for c in found:
        if c["cell"] in panel_cells and c["sliders"] and c["images"]:
            if problem := wait_heard(shown, c["cell"]):
                problems.append(f"cell {c['cell']}: panel: {problem}")
                continue
            handle = bs.handle_of(c)
            for key in bs.away_keys(page.evaluate(SLIDER, [c["cell"], handle])):
                if problem := move_slider(shown, c["cell"], handle, key):
                    problems.append(f"cell {c['cell']}: panel: {problem}")
                    break
    return problems + shown.problems()


# --- the tests ----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server():
    if not AVAILABLE:
        yield None
        return
    voila = VoilaServer(env=bs.KERNEL_ENV)
    (voila.root_dir / SABOTAGE).write_text(json.dumps(sabotage_notebook()))
    yield voila.spawn()  # ``pages`` waits for it, once the browser is up
    voila.stop()  # by process group; raises if anything had to be killed


@pytest.fixture(scope="module")
def context(request):
    """One browser context for every page (one cache for Voilà's scripts). Without Chromium (only reached under
    CI=true) None, and the browser is never asked for: ``need_browser`` then fails the test in its body."""
    if not AVAILABLE:
        yield None
        return
    context = request.getfixturevalue("browser").new_context(viewport=bs.VIEWPORT)
    context.add_init_script(path=bs.FIGURE_PAGE_JS)  # nbhFigure: what the checks below call a loaded figure
    yield context
    context.close()


class Pages:
    """The notebooks and the broken one, each opened in a page of its own when a test first asks for it, and the
    next one in ``ORDER`` opened with it: Voilà runs a notebook's cells while it sends its page, so the next one
    runs while a test checks this one. Two at a time, not all at once: with seven kernels and their pages at once on
    2 cores, a page took 75 s, and anywidget gave up on a model after its fixed 2 s (the panel was dead)."""

    ORDER = [*NAMES, SABOTAGE]

    def __init__(self, context, server: VoilaServer):
        self.context, self.server, self.opened = context, server, {}

    def _open(self, name: str) -> VoilaPage:
        if name not in self.opened:
            self.opened[name] = VoilaPage(self.context, self.server, name)
        return self.opened[name]

    def __getitem__(self, name: str) -> VoilaPage:
        shown = self._open(name)
        following = self.ORDER[self.ORDER.index(name) + 1 :]
        if following:
            self._open(following[0])
        return shown

    def values(self) -> list[VoilaPage]:
        return [self[name] for name in self.ORDER]


@pytest.fixture(scope="module")
def pages(server, context):
    """The pages, opened two at a time as the tests ask for them (``Pages``)."""
    return context and server.wait_ready() and Pages(context, server)


def need_browser(fixture_value):
    if fixture_value is None:
        pytest.fail(f"CI=true and the Voilà tests cannot run: {WHY}; {HINT}")


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_in_voila(pages, name):
    """Voilà runs every cell without an error, every panel shows sliders and a loaded figure, every static figure is
    shown, a keyboard move of every panel's η slider redraws its figure, and nothing went wrong out of sight
    (console, the kernel's messages outside any cell, requests to other hosts)."""
    need_browser(pages)
    shown = pages[name]
    ran = wait_finished(shown)
    t = time.monotonic()
    problems = check_page(shown)
    made = shown.page.evaluate("window.nbhKilled ?? 0")
    print(
        f"{name}: shown with its widgets {ran:.1f} s after opening, checked in {time.monotonic() - t:.1f} s; "
        f"anywidget gave up on {shown.gave_up} model(s) (made to: {made})"
    )
    if made != GIVE_UP.get(name, 0):
        problems.append(f"anywidget was to be made to give up on {GIVE_UP.get(name, 0)} model(s), not {made}")
    assert problems == [], bs.report(f"{name} in Voilà", problems)


def test_server_log_is_clean(server, pages):
    """Once every notebook has run: the server's log shows no traceback, no error and no warning from a kernel."""
    need_browser(pages)
    for shown in pages.values():
        wait_finished(shown, widgets_timeout=0.1)
    problems = [p for p in bs.kernel_log_problems(server.log()) if SABOTAGE_CELL not in p]  # the broken notebook's
    assert problems == [], bs.report(f"Voilà's log ({server.log_path})", problems)


# --- the checks catch a broken notebook -----------------------------------------------------------------------------
def sabotage_notebook() -> dict:
    """test_browser_sabotage.py's broken notebook (panels built from ipywidgets and matplotlib alone, whatever
    nbhelpers' panels become), with a cell that shows an image from another host before the cell that fails."""
    from test_browser_sabotage import sabotage_notebook as lab_sabotage

    nb = lab_sabotage()
    source = "from IPython.display import HTML\n\nHTML('<img src=\"http://example.invalid/sabotage.png\">')"
    nb["cells"].insert(6, {**nb["cells"][0], "outputs": [], "source": source})
    for i, cell in enumerate(nb["cells"], 1):
        cell["id"] = f"sabotage-{i}"
    return nb


def test_checks_report_a_broken_notebook(server, pages):
    """Four broken widget cells, a figure lost to MPLBACKEND=Agg, an image from another host, a failing cell and one
    that Voilà then does not run: every fault is reported, in words, and the server's log shows the failing cell.
    (The panel whose canvas never gets its data, cell 8, is for JupyterLab's picture check; Voilà's checks do not
    compare pictures.)"""
    need_browser(pages)
    shown = pages[SABOTAGE]
    wait_finished(shown, stuck=1)  # the widget without a model reads "Loading widget..." for ever
    problems = check_page(shown) + [p for p in bs.kernel_log_problems(server.log()) if SABOTAGE_CELL in p]
    report = "\n".join(problems)
    expected = [
        "Voilà did not run cells [10]",
        "cell 2: panel: the figure did not change after 3 presses of ArrowRight on the η slider",
        "kernel error outside any cell (after a comm_msg): RuntimeError: sabotage: redraw fails after the first draw",
        "cell 3: panel: the figure did not change after 3 presses of ArrowRight on the η slider",
        "cell 4: panel shows no slider",
        "cell 4: panel shows no figure",
        ("the page reads 'Loading widget...'", "the page reads 'Error displaying widget'"),  # waiting, or gave up
        "kernel stderr outside any cell (after a comm_msg): sabotage stderr from a callback",
        "kernel warning outside any cell (after a comm_msg)",
        "UserWarning: sabotage warning from a callback",
        "cell 6: figure missing (the committed notebook shows 1 figure(s) here, the page 0)",
        "a request to another host than the Voilà server: http://example.invalid/sabotage.png",
        "cell 9: error output: ValueError: sabotage: a cell that fails",
        "kernel log error: [Voila] ERROR | Error at server while executing cell",
    ]
    missing = [e for e in expected if not any(a in report for a in ([e] if isinstance(e, str) else e))]
    assert not missing, f"the checks missed {missing}; they reported:\n{report}"
    assert "cell 5: panel" not in report, report  # the noisy panel still redraws: only the kernel's messages tell
