"""Anonymised network benchmarks (issue 7): which school values count, the five-school
rule, figures frozen per half year, and that no school's name or value leaks. The
estimator itself is checked against R in test_networks_hdquantile.py.

The own school (De Vuurtoren) gets a real round, answered through the results helpers, so
its summary is computed and stored on the way. The other schools get a closed round with a
stored summary holding the school-wide figures we choose: that is exactly what the
benchmarks read, and it lets a test pick values, suppress a figure or let data go stale.
Rounds lie in the last completed half year, the one network figures describe.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html as html_lib
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from dramaturg.networks.access import ensure_board_network
from dramaturg.networks.benchmarks import (
    MIN_SCHOOLS,
    benchmarks_for_school,
    hd_quantile,
    hd_quantiles,
    last_completed_period,
    period_of,
    rounded,
)
from dramaturg.networks.models import BenchmarkSnapshot, Network, NetworkSchool
from dramaturg.reports import charts, charts_range, summaries
from dramaturg.reports.charts_range import RangeRow
from dramaturg.reports.models import RoundSummary
from dramaturg.schools.models import Board, School, SchoolYear, Team
from dramaturg.surveys.models import Round, RoundInstrument
from dramaturg.surveys.results import HIDDEN, Figure, RoundResults, ScaleResult
from tests.survey_helpers import add_members
from tests.test_reports_dashboard import answered_round
from tests.worker import get_ready, run_background

SVG = "{http://www.w3.org/2000/svg}"
# Other schools' values for the first scale; each further scale adds SCALE_STEP.
OTHERS = {
    "De Branding": 3.4125,
    "Het Anker": 3.8714285714285714,
    "De Meeuw": 2.95,
    "De Duinroos": 4.183333333333334,
    "Het Wad": 3.6666666666666665,
    "De Kwelder": 3.2857142857142856,
}
SCALE_STEP = 0.0541
# Schools (and their network places) that existed long before the half year measured.
LONG_AGO = dt.datetime(2020, 1, 6, 9, tzinfo=dt.UTC)


def test_half_years_run_from_august_and_from_february():
    assert period_of(dt.date(2026, 11, 23)).start == dt.date(2026, 8, 1)
    assert period_of(dt.date(2027, 1, 31)).end == dt.date(2027, 1, 31)
    assert period_of(dt.date(2027, 2, 1)).start == dt.date(2027, 2, 1)
    last = last_completed_period(dt.date(2026, 11, 23))
    assert (last.start, last.end) == (dt.date(2026, 2, 1), dt.date(2026, 7, 31))
    assert last_completed_period(dt.date(2026, 3, 1)).start == dt.date(2025, 8, 1)


# --- Building networks ----------------------------------------------------------------


@pytest.fixture
def own(world):
    """De Vuurtoren's real round of the last half year, summarised and stored."""
    School.objects.filter(pk=world.school.pk).update(created_at=LONG_AGO)
    middle = Team.objects.create(school=world.school, name="Middenbouw")
    add_members(world, world.team_b, 7)
    add_members(world, middle, 6, prefix="midden")
    round_ = answered_round(world, [world.team_a, middle, world.team_b], weeks=8)
    opens = in_period(30)
    Round.objects.filter(pk=round_.pk).update(
        opens_on=opens, closes_on=opens + dt.timedelta(days=14)
    )
    round_.refresh_from_db()
    return round_, summaries.summaries([round_])[round_.pk]


def in_period(day: int, earlier: int = 0) -> dt.date:
    """A day of the last completed half year (or of one `earlier` half years before it)."""
    period = last_completed_period(timezone.localdate())
    for _step in range(earlier):
        period = last_completed_period(period.start)
    return period.start + dt.timedelta(days=day)


def template_scales(own_round) -> list[ScaleResult]:
    return list(own_round[1].scales)


def own_values(own_round) -> dict[str, float]:
    return {s.scale: s.total.mean for s in template_scales(own_round)}


def other_value(own_round, name: str, scale_id: str) -> float:
    """A stored school's value on a scale, as `stored_round` spread it over the scales."""
    index = [s.scale for s in template_scales(own_round)].index(scale_id)
    return OTHERS[name] + index * SCALE_STEP


def new_school(name: str, board: Board) -> School:
    slug = re.sub(r"[^a-z]+", "-", name.lower()).strip("-")
    return School.objects.create(
        board=board, name=name, slug=slug, sector="po", created_at=LONG_AGO
    )


