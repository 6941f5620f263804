"""`dramaturg analyze` reads a CSV column by column (pyarrow) and starts without Django.

The columnar reader must give exactly what the row by row reader gives (the one the staff
import also uses), on awkward files too; where it cannot, it must step aside. The console
command must give the same output and the same one-line errors as Django's command while
never importing Django."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings

from dramaturg.schools.spreadsheets import NO_LIMITS, read_csv
from dramaturg.surveys import analyze_cli
from dramaturg.surveys.analysis_columns import read_csv_columns
from dramaturg.surveys.analysis_input import InputError, read_answers

GOLDEN = Path(__file__).parent / "golden" / "analysis"
LQ_FILE = GOLDEN / "lq2002_leadership.csv"
LQ_ITEMS = ",".join(f"LEAD{i:02d}" for i in range(1, 12))

# Files as people and programs write them; each is read by both readers and compared.
AWKWARD = {
    "plain": "a,b,team\n1,2,x\n3,4,y\n",
    "crlf and no final newline": "a,b,team\r\n1,2,x\r\n3,4,y",
    "quoted delimiter": 'a,b,team\n1,2,"Klas 3, havo"\n3,4,x\n',
    "quoted newline": 'a,b,team\n1,2,"two\nlines"\n3,4,x\n',
    "doubled and stray quotes": 'a,b,team\n1,2,"say ""hi"""\n3,4,a"b\n2,2,"a"b\n',
    "blank lines": "a,b,team\n1,2,x\n\n3,4,y\n,,\n2,,y\n",
    "whitespace in cells": "a, b ,team\n 1 ,2,  Klas\u00a0 3a \n3,\t4,y\n",
    "semicolons, BOM and decimal commas": "\ufeffa;b;team\n1,0;2;x\n3;4,0;y\n",
    "sep line": "sep=;\na;b;team\n1;2;x\n3;4;y\n",
    "tabs": "a\tb\tteam\n1\t2\tx\n3\t4\ty\n",
    "labels kept as text": "a,b,team\n1,2,07\n3,4,7\n2,2,7.0\n",
    "empty group cells": "a,b,team\n1,2,\n3,4,y\n",
}


def both(path: Path, items: list[str], group: str | None = "team"):
    return (
        read_answers(path, items, group),
        read_answers(path, items, group, columnar=False),
    )


def assert_same(columnar, rows) -> None:
    assert np.array_equal(columnar.items, rows.items, equal_nan=True)
    assert columnar.item_names == rows.item_names
    assert list(columnar.row_numbers) == list(rows.row_numbers)
    if rows.groups is None:
        assert columnar.groups is None
    else:
        assert list(columnar.groups) == list(rows.groups)


@pytest.mark.parametrize("name", sorted(AWKWARD))
def test_the_columnar_reader_reads_what_the_row_reader_reads(tmp_path: Path, name: str) -> None:
    path = tmp_path / "answers.csv"
    path.write_text(AWKWARD[name], encoding="utf-8")
    columnar, rows = both(path, ["a", "b"])
    assert_same(columnar, rows)
    # And the columns themselves are the records the staff import reads.
    data = path.read_bytes()
    table = read_csv_columns(data)
    assert table is not None
    records = read_csv(data, NO_LIMITS)
    assert [table.start + i for i in range(table.n_records)] == [n for n, _ in records]
    assert [table.row(i) for i in range(table.n_records)] == [
        cells or [""] * table.width for _n, cells in records
    ]


def test_windows_1252_is_read_the_same(tmp_path: Path) -> None:
    path = tmp_path / "ronde.csv"
    path.write_bytes("a;b;team\n1;2;groep Zoë\n3;4;café\n".encode("cp1252"))
    columnar, rows = both(path, ["a", "b"])
    assert_same(columnar, rows)
    assert list(columnar.groups) == ["groep Zoë", "café"]


@pytest.mark.parametrize(
    "text",
    [
        "a,b,team\n1,2\n3,4,y\n",  # a short row: pyarrow wants a rectangle
        "a,b,team\n1,2,x,extra\n",  # a long row
        "\n\na,b,team\n1,2,x\n",  # blank lines above the header
    ],
)
def test_what_the_columnar_reader_cannot_read_is_read_row_by_row(tmp_path: Path, text) -> None:
    path = tmp_path / "answers.csv"
    path.write_text(text, encoding="utf-8")
    columnar, rows = both(path, ["a", "b"])
    assert_same(columnar, rows)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b\n1,2\n3,drie\n", "row 3, column b: 'drie' is not a number"),
        ("a,b\n1,2\n\n2.5,3\n", "row 4, column a: 2.5 is not a whole number"),
        ("a,b\n1,2\n", "no column team in answers.csv (its columns: a, b)"),
    ],
)
def test_a_bad_cell_is_named_by_its_row_and_column(tmp_path: Path, text, message) -> None:
    path = tmp_path / "answers.csv"
    path.write_text(text, encoding="utf-8")
    group = "team" if "team" in message else None
    with pytest.raises(InputError) as caught:
        read_answers(path, ["a", "b"], group)
    assert str(caught.value) == message


def test_a_large_file_gives_the_same_answers_both_ways(tmp_path: Path) -> None:
    rng = np.random.default_rng(15)
    answers = rng.integers(1, 6, size=(20_000, 4)).astype(float)
    answers[rng.random(answers.shape) < 0.05] = np.nan
    labels = rng.integers(0, 300, size=20_000)
    lines = ["q1;q2;q3;q4;klas"] + [
        ";".join("" if v != v else f"{v:.0f}" for v in row) + f";K{label:03d}"
        for row, label in zip(answers.tolist(), labels.tolist(), strict=True)
    ]
    path = tmp_path / "groot.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    columnar, rows = both(path, ["q1", "q2", "q3", "q4"], "klas")
    assert_same(columnar, rows)
    assert np.array_equal(columnar.items, answers, equal_nan=True)


