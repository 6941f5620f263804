"""In a real browser, from a moment to a repertoire the team finds on a phone.

A teacher records a moment on a 375 px phone; the development group bundles it into a case and
writes a repertoire entry for that case; the leader opens a consent round and the whole team
consents, so the entry is adopted; then the other teacher, on a phone, finds it by searching the
repertoire. Everyone works in Dutch, the default: the labels are looked up in the catalogue, so
the test follows the words a user reads. axe checks every page on the way.
"""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from dramaturg.repertoire.models import Case, Entry, Moment
from dramaturg.schools.models import Board, Quorum, School, Team
from dramaturg.schools.roles import Role
from tests.browser.conftest import check_a11y, visit
from tests.personas import PASSWORD, join, make_user

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
SLUG = "de-branding"
WHAT_HAPPENED = (
    "Ik verbeterde een leerling voor de hele klas; hij lachte het weg en zijn vrienden "
    "joelden. Daarna deed hij de hele les niets meer."
)
SITUATION = "een leerling zijn gezicht verliest als we hem voor de klas verbeteren"
WE_DO = "We verbeteren kort en rustig, en bespreken het na de les apart."
WE_AVOID = "Een standje waar de hele groep bij is."


def nl(message: str, context: str | None = None) -> str:
    """The Dutch a user reads for an interface text."""
    with translation.override("nl"):
        if context:
            return translation.pgettext(context, message)
        return translation.gettext(message)


@pytest.fixture
def school(transactional_db: None) -> School:
    """A leader, a development group member and two teachers; the quorum is all four."""
    board = Board.objects.create(name="Stichting Kust", slug="kust")
    school = School.objects.create(
        board=board, name="De Branding", slug=SLUG, sector="vo", consent_quorum=Quorum.ALL
    )
    team = Team.objects.create(school=school, name="Brugklas")
    join(make_user("leider@branding.test", "Lieke Leider"), school, Role.LEADER)
    join(make_user("og@branding.test", "Omar Ontwikkel"), school, Role.CULTURE_CARRIER, team)
    join(make_user("tess@branding.test", "Tess Teach"), school, Role.MEMBER, team)
    join(make_user("ruben@branding.test", "Ruben Rooster"), school, Role.MEMBER, team)
    return school


def sign_in(new_context, email: str, *, phone: bool = False) -> Page:
    options = {"viewport": PHONE, "is_mobile": True, "has_touch": True} if phone else {}
    page = new_context(**options).new_page()
    visit(page, "/accounts/login/")
    page.get_by_label(nl("E-mail address")).fill(email)
    page.get_by_label(nl("Password")).fill(PASSWORD)
    page.get_by_role("button", name=nl("Log in")).click()
    expect(page).to_have_url(re.compile(rf"/s/{SLUG}/$"))
    check_a11y(page)
    return page


def fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a 375px phone"


def consent(page: Page, entry: Entry) -> None:
    visit(page, f"/s/{SLUG}/repertoire/entries/{entry.pk}/")
    panel = page.locator("#consent")
    panel.get_by_label(nl("I consent")).check()
    panel.get_by_role("button", name=nl("Give my answer")).click()
    expect(page.locator("main > .messages")).to_contain_text(nl("Your answer has been recorded."))
    check_a11y(page)


