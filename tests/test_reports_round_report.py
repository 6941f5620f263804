"""The round report: the real PDF, opened with pypdf and pdftotext, in both languages.

A school holds three past staff rounds made the dashboard tests' way (answered through the
results workbook's helpers, then moved into the past). Bovenbouw (8 people) is shown;
Onderbouw (2) is below the threshold of 5 and Middenbouw (6) is hidden too, since everyone
minus Bovenbouw would otherwise give Onderbouw away. The report must print every figure the
dashboard shows for the round, and nothing of a hidden team: no count, no mean.

Interface words are looked up with gettext in the file's language, so the tests hold whether
or not the catalogues are compiled. Figures are formatted with `floatformat`, as the pages
and the report's own tables format them.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass

import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from dramaturg.core.localized import pick_text
from dramaturg.reports import card_progress, dashboard, exporters, summaries
from dramaturg.reports.models import ExportJob
from dramaturg.schools.models import School
from dramaturg.surveys import judgements
from dramaturg.surveys.models import Response, Round
from dramaturg.surveys.results import HIDDEN, Figure
from dramaturg.surveys.services import close_round
from tests import test_reports_dashboard as dashboard_tests
from tests.survey_helpers import scale_score, staff_round
from tests.test_reports_background import request_export, run_worker
from tests.test_reports_dashboard import answered_round, into_past, self_evaluations
from tests.test_reports_results_excel import INSTRUMENTS, answer, small_team_means

pytestmark = pytest.mark.django_db

# The dashboard tests' fixtures, by name: the teams of 2, 6 and 8 people and an adopted card.
teams = dashboard_tests.teams
adopted = dashboard_tests.adopted

HIDDEN_TEAMS = ("Onderbouw", "Middenbouw")


# --- Reading the PDF -----------------------------------------------------------------------


def words(text: str) -> str:
    return " ".join(text.split())


def said(language: str, message: str) -> str:
    with translation.override(language):
        return gettext(message)


@dataclass
class Pdf:
    data: bytes
    pages: list[str]  # per page, by pypdf, whitespace folded
    text: str  # pypdf and (when installed) pdftotext, whitespace folded
    lines: list[str]  # `pdftotext -layout`: a table row on one line; pypdf's lines without it

    def has(self, value: str) -> bool:
        return words(value) in self.text

    def has_word(self, value: str) -> bool:
        return re.search(rf"\b{re.escape(words(value))}\b", self.text) is not None

    def row(self, *cells: str) -> bool:
        """Whether one line holds these cells, in this order, with only space between them."""
        pattern = re.compile(r"\s+".join(re.escape(words(cell)) for cell in cells))
        return any(pattern.search(line) for line in self.lines)


def read(data: bytes, tmp_path) -> Pdf:
    from pypdf import PdfReader

    assert data.startswith(b"%PDF")
    raw = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    pages = [words(page) for page in raw]
    text, lines = " ".join(pages), [line for page in raw for line in page.splitlines()]
    if shutil.which("pdftotext"):
        path = tmp_path / "report.pdf"
        path.write_bytes(data)

        def poppler(*options: str) -> str:
            command = ["pdftotext", *options, "-enc", "UTF-8", str(path), "-"]
            return subprocess.run(command, capture_output=True, check=True).stdout.decode()

        plain = words(poppler())
        # Both readers must find the same words: the text is real text, in reading order.
        assert plain.split()[:12] == text.split()[:12]
        text += " " + plain
        lines = poppler("-layout").splitlines()
    return Pdf(data, pages, text, lines)


def render(round_: Round, language: str = "nl") -> bytes:
    return exporters.get("round", "round_pdf").render(round_, language)


def report(round_: Round, tmp_path, language: str = "nl") -> Pdf:
    return read(render(round_, language), tmp_path)


# --- The school's rounds and what they should print ----------------------------------------


@pytest.fixture
def rounds(world, teams):
    """Three past rounds, oldest first. In the oldest one person of Bovenbouw did not
    answer, so the trend moves."""
    first = staff_round(world, teams, instruments=INSTRUMENTS, title="Najaar")
    for target in first.targets.select_related("team"):
        answer(first, target, target.invited - (target.team == world.team_b))
    into_past(first, 60)
    return [
        first,
        answered_round(world, teams, weeks=30, title="Voorjaar"),
        answered_round(world, teams, weeks=8, title="Nameting"),
    ]


def shown(value: float | None, language: str) -> str:
    with translation.override(language):
        return str(floatformat(value, 2))


def team_means(round_: Round, team: str) -> list[float]:
    """A team's true scale means, worked out by hand from its responses (as
    `small_team_means` does for Onderbouw)."""
    if team == "Onderbouw":
        return small_team_means(round_)
    target = round_.targets.get(team__name=team)
    answers = list(Response.objects.filter(target=target).values_list("answers", flat=True))
    means, offset = [], 0
    for ri in round_.instruments.order_by("position"):
        for scale in ri.instrument.scales:
            scores = [scale_score(ri.instrument, scale, a, offset) for a in answers]
            scores = [s for s in scores if s is not None]
            means.append(sum(scores) / len(scores))
            offset += len(scale.items)
    return means


def report_sections(round_: Round, language: str) -> list[dashboard.Section]:
    """The dashboard's sections as they stood when the round was held: the report's source."""
    with translation.override(language):
        found = dashboard.moments(round_.school, round_.opens_on)  # up to this round
        instruments = [ri.instrument_id for ri in round_.instruments.order_by("position")]
        return dashboard.efficacy_sections(found, instruments=instruments)


def assert_trend_tables(pdf: Pdf, sections: list[dashboard.Section]) -> None:
    """Each trend chart's table is printed with a row per scale and a column per round."""
    for section in sections:
        table = section.chart.table
        rounds = [row[0] for row in table.rows]
        assert pdf.row(*rounds), rounds  # the column headers
        for column, scale in enumerate(table.headers[1:], start=1):
            assert pdf.row(scale, *(row[column] for row in table.rows)), (scale, table.rows)


