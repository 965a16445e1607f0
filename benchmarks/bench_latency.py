"""η-slider latency in the browser: from the key press on the slider to the new figure on the page.

    python benchmarks/bench_latency.py [--moves 32] [--no-screenshots] [notebooks/NAME.ipynb ...]

For every notebook (default: all of notebooks/), in a real JupyterLab in Chromium (the harness of the browser
tests, tests/browser_support.py): open it, Run All Cells, then for every panel with an η slider make ``--moves``
keyboard moves (ArrowRight half the time, then ArrowLeft back to the start), one at a time. The page records with
performance.now() the keydown, the moment the panel's canvas received the kernel's new picture (its data-received
attribute, set by nbhelpers/panels/canvas_view.js) and the moment the picture is on the canvas (data-drawn); the
kernel (instrumented from outside: each panel's redraw, draw, render, frames and scene are wrapped with timers,
nbhelpers is not changed) records when each started and ended, on the same wall clock. So each move splits into:
browser -> kernel (slider event, widget message, websocket, server, kernel queue), kernel redraw (draw: compute +
matplotlib artists; render: the frames (checked, and drawn again and encoded if they changed), the scene (recorded)
and sending them), kernel -> browser (message back, the widget model's update) and paint (the canvas drawn).

Prints p50 and p95 per panel and per notebook against the target (p50 <= 60 ms, p95 <= 120 ms), and how many of
the moves' pictures the panel had drawn ahead (a panel draws the likely next pictures while the learner looks: η one
notch up and down, the next Step; ``Panel.likely_next``). Then it makes the same moves again with nothing drawn ahead
or kept (every picture drawn when it is asked for, as on a fast drag) and prints those figures too, against the same
p50 and p95 targets, on a line of their own: the verdict on the issue's targets is for the moves as a learner makes
them, one notch or one Step at a time.

In the same run it measures the plain alternative a learner would write from the ipywidgets documentation: the same
job as notebook 02's training panel (train 100 epochs at the slider's η, draw the loss curve and the fit) in an
``interactive_output`` callback that draws with ``plt.subplots`` and ``plt.show()`` on the inline backend, in a
scratch notebook of its own (``PLAIN_CELL``), timed the same way (key press -> its new figure loaded), and prints the
ratio of its p50 to each η panel's (target: at least 6x).
Also saves a screenshot of each notebook's main panel (its last TrainingPanel, else its last ForwardPanel, else
its last panel) at the notebook's own settings to docs/img/<notebook-stem>.png (the playground after 12 epochs and a
Step). A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import browser_support as bs  # noqa: E402

TARGET_P50, TARGET_P95 = 60.0, 120.0  # ms, key press to new figure on the page
TARGET_RATIO = 6.0  # the plain interactive_output version's p50 over each η panel's

# The plain version, as the ipywidgets documentation teaches it (interactive_output, pyplot, the inline backend):
# the same job as notebook 02's training panel.
PLAIN_CELL = r"""%matplotlib inline
import ipywidgets as widgets
import matplotlib.pyplot as plt

import nbhelpers as nb
from nbhelpers.plots import plot_fit, plot_loss_curve

data = nb.load_dataset("regression")
eta = widgets.FloatLogSlider(value=1e-5, base=10, min=-6, max=0, step=0.1, description="η")


def show(eta):
    history = nb.train(data.X, data.y, "regression", nb.Params.notes_init(), eta, 100, progress=False)
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.5))
    plot_loss_curve(history, ax=left)
    plot_fit(history.final, data.X, data.y, ax=right)
    plt.show()


