"""What a round shows, as one typed object: `round_results(round_)` returns `RoundResults`.

Every figure shown anywhere — the round page, the results workbook, the stored summary
(`reports.summaries` serialises this object), the dashboard, the team page, the charts, the
round report, the board overview and the network benchmarks — is read from this object, and
every suppression rule is already applied in it, in one place:

* **Groups.** A team or class is hidden (`TargetTurnout.hidden` says why) by
  `analysis.suppression.suppress_overlapping` on who was asked: fewer than the threshold
  (`too_few`); needed so that the round's total minus the shown groups cannot give a smaller
  group away (`complement`); or sharing people with another group so that a difference of
  the two would describe a few people (`overlap`). Reasons decided elsewhere are passed in
  through `extra_hidden` (one line per reason, see `_extra_hidden`). A hidden group shows no
  count and no figure.
* **Scales.** Per scale, groups with fewer scored respondents than the threshold are hidden
  as well, plus as many others as the complement rule needs (`analysis.summarise`, with the
  groups above counted as hidden). ICC(1)/ICC(2) are None when any group of the scale is
  hidden, since they are computed over all groups and could help recover a hidden one. An
  item's mean is kept only when at least the threshold answered it other than "don't know".
* **Counts** of answered come only from the released responses (`Response` rows per target),
  never from used links or codes, so rates move only when a batch of at least the threshold
  is released (`surveys/release.py`).
* **Figures only after closing.** While a round is open (or not yet open) the object holds
  the turnout, and its scales with every figure hidden (`closed` is False): nothing shown
  before the end can be subtracted from the end.
* **Alpha** is kept only with at least `MIN_ALPHA_CASES` complete cases (everyone or a
  group); every figure that rests on complete cases carries their number (`n_complete`).
* **Rounding.** Means, standard deviations, alpha, rwg(j), r*wg(j), reliabilities and the
  ICCs (and ICC(1)'s interval) are rounded to two decimals here, as the pages show them,
  so an export can never print more precision.

A scale score is the mean of a respondent's answered items after reverse keying; "don't
know" (0) counts as missing; there is no score below the scale's `min_items`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

import numpy as np
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from dramaturg.analysis import summarise
from dramaturg.analysis.suppression import COMPLEMENT, OVERLAP, TOO_FEW, suppress_overlapping
from dramaturg.surveys import release
from dramaturg.surveys.answering import round_steps
from dramaturg.surveys.models import (
    Participation,
    PendingResponse,
    Response,
    Round,
    RoundTarget,
)

DECIMALS = 2
MIN_ALPHA_CASES = 10  # complete cases below which alpha is not shown (docs/dashboard.md)
DISPUTED = "disputed"  # someone in the team said "this group is not right"
REASONS = (TOO_FEW, COMPLEMENT, OVERLAP, DISPUTED)


def shown(value: float | None, decimals: int = DECIMALS) -> float | None:
    """A figure as the pages show it: half up from the shortest repr (as `floatformat`)."""
    if value is None or not math.isfinite(value):
        return None
    step = Decimal(1).scaleb(-decimals)
    # A degenerate ICC can be huge (1e28): room for every digit, so it rounds, not fails.
    rounded = Decimal(repr(float(value))).quantize(step, ROUND_HALF_UP, Context(prec=400))
    return float(abs(rounded) if rounded == 0 else rounded)


@dataclass(frozen=True)
class Figure:
    """A group's (or everyone's) figures on a scale; all None when hidden."""

    n: int | None = None
    mean: float | None = None
    sd: float | None = None
    alpha: float | None = None
    rwg_j: float | None = None  # agreement within a group; None for everyone
    # The complete cases (every item answered) that alpha and agreement rest on.
    n_complete: int | None = None
    rwg_j_lindell: float | None = None  # Lindell's r*wg(j); None for everyone
    # Whether the group agrees beyond what random groups of its size from the round do.
    beyond_random: bool | None = None
    reliability: float | None = None  # of the group's mean: ICC(2) by Spearman-Brown

    @property
    def suppressed(self) -> bool:
        return self.n is None

    @property
    def alpha_readable(self) -> bool:
        """Alpha is a number to show: there (enough complete cases) and not negative."""
        return self.alpha is not None and self.alpha >= 0

    def to_data(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "mean": self.mean,
            "sd": self.sd,
            "alpha": self.alpha,
            "rwg_j": self.rwg_j,
            "n_complete": self.n_complete,
            "rwg_j_lindell": self.rwg_j_lindell,
            "beyond_random": self.beyond_random,
            "reliability": self.reliability,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any] | None) -> Figure:
        return cls(**data) if data else HIDDEN


HIDDEN = Figure()


@dataclass(frozen=True)
class TargetTurnout:
    """A team or class of the round: who could answer, how many did, and whether it is shown."""

    id: int
    team_id: int | None
    class_id: int | None
    name: str
    invited: int
    answered: int | None  # None when hidden
    hidden: str | None = None  # why it is hidden (see `REASONS`); None when shown

    @property
    def percent(self) -> int | None:
        if self.answered is None or not self.invited:
            return None
        return round(100 * self.answered / self.invited)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Item:
    text: dict[str, str]
    n: int | None  # None when fewer than the threshold answered it
    mean: float | None
    id: str = ""


@dataclass(frozen=True)
class ScaleResult:
    instrument: str
    scale: str
    card: int | None  # the card (and its version) of a generated instrument
    version: int | None
    instrument_title: dict[str, str]
    title: dict[str, str]
    options: int
    total: Figure
    groups: dict[int, Figure]  # per target id; every target of the round is here
    icc1: float | None = None
    icc2: float | None = None
    items: tuple[Item, ...] = ()
    # The 95% interval of ICC(1); None whenever the ICCs are hidden.
    icc1_ci: tuple[float, float] | None = None
    # Items whose item-rest correlation is negative (by id); only when the total is shown.
    negative_items: tuple[str, ...] = ()

    def of(self, target_id: int | None) -> Figure:
        return self.groups.get(target_id, HIDDEN) if target_id is not None else HIDDEN

    @property
    def shown_groups(self) -> int:
        """How many groups show a figure: the number of groups the ICCs rest on, since
        they are there only when no group with answers is hidden."""
        return sum(1 for figure in self.groups.values() if not figure.suppressed)

    @property
    def flagged_items(self) -> list[Item]:
        """The items that go against the others (a negative item-rest correlation)."""
        return [item for item in self.items if item.id in self.negative_items]


@dataclass(frozen=True)
class RoundResults:
    """Everything a round shows, with every suppression rule applied."""

    round_id: int
    threshold: int
    asked: int  # people asked (each person once, also when in two teams)
    invited: int  # places: personal links or class places
    answered: int | None  # responses; None while fewer than the threshold were invited
    targets: tuple[TargetTurnout, ...]
    scales: tuple[ScaleResult, ...] = field(default=())
    has_answers: bool = False  # whether anyone answered yet ("Nobody has answered yet.")
    closed: bool = True  # figures exist only once the round has closed (all hidden before)

    @property
    def percent(self) -> int | None:
        if self.answered is None or not self.invited:
            return None
        return round(100 * self.answered / self.invited)

    @property
    def hidden(self) -> set[int]:
        return {t.id for t in self.targets if t.hidden}

    def target(self, target_id: int) -> TargetTurnout:
        return next(t for t in self.targets if t.id == target_id)

    def target_of_team(self, team_id: int) -> TargetTurnout | None:
        return next((t for t in self.targets if t.team_id == team_id), None)

    def scales_of(self, instrument: str) -> list[ScaleResult]:
        return [s for s in self.scales if s.instrument == instrument]

    def by_instrument(self) -> Iterator[tuple[ScaleResult, list[ScaleResult]]]:
        """The scales in runs of one instrument: (the first scale, the run)."""
        run: list[ScaleResult] = []
        for scale in self.scales:
            if run and run[0].instrument != scale.instrument:
                yield run[0], run
                run = []
            run.append(scale)
        if run:
            yield run[0], run

    # --- stored as JSON (`reports.summaries`) ------------------------------------------------

    def to_data(self) -> dict[str, Any]:
        return {
            "round": self.round_id,
            "threshold": self.threshold,
            "asked": self.asked,
            "invited": self.invited,
            "answered": self.answered,
            "has_answers": self.has_answers,
            "closed": self.closed,
            "targets": [
                {
                    "id": t.id,
                    "team": t.team_id,
                    "class": t.class_id,
                    "name": t.name,
                    "invited": t.invited,
                    "answered": t.answered,
                    "hidden": t.hidden,
                }
                for t in self.targets
            ],
            "scales": [
                {
                    "instrument": s.instrument,
                    "scale": s.scale,
                    "card": s.card,
                    "version": s.version,
                    "instrument_title": s.instrument_title,
                    "title": s.title,
                    "options": s.options,
                    "total": s.total.to_data(),
                    "groups": {str(k): f.to_data() for k, f in s.groups.items()},
                    "icc1": s.icc1,
                    "icc2": s.icc2,
                    "items": [
                        {"text": i.text, "n": i.n, "mean": i.mean, "id": i.id} for i in s.items
                    ],
                    "icc1_ci": list(s.icc1_ci) if s.icc1_ci else None,
                    "negative_items": list(s.negative_items),
                }
                for s in self.scales
            ],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> RoundResults:
        targets = tuple(
            TargetTurnout(
                t["id"], t["team"], t["class"], t["name"], t["invited"], t["answered"], t["hidden"]
            )
            for t in data["targets"]
        )
        scales = tuple(
            ScaleResult(
                s["instrument"],
                s["scale"],
                s["card"],
                s["version"],
                s["instrument_title"],
                s["title"],
                s["options"],
                Figure.from_data(s["total"]),
                {int(k): Figure.from_data(f) for k, f in s["groups"].items()},
                s["icc1"],
                s["icc2"],
                tuple(Item(**i) for i in s["items"]),
                tuple(s["icc1_ci"]) if s["icc1_ci"] else None,
                tuple(s["negative_items"]),
            )
            for s in data["scales"]
        )
        return cls(
            data["round"],
            data["threshold"],
            data["asked"],
            data["invited"],
            data["answered"],
            targets,
            scales,
            data["has_answers"],
            data.get("closed", True),  # only closed rounds' summaries are stored
        )


# --- Building it ---------------------------------------------------------------------------


def _extra_hidden(targets: list[RoundTarget]) -> dict[int, str]:
    """Groups hidden for reasons of their own, before the rules above; one line per reason.
    A team in which someone said "this group is not right" (docs/anonymity-groups.md) shows
    nothing in that round: the person who says so may be the one the group was shaped to
    expose."""
    return {t.pk: DISPUTED for t in targets if t.disputes}


def _members(round_: Round, targets: list[RoundTarget]) -> dict[int, set[Hashable]]:
    """Who was asked in each group: staff by user (someone in two teams is in both groups);
    a class's places are its own, since classes do not overlap."""
    if round_.mode == Round.Mode.STAFF:
        members: dict[int, set[Hashable]] = {t.pk: set() for t in targets}
        rows = Participation.objects.filter(target__round=round_).values_list("target", "user")
        for target_id, user_id in rows:
            members[target_id].add(user_id)
        return members
    return {t.pk: {(t.pk, place) for place in range(t.invited)} for t in targets}


