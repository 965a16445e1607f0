"""The playground's data: uploads (the bytes and file name an ipywidgets.FileUpload gives) read with load_csv's
rules, and the seeded presets that no linear hidden layer separates.

Every file is written out here as bytes; every expected number is written by hand."""

from __future__ import annotations

import io
import warnings
import zipfile

import numpy as np
import pytest

import nbhelpers as nb
from nbhelpers import data
from nbhelpers.data import MAX_UPLOAD_BYTES, MAX_UPLOAD_ROWS, PRESETS, load_upload, make_preset, read_upload


def _error(raw, name="marks.csv") -> str:
    """The message of read_upload's ValueError (not a subclass such as UnicodeError)."""
    with pytest.raises(ValueError) as err:
        read_upload(raw, name)
    assert type(err.value) is ValueError
    return str(err.value)


def _load_error(raw, features=("iq", "cgpa"), target="placed", task=None, name="marks.csv") -> str:
    upload = read_upload(raw, name)
    with pytest.raises(ValueError) as err:
        load_upload(upload, features, target, task)
    assert type(err.value) is ValueError
    return str(err.value)


# --- files that load ------------------------------------------------------------------------------------------
def test_a_comma_file_loads():
    raw = b"name,iq,cgpa,placed\r\nAna,110,9.5,1\r\nBo,95,6.25,0\r\n\r\nCy,70,7,1\r\n"
    upload = read_upload(raw, "marks.csv")
    assert upload.name == "marks.csv"
    assert upload.columns == ("name", "iq", "cgpa", "placed")
    assert upload.n_rows == 3  # the blank line is not a row
    assert upload.separator == ","
    d = load_upload(upload, ("iq", "cgpa"), "placed")
    assert d.X.tolist() == [[110.0, 9.5], [95.0, 6.25], [70.0, 7.0]]
    assert d.y.tolist() == [1.0, 0.0, 1.0]
    assert d.X.dtype == float and d.y.dtype == float
    assert d.feature_names == ("iq", "cgpa") and d.target_name == "placed"
    assert d.task == "classification"
    assert d.source == "marks.csv"
    # the columns in another order, chosen as a list (what two dropdowns give)
    d = load_upload(upload, ["cgpa", "iq"], "placed", "regression")
    assert d.X.tolist() == [[9.5, 110.0], [6.25, 95.0], [7.0, 70.0]] and d.task == "regression"


def test_the_upload_repr_leaves_out_the_text():
    upload = read_upload(b"iq,cgpa,placed\n80,8,1\n" + b"70,7,0\n" * 1000, "big.csv")
    assert repr(upload) == "Upload(name='big.csv', columns=('iq', 'cgpa', 'placed'), n_rows=1001, separator=',')"


def test_a_memoryview_as_ipywidgets_8_gives_it():
    upload = read_upload(memoryview(b"iq,cgpa,package\n80,8,8.5\n"), "mv.csv")
    assert load_upload(upload, ("iq", "cgpa"), "package").y.tolist() == [8.5]
    assert read_upload(bytearray(b"iq,cgpa,package\n80,8,8.5\n"), "ba.csv").n_rows == 1


def test_semicolons_and_decimal_commas_as_european_excel_saves_them():
    raw = b"Name;IQ;CGPA;Package\r\nAna;110;9,5;12,75\r\nBo;95;6,25;7\r\n"
    upload = read_upload(raw, "noten.csv")
    assert upload.separator == ";" and upload.columns == ("Name", "IQ", "CGPA", "Package")
    d = load_upload(upload, ("IQ", "CGPA"), "Package")
    assert d.X.tolist() == [[110.0, 9.5], [95.0, 6.25]]
    assert d.y.tolist() == [12.75, 7.0]
    assert d.task == "regression"


def test_a_sep_line():
    raw = b"sep=;\r\niq;cgpa;package\r\n80;7,5;8,25\r\n70;7;7\r\n"
    upload = read_upload(raw, "sep.csv")
    assert upload.separator == ";" and upload.columns == ("iq", "cgpa", "package") and upload.n_rows == 2
    d = load_upload(upload, ("iq", "cgpa"), "package")
    assert d.X.tolist() == [[80.0, 7.5], [70.0, 7.0]] and d.y.tolist() == [8.25, 7.0]
    # the line numbers stay the file's own: the sep= line is line 1
    msg = _load_error(b"sep=;\r\niq;cgpa;package\r\n80;7,5;8,25\r\n70;;7\r\n", target="package")
    assert "marks.csv, line 4, column 'cgpa': empty cell" in msg


