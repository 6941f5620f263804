"""Benchmark: the school dashboard over five school years of rounds, on SQLite or PostgreSQL.

    python bench/dashboard.py [--database-url postgres://…/dashboard_bench] [--requests 200]
                              [--year-requests 50] [--pdf-repeat 5] [--seed 2026] [--profile]

Creates a fresh database (SQLite in a temporary directory unless --database-url names a
PostgreSQL database, which is dropped and re-created), builds one school (40 staff in five
teams, one of them below the anonymity threshold; 600 students in 24 classes; the demo cards
with an adopted card and its self-evaluations) and then adds five school years of rounds one
year at a time (per year an autumn and a spring staff round with the three staff instruments
and a winter student round). After each year it counts the queries of the dashboard and the
team page and times them; after the fifth it times the dashboard and the team page cold and
warm through Django's test client (the real view, template and middleware stack) and the
card PDF. Prints PASS/FAIL per target and exits 1 if one fails. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from machine import cpu_seconds, database_name, machine_busy, percentile, recreate_database

TARGET_MEDIAN_MS = 80.0
TARGET_P95_MS = 150.0
TARGET_PDF_S = 1.5
YEARS = 5
STAFF = 40
# The four large teams and their sizes: 39 people, everyone but the leader. Distinct sizes,
# so which team is hidden beside the small one (the smallest, see `analysis.suppression`)
# does not depend on the order of the rows.
TEAMS = (
    ("Sectie talen", 12),
    ("Sectie exacte vakken", 10),
    ("Sectie mens en maatschappij", 9),
    ("Sectie kunst en sport", 8),
)
SMALL_TEAM, SMALL_TEAM_SIZE = "Zorgteam", 3  # below the threshold of 5: always hidden
CLASSES = [f"{grade}{letter}" for grade in range(1, 7) for letter in "ABCD"]  # 24 classes
STUDENTS = 600
LATER_STARTERS = 5  # staff who joined during the five years: earlier rounds invite fewer
# Databases the benchmark must never drop, whatever it is told.
PROTECTED = {"test_dramaturg", "dramaturg", "dev2", "dev3", "postgres", "template0", "template1"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL database to drop and re-create (its name must contain 'bench'); "
        "default: SQLite in a temporary directory",
    )
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument(
        "--year-requests", type=int, default=50, help="timed dashboard requests after each year"
    )
    parser.add_argument("--pdf-repeat", type=int, default=5, help="card PDFs after the first")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated answers")
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=0,
        help="set OPENBLAS_NUM_THREADS for this run (default: as the environment has it)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile 50 warm dashboards")
    parser.add_argument("--keep", action="store_true", help="keep the database and data dir")
    return parser.parse_args(argv)


# --- the machine ---


def loadavg() -> str:
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


# --- the database ---


def check_database_url(url: str) -> None:
    """Refuse, before anything is created, a database the benchmark must not drop."""
    if not url:
        return
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("--database-url must be a PostgreSQL URL (SQLite is the default).")
    name = database_name(url)
    if name.lower() in PROTECTED or "bench" not in name:
        sys.exit("The benchmark drops and creates its database: give it a name with 'bench'.")


def prepare_environment(args: argparse.Namespace, data_dir: Path) -> str:
    """Settings are read from the environment at import: set them before django.setup()."""
    url = args.database_url or f"sqlite:///{data_dir / 'dashboard.sqlite3'}"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "dramaturg.config.settings",
            "DATABASE_URL": url,
            "DRAMATURG_DATA_DIR": str(data_dir),
            "DRAMATURG_DEBUG": "0",
            # The test client's host; the application's own default hosts stay allowed.
            "DRAMATURG_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        }
    )
    if args.blas_threads:  # read by OpenBLAS when numpy and scipy load, later than this
        os.environ["OPENBLAS_NUM_THREADS"] = str(args.blas_threads)
    return url


# --- the school ---


@dataclass
class World:
    school: Any
    leader: Any
    teams: list[Any]  # the four large teams, largest first
    small: Any
    classes: list[Any]
    card: Any = None  # the adopted card (kleedkamer)


def build_school(rng: random.Random, today: dt.date) -> World:
    """40 staff (a leader outside the teams, a deputy, four culture carriers, 34 teachers)
    in four teams of 8 to 12, three teachers also in a care team of three; 24 classes of 22
    to 28 students, 600 in all. In bulk."""
    from django.contrib.auth.hashers import make_password

    from dramaturg.accounts.models import User
    from dramaturg.demo.data import DemoBuilder
    from dramaturg.schools.models import (
        Board,
        Membership,
        School,
        SchoolYear,
        StudentGroup,
        Team,
        TeamMembership,
        school_year_start,
    )
    from dramaturg.schools.roles import Role

    year = school_year_start(today)
    for start in range(year - YEARS, year + 1):
        SchoolYear.objects.for_date(dt.date(start, 8, 1))
    board = Board.objects.create(name="Benchmark board", slug="dashboard-bench")
    school = School.objects.create(
        board=board, name="Dashboard College", slug="dashboard-bench", sector="vo", city="Heiloo"
    )
    teams = Team.objects.bulk_create(Team(school=school, name=name) for name, _size in TEAMS)
    small = Team.objects.create(school=school, name=SMALL_TEAM)

    # The demo's name generator; one unusable password for all (nobody logs in with one).
    names = DemoBuilder(make_password(None))
    names.rng = random.Random(rng.random())
    people = []
    for _n in range(STAFF):
        name = names.new_name()
        people.append(User(email=names.email_for(name), display_name=name, password="!"))
    users = User.objects.bulk_create(people)
    roles = [Role.LEADER, Role.LEADER] + [Role.CULTURE_CARRIER] * 4
    roles += [Role.MEMBER] * (STAFF - len(roles))
    first_year = year - YEARS
    starts = []
    for n in range(STAFF):
        if n >= STAFF - LATER_STARTERS:  # one joined in each later year, the last this year
            starts.append(dt.date(first_year + n - (STAFF - LATER_STARTERS) + 1, 8, 1))
        else:
            starts.append(dt.date(first_year - rng.randint(0, 20), 8, 1))
    Membership.objects.bulk_create(
        Membership(user=user, school=school, role=role, started_on=start)
        for user, role, start in zip(users, roles, starts, strict=True)
    )
    memberships = list(Membership.objects.filter(school=school).order_by("user_id"))
    seats = [team for team, (_name, size) in zip(teams, TEAMS, strict=True) for _n in range(size)]
    rng.shuffle(seats)
    placed = [  # the leader stays out of the teams
        TeamMembership(membership=membership, team=team, primary=True)
        for membership, team in zip(memberships[1:], seats, strict=True)
    ]
    members = [m for m in memberships if m.role == Role.MEMBER and m.started_on.year < year - 2]
    in_care = {m.pk for m in rng.sample(members, SMALL_TEAM_SIZE)}
    # The care team is their primary team: a round files each person once, and they count
    # there, so the care team stays below the threshold in every staff round.
    for placement in placed:
        placement.primary = placement.membership.pk not in in_care
    for membership in memberships:
        if membership.pk in in_care:
            placed.append(TeamMembership(membership=membership, team=small, primary=True))
    TeamMembership.objects.bulk_create(placed)

    half = [rng.randint(-3, 3) for _n in range(len(CLASSES) // 2)]
    sizes = [STUDENTS // len(CLASSES) + d for d in half + [-d for d in half]]
    rng.shuffle(sizes)
    classes = StudentGroup.objects.bulk_create(
        StudentGroup(school=school, name=name, size=size)
        for name, size in zip(CLASSES, sizes, strict=True)
    )
    return World(school, memberships[0].user, teams, small, classes)


def survey_builder(world: World, today: dt.date, seed: int):
    """The demo's answer model and round writers (`surveys.demo.SurveyDemo`), with this
    benchmark's seed, school years and card rounds."""
    from dramaturg.cards.models import Card
    from dramaturg.demo.surveys import STAFF as STAFF_INSTRUMENTS
    from dramaturg.demo.surveys import SurveyDemo, generated_choices
    from dramaturg.schools.models import school_year_start
    from dramaturg.surveys.services import InstrumentChoice

    class Builder(SurveyDemo):
        def __init__(self) -> None:
            super().__init__(world.school, today)
            self.rng = random.Random(seed)  # the person and item effects draw from it too
            self.small = [world.small]  # staff_round invites the small teams last

        def school_year(self, index: int) -> list:
            """Three rounds in school year `index` (0 = five years ago): staff in the autumn,
            students in the winter, staff in the spring. All closed by now."""
            start = school_year_start(today) - YEARS + index
            staff = [*map(InstrumentChoice, STAFF_INSTRUMENTS)]
            self.rounds = []
            for title, opens, step in (
                ("Najaarsmeting", monday(dt.date(start, 10, 1)), index),
                ("Leerlingmeting", monday(dt.date(start + 1, 1, 20)), None),
                ("Voorjaarsmeting", monday(dt.date(start + 1, 3, 20)), index + 0.5),
            ):
                name = f"{title} {start}-{start + 1}"
                if step is None:
                    self.student_round(name, opens, world.classes)
                else:
                    # The team levels move by `change` per step: half a step per round.
                    self.staff_round(name, opens, step, staff)
            return self.rounds

        def card_rounds(self) -> list:
            """As the demo: the adopted card's previous version was self-evaluated five weeks
            ago, the current one opened today (an open round: computed on every view)."""
            self.rounds = []
            for card in Card.objects.filter(school=world.school, state=Card.State.ADOPTED):
                version = card.versions.get(number=card.adopted_version)
                earlier = card.versions.filter(number=card.adopted_version - 1).first()
                if earlier and generated_choices(earlier):
                    title = f"Zelfevaluatie {earlier.snapshot['title']['nl']} (v{earlier.number})"
                    opens = today - dt.timedelta(weeks=5)
                    self.staff_round(title[:120], opens, YEARS, generated_choices(earlier))
                if generated_choices(version):
                    title = f"Zelfevaluatie {version.snapshot['title']['nl']}"[:120]
                    self.staff_round(title, today, YEARS, generated_choices(version))
                world.card = card
            return self.rounds

    return Builder()


