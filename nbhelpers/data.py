"""The two datasets of the notes, a loader for a learner's own CSV, and input standardisation."""

from __future__ import annotations

import array
import codecs
import csv
import io
import math
import re
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .validate import check_task, check_X, check_y

DATASETS = {
    "regression": ("regression.csv", ("iq", "cgpa"), "package"),
    "classification": ("classification.csv", ("iq", "cgpa"), "placed"),
}
UNITS = {"iq": "iq (points)", "cgpa": "cgpa (out of 10)", "package": "package (LPA)", "placed": "placed (1 = yes)"}


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


MAX_CSV_BYTES = 100_000_000  # larger files are refused before reading; 50 MB loads in a few seconds
_SEPARATORS = (",", ";", "\t")  # detected from the header line; on a tie, the first of these
_SEP_LINE = re.compile(r'\s*"?sep=(.)"?[ ,;\t]*', re.IGNORECASE)  # Excel's "sep=;" first line
_NOT_TEXT = (  # how files that are not text start, and what they are
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 workbook (.xls)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
)
_SAVE_AS_CSV = "open it in the spreadsheet and save the sheet as 'CSV UTF-8 (Comma delimited)'"


def load_csv(path, features, target, task) -> Dataset:
    """Read a CSV file with a header row and one example per row; only the named columns are read.

    Every problem is a ``ValueError`` naming the file, and the line and column where there is one.

    - Encoding: UTF-8, with or without a BOM (Excel's "CSV UTF-8"); UTF-16, with or without a BOM (Excel's
      "Unicode text"); anything else is read as Windows-1252 (Excel's "CSV (Comma delimited)" on Windows).
      Binary files are refused: an .xlsx, .xls or .ods workbook with the advice to save the sheet as CSV,
      an image, a zip, a PDF, anything with NUL bytes.
    - Separator: a comma, a semicolon or a TAB, whichever occurs most in the header line (a tie goes to
      the comma), unless the file starts with Excel's ``sep=X`` line, which sets it to X.
    - Decimal comma: with any separator but the comma, "7,5" is 7.5; the columns read must not mix
      "7,5" and "7.5". There are no thousands separators: "1.000,5" is an error, and a lone "1.000" is 1.0.
    - Blank lines, and rows whose cells are all empty (",,"), are skipped, before the header as well.
    - Header: a name matches the requested ``features`` or ``target`` after stripping surrounding spaces,
      ignoring case (" IQ " is iq). A requested name found twice ("iq,iq" or "iq,IQ") is an error;
      repeated names among the columns not read (two "name" columns, empty names) are ignored.
    - Cells of the columns read: empty, missing, non-numeric, NaN or infinite is an error.
    - Files over ``MAX_CSV_BYTES`` (100 MB) are refused before reading.
    """
    check_task(task)
    path = Path(path)
    features = tuple(features)
    if len(features) != 2:
        raise ValueError(f"features must name 2 columns (x_i1, x_i2), got {features!r}")
    names = features + (target,)
    text = _read_text(path)
    start, sep, header, lineno, header_end = _read_header(path, text, names)
    cols = _columns(path, lineno, header, names, sep)
    arr = _fast_body(text[start:], sep, cols)
    if arr is None:  # a problem, or something unusual: read it cell by cell for an exact message
        arr = _slow_body(path, io.StringIO(text[start:], newline=""), sep, cols, [header[i] for i in cols], header_end)
    X, _ = check_X(arr[:, :2])
    try:
        y = check_y(arr[:, 2], len(arr), task)
    except ValueError as err:
        raise ValueError(f"{path}, column {target!r}: {err}") from None
    return Dataset(X, y, features, target, task, str(path))