def _alpha(value: float | None, n_complete: int) -> float | None:
    """Alpha only with at least `MIN_ALPHA_CASES` complete cases: below that it swings
    too far to say anything (and a team that agrees leaves little spread for it)."""
    return shown(value) if n_complete >= MIN_ALPHA_CASES else None


def _interval(values: list[float] | None) -> tuple[float, float] | None:
    low, high = (shown(v) for v in values) if values else (None, None)
    return None if low is None or high is None else (low, high)


def _figure(entry: dict[str, Any], hidden: bool) -> Figure:
    if hidden or entry["suppressed"]:
        return HIDDEN
    return Figure(
        entry["n"],
        shown(entry["mean"]),
        shown(entry["sd"]),
        _alpha(entry["alpha"], entry["n_complete"]),
        shown(entry["rwg_j"]),
        entry["n_complete"],
        shown(entry["rwg_j_lindell"]),
        entry["beyond_random"],
        shown(entry["reliability"]),
    )


def _items(scale: Any, distribution: dict[str, list[int]] | None, threshold: int) -> tuple:
    found = []
    for item in scale.items:
        counts = (distribution or {}).get(item.id) or []
        n = sum(counts)
        if n >= threshold:
            mean = sum(v * c for v, c in enumerate(counts, start=1)) / n
            found.append(Item(item.text, n, shown(mean), item.id))
        else:
            found.append(Item(item.text, None, None, item.id))
    return tuple(found)


