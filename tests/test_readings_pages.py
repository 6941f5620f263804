"""The readings as a school leader sees them, on the real round page and dashboard.

Five teams of six that share nothing (tests/reading_helpers.py): a negative alpha for the
whole, statements that run against the others, random-looking agreement in four teams and
real agreement in one, and an ICC over only five teams.
"""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from dramaturg.surveys import judgements
from dramaturg.surveys.results import round_results
from tests.reading_helpers import AGREEING, answered, five_teams
from tests.worker import get_ready

pytestmark = pytest.mark.django_db


def page(client, url: str, language: str = "en") -> str:
    client.cookies["dramaturg_language"] = language
    response = get_ready(client, url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def first_table(text: str) -> str:
    """The first results table (the first scale's rows come first in it)."""
    start = text.index('<table class="results"')
    return text[start : text.index("</table>", start)]


def row(text: str, label: str) -> list[str]:
    """The cells (without tags) of the first row headed `label`."""
    match = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', text, re.S)
    assert match, label
    cells = re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


@pytest.fixture
def round_(world):
    return answered(world, five_teams(world), {"Team A": AGREEING})


def round_page(client_for, world, round_, language="en") -> str:
    url = reverse("surveys:round_detail", args=[world.school.slug, round_.pk])
    return page(client_for(world.leader), url, language)


def test_a_negative_alpha_is_read_as_not_interpretable_and_never_shown(world, client_for, round_):
    total = round_results(round_).scales[0].total
    assert total.alpha is not None
    assert total.alpha < 0
    for language, rule in (("en", "0.7 or more is good"), ("nl", "0,7 of meer is goed")):
        text = round_page(client_for, world, round_, language)
        table = first_table(text)
        cells = row(table, "Everyone" if language == "en" else "Iedereen")
        with translation.override(language):
            words = judgements.not_interpretable()
        assert cells[4] == words  # the alpha cell: words, no number
        assert f"{total.alpha:.2f}" not in table
        assert f"{total.alpha:.2f}".replace(".", ",") not in table
        assert rule not in text
    text = round_page(client_for, world, round_)
    # The reversed statements run against the others: flagged with their own text.
    assert text.count("This statement goes against the others: check its keying") >= 2
    assert "“When students make things hard for us in class, everyone in our team goes" in text


def test_alpha_is_not_shown_with_fewer_than_10_complete_cases(world, client_for, round_):
    text = first_table(round_page(client_for, world, round_))
    for team in ("Team A", "Team B"):
        cells = row(text, team)
        assert cells[1] == "6"  # the complete cases it would rest on
        assert cells[4] == "·"  # no alpha
        assert cells[5] not in ("", "·")  # the reliability of the team's mean instead


def test_an_icc_over_five_teams_shows_its_interval_and_no_reading(world, client_for, round_):
    scale = round_results(round_).scales[0]
    assert scale.icc1 is not None
    assert scale.icc1_ci is not None
    table = first_table(round_page(client_for, world, round_))
    low, high = scale.icc1_ci
    assert f"ICC(1) 95% interval {low:.2f} to {high:.2f}" in table
    assert "With fewer than 10 teams this is too uncertain to put into words" in table
    for reading in ("Teams differ", "Teams hardly differ"):
        assert reading not in table


def test_random_looking_agreement_is_not_read_as_agreement(world, client_for, round_):
    table = first_table(round_page(client_for, world, round_))
    for team in ("Team B", "Team C", "Team D", "Team E"):
        reading = row(table, team)[-1]
        assert reading.startswith("Agree no more than random groups of the same size would")
        assert "largely agree" not in reading
    reading = row(table, "Team A")[-1]
    assert reading.startswith("Answers largely agree")
    # Six people from five teams: the team's mean itself is uncertain, and said so.
    assert reading.endswith("The mean is uncertain: read it with care")


def test_a_change_within_the_noise_is_read_as_such(world, client_for):
    teams = five_teams(world)
    answered(world, teams, {"Team A": AGREEING}, weeks=30)
    answered(world, teams, {"Team A": AGREEING}, weeks=4)
    url = reverse("reports:dashboard", args=[world.school.slug])
    text = page(client_for(world.leader), url)
    table = text[text.index('id="section-collective_efficacy"') :]
    table = first_table(table)
    change = re.search(r'<tr class="change-row">(.*?)</tr>', table, re.S)
    assert change
    cells = [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", change.group(1), re.S)
    ]
    assert cells[1].startswith("Change since ")
    assert "0.00 (95% interval -" in cells[1]
    assert "Hedges' g 0.00" in cells[1]
    assert cells[2] == "Within the noise: no clear change"
    dutch = page(client_for(world.leader), url, "nl")
    assert "Binnen de ruis" in dutch


def test_the_workbook_gives_the_change_with_its_interval(world, client_for):
    from tests.helpers import english
    from tests.test_reports_results_excel import download

    teams = five_teams(world)
    answered(world, teams, {"Team A": AGREEING}, weeks=30)
    latest = answered(world, teams, {"Team A": AGREEING}, weeks=4)
    workbook = download(english(client_for(world.leader)), latest)
    sheet = workbook["Group competence"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0]]
    labels = [r[0] for r in rows]
    start = labels.index("Change since Meting-30, with 95% intervals")
    everyone = rows[labels.index("Everyone", start)]
    assert everyone[1] == 0
    assert everyone[2] < 0 < everyone[3]  # the interval holds zero
    assert everyone[7] == "Within the noise: no clear change"
    assert everyone[2] == round(everyone[2], 2)  # no more precision than the page
    assert rows[labels.index("Team B")][1] == 6  # the figures above are unchanged
