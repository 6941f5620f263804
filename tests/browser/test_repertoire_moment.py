"""In a real browser on a phone-sized screen: a teacher records a moment, is warned about a
name, takes it out and saves; the development group then reads the moment as anonymous.
axe checks every page."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect

from dramaturg.repertoire.models import Moment
from tests.browser.conftest import check_a11y, visit
from tests.personas import build_world

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def world(transactional_db: None):
    return build_world()


def signed_in(new_context, base_url: str, user, **options) -> Page:
    """A browser logged in as `user` (through the session cookie), in Dutch, the default."""
    client = Client()
    client.force_login(user)
    context: BrowserContext = new_context(**options)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )
    return context.new_page()


def fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px screen"


def test_a_teacher_records_a_moment_on_a_phone(world, new_context, base_url):
    school = world.school.slug
    page = signed_in(new_context, base_url, world.teacher, viewport=PHONE, is_mobile=True)
    visit(page, f"/s/{school}/")
    page.get_by_role("link", name="Botsmoment vastleggen").click()
    expect(page).to_have_url(re.compile(rf"/s/{school}/moments/new/$"))
    check_a11y(page)
    fits_the_screen(page)
    expect(page.get_by_text("nooit over groepen mensen")).to_be_visible()

    page.get_by_label("Wat gebeurde er?").fill(
        "Bij het nakijken verbeterde ik Sem voor de klas; hij sloeg de deur dicht."
    )
    page.get_by_label("school", exact=True).check()
    page.get_by_label("leeftijdgenoten en de straat").check()
    page.get_by_label("Podium").check()
    page.get_by_label("een leerling").check()
    page.get_by_label("Wat deed ik?").fill("Ik liet hem even gaan en sprak hem later apart.")
    page.get_by_label("Hoe liep het af?").fill("Hij kwam terug en we maakten een afspraak.")
    page.get_by_label("gezicht en eer").check()
    page.get_by_role("button", name="Botsmoment bewaren").click()

    # The warning: the name is marked, nothing is saved yet.
    warning = page.locator("#name-warning")
    expect(warning).to_be_visible()
    expect(warning.locator("mark")).to_have_text("Sem")
    expect(warning).to_contain_text("geen leerling of ouder")
    check_a11y(page)
    fits_the_screen(page)
    assert not Moment.objects.exists()

    # The teacher takes the name out; what was ticked is still ticked.
    expect(page.get_by_label("gezicht en eer")).to_be_checked()
    page.get_by_label("Wat gebeurde er?").fill(
        "Bij het nakijken verbeterde ik een leerling voor de klas; hij sloeg de deur dicht."
    )
    page.get_by_role("button", name="Botsmoment bewaren").click()
    expect(page).to_have_url(re.compile(rf"/s/{school}/moments/mine/$"))
    check_a11y(page)
    fits_the_screen(page)
    expect(page.get_by_text("Je botsmoment is bewaard")).to_be_visible()
    expect(page.get_by_text("verbeterde ik een leerling voor de klas")).to_be_visible()
    moment = Moment.objects.get()
    assert moment.clash == "school_peer"
    assert moment.author is None

    # The development group reads it, without the teacher's name.
    group = signed_in(new_context, base_url, world.culture_carrier)
    visit(group, f"/s/{school}/")
    group.get_by_role("link", name="Botsmomenten").click()
    expect(group).to_have_url(re.compile(rf"/s/{school}/moments/$"))
    check_a11y(group)
    article = group.locator(f"#moment-{moment.pk}")
    expect(article).to_contain_text("verbeterde ik een leerling voor de klas")
    expect(article).to_contain_text("anoniem")
    expect(article).not_to_contain_text("Daan Docent")
    expect(article).to_contain_text("gezicht en eer")