def stored_round(
    school: School,
    scales: list[ScaleResult],
    value: float | None,
    *,
    day: int = 20,
    earlier: int = 0,
    threshold: int = 5,
    open_now: bool = False,
) -> Round:
    """A round of the last completed half year (`day` days into it; `earlier` half years
    before it; open today if `open_now`) with a stored summary: `value` on the first scale,
    SCALE_STEP more on each next one; None = suppressed (too few answers)."""
    opens = timezone.localdate() - dt.timedelta(days=3) if open_now else in_period(day, earlier)
    round_ = Round.objects.create(
        school=school,
        school_year=SchoolYear.objects.for_date(opens),
        title="Meting",
        mode=Round.Mode.STAFF,
        opens_on=opens,
        closes_on=opens + dt.timedelta(days=14),
        anonymity_threshold=threshold,
    )
    for position, instrument in enumerate(dict.fromkeys(s.instrument for s in scales)):
        RoundInstrument.objects.create(
            round=round_, position=position, instrument_id=instrument, version=1, definition={}
        )
    stored = []
    for i, scale in enumerate(scales):
        mean = None if value is None else value + i * SCALE_STEP
        total = HIDDEN if mean is None else Figure(14, mean, 0.52, 0.83)
        stored.append(dataclasses.replace(scale, total=total, groups={}, items=()))
    answered = 14 if value else None
    data = RoundResults(round_.pk, threshold, 14, 14, answered, (), tuple(stored), True)
    RoundSummary.objects.create(round=round_, schema=summaries.SCHEMA, data=data.to_data())
    return round_


def board_network_with(world, own_round, names: list[str]) -> Network:
    network = ensure_board_network(world.board)
    for name in names:
        stored_round(new_school(name, world.board), template_scales(own_round), OTHERS[name])
    return network


def ready_benchmarks(school):
    """The benchmarks once the worker has made what the half year needs."""
    run_background()
    return benchmarks_for_school(school)


def first_scale(found) -> object:
    (benchmark,) = found
    return benchmark.scales[0] if benchmark.scales else None


def dashboard(client, world, school=None, query: str = "", language: str = "en") -> str:
    url = reverse("reports:dashboard", args=[(school or world.school).slug])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = get_ready(client, url + query)
    assert response.status_code == 200
    return response.content.decode()


def network_part(html: str) -> str:
    """The page from the network section on, up to the next section (teams compared)."""
    start = html.index('<section aria-labelledby="network-heading">')
    end = html.find('aria-labelledby="quadrant-heading"', start)
    return html[start : end if end > 0 else len(html)]


# --- Which values count ---------------------------------------------------------------


def test_four_schools_show_nothing_and_a_suppressed_or_stale_or_open_figure_does_not_count(
    world, own
):
    board_network_with(world, own, ["De Branding", "Het Anker", "De Meeuw"])
    scales = template_scales(own)
    stored_round(new_school("Suppressed", world.board), scales, None)
    stored_round(new_school("Stale", world.board), scales, 3.3, earlier=1)  # a half year before
    stored_round(new_school("Open", world.board), scales, 3.3, open_now=True)
    late = new_school("Late", world.board)
    stored_round(late, scales, 3.3, day=10)  # shown once, but the latest round is hidden
    stored_round(late, scales, None, day=120)
    found = ready_benchmarks(world.school)
    assert first_scale(found) is None  # 4 schools: De Vuurtoren and three others
    assert found[0].charts == []


def test_five_schools_show_the_harrell_davis_quartiles_with_the_own_value(world, own):
    board_network_with(world, own, ["De Branding", "Het Anker", "De Meeuw", "De Duinroos"])
    found = ready_benchmarks(world.school)
    scale = first_scale(found)
    mine = own_values(own)[scale.scale]
    others = [other_value(own, n, scale.scale) for n in list(OTHERS)[:4]]
    expected = hd_quantiles([mine, *others])
    assert scale.n_schools == MIN_SCHOOLS
    assert (scale.q1, scale.median, scale.q3) == tuple(rounded(q) for q in expected)
    assert scale.own == rounded(mine)
    assert len(found[0].scales) == len(template_scales(own))
    assert {c.key for c in found[0].charts} == {
        f"network-{found[0].network.pk}-collective_efficacy-5",
        f"network-{found[0].network.pk}-teacher_self_efficacy-5",
    }


