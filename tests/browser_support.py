"""The harness of the browser tests (and of benchmarks/bench_latency.py): a real JupyterLab, a real Chromium.

* ``LabServer``: ``jupyter lab`` on 127.0.0.1, in a process group of its own, serving a temporary copy of the
  notebooks, with everything that would reach the network off.
* ``Tab``: a page of its own (a fresh browser context) with ``browser_page.js`` in it (``window.nbh``: what the
  harness reads from JupyterLab's page), the console errors it logs, and ``mark`` / ``problems_since``: what went
  wrong out of sight (the kernel's errors, warnings and stderr outside any cell, seen on iopub; console errors; the
  server log's tracebacks, warnings and errors).
* A learner's actions: ``open_notebook``, ``run_all``, ``run_cell``, slider moves, ``save_notebook``, ``close_tab``.
* The checks, which return lists of problems (strings), so that a broken notebook can show they report them:
  ``check_after_run`` (after Run All), ``check_cells_after_panels``, ``check_careless_student``,
  ``check_panels_without_kernel``.

Functions that need the server or the console take a ``Tab``; the others take a Playwright page.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CHROMIUM = Path(os.environ.get("NBHELPERS_CHROMIUM", "/usr/bin/chromium"))  # the variable: for trying the skip
ENABLE_HINT = "install Debian's chromium: apt-get install chromium (CI=true turns a missing Chromium into a failure)"
# Playwright cannot download its own browsers here: Debian's Chromium, headless.
LAUNCH_ARGS = {
    "executable_path": str(CHROMIUM),
    "args": [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ],
    "headless": True,
}
VIEWPORT = {"width": 1400, "height": 1000}
PAGE_JS = Path(__file__).with_name("browser_page.js")
FIGURE_PAGE_JS = Path(__file__).with_name("figure_page.js")  # window.nbhFigure, for browser_page.js and Voilà
PANEL_TAG = "nbval-ignore-output"  # the tag carried by exactly the cells whose output is a widget panel
# The kernels' environment in the tests: the harsher setting. With MPLBACKEND=Agg (set by a shell profile, a
# container or a conda activation script) a notebook that leaves the backend to its environment draws its static
# figures on Agg and shows none of them, silently: the notebooks must choose the inline backend themselves.
KERNEL_ENV = {"MPLBACKEND": "Agg"}
SEL_NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
SEL_ETA_HANDLE = ".eta-slider .noUi-handle"  # ipywidgets 8 sliders are noUiSlider; the handle takes the keys
SEL_ANY_HANDLE = ".widget-slider .noUi-handle"  # the first slider of a panel without η
ACTION_TIMEOUT_MS = 5000
# How often a wait_for_function checks its condition: Playwright's default checks it on every animation frame, which
# keeps a headless Chromium painting 60 times a second while a test waits (the suite's largest CPU user is Chromium)
POLL_MS = 100
# What anywidget says where it gives up on a model it could not set up within its fixed 2 s (then it drops every
# message the kernel sends that model): an uncaught rejection, in Voilà each time, in JupyterLab only now and then
# (for one of two models given up on in one run, for none in another). The panel replaces such a view by a fresh one
# (nbhelpers/panels/base.py, replace_canvas), so it is counted apart (``Tab.gave_up``, test_voila.py), not a problem
# by itself: the checks see to the consequence, each panel's figure must hear from the kernel (``wait_heard``) and
# redraw when its slider moves.
ANYWIDGET_GAVE_UP = "[anywidget] Failed to initialize model."
# In the page: anywidget gives up on the next n models it sets up (the signal of their 2 s aborts at once);
# window.nbhKilled counts them.
GIVE_UP_JS = """n => {
    const timeout = AbortSignal.timeout.bind(AbortSignal);
    window.nbhKilled = 0;
    AbortSignal.timeout = (ms) => {
        if (ms !== 2000 || window.nbhKilled >= n) return timeout(ms);
        window.nbhKilled += 1;
        const c = new AbortController();
        queueMicrotask(() => c.abort(new DOMException('given up by the test', 'TimeoutError')));
        return c.signal;
    };
}"""
HEAR_WAIT = 30.0  # seconds a figure may take to hear from the kernel: its view asks every 3 s (canvas_view.js)


def chromium_available() -> tuple[bool, str]:
    """Whether the browser tests can run here, and if not, why."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False, "playwright is not installed (pip install -e '.[test]')"
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return False, f"{CHROMIUM} not found"
    return True, ""


# --- for the test modules: skip without a browser (fail under CI=true), one tab per user, reports ------------------
IN_CI = os.environ.get("CI") == "true"


def skip_module_without_browser() -> tuple[bool, str]:
    """At the top of a browser test module: skip it, with the line saying how to enable it, where Chromium or
    playwright is missing, except under CI=true, where its tests then fail in their bodies (``need_browser``).
    Returns ``chromium_available()``."""
    import pytest

    ok, why = chromium_available()
    if not ok and not IN_CI:
        pytest.skip(f"browser tests skipped ({why}); to run them, {ENABLE_HINT}", allow_module_level=True)
    return ok, why


def new_tab(request, lab):
    """A tab on pytest-playwright's ``browser``, closed after its user is done. Without Chromium (only reached under
    CI=true) None, and the browser is never asked for: ``need_browser`` then fails the test in its body, so that
    pytest counts a failure, not a set-up error."""
    if not chromium_available()[0]:
        yield None
        return
    tab = Tab(request.getfixturevalue("browser"), lab)
    yield tab
    tab.close()


def need_browser(fixture_value) -> None:
    if fixture_value is None:
        import pytest

        pytest.fail(f"CI=true and the browser tests cannot run: {chromium_available()[1]}; {ENABLE_HINT}")


def report(what: str, problems: list[str], timings: dict | None = None) -> str:
    took = f" ({timings} s)" if timings else ""
    return f"{what}{took}:\n  " + "\n  ".join(problems)


# --- the server ---------------------------------------------------------------------------------------------------
# Settings of the server's own: no build check (GET /lab/api/build costs ~4 s of CPU on every page load), no
# "Would you like to get notified about official Jupyter news?" toast over the notebook, no autosave (a notebook left
# open for two minutes would be saved over the server's copy; only the save-and-reopen test saves, explicitly).
LAB_FILES = {
    "config/labconfig/page_config.json": {"buildCheck": False, "buildAvailable": False},
    "settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "settings/@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}
