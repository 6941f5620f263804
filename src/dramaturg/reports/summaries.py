"""A round's results object (`surveys.results.RoundResults`) stored as JSON once the round is
closed, and read back as the same typed object.

A dashboard draws on every round a school ever held. Recomputing fifteen rounds of answers
per page view would cost far more than the page may take, so a closed round's results are
computed once and kept in `RoundSummary`; open rounds are computed live. The stored document
is `RoundResults.to_data()`: a serialisation of the object in which every suppression rule
is already applied, so reading it back can never reveal more than the round page does. No
rule lives here.

Bump `SCHEMA` whenever the object's fields change: stored summaries of an older schema are
then recomputed on first read.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from dramaturg.reports.models import RoundSummary
from dramaturg.surveys.models import Round
from dramaturg.surveys.results import RoundResults, round_results

# 2: the typed results object (reasons for hiding, people asked, rounded figures).
# 3: n_complete, r*wg(j), the random-group baseline, the team mean's reliability, ICC(1)'s
#    interval, items against the others; alpha only with 10 complete cases.
SCHEMA = 3


def summaries(rounds: Iterable[Round]) -> dict[int, RoundResults]:
    """The results of each round: stored ones in one query, closed rounds without one computed
    and stored, open rounds computed live (their figures still change)."""
    rounds = list(rounds)
    stored = {
        summary.round_id: summary.data
        for summary in RoundSummary.objects.filter(round__in=[r.pk for r in rounds], schema=SCHEMA)
    }
    found: dict[int, RoundResults] = {}
    for round_ in rounds:
        if round_.pk in stored:
            found[round_.pk] = RoundResults.from_data(stored[round_.pk])
            continue
        computed = round_results(round_)
        if round_.status() == "closed":
            _store(round_, computed)
        found[round_.pk] = computed
    return found


def _store(round_: Round, computed: RoundResults) -> None:
    try:
        with transaction.atomic():
            RoundSummary.objects.update_or_create(
                round=round_, defaults={"schema": SCHEMA, "data": computed.to_data()}
            )
    except IntegrityError:  # another request stored the same summary first
        pass
