"""The demo data: one board, three schools with teams and believable staff, created once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count, Q
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from dramaturg.accounts.models import User
from dramaturg.cards.models import Card
from dramaturg.demo.data import ACCOUNTS, BOARD_SLUG, DEMO_PASSWORD, SCHOOLS
from dramaturg.demo.networks import PARTNER_BOARD
from dramaturg.networks.access import network_schools
from dramaturg.networks.models import Network, PublishedCard, Thread
from dramaturg.schools.models import Board, Membership, School, SchoolYear
from dramaturg.schools.roles import Role

pytestmark = pytest.mark.django_db

TUSSENVOEGSELS = {"van", "de", "der", "den", "ter", "het", "'t", "el"}


def run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def looks_like_a_name(name: str) -> bool:
    """A capitalised first and last name with particles between: Anouk van der Meer."""
    words = name.split(" ")
    if len(words) < 2 or any(ch.isdigit() for ch in name):
        return False
    first, *middle, last = words
    return (
        first.isalpha()
        and first[0].isupper()
        and last.isalpha()
        and last[0].isupper()
        and all(word in TUSSENVOEGSELS for word in middle)
    )


@pytest.fixture
def demo() -> str:
    return run_demo()


def test_demo_creates_one_board_with_two_primary_and_one_secondary_school(demo):
    board = Board.objects.get(slug=BOARD_SLUG)
    assert board.name.startswith("Stichting ")
    schools = School.objects.filter(board=board)
    assert sorted(schools.values_list("sector", flat=True)) == ["po", "po", "vo"]
    assert all(school.city for school in schools)


def test_every_school_has_teams_a_leader_culture_carriers_and_members(demo):
    for school in School.objects.all():
        active = Membership.objects.active().filter(school=school)
        roles = dict(active.values_list("role").annotate(n=Count("id")).order_by())
        # The rounds add two small teams (below the threshold) to every school.
        assert 4 <= school.teams.count() <= 6, school
        assert 18 <= active.count() <= 45, school
        assert 1 <= roles[Role.LEADER] <= 2, school
        assert 2 <= roles[Role.CULTURE_CARRIER] <= 4, school
        assert roles[Role.MEMBER] >= 12, school
        # Everybody except the leader works in at least one team; no team is empty.
        unplaced = active.annotate(n=Count("teams")).filter(n=0)
        assert set(unplaced.values_list("role", flat=True)) <= {Role.LEADER}, school
        assert not school.teams.annotate(n=Count("memberships")).filter(n=0).exists(), school


def test_a_few_people_left_during_the_previous_school_year(demo):
    current = SchoolYear.objects.current()
    previous = SchoolYear.objects.get(start_year=current.start_year - 1)
    for school in School.objects.all():
        left = Membership.objects.filter(
            school=school, ended_on__range=(previous.starts_on, previous.ends_on)
        )
        assert 1 <= left.count() <= 5, school
    starts = Membership.objects.values_list("started_on__year", flat=True).distinct()
    assert len(starts) >= 10, "start dates are spread over the years"


def test_everyone_has_a_realistic_unique_name_and_a_demo_address(demo):
    names = list(User.objects.values_list("display_name", flat=True))
    assert len(names) == len(set(names))
    assert [name for name in names if not looks_like_a_name(name)] == []
    assert any(" van " in name or " de " in name for name in names)
    assert not User.objects.exclude(email__endswith="@demo.dramaturg.example").exists()


def test_running_the_demo_again_changes_nothing(demo):
    before = row_counts()
    output = run_demo()
    assert "already there" in output
    assert row_counts() == before


def test_the_printed_accounts_exist_with_their_roles(demo):
    assert DEMO_PASSWORD in demo
    for account in ACCOUNTS:
        assert account.email in demo
        membership = Membership.objects.active().get(user__email=account.email)
        assert membership.role == account.role
        if account.school is not None:
            assert membership.school.name == SCHOOLS[account.school].name


def test_the_demo_leader_logs_in_with_the_printed_password(demo):
    leader = next(a for a in ACCOUNTS if a.role == Role.LEADER and a.school == 0)
    client = Client()
    # django-axes checks every attempt and needs the request Django's test client lacks.
    assert client.login(request=HttpRequest(), username=leader.email, password=DEMO_PASSWORD)
    response = client.get(reverse("schools:start"), follow=True)
    assert response.status_code == 200
    assert SCHOOLS[0].name in response.content.decode()


def test_the_demo_login_form_accepts_the_shared_password(demo):
    member = next(a for a in ACCOUNTS if a.role == Role.MEMBER)
    response = Client().post(
        reverse("accounts:login"), {"username": member.email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert not User.objects.filter(Q(password="") | Q(password__startswith="!")).exists()


@pytest.mark.django_db
def test_demo_school_has_cards_in_every_stage_and_a_kleedkamer_history():
    from dramaturg.cards.models import Card

    call_command("demo", verbosity=0)
    cards = {card.stage: card for card in Card.objects.filter(school__slug="obs-de-duinroos")}
    assert set(cards) == {"podium", "audience", "wings", "dressing_room"}
    assert len({card.state for card in cards.values()}) >= 3
    kleedkamer = cards["dressing_room"]
    assert kleedkamer.state == Card.State.ADOPTED
    assert list(kleedkamer.versions.values_list("number", flat=True)) == [1, 2]
    assert kleedkamer.comments.count() >= 3
    assert set(kleedkamer.amendments.values_list("status", flat=True)) == {"accepted", "declined"}
    first_round = kleedkamer.rounds.get(number=1)
    assert first_round.outcome == "closed"
    assert first_round.answers.filter(answer="object").exists()


def test_demo_networks_hold_both_boards_a_shared_card_and_conversations(demo):
    board_network = Network.objects.get(kind=Network.Kind.BOARD, board__slug=BOARD_SLUG)
    cross = Network.objects.get(kind=Network.Kind.CROSS_BOARD)
    assert network_schools(board_network).count() == 3
    assert network_schools(cross).count() == 6  # enough for network benchmarks
    assert {s.board.slug for s in network_schools(cross)} == {BOARD_SLUG, PARTNER_BOARD[1]}
    for network in (board_network, cross):
        assert PublishedCard.objects.filter(network=network, withdrawn_at=None).count() == 1
        assert Thread.objects.filter(network=network, replies__isnull=False).exists()
    anonymous = PublishedCard.objects.get(network=board_network)
    assert not anonymous.show_school
    assert Card.objects.filter(copied_from=anonymous, state=Card.State.DRAFT).exists()
    # Every school measured, so benchmarks across both boards have figures.
    assert all(school.rounds.exists() for school in network_schools(cross))
    assert list(School.objects.filter(share_results_with_board=True)) == [
        School.objects.get(slug="obs-de-duinroos")
    ]


def test_demo_school_has_moments_cases_and_an_adopted_repertoire():
    from dramaturg.repertoire.models import Case, Entry, Moment

    call_command("demo", verbosity=0)
    school = School.objects.get(slug="obs-de-duinroos")
    moments = Moment.objects.filter(school=school)
    assert moments.count() == 20
    year = SchoolYear.objects.current()
    assert all(year.contains(day) for day in moments.values_list("recorded_on", flat=True))
    assert len(set(moments.values_list("clash", flat=True))) >= 3
    assert len(set(moments.values_list("stage", flat=True))) >= 3
    assert moments.filter(show_author=True, author__isnull=False).exists()
    assert not moments.filter(show_author=False, author__isnull=False).exists()
    assert all(m.codes.exists() for m in moments)
    cases = Case.objects.filter(school=school).annotate(n=Count("moments"))
    assert cases.count() == 3
    assert all(2 <= case.n <= 4 for case in cases)
    # No names of the school's people in any moment (and never a student's: there are none).
    people = User.objects.filter(memberships__school=school).values_list("display_name", flat=True)
    texts = " ".join(moments.values_list("what_happened", flat=True))
    assert not any(name in texts for name in people)
    entries = Entry.objects.filter(school=school)
    assert entries.count() == 6
    for entry in entries:
        assert entry.state == Entry.State.ADOPTED
        assert entry.template_key
        assert entry.versions.filter(number=1, round__outcome="adopted").exists()
        assert entry.agreements.exists()
        assert entry.interventions.exists()
        assert {a.card.stage for a in entry.agreements.all()} <= {"podium", "audience"}
    assert entries.filter(case__isnull=False).count() == 3