LAB_DIRS = {
    "JUPYTER_CONFIG_DIR": "config",
    "JUPYTERLAB_SETTINGS_DIR": "settings",
    "JUPYTERLAB_WORKSPACES_DIR": "workspaces",
    "JUPYTER_RUNTIME_DIR": "runtime",
    "IPYTHONDIR": "ipython",
}


class LabServer:
    """``jupyter lab`` serving a temporary copy of ``sources`` (default: notebooks/*.ipynb); ``env`` is added to
    its environment, which its kernels inherit. Its config, settings, workspaces and runtime files live in the
    temporary folder too."""

    def __init__(self, sources=None, env: dict[str, str] | None = None):
        self.tmp = Path(tempfile.mkdtemp(prefix="browser-lab-"))
        self.root_dir = self.tmp / "notebooks"
        self.root_dir.mkdir()
        sources = sorted(NOTEBOOKS.glob("*.ipynb")) if sources is None else [Path(s) for s in sources]
        self.sources = {src.name: src for src in sources}
        for name, src in self.sources.items():
            shutil.copy2(src, self.root_dir / name)
        for rel, content in LAB_FILES.items():
            (self.tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            (self.tmp / rel).write_text(json.dumps(content))
        self.env = {k: v for k, v in os.environ.items() if k != "JUPYTER_TOKEN"}
        for var, sub in LAB_DIRS.items():
            (self.tmp / sub).mkdir(exist_ok=True)
            self.env[var] = str(self.tmp / sub)
        self.env.update(env or {}, PYTHONUNBUFFERED="1")
        self.token = secrets.token_hex(24)
        self.log_path = self.tmp / "jupyter-lab.log"
        self.proc = None
        self.base = None

    def committed(self, name: str) -> Path:
        """The notebook file as committed (the server's copy may be saved over; a file a test wrote into the
        server's folder is its own original)."""
        return self.sources.get(name, self.root_dir / name)

    def start(self, timeout=60.0) -> LabServer:
        """Start the server in a session (so a process group) of its own, on a port the OS chooses; wait until it
        answers."""
        cmd = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--ServerApp.ip=127.0.0.1",
            "--ServerApp.port=0",
            f"--IdentityProvider.token={self.token}",
            "--ServerApp.open_browser=False",
            f"--ServerApp.root_dir={self.root_dir}",
            # nothing may reach the network: no news feed, no update check, no PyPI listing of extensions
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
            # window.jupyterapp: run commands (Run All Cells, close) exactly as the menus do
            "--LabApp.expose_app_in_browser=True",
            *(["--allow-root"] if os.geteuid() == 0 else []),
        ]
        with open(self.log_path, "w") as log:  # the server keeps its own copy of the descriptor
            self.proc = subprocess.Popen(
                cmd, stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=self.tmp, start_new_session=True
            )
        atexit.register(self.stop, check=False)  # pytest interrupted: leave no server behind
        info = self.tmp / "runtime" / f"jpserver-{self.proc.pid}.json"  # written once the server listens
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                self.base = f"http://127.0.0.1:{json.loads(info.read_text())['port']}"
                self.api("GET", "/api/status", timeout=2)
                return self
            except (OSError, ValueError):  # no info file yet, half written, or no answer yet
                time.sleep(0.2)
        why = f"exited with {self.proc.returncode}" if self.proc.poll() is not None else f"no answer in {timeout:.0f} s"
        self.stop(check=False)
        raise RuntimeError(f"jupyter lab {why}:\n{self.log()[-4000:]}")

    def stop(self, timeout=15.0, check=True) -> None:
        """Shut the kernels down through the REST API (the server waits for each to exit), then stop the server's
        process group: SIGTERM, SIGKILL after ``timeout``. (The kernels run in sessions of their own; on SIGTERM
        the server shuts down any left, and one whose server was killed exits as its parent is gone.) With
        ``check``, raise if anything had to be killed."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        problems = []
        if proc.poll() is None and self.base:
            try:
                self.shutdown_kernels()
            except OSError as exc:
                problems.append(f"could not shut the kernels down through the REST API: {exc}")
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while (proc.poll() is None or group_alive(proc.pid)) and time.monotonic() < deadline:
            time.sleep(0.1)
        if proc.poll() is None or group_alive(proc.pid):
            problems.append(f"jupyter lab's process group {proc.pid} ignored SIGTERM for {timeout:.0f} s; killed")
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if check and problems:
            raise RuntimeError("; ".join(problems) + f" (log: {self.log_path})")
        if check:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def log(self) -> str:
        try:
            return self.log_path.read_text()
        except OSError:
            return ""

    def api(self, method: str, path: str, timeout=10.0):
        req = urllib.request.Request(
            f"{self.base}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self, path: str | None = None) -> None:
        """Shut down the kernels (of the notebook at ``path``, or all)."""
        if path is None:
            ids = [k["id"] for k in self.api("GET", "/api/kernels")]
        else:
            ids = [s["kernel"]["id"] for s in self.api("GET", "/api/sessions") if s.get("path") == path and s["kernel"]]
        for kid in ids:
            self.api("DELETE", f"/api/kernels/{kid}", timeout=30)

    def notebook_url(self, name: str) -> str:
        # a workspace per page load: JupyterLab restores nothing from an earlier test (no stray tabs, no kernels)
        return f"{self.base}/lab/workspaces/w{secrets.token_hex(4)}/tree/{name}?token={self.token}"


def group_alive(pgid: int) -> bool:
    """Whether any process of the process group ``pgid`` is left (a zombie not yet reaped counts)."""
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


# --- what goes wrong out of sight ---------------------------------------------------------------------------------
@dataclass
class Mark:
    """Where the kernel's complaints, the console errors and the server log stood (see ``Tab.problems_since``)."""

    complaints: int
    console: int
    log: int


