"""Benchmark: the bounded pages at the size of issue #15's measurement, on SQLite or PostgreSQL.

    python bench/pages.py [--database-url postgres://…/pages_bench] [--schools 81]
                          [--rounds 28] [--cards 1105] [--requests 30]

Creates a fresh database (SQLite in a temporary directory unless --database-url names a
PostgreSQL database with "bench" in its name, which is dropped and re-created) and builds, in
bulk: one board of `--schools` schools (half of them share results with the board), each
with `--rounds` closed staff rounds spread over five school years and a stored summary per
round of the size real ones have (about 15 kB of JSON: six teams, four scales of twenty
items); the board's network with `--cards` published cards over the four stages and a
hundred repertoire entries. Then it times, warm, through Django's test client: the board
overview (current year), the board overview of last year, the library, the library on one
stage, a library search, and a school's round list. Prints median, p95, queries and page
size per page, and the machine's load during the run (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from machine import database_name, machine_busy, percentile, recreate_database

STAGES = ("podium", "audience", "wings", "dressing_room")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--schools", type=int, default=81)
    parser.add_argument("--rounds", type=int, default=28)
    parser.add_argument("--cards", type=int, default=1105)
    parser.add_argument("--requests", type=int, default=30)
    return parser.parse_args()


def summary_document(round_id: int, invited: int, answered: int, k: int) -> dict:
    """A summary shaped like `RoundResults.to_data()`, with made-up figures."""
    figure = {
        "n": answered,
        "mean": 3.1 + (k % 7) / 10,
        "sd": 0.6,
        "alpha": 0.81,
        "rwg_j": None,
        "n_complete": answered,
        "rwg_j_lindell": None,
        "beyond_random": None,
        "reliability": None,
    }
    instruments = ("collective_efficacy", "teacher_self_efficacy", "dressing_room_climate")
    scales = [
        {
            "instrument": instruments[s % 3],
            "scale": f"scale_{s}",
            "card": None,
            "version": None,
            "instrument_title": {"nl": "Instrument", "en": "Instrument"},
            "title": {"nl": f"Schaal {s}", "en": f"Scale {s}"},
            "options": 5,
            "total": figure,
            "groups": {str(t): figure for t in range(6)},
            "icc1": 0.1,
            "icc2": 0.5,
            "items": [
                {
                    "text": {"nl": f"Stelling {i} over het team", "en": f"Item {i}"},
                    "n": answered,
                    "mean": 3.4,
                    "id": f"i{s}_{i}",
                }
                for i in range(20)
            ],
            "icc1_ci": [0.01, 0.2],
            "negative_items": [],
        }
        for s in range(4)
    ]
    targets = [
        {
            "id": t,
            "team": t,
            "class": None,
            "name": f"Team {t}",
            "invited": invited // 6,
            "answered": answered // 6,
            "hidden": None,
        }
        for t in range(6)
    ]
    return {
        "round": round_id,
        "threshold": 5,
        "asked": invited,
        "invited": invited,
        "answered": answered,
        "has_answers": True,
        "closed": True,
        "targets": targets,
        "scales": scales,
    }


def build(args: argparse.Namespace) -> dict:
    from django.utils import timezone

    from dramaturg.accounts.models import User
    from dramaturg.cards.models import Card, CardVersion
    from dramaturg.networks.access import ensure_board_network
    from dramaturg.networks.library_search import card_columns
    from dramaturg.networks.models import PublishedCard
    from dramaturg.reports.models import RoundSummary
    from dramaturg.reports.summary_counts import counts
    from dramaturg.schools.models import Board, Membership, School, SchoolYear
    from dramaturg.schools.roles import Role
    from dramaturg.surveys.models import Round

    today = timezone.localdate()
    board = Board.objects.create(name="Stichting Bench", slug="bench")
    schools = [
        School(
            board=board,
            name=f"School {n:03d}",
            slug=f"school-{n}",
            sector="po",
            share_results_with_board=n % 2 == 0,
        )
        for n in range(args.schools)
    ]
    School.objects.bulk_create(schools)
    schools = list(School.objects.filter(board=board).order_by("pk"))
    admin = User.objects.create_user(email="bestuur@bench.test", password="x", display_name="B")
    Membership.objects.create(user=admin, board=board, role=Role.BOARD_ADMIN)
    leader = User.objects.create_user(email="leider@bench.test", password="x", display_name="L")
    Membership.objects.create(user=leader, school=schools[0], role=Role.LEADER)
    rounds = []
    for school in schools:
        for r in range(args.rounds):
            opens = today - dt.timedelta(days=14 + r * (5 * 365 // args.rounds))
            rounds.append(
                Round(
                    school=school,
                    school_year=SchoolYear.objects.for_date(opens),
                    title=f"Meting {r}",
                    mode="staff",
                    opens_on=opens,
                    closes_on=opens + dt.timedelta(days=10),
                    anonymity_threshold=5,
                )
            )
    Round.objects.bulk_create(rounds, batch_size=500)
    summaries = []
    for k, round_ in enumerate(Round.objects.filter(school__board=board).order_by("pk")):
        data = summary_document(round_.pk, 30, 24, k)
        summaries.append(RoundSummary(round=round_, schema=3, data=data, **counts(data)))
    RoundSummary.objects.bulk_create(summaries, batch_size=200)
    network = ensure_board_network(board)
    cards = [
        Card(
            school=schools[n % len(schools)],
            stage=STAGES[n % 4],
            title_nl=f"Kaart {n}",
            state=Card.State.ADOPTED,
            adopted_version=1,
        )
        for n in range(args.cards)
    ]
    Card.objects.bulk_create(cards, batch_size=500)
    versions = []
    for card in Card.objects.filter(school__board=board).order_by("pk"):
        snapshot = {
            "title": {"nl": card.title_nl, "en": ""},
            "stage": card.stage,
            "introduction": {"nl": "Samen leren in ouderavonden en studiedagen. " * 20, "en": ""},
            "goals": [],
            "agreements": [],
            "indicators": [],
            "team": "",
        }
        versions.append(CardVersion(card=card, number=1, snapshot=snapshot))
    CardVersion.objects.bulk_create(versions, batch_size=500)
    publications = [
        PublishedCard(network=network, version=v, school_id=v.card.school_id, **card_columns(v))
        for v in CardVersion.objects.filter(card__school__board=board).select_related("card")
    ]
    PublishedCard.objects.bulk_create(publications, batch_size=500)
    return {
        "board": board,
        "admin": admin,
        "leader": leader,
        "network": network,
        "school": schools[0],
    }


def measure(client, url: str, n: int) -> tuple[float, float, int, int]:
    from django.db import connection

    response = client.get(url)  # warm: the first view stores nothing new here
    assert response.status_code == 200, (url, response.status_code)
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    times = []
    for _ in range(n):
        begun = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - begun) * 1000)
    return statistics.median(times), percentile(times, 0.95), len(queries), len(response.content)


def main() -> int:
    args = parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="pages-bench-"))
    url = args.database_url or f"sqlite:///{data_dir / 'pages.sqlite3'}"
    if args.database_url:
        if "bench" not in database_name(url):
            sys.exit("The benchmark drops and creates its database: give it a name with 'bench'.")
        recreate_database(url)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "dramaturg.config.settings",
            "DATABASE_URL": url,
            "DRAMATURG_DATA_DIR": str(data_dir),
            "DRAMATURG_DEBUG": "0",
            "DRAMATURG_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    begun = time.perf_counter()
    world = build(args)
    print(
        f"Pages benchmark: Python {platform.python_version()}, Django {django.get_version()}, "
        f"{connection.vendor}; {args.schools} schools × {args.rounds} rounds, {args.cards} "
        f"cards; built in {time.perf_counter() - begun:.1f} s"
    )
    board_client, leader_client = Client(), Client()
    board_client.force_login(world["admin"])
    leader_client.force_login(world["leader"])
    overview = reverse("reports:board_overview", args=[world["board"].slug])
    library = reverse("networks:library", args=[world["network"].slug])
    last_year = django.utils.timezone.localdate().year - 2
    pages = [
        ("board overview", board_client, overview),
        ("board overview, older year", board_client, f"{overview}?year={last_year}"),
        ("board overview, page 3", board_client, f"{overview}?page=3"),
        ("board home", board_client, reverse("schools:board_home", args=[world["board"].slug])),
        ("library", leader_client, library),
        ("library, one stage", leader_client, f"{library}?stage=wings"),
        ("library, search", leader_client, f"{library}?q=ouderavonden+Kaart"),
        ("network home", leader_client, reverse("networks:home", args=[world["network"].slug])),
        ("round list", leader_client, reverse("surveys:rounds", args=[world["school"].slug])),
    ]
    busy0, total0 = machine_busy()
    print(f"{'page':30} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'kB':>7}")
    for name, client, page_url in pages:
        median, p95, queries, size = measure(client, page_url, args.requests)
        print(f"{name:30} {median:10.1f} {p95:8.1f} {queries:8d} {size / 1024:7.1f}")
    busy1, total1 = machine_busy()
    cores = os.cpu_count() or 1
    print(
        f"machine load during the run: {100 * (busy1 - busy0) / max(total1 - total0, 1e-9):.0f}% "
        f"of {cores} cores busy (this process included)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
