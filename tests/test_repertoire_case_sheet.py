"""The discussion sheet of a case (PDF and Word), opened for real in Dutch and English.

It holds the situation, ladders, codes, meeting date, the anonymised moments and the guiding
questions, and never the name of a moment's author, even one who chose to be named.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse

from dramaturg.repertoire.codes import author_key
from dramaturg.repertoire.models import CodeTag, Moment
from dramaturg.repertoire.services import cases as services
from dramaturg.reports import exporters
from tests.helpers import english

pytestmark = pytest.mark.django_db

HAPPENED = "Een leerling lacht hardop als de leerkracht hem voor de groep verbetert."
DID = "Ik heb het na de les rustig met hem besproken."


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def case(world):
    codes = list(CodeTag.objects.filter(school=world.school, key__in=["face_honour", "authority"]))
    case = services.create_case(
        world.culture_carrier,
        world.school,
        title="Gezichtsverlies bij een correctie",
        description="Het komt elke week terug.",
        clash="school_peer",
        stage="podium",
        codes=codes,
        meeting_on=dt.date(2026, 3, 4),
    )
    named = Moment.objects.create(
        school=world.school,
        what_happened=HAPPENED,
        what_i_did=DID,
        clash="school_peer",
        stage="podium",
        author_key=author_key(world.teacher, world.school),
        show_author=True,
        author=world.teacher,
        case=case,
    )
    named.codes.set(codes[:1])
    Moment.objects.create(
        school=world.school,
        what_happened="Een leerling zwijgt na een opmerking.",
        clash="home_school",
        stage="audience",
        author_key=author_key(world.teacher2, world.school),
        case=case,
    )
    return case


def pdf_text(data: bytes, tmp_path) -> str:
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    if shutil.which("pdftotext"):
        path = tmp_path / "sheet.pdf"
        path.write_bytes(data)
        run = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True)
        text += " " + run.stdout.decode()
    return words(text)


def docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    return words(" ".join(p.text for p in document.paragraphs))


def render(key, case, language):
    return exporters.get(exporters.CASE, key).render(case, language)


def no_author(text: str, world) -> None:
    for person in (world.teacher, world.teacher2, world.culture_carrier):
        assert person.display_name not in text
        assert person.email not in text


def test_pdf_in_dutch(case, world, tmp_path):
    data = render("case_sheet_pdf", case, "nl")
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    # The kicker is printed in capitals.
    assert "de vuurtoren · gespreksblad" in text.lower()
    for expected in (
        "Gezichtsverlies bij een correctie",
        "Het komt elke week terug.",
        "school en straat",
        "gezicht en eer",
        "4 maart 2026",
        HAPPENED,
        DID,
        "Een leerling zwijgt na een opmerking.",
        "Gespreksvragen",
        "zonder gezichtsverlies",
    ):
        assert words(expected) in text, expected
    no_author(text, world)


def test_pdf_in_english_with_the_cases_own_questions(case, world, tmp_path):
    case.questions = "Which ladder did he risk falling on?\nWhat do we do alike?"
    case.save()
    text = pdf_text(render("case_sheet_pdf", case, "en"), tmp_path)
    assert "de vuurtoren · discussion sheet" in text.lower()
    for expected in (
        "school and peers",
        "face and honour",
        "4 March 2026",
        "Guiding questions",
        "Which ladder did he risk falling on?",
        "What do we do alike?",
        HAPPENED,
    ):
        assert words(expected) in text, expected
    assert "Suggested questions" not in text
    no_author(text, world)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", ["Gespreksblad", "Botsmoment 1", "Botsmoment 2", "Gespreksvragen", "gezag"]),
        ("en", ["Discussion sheet", "Moment 1", "Moment 2", "Guiding questions", "authority"]),
    ],
)
def test_word_document(case, world, language, expected):
    from docx import Document

    data = render("case_sheet_docx", case, language)
    text = docx_text(data)
    for part in [*expected, case.title, HAPPENED, DID]:
        assert part in text, part
    no_author(text, world)
    document = Document(io.BytesIO(data))
    assert document.core_properties.title == case.title
    assert document.core_properties.author == "Dramaturg"


def test_the_case_page_offers_both_files_to_a_teacher(case, world, client_for):
    client = english(client_for(world.teacher))
    page = client.get(reverse("repertoire:case_detail", args=[world.school.slug, case.pk]))
    for key in ("case_sheet_pdf", "case_sheet_docx"):
        url = reverse("reports:case_export", args=[world.school.slug, case.pk, key])
        assert url in page.content.decode()
        response = client.get(url)
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
    docx = client.get(
        reverse("reports:case_export", args=[world.school.slug, case.pk, "case_sheet_docx"])
    )
    assert "Discussion sheet" in docx_text(docx.content)
    unknown = reverse("reports:case_export", args=[world.school.slug, case.pk, "card_pdf"])
    assert client.get(unknown).status_code == 404


def test_the_command_writes_the_sheet(case, world, tmp_path):
    path = tmp_path / "sheet.docx"
    call_command(
        "export", "case", str(case.pk), "--format", "case_sheet_docx", "--output", str(path)
    )
    text = docx_text(path.read_bytes())
    assert HAPPENED in text
    no_author(text, world)