# --- the console command without Django ---


def run(tmp_path: Path, *args: str, code: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DRAMATURG_DATA_DIR": str(tmp_path / "var"), "LANG": "en_GB.UTF-8"}
    env.pop("LANGUAGE", None)
    env.pop("LC_ALL", None)
    program = (
        "import sys\n"
        f"sys.argv = ['dramaturg', 'analyze', *{list(args)!r}]\n"
        "from dramaturg.__main__ import main\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    code = exit.code\n"
        f"{code}\n"
        "sys.exit(code)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )


def test_the_console_command_never_imports_django(tmp_path: Path) -> None:
    done = run(
        tmp_path,
        str(LQ_FILE),
        "--items",
        LQ_ITEMS,
        "--group",
        "COMPID",
        "--options",
        "5",
        code="sys.stderr.write(repr(sorted(m for m in sys.modules if m.startswith('django'))))",
    )
    assert done.returncode == 0
    assert done.stderr == "[]"
    golden = json.loads((GOLDEN / "lq2002_leadership.json").read_text())["results"]
    assert json.loads(done.stdout)["n_groups"] == golden["n_groups"]


def test_the_console_command_prints_what_djangos_command_prints(tmp_path: Path) -> None:
    import io

    from django.core.management import call_command

    args = [str(LQ_FILE), "--items", LQ_ITEMS, "--group", "COMPID", "--options", "5"]
    out = io.StringIO()
    call_command("analyze", *args, stdout=out)
    done = run(tmp_path, *args)
    assert done.stdout == out.getvalue()


def test_a_djangos_own_option_goes_to_django(tmp_path: Path) -> None:
    # --no-color is Django's: the line goes to the management command, which answers alike.
    done = run(tmp_path, "missing.csv", "--items", "a", "--no-color")
    assert done.returncode == 1
    assert done.stderr.splitlines() == ["CommandError: no such file: missing.csv"]
    # --traceback too, and there Django shows the traceback it was asked for.
    done = run(tmp_path, "missing.csv", "--items", "a", "--traceback")
    assert done.returncode == 1
    assert "Traceback" in done.stderr
    assert analyze_cli.handles(["f.csv", "--items", "a", "--traceback"]) is False
    assert analyze_cli.handles(["f.csv", "--items=a", "--options", "5"]) is True
    assert analyze_cli.handles(["f.csv", "--item", "a"]) is False  # abbreviations: Django's
    assert analyze_cli.handles(["f.csv", "-h"]) is False


def test_the_console_command_knows_the_sites_languages() -> None:
    assert tuple(code for code, _name in settings.LANGUAGES) == analyze_cli.LANGUAGES
    assert analyze_cli.DEFAULT_LANGUAGE == settings.LANGUAGE_CODE


# --- Excel: python-calamine, or openpyxl where calamine cannot give openpyxl's texts ---


def workbook(path: Path, rows: list[list[object]], *, at: str = "A1", **extra) -> Path:
    from openpyxl import Workbook
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    book = Workbook()
    sheet = book.active
    letter, first_row = coordinate_from_string(at)
    first_column = column_index_from_string(letter)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is not None:
                sheet.cell(first_row + i, first_column + j, value)
    if extra.get("second_sheet_active"):
        other = book.create_sheet("andere")
        other["A1"] = "a"
        book.active = 1
    book.save(path)
    return path


EXCEL = {
    "numbers and text": [["a", "b", "team"], [1, 2, "x"], [3, 4.0, "y"], [2, None, 7]],
    "away from A1": [["a", "b", "team"], [1, 2, "x"], [None, None, None], [3, 4, 7.0]],
    "labels as numbers and text": [["a", "b", "team"], [1, 2, 7], [3, 4, "7"], [2, 2, "07"]],
    "whitespace": [["a", " b ", "team"], [1, 2, " Klas\u00a0 3 "], [3, 4, "y"]],
    "truth values": [["a", "b", "team"], [1, 2, True], [3, 4, "y"]],
}


@pytest.mark.parametrize(
    ("name", "at"),
    [(name, at) for name in sorted(EXCEL) for at in ("A1", "C3")],
)
def test_excel_is_read_the_same_by_calamine_and_openpyxl(tmp_path: Path, name, at) -> None:
    path = workbook(tmp_path / "antwoorden.xlsx", EXCEL[name], at=at)
    columnar, rows = both(path, ["a", "b"])
    assert_same(columnar, rows)
    assert columnar.row_numbers[0] == int(at[1:]) + 1


def test_excel_dates_and_another_active_sheet_are_read_by_openpyxl(tmp_path: Path) -> None:
    import datetime as dt

    from dramaturg.surveys.analysis_excel import read_xlsx_columns

    dated = workbook(
        tmp_path / "dated.xlsx", [["a", "b", "team"], [1, 2, dt.date(2026, 9, 1)], [3, 4, "y"]]
    )
    assert read_xlsx_columns(dated.read_bytes()) is None
    columnar, rows = both(dated, ["a", "b"])
    assert_same(columnar, rows)
    assert list(columnar.groups) == ["2026-09-01T00:00:00", "y"]

    other = workbook(
        tmp_path / "other.xlsx", [["a", "b", "team"], [1, 2, "x"]], second_sheet_active=True
    )
    assert read_xlsx_columns(other.read_bytes()) is None
    with pytest.raises(InputError, match=r"no column b in other\.xlsx"):
        read_answers(other, ["a", "b"], "team")

    plain = workbook(tmp_path / "plain.xlsx", [["a", "b", "team"], [1, 2, "x"]])
    assert read_xlsx_columns(plain.read_bytes()) is not None