out = widgets.interactive_output(show, {"eta": eta})
eta.add_class("plain-eta")  # for the benchmark to find them
out.add_class("plain-output")
widgets.VBox([eta, out])
"""
PLAIN_NOTEBOOK = "_plain_interactive_output.ipynb"

# In the page: the times at which a new figure (an <img> added to the plain version's output) finished loading.
PLAIN_OBSERVE_JS = """() => {
    window.__plain = {loads: []};
    const box = document.querySelector('.plain-output');
    const seen = img => {
        const done = () => window.__plain.loads.push(performance.now());
        if (img.complete && img.naturalWidth > 0) done(); else img.addEventListener('load', done, {once: true});
    };
    new MutationObserver(changes => { for (const c of changes) for (const n of c.addedNodes) {
        if (n.tagName === 'IMG') seen(n); else if (n.querySelectorAll) n.querySelectorAll('img').forEach(seen);
    } }).observe(box, {childList: true, subtree: true});
    const h = document.querySelector('.plain-eta .noUi-handle');
    h.scrollIntoView({block: 'center'});
    h.focus();
    return document.activeElement === h;
}"""
IMG_DIR = ROOT / "docs" / "img"

# In the kernel: tag every panel's widget with a CSS class (to find it on the page) and time its redraws.
INSTRUMENT = r"""
import gc as _gc, json as _json, time as _time
from nbhelpers import panels as _panels

_bench_log = []


def _bench_wrap(obj, attr, key, what, image=None):
    inner = getattr(obj, attr)

    def timed(*args, **kwargs):
        before = (image.scene, image.frame_version) if image is not None else None
        t0 = _time.time()
        try:
            return inner(*args, **kwargs)
        finally:
            changed = (image.scene, image.frame_version) != before if image is not None else None
            _bench_log.append((key, what, t0 * 1000, _time.time() * 1000, changed))

    setattr(obj, attr, timed)


_bench_panels = []
_bench_objects = {}


def _bench_drawn_ahead(k):
    return _bench_objects[k].drawn_ahead


def _bench_no_pictures_ahead(k):  # panel k as if nothing were drawn ahead or kept: each move drawn when it comes
    import nbhelpers.panels.base as _base

    _base.AHEAD_KEEP = 0
    _bench_objects[k].likely_next = lambda: []
    _bench_objects[k]._ahead.clear()


for _o in _gc.get_objects():
    if isinstance(_o, _panels.Panel) and hasattr(_o, "widget"):
        _k = len(_bench_panels)
        _bench_objects[_k] = _o
        _o.widget.add_class(f"bench-panel-{_k}")
        _kind = next(c.__name__ for c in type(_o).__mro__ if c.__module__.startswith(_panels.__name__))
        _bench_panels.append([_k, type(_o).__name__, _kind])
        _bench_wrap(_o, "redraw", _k, "redraw", _o.view.widget)
        _bench_wrap(_o, "draw", _k, "draw")
        if hasattr(_o, "view") and hasattr(_o.view, "render"):
            _bench_wrap(_o.view, "render", _k, "render")
            _bench_wrap(_o.view.renderer, "frames", _k, "frames")
            _bench_wrap(_o.view.renderer, "scene", _k, "scene")
print(_json.dumps(_bench_panels))
"""

# In the page: per tagged panel, the times its canvas received a new picture from the kernel and showed it.
OBSERVE_JS = """(k) => {
    window.__bench = window.__bench || {keys: [], panels: {}};
    if (!window.__benchKeys) {
        window.__benchKeys = true;
        document.addEventListener('keydown', e => window.__bench.keys.push(performance.now()), true);
        document.addEventListener('click', e => e.target.closest('.step-button') &&
            window.__bench.keys.push(performance.now()), true);
    }
    const box = document.querySelector(`.bench-panel-${k}`);
    const canvas = box.querySelector('canvas.panel-figure');
    const log = window.__bench.panels[k] = {src: [], load: []};
    // "src": the kernel's picture has arrived (data-received); "load": it is on the canvas (data-drawn)
    new MutationObserver(changes => { for (const c of changes) {
        const name = c.attributeName === 'data-received' ? 'src' : 'load';
        log[name].push([performance.now(), 'picture ' + canvas.getAttribute(c.attributeName)]);
    } }).observe(canvas, {attributes: true, attributeFilter: ['data-received', 'data-drawn']});
}"""


def percentile(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    pos = (len(values) - 1) * q / 100
    lo, hi = int(pos), min(int(pos) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


def output_index(page, k):
    """Position of tagged panel k among the notebook's widget outputs (the harness's panel index)."""
    return page.evaluate("(k) => nbh.widgetOutputs().findIndex(o => o.querySelector(`.bench-panel-${k}`))", k)


def key_plan(state, moves):
    """Half the moves one way, then back: towards the wider side of the slider's range."""
    half = moves // 2
    up_room, down_room = state["max"] - state["now"], state["now"] - state["min"]
    first, second = ("ArrowRight", "ArrowLeft") if up_room >= down_room else ("ArrowLeft", "ArrowRight")
    return [first] * half + [second] * (moves - half)


