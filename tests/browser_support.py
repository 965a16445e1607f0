"""Shared harness for the browser tests and the latency benchmark: a real JupyterLab, a real Chromium.

* ``LabServer``: ``jupyter lab`` on 127.0.0.1, a free port and a random token, with every setting that would reach
  the network turned off (news feed, update check, PyPI extension manager), its config, settings, workspaces and
  runtime files in a temporary folder, stopped by its process id (kernels first, through the REST API).
* ``launch_chromium``: Debian's Chromium driven by Playwright (Playwright cannot download its own browsers here).
* ``open_notebook`` / ``run_all`` / ``check_notebook``: open a notebook, run every cell as a learner would
  (Run > Run All Cells), and list what a learner would see going wrong: error outputs, widgets that failed to
  display, panels without sliders or figure, an η slider whose move does not redraw the figure, console errors.

The checks return lists of problems (strings) so that a deliberately broken notebook can show they report them.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CHROMIUM = Path(os.environ.get("NBHELPERS_CHROMIUM", "/usr/bin/chromium"))  # the variable: for trying the skip
ENABLE_HINT = "install Debian's chromium: apt-get install chromium (CI=true turns a missing Chromium into a failure)"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-extensions",
]  # fmt: skip
PANEL_TAG = "nbval-ignore-output"  # the tag carried by exactly the cells whose output is a widget panel

# Selectors of JupyterLab 4 and ipywidgets 8 (checked against JupyterLab 4.6, jupyterlab-widgets 3).
SEL_NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
SEL_EXEC_INDICATOR = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator"  # data-status=idle/busy
SEL_STDERR_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'  # errors and stderr
SEL_PANEL_IMG = "img.panel-figure"
SEL_ETA_HANDLE = ".eta-slider .noUi-handle"  # ipywidgets 8 sliders are noUiSlider; the handle takes the keys
SEL_ANY_HANDLE = ".widget-slider .noUi-handle"  # the first slider of a panel without η


def chromium_available() -> tuple[bool, str]:
    """Whether the browser tests can run here, and if not, why."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False, "playwright is not installed (pip install -e '.[test]')"
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return False, f"{CHROMIUM} not found"
    return True, ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stat(pid: int) -> list[str] | None:
    """/proc/PID/stat after the command name: state, ppid, ... (None if there is no such process)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def child_processes(pid: int) -> list[tuple[int, str]]:
    """(pid, start time) of the processes whose parent is ``pid``: the start time tells a process from a later one
    that reuses its pid."""
    kids = []
    for entry in Path("/proc").glob("[0-9]*"):
        fields = _stat(int(entry.name))
        if fields and int(fields[1]) == pid:
            kids.append((int(entry.name), fields[19]))
    return kids


def process_alive(pid: int, start: str | None = None) -> bool:
    """Whether ``pid`` runs (a zombie does not count), and is the process that started at ``start`` if given."""
    fields = _stat(pid)
    return bool(fields) and fields[0] != "Z" and (start is None or fields[19] == start)


class LabServer:
    """``jupyter lab`` serving a temporary copy of ``notebooks`` (or of the given files)."""

    def __init__(self, sources=None, startup_timeout=60.0):
        self.tmp = Path(tempfile.mkdtemp(prefix="browser-lab-"))
        self.root_dir = self.tmp / "notebooks"
        self.root_dir.mkdir()
        sources = sorted(NOTEBOOKS.glob("*.ipynb")) if sources is None else [Path(s) for s in sources]
        for src in sources:
            shutil.copy2(src, self.root_dir / src.name)
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.base = f"http://127.0.0.1:{self.port}"
        self.startup_timeout = startup_timeout
        self.proc = None
        self.proc_returncode = None
        self.log_path = self.tmp / "jupyter-lab.log"

    # --- lifecycle -------------------------------------------------------------------------------------------
    def command(self) -> list[str]:
        cmd = [
            sys.executable, "-m", "jupyter", "lab",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}", "--ServerApp.open_browser=False",
            f"--ServerApp.root_dir={self.root_dir}",
            # nothing may reach the network: no news feed, no update check, no PyPI listing of extensions
            "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
            # window.jupyterapp: run commands (Run All Cells, close) exactly as the menus do
            "--LabApp.expose_app_in_browser=True",
        ]  # fmt: skip
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        return cmd

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                         ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                         ("IPYTHONDIR", "ipython")):  # fmt: skip
            path = self.tmp / sub
            path.mkdir(exist_ok=True)
            env[var] = str(path)
        # JupyterLab's build check (GET /lab/api/build on every page load) costs ~4 s of CPU here and is about
        # rebuilding extensions, which the tests never do: turn it off in this server's page config.
        labconfig = self.tmp / "config" / "labconfig"
        labconfig.mkdir(exist_ok=True)
        (labconfig / "page_config.json").write_text(json.dumps({"buildCheck": False, "buildAvailable": False}))
        # news_url=None stops the server fetching news, but the page would still ask "Would you like to get notified
        # about official Jupyter news?" in a toast over the notebook: answer "never" in this server's user settings.
        notification = self.tmp / "settings" / "@jupyterlab" / "apputils-extension"
        notification.mkdir(parents=True, exist_ok=True)
        (notification / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False})
        )
        env.pop("JUPYTER_TOKEN", None)
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def start(self, attempts=3) -> LabServer:
        """Start the server and wait for /api/status; on a lost race for the free port, try another port."""
        for attempt in range(attempts):
            self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
            self.proc = subprocess.Popen(self.command(), stdout=self._log, stderr=subprocess.STDOUT,
                                         env=self.env(), cwd=self.tmp, start_new_session=True)  # fmt: skip
            self._started = (_stat(self.proc.pid) or [None] * 20)[19]
            atexit.register(self._stop_at_exit)  # pytest interrupted: do not leave a server behind
            deadline = time.monotonic() + self.startup_timeout
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    self.api("GET", "/api/status", timeout=2)
                    return self
                except (OSError, urllib.error.URLError):
                    time.sleep(0.2)
            exited = self.proc.poll() is not None
            log = self.log_tail()
            self.stop(clean=False)
            if exited and "already in use" in log and attempt + 1 < attempts:
                self.port = free_port()
                self.base = f"http://127.0.0.1:{self.port}"
                continue
            why = f"exited with {self.proc_returncode}" if exited else f"did not answer in {self.startup_timeout:.0f} s"
            raise RuntimeError(f"jupyter lab {why}:\n{log}")
        raise AssertionError("unreachable")

    def _stop_at_exit(self):
        if self.proc is not None:
            self.stop(clean=False)

    def stop(self, timeout=15.0, clean=True) -> None:
        """Shut the kernels down through the REST API, then the server by its pid (SIGTERM, SIGKILL after
        ``timeout``); check that the server and every process it started are gone. Raises if anything had to be
        killed, or survived. With ``clean=False`` (start-up failed) nothing is raised and the log is kept."""
        if self.proc is None:
            return
        problems = []
        if self.proc.poll() is None:
            try:
                self.shutdown_kernels()
            except (OSError, urllib.error.URLError) as exc:
                problems.append(f"could not shut the kernels down through the REST API: {exc}")
            children = child_processes(self.proc.pid)
            self.proc.terminate()  # SIGTERM: jupyter server stops cleanly
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                problems.append(f"jupyter lab (pid {self.proc.pid}) ignored SIGTERM for {timeout:.0f} s; killed")
                self.proc.kill()
                self.proc.wait(timeout)
            for pid, started in children:
                deadline = time.monotonic() + timeout
                while process_alive(pid, started) and time.monotonic() < deadline:
                    time.sleep(0.1)
                if process_alive(pid, started):
                    problems.append(f"process {pid} started by jupyter lab outlived it; killed")
                    os.kill(pid, signal.SIGKILL)
        self.proc_returncode = self.proc.returncode
        if process_alive(self.proc.pid, self._started):
            problems.append(f"jupyter lab (pid {self.proc.pid}) is still running")
        self._log.close()
        self.proc = None
        if not clean:
            return
        if problems:
            raise RuntimeError("; ".join(problems) + f" (log: {self.log_path})")
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def log_tail(self, n=4000) -> str:
        try:
            return self.log_path.read_text()[-n:]
        except OSError:
            return ""

    # --- REST API --------------------------------------------------------------------------------------------
    def api(self, method: str, path: str, timeout=10.0):
        req = urllib.request.Request(f"{self.base}{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})  # fmt: skip
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def kernels(self) -> list[dict]:
        return self.api("GET", "/api/kernels")

    def shutdown_kernels(self, path: str | None = None) -> int:
        """Delete the kernels (of the notebook at ``path``, or all); returns how many were shut down."""
        ids = [k["id"] for k in self.kernels()]
        if path is not None:
            ids = [s["kernel"]["id"] for s in self.api("GET", "/api/sessions") if s.get("path") == path and s["kernel"]]
        for kid in ids:
            self.api("DELETE", f"/api/kernels/{kid}", timeout=30)
        return len(ids)

    def notebook_url(self, name: str, workspace: str | None = None) -> str:
        # a workspace per notebook: JupyterLab restores nothing from an earlier test (no stray tabs, no kernels)
        workspace = workspace or f"w{secrets.token_hex(4)}"
        return f"{self.base}/lab/workspaces/{workspace}/tree/{name}?token={self.token}"


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


# --- in the page ------------------------------------------------------------------------------------------------
@dataclass
class Console:
    """Console errors and uncaught page errors, collected from a page."""

    errors: list[str] = field(default_factory=list)

    def attach(self, page) -> Console:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught page error: {exc}"))
        return self

    def _console(self, msg) -> None:
        if msg.type == "error":
            self.errors.append(f"console.error: {msg.text}")


def kernel_status(page) -> str | None:
    return page.get_attribute(SEL_EXEC_INDICATOR, "data-status")


def wait_kernel_idle(page, timeout=60.0, settle=0.3) -> None:
    """Wait until the notebook's kernel reads 'idle' (and stays so for ``settle`` seconds)."""
    deadline = time.monotonic() + timeout
    idle_since = None
    while time.monotonic() < deadline:
        status = kernel_status(page)
        if status == "idle":
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= settle:
                return
        else:
            idle_since = None
        page.wait_for_timeout(100)
    raise TimeoutError(f"kernel not idle after {timeout:.0f} s (status {kernel_status(page)!r})")


