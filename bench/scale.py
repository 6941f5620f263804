"""Benchmark: every page kind on a generated national network, through gunicorn.

    python bench/scale.py [--schools 1000] [--years 2] [--database-url postgres://…/dramaturg_scale]
                          [--reuse] [--requests 20] [--workers 3] [--keep]

Drops and re-creates a PostgreSQL database (its name must contain "scale" or "bench"),
migrates it and fills it with `dramaturg generate-network` (timed; `--reuse` keeps a network
made by an earlier run with `--keep`). Then it serves the application with gunicorn
(`bench/gunicorn_conf.py`, `--preload`, DEBUG off) under `bench/scale_settings.py`: the
application's settings plus a middleware that counts each request's queries into a response
header, so the count includes the session and the log-in. No production setting sends it.

Per page kind (board overview, network home, library, conversations, school dashboard, team
page, team results, round list, round results, the results workbook and the card PDF) it
picks three objects of different sizes (`bench/scale_pages.py`: the largest, a middle one and
the smallest board, network, school, team, round or card) and logs in as whoever may see them
(a session written straight into the session store). Before each kind it restarts gunicorn,
empties the cache and forgets the derived data stored so far (round summaries, network
benchmark snapshots), and lets the new workers view another object of the same kind first
(their imports and templates: a server that runs for days has them long before new data
arrives). The first view of each timed object is then a "cold" view, as after new data
arrived. Then `--requests` warm views per object. It prints per kind: cold median and
maximum, warm median and p95, queries per request (the range over the three objects: constant
when min = max), the page size, and PASS/FAIL against the targets of issue 15: warm p95 <
300 ms, cold < 1 s, queries constant in size.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from machine import database_name, machine_busy, percentile, recreate_database
from scale_pages import Kind, page_kinds

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dramaturg_scale"
TARGET_WARM_P95_MS = 300.0
TARGET_COLD_MS = 1000.0
PROTECTED = {"dramaturg", "test_dramaturg", "postgres", "template0", "template1"}
# Derived data a page may have stored on an earlier view: forgotten before each kind's cold
# views (looked up by name, so a model another change renames or adds does not break this).
DERIVED = ("reports.RoundSummary", "networks.BenchmarkSnapshot")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--years", type=int, default=2, help="school years of rounds")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reuse", action="store_true", help="keep the network made before")
    parser.add_argument("--requests", type=int, default=20, help="warm views per object")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per request")
    parser.add_argument("--only", default="", help="comma-separated page kinds to time")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args(argv)


def loadavg() -> str:
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


def check_database_url(url: str) -> None:
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("--database-url must be a PostgreSQL URL.")
    name = database_name(url)
    if name in PROTECTED or not ("scale" in name or "bench" in name):
        sys.exit("The benchmark drops its database: give it a name with 'scale' or 'bench'.")


def prepare_environment(args: argparse.Namespace) -> dict[str, str]:
    data_dir = ROOT / "var" / "bench" / "scale"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        "DJANGO_SETTINGS_MODULE": "scale_settings",
        "DATABASE_URL": args.database_url,
        "DRAMATURG_DATA_DIR": str(data_dir),
        # Fixed, so a network kept with --keep (its moments' author keys) fits the next run.
        "DRAMATURG_SECRET_KEY": "bench-scale-only-" + "x" * 40,
        "DRAMATURG_DEBUG": "0",
        "DRAMATURG_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH_DIR), os.environ.get("PYTHONPATH")])),
    }
    os.environ.update(env)
    sys.path.insert(0, str(BENCH_DIR))
    return env


# --- the network ---


def build(args: argparse.Namespace) -> None:
    from django.core.management import call_command

    from dramaturg.generator.network import generate

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    print(f"Generating {args.schools:,} schools, {args.years} school years (seed {args.seed})")
    print(f"  load average before {loadavg()}")
    busy, total = machine_busy()
    report = generate(
        args.schools, args.years, args.seed, progress=lambda line: print(f"  {line}", flush=True)
    )
    busy_now, total_now = machine_busy()
    share = (busy_now - busy) / (total_now - total) if total_now > total else 0.0
    for line in report.lines():
        print(f"  {line}")
    print(f"  machine {share:.0%} busy meanwhile; load average after {loadavg()}")


def session_cookie(user: Any) -> str:
    """A logged-in session for `user`, written as `django.contrib.auth.login` writes it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    # The backend that loads the user back (axes' own only checks log-in attempts).
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def forget_derived() -> list[str]:
    """Empty the cache and delete stored derived data: what a first view after new data finds."""
    from django.apps import apps
    from django.core.cache import cache

    cache.clear()
    forgotten = []
    for label in DERIVED:
        with contextlib.suppress(LookupError):
            model = apps.get_model(label)
            count, _ = model.objects.all().delete()
            forgotten.append(f"{count} {model._meta.model_name}")
    return forgotten