def measure_panel(page, k, moves, timeout=15.0):
    """``moves`` keyboard moves of panel k's η slider, one at a time; page timestamps (epoch ms) of each."""
    index = output_index(page, k)
    state = bs.slider_state(page, index)
    if not state["focused"]:
        raise RuntimeError(f"panel {k}: the η handle does not take the focus")

    def press(key):
        bs.slider_state(page, index)  # keep the η handle focused and in view
        return lambda: page.keyboard.press(key)

    return measure_actions(page, k, [(key, press(key)) for key in key_plan(state, moves)], timeout)


def measure_steps(page, k, moves, timeout=15.0):
    """``moves`` clicks of the playground's Step button (panel k), one at a time; page timestamps of each."""
    button = page.locator(f".bench-panel-{k} .step-button").first
    button.scroll_into_view_if_needed()
    return measure_actions(page, k, [("Step", lambda: button.click())] * moves, timeout)


def page_clock_origin(page, tries=10):
    """The wall-clock time (epoch ms, the kernel's clock) at the page's ``performance.now()`` zero, from this
    process's own clock around the quickest of ``tries`` round trips (within about a millisecond). Chromium's
    ``performance.timeOrigin`` and ``Date.now()`` keep the offset they had when the page was loaded, and the system
    clock can be slewed by tens of ms while JupyterLab stays open: then the kernel's part of a move came out early
    or late and "back" negative."""
    best = None
    for _ in range(tries):
        t0 = time.time() * 1000
        now = page.evaluate("() => performance.now()")
        t1 = time.time() * 1000
        if best is None or t1 - t0 < best[0]:
            best = (t1 - t0, (t0 + t1) / 2 - now)
    return best[1]


def measure_actions(page, k, actions, timeout):
    """Do each (name, act) on panel k, one at a time, and record when the key press or click happened, when the
    figure's src changed and when the new PNG had loaded (page clock, as epoch ms)."""
    page.evaluate(OBSERVE_JS, k)
    origin = page_clock_origin(page)
    index = output_index(page, k)
    results = []
    for name, act in actions:
        before = bs.figure_src(page, index)
        n_keys = page.evaluate("() => window.__bench.keys.length")
        outcome = bs.act_and_wait(page, index, act, timeout)
        rec = page.evaluate(
            """([k, before, n]) => { const p = window.__bench.panels[k];
            const src = p.src.find(([t, s]) => s !== before), load = p.load.find(([t, s]) => s !== before);
            const r = {key: window.__bench.keys[n], src: src && src[0], load: load && load[0]};
            p.src.length = 0; p.load.length = 0; return r; }""",
            [k, before, n_keys],
        )
        row = {"key_name": name, "outcome": outcome, "changed": outcome == "changed"}
        row.update({f: origin + rec[f] for f in ("key", "src", "load") if rec[f] is not None})
        results.append(row)
        bs.wait_kernel_idle(page, 30, settle=0.05)
    return results


