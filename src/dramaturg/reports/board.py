"""The board overview: per school of a board, its cards, rounds and turnover, and — only
where the school shares them — its results.

What the board always sees is its own organisational data: how many adopted cards each
stage has, which rounds were held with their response rates, and staff turnover per school
year (`schools.turnover`). Result figures (efficacy means) are read only for a school with
`share_results_with_board` on; for any other school they are never computed into the
overview, so a template cannot show them by mistake.

Everything is read from each round's results object (`surveys.results`, stored for closed
rounds by `reports.summaries`), which holds only what the round pages may show, and the board
sees only school-wide figures of it: no team, class or item appears here. A response rate
hidden there (too few invited) stays hidden.

Queries: five for a whole board, whatever the number of schools or rounds — the schools,
the adopted cards per school and stage, the held rounds, their stored summaries and the
memberships. A round whose summary the worker has not stored yet is listed as being
prepared (and requested); it is never summarised in the request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dramaturg.cards.models import Card
from dramaturg.cards.stages import STAGE_INFO, StageInfo
from dramaturg.core.localized import pick_text
from dramaturg.reports import charts, summaries
from dramaturg.reports.dashboard import EFFICACY, Moment
from dramaturg.schools.models import Board, School, school_year_start
from dramaturg.schools.turnover import YearTurnover, turnover_by_school
from dramaturg.surveys.models import Round

COLLECTIVE = "collective_efficacy"


@dataclass(frozen=True)
class StageCount:
    info: StageInfo
    adopted: int


@dataclass(frozen=True)
class RoundRow:
    title: str
    opens_on: dt.date
    invited: int
    answered: int | None  # None: hidden, too few were invited
    pending: bool = False  # its summary is being prepared by the worker

    @property
    def percent(self) -> int | None:
        if self.answered is None or not self.invited:
            return None
        return round(100 * self.answered / self.invited)


@dataclass(frozen=True)
class LatestFigure:
    """The school-wide figure of one efficacy scale in the latest round that measured it."""

    instrument: str
    scale: str
    when: str
    n: int | None
    mean: float | None


@dataclass(frozen=True)
class YearRow:
    turnover: YearTurnover
    efficacy: float | None  # collective efficacy that year; None when not shared or unknown


@dataclass
class SchoolOverview:
    school: School
    stages: list[StageCount]
    rounds: list[RoundRow]
    years: list[YearRow]
    shares: bool
    # Only filled when the school shares its results with the board:
    efficacy_chart: Any = None  # charts.Chart
    latest: list[LatestFigure] = field(default_factory=list)

    @property
    def adopted(self) -> int:
        return sum(stage.adopted for stage in self.stages)

    @property
    def signal(self) -> bool:
        """The signal of the current school year or the one before it."""
        return any(row.turnover.signal for row in self.years[-2:])


def collective_efficacy(moment: Moment) -> float | None:
    """The school's collective efficacy in a round: the mean of its scales' school-wide
    means; None when the round did not measure it or a scale's figure is hidden."""
    values = [scale.total.mean for scale in moment.scales(COLLECTIVE)]
    means = [mean for mean in values if mean is not None]
    if not means or len(means) < len(values):
        return None
    return sum(means) / len(means)


def efficacy_by_year(found: list[Moment]) -> dict[int, float]:
    """Per school year (its start year): the mean of that year's rounds' collective efficacy."""
    values: dict[int, list[float]] = {}
    for moment in found:
        value = collective_efficacy(moment)
        if value is not None:
            values.setdefault(school_year_start(moment.round.opens_on), []).append(value)
    return {year: sum(v) / len(v) for year, v in values.items()}