def test_the_latest_round_counts_and_an_older_one_of_the_same_school_does_not(world, own):
    board_network_with(world, own, ["De Branding", "Het Anker", "De Meeuw"])
    late = new_school("Late", world.board)
    stored_round(late, template_scales(own), 2.0, day=10)
    stored_round(late, template_scales(own), 4.4, day=120)
    scale = first_scale(ready_benchmarks(world.school))
    index = [s.scale for s in template_scales(own)].index(scale.scale)
    others = [other_value(own, n, scale.scale) for n in list(OTHERS)[:3]]
    values = [own_values(own)[scale.scale], 4.4 + index * SCALE_STEP, *others]
    assert scale.median == rounded(hd_quantile(values, 0.5))


def test_queries_do_not_grow_with_the_number_of_schools(world, own):
    network = board_network_with(world, own, list(OTHERS)[:4])
    ready_benchmarks(world.school)  # makes the half year's snapshot
    with CaptureQueriesContext(connection) as five:
        benchmarks_for_school(world.school)
    BenchmarkSnapshot.objects.filter(network=network).delete()
    for name in list(OTHERS)[4:]:
        stored_round(new_school(name, world.board), template_scales(own), OTHERS[name])
    ready_benchmarks(world.school)
    with CaptureQueriesContext(connection) as seven:
        found = benchmarks_for_school(world.school)
    assert first_scale(found).n_schools == 7
    # networks, their snapshots, the school's own rounds of the half year, their summaries
    assert len(seven) == len(five) == 4


def test_a_half_years_figures_do_not_move_once_made(world, own, client_for):
    """No second moment to compare: a school joining or a late round changes nothing."""
    network = board_network_with(world, own, list(OTHERS)[:4])
    client = client_for(world.leader)
    before = network_part(dashboard(client, world))
    first = first_scale(ready_benchmarks(world.school))
    assert first.n_schools == 5
    for name in list(OTHERS)[4:]:  # two more schools measured in the same half year
        stored_round(new_school(name, world.board), template_scales(own), OTHERS[name])
    assert first_scale(ready_benchmarks(world.school)) == first
    assert network_part(dashboard(client, world)) == before
    assert BenchmarkSnapshot.objects.filter(network=network).count() == 1


def test_the_current_half_year_is_not_shown_until_it_ends(world, own):
    board_network_with(world, own, list(OTHERS)[:4])
    today = timezone.localdate()
    for name in ("Nu", "Straks", "Later", "Laatst", "Eind"):
        stored_round(new_school(name, world.board), template_scales(own), 3.1, open_now=True)
    (benchmark,) = ready_benchmarks(world.school)
    assert benchmark.period == last_completed_period(today)
    assert first_scale([benchmark]).n_schools == 5  # the open rounds of now do not count


# --- What the page shows, and what it never shows -------------------------------------


def test_page_shows_the_network_without_any_other_school_name_or_value(world, own, client_for):
    network = board_network_with(world, own, list(OTHERS)[:5])
    html = dashboard(client_for(world.leader), world)
    part = network_part(html)
    assert 'id="network-heading"' in html
    assert network.name in part
    assert part.count("<svg") == 2  # one chart per instrument
    assert "Your school" in part
    for name in OTHERS:
        assert name not in html
    # No other school's value (on any scale), at the shown precision, in either language's
    # notation. At two decimals a quartile can meet some school's value by chance (more so
    # across scales); this fixed, realistic example was chosen so that none does, so any
    # hit here would be a leak. The random-draw tests above cover the general claim.
    shown = {
        f"{value + i * SCALE_STEP:.2f}"
        for value in list(OTHERS.values())[:5]
        for i in range(len(template_scales(own)))
    }
    dutch = network_part(dashboard(client_for(world.leader), world, language="nl"))
    for number in shown:
        assert not as_number(number).search(part), number
        assert not as_number(number.replace(".", ",")).search(dutch), number
    # ... while the network's median and the own value are there.
    scale = first_scale(ready_benchmarks(world.school))
    assert as_number(f"{scale.median:.2f}").search(part)
    assert as_number(f"{scale.own:.2f}").search(part)
    assert "<td>6</td>" in part  # De Vuurtoren and five others


def as_number(text: str) -> re.Pattern:
    """`text` as a number of its own: not a piece of "313.818646" in an SVG path."""
    return re.compile(rf"(?<![\d.,]){re.escape(text)}(?![\d])")


