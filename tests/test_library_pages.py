"""The library in the database: titles, stages and texts read from the publication's own
columns, a stage filter and a search in SQL (full text in Dutch on PostgreSQL, "contains" on
SQLite), pages that keep the filter, and a query count that does not grow with the cards."""

from __future__ import annotations

import copy

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dramaturg.cards.models import Card, CardVersion
from dramaturg.networks import library_search
from dramaturg.networks.models import PublishedCard
from dramaturg.networks.views_library import PER_PAGE
from tests.test_networks_library import TITLE, adopt, make_card, net  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(world):
    return adopt(make_card(world), world.teacher, world.teacher2, world.culture_carrier)


def published(world, network, version, n: int, stage: str = "podium", word: str = "") -> None:
    """`n` more adopted cards of the school in the library, each its own card and version
    (made in bulk: the consent rounds are not what is tested here)."""
    for i in range(n):
        card = Card.objects.create(
            school=world.school,
            stage=stage,
            title_nl=f"Kaart {stage} {i} {word}",
            state=Card.State.ADOPTED,
            adopted_version=1,
        )
        snapshot = copy.deepcopy(version.snapshot)
        snapshot["title"] = {"nl": f"Kaart {stage} {i} {word}".strip(), "en": ""}
        snapshot["stage"] = stage
        snapshot.update(goals=[], agreements=[], indicators=[], introduction={"nl": "", "en": ""})
        card_version = CardVersion.objects.create(card=card, number=1, snapshot=snapshot)
        PublishedCard.objects.create(
            network=network,
            version=card_version,
            school=world.school,
            published_by=world.leader,
            **library_search.card_columns(card_version),
        )


def get(client, url: str, language: str = "nl"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_publishing_stores_the_title_stage_and_texts(world, net, version):  # noqa: F811
    from dramaturg.networks import library

    publication = library.publish(world.leader, version, net.network, show_school=False)
    publication.refresh_from_db()
    assert (publication.title_nl, publication.title_en) == TITLE
    assert publication.stage == "wings"
    assert "Intervisie in drietallen." in publication.search_text
    assert "Everyone brings a question." in publication.search_text


def test_search_and_stage_filter_work_in_the_database(world, net, version, client_for):  # noqa: F811
    from dramaturg.networks import library

    library.publish(world.leader, version, net.network, show_school=False)
    published(world, net.network, version, 3, stage="podium", word="ouderavond")
    client = client_for(net.leader2)
    url = reverse("networks:library", args=[net.network.slug])
    # A word of the card's texts (not its title) finds it; the other cards are not shown.
    found = get(client, f"{url}?q=drietallen", "en").content.decode()
    assert TITLE[1] in found
    assert "Kaart podium" not in found
    assert "1 result for “drietallen”." in found
    dutch = get(client, f"{url}?q=ouderavond").content.decode()
    assert "Kaart podium 2 ouderavond" in dutch
    assert TITLE[0] not in dutch
    assert "3 resultaten voor “ouderavond”." in dutch
    # The stage filter keeps the search, and the search keeps the stage.
    assert "?stage=podium&amp;q=ouderavond" in dutch
    wings = get(client, f"{url}?stage=wings&q=ouderavond").content.decode()
    assert "Kaart podium" not in wings
    nothing = get(client, f"{url}?q=zzzonbekend", "en").content.decode()
    assert "No shared card matches this search." in nothing
    for odd in ("%", "'; drop table", "a" * 500, "&&", "!", "-"):
        assert client.get(url, {"q": odd}).status_code == 200


def test_the_library_comes_in_pages_that_keep_the_filter(world, net, version, client_for):  # noqa: F811
    published(world, net.network, version, PER_PAGE + 3, stage="podium")
    client = client_for(net.leader2)
    url = reverse("networks:library", args=[net.network.slug])
    first = get(client, f"{url}?stage=podium", "en").content.decode()
    assert first.count('class="tile library-entry"') == PER_PAGE
    assert 'aria-label="Pages of cards"' in first
    assert 'aria-current="page"' in first
    assert "?stage=podium&amp;page=2" in first
    second = get(client, f"{url}?stage=podium&page=2", "en").content.decode()
    assert second.count('class="tile library-entry"') == 3
    for bad in ("0", "-3", "x", "9999", "1e9"):
        assert client.get(url, {"stage": "podium", "page": bad}).status_code == 200
    assert get(client, f"{url}?page=9999").content.decode().count('class="tile library-entry"') == 3


def test_library_queries_stay_constant_as_cards_grow(world, net, version, client_for):  # noqa: F811
    client = client_for(net.leader2)
    url = reverse("networks:library", args=[net.network.slug])

    def count(query: str = "") -> int:
        get(client, url + query)
        with CaptureQueriesContext(connection) as queries:
            get(client, url + query)
        return len(queries)

    published(world, net.network, version, 2, stage="podium")
    few, few_stage = count(), count("?stage=podium&q=Kaart")
    published(world, net.network, version, 20, stage="podium", word="meer")
    published(world, net.network, version, 20, stage="wings", word="meer")
    assert count() == few
    assert count("?stage=podium&q=Kaart") == few_stage
