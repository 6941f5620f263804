"""What a round shows: response rates and scale figures, never for a group below the threshold.

`round_results` is the one place that turns responses into figures. It loads the whole
round in one query, scores every respondent on every scale (reverse keying, "don't know"
as missing, a minimum number of answered items), and suppresses:

* every group (team or class) with fewer scored respondents than the threshold, and
* as many further groups as needed, smallest first, so that the round total minus the
  shown groups never reveals a suppressed group of fewer than threshold people.

The suppression rule itself lives in `dramaturg.analysis.suppression`, shared with the
analysis engine.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass

from dramaturg.analysis.suppression import suppress
from dramaturg.surveys.instruments import Instrument, Scale
from dramaturg.surveys.models import Participation, Round, RoundTarget, StudentCode


@dataclass(frozen=True)
class Figure:
    n: int
    mean: float | None = None
    sd: float | None = None

    @property
    def suppressed(self) -> bool:
        return self.mean is None


@dataclass(frozen=True)
class ScaleResult:
    instrument: Instrument
    scale: Scale
    total: Figure
    by_target: dict[int, Figure]


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


def scale_score(instrument: Instrument, scale: Scale, answers: list[int], offset: int):
    """A respondent's scale score: the mean of the answered items after reverse keying, or
    None below the scale's minimum of answered items."""
    values = []
    for i, item in enumerate(scale.items):
        value = answers[offset + i]
        if value:  # 0 is "don't know": missing
            values.append(instrument.reverse_value(value) if item.reverse else value)
    return sum(values) / len(values) if len(values) >= scale.min_items else None


def _figure(scores: list[float], show: bool) -> Figure:
    if not show:
        return Figure(len(scores))
    sd = statistics.stdev(scores) if len(scores) > 1 else 0.0
    return Figure(len(scores), statistics.fmean(scores), sd)


def round_results(round_: Round) -> list[ScaleResult]:
    rows = list(round_.responses.values_list("target_id", "answers"))
    threshold = round_.anonymity_threshold
    # Groups whose response rate is hidden stay hidden here too: otherwise their counts
    # could be worked out from the figures' n and the shown rates.
    rate_hidden = hidden_by_size(round_)
    results, offset = [], 0
    for round_instrument in round_.instruments.all():
        instrument = round_instrument.instrument
        for scale in instrument.scales:
            scores: dict[int, list[float]] = defaultdict(list)
            for target_id, answers in rows:
                score = scale_score(instrument, scale, answers, offset)
                if score is not None:
                    scores[target_id].append(score)
            hidden = suppress({key: len(v) for key, v in scores.items()}, threshold)
            hidden |= rate_hidden
            everyone = [s for values in scores.values() for s in values]
            results.append(
                ScaleResult(
                    instrument,
                    scale,
                    _figure(everyone, len(everyone) >= threshold),
                    {key: _figure(v, key not in hidden) for key, v in scores.items()},
                )
            )
            offset += len(scale.items)
    return results


def response_rates(round_: Round) -> list[Rate]:
    """Per team or class: how many answered. A group with fewer invited than the threshold
    shows nothing, not even the count, since "2 of 4" in a small team says who is missing;
    and, as for figures, further groups are hidden until the round's total minus the shown
    counts cannot give a small group away."""
    targets = list(round_.targets.select_related("team", "student_group"))
    answered = _answered_per_target(round_)
    hidden = hidden_by_size(round_, targets)
    return [Rate(t, t.invited, None if t.pk in hidden else answered[t.pk]) for t in targets]


def hidden_by_size(round_: Round, targets: list[RoundTarget] | None = None) -> set[int]:
    """The teams and classes too small (or, by subtraction, too revealing) to show anything."""
    targets = targets if targets is not None else list(round_.targets.all())
    return suppress({t.pk: t.invited for t in targets}, round_.anonymity_threshold)


def total_answered(round_: Round) -> int | None:
    """How many answered in the whole round, or None while fewer were invited than the
    threshold (the per-group suppression above keeps the total safe otherwise)."""
    invited = sum(t.invited for t in round_.targets.all())
    if invited < round_.anonymity_threshold:
        return None
    return sum(_answered_per_target(round_).values())


def _answered_per_target(round_: Round) -> dict[int, int]:
    answered: dict[int, int] = defaultdict(int)
    if round_.mode == Round.Mode.STAFF:
        done = Participation.objects.filter(target__round=round_, answered=True)
    elif round_.student_access == Round.StudentAccess.SINGLE_USE:
        done = StudentCode.objects.filter(target__round=round_, used=True)
    else:
        done = round_.responses.all()
    for target_id in done.values_list("target_id", flat=True):
        answered[target_id] += 1
    return answered
