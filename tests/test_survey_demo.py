"""The demo's measurement rounds: two school years, team differences, suppression, once."""

from __future__ import annotations

import datetime as dt
import statistics
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from dramaturg.demo.data import demo_email
from dramaturg.demo.surveys import SMALL_TEAM, SMALL_TEAMS, STAFF, build_survey_demo
from dramaturg.schools.models import School, SchoolYear, Team
from dramaturg.schools.roles import Role
from dramaturg.surveys.instrument_versions import instrument_versions
from dramaturg.surveys.models import Participation, Response, Round
from dramaturg.surveys.results import round_results
from tests.survey_helpers import round_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def school() -> School:
    out = StringIO()
    call_command("demo", stdout=out)
    assert "measurement rounds" in out.getvalue()
    return School.objects.get(
        memberships__user__email=demo_email("leider"), memberships__role=Role.LEADER
    )


def closed_staff_rounds(school: School) -> list[Round]:
    """The rounds with the shipped staff instruments that have closed, oldest first."""
    return [
        round_
        for round_ in school.rounds.filter(mode=Round.Mode.STAFF).order_by("opens_on")
        if round_.status() == "closed"
        and [ri.instrument_id for ri in round_.instruments.all()] == list(STAFF)
    ]


def shown_means(round_: Round, instrument_id: str) -> dict[str, float]:
    """Per team shown on every scale of the instrument: the mean of its scale means."""
    names = {target.pk: target.team.name for target in round_.targets.select_related("team")}
    results = [r for r in round_results(round_).scales if r.instrument == instrument_id]
    shown = {
        key
        for key in names
        if all(key in r.groups and not r.groups[key].suppressed for r in results)
    }
    return {names[key]: statistics.fmean(r.groups[key].mean for r in results) for key in shown}


def test_the_demo_school_has_rounds_in_two_school_years(school):
    current = SchoolYear.objects.current()
    years = set(school.rounds.values_list("school_year__start_year", flat=True))
    assert years == {current.start_year - 1, current.start_year}
    instruments = set(school.rounds.values_list("instruments__instrument_id", flat=True))
    assert {*STAFF, "student_self_efficacy"} <= instruments
    assert any(key.endswith("_self_evaluation") for key in instruments)
    assert any(key.endswith("_agreements") for key in instruments)
    assert len(closed_staff_rounds(school)) >= 2
    # Every other school measured too (for the network benchmarks), without card rounds.
    others = Round.objects.exclude(school=school)
    assert not others.filter(instruments__card_version__isnull=False).exists()
    for round_ in school.rounds.all():
        assert round_.anonymity_threshold == school.anonymity_threshold
        assert round_.created_by.email == demo_email("leider")
        assert round_.school_year.contains(round_.opens_on)
        assert round_.opens_on <= timezone.localdate()
        assert round_.instruments.exclude(card_version=None).exists() == (
            "Zelfevaluatie" in round_.title
        )
    student_round = school.rounds.filter(mode=Round.Mode.STUDENTS).first()
    assert student_round.student_access == Round.StudentAccess.CLASS_CODE
    classes = {t.student_group.name: t for t in student_round.targets.all()}
    assert set(classes) == {"Groep 6", "Groep 7", "Groep 8"}
    for target in classes.values():
        assert 20 <= target.invited == target.student_group.size <= 30
        assert target.class_code


def test_last_school_years_rounds_used_the_first_versions_and_this_years_the_current(school):
    current = SchoolYear.objects.current().start_year
    seen = set()
    for round_ in school.rounds.select_related("school_year"):
        for frozen in round_.instruments.filter(card_version=None):
            versions = instrument_versions(frozen.instrument_id)
            last_year = round_.school_year.start_year < current
            expected = versions[0] if last_year else versions[-1]
            assert (frozen.version, frozen.instrument) == (expected.version, expected)
            seen.add(frozen.version)
    assert seen == {1, 2}


