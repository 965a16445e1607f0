"""The two datasets of the notes, seeded presets for the playground, loaders for a learner's own CSV (a file, or
the bytes of an upload), and input standardisation."""

from __future__ import annotations

import array
import codecs
import csv
import io
import math
import numbers
import re
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .validate import check_count, check_task, check_X, check_y

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
    start, sep, header, lineno, header_end = _read_header(path, text, f"a header row with {names}")
    cols = _columns(path, lineno, header, names, sep)
    arr = _read_body(path, text, start, sep, cols, [header[i] for i in cols], header_end)
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
    return _text(path, data)


def _text(label, data: bytes) -> str:
    """The text of a file's bytes, decoded as the spreadsheet wrote it; refuses binary files. ``label`` (the path,
    or an upload's file name) starts every message."""
    boms = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
    for bom, encoding in boms:
        if data.startswith(bom):
            return _decode(label, data[len(bom) :], encoding)
    if data.startswith(b"PK\x03\x04"):
        what = "an Excel workbook (.xlsx)" if b"xl/" in data else "a zip archive (a spreadsheet workbook?)"
        raise ValueError(f"{label}: this is {what}, not a text CSV file; {_SAVE_AS_CSV}")
    for magic, what in _NOT_TEXT:
        if data.startswith(magic):
            raise ValueError(f"{label}: this is {what}, not a text CSV file; {_SAVE_AS_CSV}")
    head = data[:512]
    if len(head) >= 4 and b"\0" in head:  # UTF-16 without a BOM: every other byte of plain text is 0
        if not head[1::2].strip(b"\0") and b"\0" not in head[0::2]:
            return _decode(label, data, "utf-16-le")
        if not head[0::2].strip(b"\0") and b"\0" not in head[1::2]:
            return _decode(label, data, "utf-16-be")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode(label, data, "cp1252")  # what Excel's "CSV (Comma delimited)" writes on Windows
    return _decode(label, data, "utf-8")