class Tab:
    """A page in a fresh context of ``browser`` (pytest-playwright's, or one launched with LAUNCH_ARGS), on
    ``lab``, with ``window.nbh`` in every page it loads; it records the console errors and uncaught page errors."""

    def __init__(self, browser, lab: LabServer):
        self.lab = lab
        self.context = browser.new_context(viewport=VIEWPORT)
        self.context.add_init_script(path=FIGURE_PAGE_JS)
        self.context.add_init_script(path=PAGE_JS)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.gave_up = 0  # anywidget's ANYWIDGET_GAVE_UP rejections, counted apart
        self.page.on("console", lambda msg: msg.type == "error" and self.console.append(f"console.error: {msg.text}"))
        self.page.on("pageerror", lambda exc: page_error(self, exc, self.console.append))

    def close(self) -> None:
        self.context.close()

    def mark(self, reload=False) -> Mark:
        """Where things stand now; with ``reload``, for a page about to load JupyterLab afresh (the kernel's
        complaints it records start again from none)."""
        complaints = 0 if reload else self.page.evaluate("window.nbh ? nbh.complaintCount() : 0")
        return Mark(complaints, len(self.console), len(self.lab.log()))

    def problems_since(self, since: Mark) -> list[str]:
        """What went wrong out of sight since ``since``: the kernel's errors, stderr and warnings outside any cell
        (iopub), console errors, and the server log's tracebacks, warnings and errors. Every console error counts:
        JupyterLab 4.6 with ipywidgets 8 logs none while these notebooks run, so there is no noise to filter out."""
        found = self.page.evaluate("n => nbh.complaintsSince(n)", since.complaints) + self.console[since.console :]
        found += kernel_log_problems(self.lab.log()[since.log :], self.page.evaluate("nbh.ignoredComms()"))
        return [p if n == 1 else f"{p} (x{n})" for p, n in Counter(found).items()]  # a race firing 20 times: one line


def page_error(owner, exc, complain) -> None:
    """An uncaught page error: anywidget's ANYWIDGET_GAVE_UP counted in ``owner.gave_up`` (the panel replaces the
    view, and the checks see that its figure hears from the kernel: ``wait_heard``), any other passed to
    ``complain``."""
    if ANYWIDGET_GAVE_UP in str(exc):
        owner.gave_up += 1
    else:
        complain(f"uncaught page error: {exc}")


def not_heard(timeout: float, said: str | None) -> str:
    """The problem of a figure that heard nothing from the kernel in ``timeout`` seconds (``said``: its canvas'
    data-kernel)."""
    return f"its figure heard nothing from the kernel in {timeout:.0f} s (its canvas' data-kernel reads {said!r})"


def kernel_tracebacks(log_text: str) -> list[str]:
    """Tracebacks the kernel wrote to its own stderr (the server's log): an exception in a widget callback ends
    there, not in the notebook. One line per traceback: the line before it and its last line."""
    found, lines = [], log_text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Traceback (most recent call last)"):
            j = i + 1
            while j < len(lines) and (lines[j].startswith((" ", "\t")) or not lines[j].strip()):
                j += 1
            context = lines[i - 1].strip() if i else ""
            last = lines[j].strip() if j < len(lines) else ""
            found.append(f"kernel traceback: {context[:150]} ... {last[:300]}")
    return found


SERVER_LOG_LINE = re.compile(r"^\[[A-Z] \d{4}-\d\d-\d\d ")  # "[W 2026-01-01 12:00:00.000 ServerApp] ..."
PY_WARNING = re.compile(r":\d+: (\w*Warning): (.*)")  # warnings.showwarning: "file.py:12: UserWarning: text"


def kernel_log_problems(log_text: str, ignored_comms=()) -> list[str]:
    """What the server's log shows going wrong: the kernel's tracebacks, the warnings it printed, "No such comm" (a
    message for a widget the kernel no longer knows; not for the widget manager's own comms, see browser_page.js),
    the kernel's ERROR log lines and the server's own errors ([E ...] lines)."""
    found = kernel_tracebacks(log_text)
    for line in log_text.splitlines():
        text = line.strip()
        if SERVER_LOG_LINE.match(text):
            if text.startswith("[E "):
                found.append(f"server log error: {text[:300]}")
        elif "No such comm" in text:
            if "jupyter.widget.control" not in text and not any(c in text for c in ignored_comms):
                found.append(f"kernel log: {text[:300]}")
        elif m := PY_WARNING.search(text):
            found.append(f"kernel warning in the server log: {m.group(1)}: {m.group(2)[:250]}")
        elif re.match(r"^\[\w+\] (ERROR|CRITICAL)\b", text):
            found.append(f"kernel log error: {text[:300]}")
    return found


# --- a learner's actions --------------------------------------------------------------------------------------------
def wait_kernel_idle(page, timeout=60.0, settle=0.3) -> None:
    """Wait until the notebook's kernel reads 'idle', has finished every request sent to it (on any subshell), and
    stays so for ``settle`` seconds."""
    deadline, idle_since = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        status, pending = page.evaluate("nbh.idleState()")
        if status == "idle" and not pending:
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= settle:
                return
        else:
            idle_since = None
        page.wait_for_timeout(100)
    raise TimeoutError(
        f"kernel not idle after {timeout:.0f} s (status {status!r}, requests still being handled: "
        f"{page.evaluate('nbh.pendingRequests()')})"
    )


def open_notebook(tab: Tab, name: str, timeout=60.0, reload=False) -> None:
    """Open ``name`` in JupyterLab, watch its kernel on iopub and wait until it is connected and idle. Where
    JupyterLab is loaded already, open it there, as from the file browser (loading JupyterLab again costs seconds);
    unless ``reload``: load JupyterLab afresh (the next day: nothing of the page's past state survives)."""
    page = tab.page
    if not reload and page.url.startswith(tab.lab.base) and page.evaluate("!!window.jupyterapp"):
        command(page, "docmanager:open", {"path": name})
    else:
        page.goto(tab.lab.notebook_url(name))
    try:
        page.wait_for_selector(SEL_NOTEBOOK, timeout=timeout * 1000)
        page.wait_for_function("nbh.kernelReady()", timeout=timeout * 1000, polling=POLL_MS)
        page.evaluate("nbh.watch()")  # from the start: what the kernel says while the notebook loads counts too
        wait_kernel_idle(page, timeout)
    except Exception as exc:  # say what JupyterLab shows instead (e.g. a "Select Kernel" dialog)
        dialog = page.locator(".jp-Dialog")
        shown = f"; JupyterLab shows a dialog: {dialog.first.inner_text()[:300]!r}" if dialog.count() else ""
        raise RuntimeError(f"{name} did not open with an idle kernel in {timeout:.0f} s{shown}") from exc


def command(page, cmd: str, args: dict | None = None) -> None:
    """Run a JupyterLab command as its menu item would (e.g. 'notebook:run-all-cells')."""
    page.evaluate("([cmd, args]) => nbh.command(cmd, args)", [cmd, args])


RAN = re.compile(r"\[\d+\]:")


