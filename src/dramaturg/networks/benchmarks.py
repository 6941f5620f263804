"""Anonymised benchmarks: where a school stands in each of its networks, scale by scale.

**Frozen per half year.** Network figures describe the last *completed* half year of a
school year (August–January or February–July) and are computed once by the background
worker (`compute_benchmarks`), then kept (`BenchmarkSnapshot`). The worker is asked when a
network is made or a school joins one, by `dramaturg recompute --due` (daily) once a half
year has ended, and by the first dashboard that finds a snapshot missing; that dashboard
says the figures are being prepared and never computes them itself. Figures that
moved whenever a round closed or a school joined would let a leader who notes them at two
moments solve for the other schools' values (the quartiles are fixed weighted sums of the
sorted values: two moments of five and six schools give six equations for five unknowns).
Frozen, every look at a half year gives the same figures, and the next half year is made of
new rounds, so two snapshots share no values to subtract.

A school's **value** for a scale of an efficacy instrument is the school-wide mean
(`total.mean` of the round's results object, `surveys.results`) of its latest round that
measured the scale and whose last day lies in the half year. When that figure is suppressed
(fewer answers than the round's threshold) the school does not count for the scale; an older
round does not stand in for it. The network's figure for a scale is shown only when at least
`MIN_SCHOOLS` schools (the own school included) have a value. It is the first quartile,
median and third quartile of those values by the Harrell–Davis estimator: a weighted mean
of *all* the values with strictly positive weights, so a displayed quartile is never simply
one school's value, as an ordinary (order-statistic) quartile of five values would be.
Quartiles are stored rounded to `DECIMALS`, the precision shown, so the SVG carries no more
than the table.

Nothing here holds a school's name or another school's value: a snapshot has, per scale,
the titles, the three quartiles and the number of schools; the own school's value is read
from its own rounds. See docs/dashboard.md, "Benchmarks in a network".

Queries on a normal view: the school's networks, their snapshots, and the school's own rounds
of the half year with their summaries. Requesting a missing snapshot costs a few more.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django_tasks import task

from dramaturg.core.localized import pick_text
from dramaturg.networks.access import network_schools, networks_of_school
from dramaturg.networks.models import BenchmarkSnapshot, Network
from dramaturg.reports import charts, charts_range, derived
from dramaturg.reports import summaries as stored_summaries
from dramaturg.reports.dashboard import EFFICACY
from dramaturg.reports.summaries import summaries
from dramaturg.schools.models import School
from dramaturg.surveys.models import Round, RoundInstrument
from dramaturg.surveys.results import RoundResults

MIN_SCHOOLS = 5  # schools with a shown value before a network figure appears
SNAPSHOT_SCHEMA = 2  # bump when the stored format changes; older snapshots are then remade
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

    period: Period | None = None
    pending: bool = False  # the worker is still preparing the figures

    # For the page's explanation.
    min_schools = MIN_SCHOOLS


@dataclass(frozen=True)
class Period:
    """Half a school year: 1 August to 31 January, or 1 February to 31 July."""

    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return _("%(start)s to %(end)s") % {
            "start": date_format(self.start, "F Y"),
            "end": date_format(self.end, "F Y"),
        }


def period_of(day: dt.date) -> Period:
    if day.month >= 8:
        return Period(dt.date(day.year, 8, 1), dt.date(day.year + 1, 1, 31))
    if day.month == 1:
        return Period(dt.date(day.year - 1, 8, 1), dt.date(day.year, 1, 31))
    return Period(dt.date(day.year, 2, 1), dt.date(day.year, 7, 31))


def last_completed_period(today: dt.date) -> Period:
    return period_of(period_of(today).start - dt.timedelta(days=1))


def candidate_rounds(school_ids_q: Q, period: Period) -> list[Round]:
    """Rounds with an efficacy instrument whose last day lies in the period: one query.
    The period has ended, so every one of them is closed."""
    efficacy = RoundInstrument.objects.filter(round=OuterRef("pk"), instrument_id__in=EFFICACY)
    return list(
        Round.objects.filter(school_ids_q)
        .annotate(last=Coalesce("closed_early_on", "closes_on"))
        .filter(last__range=(period.start, period.end))
        .filter(Exists(efficacy))
        .order_by("pk")
    )


ScaleKey = tuple[str, str, int]  # instrument, scale, number of answer options


def school_values(
    rounds: list[Round], found: dict[int, RoundResults]
) -> tuple[dict[ScaleKey, dict[int, float]], dict[ScaleKey, dict[str, Any]]]:
    """Per scale: each school's value (its latest round's shown mean), and how to show the
    scale (titles, and its place in the instrument for the order of the rows).

    A school whose latest round has the scale suppressed has no value for it."""
    latest: dict[tuple[int, ScaleKey], tuple[tuple, float | None]] = {}
    titles: dict[ScaleKey, dict[str, Any]] = {}
    for round_ in rounds:
        when = (round_.last_day, round_.opens_on, round_.pk)
        for position, scale in enumerate(found[round_.pk].scales):
            if scale.instrument not in EFFICACY:
                continue
            key = (scale.instrument, scale.scale, scale.options)
            total = scale.total
            shown = total.mean is not None and total.n is not None
            previous = latest.get((round_.school_id, key))
            if previous is None or when > previous[0]:
                latest[(round_.school_id, key)] = (when, total.mean if shown else None)
                titles.setdefault(
                    key,
                    {
                        "title": scale.title,
                        "instrument_title": scale.instrument_title,
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


def snapshot_scales(
    values: dict[ScaleKey, dict[int, float]], titles: dict[ScaleKey, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The scales with at least MIN_SCHOOLS values, in the dashboard's order, as stored: no
    school, no single value, only the quartiles (rounded) and how many schools."""
    found = []
    for key in sorted(values, key=lambda k: _order(k, titles)):
        if len(values[key]) < MIN_SCHOOLS:
            continue
        q1, median, q3 = (rounded(q) for q in hd_quantiles(list(values[key].values())))
        found.append(
            {
                "instrument": key[0],
                "scale": key[1],
                "options": key[2],
                "title": titles[key]["title"],
                "instrument_title": titles[key]["instrument_title"],
                "n_schools": len(values[key]),
                # Never shown: only to compare the networks a reader sees (`_overlapping`).
                "schools": sorted(values[key]),
                "q1": q1,
                "median": median,
                "q3": q3,
            }
        )
    return found


