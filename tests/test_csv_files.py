"""load_csv on the files spreadsheets really write (issue 13, item 10): each file loads as the docstring says,
or gets a ValueError naming the file, and the line and column where there is one."""

import zipfile

import numpy as np
import pytest

import nbhelpers as nb
from nbhelpers import data

FEATURES = ("iq", "cgpa")


def _write(tmp_path, name, raw: bytes):
    path = tmp_path / name
    path.write_bytes(raw)
    return path


def _error(path, target="package", task="regression") -> str:
    with pytest.raises(ValueError) as err:
        nb.load_csv(path, FEATURES, target, task)
    assert not isinstance(err.value, UnicodeError), "a bare decoding error from inside"
    return str(err.value)


# --- encodings: Excel's "CSV (Comma delimited)" is Windows-1252, its "Unicode text" UTF-16 with TABs ----------
def test_windows_1252_as_excel_saves_it(tmp_path):
    raw = "nom,iq,cgpa,salaire £\r\nJosé,80,8,8\r\nZoë,70,7,7\r\n".encode("cp1252")
    assert b"\xe9" in raw and b"\xa3" in raw  # é and £ as single cp1252 bytes: not UTF-8
    d = nb.load_csv(_write(tmp_path, "excel_ansi.csv", raw), FEATURES, "salaire £", "regression")
    assert d.X.tolist() == [[80.0, 8.0], [70.0, 7.0]] and d.y.tolist() == [8.0, 7.0]
    assert d.target_name == "salaire £"


def test_utf16_unicode_text_as_excel_saves_it(tmp_path):
    text = "name\tiq\tcgpa\tpackage\r\nJosé\t80\t8\t8.5\r\nZoë £\t70\t7\t7\r\n"
    path = _write(tmp_path, "unicode_text.csv", b"\xff\xfe" + text.encode("utf-16-le"))
    d = nb.load_csv(path, FEATURES, "package", "regression")
    assert d.X.tolist() == [[80.0, 8.0], [70.0, 7.0]] and d.y.tolist() == [8.5, 7.0]
    # a European Excel writes its decimal commas there too
    path = _write(tmp_path, "unicode_text_de.csv", b"\xff\xfe" + text.replace("8.5", "8,5").encode("utf-16-le"))
    assert nb.load_csv(path, FEATURES, "package", "regression").y.tolist() == [8.5, 7.0]


def test_undecodable_bytes_name_the_file_and_line(tmp_path):
    # 0x81 is neither UTF-8 nor Windows-1252; a truncated UTF-16 file ends in half a character
    msg = _error(_write(tmp_path, "odd_bytes.csv", b"iq,cgpa,package\r\n80,8,8\r\n70,7,7\x81\r\n"))
    assert "odd_bytes.csv, line 3" in msg and "\\x81" in msg and "CSV UTF-8" in msg
    raw = b"\xff\xfe" + "iq\tcgpa\tpackage\r\n80\t8\t8\r\n".encode("utf-16-le") + b"7"
    msg = _error(_write(tmp_path, "cut.csv", raw))
    assert "cut.csv, line 3" in msg and "UTF-16" in msg