def efficacy_chart(school: School, found: list[Moment]) -> Any:
    """Collective efficacy of the school over its rounds: a line per scale, everyone's mean."""
    used = [m for m in found if m.scales(COLLECTIVE)]
    if not used:
        return None
    titles: dict[str, dict[str, str]] = {}
    for moment in used:
        for scale in moment.scales(COLLECTIVE):
            titles.setdefault(scale.scale, scale.title)

    def value(moment: Moment, scale_id: str) -> float | None:
        for scale in moment.scales(COLLECTIVE):
            if scale.scale == scale_id:
                return scale.total.mean
        return None

    first = used[-1].scales(COLLECTIVE)[0]
    return charts.trend_chart(
        f"board-collective-{school.pk}",
        _("Collective efficacy of %(school)s") % {"school": school.name},
        _(
            "Average score per scale of everyone at %(school)s in each measurement round "
            "(1 to %(max)s)."
        )
        % {"school": school.name, "max": first.options},
        [m.label for m in used],
        [
            charts.Series(pick_text(title), [value(m, scale_id) for m in used])
            for scale_id, title in titles.items()
        ],
        y_min=1,
        y_max=first.options,
        y_label=_("Average score"),
    )


def latest_figures(found: list[Moment]) -> list[LatestFigure]:
    """Per efficacy instrument other than collective efficacy: each scale's school-wide
    figure in the latest round that measured the instrument."""
    figures = []
    for instrument in EFFICACY:
        if instrument == COLLECTIVE:
            continue
        used = [m for m in found if m.scales(instrument)]
        if not used:
            continue
        latest = used[-1]
        for scale in latest.scales(instrument):
            figures.append(
                LatestFigure(
                    instrument=pick_text(scale.instrument_title),
                    scale=pick_text(scale.title),
                    when=latest.label,
                    n=scale.total.n,
                    mean=scale.total.mean,
                )
            )
    return figures


def _adopted_counts(board: Board) -> dict[tuple[int, str], int]:
    """Per (school, stage): the cards with an adopted version in force (archived left out)."""
    rows = (
        Card.objects.filter(school__board=board, adopted_version__gt=0)
        .exclude(state=Card.State.ARCHIVED)
        .values_list("school_id", "stage")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(school_id, stage): n for school_id, stage, n in rows}


def _held_rounds(board: Board, today: dt.date) -> list[Round]:
    """The board's rounds that have closed (on their date or early), oldest first."""
    return list(
        Round.objects.filter(school__board=board, opens_on__lte=today)
        .filter(Q(closed_early_on__isnull=False) | Q(closes_on__lt=today))
        .order_by("opens_on", "pk")
    )


def _round_row(round_: Round, results: Any) -> RoundRow:
    if results is None:
        return RoundRow(round_.title, round_.opens_on, 0, None, pending=True)
    return RoundRow(round_.title, round_.opens_on, results.invited, results.answered)


def board_overview(board: Board, today: dt.date | None = None) -> list[SchoolOverview]:
    """Every school of the board, by name, with what the board may see of it."""
    today = today or timezone.localdate()
    schools = list(School.objects.filter(board=board).order_by("name"))
    adopted = _adopted_counts(board)
    rounds = _held_rounds(board, today)
    ready = summaries.ready(rounds)
    found = ready.found
    turnover = turnover_by_school(schools, today)
    moments: dict[int, list[Moment]] = {school.pk: [] for school in schools}
    of_school: dict[int, list[Round]] = {school.pk: [] for school in schools}
    for round_ in rounds:
        of_school[round_.school_id].append(round_)
        if round_.pk in found:
            moments[round_.school_id].append(Moment(round_, found[round_.pk]))
    overviews = []
    for school in schools:
        held = moments[school.pk]
        shares = school.share_results_with_board
        per_year = efficacy_by_year(held) if shares else {}
        overview = SchoolOverview(
            school=school,
            stages=[
                StageCount(info, adopted.get((school.pk, info.stage.value), 0))
                for info in STAGE_INFO
            ],
            rounds=[_round_row(r, found.get(r.pk)) for r in reversed(of_school[school.pk])],
            years=[YearRow(year, per_year.get(year.start_year)) for year in turnover[school.pk]],
            shares=shares,
        )
        if shares:
            overview.efficacy_chart = efficacy_chart(school, held)
            overview.latest = latest_figures(held)
        overviews.append(overview)
    return overviews
