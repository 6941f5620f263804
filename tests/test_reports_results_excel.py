"""The results workbook of a round: the real file, opened with openpyxl, in both languages.

The round has three teams: Bovenbouw (8 people) is shown; Onderbouw (2) is below the
threshold of 5 and hidden; and Middenbouw (6) is hidden too, since otherwise everyone minus
the shown teams would give Onderbouw away. Hidden teams must show no number anywhere.
"""

from __future__ import annotations

import io
import math

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from dramaturg.core.localized import pick_text
from dramaturg.reports import exporters
from dramaturg.reports.xlsx import SheetTitles
from dramaturg.schools.models import Team
from dramaturg.surveys.models import Participation, Response, Round, week_of
from dramaturg.surveys.results import round_results
from dramaturg.surveys.services import close_round
from tests.helpers import english
from tests.survey_helpers import add_members, scale_score, staff_round, student_round

pytestmark = pytest.mark.django_db

INSTRUMENTS = ("collective_efficacy", "teacher_self_efficacy")
NL_SCALE_SHEETS = [
    "Vertrouwen in ons gezamenlijk…",
    "Zicht op de opgave",
    "Leerlingen betrekken",
    "Instructie en didactiek",
    "Klassenmanagement (herzien)",
]
EN_SCALE_SHEETS = [
    "Group competence",
    "Task analysis",
    "Engaging students",
    "Instructional strategies",
    "Classroom management (revised)",
]


def answers_of(team: str, respondent: int, width: int) -> list[int]:
    if team == "Onderbouw":  # the small team: distinctive answers, one "don't know"
        return [0 if i == 3 else (1 if respondent == 0 or i % 3 == 0 else 2) for i in range(width)]
    if team.startswith("Groep"):  # students answer on a 1-4 scale
        return [1 + (respondent + i) % 4 for i in range(width)]
    if team == "Middenbouw":
        return [1 + (2 * respondent + i) % 5 for i in range(width)]
    return [0 if respondent == 0 and i == 1 else 2 + (respondent + i) % 4 for i in range(width)]


def answer(round_, target, count: int) -> None:
    width = sum(len(ri.instrument.items) for ri in round_.instruments.all())
    week = week_of(timezone.localdate())
    for respondent in range(count):
        answers = answers_of(str(target), respondent, width)
        Response.objects.create(round=round_, target=target, answers=answers, week=week)
    done = list(Participation.objects.filter(target=target).values_list("pk", flat=True))[:count]
    Participation.objects.filter(pk__in=done).update(answered=True)


def closed(round_):
    """Close the round today: figures exist only once a round has closed."""
    round_.closed_early_on = timezone.localdate()
    Round.objects.filter(pk=round_.pk).update(closed_early_on=round_.closed_early_on)
    return round_


def three_teams(world, small: bool = True):
    middle = Team.objects.create(school=world.school, name="Middenbouw")
    add_members(world, world.team_b, 7)  # Bovenbouw: 8 with Jet
    add_members(world, middle, 6, prefix="midden")
    teams = [world.team_a, middle, world.team_b] if small else [middle, world.team_b]
    round_ = staff_round(world, teams, instruments=INSTRUMENTS)
    for target in round_.targets.select_related("team"):
        answer(round_, target, target.invited)
    return closed(round_)


def gettext_not_interpretable() -> str:
    return not_interpretable_in("en")


def not_interpretable_in(language: str) -> str:
    from dramaturg.surveys.judgements import not_interpretable

    with translation.override(language):
        return not_interpretable()


def export_url(round_, key="results_xlsx"):
    return reverse("reports:round_export", args=[round_.school.slug, round_.pk, key])


def download(client, round_):
    response = client.get(export_url(round_))
    assert response.status_code == 200
    assert response["Content-Type"] == exporters.XLSX
    stem = round_.title.lower()
    assert response["Content-Disposition"].startswith(f'attachment; filename="{stem}-')
    assert response["Content-Disposition"].endswith('.xlsx"')
    return load_workbook(io.BytesIO(response.content))


def rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def row_of(sheet, label: str) -> tuple:
    found = [row for row in rows(sheet) if row and row[0] == label]
    assert len(found) == 1, f"{label!r} in {sheet.title}: {found}"
    return found[0]


def numbers(row: tuple) -> list:
    return [v for v in row if isinstance(v, int | float) and not isinstance(v, bool)]


