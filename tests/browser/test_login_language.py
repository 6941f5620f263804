"""In a real browser: a demo leader logs in, sees the school in Dutch, switches to English
and logs out, and the login works without JavaScript. axe checks every page on the way."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from dramaturg.demo.data import ACCOUNTS, DEMO_PASSWORD, SCHOOLS
from dramaturg.schools.roles import Role
from tests.browser.conftest import check_a11y, visit

pytestmark = pytest.mark.browser

LEADER = next(a for a in ACCOUNTS if a.role == Role.LEADER and a.school == 0)
SCHOOL = SCHOOLS[LEADER.school or 0]


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("demo", verbosity=0)


def log_in(page: Page, email: str, password: str) -> None:
    """Fill in the Dutch login form and submit it."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()


def test_leader_logs_in_sees_dutch_switches_to_english_and_logs_out(demo, page: Page):
    visit(page, "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))

    log_in(page, LEADER.email, DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(rf"/s/{SCHOOL.slug}/$"))
    check_a11y(page)
    expect(page).to_have_title(f"{SCHOOL.name} · Dramaturg")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text(SCHOOL.name)
    expect(page.get_by_role("heading", name="De vier plekken")).to_be_visible()
    for stage in ("Podium", "Publiek", "Coulissen", "Kleedkamer"):
        expect(page.get_by_role("heading", name=stage, exact=True)).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="The four stages")).to_be_visible()
    check_a11y(page)
    expect(page).to_have_url(re.compile(rf"/s/{SCHOOL.slug}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Audience", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Nederlands")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    check_a11y(page)
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_login_and_school_home_work_without_javascript(demo, new_context):
    page = new_context(java_script_enabled=False).new_page()
    visit(page, "/accounts/login/")
    log_in(page, LEADER.email, DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(rf"/s/{SCHOOL.slug}/$"))
    check_a11y(page)
    expect(page.get_by_role("heading", name="De vier plekken")).to_be_visible()


def test_wrong_password_is_refused_with_a_clear_message(demo, page: Page):
    visit(page, "/accounts/login/")
    log_in(page, LEADER.email, "niet-het-wachtwoord")
    expect(page.get_by_role("alert")).to_contain_text("horen niet bij een account")
    check_a11y(page)
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
