"""The shared card library: publish an adopted card (without personal names), browse, read,
copy into another school as a draft with credit, count adoptions, withdraw; and who may see it.

Messages are not translated yet while this is written, so the tests assert facts that hold in
any language (rows written, names and texts present or absent, status codes).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from dramaturg.cards.models import Card, CardVersion
from dramaturg.cards.services import consent, content
from dramaturg.networks import library
from dramaturg.networks.access import ensure_board_network
from dramaturg.networks.models import Network, NetworkGuest, NetworkSchool, PublishedCard
from dramaturg.schools.models import Membership, School
from dramaturg.schools.roles import Role
from dramaturg.sources.models import Source
from tests.personas import join, make_user

pytestmark = pytest.mark.django_db

TITLE = ("Samen leren in de coulissen", "Learning together in the wings")
AGREEMENT = ("We bespreken elke studiedag één casus.", "We discuss one case every study day.")
INDICATOR = ("Iedereen brengt een vraag mee.", "Everyone brings a question.")
WHO = ("de ontwikkelgroep", "the culture carriers")


@pytest.fixture
def net(world):
    """The board's network, with a second school of the board and its own leader and teacher."""
    network = ensure_board_network(world.board)
    school2 = School.objects.create(
        board=world.board, name="De Branding", slug="de-branding", sector="po"
    )
    leader2 = make_user("leider@branding.test", "Bert Branding")
    join(leader2, school2, Role.LEADER)
    teacher3 = make_user("juf@branding.test", "Fenna Fris")
    join(teacher3, school2, Role.MEMBER)
    return SimpleNamespace(network=network, school2=school2, leader2=leader2, teacher3=teacher3)


def adopt(card, *voters):
    consent_round = consent.open_round(card.school.memberships.get(role=Role.LEADER).user, card)
    for voter in voters:
        consent.answer(voter, consent_round, "consent")
    card.refresh_from_db()
    assert card.state == Card.State.ADOPTED
    return card.versions.get(number=card.adopted_version)


def make_card(world, agreement=AGREEMENT, source=None):
    card = content.create_card(
        world.leader, world.school, stage="wings", title_nl=TITLE[0], title_en=TITLE[1]
    )
    content.update_item(
        world.leader,
        card,
        card.revision,
        {"introduction_nl": "Leren met elkaar.", "introduction_en": "Learning with each other."},
    )
    goal = content.add_goal(world.leader, card, title_nl="Een open team", title_en="An open team")
    item = content.add_intervention(
        world.leader,
        goal,
        what_nl="Casusbespreking",
        what_en="Case discussion",
        design_nl="Intervisie in drietallen.",
        who_nl=WHO[0],
        who_en=WHO[1],
        when_nl="elke studiedag",
    )
    if source is not None:
        content.set_sources(world.leader, item, [source])
    content.add_agreement(world.leader, card, text_nl=agreement[0], text_en=agreement[1])
    content.add_indicator(world.leader, card, text_nl=INDICATOR[0], text_en=INDICATOR[1])
    return card


@pytest.fixture
def version(world):
    shipped = Source.objects.filter(school__isnull=True).first()
    card = make_card(world, source=shipped)
    return adopt(card, world.teacher, world.teacher2, world.culture_carrier)


@pytest.fixture
def publication(world, net, version):
    return library.publish(world.leader, version, net.network, show_school=False)


def lib_urls(network, publication):
    n = network.slug
    return {
        "library": ("get", reverse("networks:library", args=[n])),
        "library_card": ("get", reverse("networks:library_card", args=[n, publication.pk])),
        "library_copy": ("post", reverse("networks:library_copy", args=[n, publication.pk])),
        "library_withdraw": (
            "post",
            reverse("networks:library_withdraw", args=[n, publication.pk]),
        ),
    }


def publish_url(version):
    card = version.card
    return reverse("networks:library_publish", args=[card.school.slug, card.pk, version.number])


# --- The whole journey -------------------------------------------------------------------


