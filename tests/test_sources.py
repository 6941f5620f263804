"""The sources library pages: the shipped library plus a school's own, filtering, adding."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from dramaturg.sources.library import shipped_sources
from dramaturg.sources.models import Source
from tests.helpers import english

pytestmark = pytest.mark.django_db


def list_url(world):
    return reverse("sources:list", args=[world.school.slug])


def create_url(world):
    return reverse("sources:create", args=[world.school.slug])


GOOD = {
    "kind": "podcast",
    "title": "Onze eigen podcast",
    "author": "Team De Vuurtoren",
    "year": "2024",
    "url": "https://podcast.example.nl/aflevering-1",
    "stages": ["wings", "dressing_room"],
    "description_nl": "Over de koffiekamer.",
    "description_en": "",
}


def test_list_shows_the_shipped_library(world, client_for):
    page = client_for(world.teacher).get(list_url(world)).content.decode()
    for source in shipped_sources()[:3]:
        assert source["title"].replace("'", "&#x27;") in page


def test_list_filters_by_kind_and_stage_without_javascript(world, client_for):
    Source.objects.create(
        school=world.school, kind="video", title="Alleen podium", stages=["podium"]
    )
    Source.objects.create(
        school=world.school, kind="video", title="Alleen kleedkamer", stages=["dressing_room"]
    )
    client = client_for(world.teacher)
    page = client.get(list_url(world), {"kind": "video", "stage": "podium"}).content.decode()
    assert "Alleen podium" in page
    assert "Alleen kleedkamer" not in page
    books = client.get(list_url(world), {"kind": "book"}).content.decode()
    assert "Alleen podium" not in books
    assert "Switchen en Klimmen" in books
    # An unknown value is ignored, not an error.
    assert client.get(list_url(world), {"kind": "scroll"}).status_code == 200


def test_leader_adds_a_source_that_only_the_own_school_sees(world, client_for):
    response = client_for(world.leader).post(create_url(world), GOOD)
    assert response.status_code == 302
    source = Source.objects.get(title="Onze eigen podcast")
    assert (source.school, source.year, source.stages) == (
        world.school,
        2024,
        ["wings", "dressing_room"],
    )
    assert source.created_by == world.leader
    assert "Onze eigen podcast" in client_for(world.teacher).get(list_url(world)).content.decode()
    other = reverse("sources:list", args=[world.other_school.slug])
    assert "Onze eigen podcast" not in client_for(world.outsider).get(other).content.decode()


def test_culture_carrier_may_add_a_teacher_may_not(world, client_for):
    assert client_for(world.culture_carrier).get(create_url(world)).status_code == 200
    assert client_for(world.teacher).get(create_url(world)).status_code == 403
    assert client_for(world.teacher).post(create_url(world), GOOD).status_code == 403
    assert not Source.objects.filter(school=world.school).exists()


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JavaScript:alert(document.cookie)", "ftp://files.example.nl/x"],
)
def test_a_link_that_is_not_http_is_refused(world, client_for, url):
    client = english(client_for(world.leader))
    response = client.post(create_url(world), {**GOOD, "url": url})
    assert response.status_code == 200
    assert "starts with http:// or https://" in response.content.decode()
    assert not Source.objects.filter(school=world.school).exists()


@pytest.mark.parametrize("year", ["1899", str(timezone.localdate().year + 2)])
def test_a_year_out_of_range_is_refused(world, client_for, year):
    client = english(client_for(world.leader))
    response = client.post(create_url(world), {**GOOD, "year": year})
    assert response.status_code == 200
    assert "Enter a year from 1900 to" in response.content.decode()
    assert not Source.objects.filter(school=world.school).exists()


def test_next_year_and_no_year_are_fine(world, client_for):
    client = client_for(world.leader)
    client.post(create_url(world), {**GOOD, "year": str(timezone.localdate().year + 1)})
    client.post(create_url(world), {**GOOD, "title": "Zonder jaar", "year": "", "url": ""})
    assert Source.objects.filter(school=world.school).count() == 2


def test_a_title_is_needed(world, client_for):
    response = client_for(world.leader).post(create_url(world), {**GOOD, "title": ""})
    assert response.status_code == 200
    assert not Source.objects.filter(school=world.school).exists()
