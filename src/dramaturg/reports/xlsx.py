"""Writing Excel sheets safely: text stays text, numbers stay numbers.

* Every string is written as text, never as a formula, even when it starts with "=" (a team
  name is typed by a user, and a workbook must not run what someone typed).
* Characters Excel refuses (control characters) are dropped instead of failing the export.
* Numbers are real numbers with a number format (`Number`), so they can be calculated with.
* Sheet titles are at most 31 characters, without the characters Excel forbids, and unique
  (Excel compares them without case).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

INTEGER = "0"
TWO = "0.00"
THREE = "0.000"
PERCENT = "0%"
DATE = "yyyy-mm-dd"

MAX_TITLE = 31
MAX_TEXT = 32767
FORBIDDEN_IN_TITLE = re.compile(r"[\[\]:*?/\\]")

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
UNDERLINE = Border(bottom=Side(style="thin"))
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Number:
    value: float | int
    format: str = INTEGER


def text(value: Any) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_TEXT]


class Sheet:
    """Writes rows from the top of one worksheet down."""

    def __init__(
        self, worksheet: Worksheet, widths: tuple[int, ...] = (), wrap: tuple[int, ...] = ()
    ) -> None:
        """`widths` of the columns from A on; long texts in the `wrap` columns wrap (a note in
        a column that does not wrap runs on over the empty cells to its right)."""
        self.ws = worksheet
        self.row = 0
        self.wrap = set(wrap)
        for column, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(column)].width = width

    def write(self, *values: Any, font: Font | None = None, border: Border | None = None) -> int:
        """One row; None leaves a cell empty. Returns the row number."""
        self.row += 1
        for column, value in enumerate(values, start=1):
            if value is None:
                continue
            cell = self.ws.cell(row=self.row, column=column)
            if isinstance(value, Number):
                cell.value = value.value
                cell.number_format = value.format
            elif isinstance(value, dt.date):
                cell.value = value
                cell.number_format = DATE
            else:
                cell.value = text(value)
                cell.data_type = "s"  # text, even if it starts with "="
                if column in self.wrap:
                    cell.alignment = WRAP
            if font:
                cell.font = font
            if border:
                cell.border = border
        return self.row

    def title(self, value: str) -> int:
        return self.write(value, font=TITLE)

    def heading(self, *values: Any) -> int:
        return self.write(*values, font=BOLD)

    def header(self, *values: Any) -> int:
        return self.write(*values, font=BOLD, border=UNDERLINE)

    def blank(self) -> None:
        self.row += 1

    def freeze_below(self, row: int) -> None:
        self.ws.freeze_panes = self.ws.cell(row=row + 1, column=2)


class SheetTitles:
    """Unique, valid sheet titles; the fixed ones are reserved first."""

    def __init__(self, *reserved: str) -> None:
        self.taken: set[str] = {title.casefold() for title in reserved}

    def take(self, wanted: str) -> str:
        base = shorten(FORBIDDEN_IN_TITLE.sub(" ", text(wanted)).strip().strip("'")) or "-"
        title, number = base, 1
        while title.casefold() in self.taken or title.casefold() == "history":
            number += 1
            suffix = f" ({number})"
            title = shorten(base, MAX_TITLE - len(suffix)) + suffix
        self.taken.add(title.casefold())
        return title


def shorten(value: str, limit: int = MAX_TITLE) -> str:
    """At most `limit` characters, cut at a word where possible, with an ellipsis."""
    value = " ".join(value.split())
    if len(value) <= limit:
        return value
    cut = value[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;.-") + "…"


def save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