def test_publish_anonymously_then_another_leader_reads_and_copies(world, net, version, client_for):
    leader = client_for(world.leader)
    page = leader.get(publish_url(version))
    assert page.status_code == 200
    assert net.network.name in page.content.decode()
    response = leader.post(publish_url(version), {"network": [net.network.pk]})
    assert response.status_code == 302
    publication = PublishedCard.objects.get()
    assert (publication.version, publication.school) == (version, world.school)
    assert publication.show_school is False
    assert publication.withdrawn_at is None

    other = client_for(net.leader2)
    listing = other.get(reverse("networks:library", args=[net.network.slug])).content.decode()
    reading = other.get(
        reverse("networks:library_card", args=[net.network.slug, publication.pk])
    ).content.decode()
    for page in (listing, reading):
        assert TITLE[0] in page
        assert world.school.name not in page  # the school chose to stay anonymous
        assert world.leader.display_name not in page  # nor who published it
    assert AGREEMENT[0] in reading
    assert INDICATOR[0] in reading
    assert WHO[0] in reading
    for person in (world.teacher, world.teacher2, world.culture_carrier):
        assert person.display_name not in reading  # who took part is never shown

    response = other.post(reverse("networks:library_copy", args=[net.network.slug, publication.pk]))
    copy = Card.objects.get(school=net.school2)
    assert response.status_code == 302
    assert response["Location"] == reverse("cards:detail", args=[net.school2.slug, copy.pk])
    assert copy.state == Card.State.DRAFT
    assert copy.adopted_version == 0
    assert (copy.stage, copy.title_nl, copy.title_en) == ("wings", *TITLE)
    assert copy.introduction_en == "Learning with each other."
    assert copy.copied_from == publication
    assert copy.created_by == net.leader2
    assert net.network.name in copy.origin
    assert TITLE[0] in copy.origin
    assert world.school.name not in copy.origin
    goal = copy.goals.get()
    assert (goal.title_nl, goal.title_en) == ("Een open team", "An open team")
    item = goal.interventions.get()
    assert (item.what_nl, item.who_nl, item.who_en, item.when_nl) == (
        "Casusbespreking",
        *WHO,
        "elke studiedag",
    )
    assert list(item.sources.all()) == list(
        version.card.goals.get().interventions.get().sources.all()
    )
    assert [(a.text_nl, a.text_en) for a in copy.agreements.all()] == [AGREEMENT]
    assert [(i.text_nl, i.text_en) for i in copy.indicators.all()] == [INDICATOR]
    card_page = other.get(response["Location"]).content.decode()
    assert copy.origin in card_page  # the credit on the copy's page

    # The copy is an ordinary draft of the new school: the team can edit it.
    content.add_agreement(net.leader2, copy, text_nl="Nog een afspraak.")


def test_show_school_name_when_the_leader_chooses(world, net, version, client_for):
    client_for(world.leader).post(
        publish_url(version), {"network": [net.network.pk], "show_school": "on"}
    )
    publication = PublishedCard.objects.get()
    assert publication.show_school is True
    page = client_for(net.leader2).get(reverse("networks:library", args=[net.network.slug]))
    assert world.school.name in page.content.decode()
    copy = library.copy_to_school(net.leader2, publication, net.school2)
    assert world.school.name in copy.origin


def test_a_school_own_source_does_not_travel_with_the_copy(world, net):
    own = Source.objects.create(school=world.school, kind="book", title="Ons eigen boek")
    version = adopt(
        make_card(world, source=own), world.teacher, world.teacher2, world.culture_carrier
    )
    publication = library.publish(world.leader, version, net.network, show_school=False)
    copy = library.copy_to_school(net.leader2, publication, net.school2)
    assert not copy.goals.get().interventions.get().sources.exists()


@pytest.mark.parametrize("show_school", [False, True])
def test_an_anonymous_card_hides_its_team_and_own_sources(world, net, client_for, show_school):
    """Review finding: a team's name or a source titled after the school can name it."""
    own = Source.objects.create(school=world.school, kind="book", title="Schoolplan Vuurtoren")
    card = make_card(world, source=own)
    Card.objects.filter(pk=card.pk).update(team=world.team_a)
    card.refresh_from_db()
    version = adopt(card, world.teacher, world.culture_carrier)
    publication = library.publish(world.leader, version, net.network, show_school=show_school)
    url = reverse("networks:library_card", args=[net.network.slug, publication.pk])
    html = client_for(net.leader2).get(url).content.decode()
    for text in (world.team_a.name, own.title, world.school.name):
        assert (text in html) is show_school, text
    assert INDICATOR[0] in html or INDICATOR[1] in html  # the card itself is there