def test_a_utf8_bom():
    upload = read_upload(b"\xef\xbb\xbfiq,cgpa,package\r\n80,8,8.5\r\n", "bom.csv")
    assert upload.columns == ("iq", "cgpa", "package")  # no BOM stuck to the first name
    d = load_upload(upload, ("iq", "cgpa"), "package")
    assert d.X.tolist() == [[80.0, 8.0]] and d.y.tolist() == [8.5]


def test_windows_1252_with_a_non_ascii_header():
    raw = "Name;Qualität;Note;Ergebnis\r\nJosé;80;7,5;1\r\nZoë;70;6;0\r\n".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # single-byte ä, é, ë: this is not UTF-8
    upload = read_upload(raw, "qualität.csv")
    assert upload.columns == ("Name", "Qualität", "Note", "Ergebnis")
    d = load_upload(upload, ("Qualität", "Note"), "Ergebnis")
    assert d.X.tolist() == [[80.0, 7.5], [70.0, 6.0]] and d.y.tolist() == [1.0, 0.0]
    assert d.task == "classification" and d.source == "qualität.csv"


def test_utf16_unicode_text_as_excel_saves_it():
    raw = b"\xff\xfe" + "name\tiq\tcgpa\tpackage\r\nJosé\t80\t8\t8,5\r\n".encode("utf-16-le")
    upload = read_upload(raw, "unicode.txt")
    assert upload.separator == "\t" and upload.columns == ("name", "iq", "cgpa", "package")
    assert load_upload(upload, ("iq", "cgpa"), "package").y.tolist() == [8.5]


# --- files refused as a whole -----------------------------------------------------------------------------------
XLSX = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\x62\xee\x9d\x68\x5e\x01\x00\x00xl/workbook.xml\x00\x00"


def test_bytes_that_are_not_text():
    msg = _error(XLSX, "grades.xlsx")
    assert msg.startswith("grades.xlsx: ") and "Excel workbook (.xlsx)" in msg
    assert "not a text CSV file" in msg and "save the sheet as 'CSV UTF-8" in msg
    # a real workbook, zipped here
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    assert "Excel workbook (.xlsx)" in _error(buffer.getvalue(), "grades.csv")
    msg = _error(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "plot.csv")
    assert msg.startswith("plot.csv: ") and "PNG image" in msg
    msg = _error(b"iq,cgpa,placed\n80,8,1\n\x00\x01\x02\xff\n", "dump.csv")
    assert msg.startswith("dump.csv, line 3: ") and "not a text CSV file" in msg


def test_a_file_over_1_mb_is_refused_before_decoding():
    raw = b"iq,cgpa,package\n" + b"80,8,8\n" * 150_000 + b"\x81"  # 1,050,017 bytes, and a byte no decoder takes
    msg = _error(raw, "huge.csv")
    assert msg.startswith("huge.csv: ") and "1050017 bytes" in msg and "1.05 MB" in msg
    assert "at most 1 MB" in msg and "sample" in msg and "x81" not in msg


def test_exactly_1_mb_is_accepted_and_one_byte_more_is_not():
    header = b"iq,cgpa,package,note\n"
    row = b"80,8,8," + b"x" * 92 + b"\n"  # 100 bytes
    rest = MAX_UPLOAD_BYTES - len(header) - 9_999 * len(row)
    raw = header + row * 9_999 + b"70,7,7," + b"x" * (rest - 8) + b"\n"
    assert len(raw) == 1_000_000
    upload = read_upload(raw, "full.csv")
    assert upload.n_rows == 10_000
    assert load_upload(upload, ("iq", "cgpa"), "package").X[-1].tolist() == [70.0, 7.0]
    msg = _error(raw + b"x", "full.csv")
    assert "1000001 bytes" in msg and "at most 1 MB (1000000 bytes)" in msg


def test_more_than_10000_rows_are_refused():
    assert MAX_UPLOAD_ROWS == 10_000
    msg = _error(b"iq,cgpa,package\n" + b"80,8,8\n" * 10_001, "many.csv")
    assert msg.startswith("many.csv: ") and "10001 data rows" in msg and "at most 10000" in msg