# --- The report, in Dutch and in English ---------------------------------------------------


def figures_of(round_: Round, team) -> list[dict]:
    """Per scale, the shown figures of everyone and of a team, from the round's summary (what
    the dashboard shows): [{"total": {...}, "team": {...}}, ...]."""
    key = round_.targets.get(team=team).pk
    return [
        {"total": vars(scale.total), "team": vars(scale.of(key))}
        for scale in summaries.summaries([round_])[round_.pk].scales
    ]


def assert_nothing_hidden_is_printed(pdf: Pdf, round_: Round, world, language: str) -> None:
    """No count and no mean of a hidden team, in either decimal separator; its lines carry no
    number but the threshold in the reason it is hidden."""
    secrets = [mean for team in HIDDEN_TEAMS for mean in team_means(round_, team)]
    figures = figures_of(round_, world.team_b)
    printed = {
        shown(value, language)
        for scale in figures
        for figure in scale.values()
        for name, value in figure.items()
        if name != "n" and value is not None
    }
    for secret in secrets:
        for text in (f"{secret:.2f}", f"{secret:.2f}".replace(".", ",")):
            assert text not in printed, f"{text} is also a shown figure: a useless check"
            assert text not in pdf.text, text
            assert not any(text in line for line in pdf.lines), text
    of = said(language, "%(answered)s of %(invited)s")
    for count in (2, 6):  # Onderbouw, Middenbouw
        assert not pdf.has(of % {"answered": count, "invited": count}), count
    for team in HIDDEN_TEAMS:
        found = [line for line in pdf.lines if team in line]
        assert len(found) == 1 + len(figures), found  # the response row and one per scale
        for line in found:
            assert set(re.findall(r"\d+", line)) <= {str(round_.anonymity_threshold)}, line