def test_adoption_count_goes_up_when_a_copy_is_adopted(world, net, publication, client_for):
    assert library.adoption_count(publication) == 1  # the publishing school
    copy = library.copy_to_school(net.leader2, publication, net.school2)
    assert library.adoption_count(publication) == 1  # a draft is not adopted
    adopt(copy, net.leader2, net.teacher3)
    assert library.adoption_count(publication) == 2
    # A second copy in the same school counts that school once.
    second = library.copy_to_school(net.leader2, publication, net.school2)
    adopt(second, net.leader2, net.teacher3)
    assert library.adoption_count(publication) == 2
    page = client_for(net.leader2).get(
        reverse("networks:library_card", args=[net.network.slug, publication.pk])
    )
    assert page.context["entry"].adopted == 2


def test_withdraw_takes_it_out_of_the_library_but_copies_stay(world, net, publication, client_for):
    copy = library.copy_to_school(net.leader2, publication, net.school2)
    urls = lib_urls(net.network, publication)
    assert client_for(net.leader2).post(urls["library_withdraw"][1]).status_code == 403
    response = client_for(world.leader).post(urls["library_withdraw"][1])
    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.withdrawn_at is not None

    other = client_for(net.leader2)
    assert TITLE[0] not in other.get(urls["library"][1]).content.decode()
    assert other.get(urls["library_card"][1]).status_code == 404
    assert other.post(urls["library_copy"][1]).status_code == 404
    copy.refresh_from_db()
    assert copy.copied_from == publication
    assert net.network.name in copy.origin
    assert Card.objects.filter(school=net.school2).count() == 1
    # Published again later: a new live row beside the withdrawn one.
    library.publish(world.leader, publication.version, net.network, show_school=True)
    assert PublishedCard.objects.filter(withdrawn_at__isnull=True).count() == 1


def test_a_newer_version_replaces_the_older_one_in_the_library(world, net, publication):
    card = content.start_new_draft(world.leader, publication.version.card)
    content.add_indicator(world.leader, card, text_nl="Nieuwe stelling.")
    newer = adopt(card, world.teacher, world.teacher2, world.culture_carrier)
    library.publish(world.leader, newer, net.network, show_school=False)
    live = PublishedCard.objects.filter(withdrawn_at__isnull=True)
    assert [p.version for p in live] == [newer]


# --- No personal names -------------------------------------------------------------------


def test_a_team_members_name_in_an_agreement_refuses_publishing(world, net, client_for):
    agreement = ("Daan Docent zet elke ochtend koffie.", "Daan makes coffee every morning.")
    version = adopt(
        make_card(world, agreement=agreement), world.teacher, world.teacher2, world.culture_carrier
    )
    leader = client_for(world.leader)
    page = leader.get(publish_url(version))
    assert page.context["problems"]
    assert "Daan Docent" in page.context["problems"][0]
    response = leader.post(publish_url(version), {"network": [net.network.pk]}, follow=True)
    assert not PublishedCard.objects.exists()
    shown = [str(m) for m in response.context["messages"]]
    assert any("Daan Docent" in m and agreement[0][:20] in m for m in shown)
    with pytest.raises(library.LibraryError) as refused:
        library.publish(world.leader, version, net.network, show_school=False)
    assert len(refused.value.problems) == 2  # where the name is, and what to do about it
    assert not PublishedCard.objects.exists()


