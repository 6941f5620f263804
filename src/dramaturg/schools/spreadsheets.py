"""Reading an uploaded table (CSV or Excel .xlsx) into numbered rows of text cells.

Knows nothing about staff: it answers "which cells are in this file?" and raises
``TableError`` with a short code when the bytes cannot be used. The caller turns the code
into a message in the user's language (see ``staff_import.FILE_NOTES``).

The file type is decided by content first (an .xlsx is a zip, an old .xls an OLE file) and
by name second, because people rename files and browsers report odd content types.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any
from xml.etree.ElementTree import ParseError

Record = tuple[int, list[str]]  # (row number as the spreadsheet shows it, cells)

# Columns beyond this are never read: the lists we read have a handful.
MAX_COLUMNS = 50
# Physical rows read at most (blank ones included); far beyond any school's staff.
MAX_SCANNED_ROWS = 100_000
# An .xlsx is a zip of XML; refuse one that would unpack to far more than an upload's size.
MAX_XLSX_UNPACKED = 100 * 1024 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and .doc) format
ZIP_MAGIC = b"PK\x03\x04"
TEXT_SUFFIXES = {"", ".csv", ".txt", ".tsv"}
DELIMITERS = (";", ",", "\t")
# Control characters never occur in a real list; finding one means the bytes are not text.
BINARY_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
SEP_LINE = re.compile(r"sep=[;,\t]", flags=re.IGNORECASE)


@dataclass(frozen=True)
class Limits:
    """How much of a file is read; None reads everything. Uploads use ``UPLOAD_LIMITS``; a
    file a researcher reads on their own machine (``dramaturg analyze``) ``NO_LIMITS``."""

    max_rows: int | None = MAX_SCANNED_ROWS
    max_columns: int | None = MAX_COLUMNS
    max_unpacked: int | None = MAX_XLSX_UNPACKED


UPLOAD_LIMITS = Limits()
NO_LIMITS = Limits(max_rows=None, max_columns=None, max_unpacked=None)


class TableError(Exception):
    """The upload cannot be read as a table. ``code``: empty, unreadable, old_excel, too_large."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def clean_text(value: str) -> str:
    """Trim and collapse inner whitespace (tabs, non-breaking spaces from Excel)."""
    return " ".join(value.split())


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM, as Excel writes "CSV UTF-8"), UTF-16, else Windows-1252.

    Windows-1252 is what Dutch Excel writes for plain "CSV"; latin-1 is the last resort
    because it accepts every byte (cp1252 leaves five bytes undefined).
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise TableError("unreadable") from error
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _count_outside_quotes(line: str, char: str) -> int:
    return sum(part.count(char) for part in line.split('"')[::2])


def csv_dialect(text: str) -> tuple[str, str, int]:
    """(the text to parse, its delimiter, the row number of its first line).

    Excel understands (and sometimes writes) a first line "sep=;" naming the delimiter: it
    is no row, so the rows are numbered from 2. Otherwise the most frequent of the three
    delimiters outside quotes in the first non-blank line wins."""
    end = text.find("\n")
    first_line = text if end < 0 else text[:end]
    if SEP_LINE.fullmatch(first_line.strip()):
        return ("" if end < 0 else text[end + 1 :]), first_line.strip()[4], 2
    # The header is near the top: look there first rather than split a large file into lines.
    cut = text.find("\n", 65536)  # a line boundary, so the lines before it are whole
    head, tail = (text, "") if cut < 0 else (text[:cut], text[cut:])
    header = next((line for line in head.splitlines() if line.strip()), "")
    header = header or next((line for line in tail.splitlines() if line.strip()), "")
    counts = {d: _count_outside_quotes(header, d) for d in DELIMITERS}
    return text, max(DELIMITERS, key=lambda d: counts[d]), 1  # ties: ';' wins, it comes first


def read_csv(data: bytes, limits: Limits = UPLOAD_LIMITS) -> list[Record]:
    """Records of a CSV file; the delimiter is guessed from the header line.

    Dutch Excel writes ';' (the comma is the decimal separator), others ',', "Unicode
    text" exports a tab. The most frequent of the three outside quotes in the first
    non-blank line wins.
    """
    text = decode_text(data)
    if BINARY_CHARS.search(text):
        raise TableError("unreadable")
    text, delimiter, start = csv_dialect(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[Record] = []
    try:
        for number, cells in enumerate(reader, start=start):
            if limits.max_rows is not None and len(records) >= limits.max_rows:
                break
            records.append((number, [clean_text(c) for c in cells[: limits.max_columns]]))
    except csv.Error as error:
        raise TableError("unreadable") from error
    return records


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return clean_text(str(value))


def read_xlsx(data: bytes, limits: Limits = UPLOAD_LIMITS) -> list[Record]:
    """Records of the workbook's active sheet, read in openpyxl's streaming mode."""
    # Imported here: openpyxl is heavy and only this path needs it.
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    # What a damaged or foreign zip (a .docx, an .ods) raises inside openpyxl.
    broken = (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        InvalidFileException,
        ParseError,
        KeyError,
        ValueError,
        TypeError,
        OSError,
        EOFError,
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if limits.max_unpacked is not None and unpacked > limits.max_unpacked:
                raise TableError("too_large")
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except broken as error:
        raise TableError("unreadable") from error
    try:
        sheet = workbook.active or workbook.worksheets[0]
        rows = sheet.iter_rows(
            max_col=limits.max_columns, max_row=limits.max_rows, values_only=True
        )
        records = [
            (number, [cell_text(v) for v in values]) for number, values in enumerate(rows, 1)
        ]
    except (*broken, IndexError, AttributeError) as error:
        # IndexError: a workbook without sheets; AttributeError: the active sheet is a chart.
        raise TableError("unreadable") from error
    finally:
        workbook.close()
    # Excel pads rows to the sheet's width; drop the padding so blank columns are no columns.
    width = max((_filled_width(cells) for _number, cells in records), default=0)
    return [(number, cells[:width]) for number, cells in records]


def _filled_width(cells: list[str]) -> int:
    return max((index + 1 for index, cell in enumerate(cells) if cell), default=0)


def read_table(filename: str, data: bytes, limits: Limits = UPLOAD_LIMITS) -> list[Record]:
    """Numbered rows of cells from an upload; raises TableError when there are none to read."""
    if not data.removeprefix(codecs.BOM_UTF8).strip():
        raise TableError("empty")
    if data.startswith(ZIP_MAGIC):
        return read_xlsx(data, limits)
    if data.startswith(OLE_MAGIC):
        raise TableError("old_excel")
    if PurePath(filename).suffix.lower() not in TEXT_SUFFIXES:
        raise TableError("unreadable")
    return read_csv(data, limits)
