"""The repertoire entry pages on a 375 px phone: axe on each, and no sideways scrolling.

A small check of the entry pages themselves; the end-to-end flow from a moment to an adopted
entry found on a phone is the integrator's test.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dramaturg.repertoire.models import CodeTag
from dramaturg.repertoire.services import consent, entries
from dramaturg.schools.models import Board, School
from dramaturg.schools.roles import Role
from tests.browser.conftest import check_a11y, visit
from tests.personas import PASSWORD, join, make_user

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 740}


@pytest.fixture
def school(transactional_db: None) -> School:
    board = Board.objects.create(name="Stichting Wadden", slug="wadden")
    school = School.objects.create(board=board, name="De Kwelder", slug="de-kwelder", sector="po")
    leader = make_user("leider@kwelder.test", "Lotte Leider")
    join(leader, school, Role.LEADER)
    join(make_user("anna@kwelder.test", "Anna Akkoord"), school, Role.MEMBER)
    entry = entries.create_entry(
        leader,
        school,
        title_nl="een leerling gezichtsverlies lijdt bij een correctie in de klas",
        clash="school_peer",
    )
    entries.update_entry(
        leader,
        entry,
        entry.revision,
        {
            "title_nl": entry.title_nl,
            "we_do_nl": "We corrigeren rustig en apart, na de les, met een "
            "heellangwoordzonderspatiesdatnietmagschuiven.",
            "we_avoid_nl": "Een standje waar de hele groep bij is.",
        },
        clash="school_peer",
        risk_ladder="peer",
        codes=CodeTag.objects.filter(school=school, key="face_honour"),
    )
    round_ = consent.open_round(leader, entry)
    for membership in school.memberships.select_related("user"):
        consent.answer(membership.user, round_, "consent")
    return school


def test_repertoire_pages_on_a_phone(school, new_context):
    context = new_context(viewport=PHONE)
    page = context.new_page()
    visit(page, "/accounts/login/")
    page.get_by_label("E-mailadres").fill("leider@kwelder.test")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(r"/s/de-kwelder/$"))
    check_a11y(page)
    page.get_by_role("link", name="Repertoire").click()
    expect(page.get_by_role("heading", name="Wat doen we als …")).to_be_visible()
    check_a11y(page)
    visit(page, "/s/de-kwelder/repertoire/?q=correctie")
    page.get_by_text("een leerling gezichtsverlies lijdt").click()
    expect(page.get_by_text("We corrigeren rustig en apart")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    entry_id = school.repertoire.get().pk
    for path in (
        "/s/de-kwelder/repertoire/work/",
        f"/s/de-kwelder/repertoire/entries/{entry_id}/",
        f"/s/de-kwelder/repertoire/entries/{entry_id}/versions/",
        f"/s/de-kwelder/repertoire/entries/{entry_id}/versions/1/",
        f"/s/de-kwelder/repertoire/entries/{entry_id}/compare/",
        "/s/de-kwelder/repertoire/entries/new/",
    ):
        visit(page, path)
    page.get_by_label("Wat doen we als … (Nederlands)").fill("een ouder boos aan de poort staat")
    page.get_by_label("Ladders").select_option("home_school")
    page.get_by_role("button", name="Concept aanmaken").click()
    expect(page).to_have_url(re.compile(r"/edit/$"))
    check_a11y(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_label("wat we doen (Nederlands)").fill("We nodigen uit voor een gesprek binnen.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("We nodigen uit voor een gesprek binnen.")).to_be_visible()
    check_a11y(page)