def open_notebook(page, server: LabServer, name: str, timeout=60.0) -> None:
    """Open ``name`` in JupyterLab and wait until its kernel is connected and idle."""
    page.goto(server.notebook_url(name))
    try:
        page.wait_for_selector(SEL_NOTEBOOK, timeout=timeout * 1000)
        page.wait_for_function("() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                               " return w && w.sessionContext && w.sessionContext.session"
                               " && w.sessionContext.session.kernel; }", timeout=timeout * 1000)  # fmt: skip
        wait_kernel_idle(page, timeout)
    except Exception as exc:  # say what JupyterLab shows instead (e.g. a "Select Kernel" dialog)
        dialog = page.locator(".jp-Dialog")
        shown = f"; JupyterLab shows a dialog: {dialog.first.inner_text()[:300]!r}" if dialog.count() else ""
        raise RuntimeError(f"{name} did not open with an idle kernel in {timeout:.0f} s{shown}") from exc


def command(page, cmd: str, args: dict | None = None):
    """Run a JupyterLab command as its menu item would (e.g. 'notebook:run-all-cells')."""
    return page.evaluate("([cmd, args]) => window.jupyterapp.commands.execute(cmd, args || {})", [cmd, args])


CELL_NUMBER_JS = """(o => { const c = o.closest('.jp-Cell');
    return Array.from(c.parentElement.querySelectorAll(':scope > .jp-Cell')).indexOf(c) + 1; })"""