def split_moves(moves, kernel_log, k):
    """Attach the kernel's redraw/draw/render intervals (epoch ms) to each browser move of panel k.
    Returns the timed rows, and counts of moves whose PNG was identical (nothing to show) and of lost figures."""
    spans = [e for e in kernel_log if e[0] == k]
    rows, same_png, lost = [], 0, 0
    for i, m in enumerate(moves):
        nxt = moves[i + 1]["key"] if i + 1 < len(moves) and "key" in moves[i + 1] else float("inf")
        end = m.get("src", nxt)
        inside = [e for e in spans if m.get("key", 0) - 5 <= e[2] <= end]
        redraws = [e for e in inside if e[1] == "redraw"]
        if not m["changed"]:
            if redraws and not any(e[4] for e in redraws):
                same_png += 1  # the kernel redrew and got the very same picture: nothing to time
            else:
                lost += 1
            continue
        row = {"total": m["load"] - m["key"], "to_src": m["src"] - m["key"], "paint": m["load"] - m["src"]}
        if redraws:
            row["to_kernel"] = redraws[0][2] - m["key"]
            row["redraw"] = sum(e[3] - e[2] for e in redraws)
            row["draw"] = sum(e[3] - e[2] for e in inside if e[1] == "draw")
            for part in ("render", "frames", "scene"):
                row[part] = sum(e[3] - e[2] for e in inside if e[1] == part)
            row["back"] = m["src"] - redraws[-1][3]
            row["redraws"] = len(redraws)
        rows.append(row)
    return rows, same_png, lost


def fmt_ms(x):
    return f"{x:7.1f}"


PARTS = ("to_kernel", "redraw", "draw", "render", "frames", "scene", "back", "paint", "redraws")


def summary(label, rows, same_png=0, lost=0):
    total = [r["total"] for r in rows]
    p50, p95 = percentile(total, 50), percentile(total, 95)
    ok = p50 <= TARGET_P50 and p95 <= TARGET_P95 and not lost
    notes = []
    if same_png:
        notes.append(f"{same_png} moves gave the identical picture, untimed")
    if lost:
        notes.append(f"{lost} moves LOST: no new figure although the kernel drew one")
    print(
        f"  {label:<40} n={len(total):3d}  p50 {fmt_ms(p50)}  p95 {fmt_ms(p95)}  {'met' if ok else 'MISSED'}"
        + (f"  ({'; '.join(notes)})" if notes else "")
    )
    parts = {f: statistics.median([r[f] for r in rows if f in r]) for f in PARTS if any(f in r for r in rows)}
    if parts:
        print(f"  {'':<40} medians, ms: " + "  ".join(f"{f} {v:.1f}" for f, v in parts.items()))
    return p50, p95, ok


def screenshot_main_panel(page, tagged, stem):
    """The last TrainingPanel, else the last ForwardPanel, else the last panel: its widget box, as a PNG."""
    for kind in ("TrainingPanel", "ForwardPanel", None):
        chosen = [t for t in tagged if kind is None or t[2] == kind]
        if chosen:
            break
    k = chosen[-1][0]
    box = page.locator(f".bench-panel-{k}")
    if box.count() == 0:
        return None
    # the notebook alone, as wide as the panel wants (its figure is at most 1100 px wide): no side bars
    page.evaluate("() => { window.jupyterapp.shell.collapseLeft(); window.jupyterapp.shell.collapseRight(); }")
    page.wait_for_timeout(300)
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    path = IMG_DIR / f"{stem}.png"
    box.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    height = box.bounding_box()["height"]
    viewport = page.viewport_size
    if height + 250 > viewport["height"]:  # a tall panel: a taller window, so that the notebook shows all of it
        page.set_viewport_size({"width": viewport["width"], "height": int(height) + 600})
        page.wait_for_timeout(500)
        box.scroll_into_view_if_needed()
    epoch = box.locator("button", has_text="Epoch")
    if epoch.count():  # the playground: show it after some training, with a Step's table
        for _ in range(12):
            epoch.first.click()
            page.wait_for_timeout(250)
        box.locator(".step-button").first.click()
        bs.wait_kernel_idle(page, 30)
        page.wait_for_timeout(800)
    box.screenshot(path=str(path))
    return path