def answered_counts(rounds: list[Round]) -> dict[int, int | None]:
    """Per round: how many answered, by the same rule as `round_results(scales=False)`
    (None while fewer than the threshold were invited), for a list of rounds in two
    queries. A closed round whose waiting answers were not released yet is settled first,
    as `round_results` would (once; afterwards nothing waits)."""
    if not rounds:
        return {}
    waiting = set(
        PendingResponse.objects.filter(round__in=rounds).values_list("round_id", flat=True)
    )
    for round_ in rounds:
        if round_.pk in waiting:
            release.settle(round_)  # does nothing for a round that is still open
    invited = Subquery(
        RoundTarget.objects.filter(round=OuterRef("pk"))
        .values("round")
        .annotate(n=Sum("invited"))
        .values("n")
    )
    answered = Subquery(
        Response.objects.filter(round=OuterRef("pk"))
        .values("round")
        .annotate(n=Count("pk"))
        .values("n")
    )
    counted = Round.objects.filter(pk__in=[r.pk for r in rounds]).annotate(
        invited_n=Coalesce(invited, 0), answered_n=Coalesce(answered, 0)
    )
    return {
        pk: None if places < threshold else n
        for pk, places, threshold, n in counted.values_list(
            "pk", "invited_n", "anonymity_threshold", "answered_n"
        )
    }