# [cell number (counting every cell, as a reader does), input prompt] of each code cell
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


PROMPTS_JS = f"""() => Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt'))
    .map(e => [{CELL_NUMBER_JS}(e), e.textContent.trim()])"""
RAN = re.compile(r"\[\d+\]:")


def run_all(page, timeout=120.0) -> list[tuple[int, str]]:
    """Clear the saved outputs, Run > Run All Cells, wait until the run is over; return (cell, prompt) pairs.

    Clearing first makes "ran" observable: every prompt goes back to "[ ]:" and comes back as "[n]:" once its cell
    ran. The run is over when every prompt has a number, or (after an error stops the queue) when no prompt reads
    "[*]:" and the kernel has been idle for a second."""
    command(page, "notebook:clear-all-cell-outputs")
    page.wait_for_function(f"() => ({PROMPTS_JS})().every(([c, p]) => !/\\d/.test(p))", timeout=10_000)
    command(page, "notebook:run-all-cells")
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        prompts = [p for _, p in page.evaluate(PROMPTS_JS)]
        if prompts and all(RAN.fullmatch(p) for p in prompts):
            wait_kernel_idle(page, timeout)
            return page.evaluate(PROMPTS_JS)
        started = any(re.search(r"\d", p) for p in prompts)
        if started and not any("*" in p for p in prompts) and kernel_status(page) == "idle":
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= 1.0:
                return page.evaluate(PROMPTS_JS)
        else:
            quiet_since = None
        page.wait_for_timeout(100)
    raise TimeoutError(f"Run All Cells did not finish in {timeout:.0f} s: prompts {page.evaluate(PROMPTS_JS)}")


