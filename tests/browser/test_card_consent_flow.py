"""In a real browser, three people adopt a dressing-room card together.

The leader starts the card from the kleedkamer template, edits a goal and opens a consent
round; one teacher consents, the other objects with a reason; the leader closes the round,
amends an agreement and opens a new round; both consent and the card is adopted as v1 with
its participants; the comparison of the two rounds' drafts shows the amendment. Each person
has their own browser context. Everyone switches to English with the header button, so the
assertions hold before the Dutch translations of the newest strings exist. axe checks every
page on the way.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from dramaturg.cards.models import Card
from dramaturg.schools.models import Board, School, Team
from dramaturg.schools.roles import Role
from tests.browser.conftest import check_a11y, visit
from tests.personas import PASSWORD, join, make_user

pytestmark = pytest.mark.browser

NEW_GOAL_NL = "Iedereen durft te vragen, ook na tien jaar voor de klas"
NEW_GOAL_EN = "Everyone dares to ask, even after ten years in the classroom"
AMENDED_NL = (
    "We praten in de kleedkamer over leerlingen en ouders zoals we dat ook in hun bijzijn "
    "zouden doen."
)
AMENDED_EN = (
    "In the dressing room we talk about students and parents as we would in their presence."
)


@pytest.fixture
def school(transactional_db: None) -> School:
    """A small school: a leader and two teachers in one team (2 of 2 answers needed)."""
    board = Board.objects.create(name="Stichting Wadden", slug="wadden")
    school = School.objects.create(board=board, name="De Kwelder", slug="de-kwelder", sector="po")
    team = Team.objects.create(school=school, name="Kleedkamerteam")
    join(make_user("leider@kwelder.test", "Lotte Leider"), school, Role.LEADER)
    join(make_user("anna@kwelder.test", "Anna Akkoord"), school, Role.MEMBER, team)
    join(make_user("bert@kwelder.test", "Bert Bezwaar"), school, Role.MEMBER, team)
    return school


def sign_in(new_context, email: str) -> Page:
    """A fresh browser for one person: log in (in Dutch), then switch the interface to English."""
    context: BrowserContext = new_context()
    page = context.new_page()
    visit(page, "/accounts/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(r"/s/de-kwelder/$"))
    check_a11y(page)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_a11y(page)
    return page


def answer(page: Page, card_path: str, choice: str, reason: str = "") -> None:
    visit(page, card_path)
    panel = page.locator("#consent")
    panel.get_by_label(choice).check()
    if reason:
        panel.get_by_label("Reason (required when you object)").fill(reason)
    panel.get_by_role("button", name="Give my answer").click()
    expect(page.locator("main > .messages")).to_contain_text("Your answer has been recorded.")
    check_a11y(page)


def test_team_adopts_a_dressing_room_card_in_two_rounds(school, new_context):
    leader = sign_in(new_context, "leider@kwelder.test")

    # The leader starts a card from the kleedkamer template, for the team.
    visit(leader, "/s/de-kwelder/cards/new/?stage=dressing_room")
    leader.locator("input[name=template][value=dressing_room]").check()
    leader.get_by_label("Team").select_option(label="Kleedkamerteam")
    leader.get_by_role("button", name="Create the card").click()
    expect(leader).to_have_url(re.compile(r"/s/de-kwelder/cards/\d+/$"))
    check_a11y(leader)
    card = Card.objects.get(school=school)
    card_path = f"/s/de-kwelder/cards/{card.pk}/"
    first_goal = card.goals.first()
    agreement = card.agreements.first()
    original_agreement = agreement.text_en

    # ... edits the first goal (inline, with htmx) ...
    goal_body = leader.locator(f"#goal-{first_goal.pk}-body")
    goal_body.get_by_role("link", name=re.compile(r"^Edit")).click()
    leader.get_by_label("goal (Dutch)").fill(NEW_GOAL_NL)
    leader.get_by_label("goal (English)").fill(NEW_GOAL_EN)
    leader.get_by_role("button", name="Save").click()
    expect(leader.locator(f"#goal-{first_goal.pk}-body")).to_contain_text(NEW_GOAL_EN)
    check_a11y(leader)

    # ... and opens a consent round.
    leader.get_by_role("button", name="Open a consent round").click()
    expect(leader.locator("main > .messages")).to_contain_text("Consent round 1 is open")
    check_a11y(leader)
    expect(leader.locator("#consent")).to_contain_text("2 answers needed")

    anna = sign_in(new_context, "anna@kwelder.test")
    bert = sign_in(new_context, "bert@kwelder.test")
    answer(anna, card_path, "I consent")
    reason = "Elke week is te vaak; dan wordt het een verplichting in plaats van een gesprek."
    answer(bert, card_path, "I object", reason)

    # The leader sees the objection, closes the round and amends the agreement.
    visit(leader, card_path)
    expect(leader.locator("#consent")).to_contain_text("1 open objection")
    expect(leader.locator("#consent")).to_contain_text(reason)
    leader.get_by_role("button", name="Close the round without adoption").click()
    expect(leader.locator("main > .messages")).to_contain_text(
        "The round is closed without adoption."
    )
    check_a11y(leader)

    # While the card is open again, a teacher could propose a new text herself.
    visit(anna, card_path)
    anna.locator(f"#discussion-agreement-{agreement.pk}").get_by_role(
        "link", name=re.compile(r"^Propose a change")
    ).click()
    check_a11y(anna)
    expect(anna.get_by_label("Your proposal")).to_have_value(original_agreement)

    # The leader amends the agreement in both languages (each reader compares in their own).
    agreement_body = leader.locator(f"#agreement-{agreement.pk}-body")
    agreement_body.get_by_role("link", name=re.compile(r"^Edit")).click()
    leader.get_by_label("agreement (Dutch)").fill(AMENDED_NL)
    leader.get_by_label("agreement (English)").fill(AMENDED_EN)
    leader.get_by_role("button", name="Save").click()
    expect(leader.locator(f"#agreement-{agreement.pk}-body")).to_contain_text(AMENDED_EN)
    check_a11y(leader)

    leader.get_by_role("button", name="Open a consent round").click()
    expect(leader.locator("main > .messages")).to_contain_text("Consent round 2 is open")
    check_a11y(leader)

    answer(anna, card_path, "I consent")
    answer(bert, card_path, "I consent")
    expect(bert.locator("main > .messages")).to_contain_text(
        "The team has adopted this card: version 1."
    )

    # Everyone sees the adopted card with who took part.
    visit(leader, card_path)
    expect(leader.locator(".card-meta")).to_contain_text("adopted (v1)")
    participants = leader.locator("#consent .participants")
    expect(participants).to_contain_text("Anna Akkoord — consented")
    expect(participants).to_contain_text("Bert Bezwaar — consented")
    # In Dutch, the interface's first language, the card says it is vastgesteld.
    anna.get_by_role("button", name="Nederlands").click()
    check_a11y(anna)
    expect(anna.locator(".card-meta")).to_contain_text("vastgesteld (v1)")

    # The comparison of the two rounds' drafts shows the amendment, chosen with the selects.
    leader.locator("#consent").get_by_role("link", name="Compare versions").click()
    check_a11y(leader)
    leader.get_by_label("Older text").select_option(label="Draft of consent round 1")
    leader.get_by_label("Newer text").select_option(label="Draft of consent round 2")
    leader.get_by_role("button", name="Compare", exact=True).click()
    expect(leader).to_have_url(re.compile(r"compare/\?a=r1&b=r2"))
    check_a11y(leader)
    changed = leader.locator("tr.diff-changed")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("changed")
    expect(changed.locator("ins").first).to_be_visible()
    inserted = " ".join(changed.locator("ins").all_inner_texts())
    removed = " ".join(changed.locator("del").all_inner_texts())
    assert "presence" in inserted
    assert removed
    assert all(word in original_agreement for word in removed.split())

    # The history pages and the agreements page read well too.
    visit(leader, f"{card_path}versions/")
    expect(leader.get_by_role("heading", name="Adopted versions")).to_be_visible()
    leader.get_by_role("link", name="Version 1").click()
    check_a11y(leader)
    expect(leader.get_by_role("note")).to_contain_text("An adopted version cannot be changed")
    visit(leader, "/s/de-kwelder/agreements/")
    expect(leader.get_by_role("heading", level=1)).to_have_text("Our agreements")
    expect(leader.locator("main")).to_contain_text(AMENDED_EN)