def test_the_small_team_is_suppressed_and_larger_teams_are_shown(school):
    small = Team.objects.get(school=school, name=SMALL_TEAM)
    assert 0 < small.memberships.count() < school.anonymity_threshold
    for round_ in closed_staff_rounds(school):
        rates = {rate.name: rate for rate in round_results(round_).targets}
        assert rates[SMALL_TEAM].answered is None  # not even "3 of 4"
        small_names = {name for name, _size in SMALL_TEAMS}
        assert all(
            rate.answered is not None for name, rate in rates.items() if name not in small_names
        )
        small_target = round_.targets.get(team=small).pk
        for result in round_results(round_).scales:
            assert result.groups[small_target].suppressed
            assert result.groups[small_target].n is None  # not even its count
            assert not result.total.suppressed
            shown = [f for f in result.groups.values() if not f.suppressed]
            assert len(shown) >= 2
            assert all(f.n >= round_.anonymity_threshold for f in shown)


def test_teams_differ_and_one_team_improves_over_the_years(school):
    rounds = closed_staff_rounds(school)
    first = shown_means(rounds[0], "collective_efficacy")
    assert max(first.values()) - min(first.values()) > 0.5
    assert first["Onderbouw"] > first["Bovenbouw"]
    later = [shown_means(r, "collective_efficacy") for r in rounds[1:]]
    last = next(means for means in reversed(later) if "Bovenbouw" in means)
    assert last["Bovenbouw"] > first["Bovenbouw"] + 0.2
    students = school.rounds.filter(mode=Round.Mode.STUDENTS).first()
    means = [f.mean for r in round_results(students).scales for f in r.groups.values()]
    assert max(means) - min(means) > 0.1


def test_answers_fit_the_instruments_and_the_participations(school):
    dont_know = total = 0
    for round_ in school.rounds.all():
        items = round_items(round_)
        answered = dict(
            Participation.objects.filter(target__round=round_, answered=True)
            .values_list("target")
            .annotate(n=Count("id"))
            .order_by()
        )
        for target in round_.targets.annotate(n=Count("responses")):
            assert target.n <= target.invited
            if round_.mode == Round.Mode.STAFF:
                assert answered.get(target.pk, 0) == target.n
                assert target.participants.count() == target.invited
        for response in Response.objects.filter(round=round_):
            assert len(response.answers) == len(items)
            # The Monday of a day on which the round was open, and not after today.
            assert response.week.weekday() == 0
            assert round_.opens_on - dt.timedelta(days=6) <= response.week <= round_.last_day
            assert response.week <= timezone.localdate()
            for (ri, _item), value in zip(items, response.answers, strict=True):
                instrument = ri.instrument
                low = 0 if instrument.dont_know else 1
                assert low <= value <= instrument.option_count
                dont_know += value == 0
                total += 1
    assert 0.005 < dont_know / total < 0.1


def test_reverse_keyed_items_go_against_the_others(school):
    round_ = closed_staff_rounds(school)[0]
    items = round_items(round_)
    plain = [i for i, (ri, item) in enumerate(items) if not item.reverse and ri.position == 1]
    reverse = [i for i, (ri, item) in enumerate(items) if item.reverse and ri.position == 1]
    assert reverse
    pairs = []
    for answers in round_.responses.values_list("answers", flat=True):
        p = [answers[i] for i in plain if answers[i]]
        r = [answers[i] for i in reverse if answers[i]]
        if p and r:
            pairs.append((statistics.fmean(p), statistics.fmean(r)))
    assert statistics.correlation(*zip(*pairs, strict=True)) < -0.3


def test_running_the_demo_again_creates_nothing(school):
    def counts():
        return [model.objects.count() for model in (Round, Response, Participation, Team)] + [
            school.student_groups.count()
        ]

    before = counts()
    call_command("demo", verbosity=0)
    assert build_survey_demo(school) == []
    assert counts() == before


def test_the_same_seed_gives_the_same_answers(school):
    def answers():
        return sorted(
            (title, answers)
            for title, answers in Response.objects.values_list("round__title", "answers")
        )

    before = answers()
    Round.objects.filter(school=school).delete()
    assert build_survey_demo(school)
    assert answers() == before
