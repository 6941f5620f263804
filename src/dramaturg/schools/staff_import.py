"""Reading a staff list (CSV or Excel) and checking every row, without touching the database.

A leader's list has the columns name, e-mail, team and role, with Dutch or English headings
in any case (``naam``/``name``, ``e-mail``/``email``/``e-mailadres``, ``team``/``teams``,
``rol``/``role``). School administration exports often split the name, so ``voornaam``,
``tussenvoegsel`` and ``achternaam`` are accepted as well.

``parse_staff_file(filename, data)`` turns the uploaded bytes into a ``ParsedFile``: problems
of the file as a whole (empty, unreadable, missing columns, too many rows) and one
``StaffRow`` per person, each carrying its own problems. Problems and other sentences are
``Note`` objects: a ``gettext_lazy`` text plus its values, rendered in the language that is
active when they are shown.

What importing a row would *do* (new person, role change, ...) needs the database and lives
in ``staff_import_plan``; the writes are in ``services.import_staff``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dramaturg.accounts.models import normalize_email
from dramaturg.schools.roles import Role
from dramaturg.schools.spreadsheets import Record, TableError, clean_text, read_table

# One upload is one school's staff; a few hundred people is large. The cap keeps the
# preview page and the session (see staff_import_views) small.
MAX_ROWS = 2000
NAME_MAX_LENGTH = 150  # User.display_name
TEAM_MAX_LENGTH = 120  # Team.name
EMAIL_MAX_LENGTH = 254  # RFC 5321 path limit, as Django's EmailField

TEAM_SEPARATORS = re.compile(r"[;,]")


@dataclass(frozen=True)
class Note:
    """A translatable sentence (a problem, or what will happen) with the values it names."""

    code: str
    text: str | Promise
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        template = str(self.text)
        return template % dict(self.params) if self.params else template


def _key(text: str) -> str:
    """Compare headings and role names loosely: case, '-', '_', '*', ':' and spacing ignored."""
    text = text.replace("\ufeff", "").strip().strip("*:").lower()
    return " ".join(re.sub(r"[-_]", " ", text).split())


COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("naam", "name", "volledige naam", "full name"),
    "email": (
        "e-mail",
        "email",
        "e-mailadres",
        "emailadres",
        "e-mail adres",
        "e-mail address",
        "email address",
        "mail",
    ),
    "teams": ("team", "teams"),
    "role": ("rol", "role"),
    "first_name": ("voornaam", "roepnaam", "first name"),
    "infix": ("tussenvoegsel", "tussenvoegsels", "infix"),
    "last_name": ("achternaam", "last name", "surname"),
}
COLUMN_BY_KEY = {
    _key(alias): column for column, aliases in COLUMN_ALIASES.items() for alias in aliases
}
KNOWN_COLUMNS = "naam, e-mail, team, rol (name, email, team, role)"

ROLE_ALIASES: dict[str, tuple[str, ...]] = {
    Role.LEADER: ("schoolleider", "leider", "leader", "school leader", "directeur", "director"),
    Role.CULTURE_CARRIER: (
        "ontwikkelgroep",
        "lid ontwikkelgroep",
        "culture carrier",  # also matches culture_carrier: see _key
        "cultuurdrager",
        "development group",
    ),
    Role.MEMBER: (
        "teamlid",
        "leerkracht",
        "docent",
        "leraar",
        "medewerker",
        "member",
        "team member",
        "teacher",
        "staff member",
    ),
}
ROLE_BY_KEY = {
    _key(alias): str(role) for role, aliases in ROLE_ALIASES.items() for alias in aliases
}
ALLOWED_ROLES = "schoolleider, ontwikkelgroep, teamlid (leader, culture carrier, member)"

# --- File-level problems -------------------------------------------------------------------

EMPTY_FILE = Note("empty_file", _("The file is empty."))
NO_PEOPLE = Note("no_people", _("The file has column names but no people below them."))
UNREADABLE = Note(
    "unreadable",
    _("This file cannot be read. Upload a CSV file or an Excel workbook (.xlsx)."),
)
OLD_EXCEL = Note(
    "old_excel",
    _(
        "This is an old Excel file (.xls). Open it in Excel and save it as "
        "“Excel Workbook (.xlsx)” or as CSV, then upload that file."
    ),
)
TOO_LARGE = Note(
    "too_large", _("This Excel file is too large to read. Save the staff list as CSV instead.")
)
FILE_NOTES = {
    "empty": EMPTY_FILE,
    "unreadable": UNREADABLE,
    "old_excel": OLD_EXCEL,
    "too_large": TOO_LARGE,
}
NO_HEADER = Note(
    "no_header",
    _(
        "The first row does not name the columns. Start the file with a row of column "
        "names: %(columns)s."
    ),
    {"columns": KNOWN_COLUMNS},
)
NO_NAME_COLUMN = Note(
    "missing_column",
    _(
        "There is no column with names. Call it “naam” or “name” (or use “voornaam” and "
        "“achternaam”)."
    ),
)
NO_EMAIL_COLUMN = Note(
    "missing_column", _("There is no column with e-mail addresses. Call it “e-mail” or “email”.")
)


# --- Rows ----------------------------------------------------------------------------------


def split_teams(text: str) -> tuple[str, ...]:
    """Several teams in one cell, separated by ';' or ','; repeats are dropped (any case)."""
    teams: list[str] = []
    seen: set[str] = set()
    for part in TEAM_SEPARATORS.split(text):
        name = clean_text(part)
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            teams.append(name)
    return tuple(teams)


def role_from_text(text: str) -> str | None:
    """The role a cell names; an empty cell means team member; None when unknown."""
    key = _key(text)
    return str(Role.MEMBER) if not key else ROLE_BY_KEY.get(key)


def _shorten(text: str, length: int = 40) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


@dataclass
class StaffRow:
    """One person as the file describes them, with the problems found in that row alone.

    ``line`` is the spreadsheet row number (the header is row 1), so the leader can find the
    row in Excel. ``overflow`` records that the row had more cells than there are columns.
    Build rows with ``make_row``; ``check_rows`` adds the problems that span rows.
    """

    line: int
    name: str
    email: str
    teams: tuple[str, ...]
    role_text: str
    overflow: bool = False
    role: str | None = None
    problems: list[Note] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def role_label(self) -> Any:
        """The role in the interface language, or the unknown text as written."""
        return Role(self.role).label if self.role else self.role_text

    def to_data(self) -> list[Any]:
        """A small JSON-able form (for the session between preview and confirm)."""
        return [self.line, self.name, self.email, list(self.teams), self.role_text, self.overflow]


def make_row(
    line: int,
    name: str,
    email: str,
    teams: Iterable[str],
    role_text: str,
    overflow: bool = False,
) -> StaffRow:
    """Normalise one person's cells and list what is wrong with them."""
    row = StaffRow(
        line=line,
        name=clean_text(name),
        email=normalize_email(email),
        teams=split_teams(";".join(teams)),
        role_text=clean_text(role_text),
        overflow=overflow,
    )
    row.role = role_from_text(row.role_text)
    problems = row.problems
    if not row.name:
        problems.append(Note("missing_name", _("The name is missing.")))
    elif len(row.name) > NAME_MAX_LENGTH:
        problems.append(
            Note(
                "name_too_long",
                _("The name is longer than %(max)s characters."),
                {"max": NAME_MAX_LENGTH},
            )
        )
    if not row.email:
        problems.append(Note("missing_email", _("The e-mail address is missing.")))
    elif not _valid_email(row.email):
        problems.append(
            Note(
                "bad_email",
                _("“%(email)s” is not a valid e-mail address."),
                {"email": _shorten(row.email, 80)},
            )
        )
    if row.role is None:
        problems.append(
            Note(
                "unknown_role",
                _(
                    "Unknown role “%(role)s”. Allowed roles: %(allowed)s. "
                    "An empty cell means team member."
                ),
                {"role": _shorten(row.role_text), "allowed": ALLOWED_ROLES},
            )
        )
    for team in row.teams:
        if len(team) > TEAM_MAX_LENGTH:
            problems.append(
                Note(
                    "team_too_long",
                    _("The team name “%(team)s” is longer than %(max)s characters."),
                    {"team": _shorten(team), "max": TEAM_MAX_LENGTH},
                )
            )
    if overflow:
        problems.append(
            Note(
                "too_many_cells",
                _(
                    "This row has more cells than the file has columns. If a cell holds "
                    "several teams, put the cell between quotes or separate the teams with “;”."
                ),
            )
        )
    return row


