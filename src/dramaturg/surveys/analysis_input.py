"""Reading a researcher's data file for `dramaturg analyze`: answers to items, per respondent.

A CSV (``,``, ``;`` or tab; UTF-8 with or without BOM, UTF-16 or Windows-1252) or an Excel
.xlsx workbook (its active sheet), read with the same helpers as the staff import
(`dramaturg.schools.spreadsheets`) but without the upload limits. The first non-blank row
names the columns; every later non-blank row is one respondent. An empty cell is a missing
answer. Answers are whole numbers (``3``, ``3.0`` and the Dutch ``3,0`` all read as 3);
group labels are kept as the text in the cell, so ``"07"`` and ``"7"`` are different groups
and an Excel number 7.0 reads as ``"7"``. A respondent with an empty group cell counts for
the scale but for no group.

Everything wrong with the file or the options raises `InputError` with one sentence that
names the row and column where it can, so the command can print it on one line.

No Django here: `dramaturg analyze` runs without starting Django (see `analyze_cli`). A
message meant for translation is marked with `gettext_noop`; the command translates the
message when it prints it.

A CSV is read column by column with pyarrow (`analysis_columns`), a workbook with
python-calamine (`analysis_excel`), and each distinct text of a column is cleaned and parsed
once: 400,000 rows take a fraction of a second instead of seconds. A file those readers
cannot answer for exactly (and every file with a bad cell, for the precise message) is read
row by row as before (the csv module, openpyxl); both give the same answers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dramaturg.schools.spreadsheets import (
    NO_LIMITS,
    OLE_MAGIC,
    TEXT_SUFFIXES,
    ZIP_MAGIC,
    Record,
    TableError,
    read_table,
)
from dramaturg.surveys.analysis_columns import Columns, read_csv_columns, release_unused_memory
from dramaturg.surveys.analysis_excel import read_xlsx_columns

# A decimal number; the comma is accepted as decimal separator (Dutch Excel writes "3,0").
NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")
# How many column names an "unknown column" message lists before it stops.
LISTED_COLUMNS = 12

TABLE_ERRORS = {
    "empty": "{name} is empty",
    "unreadable": "{name} cannot be read as a CSV or Excel (.xlsx) file",
    "old_excel": "{name} is an old Excel .xls file: save it as .xlsx or CSV",
    "too_large": "{name} is too large to read",
}


class InputError(Exception):
    """The file or the options cannot be analysed; the message is one sentence."""


def gettext_noop(message: str) -> str:
    """Marks a message for the catalogues (makemessages knows this name); the command
    translates it when it prints it."""
    return message


@dataclass(frozen=True)
class Answers:
    """The answers of a file: one row per respondent."""

    items: np.ndarray  # (n, k) float, NaN where the cell was empty
    item_names: list[str]
    # One label per respondent ("" for none), or None without --group.
    groups: list[str] | np.ndarray | None
    row_numbers: list[int] | np.ndarray  # the row of each respondent as the spreadsheet shows it


@dataclass(frozen=True)
class Settings:
    """The arguments of `dramaturg.analysis.summarise`, checked against the answers."""

    options: int
    reverse: list[str]
    min_items: int
    threshold: int


def split_names(text: str) -> list[str]:
    """Names from a comma-separated argument ("A, B,C"), blanks dropped."""
    return [name.strip() for name in text.split(",") if name.strip()]


def read_answers(
    path: str | Path, items: Sequence[str], group: str | None = None, *, columnar: bool = True
) -> Answers:
    """The answers to `items` (and the group of each respondent) in the file at `path`.

    columnar=False reads row by row only (the tests compare the two readers)."""
    path = Path(path)
    items = list(items)
    if not items:
        raise InputError("--items names no column")
    twice = _duplicates(items)
    if twice:
        raise InputError(f"--items names {twice[0]} twice")
    if group is not None and group in items:
        raise InputError(f"the group column {group} is also one of the items")
    data = _read_bytes(path)
    table = _columns(path, data) if columnar else None
    if table is not None:
        answers = _answers_from_columns(table, items, group, path)
        del table
        release_unused_memory()
        if answers is not None:
            return answers
    records = _records(path, data)
    header_index = next((i for i, (_n, cells) in enumerate(records) if any(cells)), None)
    if header_index is None:
        raise InputError(f"{path.name} is empty")
    header = records[header_index][1]
    columns = [_column(header, name, path) for name in items]
    group_column = None if group is None else _column(header, group, path)
    rows = [(number, cells) for number, cells in records[header_index + 1 :] if any(cells)]
    if not rows:
        raise InputError(f"{path.name} has a header but no rows of answers")

    values = np.full((len(rows), len(columns)), np.nan)
    parsed: dict[str, float] = {"": math.nan}  # few distinct answers: parse each text once
    for i, (number, cells) in enumerate(rows):
        for j, column in enumerate(columns):
            text = cells[column] if column < len(cells) else ""
            value = parsed.get(text)
            if value is None:
                value = parsed[text] = _answer(text, number, items[j])
            values[i, j] = value
    labels = None
    if group_column is not None:
        labels = [cells[group_column] if group_column < len(cells) else "" for _n, cells in rows]
    return Answers(values, items, labels, [number for number, _cells in rows])


def check_settings(
    answers: Answers,
    *,
    options: int | None = None,
    reverse: Sequence[str] = (),
    min_items: int | None = None,
    threshold: int = 5,
) -> Settings:
    """The options for `summarise`, with the default filled in: min_items all items.

    The number of options is never guessed: the largest answer seen is not the scale's
    (nobody may have chosen the top option), and it changes rwg(j), r*wg(j) and the
    reverse keying. The file names no instrument, so `options` is required. Raises
    InputError without it (in the active language), for an answer outside 1..options
    (naming the first such cell), a reverse keyed item that is not an item, a min_items
    outside 1..items or a threshold below 1."""
    x, names = answers.items, answers.item_names
    answered = ~np.isnan(x)
    if not answered.any():
        raise InputError(f"no answers in the columns {', '.join(names)}")
    if options is None:
        raise InputError(
            gettext_noop(
                "give the number of answer options with --options N (answers run from 1 to N); "
                "it is not guessed from the answers"
            )
        )
    if options < 2:
        raise InputError(f"--options must be at least 2, not {options}")
    outside = answered & ((x < 1) | (x > options))
    if outside.any():
        i, j = (int(v) for v in np.argwhere(outside)[0])
        raise InputError(
            f"row {answers.row_numbers[i]}, column {names[j]}: the answer {int(x[i, j])} "
            f"is outside 1..{options}"
        )
    reverse = list(reverse)
    for name in reverse:
        if name not in names:
            raise InputError(f"the reverse keyed item {name} is not among --items")
    k = len(names)
    min_items = k if min_items is None else min_items
    if not 1 <= min_items <= k:
        raise InputError(f"--min-items must be between 1 and {k} (the number of items)")
    if threshold < 1:
        raise InputError(f"--threshold must be at least 1, not {threshold}")
    return Settings(options, reverse, min_items, threshold)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not a file") from None
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror or error}") from None


def _columns(path: Path, data: bytes) -> Columns | None:
    """The file as columns when a columnar reader reads it exactly (see analysis_columns
    for CSV and analysis_excel for Excel); None leaves it to the row by row reader."""
    # The same decision as read_table: Excel and old Excel by content, text by name.
    if data.startswith(ZIP_MAGIC):
        return read_xlsx_columns(data)
    if not data.removeprefix(b"\xef\xbb\xbf").strip() or data.startswith(OLE_MAGIC):
        return None
    if path.suffix.lower() not in TEXT_SUFFIXES:
        return None
    return read_csv_columns(data)


def _answers_from_columns(
    table: Columns, items: list[str], group: str | None, path: Path
) -> Answers | None:
    """The answers from a file read as columns, or None when a cell needs the row by row reading
    for its message (a text that is no whole number, or a header that is not on top)."""
    blank = table.blank()
    if not blank.size or blank[0]:
        return None  # blank lines above the header: rare, the row reader handles them
    header = table.row(0)
    indexes = [_column(header, name, path) for name in items]
    group_index = None if group is None else _column(header, group, path)
    rows = np.flatnonzero(~blank[1:]) + 1
    if not rows.size:
        raise InputError(f"{path.name} has a header but no rows of answers")
    values = np.empty((rows.size, len(indexes)))
    for j, index in enumerate(indexes):
        column = table.column(index)
        codes = column.codes[rows]
        # Only the texts of the respondents' rows: the header's is in the column too.
        used = np.bincount(codes, minlength=len(column.texts)) > 0
        parsed = [
            _parse_answer(t) if u else math.nan
            for t, u in zip(column.texts, used.tolist(), strict=True)
        ]
        if any(value is None for value in parsed):
            return None  # the row reader names the first bad cell
        values[:, j] = np.asarray(parsed, dtype=np.float64)[codes]
    labels = None
    if group_index is not None:
        column = table.column(group_index)
        labels = np.asarray(column.texts, dtype=str)[column.codes[rows]]
    return Answers(values, items, labels, rows + table.start)


def _parse_answer(text: str) -> float | None:
    """The answer in a cell (NaN for an empty one), or None when it is no whole number."""
    if text == "":
        return math.nan
    if not NUMBER.fullmatch(text):
        return None
    value = float(text.replace(",", "."))
    return value if value.is_integer() else None


def _records(path: Path, data: bytes) -> list[Record]:
    try:
        return read_table(path.name, data, NO_LIMITS)
    except TableError as error:
        raise InputError(TABLE_ERRORS[error.code].format(name=path.name)) from None


def _column(header: list[str], name: str, path: Path) -> int:
    found = [i for i, cell in enumerate(header) if cell == name]
    if len(found) > 1:
        raise InputError(f"the column {name} appears {len(found)} times in {path.name}")
    if not found:
        known = [cell for cell in header if cell]
        listed = ", ".join(known[:LISTED_COLUMNS]) + (", …" if len(known) > LISTED_COLUMNS else "")
        raise InputError(f"no column {name} in {path.name} (its columns: {listed})")
    return found[0]


def _answer(text: str, row: int, column: str) -> float:
    if not NUMBER.fullmatch(text):
        raise InputError(f"row {row}, column {column}: {text!r} is not a number")
    value = float(text.replace(",", "."))
    if not value.is_integer():
        raise InputError(f"row {row}, column {column}: {text} is not a whole number")
    return value


def _duplicates(names: list[str]) -> list[str]:
    return [name for i, name in enumerate(names) if name in names[:i]]
