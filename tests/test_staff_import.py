"""Staff import for a school leader: upload → preview → confirm, and the import service.

Real files go through the real pages into the real database: CSV bytes as Dutch Excel
writes them, and an .xlsx built with openpyxl. The parser alone is tested in
test_staff_import_parser.py.
"""

from __future__ import annotations

import codecs
import io

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dramaturg.accounts.models import User
from dramaturg.schools import services
from dramaturg.schools.models import Membership, Team, TeamChange, TeamMembership
from dramaturg.schools.roles import Role
from dramaturg.schools.staff_import import parse_staff_file
from dramaturg.schools.staff_import_plan import ImportHasProblems, StaleImport, plan_import

pytestmark = pytest.mark.django_db

# Two new people, one unchanged teacher, one teacher whose role changes, and a person
# with an account elsewhere, who must look like any new person to this school and is only
# invited. Case differs from the database on purpose.
STAFF_CSV = (
    "Naam;E-mailadres;Team;Rol\r\n"
    "Anna de Vries;Anna.deVries@Vuurtoren.test;Onderbouw, Groep 3;Leerkracht\r\n"
    "Bram Bakker;bram@vuurtoren.test;bovenbouw;ontwikkelgroep\r\n"
    "Daan Docent;DOCENT@vuurtoren.test;Onderbouw;teamlid\r\n"
    "Jet van der Juf;juf@vuurtoren.test;Bovenbouw;Culture carrier\r\n"
    "Bram Buitenstaander;buiten@zonnewijzer.test;;\r\n"
)
STAFF_BYTES = codecs.BOM_UTF8 + STAFF_CSV.encode("utf-8")

PROBLEM_CSV = (
    b"naam;e-mail;team;rol\n"
    b"Anna;anna@@vuurtoren;Onderbouw;teamlid\n"
    b"Bram;bram@vuurtoren.test;;directrice\n"
    b"Cor;cor@vuurtoren.test;;\n"
    b"Dirk;dirk@vuurtoren.test;;\n"
    b"Dirk Dubbel;Dirk@Vuurtoren.test;;\n"
)


def xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def snapshot() -> dict[str, list]:
    """Everything an import could touch, to compare before and after."""
    return {
        "users": sorted(User.objects.values_list("pk", "email", "display_name", "password")),
        "memberships": sorted(
            Membership.objects.values_list(
                "pk", "user_id", "school_id", "board_id", "role", "started_on", "ended_on"
            )
        ),
        "teams": sorted(Team.objects.values_list("pk", "school_id", "name")),
        "team_memberships": sorted(
            TeamMembership.objects.values_list("pk", "membership_id", "team_id", "primary")
        ),
        "team_changes": sorted(TeamChange.objects.values_list("pk", "team_id", "kind")),
    }


def url(name, world):
    return reverse(f"schools:{name}", args=[world.school.slug])


@pytest.fixture
def leader(world, client_for):
    client = client_for(world.leader)
    client.cookies["dramaturg_language"] = "en"  # assertions read the English source text
    return client


def upload(client, world, data=STAFF_BYTES, filename="personeel.csv"):
    return client.post(url("staff_import", world), {"file": SimpleUploadedFile(filename, data)})


def preview(client, world):
    response = client.get(url("staff_import_preview", world))
    assert response.status_code == 200
    return response


def confirm(client, world, response, **extra):
    data = {
        "token": response.context["token"],
        "fingerprint": response.context["plan"].fingerprint,
        "action": "confirm",
        **extra,
    }
    return client.post(url("staff_import_confirm", world), data)


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def outcomes(response) -> dict[str, str]:
    return {p.row.email: p.outcome for p in response.context["plan"].rows}


def test_upload_and_preview_write_nothing(world, leader):
    before = snapshot()
    response = upload(leader, world)
    assert response.status_code == 302
    assert response["Location"] == url("staff_import_preview", world)
    response = preview(leader, world)
    assert snapshot() == before
    assert outcomes(response) == {
        "anna.devries@vuurtoren.test": "new_person",
        "bram@vuurtoren.test": "new_person",
        "docent@vuurtoren.test": "unchanged",
        "juf@vuurtoren.test": "changes",
        "buiten@zonnewijzer.test": "new_person",
    }
    assert response.context["counts"]["new_teams"] == 1
    page = response.content.decode()
    assert "Role will change from team member to development group." in page
    assert "Will be added to team “Groep 3”, a new team that will be created." in page
    assert "Already on the staff list — no change." in page
    assert 'name="fingerprint"' in page  # the confirm button is there
    assert '<th scope="row">Anna de Vries</th>' in page
    assert "<caption>" in page