def test_10000_rows_are_accepted_and_blank_lines_do_not_count():
    raw = b"iq,cgpa,package\n" + b"80,8,8\n\n,,\n" * 9_999 + b"70,7,7.5\n"
    upload = read_upload(raw, "many.csv")
    assert upload.n_rows == 10_000
    d = load_upload(upload, ("iq", "cgpa"), "package")
    assert d.X.shape == (10_000, 2) and d.y[-1] == 7.5 and d.y[:-1].tolist() == [8.0] * 9_999


@pytest.mark.parametrize("raw", [b"", b"\r\n\r\n", b" \n,,\n;;\n"], ids=["nothing", "blank-lines", "empty-cells"])
def test_an_empty_file(raw):
    msg = _error(raw, "empty.csv")
    assert msg.startswith("empty.csv: the file is empty") and "header row" in msg


def test_a_header_without_rows():
    assert _error(b"iq,cgpa,placed\r\n\r\n", "header.csv") == "header.csv: no data rows after the header"


def test_fewer_than_3_columns():
    msg = _error(b"iq|cgpa|placed\n80|8|1\n", "pipes.csv")  # no separator read_upload knows: one column
    assert msg.startswith("pipes.csv, line 1: ") and "1 column(s)" in msg and "'iq|cgpa|placed'" in msg
    assert "split at commas" in msg and "at least 3" in msg
    msg = _error(b"iq,placed\n80,1\n", "two.csv")
    assert msg.startswith("two.csv, line 1: ") and "2 column(s)" in msg and "two features and a target" in msg


def test_duplicate_header_names():
    msg = _error(b"iq,cgpa,iq,placed\n80,8,1,1\n")
    assert msg == "marks.csv, line 1: the header names 'iq' twice (columns 1 and 3); rename one"
    # ignoring case and surrounding spaces, and on the header's own line after blank lines
    msg = _error(b"\r\n\r\nname,IQ,cgpa, iq ,placed\r\nana,80,8,1,1\r\n")
    assert msg.startswith("marks.csv, line 3: ") and "'IQ' and 'iq'" in msg and "(columns 2 and 4)" in msg


def test_empty_header_names():
    msg = _error(b"iq,,cgpa,placed\n80,1,8,1\n")
    assert msg.startswith("marks.csv, line 1: ") and "column 2 has no name" in msg
    msg = _error(b"iq,cgpa,placed,  ,x\n80,8,1,,\n")
    assert msg.startswith("marks.csv, line 1: ") and "column 4 has no name" in msg
    # the empty trailing columns Excel may write are left out, as load_csv ignores them
    upload = read_upload(b"iq,cgpa,placed,,\r\n80,8,1,,\r\n70,7,0,,\r\n", "trailing.csv")
    assert upload.columns == ("iq", "cgpa", "placed")
    assert load_upload(upload, ("iq", "cgpa"), "placed").y.tolist() == [1.0, 0.0]


def test_content_must_be_bytes():
    msg = _error("iq,cgpa,placed\n80,8,1\n", "text.csv")
    assert msg.startswith("text.csv: ") and "bytes" in msg and "str" in msg


# --- the chosen columns -----------------------------------------------------------------------------------------
GOOD = b"name,iq,cgpa,placed,package\r\nAna,80,8,1,8.5\r\nBo,70,7,0,7\r\n"


def test_a_missing_column():
    msg = _load_error(GOOD, target="salary")
    assert msg.startswith("marks.csv, line 1: missing column(s) ['salary']")
    assert "['name', 'iq', 'cgpa', 'placed', 'package']" in msg


def test_an_empty_cell_names_line_and_column():
    msg = _load_error(b"iq,cgpa,placed\r\n80,8,1\r\n70,,0\r\n")
    assert msg == "marks.csv, line 3, column 'cgpa': empty cell"
    msg = _load_error(b"iq,cgpa,placed\r\n80,8,1\r\n70,7\r\n")  # a short row: the cell is missing
    assert msg == "marks.csv, line 3, column 'placed': empty cell"


