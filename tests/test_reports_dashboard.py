"""The school dashboard and the team page: figures over time, and never a hidden team.

Rounds are made through the services, answered with known answers (the results workbook's
helpers) and then moved into the past, as a school would have them after a few terms.
Bovenbouw (8 people) is shown; Onderbouw (2) is below the threshold of 5 and Middenbouw (6)
is hidden too, since everyone minus Bovenbouw would otherwise give Onderbouw away.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from dramaturg.cards.services import consent, content
from dramaturg.reports import dashboard, summaries
from dramaturg.reports.card_progress import agreements_chart, indicator_chart
from dramaturg.reports.models import RoundSummary
from dramaturg.schools.models import Team
from dramaturg.surveys.models import Response, Round, week_of
from dramaturg.surveys.services import InstrumentChoice
from tests.survey_helpers import add_members, staff_round
from tests.test_reports_results_excel import INSTRUMENTS, answer, small_team_means
from tests.worker import get_ready, run_background

pytestmark = pytest.mark.django_db


def into_past(round_: Round, weeks: int) -> Round:
    """Move a round `weeks` back: it opened then and closed two weeks later."""
    opens = timezone.localdate() - dt.timedelta(weeks=weeks)
    Round.objects.filter(pk=round_.pk).update(
        opens_on=opens, closes_on=opens + dt.timedelta(days=14)
    )
    round_.refresh_from_db()
    return round_


def answered_round(world, teams, weeks: int, instruments=INSTRUMENTS, title="Meting") -> Round:
    round_ = staff_round(world, teams, instruments=instruments, title=title)
    for target in round_.targets.select_related("team"):
        answer(round_, target, target.invited)
    return into_past(round_, weeks)


@pytest.fixture
def teams(world):
    middle = Team.objects.create(school=world.school, name="Middenbouw")
    add_members(world, world.team_b, 7)  # Bovenbouw: 8 with Jet
    add_members(world, middle, 6, prefix="midden")
    return [world.team_a, middle, world.team_b]


def page(client, url: str, language: str = "nl") -> str:
    client.cookies["dramaturg_language"] = language
    response = get_ready(client, url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def dashboard_url(world) -> str:
    return reverse("reports:dashboard", args=[world.school.slug])


def team_url(world, team) -> str:
    return reverse("reports:team_results", args=[world.school.slug, team.pk])


def test_every_round_is_summarised_once_open_and_closed_alike(world, teams):
    closed = answered_round(world, teams, weeks=30)
    open_ = staff_round(world, teams, instruments=INSTRUMENTS, title="Nu")
    found = summaries.summaries([closed, open_])
    assert set(found) == {closed.pk, open_.pk}
    assert set(RoundSummary.objects.values_list("round_id", flat=True)) == {closed.pk, open_.pk}
    assert not found[open_.pk].closed  # an open round's summary has every figure hidden
    with CaptureQueriesContext(connection) as queries:
        again = summaries.summaries([closed, open_])
    assert again == found
    assert len(queries) == 1  # read back, not recomputed


def test_a_summary_holds_no_figure_of_a_hidden_team(world, teams):
    round_ = answered_round(world, teams, weeks=30)
    data = summaries.summaries([round_])[round_.pk].to_data()
    by_name = {target["name"]: target for target in data["targets"]}
    for name in ("Onderbouw", "Middenbouw"):
        target = by_name[name]
        assert target["hidden"] in ("too_few", "complement")
        assert target["answered"] is None
        for scale in data["scales"]:
            assert set(scale["groups"][str(target["id"])].values()) == {None}
            assert scale["icc1"] is None
            assert scale["icc2"] is None
    bovenbouw = by_name["Bovenbouw"]
    assert (bovenbouw["invited"], bovenbouw["answered"]) == (8, 8)
    assert data["answered"] == 16  # the whole round's count is safe and complete


def test_leader_sees_trends_with_numbers_and_no_hidden_team(world, teams, client_for):
    answered_round(world, teams, weeks=60, title="Najaar")
    answered_round(world, teams, weeks=30, title="Voorjaar")
    html = page(client_for(world.leader), dashboard_url(world))
    assert "Vertrouwen in ons gezamenlijk" in html  # a collective efficacy scale
    assert html.count("<svg") >= 2
    assert "Toon als tabel" in html
    assert "Bovenbouw" in html
    assert "Middenbouw" in html
    # Onderbouw's true means (from its 2 responses) appear nowhere, in any rounding.
    for mean in small_team_means(Round.objects.get(title="Voorjaar")):
        for shown in (f"{mean:.2f}".replace(".", ","), f"{mean:.2f}"):
            assert shown not in html, shown
    assert "Te weinig antwoorden om iets te zeggen" in html


def queries_as_rounds_accumulate(client, url: str, world, teams) -> tuple[int, int]:
    """The queries of a page with two past rounds, and again with five (summaries stored)."""
    counts = []
    for weeks in ((90, 60), (45, 30, 15)):
        for week in weeks:
            answered_round(world, teams, weeks=week)
        page(client, url)  # stores the new summaries
        with CaptureQueriesContext(connection) as queries:
            page(client, url)
        counts.append(len(queries))
    return counts[0], counts[1]


def test_dashboard_queries_stay_constant_as_rounds_accumulate(world, teams, client_for):
    two, five = queries_as_rounds_accumulate(
        client_for(world.leader), dashboard_url(world), world, teams
    )
    assert five == two


def test_quadrant_places_shown_teams_with_their_previous_position(world, teams):
    answered_round(world, teams, weeks=60)
    answered_round(world, teams, weeks=30)
    with translation.override("en"):
        run_background()
        chart = dashboard.quadrant(dashboard.moments(world.school))
    labels = [row[0] for row in chart.table.rows]
    assert labels == ["Bovenbouw"]  # the two hidden teams are not plotted
    assert "—" not in chart.table.rows[0]  # a previous position is known


def test_team_page_shows_the_team_beside_the_school(world, teams, client_for):
    answered_round(world, teams, weeks=30)
    jet = next(m.user for m in world.team_b.memberships.all() if "Jet" in m.user.get_full_name())
    html = page(client_for(jet), team_url(world, world.team_b))
    assert "Resultaten van Bovenbouw" in html
    assert "De hele school" in html
    assert re.search(r"8 van 8 .*beantwoord|8 van 8", html)


def test_team_page_of_a_hidden_team_shows_no_figure(world, teams, client_for):
    round_ = answered_round(world, teams, weeks=30)
    html = page(client_for(world.teacher), team_url(world, world.team_a))  # Onderbouw
    for mean in small_team_means(round_):
        assert f"{mean:.2f}".replace(".", ",") not in html
    assert "Te weinig antwoorden om iets te zeggen" in html


def test_a_member_cannot_open_another_teams_page(world, teams, client_for):
    answered_round(world, teams, weeks=30)
    response = client_for(world.teacher).get(team_url(world, world.team_b))
    assert response.status_code == 404


def test_a_member_cannot_open_the_dashboard(world, client_for):
    assert client_for(world.teacher).get(dashboard_url(world)).status_code == 403


def test_an_empty_school_gets_a_helpful_dashboard(world, client_for):
    html = page(client_for(world.leader), dashboard_url(world))
    assert "Er is nog geen meetronde geopend." in html


def answer_on_scale(round_, target, shift: int) -> None:
    """Everyone in the team answers, each item within its own instrument's options."""
    options = [
        ri.instrument.option_count
        for ri in round_.instruments.all()
        for _item in ri.instrument.items
    ]
    for respondent in range(target.invited):
        answers = [1 + (respondent + i + shift) % k for i, k in enumerate(options)]
        Response.objects.create(
            round=round_, target=target, answers=answers, week=week_of(round_.opens_on)
        )


