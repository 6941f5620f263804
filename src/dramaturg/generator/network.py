"""Build a whole network: boards and schools first, then the schools in batches (staff,
rounds with answers, cards, the repertoire, the networks' library and conversations).

A batch is written in one transaction, so an interrupted run leaves whole schools behind,
and progress is reported after each one. Everything random comes from one
`numpy.random.Generator` seeded once, drawn in a fixed order: the same seed, size and day give
the same network (the primary keys aside, which the database hands out).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from dramaturg.generator.cards import CardWriter
from dramaturg.generator.community import CommunityWriter, create_networks
from dramaturg.generator.people import board_admins, create_boards_and_schools, create_people
from dramaturg.generator.rounds import RoundWriter
from dramaturg.schools.models import Board, Membership, School, school_year_start

BATCH_SCHOOLS = 25


class GeneratorError(Exception):
    """The network cannot be generated here (it exists already, or a size is wrong)."""


@dataclass
class Report:
    schools: int = 0
    boards: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        shown = ", ".join(f"{n:,} {what}" for what, n in self.counts.items())
        return [
            f"{self.schools:,} schools in {self.boards:,} boards; {shown}",
            f"generated in {self.seconds:.1f} s",
        ]


def generate(
    schools: int,
    years: int,
    seed: int = 2026,
    *,
    prefix: str = "gen",
    today: dt.date | None = None,
    progress: Callable[[str], None] = lambda line: None,
) -> Report:
    if schools < 1 or years < 1:
        raise GeneratorError("Give at least one school and one school year.")
    if Board.objects.filter(slug__startswith=f"{prefix}-b").exists():
        raise GeneratorError(
            f"A network with the prefix {prefix!r} exists already: use another --prefix "
            "or an empty database."
        )
    today = today or timezone.localdate()
    begun = time.perf_counter()
    rng = np.random.default_rng(seed)
    last = school_year_start(today)
    year_starts = list(range(last - years + 1, last + 1))
    report = Report()
    with transaction.atomic():
        created = create_boards_and_schools(rng, schools, prefix, year_starts[0])
        boards = list(Board.objects.filter(slug__startswith=f"{prefix}-b").order_by("slug"))
        board_admins(rng, boards, prefix)
        board_networks, national = create_networks(rng, boards, created, prefix)
    report.schools, report.boards = len(created), len(boards)
    progress(f"{len(created):,} schools in {len(boards):,} boards ({_since(begun)})")

    rounds = RoundWriter(rng, today, year_starts)
    cards = CardWriter(rng, today)
    community = CommunityWriter(rng, today, board_networks, national)
    for start in range(0, len(created), BATCH_SCHOOLS):
        batch: list[School] = created[start : start + BATCH_SCHOOLS]
        with transaction.atomic():
            groups = create_people(rng, batch, year_starts[0], today)
            rounds.write(groups)
            adopted = cards.write(groups)
            community.write_networks(groups, adopted)
            community.write_repertoire(groups)
        done = start + len(batch)
        progress(
            f"{done:,}/{len(created):,} schools: {rounds.counts['rounds']:,} rounds, "
            f"{rounds.counts['responses']:,} responses, {cards.counts['cards']:,} cards "
            f"({_since(begun)})"
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, so the first pages plan well
    report.counts = {
        "staff": Membership.objects.filter(school__slug__startswith=f"{prefix}-s").count(),
        **rounds.counts,
        **cards.counts,
        **community.counts,
    }
    report.seconds = time.perf_counter() - begun
    return report


def _since(begun: float) -> str:
    return f"{time.perf_counter() - begun:.1f} s"
