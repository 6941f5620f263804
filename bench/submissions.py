"""Benchmark: complete student responses posted over HTTP to the real application server.

    python bench/submissions.py [--seconds 60] [--target 500] [--keep] ...

Creates a fresh PostgreSQL database and data directory, sets up a school with an open student
round of single-use codes, serves the application with gunicorn, and posts complete responses
from a second process (the load generator) for a fixed time. Then it counts the stored
responses (released, and sealed ones still waiting for release) and used codes and prints
PASS or FAIL against the target. See docs/benchmarks.md.

The same file runs as the load generator (`--client PLAN`): it only does HTTP, one connection
per thread (kept alive where the worker class allows it); every encrypted form state is
prepared beforehand.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import math
import os
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from machine import cpu_seconds, database_name, machine_busy, percentile, recreate_database

ANSWER_PATH = "/answer/"
THANKS_PATH = "/answer/thanks/"
CLASS_SIZE = 60  # the largest class a school may register
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dramaturg_bench"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the timed run")
    parser.add_argument("--target", type=float, default=500.0, help="submissions/s to sustain")
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="pace the submissions at this many per second (0: as fast as the server answers)",
    )
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections")
    parser.add_argument(
        "--codes",
        type=int,
        default=0,
        help="single-use codes to create (default: enough for 2x the target, or 1.5x --rate)",
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    parser.add_argument("--worker-class", default="", help="gunicorn worker class (default: sync)")
    parser.add_argument("--app", default="dramaturg.config.wsgi", help="WSGI module to serve")
    parser.add_argument("--keep", action="store_true", help="keep the database and data dir")
    parser.add_argument("--client", metavar="PLAN", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- the load generator (a separate process: HTTP only) ---


class Worker(threading.Thread):
    def __init__(self, port: int, next_body, record) -> None:
        super().__init__(daemon=True)
        self.next_body, self.record = next_body, record
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.token = ""
        self.retries = 0

    def csrf(self) -> None:
        """One GET of the code page per connection, as a browser does: the csrftoken cookie."""
        self.connection.request("GET", ANSWER_PATH)
        response = self.connection.getresponse()
        response.read()
        cookie = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie.load(header)
        if response.status != 200 or "csrftoken" not in cookie:
            raise RuntimeError(f"GET {ANSWER_PATH} gave {response.status} without a CSRF cookie")
        self.token = cookie["csrftoken"].value

    def post(self, body: str, headers: dict[str, str]) -> http.client.HTTPResponse:
        reused = self.connection.sock is not None
        try:
            self.connection.request("POST", ANSWER_PATH, body, headers)
            return self.connection.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            if not reused:
                raise
        # The server had closed the idle keep-alive connection: send again on a new one, as a
        # browser does. Should the first attempt have been stored after all, the code is used
        # up and the second attempt fails visibly, so nothing is counted twice.
        self.connection.close()
        self.retries += 1
        self.connection.request("POST", ANSWER_PATH, body, headers)
        return self.connection.getresponse()

    def run(self) -> None:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={self.token}",
        }
        prefix = urlencode({"csrfmiddlewaretoken": self.token}) + "&"
        while True:
            body = self.next_body()
            if body is None:
                return
            started = time.perf_counter()
            try:
                response = self.post(prefix + body, headers)
                content = response.read()
                ok = response.status == 302 and response.headers.get("Location") == THANKS_PATH
                detail = "" if ok else f"{response.status}: {content[:300]!r}"
            except (OSError, http.client.HTTPException) as error:
                self.connection.close()
                ok, detail = False, f"{type(error).__name__}: {error}"
            self.record(started, time.perf_counter(), ok, detail)


def run_client(args: argparse.Namespace) -> None:
    bodies = Path(args.client).read_text().splitlines()
    lock = threading.Lock()
    position = 0
    start = 0.0
    results: list[tuple[float, float, bool]] = []
    errors: list[str] = []

    ran_out = False

    def next_body() -> str | None:
        nonlocal position, ran_out
        end = start + args.seconds
        with lock:
            due = start + position / args.rate if args.rate else 0.0
            if time.perf_counter() >= end or due >= end:
                return None
            if position >= len(bodies):
                ran_out = True
                return None
            index = position
            position += 1
        now = time.perf_counter()
        if due > now:
            time.sleep(due - now)
        return bodies[index]

    def record(started: float, finished: float, ok: bool, detail: str) -> None:
        with lock:
            results.append((started - start, finished - start, ok))
            if not ok and len(errors) < 5:
                errors.append(detail)

    workers = [Worker(args.port, next_body, record) for _ in range(args.connections)]
    for worker in workers:
        worker.csrf()
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    json.dump(
        {
            "cpu": usage.ru_utime + usage.ru_stime,
            "results": results,
            "errors": errors,
            "retries": sum(worker.retries for worker in workers),
            "out_of_codes": ran_out,
            "codes": len(bodies),
        },
        sys.stdout,
    )


# --- the benchmark: database, round, server, load, count ---


def server_env(args: argparse.Namespace, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dramaturg.config.settings",
        "DATABASE_URL": args.database_url,
        "DRAMATURG_DATA_DIR": str(data_dir),
        "DRAMATURG_DEBUG": "0",
        "DRAMATURG_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
    }


def make_round(code_count: int):
    """A school with an open student round of single-use codes, created in bulk."""
    from django.utils import timezone

    from dramaturg.schools.models import Board, School, SchoolYear, StudentGroup
    from dramaturg.surveys.instruments import instrument_to_data, shipped_instruments
    from dramaturg.surveys.models import Round, RoundInstrument, RoundTarget, StudentCode
    from dramaturg.surveys.secrets import new_code

    today = timezone.localdate()
    board = Board.objects.create(name="Benchmark board", slug="bench")
    school = School.objects.create(board=board, name="Benchmark school", slug="bench", sector="vo")
    round_ = Round.objects.create(
        school=school,
        school_year=SchoolYear.objects.for_date(today),
        title="Benchmark",
        mode=Round.Mode.STUDENTS,
        student_access=Round.StudentAccess.SINGLE_USE,
        opens_on=today,
        closes_on=today + dt.timedelta(days=7),
        anonymity_threshold=5,
    )
    instrument = shipped_instruments()["student_self_efficacy"]
    RoundInstrument.objects.create(
        round=round_,
        position=0,
        instrument_id=instrument.id,
        version=instrument.version,
        definition=instrument_to_data(instrument),
    )
    class_count = math.ceil(code_count / CLASS_SIZE)
    groups = StudentGroup.objects.bulk_create(
        StudentGroup(school=school, name=f"Klas {n + 1:04d}", size=CLASS_SIZE)
        for n in range(class_count)
    )
    targets = RoundTarget.objects.bulk_create(
        RoundTarget(round=round_, student_group=group, invited=CLASS_SIZE) for group in groups
    )
    codes: set[str] = set()
    while len(codes) < class_count * CLASS_SIZE:
        codes.add(new_code(8))
    ordered = sorted(codes)
    random.shuffle(ordered)
    StudentCode.objects.bulk_create(
        (StudentCode(target=targets[n // CLASS_SIZE], code=code) for n, code in enumerate(ordered)),
        batch_size=5000,
    )
    return round_, ordered[:code_count]


def make_plan(codes: list[str], path: Path) -> int:
    """One request body per code: the last step's answers in the form, the earlier steps'
    in the encrypted state, exactly as the step pages would have carried them."""
    from dramaturg.surveys import answering
    from dramaturg.surveys.secrets import new_token

    access = answering.student_access(codes[0])
    last = access.steps[-1]
    lines = []
    for code in codes:
        # The state is encrypted under a key bound to the code; the rest of the access is the
        # same for every code of the round, so one lookup serves all (the server does its own).
        one = replace(access, secret=code)
        answers: list[int | None] = [None] * one.item_count
        for step in one.steps[:-1]:
            allowed = sorted(step.allowed())
            for index in range(step.offset, step.offset + len(step.scale.items)):
                answers[index] = random.choice(allowed)
        state = answering.dump_state(one, {"answers": answers, "key": new_token()})
        allowed = sorted(last.allowed())
        fields = {name: str(random.choice(allowed)) for name, _item in last.fields}
        lines.append(
            urlencode(
                {"code": code, "state": state, "step": last.number, "action": "submit", **fields}
            )
        )
    path.write_text("\n".join(lines) + "\n")
    return len(lines)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(args: argparse.Namespace, env: dict[str, str], port: int, log: Path):
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        args.app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--log-level",
        "warning",  # and no --access-logfile: nothing about a respondent is written
        "--preload",  # workers fork ready, so the load meets no half-started worker
        "--config",
        str(Path(__file__).with_name("gunicorn_conf.py")),
    ]
    if args.worker_class:
        command += ["--worker-class", args.worker_class]
    with log.open("wb") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start:\n{log.read_text()}")
        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", ANSWER_PATH)
            if connection.getresponse().status == 200:
                connection.close()
                return server
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"gunicorn did not answer within 60 s:\n{log.read_text()}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


class CpuMeter(threading.Thread):
    """Samples the CPU time of the gunicorn workers and of the PostgreSQL backends serving
    the bench database while the load runs; a backend that is replaced keeps its last value."""

    def __init__(self, server_pid: int, database_url: str) -> None:
        super().__init__(daemon=True)
        self.server_pid, self.database_url = server_pid, database_url
        self.stop = threading.Event()
        self.connection: Any = None
        self.workers: dict[int, float] = {}
        self.backends: dict[int, float] = {}
        self.machine = machine_busy()
        self.sample()
        self.start_workers = dict(self.workers)
        self.start_backends = dict(self.backends)

    def sample(self) -> None:
        import psycopg

        children = Path(f"/proc/{self.server_pid}/task/{self.server_pid}/children")
        for pid in (int(p) for p in children.read_text().split()):
            self.workers[pid] = max(self.workers.get(pid, 0.0), cpu_seconds(pid))
        if self.connection is None:
            self.connection = psycopg.connect(self.database_url, dbname="postgres", autocommit=True)
        rows = self.connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database_name(self.database_url)],
        ).fetchall()
        for (pid,) in rows:
            self.backends[pid] = max(self.backends.get(pid, 0.0), cpu_seconds(pid))

    def run(self) -> None:
        while not self.stop.wait(0.5):
            self.sample()

    def finish(self) -> dict[str, float]:
        self.stop.set()
        self.join()
        self.sample()
        busy, total = machine_busy()
        self.connection.close()

        def spent(now: dict[int, float], before: dict[int, float]) -> float:
            return sum(now.values()) - sum(before.get(pid, 0.0) for pid in now)

        return {
            "workers": spent(self.workers, self.start_workers),
            "postgres": spent(self.backends, self.start_backends),
            "machine_busy": busy - self.machine[0],
            "machine_total": total - self.machine[1],
        }


def report(args: argparse.Namespace, outcome: dict, counts: dict[str, int]) -> bool:
    results = outcome["results"]
    sent = len(results)
    successes = sum(1 for _s, _f, ok in results if ok)
    errors = sent - successes
    seconds = math.floor(args.seconds)
    per_second = [0] * max(seconds, 1)
    for _started, finished, ok in results:
        if ok and 0 <= finished < seconds:
            per_second[int(finished)] += 1
    elapsed = max((finished for _s, finished, _ok in results), default=0.0)
    latencies = [(finished - started) * 1000 for started, finished, _ok in results]
    stored = counts["responses"] + counts["waiting"]
    lost = successes - stored
    overall = successes / elapsed if elapsed else 0.0
    lowest, median = min(per_second), statistics.median(per_second)

    print(f"submissions sent      {sent}")
    print(f"successes (302)       {successes}")
    print(f"errors                {errors}")
    if outcome["retries"]:
        print(f"  resent on a new connection after a closed keep-alive: {outcome['retries']}")
    for sample in outcome["errors"]:
        print(f"  e.g. {sample}")
    print(f"elapsed               {elapsed:.1f} s")
    print(f"submissions/s         {overall:.1f} overall")
    print(f"  per second          min {lowest}, median {median:g}, max {max(per_second)}")
    print(
        f"latency               p50 {percentile(latencies, 0.50):.1f} ms, "
        f"p95 {percentile(latencies, 0.95):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms"
    )
    cpu = outcome["meter"]
    if successes:
        per = {
            name: cpu[key] / successes * 1000
            for name, key in (("server", "workers"), ("postgres", "postgres"), ("load", "client"))
        }
        print(
            f"CPU per submission    server {per['server']:.1f} ms, postgres "
            f"{per['postgres']:.1f} ms, load generator {per['load']:.1f} ms"
        )
        own = cpu["workers"] + cpu["postgres"] + cpu["client"]
        cores = os.cpu_count() or 1
        busy = cpu["machine_busy"] / cpu["machine_total"] * 100
        others = max(cpu["machine_busy"] - own, 0) / cpu["machine_total"] * 100
        print(
            f"machine CPU           {busy:.0f}% busy ({cores} cores), of which {others:.0f}% "
            f"outside this benchmark; load average before start {outcome['loadavg']:.2f}"
        )
        print(
            f"  so {cores} idle cores would carry about "
            f"{cores * 1000 / (per['server'] + per['postgres']):.0f} submissions/s "
            "(server and PostgreSQL CPU only)"
        )
    print(f"responses released    {counts['responses']}")
    print(f"  sealed, waiting     {counts['waiting']} (kept back until the class has enough)")
    print(f"codes marked used     {counts['used']}")
    print(f"submission keys       {counts['keys']} (kept for class codes only)")
    print(f"lost responses        {lost}")

    problems = []
    if outcome["out_of_codes"]:
        problems.append(f"ran out of codes ({outcome['codes']}): raise --codes")
    if lowest < args.target:
        problems.append(f"a second had {lowest} < {args.target:g} submissions")
    if errors:
        problems.append(f"{errors} errors")
    if lost:
        problems.append(f"{lost} lost responses")
    if counts["used"] != stored:
        problems.append("used codes and responses differ")
    if counts["keys"]:
        problems.append("single-use codes stored submission keys")
    verdict = "PASS" if not problems else "FAIL"
    print(
        f"{verdict}: target >= {args.target:g} submissions/s for {args.seconds:g} s, "
        f"0 errors, 0 lost" + ("" if not problems else " — " + "; ".join(problems))
    )
    return not problems


def run_benchmark(args: argparse.Namespace) -> bool:
    if "bench" not in database_name(args.database_url):
        sys.exit("The benchmark drops and creates its database: give it a name with 'bench' in it.")
    data_dir = Path(tempfile.mkdtemp(prefix="dramaturg-bench-"))
    env = server_env(args, data_dir)
    os.environ.update(env)
    recreate_database(args.database_url)
    server = None
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from dramaturg.surveys.models import PendingResponse, Response, StudentCode, Submission

        begun = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("collectstatic", verbosity=0, interactive=False)  # the pages link to it
        rate = args.rate or 2 * args.target
        code_count = args.codes or math.ceil(rate * args.seconds * (1.5 if args.rate else 1))
        round_, codes = make_round(code_count)
        print(f"round made in {time.perf_counter() - begun:.1f} s")
        plan = data_dir / "plan.txt"
        make_plan(codes, plan)
        connections.close_all()
        print(
            f"prepared {len(codes)} codes in {math.ceil(len(codes) / CLASS_SIZE)} classes "
            f"and their encrypted forms in {time.perf_counter() - begun:.1f} s"
        )

        port = free_port()
        server = start_server(args, env, port, data_dir / "gunicorn.log")
        kind = args.worker_class or "sync"
        print(
            f"gunicorn {kind}: {args.workers} workers x {args.threads} threads "
            f"on 127.0.0.1:{port}; load: {args.connections} connections, "
            + (f"paced at {args.rate:g}/s" if args.rate else "unpaced")
            + f", {args.seconds:g} s"
        )
        loadavg = os.getloadavg()[0]
        meter = CpuMeter(server.pid, args.database_url)
        meter.start()
        client = subprocess.run(
            [
                sys.executable,
                __file__,
                "--client",
                str(plan),
                "--port",
                str(port),
                "--seconds",
                str(args.seconds),
                "--rate",
                str(args.rate),
                "--connections",
                str(args.connections),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=args.seconds + 300,
        )
        if client.returncode:
            raise RuntimeError(f"the load generator failed:\n{client.stderr}")
        outcome = json.loads(client.stdout)
        outcome["meter"] = {**meter.finish(), "client": outcome["cpu"]}
        outcome["loadavg"] = loadavg
        stop_server(server)
        server = None
        log = (data_dir / "gunicorn.log").read_text().strip()
        if log:
            print("gunicorn said:\n" + log[-2000:])

        counts = {
            "responses": Response.objects.filter(round=round_).count(),
            "waiting": PendingResponse.objects.filter(round=round_).count(),
            "used": StudentCode.objects.filter(target__round=round_, used=True).count(),
            "keys": Submission.objects.filter(round=round_).count(),
        }
        connections.close_all()
        return report(args, outcome, counts)
    finally:
        if server is not None:
            stop_server(server)
        if args.keep:
            print(f"kept: database {args.database_url}, data dir {data_dir}")
        else:
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
            recreate_database(args.database_url, drop_only=True)
            shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    args = parse_args()
    if args.client:
        run_client(args)
        return
    sys.exit(0 if run_benchmark(args) else 1)


if __name__ == "__main__":
    main()