def self_evaluations(world, teams, card, weeks=(30, 10)) -> Round:
    """A self-evaluation with check-in of the card's adopted version `weeks` ago each, all
    answered; the last round."""
    version = card.versions.get()
    choices = [
        InstrumentChoice("self_evaluation", card_version=version),
        InstrumentChoice("agreements", card_version=version),
    ]
    for week in weeks:
        round_ = staff_round(world, teams, instruments=choices, title=f"Zelfevaluatie {week}")
        for target in round_.targets.all():
            answer_on_scale(round_, target, shift=week // 10)
        into_past(round_, week)
    return round_


@pytest.fixture
def adopted(world):
    card = content.create_card(
        world.leader,
        world.school,
        stage="dressing_room",
        title_nl="Onze kleedkamer",
        team=world.team_a,  # two eligible members: the culture carrier and the teacher
    )
    for text in ("We praten over lessen.", "We vragen om hulp.", "We vieren successen."):
        content.add_indicator(world.leader, card, text_nl=text)
    content.add_agreement(world.leader, card, text_nl="We delen elke week één vraag.")
    consent_round = consent.open_round(world.leader, card)
    consent.answer(world.teacher, consent_round, "consent")
    consent.answer(world.culture_carrier, consent_round, "consent")
    card.refresh_from_db()
    return card


def test_indicator_scores_move_between_self_evaluations(world, teams, adopted, client_for):
    self_evaluations(world, teams, adopted)
    run_background()
    with translation.override("nl"):
        found = dashboard.moments(world.school)
        bars = indicator_chart(adopted, found)
        trend = agreements_chart(adopted, found)
    assert [row[0] for row in bars.table.rows] == [
        "We praten over lessen.",
        "We vragen om hulp.",
        "We vieren successen.",
    ]
    assert all(cell != "—" for row in bars.table.rows for cell in row[1:3])
    assert [row[0] for row in trend.table.rows] == [m.label for m in found]
    html = page(client_for(world.leader), dashboard_url(world))
    assert "Indicatoren van “Onze kleedkamer”" in html
