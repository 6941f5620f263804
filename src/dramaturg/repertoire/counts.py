"""Learning over time: how many moments per school year, per ladder clash, stage and code.

Only counts leave this module, and never a count below the school's anonymity threshold:
a small count is a `Cell` with `hidden=SMALL` and no number ("fewer than N" on the page).
Hiding is not enough where a total is shown. The moments of a year split into clashes and
into stages (each moment has exactly one of each), so the year's total minus the shown cells
gives the sum of the hidden ones; with one hidden cell that sum *is* the cell. Complementary
suppression therefore hides further cells (`hidden=GUARD`, "not shown") until no hidden
count can be worked out exactly from the shown figures, knowing that a small cell lies
between 0 and N-1 and a guarded one is at least N (see `pinned`). Codes do not split the
moments (a moment has any number of codes), so they have no total and need no guards.

The functions below `count_years` are pure and tested property-style
(tests/test_repertoire_counts.py); `load` reads a school's moments in three queries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dramaturg.cards.stages import Stage
from dramaturg.repertoire.models import CodeTag, LadderClash, Moment
from dramaturg.schools.models import school_year_start

SMALL = "small"  # fewer than the threshold: shown as "fewer than N"
GUARD = "guard"  # at least the threshold, hidden so that no small count can be worked out
MAX_YEARS = 3  # the most recent school years with moments


@dataclass(frozen=True)
class Cell:
    count: int | None  # None when hidden
    hidden: str = ""  # "", SMALL or GUARD

    @property
    def shown(self) -> bool:
        return not self.hidden


@dataclass(frozen=True)
class Breakdown:
    keys: tuple[str, ...]
    cells: Mapping[str, Cell]
    partition: bool  # the cells add up to the year's total (clash, stage); not for codes


@dataclass(frozen=True)
class YearCounts:
    year: int  # the calendar year in which the school year began
    total: Cell
    clash: Breakdown
    stage: Breakdown
    codes: Breakdown

    @property
    def label(self) -> str:
        return f"{self.year}–{self.year + 1}"


@dataclass(frozen=True)
class MomentFacts:
    """What the chart needs of one moment: its school year, clash, stage and code ids."""

    year: int
    clash: str
    stage: str
    codes: frozenset[int] = field(default_factory=frozenset)


def pinned(small: int, guarded: int, hidden_sum: int, threshold: int) -> bool:
    """Whether someone who knows the total and the shown cells can work out a small cell.

    They know the sum of the hidden cells, that each of the `small` cells lies in
    [0, N-1] and each of the `guarded` ones is at least N. A small cell is pinned when that
    leaves it a single possible value.
    """
    if small == 0:
        return False
    if guarded:
        # The guards can absorb anything above N each, so a small cell can be 0; it can be
        # at most the sum less N per guard. One possible value when that is 0.
        return hidden_sum - guarded * threshold < 1
    low = max(0, hidden_sum - (small - 1) * (threshold - 1))
    high = min(threshold - 1, hidden_sum)
    return low >= high


def suppress(
    counts: Mapping[str, int], keys: Sequence[str], threshold: int, *, partition: bool
) -> Breakdown:
    """Hide every count below the threshold; in a partition, guard more cells as needed.

    The guards are the smallest shown cells, taking first one that ends the pinning (so a
    cell of exactly N is passed over when it would leave a small cell at 0 for certain).
    If even hiding every cell cannot help (every small cell 0 and every other exactly N),
    what could be worked out is that a kind of moment did not occur, never a count of one.
    """
    values = {key: int(counts.get(key, 0)) for key in keys}
    hidden = {key: SMALL for key in keys if values[key] < threshold}
    if partition:
        while True:
            small = sum(1 for kind in hidden.values() if kind == SMALL)
            guards = len(hidden) - small
            hidden_sum = sum(values[key] for key in hidden)
            if not pinned(small, guards, hidden_sum, threshold):
                break
            shown = sorted((key for key in keys if key not in hidden), key=lambda k: values[k])
            if not shown:
                break
            enough = [
                key
                for key in shown
                if not pinned(small, guards + 1, hidden_sum + values[key], threshold)
            ]
            hidden[(enough or shown)[0]] = GUARD
    cells = {
        key: Cell(None, hidden[key]) if key in hidden else Cell(values[key]) for key in keys
    }
    return Breakdown(tuple(keys), cells, partition)


def count_year(
    year: int, moments: Sequence[MomentFacts], code_keys: Sequence[str], threshold: int
) -> YearCounts:
    """One school year's counts, with every suppression rule applied."""
    total = len(moments)
    clash = Counter(moment.clash for moment in moments)
    stage = Counter(moment.stage for moment in moments)
    codes = Counter(str(code) for moment in moments for code in moment.codes)
    return YearCounts(
        year=year,
        total=Cell(total) if total >= threshold else Cell(None, SMALL),
        clash=suppress(clash, LadderClash.values, threshold, partition=True),
        stage=suppress(stage, Stage.values, threshold, partition=True),
        codes=suppress(codes, code_keys, threshold, partition=False),
    )


def count_years(
    moments: Iterable[MomentFacts],
    code_keys: Sequence[str],
    threshold: int,
    *,
    years: int = MAX_YEARS,
) -> list[YearCounts]:
    """The counts of the most recent `years` school years that have moments, oldest first."""
    by_year: dict[int, list[MomentFacts]] = {}
    for moment in moments:
        by_year.setdefault(moment.year, []).append(moment)
    chosen = sorted(by_year)[-years:] if years > 0 else []
    return [count_year(year, by_year[year], code_keys, threshold) for year in chosen]


def load(school: Any) -> tuple[list[MomentFacts], list[CodeTag]]:
    """A school's moments as facts, and its codes (retired ones only if a moment uses them).

    Three queries, whatever the number of moments.
    """
    rows = list(
        Moment.objects.filter(school=school).values_list("pk", "recorded_on", "clash", "stage")
    )
    tags: dict[int, set[int]] = {}
    through = Moment.codes.through.objects.filter(moment__school=school)
    for moment_id, code_id in through.values_list("moment_id", "codetag_id"):
        tags.setdefault(moment_id, set()).add(code_id)
    used = {code for codes in tags.values() for code in codes}
    codes = [
        code
        for code in CodeTag.objects.filter(school=school).order_by("position", "pk")
        if not code.retired or code.pk in used
    ]
    facts = [
        MomentFacts(school_year_start(day), clash, stage, frozenset(tags.get(pk, ())))
        for pk, day, clash, stage in rows
    ]
    return facts, codes


def learning_counts(school: Any) -> tuple[list[YearCounts], list[CodeTag]]:
    """The school's counts per school year under its own threshold, and its codes."""
    facts, codes = load(school)
    keys = [str(code.pk) for code in codes]
    return count_years(facts, keys, school.anonymity_threshold), codes