@pytest.mark.parametrize(
    "raw, line, column, cell, words",
    [
        (b"name,iq,cgpa,placed\nAna,80,8,1\nBo,70,seven,0\n", 3, "cgpa", "seven", "is not a number"),
        (b"iq,cgpa,placed\n80,8,1\n1O0,5,0\n", 3, "iq", "1O0", "is not a number"),
        (b"iq,cgpa,placed\n80,nan,1\n", 2, "cgpa", "nan", "is not a finite number"),
        (b"iq,cgpa,placed\n80,8,1\n70,7,inf\n", 3, "placed", "inf", "is not a finite number"),
        (b'iq,cgpa,placed\n80,"7,5",1\n', 2, "cgpa", "7,5", "decimal comma"),
        (b"iq;cgpa;placed\n80;7,5;1\n70;7.5;0\n", 3, "cgpa", "7.5", "different decimal marks"),
    ],
    ids=["word", "letter-O", "nan", "inf", "decimal-comma-in-a-comma-file", "mixed-decimal-marks"],
)
def test_a_bad_cell_names_line_column_and_value(raw, line, column, cell, words):
    msg = _load_error(raw)
    assert msg.startswith(f"marks.csv, line {line}, column {column!r}: {cell!r} ")
    assert words in msg


def test_the_columns_not_chosen_are_not_read():
    d = load_upload(
        read_upload(b"name,iq,cgpa,placed,note\nAna,80,8,1,\nBo,70,7,0,n/a\n", "m.csv"), ("iq", "cgpa"), "placed"
    )
    assert d.X.tolist() == [[80.0, 8.0], [70.0, 7.0]]


def test_task_inferred_both_ways():
    upload = read_upload(GOOD, "marks.csv")
    d = load_upload(upload, ("iq", "cgpa"), "placed")
    assert d.task == "classification" and d.y.tolist() == [1.0, 0.0]
    d = load_upload(upload, ("iq", "cgpa"), "package")
    assert d.task == "regression" and d.y.tolist() == [8.5, 7.0]
    # 0 and 1 with a 2 among them: regression
    d = load_upload(read_upload(b"iq,cgpa,grade\n80,8,1\n70,7,0\n60,6,2\n", "g.csv"), ("iq", "cgpa"), "grade")
    assert d.task == "regression" and d.y.tolist() == [1.0, 0.0, 2.0]
    # an explicit task wins over the inference when the values allow it
    assert load_upload(upload, ("iq", "cgpa"), "placed", "regression").task == "regression"


def test_an_explicit_task_is_checked():
    msg = _load_error(GOOD, target="package", task="classification")
    assert msg.startswith("marks.csv, line 2, column 'package': ")
    assert "classification needs y in {0, 1}, got 8.5" in msg
    raw = b"iq,cgpa,placed\n80,8,1\n\n70,7,0\n60,6,2\n"  # the third row is on line 5
    msg = _load_error(raw, task="classification")
    assert msg.startswith("marks.csv, line 5, column 'placed': ") and "got 2.0" in msg
    msg = _load_error(GOOD, task="ranking")
    assert msg.startswith("marks.csv: task must be one of") and "'ranking'" in msg


@pytest.mark.parametrize("cls", [0, 1])
def test_a_single_class(cls):
    raw = f"iq,cgpa,placed\n80,8,{cls}\n70,7,{cls}\n".encode()
    msg = _load_error(raw)
    assert msg == (
        f"marks.csv, column 'placed': only class {cls} occurs; classification needs rows of both classes 0 and 1"
    )
    assert _load_error(raw, task="classification") == msg
    # as a regression target a constant column is allowed
    assert load_upload(read_upload(raw, "marks.csv"), ("iq", "cgpa"), "placed", "regression").y.tolist() == [cls] * 2


@pytest.mark.parametrize(
    "features, target, words",
    [
        (("iq", "cgpa"), "iq", "the target 'iq' is also a feature"),
        (("iq", "cgpa"), " CGPA ", "the target ' CGPA ' is also a feature"),
        (("iq", "iq"), "placed", "the two features must be different columns, got 'iq' twice"),
        (("iq", "IQ"), "placed", "the two features must be different columns"),
        (("iq",), "placed", "features must name 2 columns"),
        ("iq", "placed", "features must name 2 columns"),
        (("iq", "cgpa", "name"), "placed", "features must name 2 columns"),
        (("iq", None), "placed", "choose a column for feature 2 (x_i2), got None"),
        (("iq", "cgpa"), None, "choose a column for the target, got None"),
        (("", "cgpa"), "placed", "choose a column for feature 1 (x_i1), got ''"),
    ],
)
def test_features_and_target_must_be_three_columns(features, target, words):
    msg = _load_error(GOOD, features, target)
    assert msg.startswith("marks.csv: ") and words in msg


