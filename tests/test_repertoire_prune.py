"""End-of-year deletion: moments that joined no case go once their school year has ended."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from dramaturg.repertoire.models import Case, Moment
from dramaturg.repertoire.services.moments import prune_moments, record_moment

D = dt.date


def moment_on(world, day: dt.date, *, case: Case | None = None) -> Moment:
    moment = record_moment(
        world.teacher,
        world.school,
        what_happened=f"Een moment van {day}.",
        ladders=["home", "school"],
        stage="wings",
        what_i_did="Gesprek gevoerd.",
        how_it_ended="Afgesproken om terug te komen.",
    )
    Moment.objects.filter(pk=moment.pk).update(recorded_on=day, case=case)
    return moment


@pytest.mark.django_db
def test_unbundled_moments_of_an_ended_school_year_are_deleted(world):
    case = Case.objects.create(school=world.school, title="Gezag", clash="home_school")
    last_day = moment_on(world, D(2026, 7, 31))
    last_day_in_case = moment_on(world, D(2026, 7, 31), case=case)
    first_day = moment_on(world, D(2026, 8, 1))
    long_ago = moment_on(world, D(2024, 3, 1))

    # On the last day of the school year nothing of it goes.
    assert prune_moments(D(2026, 7, 31)) == 1  # only 2024's
    assert not Moment.objects.filter(pk=long_ago.pk).exists()
    assert Moment.objects.filter(pk=last_day.pk).exists()

    # From 1 August the year before has ended: unbundled moments go, bundled ones stay.
    assert prune_moments(D(2026, 8, 1)) == 1
    remaining = set(Moment.objects.values_list("pk", flat=True))
    assert remaining == {last_day_in_case.pk, first_day.pk}
    assert case.moments.count() == 1
    assert prune_moments(D(2026, 8, 1)) == 0  # running it twice is harmless

    # A year on, the moment of 1 August 2026 goes too; the case's moment stays.
    assert prune_moments(D(2027, 8, 1)) == 1
    assert set(Moment.objects.values_list("pk", flat=True)) == {last_day_in_case.pk}


@pytest.mark.django_db
def test_the_command_prunes_by_today(world):
    old = moment_on(world, D(2000, 1, 1))
    today = moment_on(world, timezone.localdate())
    out = StringIO()
    call_command("prune_moments", stdout=out)
    assert out.getvalue().strip() == "deleted 1 moment(s)"
    assert not Moment.objects.filter(pk=old.pk).exists()
    assert Moment.objects.filter(pk=today.pk).exists()
