"""The school dashboard and the team page: efficacy over time, as pictures with their numbers.

Everything here reads each round's results object (`surveys.results.RoundResults`, stored
for closed rounds by `reports.summaries`), in which every suppression rule is already applied,
so a hidden team stays hidden on every chart and in every table built from it. The data
flows one way: rounds → results → `Moment`s → sections of charts and rows. A round whose
summary the worker has not stored yet is no `Moment`: it is listed in `Moments.pending`, and
the page says its figures are being prepared.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dramaturg.analysis.change import mean_interval
from dramaturg.core.localized import pick_text
from dramaturg.reports import charts, summaries
from dramaturg.schools.models import School, Team
from dramaturg.surveys import scale_rows
from dramaturg.surveys.models import Round
from dramaturg.surveys.results import HIDDEN, Figure, RoundResults, ScaleResult
from dramaturg.surveys.scale_rows import ChangeRow, ScaleRow

# The efficacy instruments in the order the dashboard shows them.
EFFICACY = (
    "teacher_self_efficacy",
    "collective_efficacy",
    "dressing_room_climate",
    "student_self_efficacy",
)
# The quadrant's axes: a team's own belief in what it can do, against its shared belief.
QUADRANT_X, QUADRANT_Y = "teacher_self_efficacy", "collective_efficacy"


@dataclass(frozen=True)
class Moment:
    """A round as a point on a time axis, with its results."""

    round: Round
    results: RoundResults

    @property
    def label(self) -> str:
        return date_format(self.round.opens_on, "M Y")

    def scales(self, instrument: str) -> list[ScaleResult]:
        """The round's scales of an instrument, once it has closed: an open round has no
        figures yet (docs/anonymity.md), so it is no point on a trend or in a table."""
        return self.results.scales_of(instrument) if self.results.closed else []

    def target_of(self, team_id: int) -> int | None:
        target = self.results.target_of_team(team_id)
        return target.id if target else None


@dataclass(frozen=True)
class Section:
    instrument: str
    title: str
    chart: Any  # charts.Chart
    latest: Moment
    invited: int
    answered: int | None
    rows: list[ScaleRow]

    @property
    def percent(self) -> int | None:
        if self.answered is None or not self.invited:
            return None
        return round(100 * self.answered / self.invited)


class Moments(list[Moment]):
    """The moments whose results are stored, and the rounds still being prepared."""

    pending: list[Round]


def moments(school: School, today: dt.date | None = None, *, compute: bool = False) -> Moments:
    """Every round of the school that has opened, oldest first, with its stored results;
    the rounds without them are requested from the worker and listed in `pending`. A file
    (`compute=True`: the round report) computes what is missing instead."""
    today = today or timezone.localdate()
    rounds = list(
        Round.objects.filter(school=school, opens_on__lte=today)
        .select_related("school")
        .order_by("opens_on", "pk")
    )
    # A file holds every figure; a page shows what is stored and asks for the rest.
    ready = summaries.Ready(summaries.summaries(rounds)) if compute else summaries.ready(rounds)
    found = Moments(Moment(r, ready.found[r.pk]) for r in rounds if r.pk in ready.found)
    found.pending = ready.pending
    return found


def _figure_before(
    found: list[Moment], moment: Moment, instrument: str, scale_id: str, team_id: int | None
) -> tuple[str, Figure] | None:
    """The figure of the scale in the round before `moment` that has it (the team's own on a
    team page), with that round's label; None in the first round."""
    earlier = found[: found.index(moment)]
    for before in reversed(earlier):
        for scale in before.scales(instrument):
            if scale.scale != scale_id:
                continue
            if team_id is None:
                return before.label, scale.total
            target = before.target_of(team_id)
            return (before.label, scale.of(target)) if target is not None else None
    return None


def _change(
    found: list[Moment], moment: Moment, scale: ScaleResult, team_id: int | None
) -> ChangeRow | None:
    before = _figure_before(found, moment, scale.instrument, scale.scale, team_id)
    if before is None:
        return None
    now = scale.total if team_id is None else scale.of(moment.target_of(team_id))
    return scale_rows.change_row(before[0], before[1], now)


def _scale_row(
    found: list[Moment], moment: Moment, scale: ScaleResult, team_id: int | None
) -> ScaleRow:
    results = moment.results
    ids = [t.id for t in sorted(results.targets, key=lambda target: target.name)]
    team_key = moment.target_of(team_id) if team_id is not None else None
    team = None
    if team_key:
        team_change = _change(found, moment, scale, team_id)
        team = scale_rows.group_row(results, team_key, scale, team_change)
    return scale_rows.scale_row(
        results,
        scale,
        classes=moment.round.mode == Round.Mode.STUDENTS,
        groups=ids if team_id is None else [],
        team=team,
        change=_change(found, moment, scale, None),
    )


def _scale_ids(found: Iterable[Moment], instrument: str) -> list[tuple[str, dict[str, str]]]:
    """The scales of an instrument over all rounds, in the order they first appear."""
    seen: dict[str, dict[str, str]] = {}
    for moment in found:
        for scale in moment.scales(instrument):
            seen.setdefault(scale.scale, scale.title)
    return list(seen.items())