def unrun_cells(prompts: list[tuple[int, str]]) -> list[str]:
    """Problems for code cells that Run All did not run (an earlier error stops the queue)."""
    missing = [cell for cell, p in prompts if not RAN.fullmatch(p)]
    return [f"cells {missing} did not run (Run All stopped before them)"] if missing else []


def close_notebook(page) -> None:
    """Close the notebook tab without saving (the run changed it; the committed file must not be touched)."""
    page.evaluate("""async () => {
        const w = window.jupyterapp.shell.currentWidget;
        if (w && w.context) { w.context.model.dirty = false; w.close(); }
    }""")


def panel_cell_count(path: Path) -> int:
    nb = json.loads(Path(path).read_text())
    return sum(1 for c in nb["cells"] if c["cell_type"] == "code" and PANEL_TAG in c["metadata"].get("tags", []))


# The widget outputs of the open notebook, in page order. ipywidgets' renderer is the output node itself: it holds
# the view (a child with class jupyter-widgets), or reads "Loading widget..." / "Error displaying widget..." (then the
# node itself gets class jupyter-widgets).
OUTPUTS_JS = """Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output'))
    .filter(o => o.classList.contains('jupyter-widgets') || o.querySelector(':scope > .jupyter-widgets')
                 || /^(Loading widget|Error displaying widget)/.test(o.textContent))"""
IMG_JS = f"((i) => {{ const o = {OUTPUTS_JS}[i]; return o ? o.querySelector('{SEL_PANEL_IMG}') : null; }})"
PANELS_JS = f"""() => {OUTPUTS_JS}.map((out, i) => {{
    const img = out.querySelectorAll('{SEL_PANEL_IMG}');
    return {{
        index: i,
        cell: {CELL_NUMBER_JS}(out),
        sliders: out.querySelectorAll('.widget-slider').length,
        eta: out.querySelectorAll('.eta-slider').length,
        images: img.length,
        loaded: Array.from(img).filter(m => m.complete && m.naturalWidth > 0 && m.naturalHeight > 0
                                           && m.getAttribute('src')).length,
        text: out.textContent.slice(0, 200),
    }};
}})"""


def panels(page) -> list[dict]:
    """Each widget output: its cell number, how many sliders, η sliders, figures and loaded figures it shows."""
    return page.evaluate(PANELS_JS)


def wait_widgets_rendered(page, timeout=20.0) -> None:
    """Wait (at most ``timeout``; the checks then report what is missing) until no widget reads "Loading widget..."
    and every panel figure has loaded."""
    try:
        page.wait_for_function(f"""() => {OUTPUTS_JS}.every(o => !/^Loading widget/.test(o.textContent)
            && Array.from(o.querySelectorAll('{SEL_PANEL_IMG}')).every(m => m.complete && m.naturalWidth > 0))""",
                               timeout=timeout * 1000)  # fmt: skip
    except Exception:  # playwright's TimeoutError: check_outputs says what is wrong
        pass


def image_src(page, index: int) -> str | None:
    return page.evaluate(f"(i) => {{ const m = {IMG_JS}(i); return m ? m.getAttribute('src') : null; }}", index)


