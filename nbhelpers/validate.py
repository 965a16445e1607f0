"""Checks of one value each: a bad value is a ValueError that names the argument it came in as.

Every check takes the argument's ``name``, so ``sgd_step``'s message speaks of ``x`` and ``update_losses``' of
``updates``. ``arguments.resolve`` combines them for the public functions of the network math.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

TASKS = ("regression", "classification")
HIDDEN = ("linear", "sigmoid", "tanh", "relu")


def check_task(task, name="task") -> str:
    if task not in TASKS:
        raise ValueError(f"{name} must be one of {TASKS}, got {task!r}")
    return task


def check_hidden(hidden, name="hidden activation") -> str:
    if hidden not in HIDDEN:
        raise ValueError(f"{name} must be one of {HIDDEN}, got {hidden!r}")
    return hidden


def check_X(X, name="X") -> tuple[np.ndarray, bool]:
    """Return X as an (n, 2) float array and whether it was a single row of shape (2,)."""
    try:
        arr = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be numbers (iq, cgpa), got {X!r}: {err}") from None
    single = arr.shape == (2,)
    if single:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] == 0:
        raise ValueError(f"{name} must have shape (2,) for one row or (n, 2) for n rows of (iq, cgpa), got {arr.shape}")
    if not np.isfinite(arr).all():
        r, c = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(f"{name} has a non-finite value ({arr[r, c]}) at row {r}, column {c}")
    return arr, single


def check_y(y, n: int, task: str, name="y", X_name="X") -> np.ndarray:
    """Return y as an (n,) float array; for classification every value must be 0 or 1."""
    try:
        arr = np.asarray(y, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be numbers, got {y!r}: {err}") from None
    if arr.ndim == 0:
        arr = arr[None]
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},) to match {X_name} ({n} rows), got {np.shape(y)}")
    if not np.isfinite(arr).all():
        i = int(np.argmax(~np.isfinite(arr)))
        raise ValueError(f"{name} has a non-finite value ({arr[i]}) at row {i}")
    if task == "classification" and not np.isin(arr, (0.0, 1.0)).all():
        i = int(np.argmax(~np.isin(arr, (0.0, 1.0))))
        raise ValueError(f"classification needs {name} in {{0, 1}}, got {arr[i]} at row {i}")
    return arr


def check_eta(eta, name="eta") -> float:
    if isinstance(eta, bool) or not isinstance(eta, numbers.Real) or not math.isfinite(eta) or eta <= 0:
        raise ValueError(f"{name} (learning rate) must be a finite number > 0, got {eta!r}")
    return float(eta)


def check_count(value, name, minimum=0) -> int:
    """A whole number >= ``minimum`` (epochs, updates, max_records): an int, not a bool or a float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)