def _figure(moment: Moment, instrument: str, scale_id: str, team_id: int | None) -> Figure:
    for scale in moment.scales(instrument):
        if scale.scale != scale_id:
            continue
        if team_id is None:
            return scale.total
        return scale.of(moment.target_of(team_id))
    return HIDDEN


def _interval(figure: Figure) -> tuple[float, float] | None:
    """The 95% interval of a shown mean, from the n, mean and sd the page shows."""
    if figure.n is None or figure.mean is None or figure.sd is None:
        return None
    low, high = mean_interval(figure.n, figure.mean, figure.sd)
    return None if math.isnan(low) else (low, high)


def _series(used: list[Moment], instrument: str, scale_id: str, title, team_id: int | None):
    figures = [_figure(m, instrument, scale_id, team_id) for m in used]
    return charts.Series(
        pick_text(title), [f.mean for f in figures], [_interval(f) for f in figures]
    )


def efficacy_sections(
    found: list[Moment], team: Team | None = None, instruments: Iterable[str] = EFFICACY
) -> list[Section]:
    """Per instrument (the efficacy ones unless named): a trend over its rounds and the
    latest round's figures; for a team page, the team's own line and figures beside the
    school's."""
    team_id = team.pk if team is not None else None
    sections = []
    for instrument in instruments:
        used = [m for m in found if m.scales(instrument)]
        if team_id is not None:
            used = [m for m in used if m.target_of(team_id) is not None]
        if not used:
            continue
        latest = used[-1]
        first = latest.scales(instrument)[0]
        title = pick_text(first.instrument_title)
        series = [
            _series(used, instrument, scale_id, scale_title, team_id)
            for scale_id, scale_title in _scale_ids(used, instrument)
        ]
        whose = str(team) if team is not None else latest.round.school.name
        chart = charts.trend_chart(
            f"trend-{instrument}",
            title,
            _(
                "Average score per scale of %(whose)s in each measurement round (1 to "
                "%(max)s), with its 95%% interval as a whisker."
            )
            % {"whose": whose, "max": first.options},
            [m.label for m in used],
            series,
            y_min=1,
            y_max=first.options,
            y_label=_("Average score"),
        )
        rows = [_scale_row(found, latest, scale, team_id) for scale in latest.scales(instrument)]
        # The response rate of whom the page is about: the team on its page, else everyone.
        whom: Any = (
            latest.results.target_of_team(team_id) if team_id is not None else latest.results
        )
        sections.append(
            Section(
                instrument=instrument,
                title=title,
                chart=chart,
                latest=latest,
                invited=whom.invited,
                answered=whom.answered,
                rows=rows,
            )
        )
    return sections


def _team_means(moment: Moment, instrument: str) -> dict[int, float]:
    """Per team shown on every scale of the instrument: the mean of its scale means."""
    scales = moment.scales(instrument)
    means: dict[int, float] = {}
    for target in moment.results.targets:
        values = [s.of(target.id).mean for s in scales]
        known = [v for v in values if v is not None]
        if target.team_id is not None and known and len(known) == len(values):
            means[target.team_id] = sum(known) / len(known)
    return means


def quadrant(found: list[Moment]) -> Any:
    """Each team shown in the latest staff round that measured both axes, as a point of
    self-efficacy against collective efficacy; its previous position faded, with an arrow."""
    both = [m for m in found if m.scales(QUADRANT_X) and m.scales(QUADRANT_Y)]
    if not both:
        return None
    latest, previous = both[-1], (both[-2] if len(both) > 1 else None)
    x_now, y_now = _team_means(latest, QUADRANT_X), _team_means(latest, QUADRANT_Y)
    x_then = _team_means(previous, QUADRANT_X) if previous else {}
    y_then = _team_means(previous, QUADRANT_Y) if previous else {}
    names = {t.team_id: t.name for t in latest.results.targets}
    points = [
        charts.Point(
            names[team],
            x_now[team],
            y_now[team],
            x_then.get(team) if team in y_then else None,
            y_then.get(team) if team in x_then else None,
        )
        for team in sorted(set(x_now) & set(y_now), key=lambda t: names[t])
    ]
    x_scale, y_scale = latest.scales(QUADRANT_X)[0], latest.scales(QUADRANT_Y)[0]
    x_max, y_max = x_scale.options, y_scale.options
    description = _(
        "Each team as a point: average self-efficacy (across) against collective efficacy "
        "(up) in %(now)s. Teams with too few answers are left out."
    ) % {"now": latest.label}
    if previous:
        description += " " + _(
            "A faded point and an arrow show where the team stood in %(then)s."
        ) % {"then": previous.label}
    return charts.quadrant_chart(
        "efficacy-quadrant",
        _("Self-efficacy and collective efficacy per team"),
        description,
        points,
        x_label=pick_text(x_scale.instrument_title),
        y_label=pick_text(y_scale.instrument_title),
        x_min=1,
        x_max=x_max,
        y_min=1,
        y_max=y_max,
        x_mid=(1 + x_max) / 2,
        y_mid=(1 + y_max) / 2,
    )