def run_all(page, timeout=120.0) -> list[tuple[int, str]]:
    """Clear the saved outputs, Run > Run All Cells, wait until the run is over; return (cell, prompt) pairs.

    Clearing first makes "ran" observable: every prompt goes back to "[ ]:" and comes back as "[n]:" once its cell
    ran. The run is over when every prompt has a number, or (after an error stops the queue) when no prompt reads
    "[*]:" and the kernel has been idle for a second."""
    command(page, "notebook:clear-all-cell-outputs")
    page.wait_for_function(r"nbh.prompts().every(([c, p]) => !/\d/.test(p))", timeout=10_000, polling=POLL_MS)
    command(page, "notebook:run-all-cells")
    deadline, quiet_since = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        prompts = [p for _, p in page.evaluate("nbh.prompts()")]
        if prompts and all(RAN.fullmatch(p) for p in prompts):
            wait_kernel_idle(page, timeout)
            return page.evaluate("nbh.prompts()")
        started = any(re.search(r"\d", p) for p in prompts)
        if started and not any("*" in p for p in prompts) and page.evaluate("nbh.idleState()")[0] == "idle":
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= 1.0:
                return page.evaluate("nbh.prompts()")
        else:
            quiet_since = None
        page.wait_for_timeout(100)
    raise TimeoutError(f"Run All Cells did not finish in {timeout:.0f} s: prompts {page.evaluate('nbh.prompts()')}")


def unrun_cells(prompts: list[tuple[int, str]]) -> list[str]:
    """Problems for code cells that Run All did not run (an earlier error stops the queue)."""
    missing = [cell for cell, p in prompts if not RAN.fullmatch(p)]
    return [f"cells {missing} did not run (Run All stopped before them)"] if missing else []


def run_cell(page, cell: int, timeout=120.0) -> None:
    """Select cell ``cell`` (counting from 1) and run it, as a learner would; wait until its prompt has a number
    and the kernel is idle."""
    page.evaluate("n => nbh.runCell(n)", cell)
    page.wait_for_function("n => nbh.cellRan(n)", arg=cell, timeout=timeout * 1000, polling=POLL_MS)
    wait_kernel_idle(page, timeout, settle=0.1)


def close_notebook(page) -> None:
    """Close the notebook tabs without saving (the run changed them; the committed file must not be touched)."""
    page.evaluate("nbh.closeAll()")


def save_notebook(page) -> None:
    command(page, "docmanager:save")
    page.wait_for_function("nbh.saved()", timeout=30_000, polling=POLL_MS)


def close_tab(page, timeout=30.0) -> None:
    """Close the notebook's tab, leaving its kernel running, as a learner closes a tab."""
    page.evaluate("nbh.closeTab()")
    page.wait_for_function("!document.querySelector('.jp-NotebookPanel')", timeout=timeout * 1000, polling=POLL_MS)


def panels(page) -> list[dict]:
    """Each widget output: its index, its cell, how many sliders, η sliders, figures and loaded figures it shows."""
    return page.evaluate("nbh.panels()")


def wait_widgets_rendered(page, timeout=20.0) -> None:
    """Wait (at most ``timeout``; the checks then report what is missing) until no widget reads "Loading widget..."
    and every panel figure has loaded."""
    with suppress(Exception):  # playwright's TimeoutError
        page.wait_for_function("nbh.rendered()", timeout=timeout * 1000, polling=POLL_MS)


def slider_state(page, index: int, handle=SEL_ETA_HANDLE) -> dict:
    """Scroll panel ``index``'s slider (the first matching ``handle``) into view, focus its handle; return its name,
    aria values (for η: the exponent) and readout."""
    return page.evaluate("([i, sel]) => nbh.slider(i, sel)", [index, handle])


def away_keys(state: dict) -> tuple[str, str]:
    """ArrowRight then ArrowLeft, or the reverse if the slider is at its maximum."""
    return ("ArrowLeft", "ArrowRight") if state["now"] >= state["max"] else ("ArrowRight", "ArrowLeft")


def handle_of(panel: dict) -> str:
    """The slider a check moves: the panel's η slider, or its first slider where it has none."""
    return SEL_ETA_HANDLE if panel["eta"] else SEL_ANY_HANDLE


def nudge_slider(page, panel: dict) -> tuple[str, dict, dict]:
    """One keyboard step of the panel's slider (``handle_of``), away from the end it may be at; wait for the
    kernel. Returns the key and the slider's state before and after."""
    before = slider_state(page, panel["index"], handle_of(panel))
    key = away_keys(before)[0]
    page.keyboard.press(key)
    wait_kernel_idle(page, 60)
    return key, before, slider_state(page, panel["index"], handle_of(panel))


SETTLE_MS = 500  # no new figure this long after the kernel went idle: the key press drew none


def figure_src(page, index: int) -> str | None:
    """The src of panel ``index``'s figure (a blob URL, new with every figure)."""
    return page.evaluate("i => nbh.figureSrc(i)", index)


def press_and_wait(page, index: int, key: str, timeout=10.0) -> str:
    """Press ``key`` on panel ``index``'s focused slider handle: 'changed' (a new figure loaded), 'settled' (the
    kernel went idle and no new figure came) or 'timeout'."""
    return act_and_wait(page, index, lambda: page.keyboard.press(key), timeout)


def act_and_wait(page, index: int, act, timeout=10.0) -> str:
    """Do ``act()`` (a key press, a click) on panel ``index``; then as ``press_and_wait``."""
    before = figure_src(page, index)
    pressed_at = page.evaluate("performance.now()")
    act()
    try:
        return page.wait_for_function(
            "([i, src, t, ms]) => nbh.afterKey(i, src, t, ms)",
            arg=[index, before, pressed_at, SETTLE_MS],
            timeout=timeout * 1000,
            polling=POLL_MS,
        ).json_value()
    except Exception:  # playwright's TimeoutError
        return "timeout"


def move_slider(page, index: int, key: str, handle: str, timeout=10.0, presses=3) -> str | None:
    """Press ``key`` on a slider of panel ``index`` until the figure changes; a problem if ``presses`` presses do
    not change it. (One step may leave the PNG identical, e.g. where training diverges at once: then the kernel
    sends no new image; a few steps on, it must.)"""
    for _ in range(presses):
        state = slider_state(page, index, handle)
        what = f"the {state['name']} slider"
        if not state["focused"]:
            return f"{what}'s handle cannot take the keyboard focus"
        outcome = press_and_wait(page, index, key, timeout)
        if outcome == "changed":
            return None
        if outcome == "timeout":
            return (
                f"the figure did not change within {timeout:.0f} s of pressing {key} on {what} "
                f"(and the kernel did not go idle after it)"
            )
    return f"the figure did not change after {presses} presses of {key} on {what} (the kernel handled each)"


