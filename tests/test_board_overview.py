"""The board overview: cards, rounds, response rates and turnover of every school of the
board, and results only of a school that shares them.

Answered past rounds are built as in test_reports_dashboard.py: Bovenbouw (8) is shown,
Onderbouw (2) and Middenbouw (6) are hidden in the rounds. The board sees no team at all.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dramaturg.cards.models import Card
from dramaturg.cards.services import consent, content
from dramaturg.reports import board
from dramaturg.reports.summaries import summaries
from dramaturg.schools.models import Membership, Team
from dramaturg.surveys.models import Round
from tests.survey_helpers import add_members
from tests.test_reports_dashboard import answered_round, queries_as_rounds_accumulate
from tests.test_reports_results_excel import small_team_means
from tests.worker import get_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams(world):
    middle = Team.objects.create(school=world.school, name="Middenbouw")
    add_members(world, world.team_b, 7)  # Bovenbouw: 8 with Jet
    add_members(world, middle, 6, prefix="midden")
    return [world.team_a, middle, world.team_b]


@pytest.fixture
def rounds(world, teams):
    return [
        answered_round(world, teams, weeks=60, title="Najaarsmeting"),
        answered_round(world, teams, weeks=30, title="Voorjaarsmeting"),
    ]


def page(client, url: str, language: str = "nl") -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = get_ready(client, url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    return html


def overview_url(world) -> str:
    return reverse("reports:board_overview", args=[world.board.slug])


def years_of(rounds_: list[Round]) -> list[int]:
    return sorted({board.school_year_start(r.opens_on) for r in rounds_})


def pages_of_years(client, world, rounds_: list[Round], language: str = "nl") -> str:
    """The overview of every school year in which one of the rounds was held, as one text."""
    return "\n".join(
        page(client, f"{overview_url(world)}?year={year}", language) for year in years_of(rounds_)
    )


def overviews_of_years(world, rounds_: list[Round]) -> list[board.SchoolOverview]:
    """The school's overview in each of the rounds' school years, oldest year first."""
    return [board.board_overview(world.board, year=year)[0] for year in years_of(rounds_)]


def adopt_card(world) -> Card:
    card = content.create_card(
        world.leader, world.school, stage="dressing_room", title_nl="Koffie", team=world.team_a
    )
    consent_round = consent.open_round(world.leader, card)
    consent.answer(world.teacher, consent_round, "consent")
    consent.answer(world.culture_carrier, consent_round, "consent")
    card.refresh_from_db()
    assert card.adopted_version == 1
    return card


def shown_forms(value: float) -> set[str]:
    """Every way a mean could be printed with two decimals: dot and comma, both roundings."""
    half_up = str(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    return {form.replace(".", sep) for form in (f"{value:.2f}", half_up) for sep in ".,"}


def collective_means(rounds_: list[Round]) -> list[float]:
    """The school-wide collective efficacy means of the rounds (per scale and combined)."""
    found = summaries(rounds_)
    means = []
    for round_ in rounds_:
        scales = found[round_.pk].scales_of("collective_efficacy")
        per_scale = [s.total.mean for s in scales]
        means += [*per_scale, sum(per_scale) / len(per_scale)]
    return means


def main_of(html: str) -> str:
    return html[html.index('<main id="main"') : html.index("</main>")]


def share(client, world, on: bool):
    school = world.school
    data = {
        "consent_quorum": school.consent_quorum,
        "anonymity_threshold": str(school.anonymity_threshold),
    }
    if on:
        data["share_results_with_board"] = "on"
    response = client.post(reverse("schools:settings", args=[school.slug]), data)
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.share_results_with_board is on


def test_without_sharing_the_board_sees_cards_rounds_and_rates_but_no_result(
    world, rounds, client_for
):
    adopt_card(world)
    assert not world.school.share_results_with_board  # off by default
    client = client_for(world.board_admin)
    html = pages_of_years(client, world, rounds)
    english = pages_of_years(client, world, rounds, "en")
    for text in (html, english):
        assert "De Vuurtoren" in text
        assert "Najaarsmeting" in text
        assert "Voorjaarsmeting" in text
        assert "<td>100%</td>" in text  # 16 of 16 answered
        for mean in collective_means(rounds):
            for shown in shown_forms(mean):
                assert shown not in text, shown
        # No decimal figure at all, no chart.
        mains = [main_of(part) for part in text.split("</html>") if "<main" in part]
        assert mains
        assert not any(re.search(r"\d[.,]\d\d", main) for main in mains)
        assert "<svg" not in text
    assert "This school does not share its results with the board." in english
    assert "1 adopted card" in english
    assert "Staff on 1 August" in english  # turnover is the board's own data
    assert "Collective efficacy" not in english
    found = overviews_of_years(world, rounds)
    overview = found[-1]
    assert overview.adopted == 1
    assert {s.info.stage.value: s.adopted for s in overview.stages}["dressing_room"] == 1
    assert [
        (r.title, r.invited, r.answered, r.percent) for o in reversed(found) for r in o.rounds
    ] == [
        ("Voorjaarsmeting", 16, 16, 100),
        ("Najaarsmeting", 16, 16, 100),
    ]
    assert overview.efficacy_chart is None
    assert overview.latest == []
    assert all(row.efficacy is None for row in overview.years)


def test_the_leader_turns_sharing_on_and_off_and_the_board_follows(world, rounds, client_for):
    leader, board_admin = client_for(world.leader), client_for(world.board_admin)
    share(leader, world, on=True)
    html = pages_of_years(board_admin, world, rounds)
    english = pages_of_years(board_admin, world, rounds, "en")
    assert "<svg" in html
    latest = collective_means(rounds[-1:])
    for mean in latest[:-1]:  # the scales' means of the latest round, in the chart's table
        assert any(shown in html for shown in shown_forms(mean)), mean
    assert "Collective efficacy" in english
    assert "This school does not share its results with the board." not in english
    assert "Teacher self-efficacy" in english  # the latest figures of the other scales
    overview = overviews_of_years(world, rounds)[-1]
    this_year = overview.years[-1]
    year_means = [
        board.collective_efficacy(board.Moment(r, summaries([r])[r.pk]))
        for r in rounds
        if board.school_year_start(r.opens_on) == this_year.turnover.start_year
    ]
    if year_means:
        assert this_year.efficacy == pytest.approx(sum(year_means) / len(year_means))
    assert overview.latest  # teacher self-efficacy was measured too
    share(leader, world, on=False)
    html = pages_of_years(board_admin, world, rounds)
    for mean in collective_means(rounds):
        for shown in shown_forms(mean):
            assert shown not in html, shown
    assert "<svg" not in html


def test_the_board_sees_no_team_not_even_a_hidden_one(world, rounds, client_for):
    share(client_for(world.leader), world, on=True)
    client = client_for(world.board_admin)
    for language in ("nl", "en"):
        html = pages_of_years(client, world, rounds, language)
        for name in ("Onderbouw", "Middenbouw", "Bovenbouw"):
            assert name not in html, name
        for mean in small_team_means(rounds[-1]):
            for shown in shown_forms(mean):
                assert shown not in html, shown


def test_turnover_and_a_leader_change_show_beside_the_school(world, client_for):
    today = timezone.localdate()
    Membership.objects.filter(school=world.school).update(started_on=dt.date(today.year - 2, 9, 1))
    Membership.objects.filter(user=world.leader, school=world.school).update(ended_on=today)
    english = page(client_for(world.board_admin), overview_url(world), "en")
    assert "leader change" in english
    assert "high turnover" in english
    (overview,) = board.board_overview(world.board)
    year = overview.years[-1].turnover
    if year.at_start:  # not on 1 August itself, when the year has only just begun
        assert (year.left, year.leaders_left, year.leader_change) == (1, 1, True)
    assert overview.signal


@pytest.mark.parametrize("who", ["other_board_admin", "leader", "teacher", "outsider"])
def test_only_the_boards_own_admins_get_in(world, client_for, who):
    users = {
        "other_board_admin": Membership.objects.get(board=world.other_board).user,
        "leader": world.leader,
        "teacher": world.teacher,
        "outsider": world.outsider,
    }
    assert client_for(users[who]).get(overview_url(world)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(world, client):
    response = client.get(overview_url(world))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_board_home_links_to_the_overview(world, client_for):
    html = page(
        client_for(world.board_admin), reverse("schools:board_home", args=[world.board.slug])
    )
    assert overview_url(world) in html


def test_queries_stay_constant_as_rounds_accumulate(world, teams, client_for):
    share(client_for(world.leader), world, on=True)
    two, five = queries_as_rounds_accumulate(
        client_for(world.board_admin), overview_url(world), world, teams
    )
    assert five == two


def test_the_year_selector_shows_one_school_year_and_a_bad_year_falls_back(
    world, rounds, client_for
):
    client = client_for(world.board_admin)
    (year,) = set(years_of(rounds[-1:]))
    html = page(client, f"{overview_url(world)}?year={year}", "en")
    assert f'<option value="{year}" selected>' in html
    assert "Voorjaarsmeting" in html
    empty = page(client, f"{overview_url(world)}?year={year + 1}", "en")
    if year + 1 <= board.school_year_start(timezone.localdate()):
        assert "Voorjaarsmeting" not in empty
        assert "No measurement round was held in this school year." in empty
    for bad in ("abc", "1900", "-1", "99999999999999999999"):
        response = client.get(f"{overview_url(world)}?year={bad}&page={bad}")
        assert response.status_code == 200, bad


def test_schools_come_in_pages_that_keep_the_year(world, client_for):
    from dramaturg.schools.models import School

    for n in range(25):
        School.objects.create(board=world.board, name=f"Zz school {n:02d}", slug=f"zz-{n}")
    client = client_for(world.board_admin)
    year = board.school_year_start(timezone.localdate())
    first = page(client, f"{overview_url(world)}?year={year}", "en")
    assert "De Vuurtoren" in first
    assert "Zz school 24" not in first
    assert 'aria-label="Pages of schools"' in first
    assert 'aria-current="page"' in first
    assert f"?year={year}&amp;page=2" in first
    last = page(client, f"{overview_url(world)}?year={year}&page=2", "en")
    assert "Zz school 24" in last
    assert "De Vuurtoren" not in last
    for bad in ("0", "x", "999"):
        assert client.get(f"{overview_url(world)}?page={bad}").status_code == 200
    assert "Zz school 24" in page(client, f"{overview_url(world)}?page=999", "en")


def test_queries_stay_constant_as_schools_and_years_grow(world, teams, client_for):
    """More schools (sharing or not) and rounds in several years cost no extra query."""
    from dramaturg.schools.models import School

    share(client_for(world.leader), world, on=True)
    client = client_for(world.board_admin)
    url = overview_url(world)

    def count() -> int:
        page(client, url)  # stores any new summary
        with CaptureQueriesContext(connection) as queries:
            page(client, url)
        return len(queries)

    answered_round(world, teams, weeks=30)
    few = count()
    for n in range(6):
        School.objects.create(
            board=world.board,
            name=f"School {n}",
            slug=f"school-{n}",
            share_results_with_board=n % 2,
        )
    answered_round(world, teams, weeks=5)
    answered_round(world, teams, weeks=80)
    answered_round(world, teams, weeks=130)
    assert count() == few
