"""The card as a *praatdocument*: what the team takes to the meeting where it discusses the card.

Two files with the same content, in the reader's language:

* **PDF** (`card_pdf`): WeasyPrint prints `reports/card_document.html`, which includes the
  card page's own fragments (`cards/_card_meta.html`, `cards/_items.html#body-card`,
  `cards/_card_content.html`), so the document reads like the page. A4, with the card's
  title and the page number in the footer and "draft" or "adopted" at the top of every page.
* **Word** (`card_docx`): the same content as an editable document with real headings and
  lists, for a school that wants to add its own notes or layout.

Both show the current content (a draft too, and then they say it is not adopted), where the
card stands (last adopted version and date, how many took part in that consent round and how
many consented; counts only, never names) and ruled space for notes.
"""

from __future__ import annotations

import warnings
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dramaturg.cards.models import Card, Intervention
from dramaturg.reports import word
from dramaturg.reports.card_data import CardData, CardExporter, load, source_line
from dramaturg.reports.exporters import register

NOTE_LINES = 14


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict:
    """The document needs nothing from outside; a typed link is never fetched."""
    raise ValueError(f"not fetched: {url[:80]}")


def document_html(data: CardData) -> str:
    context = {
        "card": data.card,
        "school": data.card.school,
        "stage": data.stage,
        "goals": data.goals,
        "agreements": data.agreements,
        "indicators": data.indicators,
        "data": data,
        "printing": True,
        "can_edit": False,
        "language": data.language,
        "note_lines": range(NOTE_LINES),
    }
    return render_to_string("reports/card_document.html", context)


def _weasyprint_html() -> Any:
    """WeasyPrint's HTML class, imported when first needed (it takes a while to load).

    Without HarfBuzz's subset library (Debian 12 ships it as a separate package) WeasyPrint
    subsets fonts itself and only warns that a future version will need the library."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "HarfBuzz-Subset", DeprecationWarning)
        from weasyprint import HTML
    return HTML


def card_pdf(card: Card) -> bytes:
    # Control characters someone typed would print as empty boxes; they go, as in Word.
    source = word.clean(document_html(load(card)))
    html = _weasyprint_html()(string=source, url_fetcher=_refuse)
    return html.write_pdf(pdf_tags=True)


def _intervention(document, letter: str, item: Intervention) -> None:
    word.heading(document, f"{letter}. {item.what}", 3)
    for label, text in (
        (_("How it is shaped"), item.design),
        (_("Who"), item.who),
        (_("When / how often"), item.when),
    ):
        if text:
            word.labelled(document, label, text)
    sources = list(item.sources.all())
    if sources:
        word.labelled(document, _("Sources"), "")
        word.bullets(document, [source_line(source) for source in sources])


def _goals(document, data: CardData) -> None:
    word.heading(document, _("Goals and interventions"), 1)
    if not data.goals:
        word.paragraph(document, _("No goals yet."), italic=True)
    for number, goal in enumerate(data.goals, start=1):
        word.heading(document, f"{number}. {goal.title}", 2)
        if goal.description:
            word.paragraph(document, goal.description)
        interventions = list(goal.interventions.all())
        if not interventions:
            word.paragraph(document, _("No interventions for this goal yet."), italic=True)
        for index, item in enumerate(interventions):
            _intervention(document, _letter(index), item)


def _letter(index: int) -> str:
    """a, b, ... z, aa, ab: how the page numbers a goal's interventions."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def card_docx(card: Card) -> bytes:
    data = load(card)
    document = word.new_document(card.title, data.language)
    word.footer(document, card.title)
    word.muted(document, f"{card.school.name} · {_('Conversation document')}")
    word.heading(document, card.title, 0)
    if card.introduction:
        word.paragraph(document, card.introduction)
    word.muted(document, f"{data.stage.label} — {data.stage.summary}")
    status = word.paragraph(document)
    status.add_run(word.clean(data.mark) + " — ").bold = True
    status.add_run(word.clean(data.status))
    for fact in [*data.about, *data.facts]:
        word.labelled(document, fact.label, fact.value)
    _goals(document, data)

    word.heading(document, _("Agreements"), 1)
    if data.agreements:
        word.numbered(document, [agreement.text for agreement in data.agreements])
    else:
        word.paragraph(document, _("No agreements yet."), italic=True)

    word.heading(document, _("Indicators"), 1)
    word.paragraph(document, _("In a self-evaluation the team scores each statement from 1 to 4:"))
    scale = (
        _("mostly weak"),
        _("more weak than strong"),
        _("more strong than weak"),
        _("mostly strong"),
    )
    word.bullets(document, [f"{n} = {label}" for n, label in enumerate(scale, start=1)])
    if data.indicators:
        word.numbered(document, [indicator.text for indicator in data.indicators])
    else:
        word.paragraph(document, _("No indicators yet."), italic=True)

    word.heading(document, _("Notes"), 1)
    word.muted(
        document, _("For the team meeting: what do we keep, what do we change, what do we add?")
    )
    word.ruled_lines(document, NOTE_LINES)
    return word.save(document)


class CardPdf(CardExporter):
    key = "card_pdf"
    label = gettext_lazy("Conversation document")
    format_name = "PDF"
    content_type = "application/pdf"
    extension = "pdf"

    def build(self, obj: Card) -> bytes:
        return card_pdf(obj)


class CardDocx(CardExporter):
    key = "card_docx"
    label = gettext_lazy("Conversation document")
    format_name = "Word"
    content_type = word.DOCX
    extension = "docx"

    def build(self, obj: Card) -> bytes:
        return card_docx(obj)


register(CardPdf())
register(CardDocx())
