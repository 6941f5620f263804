"""Repertoire entries in the network library: publish an adopted entry (without personal
names), read it, copy it into another school as a draft with credit, withdraw it; who may."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dramaturg.networks import library, library_entries
from dramaturg.networks.access import ensure_board_network
from dramaturg.networks.models import PublishedEntry
from dramaturg.repertoire.models import Entry, EntryConsentRound
from dramaturg.repertoire.services import consent
from dramaturg.repertoire.services.starter import copy_starter
from dramaturg.schools.models import Membership, School
from dramaturg.schools.roles import Role
from dramaturg.sources.models import Source
from tests.personas import join, make_user

pytestmark = pytest.mark.django_db

KEY = "not-telling-who-did-it"


@pytest.fixture
def net(world):
    network = ensure_board_network(world.board)
    school2 = School.objects.create(
        board=world.board, name="De Branding", slug="de-branding", sector="po"
    )
    leader2 = make_user("leider@branding.test", "Bert Branding")
    join(leader2, school2, Role.LEADER)
    return SimpleNamespace(network=network, school2=school2, leader2=leader2)


def adopt(world, entry):
    """Adopt through the consent engine: everyone in the school consents."""
    consent_round = consent.open_round(world.leader, entry)
    for person in (world.teacher, world.teacher2, world.culture_carrier, world.leader):
        if EntryConsentRound.objects.get(pk=consent_round.pk).is_open:
            consent.answer(person, consent_round, "consent")
    entry.refresh_from_db()
    assert entry.state == Entry.State.ADOPTED
    return entry.versions.get(number=entry.adopted_version)


@pytest.fixture
def version(world):
    return adopt(world, copy_starter(world.leader, world.school, KEY))


@pytest.fixture
def publication(world, net, version):
    return library_entries.publish(world.leader, version, net.network, show_school=False)


def urls(network, publication):
    n = network.slug
    return {
        "read": ("get", reverse("networks:library_entry", args=[n, publication.pk])),
        "copy": ("post", reverse("networks:library_entry_copy", args=[n, publication.pk])),
        "withdraw": (
            "post",
            reverse("networks:library_entry_withdraw", args=[n, publication.pk]),
        ),
    }


def publish_url(version):
    entry = version.entry
    args = [entry.school.slug, entry.pk, version.number]
    return reverse("networks:library_entry_publish", args=args)


def test_publish_anonymously_then_another_leader_reads_and_copies(world, net, version, client_for):
    leader = client_for(world.leader)
    page = leader.get(publish_url(version))
    assert page.status_code == 200
    assert net.network.name in page.content.decode()
    assert leader.post(publish_url(version), {"network": [net.network.pk]}).status_code == 302
    publication = PublishedEntry.objects.get()
    assert (publication.version, publication.school, publication.show_school) == (
        version,
        world.school,
        False,
    )

    other = client_for(net.leader2)
    listing = other.get(reverse("networks:library", args=[net.network.slug])).content.decode()
    reading = other.get(urls(net.network, publication)["read"][1]).content.decode()
    title = version.snapshot["title"]["nl"]
    for page in (listing, reading):
        assert title in page
        assert world.school.name not in page
        assert world.leader.display_name not in page
    assert version.snapshot["we_avoid"]["nl"] in reading
    for person in (world.teacher, world.teacher2, world.culture_carrier):
        assert person.display_name not in reading  # who took part is never shown

    response = other.post(urls(net.network, publication)["copy"][1])
    assert response.status_code == 302
    copy = Entry.objects.get(school=net.school2)
    assert copy.state == Entry.State.DRAFT
    assert copy.adopted_version == 0
    assert copy.copied_from == publication
    assert copy.created_by == net.leader2
    assert (copy.title_nl, copy.why_en) == (title, version.snapshot["why"]["en"])
    assert (copy.clash, copy.risk_ladder) == ("school_peer", "peer")
    assert net.network.name in copy.origin
    assert title in copy.origin
    assert world.school.name not in copy.origin
    # Codes by name onto the new school's own list; shipped sources by title.
    assert set(copy.codes.values_list("school", flat=True)) == {net.school2.pk}
    assert sorted(copy.codes.values_list("key", flat=True)) == ["group_loyalty", "not_telling"]
    assert set(copy.sources.all()) == set(version.entry.sources.all())
    # The library counts the publishing school, and a copying school once it adopts.
    counts = library.adoption_counts([publication], library_entries.ENTRIES)
    assert counts[publication.pk] == 1
    consent.answer(net.leader2, consent.open_round(net.leader2, copy), "consent")
    counts = library.adoption_counts([publication], library_entries.ENTRIES)
    assert counts[publication.pk] == 2


def test_the_library_shows_cards_and_entries_and_filters_to_entries(
    world, net, publication, client_for
):
    client = client_for(net.leader2)
    base = reverse("networks:library", args=[net.network.slug])
    title = publication.version.snapshot["title"]["nl"]
    assert title in client.get(base).content.decode()
    only = client.get(base + "?stage=repertoire")
    assert title in only.content.decode()
    assert only.context["sections"] == []
    assert title not in client.get(base + "?stage=podium").content.decode()


def test_show_school_name_and_own_sources(world, net, version):
    own = Source.objects.create(school=world.school, kind="book", title="Ons schoolplan")
    entry = copy_starter(world.leader, world.school, "parent-at-the-gate")
    entry.sources.add(own)
    adopted = adopt(world, entry)
    hidden = library_entries.publish(world.leader, adopted, net.network, show_school=False)
    assert str(own) not in library_entries.readable_publication(hidden, "nl")["sources"]
    shown = library_entries.publish(world.leader, version, net.network, show_school=True)
    copy = library_entries.copy_to_school(net.leader2, shown, net.school2)
    assert world.school.name in copy.origin
    copy = library_entries.copy_to_school(net.leader2, hidden, net.school2)
    assert own not in copy.sources.all()


def test_a_name_in_the_entry_refuses_publishing(world, net, client_for):
    entry = copy_starter(world.leader, world.school, KEY)
    Entry.objects.filter(pk=entry.pk).update(we_do_en="Ask Jet van der Juf to help.")
    version = adopt(world, entry)
    with pytest.raises(library.LibraryError) as caught:
        library_entries.publish(world.leader, version, net.network, show_school=False)
    assert any("Jet van der Juf" in problem for problem in caught.value.problems)
    page = client_for(world.leader).get(publish_url(version))
    assert "Jet van der Juf" in page.content.decode()
    response = client_for(world.leader).post(
        publish_url(version), {"network": [net.network.pk]}, follow=True
    )
    assert response.status_code == 200
    assert not PublishedEntry.objects.exists()


def test_withdraw_takes_it_out_but_copies_stay(world, net, publication, client_for):
    copy = library_entries.copy_to_school(net.leader2, publication, net.school2)
    read, _copy, withdraw = urls(net.network, publication).values()
    assert client_for(net.leader2).post(withdraw[1]).status_code == 403  # not their school's
    assert client_for(world.leader).post(withdraw[1]).status_code == 302
    publication.refresh_from_db()
    assert publication.withdrawn_at is not None
    assert client_for(net.leader2).get(read[1]).status_code == 404
    copy.refresh_from_db()
    assert copy.copied_from == publication
    with pytest.raises(library.LibraryError):
        library_entries.copy_to_school(net.leader2, publication, net.school2)
    with pytest.raises(library.LibraryError):
        library_entries.withdraw(world.leader, publication)


def test_a_newer_version_replaces_the_older_one(world, net, publication):
    entry = publication.version.entry
    Entry.objects.filter(pk=entry.pk).update(state=Entry.State.DRAFT)
    entry.refresh_from_db()
    newer = adopt(world, entry)
    library_entries.publish(world.leader, newer, net.network, show_school=False)
    assert PublishedEntry.objects.filter(withdrawn_at__isnull=True).get().version == newer


def test_own_school_and_non_leaders_cannot_copy(world, net, publication):
    with pytest.raises(library.LibraryError):
        library_entries.copy_to_school(world.leader, publication, world.school)
    with pytest.raises(PermissionDenied):
        library_entries.copy_to_school(world.teacher, publication, world.school)
    with pytest.raises(PermissionDenied):
        library_entries.publish(net.leader2, publication.version, net.network, False)
    assert Entry.objects.count() == 1


def test_outsiders_get_404_and_members_may_not_publish(world, net, publication, client_for):
    other_admin = Membership.objects.get(board=world.other_board).user
    for person in (world.teacher, world.outsider, other_admin, world.culture_carrier):
        client = client_for(person)
        for name, (method, url) in urls(net.network, publication).items():
            for verb in {method, "get", "post"}:
                assert getattr(client, verb)(url).status_code == 404, (person, name, verb)
    url = publish_url(publication.version)
    assert client_for(world.teacher).get(url).status_code == 403
    for person in (world.outsider, net.leader2):
        assert client_for(person).post(url, {"network": [net.network.pk]}).status_code == 404
    assert PublishedEntry.objects.get().withdrawn_at is None
    assert Entry.objects.count() == 1


def test_a_draft_entry_has_no_version_to_publish(world, client_for):
    entry = copy_starter(world.leader, world.school, KEY)
    url = reverse("networks:library_entry_publish", args=[world.school.slug, entry.pk, 1])
    assert client_for(world.leader).get(url).status_code == 404
    other = reverse("networks:library_entry_publish", args=[world.school.slug, 999999, 1])
    assert client_for(world.leader).get(other).status_code == 404