def test_confirm_imports_people_teams_and_memberships(world, leader):
    upload(leader, world)
    response = confirm(leader, world, preview(leader, world))
    assert response.status_code == 302
    assert response["Location"] == url("staff", world)
    assert sorted(texts(response)) == [
        "Invitations to choose a password were e-mailed to 3 new people.",
        "The staff list has been imported. Added: 3. Changed: 1. No change: 1. New teams: 1.",
    ]
    # Everyone new gets a link; the outsider's account joins only by accepting it.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "anna.devries@vuurtoren.test",
        "bram@vuurtoren.test",
        "buiten@zonnewijzer.test",
    ]
    anna = User.objects.get(email="anna.devries@vuurtoren.test")
    assert anna.display_name == "Anna de Vries"
    assert not anna.has_usable_password()
    anna_membership = Membership.objects.get(user=anna, school=world.school, ended_on=None)
    assert anna_membership.role == Role.MEMBER
    assert sorted(t.name for t in anna_membership.teams.all()) == ["Groep 3", "Onderbouw"]
    bram = Membership.objects.get(user__email="bram@vuurtoren.test", school=world.school)
    assert bram.role == Role.CULTURE_CARRIER
    assert list(bram.teams.all()) == [world.team_b]  # "bovenbouw" is the existing team
    juf = Membership.objects.get(user=world.teacher2, school=world.school, ended_on=None)
    assert juf.role == Role.CULTURE_CARRIER
    assert not Membership.objects.filter(user=world.outsider, school=world.school).exists()
    # One account per address: the teacher in capitals is the same person.
    assert User.objects.filter(email__iexact="docent@vuurtoren.test").count() == 1
    assert Team.objects.filter(school=world.school).count() == 3


def test_reimporting_the_same_list_changes_nothing(world, leader):
    upload(leader, world)
    confirm(leader, world, preview(leader, world))
    after_first = snapshot()
    upload(leader, world)
    response = preview(leader, world)
    # The invited outsider stays a "new person" until they accept; nobody else changes.
    assert set(outcomes(response).values()) == {"unchanged", "new_person"}
    assert outcomes(response)["buiten@zonnewijzer.test"] == "new_person"
    assert response.context["counts"]["new_teams"] == 0
    mail.outbox.clear()
    response = confirm(leader, world, response)
    assert texts(response) == [
        "The staff list has been imported. Added: 1. Changed: 0. No change: 4. New teams: 0."
    ]
    assert mail.outbox == []  # the pending invitation is not sent again
    assert snapshot() == after_first


def test_excel_upload(world, leader):
    data = xlsx_bytes(
        [
            ["Name", "Email", "Teams", "Role"],
            [],
            ["Anna de Vries", "anna@vuurtoren.test", "Onderbouw; Bovenbouw", "teacher"],
            ["Otto Ontwikkel", "ontwikkel@vuurtoren.test", "Onderbouw", "culture_carrier"],
        ]
    )
    assert upload(leader, world, data, "personeel.xlsx").status_code == 302
    response = preview(leader, world)
    assert outcomes(response) == {
        "anna@vuurtoren.test": "new_person",
        "ontwikkel@vuurtoren.test": "unchanged",
    }
    assert [p.row.line for p in response.context["plan"].rows] == [3, 4]
    confirm(leader, world, response)
    anna = Membership.objects.get(user__email="anna@vuurtoren.test", school=world.school)
    assert set(anna.teams.all()) == {world.team_a, world.team_b}


def test_problems_are_shown_per_row_and_confirm_is_refused(world, leader):
    upload(leader, world, PROBLEM_CSV)
    response = preview(leader, world)
    problems = {p.row.line: [n.code for n in p.problems] for p in response.context["plan"].rows}
    assert problems == {
        2: ["bad_email"],
        3: ["unknown_role"],
        4: [],
        5: ["duplicate_email"],
        6: ["duplicate_email"],
    }
    page = response.content.decode()
    assert page.count("<strong>Problem:</strong>") == 4
    assert "“anna@@vuurtoren” is not a valid e-mail address." in page
    assert "Unknown role “directrice”." in page
    assert "This e-mail address is also in row 6." in page
    assert 'class="row-problem"' in page
    assert 'name="fingerprint"' not in page  # no confirm button
    assert 'role="alert"' in page
    before = snapshot()
    response = confirm(leader, world, response)
    assert response["Location"] == url("staff_import_preview", world)
    assert texts(response)[0].startswith("Nothing was imported: the list still has problems.")
    assert snapshot() == before


