"""The round report: every chart and table of one measurement round as an A4 PDF, to hand to
a team or a board.

It is the dashboard's view of the school as it stood when the round was held: the trend of
each questionnaire up to and including this round, the round's own figures per team or class
with their judgements, the response rates, and for a card's self-evaluation or check-in the
card's charts. Everything comes from the round's results object (`surveys.results`), as on
the pages, through the same templates, so the PDF can show nothing the pages hide. WeasyPrint
lays it out; with a dozen charts that takes a few seconds, so it runs as a background export.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dramaturg.cards.models import Card
from dramaturg.reports import card_progress, charts, dashboard, exporters
from dramaturg.surveys.models import Round


def per_series(chart: charts.Chart | None, corner: str) -> charts.Chart | None:
    """A trend chart whose table has a row per series (a scale, an agreement) and a column
    per round, instead of the other way round: on paper the long names then get the width
    of the page and the short round labels head the columns. The same cells, turned."""
    if chart is None:
        return None
    table = chart.table
    headers = [corner, *(row[0] for row in table.rows)]
    rows = [
        [label, *(row[column] for row in table.rows)]
        for column, label in enumerate(table.headers[1:], start=1)
    ]
    return dataclasses.replace(chart, table=charts.Table(table.caption, headers, rows))


def report_context(round_: Round) -> dict[str, Any]:
    """The round's figures and charts, in the active language."""
    found = dashboard.moments(round_.school, round_.opens_on, compute=True)
    upto = found[: next(i for i, m in enumerate(found) if m.round.pk == round_.pk) + 1]
    moment = upto[-1]
    instruments = list(dict.fromkeys(s.instrument for s in moment.results.scales))
    sections = [
        dataclasses.replace(section, chart=per_series(section.chart, gettext("Scale")))
        for section in dashboard.efficacy_sections(upto, instruments=instruments)
        if section.latest.round.pk == round_.pk
    ]
    card_ids = {s.card for s in moment.results.scales if s.card}
    cards = [
        (
            card,
            card_progress.indicator_chart(card, upto),
            per_series(card_progress.agreements_chart(card, upto), gettext("Agreements")),
        )
        for card in Card.objects.filter(school=round_.school, pk__in=card_ids)
    ]
    rates = sorted(moment.results.targets, key=lambda target: target.name)
    return {
        "school": round_.school,
        "round": round_,
        "moment": moment,
        "rates": rates,
        "sections": sections,
        "cards": cards,
        "made_on": timezone.localdate(),
    }


class RoundReportPdf(exporters.Exporter):
    key = "round_pdf"
    label = _("Round report")
    kind = exporters.ROUND
    format_name = "PDF"
    content_type = "application/pdf"
    extension = "pdf"
    background = True

    def build(self, round_: Round) -> bytes:
        import weasyprint

        html = render_to_string("reports/round_report.html", report_context(round_))
        return weasyprint.HTML(string=html).write_pdf()


exporters.register(RoundReportPdf())
