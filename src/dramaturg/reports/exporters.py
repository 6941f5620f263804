"""Exports: one registry of everything that turns an object into a downloadable file.

An exporter is a small class with a `key` (in URLs and on the command line), a translatable
`label`, a `format_name` ("Excel"), the `kind` of object it applies to (`"round"`, later
`"card"`), a content type and a file extension, and one method, `build(obj)`, that returns
the file as bytes. Callers never call `build` directly: `render(obj, language)` renders in
the requester's language (under `translation.override`), so the same exporter serves a page,
the `dramaturg export` command and, later, a background task.

Adding an exporter is one class and one line:

    class CardPdf(Exporter):
        key = "card_pdf"
        label = _("Conversation document")
        kind = CARD
        format_name = "PDF"
        content_type = "application/pdf"
        extension = "pdf"

        def build(self, card):
            return weasyprint.HTML(string=render_to_string(...)).write_pdf()

    register(CardPdf())

and its module named in `BUILTIN` below, which `ReportsConfig.ready` imports. The shipped
ones: the round's results workbook (`results_excel`) and report (`round_report`); the card's
*praatdocument* as PDF and Word (`card_document`) and the card in WMK's layout as Excel and
Word (`card_wmk`); the school's adopted repertoire as an A5 booklet (`repertoire_booklet`,
kind `repertoire`, whose object is the school).

A new kind adds its model to `KINDS`, the permission it needs to `KIND_PERMS`, and (for
direct downloads) a view that fetches the object within the school (`get_in_school`) before
calling `exporters.get(kind, key)`. Because `render` takes only the object and a language and
returns bytes, a background task runs any exporter from an id and a language code: an
exporter with `background = True` is never built inside a request; its link becomes a
"Prepare" button that queues `reports.tasks.run_export` (docs/background-tasks.md).

An exporter decides what may leave the building: figures come only from
`surveys.results`, which suppresses every group below the anonymity threshold, and no
exporter ever writes individual responses.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any, ClassVar

from django.http import Http404, HttpResponse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from dramaturg.schools.roles import Perm

ROUND = "round"
CARD = "card"
CASE = "case"  # a repertoire case: its discussion sheet (reports/case_sheet.py)
# A school's adopted repertoire as a whole (the booklet): the object is the school itself.
REPERTOIRE = "repertoire"
# The model behind each kind, for the command line (`dramaturg export KIND ID`) and the
# background task (`reports.tasks.run_export`).
KINDS = {
    ROUND: "surveys.Round",
    CARD: "cards.Card",
    CASE: "repertoire.Case",
    REPERTOIRE: "schools.School",
}
# What a member needs to export an object of each kind: a round's figures are for those who
# facilitate; a card, a case's discussion sheet and the repertoire booklet are for everyone of
# the school. Direct downloads, background exports and the job pages all check this one mapping.
KIND_PERMS = {
    ROUND: Perm.FACILITATE,
    CARD: Perm.VIEW_SCHOOL,
    CASE: Perm.VIEW_SCHOOL,
    REPERTOIRE: Perm.VIEW_SCHOOL,
}

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Modules that register the shipped exporters; imported once, when the app is ready.
BUILTIN = (
    "dramaturg.reports.results_excel",
    "dramaturg.reports.round_report",
    "dramaturg.reports.card_document",
    "dramaturg.reports.card_wmk",
    "dramaturg.reports.case_sheet",
    "dramaturg.reports.repertoire_booklet",
)


class Exporter:
    key: ClassVar[str]
    label: ClassVar[Promise | str]
    kind: ClassVar[str]
    format_name: ClassVar[str]  # shown beside the label: "Excel", "PDF", "Word"
    content_type: ClassVar[str]
    extension: ClassVar[str]
    # A slow exporter runs as a background task; the page shows its progress and a link.
    background: ClassVar[bool] = False

    def build(self, obj: Any) -> bytes:
        """The file, in the active language. Subclasses implement this."""
        raise NotImplementedError

    def render(self, obj: Any, language: str) -> bytes:
        with translation.override(language):
            return self.build(obj)

    def filename(self, obj: Any, language: str) -> str:
        """A plain ASCII name from the object and the label: "najaarsmeting-resultaten.xlsx"."""
        with translation.override(language):
            stem = slugify(f"{obj} {self.label}")
        return f"{stem or self.key}.{self.extension}"

    def response(self, obj: Any, language: str) -> HttpResponse:
        """The file as a download."""
        response = HttpResponse(self.render(obj, language), content_type=self.content_type)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=self.filename(obj, language)
        )
        return response


EXPORTERS: dict[str, Exporter] = {}


def register(exporter: Exporter) -> Exporter:
    if exporter.kind not in KINDS:
        raise ValueError(f"unknown kind {exporter.kind!r} for exporter {exporter.key!r}")
    if exporter.key in EXPORTERS and EXPORTERS[exporter.key] is not exporter:
        raise ValueError(f"an exporter with key {exporter.key!r} is already registered")
    EXPORTERS[exporter.key] = exporter
    return exporter


def exporters_for(kind: str) -> list[Exporter]:
    """The exporters of a kind of object, in the order they were registered."""
    return [exporter for exporter in EXPORTERS.values() if exporter.kind == kind]


def find(kind: str, key: str) -> Exporter | None:
    exporter = EXPORTERS.get(key)
    return exporter if exporter is not None and exporter.kind == kind else None


def get(kind: str, key: str) -> Exporter:
    """For views: the exporter, or 404 for a key that is unknown or of another kind."""
    exporter = find(kind, key)
    if exporter is None:
        raise Http404
    return exporter


def load_builtin() -> None:
    for module in BUILTIN:
        import_module(module)