# --- the notebook file ----------------------------------------------------------------------------------------------
@dataclass
class Cell:
    number: int  # counting every cell from 1, as a reader does (and nbh.cellNumber)
    code: bool
    panel: bool  # tagged PANEL_TAG: its output is a widget panel
    figures: int  # image/png outputs in the file: the static figures


def notebook_cells(path: Path) -> list[Cell]:
    cells = []
    for i, c in enumerate(json.loads(Path(path).read_text())["cells"], 1):
        code = c["cell_type"] == "code"
        figures = sum("image/png" in o.get("data", {}) for o in c.get("outputs", []))
        cells.append(Cell(i, code, code and PANEL_TAG in c["metadata"].get("tags", []), figures))
    return cells


def saved_widget_state(path: Path) -> tuple[str, bool]:
    """What a saved notebook holds for its widget views: one line saying how many views its outputs have, how many
    models its saved widget state (``metadata.widgets``) holds and which cells' models it lacks; and whether it holds
    every view's model. JupyterLab can show a saved panel without a kernel only from that state."""
    nb = json.loads(Path(path).read_text())
    state = nb["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    views = [
        (i, out["data"]["application/vnd.jupyter.widget-view+json"]["model_id"])
        for i, cell in enumerate(nb["cells"], 1)
        for out in cell.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in out.get("data", {})
    ]
    lacking = sorted({i for i, model in views if model not in state})
    line = (
        f"{Path(path).name} as saved: {len(views)} widget views in its outputs, {len(state)} models in its saved "
        f"widget state" + (f", the views of cells {lacking} not among them" if lacking else ", every view's among them")
    )
    return line, not lacking


# --- after Run All --------------------------------------------------------------------------------------------------
def describe_output(text: str) -> str:
    """One line for an error or stderr output: "error output: AssertionError (no message) at `assert ...`", or
    "stderr output: first | lines"."""
    lines = [ln.rstrip() for ln in text.strip().splitlines() if ln.strip()]
    last = lines[-1].strip() if lines else ""
    if not ("Traceback" in text or re.search(r"^\w*(Error|Exception)\b", last)):
        return f"stderr output: {' | '.join(ln.strip() for ln in lines[:2])[:300]}"
    if re.fullmatch(r"\w+:?", last):  # "AssertionError:" - a bare exception, no message
        last = f"{last.rstrip(':')} (no message)"
    # the line the exception came from: IPython marks it "----> 12 code"
    arrows = [re.sub(r"^-*>\s*\d*\s?", "", ln.strip()) for ln in lines if re.match(r"^\s*-+>", ln)]
    where = f" at `{arrows[-1].strip()[:200]}`" if arrows else ""
    return f"error output: {last[:300]}{where}"


def error_outputs(page, cell: int | None = None) -> list[tuple[int, str]]:
    """(cell number, one line) for every error and stderr output on the page, or in cell ``cell`` only."""
    return [(c, describe_output(text)) for c, text in page.evaluate("nbh.errorOutputs()") if cell in (None, c)]


def check_panels(page, cell: int | None = None) -> list[str]:
    """The error (and stderr) outputs, and the panels as a learner sees them, each with sliders and a loaded figure:
    on the page, or in cell ``cell`` only (where there must be a panel)."""
    problems = [f"cell {c}: {what}" for c, what in error_outputs(page, cell)]
    found = [p for p in panels(page) if cell in (None, p["cell"])]
    if cell is not None and not found:
        problems.append(f"cell {cell}: the panel is gone")
    for p in found:
        problems += panel_problems(p)
    return problems


def panel_problems(p: dict) -> list[str]:
    """What is missing from one panel as ``panels`` describes it (in JupyterLab or in Voilà): sliders, a loaded
    figure."""
    problems, where = [], f"cell {p['cell']}: panel"
    if p["sliders"] == 0:
        problems.append(f"{where} shows no slider ({p['text'][:80]!r})")
    if p["images"] == 0:
        problems.append(f"{where} shows no figure (canvas.panel-figure)")
    elif p["loaded"] < p["images"]:
        problems.append(f"{where}: {p['images'] - p['loaded']} figure(s) empty or not loaded")
    return problems


SHOWN_WRONG = ("Error displaying widget", "Loading widget...", "Error rendering output")  # what a widget never reads


def check_outputs(page, expected_panels: int | None = None) -> list[str]:
    """What a learner would see going wrong after Run All: ``check_panels``, widgets that failed to display, fewer
    or more widget outputs than panel cells."""
    problems = check_panels(page)
    # textContent: cells scrolled out of view are not laid out (content-visibility) and have no innerText
    body = page.text_content("body")
    problems += [f"the page reads {phrase!r}" for phrase in SHOWN_WRONG if phrase in body]
    found = len(panels(page))
    if expected_panels is not None and found != expected_panels:
        problems.append(
            f"{found} widget outputs on the page, but {expected_panels} cells are tagged {PANEL_TAG} (the panel cells)"
        )
    return problems


def check_static_figures(page, committed: Path) -> list[str]:
    """After Run All, every cell shows as many static figures (image/png outputs, not the panels' figures) as the
    committed notebook holds for it."""
    return static_figure_problems(dict(page.evaluate("nbh.staticFigures()")), committed)


def static_figure_problems(shown: dict[int, int], committed: Path, when="after Run All") -> list[str]:
    """Cells that show fewer or more static figures (``shown``: cell number -> image/png outputs on the page) than
    the committed notebook holds for them."""
    problems, expected = [], 0
    for cell in notebook_cells(committed):
        got = shown.get(cell.number, 0)
        expected += cell.figures
        if got < cell.figures:
            problems.append(
                f"cell {cell.number}: figure missing (the committed notebook shows {cell.figures} "
                f"figure(s) here, the page {got})"
            )
        elif got > cell.figures:
            problems.append(f"cell {cell.number}: {got} figures shown, the committed notebook has {cell.figures}")
    if problems:
        problems.insert(
            0,
            f"{sum(shown.values())} of the {expected} static figures of the committed notebook are "
            f"shown {when} (kernel environment: {KERNEL_ENV})",
        )
    return problems


def wait_heard(page, index: int, timeout=HEAR_WAIT) -> str | None:
    """Wait until panel ``index``'s figure hears from the kernel (``nbh.figureHeard``); a problem if it does not."""
    try:
        page.wait_for_function("i => nbh.figureHeard(i)", arg=index, timeout=timeout * 1000, polling=POLL_MS)
        return None
    except Exception:  # playwright's TimeoutError
        return not_heard(timeout, page.evaluate("i => nbh.figureKernel(i)", index))