# --- the server ---


class Server:
    def __init__(self, args: argparse.Namespace, env: dict[str, str]) -> None:
        self.args, self.env = args, env
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            sys.executable, "-m", "gunicorn", "dramaturg.config.wsgi",
            "-c", str(BENCH_DIR / "gunicorn_conf.py"), "--preload",
            "--workers", str(self.args.workers), "--bind", f"127.0.0.1:{self.port}",
            "--timeout", str(self.args.timeout), "--log-level", "warning",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **self.env})
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn stopped before it answered")
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 120 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)
        self.process = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """One kept-alive connection; every request carries the persona's session cookie."""

    def __init__(self, port: int, timeout: int) -> None:
        self.port, self.timeout = port, timeout
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def get(self, path: str, cookie: str) -> tuple[int, float, int, int]:
        """(status, milliseconds, queries, bytes) of one GET, the body read in full."""
        for attempt in (1, 2):
            start = time.perf_counter()
            try:
                self.connection.request("GET", path, headers={"Cookie": cookie})
                response = self.connection.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionError, BrokenPipeError):
                # gunicorn's sync workers close the connection after each response.
                self.connection.close()
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=self.timeout
                )
                if attempt == 2:
                    raise
                continue
            elapsed = (time.perf_counter() - start) * 1000
            queries = int(response.getheader("X-Bench-Queries") or -1)
            return response.status, elapsed, queries, len(body)
        raise AssertionError("unreachable")


# --- measuring ---


# Rounds of worker and view after a cold view: summaries first, then what needs them.
PREPARE_PASSES = 3


def run_worker(env: dict[str, str]) -> None:
    """The task worker (`db_worker --batch`): run every queued task, then stop."""
    command = [sys.executable, "-m", "dramaturg", "db_worker", "--batch", "--no-reload"]
    subprocess.run(command, cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True)


def measure(kind: Kind, server: Server, cookies: dict[int, str], requests: int) -> None:
    browser = Browser(server.port, server.args.timeout)
    if kind.warmup is not None:
        # Each new worker's first request imports and compiles what the page needs; a server
        # that runs for days has done that long before new data arrives. So the workers see
        # another object of the same kind first, and the targets' first views stay cold.
        cookie = cookies[kind.warmup.user.pk]
        kind.process_first = browser.get(kind.warmup.path, cookie)[1]
        for _n in range(2 * server.args.workers):
            browser.get(kind.warmup.path, cookie)
    for target in kind.targets:
        cookie = cookies[target.user.pk]
        status, ms, queries, size = browser.get(target.path, cookie)
        if status != 200:
            kind.errors.append(f"{target.label}: HTTP {status} on the first view")
            continue
        kind.cold.append(ms)
        # The first view asked the background worker for what was missing (summaries, then
        # charts and benchmarks, each asked for by a view once what it needs is there): the
        # worker runs, as it would beside the servers, and is timed; then the warm views.
        started = time.perf_counter()
        for _n in range(PREPARE_PASSES):
            run_worker(server.env)
            browser.get(target.path, cookie)
        kind.prepared.append(time.perf_counter() - started)
        for _n in range(2 * server.args.workers):  # each worker's first view of it
            browser.get(target.path, cookie)
        for _n in range(requests):
            status, ms, queries, size = browser.get(target.path, cookie)
            if status != 200:
                kind.errors.append(f"{target.label}: HTTP {status}")
                break
            kind.warm.append(ms)
        kind.queries[target.label] = queries
        kind.sizes.append(size)


