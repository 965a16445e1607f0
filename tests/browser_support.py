"""Shared harness for the browser tests and the latency benchmark: a real JupyterLab, a real Chromium.

* ``LabServer``: ``jupyter lab`` on 127.0.0.1, a free port and a random token, with every setting that would reach
  the network turned off (news feed, update check, PyPI extension manager), its config, settings, workspaces and
  runtime files in a temporary folder, stopped by its process id (kernels first, through the REST API).
* ``launch_chromium``: Debian's Chromium driven by Playwright (Playwright cannot download its own browsers here).
* ``open_notebook`` / ``run_all`` / ``check_notebook``: open a notebook, run every cell as a learner would
  (Run > Run All Cells), and list what a learner would see going wrong: error outputs, widgets that failed to
  display, panels without sliders or figure, static figures missing (``check_static_figures``), an η slider whose
  move does not redraw the figure, console errors.
* ``watch_kernel`` / ``problems_since``: what goes wrong out of sight: the kernel's errors, warnings and stderr on
  iopub that belong to no cell (widget callbacks, on the main shell or a subshell), the server log's tracebacks,
  warnings and errors, console errors.
* The sequences of the hardening issue: ``check_cells_after_panels`` (a slider moved, the cells after the panel run
  again), ``check_careless_student`` (odd seeds, quick clicks, Home/End, every choice; seed boxes; seed 3 three
  times), ``check_panels_without_kernel`` with ``save_notebook`` / ``close_tab`` (saved, closed and reopened).

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
# The kernels' environment in the tests: the harsher setting. With MPLBACKEND=Agg (set by a shell profile, a
# container or a conda activation script) a notebook that leaves the backend to its environment draws its static
# figures on Agg and shows none of them, silently: the notebooks must choose the inline backend themselves.
KERNEL_ENV = {"MPLBACKEND": "Agg"}

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

    def __init__(self, sources=None, startup_timeout=60.0, env: dict[str, str] | None = None):
        self.extra_env = dict(env or {})  # e.g. KERNEL_ENV: the server passes its environment on to the kernels
        self.tmp = Path(tempfile.mkdtemp(prefix="browser-lab-"))
        self.root_dir = self.tmp / "notebooks"
        self.root_dir.mkdir()
        sources = sorted(NOTEBOOKS.glob("*.ipynb")) if sources is None else [Path(s) for s in sources]
        self.sources = {src.name: src for src in sources}
        for src in sources:
            shutil.copy2(src, self.root_dir / src.name)
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.base = f"http://127.0.0.1:{self.port}"
        self.startup_timeout = startup_timeout
        self.proc = None
        self.proc_returncode = None
        self.log_path = self.tmp / "jupyter-lab.log"

    def committed(self, name: str) -> Path:
        """The notebook file as committed (the server's copy may be saved over; a file written into the server's
        folder by a test is its own original)."""
        return self.sources.get(name, self.root_dir / name)

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
        # No autosave: a notebook left open for two minutes would be saved over the server's copy; only the
        # save-and-reopen test saves, explicitly.
        docmanager = self.tmp / "settings" / "@jupyterlab" / "docmanager-extension"
        docmanager.mkdir(parents=True, exist_ok=True)
        (docmanager / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
        env.pop("JUPYTER_TOKEN", None)
        env["PYTHONUNBUFFERED"] = "1"
        env.update(self.extra_env)
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


# The requests the notebook's kernel has not finished (see WATCH_KERNEL_JS), and its status as the toolbar shows it.
PENDING_JS = """(() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
    return (k && (window.__kernelPending || {})[k.id]) || {}; })()"""
IDLE_STATE_JS = f"""() => {{ const i = document.querySelector('{SEL_EXEC_INDICATOR}');
    return [i ? i.getAttribute('data-status') : null, Object.keys({PENDING_JS}).length]; }}"""


def wait_kernel_idle(page, timeout=60.0, settle=0.3) -> None:
    """Wait until the notebook's kernel reads 'idle' and (once ``watch_kernel`` runs) has finished every request
    sent to it, on any subshell, and stays so for ``settle`` seconds."""
    deadline = time.monotonic() + timeout
    idle_since = None
    while time.monotonic() < deadline:
        status, pending = page.evaluate(IDLE_STATE_JS)
        if status == "idle" and not pending:
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= settle:
                return
        else:
            idle_since = None
        page.wait_for_timeout(100)
    raise TimeoutError(f"kernel not idle after {timeout:.0f} s (status {kernel_status(page)!r}, "
                       f"requests still being handled: {pending_requests(page)})")  # fmt: skip


def open_notebook(page, server: LabServer, name: str, timeout=60.0, reload=False) -> None:
    """Open ``name`` in JupyterLab, watch its kernel (``watch_kernel``) and wait until it is connected and idle. In
    a page where JupyterLab is loaded already (and no notebook open), open it there, as from the file browser:
    loading JupyterLab again costs seconds; unless ``reload``: load JupyterLab afresh (a new day, a new browser
    session: nothing of the page's past state, such as widget models, survives; nor do the complaints recorded)."""
    if not reload and page.url.startswith(server.base) and page.evaluate("() => !!window.jupyterapp"):
        page.evaluate("async (path) => { await window.jupyterapp.commands.execute('docmanager:open', {path}); }", name)
    else:
        page.goto(server.notebook_url(name))
    try:
        page.wait_for_selector(SEL_NOTEBOOK, timeout=timeout * 1000)
        page.wait_for_function("() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                               " return w && w.sessionContext && w.sessionContext.session"
                               " && w.sessionContext.session.kernel; }", timeout=timeout * 1000)  # fmt: skip
        watch_kernel(page)  # from the start: what the kernel says while the notebook loads counts too
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
    """Close the notebook tabs without saving (the run changed them; the committed file must not be touched), and
    any dialog an earlier step left open (e.g. "Save your work")."""
    page.evaluate("""async () => {
        document.querySelectorAll('.jp-Dialog').forEach(d => {
            const b = Array.from(d.querySelectorAll('button')).find(b => /Discard|Cancel/.test(b.textContent));
            if (b) b.click();
        });
        for (const w of Array.from(window.jupyterapp.shell.widgets('main'))) {
            if (w.context) { w.context.model.dirty = false; w.close(); }
        }
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
    name, aria values (for η: the exponent; rounded to one decimal) and readout."""
    return page.evaluate(f"""([i, sel]) => {{
        const h = {OUTPUTS_JS}[i].querySelector(sel);
        h.scrollIntoView({{block: 'center'}});
        h.focus();
        const label = h.closest('.widget-slider').querySelector('.widget-label');
        const readout = h.closest('.widget-slider').querySelector('.widget-readout');
        return {{now: +h.getAttribute('aria-valuenow'), max: +h.getAttribute('aria-valuemax'),
                 min: +h.getAttribute('aria-valuemin'), focused: document.activeElement === h,
                 name: label ? label.textContent.trim() : '?', readout: readout ? readout.textContent.trim() : null}};
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
    texts = page.evaluate(f"""(cell) => Array.from(document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) {SEL_STDERR_OUTPUT}')).map(o => [{CELL_NUMBER_JS}(o), o.textContent])
        .filter(([c, t]) => cell === null || c === cell)""", cell)
    # JupyterLab shows both tracebacks and stderr streams with this MIME type
    return [(c, describe_output(text)) for c, text in texts]


def check_outputs(page, expected_panels: int | None = None) -> list[str]:
    """What a learner would see going wrong after Run All: error (and stderr) outputs, widgets that failed to display,
    panels without sliders or without a loaded figure, fewer or more widget outputs than panel cells."""
    problems = [f"cell {cell}: {what}" for cell, what in error_outputs(page)]
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


# The kernel's messages, watched on iopub (every message the kernel publishes reaches this hook, whichever shell or
# subshell handled the request: JupyterLab 4.6 sends widget comm messages over a kernel subshell per comm target).
# A message counts as a cell's own when its parent is an execute_request: the cell shows it, and check_outputs reads
# it there. Everything else that is an error, or text on stderr (tracebacks, warnings, "No such comm"), belongs to no
# cell: it comes from a widget callback (a comm_msg, on the main shell or a subshell), from a comm being opened or
# closed, or from the kernel itself (no parent message). A learner never sees it: it counts as a complaint.
# __kernelPending[kernel id]: the shell requests sent to the kernel whose "idle" status has not come back yet (from
# any subshell).
WATCH_KERNEL_JS = """() => {
    const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    window.__kernelComplaints = window.__kernelComplaints || [];
    window.__iopubSeen = window.__iopubSeen || {total: 0, noParent: 0, commMsg: 0, subshell: 0, subshells: {}};
    window.__kernelPending = window.__kernelPending || {};
    window.__refusedComms = window.__refusedComms || {};
    window.__comms = window.__comms || {};  // comm id: who opened it, for which target, when it closed
    window.__kernelIdleAt = performance.now();
    // Every comm the page opens, on any kernel connection made from now on (the widget manager of a notebook opened
    // later opens its first comm before this function can watch that notebook's kernel).
    const proto = Object.getPrototypeOf(kernel);
    if (!proto.__nbhelpersSendWatched) {
        proto.__nbhelpersSendWatched = true;
        const send = proto.sendShellMessage;
        proto.sendShellMessage = function (msg, ...rest) {
            if (msg.header.msg_type === 'comm_open')
                window.__comms[msg.content.comm_id] = `a ${msg.content.target_name} comm the page opened`;
            return send.call(this, msg, ...rest);
        };
    }
    if (kernel.__nbhelpersWatched) return;
    kernel.__nbhelpersWatched = true;
    const seen = window.__iopubSeen, pending = window.__kernelPending[kernel.id] = {};
    const complain = (text) => window.__kernelComplaints.push(
        {text, comm: ((/No such comm: ([\\w-]+)/.exec(text)) || [])[1] || null});
    const quiet = () => Object.keys(pending).length === 0 && kernel.status === 'idle';
    kernel.statusChanged.connect((_, status) => {
        if (status === 'idle' && Object.keys(pending).length === 0) window.__kernelIdleAt = performance.now();
    });
    kernel.anyMessage.connect((_, {msg, direction}) => {
        if (direction === 'send' && msg.channel === 'shell' && msg.header && msg.header.msg_id)
            pending[msg.header.msg_id] = [msg.header.msg_type, performance.now()];
        if (direction === 'send' && msg.header.msg_type === 'comm_close' && window.__comms[msg.content.comm_id])
            window.__comms[msg.content.comm_id] += ', closed by the page';
    });
    kernel.iopubMessage.connect((_, m) => {
        const ph = m.parent_header || {};
        const parent = ph.msg_type, subshell = ph.subshell_id, type = m.header.msg_type;
        seen.total++;
        if (!parent) seen.noParent++;
        if (parent === 'comm_msg') seen.commMsg++;
        if (subshell) { seen.subshell++; seen.subshells[subshell] = (seen.subshells[subshell] || 0) + 1; }
        if (type === 'status' && m.content.execution_state === 'idle' && ph.msg_id) {
            delete pending[ph.msg_id];
            if (quiet()) window.__kernelIdleAt = performance.now();
        }
        // The kernel closing a comm the page opened: it refused it (no such target). JupyterLab's widget manager
        // does this to every kernel it meets: it opens a comm to the target jupyter.widget.control to ask for the
        // widgets the kernel already has; a kernel that has not imported ipywidgets yet has no such target, says so,
        // closes the comm, and then says "No such comm" to the manager's request on it. A kernel that has says
        // "No such comm" too, at times, when the manager closes that comm at once (its open and its close travel on
        // different shells). No notebook can avoid either, and they say nothing about the panels: kernel_complaints
        // leaves out "No such comm" for refused comms and for the manager's jupyter.widget.control comms.
        if (type === 'comm_close' && parent === 'comm_open') window.__refusedComms[m.content.comm_id] = true;
        if (type === 'comm_open') window.__comms[m.content.comm_id] =
            `a ${m.content.target_name} comm the kernel opened (after a ${parent || 'nothing'})`;
        if (type === 'comm_close' && window.__comms[m.content.comm_id])
            window.__comms[m.content.comm_id] += `, closed by the kernel (after a ${parent || 'nothing'})`;
        if (parent === 'execute_request') return;  // a cell's own output: the page shows it, check_outputs reads it
        const where = !parent ? 'with no parent message'
            : `after a ${parent}${subshell ? ' on subshell ' + subshell.slice(0, 8) : ''}`;
        if (type === 'error') complain(
            `kernel error outside any cell (${where}): ${m.content.ename}: ${m.content.evalue}`);
        if (type === 'stream' && m.content.name === 'stderr') {
            if (/^No such comm target registered: jupyter\\.widget\\.control\\s*$/.test(m.content.text)) return;
            const text = m.content.text.trim().replace(/\\s*\\n\\s*/g, ' | ');
            const what = /No such comm/.test(text) ? 'kernel "No such comm" outside any cell'
                : /\\w*Warning\\b:/.test(text) ? 'kernel warning outside any cell' : 'kernel stderr outside any cell';
            complain(`${what} (${where}): ${text.slice(0, 300)}`);
        }
    });
}"""


def watch_kernel(page) -> None:
    """Record the kernel's errors and stderr that belong to no cell (a widget callback runs on a comm message:
    its exception reaches only JupyterLab's log console, which a learner may never open), which shell requests are
    still being handled, and when the kernel last went idle (after a slider move: it has handled the move and sent
    whatever it was going to send). Once per kernel connection (again after reopening a notebook)."""
    page.evaluate(WATCH_KERNEL_JS)


def complaint_count(page) -> int:
    """How many complaints the watch recorded so far (before any is left out: see ``kernel_complaints``)."""
    return page.evaluate("() => (window.__kernelComplaints || []).length")


def kernel_complaints(page, start=0) -> list[str]:
    """The complaints recorded since the ``start``-th, less "No such comm" for the widget manager's own comms (see
    WATCH_KERNEL_JS); a "No such comm" says what the watch knows of that comm."""
    return page.evaluate("""(start) => (window.__kernelComplaints || []).slice(start)
        .filter(c => !(c.comm && ((window.__refusedComms || {})[c.comm]
                                  || /^a jupyter.widget.control comm the page opened/.test(window.__comms[c.comm]))))
        .map(c => c.comm ? `${c.text} (${(window.__comms || {})[c.comm] || 'a comm the watch never saw opened'})`
                         : c.text)""", start)


def iopub_seen(page) -> dict:
    """How many iopub messages the watch saw: in all, without a parent, answering a comm_msg, from a subshell."""
    return page.evaluate("() => window.__iopubSeen || {}")


def pending_requests(page) -> list[str]:
    """The shell requests sent to the notebook's kernel and not finished (no "idle" status for them yet)."""
    return page.evaluate(f"() => Object.values({PENDING_JS}).map(([t, at]) => t)")


def collapse(problems: list[str]) -> list[str]:
    """Identical problems once, with how many times they happened: a race that fires 20 times reads as one line."""
    counts: dict[str, int] = {}
    for p in problems:
        counts[p] = counts.get(p, 0) + 1
    return [p if n == 1 else f"{p} (x{n})" for p, n in counts.items()]


SERVER_LOG_LINE = re.compile(r"^\[[A-Z] \d{4}-\d\d-\d\d ")  # "[W 2026-01-01 12:00:00.000 ServerApp] ..."
PY_WARNING = re.compile(r":\d+: (\w*Warning): (.*)")  # warnings.showwarning: "file.py:12: UserWarning: text"


def kernel_log_problems(log_text: str, refused_comms=()) -> list[str]:
    """What the server's log shows going wrong: the kernel's tracebacks (its own stderr ends there), warnings it
    printed, "No such comm" (a comm message for a widget the kernel no longer knows; not for the comms it refused,
    see WATCH_KERNEL_JS), the kernel's ERROR log lines and the server's own errors ([E ...] lines)."""
    found = kernel_tracebacks(log_text)
    for line in log_text.splitlines():
        text = line.strip()
        if SERVER_LOG_LINE.match(text):
            if text.startswith("[E "):
                found.append(f"server log error: {text[:300]}")
        elif "No such comm" in text:
            if "jupyter.widget.control" not in text and not any(c in text for c in refused_comms):
                found.append(f"kernel log: {text[:300]}")
        elif m := PY_WARNING.search(text):
            found.append(f"kernel warning in the server log: {m.group(1)}: {m.group(2)[:250]}")
        elif re.match(r"^\[\w+\] (ERROR|CRITICAL)\b", text):
            found.append(f"kernel log error: {text[:300]}")
    return found


@dataclass
class Mark:
    """Where the complaints, console errors and server log stood at some moment (see ``problems_since``)."""

    complaints: int
    console: int
    log: int


def mark(page, server: LabServer, console: Console) -> Mark:
    return Mark(complaint_count(page), len(console.errors), len(server.log_tail(n=10**9)))


def problems_since(page, server: LabServer, console: Console, since: Mark) -> list[str]:
    """What went wrong out of sight since ``since``: kernel errors, stderr and warnings outside any cell (iopub),
    console errors, and the server log's tracebacks, warnings and errors."""
    found = kernel_complaints(page, since.complaints) + console.errors[since.console:]
    refused = page.evaluate("""() => Object.keys(window.__refusedComms || {}).concat(Object.keys(window.__comms || {})
        .filter(c => /^a jupyter.widget.control comm the page opened/.test(window.__comms[c])))""")
    found += kernel_log_problems(server.log_tail(n=10**9)[since.log:], refused)
    return collapse(found)


# --- the notebook file --------------------------------------------------------------------------------------------
@dataclass
class Cell:
    number: int  # counting every cell from 1, as a reader does (and CELL_NUMBER_JS)
    code: bool
    panel: bool  # tagged PANEL_TAG: its output is a widget panel
    figures: int  # image/png outputs in the file: the static figures


def notebook_cells(path: Path) -> list[Cell]:
    nb = json.loads(Path(path).read_text())
    cells = []
    for i, c in enumerate(nb["cells"], 1):
        code = c["cell_type"] == "code"
        panel = code and PANEL_TAG in c["metadata"].get("tags", [])
        figures = sum("image/png" in o.get("data", {}) for o in c.get("outputs", [])) if code else 0
        cells.append(Cell(i, code, panel, figures))
    return cells


CELLS_JS = "Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell'))"


def check_static_figures(page, committed: Path) -> list[str]:
    """After Run All, every cell shows as many static figures (image/png outputs, not the widget panels' figures)
    as the committed notebook holds for it."""
    shown = dict(page.evaluate(f"""() => {CELLS_JS}.map((c, i) => [i + 1,
        c.querySelectorAll('.jp-OutputArea-output[data-mime-type="image/png"]').length])"""))
    problems, expected = [], 0
    for cell in notebook_cells(committed):
        got = shown.get(cell.number, 0)
        expected += cell.figures
        if got < cell.figures:
            problems.append(f"cell {cell.number}: figure missing (the committed notebook shows {cell.figures} "
                            f"figure(s) here, the page {got})")  # fmt: skip
        elif got > cell.figures:
            problems.append(f"cell {cell.number}: {got} figures shown, the committed notebook has {cell.figures}")
    total = sum(shown.values())
    if problems:
        problems.insert(0, f"{total} of the {expected} static figures of the committed notebook are shown after "
                           f"Run All (kernel environment: {KERNEL_ENV})")  # fmt: skip
    return problems


# --- cells, as a learner runs them ---------------------------------------------------------------------------------
RUN_CELL_JS = """async (i) => {
    const nb = window.jupyterapp.shell.currentWidget.content;
    nb.activeCellIndex = i;
    nb.deselectAll();
    await nb.scrollToItem(i).catch(() => {});
    await window.jupyterapp.commands.execute('notebook:run-cell');
}"""


def run_cell(page, cell: int, timeout=120.0) -> None:
    """Select cell ``cell`` (counting from 1) and run it (Run > Run Selected Cell And Do not Advance), as a learner
    would; wait until its prompt has a number and the kernel is idle."""
    page.evaluate(RUN_CELL_JS, cell - 1)
    page.wait_for_function(f"(n) => {{ const p = {CELLS_JS}[n - 1].querySelector('.jp-InputArea-prompt');"
                           f" return p && /\\[\\d+\\]:/.test(p.textContent); }}", arg=cell,
                           timeout=timeout * 1000)  # fmt: skip
    wait_kernel_idle(page, timeout)


def check_cells_after_panels(page, committed: Path) -> list[str]:
    """The assert-after-slider sequence (after Run All): for each panel, move its η slider (or its first slider)
    one step with the keyboard, wait until the kernel is idle, then run again, one by one, the code cells between
    this panel and the next (or the end), as a learner who read "Things to try" would. None may fail: a cell must
    not depend on where the learner left a widget."""
    problems = []
    cells = notebook_cells(committed)
    panel_cells = [c.number for c in cells if c.panel]
    shown = {p["cell"]: p for p in panels(page)}
    for k, number in enumerate(panel_cells):
        end = panel_cells[k + 1] if k + 1 < len(panel_cells) else len(cells) + 1
        after = [c.number for c in cells if c.code and number < c.number < end]
        p = shown.get(number)
        if p is None or not p["sliders"]:
            problems.append(f"cell {number}: no panel with a slider to move (the page shows {p and p['text'][:80]!r})")
            continue
        handle = SEL_ETA_HANDLE if p["eta"] else SEL_ANY_HANDLE
        key = slider_keys(page, p["index"], handle)[0]
        before = slider_state(page, p["index"], handle)
        page.keyboard.press(key)
        wait_kernel_idle(page, 60)
        now = slider_state(page, p["index"], handle)
        if (now["now"], now["readout"]) == (before["now"], before["readout"]):
            problems.append(f"cell {number}: pressing {key} on the {before['name']} slider did not move it "
                            f"(it reads {now['readout']})")  # fmt: skip
            continue
        moved = (f"the {before['name']} slider of the panel in cell {number} moved one step "
                 f"({key}: {before['readout']} -> {now['readout']})")  # fmt: skip
        for c in after:
            run_cell(page, c)
            errors = error_outputs(page, c)
            if errors:
                problems.append(f"cell {c}, run again after {moved}: {errors[0][1]}")
                break  # a learner stops at the first failing cell
    return problems


# --- the careless student -------------------------------------------------------------------------------------------
# Tags (data-nbh) the controls of the panel in cell n: the "random init" button and its seed box (a text or number
# input in the same row as the button, whatever widget it is), the "notes' init" button, every slider handle,
# checkbox, dropdown, toggle button.
TAG_CONTROLS_JS = f"""(n) => {{
    const out = {CELLS_JS}[n - 1].querySelector('.jp-OutputArea');
    let k = 0;
    const tag = (el, kind) => {{ const id = `${{kind}}-${{n}}-${{k++}}`; el.setAttribute('data-nbh', id);
                                 return `[data-nbh="${{id}}"]`; }};
    const button = (re) => Array.from(out.querySelectorAll('button')).find(b => re.test(b.textContent));
    const random = button(/^\\s*random init/), notes = button(/^\\s*notes/);
    const row = random && (random.closest('.widget-hbox') || random.parentElement);
    const seed = row && row.querySelector('input[type="text"], input[type="number"], input:not([type])');
    return {{
        random: random ? tag(random, 'random') : null,
        notes: notes ? tag(notes, 'notes') : null,
        seed: seed ? tag(seed, 'seed') : null,
        handles: Array.from(out.querySelectorAll('.widget-slider .noUi-handle')).map(e => tag(e, 'handle')),
        checkboxes: Array.from(out.querySelectorAll('input[type="checkbox"]')).map(e => tag(e, 'checkbox')),
        selects: Array.from(out.querySelectorAll('select')).map(e => [tag(e, 'select'),
                                                                       Array.from(e.options).map(o => o.value)]),
        toggles: Array.from(out.querySelectorAll('.widget-toggle-buttons button')).map(e => tag(e, 'toggle')),
    }};
}}"""
# What the box around the seed box says in words (where a message about the seed would be): the text of the container
# of the seed box's row (today the parameter box), without the slider readouts, inputs and figures. Not the whole
# panel: a panel's own text (the derivative table) changes with the parameters.
SEED_AREA_TEXT_JS = """(sel) => {
    const row = document.querySelector(sel).closest('.widget-hbox') || document.querySelector(sel).parentElement;
    const area = (row.parentElement || row).cloneNode(true);
    area.querySelectorAll('.widget-readout, img, input, select').forEach(e => e.remove());
    return area.textContent.replace(/\\s+/g, ' ').trim();
}"""
# The nine parameters as the panel shows them (every slider readout) and a digest of its figure's PNG.
PANEL_READING_JS = f"""async (n) => {{
    const out = {CELLS_JS}[n - 1].querySelector('.jp-OutputArea');
    const img = out.querySelector('{SEL_PANEL_IMG}');
    let figure = null;
    if (img && img.getAttribute('src')) {{
        const bytes = await (await fetch(img.src)).arrayBuffer();
        figure = crypto.subtle ? Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)))
            .slice(0, 8).map(b => b.toString(16).padStart(2, '0')).join('') : `${{bytes.byteLength}} bytes`;
    }}
    return {{readouts: Array.from(out.querySelectorAll('.widget-readout')).map(r => r.textContent.trim()), figure}};
}}"""
ODD_SEEDS = ("3.7", "-5", "1e30", "abc")
ACTION_TIMEOUT_MS = 5000


def type_into(page, selector: str, text: str) -> None:
    """Click the box, select what it holds, type ``text`` over it, press Enter (as a person does)."""
    page.locator(selector).click(timeout=ACTION_TIMEOUT_MS)
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
    baseline = page.evaluate(SEED_AREA_TEXT_JS, controls["seed"])
    for typed in ODD_SEEDS:
        type_into(page, controls["seed"], typed)
        page.locator(controls["random"]).click(timeout=ACTION_TIMEOUT_MS)
        wait_kernel_idle(page, 30)
        shown = page.locator(controls["seed"]).input_value()
        said = page.evaluate(SEED_AREA_TEXT_JS, controls["seed"]) != baseline
        if not shows(typed, shown) and not said:
            problems.append(f"cell {cell}: typed {typed!r} into the seed box: it silently shows {shown!r} "
                            f"(no message says what was used, or that {typed!r} is refused)")  # fmt: skip
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
        if controls.get("notes"):
            page.locator(controls["notes"]).click(timeout=ACTION_TIMEOUT_MS)
            wait_kernel_idle(page, 30)
        page.locator(controls["random"]).click(timeout=ACTION_TIMEOUT_MS)
        wait_kernel_idle(page, 30)
        wait_widgets_rendered(page, 10)
        readings.append(page.evaluate(PANEL_READING_JS, cell))
    problems = []
    for i, r in enumerate(readings[1:], 2):
        if r["readouts"] != readings[0]["readouts"]:
            problems.append(f"cell {cell}: \"random init\" with seed {seed}, click {i}: the sliders read "
                            f"{r['readouts']}, after click 1 {readings[0]['readouts']}")  # fmt: skip
        elif r["figure"] != readings[0]["figure"]:
            problems.append(f"cell {cell}: \"random init\" with seed {seed}, click {i}: the sliders read the same as "
                            f"after click 1, but the figure is another one (PNG digest {r['figure']}, after click 1 "
                            f"{readings[0]['figure']}): the same seed drew a different picture")
    return problems


def careless_actions(page, controls: dict, odd_seeds=True, quick_clicks=4) -> tuple[int, list[str]]:
    """The careless student, fast (no waiting for the kernel between actions): odd seeds typed, each followed by
    "random init" (with ``odd_seeds``; else one seed); "notes' init"; "random init" clicked quickly; Home and End on
    every slider; every checkbox flipped; every option of every dropdown chosen; every toggle button clicked.
    Returns the number of actions and the actions that could not be done."""
    done, failed = 0, []

    def act(what, fn):
        nonlocal done
        try:
            fn()
            done += 1
        except Exception as exc:  # playwright's errors (an element covered, gone): say which action
            failed.append(f"could not {what}: {str(exc).splitlines()[0][:200]}")

    if controls["seed"] and controls["random"]:
        for typed in (*ODD_SEEDS, "3") if odd_seeds else ("7",):
            act(f"type {typed!r} into the seed box", lambda t=typed: type_into(page, controls["seed"], t))
            act("click random init", lambda: page.locator(controls["random"]).click(timeout=ACTION_TIMEOUT_MS))
    if controls.get("notes"):
        act("click notes' init", lambda: page.locator(controls["notes"]).click(timeout=ACTION_TIMEOUT_MS))
    if controls["random"]:
        for _ in range(quick_clicks):
            act("click random init", lambda: page.locator(controls["random"]).click(timeout=ACTION_TIMEOUT_MS))
    for handle in controls["handles"]:
        for key in ("Home", "End"):
            act(f"press {key} on a slider",
                lambda h=handle, k=key: (page.locator(h).focus(timeout=ACTION_TIMEOUT_MS), page.keyboard.press(k)))
    for box in controls["checkboxes"]:
        act("flip a checkbox", lambda b=box: page.locator(b).click(timeout=ACTION_TIMEOUT_MS))
    for select, options in controls["selects"]:
        for option in [*options[1:], *options[:1]]:
            act(f"choose {option!r} in a dropdown",
                lambda s=select, o=option: page.locator(s).select_option(o, timeout=ACTION_TIMEOUT_MS))
    for toggle in controls["toggles"]:
        act("click a toggle button", lambda t=toggle: page.locator(t).click(timeout=ACTION_TIMEOUT_MS))
    return done, failed


def check_panel_outputs(page, cell: int) -> list[str]:
    """The panel in cell ``cell`` as a learner sees it: no error output, displayed, its figures loaded."""
    problems = [f"cell {cell}: {what}" for _, what in error_outputs(page, cell)]
    found = [p for p in panels(page) if p["cell"] == cell]
    if not found:
        problems.append(f"cell {cell}: the panel is gone")
    for p in found:
        if re.match(r"(Error displaying widget|Loading widget)", p["text"]):
            problems.append(f"cell {cell}: the panel reads {p['text'][:100]!r}")
        elif p["images"] == 0 or p["loaded"] < p["images"]:
            problems.append(f"cell {cell}: panel figure empty or not loaded ({p['loaded']} of {p['images']})")
    return problems


def check_careless_student(page, server: LabServer, console: Console, committed: Path,
                           timings: dict | None = None) -> list[str]:
    """The careless-student sequence on every panel of the open notebook (after Run All): the seed box check (on the
    notebook's first panel with one: the odd seeds, waiting for the kernel after each) and the seed-3
    reproducibility check, then the fast careless actions; after each phase, nothing may have gone wrong out of
    sight (iopub, server log, console) or on the panel."""
    timings = {} if timings is None else timings
    problems, seed_box_checked = [], False
    for cell in [c.number for c in notebook_cells(committed) if c.panel]:
        controls = page.evaluate(TAG_CONTROLS_JS, cell)
        phases, odd_seeds = [], True
        if controls["seed"] and controls["random"]:
            if not seed_box_checked:
                phases.append(("seed box", lambda c=controls, n=cell: check_seed_box(page, n, c)))
                seed_box_checked, odd_seeds = True, False
            phases.append(("seed 3 three times", lambda c=controls, n=cell: check_seed_reproducible(page, n, c)))
        elif controls["random"]:
            problems.append(f"cell {cell}: a \"random init\" button without a seed box next to it")

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
            since = mark(page, server, console)
            found = run()
            found += check_panel_outputs(page, cell)
            found += problems_since(page, server, console, since)
            problems += [f"panel in cell {cell}, {phase}: {p}" for p in found]
    return problems


# --- a panel without its kernel -----------------------------------------------------------------------------------
PANEL_OUTPUT_TEXT_JS = f"""async (n) => {{
    const c = {CELLS_JS}[n - 1];
    c.scrollIntoView({{block: 'center'}});
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    const outs = Array.from(c.querySelectorAll('.jp-OutputArea-output'));
    const text = outs.map(o => o.innerText || o.textContent).join('\\n');
    return {{text: outs.map(o => o.textContent.trim()).join(' ').trim(),
             lines: text.split('\\n').filter(l => l.trim()).length,
             live: outs.some(o => o.querySelector('.widget-slider'))}};
}}"""


def check_panels_without_kernel(page, committed: Path, when: str, live_ok=False) -> list[str]:
    """Every panel cell's output, where no live panel can be shown (``when``: the committed notebook before it ran,
    or the saved one reopened): one line of text that says to run this cell, not a raw widget repr, not
    "Error displaying widget". With ``live_ok``, a live panel (its sliders shown) is fine too."""
    cells = notebook_cells(committed)
    page.wait_for_function(f"(n) => {CELLS_JS}.length >= n", arg=len(cells), timeout=30_000)
    wait_widgets_rendered(page, 20)
    problems = []
    for cell in [c.number for c in cells if c.panel]:
        out = page.evaluate(PANEL_OUTPUT_TEXT_JS, cell)
        text, where = out["text"], f"cell {cell}: {when}, the panel's output"
        if live_ok and out["live"] and "Error displaying widget" not in text:
            continue
        if not text:
            problems.append(f"{where} is empty (it should say in one line what the panel is and to run this cell)")
        elif "Error displaying widget" in text:
            problems.append(f"{where} reads {text[:120]!r} instead of one line saying to run this cell")
        elif re.search(r"\b[HV]Box\(children=", text):
            problems.append(f"{where} shows a raw widget repr ({text[:80]!r}...) instead of one line saying "
                            f"to run this cell")  # fmt: skip
        elif "run this cell" not in text.lower():
            problems.append(f"{where} reads {text[:120]!r}: it does not say to run this cell")
        elif out["lines"] > 1:
            problems.append(f"{where} takes {out['lines']} lines ({text[:120]!r}); one line is enough")
    return problems


def save_notebook(page) -> None:
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=30_000)


def close_tab(page, timeout=30.0) -> None:
    """Close the notebook's tab, leaving its kernel running, as a learner closes a tab. It was saved: a change since
    comes from the page showing it again (the widgets restored), not from the learner; no "Save your work?"."""
    page.evaluate("() => { const w = window.jupyterapp.shell.currentWidget;"
                  " w.context.model.dirty = false; w.close(); }")  # fmt: skip
    page.wait_for_function("() => !document.querySelector('.jp-NotebookPanel')", timeout=timeout * 1000)


# --- everything, for one notebook ---------------------------------------------------------------------------------
def check_after_run(page, server: LabServer, name: str, console: Console, since: Mark, slider_timeout=10.0,
                    lap=lambda step: None) -> list[str]:
    """What goes wrong once the notebook has run (Run All): error outputs, widgets, panels, static figures, a
    slider move of every panel, and (since ``since``) anything out of sight: iopub, console, server log."""
    wait_widgets_rendered(page)
    problems = check_outputs(page, panel_cell_count(server.root_dir / name))
    problems += check_static_figures(page, server.committed(name))
    lap("outputs")
    problems += check_slider_moves(page, slider_timeout)
    lap("slider moves")
    # Every console error counts: JupyterLab 4.6 with ipywidgets 8 logs none while these notebooks run (the news
    # and update checks, which would fail without a network, are off), so there is no noise to filter out.
    problems += problems_since(page, server, console, since)
    return problems


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

    since = Mark(0, len(console.errors), len(server.log_tail(n=10**9)))
    open_notebook(page, server, name)
    lap("open")
    problems = unrun_cells(run_all(page))
    lap("run all")
    problems += check_after_run(page, server, name, console, since, slider_timeout, lap)
    close_notebook(page)
    server.shutdown_kernels(path=name)
    lap("close")
    return problems