def _valid_email(email: str) -> bool:
    if len(email) > EMAIL_MAX_LENGTH:
        return False
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def check_rows(rows: Iterable[StaffRow]) -> list[StaffRow]:
    """Re-check rows from their values (e.g. after the session) and mark repeated addresses."""
    checked = [make_row(r.line, r.name, r.email, r.teams, r.role_text, r.overflow) for r in rows]
    lines_by_email: dict[str, list[int]] = {}
    for row in checked:
        if row.email:
            lines_by_email.setdefault(row.email, []).append(row.line)
    for row in checked:
        lines = lines_by_email.get(row.email, [])
        if len(lines) > 1:
            others = ", ".join(str(line) for line in lines if line != row.line)
            row.problems.append(
                Note(
                    "duplicate_email",
                    _("This e-mail address is also in row %(rows)s. Each person may appear once."),
                    {"rows": others},
                )
            )
    return checked


def rows_from_data(data: Sequence[Sequence[Any]]) -> list[StaffRow]:
    """Rows back from ``StaffRow.to_data``; raises ValueError on anything malformed."""
    rows = []
    for item in data:
        if not isinstance(item, list | tuple) or len(item) != 6:
            raise ValueError("malformed staff row")
        line, name, email, teams, role_text, overflow = item
        if not (
            isinstance(line, int) and all(isinstance(v, str) for v in (name, email, role_text))
        ):
            raise ValueError("malformed staff row")
        if not isinstance(teams, list) or not all(isinstance(t, str) for t in teams):
            raise ValueError("malformed staff row")
        rows.append(StaffRow(line, name, email, tuple(teams), role_text, bool(overflow)))
    return check_rows(rows)