# --- binary files -------------------------------------------------------------------------------------------
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_binary_files_are_not_text_csv(tmp_path):
    msg = _error(_write(tmp_path, "plot.csv", PNG))
    assert "plot.csv" in msg and "PNG image" in msg and "not a text CSV file" in msg

    xlsx = tmp_path / "grades.csv"  # an Excel workbook renamed .csv
    with zipfile.ZipFile(xlsx, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        z.writestr("xl/worksheets/sheet1.xml", "<worksheet><sheetData/></worksheet>")
    msg = _error(xlsx)
    assert "grades.csv" in msg and "Excel workbook (.xlsx)" in msg and "save the sheet as 'CSV UTF-8" in msg

    msg = _error(_write(tmp_path, "dump.csv", b"iq,cgpa,package\n80,8,8\n\x00\x01\x02\x03\xff\n"))
    assert "dump.csv, line 3" in msg and "not a text CSV file" in msg


# --- separators: European Excel writes ";" and decimal commas, and may start with "sep=;" --------------------
def test_semicolons_sep_line_and_decimal_commas(tmp_path):
    raw = "sep=;\r\nnom;iq;cgpa;package\r\nJosé;80;7,5;8,25\r\nZoë;70;7;7\r\n".encode("cp1252")
    d = nb.load_csv(_write(tmp_path, "excel_fr.csv", raw), FEATURES, "package", "regression")
    assert d.X.tolist() == [[80.0, 7.5], [70.0, 7.0]] and d.y.tolist() == [8.25, 7.0]
    # without the sep= line: the separator comes from the header (UTF-8 with BOM, "CSV UTF-8" in Europe)
    raw = "\ufeffiq;cgpa;package\r\n80;7,5;8,25\r\n".encode("utf-8")
    d = nb.load_csv(_write(tmp_path, "excel_de.csv", raw), FEATURES, "package", "regression")
    assert d.X.tolist() == [[80.0, 7.5]] and d.y.tolist() == [8.25]
    # "7,5" and "7.5" in one file: one of them is wrong (1.000 could be a thousand), so say where both are
    raw = b"iq;cgpa;package\r\n80;7,5;8\r\n70;7.5;7\r\n"
    msg = _error(_write(tmp_path, "mixed.csv", raw))
    assert "mixed.csv, line 3, column 'cgpa'" in msg and "'7.5'" in msg and "'7,5' (line 2" in msg
    msg = _error(_write(tmp_path, "thousands.csv", b"iq;cgpa;package\r\n80;7,5;1.000,5\r\n"))
    assert "thousands.csv, line 2, column 'package'" in msg and "'1.000,5'" in msg and "thousands" in msg
    # with a comma separator a decimal comma must be quoted, and is not a number: say why
    msg = _error(_write(tmp_path, "comma.csv", b'iq,cgpa,package\r\n80,"7,5",8\r\n'))
    assert "comma.csv, line 2, column 'cgpa'" in msg and "'7,5' is not a number" in msg and "decimal comma" in msg


# --- blank lines before the header -----------------------------------------------------------------------
def test_blank_lines_before_the_header(tmp_path):
    # Excel writes a row of empty cells as ",,"; the line numbers stay the file's own
    raw = b"\r\n,,\r\niq,cgpa,package\r\n80,8,8\r\n,,\r\n70,7,7\r\n"
    d = nb.load_csv(_write(tmp_path, "gap.csv", raw), FEATURES, "package", "regression")
    assert d.X.tolist() == [[80.0, 8.0], [70.0, 7.0]] and d.y.tolist() == [8.0, 7.0]
    msg = _error(_write(tmp_path, "gap2.csv", b"\r\n,,\r\niq,cgpa,package\r\n80,8,8\r\n70,,7\r\n"))
    assert "gap2.csv, line 5, column 'cgpa': empty cell" in msg
    msg = _error(_write(tmp_path, "gap3.csv", b"\n\niq,cgpa\n80,8\n"))
    assert "gap3.csv, line 3: missing column(s) ['package']" in msg


# --- duplicated header names ---------------------------------------------------------------------------------
def test_duplicate_header_names(tmp_path):
    msg = _error(_write(tmp_path, "twice.csv", b"iq,iq,cgpa,package\r\n80,1,8,8\r\n"))
    assert "twice.csv, line 1" in msg and "column 'iq' appears 2 times" in msg
    assert "(column 1)" in msg and "(column 2)" in msg
    # repeated names among the columns not read (two "name" columns, Excel's empty trailing ones) are ignored
    raw = b"name,name,iq,cgpa,package,,\r\nana,b,80,8,8,,\r\n"
    d = nb.load_csv(_write(tmp_path, "extra.csv", raw), FEATURES, "package", "regression")
    assert d.X.tolist() == [[80.0, 8.0]]


# --- header case and spaces -------------------------------------------------------------------------------
def test_header_case_and_spaces(tmp_path):
    d = nb.load_csv(
        _write(tmp_path, "caps.csv", b" IQ , CGPA ,Package\r\n80,8,8\r\n"), FEATURES, "package", "regression"
    )
    assert d.X.tolist() == [[80.0, 8.0]] and d.y.tolist() == [8.0]
    assert d.feature_names == FEATURES and d.target_name == "package"  # the names asked for
    msg = _error(_write(tmp_path, "both.csv", b"iq,IQ,cgpa,package\r\n80,1,8,8\r\n"))
    assert "both.csv, line 1" in msg and "column 'iq' appears 2 times" in msg and "'IQ' (column 2)" in msg


# --- huge files ---------------------------------------------------------------------------------------------
def test_a_file_over_the_limit_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "MAX_CSV_BYTES", 1_000)
    path = _write(tmp_path, "huge.csv", b"iq,cgpa,package\n" + b"80,8,8\n" * 1_000)
    msg = _error(path)
    assert "huge.csv" in msg and "MB" in msg and "sample" in msg


@pytest.mark.parametrize(
    "raw",
    [
        b'name,iq,cgpa,package\r\n"Smith, J",80,8,8.5\r\n,,,\r\nbo,70,7.25,7\r\n,,,\r\n',
        b"sep=;\nnom;iq;cgpa;package\nDr. A;80;8;8,5\n;;;\nB;70;7,25;7\n",
        b"iq\tcgpa\tpackage\n80\t8\t8.5\n70\t7.25\t7\n",
    ],
    ids=["commas-quotes-empty-rows", "semicolons-decimal-commas", "tabs"],
)
def test_the_fast_and_the_careful_reader_agree(tmp_path, monkeypatch, raw):
    # big files go through numpy's reader; anything unusual through the cell-by-cell one: same numbers
    path = _write(tmp_path, "same.csv", raw)
    fast_body, results = data._fast_body, []
    monkeypatch.setattr(data, "_fast_body", lambda *args: results.append(fast_body(*args)) or results[-1])
    fast = nb.load_csv(path, FEATURES, "package", "regression")
    assert results[0] is not None  # numpy's reader took it
    monkeypatch.setattr(data, "_fast_body", lambda *args: None)
    careful = nb.load_csv(path, FEATURES, "package", "regression")
    np.testing.assert_array_equal(fast.X, careful.X)
    np.testing.assert_array_equal(fast.y, careful.y)
    assert fast.X.tolist() == [[80.0, 8.0], [70.0, 7.25]] and fast.y.tolist() == [8.5, 7.0]
