"""The national data generator (`dramaturg generate-network`) at a tiny size: its rows are
those the application writes and reads (a round's results page shows its figures), and a seed
gives the same network."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from dramaturg.cards.models import Card
from dramaturg.cards.snapshot import take_snapshot
from dramaturg.generator.network import generate
from dramaturg.networks.models import Network, NetworkSchool, PublishedCard, PublishedEntry
from dramaturg.repertoire.models import CodeTag, Entry, Moment
from dramaturg.repertoire.snapshot import take_snapshot as take_entry_snapshot
from dramaturg.schools.models import Board, Membership, School
from dramaturg.schools.roles import Role
from dramaturg.surveys import results
from dramaturg.surveys.models import (
    Participation,
    PendingResponse,
    Response,
    Round,
    Submission,
    week_of,
)

# A day after the school year 2025–2026 ended: its three rounds have all closed.
TODAY = dt.date(2026, 7, 20)


def schools_of(prefix: str):
    return School.objects.filter(slug__startswith=f"{prefix}-s").order_by("slug")


@pytest.fixture
def network(db: None):
    generate(3, 1, seed=7, prefix="t", today=TODAY)
    return list(schools_of("t"))


def test_schools_boards_staff_and_networks(network):
    assert len(network) == 3
    board = Board.objects.get(slug__startswith="t-b")  # fewer than five schools: one board
    assert {school.board_id for school in network} == {board.pk}
    for school in network:
        roles = Counter(Membership.objects.filter(school=school).values_list("role", flat=True))
        assert roles[Role.LEADER] >= 1
        assert roles[Role.CULTURE_CARRIER] >= 2
        assert roles[Role.MEMBER] >= 5
        assert school.teams.count() >= 3
        assert school.student_groups.count() >= 8
        # The default codes, which a school's post_save signal gives it in the application.
        assert CodeTag.objects.filter(school=school).count() == 8
    assert Membership.objects.filter(board=board, role=Role.BOARD_ADMIN).count() == 1
    assert Network.objects.filter(board=board).count() == 1
    national = Network.objects.get(kind=Network.Kind.CROSS_BOARD, slug="t-landelijk")
    assert NetworkSchool.objects.filter(network=national).count() == 3


def test_answers_are_stored_as_released_answers(network):
    rounds = Round.objects.filter(school__in=network)
    assert rounds.exists()
    assert not PendingResponse.objects.exists()  # every round closed: all released
    for round_ in rounds.prefetch_related("instruments", "targets"):
        assert round_.status(TODAY) == "closed"
        width = sum(len(ri.instrument.items) for ri in round_.instruments.all())
        responses = list(Response.objects.filter(round=round_))
        assert {r.week for r in responses} <= {week_of(round_.opens_on)}
        assert all(len(r.answers) == width for r in responses)
        for target in round_.targets.all():
            count = sum(r.target_id == target.pk for r in responses)
            assert count <= target.invited
            if round_.mode == Round.Mode.STAFF:
                asked = Participation.objects.filter(target=target)
                assert asked.count() == target.invited
                assert asked.filter(answered=True).count() == count
        if round_.mode == Round.Mode.STUDENTS:
            # A class-code form keeps one key per submit, never tied to the response.
            assert Submission.objects.filter(round=round_).count() == len(responses)


def test_a_round_results_page_shows_its_figures(network, client_for_generated):
    round_ = (
        Round.objects.filter(school__in=network, mode=Round.Mode.STAFF)
        .annotate(n=Count("responses"))
        .order_by("-n")
        .first()
    )
    found = results.round_results(round_)
    assert found.closed
    assert found.has_answers
    assert found.answered == Response.objects.filter(round=round_).count()
    shown = [scale for scale in found.scales if scale.total.mean is not None]
    assert shown, "no scale with figures"
    assert all(1 <= scale.total.mean <= scale.options for scale in shown)
    leader = Membership.objects.filter(school=round_.school, role=Role.LEADER).first().user
    page = client_for_generated(leader).get(
        reverse("surveys:round_detail", args=[round_.school.slug, round_.pk])
    )
    assert page.status_code == 200
    assert page.context["tables"], "the results tables are missing"
    assert shown[0].title["nl"] in page.content.decode()


def test_cards_versions_library_and_repertoire(network):
    cards = Card.objects.filter(school__in=network)
    assert cards.exists()
    for card in cards.filter(state=Card.State.ADOPTED):
        versions = list(card.versions.order_by("number"))
        assert [v.number for v in versions] == list(range(1, card.adopted_version + 1))
        latest = versions[-1]
        # The snapshot is the application's own, and the round met the school's quorum.
        assert latest.snapshot == take_snapshot(card)
        assert latest.round.answers.count() >= latest.round.required
        assert len(latest.participants) == latest.round.answers.count()
    for publication in PublishedCard.objects.filter(school__in=network):
        assert publication.version.card.state == Card.State.ADOPTED
    for entry in Entry.objects.filter(school__in=network, state=Entry.State.ADOPTED):
        assert entry.versions.get().snapshot == take_entry_snapshot(entry)
    for moment in Moment.objects.filter(school__in=network):
        assert bool(moment.author_id) == moment.show_author
        assert bool(moment.author_key) != moment.show_author


def fingerprint(prefix: str) -> list:
    """Everything a user would see of a network, without slugs and primary keys."""
    found = []
    for school in schools_of(prefix):
        rounds = Round.objects.filter(school=school).order_by("opens_on", "title")
        found.append(
            (
                school.name,
                school.sector,
                school.city,
                sorted(Membership.objects.filter(school=school).values_list("role", "started_on")),
                sorted(school.teams.values_list("name", flat=True)),
                sorted(school.student_groups.values_list("name", "size")),
                [
                    (
                        r.title,
                        r.opens_on,
                        sorted(tuple(a) for a in r.responses.values_list("answers", flat=True)),
                    )
                    for r in rounds
                ],
                sorted(Card.objects.filter(school=school).values_list("title_nl", "state")),
                Moment.objects.filter(school=school).count(),
            )
        )
    return found


def test_a_seed_gives_the_same_network(network):
    generate(3, 1, seed=7, prefix="u", today=TODAY)
    generate(3, 1, seed=8, prefix="v", today=TODAY)
    assert fingerprint("u") == fingerprint("t")
    assert fingerprint("v") != fingerprint("t")


def test_the_command_reports_progress_and_refuses_a_second_run(db):
    out = StringIO()
    call_command("generate-network", "--schools", "2", "--years", "1", "--prefix", "c", stdout=out)
    text = out.getvalue()
    assert "2/2 schools" in text
    assert "generated in" in text
    with pytest.raises(CommandError, match="exists already"):
        call_command("generate-network", "--schools", "2", "--prefix", "c", stdout=StringIO())
    with pytest.raises(CommandError, match="at least one school"):
        call_command("generate-network", "--schools", "0", "--prefix", "d", stdout=StringIO())


@pytest.fixture
def client_for_generated():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def test_publications_carry_the_library_columns(db):
    """The library lists and searches a publication by its stored columns, as publishing fills
    them (the title of the version, a card's stage, the searchable text): so does the
    generator, or the library would fall back on reading every snapshot."""
    generate(3, 1, seed=1, prefix="t", today=TODAY)  # this seed publishes cards and entries
    cards = list(PublishedCard.objects.select_related("version__card"))
    entries = list(PublishedEntry.objects.select_related("version"))
    assert cards
    assert entries
    for publication in cards:
        assert publication.title_nl == publication.version.snapshot["title"]["nl"]
        assert publication.stage == publication.version.card.stage
        assert publication.title_nl in publication.search_text
    for publication in entries:
        assert publication.title_nl == publication.version.snapshot["title"]["nl"]
        assert publication.title_nl in publication.search_text