def _decode(label, data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        line = data[: err.start].decode(encoding, "replace").count("\n") + 1
        what = {"utf-8": "UTF-8", "cp1252": "UTF-8 or Windows-1252"}.get(encoding, "UTF-16")
        raise ValueError(
            f"{label}, line {line}: {data[err.start : err.end]!r} is not {what} text; {_SAVE_AS_CSV}"
        ) from None
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        raise ValueError(
            f"{label}, line {line}: binary data (a NUL character), this is not a text CSV file; {_SAVE_AS_CSV}"
        )
    if "\r" in text and "\n" not in text:
        text = text.replace("\r", "\n")  # old Mac line ends
    return text


def _lines(text: str, pos: int):
    while pos < len(text):
        end = text.find("\n", pos) + 1 or len(text)
        yield text[pos:end]
        pos = end


def _read_header(label, text: str, expected: str):
    """Skip blank lines and a ``sep=X`` line. Return where the data rows start, the separator, the header
    cells and the header's first and last line numbers. ``expected`` ends the message for an empty file."""
    pos, lineno, sep = 0, 0, None
    for line in _lines(text, 0):
        lineno += 1
        match = _SEP_LINE.fullmatch(line.rstrip("\r\n")) if sep is None else None
        if match:
            sep = match.group(1)
            if sep.isalnum() or sep in "\"'.+- \r\n":
                raise ValueError(f"{label}, line {lineno}: {sep!r} cannot be the separator ({line.strip()!r})")
        if match or not line.strip(" \t\r\n,;" + (sep or "")):
            pos += len(line)
            continue  # the sep= line, a blank line, or a row of empty cells
        if sep is None:
            sep = max(_SEPARATORS, key=line.count)  # the first of the most frequent: a comma when there is none
        reader = csv.reader(_lines(text, pos), delimiter=sep)
        try:
            header = [h.strip() for h in next(reader)]
        except csv.Error as err:
            raise ValueError(f"{label}, line {lineno}: cannot read the header row ({err})") from None
        for _ in range(reader.line_num):  # a quoted header name may span lines
            pos = text.find("\n", pos) + 1 or len(text)
        return pos, sep, header, lineno, lineno - 1 + reader.line_num
    after = " after the 'sep=' line" if sep else ""
    raise ValueError(f"{label}: the file is empty{after}; expected {expected}")


def _sep_name(sep: str) -> str:
    return {",": "commas", ";": "semicolons", "\t": "TABs"}.get(sep, repr(sep))


def _columns(label, lineno: int, header: list, names, sep: str) -> list:
    """The index of each requested column: matched without surrounding spaces, ignoring case, exactly once."""
    keys = [h.casefold() for h in header]
    found = {name: [i for i, key in enumerate(keys) if key == name.strip().casefold()] for name in names}
    missing = [name for name in names if not found[name]]
    if missing:
        raise ValueError(
            f"{label}, line {lineno}: missing column(s) {missing}; the header has {header} (split at {_sep_name(sep)})"
        )
    for name in names:
        if len(found[name]) > 1:
            where = " and ".join(f"{header[i]!r} (column {i + 1})" for i in found[name])
            raise ValueError(
                f"{label}, line {lineno}: column {name!r} appears {len(found[name])} times in the "
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


def _read_body(label, text: str, start: int, sep: str, cols, columns, lines_before: int) -> np.ndarray:
    """The columns ``cols`` of the data rows, which start at ``text[start]``, as an (n, len(cols)) array."""
    arr = _fast_body(text[start:], sep, cols)
    if arr is None:  # a problem, or something unusual: read it cell by cell for an exact message
        arr = _slow_body(label, io.StringIO(text[start:], newline=""), sep, cols, columns, lines_before)
    return arr


def _rows(label, f, sep: str, lines_before: int):
    """Each data row that is not blank (a blank line, or a row of empty cells), with the line it ends on."""
    reader = csv.reader(f, delimiter=sep)
    try:
        for row in reader:
            if "".join(row).strip():
                yield lines_before + reader.line_num, row
    except csv.Error as err:
        raise ValueError(f"{label}, line {lines_before + reader.line_num}: {err}") from None


def _slow_body(label, f, sep: str, cols, columns, lines_before: int) -> np.ndarray:
    """Read the data rows cell by cell; raise at the first bad cell, naming its line and column."""
    values = array.array("d")
    marks = {} if sep != "," else None  # "," and ".": the first number written with each, to refuse a mix
    for lineno, row in _rows(label, f, sep, lines_before):
        for i, column in zip(cols, columns):
            values.append(_cell(label, lineno, row, i, column, marks))
    if not values:
        raise ValueError(f"{label}: no data rows after the header")
    return np.frombuffer(values, dtype=float).reshape(-1, len(cols))


def _cell(label, lineno, row, i, column, marks=None) -> float:
    """One number; ``marks`` is None in comma-separated files, else a decimal comma is allowed."""
    text = row[i].strip() if i < len(row) else ""
    try:
        value = float(text.replace(",", ".") if marks is not None and "." not in text else text)
    except ValueError:
        where = f"{label}, line {lineno}, column {column!r}"
        if not text:
            raise ValueError(f"{where}: empty cell") from None
        hint = ""
        if marks is not None and "," in text and "." in text:
            hint = " (write numbers without thousands separators, e.g. 1234,5)"
        if marks is None and re.fullmatch(r"[+-]?\d*,\d+", text):
            hint = " (a decimal comma? in a comma-separated file, write 7.5, not 7,5)"
        raise ValueError(f"{where}: {text!r} is not a number{hint}") from None
    if not math.isfinite(value):
        raise ValueError(f"{label}, line {lineno}, column {column!r}: {text!r} is not a finite number")
    if marks is not None and len(marks) < 2:
        mark = "," if "," in text else "." if "." in text else None
        if mark and mark not in marks:
            marks[mark] = (lineno, column, text)
            if len(marks) == 2:
                other = marks["," if mark == "." else "."]
                raise ValueError(
                    f"{label}, line {lineno}, column {column!r}: {text!r} and {other[2]!r} (line "
                    f"{other[0]}, column {other[1]!r}) use different decimal marks; write every "
                    f"number with the same one, and without thousands separators"
                )
    return value


# --- uploads: the bytes and file name that an ipywidgets.FileUpload gives, read with load_csv's rules ------------
MAX_UPLOAD_BYTES = 1_000_000  # larger uploads are refused before decoding
MAX_UPLOAD_ROWS = 10_000  # the playground trains on every row, every epoch


class Upload(NamedTuple):
    """An uploaded CSV file, read and checked as a whole by ``read_upload``: the file name, the header names
    (stripped, as written) to choose the features and the target from, and the number of data rows.
    The other fields are for ``load_upload``: the decoded text and where its header and data rows are."""

    name: str
    columns: tuple
    n_rows: int
    separator: str
    text: str
    start: int  # text[start:] are the data rows
    header_line: int  # the header's first line
    header_end: int  # and its last one (a quoted name may span lines)

    def __repr__(self):  # without the text, which may be a megabyte
        return (
            f"Upload(name={self.name!r}, columns={self.columns!r}, n_rows={self.n_rows}, separator={self.separator!r})"
        )


def read_upload(content, name: str) -> Upload:
    """Read an uploaded CSV file (``content``: its bytes, or the memoryview ipywidgets 8 gives; ``name``: its file
    name) as ``load_csv`` reads a file, and check it as a whole, before any column is chosen.

    Every problem is a ``ValueError`` that starts with ``name``, then the line and column where there is one:
    a file over ``MAX_UPLOAD_BYTES`` (1 MB, refused before decoding); the encodings, binary files, ``sep=X``
    line, separator detection and blank lines of ``load_csv``; an empty file; no data rows, or more than
    ``MAX_UPLOAD_ROWS`` (10,000); fewer than 3 columns (two features and a target); and a header name that is
    empty or occurs twice (ignoring case and surrounding spaces), since the columns are chosen by name. Empty
    names at the end of the header (the empty trailing columns Excel may write, "iq,cgpa,placed,,") are left
    out of ``columns`` instead.
    """
    if not isinstance(name, str):
        raise ValueError(f"name must be the uploaded file's name (a str), got {name!r}")
    label = name.strip() or "the uploaded file"
    if not isinstance(content, (bytes, bytearray, memoryview)):
        raise ValueError(f"{label}: content must be the file's bytes, got {type(content).__name__}")
    size = memoryview(content).nbytes
    if size > MAX_UPLOAD_BYTES:
        raise ValueError(
            f"{label}: the file is {size / 1e6:.2f} MB ({size} bytes); an upload can be at most "
            f"{MAX_UPLOAD_BYTES / 1e6:g} MB ({MAX_UPLOAD_BYTES} bytes): keep a sample of the rows"
        )
    text = _text(label, bytes(content))
    start, sep, header, lineno, header_end = _read_header(label, text, "a header row with the column names")
    columns = list(header)
    while columns and not columns[-1]:
        columns.pop()  # Excel's empty trailing columns
    if len(columns) < 3:
        raise ValueError(
            f"{label}, line {lineno}: the header has {len(columns)} column(s), {columns} (split at "
            f"{_sep_name(sep)}); the file needs at least 3: two features and a target"
        )
    _check_names(label, lineno, columns)
    n_rows = sum(1 for _ in _rows(label, io.StringIO(text[start:], newline=""), sep, header_end))
    if not n_rows:
        raise ValueError(f"{label}: no data rows after the header")
    if n_rows > MAX_UPLOAD_ROWS:
        raise ValueError(
            f"{label}: the file has {n_rows} data rows; an upload can have at most {MAX_UPLOAD_ROWS}: "
            f"keep a sample of the rows"
        )
    return Upload(label, tuple(columns), n_rows, sep, text, start, lineno, header_end)


def _check_names(label, lineno: int, columns: list) -> None:
    """Every header name non-empty, and different from the others ignoring case and surrounding spaces."""
    seen = {}
    for j, column in enumerate(columns):
        if not column:
            raise ValueError(
                f"{label}, line {lineno}: column {j + 1} has no name in the header; name it, or delete the column"
            )
        i = seen.setdefault(column.casefold(), j)
        if i != j:
            names = f"{column!r} twice" if columns[i] == column else f"{columns[i]!r} and {column!r}"
            raise ValueError(
                f"{label}, line {lineno}: the header names {names} (columns {i + 1} and {j + 1}); rename one"
            )


def load_upload(upload: Upload, features, target, task=None) -> Dataset:
    """The chosen columns of an upload read by ``read_upload``: ``features`` (two columns: x_i1, x_i2) and
    ``target``, three different columns matched as ``load_csv`` matches them. Every cell read is checked as
    ``load_csv`` checks it, each problem a ``ValueError`` naming the file, the line and the column.

    ``task=None`` infers the task: "classification" when every target value is 0 or 1, else "regression".
    Classification needs rows of both classes. The Dataset's ``source`` is the file name.
    """
    if not isinstance(upload, Upload):
        raise ValueError(f"upload must be an Upload from read_upload, got {type(upload).__name__}")
    label = upload.name
    if isinstance(features, (str, bytes)) or not isinstance(features, (tuple, list)) or len(features) != 2:
        raise ValueError(f"{label}: features must name 2 columns (x_i1, x_i2), got {features!r}")
    features = tuple(features)
    names = features + (target,)
    for role, column in zip(("feature 1 (x_i1)", "feature 2 (x_i2)", "the target"), names):
        if not isinstance(column, str) or not column.strip():
            raise ValueError(f"{label}: choose a column for {role}, got {column!r}")
    keys = [column.strip().casefold() for column in names]
    if keys[0] == keys[1]:
        raise ValueError(f"{label}: the two features must be different columns, got {features[0]!r} twice")
    if keys[2] in keys[:2]:
        raise ValueError(f"{label}: the target {target!r} is also a feature; choose a third column as the target")
    if task is not None:
        try:
            check_task(task)
        except ValueError as err:
            raise ValueError(f"{label}: {err}") from None
    header = list(upload.columns)
    cols = _columns(label, upload.header_line, header, names, upload.separator)
    arr = _read_body(
        label, upload.text, upload.start, upload.separator, cols, [header[i] for i in cols], upload.header_end
    )
    X, _ = check_X(arr[:, :2])
    targets = arr[:, 2]
    is_class = np.isin(targets, (0.0, 1.0))
    if task is None:
        task = "classification" if is_class.all() else "regression"
    try:
        y = check_y(targets, len(arr), task)
    except ValueError as err:  # classification, and a target other than 0 or 1: say on which line
        bad = int(np.argmax(~is_class))  # the row check_y names
        rows = _rows(label, io.StringIO(upload.text[upload.start :], newline=""), upload.separator, upload.header_end)
        line = next(line for k, (line, _) in enumerate(rows) if k == bad)
        raise ValueError(f"{label}, line {line}, column {target!r}: {err}") from None
    if task == "classification" and y.min() == y.max():
        raise ValueError(
            f"{label}, column {target!r}: only class {y[0]:.0f} occurs; "
            f"classification needs rows of both classes 0 and 1"
        )
    return Dataset(X, y, features, target, task, label)


# --- presets: small seeded data sets that no linear hidden layer separates -----------------------------------
PRESETS = ("xor", "circle")


def make_preset(name: str, n: int = 48, seed: int = 0) -> Dataset:
    """A seeded classification data set of ``n`` rows (x1, x2 -> class), n/2 of each class, rows shuffled.

    - ``"xor"``: points around the four corners (±1, ±1); class 1 where x1 and x2 have opposite signs.
    - ``"circle"``: class 1 inside radius 0.8 around the origin, class 0 in the ring from 1.2 to 1.7 all around
      it, so no point is within 0.2 of the circle of radius 1 between them.

    No straight line separates the classes of either one, so a network with a linear hidden layer cannot;
    a sigmoid, tanh or ReLU hidden layer can. ``numpy.random.default_rng(seed)``: the same seed, the same rows.
    """
    if not isinstance(name, str) or name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; expected one of {PRESETS}")
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 8 <= n <= MAX_UPLOAD_ROWS or n % 2:
        raise ValueError(
            f"n must be an even integer from 8 to {MAX_UPLOAD_ROWS} (half the rows in each class), got {n!r}"
        )
    n, seed = int(n), check_count(seed, "seed")
    rng = np.random.default_rng(seed)
    half = n // 2
    y = np.repeat([0.0, 1.0], half)
    if name == "xor":  # each class's half split between its two corners
        corners = np.repeat([[1, 1], [-1, -1], [1, -1], [-1, 1]], [half - half // 2, half // 2] * 2, axis=0)
        X = corners + np.clip(rng.normal(0.0, 0.25, size=(n, 2)), -0.6, 0.6)  # stays 0.4 from the axes
    else:  # radii uniform over the area: a ring from 1.2 to 1.7 (class 0) around a disc of radius 0.8 (class 1)
        r = np.sqrt(np.concatenate([rng.uniform(1.2**2, 1.7**2, half), rng.uniform(0.0, 0.8**2, half)]))
        # angles spread evenly around the circle: neighbouring ring points are less than 2 acos(0.8 / 1.2) = 96°
        # apart, so the ring's hull holds the whole disc and no line separates the classes, even for n = 8
        gap = 2 * np.pi / half
        jitter = min(0.4 * gap, 0.45 * (2 * np.arccos(0.8 / 1.2) - gap))
        ring = gap * (rng.uniform() + np.arange(half)) + rng.uniform(-jitter, jitter, half)
        disc = gap * (np.arange(half) + rng.uniform(0.0, 1.0, half))
        angle = np.concatenate([ring, disc])
        X = np.column_stack([r * np.cos(angle), r * np.sin(angle)])
    order = rng.permutation(n)  # train goes through the rows in order: mix the classes
    return Dataset(X[order], y[order], ("x1", "x2"), "class", "classification", f"preset {name!r} (seed {seed})")


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
