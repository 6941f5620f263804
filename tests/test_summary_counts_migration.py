"""The data migration that copies a stored summary's counts into its new columns, and the
model that keeps them in step afterwards."""

from __future__ import annotations

import datetime as dt

import pytest

BEFORE = ("reports", "0003_summary_counts")
AFTER = ("reports", "0004_fill_summary_counts")


def document(invited: int, answered: int | None, collective: list[float | None]) -> dict:
    scale = {"instrument": "teacher_self_efficacy", "total": {"mean": 1.5}}
    scales = [scale] + [
        {"instrument": "collective_efficacy", "total": {"mean": mean} if mean else None}
        for mean in collective
    ]
    return {"invited": invited, "answered": answered, "closed": True, "scales": scales}


@pytest.mark.django_db(transaction=True)
def test_existing_summaries_get_their_counts_and_collective_efficacy(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    Board = old.apps.get_model("schools", "Board")
    School = old.apps.get_model("schools", "School")
    SchoolYear = old.apps.get_model("schools", "SchoolYear")
    Round = old.apps.get_model("surveys", "Round")
    RoundSummary = old.apps.get_model("reports", "RoundSummary")
    school = School.objects.create(
        board=Board.objects.create(name="Bestuur", slug="bestuur"),
        name="School",
        slug="school",
        sector="po",
    )
    year = SchoolYear.objects.create(
        start_year=2025, starts_on=dt.date(2025, 8, 1), ends_on=dt.date(2026, 7, 31)
    )

    def summary(data: dict) -> int:
        round_ = Round.objects.create(
            school=school,
            school_year=year,
            title="Meting",
            mode="staff",
            opens_on=dt.date(2025, 10, 1),
            closes_on=dt.date(2025, 10, 15),
            anonymity_threshold=5,
        )
        RoundSummary.objects.create(round=round_, schema=3, data=data)
        return round_.pk

    shown = summary(document(16, 12, [3.0, 4.0]))
    hidden = summary(document(3, None, [None, 4.0]))
    without = summary(document(20, 20, []))

    new = migrator.apply_tested_migration(AFTER)
    rows = new.apps.get_model("reports", "RoundSummary").objects
    got = {
        pk: (invited, answered, efficacy)
        for pk, invited, answered, efficacy in rows.values_list(
            "round_id", "invited", "answered", "collective_efficacy"
        )
    }
    assert got == {shown: (16, 12, 3.5), hidden: (3, None, None), without: (20, 20, None)}


@pytest.mark.django_db
def test_a_summary_saved_later_keeps_its_columns_in_step(world):
    from dramaturg.reports.models import RoundSummary
    from tests.survey_helpers import staff_round

    round_ = staff_round(world, [world.team_a])
    summary = RoundSummary.objects.create(round=round_, schema=3, data=document(10, 7, [2.0]))
    assert (summary.invited, summary.answered, summary.collective_efficacy) == (10, 7, 2.0)
    RoundSummary.objects.update_or_create(
        round=round_, defaults={"schema": 3, "data": document(10, 9, [])}
    )
    summary.refresh_from_db()
    assert (summary.invited, summary.answered, summary.collective_efficacy) == (10, 9, None)