def check_slider_moves(page, timeout=10.0) -> list[str]:
    """Every panel: its figure hears from the kernel, and a keyboard move of its η slider (or, without one, of its
    first slider) one way and back must each redraw the figure."""
    problems = []
    for p in panels(page):
        if not p["images"] or not p["sliders"]:
            continue
        if problem := wait_heard(page, p["index"]):
            problems.append(f"cell {p['cell']}: panel: {problem}")
            continue
        for key in away_keys(slider_state(page, p["index"], handle_of(p))):
            problem = move_slider(page, p["index"], key, handle_of(p), timeout)
            if problem:
                problems.append(f"cell {p['cell']}: panel: {problem}")
                break
        wait_kernel_idle(page, 30)
    return problems


# --- the pictures: what a panel's canvas shows in the page against what the kernel's Agg draws --------------------
# In the page: run code in the open notebook's kernel (no cell, no history); its status and what it printed.
KERNEL_EXEC_JS = """async (code) => {
    const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    const out = [];
    const future = kernel.requestExecute({code, silent: false, store_history: false});
    future.onIOPub = m => {
        if (m.header.msg_type === 'stream') out.push(m.content.text);
        if (m.header.msg_type === 'error') out.push(`${m.content.ename}: ${m.content.evalue}`);
    };
    const reply = await future.done;
    return [reply.content.status, out.join('')];
}"""


def kernel_exec(page, code: str) -> str:
    """Run ``code`` in the open notebook's kernel (no cell, no history) and return what it printed."""
    status, out = page.evaluate(KERNEL_EXEC_JS, code)
    if status != "ok":
        raise RuntimeError(f"kernel code failed: {out}")
    return out


# In the kernel: tag every live panel's box with a class of its own (nbh-picture-k) and print, for each, the
# class, the panel's kind, the number of the last picture it sent and its picture drawn by Agg (base64 PNG).
PICTURES_CODE = r"""
def _nbh_pictures():
    import base64, gc, json
    from nbhelpers import panels

    out = []
    for o in gc.get_objects():
        if isinstance(o, panels.Panel) and hasattr(o, "widget") and hasattr(o.view.widget, "version"):
            name = f"nbh-picture-{len(out)}"
            o.widget.add_class(name)  # the panel's box (a class added to an anywidget later does not reach the page)
            out.append([name, type(o).__name__, o.view.widget.version, base64.b64encode(o.view.png()).decode()])
    print(json.dumps(out))


_nbh_pictures()
del _nbh_pictures
"""
# In the page: the canvas of the view with class cls, once it shows picture ``version``: its pixels (base64 RGBA).
CANVAS_JS = """([cls, version]) => {
    const c = document.querySelector(`.${cls} canvas.panel-figure`);
    if (!c || c.dataset.drawn !== String(version)) return null;
    return {width: c.width, height: c.height, pixels: nbhFigure.rgba64(c)};
}"""
PICTURE_BLOCK = 16  # pictures are compared by 16 x 16 blocks
# The largest mean difference (0-255, over RGB) a block may show. The canvas antialiases edges differently from Agg:
# at most 11 measured; a missing legend or text, a stale curve, gives 45 and more (tests/test_canvas_view.py).
PICTURE_MOST = 20.0


def canvas_rgba(b64: str, width: int, height: int):
    """A canvas' pixels as ``nbhFigure.rgba64`` (figure_page.js) sends them: an (height, width, 4) uint8 array."""
    import base64

    import numpy as np

    return np.frombuffer(base64.b64decode(b64), np.uint8).reshape(height, width, 4)