def values(workbook) -> dict[str, list[tuple]]:
    return {sheet.title: rows(sheet) for sheet in workbook.worksheets}


def small_team_means(round_) -> list[float]:
    """Onderbouw's true scale means, worked out by hand from its two responses."""
    target = round_.targets.get(team__name="Onderbouw")
    responses = list(Response.objects.filter(target=target).values_list("answers", flat=True))
    means, offset = [], 0
    for ri in round_.instruments.order_by("position"):
        instrument = ri.instrument
        for scale in instrument.scales:
            scores = [scale_score(instrument, scale, a, offset) for a in responses]
            means.append(sum(scores) / len(scores))
            offset += len(scale.items)
    return means


def test_leader_downloads_the_results_workbook_with_hidden_teams_hidden(world, client_for):
    round_ = three_teams(world)
    workbook = download(client_for(world.leader), round_)
    with translation.override("nl"):
        fixed = [gettext("Response rate"), gettext("Codebook")]
        everyone, hidden = gettext("Everyone"), gettext("hidden to protect anonymity")
    assert workbook.sheetnames == [*NL_SCALE_SHEETS, *fixed]
    assert all(len(name) <= 31 for name in workbook.sheetnames)

    results = round_results(round_).scales
    for result, name in zip(results, NL_SCALE_SHEETS, strict=True):
        sheet = workbook[name]
        assert sheet["A1"].value == pick_text(result.title, "nl")
        n, complete, mean, sd, alpha = row_of(sheet, everyone)[1:6]
        assert (n, mean) == (result.total.n, pytest.approx(result.total.mean))
        assert complete == result.total.n_complete
        assert isinstance(n, int)
        assert isinstance(mean, float)
        assert sd == pytest.approx(result.total.sd)
        if result.total.alpha_readable:
            assert alpha == pytest.approx(result.total.alpha)
        elif result.total.alpha is not None:  # negative: words, never the number
            assert alpha == not_interpretable_in("nl")
        shown = result.groups[round_.targets.get(team=world.team_b).pk]
        assert row_of(sheet, "Bovenbouw")[1:4] == (
            shown.n,
            shown.n_complete,
            pytest.approx(shown.mean),
        )
        for team in ("Onderbouw", "Middenbouw"):
            assert row_of(sheet, team)[1] == hidden
            assert set(row_of(sheet, team)[2:]) == {None}
        # A hidden team makes the ICCs hidden: they could give its mean away.
        assert row_of(sheet, "ICC(1)")[1] == hidden
        mean_cell = next(c for c in sheet["D"] if c.value == mean)
        assert mean_cell.number_format == "0.00"

    # No number next to a hidden team's name, anywhere; and its true means nowhere at all.
    secrets = small_team_means(round_)
    assert not any(math.isclose(s, r.total.mean) for s in secrets for r in results)
    for sheet in workbook.worksheets:
        for row in rows(sheet):
            if row and row[0] in ("Onderbouw", "Middenbouw"):
                assert numbers(row) == [], f"{sheet.title}: {row}"
            for value in numbers(row):
                assert not any(math.isclose(value, s) for s in secrets), f"{sheet.title}: {row}"

    rates = workbook[fixed[0]]
    assert numbers(row_of(rates, everyone)) == [16, 16, 1]
    assert numbers(row_of(rates, "Bovenbouw")) == [8, 8, 1]
    assert row_of(rates, "Onderbouw")[1:] == (hidden, None, None)


def test_the_codebook_lists_every_statement_in_dutch(world, client_for):
    round_ = three_teams(world)
    workbook = download(client_for(world.leader), round_)
    with translation.override("nl"):
        codebook = workbook[gettext("Codebook")]
        yes, no = gettext("yes"), gettext("no")
    table = {row[0]: row for row in rows(codebook) if row and row[0]}
    for ri in round_.instruments.all():
        instrument = ri.instrument
        assert any(instrument.licence in row for row in rows(codebook))
        assert any(instrument.citation in row for row in rows(codebook))
        for option in instrument.options:
            assert any(row[:2] == (option.value, option.label["nl"]) for row in rows(codebook))
        assert any(row[:2] == (0, instrument.dont_know["nl"]) for row in rows(codebook))
        for scale in instrument.scales:
            for item in scale.items:
                assert table[item.id][1:3] == (item.text["nl"], yes if item.reverse else no)
    texts = [v for row in rows(codebook) for v in row if isinstance(v, str)]
    assert "Vertrouwen in ons gezamenlijk…" in texts  # non-ASCII text survives
    assert not any("\ufffd" in t or "??" in t for t in texts)
    assert round_.opens_on in [
        v.date() for row in rows(codebook) for v in row if hasattr(v, "date")
    ]
    assert all("@" not in t for t in texts)  # nobody's address


