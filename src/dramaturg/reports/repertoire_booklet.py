"""The adopted repertoire as a compact booklet: an A5 PDF to keep in a bag or on the desk.

One exporter in the project's registry (`reports.exporters`, kind `repertoire`, whose object
is the school), printed by WeasyPrint like the card's praatdocument, in the requester's
language, always in the background (an export job, docs/background-tasks.md). It holds a
contents list and then one entry per page, each from its last adopted
version: drafts, entries in a round and archived entries never appear.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from dramaturg.repertoire.adopted import adopted_entries
from dramaturg.repertoire.snapshot import labels
from dramaturg.reports import word
from dramaturg.reports.card_document import _refuse, _weasyprint_html
from dramaturg.reports.exporters import REPERTOIRE, Exporter, register
from dramaturg.schools.models import School


def booklet_html(school: School, language: str) -> str:
    context = {
        "school": school,
        "entries": adopted_entries(school, language),
        "labels": labels(),
        "language": language,
        "today": timezone.localdate(),
    }
    return render_to_string("repertoire/entries/booklet.html", context)


class RepertoireBooklet(Exporter):
    key = "repertoire_booklet"
    label = _("Repertoire booklet")
    kind = REPERTOIRE
    format_name = "PDF"
    content_type = "application/pdf"
    extension = "pdf"
    # A booklet of a few hundred entries takes WeasyPrint half a minute: never in a request.
    background = True

    def build(self, obj: Any) -> bytes:
        language = (translation.get_language() or "nl")[:2]
        source = word.clean(booklet_html(obj, language))
        return _weasyprint_html()(string=source, url_fetcher=_refuse).write_pdf(pdf_tags=True)

    def filename(self, obj: Any, language: str) -> str:
        with translation.override(language):
            stem = slugify(f"{obj.name} {self.label}")
        return f"{stem or self.key}.{self.extension}"


register(RepertoireBooklet())
