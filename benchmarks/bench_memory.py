"""How much memory does a long nb.train run take? Extra peak RSS per run, on the notes' regression data.

Run as ``python benchmarks/bench_memory.py`` (``--epochs 1e6 1e7`` to choose the runs; ``--tracemalloc`` to
also trace Python allocations, several times slower). Each run happens in a fresh Python process, so that one
run's peak does not hide the next: the figure is that process's peak resident set size (``ru_maxrss``) after
the run, minus its peak after importing nbhelpers and a short warm-up run. It prints figures; it asserts
nothing about them (the target, < 200 MB extra for 10**6 epochs, is shown met or not).

The History's own arrays are also shown: at most ``MAX_RECORDS`` + 3 entries of 10 floats and one int.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys

TARGET_MB = 200.0  # extra memory allowed for 10**6 epochs

CHILD = r"""
import json, resource, sys, time, tracemalloc
import nbhelpers as nb

epochs, trace = int(sys.argv[1]), sys.argv[2] == "1"
d = nb.load_dataset("regression")
p0 = nb.Params.notes_init()
nb.train(d.X, d.y, "regression", p0, 1e-5, 1000, progress=False)  # warm-up: imports, caches
base_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if trace:
    tracemalloc.start()
start = time.perf_counter()
h = nb.train(d.X, d.y, "regression", p0, 1e-5, epochs, progress=False)
seconds = time.perf_counter() - start
traced = tracemalloc.get_traced_memory()[1] if trace else None
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
arrays = h.losses.nbytes + h.param_values.nbytes + h.recorded.nbytes
print(json.dumps({"epochs": epochs, "seconds": seconds, "extra_peak_rss_mb": (peak_kb - base_kb) / 1024,
                  "traced_peak_mb": None if traced is None else traced / 2**20, "entries": len(h.losses),
                  "stride": h.stride, "history_arrays_mb": arrays / 2**20, "final_loss": float(h.losses[-1])}))
"""


def measure(epochs, trace):
    """Run one training in a fresh interpreter and return its figures."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(epochs), "1" if trace else "0"], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--epochs",
        nargs="+",
        type=float,
        default=[1e5, 1e6, 1e7],
        help="one run per value (default: 1e5 1e6 1e7; 1e7 takes one to three minutes)",
    )
    parser.add_argument("--tracemalloc", action="store_true", help="also report tracemalloc's peak (slower)")
    args = parser.parse_args(argv)
    runs = [int(e) for e in args.epochs]
    if any(e < 1 for e in runs):
        parser.error("--epochs must be >= 1")

    print(
        "nb.train memory: regression data (4 rows), notes' init, eta = 1e-5, progress=False, one fresh process per run"
    )
    print(f"Python {platform.python_version()}, {platform.machine()}, {platform.system()}")
    print()
    header = f"{'epochs':>12s}{'seconds':>10s}{'extra peak RSS':>16s}{'traced peak':>13s}{'entries':>10s}"
    print(header + f"{'stride':>8s}{'arrays':>10s}")
    results = []
    for epochs in runs:
        r = measure(epochs, args.tracemalloc)
        results.append(r)
        traced = "-" if r["traced_peak_mb"] is None else f"{r['traced_peak_mb']:.1f} MB"
        print(
            f"{epochs:>12,d}{r['seconds']:>10.1f}{r['extra_peak_rss_mb']:>13.1f} MB{traced:>13s}"
            f"{r['entries']:>10,d}{r['stride']:>8d}{r['history_arrays_mb']:>7.1f} MB"
        )
    print()
    for r in results:
        if r["epochs"] == 10**6:
            ok = r["extra_peak_rss_mb"] < TARGET_MB
            print(
                f"target < {TARGET_MB:g} MB extra for 10**6 epochs: {'met' if ok else 'NOT met'} "
                f"({r['extra_peak_rss_mb']:.1f} MB)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
