"""Benchmark: the repertoire of a large school that has used it for years.

    python bench/repertoire.py [--entries 300] [--moments 2000] [--requests 60] [--seed 2026]
                               [--database-url postgres://…/repertoire_bench]

Creates a fresh database (SQLite in a temporary directory unless --database-url names a
PostgreSQL database, which is dropped and re-created) with one school whose team adopted
`--entries` repertoire entries and recorded `--moments` moments over five school years (a
third of them bundled into 60 cases, so earlier years keep them). Through Django's test client
(the real view, template and middleware stack) it times, as a teacher on the phone page and as
the leader: the phone page (all entries; a search; a ladder filter), the moments list, a case
page, the dashboard's learning section (the counts and both charts) and the A5 booklet. It
counts the queries of each page at half and at full size to show they do not grow. Prints
median and p95 per page, the machine's load during the run, and PASS/FAIL against the
targets of issue #15 (warm p95 < 300 ms); the booklet, a file made in the background for
downloads, is timed separately. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from machine import machine_busy, percentile, recreate_database

TARGET_P95_MS = 300.0
PROTECTED = {"test_dramaturg", "dramaturg", "postgres", "template0", "template1"}
WORDS = [
    *("leerling klas correctie gezicht groep ouder poort vriend ruzie appgroep pauze gang les",),
    *("toets huiswerk afspraak sorry respect eer stilte lachen boos rustig apart later samen",),
]
WORDS = " ".join(WORDS).split()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=300)
    parser.add_argument("--moments", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default="")
    return parser.parse_args(argv)


def setup_django(database_url: str) -> None:
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "src"))
    os.environ["DRAMATURG_DATA_DIR"] = tempfile.mkdtemp(prefix="repertoire-bench-")
    if database_url:
        name = database_url.rsplit("/", 1)[1]
        if name in PROTECTED:
            sys.exit(f"refusing to drop the database {name}")
        recreate_database(database_url)
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "dramaturg.config.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # The test client has no static manifest; plain storage serves the page's links.
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def build(entries: int, moments: int, rng: random.Random) -> tuple[Any, Any, Any, list[Any]]:
    from dramaturg.accounts.models import User
    from dramaturg.core.stages import Stage
    from dramaturg.repertoire.codes import author_key
    from dramaturg.repertoire.models import (
        Case,
        CodeTag,
        Entry,
        EntryVersion,
        LadderClash,
        Moment,
    )
    from dramaturg.repertoire.snapshot import take_snapshot
    from dramaturg.schools.models import Board, Membership, School
    from dramaturg.schools.roles import Role

    board = Board.objects.create(name="Bench", slug="bench")
    school = School.objects.create(board=board, name="De Bank", slug="de-bank", sector="vo")
    leader = User.objects.create_user(email="leider@bank.test", password="x", display_name="L")
    teacher = User.objects.create_user(email="docent@bank.test", password="x", display_name="D")
    Membership.objects.create(user=leader, school=school, role=Role.LEADER)
    Membership.objects.create(user=teacher, school=school, role=Role.MEMBER)
    codes = list(CodeTag.objects.filter(school=school))
    clashes, stages = LadderClash.values, Stage.values
    cases = [
        Case.objects.create(
            school=school, title=sentence(rng, 6), clash=rng.choice(clashes), created_by=leader
        )
        for _ in range(60)
    ]
    this_year = dt.datetime.now(tz=dt.UTC).year
    key = author_key(teacher, school)
    rows = [
        Moment(
            school=school,
            what_happened=sentence(rng, 30),
            clash=rng.choice(clashes),
            stage=rng.choice(stages),
            involved=["student"],
            what_i_did=sentence(rng, 12),
            how_it_ended=sentence(rng, 8),
            recorded_on=dt.date(this_year - rng.randrange(5), rng.randrange(1, 13), 15),
            author_key=key,
            case=rng.choice(cases) if rng.random() < 1 / 3 else None,
        )
        for _ in range(moments)
    ]
    made = Moment.objects.bulk_create(rows, batch_size=500)
    link = Moment.codes.through
    link.objects.bulk_create(
        [
            link(moment_id=m.pk, codetag_id=c.pk)
            for m in made
            for c in rng.sample(codes, rng.randrange(0, 3))
        ],
        batch_size=1000,
    )
    for n in range(entries):
        entry = Entry.objects.create(
            school=school,
            case=rng.choice(cases),
            title_nl=f"{sentence(rng, 8)[:-1]} ({n})",
            we_do_nl=sentence(rng, 60),
            we_avoid_nl=sentence(rng, 30),
            why_nl=sentence(rng, 40),
            asks_of_us_nl=sentence(rng, 20),
            clash=rng.choice(clashes),
            risk_ladder="peer",
            state=Entry.State.ADOPTED,
            adopted_version=1,
            created_by=leader,
        )
        entry.codes.set(rng.sample(codes, 2))
        EntryVersion.objects.create(entry=entry, number=1, snapshot=take_snapshot(entry))
    return school, leader, teacher, cases


def timed(client: Any, path: str, requests: int) -> list[float]:
    client.get(path)  # the first view fills caches (templates, charts): timed apart
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return times


def queries(client: Any, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django(args.database_url)
    from django.db import connection
    from django.test import Client

    rng = random.Random(args.seed)
    started = time.perf_counter()
    school, leader, teacher, cases = build(args.entries // 2, args.moments // 2, rng)
    slug = school.slug
    phone, office = Client(), Client()
    phone.force_login(teacher)
    office.force_login(leader)
    pages = {
        "phone page, all": (phone, f"/s/{slug}/repertoire/"),
        "phone page, search": (phone, f"/s/{slug}/repertoire/?q=gezicht+apart"),
        "phone page, ladder": (phone, f"/s/{slug}/repertoire/?ladder=peer"),
        "moments list": (office, f"/s/{slug}/moments/"),
        "case page": (office, f"/s/{slug}/cases/{cases[0].pk}/"),
        "dashboard": (office, f"/s/{slug}/dashboard/"),
    }
    half = {name: queries(client, path) for name, (client, path) in pages.items()}
    # The second half of the data, so the query counts can be compared.
    from dramaturg.repertoire.models import Entry, Moment

    build_more(args, rng, school)
    built = time.perf_counter() - started
    full = {name: queries(client, path) for name, (client, path) in pages.items()}
    print(
        f"{connection.vendor}: {Entry.objects.count()} adopted entries, "
        f"{Moment.objects.count()} moments, 60 cases; built in {built:.1f} s"
    )
    busy0, total0 = machine_busy()
    failed = False
    print(f"{'page':<22}{'median ms':>10}{'p95 ms':>9}{'queries (half → full)':>24}")
    for name, (client, path) in pages.items():
        times = timed(client, path, args.requests)
        p95 = percentile(times, 0.95)
        ok = p95 < TARGET_P95_MS and full[name] <= half[name]
        failed |= not ok
        print(
            f"{name:<22}{statistics.median(times):>10.1f}{p95:>9.1f}"
            f"{half[name]:>14} → {full[name]:<6}{'PASS' if ok else 'FAIL'}"
        )
    start = time.perf_counter()
    from django.utils import translation

    from dramaturg.reports.repertoire_booklet import RepertoireBooklet

    with translation.override("nl"):
        booklet = RepertoireBooklet().build(school)  # what the background worker runs
    booklet_s = time.perf_counter() - start
    print(f"booklet PDF (A5), in the worker: {booklet_s:.2f} s, {len(booklet) / 1024:.0f} KiB")
    busy1, total1 = machine_busy()
    load = (busy1 - busy0) / (total1 - total0)
    print(f"machine load during the timings: {load:.0%} of all cores")
    return 1 if failed else 0


def build_more(args: argparse.Namespace, rng: random.Random, school: Any) -> None:
    """Double the data: the same builder on the same school's people."""
    from dramaturg.accounts.models import User
    from dramaturg.repertoire.codes import author_key
    from dramaturg.repertoire.models import Case, CodeTag, Entry, EntryVersion, Moment
    from dramaturg.repertoire.snapshot import take_snapshot

    teacher = User.objects.get(email="docent@bank.test")
    cases = list(Case.objects.filter(school=school))
    codes = list(CodeTag.objects.filter(school=school))
    key = author_key(teacher, school)
    template = list(Moment.objects.filter(school=school)[: args.moments // 2])
    copies = Moment.objects.bulk_create(
        [
            Moment(
                school=school,
                what_happened=m.what_happened,
                clash=m.clash,
                stage=m.stage,
                involved=m.involved,
                what_i_did=m.what_i_did,
                how_it_ended=m.how_it_ended,
                recorded_on=m.recorded_on,
                author_key=key,
                case=m.case,
            )
            for m in template
        ],
        batch_size=500,
    )
    link = Moment.codes.through
    link.objects.bulk_create(
        [link(moment_id=m.pk, codetag_id=rng.choice(codes).pk) for m in copies], batch_size=1000
    )
    for entry in list(Entry.objects.filter(school=school)[: args.entries - args.entries // 2]):
        copy = Entry.objects.create(
            school=school,
            case=rng.choice(cases),
            title_nl=entry.title_nl + " bis",
            we_do_nl=entry.we_do_nl,
            we_avoid_nl=entry.we_avoid_nl,
            why_nl=entry.why_nl,
            asks_of_us_nl=entry.asks_of_us_nl,
            clash=entry.clash,
            state=Entry.State.ADOPTED,
            adopted_version=1,
        )
        copy.codes.set(entry.codes.all())
        EntryVersion.objects.create(entry=copy, number=1, snapshot=take_snapshot(copy))


if __name__ == "__main__":
    sys.exit(main())
