"""A round's shown figures as one JSON document, stored once the round is closed.

A dashboard draws on every round a school ever held. Recomputing fifteen rounds of answers
per page view would cost far more than the page may take, so a closed round's figures are
computed once (through `surveys.results`, which suppresses) and kept in `RoundSummary`;
open rounds are computed live. Since a summary is made only from what the round pages may
show, reading it back can never reveal more than they do:

* a hidden team or class keeps its name but no count and no figure;
* ICC(1)/ICC(2) are kept only when no group of the scale is hidden, because they are
  computed over all groups and, beside the shown means, can help recover a hidden one;
* an item's mean (indicators, agreements) is kept only when at least `threshold` people
  answered that item other than "don't know".

The format (bump `SCHEMA` on any change; old summaries are then recomputed):

    {"invited": int, "answered": int | None,
     "targets": {"<target id>": {"team": id | None, "class": id | None, "name": str,
                                 "invited": int, "answered": int | None, "hidden": bool}},
     "scales": [{"instrument": id, "scale": id, "card": id | None, "version": int | None,
                 "instrument_title": {nl, en}, "title": {nl, en}, "options": int,
                 "total": {"n", "mean", "sd", "alpha"}, "icc1", "icc2",
                 "groups": {"<target id>": {"n", "mean", "sd", "alpha", "rwg_j"}},
                 "items": [{"text": {nl, en}, "n", "mean"}]}]}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from dramaturg.reports.models import RoundSummary
from dramaturg.surveys.models import Round, RoundTarget
from dramaturg.surveys.results import (
    Figure,
    ScaleResult,
    round_results,
    turnout,
)

SCHEMA = 1

Summary = dict[str, Any]


def _figure(figure: Figure) -> dict[str, Any]:
    if figure.suppressed:
        return {"n": None, "mean": None, "sd": None, "alpha": None, "rwg_j": None}
    return {
        "n": figure.n,
        "mean": figure.mean,
        "sd": figure.sd,
        "alpha": figure.alpha,
        "rwg_j": figure.rwg_j,
    }


def _target_name(target: RoundTarget) -> str:
    return str(target.team or target.student_group)


def _items(result: ScaleResult, threshold: int) -> list[dict[str, Any]]:
    items = []
    for item in result.scale.items:
        counts = (result.distribution or {}).get(item.id) or []
        n = sum(counts)
        mean = sum(v * c for v, c in enumerate(counts, start=1)) / n if n >= threshold else None
        items.append({"text": item.text, "n": n if mean is not None else None, "mean": mean})
    return items


def compute(round_: Round) -> Summary:
    """The round's shown figures, computed now."""
    counts = turnout(round_)
    rates, hidden = counts.rates, counts.hidden
    targets = {
        str(rate.target.pk): {
            "team": rate.target.team_id,
            "class": rate.target.student_group_id,
            "name": _target_name(rate.target),
            "invited": rate.invited,
            "answered": rate.answered,
            "hidden": rate.target.pk in hidden,
        }
        for rate in rates
    }
    invited = sum(rate.invited for rate in rates)
    card_versions = {
        ri.instrument_id: ri.card_version
        for ri in round_.instruments.select_related("card_version")
    }
    scales = []
    for result in round_results(round_, counts.hidden):
        groups = {str(target): _figure(figure) for target, figure in result.by_target.items()}
        any_hidden = any(figure.suppressed for figure in result.by_target.values())
        version = card_versions.get(result.instrument.id)
        scales.append(
            {
                "instrument": result.instrument.id,
                "scale": result.scale.id,
                "card": version.card_id if version else None,
                "version": version.number if version else None,
                "instrument_title": result.instrument.title,
                "title": result.scale.title,
                "options": result.instrument.option_count,
                "total": _figure(result.total),
                "icc1": None if any_hidden else result.icc1,
                "icc2": None if any_hidden else result.icc2,
                "groups": groups,
                "items": _items(result, round_.anonymity_threshold),
            }
        )
    return {
        "invited": invited,
        "answered": counts.total,
        "targets": targets,
        "scales": scales,
    }


def summaries(rounds: Iterable[Round]) -> dict[int, Summary]:
    """The summary of each round: stored ones in one query, closed rounds without one computed
    and stored, open rounds computed live (their figures still change)."""
    rounds = list(rounds)
    stored = {
        summary.round_id: summary.data
        for summary in RoundSummary.objects.filter(round__in=[r.pk for r in rounds], schema=SCHEMA)
    }
    found: dict[int, Summary] = {}
    for round_ in rounds:
        if round_.pk in stored:
            found[round_.pk] = stored[round_.pk]
            continue
        data = compute(round_)
        if round_.status() == "closed":
            _store(round_, data)
        found[round_.pk] = data
    return found


def _store(round_: Round, data: Summary) -> None:
    try:
        with transaction.atomic():
            RoundSummary.objects.update_or_create(
                round=round_, defaults={"schema": SCHEMA, "data": data}
            )
    except IntegrityError:  # another request stored the same summary first
        pass