def bench_plain(tab, lab, moves, timeout=30.0):
    """The plain interactive_output version (PLAIN_CELL), in a scratch notebook in the server's copy of notebooks/:
    ``moves`` η key presses, each timed from keydown to its new figure loaded. Returns the times (ms)."""
    page = tab.page
    cell = {"cell_type": "code", "id": "plain", "execution_count": None, "metadata": {}, "outputs": []}
    notebook = {
        "cells": [{**cell, "source": PLAIN_CELL}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (lab.root_dir / PLAIN_NOTEBOOK).write_text(json.dumps(notebook))
    bs.open_notebook(tab, PLAIN_NOTEBOOK)
    problems = bs.unrun_cells(bs.run_all(page))
    bs.wait_kernel_idle(page, 60)
    page.wait_for_selector(".plain-output img", timeout=30_000)
    if problems or not page.evaluate(PLAIN_OBSERVE_JS):
        raise RuntimeError(f"the plain version does not run, or its η slider takes no focus: {problems}")
    page.evaluate(
        "() => { window.__keys = []; document.addEventListener('keydown', "
        "() => window.__keys.push(performance.now()), true); }"
    )
    state = page.evaluate(
        "() => { const h = document.querySelector('.plain-eta .noUi-handle'); return {"
        "now: +h.getAttribute('aria-valuenow'), min: +h.getAttribute('aria-valuemin'), "
        "max: +h.getAttribute('aria-valuemax')}; }"
    )
    times = []
    for key in key_plan(state, moves):
        n = page.evaluate("() => window.__plain.loads.length")
        page.keyboard.press(key)
        try:
            page.wait_for_function(f"() => window.__plain.loads.length > {n}", timeout=timeout * 1000)
        except Exception:  # playwright's TimeoutError: no new figure (an end of the slider)
            continue
        times.append(page.evaluate(f"() => window.__plain.loads[{n}] - window.__keys[window.__keys.length - 1]"))
        bs.wait_kernel_idle(page, 30, settle=0.05)
    bs.close_notebook(page)
    lab.shutdown_kernels(path=PLAIN_NOTEBOOK)
    return times


def bench_notebook(tab, name, moves, screenshots):
    page = tab.page
    bs.open_notebook(tab, name)
    problems = bs.unrun_cells(bs.run_all(page))
    bs.wait_widgets_rendered(page)
    problems += bs.check_outputs(page)
    if problems:
        print(f"  (the notebook does not run cleanly in the browser: {problems[:3]})")
    tagged = json.loads(bs.kernel_exec(page, INSTRUMENT).strip().splitlines()[-1])
    try:  # the classes reach the page with the next state sync; a panel never displayed never gets there
        page.wait_for_function(
            "(n) => document.querySelectorAll('[class*=\"bench-panel-\"]').length >= n", arg=len(tagged), timeout=5000
        )
    except Exception:  # playwright's TimeoutError
        pass
    on_page = [t for t in tagged if page.locator(f".bench-panel-{t[0]}").count()]
    shot = screenshot_main_panel(page, on_page, Path(name).stem) if screenshots and on_page else None
    per_panel, cold = {}, {}
    for k, cls, _kind in on_page:
        cell = page.evaluate(f"nbh.cellNumber(document.querySelector('.bench-panel-{k}'))")
        step = page.locator(f".bench-panel-{k} .step-button").count() > 0  # the playground: its Step button
        if not step and not page.locator(f".bench-panel-{k} .eta-slider").count():
            continue
        measure = measure_steps if step else measure_panel
        ahead = drawn_ahead(page, k)
        per_panel[(k, f"{cls} Step" if step else cls, cell)] = (measure(page, k, moves), drawn_ahead(page, k) - ahead)
    for k, label, cell in list(per_panel):  # the same moves again, with nothing drawn ahead (nor kept)
        bs.kernel_exec(page, f"_bench_no_pictures_ahead({k})")
        measure = measure_steps if label.endswith(" Step") else measure_panel
        cold[(k, label, cell)] = measure(page, k, moves)
    kernel_log = json.loads(bs.kernel_exec(page, "print(_json.dumps(_bench_log))").strip())
    bs.close_notebook(page)
    tab.lab.shutdown_kernels(path=name)
    return per_panel, cold, kernel_log, shot


def drawn_ahead(page, k) -> int:
    """How many pictures panel k has sent that it had drawn ahead (or kept)."""
    return int(bs.kernel_exec(page, f"print(_bench_drawn_ahead({k}))").strip())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    ap.add_argument("--moves", type=int, default=32, help="η-slider key presses per panel (default 32)")
    ap.add_argument("--no-screenshots", action="store_true", help=f"do not write {IMG_DIR.relative_to(ROOT)}/*.png")
    args = ap.parse_args(argv)
    ok, why = bs.chromium_available()
    if not ok:
        sys.exit(f"cannot run: {why}; {bs.ENABLE_HINT}")
    sources = args.notebooks or sorted(bs.NOTEBOOKS.glob("*.ipynb"))
    from playwright.sync_api import sync_playwright

    print(
        f"η-slider latency, key press -> new figure loaded on the page; target p50 <= {TARGET_P50:.0f} ms, "
        f"p95 <= {TARGET_P95:.0f} ms; {args.moves} moves per panel"
    )
    all_met = True  # the targets, for the moves as a learner makes them (pictures drawn ahead)
    cold_missed = []  # where the same moves with nothing drawn ahead (a fast drag) miss p50 or p95
    t_start = time.monotonic()
    panel_p50, cold_p50 = {}, {}  # label -> p50, for the ratios against the plain version
    with bs.LabServer(sources) as server, sync_playwright() as p:
        browser = p.chromium.launch(**bs.LAUNCH_ARGS)
        tab = bs.Tab(browser, server)
        plain = bench_plain(tab, server, args.moves)
        tab.close()
        plain_p50, plain_p95 = percentile(plain, 50), percentile(plain, 95)
        print(
            f"plain interactive_output version of 02's training panel (pyplot, inline backend): n={len(plain)}  "
            f"p50 {fmt_ms(plain_p50)}  p95 {fmt_ms(plain_p95)}"
        )
        for src in sources:
            tab = bs.Tab(browser, server)
            per_panel, cold, kernel_log, shot = bench_notebook(tab, src.name, args.moves, not args.no_screenshots)
            tab.close()
            print(f"{src.name}" + (f"  (screenshot: {shot.relative_to(ROOT)})" if shot else ""))
            if not per_panel:
                print("  no panel with an η slider or a Step button")
                continue
            everything, same_all, lost_all = [], 0, 0
            for (k, cls, cell), (moves, ahead) in per_panel.items():
                rows, same_png, lost = split_moves(moves, kernel_log, k)
                everything += rows
                same_all, lost_all = same_all + same_png, lost_all + lost
                label = f"cell {cell}: {cls}"
                p50, _, met = summary(label, rows, same_png, lost)
                print(f"  {'':<40} {ahead} of {len(moves)} pictures had been drawn ahead")
                panel_p50[f"{src.name} {label}"] = p50
                all_met &= met
                rows, same_png, lost = split_moves(cold[(k, cls, cell)], kernel_log, k)
                p50, _, met = summary("  the same, nothing drawn ahead", rows, same_png, lost)
                cold_p50[f"{src.name} {label}"] = p50
                if not met:
                    cold_missed.append(f"{src.name} {label}")
            if len(per_panel) > 1:
                summary("whole notebook", everything, same_all, lost_all)
        browser.close()
    print(f"the plain version's p50 ({plain_p50:.1f} ms) over each η panel's (target >= {TARGET_RATIO:.0f}x):")
    for label, p50 in panel_p50.items():
        ratio = plain_p50 / p50
        all_met &= ratio >= TARGET_RATIO
        print(f"  {label:<60} {ratio:5.1f}x  {'met' if ratio >= TARGET_RATIO else 'MISSED'}")
        print(f"  {'  (the same moves with nothing drawn ahead)':<60} {plain_p50 / cold_p50[label]:5.1f}x")
    verdict = "met for every panel" if all_met else "MISSED for at least one panel"
    print(f"targets {verdict}; {time.monotonic() - t_start:.0f} s in all")
    cold = f"MISSED by {', '.join(cold_missed)}" if cold_missed else "met for every panel"
    print(f"the same p50 and p95 targets with nothing drawn ahead (a fast drag: each picture drawn when asked): {cold}")


if __name__ == "__main__":
    main()
