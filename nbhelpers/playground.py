"""The playground's state: one network, trained one per-sample step at a time on one data set (notebook 06).

No widgets here: ``panels.playground`` moves this state with its buttons and draws it. A ``Playground`` holds the
data (raw, and the inputs it trains on: standardised or not), the settings (η, hidden activation), the parameters
now and at the start, the next row, and what every update did: the mean loss and the parameters after each action
(a Step or an Epoch), so that the loss curve and the path on the loss landscape can be drawn.
"""

from __future__ import annotations

import copy as _copy
import math
from typing import NamedTuple

import numpy as np

from .backprop import gradients
from .data import Dataset, scaled_inputs
from .landscape import Surface, loss_surface
from .network import Forward, forward, loss
from .params import PARAM_NAMES, Params, as_params
from .training import DIVERGENCE_LIMIT, sgd_step, train
from .validate import check_eta, check_hidden

MAX_RECORDS = 20_000  # points kept for the loss curve and the path; older ones are thinned to every other one
LANDSCAPE_ROWS = 500  # a larger data set's landscape is the mean loss over a seeded sample of this many rows
LANDSCAPE_DTYPE = np.float32  # the landscape is a picture: single precision (6 digits) is 2-3 times faster


class StepRecord(NamedTuple):
    """What one Step did: the row (0-based), the parameters before, their gradients on that row, the parameters
    after, and the row's loss before and after."""

    row: int
    before: Params
    grads: Params
    after: Params
    loss_before: float
    loss_after: float


