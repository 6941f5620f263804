"""A round's results object (`surveys.results.RoundResults`) stored as JSON, computed by the
background worker, and read back as the same typed object.

A dashboard draws on every round a school ever held. Recomputing fifteen rounds of answers
per page view would cost far more than the page may take, so every round's results are
computed by the worker (`reports.tasks.compute_summaries`) when its inputs change — it opens
or is made, a batch of answers is released, it closes (the `surveys.signals.round_changed`
signal) — and kept in `RoundSummary`. A page reads them with `ready` in one query; a round
without a current summary is requested and shown as "being prepared", never computed in the
request. The stored document is `RoundResults.to_data()`: a serialisation of the object in
which every suppression rule is already applied, so reading it back can never reveal more
than the round page does. No rule lives here.

A summary is current when its schema is `SCHEMA` and it was computed in the round's present
state (open or closed): a round that closed by its date while nobody looked has an open
round's summary, which `ready` treats as missing (and `dramaturg recompute --due`, daily,
requests). Bump `SCHEMA` whenever the object's fields change, and run
`dramaturg recompute --summaries`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from dramaturg.reports import derived
from dramaturg.reports.models import RoundSummary
from dramaturg.surveys.models import PendingResponse, Round
from dramaturg.surveys.results import RoundResults, round_results

# 2: the typed results object (reasons for hiding, people asked, rounded figures).
# 3: n_complete, r*wg(j), the random-group baseline, the team mean's reliability, ICC(1)'s
#    interval, items against the others; alpha only with 10 complete cases.
SCHEMA = 3


@dataclass
class Ready:
    """The stored results of the rounds that have a current summary, and the rounds whose
    summary is being prepared (requested by `ready`)."""

    found: dict[int, RoundResults] = field(default_factory=dict)
    pending: list[Round] = field(default_factory=list)


def _current(data: dict, round_: Round) -> bool:
    return bool(data.get("closed", True)) == (round_.status() == "closed")


def ready(rounds: Iterable[Round]) -> Ready:
    """What is stored, in one query; the rounds without a current summary are requested from
    the worker (once the transaction commits) and listed as pending. Never computes."""
    rounds = list(rounds)
    stored = dict(
        RoundSummary.objects.filter(round__in=[r.pk for r in rounds], schema=SCHEMA).values_list(
            "round_id", "data"
        )
    )
    result = Ready()
    for round_ in rounds:
        data = stored.get(round_.pk)
        if data is not None and _current(data, round_):
            result.found[round_.pk] = RoundResults.from_data(data)
        else:
            result.pending.append(round_)
    request([r.pk for r in result.pending])
    return result


def request(round_ids: Iterable[int]) -> None:
    """Ask the worker for these rounds' summaries once the transaction commits."""
    from dramaturg.reports import tasks  # tasks imports this module

    derived.request(derived.SUMMARY, round_ids, tasks.compute_summaries)


def summaries(rounds: Iterable[Round]) -> dict[int, RoundResults]:
    """The results of each round, computed where none is stored: for the worker and for
    files (exports), which must hold every figure; pages use `ready`."""
    rounds = list(rounds)
    have = ready_without_request(rounds)
    for round_ in rounds:
        if round_.pk not in have:
            have[round_.pk] = _compute_and_store(round_)
    return have


def ready_without_request(rounds: list[Round]) -> dict[int, RoundResults]:
    stored = RoundSummary.objects.filter(round__in=[r.pk for r in rounds], schema=SCHEMA)
    by_id = {r.pk: r for r in rounds}
    return {
        s.round_id: RoundResults.from_data(s.data)
        for s in stored
        if _current(s.data, by_id[s.round_id])
    }


def round_inputs(round_: Round) -> str:
    """A hash of everything a round's figures are computed from, short of the answers
    themselves: its state and dates, threshold, targets and how many answers were released
    and still wait. Answers arrive and are released only in counted batches, so a change
    of the answers changes a count. Three small queries."""
    targets = list(round_.targets.order_by("pk").values_list("pk", "invited"))
    parts = [
        SCHEMA,
        round_.status(),
        str(round_.last_day),
        round_.anonymity_threshold,
        targets,
        round_.responses.count(),
        PendingResponse.objects.filter(round_id=round_.pk).count(),
    ]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def compute_one(key: str) -> None:
    """The worker's computation of one round's summary (`derived.run`). Computes again if
    the inputs changed while it ran (a batch released, the round closed)."""
    round_ = Round.objects.filter(pk=int(key)).first()
    if round_ is None:
        return  # deleted meanwhile: nothing to store
    for _pass in range(derived.MAX_PASSES):
        before = round_inputs(round_)
        _compute_and_store(round_, before)
        round_.refresh_from_db()
        if round_inputs(round_) == before:
            return


def _compute_and_store(round_: Round, inputs: str = "") -> RoundResults:
    computed = round_results(round_)
    try:
        with transaction.atomic():
            RoundSummary.objects.update_or_create(
                round=round_,
                defaults={"schema": SCHEMA, "data": computed.to_data(), "inputs": inputs},
            )
    except IntegrityError:  # the round was deleted meanwhile, or stored by another process
        pass
    return computed