def test_from_a_moment_to_a_repertoire_found_on_a_phone(school, new_context):
    # 1. A teacher records a moment on her phone, in under a minute.
    tess = sign_in(new_context, "tess@branding.test", phone=True)
    tess.get_by_role("link", name=nl("Record a moment")).click()
    check_a11y(tess)
    fits_the_phone(tess)
    tess.get_by_label(nl("What happened?")).fill(WHAT_HAPPENED)
    tess.get_by_label(nl("school", "ladder"), exact=True).check()
    tess.get_by_label(nl("peers and the street", "ladder"), exact=True).check()
    tess.get_by_label(nl("Podium", "stage"), exact=True).check()
    tess.get_by_label(nl("a student"), exact=True).check()
    tess.get_by_label(nl("What did I do?")).fill("Ik liet het even rusten en sprak hem na de les.")
    tess.get_by_label(nl("How did it end?")).fill("Na de les was hij rustig en deed hij weer mee.")
    tess.get_by_label("gezicht en eer").check()
    tess.get_by_role("button", name=nl("Save the moment")).click()
    expect(tess).to_have_url(re.compile(rf"/s/{SLUG}/moments/mine/$"))
    check_a11y(tess)
    fits_the_phone(tess)
    moment = Moment.objects.get()
    assert moment.author is None
    assert moment.clash == "school_peer"

    # 2. The development group bundles it into a case.
    omar = sign_in(new_context, "og@branding.test")
    visit(omar, f"/s/{SLUG}/cases/new/")
    omar.get_by_label(nl("Situation")).fill("Gezichtsverlies bij een correctie in de klas")
    omar.get_by_label(nl("school and peers"), exact=True).check()
    omar.get_by_role("button", name=nl("Make the case")).click()
    check_a11y(omar)
    case = Case.objects.get()
    expect(omar).to_have_url(re.compile(rf"/s/{SLUG}/cases/{case.pk}/$"))
    omar.get_by_label(re.compile("Ik verbeterde een leerling")).check()
    omar.get_by_role("button", name=nl("Add to this case")).click()
    check_a11y(omar)
    moments = omar.locator("section[aria-labelledby='moments-heading']")
    expect(moments).to_contain_text("Daarna deed hij de hele les niets meer.")
    moment.refresh_from_db()
    assert moment.case == case

    # ... and writes a repertoire entry for it.
    omar.get_by_role("link", name=nl("Write a repertoire entry for this case")).click()
    check_a11y(omar)
    omar.get_by_label(nl("What do we do when … (Dutch)")).fill(SITUATION)
    omar.get_by_role("button", name=nl("Create the draft")).click()
    check_a11y(omar)
    entry = Entry.objects.get()
    assert entry.case == case
    assert entry.clash == "school_peer"
    # The draft opens on its edit page, for what we do, what we avoid and why.
    expect(omar).to_have_url(re.compile(rf"/repertoire/entries/{entry.pk}/edit/$"))
    omar.get_by_label(nl("what we do (Dutch)")).fill(WE_DO)
    omar.get_by_label(nl("what we avoid (Dutch)")).fill(WE_AVOID)
    omar.get_by_role("button", name=nl("Save")).click()
    check_a11y(omar)
    entry.refresh_from_db()
    assert entry.we_do_nl == WE_DO

    # 3. The leader opens a consent round; all four consent and the entry is adopted.
    leader = sign_in(new_context, "leider@branding.test")
    visit(leader, f"/s/{SLUG}/repertoire/entries/{entry.pk}/")
    leader.get_by_role("button", name=nl("Open a consent round")).click()
    check_a11y(leader)
    for page in (leader, omar, tess):
        consent(page, entry)
    entry.refresh_from_db()
    assert entry.state == Entry.State.CONSENT  # three of four: the quorum is everyone
    ruben = sign_in(new_context, "ruben@branding.test", phone=True)
    consent(ruben, entry)
    entry.refresh_from_db()
    assert entry.state == Entry.State.ADOPTED
    assert entry.adopted_version == 1

    # 4. On his phone, the other teacher finds it by searching the repertoire.
    visit(ruben, f"/s/{SLUG}/")
    ruben.get_by_role("link", name=nl("Repertoire"), exact=True).first.click()
    check_a11y(ruben)
    fits_the_phone(ruben)
    ruben.get_by_label(nl("Search")).fill("gezicht verliest")
    ruben.get_by_role("button", name=nl("Find")).click()
    check_a11y(ruben)
    fits_the_phone(ruben)
    found = ruben.locator("details", has_text=SITUATION)
    expect(found).to_have_count(1)
    found.locator("summary").click()
    expect(found).to_contain_text(WE_DO)
    expect(found).to_contain_text(WE_AVOID)
    check_a11y(ruben)

    # A search for what the team did not write finds nothing.
    ruben.get_by_label(nl("Search")).fill("huiswerk vergeten")
    ruben.get_by_role("button", name=nl("Find")).click()
    check_a11y(ruben)
    expect(ruben.locator("details", has_text=SITUATION)).to_have_count(0)
