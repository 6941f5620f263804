"""Learning over time: how many moments per school year, per ladder clash, stage and code.

Only counts leave this module, and never a count below the school's anonymity threshold:
a small count is a `Cell` with `hidden=SMALL` and no number ("fewer than N" on the page).
Hiding is not enough where a total is shown. The moments of a year split into clashes and
into stages (each moment has exactly one of each), so the year's total minus the shown cells
gives the sum of the hidden ones; with one hidden cell that sum *is* the cell. Complementary
suppression therefore hides a further cell (`hidden=GUARD`, "not shown") so that no small
count can be worked out from the shown figures, knowing that a small cell lies between 0
and N-1 and a guarded one is at least N (see `pinned`); at most it can be known that a kind
of moment did not occur at all. Codes do not split the moments (a moment has any number of
codes), so they have no total and need no guards.

The functions above `load` are pure and tested property-style
(tests/test_repertoire_counts.py); `load` reads a school's moments in three queries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dramaturg.core.stages import Stage
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
    exposed: bool = False  # even hiding every cell leaves a small count to be worked out


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
    """Whether someone who knows the total and the shown cells can work out a small count.

    They know the sum of the hidden cells, that each of the `small` cells lies in 0..N-1
    and each of the `guarded` ones is at least N (with no upper bound). With a guard, a
    small cell can be anything from 0 up to the sum less N per guard: at worst it is known
    to be 0, that is, that such a moment did not occur, which tells nothing about anyone.
    Without a guard, the small cells are pinned when they leave one possible value above 0
    (a single small cell, or every small cell at N-1).
    """
    if small == 0 or guarded:
        return False
    low = max(0, hidden_sum - (small - 1) * (threshold - 1))
    high = min(threshold - 1, hidden_sum)
    return low == high and high > 0


def suppress(
    counts: Mapping[str, int], keys: Sequence[str], threshold: int, *, partition: bool
) -> Breakdown:
    """Hide every count below the threshold; in a partition, guard the smallest shown cell
    as well when a small one could otherwise be worked out from the total.

    If every cell is small and together they still give themselves away (each is N-1), the
    breakdown comes back `exposed`: `protect_year` then hides the year's total too.
    """
    values = {key: int(counts.get(key, 0)) for key in keys}
    hidden = {key: SMALL for key in keys if values[key] < threshold}
    exposed = False
    if partition:
        small = len(hidden)
        hidden_sum = sum(values[key] for key in hidden)
        if pinned(small, 0, hidden_sum, threshold):
            shown = sorted((key for key in keys if key not in hidden), key=lambda k: values[k])
            if shown:
                hidden[shown[0]] = GUARD
            else:
                exposed = True
    cells = {key: Cell(None, hidden[key]) if key in hidden else Cell(values[key]) for key in keys}
    return Breakdown(tuple(keys), cells, partition, exposed)


def _hide_all(breakdown: Breakdown) -> Breakdown:
    cells = {
        key: cell if not cell.shown else Cell(None, GUARD) for key, cell in breakdown.cells.items()
    }
    return Breakdown(breakdown.keys, cells, breakdown.partition, False)


def protect_year(
    total: int, partitions: Sequence[tuple[Mapping[str, int], Sequence[str]]], threshold: int
) -> tuple[Cell, list[Breakdown]]:
    """The year's total and its partitions (clash, stage), each cell hidden as needed.

    The total is shown from the threshold up. Where a partition cannot be protected by its
    own cells, the total is hidden as well, and so is every cell of every partition: a
    fully shown other partition would add up to the total again.
    """
    if total < threshold:  # then every cell is small as well
        small = [
            Breakdown(tuple(keys), {key: Cell(None, SMALL) for key in keys}, True)
            for _counts, keys in partitions
        ]
        return Cell(None, SMALL), small
    found = [suppress(counts, keys, threshold, partition=True) for counts, keys in partitions]
    if any(breakdown.exposed for breakdown in found):
        return Cell(None, GUARD), [_hide_all(breakdown) for breakdown in found]
    return Cell(total), found


def count_year(
    year: int, moments: Sequence[MomentFacts], code_keys: Sequence[str], threshold: int
) -> YearCounts:
    """One school year's counts, with every suppression rule applied."""
    clash = Counter(moment.clash for moment in moments)
    stage = Counter(moment.stage for moment in moments)
    codes = Counter(str(code) for moment in moments for code in moment.codes)
    total, (clash_cells, stage_cells) = protect_year(
        len(moments), [(clash, LadderClash.values), (stage, Stage.values)], threshold
    )
    return YearCounts(
        year=year,
        total=total,
        clash=clash_cells,
        stage=stage_cells,
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
