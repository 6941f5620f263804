"""The overlap attack: a leader makes team T2 = T1 + one person p and reads p's scores as
6 x mean(T2) - 5 x mean(T1). It must fail everywhere a figure is shown.

The round is built the old way, one personal link per team membership, with participations
and responses written directly (new rounds give one link per person). Kern (5 people) and
Kern plus (the same 5 and p) overlap; Bovenbouw (8 others) does not. The results object
hides Kern plus (an atom of one person lies in it only) and then Kern (else the whole round
minus Bovenbouw minus twice Kern would be p). The figures that would reveal p — the two
teams' means, and p's own scores — are then searched for, in both decimal notations, in the
round page, the dashboard with its charts, the team pages, the results workbook, the round
report PDF, a Word export, the board overview and the benchmark values.
"""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dramaturg.analysis import mean_interval
from dramaturg.analysis.suppression import COMPLEMENT, OVERLAP
from dramaturg.networks.benchmarks import school_values
from dramaturg.reports import exporters, summaries
from dramaturg.schools.models import Membership, School, Team, TeamMembership
from dramaturg.schools.roles import Role
from dramaturg.surveys.answering import round_steps
from dramaturg.surveys.models import Participation, Response, RoundTarget, week_of
from dramaturg.surveys.results import round_results
from dramaturg.surveys.secrets import hash_secret, new_token
from tests import test_reports_dashboard as dashboard_tests
from tests.personas import join, make_user
from tests.survey_helpers import add_members, scale_score, staff_round
from tests.test_reports_dashboard import into_past, page
from tests.test_reports_results_excel import INSTRUMENTS, answer

pytestmark = pytest.mark.django_db

adopted = dashboard_tests.adopted  # a card, for its Word export


def kern_answers(person: int, width: int) -> list[int]:
    return [2 + (3 * person + i) % 4 for i in range(width)]


def p_answers(width: int) -> list[int]:
    return [1 if i % 4 else 2 for i in range(width)]  # far below everyone else


@pytest.fixture
def attacked(world):
    """The closed old-style round and the secrets: the means of Kern and Kern plus, and p's
    own scale scores (which 6 x mean(Kern plus) - 5 x mean(Kern) would give)."""
    kern = Team.objects.create(school=world.school, name="Kern")
    plus = Team.objects.create(school=world.school, name="Kern plus")
    five = add_members(world, kern, 5, prefix="kern")
    for user in five:  # in both teams
        membership = Membership.objects.get(user=user, school=world.school)
        TeamMembership.objects.create(membership=membership, team=plus)
    p = make_user("p@vuurtoren.test", "Piet Plus")
    join(p, world.school, Role.MEMBER, plus)
    add_members(world, world.team_b, 7)  # Bovenbouw: 8 with Jet
    round_ = staff_round(world, [world.team_b], instruments=INSTRUMENTS, title="Oude meting")
    answer(round_, round_.targets.get(), 8)
    steps = round_steps(round_)
    width = steps[-1].offset + len(steps[-1].scale.items)
    week = week_of(round_.opens_on)
    answers = {user.pk: kern_answers(n, width) for n, user in enumerate(five)}
    answers[p.pk] = p_answers(width)
    for team, people in ((kern, five), (plus, [*five, p])):  # a link per team membership
        target = RoundTarget.objects.create(round=round_, team=team, invited=len(people))
        for user in people:
            Participation.objects.create(
                target=target, user=user, token_hash=hash_secret(new_token()), answered=True
            )
            Response.objects.create(
                round=round_, target=target, answers=answers[user.pk], week=week
            )
    into_past(round_, 8)

    def score(step, values):
        return scale_score(step.instrument, step.scale, values, step.offset)

    secrets = []
    for step in steps:
        kern_scores = [score(step, answers[user.pk]) for user in five]
        own = score(step, answers[p.pk])
        kern_mean, plus_mean = sum(kern_scores) / 5, (sum(kern_scores) + own) / 6
        assert 6 * plus_mean - 5 * kern_mean == pytest.approx(own)  # the attack is real
        secrets += [kern_mean, plus_mean, own]
    return round_, (kern, plus), secrets


def spelled(value: float) -> list[str]:
    text = f"{value:.2f}"
    return [text, text.replace(".", ",")]


def shown_figures(round_) -> set[str]:
    """Every figure the round legitimately shows, as printed."""
    found = round_results(round_)
    texts = set()
    for scale in found.scales:
        for figure in [scale.total, *scale.groups.values()]:
            values = [figure.mean, figure.sd, figure.alpha, figure.rwg_j]
            values += [figure.rwg_j_lindell, figure.reliability]
            if figure.n is not None and figure.mean is not None and figure.sd is not None:
                # The trend charts print each mean's interval, from the shown n, mean, sd.
                values += mean_interval(figure.n, figure.mean, figure.sd)
            for value in values:
                if value is not None:
                    texts |= set(spelled(value))
    return texts


