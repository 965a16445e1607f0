"""Step 4 of the notes and the training loop: per-sample (stochastic) gradient descent.

    theta_new = theta_old - eta * dL/dtheta_old        for all nine parameters at once

All nine derivatives of one step come from one forward pass (``chain_rule``); only then are the nine
parameters updated. (Updating w^2 first and using the new w^2 for the w^1 derivatives is a known bug.)
The loop runs on Python floats: for four rows that is several times faster than numpy arrays, and
overflow turns into inf/nan quietly, which ``train`` reports as ``diverged_at`` instead of a warning.
``train`` runs an epoch as ``_sgd_epoch``: ``chain_rule`` then ``_update`` for each row, written out on nine local
floats, the same operations in the same order (so the same numbers, bit for bit), about twice as fast.

A long run shows a progress bar (``tqdm``, an optional dependency: ``pip install nbhelpers[progress]``),
keeps its memory bounded (``History`` records at most about ``MAX_RECORDS`` epochs, as numpy arrays), and
stops cleanly on an interrupt (Ctrl-C, or the notebook's stop button), returning what it recorded so far.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Sequence

import numpy as np

from .arguments import resolve
from .backprop import chain_rule
from .network import forward_values
from .params import PARAM_NAMES, Params
from .validate import check_count, check_eta

DIVERGENCE_LIMIT = 1e12  # a loss or parameter beyond this (or non-finite) counts as diverged
MAX_RECORDS = 100_000  # History keeps every epoch of a run of up to this many epochs; beyond, every k-th
PROGRESS_MIN_UPDATES = 200_000  # progress=None: a bar only for runs of more row updates (epochs x rows) than this
_TICK_UPDATES = 50_000  # row updates between two updates of the progress bar (tens of milliseconds)
_CHUNK = 256  # records buffered as float tuples before being packed into the History's arrays
STOP_REASONS = (None, "loss", "params", "interrupted")


def _update(p, grads, eta):
    """theta_new = theta_old - eta * dL/dtheta_old, for the nine parameters together (a plain tuple)."""
    w1_11, w1_21, w1_12, w1_22, b_11, b_12, w2_11, w2_21, b_21 = p
    d1_11, d1_21, d1_12, d1_22, db_11, db_12, d2_11, d2_21, db_21 = grads
    return (
        w1_11 - eta * d1_11,
        w1_21 - eta * d1_21,
        w1_12 - eta * d1_12,
        w1_22 - eta * d1_22,
        b_11 - eta * db_11,
        b_12 - eta * db_12,
        w2_11 - eta * d2_11,
        w2_21 - eta * d2_21,
        b_21 - eta * db_21,
    )


def _sgd_epoch(p, rows, eta, out_dL_dz, g_and_prime):
    """One epoch of per-sample SGD from ``p`` (nine floats) over ``rows`` ((x_i1, x_i2, y) floats, in order).

    For each row: ``network.forward_values``, ``backprop.chain_rule`` and ``_update``, written out on nine local
    floats; the same operations in the same order as those three, so the same numbers. ``g_and_prime(z)`` gives
    (g(z), g'(z)) of the hidden activation (None for the notes' linear neurons: o = z, g' = 1).
    """
    w1_11, w1_21, w1_12, w1_22, b_11, b_12, w2_11, w2_21, b_21 = p
    g_11 = g_12 = 1.0
    for x1, x2, y in rows:
        # Step 2: the forward pass
        z_11 = w1_11 * x1 + w1_21 * x2 + b_11
        z_12 = w1_12 * x1 + w1_22 * x2 + b_12
        if g_and_prime is None:
            o_11, o_12 = z_11, z_12
        else:
            o_11, g_11 = g_and_prime(z_11)
            o_12, g_12 = g_and_prime(z_12)
        z = w2_11 * o_11 + w2_21 * o_12 + b_21
        # Step 4: the nine derivatives from that one pass, then every parameter moves
        dL_dz = out_dL_dz(z, y)
        dL_db_11 = dL_dz * w2_11 * g_11  # dL/dz * dz/do_11 * do_11/dz_11; times x_i1, x_i2: dL/dw1_11, dL/dw1_21
        dL_db_12 = dL_dz * w2_21 * g_12
        w1_11 = w1_11 - eta * (dL_db_11 * x1)
        w1_21 = w1_21 - eta * (dL_db_11 * x2)
        w1_12 = w1_12 - eta * (dL_db_12 * x1)
        w1_22 = w1_22 - eta * (dL_db_12 * x2)
        b_11 = b_11 - eta * dL_db_11
        b_12 = b_12 - eta * dL_db_12
        w2_11 = w2_11 - eta * (dL_dz * o_11)
        w2_21 = w2_21 - eta * (dL_dz * o_12)
        b_21 = b_21 - eta * dL_dz
    return (w1_11, w1_21, w1_12, w1_22, b_11, b_12, w2_11, w2_21, b_21)


_ARRAY_LOSS_ROWS = 64  # beyond this many rows numpy computes an epoch's mean loss faster than a float loop


def _array_mean_loss(X, y, out, act):
    """``_mean_loss`` for many rows, vectorised: the same forward pass and loss on numpy arrays."""
    x1, x2 = np.ascontiguousarray(X[:, 0]), np.ascontiguousarray(X[:, 1])
    g = None if act.name == "linear" else act.g_array

    def mean_loss(p, _rows, _out, _g):
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging run: inf / nan, reported, not warned
            return float(np.mean(out.loss_array(forward_values(p, x1, x2, g)[4], y)))

    return mean_loss


def _mean_loss(p, rows, out, g):
    """The dataset-mean loss at ``p`` (floats)."""
    total, loss = 0.0, out.loss
    for x1, x2, y in rows:
        total += loss(forward_values(p, x1, x2, g)[4], y)
    return total / len(rows)


def _out_of_bounds(p):
    """The first parameter (name, value) that is non-finite or beyond DIVERGENCE_LIMIT, or None."""
    for name, v in zip(PARAM_NAMES, p):
        if not abs(v) <= DIVERGENCE_LIMIT:  # a NaN fails the comparison too
            return name, v
    return None


def _why_stopped(loss_value, p):
    """Why to stop: "loss" if the mean loss is non-finite or beyond DIVERGENCE_LIMIT, "params" if a parameter is.

    None when neither is. On train's hot path once per epoch: max/min skip a NaN that is not first, so the sum
    checks that (NaN if any entry is NaN, or +-inf cancel).
    """
    if not abs(loss_value) <= DIVERGENCE_LIMIT:
        return "loss"
    if max(p) <= DIVERGENCE_LIMIT and min(p) >= -DIVERGENCE_LIMIT and math.isfinite(sum(p)):
        return None
    return "params"


def _number(x) -> str:
    """A number for a sentence: 19183.5 -> '1.92e4', 1e15 -> '1e15', 3.25 -> '3.25', inf -> 'inf'."""
    x = float(x)
    if not math.isfinite(x):
        return repr(x)
    if x != 0 and not 1e-3 <= abs(x) < 1e4:
        mantissa, exponent = f"{x:.2e}".split("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"
    return f"{x:.3g}"


def _advice(reason, diverged_at, loss_value, p, done, epochs, X, y, task):
    """One sentence naming why the run stopped and what to change (None when it ran every epoch)."""
    limit = _number(DIVERGENCE_LIMIT)
    if reason is None:
        return None
    if reason == "interrupted":
        return f"training was interrupted after epoch {done} of {epochs}"
    if diverged_at == 0:  # the starting point itself is out of bounds: no step size can help
        if reason == "params":
            name, value = _out_of_bounds(p)
            return f"{name} = {_number(value)} at the start is beyond ±{limit}: start from a smaller {name}"
        if math.isnan(loss_value):
            start = "the initial loss is not a number (the forward pass overflows)"
        elif math.isinf(loss_value):
            start = "the initial loss is already infinite (the forward pass overflows)"
        else:
            start = f"the initial loss is already {_number(loss_value)}"
        if task == "regression" and float(np.mean(np.square(y))) > DIVERGENCE_LIMIT:
            return f"the targets are so large that {start}: rescale y, e.g. standardise it"
        if float(np.max(np.abs(X))) > 1e3:
            return f"{start}: start from smaller weights, or standardise the inputs"
        return f"{start}: start from smaller weights"
    if reason == "params":
        name, value = _out_of_bounds(p)
        where = f"at epoch {diverged_at}" + (f", beyond ±{limit}," if math.isfinite(value) else "")
        verb = "reached" if math.isfinite(value) else "became"
        return f"{name} {verb} {_number(value)} {where} while the mean loss was {_number(loss_value)}: try a smaller η"
    return f"diverged at epoch {diverged_at}, try a smaller η"  # the loss blew up: the plain η case


def sgd_step(params, x, y, eta, task, hidden="linear") -> Params:
    """One update on one row ``x`` = (iq, cgpa) with target ``y``: returns the new ``Params``.

    A step so large that a new parameter overflows (inf or nan) is a ValueError saying so.
    """
    a = resolve(params, task, hidden, x, y, X_name="x", one_row=True)
    eta = check_eta(eta)
    grads = chain_rule(a.p, float(a.X[0, 0]), float(a.X[0, 1]), float(a.y[0]), a.out.dL_dz, a.act.g, a.act.g_prime)
    new = _update(a.p, grads, eta)
    for name, value, grad in zip(PARAM_NAMES, new, grads):
        if not math.isfinite(value):
            raise ValueError(
                f"sgd_step: the update overflowed: {name} became {value} (dL/d{name} = {_number(grad)}, "
                f"η = {eta:g}); try a smaller η or smaller parameters"
            )
    return Params(*new)


class RecordedParams(Sequence):
    """``history.params``: the recorded parameters, one ``Params`` per recorded epoch, built on demand.

    Entry i is the state after epoch ``history.recorded[i]``. ``len``, indexing (negative too), slices
    (a tuple of ``Params``), iteration and ``==`` (with another record, or a tuple or list of ``Params``)
    work as on the tuple of ``Params`` this used to be. The record of the epoch where training diverged can
    hold inf or nan, which no ``Params`` may: indexing it is a ValueError saying so (its raw numbers are in
    ``history.param_values``); ``history.final`` is the last finite parameters.
    """

    __slots__ = ("_history",)

    def __init__(self, history: History):
        self._history = history

    def __len__(self):
        return len(self._history.param_values)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        i = operator.index(index)
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"history.params[{index}]: only {n} epochs were recorded (0 to {n - 1})")
        row = self._history.param_values[i]
        if not np.isfinite(row).all():
            h = self._history
            name = PARAM_NAMES[int(np.argmin(np.isfinite(row)))]
            raise ValueError(
                f"history.params[{index}] is epoch {h.recorded[i]}, where training diverged: {name} = "
                f"{row[PARAM_NAMES.index(name)]} is not a finite number, so it is no Params; history.final holds "
                f"the last finite parameters (epoch {h.final_epoch}), history.param_values[{index}] the raw numbers"
            )
        return Params(*row.tolist())

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __eq__(self, other):
        mine = self._history.param_values
        if isinstance(other, RecordedParams):
            return np.array_equal(mine, other._history.param_values, equal_nan=True)
        if isinstance(other, (tuple, list)):
            if len(other) != len(mine):
                return False
            try:
                return all(tuple(a) == tuple(b) for a, b in zip(mine.tolist(), other))
            except TypeError:  # an entry that is not a sequence of numbers
                return False
        return NotImplemented

    __hash__ = None

    def __repr__(self):
        r = self._history.recorded
        return f"<{len(r)} recorded Params, epochs {r[0]} to {r[-1]}>"


def _frozen(values, dtype):
    arr = np.array(values, dtype=dtype)  # a copy of its own, then read-only
    arr.flags.writeable = False
    return arr


class History:
    """What ``train`` recorded: the dataset-mean loss and the nine parameters at each recorded epoch.

    Which epochs: when the run asks for at most ``max_records`` epochs (default ``MAX_RECORDS`` = 100,000),
    every one, so entry k is the state after epoch k (entry 0 before any update) as it always was. A longer
    run records every ``stride``-th epoch (stride = ceil(epochs / max_records)), plus the last epoch run and,
    if it diverged, the one before; ``recorded[i]`` is then the epoch of entry i (``index_of`` finds an
    epoch's entry). So a History holds at most max_records + 3 entries: under 9 MB, however long the run.

    Fields: ``losses`` (float array), ``param_values`` ((n, 9) float array, PARAM_NAMES order), ``recorded``
    (int array of epoch numbers; alias ``epoch_numbers``), ``params`` (a ``RecordedParams``: ``params[i]`` is
    a ``Params``), ``diverged_at``, ``stopped_because``, ``advice``, ``eta``, ``task``, ``hidden``, ``epochs``
    (asked for), ``stride``. The arrays are read-only.
    """

    __slots__ = (
        "losses",
        "param_values",
        "recorded",
        "diverged_at",
        "stopped_because",
        "eta",
        "task",
        "hidden",
        "epochs",
        "stride",
        "_advice",
    )

    def __init__(
        self,
        losses,
        param_values,
        recorded,
        *,
        diverged_at,
        eta,
        task,
        hidden,
        epochs,
        stride=1,
        stopped_because=None,
        advice=None,
    ):
        losses = _frozen(losses, float)
        param_values = _frozen(param_values, float)
        recorded = _frozen(recorded, np.int64)
        n = len(losses)
        if n == 0 or losses.shape != (n,) or param_values.shape != (n, 9) or recorded.shape != (n,):
            raise ValueError(
                f"History: expected n >= 1 losses, (n, 9) parameters and n epoch numbers, got "
                f"{losses.shape}, {param_values.shape}, {recorded.shape}"
            )
        if stopped_because not in STOP_REASONS:
            raise ValueError(f"History: stopped_because must be one of {STOP_REASONS}, got {stopped_because!r}")
        values = {
            "losses": losses,
            "param_values": param_values,
            "recorded": recorded,
            "diverged_at": diverged_at,
            "stopped_because": stopped_because,
            "eta": eta,
            "task": task,
            "hidden": hidden,
            "epochs": epochs,
            "stride": stride,
            "_advice": advice,
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise AttributeError(f"a History is read-only (cannot set {name!r})")

    def __reduce__(self):  # pickle and copy rebuild it through __init__
        keywords = {
            name: getattr(self, name)
            for name in ("diverged_at", "eta", "task", "hidden", "epochs", "stride", "stopped_because")
        }
        return _rebuild_history, ((self.losses, self.param_values, self.recorded), {**keywords, "advice": self._advice})

    @property
    def params(self) -> RecordedParams:
        """The recorded parameters: ``params[i]`` is the ``Params`` after epoch ``recorded[i]``."""
        return RecordedParams(self)

    @property
    def epoch_numbers(self) -> np.ndarray:
        """The same as ``recorded``: the epoch of each entry."""
        return self.recorded

    @property
    def subsampled(self) -> bool:
        """True when not every epoch was recorded (a run longer than ``max_records`` epochs)."""
        return self.stride > 1

    @property
    def interrupted(self) -> bool:
        """True when an interrupt (KeyboardInterrupt) stopped the run; the record ends at ``epochs_run``."""
        return self.stopped_because == "interrupted"

    @property
    def epochs_run(self) -> int:
        """The last epoch that ran to its end (``diverged_at`` if it diverged): the last recorded epoch."""
        return int(self.recorded[-1])

    @property
    def advice(self) -> str | None:
        """One sentence on why training stopped early and what to change, or None when it ran every epoch.

        - diverged (loss beyond 1e12) at epoch k >= 1: "diverged at epoch k, try a smaller η";
        - a parameter beyond 1e12 at epoch k >= 1 while the loss was fine: "w2_11 passed 1e12 at epoch k ...";
        - out of bounds from the start (epoch 0): "the initial loss is already 1e15: start from smaller weights"
          (or rescale y / standardise the inputs when they are the cause; or "w1_11 = 1e13 at the start ...");
        - interrupted: "training was interrupted after epoch k of n".
        """
        return self._advice

    def index_of(self, epoch: int) -> int:
        """The entry of ``epoch`` in ``losses``, ``params``, ``param_values``; a ValueError if it was not recorded."""
        i = int(np.searchsorted(self.recorded, epoch))
        if i < len(self.recorded) and self.recorded[i] == epoch:
            return i
        raise ValueError(
            f"epoch {epoch} was not recorded: this History keeps epochs 0 to {self.epochs_run} "
            f"every {self.stride} (see history.recorded)"
        )

    def params_at(self, epoch: int) -> Params:
        """The ``Params`` after ``epoch`` (which must be recorded)."""
        return self.params[self.index_of(epoch)]

    def loss_at(self, epoch: int) -> float:
        """The mean loss after ``epoch`` (which must be recorded)."""
        return float(self.losses[self.index_of(epoch)])

    def trajectory(self, name: str) -> np.ndarray:
        """One parameter over the recorded epochs, e.g. ``history.trajectory("w1_11")`` (x: ``recorded``)."""
        if name not in PARAM_NAMES:
            raise ValueError(f"unknown parameter {name!r}; expected one of {PARAM_NAMES}")
        return self.param_values[:, PARAM_NAMES.index(name)].copy()

    @property
    def final_epoch(self) -> int:
        """The last epoch whose parameters were still finite and within bounds (always recorded)."""
        return self.epochs_run if self.diverged_at is None else max(self.diverged_at - 1, 0)

    @property
    def final(self) -> Params:
        """The parameters after ``final_epoch``: the last finite ones."""
        return self.params_at(self.final_epoch)

    def __repr__(self):
        return (
            f"<History {self.task}, hidden {self.hidden}, η = {self.eta:g}: epochs 0 to {self.epochs_run} of "
            f"{self.epochs}, {len(self.losses)} recorded (stride {self.stride}), diverged_at={self.diverged_at}, "
            f"stopped_because={self.stopped_because!r}>"
        )


def _rebuild_history(arrays, keywords):
    return History(*arrays, **keywords)


def _progress_bar(epochs):
    """A tqdm bar (``tqdm.auto``: a widget in a notebook, text in a terminal), or None without tqdm."""
    try:
        from tqdm.auto import tqdm

        return tqdm(total=epochs, desc="training", unit=" epochs", unit_scale=True, dynamic_ncols=True)
    except ImportError:  # the optional dependency is missing (or, in a notebook, its widget)
        return None


def _wants_bar(progress, epochs, n_rows) -> bool:
    if progress is None:
        return epochs * n_rows > PROGRESS_MIN_UPDATES
    if isinstance(progress, (bool, np.bool_)):
        return bool(progress)
    raise ValueError(f"progress must be None (a bar for long runs only), True or False, got {progress!r}")


def train(
    X,
    y,
    task,
    params,
    eta,
    epochs,
    hidden="linear",
    shuffle=False,
    seed=None,
    *,
    progress=None,
    max_records=MAX_RECORDS,
) -> History:
    """Per-sample SGD: for each epoch, one ``sgd_step`` per row in order (shuffled if asked, with ``seed``).

    Stops at the first epoch whose mean loss or any parameter is non-finite or larger than 1e12
    (``diverged_at``; ``stopped_because`` says which, ``advice`` what to do); emits no warning. A starting
    point already out of bounds counts as diverged at epoch 0.

    ``progress``: None shows a progress bar only for a long run (more than ``PROGRESS_MIN_UPDATES`` row
    updates, epochs x rows), True always, False never; without the optional ``tqdm`` there is no bar.
    ``max_records``: how many epochs the History records at most (see ``History``).
    An interrupt (KeyboardInterrupt) stops the run: one line says so and the History so far is returned,
    with ``stopped_because == "interrupted"``.
    """
    p, out, act, X, y, _ = resolve(params, task, hidden, X, y)
    eta = check_eta(eta)
    epochs = check_count(epochs, "epochs")
    max_records = check_count(max_records, "max_records", minimum=1)
    rows = [(float(a), float(b), float(t)) for (a, b), t in zip(X, y)]
    n_rows = len(rows)
    show_bar = _wants_bar(progress, epochs, n_rows)
    rng = np.random.default_rng(seed) if shuffle else None
    dL_dz, g, g_and_prime = out.dL_dz, act.g, act.g_and_prime
    if act.name == "linear":  # o = z and g' = 1 without calling anything
        g = g_and_prime = None
    sgd_epoch, mean_loss, why_stopped = _sgd_epoch, _mean_loss, _why_stopped
    if len(rows) > _ARRAY_LOSS_ROWS:  # a learner's larger file: the epoch's mean loss in one numpy pass
        mean_loss = _array_mean_loss(X, y, out, act)

    # Record epochs 0, stride, 2 stride, ... : buffered as tuples, packed into the arrays every _CHUNK records.
    stride = 1 if epochs <= max_records else -(-epochs // max_records)
    size = epochs // stride + 3  # the regular records, and room for two more (see below)
    loss_values, param_values = np.empty(size), np.empty((size, 9))
    packed = 0  # records already in the arrays
    loss = mean_loss(p, rows, out, g)
    buf_l, buf_p = [loss], [tuple(p)]
    last_p, last_loss, done = p, loss, 0  # the last epoch that ran to its end and passed the bounds check
    reason = _why_stopped(loss, p)
    diverged_at = 0 if reason else None
    bar = _progress_bar(epochs) if show_bar else None
    tick = max(1, _TICK_UPDATES // n_rows) if bar is not None else epochs + 1  # bar updates: every `tick` epochs
    next_record, next_tick, shown = stride, tick, 0
    next_event = min(next_record, next_tick)
    try:
        for epoch in range(1, epochs + 1 if reason is None else 1):
            order = rows if rng is None else [rows[i] for i in rng.permutation(n_rows)]
            p = sgd_epoch(p, order, eta, dL_dz, g_and_prime)
            loss = mean_loss(p, rows, out, g)
            reason = why_stopped(loss, p)
            if reason:
                diverged_at = epoch
                break
            last_p, last_loss, done = p, loss, epoch
            if epoch == next_event:  # one integer comparison per epoch for the records and the bar
                if epoch == next_record:
                    buf_l.append(loss)
                    buf_p.append(p)
                    next_record += stride
                    if len(buf_p) >= _CHUNK:
                        end = packed + len(buf_p)
                        _pack(loss_values, param_values, packed, end, buf_l, buf_p)
                        packed, buf_l, buf_p = end, [], []
                if epoch == next_tick:
                    bar.update(epoch - shown)
                    shown, next_tick = epoch, next_tick + tick
                next_event = next_record if next_record < next_tick else next_tick
    except KeyboardInterrupt:
        reason, diverged_at = "interrupted", None
        del buf_l[len(buf_p) :], buf_p[len(buf_l) :]  # a record half-appended when the interrupt came
    finally:
        if bar is not None:
            bar.update(done - shown)
            bar.close()

    # the entries off the stride: the last finite epoch (the end, the interrupt, or the one before divergence)
    # and the diverged epoch itself
    n_regular = packed + len(buf_p)
    extra = []
    if (n_regular - 1) * stride != done:
        extra.append((done, last_loss, tuple(last_p)))
    if diverged_at:
        extra.append((diverged_at, loss, tuple(p)))
    end = n_regular + len(extra)
    _pack(loss_values, param_values, packed, n_regular, buf_l, buf_p)
    _pack(loss_values, param_values, n_regular, end, [e[1] for e in extra], [e[2] for e in extra])
    recorded = np.concatenate(
        [np.arange(n_regular, dtype=np.int64) * stride, np.array([e[0] for e in extra], dtype=np.int64)]
    )
    advice = _advice(reason, diverged_at, loss, p if reason != "interrupted" else last_p, done, epochs, X, y, task)
    history = History(
        loss_values[:end],
        param_values[:end],
        recorded,
        diverged_at=diverged_at,
        eta=eta,
        task=task,
        hidden=act.name,
        epochs=epochs,
        stride=stride,
        stopped_because=reason,
        advice=advice,
    )
    if reason == "interrupted":
        print(f"training interrupted after epoch {done} of {epochs}; returning the history so far")
    return history


def _pack(loss_values, param_values, start, end, losses, params):
    """Write buffered records (floats, 9-tuples) into rows start:end of the arrays."""
    if end > start:
        loss_values[start:end] = losses
        flat = np.fromiter(itertools.chain.from_iterable(params), dtype=float, count=9 * (end - start))
        param_values[start:end] = flat.reshape(-1, 9)
