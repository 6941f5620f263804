"""`dramaturg demo`: create the demo board, schools, staff, cards and rounds once; print logins.

Running it again changes nothing. Several application servers may start at the same time
(`make run` calls this before serving): the existence check runs inside the transaction
that creates the demo, behind a lock, so only one of them creates it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from dramaturg.demo.cards import build_card_demo
from dramaturg.demo.data import (
    ACCOUNTS,
    BOARD_NAME,
    DEMO_PASSWORD,
    SCHOOLS,
    DemoBuilder,
    DemoSummary,
    demo_exists,
)
from dramaturg.demo.networks import CROSS_NETWORK, PARTNER_BOARD, build_network_demo
from dramaturg.demo.repertoire import build_repertoire_demo
from dramaturg.demo.surveys import build_survey_demo
from dramaturg.schools.models import Team

ROLE_WORDS = {
    "board_admin": "board administrator",
    "leader": "school leader",
    "culture_carrier": "culture carrier (ontwikkelgroep)",
    "member": "teacher",
}
# An arbitrary fixed key for PostgreSQL's advisory lock: "demo" in ASCII.
ADVISORY_LOCK_KEY = 0x64656D6F


def lock_for_demo() -> None:
    """Serialise concurrent runs until the transaction ends.

    On PostgreSQL a transaction-level advisory lock makes a second server wait until the
    first has committed, after which it sees the demo. SQLite needs nothing: our settings
    begin every transaction IMMEDIATE, which takes the database's write lock up front.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


class Command(BaseCommand):
    help = "Create the demo board with three schools, their teams and staff (once)."

    def handle(self, *args: Any, **options: Any) -> None:
        summary: DemoSummary | None = None
        with transaction.atomic():
            lock_for_demo()
            if not demo_exists():
                # Hash once and share the hash: argon2 for a hundred people would take seconds.
                builder = DemoBuilder(make_password(DEMO_PASSWORD))
                summary = builder.build()
                cards = build_card_demo(summary.schools[0])
                entries = build_repertoire_demo(summary.schools[0])
                rounds = build_survey_demo(summary.schools[0])
                networks = build_network_demo(builder, summary.schools)
                # Counted afterwards: the survey demo adds a small team to the first school.
                teams = Team.objects.filter(school__in=summary.schools).count()
        if options["verbosity"] < 1:
            return
        if summary is None:
            self.stdout.write(f"The demo is already there ({BOARD_NAME}); nothing changed.")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created the demo: {summary.board.name} with {len(summary.schools)} "
                    f"schools, {teams} teams and {summary.people} people "
                    f"({summary.ended} of whom left during the previous school year); "
                    f"{len(cards)} quality cards, {len(entries)} adopted repertoire entries "
                    f"and {len(rounds)} measurement rounds at {summary.schools[0].name}. "
                    f"Measurement rounds at every school; "
                    f"a partner board ({PARTNER_BOARD[0]}, {len(networks.partner_schools)} "
                    f"schools) and the network across both, {CROSS_NETWORK}."
                )
            )
        self.print_accounts()

    def print_accounts(self) -> None:
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
        width = max(len(account.email) for account in ACCOUNTS)
        for account in ACCOUNTS:
            place = BOARD_NAME if account.school is None else SCHOOLS[account.school].name
            role = ROLE_WORDS[account.role]
            self.stdout.write(f"  {account.email:<{width}}  {account.name}, {role}, {place}")
        self.stdout.write("Every other demo person has the same password.")