def searched(round_, secrets: list[float]) -> list[float]:
    """The secrets to search for: those that do not happen to equal, to two decimals, a
    figure the round legitimately shows (a mean, sd, alpha, agreement, reliability, or a
    mean's interval printed by the trend charts, which comes from the shown n, mean and
    sd). A secret equal to such a figure cannot be told apart from it, so reveals nothing;
    with so many two-decimal figures near 3 such a coincidence is common."""
    shown = shown_figures(round_)
    return [secret for secret in secrets if not set(spelled(secret)) & shown]


def assert_no_secret(text: str, secrets: list[float], where: str) -> None:
    """No secret as a figure of its own ("2.33" or "2,33", not part of "12.338" in an SVG
    path)."""
    for secret in secrets:
        for needle in spelled(secret):
            pattern = rf"(?<![\d.,]){re.escape(needle)}(?!\d)"
            assert not re.search(pattern, text), f"{needle} in {where}"


def test_the_results_object_hides_both_overlapping_teams_and_keeps_the_rest(world, attacked):
    round_, (kern, plus), secrets = attacked
    found = round_results(round_)
    reasons = {t.name: t.hidden for t in found.targets}
    assert reasons == {"Bovenbouw": None, "Kern": COMPLEMENT, "Kern plus": OVERLAP}
    assert found.asked == 8 + 6  # p's colleagues counted once, though asked twice
    for scale in found.scales:
        assert not scale.total.suppressed  # the whole round is still shown ...
        assert scale.total.n == 8 + 5 + 6
        assert scale.of(found.target_of_team(world.team_b.pk).id).n == 8  # ... and Bovenbouw
        for team in (kern, plus):
            assert scale.of(found.target_of_team(team.pk).id).suppressed
        assert scale.icc1 is None
        assert scale.icc2 is None
    # The check below is not vacuous: p's own scores equal no shown figure, and most of
    # the teams' means do not either (see `searched`).
    shown = shown_figures(round_)
    assert not [s for secret in secrets[2::3] for s in spelled(secret) if s in shown]
    assert len(searched(round_, secrets)) >= len(secrets) - 3


def test_the_figures_that_would_reveal_p_appear_nowhere(world, attacked, adopted, client_for):
    round_, teams, secrets = attacked
    secrets = searched(round_, secrets)
    leader = client_for(world.leader)
    school = world.school.slug
    for language in ("nl", "en"):
        html = page(leader, reverse("surveys:round_detail", args=[school, round_.pk]), language)
        assert "Kern plus" in html
        assert_no_secret(html, secrets, f"the round page ({language})")
        dashboard = page(leader, reverse("reports:dashboard", args=[school]), language)
        assert "<svg" in dashboard
        assert_no_secret(dashboard, secrets, f"the dashboard and its charts ({language})")
        for team in teams:
            url = reverse("reports:team_results", args=[school, team.pk])
            assert_no_secret(page(leader, url, language), secrets, f"the page of {team}")

    # The results workbook: every cell, numbers as the rounded figures they hold.
    data = exporters.get("round", "results_xlsx").render(round_, "nl")
    for sheet in load_workbook(io.BytesIO(data)).worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, float):
                    assert_no_secret(f"{value:.2f}", secrets, f"the workbook, {sheet.title}")
                elif isinstance(value, str):
                    assert_no_secret(value, secrets, f"the workbook, {sheet.title}")

    # The round report as PDF, read as text.
    from pypdf import PdfReader

    pdf = exporters.get("round", "round_pdf").render(round_, "nl")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Kern plus" in text
    assert_no_secret(text, secrets, "the round report PDF")

    # A Word export (the card's praatdocument) holds no figure of a round at all.
    from docx import Document

    document = Document(io.BytesIO(exporters.get("card", "card_docx").render(adopted, "nl")))
    words = " ".join(p.text for p in document.paragraphs)
    words += " ".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert_no_secret(words, secrets, "the Word export")

    # The board overview, with the school sharing its results.
    School.objects.filter(pk=world.school.pk).update(share_results_with_board=True)
    board = page(
        client_for(world.board_admin), reverse("reports:board_overview", args=["noorderlicht"])
    )
    assert "Oude meting" in board
    assert_no_secret(board, secrets, "the board overview")

    # The network benchmarks: the school's value per scale is its whole-round mean only.
    values, _titles = school_values([round_], summaries.summaries([round_]))
    for by_school in values.values():
        assert_no_secret(" ".join(f"{v:.2f}" for v in by_school.values()), secrets, "benchmarks")