def test_name_variants():
    assert library.name_variants("Jet van der Juf") == {"Jet van der Juf", "Jet Juf"}
    assert library.name_variants("Anna Maria de Vries") == {
        "Anna Maria de Vries",
        "Anna de Vries",
        "Anna Vries",
        "Maria de Vries",
        "Maria Vries",
    }
    assert library.name_variants("Daan Docent") == {"Daan Docent"}
    assert library.name_variants("  ") == set()


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Overleg met Jet Juf.", True),
        ("overleg met JET VAN DER JUF", True),
        ("Jet\nJuf leidt het", True),
        ("Vraag het de juf.", False),  # a surname alone is an ordinary word
        ("Jetje Juffrouw doet mee.", False),  # word boundaries
        ("Zoe Zuid leest mee.", True),  # accents do not hide a name
    ],
)
def test_names_are_found_case_and_accent_insensitively(text, found):
    snapshot = {
        "stage": "wings",
        "team": "",
        "title": {"nl": "Titel", "en": ""},
        "introduction": {"nl": "", "en": ""},
        "goals": [
            {
                "title": {"nl": "Doel", "en": "Goal"},
                "description": {"nl": "", "en": ""},
                "interventions": [
                    {
                        "what": {"nl": "Iets", "en": ""},
                        "design": {"nl": "", "en": ""},
                        "who": {"nl": "", "en": text},
                        "when": {"nl": "", "en": ""},
                        "sources": [],
                    }
                ],
            }
        ],
        "agreements": [],
        "indicators": [],
    }
    problems = library.name_problems(snapshot, ["Jet van der Juf", "Zoë Zuid"])
    assert bool(problems) is found


def test_former_team_members_are_searched_too(world, net):
    membership = Membership.objects.get(user=world.teacher2, school=world.school)
    membership.ended_on = membership.started_on
    membership.save()
    assert "Jet van der Juf" in library.school_people_names(world.school)
    assert "Zoë Zuid" not in library.school_people_names(world.school)  # another board's


# --- Who may do what ---------------------------------------------------------------------


def test_outsiders_get_404_on_every_library_page(world, net, publication, client_for):
    other_admin = Membership.objects.get(board=world.other_board).user
    for person in (world.teacher, world.outsider, other_admin, world.culture_carrier):
        client = client_for(person)
        for name, (method, url) in lib_urls(net.network, publication).items():
            for verb in {method, "get", "post"}:
                response = getattr(client, verb)(url)
                assert response.status_code == 404, (person, name, verb)
    assert PublishedCard.objects.get().withdrawn_at is None
    assert Card.objects.count() == 1