def members_by_end(network: Network, period: Period) -> list[int]:
    """The schools that were in the network when the half year ended. A network made, or a
    school that joined, later does not change a half year that was already over: otherwise a
    leader could start a second network of the same schools plus one and subtract."""
    if network.kind == Network.Kind.BOARD:
        joined = network_schools(network).filter(created_at__date__lte=period.end)
        return list(joined.values_list("pk", flat=True))
    members = network.members.filter(joined_at__date__lte=period.end)
    return list(members.values_list("school_id", flat=True))


def compute_snapshot(network: Network, period: Period) -> dict[str, Any]:
    schools = members_by_end(network, period)
    rounds = candidate_rounds(Q(school_id__in=schools), period)
    values, titles = school_values(rounds, summaries(rounds))
    return {"schema": SNAPSHOT_SCHEMA, "scales": snapshot_scales(values, titles)}


def snapshot_key(network_id: int, period: Period) -> str:
    return f"{network_id}:{period.start.isoformat()}"


def snapshots(networks: list[Network], period: Period) -> dict[int, dict[str, Any]]:
    """Each network's stored figures for the period, in one query; the missing ones are
    requested from the worker (once the transaction commits) and left out."""
    stored = {
        snapshot.network_id: snapshot.data
        for snapshot in BenchmarkSnapshot.objects.filter(
            network__in=networks, period_start=period.start
        )
        if snapshot.data.get("schema") == SNAPSHOT_SCHEMA
    }
    missing = [snapshot_key(n.pk, period) for n in networks if n.pk not in stored]
    derived.request(derived.BENCHMARK, missing, compute_benchmarks)
    return stored


def request_snapshots(networks: list[Network], today: dt.date | None = None) -> None:
    """Ask the worker for the networks' last completed half year (a network was made, a
    school joined): kept if it exists, made if not."""
    period = last_completed_period(today or timezone.localdate())
    keys = [snapshot_key(n.pk, period) for n in networks]
    derived.request(derived.BENCHMARK, keys, compute_benchmarks)


def due_snapshots(today: dt.date | None = None) -> list[str]:
    """The keys of every network's missing snapshot of the last completed half year."""
    period = last_completed_period(today or timezone.localdate())
    have = set(
        BenchmarkSnapshot.objects.filter(period_start=period.start).values_list(
            "network_id", "data__schema"
        )
    )
    done = {network_id for network_id, schema in have if schema == SNAPSHOT_SCHEMA}
    ids = Network.objects.exclude(pk__in=done).values_list("pk", flat=True)
    return [snapshot_key(pk, period) for pk in ids]