def normalised(html: str, query: str = "") -> str:
    """Without the CSRF token (new on every request) and without the page's own address as
    the language form echoes it back (`next`), the only places a request shows up."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", html)
    return html.replace(f'dashboard/{html_lib.escape(query)}"', 'dashboard/"')


def test_no_url_parameter_changes_the_page(world, own, client_for):
    network = board_network_with(world, own, list(OTHERS)[:5])
    other = School.objects.get(name="De Branding")
    client = client_for(world.leader)
    plain = normalised(dashboard(client, world))
    assert 'id="network-heading"' in plain
    for query in (
        f"?network={network.pk}",
        f"?network={network.slug}&scale=collective_efficacy&year=2024",
        f"?school={other.pk}&schools={other.slug}&min_schools=1&threshold=1",
        "?q1=&median=3&n=2&team=1&instrument=teacher_self_efficacy&months=999",
        "?network=&network=%00&scale=%3Cscript%3E&year=-1",
    ):
        assert normalised(dashboard(client, world, query=query), query) == plain, query


def test_a_school_outside_the_network_sees_none_of_it(world, own, client_for):
    scales = template_scales(own)
    ring = Network.objects.create(
        kind=Network.Kind.CROSS_BOARD, name="Kring Wadden", slug="kring-wadden"
    )
    NetworkSchool.objects.create(network=ring, school=world.school, joined_at=LONG_AGO)
    for n, name in enumerate(list(OTHERS)[:4]):
        board = Board.objects.create(name=f"Stichting {n}", slug=f"stichting-{n}")
        school = new_school(name, board)
        stored_round(school, scales, OTHERS[name])
        NetworkSchool.objects.create(network=ring, school=school, joined_at=LONG_AGO)
    stored_round(world.other_school, scales, 3.05)  # the outsider's school, not in the ring
    outsider = dashboard(client_for(world.outsider), world, school=world.other_school)
    assert "Kring Wadden" not in outsider
    assert 'id="network-heading"' not in outsider
    member = network_part(dashboard(client_for(world.leader), world))
    assert "Kring Wadden" in member
    assert "<td>5</td>" in member
    # Once the outsider's school joins, it sees the ring: the half year's figures as they
    # were made, with its own value beside them.
    NetworkSchool.objects.create(network=ring, school=world.other_school)
    joined = network_part(dashboard(client_for(world.outsider), world, school=world.other_school))
    assert "Kring Wadden" in joined
    assert "<td>5</td>" in joined
    assert as_number("3.05").search(joined)


def test_a_network_with_too_few_schools_says_so(world, own, client_for):
    board_network_with(world, own, list(OTHERS)[:2])
    part = network_part(dashboard(client_for(world.leader), world))
    assert "<svg" not in part
    assert "No network figures yet" in part


def test_the_team_page_has_no_benchmarks(world, own, client_for):
    board_network_with(world, own, list(OTHERS)[:5])
    client = client_for(world.leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("reports:team_results", args=[world.school.slug, world.team_b.pk]))
    assert html.status_code == 200
    assert "network-heading" not in html.content.decode()


# --- The range chart ------------------------------------------------------------------


@pytest.fixture
def english_and_an_empty_cache():
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


def range_chart(**overrides) -> charts.Chart:
    arguments = {
        "title": "Collective efficacy",
        "description": "Your school lies above the network's median on both scales.",
        "rows": [
            RangeRow("Group competence", 3.62, 3.41, 3.2, 3.77, 6),
            RangeRow("Task analysis", None, 3.05, 2.875, 3.3, 5),
        ],
        "x_min": 1,
        "x_max": 5,
    } | overrides
    return charts_range.range_chart("network-1-collective_efficacy-5", **arguments)


def test_range_chart_is_a_csp_safe_svg_with_band_median_and_own_dot(english_and_an_empty_cache):
    chart = range_chart()
    root = ET.fromstring(chart.svg)
    assert root.tag == f"{SVG}svg"
    assert root[0].text == "Collective efficacy"
    assert root[1].text.startswith("Your school lies above")
    assert root.get("role") == "img"
    assert root.find(f".//{SVG}style") is None
    assert [e.tag for e in root.iter() if "style" in e.attrib] == []

    def group(gid: str):
        return root.find(f".//{SVG}g[@id='network-1-collective_efficacy-5-{gid}']")

    for i in (0, 1):
        assert group(f"band-{i}") is not None
        assert group(f"median-{i}") is not None
    assert group("own-0") is not None
    assert group("own-1") is None  # no own figure, no dot
    band = group("band-0").find(f"{SVG}path")
    assert band.get("fill") == charts.PALETTE["sky_blue"]
    assert band.get("stroke") == charts.PALETTE["blue"]
    marker = group("own-0").find(f".//{SVG}use")  # the diamond, drawn from <defs>
    assert marker is not None
    assert charts.PALETTE["vermillion"] in ET.tostring(group("own-0"), encoding="unicode")
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert {"Group competence", "Task analysis", "Middle half of the schools", "Median"} <= set(
        texts
    )
    assert "Your school" in texts


def test_range_chart_table_and_language(english_and_an_empty_cache):
    chart = range_chart()
    assert chart.table.headers == [
        "Scale",
        "Your school",
        "Median",
        "First quartile",
        "Third quartile",
        "Schools",
    ]
    assert chart.table.rows == [
        ["Group competence", "3.62", "3.41", "3.20", "3.77", "6"],
        ["Task analysis", "—", "3.05", "2.88", "3.30", "5"],
    ]
    with translation.override("nl"):
        dutch = range_chart()
    assert dutch.table.rows[1][1:5] == ["—", "3,05", "2,88", "3,30"]
    assert dutch.svg != chart.svg  # the cache keeps the languages apart


def test_range_chart_is_cached_and_says_when_empty(english_and_an_empty_cache, monkeypatch):
    renders = []
    render = charts._render
    monkeypatch.setattr(charts, "_render", lambda spec: renders.append(1) or render(spec))
    first = range_chart()
    assert range_chart().svg == first.svg
    assert len(renders) == 1
    empty = ET.fromstring(range_chart(rows=[]).svg)
    assert "No figures to show" in [t.text for t in empty.iter(f"{SVG}text")]
    assert range_chart(rows=[]).table.rows == []


# --- Overlapping sets of schools --------------------------------------------------------


def ring_of(world, schools: list[School], joined_at=LONG_AGO) -> Network:
    ring = Network.objects.create(
        kind=Network.Kind.CROSS_BOARD, name="Kring Wadden", slug="kring-wadden"
    )
    for school in [world.school, *schools]:
        NetworkSchool.objects.create(network=ring, school=school, joined_at=joined_at)
    return ring


def test_a_network_made_after_the_half_year_does_not_describe_it(world, own):
    """Otherwise: freeze five schools' figures in one network, start a second with the same
    five and one more, and subtract."""
    board_network_with(world, own, list(OTHERS)[:4])
    first_scale(ready_benchmarks(world.school))  # the board network, frozen
    late = new_school("Het Wad", world.board)
    stored_round(late, template_scales(own), OTHERS["Het Wad"])
    others = School.objects.exclude(pk=world.school.pk).filter(board=world.board)
    ring = ring_of(world, list(others), joined_at=timezone.now())
    found = {b.network.pk: b for b in ready_benchmarks(world.school)}
    assert found[ring.pk].scales == []  # its schools joined after the half year


def test_a_school_founded_after_the_half_year_does_not_count(world, own):
    network = board_network_with(world, own, list(OTHERS)[:4])
    School.objects.filter(name=list(OTHERS)[3]).update(created_at=timezone.now())
    (benchmark,) = ready_benchmarks(world.school)
    assert benchmark.network == network
    assert benchmark.scales == []  # four schools left: nothing to show


def test_two_networks_differing_by_fewer_than_five_schools_show_one(world, own):
    board = board_network_with(world, own, list(OTHERS)[:5])  # six schools
    schools = list(School.objects.filter(name__in=list(OTHERS)[:4]))
    ring = ring_of(world, schools)  # the same schools but one: five
    found = {b.network.pk: b for b in ready_benchmarks(world.school)}
    assert first_scale([found[board.pk]]).n_schools == 6
    assert found[ring.pk].scales == []  # subtracting would give the sixth school's value


def test_two_networks_differing_by_five_schools_show_both(world, own):
    board = board_network_with(world, own, list(OTHERS)[:4])  # five schools
    elsewhere = Board.objects.create(name="Stichting Zee", slug="stichting-zee")
    schools = []
    for name, value in zip(("Een", "Twee", "Drie", "Vier"), (3.1, 3.3, 3.5, 3.7), strict=True):
        school = new_school(f"Zeeschool {name}", elsewhere)
        stored_round(school, template_scales(own), value)
        schools.append(school)
    ring = ring_of(world, schools)  # own + four others: differs from the board's by eight
    found = {b.network.pk: b for b in ready_benchmarks(world.school)}
    assert first_scale([found[board.pk]]).n_schools == 5
    assert first_scale([found[ring.pk]]).n_schools == 5
