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

Bounded: the overview is of one page of schools (`views_board`) and one school year. The
response counts and the collective efficacy per year come from columns copied out of the
stored summaries (`reports.summary_counts`), read with the rounds in one query; only a
sharing school's rounds of the chosen year are decoded whole, for its chart and latest
figures. Queries: a fixed handful, whatever the number of schools, rounds or years. A round
whose summary the worker has not stored yet is listed as being prepared (and requested); it
is never summarised in the request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dramaturg.cards.models import Card
from dramaturg.core.localized import pick_text
from dramaturg.core.stages import STAGE_INFO, StageInfo
from dramaturg.reports import charts, summaries
from dramaturg.reports.dashboard import EFFICACY, Moment
from dramaturg.reports.summary_counts import collective_efficacy as stored_efficacy
from dramaturg.schools.models import Board, School, school_year_start
from dramaturg.schools.turnover import YEARS_SHOWN, YearTurnover, turnover_by_school
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


def _adopted_counts(schools: list[School]) -> dict[tuple[int, str], int]:
    """Per (school, stage): the cards with an adopted version in force (archived left out)."""
    rows = (
        Card.objects.filter(school__in=schools, adopted_version__gt=0)
        .exclude(state=Card.State.ARCHIVED)
        .values_list("school_id", "stage")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(school_id, stage): n for school_id, stage, n in rows}


def _held(today: dt.date) -> Q:
    """Rounds that have closed (on their date or early)."""
    return Q(opens_on__lte=today) & (Q(closed_early_on__isnull=False) | Q(closes_on__lt=today))


def held_years(board: Board, today: dt.date | None = None) -> list[int]:
    """The school years (start years) in which the board held a round, and the current one,
    newest first: the choices of the overview's year selector. One query."""
    today = today or timezone.localdate()
    days = (
        Round.objects.filter(_held(today), school__board=board)
        .values_list("opens_on__year", "opens_on__month")
        .distinct()
        .order_by()
    )
    years = {year if month >= 8 else year - 1 for year, month in days}
    return sorted(years | {school_year_start(today)}, reverse=True)


def default_year(years: list[int], board: Board, today: dt.date | None = None) -> int:
    """The current school year; before the board has held a round in it (the first months
    of a year), the latest year in which it did."""
    today = today or timezone.localdate()
    current = school_year_start(today)
    held = Round.objects.filter(
        _held(today), school__board=board, opens_on__gte=dt.date(current, 8, 1)
    )
    if held.exists():
        return current
    return next((year for year in years if year < current), current)


@dataclass(frozen=True)
class HeldRound:
    """A held round with the copies of its summary's figures (None: no summary stored yet)."""

    round: Round
    invited: int | None
    answered: int | None
    efficacy: float | None


def _held_rounds(
    schools: list[School], sharing: set[int], year: int, today: dt.date
) -> list[HeldRound]:
    """The schools' held rounds of school year `year`, and a sharing school's of the years
    its turnover table shows, oldest first, each with its summary's counts (one query; the
    JSON document is not read)."""
    first_shown = school_year_start(today) - YEARS_SHOWN + 1
    rounds = (
        Round.objects.filter(_held(today), school__in=schools)
        .filter(
            Q(opens_on__range=(dt.date(year, 8, 1), dt.date(year + 1, 7, 31)))
            | Q(school__in=sharing, opens_on__gte=dt.date(first_shown, 8, 1))
        )
        .annotate(
            summary_schema=F("summary__schema"),
            summary_invited=F("summary__invited"),
            summary_answered=F("summary__answered"),
            summary_efficacy=F("summary__collective_efficacy"),
        )
        .order_by("opens_on", "pk")
    )
    found = []
    for round_ in rounds:
        stored = round_.summary_schema == summaries.SCHEMA  # type: ignore[attr-defined]
        found.append(
            HeldRound(
                round_,
                round_.summary_invited if stored else None,  # type: ignore[attr-defined]
                round_.summary_answered if stored else None,  # type: ignore[attr-defined]
                round_.summary_efficacy if stored else None,  # type: ignore[attr-defined]
            )
        )
    return found


def board_overview(
    board: Board,
    today: dt.date | None = None,
    *,
    year: int | None = None,
    schools: list[School] | None = None,
) -> list[SchoolOverview]:
    """The given schools of the board (all of them, by name, when none are given) with what
    the board may see of each in school year `year` (the current one by default)."""
    today = today or timezone.localdate()
    year = school_year_start(today) if year is None else year
    if schools is None:
        schools = list(School.objects.filter(board=board).order_by("name"))
    sharing = {school.pk for school in schools if school.share_results_with_board}
    adopted = _adopted_counts(schools)
    held = _held_rounds(schools, sharing, year, today)
    this_year = [h for h in held if school_year_start(h.round.opens_on) == year]
    # Read whole: rounds of the year without stored counts (the worker is asked for them) and
    # a sharing school's rounds of the year (its chart and latest figures). Never computed here.
    decode = [h.round for h in this_year if h.invited is None or h.round.school_id in sharing]
    found = summaries.ready(decode).found if decode else {}
    turnover = turnover_by_school(schools, today)
    rows: dict[int, list[RoundRow]] = {school.pk: [] for school in schools}
    moments: dict[int, list[Moment]] = {school.pk: [] for school in schools}
    for h in this_year:
        results = found.get(h.round.pk)
        if results is not None:
            moments[h.round.school_id].append(Moment(h.round, results))
        invited, answered = (
            (results.invited, results.answered)
            if h.invited is None and results
            else (h.invited, h.answered)
        )
        pending = h.invited is None and results is None
        rows[h.round.school_id].append(
            RoundRow(h.round.title, h.round.opens_on, invited or 0, answered, pending=pending)
        )
    efficacy: dict[int, dict[int, list[float]]] = {pk: {} for pk in sharing}
    for h in held:
        if h.round.school_id not in sharing:
            continue
        value = h.efficacy
        if h.invited is None and h.round.pk in found:  # just summarised
            value = stored_efficacy(found[h.round.pk].to_data())
        if value is not None:
            values = efficacy[h.round.school_id]
            values.setdefault(school_year_start(h.round.opens_on), []).append(value)
    overviews = []
    for school in schools:
        shares = school.pk in sharing
        per_year = {y: sum(v) / len(v) for y, v in efficacy.get(school.pk, {}).items()}
        overview = SchoolOverview(
            school=school,
            stages=[
                StageCount(info, adopted.get((school.pk, info.stage.value), 0))
                for info in STAGE_INFO
            ],
            rounds=list(reversed(rows[school.pk])),
            years=[YearRow(y, per_year.get(y.start_year)) for y in turnover[school.pk]],
            shares=shares,
        )
        if shares:
            overview.efficacy_chart = efficacy_chart(school, moments[school.pk])
            overview.latest = latest_figures(moments[school.pk])
        overviews.append(overview)
    return overviews
