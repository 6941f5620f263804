"""The staff list parser on its own: real CSV and Excel bytes in, rows and problems out.

No views and no database: `parse_staff_file` is pure. The pages and the import itself are
tested in test_staff_import.py.
"""

from __future__ import annotations

import codecs
import io
import zipfile

import openpyxl
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from dramaturg.schools.roles import Role
from dramaturg.schools.staff_import import (
    DUTCH_HEADER,
    EXAMPLE_ROWS,
    ROLE_ALIASES,
    make_row,
    parse_staff_file,
    render_csv,
    role_from_text,
    rows_from_data,
)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def codes(notes) -> list[str]:
    return [note.code for note in notes]


def people(parsed) -> list[tuple]:
    return [(r.line, r.name, r.email, r.teams, r.role) for r in parsed.rows]


def test_dutch_excel_csv_with_semicolons_and_bom():
    text = (
        "Naam;E-mailadres;Teams;Rol\r\n"
        "Anna de Vries;Anna.deVries@School.NL;Onderbouw, Groep 3;Leerkracht\r\n"
        "\r\n"
        "Chantal El Amrani;c.elamrani@school.nl;;schoolleider\r\n"
        "Bram Bakker;bram@school.nl;Bovenbouw;Culture_Carrier\r\n"
    )
    parsed = parse_staff_file("personeel.csv", codecs.BOM_UTF8 + text.encode("utf-8"))
    assert parsed.ok
    assert people(parsed) == [
        (2, "Anna de Vries", "anna.devries@school.nl", ("Onderbouw", "Groep 3"), Role.MEMBER),
        (4, "Chantal El Amrani", "c.elamrani@school.nl", (), Role.LEADER),
        (5, "Bram Bakker", "bram@school.nl", ("Bovenbouw",), Role.CULTURE_CARRIER),
    ]


def test_comma_csv_in_windows_1252_with_english_headers():
    text = 'NAME,Email,team,ROLE\r\nZoë Özdemir,zoe@school.nl,"Onderbouw; Bovenbouw",Teacher\r\n'
    parsed = parse_staff_file("staff.CSV", text.encode("cp1252"))
    assert parsed.ok
    assert people(parsed) == [
        (2, "Zoë Özdemir", "zoe@school.nl", ("Onderbouw", "Bovenbouw"), Role.MEMBER)
    ]


