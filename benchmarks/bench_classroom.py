"""What one student costs a server: each notebook's kernel memory and CPU time for a Run All.

Run as ``.venv/bin/python benchmarks/bench_classroom.py`` (``--notebooks 02 04`` to run only some of them;
``--server`` to also measure one idle ``jupyter lab`` process; ``--students 30`` to size a class; ``--cells 0.1`` to
list, under each notebook, its code cells that took at least 0.1 s of the kernel's CPU). It prints a table; it
asserts nothing.

Each notebook is executed as ``jupyter nbconvert --execute`` does it: nbclient starts a fresh ``python3`` kernel with
the notebooks/ folder as its working directory and runs every code cell in order. The notebook files are read, never
written. Before the first cell and after the last one, one extra code cell runs in the same kernel (through
nbclient's kernel client) and prints the kernel's own ``resource.getrusage(RUSAGE_SELF)``: ``ru_maxrss`` is the
kernel's peak resident set size, ``ru_utime + ru_stime`` its CPU time; and the current resident set size, ``VmRSS``
from ``/proc/self/status``. Figures:

- fresh: the kernel's RSS after start-up (ipykernel imported, nothing run), MiB;
- peak / after: the kernel's peak RSS during the Run All, and its RSS once the Run All is over, MiB (the second is
  what an idle kernel keeps holding on a hub until it is shut down or culled);
- CPU run: the kernel's user + system CPU seconds spent on the notebook's cells (after minus before);
  CPU total adds the kernel's start-up;
- wall: seconds from the first cell sent to the last cell's reply (kernel start-up not included), and start: the
  seconds nbclient took to start the kernel;
- fresh run: start + wall, what ``jupyter nbconvert --execute`` takes for the notebook (target: at most
  ``FRESH_TARGET_S`` = 5 s each, shown met or MISSED);
- with ``--runs N`` (default 3): every notebook is run N times, in turn (01 to 06, then again), each time in a fresh
  kernel; the table shows each figure's median over the N runs, the fresh runs' range beside their median, and the
  target is judged on the median, with the runs over it counted. The machine's speed drifts from minute to minute
  (the same notebook's kernel CPU has varied by a third between two runs in a row), which one run cannot tell from
  a change in the notebook;
- with ``--cells``: each code cell's kernel CPU and wall seconds, from the same probe run after every cell (a few
  milliseconds each, which the notebook's figures then include).

A browser adds a little to this (the front end asks the kernel for each widget's state); the kernel's work for
the cells is the same. Linux only (``/proc``; ``ru_maxrss`` in KiB).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
FRESH_TARGET_S = 5.0  # a notebook's fresh execution, kernel start-up included
NOTEBOOKS = ROOT / "notebooks"

# Runs in the kernel; defines no names (the "before" probe runs ahead of the notebook's own first cell).
PROBE = """print("BENCH_CLASSROOM " + __import__("json").dumps((lambda u, status: {
    "pid": __import__("os").getpid(),
    "maxrss_kib": u.ru_maxrss,
    "cpu_s": u.ru_utime + u.ru_stime,
    "vmrss_kib": int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))),
})(__import__("resource").getrusage(__import__("resource").RUSAGE_SELF), open("/proc/self/status").read())))"""


def probe(client):
    """Run PROBE in the client's kernel as one extra cell and return its figures. nbclient stores a cell's outputs
    in its notebook, so the cell is appended to the notebook in memory and removed again; no file is written."""
    cell = nbformat.v4.new_code_cell(PROBE)
    client.nb.cells.append(cell)
    try:
        client.execute_cell(cell, len(client.nb.cells) - 1, store_history=False)
    finally:
        client.nb.cells.pop()
    for output in cell.outputs:
        if output.get("output_type") == "stream" and "BENCH_CLASSROOM " in output.get("text", ""):
            line = next(x for x in output["text"].splitlines() if x.startswith("BENCH_CLASSROOM "))
            return json.loads(line.removeprefix("BENCH_CLASSROOM "))
    raise RuntimeError(f"the probe cell printed nothing usable: {cell.outputs}")


def run_notebook(path, timeout, per_cell=False):
    """Execute one notebook in a fresh kernel (cwd notebooks/) and return the kernel's figures; with ``per_cell``,
    also each code cell's (index among the code cells, CPU s, wall s, first line)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    t0 = time.perf_counter()
    # The kernel's own console (ipykernel's start-up warnings) is discarded; a cell that fails raises nbclient's
    # CellExecutionError here, naming the cell.
    with client.setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        started = time.perf_counter() - t0
        before = probe(client)
        t1 = time.perf_counter()
        cells, last, code = [], before, 0
        for index, cell in enumerate(nb.cells):
            t = time.perf_counter()
            client.execute_cell(cell, index)
            if per_cell and cell.cell_type == "code":
                now = probe(client)
                first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                cells.append((code, now["cpu_s"] - last["cpu_s"], time.perf_counter() - t, first))
                last, code = now, code + 1
        wall = time.perf_counter() - t1
        after = probe(client)
    return {
        "notebook": path.name,
        "start_s": started,
        "wall_s": wall,
        "fresh_mib": before["vmrss_kib"] / 1024,
        "peak_mib": after["maxrss_kib"] / 1024,
        "after_mib": after["vmrss_kib"] / 1024,
        "cpu_run_s": after["cpu_s"] - before["cpu_s"],
        "cpu_total_s": after["cpu_s"],
        "fresh_s": started + wall,
        "cells": cells,
    }