def test_anonymous_visitors_are_sent_to_login(net, publication):
    for _name, (method, url) in lib_urls(net.network, publication).items():
        response = getattr(Client(), method)(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_a_named_culture_carrier_reads_but_does_not_copy_or_withdraw(
    world, net, publication, client_for
):
    NetworkGuest.objects.create(
        network=net.network,
        user=world.culture_carrier,
        kind=NetworkGuest.Kind.CULTURE_CARRIER,
        school=world.school,
        invited_by=world.leader,
    )
    client = client_for(world.culture_carrier)
    urls = lib_urls(net.network, publication)
    assert client.get(urls["library"][1]).status_code == 200
    page = client.get(urls["library_card"][1])
    assert page.status_code == 200
    assert not page.context["can_copy"]
    assert not page.context["can_withdraw"]
    assert client.post(urls["library_copy"][1]).status_code == 403
    assert client.post(urls["library_withdraw"][1]).status_code == 403
    assert Card.objects.count() == 1
    assert PublishedCard.objects.get().withdrawn_at is None


def test_only_the_schools_leader_publishes(world, net, version, client_for):
    assert client_for(world.teacher).get(publish_url(version)).status_code == 403
    assert (
        client_for(world.culture_carrier)
        .post(publish_url(version), {"network": [net.network.pk]})
        .status_code
        == 403
    )
    for person in (world.outsider, net.leader2):
        response = client_for(person).post(publish_url(version), {"network": [net.network.pk]})
        assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        library.publish(net.leader2, version, net.network, show_school=False)
    assert not PublishedCard.objects.exists()


def test_bad_publish_requests_write_nothing(world, net, version, client_for):
    leader = client_for(world.leader)
    url = publish_url(version)
    # No network, an unknown one, and a network the school is not in.
    foreign = Network.objects.create(name="Elders", slug="elders", kind="cross_board")
    NetworkSchool.objects.create(network=foreign, school=world.other_school)
    for data in ({}, {"network": ["999999"]}, {"network": ["x"]}, {"network": [foreign.pk]}):
        response = leader.post(url, data, follow=True)
        assert response.status_code == 200
        assert list(response.context["messages"]), data
    with pytest.raises(library.LibraryError):
        library.publish(world.leader, version, foreign, show_school=False)
    # A version number the card does not have, a draft card, someone else's card.
    draft = content.create_card(world.leader, world.school, stage="podium", title_nl="Concept")
    theirs = content.create_card(
        world.outsider, world.other_school, stage="podium", title_nl="Van hen"
    )
    for card_id, number in ((version.card_id, 2), (draft.pk, 1), (theirs.pk, 1)):
        path = reverse("networks:library_publish", args=[world.school.slug, card_id, number])
        assert leader.post(path, {"network": [net.network.pk]}).status_code == 404
    assert not PublishedCard.objects.exists()
    # Published once; the same version a second time is refused.
    leader.post(url, {"network": [net.network.pk]})
    response = leader.post(url, {"network": [net.network.pk]}, follow=True)
    assert list(response.context["messages"])
    assert PublishedCard.objects.count() == 1


def test_bad_copy_requests(world, net, publication, client_for):
    with pytest.raises(library.LibraryError):  # the publishing school itself
        library.copy_to_school(world.leader, publication, world.school)
    with pytest.raises(PermissionDenied):  # not a leader of the receiving school
        library.copy_to_school(world.leader, publication, net.school2)
    with pytest.raises(library.LibraryError):  # a leader outside the network
        library.copy_to_school(world.outsider, publication, world.other_school)
    url = reverse("networks:library_copy", args=[net.network.slug, publication.pk])
    other = client_for(net.leader2)
    assert other.post(url, {"team": world.team_a.pk}).status_code == 404  # not their team
    response = client_for(world.leader).post(url, follow=True)
    assert list(response.context["messages"])
    assert Card.objects.count() == 1
    missing = reverse("networks:library_copy", args=[net.network.slug, publication.pk + 1])
    assert other.post(missing).status_code == 404


def test_browse_by_stage(world, net, publication, client_for):
    client = client_for(net.leader2)
    url = reverse("networks:library", args=[net.network.slug])
    assert TITLE[0] in client.get(url, {"stage": "wings"}).content.decode()
    assert TITLE[0] not in client.get(url, {"stage": "podium"}).content.decode()
    unknown = client.get(url, {"stage": "nonsense"})
    assert unknown.status_code == 200
    assert TITLE[0] in unknown.content.decode()
    assert unknown.context["chosen"] == ""


def test_a_school_that_leaves_a_cross_board_network_leaves_its_library(world, net, version):
    network = Network.objects.create(name="Samen", slug="samen", kind="cross_board")
    NetworkSchool.objects.create(network=network, school=world.school)
    NetworkSchool.objects.create(network=network, school=world.other_school)
    publication = library.publish(world.leader, version, network, show_school=False)
    copy = library.copy_to_school(world.outsider, publication, world.other_school)
    assert copy.school == world.other_school
    NetworkSchool.objects.filter(network=network, school=world.school).delete()
    assert not library.live_publications(network).exists()
    with pytest.raises(library.LibraryError):
        library.copy_to_school(world.outsider, publication, world.other_school)


def test_an_unsaved_version_is_refused(world, net, version):
    assert isinstance(version, CardVersion)
    with pytest.raises(library.LibraryError):
        library.publish(world.leader, CardVersion(card=version.card), net.network, False)


def test_the_card_pages_lead_leaders_to_publishing(world, net, version, client_for):
    card = version.card
    url = publish_url(version)
    version_page = reverse("cards:version_detail", args=[world.school.slug, card.pk, 1])
    card_page = reverse("cards:detail", args=[world.school.slug, card.pk])
    for page in (version_page, card_page):
        assert url in client_for(world.leader).get(page).content.decode()
        assert url not in client_for(world.teacher).get(page).content.decode()