def test_the_dutch_report_holds_the_rounds_figures_and_no_hidden_one(world, rounds, tmp_path):
    round_ = rounds[-1]
    pdf = report(round_, tmp_path, "nl")
    with translation.override("nl"):
        dates = [date_format(d, "j F Y") for d in (round_.opens_on, round_.last_day)]
        made_on = date_format(timezone.localdate(), "j F Y")
        of = gettext("%(answered)s of %(invited)s")
    assert pdf.has(said("nl", "Round report"))
    assert pdf.has(round_.title)
    assert pdf.has(world.school.name)
    for date in (*dates, made_on):
        assert pdf.has(date), date
    assert pdf.has(f"{said('nl', 'Answered')} {of % {'answered': 16, 'invited': 16}}")

    # The response table: the shown team's count, the hidden teams' reason and no count.
    hidden = said(
        "nl",
        "Hidden to protect anonymity: fewer than %(n)s people, or it would give a smaller "
        "group away.",
    ) % {"n": round_.anonymity_threshold}
    assert pdf.row("Bovenbouw", of % {"answered": 8, "invited": 8})
    for team in HIDDEN_TEAMS:
        assert pdf.has(f"{team} {hidden}"), team

    # Every questionnaire with every scale, its trend over the three rounds, and the figures.
    for ri in round_.instruments.all():
        assert pdf.has(pick_text(ri.instrument.title, "nl"))
        for scale in ri.instrument.scales:
            assert pdf.has(pick_text(scale.title, "nl")), scale.id
    sections = report_sections(round_, "nl")
    assert [section.title for section in sections] == [
        pick_text(ri.instrument.title, "nl") for ri in round_.instruments.order_by("position")
    ]
    assert all(len(section.chart.table.rows) == 3 for section in sections)
    assert_trend_tables(pdf, sections)
    with translation.override("nl"):
        everyone = gettext("Everyone")
        for scale in figures_of(round_, world.team_b):
            total, team = scale["total"], scale["team"]
            assert pdf.row(
                everyone,
                str(total["n"]),
                str(total["n_complete"]),
                *(shown(total[k], "nl") for k in ("mean", "sd")),
            )
            assert pdf.row(
                "Bovenbouw",
                "8",
                str(team["n_complete"]),
                *(shown(team[k], "nl") for k in ("mean", "sd")),
            )
            assert pdf.has(judgements.reliability(Figure(**total)))
            assert pdf.has(judgements.agreement(Figure(**team)))
        assert pdf.has(judgements.agreement(HIDDEN))  # the hidden teams
        assert pdf.has(judgements.between_groups(None, 0))  # ICCs would give them away
        assert pdf.has(gettext("Scale and group"))
        note = gettext(
            "means: no figure, to protect anonymity. Too few people answered in that group, or "
            "showing it would let someone work out the answers of a smaller group."
        )
        assert pdf.has(f"— {note}")
    for english in ("Response rate", "Round report", "Everyone", "Group competence"):
        assert not pdf.has_word(english), english

    assert_nothing_hidden_is_printed(pdf, round_, world, "nl")


def test_the_english_report_has_english_words_and_numbers(world, rounds, tmp_path):
    round_ = rounds[-1]
    pdf = report(round_, tmp_path, "en")
    with translation.override("en"):
        dates = [date_format(d, "j F Y") for d in (round_.opens_on, round_.last_day)]
    for text in ("Round report", "Response rate", "Opens on", "Scale and group", *dates):
        assert pdf.has(text), text
    assert pdf.row("Bovenbouw", "8 of 8")
    assert pdf.has("Group competence")  # a scale of collective efficacy
    assert pdf.has("Collective efficacy of the team")
    assert pdf.has("Too few answers to say")
    assert_trend_tables(pdf, report_sections(round_, "en"))
    for scale in figures_of(round_, world.team_b):
        team = scale["team"]
        assert pdf.row(
            "Bovenbouw",
            "8",
            str(team["n_complete"]),
            f"{team['mean']:.2f}",
            f"{team['sd']:.2f}",
        ), team
        with translation.override("en"):
            assert pdf.has(judgements.agreement(Figure(**team)))
    for dutch in ("Respons", "Geantwoord", "Schaal en groep", "Vertrouwen in ons gezamenlijk"):
        assert not pdf.has_word(dutch), dutch

    assert_nothing_hidden_is_printed(pdf, round_, world, "en")


def test_an_earlier_rounds_report_shows_the_trend_up_to_that_round(rounds, tmp_path):
    middle = rounds[1]
    pdf = report(middle, tmp_path, "nl")
    sections = report_sections(middle, "nl")
    assert all(len(section.chart.table.rows) == 2 for section in sections)
    assert_trend_tables(pdf, sections)
    later = dashboard.Moment(rounds[-1], {}).label
    assert not pdf.has(later)
    assert not pdf.has(rounds[-1].title)


