"""Learning over time: counts of moments per school year, hidden below the threshold.

Property-style: for any counts, no shown cell is below the threshold, and nobody who knows
the shown cells, the total and the rule (a small cell lies in 0..N-1, a guarded one is at
least N) can work out a hidden small count exactly. That is checked by brute force: every
assignment of the hidden cells consistent with what is shown is enumerated.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from dramaturg.repertoire import counts
from dramaturg.repertoire.codes import author_key
from dramaturg.repertoire.counts import (
    GUARD,
    SMALL,
    MomentFacts,
    count_years,
    protect_year,
    suppress,
)
from dramaturg.repertoire.models import CodeTag, Moment
from dramaturg.repertoire.services.cases import create_case
from tests.helpers import english
from tests.worker import get_ready

KEYS = ("a", "b", "c", "d")


def feasible_values(breakdown, total: int, threshold: int) -> dict[str, set[int]]:
    """For each hidden cell, every value it can take given what is shown."""
    hidden = [key for key in breakdown.keys if not breakdown.cells[key].shown]
    rest = total - sum(breakdown.cells[k].count for k in breakdown.keys if k not in hidden)
    ranges = [
        range(threshold)
        if breakdown.cells[key].hidden == SMALL
        else range(threshold, max(rest, threshold) + 1)
        for key in hidden
    ]
    found: dict[str, set[int]] = {key: set() for key in hidden}
    for values in itertools.product(*ranges):
        if sum(values) == rest:
            for key, value in zip(hidden, values, strict=True):
                found[key].add(value)
    return found


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=14), min_size=2, max_size=4),
    st.integers(min_value=3, max_value=6),
)
def test_a_partition_never_shows_or_gives_away_a_small_count(values, threshold):
    keys = KEYS[: len(values)]
    data = dict(zip(keys, values, strict=True))
    total_cell, (breakdown,) = protect_year(sum(values), [(data, keys)], threshold)
    for key in keys:
        cell = breakdown.cells[key]
        if cell.shown:
            assert cell.count == data[key] >= threshold
        else:
            assert cell.count is None
            assert (cell.hidden == SMALL) == (data[key] < threshold)
    if not total_cell.shown:
        assert all(not cell.shown for cell in breakdown.cells.values())
        return  # no total, no shown cell: nothing ties the hidden cells together
    assert total_cell.count == sum(values) >= threshold
    for key, possible in feasible_values(breakdown, sum(values), threshold).items():
        assert data[key] in possible
        if breakdown.cells[key].hidden == SMALL:
            # Known exactly only when nothing of that kind occurred at all.
            assert len(possible) > 1 or possible == {0}


def test_one_small_cell_beside_a_shown_total_gets_a_guard():
    breakdown = suppress({"a": 2, "b": 7, "c": 9}, ("a", "b", "c"), 5, partition=True)
    assert [breakdown.cells[k].hidden for k in "abc"] == [SMALL, GUARD, ""]
    assert breakdown.cells["c"].count == 9


def test_small_cells_that_give_themselves_away_hide_the_total():
    # Every clash 4 with a threshold of 5: the total of 16 would say so.
    total, (clash, stage) = protect_year(
        16, [({"a": 4, "b": 4, "c": 4, "d": 4}, KEYS), ({"a": 16}, KEYS)], 5
    )
    assert total.count is None
    assert total.hidden == GUARD
    assert all(not cell.shown for cell in [*clash.cells.values(), *stage.cells.values()])


def test_codes_are_not_a_partition_and_need_no_guard():
    breakdown = suppress({"1": 2, "2": 7}, ("1", "2", "3"), 5, partition=False)
    assert [breakdown.cells[k].hidden for k in "123"] == [SMALL, "", SMALL]


def test_years_are_counted_apart_and_only_the_latest_three_kept():
    facts = [
        MomentFacts(year, "home_school", "podium", frozenset({1}))
        for year in (2021, 2022, 2023, 2024)
        for _n in range(year - 2018)
    ]
    years = count_years(facts, ["1", "2"], 3)
    assert [y.label for y in years] == ["2022–2023", "2023–2024", "2024–2025"]
    assert [y.total.count for y in years] == [4, 5, 6]
    assert [y.clash.cells["home_school"].count for y in years] == [4, 5, 6]
    assert years[0].codes.cells["1"].count == 4
    assert years[0].codes.cells["2"].hidden == SMALL
    small = count_years(facts[:3], ["1"], 5)[0]
    assert small.total.count is None
    assert small.total.hidden == SMALL


# --- The dashboard ----------------------------------------------------------------------------


def record(world, day, clash, stage, codes=()):
    moment = Moment.objects.create(
        school=world.school,
        what_happened="Een leerling verliest zijn gezicht.",
        clash=clash,
        stage=stage,
        recorded_on=day,
        author_key=author_key(world.teacher, world.school),
    )
    moment.codes.set(codes)
    return moment


@pytest.mark.django_db
def test_the_dashboard_shows_the_chart_without_small_counts(world, client_for):
    threshold = world.school.anonymity_threshold
    face = CodeTag.objects.get(school=world.school, key="face_honour")
    day = timezone.localdate()
    # This year: 9 school/peers with the face code, 2 home/school, 6 home/peers, 7 all three.
    for clash, stage, number in (
        ("school_peer", "podium", 9),
        ("home_school", "audience", 2),
        ("home_peer", "wings", 6),
        ("all", "wings", 7),
    ):
        for _n in range(number):
            record(world, day, clash, stage, [face] if clash == "school_peer" else [])
    case = create_case(world.leader, world.school, title="Casus", clash="all")
    last_year = day - dt.timedelta(days=400)  # in the school year before
    for _n in range(threshold):
        Moment.objects.filter(pk=record(world, last_year, "all", "wings").pk).update(case=case)

    client = english(client_for(world.leader))
    url = reverse("reports:dashboard", args=[world.school.slug])
    get_ready(client, url)  # the worker draws the charts once
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    for _n in range(10):
        record(world, day, "home_peer", "dressing_room")
    get_ready(client, url)  # the changed chart is drawn by the worker, as the first was
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)  # constant queries, whatever the number of moments

    assert "Learning over time" in page
    for key in ("learning-clash", "learning-codes", "learning-stage"):
        assert f'id="{key}"' in page
    assert f"fewer than {threshold}" in page
    assert "not shown" in page
    assert "deleted at the end of their school year" in page
    clash_table = page[page.index('id="learning-clash"') : page.index('id="learning-codes"')]
    cells = re.findall(r"<td>([^<]*)</td>", clash_table)
    # Home/school (2) is the only small count this year, so with the total of 24 shown it
    # needs a guard: the smallest shown count (home/peers, 6) is not shown either.
    assert "2" not in cells
    assert "6" not in cells
    assert "not shown" in cells
    assert {"9", "7", "24", str(threshold)} <= set(cells)
    assert all(not c.isdigit() or int(c) >= threshold for c in cells)
    # The dressing room section holds the ladders and codes, the podium section the stages.
    dressing = page[page.index('id="stage-dressing_room"') :]
    podium = page[page.index('id="stage-podium"') : page.index('id="stage-audience"')]
    assert 'id="learning-clash"' in dressing
    assert 'id="learning-stage"' in podium


@pytest.mark.django_db
def test_the_dashboard_says_when_there_are_no_moments(world, client_for):
    page = english(client_for(world.culture_carrier)).get(
        reverse("reports:dashboard", args=[world.school.slug])
    )
    assert "No moments have been recorded yet." in page.content.decode()
    assert counts.learning_counts(world.school)[0] == []
