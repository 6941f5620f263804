"""In a real browser, a team answers a measurement round and a student answers on a phone.

A leader creates a staff round for a team of four (threshold 3) through the form; the
personal links arrive by e-mail. Three teachers answer through their own links, each in
their own browser and without an account; the second saves halfway and finishes later on
another device. Between the answers the leader reloads the round: with two answers it shows
the response rate but no figures, with the third (the threshold) the figures appear. Then a
student answers a class-code round on a phone-sized screen without scrolling sideways.

Everyone uses the interface's first language, Dutch. The expected interface texts are looked
up in the Dutch catalogue (`nl`) as the server renders them, so the assertions hold both
before and after the newest strings are translated; the questionnaires' own texts come from
the round's frozen instruments. axe checks every page on the way.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from typing import Any

import pytest
from django.core import mail
from django.template.defaultfilters import floatformat
from django.utils import timezone, translation
from playwright.sync_api import BrowserContext, Page, expect

from dramaturg.schools.models import Board, School, StudentGroup, Team
from dramaturg.schools.roles import Role
from dramaturg.surveys.instruments import Instrument, Scale, shipped_instruments
from dramaturg.surveys.models import PendingResponse, Round, RoundTarget
from dramaturg.surveys.services import InstrumentChoice, RoundPlan, create_round
from tests.browser.conftest import check_a11y, visit
from tests.personas import PASSWORD, join, make_user

pytestmark = pytest.mark.browser

SLUG = "het-baken"
TEAM = "Bovenbouw"
TITLE = "Najaarsmeting 2026"
LEADER = "leider@baken.test"
TEACHERS = ["anna@baken.test", "bert@baken.test", "cor@baken.test", "dirk@baken.test"]
PHONE: dict[str, Any] = {
    "viewport": {"width": 375, "height": 740},
    "is_mobile": True,
    "has_touch": True,
}
LINK = re.compile(r"/answer/[^/\s]+/")


def nl(message: str, **values: Any) -> str:
    """An interface text as the server renders it in Dutch (the English original while the
    Dutch catalogue lacks it)."""
    with translation.override("nl"):
        text = translation.gettext(message)
    return text % values if values else text


def nl_plural(singular: str, plural: str, count: int, **values: Any) -> str:
    with translation.override("nl"):
        return translation.ngettext(singular, plural, count) % {"count": count, **values}


def nl_decimal(value: float) -> str:
    """A figure as the results table shows it: two decimals, Dutch decimal comma."""
    with translation.override("nl"):
        return floatformat(value, 2)


@pytest.fixture
def school(transactional_db: None) -> School:
    """A school with the lowest threshold (3), a leader and a team of four teachers."""
    board = Board.objects.create(name="Stichting Kustlicht", slug="kustlicht")
    school = School.objects.create(
        board=board, name="Het Baken", slug=SLUG, sector="po", anonymity_threshold=3
    )
    team = Team.objects.create(school=school, name=TEAM)
    join(make_user(LEADER, "Lotte Leider"), school, Role.LEADER)
    for email in TEACHERS:
        join(make_user(email, email.split("@")[0].title()), school, Role.MEMBER, team)
    return school


def sign_in(new_context, email: str, then: str) -> Page:
    """A fresh browser for one person, logged in at `then`; the interface stays in Dutch."""
    context: BrowserContext = new_context()
    page = context.new_page()
    visit(page, f"/accounts/login/?next={then}")
    page.get_by_label(nl("E-mail address")).fill(email)
    page.get_by_label(nl("Password")).fill(PASSWORD)
    page.get_by_role("button", name=nl("Log in")).click()
    expect(page).to_have_url(re.compile(rf"{re.escape(then)}$"))
    check_a11y(page)
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    return page


def expect_step(page: Page, number: int) -> None:
    """Wait until the form shows step `number` (0 is the introduction), then check it."""
    expect(page.locator("input[name=step]")).to_have_value(str(number))
    check_a11y(page)


def choose(page: Page, instrument: Instrument, scale: Scale, attitude: int) -> list[str]:
    """Answer every statement of the step by its label, so that the scale score is `attitude`
    (reversed statements get the mirrored option). Returns the chosen labels, in order."""
    labels = {option.value: option.label["nl"] for option in instrument.options}
    chosen = []
    for item in scale.items:
        value = instrument.reverse_value(attitude) if item.reverse else attitude
        question = page.get_by_role("group", name=item.text["nl"], exact=True)
        question.get_by_label(labels[value], exact=True).check()
        chosen.append(labels[value])
    return chosen


def expect_chosen(page: Page, scale: Scale, chosen: list[str]) -> None:
    for item, label in zip(scale.items, chosen, strict=True):
        question = page.get_by_role("group", name=item.text["nl"], exact=True)
        expect(question.get_by_label(label, exact=True)).to_be_checked()


def walk_steps(page: Page, instrument: Instrument, attitude: int, start: int = 1) -> None:
    """From step `start` (already shown) to the end: answer, move on, send; thank-you page."""
    scales = instrument.scales
    for number in range(start, len(scales) + 1):
        scale = scales[number - 1]
        expect(page.get_by_role("heading", level=1)).to_have_text(scale.title["nl"])
        choose(page, instrument, scale, attitude)
        if number < len(scales):
            page.get_by_role("button", name=nl("Next"), exact=True).click()
            expect_step(page, number + 1)
        else:
            page.get_by_role("button", name=nl("Send my answers")).click()
    expect_thanks(page)


def expect_thanks(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/answer/thanks/$"))
    check_a11y(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(nl("Thank you!"))


def begin(page: Page, path: str) -> None:
    """Open a personal link and leave the introduction."""
    visit(page, path)
    expect_step(page, 0)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_role("button", name=nl("Begin")).click()
    expect_step(page, 1)


def fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{page.url} scrolls sideways on a phone: {width}px wide"


def test_team_answers_a_round_and_a_student_answers_on_a_phone(school, new_context):
    instrument = shipped_instruments()["collective_efficacy"]

    # The leader opens a new round from the list of rounds.
    leader = sign_in(new_context, LEADER, then=f"/s/{SLUG}/rounds/")
    expect(leader.get_by_role("heading", level=1)).to_have_text(nl("Measurement rounds"))
    leader.get_by_role("link", name=nl("New round")).click()
    expect(leader).to_have_url(re.compile(rf"/s/{SLUG}/rounds/new/$"))
    check_a11y(leader)

    today = timezone.localdate()
    leader.get_by_label(nl("Title")).fill(TITLE)
    leader.get_by_role("group", name=nl("Who answers")).get_by_label(
        nl("staff (personal link by e-mail)")
    ).check()
    leader.get_by_role("group", name=nl("Questionnaires")).get_by_label(
        f"{instrument.title['nl']} ({nl('for staff')})"
    ).check()
    leader.get_by_role("group", name=nl("Teams (staff rounds)")).get_by_label(TEAM).check()
    leader.get_by_label(nl("Opens on")).fill(today.isoformat())
    leader.get_by_label(nl("Closes on")).fill((today + dt.timedelta(days=14)).isoformat())
    leader.get_by_label(nl("Anonymity threshold")).fill("3")
    leader.get_by_role("button", name=nl("Create the round")).click()
    expect(leader).to_have_url(re.compile(rf"/s/{SLUG}/rounds/\d+/$"))
    check_a11y(leader)
    expect(leader.locator("main > .messages")).to_contain_text(
        nl_plural(
            "The round “%(title)s” is ready. %(count)s person gets a personal link by e-mail.",
            "The round “%(title)s” is ready. %(count)s people get a personal link by e-mail.",
            4,
            title=TITLE,
        )
    )
    round_ = Round.objects.get(school=school)
    assert (round_.mode, round_.anonymity_threshold) == (Round.Mode.STAFF, 3)
    assert round_.closes_on == today + dt.timedelta(days=14)
    detail = f"/s/{SLUG}/rounds/{round_.pk}/"
    rates = leader.get_by_role("region", name=nl("Response rate"))
    figures = leader.get_by_role("region", name=nl("Results"))

    # Everyone in the team got a mail with a personal link (sent when the round was committed).
    links = {}
    for message in mail.outbox:
        (recipient,) = message.to
        found = LINK.findall(message.body)
        assert len(found) == 1, message.body
        links[recipient] = found[0]
    assert sorted(links) == sorted(TEACHERS)

    # Teacher 1 answers everything in her own browser, without an account.
    anna = new_context().new_page()
    begin(anna, links[TEACHERS[0]])
    walk_steps(anna, instrument, attitude=4)

    # Teacher 2 answers the first step and saves the rest for later ...
    bert = new_context().new_page()
    begin(bert, links[TEACHERS[1]])
    first_step = choose(bert, instrument, instrument.scales[0], attitude=5)
    bert.get_by_role("button", name=nl("Save and continue later")).click()
    expect(bert.get_by_role("heading", level=1)).to_have_text(nl("Your answers have been saved"))
    check_a11y(bert)
    bert.context.close()

    # ... and later, on another device, the same link opens at the second step, with the first
    # step's answers kept; she finishes.
    bert = new_context().new_page()
    visit(bert, links[TEACHERS[1]])
    expect_step(bert, 2)
    bert.get_by_role("button", name=nl("Previous")).click()
    expect_step(bert, 1)
    expect_chosen(bert, instrument.scales[0], first_step)
    bert.get_by_role("button", name=nl("Next"), exact=True).click()
    expect_step(bert, 2)
    walk_steps(bert, instrument, attitude=5, start=2)

    # Two answers wait, sealed (a team releases only once twice the threshold wait): the
    # leader sees neither a response nor a figure move.
    visit(leader, detail)
    expect(rates.get_by_role("row", name=re.compile(TEAM))).to_contain_text(
        nl("%(answered)s of %(invited)s (%(percent)s%%)", answered=0, invited=4, percent=0)
    )
    table = figures.locator("table.results")
    expect(table).to_have_count(0)
    suppressed = table.locator(".visually-hidden", has_text=nl("no figure, to protect anonymity"))

    # Teacher 3 answers; still nothing moves while the round is open.
    cor = new_context().new_page()
    begin(cor, links[TEACHERS[2]])
    walk_steps(cor, instrument, attitude=4)
    visit(leader, detail)
    expect(rates.get_by_role("row", name=re.compile(TEAM))).to_contain_text(
        nl("%(answered)s of %(invited)s (%(percent)s%%)", answered=0, invited=4, percent=0)
    )
    expect(figures).to_contain_text(
        nl(
            "The figures appear once the round has closed, so that nobody can work out an "
            "answer by watching them change."
        )
    )

    # The leader closes the round: the three answers are released together and the figures
    # appear (three meet the threshold).
    leader.get_by_role("button", name=nl("Close the round now")).click()
    expect(leader).to_have_url(re.compile(rf"{detail}$"))
    check_a11y(leader)
    expect(rates.get_by_role("row", name=re.compile(TEAM))).to_contain_text(
        nl("%(answered)s of %(invited)s (%(percent)s%%)", answered=3, invited=4, percent=75)
    )
    expect(suppressed).to_have_count(0)
    scores = [4, 5, 4]  # every scale scores the teacher's attitude
    mean, sd = nl_decimal(statistics.fmean(scores)), nl_decimal(statistics.stdev(scores))
    assert (mean, sd) == ("4,33", "0,58")  # the Dutch decimal comma
    for label in (nl("Everyone"), TEAM):
        rows = table.get_by_role("row").filter(
            has=leader.get_by_role("rowheader", name=label, exact=True)
        )
        expect(rows).to_have_count(len(instrument.scales))
        for row in rows.all():
            # n, n complete, mean and sd; then alpha, the reliability of the mean and
            # r*wg(j), which have their own tests
            cells = row.get_by_role("cell").all()
            for cell, text in zip(cells, ["3", "3", mean, sd], strict=False):
                expect(cell).to_have_text(text)

    # A student round with a class code; the leader reads the code for the board.
    group = StudentGroup.objects.create(school=school, name="Groep 8", size=25)
    student_round = create_round(
        round_.created_by,
        school,
        RoundPlan(
            title="Leerlingmeting",
            mode=Round.Mode.STUDENTS,
            opens_on=today,
            closes_on=today + dt.timedelta(days=7),
            anonymity_threshold=3,
            instruments=[InstrumentChoice("student_self_efficacy")],
            classes=[group],
            student_access=Round.StudentAccess.CLASS_CODE,
        ),
    )
    visit(leader, f"/s/{SLUG}/rounds/{student_round.pk}/")
    code = leader.locator(".board-code").inner_text()
    assert code == RoundTarget.objects.get(round=student_round).class_code

    # The student types the code on a phone and walks every step, never scrolling sideways.
    student_instrument = shipped_instruments()["student_self_efficacy"]
    student = new_context(**PHONE).new_page()
    visit(student, "/answer/")
    fits_the_screen(student)
    student.get_by_label(nl("Code"), exact=True).fill(code.lower())
    student.get_by_role("button", name=nl("Start")).click()
    expect_step(student, 0)
    fits_the_screen(student)
    expect(student.get_by_role("heading", level=1)).to_have_text("Leerlingmeting")
    student.get_by_role("button", name=nl("Begin")).click()
    for number, scale in enumerate(student_instrument.scales, start=1):
        expect_step(student, number)
        fits_the_screen(student)
        expect(student.get_by_role("heading", level=1)).to_have_text(scale.title["nl"])
        choose(student, student_instrument, scale, attitude=3)
        fits_the_screen(student)
        last = number == len(student_instrument.scales)
        name = nl("Send my answers") if last else nl("Next")
        student.get_by_role("button", name=name, exact=True).click()
    expect_thanks(student)
    fits_the_screen(student)
    # The student's answer waits, sealed, for the rest of the class (the threshold is 3).
    assert student_round.responses.count() == 0
    assert PendingResponse.objects.filter(round=student_round).count() == 1
    assert round_.responses.count() == 3
