"""In a real browser: a leader edits a card inline with htmx, and the same controls work
without JavaScript. axe checks every page and every swapped-in form."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect

from dramaturg.cards.services import content
from tests.browser.conftest import check_a11y, visit
from tests.personas import build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: None):
    world = build_world()
    card = content.create_card(world.leader, world.school, stage="podium", title_nl="Hoge lat")
    content.add_goal(world.leader, card, title_nl="Elke les een helder doel")
    content.add_agreement(world.leader, card, text_nl="We starten op tijd.")
    content.add_agreement(world.leader, card, text_nl="We sluiten samen af.")
    world.card = card
    return world


def signed_in(new_context, base_url: str, user, **options) -> Page:
    """A browser already logged in as `user` (through the session cookie), in English."""
    client = Client()
    client.force_login(user)
    context: BrowserContext = new_context(**options)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base_url},
        ]
    )
    return context.new_page()


def test_inline_editing_with_htmx(world, new_context, base_url):
    page = signed_in(new_context, base_url, world.leader)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    card_path = f"/s/{world.school.slug}/cards/{world.card.pk}/"
    visit(page, card_path)
    goal = world.card.goals.get()

    page.get_by_role("link", name="Edit: Elke les een helder doel").click()
    form = page.locator(f"#goal-{goal.pk}-body form")
    expect(form).to_be_visible()
    expect(page).to_have_url(re.compile(re.escape(card_path) + "$"))  # no page change
    expect(page.get_by_label("goal (Dutch)")).to_be_focused()
    check_a11y(page)
    page.get_by_label("goal (Dutch)").fill("Elke les een zichtbaar doel")
    page.get_by_label("goal (English)").fill("A visible goal in every lesson")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(f"#goal-{goal.pk}-body")).to_contain_text("A visible goal in every lesson")
    expect(page.locator("#card-status")).to_contain_text("Saved.")
    expect(page.get_by_role("link", name="Edit: A visible goal in every lesson")).to_be_focused()
    check_a11y(page)

    # Reorder, add and remove agreements without leaving the page.
    page.get_by_role("button", name="Move up: We sluiten samen af.").click()
    expect(page.locator("#agreements li.item").first).to_contain_text("We sluiten samen af.")
    page.get_by_role("link", name="Add an agreement").click()
    page.get_by_label("agreement (Dutch)").fill("We vieren wat lukt.")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#agreements li.item")).to_have_count(3)
    page.get_by_role("link", name="Remove: We starten op tijd.").click()
    expect(page.get_by_text("Remove this agreement?")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Yes, remove it").click()
    expect(page.locator("#agreements li.item")).to_have_count(2)
    expect(page.locator("#card-status")).to_contain_text("Removed.")
    expect(page).to_have_url(re.compile(re.escape(card_path) + "$"))
    check_a11y(page)
    assert list(world.card.agreements.values_list("text_nl", flat=True)) == [
        "We sluiten samen af.",
        "We vieren wat lukt.",
    ]
    assert not [p for p in problems if "Content Security Policy" in p and "script" in p]


def test_editing_without_javascript(world, new_context, base_url):
    page = signed_in(new_context, base_url, world.leader, java_script_enabled=False)
    card_path = f"/s/{world.school.slug}/cards/{world.card.pk}/"
    visit(page, card_path)
    goal = world.card.goals.get()
    page.get_by_role("link", name="Edit: Elke les een helder doel").click()
    expect(page).to_have_url(re.compile(r"/edit/goal/\d+/$"))
    check_a11y(page)
    page.get_by_label("goal (Dutch)").fill("Zonder JavaScript")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(re.escape(card_path) + f"#goal-{goal.pk}$"))
    check_a11y(page)
    expect(page.locator(f"#goal-{goal.pk}-body")).to_contain_text("Zonder JavaScript")
