"""In a real browser, a card travels through the board's network and results reach the board.

The personas' board has De Vuurtoren (school A, led by the personas' leader) and De Zeester
(school B, with its own leader), and four more schools, all in the board's network. A's
Onderbouw adopted a kleedkamer card through the consent services. For the benchmark, A and B
each have a real answered round in the last completed half year (the one network figures
describe) and the other four a closed round with a stored summary (the benchmark tests'
helpers), so six schools have a value; A also has an older answered round.

Leader A shares the card in the board network's library without the school's name and logs
out. Leader B logs in, goes to "My networks" in the main menu, opens the board's network and
its library, filters on the Kleedkamer stage, reads the card (A's name is on no library page)
and copies it: it becomes a draft of B with a note where it came from. B's dashboard shows
the network's figures as a chart without any other school's name. The board admin's overview
shows A without results and the sentence that A does not share them; once leader A turns
sharing on in the school settings, the reloaded overview shows A's collective efficacy.
Everyone uses the interface's first language, Dutch (`nl` looks the texts up as the server
renders them). axe checks every page on the way; no page logs an error or a CSP violation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from dramaturg.accounts.models import User
from dramaturg.cards.models import Card
from dramaturg.core.stages import Stage
from dramaturg.networks import library
from dramaturg.networks.access import ensure_board_network
from dramaturg.networks.benchmarks import benchmarks_for_school
from dramaturg.networks.models import Network, PublishedCard
from dramaturg.reports.summaries import summaries
from dramaturg.schools.models import School, Team, school_year_start
from dramaturg.schools.roles import Role
from dramaturg.surveys.models import Round
from tests.browser.conftest import check_a11y
from tests.browser.test_reports_flow import CARD_TITLE, INDICATORS, adopt_card, watch_console
from tests.browser.test_survey_round_flow import nl, sign_in
from tests.personas import PASSWORD, join, make_user
from tests.survey_helpers import add_members
from tests.test_board_overview import collective_means, shown_forms
from tests.test_networks_benchmarks import (
    LONG_AGO,
    OTHERS,
    in_period,
    new_school,
    stored_round,
)
from tests.test_reports_dashboard import answered_round
from tests.worker import prepare_pages

pytestmark = pytest.mark.browser

SCHOOL_B = ("De Zeester", "de-zeester")
LEADER_B = ("leider@zeester.test", "Zeno Zeewind")
OTHER_SCHOOLS = ("Het Anker", "De Meeuw", "De Duinroos", "Het Wad")  # stored values (OTHERS)
COLLECTIVE = "collective_efficacy"


@dataclass
class Scene:
    network: Network
    card: Card
    school_b: School
    leader_b: User
    rounds_a: list[Round]  # A's answered rounds, oldest first


def into_period(round_: Round, day: int, earlier: int = 0) -> Round:
    """Move a closed round into the last completed half year (or `earlier` ones before it)."""
    opens = in_period(day, earlier)
    Round.objects.filter(pk=round_.pk).update(
        opens_on=opens, closes_on=opens + dt.timedelta(days=14)
    )
    round_.refresh_from_db()
    return round_


@pytest.fixture
def scene(world, transactional_db: None) -> Scene:
    network = ensure_board_network(world.board)

    # School A: three teams (Bovenbouw shown, the others hidden), two answered rounds, the
    # latest in the last completed half year; and the adopted kleedkamer card of Onderbouw.
    middle = Team.objects.create(school=world.school, name="Middenbouw")
    add_members(world, world.team_b, 7)  # Bovenbouw: 8 with Jet
    add_members(world, middle, 6, prefix="midden")
    teams = [world.team_a, middle, world.team_b]
    older = into_period(answered_round(world, teams, 60, title="Najaarsmeting"), 30, earlier=1)
    latest = into_period(answered_round(world, teams, 30, title="Voorjaarsmeting"), 30)
    card = adopt_card(world)

    # School B: its own leader and one team of six, with a round in the same half year.
    name, slug = SCHOOL_B
    # Both schools were on the board long before the half year the benchmark describes.
    School.objects.filter(pk=world.school.pk).update(created_at=LONG_AGO)
    school_b = School.objects.create(
        board=world.board, name=name, slug=slug, sector="po", city="Vlieland", created_at=LONG_AGO
    )
    leader_b = make_user(*LEADER_B)
    join(leader_b, school_b, Role.LEADER)
    world_b = dataclasses.replace(world, school=school_b, leader=leader_b)
    crew = Team.objects.create(school=school_b, name="Zeeteam")
    add_members(world_b, crew, 6, prefix="zee")
    into_period(answered_round(world_b, [crew], 30, title="Meting De Zeester"), 45)

    # Four more schools of the board, with a stored figure on every scale A's round has.
    scales = list(summaries([latest])[latest.pk].scales)
    for other in OTHER_SCHOOLS:
        stored_round(new_school(other, world.board), scales, OTHERS[other])
    return Scene(network, card, school_b, leader_b, [older, latest])


def in_dutch(text) -> str:
    """A lazy label (a model choice, a stage) as the server renders it in Dutch."""
    with translation.override("nl"):
        return str(text)


def log_out(page: Page) -> None:
    page.get_by_role("button", name=nl("Log out")).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    check_a11y(page)


def log_in(page: Page, email: str, lands_on: str) -> None:
    """Log in on the login page the browser shows; without `next`, a person with one school
    lands on its home."""
    page.get_by_label(nl("E-mail address")).fill(email)
    page.get_by_label(nl("Password")).fill(PASSWORD)
    page.get_by_role("button", name=nl("Log in")).click()
    expect(page).to_have_url(re.compile(rf"{re.escape(lands_on)}$"))
    check_a11y(page)


def collective_scale_means(rounds: list[Round]) -> list[float]:
    """The school-wide mean of each collective efficacy scale in each round."""
    found = summaries(rounds)
    return [
        scale.total.mean for round_ in rounds for scale in found[round_.pk].scales_of(COLLECTIVE)
    ]


def shows_any(text: str, value: float) -> bool:
    return any(form in text for form in shown_forms(value))


def test_a_card_travels_through_the_network_and_the_board_sees_shared_results(
    world, scene, new_context
):
    network, school_a, school_b = scene.network, world.school, scene.school_b
    a_name = school_a.name
    card_path = f"/s/{school_a.slug}/cards/{scene.card.pk}/"

    # Leader A shares the adopted card in the board network's library, without the name.
    page = sign_in(new_context, world.leader.email, then=card_path)
    problems = watch_console(page)
    page.get_by_role("link", name=nl("Share in a network's library"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"{card_path}versions/1/publish/$"))
    check_a11y(page)
    choices = page.get_by_role("group", name=nl("In which network's library?"))
    choices.get_by_label(network.name, exact=True).check()
    expect(page.get_by_label(nl("Show our school's name"))).not_to_be_checked()
    page.get_by_role("button", name=nl("Share"), exact=True).click()
    expect(page.locator("main > .messages")).to_contain_text(
        nl(
            "Version %(number)s of this card is now in the library of: %(networks)s.",
            number=1,
            networks=network.name,
        )
    )
    check_a11y(page)
    expect(page.locator("#shared-heading + ul")).to_contain_text(nl("without our school's name"))
    publication = PublishedCard.objects.get()
    assert (publication.network, publication.school) == (network, school_a)
    assert publication.show_school is False
    log_out(page)

    # Leader B finds the card through "My networks" and the board network's library.
    log_in(page, scene.leader_b.email, lands_on=f"/s/{school_b.slug}/")
    menu = page.get_by_role("navigation", name=nl("Main menu"))
    menu.get_by_role("link", name=nl("My networks"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/networks/$"))
    check_a11y(page)
    page.get_by_role("link", name=network.name, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/n/{network.slug}/$"))
    check_a11y(page)
    page.get_by_role("link", name=nl("Card library"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/n/{network.slug}/library/$"))
    check_a11y(page)
    assert a_name not in page.content()

    kleedkamer = in_dutch(Stage.DRESSING_ROOM.label)
    stages = page.get_by_role("navigation", name=nl("Choose a stage"))
    stages.get_by_role("link", name=f"{kleedkamer} (1)", exact=True).click()
    expect(page).to_have_url(re.compile(r"/library/\?stage=dressing_room$"))
    check_a11y(page)
    expect(page.locator("section.stage")).to_have_count(1)
    expect(page.get_by_role("heading", level=2)).to_have_text(kleedkamer)
    entry = page.locator(".library-entry")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(nl("a school in the network"))
    assert a_name not in page.content()

    entry.get_by_role("link", name=CARD_TITLE, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/n/{network.slug}/library/{publication.pk}/$"))
    check_a11y(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(CARD_TITLE)
    expect(page.locator("p.card-meta")).to_contain_text(nl("a school in the network"))
    main = page.locator("main")
    for text in INDICATORS:
        expect(main).to_contain_text(text)
    assert a_name not in page.content()

    # B copies it: a draft of B's school, crediting the library (and not naming A).
    page.get_by_role("button", name=nl("Copy as a new draft"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/s/{school_b.slug}/cards/\d+/$"))
    check_a11y(page)
    copy = Card.objects.get(school=school_b)
    assert page.url.endswith(f"/cards/{copy.pk}/")
    assert copy.state == Card.State.DRAFT
    assert copy.copied_from == publication
    expect(page.locator("main > .messages")).to_contain_text(
        nl(
            "The card is now a draft of %(school)s. Discuss it with your team, make it your "
            "own and adopt it together.",
            school=school_b.name,
        )
    )
    expect(page.locator(".card-meta .badge.state")).to_have_text(in_dutch(Card.State.DRAFT.label))
    with translation.override("nl"):
        credit = library.credit(publication, "nl")
    expect(page.locator(".card-origin")).to_have_text(credit)
    assert network.name in credit
    assert a_name not in page.content()

    # B's dashboard: the network's figures as a chart, without any other school's name.
    # (The worker beside the server has made them: tests.worker.prepare_pages.)
    prepare_pages(scene.leader_b, reverse("reports:dashboard", args=[school_b.slug]))
    menu.get_by_role("link", name=school_b.name, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/s/{school_b.slug}/$"))
    check_a11y(page)
    page.get_by_role("link", name=nl("Dashboard"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/s/{school_b.slug}/dashboard/$"))
    check_a11y(page)
    section = page.locator("section[aria-labelledby=network-heading]")
    expect(section.get_by_role("heading", level=2)).to_have_text(nl("In the network"))
    expect(section.get_by_role("heading", level=3)).to_have_text(network.name)
    (benchmark,) = benchmarks_for_school(school_b)  # the frozen figures the page showed
    assert benchmark.scales
    assert all(scale.own is not None for scale in benchmark.scales)  # B's own round counts
    assert {scale.n_schools for scale in benchmark.scales} == {2 + len(OTHER_SCHOOLS)}
    charts = section.locator("svg[role=img]")
    expect(charts).to_have_count(len(benchmark.charts))
    expect(charts.first).to_be_visible()
    text = section.evaluate("section => section.textContent")  # hidden tables and SVG too
    others = School.objects.exclude(pk=school_b.pk).exclude(name=network.name)
    leaked = [name for name in others.values_list("name", flat=True) if name in text]
    assert not leaked, f"the network section names {leaked}"
    assert not problems, problems
    log_out(page)

    # The board admin's overview: A's rounds, but no result of A.
    overview_path = reverse("reports:board_overview", args=[world.board.slug])
    prepare_pages(world.board_admin, overview_path)
    admin = sign_in(new_context, world.board_admin.email, then=overview_path)
    admin_problems = watch_console(admin)
    part_a = admin.locator(f"#school-{school_a.pk}")
    expect(part_a.get_by_role("heading", level=2)).to_have_text(a_name)
    expect(part_a).to_contain_text(nl("This school does not share its results with the board."))
    expect(part_a).to_contain_text("Voorjaarsmeting")
    expect(part_a.locator("svg[role=img]")).to_have_count(0)
    expect(part_a.get_by_role("columnheader", name=nl("Collective efficacy"))).to_have_count(0)
    text = part_a.evaluate("part => part.textContent")
    shown = [mean for mean in collective_means(scene.rounds_a) if shows_any(text, mean)]
    assert not shown, f"the overview shows A's figures {shown} before A shares them"

    # Leader A turns sharing on in the school settings.
    log_in(page, world.leader.email, lands_on=f"/s/{school_a.slug}/")
    page.get_by_role("link", name=nl("School settings"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/s/{school_a.slug}/settings/$"))
    check_a11y(page)
    sharing = page.get_by_label(nl("Share our results with the board"))
    expect(sharing).not_to_be_checked()
    sharing.check()
    page.get_by_role("button", name=nl("Save"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/s/{school_a.slug}/$"))
    check_a11y(page)
    expect(page.locator("main > .messages")).to_contain_text(
        nl("The school's settings have been saved.")
    )
    school_a.refresh_from_db()
    assert school_a.share_results_with_board is True
    assert not problems, problems

    # The board admin reloads the overview: A's collective efficacy is there now.
    prepare_pages(world.board_admin, overview_path)  # A's chart, drawn by the worker
    admin.reload()
    check_a11y(admin)
    expect(
        part_a.get_by_text(nl("This school does not share its results with the board."))
    ).to_have_count(0)
    chart = part_a.locator(f"figure#board-collective-{school_a.pk}")
    expect(chart.locator("svg[role=img]")).to_be_visible()
    expect(chart.locator("figcaption")).to_have_text(
        nl("Collective efficacy of %(school)s", school=a_name)
    )
    expect(part_a.get_by_role("columnheader", name=nl("Collective efficacy"))).to_be_visible()
    text = part_a.evaluate("part => part.textContent")
    # The overview shows one school year: the latest round's (and the older one when the two
    # fall in the same school year).
    shown_year = school_year_start(scene.rounds_a[-1].opens_on)
    this_year = [r for r in scene.rounds_a if school_year_start(r.opens_on) == shown_year]
    missing = [m for m in collective_scale_means(this_year) if not shows_any(text, m)]
    assert not missing, f"the overview lacks A's figures {missing}"
    # Still nothing of the others, who do not share.
    part_b = admin.locator(f"#school-{school_b.pk}")
    expect(part_b).to_contain_text(nl("This school does not share its results with the board."))
    expect(part_b.locator("svg[role=img]")).to_have_count(0)
    assert not admin_problems, admin_problems