def round_results(round_: Round, *, scales: bool = True) -> RoundResults:
    """The round's figures, computed now (a closed round's are stored: `reports.summaries`).
    With `scales=False` only the turnout (for lists of rounds), by the same rules; a round
    that has not closed yet has its scales with every figure hidden.
    Queries: the targets, the participations (staff rounds), the responses and the
    instruments' card versions; for a closed round also whether answers still wait for
    release, which are then released first (`release.settle`)."""
    release.settle(round_)
    # Figures only once the round has closed: a figure shown while answers still arrive
    # could be subtracted from the final one (a scale's n can move by one in a batch, when
    # the others answered "don't know"). The turnout moves in batches and is shown; the
    # scales are there, every figure hidden.
    closed = round_.status() == "closed"
    targets = list(round_.targets.select_related("team", "student_group"))
    threshold = round_.anonymity_threshold
    members = _members(round_, targets)
    why = suppress_overlapping(members, threshold, _extra_hidden(targets))
    if scales:
        rows = list(round_.responses.values_list("target_id", "answers"))
    else:  # counting needs no answers
        rows = [(target, []) for target in round_.responses.values_list("target_id", flat=True)]
    answered = Counter(target for target, _answers in rows)
    invited = sum(t.invited for t in targets)
    turnout = tuple(
        TargetTurnout(
            t.pk,
            t.team_id,
            t.student_group_id,
            str(t.team or t.student_group),
            t.invited,
            None if t.pk in why else answered[t.pk],
            why.get(t.pk),
        )
        for t in targets
    )
    asked = len(set().union(*members.values())) if members else 0
    total = None if invited < threshold else len(rows)
    figures = _scales(round_, rows if closed else [], targets, set(why)) if scales else ()
    return RoundResults(
        round_.pk,
        threshold,
        asked,
        invited,
        total,
        turnout,
        figures,
        has_answers=bool(rows),
        closed=closed,
    )


def _scales(
    round_: Round, rows: list[tuple[int, list[int]]], targets: list[RoundTarget], hidden: set[int]
) -> tuple[ScaleResult, ...]:
    steps = round_steps(round_)
    width = steps[-1].offset + len(steps[-1].scale.items) if steps else 0
    matrix = np.array([answers for _target, answers in rows], dtype=np.float64)
    matrix = matrix.reshape(len(rows), width)
    matrix[matrix == 0] = np.nan  # "don't know" counts as missing
    labels = np.array([target for target, _answers in rows], dtype=np.int64)
    threshold = round_.anonymity_threshold
    versions = {
        ri.instrument_id: ri.card_version
        for ri in round_.instruments.select_related("card_version")
    }
    found = []
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
            hidden_groups=sorted(hidden),
        )
        whole = summary["scale"]
        total = (
            HIDDEN
            if whole.get("suppressed")
            else Figure(
                summary["n"],
                shown(whole["mean"]),
                shown(whole["sd"]),
                _alpha(whole["alpha"], whole["n_complete"]),
                n_complete=whole["n_complete"],
            )
        )
        groups = {t.pk: HIDDEN for t in targets}
        for entry in summary["groups"]:
            groups[int(entry["group"])] = _figure(entry, int(entry["group"]) in hidden)
        # ICCs are computed over every group with answers: none if any of them is hidden.
        any_hidden = total.suppressed or any(
            groups[int(entry["group"])].suppressed for entry in summary["groups"]
        )
        version = versions.get(instrument.id)
        interval = summary["icc1_ci"]
        found.append(
            ScaleResult(
                instrument.id,
                scale.id,
                version.card_id if version else None,
                version.number if version else None,
                instrument.title,
                scale.title,
                instrument.option_count,
                total,
                groups,
                None if any_hidden else shown(summary["icc1"]),
                None if any_hidden else shown(summary["icc2"]),
                _items(scale, whole.get("distribution"), threshold),
                None if any_hidden else _interval(interval),
                () if total.suppressed else tuple(whole["negative_item_rest"]),
            )
        )
    return tuple(found)
