"""`dramaturg analyze`: the real command on the golden files (numbers from R, see
tests/golden/analysis/README.md), on Excel and Dutch CSV files, and on bad input, which
must end with a non-zero exit code and one line on stderr."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

GOLDEN = Path(__file__).parent / "golden" / "analysis"
CASES = {p.stem: json.loads(p.read_text()) for p in sorted(GOLDEN.glob("*.json"))}
# bh1996's WBEING is a scale score on 0..5, not answers: the command rejects it, see below.
ANSWER_CASES = [name for name, case in CASES.items() if "data_file" in case and case["options"]]
LQ = CASES["lq2002_leadership"]
LQ_FILE = GOLDEN / LQ["data_file"]
LQ_ITEMS = ",".join(LQ["items"])
TOL = 1e-6
OMEGA_TOL = 1e-3


def analyze(*args: str) -> dict:
    out, err = io.StringIO(), io.StringIO()
    call_command("analyze", *map(str, args), stdout=out, stderr=err)
    assert err.getvalue() == ""
    return json.loads(out.getvalue())


def case_args(case: dict) -> list[str]:
    args = [str(GOLDEN / case["data_file"]), "--items", ",".join(case["items"])]
    args += ["--group", case["group"], "--options", str(case["options"])]
    args += ["--min-items", str(case["min_items"])]
    if case["reverse"]:
        args += ["--reverse", ",".join(case["reverse"])]
    return args


def assert_close(ours: float | None, theirs: float | None, what: str, tol: float = TOL) -> None:
    assert (ours is None) == (theirs is None), f"{what}: ours {ours}, R {theirs}"
    if ours is not None and theirs is not None:
        assert abs(ours - theirs) <= tol, f"{what}: ours {ours}, R {theirs}"


def write_csv(path: Path, rows: list[list[object]], delimiter: str = ",", bom: bool = False):
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(rows)
    path.write_text(("\ufeff" if bom else "") + text.getvalue(), encoding="utf-8")
    return path


def golden_rows(case: dict) -> list[list[str]]:
    with (GOLDEN / case["data_file"]).open(newline="") as f:
        return list(csv.reader(f))


# --- the golden files ---


@pytest.mark.parametrize("name", ANSWER_CASES)
def test_the_command_reproduces_r(name: str) -> None:
    case = CASES[name]
    golden = case["results"]
    # Threshold 1: every group with a scale score is shown, so every figure can be compared.
    result = analyze(*case_args(case), "--threshold", "1")
    assert result["items"] == case["items"]
    assert result["options"] == case["options"]
    assert result["n"] == golden["scale"]["n"]
    assert result["n_groups"] == golden["n_groups"]
    assert_close(result["icc1"], golden["icc1"], "icc1")
    assert_close(result["icc2"], golden["icc2"], "icc2")
    for key in ("mean", "sd", "alpha"):
        assert_close(result["scale"][key], golden["scale"][key], f"scale {key}")
    assert_close(result["scale"]["omega_total"], golden["scale"]["omega_total"], "omega", OMEGA_TOL)
    # R sorts labels as bytes, we naturally: match groups by label.
    ours = {group["group"]: group for group in result["groups"]}
    assert set(ours) == {group["group"] for group in golden["groups"]}
    for theirs in golden["groups"]:
        group = ours[theirs["group"]]
        assert group["n"] == theirs["n"]
        if theirs["n"] == 0:  # no scale score at all: nothing to show
            assert group["suppressed"]
            continue
        assert not group["suppressed"]
        # Every shown group says how many complete cases its agreement and alpha rest on.
        assert group["n_complete"] == theirs["n_complete"]
        for key in ("mean", "sd", "rwg_j", "rwg_j_lindell", "alpha", "reliability"):
            assert_close(group[key], theirs[key], f"{name} group {theirs['group']} {key}")


def test_lq2002_with_the_defaults() -> None:
    # --min-items: all 11 items; --threshold 5.
    result = analyze(LQ_FILE, "--items", LQ_ITEMS, "--group", "COMPID", "--options", "5")
    golden = LQ["results"]
    assert result["options"] == 5
    assert result["n"] == golden["scale"]["n"] == golden["scale"]["n_complete"]
    assert_close(result["icc1"], golden["icc1"], "icc1")
    assert_close(result["icc2"], golden["icc2"], "icc2")
    assert_close(result["scale"]["alpha"], golden["scale"]["alpha"], "alpha")
    assert all(group["n"] >= 5 for group in result["groups"] if not group["suppressed"])
    assert list(result) == [
        "n",
        "n_groups",
        "items",
        "options",
        "scale",
        "icc1",
        "icc2",
        "icc1_ci",
        "groups",
    ]
    shown = [group for group in result["groups"] if not group["suppressed"]]
    assert shown
    assert all(
        {"n_complete", "rwg_j", "rwg_j_lindell", "random_share", "beyond_random"} <= set(group)
        for group in shown
    )


def test_without_a_group_there_are_no_iccs_and_no_groups() -> None:
    result = analyze(LQ_FILE, "--items", LQ_ITEMS, "--options", "5")
    assert result["icc1"] is None
    assert result["icc2"] is None
    assert result["n_groups"] == 0
    assert result["groups"] == []
    assert_close(result["scale"]["alpha"], LQ["results"]["scale"]["alpha"], "alpha")


def test_small_groups_are_suppressed_with_their_label_and_size_only() -> None:
    case = CASES["synthetic_round1"]
    result = analyze(*case_args(case))  # the default threshold, 5
    hidden = [group for group in result["groups"] if group["suppressed"]]
    # G29 and G30 (1 and 2 people) are below 5; together 3, so G06, the smallest other
    # group, is hidden too: otherwise "everyone minus the shown groups" describes those 3.
    assert {group["group"] for group in hidden} == {"G06", "G29", "G30"}
    assert all(set(group) == {"group", "n", "suppressed"} for group in hidden)
    shown = [group for group in result["groups"] if not group["suppressed"]]
    assert all(group["n"] >= 5 for group in shown)


# --- file formats ---


def test_excel_reads_the_same_as_csv(tmp_path: Path) -> None:
    rows = golden_rows(LQ)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(rows[0])
    for row in rows[1:]:
        # Answers and the company as Excel numbers (the company reads back as "2", not "2.0").
        sheet.append([int(cell) if cell else None for cell in row])
    path = tmp_path / "lq2002.xlsx"
    workbook.save(path)

    from_excel = analyze(path, "--items", LQ_ITEMS, "--group", "COMPID", "--options", "5")
    from_csv = analyze(LQ_FILE, "--items", LQ_ITEMS, "--group", "COMPID", "--options", "5")
    assert from_excel == from_csv
    assert_close(from_excel["icc1"], LQ["results"]["icc1"], "icc1")


def test_dutch_csv_with_semicolons_bom_and_decimal_commas(tmp_path: Path) -> None:
    case = CASES["synthetic_round1"]
    rows = golden_rows(case)
    dutch = [rows[0]] + [[f"{c},0" if c.isdigit() else c for c in row] for row in rows[1:]]
    path = write_csv(tmp_path / "ronde1.csv", dutch, delimiter=";", bom=True)
    args = case_args(case)
    assert analyze(path, *args[1:]) == analyze(*args)


def test_empty_cells_are_missing_and_rows_without_a_group_count_for_the_scale_only(
    tmp_path: Path,
) -> None:
    rows = [["a", "b", "team"], ["1", "2", "x"], ["2", "", "x"], ["3", "3", "y"], ["4", "4", ""]]
    rows += [["", "", ""], ["2", "2", "y"]]  # a blank row is no respondent
    path = write_csv(tmp_path / "small.csv", rows)
    four = ("--options", "4")
    result = analyze(path, "--items", "a,b", "--group", "team", "--threshold", "1", *four)
    assert result["n"] == 4  # complete answers only (min-items: all)
    assert result["scale"]["distribution"] == {"a": [1, 2, 1, 1], "b": [0, 2, 1, 1]}
    sizes = {group["group"]: group["n"] for group in result["groups"]}
    assert sizes == {"x": 1, "y": 2}
    with_one = analyze(path, "--items", "a,b", "--group", "team", "--min-items", "1", *four)
    assert with_one["n"] == 5
    assert with_one["options"] == 4


# --- bad input: one clear line ---


def bad(tmp_path: Path, rows: list[list[object]]) -> Path:
    return write_csv(tmp_path / "bad.csv", rows)


BAD_ROWS = [["a", "b", "team"], ["1", "2", "x"], ["3", "2", "x"], ["2", "4", "y"]]
OPTIONS = ["--options", "4"]


@pytest.mark.parametrize(
    ("make", "args", "message"),
    [
        (lambda d: d / "missing.csv", ["--items", "a,b"], "no such file"),
        (lambda d: d, ["--items", "a,b"], "is a directory"),
        (lambda d: bad(d, BAD_ROWS), ["--items", "a,c"], "no column c in bad.csv"),
        (lambda d: bad(d, BAD_ROWS), ["--items", "a,b", "--group", "class"], "no column class"),
        (lambda d: bad(d, BAD_ROWS), ["--items", "a,a"], "--items names a twice"),
        (lambda d: bad(d, BAD_ROWS), ["--items", ","], "--items names no column"),
        (lambda d: bad(d, BAD_ROWS), ["--items", "a,team", "--group", "team"], "also one of"),
        (
            lambda d: bad(d, [*BAD_ROWS, ["3", "three", "y"]]),
            ["--items", "a,b"],
            "row 5, column b: 'three' is not a number",
        ),
        (
            lambda d: bad(d, [*BAD_ROWS, ["2.5", "3", "y"]]),
            ["--items", "a,b"],
            "row 5, column a: 2.5 is not a whole number",
        ),
        (
            lambda d: bad(d, BAD_ROWS),
            ["--items", "a,b", "--options", "3"],
            "row 4, column b: the answer 4 is outside 1..3",
        ),
        (
            lambda d: bad(d, [*BAD_ROWS, ["0", "3", "y"]]),
            ["--items", "a,b", "--options", "4"],
            "row 5, column a: the answer 0 is outside 1..4",
        ),
        (lambda d: bad(d, BAD_ROWS), ["--items", "a,b", "--options", "1"], "at least 2"),
        (lambda d: bad(d, BAD_ROWS), ["--items", "a,b"], "--options N"),
        (lambda d: bad(d, [["a", "b"], ["", ""], ["1", ""]]), ["--items", "b"], "no answers"),
        (
            lambda d: bad(d, BAD_ROWS),
            ["--items", "a,b", *OPTIONS, "--reverse", "team"],
            "not among",
        ),
        (lambda d: bad(d, BAD_ROWS), ["--items", "a,b", *OPTIONS, "--min-items", "0"], "1 and 2"),
        (lambda d: bad(d, BAD_ROWS), ["--items", "a,b", *OPTIONS, "--min-items", "3"], "1 and 2"),
        (
            lambda d: bad(d, BAD_ROWS),
            ["--items", "a,b", *OPTIONS, "--threshold", "0"],
            "at least 1",
        ),
        (lambda d: bad(d, []), ["--items", "a"], "bad.csv is empty"),
        (lambda d: bad(d, [["a", "b"]]), ["--items", "a"], "no rows of answers"),
        (
            lambda d: bad(d, [["a", "a"], ["1", "2"]]),
            ["--items", "a"],
            "the column a appears 2 times",
        ),
        (lambda d: old_excel(d), ["--items", "a"], "old Excel .xls file"),
        (lambda d: not_a_table(d), ["--items", "a"], "cannot be read as a CSV or Excel"),
        (lambda d: bad(d, BAD_ROWS), ["--items", "a,b", "--options", "x"], "invalid int value"),
        (
            lambda d: write_csv(d / "bh1996.csv", golden_rows(CASES["bh1996_wellbeing"])),
            ["--items", "WBEING", "--group", "GRP"],
            "row 2, column WBEING: 2.1111111111 is not a whole number",
        ),
    ],
)
def test_bad_input_is_one_clear_error(tmp_path: Path, make, args, message: str) -> None:
    with pytest.raises(CommandError) as caught:
        analyze(make(tmp_path), *args)
    text = str(caught.value)
    assert message in text
    assert "\n" not in text


def old_excel(directory: Path) -> Path:
    path = directory / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    return path


def not_a_table(directory: Path) -> Path:
    path = directory / "answers.xlsx"
    path.write_bytes(b"this is no spreadsheet")
    return path


# --- the console command itself ---


def run_dramaturg(
    tmp_path: Path, *args: str, lang: str | None = None
) -> subprocess.CompletedProcess[str]:
    # The settings keep a secret in the data directory: keep it out of the repository.
    env = {**os.environ, "DRAMATURG_DATA_DIR": str(tmp_path / "var")}
    if lang is not None:
        for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
            env.pop(variable, None)
        env["LANG"] = lang
    return subprocess.run(
        [sys.executable, "-m", "dramaturg", "analyze", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )


def test_python_m_dramaturg_analyze_prints_json(tmp_path: Path) -> None:
    done = run_dramaturg(
        tmp_path, str(LQ_FILE), "--items", LQ_ITEMS, "--group", "COMPID", "--options", "5"
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    result = json.loads(done.stdout)
    assert_close(result["icc1"], LQ["results"]["icc1"], "icc1")
    assert_close(result["icc2"], LQ["results"]["icc2"], "icc2")
    assert_close(result["scale"]["alpha"], LQ["results"]["scale"]["alpha"], "alpha")
    assert not any(isinstance(v, float) and math.isnan(v) for v in result["scale"].values())


def test_python_m_dramaturg_analyze_fails_with_one_line(tmp_path: Path) -> None:
    done = run_dramaturg(tmp_path, str(LQ_FILE), "--items", LQ_ITEMS, "--options", "4")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "CommandError: row 2, column LEAD07: the answer 5 is outside 1..4"
    ]


@pytest.mark.parametrize(
    ("args", "code", "line"),
    [
        (["missing.csv", "--items", "a"], 1, "CommandError: no such file: missing.csv"),
        (
            [str(LQ_FILE), "--items", "LEAD01,LEAD99"],
            1,
            "CommandError: no column LEAD99 in lq2002_leadership.csv (its columns: LEAD01, "
            "LEAD02, LEAD03, LEAD04, LEAD05, LEAD06, LEAD07, LEAD08, LEAD09, LEAD10, LEAD11, "
            "COMPID)",
        ),
        (
            [str(LQ_FILE), "--items", LQ_ITEMS, "--min-items", "many"],
            2,
            "dramaturg analyze: error: argument --min-items: invalid int value: 'many'",
        ),
        (
            [str(LQ_FILE)],
            2,
            "dramaturg analyze: error: the following arguments are required: --items",
        ),
    ],
)
def test_the_console_command_fails_with_one_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    code: int,
    line: str,
) -> None:
    # In process (a subprocess per case is slow): the same entry point as `dramaturg`.
    from dramaturg.__main__ import main

    monkeypatch.setattr(sys, "argv", ["/somewhere/bin/dramaturg", "analyze", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == code
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [line]


# --- the number of options is never guessed ---


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        (
            "nl_NL.UTF-8",
            "CommandError: geef het aantal antwoordmogelijkheden op met --options N (de "
            "antwoorden lopen van 1 tot N); het wordt niet afgeleid uit de antwoorden",
        ),
        (
            "en_GB.UTF-8",
            "CommandError: give the number of answer options with --options N (answers run "
            "from 1 to N); it is not guessed from the answers",
        ),
        # No language named (the C locale): the site's default, Dutch.
        ("C.UTF-8", "CommandError: geef het aantal antwoordmogelijkheden op met --options N"),
    ],
)
def test_without_options_the_command_refuses_in_the_users_language(
    tmp_path: Path, lang: str, line: str
) -> None:
    # In lq2002 every answer runs 1..5, so a guess would even have been right: still refused.
    done = run_dramaturg(tmp_path, str(LQ_FILE), "--items", LQ_ITEMS, lang=lang)
    assert done.returncode == 1
    assert done.stdout == ""
    [only] = done.stderr.splitlines()
    assert only.startswith(line)


def test_the_number_of_options_changes_agreement(tmp_path: Path) -> None:
    """Why it is not guessed: nobody chose 5 here, yet the scale has 5 options."""
    rows = [["a", "b", "team"]] + [[str(1 + i % 4), str(1 + (i + 1) % 4), "t"] for i in range(8)]
    path = write_csv(tmp_path / "four.csv", rows)
    args = [path, "--items", "a,b", "--group", "team"]
    on_five = analyze(*args, "--options", "5")["groups"][0]
    on_four = analyze(*args, "--options", "4")["groups"][0]
    assert on_five["rwg_j_lindell"] != on_four["rwg_j_lindell"]
    assert on_five["n_complete"] == on_four["n_complete"] == 8


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "nl_NL.UTF-8"}, "nl"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANGUAGE": "en:nl", "LANG": "nl_NL.UTF-8"}, "en"),
        ({"LC_ALL": "nl_BE.UTF-8", "LANG": "en_GB.UTF-8"}, "nl"),
        ({"LANG": "de_DE.UTF-8"}, "nl"),
        ({"LANG": "C.UTF-8"}, "nl"),
        ({}, "nl"),
    ],
)
def test_the_users_language_comes_from_the_environment(environ: dict, language: str) -> None:
    from dramaturg.surveys.management.commands.analyze import user_language

    assert user_language(environ) == language