def monday(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=-day.weekday() % 7)


# --- measuring ---


@dataclass
class Timing:
    times: list[float]  # ms, one per request
    cpu_python: float  # ms per request, this process
    cpu_database: float | None  # ms per request, the PostgreSQL backend (None on SQLite)
    busy_outside: float  # share of the machine's CPU used by other processes meanwhile

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        return percentile(self.times, 0.95)

    def line(self) -> str:
        database = f", PostgreSQL {self.cpu_database:.1f} ms" if self.cpu_database else ""
        return (
            f"median {self.median:6.1f} ms  p95 {self.p95:6.1f} ms  max {max(self.times):6.1f} ms"
            f"  (n={len(self.times)}; CPU per request: Python {self.cpu_python:.1f} ms"
            f"{database}; other processes {self.busy_outside:.0%} of the machine)"
        )


class Pages:
    def __init__(self, client, dashboard_url: str, team_url: str, backend_pid: int | None):
        self.client, self.backend_pid = client, backend_pid
        self.urls = {"dashboard": dashboard_url, "team": team_url}

    def get(self, page: str) -> float:
        start = time.perf_counter()
        response = self.client.get(self.urls[page])
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{self.urls[page]} gave {response.status_code}")
        return elapsed

    def queries(self, page: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            self.get(page)
        return len(captured)

    def timed(self, page: str, count: int) -> Timing:
        own = time.process_time()
        database = cpu_seconds(self.backend_pid) if self.backend_pid else 0.0
        busy, total = machine_busy()
        times = [self.get(page) for _n in range(count)]
        own = time.process_time() - own
        database = (cpu_seconds(self.backend_pid) - database) if self.backend_pid else 0.0
        busy_now, total_now = machine_busy()
        busy, total = busy_now - busy, total_now - total
        outside = max(busy - own - database, 0.0) / total if total else 0.0
        return Timing(
            times,
            own / count * 1000,
            database / count * 1000 if self.backend_pid else None,
            outside,
        )


def timed_call(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def forget_summaries_and_charts() -> None:
    """What a dashboard finds on a fresh deployment with old rounds: no stored summary, no
    stored or cached chart (the page asks the worker for everything and computes nothing)."""
    from django.core.cache import cache

    from dramaturg.reports.models import ChartImage, Derivation, RoundSummary

    RoundSummary.objects.all().delete()
    ChartImage.objects.all().delete()
    Derivation.objects.all().delete()
    cache.clear()


def worker() -> float:
    """What the background worker does after new data: the daily queuing of what is due
    (`recompute --due`), then `db_worker --batch` in this process. Returns the seconds."""
    import io

    from django.core.management import call_command

    start = time.perf_counter()
    call_command("recompute", due=True, verbosity=0, stdout=io.StringIO())
    call_command(
        "db_worker",
        batch=True,
        reload=False,
        startup_delay=False,
        interval=0,
        verbosity=0,
        stdout=io.StringIO(),
    )
    return time.perf_counter() - start


def profile(pages: Pages) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _n in range(50):
        pages.get("dashboard")
    profiler.disable()
    print("\n--- cProfile of 50 warm dashboard requests (cumulative) ---")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    print("--- the same by own time ---")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


# --- the run ---


def run(args: argparse.Namespace, url: str) -> bool:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from dramaturg.demo.cards import build_card_demo
    from dramaturg.reports import exporters
    from dramaturg.surveys.models import Response, Round

    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    vendor = connection.vendor
    version = connection.Database.sqlite_version if vendor == "sqlite" else ""
    print(
        f"Dashboard benchmark (seed {args.seed}): Python {platform.python_version()}, "
        f"Django {django.get_version()}, {vendor} {version}".rstrip()
    )

    begun = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)  # the pages link to it
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT version(), pg_backend_pid()")
            server, backend_pid = cursor.fetchone()
        print(f"  {server.split(',')[0]}")
    else:
        backend_pid = None
    setup = time.perf_counter() - begun
    blas = os.environ.get("OPENBLAS_NUM_THREADS") or "unset (a thread per core)"
    print(f"  {os.cpu_count()} cores; load average at the start {loadavg()}")
    print(f"  OPENBLAS_NUM_THREADS {blas}")
    print(f"  migrate and collectstatic: {setup:.1f} s")

    today = timezone.localdate()
    rng = random.Random(args.seed)
    begun = time.perf_counter()
    world = build_school(rng, today)
    school_time = time.perf_counter() - begun
    begun = time.perf_counter()
    cards = build_card_demo(world.school)
    builder = survey_builder(world, today, args.seed)
    card_rounds = builder.card_rounds()
    card_time = time.perf_counter() - begun
    print(
        f"\nData: 1 school, {STAFF} staff in {len(world.teams)} teams and a care team of "
        f"{SMALL_TEAM_SIZE} (always hidden), {STUDENTS} students in {len(world.classes)} classes "
        f"(built in {school_time:.2f} s)"
    )
    print(
        f"  {len(cards)} demo cards, the adopted one with {len(card_rounds)} self-evaluation "
        f"rounds (one open today) (built in {card_time:.2f} s)"
    )

    client = Client()
    client.force_login(world.leader)
    team = world.teams[0]  # the largest team: always shown
    pages = Pages(
        client,
        reverse("reports:dashboard", args=[world.school.slug]),
        reverse("reports:team_results", args=[world.school.slug, team.pk]),
        backend_pid,
    )

    print(
        f"\nYear by year: rounds added, the dashboard's first request (reads, finds the new "
        f"rounds missing, asks the worker), the worker's time (summaries, then the charts the "
        f"page asked for), the request after it, the queries of a warm request and the "
        f"median of {args.year_requests}"
    )
    print(
        f"  {'years':>5} {'rounds':>6} {'responses':>9} {'built':>7} {'first':>9} {'worker':>7}"
        f" {'second':>8}"
        f" {'queries':>7} {'team q.':>7} {'median':>8} {'p95':>8}"
    )
    per_year: list[tuple[int, int, int, float]] = []
    build_total = school_time + card_time
    first_in_process = None
    for index in range(YEARS):
        begun = time.perf_counter()
        builder.school_year(index)
        built = time.perf_counter() - begun
        build_total += built
        first = pages.get("dashboard")
        if first_in_process is None:
            first_in_process = first
        work = worker()
        pages.get("dashboard")  # asks for the changed charts
        work += worker()
        pages.get("team")
        work += worker()
        second = pages.get("dashboard")
        count = pages.queries("dashboard")
        team_count = pages.queries("team")
        timing = pages.timed("dashboard", args.year_requests)
        rounds = Round.objects.filter(school=world.school).count()
        responses = Response.objects.filter(round__school=world.school).count()
        per_year.append((index + 1, count, team_count, timing.median))
        print(
            f"  {index + 1:>5} {rounds:>6} {responses:>9} {built:>6.2f}s {first:>7.0f}ms "
            f"{work:>6.2f}s "
            f"{second:>6.0f}ms {count:>7} {team_count:>7} {timing.median:>6.1f}ms "
            f"{timing.p95:>6.1f}ms"
        )
    print(f"  data built in {build_total:.1f} s in all (school, cards, five years)")
    if first_in_process is not None:
        print(
            f"  the very first request of the process ({first_in_process:.0f} ms) also imports "
            f"matplotlib and compiles the templates"
        )

    print(f"\nFive school years ({Round.objects.filter(school=world.school).count()} rounds)")
    forget_summaries_and_charts()
    cold_queries = pages.queries("dashboard")
    forget_summaries_and_charts()
    cold = pages.get("dashboard")
    work = worker()
    pages.get("dashboard")  # asks for its charts
    work += worker()
    pages.get("team")
    work += worker()
    second = pages.get("dashboard")
    print(
        f"  dashboard cold (no stored summary, no stored chart: it computes nothing and says "
        f"'being prepared'): {cold:.0f} ms, {cold_queries} queries; the worker then makes "
        f"everything in {work:.2f} s; the next request {second:.1f} ms"
    )
    pages.get("dashboard")  # warm-up
    dashboard = pages.timed("dashboard", args.requests)
    print(f"  dashboard  {dashboard.line()}")
    team_first = pages.get("team")
    team_timing = pages.timed("team", args.requests)
    print(f"  team page  {team_timing.line()}")
    print(f"  (team page of {team.name}; its first request {team_first:.1f} ms)")

    exporter = exporters.get("card", "card_pdf")
    card = world.card
    pdf_size = 0

    def pdf() -> None:
        nonlocal pdf_size
        pdf_size = len(exporter.render(card, "nl"))

    pdf_first = timed_call(pdf)
    pdf_times = [timed_call(pdf) for _n in range(args.pdf_repeat)]
    pdf_median = statistics.median(pdf_times) if pdf_times else pdf_first
    low, high = min(pdf_times, default=pdf_first), max(pdf_times, default=pdf_first)
    print(
        f"  card PDF ({card}, {pdf_size // 1024} KB): first in the process {pdf_first:.2f} s "
        f"(imports WeasyPrint); median of {len(pdf_times)} after {pdf_median:.3f} s "
        f"(min {low:.3f} s, max {high:.3f} s)"
    )
    print(f"  load average at the end {loadavg()}")

    if args.profile:
        profile(pages)

    counts = {count for _y, count, _t, _m in per_year}
    team_counts = {count for _y, _c, count, _m in per_year}
    shown = ", ".join(f"{years}y {count}" for years, count, _t, _m in per_year)
    shown_team = ", ".join(f"{years}y {count}" for years, _c, count, _m in per_year)
    checks = [
        (
            f"dashboard median < {TARGET_MEDIAN_MS:g} ms",
            dashboard.median < TARGET_MEDIAN_MS,
            f"{dashboard.median:.1f} ms",
        ),
        (
            f"dashboard p95 < {TARGET_P95_MS:g} ms",
            dashboard.p95 < TARGET_P95_MS,
            f"{dashboard.p95:.1f} ms",
        ),
        (
            f"team page median < {TARGET_MEDIAN_MS:g} ms",
            team_timing.median < TARGET_MEDIAN_MS,
            f"{team_timing.median:.1f} ms",
        ),
        (
            f"team page p95 < {TARGET_P95_MS:g} ms",
            team_timing.p95 < TARGET_P95_MS,
            f"{team_timing.p95:.1f} ms",
        ),
        (
            f"card PDF < {TARGET_PDF_S:g} s (median)",
            pdf_median < TARGET_PDF_S,
            f"{pdf_median:.3f} s",
        ),
        ("dashboard queries constant over years", len(counts) == 1, shown),
        ("team page queries constant over years", len(team_counts) == 1, shown_team),
    ]
    print(f"\nTargets ({vendor})")
    for what, passed, detail in checks:
        print(f"  {'PASS' if passed else 'FAIL'}  {what:<40} {detail}")
    return all(passed for _what, passed, _detail in checks)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    check_database_url(args.database_url)
    data_dir = Path(tempfile.mkdtemp(prefix="dramaturg-bench-dashboard-"))
    url = prepare_environment(args, data_dir)
    try:
        if args.database_url:
            recreate_database(url)
        return 0 if run(args, url) else 1
    finally:
        if args.keep:
            print(f"kept: database {url}, data dir {data_dir}")
        else:
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
            if args.database_url:
                recreate_database(url, drop_only=True)
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