def slider_state(page, index: int, handle=SEL_ETA_HANDLE) -> dict:
    """Scroll panel ``index``'s slider (the first matching ``handle``) into view, focus its handle, and return its
    name and aria values (for η: the exponent)."""
    return page.evaluate(f"""([i, sel]) => {{
        const h = {OUTPUTS_JS}[i].querySelector(sel);
        h.scrollIntoView({{block: 'center'}});
        h.focus();
        const label = h.closest('.widget-slider').querySelector('.widget-label');
        return {{now: +h.getAttribute('aria-valuenow'), max: +h.getAttribute('aria-valuemax'),
                 min: +h.getAttribute('aria-valuemin'), focused: document.activeElement === h,
                 name: label ? label.textContent.trim() : '?'}};
    }}""", [index, handle])  # fmt: skip


def eta_state(page, index: int) -> dict:
    return slider_state(page, index, SEL_ETA_HANDLE)


# After a key press on panel i's η slider: 'changed' once the figure's src changed and the new PNG loaded;
# 'settled' once the kernel went idle after the press and SETTLE_MS passed without a new figure.
SETTLE_MS = 500
AFTER_KEY_JS = f"""([i, before, pressedAt]) => {{
    const m = {IMG_JS}(i);
    if (m && m.getAttribute('src') !== before && m.complete && m.naturalWidth > 0) return 'changed';
    const idle = window.__kernelIdleAt;
    return idle > pressedAt && performance.now() - idle > {SETTLE_MS} ? 'settled' : false;
}}"""


def press_and_wait(page, index: int, key: str, timeout=10.0) -> str:
    """Press ``key`` on panel ``index``'s focused η handle: 'changed', 'settled' (no new figure) or 'timeout'."""
    before = image_src(page, index)
    pressed_at = page.evaluate("() => performance.now()")
    page.keyboard.press(key)
    try:
        return page.wait_for_function(AFTER_KEY_JS, arg=[index, before, pressed_at],
                                      timeout=timeout * 1000).json_value()  # fmt: skip
    except Exception:  # playwright's TimeoutError
        return "timeout"


def move_slider(page, index: int, key: str, handle=SEL_ETA_HANDLE, timeout=10.0, presses=3) -> str | None:
    """Press ``key`` on a slider of panel ``index`` until the figure changes; a problem if ``presses`` presses
    do not change it. (One step may legitimately leave the PNG identical, e.g. where training diverges at once:
    then the kernel sends no new image; a few steps on, it must.)"""
    for _ in range(presses):
        state = slider_state(page, index, handle)
        what = f"the {state['name']} slider"
        if not state["focused"]:
            return f"{what}'s handle cannot take the keyboard focus"
        outcome = press_and_wait(page, index, key, timeout)
        if outcome == "changed":
            return None
        if outcome == "timeout":
            return (f"the figure did not change within {timeout:.0f} s of pressing {key} on {what} "
                    f"(and the kernel did not go idle after it)")  # fmt: skip
    return f"the figure did not change after {presses} presses of {key} on {what} (the kernel handled each)"


def slider_keys(page, index: int, handle=SEL_ETA_HANDLE) -> tuple[str, str]:
    """ArrowRight then ArrowLeft, or the reverse if the slider is at its maximum."""
    state = slider_state(page, index, handle)
    return ("ArrowLeft", "ArrowRight") if state["now"] >= state["max"] else ("ArrowRight", "ArrowLeft")


def check_outputs(page, expected_panels: int | None = None) -> list[str]:
    """What a learner would see going wrong after Run All: error (and stderr) outputs, widgets that failed to display,
    panels without sliders or without a loaded figure, fewer or more widget outputs than panel cells."""
    problems = []
    stderr = page.evaluate(f"""() => Array.from(document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) {SEL_STDERR_OUTPUT}')).map(o => [{CELL_NUMBER_JS}(o), o.textContent])""")
    for cell, text in stderr:  # JupyterLab shows both tracebacks and stderr streams with this MIME type
        lines = [ln for ln in text.strip().splitlines() if ln.strip()]
        if "Traceback" in text or re.search(r"^\w*(Error|Exception)\b", lines[-1] if lines else ""):
            problems.append(f"cell {cell}: error output: {lines[-1][:300] if lines else ''}")
        else:
            problems.append(f"cell {cell}: stderr output: {' | '.join(lines[:2])[:300]}")
    # textContent, not innerText: cells scrolled out of view are not laid out (content-visibility) and have no innerText
    body = page.text_content("body")
    for phrase in ("Error displaying widget", "Loading widget...", "Error rendering output"):
        if phrase in body:
            problems.append(f"the page reads {phrase!r}")
    found = panels(page)
    if expected_panels is not None and len(found) != expected_panels:
        problems.append(f"{len(found)} widget outputs on the page, but {expected_panels} cells are tagged "
                        f"{PANEL_TAG} (the panel cells)")  # fmt: skip
    for p in found:
        where = f"cell {p['cell']}: panel"
        if p["sliders"] == 0:
            problems.append(f"{where} shows no slider ({p['text'][:80]!r})")
        if p["images"] == 0:
            problems.append(f"{where} shows no figure ({SEL_PANEL_IMG})")
        elif p["loaded"] < p["images"]:
            problems.append(f"{where}: {p['images'] - p['loaded']} figure(s) empty or not loaded")
    return problems


