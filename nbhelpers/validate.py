"""Input checks shared by the public functions: each bad input gets a ValueError that names the problem."""

from __future__ import annotations

import math
import numbers

import numpy as np

TASKS = ("regression", "classification")
HIDDEN = ("linear", "sigmoid", "tanh", "relu")


def check_task(task) -> str:
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    return task


def check_hidden(hidden) -> str:
    if hidden not in HIDDEN:
        raise ValueError(f"hidden activation must be one of {HIDDEN}, got {hidden!r}")
    return hidden


def check_X(X) -> tuple[np.ndarray, bool]:
    """Return X as an (n, 2) float array and whether it was a single row of shape (2,)."""
    try:
        arr = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"X must be numbers (iq, cgpa), got {X!r}: {err}") from None
    single = arr.shape == (2,)
    if single:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] == 0:
        raise ValueError(
            f"X must have shape (2,) for one row or (n, 2) for n rows of (iq, cgpa), got {arr.shape}"
        )
    if not np.isfinite(arr).all():
        r, c = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(f"X has a non-finite value ({arr[r, c]}) at row {r}, column {c}")
    return arr, single


def check_y(y, n: int, task: str) -> np.ndarray:
    """Return y as an (n,) float array; for classification every value must be 0 or 1."""
    try:
        arr = np.asarray(y, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"y must be numbers, got {y!r}: {err}") from None
    if arr.ndim == 0:
        arr = arr[None]
    if arr.shape != (n,):
        raise ValueError(f"y must have shape ({n},) to match X ({n} rows), got {np.shape(y)}")
    if not np.isfinite(arr).all():
        i = int(np.argmax(~np.isfinite(arr)))
        raise ValueError(f"y has a non-finite value ({arr[i]}) at row {i}")
    if task == "classification" and not np.isin(arr, (0.0, 1.0)).all():
        i = int(np.argmax(~np.isin(arr, (0.0, 1.0))))
        raise ValueError(f"classification needs y in {{0, 1}}, got {arr[i]} at row {i}")
    return arr


def check_eta(eta) -> float:
    if isinstance(eta, bool) or not isinstance(eta, numbers.Real) or not math.isfinite(eta) or eta <= 0:
        raise ValueError(f"eta (learning rate) must be a finite number > 0, got {eta!r}")
    return float(eta)


def check_epochs(epochs) -> int:
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral):
        raise ValueError(f"epochs must be an integer >= 0, got {epochs!r}")
    if epochs < 0:
        raise ValueError(f"epochs must be an integer >= 0, got {epochs}")
    return int(epochs)
