"""Learning over time on the dashboard: the whole school's moments per school year, as count
charts in the dressing room and podium sections (docs/repertoire.md).

The counting and every suppression rule live in `repertoire.counts`; this module only turns
its cells into charts, writing "fewer than N" for a small count and "not shown" for one
hidden to protect a small count. Three queries for the counts, whatever the number of
moments; the charts are cached like every chart.

Both sections show the whole school's moments rather than the moments of their own stage:
counting a stage's moments per clash beside the school's counts per clash would let the
difference give away small counts of the other stages. The dressing room, where moments are
shared, gets the ladders and the codes; the podium gets where the moments happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from dramaturg.core.stages import Stage
from dramaturg.repertoire.counts import GUARD, Breakdown, Cell, YearCounts, learning_counts
from dramaturg.repertoire.models import LadderClash
from dramaturg.reports.charts import Chart
from dramaturg.reports.charts_counts import CountSeries, count_chart


@dataclass(frozen=True)
class Learning:
    threshold: int
    charts: dict[str, list[Chart]]  # by stage value: the charts of that dashboard section

    @property
    def dressing_room(self) -> list[Chart]:
        return self.charts.get(Stage.DRESSING_ROOM.value, [])

    @property
    def podium(self) -> list[Chart]:
        return self.charts.get(Stage.PODIUM.value, [])


def _note(cell: Cell, threshold: int) -> str:
    if cell.shown:
        return ""
    if cell.hidden == GUARD:
        return _("not shown")
    return _("fewer than %(threshold)s") % {"threshold": threshold}


def _series(years: list[YearCounts], part: str, threshold: int) -> list[CountSeries]:
    found = []
    for year in years:
        breakdown: Breakdown = getattr(year, part)
        cells = [breakdown.cells[key] for key in breakdown.keys]
        notes = [_note(cell, threshold) for cell in cells]
        found.append(CountSeries(year.label, [cell.count for cell in cells], notes))
    return found


def _total(years: list[YearCounts], threshold: int) -> CountSeries:
    return CountSeries(
        _("All moments"),
        [year.total.count for year in years],
        [_note(year.total, threshold) for year in years],
    )


def _description(what: str, years: list[YearCounts], threshold: int) -> str:
    return _(
        "Number of moments per %(what)s in each school year from %(first)s to %(last)s. "
        "A count below %(threshold)s is not shown, and neither is a count that would give "
        "one away."
    ) % {
        "what": what,
        "first": years[0].label,
        "last": years[-1].label,
        "threshold": threshold,
    }


def learning(school: Any) -> Learning:
    years, codes = learning_counts(school)
    threshold = school.anonymity_threshold
    if not years:
        return Learning(threshold, {})
    clash = count_chart(
        "learning-clash",
        _("Moments per ladder clash"),
        _description(_("ladder clash"), years, threshold),
        [str(label) for label in LadderClash.labels],
        _series(years, "clash", threshold),
        total=_total(years, threshold),
        category_header=_("Ladders"),
    )
    code_chart = count_chart(
        "learning-codes",
        _("Moments per code"),
        _description(_("code"), years, threshold)
        + " "
        + _("A moment can have several codes or none, so these do not add up."),
        [code.name for code in codes],
        _series(years, "codes", threshold),
        category_header=_("Code"),
    )
    stage = count_chart(
        "learning-stage",
        _("Moments per stage"),
        _description(_("stage"), years, threshold),
        [str(label) for label in Stage.labels],
        _series(years, "stage", threshold),
        total=_total(years, threshold),
        category_header=_("Stage"),
    )
    charts = {Stage.DRESSING_ROOM.value: [clash, code_chart], Stage.PODIUM.value: [stage]}
    return Learning(threshold, charts)