def _read_text(path: Path) -> str:
    """The file's text, decoded as the spreadsheet wrote it; refuses huge and binary files."""
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise ValueError(
                f"{path}: the file is {size / 1e6:.0f} MB; load_csv reads files up to "
                f"{MAX_CSV_BYTES / 1e6:.0f} MB: keep a sample of the rows"
            )
        data = path.read_bytes()
    except OSError as err:
        raise ValueError(f"{path}: cannot read the file ({err.strerror})") from None
    boms = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
    for bom, encoding in boms:
        if data.startswith(bom):
            return _decode(path, data[len(bom) :], encoding)
    if data.startswith(b"PK\x03\x04"):
        what = "an Excel workbook (.xlsx)" if b"xl/" in data else "a zip archive (a spreadsheet workbook?)"
        raise ValueError(f"{path}: this is {what}, not a text CSV file; {_SAVE_AS_CSV}")
    for magic, what in _NOT_TEXT:
        if data.startswith(magic):
            raise ValueError(f"{path}: this is {what}, not a text CSV file; {_SAVE_AS_CSV}")
    head = data[:512]
    if len(head) >= 4 and b"\0" in head:  # UTF-16 without a BOM: every other byte of plain text is 0
        if not head[1::2].strip(b"\0") and b"\0" not in head[0::2]:
            return _decode(path, data, "utf-16-le")
        if not head[0::2].strip(b"\0") and b"\0" not in head[1::2]:
            return _decode(path, data, "utf-16-be")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode(path, data, "cp1252")  # what Excel's "CSV (Comma delimited)" writes on Windows
    return _decode(path, data, "utf-8")


