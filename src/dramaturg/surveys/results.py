"""What a round shows: response rates and scale figures, never for a group below the threshold.

`round_results` turns a round's responses into figures through the analysis engine's one
aggregation, `dramaturg.analysis.summarise`: the whole round loads with one query into a
matrix, "don't know" (0) becomes missing, and per scale the engine scores, describes and
suppresses:

* every group (team or class) with fewer scored respondents than the threshold, and
* as many further groups as needed, smallest first, so that the round total minus the
  shown groups never reveals a suppressed group of fewer than threshold people.

On top of that, a group whose response rate is hidden (by its size) shows no figures.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from dramaturg.analysis import summarise
from dramaturg.analysis.suppression import suppress
from dramaturg.surveys import release
from dramaturg.surveys.answering import round_steps
from dramaturg.surveys.instruments import Instrument, Scale
from dramaturg.surveys.models import Round, RoundTarget


@dataclass(frozen=True)
class Figure:
    n: int
    mean: float | None = None
    sd: float | None = None
    alpha: float | None = None
    rwg_j: float | None = None  # agreement within a group; omega for the whole round

    @property
    def suppressed(self) -> bool:
        return self.mean is None


@dataclass(frozen=True)
class ScaleResult:
    instrument: Instrument
    scale: Scale
    total: Figure
    by_target: dict[int, Figure]
    icc1: float | None = None
    icc2: float | None = None
    # Per item, how many chose each option (1..k), for the whole round; None when suppressed.
    distribution: dict[str, list[int]] | None = None


@dataclass(frozen=True)
class Rate:
    target: RoundTarget
    invited: int
    answered: int | None  # None: the group is below the threshold, so no figure at all

    @property
    def percent(self) -> int | None:
        if self.answered is None or not self.invited:
            return None
        return round(100 * self.answered / self.invited)


def _matrix(rows: list[tuple[int, list[int]]], width: int) -> np.ndarray:
    matrix = np.array([answers for _target, answers in rows], dtype=np.float64)
    matrix = matrix.reshape(len(rows), width)
    matrix[matrix == 0] = np.nan  # "don't know" counts as missing
    return matrix


def _group_figure(entry: dict[str, Any], hidden: bool) -> Figure:
    if hidden or entry["suppressed"]:
        return Figure(entry["n"])
    return Figure(entry["n"], entry["mean"], entry["sd"], entry["alpha"], entry["rwg_j"])


def round_results(round_: Round, rate_hidden: set[int] | None = None) -> list[ScaleResult]:
    """The round's figures per scale; `rate_hidden` (the groups whose response rate is hidden,
    `Turnout.hidden`) saves reading the targets again when the caller has them."""
    release.settle(round_)  # a closed round's last waiting answers count from now on
    rows = list(round_.responses.values_list("target_id", "answers"))
    steps = round_steps(round_)
    width = steps[-1].offset + len(steps[-1].scale.items) if steps else 0
    matrix = _matrix(rows, width)
    labels = np.array([target for target, _answers in rows], dtype=np.int64)
    threshold = round_.anonymity_threshold
    # Groups whose response rate is hidden stay hidden here too: otherwise their counts
    # could be worked out from the figures' n and the shown rates.
    if rate_hidden is None:
        rate_hidden = hidden_by_size(round_)
    results = []
    for step in steps:
        instrument, scale = step.instrument, step.scale
        summary = summarise(
            matrix[:, step.offset : step.offset + len(scale.items)],
            labels,
            item_names=[item.id for item in scale.items],
            options=instrument.option_count,
            reverse=np.array([item.reverse for item in scale.items]),
            min_items=scale.min_items,
            threshold=threshold,
        )
        whole = summary["scale"]
        total = (
            Figure(summary["n"])
            if whole.get("suppressed")
            else Figure(summary["n"], whole["mean"], whole["sd"], whole["alpha"])
        )
        by_target = {
            int(entry["group"]): _group_figure(entry, int(entry["group"]) in rate_hidden)
            for entry in summary["groups"]
        }
        results.append(
            ScaleResult(
                instrument,
                scale,
                total,
                by_target,
                summary["icc1"],
                summary["icc2"],
                whole.get("distribution"),
            )
        )
    return results


@dataclass(frozen=True)
class Turnout:
    """Who could answer and how many did, per team or class, read once: the response
    rates, the round's total and the hidden groups all follow from it."""

    targets: list[RoundTarget]
    answered: dict[int, int]
    hidden: set[int]  # groups too small (or, by subtraction, too revealing) to show
    threshold: int

    @property
    def rates(self) -> list[Rate]:
        """Per team or class: how many answered. A group with fewer invited than the
        threshold shows nothing, not even the count, since "2 of 4" in a small team says who
        is missing; and, as for figures, further groups are hidden until the round's total
        minus the shown counts cannot give a small group away."""
        return [
            Rate(t, t.invited, None if t.pk in self.hidden else self.answered[t.pk])
            for t in self.targets
        ]

    @property
    def total(self) -> int | None:
        """How many answered in the whole round, or None while fewer were invited than the
        threshold (the per-group suppression keeps the total safe otherwise)."""
        if sum(t.invited for t in self.targets) < self.threshold:
            return None
        return sum(self.answered.values())


def turnout(round_: Round) -> Turnout:
    release.settle(round_)
    targets = list(round_.targets.select_related("team", "student_group"))
    return Turnout(
        targets,
        _answered_per_target(round_),
        hidden_by_size(round_, targets),
        round_.anonymity_threshold,
    )


def response_rates(round_: Round) -> list[Rate]:
    return turnout(round_).rates


def hidden_by_size(round_: Round, targets: list[RoundTarget] | None = None) -> set[int]:
    """The teams and classes too small (or, by subtraction, too revealing) to show anything."""
    targets = targets if targets is not None else list(round_.targets.all())
    return suppress({t.pk: t.invited for t in targets}, round_.anonymity_threshold)


def total_answered(round_: Round) -> int | None:
    return turnout(round_).total


def _answered_per_target(round_: Round) -> dict[int, int]:
    """Released responses only: a used link or code whose answers still wait for release
    (`release.py`) is not counted, so rates move in the same steps as the figures."""
    answered: dict[int, int] = defaultdict(int)
    for target_id in round_.responses.values_list("target_id", flat=True):
        answered[target_id] += 1
    return answered