def png_rgba(png: bytes):
    """A PNG's pixels as an (height, width, 4) uint8 RGBA array."""
    import io

    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def worst_block(a, b) -> tuple[float, tuple[int, int]]:
    """The largest mean |difference| (over RGB) of any 16 x 16 block of two RGBA pictures, and where it is (x, y of
    its corner)."""
    import numpy as np

    diff = np.abs(a[..., :3].astype(float) - b[..., :3].astype(float)).mean(axis=2)
    h, w = (s - s % PICTURE_BLOCK for s in diff.shape)
    blocks = (
        diff[:h, :w].reshape(h // PICTURE_BLOCK, PICTURE_BLOCK, w // PICTURE_BLOCK, PICTURE_BLOCK).mean(axis=(1, 3))
    )
    y, x = np.unravel_index(np.argmax(blocks), blocks.shape)
    return float(blocks[y, x]), (int(x * PICTURE_BLOCK), int(y * PICTURE_BLOCK))


def check_pictures(page, timeout=15.0) -> list[str]:
    """Every panel shown in the page: its canvas shows the last picture the kernel sent, and that picture is what
    Agg draws in the kernel for the panel (``FigureView.png``), block by block."""
    import base64

    problems = []
    shown = 0
    pictures = json.loads(kernel_exec(page, PICTURES_CODE))
    with suppress(Exception):  # playwright's TimeoutError: the classes reach the page with the next state sync
        page.wait_for_function(
            "n => document.querySelectorAll('[class*=\"nbh-picture-\"] canvas.panel-figure').length >= n",
            arg=len(pictures),
            timeout=5000,
            polling=POLL_MS,
        )
    for name, kind, version, png in pictures:
        if not page.evaluate("cls => !!document.querySelector(`.${cls} canvas.panel-figure`)", name):
            continue  # a panel no output shows (its cell was run again): nothing to compare
        shown += 1
        try:
            page.wait_for_function(CANVAS_JS, arg=[name, version], timeout=timeout * 1000, polling=POLL_MS)
        except Exception:  # playwright's TimeoutError
            problems.append(f"{kind}: the canvas does not show the kernel's last picture ({version}) after {timeout} s")
            continue
        got = page.evaluate(CANVAS_JS, [name, version])
        canvas = canvas_rgba(got["pixels"], got["width"], got["height"])
        agg = png_rgba(base64.b64decode(png))
        if canvas.shape != agg.shape:
            problems.append(
                f"{kind}: the canvas is {canvas.shape[1]} x {canvas.shape[0]}, Agg's {agg.shape[1]} x {agg.shape[0]}"
            )
            continue
        worst, at = worst_block(canvas, agg)
        if worst > PICTURE_MOST:
            problems.append(
                f"{kind}: the canvas differs from Agg's picture by {worst:.1f} on average in the block at {at}"
            )
    if shown == 0 and panels(page):
        problems.append("no panel's canvas found in the page to compare with the kernel's picture")
    return problems


# In the page: how many frames' PNGs the canvas of widget output ``i`` decoded, and how many it found kept, decoded.
FRAME_COUNTS_JS = """(i) => {
    const c = nbh.widgetOutputs()[i]?.querySelector('canvas.panel-figure');
    return c ? {decoded: Number(c.dataset.framesDecoded), kept: Number(c.dataset.framesKept)} : null;
}"""


def check_frames_ahead(page, notches=8, timeout=10.0) -> list[str]:
    """The last panel with an η slider: η moved ``notches`` notches up with the keyboard, one at a time (the kernel
    idle in between: it draws the next notches ahead once the page has drawn each picture), then back. On the way up,
    the frames of the pictures drawn ahead reach the page before the moves that show them, so that some moves find
    their frames decoded (the canvas' data-frames-kept); on the way back, the frames met again are found decoded;
    and every picture is what Agg draws (``check_pictures``)."""
    index = max((p["index"] for p in panels(page) if p["eta"]), default=None)
    if index is None:
        return ["no panel with an η slider on the page"]
    state = slider_state(page, index)
    if not state["focused"]:
        return ["the η handle does not take the focus"]
    before = page.evaluate(FRAME_COUNTS_JS, index)
    if before is None:
        return ["the η panel shows no canvas"]
    problems = []
    for way in ("up", "back"):
        for _ in range(notches):
            slider_state(page, index)  # keep the handle focused and in view
            key = "ArrowRight" if way == "up" else "ArrowLeft"
            outcome = press_and_wait(page, index, key, timeout)
            if outcome != "changed":
                problems.append(f"{key} on the η slider: {outcome}, no new figure")
            wait_kernel_idle(page, 30, settle=0.2)
        after = page.evaluate(FRAME_COUNTS_JS, index)
        kept, decoded = after["kept"] - before["kept"], after["decoded"] - before["decoded"]
        if kept < 1:  # up: new frames, found decoded only if they were sent ahead; back: frames met again
            problems.append(f"η {notches} notches {way}: no move found its frames decoded ({decoded} PNGs decoded)")
        before = after
    return problems + check_pictures(page)


def check_after_run(tab: Tab, name: str, since: Mark) -> list[str]:
    """What went wrong once notebook ``name`` has run (Run All): error outputs, widgets, panels, static figures, a
    slider move of every panel, and (since ``since``) anything out of sight."""
    page = tab.page
    wait_widgets_rendered(page)
    problems = check_outputs(page, sum(c.panel for c in notebook_cells(tab.lab.root_dir / name)))
    problems += check_static_figures(page, tab.lab.committed(name))
    problems += check_slider_moves(page)
    problems += check_pictures(page)
    return problems + tab.problems_since(since)


# --- cells, as a learner runs them ----------------------------------------------------------------------------------
def check_cells_after_panels(page, committed: Path) -> list[str]:
    """The assert-after-slider sequence (after Run All): for each panel, move its slider one step with the keyboard
    (``nudge_slider``), then run again, one by one, the code cells between this panel and the next (or the end), as
    a learner who read "Things to try" would. None may fail: a cell must not depend on where a widget was left."""
    problems = []
    cells = notebook_cells(committed)
    panel_cells = [c.number for c in cells if c.panel]
    shown = {p["cell"]: p for p in panels(page)}
    for number, end in zip(panel_cells, [*panel_cells[1:], len(cells) + 1]):
        p = shown.get(number)
        if p is None or not p["sliders"]:
            problems.append(f"cell {number}: no panel with a slider to move (the page shows {p and p['text'][:80]!r})")
            continue
        key, before, now = nudge_slider(page, p)
        if (now["now"], now["readout"]) == (before["now"], before["readout"]):
            problems.append(
                f"cell {number}: pressing {key} on the {before['name']} slider did not move it "
                f"(it reads {now['readout']})"
            )
            continue
        moved = (
            f"the {before['name']} slider of the panel in cell {number} moved one step "
            f"({key}: {before['readout']} -> {now['readout']})"
        )
        for c in [c.number for c in cells if c.code and number < c.number < end]:
            run_cell(page, c)
            errors = error_outputs(page, c)
            if errors:
                problems.append(f"cell {c}, run again after {moved}: {errors[0][1]}")
                break  # a learner stops at the first failing cell
    return problems


# --- the careless student -------------------------------------------------------------------------------------------
ODD_SEEDS = ("3.7", "-5", "1e30", "abc")


def click(page, selector: str) -> None:
    page.locator(selector).click(timeout=ACTION_TIMEOUT_MS)


def type_into(page, selector: str, text: str) -> None:
    """Click the box, select what it holds, type ``text`` over it, press Enter (as a person does)."""
    click(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def shows(typed: str, shown: str) -> bool:
    """Whether the box shows what was typed (the same text, or the same number written another way)."""
    if shown.strip() == typed:
        return True
    try:
        return float(shown) == float(typed)
    except ValueError:
        return False


def check_seed_box(page, cell: int, controls: dict) -> list[str]:
    """Type odd seeds into the seed box, each followed by a click on "random init", then wait for the kernel: the box
    may show what was typed, or another value with a message saying so (as text, next to the box or in the box of
    controls it sits in), but never silently another value ("3.7" -> 37, "-5" -> 0, "1e30" -> 10000)."""
    problems = []
    baseline = page.evaluate("sel => nbh.seedAreaText(sel)", controls["seed"])
    for typed in ODD_SEEDS:
        type_into(page, controls["seed"], typed)
        click(page, controls["random"])
        wait_kernel_idle(page, 30)
        shown = page.locator(controls["seed"]).input_value()
        said = page.evaluate("sel => nbh.seedAreaText(sel)", controls["seed"]) != baseline
        if not shows(typed, shown) and not said:
            problems.append(
                f"cell {cell}: typed {typed!r} into the seed box: it silently shows {shown!r} "
                f"(no message says what was used, or that {typed!r} is refused)"
            )
    return problems


def check_seed_reproducible(page, cell: int, controls: dict, seed="3", clicks=3) -> list[str]:
    """Seed 3, then "random init" ``clicks`` times, waiting for the kernel each time: the parameters the sliders show
    and the figure must be the same after every click (a teacher can say "seed 3 gives ..."). Before each click,
    "notes' init" (where there is one), so that every click changes the same parameters from the same picture: the
    figure's PNG then depends only on what is drawn (a renderer may draw an unchanged frame another way)."""
    type_into(page, controls["seed"], seed)
    wait_kernel_idle(page, 30)
    readings = []
    for _ in range(clicks):
        for button in filter(None, (controls.get("notes"), controls["random"])):
            click(page, button)
            wait_kernel_idle(page, 30)
        wait_widgets_rendered(page, 10)
        readings.append(page.evaluate("n => nbh.reading(n)", cell))
    problems, first = [], readings[0]
    for i, r in enumerate(readings[1:], 2):
        where = f'cell {cell}: "random init" with seed {seed}, click {i}'
        if r["readouts"] != first["readouts"]:
            problems.append(f"{where}: the sliders read {r['readouts']}, after click 1 {first['readouts']}")
        elif r["figure"] != first["figure"]:
            problems.append(
                f"{where}: the sliders read the same as after click 1, but the figure is another one (PNG "
                f"digest {r['figure']}, after click 1 {first['figure']}): the same seed drew a different "
                f"picture"
            )
    return problems


def careless_actions(page, controls: dict, odd_seeds=True, quick_clicks=4) -> tuple[int, list[str]]:
    """The careless student, fast (no waiting for the kernel between actions): odd seeds typed, each followed by
    "random init" (with ``odd_seeds``; else one seed); "notes' init"; "random init" clicked quickly; Home and End on
    every slider; every checkbox flipped; every option of every dropdown chosen; every toggle button clicked.
    Returns the number of actions and the actions that could not be done."""
    actions = []
    if controls["seed"] and controls["random"]:
        for typed in (*ODD_SEEDS, "3") if odd_seeds else ("7",):
            actions.append((f"type {typed!r} into the seed box", lambda t=typed: type_into(page, controls["seed"], t)))
            actions.append(("click random init", lambda: click(page, controls["random"])))
    if controls["notes"]:
        actions.append(("click notes' init", lambda: click(page, controls["notes"])))
    if controls["random"]:
        actions += [("click random init", lambda: click(page, controls["random"]))] * quick_clicks
    for handle in controls["handles"]:
        for key in ("Home", "End"):
            actions.append(
                (
                    f"press {key} on a slider",
                    lambda h=handle, k=key: (page.locator(h).focus(timeout=ACTION_TIMEOUT_MS), page.keyboard.press(k)),
                )
            )
    actions += [("flip a checkbox", lambda b=box: click(page, b)) for box in controls["checkboxes"]]
    for select, options in controls["selects"]:
        for option in [*options[1:], *options[:1]]:
            actions.append(
                (
                    f"choose {option!r} in a dropdown",
                    lambda s=select, o=option: page.locator(s).select_option(o, timeout=ACTION_TIMEOUT_MS),
                )
            )
    actions += [("click a toggle button", lambda t=toggle: click(page, t)) for toggle in controls["toggles"]]
    failed = []
    for what, act in actions:
        try:
            act()
        except Exception as exc:  # playwright's errors (an element covered, gone): say which action
            failed.append(f"could not {what}: {str(exc).splitlines()[0][:200]}")
    return len(actions) - len(failed), failed


def check_careless_student(tab: Tab, committed: Path, timings: dict) -> list[str]:
    """The careless-student sequence on every panel of the open notebook (after Run All): the seed box check (on the
    notebook's first panel with one) and the seed-3 reproducibility check, then the fast careless actions; after each
    phase, nothing may have gone wrong on the panel or out of sight. ``timings`` receives how long the fast actions
    took."""
    page, problems, seed_box_checked = tab.page, [], False
    for cell in [c.number for c in notebook_cells(committed) if c.panel]:
        controls = page.evaluate("n => nbh.controls(n)", cell)
        phases, odd_seeds = [], True
        if controls["seed"] and controls["random"]:
            if not seed_box_checked:
                phases.append(("seed box", lambda c=controls, n=cell: check_seed_box(page, n, c)))
                seed_box_checked, odd_seeds = True, False
            phases.append(("seed 3 three times", lambda c=controls, n=cell: check_seed_reproducible(page, n, c)))
        elif controls["random"]:
            problems.append(f'cell {cell}: a "random init" button without a seed box next to it')

        def fast(c=controls, n=cell, odd=odd_seeds):
            t = time.monotonic()
            done, failed = careless_actions(page, c, odd)
            timings[f"cell {n}"] = f"{done} actions in {time.monotonic() - t:.1f} s"
            wait_kernel_idle(page, 180)
            timings[f"cell {n}"] += f", idle after {time.monotonic() - t:.1f} s"
            wait_widgets_rendered(page, 20)
            return failed

        phases.append(("fast careless sequence", fast))
        for phase, run in phases:
            since = tab.mark()
            found = run() + check_panels(page, cell) + tab.problems_since(since)
            problems += [f"panel in cell {cell}, {phase}: {p}" for p in found]
    return problems


# --- a panel without its kernel -------------------------------------------------------------------------------------
def check_panels_without_kernel(page, committed: Path, when: str, live_ok=False) -> list[str]:
    """Every panel cell's output, where no live panel can be shown (``when``: the committed notebook before it ran,
    or the saved one reopened): one line of text that says to run this cell, not a raw widget repr, not
    "Error displaying widget". With ``live_ok``, a live panel (its sliders shown) is fine too."""
    cells = notebook_cells(committed)
    page.wait_for_function("n => nbh.cellCount() >= n", arg=len(cells), timeout=30_000, polling=POLL_MS)
    wait_widgets_rendered(page, 20)
    problems = []
    for cell in [c.number for c in cells if c.panel]:
        out = page.evaluate("n => nbh.outputText(n)", cell)
        text, where = out["text"], f"cell {cell}: {when}, the panel's output"
        if live_ok and out["live"] and "Error displaying widget" not in text:
            continue
        if not text:
            problems.append(f"{where} is empty (it should say in one line what the panel is and to run this cell)")
        elif "Error displaying widget" in text:
            problems.append(f"{where} reads {text[:120]!r} instead of one line saying to run this cell")
        elif re.search(r"\b[HV]Box\(children=", text):
            problems.append(
                f"{where} shows a raw widget repr ({text[:80]!r}...) instead of one line saying to run this cell"
            )
        elif "run this cell" not in text.lower():
            problems.append(f"{where} reads {text[:120]!r}: it does not say to run this cell")
        elif out["lines"] > 1:
            problems.append(f"{where} takes {out['lines']} lines ({text[:120]!r}); one line is enough")
    return problems