def test_pages_carry_the_round_the_school_and_page_numbers(world, rounds, tmp_path):
    # Quotes, a hyphen, an ampersand and angle brackets: the running head shows them as typed.
    School.objects.filter(pk=world.school.pk).update(name="Basisschool 't Sint-Jozef & Co")
    round_ = Round.objects.get(pk=rounds[-1].pk)
    round_.title = 'Meting "voorjaar" – deel 2; <eind>'
    round_.save()
    pdf = report(round_, tmp_path, "nl")
    total = len(pdf.pages)
    assert total >= 3
    first, *others = pdf.pages
    assert first.endswith(f"{said('nl', 'Round report')} 1 / {total}")
    # Each questionnaire starts on a page of its own, after the page with the response table.
    titles = [pick_text(ri.instrument.title, "nl") for ri in round_.instruments.all()]
    assert said("nl", "Response rate") in first
    assert not any(title in first for title in titles)
    for title in titles:
        assert any(page.startswith(title) for page in others), title
    # The others carry the round and the school at the top, and at the bottom the
    # questionnaire the page is about, beside the page number.
    for number, page in enumerate(others, start=2):
        assert f"{round_.title} Basisschool 't Sint-Jozef & Co" in page
        assert any(page.endswith(f"{title} {number} / {total}") for title in titles), page


# --- A card's self-evaluation, a round without answers -------------------------------------


def test_a_self_evaluation_round_includes_the_cards_charts(world, teams, adopted, tmp_path):
    round_ = self_evaluations(world, teams, adopted)
    pdf = report(round_, tmp_path, "nl")
    with translation.override("nl"):
        found = dashboard.moments(world.school)
        bars = card_progress.indicator_chart(adopted, found)
        trend = card_progress.agreements_chart(adopted, found)
        card_heading = gettext("Card “%(title)s”") % {"title": adopted.title}
    assert pdf.has(card_heading)
    assert pdf.has(bars.title)
    assert pdf.has(trend.title)
    for row in bars.table.rows:  # indicator, now, before, change
        assert pdf.row(*row), row
    assert len(bars.table.rows) == 3
    for column, agreement in enumerate(trend.table.headers[1:], start=1):
        assert pdf.row(agreement, *(row[column] for row in trend.table.rows))
    assert pdf.has("We delen elke week één vraag.")


def test_a_round_nobody_answered_yet_still_makes_a_report(world, teams, tmp_path):
    round_ = staff_round(world, teams, instruments=INSTRUMENTS, title="Nog niemand")
    opened = report(round_, tmp_path, "nl")
    assert opened.has("Nog niemand")
    # While the round is open the report has no figures, and says when they come.
    closing = (
        "The figures appear once the round has closed, so that nobody can work out an answer "
        "by watching them change."
    )
    assert opened.has(said("nl", closing))
    assert not opened.has(said("nl", "No figures to show"))
    close_round(world.leader, round_)
    pdf = report(round_, tmp_path, "nl")
    assert pdf.has(said("nl", "No figures to show"))
    for ri in round_.instruments.all():
        for scale in ri.instrument.scales:
            assert pdf.has(pick_text(scale.title, "nl"))
    assert pdf.row(said("nl", "Everyone"), "—")  # no figure on any scale


# --- The background path and the picture ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_report_is_prepared_in_the_background_and_downloaded(world, rounds, client_for):
    round_ = rounds[-1]
    exporter = exporters.get("round", "round_pdf")
    assert exporter.background
    leader = client_for(world.leader)
    job = request_export(leader, round_, key="round_pdf")
    run_worker()
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    response = leader.get(reverse("reports:export_download", args=[world.school.slug, job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="{}"'.format(
        exporter.filename(round_, "nl")
    )
    content = b"".join(response.streaming_content) if response.streaming else response.content
    from pypdf import PdfReader

    pages = [words(page.extract_text()) for page in PdfReader(io.BytesIO(content)).pages]
    assert pages[0].startswith(f"{said('nl', 'Round report').upper()} {round_.title}")
    of = said("nl", "%(answered)s of %(invited)s")
    assert f"Bovenbouw {of % {'answered': 8, 'invited': 8}}" in pages[0]
    text = " ".join(pages)
    for ri in round_.instruments.all():
        assert pick_text(ri.instrument.title, "nl") in text
    for mean in small_team_means(round_):
        assert f"{mean:.2f}".replace(".", ",") not in text


def test_page_one_renders_to_an_image(rounds, tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed; `make test` installs it")
    from PIL import Image

    (tmp_path / "report.pdf").write_bytes(render(rounds[-1], "nl"))
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", "report.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    png = tmp_path / "page.png"
    assert png.stat().st_size > 10_000
    image = Image.open(png).convert("L")
    width, height = image.size
    assert abs(width / height - 210 / 297) < 0.01  # A4, portrait
    inked = sum(image.histogram()[:200])  # pixels darker than light grey
    assert inked > width * height * 0.02  # text on the page, not a blank sheet
