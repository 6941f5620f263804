"""In a real browser, the leader reads the dashboard and takes the school's figures home.

The personas' school has held two staff rounds (answered, in the past): Bovenbouw (8 people)
is shown, Onderbouw (2) is below the threshold of 5 and Middenbouw (6) is hidden with it;
Onderbouw has adopted a card with indicators and agreements. The leader follows the
"Dashboard" link from the school's home, sees coloured charts (inline SVG that keeps its
colours under the site's CSP, which forbids inline styles) and opens one as a table; then
downloads the card's conversation document as PDF and Word and its WMK layout as Excel, and
the round's results workbook, and opens each file. The round report is made in the
background: the leader asks for it, the real worker runs, and the job page (polling with
htmx) offers the PDF. Last, a teacher of the hidden team opens the team page and finds no
figure. axe checks every page on the way.

The worker runs in the test's own thread, and there it shares one database connection with
the live server: the test database is in-memory SQLite, and pytest-django (like Django's
LiveServerTestCase) hands the test thread's connection to the server's threads. In the
other browser tests the two never use it at once, since the test waits while the browser
works. Here the test works (the worker) while the job page keeps polling,
so two threads could run statements, and transactions, on one connection. Hence the page's
polls are routed through the test thread (`route.fetch`, which returns once the server has
answered): a poll that comes while the worker runs waits until it is done. Before the
worker starts, the test waits for one poll to be answered ("nothing new"), so that none is
still in flight either.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from django.utils import translation
from openpyxl import load_workbook
from playwright.sync_api import (
    ConsoleMessage,
    Download,
    Locator,
    Page,
    Response,
    Route,
    expect,
)
from pypdf import PdfReader

from dramaturg.cards.models import Card
from dramaturg.cards.services import consent, content
from dramaturg.reports import dashboard
from dramaturg.reports.models import ExportJob
from dramaturg.schools.models import Team
from dramaturg.surveys.models import Round
from tests.browser.conftest import check_a11y, visit
from tests.browser.test_survey_round_flow import nl, sign_in
from tests.survey_helpers import add_members
from tests.test_reports_background import run_worker
from tests.test_reports_dashboard import answered_round
from tests.test_reports_results_excel import small_team_means
from tests.worker import prepare_pages

pytestmark = pytest.mark.browser

CARD_TITLE = "Onze kleedkamer"
INDICATORS = ("We praten over lessen.", "We vragen om hulp.", "We vieren successen.")
AGREEMENT = "We delen elke week één vraag."
CHART = "trend-collective_efficacy"
# What the series of a chart are drawn in (charts.SERIES_COLOURS), as the browser computes it.
PALETTE = {"rgb(0, 114, 178)", "rgb(213, 94, 0)", "rgb(0, 158, 115)", "rgb(204, 121, 167)"}
# A trend table's cell: the mean with its 95% interval, in Dutch decimals ("3,02 (2,80–3,24)").
DUTCH_FIGURE_WITH_INTERVAL = re.compile(r"^\d,\d\d \(\d,\d\d–\d,\d\d\)$")


def adopt_card(world) -> Card:
    """A kleedkamer card of Onderbouw, adopted by both its members."""
    card = content.create_card(
        world.leader, world.school, stage="dressing_room", title_nl=CARD_TITLE, team=world.team_a
    )
    for text in INDICATORS:
        content.add_indicator(world.leader, card, text_nl=text)
    content.add_agreement(world.leader, card, text_nl=AGREEMENT)
    consent_round = consent.open_round(world.leader, card)
    consent.answer(world.teacher, consent_round, "consent")
    consent.answer(world.culture_carrier, consent_round, "consent")
    card.refresh_from_db()
    assert card.state == Card.State.ADOPTED
    return card


@pytest.fixture
def history(world, transactional_db: None) -> tuple[Round, Card]:
    """Two answered past rounds of three teams, and an adopted card: (latest round, card)."""
    middle = Team.objects.create(school=world.school, name="Middenbouw")
    add_members(world, world.team_b, 7)  # Bovenbouw: 8 with Jet
    add_members(world, middle, 6, prefix="midden")
    teams = [world.team_a, middle, world.team_b]
    answered_round(world, teams, weeks=60, title="Najaarsmeting")
    latest = answered_round(world, teams, weeks=30, title="Voorjaarsmeting")
    return latest, adopt_card(world)


def watch_console(page: Page) -> list[str]:
    """Every console error and uncaught exception of the page (CSP violations among them)."""
    problems: list[str] = []

    def logged(message: ConsoleMessage) -> None:
        text = message.text
        if message.type == "error" or "Content Security Policy" in text or "Refused to" in text:
            problems.append(message.text)

    page.on("console", logged)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    return problems


def download(page: Page, link: Locator, folder: Path) -> Path:
    """Click a download link and keep the file under its suggested name."""
    with page.expect_download() as info:
        link.click()
    file: Download = info.value
    assert file.failure() is None
    path = folder / file.suggested_filename
    file.save_as(path)
    return path


def pdf_text(path: Path) -> str:
    assert path.suffix == ".pdf"
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def workbook_cells(path: Path) -> list[str]:
    assert path.suffix == ".xlsx"
    workbook = load_workbook(io.BytesIO(path.read_bytes()), read_only=True)
    return [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]


def through_the_test_thread(route: Route) -> None:
    """Let the server answer a request only while the test thread waits for the browser."""
    route.fulfill(response=route.fetch())


def is_poll(response: Response) -> bool:
    return "?since=" in response.url


def test_leader_reads_the_dashboard_and_takes_the_files_home(world, history, new_context, tmp_path):
    round_, card = history
    slug = world.school.slug
    prepare_pages(world.leader, f"/s/{slug}/dashboard/")  # the worker beside the server
    with translation.override("nl"):
        sections = dashboard.efficacy_sections(dashboard.moments(world.school))
    chart = next(s.chart for s in sections if s.chart.key == CHART)

    # From the school's home to the dashboard.
    leader = sign_in(new_context, world.leader.email, then=f"/s/{slug}/")
    problems = watch_console(leader)
    leader.get_by_role("link", name=nl("Dashboard"), exact=True).click()
    expect(leader).to_have_url(re.compile(rf"/s/{slug}/dashboard/$"))
    check_a11y(leader)
    expect(leader.get_by_role("heading", level=1)).to_have_text(nl("Dashboard"))

    # The charts are pictures with a title, drawn in the palette's colours (presentation
    # attributes: the CSP would block style attributes, leaving the lines black).
    figure = leader.locator(f"figure#{CHART}")
    svg = figure.locator("svg[role=img]")
    expect(svg).to_be_visible()
    expect(svg.locator("title")).to_have_text(chart.title)
    expect(leader.locator("svg[role=img]")).to_have_count(len(sections) + 1)  # + the quadrant
    line = figure.locator(f"#{CHART}-series-0 > path").first
    assert line.evaluate("path => getComputedStyle(path).stroke") == "rgb(0, 114, 178)"
    assert line.evaluate("path => getComputedStyle(path).fill") == "none"
    strokes = figure.locator("[id*=-series-] > path").evaluate_all(
        "paths => paths.map(path => getComputedStyle(path).stroke)"
    )
    assert len(strokes) == len(chart.table.headers) - 1  # one line per scale
    assert set(strokes) <= PALETTE, strokes
    width = svg.evaluate("svg => svg.getBoundingClientRect().width")
    assert width > 300, f"the chart is {width}px wide"

    # The chart's numbers are one click away, in a table with the Dutch decimal comma.
    table = figure.locator("details.chart-table table")
    expect(table).to_be_hidden()
    figure.get_by_text(nl("Show as table"), exact=True).click()
    expect(table).to_be_visible()
    expect(table.locator("caption")).to_have_text(chart.title)
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)  # the two rounds
    shown = [row.locator("th, td").all_inner_texts() for row in rows.all()]
    assert shown == chart.table.rows
    figures = [cell for row in shown for cell in row[1:]]
    assert figures
    assert all(DUTCH_FIGURE_WITH_INTERVAL.match(cell) for cell in figures), figures
    check_a11y(leader)
    assert not problems, problems

    # The card: its conversation document as PDF and Word, its WMK layout as Excel.
    visit(leader, f"/s/{slug}/cards/{card.pk}/")
    downloads = leader.locator("#downloads")
    pdf = download(
        leader, downloads.get_by_role("link", name=f"{nl('Conversation document')} (PDF)"), tmp_path
    )
    text = pdf_text(pdf)
    assert CARD_TITLE in text
    assert INDICATORS[0] in text
    word = download(
        leader,
        downloads.get_by_role("link", name=f"{nl('Conversation document')} (Word)"),
        tmp_path,
    )
    assert word.suffix == ".docx"
    document = docx.Document(str(word))
    assert document.core_properties.title == CARD_TITLE
    assert CARD_TITLE in [paragraph.text for paragraph in document.paragraphs]
    wmk = download(
        leader, downloads.get_by_role("link", name=f"{nl('WMK layout')} (Excel)"), tmp_path
    )
    cells = workbook_cells(wmk)
    assert CARD_TITLE in cells
    assert all(indicator in cells for indicator in INDICATORS)

    # The round: the results workbook straight away ...
    visit(leader, f"/s/{slug}/rounds/{round_.pk}/")
    results = download(
        leader, leader.get_by_role("link", name=f"{nl('Results data')} (Excel)"), tmp_path
    )
    cells = workbook_cells(results)
    assert round_.title in cells
    assert "Bovenbouw" in cells

    # ... the report in the background: the job page waits until the worker has made it.
    leader.route(re.compile(r"/exports/\d+/\?since="), through_the_test_thread)
    prepare = leader.get_by_role("button", name=nl("Prepare %(format)s", format="PDF"))
    expect(prepare).to_have_accessible_description(f"{nl('Round report')} (PDF)")
    prepare.click()
    expect(leader).to_have_url(re.compile(rf"/s/{slug}/exports/\d+/$"))
    check_a11y(leader)
    status = leader.locator("#export-status")
    with translation.override("nl"):
        waiting = str(ExportJob.State.QUEUED.label).capitalize()
    expect(status).to_contain_text(waiting)
    expect(status.get_by_role("link")).to_have_count(0)
    leader.evaluate("window.notReloaded = true")
    poll = leader.wait_for_event("response", is_poll)  # the page asks every 3 seconds
    assert poll.status == 204  # nothing new yet
    expect(status).to_contain_text(waiting)

    job = ExportJob.objects.get()
    assert (job.exporter, job.object_id, job.language) == ("round_pdf", round_.pk, "nl")
    run_worker()
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE

    # The page's next poll brings the link, without a reload.
    link = status.get_by_role("link", name=nl("Download %(name)s", name=job.filename))
    expect(link).to_be_visible()
    assert leader.evaluate("window.notReloaded") is True
    expect(leader).to_have_url(re.compile(rf"/s/{slug}/exports/{job.pk}/$"))
    check_a11y(leader)
    report = pdf_text(download(leader, link, tmp_path))
    assert round_.title in report
    assert "Bovenbouw" in report
    for mean in small_team_means(round_):  # Onderbouw's figures are in no file
        assert f"{mean:.2f}".replace(".", ",") not in report
    assert not problems, problems
    leader.context.close()

    # A teacher of Onderbouw opens the team's page from the school's home: no figure at all.
    teacher = sign_in(new_context, world.teacher.email, then=f"/s/{slug}/")
    problems = watch_console(teacher)
    teacher.get_by_role("link", name=world.team_a.name, exact=True).click()
    expect(teacher).to_have_url(re.compile(rf"/s/{slug}/teams/{world.team_a.pk}/results/$"))
    check_a11y(teacher)
    expect(teacher.get_by_role("heading", level=1)).to_have_text(
        nl("Results of %(team)s", team=world.team_a.name)
    )
    team_rows = teacher.locator("table.results tr").filter(
        has=teacher.get_by_role("rowheader", name=world.team_a.name, exact=True)
    )
    expect(team_rows).to_have_count(len(small_team_means(round_)))  # one per scale
    for row in team_rows.all():
        expect(row.get_by_role("cell").first).to_have_text(
            "—" + nl("no figure, to protect anonymity")
        )
        expect(row.get_by_role("cell").last).to_have_text(nl("Too few answers to say"))
    text = teacher.locator("main").inner_text()
    for mean in small_team_means(round_):
        assert f"{mean:.2f}".replace(".", ",") not in text
    assert not problems, problems
