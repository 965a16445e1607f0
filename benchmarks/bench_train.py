"""How fast is nb.train? Milliseconds per 1,000 epochs on the notes' regression data, beside a NumPy loop.

Run as ``python benchmarks/bench_train.py`` (``--epochs`` and ``--repeats`` to change the work).
It prints figures; it does not assert timings (nb.train runs with ``progress=False``: the loop alone).
It does assert that the NumPy baseline computes the same numbers (per-epoch mean losses within 1e-9
relative), so that the comparison is of equal work:

* nb.train: per-sample SGD, four rows per epoch, notes' initialisation, eta = 1e-5;
* baseline: the same per-row loop with the nine parameters in one numpy array, each row's forward pass,
  nine derivatives and simultaneous update done with numpy array operations, and the same per-epoch
  dataset-mean loss and divergence check (non-finite or beyond 1e12).

Targets: <= 10 ms per 1,000 epochs, and >= 2x faster than the NumPy loop.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time

import numpy as np

import nbhelpers as nb

TARGET_MS_PER_1000 = 10.0
TARGET_SPEEDUP = 2.0
LIMIT = 1e12  # the divergence threshold, the same as nb.DIVERGENCE_LIMIT


def numpy_train(X, y, params, eta, epochs):
    """Per-row SGD on numpy arrays (linear hidden neurons, squared error): returns (losses, params, diverged)."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    rows = [(X[i].copy(), float(y[i])) for i in range(len(X))]
    p = np.array(params, dtype=float)  # PARAM_NAMES order: w1_11 w1_21 w1_12 w1_22 b_11 b_12 w2_11 w2_21 b_21
    grad = np.empty(9)

    def mean_loss(p):
        W = p[:4].reshape(2, 2)  # row k = hidden neuron k: [[w1_11, w1_21], [w1_12, w1_22]]
        z = (X @ W.T + p[4:6]) @ p[6:8] + p[8]
        r = y - z
        return float(np.mean(r * r))

    def diverged(loss, p):
        return not abs(loss) <= LIMIT or not bool(np.all(np.abs(p) <= LIMIT))

    losses = [mean_loss(p)]
    history = [p.copy()]
    diverged_at = 0 if diverged(losses[0], p) else None
    for epoch in range(1, epochs + 1):
        if diverged_at is not None:
            break
        for x, t in rows:
            W = p[:4].reshape(2, 2)
            o = W @ x + p[4:6]  # (o_11, o_12) = (z_11, z_12): linear hidden neurons
            z = p[6:8] @ o + p[8]
            dL_dz = -2.0 * (t - z)
            d_hidden = dL_dz * p[6:8]  # dL/dz_1k = dL/dz * w2_k1
            grad[:4] = np.outer(d_hidden, x).ravel()  # dL/dw1_jk = dL/dz_1k * x_j
            grad[4:6] = d_hidden
            grad[6:8] = dL_dz * o
            grad[8] = dL_dz
            p = p - eta * grad  # all nine from the old p
        losses.append(mean_loss(p))
        history.append(p.copy())
        if diverged(losses[-1], p):
            diverged_at = epoch
    return np.array(losses), history, diverged_at


def time_runs(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.epochs < 1:
        parser.error("--epochs and --repeats must be >= 1")

    d = nb.load_dataset("regression")
    p0 = nb.Params.notes_init()
    eta, epochs = 1e-5, args.epochs

    # same numbers first (this also warms both up)
    h = nb.train(d.X, d.y, "regression", p0, eta, epochs, progress=False)  # no bar: time the loop alone
    base_losses, base_params, base_diverged = numpy_train(d.X, d.y, p0, eta, epochs)
    assert h.diverged_at is None and base_diverged is None
    # nb.train records every epoch up to nb.training.MAX_RECORDS epochs, beyond that every k-th (h.recorded)
    assert len(base_losses) == epochs + 1 and h.recorded[-1] == epochs
    np.testing.assert_allclose(h.losses, base_losses[h.recorded], rtol=1e-9, atol=0.0)
    np.testing.assert_allclose(np.array(h.params[-1]), base_params[-1], rtol=1e-9, atol=1e-15)
    final_rel = abs(h.losses[-1] - base_losses[-1]) / max(abs(h.losses[-1]), abs(base_losses[-1]))

    nb_times = time_runs(lambda: nb.train(d.X, d.y, "regression", p0, eta, epochs, progress=False), args.repeats)
    np_times = time_runs(lambda: numpy_train(d.X, d.y, p0, eta, epochs), args.repeats)

    per_1000 = 1000.0 * 1000.0 / epochs  # seconds for `epochs` -> ms per 1,000 epochs
    nb_med, nb_best = statistics.median(nb_times) * per_1000, min(nb_times) * per_1000
    np_med, np_best = statistics.median(np_times) * per_1000, min(np_times) * per_1000
    ratio_med, ratio_best = np_med / nb_med, np_best / nb_best

    print(
        f"nb.train benchmark: regression data (4 rows), notes' init, eta = {eta:g}, {epochs:,} epochs, "
        f"{args.repeats} repeats"
    )
    print(f"Python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print(
        f"same numbers: final mean loss {h.losses[-1]:.6e} (nb) vs {base_losses[-1]:.6e} (numpy), "
        f"relative difference {final_rel:.1e}; every epoch's loss within 1e-9"
    )
    print()
    print(f"{'':28s}{'median':>12s}{'best':>12s}   (ms per 1,000 epochs)")
    print(f"{'nb.train':28s}{nb_med:12.2f}{nb_best:12.2f}")
    print(f"{'per-row NumPy-array loop':28s}{np_med:12.2f}{np_best:12.2f}")
    print(f"{'speed-up (numpy / nb)':28s}{ratio_med:11.1f}x{ratio_best:11.1f}x")
    print()

    def verdict(ok):
        return "met" if ok else "NOT met"

    print(
        f"target <= {TARGET_MS_PER_1000:g} ms per 1,000 epochs: median {verdict(nb_med <= TARGET_MS_PER_1000)}, "
        f"best {verdict(nb_best <= TARGET_MS_PER_1000)}"
    )
    print(
        f"target >= {TARGET_SPEEDUP:g}x faster than the NumPy loop: median {verdict(ratio_med >= TARGET_SPEEDUP)}, "
        f"best {verdict(ratio_best >= TARGET_SPEEDUP)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