def check_slider_moves(page, timeout=10.0) -> list[str]:
    """Every panel: a keyboard move of its η slider (or, without one, of its first slider) one way and back must
    each redraw the figure."""
    problems = []
    for p in panels(page):
        if not p["images"] or not p["sliders"]:
            continue
        handle = SEL_ETA_HANDLE if p["eta"] else SEL_ANY_HANDLE
        for key in slider_keys(page, p["index"], handle):
            problem = move_slider(page, p["index"], key, handle, timeout)
            if problem:
                problems.append(f"cell {p['cell']}: panel: {problem}")
                break
        wait_kernel_idle(page, 30)
    return problems


def kernel_tracebacks(log_text: str) -> list[str]:
    """Tracebacks the kernel wrote to its own stderr (the server's log): an exception in a widget callback
    ends there, not in the notebook. Returns one line per traceback: the line before it and its last line."""
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


WATCH_KERNEL_JS = """() => {
    window.__kernelComplaints = [];
    window.__kernelIdleAt = performance.now();
    const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    kernel.statusChanged.connect((_, status) => { if (status === 'idle') window.__kernelIdleAt = performance.now(); });
    kernel.iopubMessage.connect((_, m) => {
        const parent = m.parent_header && m.parent_header.msg_type;
        if (parent === 'execute_request') return;  // a cell's own output: on the page, checked there
        if (m.header.msg_type === 'error') window.__kernelComplaints.push(
            `kernel error outside any cell (after a ${parent}): ${m.content.ename}: ${m.content.evalue}`);
        if (m.header.msg_type === 'stream' && m.content.name === 'stderr') window.__kernelComplaints.push(
            `kernel stderr outside any cell (after a ${parent}): ${m.content.text.trim().slice(0, 300)}`);
    });
}"""


def watch_kernel(page) -> None:
    """Record the kernel's errors and stderr that belong to no cell (a widget callback runs on a comm message:
    its exception reaches only JupyterLab's log console, which a learner may never open), and when the kernel
    last went idle (after a slider move: it has handled the move and sent whatever it was going to send)."""
    page.evaluate(WATCH_KERNEL_JS)


def kernel_complaints(page) -> list[str]:
    return page.evaluate("() => window.__kernelComplaints || []")


def check_notebook(page, server: LabServer, name: str, console: Console, slider_timeout=10.0,
                   timings: dict | None = None) -> list[str]:
    """Open ``name``, run it all, move a slider of every panel, close it; return every problem (empty: it works).
    ``timings``, if given, receives the seconds each step took."""
    timings = {} if timings is None else timings
    t = time.monotonic()

    def lap(step):
        nonlocal t
        timings[step] = round(time.monotonic() - t, 2)
        t = time.monotonic()

    log_start = len(server.log_tail(n=10**9))
    open_notebook(page, server, name)
    watch_kernel(page)
    lap("open")
    problems = unrun_cells(run_all(page))
    lap("run all")
    wait_widgets_rendered(page)
    problems += check_outputs(page, panel_cell_count(server.root_dir / name))
    lap("outputs")
    problems += check_slider_moves(page, slider_timeout)
    lap("slider moves")
    problems += kernel_complaints(page)
    # Every console error counts: JupyterLab 4.6 with ipywidgets 8 logs none while these notebooks run (the news
    # and update checks, which would fail without a network, are off), so there is no noise to filter out.
    problems += console.errors
    problems += kernel_tracebacks(server.log_tail(n=10**9)[log_start:])
    close_notebook(page)
    server.shutdown_kernels(path=name)
    lap("close")
    return problems