def report(kinds: list[Kind]) -> bool:
    print(
        f"\n{'page':<22} {'cold med':>9} {'cold max':>9} {'warm med':>9} {'warm p95':>9} "
        f"{'queries':>9} {'size KB':>8} {'worker s':>9}  verdict"
    )
    passed_all = True
    for kind in kinds:
        counts = list(kind.queries.values())
        low, high = (min(counts), max(counts)) if counts else (0, 0)
        cold_med = statistics.median(kind.cold) if kind.cold else float("nan")
        cold_max = max(kind.cold) if kind.cold else float("nan")
        warm_med = statistics.median(kind.warm) if kind.warm else float("nan")
        warm_p95 = percentile(kind.warm, 0.95)
        size = max(kind.sizes) / 1024 if kind.sizes else 0.0
        worker = max(kind.prepared) if kind.prepared else float("nan")  # slowest preparation
        failures = []
        if kind.errors:
            failures.append("errors")
        if not warm_p95 < TARGET_WARM_P95_MS:
            failures.append("warm p95")
        if not cold_max < TARGET_COLD_MS:
            failures.append("cold")
        if low != high:
            failures.append("queries grow")
        verdict = "PASS" if not failures else "FAIL (" + ", ".join(failures) + ")"
        passed_all &= not failures
        print(
            f"{kind.name:<22} {cold_med:>7.0f}ms {cold_max:>7.0f}ms {warm_med:>7.1f}ms "
            f"{warm_p95:>7.1f}ms {f'{low}-{high}':>9} {size:>8.1f} {worker:>9.1f}  {verdict}"
        )
    print("\nObjects and queries per request:")
    for kind in kinds:
        shown = "; ".join(f"{label}: {n}" for label, n in kind.queries.items())
        first = (
            f" (warm-up object's first view in new workers: {kind.process_first:.0f} ms)"
            if kind.process_first is not None
            else ""
        )
        print(f"  {kind.name}{first}: {shown}")
        for error in kind.errors:
            print(f"    error: {error}")
    return passed_all


def run(args: argparse.Namespace, env: dict[str, str]) -> bool:
    import django

    django.setup()
    from django.db import connection

    from dramaturg.schools.models import School

    print(f"Scale benchmark: {os.cpu_count()} cores, load average {loadavg()}")
    if not args.reuse:
        build(args)
    elif not School.objects.exists():
        sys.exit("--reuse: the database holds no network; run once without --reuse (--keep).")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"Database size {cursor.fetchone()[0]}; {School.objects.count():,} schools")
    kinds = page_kinds()
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")}
        kinds = [kind for kind in kinds if kind.name in wanted]
    people = {t.user for kind in kinds for t in [*kind.targets, kind.warmup] if t is not None}
    cookies = {user.pk: session_cookie(user) for user in people}
    connection.close()  # the server's workers must not share this connection
    server = Server(args, env)
    busy, total = machine_busy()
    begun = time.perf_counter()
    try:
        for kind in kinds:
            forgotten = forget_derived()
            connection.close()
            server.start()
            print(
                f"  {kind.name}: server restarted, cache emptied, forgot {', '.join(forgotten)};"
                f" load average {loadavg()}",
                flush=True,
            )
            try:
                measure(kind, server, cookies, args.requests)
            finally:
                server.stop()
    finally:
        server.stop()
    busy_now, total_now = machine_busy()
    share = (busy_now - busy) / (total_now - total) if total_now > total else 0.0
    print(
        f"Timed in {time.perf_counter() - begun:.0f} s; the machine was {share:.0%} busy "
        f"(2 cores; the benchmark's own client, server and PostgreSQL included); "
        f"load average at the end {loadavg()}"
    )
    return report(kinds)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    check_database_url(args.database_url)
    env = prepare_environment(args)
    try:
        if not args.reuse:
            recreate_database(args.database_url)
        return 0 if run(args, env) else 1
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if not args.keep:
            recreate_database(args.database_url, drop_only=True)
        else:
            print(f"kept: database {database_name(args.database_url)} (use --reuse)")


if __name__ == "__main__":
    sys.exit(main())