# --- From records (rows of cells) to staff rows -------------------------------------------


@dataclass
class ParsedFile:
    """The outcome of reading an upload: file-level problems, else the rows."""

    rows: list[StaffRow] = field(default_factory=list)
    problems: list[Note] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(row.ok for row in self.rows)


def _map_columns(
    header: Sequence[str], records: Sequence[Record]
) -> tuple[dict[str, int], list[Note]]:
    columns: dict[str, int] = {}
    problems: list[Note] = []
    unknown: list[Note] = []
    for index, heading in enumerate(header):
        column = COLUMN_BY_KEY.get(_key(heading))
        if not _key(heading):
            # Excel often saves trailing separators; a heading-less column only matters
            # when it holds something.
            if any(index < len(cells) and cells[index] for _line, cells in records):
                problems.append(
                    Note(
                        "unnamed_column",
                        _("Column %(number)s holds values but has no name in the first row."),
                        {"number": index + 1},
                    )
                )
        elif column is None:
            unknown.append(
                Note(
                    "unknown_column",
                    _(
                        "Unknown column “%(column)s”. The columns can be: %(known)s. "
                        "Rename or remove this column."
                    ),
                    {"column": _shorten(clean_text(heading)), "known": KNOWN_COLUMNS},
                )
            )
        elif column in columns:
            problems.append(
                Note(
                    "duplicate_column",
                    _("The column “%(column)s” appears more than once."),
                    {"column": _shorten(clean_text(heading))},
                )
            )
        else:
            columns[column] = index
    if not columns:
        # Nothing recognised: the file most likely starts with people, not column names.
        return columns, [NO_HEADER]
    problems = unknown + problems
    if "name" not in columns and not {"first_name", "last_name"} <= columns.keys():
        problems.append(NO_NAME_COLUMN)
    if "email" not in columns:
        problems.append(NO_EMAIL_COLUMN)
    return columns, problems


def parse_records(records: Iterable[Record], max_rows: int = MAX_ROWS) -> ParsedFile:
    """Header row first, then one person per row; blank rows are skipped."""
    filled = [(line, cells) for line, cells in records if any(cells)]
    if not filled:
        return ParsedFile(problems=[EMPTY_FILE])
    (_header_line, header), body = filled[0], filled[1:]
    if len(body) > max_rows:
        return ParsedFile(
            problems=[
                Note(
                    "too_many_rows",
                    _(
                        "The file has %(count)s rows; at most %(max)s can be imported at once. "
                        "Split the list into smaller files."
                    ),
                    {"count": len(body), "max": max_rows},
                )
            ]
        )
    columns, problems = _map_columns(header, body)
    if problems:
        return ParsedFile(problems=problems)
    if not body:
        return ParsedFile(problems=[NO_PEOPLE])

    def cell(cells: list[str], column: str) -> str:
        index = columns.get(column)
        return cells[index] if index is not None and index < len(cells) else ""

    rows = []
    for line, cells in body:
        name = cell(cells, "name") or " ".join(
            cell(cells, part) for part in ("first_name", "infix", "last_name")
        )
        overflow = any(cells[len(header) :])
        rows.append(
            make_row(
                line,
                name,
                cell(cells, "email"),
                [cell(cells, "teams")],
                cell(cells, "role"),
                overflow,
            )
        )
    return ParsedFile(rows=check_rows(rows))


def parse_staff_file(filename: str, data: bytes, max_rows: int = MAX_ROWS) -> ParsedFile:
    """Read and check an uploaded staff list. Pure: no database access."""
    try:
        records = read_table(filename, data)
    except TableError as error:
        return ParsedFile(problems=[FILE_NOTES[error.code]])
    return parse_records(records, max_rows=max_rows)


# --- Writing a list (the example file, and round-trip tests) ------------------------------

DUTCH_HEADER = ("naam", "e-mail", "team", "rol")
EXAMPLE_ROWS = (
    ("Anna de Vries", "anna.devries@school.example", "Onderbouw", "teamlid"),
    ("Bram Bakker", "bram.bakker@school.example", "Onderbouw, Bovenbouw", "ontwikkelgroep"),
    ("Chantal El Amrani", "c.elamrani@school.example", "Bovenbouw", "leerkracht"),
    ("Dirk Jansen", "dirk.jansen@school.example", "", "schoolleider"),
)


def render_csv(
    rows: Iterable[Sequence[str]],
    header: Sequence[str] = DUTCH_HEADER,
    delimiter: str = ";",
) -> str:
    """A staff list as CSV text (';' and CRLF, as Dutch Excel expects)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