def test_load_upload_needs_an_upload():
    with pytest.raises(ValueError, match=r"upload must be an Upload from read_upload, got bytes"):
        load_upload(GOOD, ("iq", "cgpa"), "placed")


BAD_UPLOADS = [
    (b"", None),
    (XLSX, None),
    (b"iq,cgpa,iq\n1,2,3\n", None),
    (b"iq,cgpa,placed\n80,,1\n", ("iq", "cgpa", "placed")),
    (b"iq,cgpa,placed\n80,x,1\n", ("iq", "cgpa", "placed")),
    (b"iq;cgpa;placed\n80;7,5;1\n70;7.5;0\n", ("iq", "cgpa", "placed")),
    (b"iq,cgpa,placed\n80,8,1\n", ("iq", "cgpa", "placed")),
    (b"iq,cgpa,placed\n80,8,1\n", ("iq", "cgpa", "salary")),
    (b"\x81\x82 iq,cgpa,placed\n80,8,1\n\x81\n", ("iq", "cgpa", "x")),
]


@pytest.mark.parametrize("raw, columns", BAD_UPLOADS)
def test_messages_start_with_the_file_name_and_print_nothing(raw, columns, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning would be an error here
        with pytest.raises(ValueError) as err:
            upload = read_upload(raw, "my marks.csv")
            load_upload(upload, columns[:2], columns[2])
    assert str(err.value).startswith("my marks.csv")
    assert "/" not in str(err.value) and "tmp" not in str(err.value)  # no temporary path
    assert capsys.readouterr() == ("", "")


def test_an_upload_loads_as_the_same_file_through_load_csv(tmp_path):
    # one reader for both: the same numbers, and the same message with the path in place of the file name
    for raw in (GOOD, b"sep=;\nnom;iq;cgpa;package\nDr. A;80;8;8,5\n;;;\nB;70;7,25;7\n"):
        path = tmp_path / "same.csv"
        path.write_bytes(raw)
        from_file = nb.load_csv(path, ("iq", "cgpa"), "package", "regression")
        uploaded = load_upload(read_upload(raw, "same.csv"), ("iq", "cgpa"), "package", "regression")
        np.testing.assert_array_equal(from_file.X, uploaded.X)
        np.testing.assert_array_equal(from_file.y, uploaded.y)
    raw = b"iq,cgpa,package\n80,8,8\n70,7.5.1,7\n"
    path = tmp_path / "bad.csv"
    path.write_bytes(raw)
    with pytest.raises(ValueError) as from_file:
        nb.load_csv(path, ("iq", "cgpa"), "package", "regression")
    msg = _load_error(raw, target="package", name="bad.csv")
    assert msg == str(from_file.value).replace(str(path), "bad.csv")
    assert msg == "bad.csv, line 3, column 'cgpa': '7.5.1' is not a number"


# --- presets --------------------------------------------------------------------------------------------------
def _linearly_separable(X, y) -> bool:
    """Exact in two dimensions: the classes are separable by a line exactly when some direction puts all of one
    class's projections below all of the other's (a direction and its opposite are the same test). The
    projections' order only changes at directions normal to a difference of two points, so one direction between
    each two neighbouring such directions is enough."""
    i, j = np.triu_indices(len(X), 1)
    diff = X[j] - X[i]
    critical = np.sort(np.mod(np.arctan2(diff[:, 1], diff[:, 0]) + np.pi / 2, np.pi))
    between = (critical + np.append(critical[1:], critical[0] + np.pi)) / 2
    proj = X @ np.stack([np.cos(between), np.sin(between)])
    a, b = proj[y == 0], proj[y == 1]
    return bool(((a.max(axis=0) < b.min(axis=0)) | (b.max(axis=0) < a.min(axis=0))).any())


def _least_squares_errors(d) -> float:
    """The fraction of rows a least-squares linear classifier on (x1, x2, 1), thresholded at 0.5, gets wrong."""
    A = np.column_stack([d.X, np.ones(len(d.y))])
    w = np.linalg.lstsq(A, d.y, rcond=None)[0]
    return float(np.mean((A @ w > 0.5) != d.y))


@pytest.mark.parametrize("seed", range(5))
def test_the_separability_check_finds_a_line_when_there_is_one(seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(48, 2))
    side = X @ rng.normal(size=2) + 0.3
    y = (side > 0).astype(float)
    assert _linearly_separable(X, y)
    assert not _linearly_separable(X, (X[:, 0] * X[:, 1] > 0).astype(float))  # quadrants: no line


@pytest.mark.parametrize("name", PRESETS)
def test_preset_shapes_names_and_balance(name):
    assert PRESETS == ("xor", "circle")
    d = make_preset(name)
    assert isinstance(d, data.Dataset)
    assert d.X.shape == (48, 2) and d.y.shape == (48,) and d.X.dtype == float and d.y.dtype == float
    assert d.feature_names == ("x1", "x2") and d.target_name == "class" and d.task == "classification"
    assert d.source == f"preset '{name}' (seed 0)"
    assert set(d.y.tolist()) == {0.0, 1.0} and d.y.sum() == 24
    assert 0 < d.y[:24].sum() < 24  # shuffled: train goes through the rows in order
    for n in (8, 10, 100):
        assert make_preset(name, n, 3).y.sum() == n / 2
    assert make_preset(name, 20, 7).source == f"preset '{name}' (seed 7)"


@pytest.mark.parametrize("name", PRESETS)
def test_presets_are_seeded(name):
    a, b = make_preset(name, 48, 5), make_preset(name, 48, 5)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    c = make_preset(name, 48, 6)
    assert not np.allclose(np.sort(a.X, axis=0), np.sort(c.X, axis=0))
    np.testing.assert_array_equal(make_preset(name).X, make_preset(name, 48, 0).X)  # the defaults


def test_xor_points_are_around_the_corners():
    for seed in range(10):
        d = make_preset("xor", 48, seed)
        assert ((np.abs(d.X) > 0.3) & (np.abs(d.X) < 1.7)).all()  # near ±1, away from the axes
        opposite = np.sign(d.X[:, 0]) != np.sign(d.X[:, 1])
        np.testing.assert_array_equal(d.y, opposite.astype(float))
        corners = {(int(a), int(b)) for a, b in np.sign(d.X)}
        assert corners == {(1, 1), (1, -1), (-1, 1), (-1, -1)}


def test_circle_has_a_gap_between_the_classes():
    for seed in range(10):
        d = make_preset("circle", 48, seed)
        r = np.hypot(d.X[:, 0], d.X[:, 1])
        assert r[d.y == 1].max() < 0.9 and r[d.y == 0].min() > 1.1  # nothing within 0.1 of radius 1
        assert r[d.y == 0].max() < 2.0
        # the ring goes all the way round: every quarter of the plane has ring points
        quarter = (np.arctan2(d.X[:, 1], d.X[:, 0]) // (np.pi / 2)).astype(int)
        assert set(quarter[d.y == 0].tolist()) == {-2, -1, 0, 1}


@pytest.mark.parametrize("name", PRESETS)
@pytest.mark.parametrize("seed", range(10))
def test_a_least_squares_line_misclassifies_a_quarter(name, seed):
    assert _least_squares_errors(make_preset(name, 48, seed)) >= 0.25


@pytest.mark.parametrize("name", PRESETS)
@pytest.mark.parametrize("n", [8, 10, 12, 48, 150])
def test_no_line_separates_a_preset(name, n):
    for seed in range(20 if n < 100 else 3):
        d = make_preset(name, n, seed)
        assert not _linearly_separable(d.X, d.y), (name, n, seed)


def test_a_preset_trains():
    d = make_preset("xor", 16, 1)
    h = nb.train(d.X, d.y, "classification", nb.Params.random(0), 0.5, 2, hidden="tanh")
    assert len(h.losses) == 3 and np.isfinite(h.losses).all()


def test_an_unknown_preset():
    with pytest.raises(ValueError, match=r"unknown preset 'moons'; expected one of \('xor', 'circle'\)"):
        make_preset("moons")
    with pytest.raises(ValueError, match=r"unknown preset None"):
        make_preset(None)


@pytest.mark.parametrize("n", [7, 6, 0, -8, 9, 47, 10_002, 48.0, "48", True, None], ids=repr)
def test_a_bad_preset_size(n):
    with pytest.raises(ValueError, match=rf"^n must be an even integer from 8 to 10000 .*got {n!r}"):
        make_preset("xor", n)


@pytest.mark.parametrize("seed", [-1, 1.5, "0", None], ids=repr)
def test_a_bad_preset_seed(seed):
    with pytest.raises(ValueError, match=r"^seed must be an integer >= 0"):
        make_preset("circle", 48, seed)