def test_unusable_uploads_get_a_clear_error_and_no_500(world, leader):
    before = snapshot()
    for filename, data, message in [
        ("foto.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00", "This file cannot be read."),
        ("lijst.csv", b"\x00\x01\x02garbage\xff\xfe", "This file cannot be read."),
        ("lijst.xlsx", b"PK\x03\x04 broken zip", "This file cannot be read."),
        ("oud.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old Excel file"),
        ("leeg.csv", b"", "The file is empty."),
        ("lijst.csv", b"naam;functie\nAnna;juf\n", "Unknown column “functie”."),
    ]:
        response = upload(leader, world, data, filename)
        assert response.status_code == 200, filename
        assert message in response.content.decode(), filename
        assert response.context["form"].errors
    assert snapshot() == before
    assert f"staff_import:{world.school.pk}" not in leader.session


def test_a_file_over_the_size_limit_is_refused(world, leader, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100
    response = upload(leader, world, STAFF_BYTES)
    assert response.status_code == 200
    assert "The file is larger than 100" in response.content.decode()


def test_double_submit_of_confirm_is_harmless(world, leader):
    upload(leader, world)
    page = preview(leader, world)
    first = confirm(leader, world, page)
    after_first = snapshot()
    second = confirm(leader, world, page)
    assert second["Location"] == url("staff", world)
    # The first request's message was never shown (no page rendered in between).
    assert texts(second)[-1] == (
        "This staff list has already been imported; nothing more was changed."
    )
    assert first["Location"] == second["Location"]
    assert snapshot() == after_first


def test_confirm_without_a_waiting_list_writes_nothing(world, leader):
    before = snapshot()
    response = leader.post(url("staff_import_confirm", world), {"token": "made-up"})
    assert response["Location"] == url("staff_import", world)
    assert texts(response)[0].startswith("Nothing was imported")
    assert snapshot() == before
    response = leader.get(url("staff_import_preview", world))
    assert response["Location"] == url("staff_import", world)


def test_a_newer_upload_makes_the_old_preview_stale(world, leader):
    upload(leader, world)
    old_page = preview(leader, world)
    upload(leader, world, b"naam;email\nCor;cor@vuurtoren.test\n")
    before = snapshot()
    response = confirm(leader, world, old_page)
    assert response["Location"] == url("staff_import", world)
    assert snapshot() == before


def test_a_change_to_the_staff_after_the_preview_is_not_imported_blindly(world, leader):
    upload(leader, world)
    page = preview(leader, world)
    services.ensure_school_membership(world.teacher, world.school, Role.CULTURE_CARRIER)
    before = snapshot()
    response = confirm(leader, world, page)
    assert response["Location"] == url("staff_import_preview", world)
    assert texts(response)[0].startswith("Nothing was imported: the staff list changed")
    assert snapshot() == before
    # The new preview shows the new situation and can be confirmed.
    page = preview(leader, world)
    assert outcomes(page)["docent@vuurtoren.test"] == "changes"
    assert confirm(leader, world, page)["Location"] == url("staff", world)


def test_cancel_forgets_the_list(world, leader):
    upload(leader, world)
    page = preview(leader, world)
    before = snapshot()
    response = confirm(leader, world, page, action="cancel")
    assert texts(response) == ["The import was cancelled. Nothing was changed."]
    assert f"staff_import:{world.school.pk}" not in leader.session
    assert snapshot() == before


def test_a_leader_cannot_change_their_own_role(world, leader):
    upload(leader, world, b"naam;email;rol\nLieke;leider@vuurtoren.test;teamlid\n")
    plan = preview(leader, world).context["plan"]
    assert [n.code for n in plan.rows[0].problems] == ["own_role"]


def test_the_example_csv_has_dutch_headers_and_reads_back(world, leader):
    response = leader.get(url("staff_import_example", world))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(codecs.BOM_UTF8 + b"naam;e-mail;team;rol\r\n")
    assert parse_staff_file("voorbeeld.csv", response.content).ok


def test_upload_page_explains_the_columns(world, leader):
    page = leader.get(url("staff_import", world)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "Anna de Vries" in page  # the example table
    assert url("staff_import_example", world) in page
    assert 'accept=".csv,.xlsx' in page


def test_staff_page_links_to_the_import_for_leaders_only(world, leader, client_for):
    link = url("staff_import", world)
    assert link in leader.get(url("staff", world)).content.decode()
    assert link not in client_for(world.teacher).get(url("staff", world)).content.decode()


@pytest.mark.parametrize(
    "name", ["staff_import", "staff_import_preview", "staff_import_confirm", "staff_import_example"]
)
def test_a_teacher_gets_403_and_an_outsider_404(world, client_for, name):
    assert client_for(world.teacher).get(url(name, world)).status_code == 403
    assert client_for(world.culture_carrier).post(url(name, world)).status_code == 403
    assert client_for(world.outsider).get(url(name, world)).status_code == 404


# --- The service on its own ------------------------------------------------------------


def rows_of(text: str):
    return parse_staff_file("a.csv", text.encode()).rows


def test_import_staff_checks_permission(world):
    rows = rows_of("naam;email\nCor;cor@vuurtoren.test\n")
    with pytest.raises(PermissionDenied):
        services.import_staff(world.teacher, world.school, rows)
    with pytest.raises(PermissionDenied):
        services.import_staff(world.outsider, world.school, rows)
    assert not User.objects.filter(email="cor@vuurtoren.test").exists()


def test_import_staff_refuses_rows_with_problems_and_writes_nothing(world):
    before = snapshot()
    rows = rows_of("naam;email;team\nCor;cor@vuurtoren.test;Nieuw\nBad;bad;\n")
    with pytest.raises(ImportHasProblems):
        services.import_staff(world.leader, world.school, rows)
    assert snapshot() == before


def test_import_staff_refuses_a_stale_fingerprint(world):
    rows = rows_of("naam;email\nCor;cor@vuurtoren.test\n")
    with pytest.raises(StaleImport):
        services.import_staff(world.leader, world.school, rows, expected_fingerprint="old")


def test_import_staff_returns_the_new_memberships_to_invite(world):
    rows = rows_of(
        "naam;email;team\nCor;cor@vuurtoren.test;groep 3\nDaan;docent@vuurtoren.test;GROEP 3\n"
    )
    expected = plan_import(world.school, rows, actor=world.leader).fingerprint
    result = services.import_staff(world.leader, world.school, rows, expected_fingerprint=expected)
    assert (result.added, result.updated, result.unchanged, result.teams_created) == (1, 1, 0, 1)
    assert [m.user.email for m in result.new_memberships] == ["cor@vuurtoren.test"]
    # One new team, spelled as it first appears; the second spelling joins it.
    team = Team.objects.get(school=world.school, name="groep 3")
    assert set(team.memberships.values_list("user__email", flat=True)) == {
        "cor@vuurtoren.test",
        "docent@vuurtoren.test",
    }
    again = services.import_staff(world.leader, world.school, rows)
    assert (again.added, again.updated, again.unchanged, again.teams_created) == (0, 0, 2, 0)
    assert again.new_memberships == []


def test_a_former_staff_member_rejoins_with_a_new_membership(world, leader):
    old = Membership.objects.get(user=world.teacher2, school=world.school)
    services.end_membership(world.leader, old)
    result = services.import_staff(
        world.leader, world.school, rows_of("naam;email\nJet;juf@vuurtoren.test\n")
    )
    assert result.added == 1
    assert Membership.objects.filter(user=world.teacher2, school=world.school).count() == 2
    old.refresh_from_db()
    assert old.ended_on is not None  # the history is kept


def test_an_account_of_another_school_is_not_revealed_or_enrolled(world, leader):
    upload(leader, world)
    page = preview(leader, world).content.decode()
    assert "Bram Buitenstaander" in page  # the name as typed in the file, nothing more
    assert "Already has an account" not in page
    assert "Heeft al een account" not in page


def primary_of(email: str, world) -> str:
    placement = TeamMembership.objects.get(
        membership__user__email=email,
        membership__school=world.school,
        membership__ended_on=None,
        primary=True,
    )
    return placement.team.name


def test_the_first_team_of_a_row_becomes_the_primary_team(world, leader):
    upload(leader, world)
    response = preview(leader, world)
    page = response.content.decode()
    assert 'Onderbouw <span class="muted">(primary team)</span>, Groep 3' in page
    confirm(leader, world, response)
    assert primary_of("anna.devries@vuurtoren.test", world) == "Onderbouw"
    assert primary_of("bram@vuurtoren.test", world) == "Bovenbouw"
    # The record of each team says who placed whom, and when.
    joined = TeamChange.objects.filter(
        team__name="Groep 3", kind=TeamChange.Kind.JOINED, actor=world.leader
    )
    assert [c.person_name for c in joined] == ["Anna de Vries"]


def test_an_import_can_move_someones_primary_team(world, leader):
    # Daan is in Onderbouw (primary); the list puts him first in Bovenbouw.
    data = "naam;e-mail;team\nDaan Docent;docent@vuurtoren.test;Bovenbouw, Onderbouw\n"
    upload(leader, world, data.encode())
    response = preview(leader, world)
    assert outcomes(response) == {"docent@vuurtoren.test": "changes"}
    assert "“Bovenbouw” becomes the primary team." in response.content.decode()
    confirm(leader, world, response)
    assert primary_of("docent@vuurtoren.test", world) == "Bovenbouw"
    kinds = set(TeamChange.objects.filter(person=world.teacher).values_list("team__name", "kind"))
    assert kinds == {
        ("Bovenbouw", "joined"),
        ("Bovenbouw", "primary"),
        ("Onderbouw", "primary_elsewhere"),
    }
    # The same list again: nothing left to do.
    upload(leader, world, data.encode())
    assert outcomes(preview(leader, world)) == {"docent@vuurtoren.test": "unchanged"}
