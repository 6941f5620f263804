"""The exports of a quality card: the praatdocument (PDF, Word) and the WMK layout (Excel,
Word). Every file is opened for real (pypdf and pdftotext, python-docx, openpyxl) and read in
both languages; the download view, its guards and the command line are tested too.

Expected interface words are looked up with gettext in the file's language, so the tests
hold whether or not the catalogues are compiled; card texts differ per language anyway.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from dramaturg.cards.models import Card, CardVersion
from dramaturg.cards.services import consent, content
from dramaturg.reports import exporters
from dramaturg.reports.card_data import day
from dramaturg.sources.models import Source
from tests.helpers import english

pytestmark = pytest.mark.django_db

KEYS = ("card_pdf", "card_docx", "wmk_xlsx", "wmk_docx")
CONTENT_TYPES = {
    "card_pdf": "application/pdf",
    "card_docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "wmk_xlsx": exporters.XLSX,
    "wmk_docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
NL = {
    "title": "Onze kleedkamer",
    "intro": "In de pauze praten we over ons vak.",
    "goal": "Een veilige teamkamer",
    "goal2": "Samen leren van fouten",  # written in Dutch only: English falls back to it
    "what": "Vraag van de week",
    "design": "Op maandag hangt er een vraag op het bord.",
    "who": "de ontwikkelgroep",
    "when": "elke week",
    "agreement": "We spreken elkaar aan, niet over elkaar.",
    "indicator": "Collega's vragen elkaar om hulp.",
}
EN = {
    "title": "Our dressing room",
    "intro": "During the break we talk about our work.",
    "goal": "A safe staff room",
    "what": "Question of the week",
    "design": "On Monday a question hangs on the board.",
    "who": "the culture carriers",
    "when": "every week",
    "agreement": "We talk to each other, not about each other.",
    "indicator": "Colleagues ask each other for help.",
}
FORMULA = "=1+1 is not a formula here"


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def card(world):
    card = content.create_card(
        world.leader,
        world.school,
        stage="dressing_room",
        title_nl=NL["title"],
        title_en=EN["title"],
        team=world.team_a,
    )
    content.update_item(
        world.leader,
        card,
        card.revision,
        {"introduction_nl": NL["intro"], "introduction_en": EN["intro"]},
    )
    goal = content.add_goal(world.leader, card, title_nl=NL["goal"], title_en=EN["goal"])
    item = content.add_intervention(
        world.leader,
        goal,
        **{f"{name}_nl": NL[name] for name in ("what", "design", "who", "when")},
        **{f"{name}_en": EN[name] for name in ("what", "design", "who", "when")},
    )
    source = Source.objects.create(
        school=world.school,
        kind="book",
        title="Lerende teams",
        author="A. Auteur",
        year=2021,
        url="https://example.org/lerende-teams",
    )
    content.set_sources(world.leader, item, [source])
    content.add_goal(world.leader, card, title_nl=NL["goal2"])
    content.add_agreement(world.leader, card, text_nl=NL["agreement"], text_en=EN["agreement"])
    content.add_agreement(world.leader, card, text_nl="<script>alert(1)</script>\x0b")
    content.add_indicator(world.leader, card, text_nl=NL["indicator"], text_en=EN["indicator"])
    content.add_indicator(world.leader, card, text_nl=FORMULA)
    card.refresh_from_db()
    return card


@pytest.fixture
def adopted(world, card):
    consent_round = consent.open_round(world.leader, card)
    consent.answer(world.teacher, consent_round, "consent")
    consent.answer(world.culture_carrier, consent_round, "abstain")
    card.refresh_from_db()
    assert card.state == Card.State.ADOPTED
    return card


def render(key: str, card: Card, language: str = "nl") -> bytes:
    return exporters.find(exporters.CARD, key).render(card, language)


def said(language: str, message: str, context: str | None = None) -> str:
    with translation.override(language):
        return pgettext(context, message) if context else gettext(message)


def pdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [words(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes, tmp_path) -> str:
    """The text by pypdf, and by pdftotext when it is installed (both must agree on it)."""
    text = " ".join(pdf_pages(data))
    if shutil.which("pdftotext"):
        path = tmp_path / "card.pdf"
        path.write_bytes(data)
        poppler = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
        ).stdout.decode()
        assert words(NL["title"]) in words(poppler) or words(EN["title"]) in words(poppler)
        text += " " + words(poppler)
    return text


def docx(data: bytes):
    from docx import Document

    return Document(io.BytesIO(data))


def docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return words(" ".join(parts))


def sheet_rows(data: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


# --- the praatdocument as PDF --------------------------------------------------------------


def test_pdf_in_dutch_holds_the_whole_draft_card(card, tmp_path):
    data = render("card_pdf", card, "nl")
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    for value in NL.values():
        assert words(value) in text, value
    assert "Lerende teams" in text
    assert "A. Auteur, 2021" in text
    assert "<script>alert(1)</script>" in text  # shown as typed, never run
    assert FORMULA in text
    assert "Onderbouw" in text  # the card's team
    assert said("nl", "Dressing room", "stage") in text
    for label in ("Goals and interventions", "Agreements", "Indicators", "Notes", "Who"):
        assert said("nl", label) in text
    assert said("nl", "Draft, not adopted") in text
    assert said("nl", "not adopted yet") in text
    for value in EN.values():
        assert value not in text


def test_pdf_in_english_uses_english_texts_with_dutch_fallback(card, tmp_path):
    text = pdf_text(render("card_pdf", card, "en"), tmp_path)
    for value in EN.values():
        assert words(value) in text, value
    assert NL["goal2"] in text  # no English text written: the Dutch one
    assert NL["title"] not in text
    assert "Dressing room" in text
    assert "Goals and interventions" in text
    assert "Draft, not adopted" in text


def test_pdf_pages_carry_the_title_and_page_numbers(card, world):
    for n in range(12):  # enough to need a second page
        content.add_indicator(world.leader, card, text_nl=f"Stelling {n} " + "lang " * 30)
    pages = pdf_pages(render("card_pdf", card, "nl"))
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert NL["title"] in page
        assert f"{number} / {len(pages)}" in page
        assert said("nl", "Draft, not adopted") in page


def test_adopted_card_shows_its_version_date_and_counts_without_names(adopted, tmp_path):
    version = CardVersion.objects.get(card=adopted, number=1)
    for language in ("nl", "en"):
        with translation.override(language):
            date = day(version.adopted_at)
            took_part = gettext("%(answered)s of %(eligible)s") % {
                "answered": 2,
                "eligible": version.round.eligible,
            }
        texts = {
            "card_pdf": pdf_text(render("card_pdf", adopted, language), tmp_path),
            "card_docx": docx_text(docx(render("card_docx", adopted, language))),
        }
        for key, text in texts.items():
            assert said(language, "Adopted version %(number)s") % {"number": 1} in text, key
            assert said(language, "Draft, not adopted") not in text, key
            assert date in text, key
            assert f"{said(language, 'Took part in the consent round')}: {took_part}" in text
            assert f"{said(language, 'Consented')}: 1" in text, key
            assert f"{said(language, 'Abstained')}: 1" in text, key
            for name in ("Daan Docent", "Otto Ontwikkel", "Lieke de Leider"):
                assert name not in text, key


def test_a_new_draft_after_adoption_says_it_is_not_adopted(world, adopted, tmp_path):
    content.start_new_draft(world.leader, adopted)
    adopted.refresh_from_db()
    text = pdf_text(render("card_pdf", adopted, "en"), tmp_path)
    assert "Draft, not adopted" in text
    assert "Last adopted version: 1" in text
    assert "Adopted version 1" not in text


def test_archived_card_is_exported_as_archived(world, card, tmp_path):
    content.archive_card(world.leader, card)
    text = pdf_text(render("card_pdf", card, "en"), tmp_path)
    assert "Archived" in text
    assert EN["title"] in text


def test_pdf_page_one_renders_to_an_image(card, tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed; `make test` installs it")
    from PIL import Image

    (tmp_path / "card.pdf").write_bytes(render("card_pdf", card, "nl"))
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", "card.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    png = tmp_path / "page.png"
    assert png.stat().st_size > 10_000
    image = Image.open(png).convert("L")
    width, height = image.size
    assert abs(width / height - 210 / 297) < 0.01  # A4, portrait
    inked = sum(image.histogram()[:200])  # pixels darker than light grey
    assert inked > width * height * 0.02  # text on the page, not a blank sheet


# --- the praatdocument in Word -------------------------------------------------------------


def test_docx_has_real_headings_lists_and_room_for_notes(card):
    document = docx(render("card_docx", card, "nl"))
    styles = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Title", NL["title"]) in styles
    assert ("Heading 1", said("nl", "Goals and interventions")) in styles
    assert ("Heading 2", f"1. {NL['goal']}") in styles
    assert ("Heading 3", f"a. {NL['what']}") in styles
    assert (
        "List Bullet",
        "Lerende teams — A. Auteur, 2021 · https://example.org/lerende-teams",
    ) in styles
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert [p.text for p in numbered] == [
        NL["agreement"],
        "<script>alert(1)</script>",  # the control character is dropped, the text kept
        NL["indicator"],
        FORMULA,
    ]
    # Agreements and indicators are two lists, each starting at 1.
    num_ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert num_ids[0] == num_ids[1] != num_ids[2] == num_ids[3]
    text = docx_text(document)
    for value in NL.values():
        assert value in text
    assert said("nl", "Draft, not adopted") in text
    ruled = [
        p
        for p in document.paragraphs
        if p._p.pPr is not None
        and p._p.pPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}pBdr")
        is not None
    ]
    assert len(ruled) >= 10
    footer = document.sections[0].footer.paragraphs[0]
    assert NL["title"] in footer.text
    assert "PAGE" in footer._p.xml
    assert document.core_properties.title == NL["title"]
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_docx_in_english(card):
    document = docx(render("card_docx", card, "en"))
    text = docx_text(document)
    for value in EN.values():
        assert value in text
    assert NL["goal2"] in text
    assert NL["title"] not in text
    assert "Goals and interventions" in text
    assert 'w:val="en-GB"' in document.styles["Normal"].element.xml


# --- the WMK layout ------------------------------------------------------------------------


def wmk_labels(language: str) -> list[str]:
    return [
        said(language, label, "WMK score")
        for label in ("Insufficient", "Moderate", "Sufficient", "Good")
    ]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_wmk_workbook_lists_the_indicators_with_the_scale(card, language):
    from openpyxl import load_workbook

    data = render("wmk_xlsx", card, language)
    texts = NL if language == "nl" else EN
    rows = sheet_rows(data)
    assert rows[0][0] == texts["title"]
    facts = {row[0]: row[1] for row in rows[1:6]}
    assert facts[said(language, "Stage")] == said(language, "Dressing room", "stage")
    assert facts[said(language, "Team")] == "Onderbouw"
    assert facts[said(language, "Version")] == said(language, "Draft, not adopted")
    labels = wmk_labels(language)
    assert all(label in facts[said(language, "Scale")] for label in labels)
    header = next(n for n, row in enumerate(rows) if row[0] == said(language, "No."))
    assert rows[header] == (
        said(language, "No."),
        said(language, "Statement"),
        "1",
        "2",
        "3",
        "4",
        said(language, "Score (1–4)"),
    )
    assert rows[header + 1] == (1, texts["indicator"], *labels, None)
    assert rows[header + 2] == (2, FORMULA, *labels, None)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.cell(row=header + 3, column=2).data_type == "s"  # text, not a formula
    validation = sheet.data_validations.dataValidation[0]
    assert str(validation.sqref) == f"G{header + 2}:G{header + 3}"
    assert (validation.formula1, validation.formula2) == ("1", "4")


def test_wmk_labels_are_the_four_point_scale():
    assert wmk_labels("en") == ["Insufficient", "Moderate", "Sufficient", "Good"]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_wmk_docx_is_a_landscape_table_of_statements(card, language):
    document = docx(render("wmk_docx", card, language))
    texts = NL if language == "nl" else EN
    section = document.sections[0]
    assert section.page_width > section.page_height
    assert document.paragraphs[0].text == texts["title"]
    text = docx_text(document)
    assert said(language, "Dressing room", "stage") in text
    (table,) = document.tables
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == [
        said(language, "No."),
        said(language, "Statement"),
        "1",
        "2",
        "3",
        "4",
        said(language, "Score (1–4)"),
    ]
    assert cells[1] == ["1", texts["indicator"], *wmk_labels(language), ""]
    assert cells[2] == ["2", FORMULA, *wmk_labels(language), ""]


def test_wmk_files_of_a_card_without_indicators(world):
    card = content.create_card(world.leader, world.school, stage="podium", title_nl="Leeg")
    rows = sheet_rows(render("wmk_xlsx", card, "en"))
    assert (None, "No indicators yet.") in [row[:2] for row in rows]
    assert not docx(render("wmk_docx", card, "en")).tables


# --- downloads -----------------------------------------------------------------------------


def export_url(card, key):
    return reverse("reports:card_export", args=[card.school.slug, card.pk, key])


@pytest.mark.parametrize("key", KEYS)
def test_every_member_downloads_each_file_in_their_language(world, client_for, card, key):
    exporter = exporters.find(exporters.CARD, key)
    for client, language, title in (
        (client_for(world.teacher2), "nl", "onze-kleedkamer"),
        (english(client_for(world.teacher2)), "en", "our-dressing-room"),
    ):
        response = client.get(export_url(card, key))
        assert response.status_code == 200
        assert response["Content-Type"] == CONTENT_TYPES[key]
        filename = exporter.filename(card, language)
        assert filename.startswith(title)
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
        assert len(response.content) > 1000


def test_the_card_page_links_every_export(world, client_for, card):
    page = client_for(world.teacher).get(reverse("cards:detail", args=[card.school.slug, card.pk]))
    html = page.content.decode()
    for key in KEYS:
        assert f'href="{export_url(card, key)}"' in html


def test_unknown_key_and_a_key_of_another_kind_are_404(world, client_for, card):
    client = client_for(world.leader)
    assert client.get(export_url(card, "nope")).status_code == 404
    assert client.get(export_url(card, "results_xlsx")).status_code == 404


def test_outsiders_get_404_and_strangers_are_sent_to_log_in(world, client_for, card):
    url = export_url(card, "card_pdf")
    assert client_for(world.outsider).get(url).status_code == 404
    other = content.create_card(
        world.outsider, world.other_school, stage="podium", title_nl="Elders"
    )
    # A card of another school through this school's URL is a 404 for its leader too.
    wrong = reverse("reports:card_export", args=[world.school.slug, other.pk, "card_pdf"])
    assert client_for(world.leader).get(wrong).status_code == 404
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_an_archived_card_can_still_be_downloaded(world, client_for, card):
    content.archive_card(world.leader, card)
    response = client_for(world.teacher).get(export_url(card, "wmk_xlsx"))
    assert response.status_code == 200


# --- the command line ----------------------------------------------------------------------


def test_export_command_writes_each_card_file(card, tmp_path, monkeypatch, capsys):
    output = tmp_path / "praatdocument.pdf"
    call_command("export", "card", str(card.pk), "--format", "card_pdf", "--output", str(output))
    assert output.read_bytes().startswith(b"%PDF")
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    call_command("export", "card", str(card.pk), "--format", "wmk_xlsx", "--language", "en")
    written = capsys.readouterr().out.strip()
    assert re.fullmatch(r"our-dressing-room-[a-z-]+\.xlsx", written)
    assert sheet_rows((tmp_path / written).read_bytes())[0][0] == EN["title"]
