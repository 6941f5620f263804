"""A case's discussion sheet for the team meeting: PDF (`case_sheet_pdf`) and Word
(`case_sheet_docx`), in the reader's language.

The sheet gives the situation, its ladders, stage and codes, the meeting date, the case's
moments anonymised and the guiding questions with space to write under each. The moments
come only from `repertoire.services.cases.shared_moments`, which carries no author and no
date: the meeting discusses the situation, never the colleague who wrote it down, even when
that colleague chose to be named to the development group.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dramaturg.repertoire.models import Case
from dramaturg.repertoire.services.cases import (
    PRIVACY_NOTE,
    SharedMoment,
    case_facts,
    questions_of,
)
from dramaturg.repertoire.services.cases import shared_moments as load_moments
from dramaturg.reports import word
from dramaturg.reports.card_document import _refuse, _weasyprint_html
from dramaturg.reports.exporters import CASE, Exporter, register

ANSWER_LINES = 4  # ruled lines under each guiding question
NOTE_LINES = 8


@dataclass
class SheetData:
    case: Case
    facts: list[tuple[str, str]]
    moments: list[SharedMoment]
    questions: list[str]
    suggested: bool  # the questions are the defaults
    language: str


def load(case: Case) -> SheetData:
    questions, suggested = questions_of(case)
    return SheetData(
        case=case,
        facts=case_facts(case),
        moments=load_moments(case),
        questions=questions,
        suggested=suggested,
        language=translation.get_language() or "nl",
    )


def sheet_html(data: SheetData) -> str:
    context = {
        "case": data.case,
        "school": data.case.school,
        "data": data,
        "language": data.language,
        "answer_lines": range(ANSWER_LINES),
        "note_lines": range(NOTE_LINES),
        "privacy_note": PRIVACY_NOTE,
    }
    return render_to_string("reports/case_sheet.html", context)


def case_sheet_pdf(case: Case) -> bytes:
    source = word.clean(sheet_html(load(case)))
    html = _weasyprint_html()(string=source, url_fetcher=_refuse)
    return html.write_pdf(pdf_tags=True)


def case_sheet_docx(case: Case) -> bytes:
    data = load(case)
    document = word.new_document(case.title, data.language)
    word.footer(document, case.title)
    word.muted(document, f"{case.school.name} · {_('Discussion sheet')}")
    word.heading(document, case.title, 0)
    if case.description:
        word.paragraph(document, case.description)
    for label, value in data.facts:
        word.labelled(document, label, value)

    word.heading(document, _("The moments"), 1)
    word.muted(document, str(PRIVACY_NOTE))
    if not data.moments:
        word.paragraph(document, _("No moments in this case yet."), italic=True)
    for number, moment in enumerate(data.moments, start=1):
        word.heading(document, _("Moment %(number)s") % {"number": number}, 2)
        word.muted(document, " · ".join(moment.meta))
        for label, text in moment.texts:
            word.labelled(document, label, text)

    word.heading(document, _("Guiding questions"), 1)
    if data.suggested:
        word.muted(document, _("Suggested questions; the case has none of its own."))
    for number, question in enumerate(data.questions, start=1):
        word.heading(document, f"{number}. {question}", 3)
        word.ruled_lines(document, ANSWER_LINES)

    word.heading(document, _("Notes"), 1)
    word.ruled_lines(document, NOTE_LINES)
    return word.save(document)


class CaseExporter(Exporter):
    kind = CASE
    label = gettext_lazy("Discussion sheet")


class CaseSheetPdf(CaseExporter):
    key = "case_sheet_pdf"
    format_name = "PDF"
    content_type = "application/pdf"
    extension = "pdf"

    def build(self, obj: Case) -> bytes:
        return case_sheet_pdf(obj)


class CaseSheetDocx(CaseExporter):
    key = "case_sheet_docx"
    format_name = "Word"
    content_type = word.DOCX
    extension = "docx"

    def build(self, obj: Case) -> bytes:
        return case_sheet_docx(obj)


register(CaseSheetPdf())
register(CaseSheetDocx())
