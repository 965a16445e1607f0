"""The two datasets of the notes, a loader for a learner's own CSV, and input standardisation."""

from __future__ import annotations

import csv
import math
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .validate import check_task, check_X, check_y

DATASETS = {
    "regression": ("regression.csv", ("iq", "cgpa"), "package"),
    "classification": ("classification.csv", ("iq", "cgpa"), "placed"),
}
UNITS = {
    "iq": "iq (points)",
    "cgpa": "cgpa (out of 10)",
    "package": "package (LPA)",
    "placed": "placed (1 = yes)",
}


class Dataset(NamedTuple):
    X: np.ndarray  # (n, 2): x_i1, x_i2
    y: np.ndarray  # (n,)
    feature_names: tuple
    target_name: str
    task: str
    source: str  # the file it came from


def data_dir() -> Path:
    """Where the CSV files are: inside the installed package, else the repository's ``data/`` folder."""
    packaged = resources.files("nbhelpers") / "data"
    if packaged.is_dir() and (packaged / "regression.csv").is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "data"


def load_dataset(name: str) -> Dataset:
    """``"regression"`` (iq, cgpa -> package in LPA) or ``"classification"`` (iq, cgpa -> placed)."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; expected one of {tuple(DATASETS)}")
    filename, features, target = DATASETS[name]
    return load_csv(data_dir() / filename, features, target, task=name)


def load_csv(path, features, target, task) -> Dataset:
    """Read a CSV with a header row; every bad cell is reported with the file, line and column."""
    check_task(task)
    path = Path(path)
    features = tuple(features)
    if len(features) != 2:
        raise ValueError(f"features must name 2 columns (x_i1, x_i2), got {features!r}")
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:  # -sig: Excel's "CSV UTF-8" starts with a BOM
            rows = list(csv.reader(f))
    except OSError as err:
        raise ValueError(f"{path}: cannot read the file ({err.strerror})") from None
    if not rows:
        raise ValueError(f"{path}: the file is empty; expected a header row with {features + (target,)}")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in features + (target,) if c not in header]
    if missing:
        raise ValueError(f"{path}, line 1: missing column(s) {missing}; the header has {header}")
    cols = [header.index(c) for c in features + (target,)]
    values = []
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        values.append([_cell(path, lineno, row, i, header[i]) for i in cols])
    if not values:
        raise ValueError(f"{path}: no data rows after the header")
    arr = np.array(values, dtype=float)
    X, _ = check_X(arr[:, :2])
    try:
        y = check_y(arr[:, 2], len(arr), task)
    except ValueError as err:
        raise ValueError(f"{path}, column {target!r}: {err}") from None
    return Dataset(X, y, features, target, task, str(path))


def _cell(path, lineno, row, i, column) -> float:
    where = f"{path}, line {lineno}, column {column!r}"
    if i >= len(row) or not row[i].strip():
        raise ValueError(f"{where}: empty cell")
    try:
        value = float(row[i])
    except ValueError:
        raise ValueError(f"{where}: {row[i].strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{where}: {row[i].strip()!r} is not a finite number")
    return value


class Scaler(NamedTuple):
    """Per-column mean and standard deviation: x_std = (x - mean) / std."""

    mean: np.ndarray
    std: np.ndarray

    def transform(self, X):
        return (np.asarray(X, dtype=float) - self.mean) / self.std

    def inverse(self, X):
        return np.asarray(X, dtype=float) * self.std + self.mean


def fit_scaler(X) -> Scaler:
    """The mean and standard deviation of each column of X (a constant column keeps std 1)."""
    X, _ = check_X(X)
    std = X.std(axis=0)
    return Scaler(X.mean(axis=0), np.where(std > 0, std, 1.0))


def standardise(X) -> np.ndarray:
    """Each column to mean 0 and standard deviation 1."""
    return fit_scaler(X).transform(X)