def test_the_english_download_has_english_texts(world, client_for):
    round_ = three_teams(world)
    workbook = download(english(client_for(world.leader)), round_)
    assert workbook.sheetnames == [*EN_SCALE_SHEETS, "Response rate", "Codebook"]
    sheet = workbook["Group competence"]
    assert row_of(sheet, "Everyone")[1] > 0
    assert row_of(sheet, "Onderbouw")[1] == "hidden to protect anonymity"
    assert row_of(sheet, "Questionnaire")[1] == "Collective efficacy of the team"
    codebook = {row[0]: row for row in rows(workbook["Codebook"]) if row and row[0]}
    statement = "When students make things hard for us in class, everyone in our team goes"
    assert codebook["ce_gc_5"][1:3] == (f"{statement} their own way.", "yes")


def test_iccs_are_shown_when_no_team_is_hidden(world, client_for):
    round_ = three_teams(world, small=False)
    workbook = download(client_for(world.leader), round_)
    for result, name in zip(round_results(round_).scales, NL_SCALE_SHEETS, strict=True):
        assert not any(f.suppressed for f in result.groups.values())
        sheet = workbook[name]
        assert row_of(sheet, "ICC(1)")[1] == pytest.approx(result.icc1)
        assert row_of(sheet, "ICC(2)")[1] == pytest.approx(result.icc2)
        assert numbers(row_of(sheet, "Middenbouw"))[0] == 6


def test_a_round_without_answers_exports_its_codebook(world, client_for):
    round_ = staff_round(world, [world.team_a], instruments=INSTRUMENTS)
    client = english(client_for(world.leader))
    workbook = download(client, round_)
    assert workbook.sheetnames == [*EN_SCALE_SHEETS, "Response rate", "Codebook"]
    # While the round is open no sheet holds a figure, whether anyone answered or not.
    opened = rows(workbook["Task analysis"])
    assert any(str(text).startswith("The figures appear once the round") for text, _v in opened)
    close_round(world.leader, round_)
    workbook = download(client, round_)
    assert ("Nobody has answered yet.", None) in rows(workbook["Task analysis"])


def test_a_student_round_has_a_row_per_class(world, client_for):
    round_ = student_round(world, sizes=(20, 20))
    for target in round_.targets.all():
        answer(round_, target, 6)
    closed(round_)
    workbook = download(english(client_for(world.leader)), round_)
    sheet = workbook.worksheets[0]
    assert row_of(sheet, "Class")[1:4] == ("n", "n complete", "Mean")
    assert numbers(row_of(sheet, "Everyone"))[0] == 12
    assert [numbers(row_of(sheet, name))[0] for name in ("Groep 6", "Groep 7")] == [6, 6]
    rates = workbook["Response rate"]
    assert numbers(row_of(rates, "Groep 6")) == [20, 6, pytest.approx(0.3)]


def test_the_round_page_links_to_the_download(world, client_for):
    round_ = staff_round(world, [world.team_a])
    page = client_for(world.leader).get(
        reverse("surveys:round_detail", args=[world.school.slug, round_.pk])
    )
    assert export_url(round_) in page.content.decode()