def test_excel_sep_line_tab_delimiter_and_utf16():
    assert people(parse_staff_file("a.csv", b"sep=,\nnaam,email\nAnna,anna@school.nl\n")) == [
        (3, "Anna", "anna@school.nl", (), Role.MEMBER)
    ]
    text = "naam\te-mail\trol\nBram\tbram@school.nl\tdocent\n"
    parsed = parse_staff_file("a.txt", codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert people(parsed) == [(2, "Bram", "bram@school.nl", (), Role.MEMBER)]


def test_split_name_columns_from_an_administration_export():
    text = (
        "Voornaam;Tussenvoegsel;Achternaam;E-mail\n"
        "Jet;van der;Juf;jet@school.nl\n"
        "Otto;;Os;otto@school.nl\n"
    )
    parsed = parse_staff_file("export.csv", text.encode())
    assert [r.name for r in parsed.rows] == ["Jet van der Juf", "Otto Os"]


def test_excel_workbook_with_blank_rows_and_numbers():
    data = xlsx_bytes(
        [
            ["Naam", "E-mail", "Team", "Rol", None],
            [],
            ["Anna de Vries", "anna@school.nl", "Groep 8", "ontwikkelgroep"],
            ["Bram Bakker", "bram@school.nl", 7, None],
        ]
    )
    parsed = parse_staff_file("personeel.xlsx", data)
    assert parsed.ok
    assert people(parsed) == [
        (3, "Anna de Vries", "anna@school.nl", ("Groep 8",), Role.CULTURE_CARRIER),
        (4, "Bram Bakker", "bram@school.nl", ("7",), Role.MEMBER),
    ]


def test_an_xlsx_is_recognised_by_content_whatever_its_name():
    data = xlsx_bytes([["naam", "email"], ["Anna", "anna@school.nl"]])
    assert parse_staff_file("lijst.csv", data).ok


def test_each_row_carries_its_own_problems():
    text = (
        "naam;e-mail;team;rol\n"
        "Anna;anna@@school;Onderbouw;teamlid\n"
        "Bram;bram@school.nl;;directrice\n"
        "Cor;cor@school.nl;;\n"
        ";dup@school.nl;;\n"
        "Dup;DUP@school.nl;" + "x" * 121 + ";\n"
        "Eva;eva@school.nl;A;teamlid;extra\n"
    )
    rows = parse_staff_file("a.csv", text.encode()).rows
    assert [codes(r.problems) for r in rows] == [
        ["bad_email"],
        ["unknown_role"],
        [],
        ["missing_name", "duplicate_email"],
        ["team_too_long", "duplicate_email"],
        ["too_many_cells"],
    ]
    with translation.override("en"):
        assert "directrice" in str(rows[1].problems[0])
        assert "schoolleider, ontwikkelgroep, teamlid" in str(rows[1].problems[0])
        assert "row 6" in str(rows[3].problems[1])
        assert "row 5" in str(rows[4].problems[1])


@pytest.mark.parametrize(
    ("filename", "data", "code"),
    [
        ("a.csv", b"", "empty_file"),
        ("a.csv", codecs.BOM_UTF8 + b"\r\n \r\n", "empty_file"),
        ("a.csv", b"naam;e-mail;team;rol\r\n", "no_people"),
        ("a.csv", b"Anna;anna@school.nl;Onderbouw\n", "no_header"),
        ("a.csv", b"naam;e-mail;functie\nAnna;anna@school.nl;juf\n", "unknown_column"),
        ("a.csv", b"naam;team\nAnna;Onderbouw\n", "missing_column"),
        ("a.csv", b"naam;mail;email\nAnna;a@b.nl;a@b.nl\n", "duplicate_column"),
        ("a.csv", b"naam;email;\nAnna;a@b.nl;iets\n", "unnamed_column"),
        ("a.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "unreadable"),
        ("a.pdf", b"%PDF-1.7 naam;email", "unreadable"),
        ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old_excel"),
        ("a.xlsx", b"PK\x03\x04 this is not really a zip", "unreadable"),
        ("a.xlsx", b"naam;email\nAnna;a@b.nl\n", "unreadable"),
    ],
)
def test_unusable_files_get_one_clear_problem(filename, data, code):
    parsed = parse_staff_file(filename, data)
    assert parsed.rows == []
    assert code in codes(parsed.problems)
    with translation.override("en"):
        assert all(str(note) for note in parsed.problems)


def test_a_zip_that_is_not_a_workbook_is_unreadable():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert codes(parse_staff_file("brief.docx", out.getvalue()).problems) == ["unreadable"]


def test_trailing_separators_from_excel_are_not_columns():
    parsed = parse_staff_file("a.csv", b"naam;e-mail;;\r\nAnna;anna@school.nl;;\r\n")
    assert parsed.ok
    assert people(parsed) == [(2, "Anna", "anna@school.nl", (), Role.MEMBER)]


def test_the_row_limit_gives_a_clear_message():
    text = "naam;email\n" + "".join(f"P{i};p{i}@school.nl\n" for i in range(6))
    parsed = parse_staff_file("a.csv", text.encode(), max_rows=5)
    assert codes(parsed.problems) == ["too_many_rows"]
    with translation.override("en"):
        assert "The file has 6 rows; at most 5 can be imported" in str(parsed.problems[0])
    assert parse_staff_file("a.csv", text.encode(), max_rows=6).ok


def test_roles_in_dutch_and_english():
    assert role_from_text("") == Role.MEMBER
    assert role_from_text(" Schoolleider ") == Role.LEADER
    assert role_from_text("ONTWIKKELGROEP") == Role.CULTURE_CARRIER
    assert role_from_text("culture-carrier") == Role.CULTURE_CARRIER
    assert role_from_text("Docent") == Role.MEMBER
    assert role_from_text("bestuurder") is None


def test_rows_survive_the_session_round_trip_and_malformed_data_is_refused():
    rows = parse_staff_file("a.csv", render_csv(EXAMPLE_ROWS).encode()).rows
    assert rows_from_data([row.to_data() for row in rows]) == rows
    for bad in ([[1, "a"]], [["1", "a", "b@c.nl", [], "", False]], [[1, "a", "b", "x", "", 0]]):
        with pytest.raises(ValueError, match="malformed"):
            rows_from_data(bad)


def test_the_example_file_parses_without_problems():
    data = codecs.BOM_UTF8 + render_csv(EXAMPLE_ROWS, header=DUTCH_HEADER).encode()
    parsed = parse_staff_file("voorbeeld.csv", data)
    assert parsed.ok
    assert len(parsed.rows) == len(EXAMPLE_ROWS)


# --- Property: writing a valid list and reading it back gives the same people -----------

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Accents as Dutch names have them; cp1252 bytes of these never form valid UTF-8 by accident.
NAME_CHARS = LETTERS + "éëïöüèáóç'-"
words = st.text(alphabet=NAME_CHARS, min_size=1, max_size=12)
names = st.lists(words, min_size=1, max_size=4).map(" ".join)
emails = st.from_regex(
    r"[a-z][a-z0-9]{0,8}(\.[a-z0-9]{1,6})?@[a-z]{2,10}\.(nl|com|test)", fullmatch=True
)
teams = st.lists(
    st.lists(
        st.text(alphabet=LETTERS + "0123456789", min_size=1, max_size=10), min_size=1, max_size=3
    ).map(" ".join),
    max_size=3,
    unique_by=str.casefold,
)
roles = st.sampled_from([a for aliases in ROLE_ALIASES.values() for a in aliases] + [""]).flatmap(
    lambda role: st.sampled_from([role, role.upper(), role.title()])
)
staff_lists = st.lists(
    st.tuples(names, emails, teams, roles), min_size=1, max_size=25, unique_by=lambda p: p[1]
)
headers = st.sampled_from(
    [DUTCH_HEADER, ("Name", "Email", "Teams", "Role"), ("NAAM", "E-mailadres", "TEAM", "ROL")]
)


@settings(max_examples=75, deadline=None, database=None)
@given(
    staff=staff_lists,
    header=headers,
    delimiter=st.sampled_from([";", ",", "\t"]),
    team_separator=st.sampled_from([", ", ";"]),
    encoding=st.sampled_from(["utf-8-sig", "utf-8", "cp1252"]),
)
def test_a_written_list_reads_back_as_the_same_people(
    staff, header, delimiter, team_separator, encoding
):
    cells = [(name, email, team_separator.join(ts), role) for name, email, ts, role in staff]
    data = render_csv(cells, header=header, delimiter=delimiter).encode(encoding)
    parsed = parse_staff_file("lijst.csv", data)
    assert parsed.ok, [str(n) for n in parsed.problems] + [
        str(n) for r in parsed.rows for n in r.problems
    ]
    assert [(r.name, r.email, r.teams, r.role) for r in parsed.rows] == [
        (name, email, tuple(ts), role_from_text(role)) for name, email, ts, role in staff
    ]
    # The session form of the rows gives the same rows back.
    assert rows_from_data([r.to_data() for r in parsed.rows]) == parsed.rows


def test_make_row_normalises_whitespace_and_case():
    row = make_row(2, "  Anna   de\u00a0Vries ", " ANNA@School.nl ", ["A; a ,B"], " Docent ")
    assert (row.name, row.email, row.teams, row.role) == (
        "Anna de Vries",
        "anna@school.nl",
        ("A", "B"),
        Role.MEMBER,
    )
    assert row.ok
