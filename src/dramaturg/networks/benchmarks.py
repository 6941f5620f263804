"""Anonymised benchmarks: where a school stands in each of its networks, scale by scale.

A school's **value** for a scale of an efficacy instrument is the school-wide mean
(`total.mean` in the round summary) of its latest *closed* round that measured the scale and
whose last day lies within the last `FRESH_MONTHS` months. When that figure is suppressed
(fewer answers than the round's threshold) the school does not count for the scale; an older
round does not stand in for it. The network's figure for a scale is shown only when at least
`MIN_SCHOOLS` schools (the own school included) have a value. It is the first quartile,
median and third quartile of those values by the Harrell–Davis estimator: a weighted mean of
*all* the values with strictly positive weights, so a displayed quartile is never simply one
school's value, as an ordinary (order-statistic) quartile of five values would be. Quartiles
leave this module rounded to `DECIMALS`, the precision shown, so the SVG's coordinates carry
no more than the table does.

Nothing here holds a school's name or another school's value: the output has the scale, the
own school's value, the three quartiles and the number of schools. See docs/dashboard.md,
"Benchmarks in a network".

Queries: one for the school's networks, one for the schools of its cross-board networks
(none if it has none), one for the candidate rounds of every school of all those networks,
and one for their stored summaries: at most four, whatever the number of schools, networks
or rounds. A closed round without a stored summary is computed and stored once
(`reports.summaries`), which costs more the first time only.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from dramaturg.core.localized import pick_text
from dramaturg.networks.access import networks_of_school
from dramaturg.networks.models import Network, NetworkSchool
from dramaturg.reports import charts
from dramaturg.reports.dashboard import EFFICACY
from dramaturg.reports.summaries import summaries
from dramaturg.schools.models import School
from dramaturg.surveys.models import Round, RoundInstrument

MIN_SCHOOLS = 5  # schools with a shown value before a network figure appears
FRESH_MONTHS = 13  # a round whose last day is older does not count
PROBS = (0.25, 0.5, 0.75)
DECIMALS = 2


# --- The Harrell–Davis quantile estimator -------------------------------------------------


def hd_weights(n: int, p: float) -> np.ndarray:
    """The weight of each order statistic x(1) ≤ … ≤ x(n) in the Harrell–Davis estimate of
    the p-quantile: W_i = I_{i/n}(a, b) − I_{(i−1)/n}(a, b), with I the regularised incomplete
    beta function, a = p(n + 1) and b = (1 − p)(n + 1) (Harrell & Davis, 1982). For 0 < p < 1
    every weight is strictly positive and they sum to 1."""
    if n < 1 or not 0 < p < 1:
        raise ValueError("need n ≥ 1 and 0 < p < 1")
    from scipy.special import betainc, betaincc  # imported late: scipy is slow to import

    a, b = p * (n + 1), (1 - p) * (n + 1)
    edges = np.arange(n + 1) / n
    below, above = betainc(a, b, edges), betaincc(a, b, edges)
    # Differences of the upper tail taken from the complement: 1 − I would round them to 0.
    return np.where(below[:-1] < 0.5, np.diff(below), -np.diff(above))


def hd_quantile(values: Sequence[float], p: float) -> float:
    """The Harrell–Davis estimate of the p-quantile (as R's `Hmisc::hdquantile`)."""
    ordered = np.sort(np.asarray(values, dtype=float))
    return float(hd_weights(len(ordered), p) @ ordered)


def hd_quantiles(values: Sequence[float], probs: Sequence[float] = PROBS) -> list[float]:
    return [hd_quantile(values, p) for p in probs]


def rounded(value: float, decimals: int = DECIMALS) -> float:
    """Half up from the shortest repr, as the tables round (`charts._fmt`)."""
    step = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP))


# --- What the dashboard gets ------------------------------------------------------------


@dataclass(frozen=True)
class ScaleBenchmark:
    instrument: str
    scale: str
    title: str
    instrument_title: str
    options: int
    n_schools: int
    q1: float  # rounded to DECIMALS, like median and q3
    median: float
    q3: float
    own: float | None  # the school's own value; None when it has no shown figure


@dataclass(frozen=True)
class NetworkBenchmark:
    network: Network
    scales: list[ScaleBenchmark]
    charts: list[charts.Chart]  # one per instrument (answer scales differ between them)

    # For the page's explanation.
    min_schools = MIN_SCHOOLS
    fresh_months = FRESH_MONTHS


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def candidate_rounds(school_ids_q: Q, today: dt.date) -> list[Round]:
    """Closed rounds, ended within FRESH_MONTHS, with an efficacy instrument: one query."""
    cutoff = months_before(today, FRESH_MONTHS)
    efficacy = RoundInstrument.objects.filter(round=OuterRef("pk"), instrument_id__in=EFFICACY)
    closed = Q(closed_early_on__isnull=False) | Q(closes_on__lt=today)
    return list(
        Round.objects.filter(school_ids_q, closed, opens_on__lte=today)
        .annotate(
            last=Coalesce("closed_early_on", "closes_on"), board_of_school=F("school__board_id")
        )
        .filter(last__gte=cutoff)
        .filter(Exists(efficacy))
        .order_by("pk")
    )


ScaleKey = tuple[str, str, int]  # instrument, scale, number of answer options