def median_run(runs):
    """One row for several runs of the same notebook: each figure's median (so a row's start and wall need not add up
    to its fresh run); the cells' figures come from the run whose fresh run is the median one (the lower middle one
    for an even number of runs)."""
    row = {key: statistics.median(r[key] for r in runs) for key in runs[0] if key not in ("notebook", "cells")}
    middle = sorted(runs, key=lambda r: r["fresh_s"])[(len(runs) - 1) // 2]
    return {**row, "notebook": runs[0]["notebook"], "cells": middle["cells"]}


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_kib(pid):
    """VmRSS and VmHWM (peak) of a process, in KiB, from /proc."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields["VmRSS"], fields["VmHWM"]


def measure_server(idle_s):
    """Start one ``jupyter lab`` (127.0.0.1, no browser, no kernel), wait until it answers, leave it idle, read its
    RSS from /proc, and stop it (its own process group)."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--ServerApp.root_dir={NOTEBOOKS}",
    ]
    if os.getuid() == 0:
        cmd.append("--allow-root")
    with tempfile.TemporaryDirectory() as runtime:
        env = dict(os.environ, JUPYTER_RUNTIME_DIR=runtime)
        proc = subprocess.Popen(
            cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        try:
            t0 = time.perf_counter()
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=2):
                        break
                except OSError:
                    if proc.poll() is not None or time.perf_counter() - t0 > 120:
                        raise RuntimeError("jupyter lab did not start") from None
                    time.sleep(0.5)
            up = time.perf_counter() - t0
            time.sleep(idle_s)
            rss, hwm = status_kib(proc.pid)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    return {"up_s": up, "rss_mib": rss / 1024, "hwm_mib": hwm / 1024}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--notebooks",
        nargs="+",
        default=None,
        help="notebook names or their number prefixes, e.g. 02 04 (default: all six, in order)",
    )
    parser.add_argument(
        "--runs", type=positive_int, default=3, help="fresh runs of each notebook, the table shows medians (default 3)"
    )
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell (default 600)")
    parser.add_argument("--students", type=int, default=30, help="class size for the totals (default 30)")
    parser.add_argument("--server", action="store_true", help="also measure one idle jupyter lab process")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds the server is left idle (default 10)")
    parser.add_argument(
        "--cells",
        type=float,
        default=None,
        metavar="S",
        help="also list each notebook's code cells that took at least S seconds of kernel CPU",
    )
    args = parser.parse_args(argv)

    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    if args.notebooks:
        chosen = [p for p in paths if any(p.name == n or p.name.startswith(n) for n in args.notebooks)]
        if not chosen:
            parser.error(f"no notebook matches {args.notebooks}")
        paths = chosen

    print("One student's kernel per notebook: a fresh python3 kernel, Run All through nbclient, cwd notebooks/")
    print(f"Python {platform.python_version()}, {platform.machine()}, {platform.system()}, {os.cpu_count()} CPUs")
    print()
    print(
        f"{'notebook':34s}{'start s':>8s}{'wall s':>8s}{'fresh run s':>17s}{'range':>10s}{'CPU run s':>11s}"
        f"{'CPU total s':>13s}"
        f"{'fresh MiB':>11s}{'peak MiB':>10s}{'after MiB':>11s}"
    )
    runs = {path: [] for path in paths}
    for _ in range(args.runs):
        for path in paths:
            runs[path].append(run_notebook(path, args.timeout, per_cell=args.cells is not None))
    results = []
    for path in paths:
        r = median_run(runs[path])
        results.append(r)
        fresh = r["fresh_s"]
        verdict = "met" if fresh <= FRESH_TARGET_S else "MISSED"
        each = sorted(x["fresh_s"] for x in runs[path])
        spread = f"{each[0]:.1f}-{each[-1]:.1f}" if len(each) > 1 else ""
        over = sum(t > FRESH_TARGET_S for t in each)
        print(
            f"{r['notebook']:34s}{r['start_s']:>8.1f}{r['wall_s']:>8.1f}{fresh:>10.1f} {verdict:>6s}{spread:>10s}"
            f"{r['cpu_run_s']:>11.1f}"
            f"{r['cpu_total_s']:>13.1f}{r['fresh_mib']:>11.0f}{r['peak_mib']:>10.0f}{r['after_mib']:>11.0f}"
            + (f"   {over} of {len(each)} runs over {FRESH_TARGET_S:g} s" if over else ""),
            flush=True,
        )
        for index, cpu, wall, first in r["cells"]:
            if cpu >= args.cells:
                print(f"    code cell {index:2d}: CPU {cpu:5.2f} s, wall {wall:5.2f} s   {first[:70]}", flush=True)
    print()
    top = max(results, key=lambda r: r["peak_mib"])
    n = args.students
    print(
        f"{n} students, one kernel each at the largest peak ({top['notebook']}, {top['peak_mib']:.0f} MiB): "
        f"{n * top['peak_mib'] / 1024:.1f} GiB"
    )
    if len(results) > 1:
        held = sum(r["after_mib"] for r in results)
        print(
            f"{n} students, each keeping these {len(results)} kernels open after Run All: "
            f"{n * held / 1024:.1f} GiB ({held:.0f} MiB each)"
        )
    heavy = max(results, key=lambda r: r["cpu_run_s"])
    print(
        f"{n} students pressing Run All on {heavy['notebook']} at once: {n * heavy['cpu_run_s']:.0f} CPU seconds "
        f"({n * heavy['cpu_run_s'] / 60:.1f} CPU minutes)"
    )

    if args.server:
        print()
        s = measure_server(args.idle)
        print(
            f"one idle jupyter lab (no kernel, no browser; answered after {s['up_s']:.1f} s, idle {args.idle:g} s): "
            f"RSS {s['rss_mib']:.0f} MiB, peak {s['hwm_mib']:.0f} MiB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