def _decode(path, data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        line = data[: err.start].decode(encoding, "replace").count("\n") + 1
        what = {"utf-8": "UTF-8", "cp1252": "UTF-8 or Windows-1252"}.get(encoding, "UTF-16")
        raise ValueError(
            f"{path}, line {line}: {data[err.start : err.end]!r} is not {what} text; {_SAVE_AS_CSV}"
        ) from None
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        raise ValueError(
            f"{path}, line {line}: binary data (a NUL character), this is not a text CSV file; {_SAVE_AS_CSV}"
        )
    if "\r" in text and "\n" not in text:
        text = text.replace("\r", "\n")  # old Mac line ends
    return text


def _lines(text: str, pos: int):
    while pos < len(text):
        end = text.find("\n", pos) + 1 or len(text)
        yield text[pos:end]
        pos = end


def _read_header(path, text: str, names):
    """Skip blank lines and a ``sep=X`` line. Return where the data rows start, the separator, the header
    cells and the header's first and last line numbers."""
    pos, lineno, sep = 0, 0, None
    for line in _lines(text, 0):
        lineno += 1
        match = _SEP_LINE.fullmatch(line.rstrip("\r\n")) if sep is None else None
        if match:
            sep = match.group(1)
            if sep.isalnum() or sep in "\"'.+- \r\n":
                raise ValueError(f"{path}, line {lineno}: {sep!r} cannot be the separator ({line.strip()!r})")
        if match or not line.strip(" \t\r\n,;" + (sep or "")):
            pos += len(line)
            continue  # the sep= line, a blank line, or a row of empty cells
        if sep is None:
            sep = max(_SEPARATORS, key=line.count)  # the first of the most frequent: a comma when there is none
        reader = csv.reader(_lines(text, pos), delimiter=sep)
        try:
            header = [h.strip() for h in next(reader)]
        except csv.Error as err:
            raise ValueError(f"{path}, line {lineno}: cannot read the header row ({err})") from None
        for _ in range(reader.line_num):  # a quoted header name may span lines
            pos = text.find("\n", pos) + 1 or len(text)
        return pos, sep, header, lineno, lineno - 1 + reader.line_num
    after = " after the 'sep=' line" if sep else ""
    raise ValueError(f"{path}: the file is empty{after}; expected a header row with {names}")


def _sep_name(sep: str) -> str:
    return {",": "commas", ";": "semicolons", "\t": "TABs"}.get(sep, repr(sep))


def _columns(path, lineno: int, header: list, names, sep: str) -> list:
    """The index of each requested column: matched without surrounding spaces, ignoring case, exactly once."""
    keys = [h.casefold() for h in header]
    found = {name: [i for i, key in enumerate(keys) if key == name.strip().casefold()] for name in names}
    missing = [name for name in names if not found[name]]
    if missing:
        raise ValueError(
            f"{path}, line {lineno}: missing column(s) {missing}; the header has {header} (split at {_sep_name(sep)})"
        )
    for name in names:
        if len(found[name]) > 1:
            where = " and ".join(f"{header[i]!r} (column {i + 1})" for i in found[name])
            raise ValueError(
                f"{path}, line {lineno}: column {name!r} appears {len(found[name])} times in the "
                f"header, as {where}; rename or delete all but one"
            )
    return [found[name][0] for name in names]


def _fast_body(body: str, sep: str, cols) -> np.ndarray | None:
    """Numpy's C reader for a clean file; None when anything needs the careful reader and its message."""
    blank = re.compile(r"\r?\n[ \t,;" + re.escape(sep) + r"]*(?=\r?\n|\Z)")  # a line end, then a row
    body = blank.sub("", "\n" + body)  # of empty cells: out (numpy skips the empty lines itself)
    if not body or body.isspace():
        return None  # no data rows: the careful reader says so
    attempts = [body]
    if sep != "," and "," in body:  # decimal commas? Read them with every "." made invalid first: if that
        attempts.insert(0, body.replace(".", "x").replace(",", "."))  # works, no cell read has a "."; if
    for text in attempts:  # only the text as it is works, no cell read has a ",". Else: the careful reader.
        try:
            arr = np.loadtxt(io.StringIO(text), delimiter=sep, usecols=cols, comments=None, quotechar='"', ndmin=2)
        except ValueError:
            continue
        return arr if np.isfinite(arr).all() else None
    return None


def _slow_body(path, f, sep: str, cols, columns, lines_before: int) -> np.ndarray:
    """Read the data rows cell by cell; raise at the first bad cell, naming its line and column."""
    values = array.array("d")
    marks = {} if sep != "," else None  # "," and ".": the first number written with each, to refuse a mix
    reader = csv.reader(f, delimiter=sep)
    try:
        for row in reader:
            if not "".join(row).strip():
                continue  # a blank line, or a row of empty cells
            lineno = lines_before + reader.line_num
            for i, column in zip(cols, columns):
                values.append(_cell(path, lineno, row, i, column, marks))
    except csv.Error as err:
        raise ValueError(f"{path}, line {lines_before + reader.line_num}: {err}") from None
    if not values:
        raise ValueError(f"{path}: no data rows after the header")
    return np.frombuffer(values, dtype=float).reshape(-1, len(cols))


def _cell(path, lineno, row, i, column, marks=None) -> float:
    """One number; ``marks`` is None in comma-separated files, else a decimal comma is allowed."""
    text = row[i].strip() if i < len(row) else ""
    try:
        value = float(text.replace(",", ".") if marks is not None and "." not in text else text)
    except ValueError:
        where = f"{path}, line {lineno}, column {column!r}"
        if not text:
            raise ValueError(f"{where}: empty cell") from None
        hint = ""
        if marks is not None and "," in text and "." in text:
            hint = " (write numbers without thousands separators, e.g. 1234,5)"
        if marks is None and re.fullmatch(r"[+-]?\d*,\d+", text):
            hint = " (a decimal comma? in a comma-separated file, write 7.5, not 7,5)"
        raise ValueError(f"{where}: {text!r} is not a number{hint}") from None
    if not math.isfinite(value):
        raise ValueError(f"{path}, line {lineno}, column {column!r}: {text!r} is not a finite number")
    if marks is not None and len(marks) < 2:
        mark = "," if "," in text else "." if "." in text else None
        if mark and mark not in marks:
            marks[mark] = (lineno, column, text)
            if len(marks) == 2:
                other = marks["," if mark == "." else "."]
                raise ValueError(
                    f"{path}, line {lineno}, column {column!r}: {text!r} and {other[2]!r} (line "
                    f"{other[0]}, column {other[1]!r}) use different decimal marks; write every "
                    f"number with the same one, and without thousands separators"
                )
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


def scaled_inputs(X, standardise: bool):
    """The network's inputs: raw X, or X standardised per column (returns the inputs and the scaler, or None)."""
    if not standardise:
        return np.asarray(X, dtype=float), None
    scaler = fit_scaler(X)
    return scaler.transform(X), scaler