def school_values(
    rounds: list[Round], found: dict[int, dict[str, Any]], today: dt.date
) -> tuple[dict[ScaleKey, dict[int, float]], dict[ScaleKey, dict[str, Any]]]:
    """Per scale: each school's value (its latest round's shown mean), and how to show the
    scale (titles, and its place in the instrument for the order of the rows).

    A school whose latest round has the scale suppressed has no value for it."""
    latest: dict[tuple[int, ScaleKey], tuple[tuple, float | None]] = {}
    titles: dict[ScaleKey, dict[str, Any]] = {}
    for round_ in rounds:
        if round_.status(today) != "closed":
            continue
        when = (round_.last_day, round_.opens_on, round_.pk)
        for position, scale in enumerate(found[round_.pk]["scales"]):
            if scale["instrument"] not in EFFICACY:
                continue
            key = (scale["instrument"], scale["scale"], scale["options"])
            total = scale["total"]
            shown = (
                total["mean"] is not None
                and total["n"] is not None
                and total["n"] >= round_.anonymity_threshold
            )
            previous = latest.get((round_.school_id, key))
            if previous is None or when > previous[0]:
                latest[(round_.school_id, key)] = (when, total["mean"] if shown else None)
                titles.setdefault(
                    key,
                    {
                        "title": scale["title"],
                        "instrument_title": scale["instrument_title"],
                        "position": position,
                    },
                )
    values: dict[ScaleKey, dict[int, float]] = defaultdict(dict)
    for (school_id, key), (_when, value) in latest.items():
        if value is not None:
            values[key][school_id] = float(value)
    return values, titles


def _order(key: ScaleKey, titles: dict[ScaleKey, dict[str, Any]]) -> tuple:
    instrument, scale, options = key
    return (EFFICACY.index(instrument), options, titles[key]["position"], scale)


def network_scales(
    school_ids: set[int],
    own_id: int,
    values: dict[ScaleKey, dict[int, float]],
    titles: dict[ScaleKey, dict[str, Any]],
) -> list[ScaleBenchmark]:
    """The scales of a network with at least MIN_SCHOOLS values, in the dashboard's order."""
    found = []
    for key in sorted(values, key=lambda k: _order(k, titles)):
        mine = {s: v for s, v in values[key].items() if s in school_ids}
        if len(mine) < MIN_SCHOOLS:
            continue
        q1, median, q3 = (rounded(q) for q in hd_quantiles(list(mine.values())))
        own = mine.get(own_id)
        found.append(
            ScaleBenchmark(
                instrument=key[0],
                scale=key[1],
                title=pick_text(titles[key]["title"]),
                instrument_title=pick_text(titles[key]["instrument_title"]),
                options=key[2],
                n_schools=len(mine),
                q1=q1,
                median=median,
                q3=q3,
                own=rounded(own) if own is not None else None,
            )
        )
    return found


def _figure(value: float | None) -> str:
    return "—" if value is None else number_format(value, decimal_pos=DECIMALS)


def network_charts(network: Network, scales: list[ScaleBenchmark]) -> list[charts.Chart]:
    """One range chart per instrument (and answer scale) of the network's shown scales."""
    groups: dict[tuple[str, int], list[ScaleBenchmark]] = {}
    for scale in scales:
        groups.setdefault((scale.instrument, scale.options), []).append(scale)
    made = []
    for (instrument, options), rows in groups.items():
        sentences = [
            _(
                "%(scale)s: your school %(own)s; median of %(n)s schools %(median)s, "
                "middle half from %(q1)s to %(q3)s."
            )
            % {
                "scale": s.title,
                "own": _figure(s.own),
                "n": s.n_schools,
                "median": _figure(s.median),
                "q1": _figure(s.q1),
                "q3": _figure(s.q3),
            }
            for s in rows
        ]
        made.append(
            charts.range_chart(
                f"network-{network.pk}-{instrument}-{options}",
                rows[0].instrument_title,
                " ".join(sentences),
                [charts.RangeRow(s.title, s.own, s.median, s.q1, s.q3, s.n_schools) for s in rows],
                x_min=1,
                x_max=options,
                decimals=DECIMALS,
            )
        )
    return made


def benchmarks_for_school(school: School, today: dt.date | None = None) -> list[NetworkBenchmark]:
    """Per network of the school (by name): its benchmark scales and charts."""
    today = today or timezone.localdate()
    networks = list(networks_of_school(school).order_by("name", "pk"))
    if not networks:
        return []
    cross = [n.pk for n in networks if n.kind == Network.Kind.CROSS_BOARD]
    members: dict[int, set[int]] = defaultdict(set)
    if cross:
        pairs = NetworkSchool.objects.filter(network_id__in=cross)
        for network_id, school_id in pairs.values_list("network_id", "school_id"):
            members[network_id].add(school_id)
    boards = {n.board_id for n in networks if n.kind == Network.Kind.BOARD}
    cross_schools = set().union(*members.values()) if members else set()
    where = Q(school__board_id__in=boards) | Q(school_id__in=cross_schools)
    rounds = candidate_rounds(where, today)
    values, titles = school_values(rounds, summaries(rounds), today)
    board_of = {r.school_id: r.board_of_school for r in rounds}  # type: ignore[attr-defined]
    found = []
    for network in networks:
        if network.kind == Network.Kind.BOARD:
            schools = {s for s, board in board_of.items() if board == network.board_id}
        else:
            schools = members[network.pk]
        scales = network_scales(schools, school.pk, values, titles)
        found.append(NetworkBenchmark(network, scales, network_charts(network, scales)))
    return found