def test_the_command_writes_the_same_workbook(world, client_for, tmp_path):
    round_ = three_teams(world)
    downloaded = download(client_for(world.leader), round_)
    target = tmp_path / "resultaten.xlsx"
    call_command(
        "export", "round", str(round_.pk), "--format", "results_xlsx", "--output", str(target)
    )
    assert values(load_workbook(target)) == values(downloaded)
    english_file = tmp_path / "results.xlsx"
    call_command(
        "export", "round", str(round_.pk), "--format=results_xlsx", "--language=en",
        f"--output={english_file}",
    )  # fmt: skip
    assert load_workbook(english_file).sheetnames[-1] == "Codebook"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["round", "999999", "--format", "results_xlsx"], "there is no round with id 999999"),
        (["round", "{pk}", "--format", "nonsense"], "unknown format 'nonsense'"),
        (["round", "{pk}", "--format", "results_xlsx", "--language", "fr"], "invalid choice"),
    ],
)
def test_the_command_refuses_unknown_rounds_and_formats(world, tmp_path, arguments, message):
    round_ = staff_round(world, [world.team_a])
    arguments = [a.replace("{pk}", str(round_.pk)) for a in arguments]
    with pytest.raises(CommandError, match=message):
        call_command("export", *arguments, "--output", str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()


def test_teachers_may_not_download_and_unknown_keys_and_rounds_are_404(world, client_for):
    round_ = staff_round(world, [world.team_a])
    assert client_for(world.teacher).get(export_url(round_)).status_code == 403
    leader = client_for(world.leader)
    assert leader.get(export_url(round_, "nonsense")).status_code == 404
    assert leader.get(export_url(round_, "results_xlsx") + "x/").status_code == 404
    url = reverse("reports:round_export", args=[world.school.slug, 999999, "results_xlsx"])
    assert leader.get(url).status_code == 404
    assert leader.post(export_url(round_)).status_code == 405


def test_the_outsider_gets_404(world, client_for):
    round_ = staff_round(world, [world.team_a])
    assert client_for(world.outsider).get(export_url(round_)).status_code == 404


def test_sheet_titles_are_short_valid_and_unique():
    titles = SheetTitles("Respons", "Codeboek")
    assert titles.take("Respons") == "Respons (2)"
    assert titles.take("a/b:c?") == "a b c"
    assert titles.take("x" * 40) == "x" * 30 + "…"
    assert titles.take("x" * 40) == "x" * 26 + "… (2)"
    assert titles.take("=SUM(A1)") == "=SUM(A1)"


def test_a_team_name_that_looks_like_a_formula_stays_text(world, client_for):
    world.team_b.name = '=HYPERLINK("https://example.test","klik")'
    world.team_b.save()
    add_members(world, world.team_b, 5)
    round_ = staff_round(world, [world.team_b])
    answer(round_, round_.targets.get(), 6)
    closed(round_)
    response = client_for(world.leader).get(export_url(round_))
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [c for s in workbook.worksheets for row in s.iter_rows() for c in row]
    named = [c for c in cells if c.value == world.team_b.name]
    assert named
    assert all(c.data_type == "s" for c in named)


def test_every_export_holds_the_figures_as_the_page_shows_them(world, client_for):
    """Two decimals in the cell itself (not only as a format), the same as on the round page
    and in the round report: no export carries more precision than the page."""
    from pypdf import PdfReader

    round_ = three_teams(world, small=False)
    client = english(client_for(world.leader))
    workbook = download(client, round_)
    html = client.get(reverse("surveys:round_detail", args=[world.school.slug, round_.pk]))
    html = html.content.decode()
    pdf = exporters.get("round", "round_pdf").render(round_, "en")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    checked = 0
    for name in EN_SCALE_SHEETS:
        sheet = workbook[name]
        for label in ("Everyone", "Middenbouw", "Bovenbouw"):
            row = next(r for r in sheet.iter_rows() if r[0].value == label)
            # mean, sd, alpha, reliability of the mean, r*wg(j) as on the page; rwg(j)
            # (for researchers) only in the workbook, rounded the same way.
            assert row[9].value is None or row[9].value == round(row[9].value, 2)
            for cell in row[3:8]:
                if cell.value is None or cell.value == gettext_not_interpretable():
                    continue
                assert isinstance(cell.value, int | float)  # Excel reads 0.0 back as 0
                assert cell.value == round(cell.value, 2), (name, label, cell.value)
                assert cell.number_format == "0.00"
                assert f"<td>{cell.value:.2f}</td>" in html, (name, label, cell.value)
                checked += 1
            mean = row[3].value
            assert f"{mean:.2f}" in text  # the round report prints the same mean
        for label in ("ICC(1)", "ICC(2)"):
            value = next(r for r in sheet.iter_rows() if r[0].value == label)[1].value
            assert value == round(value, 2)
    assert checked >= 40  # means, sd, alpha and rwg(j) of the rows: not a vacuous check
    for row in workbook["Response rate"].iter_rows():
        if isinstance(row[3].value, float):
            assert row[3].value * 100 == round(row[3].value * 100)  # a whole percentage