def compute_one(key: str) -> None:
    """The worker's computation of one snapshot. A snapshot already stored in the current
    schema is kept: the figures of a half year never change once made."""
    network_id, start = key.split(":")
    network = Network.objects.filter(pk=int(network_id)).first()
    if network is None:
        return
    period = period_of(dt.date.fromisoformat(start))
    existing = BenchmarkSnapshot.objects.filter(network=network, period_start=period.start)
    if any(s.data.get("schema") == SNAPSHOT_SCHEMA for s in existing):
        return
    data = compute_snapshot(network, period)
    try:
        with transaction.atomic():
            BenchmarkSnapshot.objects.update_or_create(
                network=network, period_start=period.start, defaults={"data": data}
            )
    except IntegrityError:  # stored by another process at the same moment: theirs stays
        pass


@task()
def compute_benchmarks(keys: list[str]) -> dict[str, int]:
    """Compute and store these snapshots (keys are "network id:period start")."""
    return derived.run(derived.BENCHMARK, keys, compute_one)


def _benchmark(entry: dict[str, Any], own: dict[ScaleKey, float]) -> ScaleBenchmark:
    key = (entry["instrument"], entry["scale"], entry["options"])
    value = own.get(key)
    return ScaleBenchmark(
        instrument=entry["instrument"],
        scale=entry["scale"],
        title=pick_text(entry["title"]),
        instrument_title=pick_text(entry["instrument_title"]),
        options=entry["options"],
        n_schools=entry["n_schools"],
        q1=entry["q1"],
        median=entry["median"],
        q3=entry["q3"],
        own=rounded(value) if value is not None else None,
    )


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
            charts_range.range_chart(
                f"network-{network.pk}-{instrument}-{options}",
                rows[0].instrument_title,
                " ".join(sentences),
                [
                    charts_range.RangeRow(s.title, s.own, s.median, s.q1, s.q3, s.n_schools)
                    for s in rows
                ],
                x_min=1,
                x_max=options,
                decimals=DECIMALS,
            )
        )
    return made


def _overlapping(
    networks: list[Network], frozen: dict[int, dict[str, Any]]
) -> set[tuple[int, str, str]]:
    """Scales to leave out because the reader sees them in two networks whose schools differ
    by fewer than MIN_SCHOOLS: subtracting the two figures would describe those few schools.
    Of such a pair the network with fewer schools (or, equal, the later one) gives way."""
    hidden: set[tuple[int, str, str]] = set()
    sets = {
        (network.pk, entry["instrument"], entry["scale"]): set(entry["schools"])
        for network in networks
        for entry in frozen[network.pk]["scales"]
    }
    keys = sorted(sets, key=lambda k: (-len(sets[k]), [n.pk for n in networks].index(k[0])))
    for i, kept in enumerate(keys):
        if kept in hidden:
            continue
        for other in keys[i + 1 :]:
            same_scale = other[1:] == kept[1:]
            if same_scale and 0 < len(sets[kept] ^ sets[other]) < MIN_SCHOOLS:
                hidden.add(other)
    return hidden


def benchmarks_for_school(school: School, today: dt.date | None = None) -> list[NetworkBenchmark]:
    """Per network of the school (by name): the last completed half year's frozen figures,
    with the school's own value of that half year beside them."""
    period = last_completed_period(today or timezone.localdate())
    networks = list(networks_of_school(school).order_by("name", "pk"))
    if not networks:
        return []
    frozen = snapshots(networks, period)
    own_rounds = candidate_rounds(Q(school_id=school.pk), period)
    ready = stored_summaries.ready(own_rounds)
    # Overlaps are judged among all networks the reader sees, so wait for all of them.
    if ready.pending or len(frozen) < len(networks):
        return [NetworkBenchmark(n, [], [], period=period, pending=True) for n in networks]
    values, _titles = school_values(own_rounds, ready.found)
    own = {key: by_school[school.pk] for key, by_school in values.items() if school.pk in by_school}
    hidden = _overlapping(networks, frozen)
    found = []
    for network in networks:
        entries = frozen[network.pk]["scales"]
        scales = [
            _benchmark(entry, own)
            for entry in entries
            if (network.pk, entry["instrument"], entry["scale"]) not in hidden
        ]
        found.append(
            NetworkBenchmark(network, scales, network_charts(network, scales), period=period)
        )
    return found
