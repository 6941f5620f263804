"""The demo's networks: the board's own network, a partner board, and a network across both.

The demo board's three schools form the board's network. A second board ("Stichting Wad en
Weide", three schools) joins them in a cross-board network of six schools, so network
benchmarks (which need five schools meeting the threshold) have something to show; the
board's own network of three shows why a benchmark can be missing. Everything goes through
the services, as a leader would do it: the kleedkamer card is shared (anonymously in the
board's network, by name across boards), a second school copies it, leaders talk in a few
conversations, and the first school shares its results with its board.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from dramaturg.cards.models import Card
from dramaturg.demo.data import DemoBuilder, SchoolSpec
from dramaturg.demo.surveys import build_survey_demo
from dramaturg.networks import conversations, library, services
from dramaturg.networks.access import ensure_board_network
from dramaturg.networks.models import Network, NetworkInvitation, NetworkSchool
from dramaturg.schools.models import Board, Membership, School, Team
from dramaturg.schools.roles import Role

PARTNER_BOARD = ("Stichting Wad en Weide", "wad-en-weide")
PARTNER_SCHOOLS = (
    SchoolSpec(
        "OBS De Wadloper", "obs-de-wadloper", School.Sector.PRIMARY, "Den Helder",
        ("Onderbouw", "Bovenbouw"), staff=18, left_last_year=2, deputy=False, culture_carriers=2,
    ),
    SchoolSpec(
        "IKC Het Zwanenmeer", "ikc-het-zwanenmeer", School.Sector.PRIMARY, "Schagen",
        ("Onderbouw", "Middenbouw", "Bovenbouw"), staff=22, left_last_year=4, deputy=False,
        culture_carriers=2,
    ),
    SchoolSpec(
        "Noorderwaard College", "noorderwaard-college", School.Sector.SECONDARY, "Schagen",
        ("Sectie talen", "Sectie bèta", "Sectie gamma"), staff=30, left_last_year=3,
        deputy=True, culture_carriers=3,
    ),
)  # fmt: skip
CROSS_NETWORK = "Kustscholen leren samen"

THREADS = (
    (
        "question",
        "Hoe houden jullie de vraag-van-de-week levend?",
        "Na een enthousiaste start zakt het bij ons in. Wie heeft een manier gevonden om "
        "de wekelijkse vraag in de teamkamer vol te houden, ook in drukke weken?",
        "We laten elke week iemand anders de vraag kiezen. Dan is het niet meer 'de vraag "
        "van de directie', en dat scheelt veel.",
    ),
    (
        "case",
        "Kritiek op het rooster alleen in de wandelgangen",
        "Een besluit over het rooster wordt in het overleg zonder bezwaar aangenomen en daarna "
        "in de teamapp fel bekritiseerd. Ik wil het gesprek terug naar het overleg brengen "
        "zonder mensen af te straffen die hun zorgen delen. Hoe pakken jullie dat aan?",
        "Wij benoemen het patroon in het volgende overleg, zonder namen, en vragen wat er "
        "nodig is om bezwaren op tafel te leggen. De consentronde hielp: daar is een bezwaar "
        "welkom.",
    ),
)


@dataclass
class NetworkDemo:
    networks: list[Network]
    partner_schools: list[School]


def _leader(school: School):
    membership = (
        Membership.objects.filter(school=school, role=Role.LEADER, ended_on__isnull=True)
        .select_related("user")
        .order_by("started_on", "pk")
        .first()
    )
    assert membership is not None  # every demo school has a leader
    return membership.user


def _partner_board(builder: DemoBuilder) -> list[School]:
    name, slug = PARTNER_BOARD
    board = Board.objects.create(name=name, slug=slug)
    schools = []
    for offset, spec in enumerate(PARTNER_SCHOOLS):
        school = School.objects.create(
            board=board, name=spec.name, slug=spec.slug, sector=spec.sector, city=spec.city
        )
        teams = {team: Team.objects.create(school=school, name=team) for team in spec.teams}
        # An index past the demo's own schools: no fixed demo account works here.
        builder.build_staff(100 + offset, spec, school, teams)
        schools.append(school)
    return schools


def build_network_demo(builder: DemoBuilder, schools: list[School]) -> NetworkDemo:
    """Networks, shared cards, conversations and measurement for the demo (in its transaction)."""
    first, second = schools[0], schools[1]
    for school in schools[1:]:
        build_survey_demo(school)
    partners = _partner_board(builder)
    for school in partners:
        build_survey_demo(school)
    School.objects.filter(pk=first.pk).update(share_results_with_board=True)
    # The schools and the network across boards go back years, as their staff and rounds do:
    # network figures describe a half year that is over, from the schools in it by then.
    founded = timezone.now() - dt.timedelta(days=10 * 365)
    School.objects.filter(board__in=[first.board, partners[0].board]).update(created_at=founded)
    since = dt.datetime(builder.year - 1, 8, 1, 9, tzinfo=dt.UTC)

    board_network = ensure_board_network(first.board)
    cross = services.create_network(
        _leader(first),
        first,
        CROSS_NETWORK,
        "Schoolleiders van twee besturen aan de kust die van elkaars kaarten en "
        "ervaringen willen leren.",
    )
    # As if every school was invited and its leader accepted; the demo sends no mail.
    for school in [*schools[1:], *partners]:
        NetworkInvitation.objects.create(
            network=cross,
            school=school,
            invited_by=_leader(first),
            answered_at=timezone.now(),
            accepted=True,
        )
    for school in [first, *schools[1:], *partners]:
        NetworkSchool.objects.update_or_create(
            network=cross, school=school, defaults={"joined_at": since}
        )

    carrier = Membership.objects.filter(school=first, role=Role.CULTURE_CARRIER).first()
    if carrier:
        services.name_culture_carrier(_leader(first), board_network, carrier)

    card = Card.objects.filter(school=first, state=Card.State.ADOPTED).first()
    if card:
        version = card.versions.get(number=card.adopted_version)
        with transaction.atomic():
            anonymous = library.publish(_leader(first), version, board_network, show_school=False)
            library.publish(_leader(first), version, cross, show_school=True)
        library.copy_to_school(_leader(second), anonymous, second)

    for network, (kind, title, body, answer) in zip((board_network, cross), THREADS, strict=True):
        asker, helper = (
            (_leader(second), _leader(first))
            if kind == "question"
            else (
                _leader(partners[1]),
                _leader(partners[0]),
            )
        )
        thread = conversations.start_thread(
            asker, network, kind, title, body, show_school=kind == "question"
        )
        conversations.reply(helper, thread, answer, show_school=True)
    return NetworkDemo([board_network, cross], partners)
