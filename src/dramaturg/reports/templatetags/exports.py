"""Export controls in templates.

`{% exporters_for "round" as exporters %}`: the registered exporters of a kind of object.
`{% export_control exporter round %}`: a download link for an exporter that builds its file
inside the request, or a small POST form ("Prepare PDF") that queues a background export for
one with `background = True` (and for a kind without a direct download view).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from dramaturg.reports import exporters

register = template.Library()

# The direct download view of each kind; a kind without one always exports in the background.
DIRECT_URLS = {
    exporters.ROUND: "reports:round_export",
    exporters.CARD: "reports:card_export",
    exporters.CASE: "reports:case_export",
}


@register.simple_tag
def exporters_for(kind: str) -> list[exporters.Exporter]:
    return exporters.exporters_for(kind)


@register.inclusion_tag("reports/_export_control.html", takes_context=True)
def export_control(context: template.Context, exporter: exporters.Exporter, obj: Any) -> dict:
    page_school: Any = context.get("school")
    # The object of most kinds belongs to a school; the repertoire booklet's object is the school.
    owner_id = obj.pk if exporter.kind == exporters.REPERTOIRE else obj.school_id
    school = page_school if getattr(page_school, "pk", None) == owner_id else obj.school
    url_name = DIRECT_URLS.get(exporter.kind)
    direct_url = None
    if url_name is not None and not exporter.background:
        direct_url = reverse(url_name, args=[school.slug, obj.pk, exporter.key])
    return {
        "exporter": exporter,
        "object": obj,
        "school": school,
        "direct_url": direct_url,
        "csrf_token": context.get("csrf_token"),
    }