class Playground:
    """One network trained step by step. ``step()`` and ``epoch()`` move it; ``reset()`` starts again."""

    def __init__(self, data: Dataset, params=None, eta=0.1, hidden="tanh", standardise=True):
        self.data = data
        self.hidden = check_hidden(hidden)
        self.eta = check_eta(eta)
        self.standardise = bool(standardise)
        self.reset(params if params is not None else Params.notes_init())

    # --- settings ---------------------------------------------------------------------------------------------
    def reset(self, params=None, *, data: Dataset | None = None, hidden=None, standardise=None):
        """Start again from ``params`` (default: the same start), optionally on new data or settings."""
        if data is not None:
            self.data = data
        if hidden is not None:
            self.hidden = check_hidden(hidden)
        if standardise is not None:
            self.standardise = bool(standardise)
        self.start = as_params(params) if params is not None else self.start
        self.X, self.scaler = scaled_inputs(self.data.X, self.standardise)
        self.params = self.start
        self.next_row = 0
        self.updates = 0  # per-sample updates so far
        self.last: StepRecord | None = None
        self.stopped: str | None = None  # why training cannot go on (divergence), until the next reset
        start_loss = self.mean_loss()
        self.curve = [(0, start_loss)]  # (updates, mean loss) after each action
        self.path = [(0, self.params)]  # (updates, parameters) after each action
        if not _finite(start_loss):
            self.stopped = f"the mean loss at the start is {_say(start_loss)}: start from smaller weights" + (
                "" if self.standardise else ", or standardise the inputs"
            )

    def set_eta(self, eta) -> None:
        """η applies from the next update on; nothing else changes."""
        self.eta = check_eta(eta)

    # --- what the state shows -----------------------------------------------------------------------------------
    @property
    def task(self) -> str:
        return self.data.task

    @property
    def n_rows(self) -> int:
        return len(self.data.y)

    @property
    def epochs_done(self) -> float:
        return self.updates / self.n_rows

    def mean_loss(self, params=None) -> float:
        with np.errstate(all="ignore"):
            return float(loss(self.params if params is None else params, self.X, self.data.y, self.task, self.hidden))

    def row_forward(self, row: int | None = None) -> Forward:
        """The forward pass of one row (default: the row the next Step uses) at the current parameters."""
        i = self.next_row if row is None else row
        with np.errstate(all="ignore"):
            return forward(self.params, self.X[i], self.task, self.hidden)

    def trajectory(self, name: str) -> np.ndarray:
        """One parameter after each action, from the start."""
        return self._path_values()[:, PARAM_NAMES.index(name)].copy()

    _path_array = None  # (the path list, its parameters as an (actions, 9) array)

    def _path_values(self) -> np.ndarray:
        """``path``'s parameters as an (actions, 9) array: extended by the actions since the last call, not built
        again from Python floats at every draw (a long Play records thousands of actions)."""
        cached = self._path_array
        known = cached[1] if cached is not None and cached[0] is self.path else np.empty((0, 9))
        if len(known) > len(self.path):  # not the list it was: built again
            known = np.empty((0, 9))
        if len(known) < len(self.path):
            new = np.array([p for _, p in self.path[len(known) :]], dtype=float)
            known = np.concatenate([known, new]) if len(known) else new
        self._path_array = (self.path, known)
        return known

    def copy(self) -> Playground:
        """An independent copy: stepping or resetting it leaves this one as it was. (The data, the parameters and
        the records are shared: nothing changes them in place; the two record lists are copied.)"""
        twin = _copy.copy(self)
        twin.curve, twin.path = list(self.curve), list(self.path)
        cached = self._path_array
        twin._path_array = (twin.path, cached[1]) if cached is not None and cached[0] is self.path else None
        return twin

    # --- moving -------------------------------------------------------------------------------------------------
    def step(self) -> StepRecord | None:
        """One per-sample update on the next row. None (and ``stopped`` says why) when training cannot go on."""
        if self.stopped:
            return None
        i, x, t = self.next_row, self.X[self.next_row], float(self.data.y[self.next_row])
        before = self.params
        with np.errstate(all="ignore"):
            grads = gradients(before, x, t, self.task, self.hidden)
            try:
                after = sgd_step(before, x, t, self.eta, self.task, self.hidden)
            except ValueError:  # a parameter overflowed
                after = None
        if after is None or not _within(after):
            self._stop(f"update {self.updates + 1} (row {i + 1}) took a parameter beyond ±{DIVERGENCE_LIMIT:g}")
            return None
        with np.errstate(all="ignore"):
            record = StepRecord(
                i,
                before,
                grads,
                after,
                float(loss(before, x, t, self.task, self.hidden)),
                float(loss(after, x, t, self.task, self.hidden)),
            )
        self.params, self.last = after, record
        self.updates += 1
        self.next_row = (i + 1) % self.n_rows
        self._record()
        return record

    def epoch(self) -> None:
        """One pass over every row, per sample, starting at the next row (so the row order stays the same)."""
        if self.stopped:
            return
        order = np.roll(np.arange(self.n_rows), -self.next_row)  # the next row first: the same sequence as n Steps
        history = train(
            self.X[order], self.data.y[order], self.task, self.params, self.eta, 1, self.hidden, progress=False
        )
        if history.diverged_at:
            self._stop(f"epoch {int(self.epochs_done) + 1} diverged ({history.advice})")
            return
        self.params = history.final
        self.last = None
        self.updates += self.n_rows
        self._record()

    def _record(self) -> None:
        mean = self.mean_loss()
        self.curve.append((self.updates, mean))
        self.path.append((self.updates, self.params))
        if len(self.curve) > MAX_RECORDS:  # keep the first and the newest, thin the rest
            self.curve = self.curve[:1] + self.curve[1:-1:2] + self.curve[-1:]
            self.path = self.path[:1] + self.path[1:-1:2] + self.path[-1:]
        if not _finite(mean):
            self._stop(f"the mean loss reached {_say(mean)} after update {self.updates}")

    def _stop(self, why: str) -> None:
        self.stopped = f"Training stopped: {why}. Try a smaller η, then press Reset."


def _finite(value: float) -> bool:
    return math.isfinite(value) and abs(value) <= DIVERGENCE_LIMIT


def _within(params: Params) -> bool:
    return all(_finite(v) for v in params)


def _say(value: float) -> str:
    return f"{value:.3g}" if math.isfinite(value) else str(value)


def state_surface(state: Playground, a: str, b: str, a_values, b_values, max_rows: int | None = None):
    """(the loss landscape of ``state`` over ``a`` × ``b``: the other seven at their current values; the number of
    rows it averages: all, or a seeded sample of ``max_rows`` for a larger data set). Computed in ``LANDSCAPE_DTYPE``
    (a picture's precision)."""
    X, y = state.X, state.data.y
    max_rows = LANDSCAPE_ROWS if max_rows is None else max_rows
    if len(y) > max_rows:
        pick = np.random.default_rng(0).choice(len(y), max_rows, replace=False)
        X, y = X[pick], y[pick]
    with np.errstate(all="ignore"):
        surface: Surface = loss_surface(
            state.params, X, y, state.task, a, b, a_values, b_values, state.hidden, dtype=LANDSCAPE_DTYPE
        )
    return surface, len(y)
