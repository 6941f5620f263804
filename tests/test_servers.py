"""Several application servers for real: two gunicorn instances and the task worker share one
PostgreSQL database and one Redis, and nothing else.

Each process gets a data directory of its own, as if it ran on a machine of its own; they
share only what docs/deployment.md says machines must share: `DATABASE_URL`,
`DRAMATURG_CACHE_URL` and `DRAMATURG_SECRET_KEY`. A reader logs in on one server and goes on
on the other, queues an export on one and downloads it from the other, and sees on one the
charts the worker drew for the other.

The test needs PostgreSQL at 127.0.0.1:5432 (or the server of the suite's own DATABASE_URL)
and Redis at 127.0.0.1:6379, as the dev and CI machines have them, and runs on SQLite runs of
the suite too: it creates a database of its own, migrates it once, and drops it afterwards;
in Redis it uses database 9 and a key prefix of its own, and deletes its keys afterwards.
`pytest -m servers` runs it alone.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from importlib import metadata
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
import pytest
import redis
from django.core.cache.backends.redis import RedisCache
from pypdf import PdfReader

pytestmark = pytest.mark.servers

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/9"
MARKER = 'data-served-from="shared-cache"'


def _postgres_server() -> str:
    """postgres://user@host:port of the suite's PostgreSQL, or the local one."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        return f"postgres://{parts.netloc}"
    return "postgres://postgres@127.0.0.1:5432"


def _migrations_fingerprint() -> str:
    """What decides the migrated schema: every migration file and the migrating packages."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "src" / "dramaturg").glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    for package in ("django", "django-axes", "django-tasks-db"):
        digest.update(f"{package}={metadata.version(package)}".encode())
    return digest.hexdigest()[:12]


def _migrated_template(server: str) -> str:
    """A migrated database to copy, kept between runs under the migrations' fingerprint.

    Migrating takes some 11 seconds; copying a migrated database well under one. A template
    of other migrations is dropped when a new one is made, so at most one is kept (per
    concurrent change of the migrations).
    """
    template = f"dramaturg_servers_template_{_migrations_fingerprint()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        if found.fetchone():
            return template
        building = f"{template}_{uuid.uuid4().hex[:8]}"
        admin.execute(f'CREATE DATABASE "{building}"')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DRAMATURG_", "DATABASE"))}
    migrated = subprocess.run(
        [sys.executable, "-m", "dramaturg", "migrate", "--no-input", "-v", "0"],
        env=env | {"DATABASE_URL": f"{server}/{building}", "DRAMATURG_SECRET_KEY": "migrate"},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        if migrated.returncode != 0:
            admin.execute(f'DROP DATABASE "{building}" WITH (FORCE)')
            pytest.fail(f"migrate failed:\n{migrated.stderr}")
        try:
            # Renamed only once complete: a concurrent run never copies a half-migrated one.
            admin.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
        except psycopg.errors.DuplicateDatabase:
            admin.execute(f'DROP DATABASE "{building}" WITH (FORCE)')
            return template
        stale = admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
            [r"dramaturg\_servers\_template\_%", template],
        ).fetchall()
        for (name,) in stale:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return template


@pytest.fixture
def database():
    """A PostgreSQL database of this test's own, copied from the migrated template and dropped
    afterwards."""
    server = _postgres_server()
    template = _migrated_template(server)
    name = f"dramaturg_servers_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def cache_prefix():
    """A Redis key prefix of this test's own; its keys are deleted afterwards."""
    prefix = f"servers-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)
    client.close()


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path
    # gunicorn stops at once on SIGINT (on SIGTERM it waits for its workers to finish).
    stop_signal: int = signal.SIGTERM

    def output(self) -> str:
        return f"--- {self.name} ---\n{self.log.read_text(errors='replace')[-4000:]}"


@dataclass
class Servers:
    processes: list[Process] = field(default_factory=list)

    def start(
        self,
        name: str,
        command: list[str],
        env: dict[str, str],
        log: Path,
        stop_signal: int = signal.SIGTERM,
    ) -> Process:
        with log.open("wb") as out:
            popen = subprocess.Popen(
                command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
            )
        process = Process(name, popen, log, stop_signal)
        self.processes.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(p.output() for p in self.processes)

    def stop(self) -> None:
        for process in self.processes:
            if process.popen.poll() is None:
                process.popen.send_signal(process.stop_signal)
        for process in self.processes:
            try:
                process.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.popen.kill()
                process.popen.wait()


@pytest.fixture
def servers():
    running = Servers()
    yield running
    running.stop()


def _environment(data_dir: Path, shared: dict[str, str]) -> dict[str, str]:
    """A machine of its own: its own data directory, and only the shared settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DRAMATURG_", "DATABASE"))}
    (data_dir / "static").mkdir(parents=True)
    return env | shared | {"DRAMATURG_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}


def _gunicorn() -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "dramaturg.config.wsgi",
        "--bind", "127.0.0.1:0", "--workers", "1", "--threads", "2",
        "--error-logfile", "-", "--no-control-socket",
        "--config", str(ROOT / "tests" / "log_server_conf.py"),
    ]  # fmt: skip


def _wait_for_port(process: Process, servers: Servers) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            pytest.fail(f"{process.name} stopped:\n{servers.logs()}")
        found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", process.log.read_text())
        if found and Browser().get(int(found.group(1)), "/accounts/login/").status == 200:
            return int(found.group(1))
        time.sleep(0.1)
    pytest.fail(f"{process.name} did not answer:\n{servers.logs()}")


@dataclass
class Page:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass
class Browser:
    """One reader's cookies, sent to whichever server a request goes to (as behind a proxy)."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, port: int, method: str, path: str, form: dict | None = None) -> Page:
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            page = Page(response.status, dict(response.getheaders()), response.read())
            for raw in response.msg.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(raw).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return page
        except OSError:
            return Page(0, {}, b"")
        finally:
            connection.close()

    def get(self, port: int, path: str) -> Page:
        return self.request(port, "GET", path)

    def post(self, port: int, path: str, form: dict) -> Page:
        return self.request(port, "POST", path, {"csrfmiddlewaretoken": self.csrf, **form})

    @property
    def csrf(self) -> str:
        return self.cookies["csrftoken"]


def _chart_keys(client: redis.Redis, prefix: str) -> list[str]:
    # Django's Redis backend stores "<prefix>:<version>:<key>".
    return sorted(k.decode() for k in client.scan_iter(match=f"{prefix}:1:chart:*"))


def test_two_servers_and_a_worker_share_sessions_exports_and_charts(
    database, cache_prefix, servers, tmp_path
):
    shared = {
        "DATABASE_URL": database,
        "DRAMATURG_CACHE_URL": REDIS_URL,
        "DRAMATURG_CACHE_KEY_PREFIX": cache_prefix,
        "DRAMATURG_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SETTINGS_MODULE": "dramaturg.config.settings",
    }
    # The servers start while the world is written into the database they share.
    world_builder = subprocess.Popen(
        [sys.executable, "-m", "tests.servers_world"],
        env=_environment(tmp_path / "setup", shared),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first = servers.start(
        "server A",
        _gunicorn(),
        _environment(tmp_path / "a", shared),
        tmp_path / "a.log",
        signal.SIGINT,
    )
    second = servers.start(
        "server B",
        _gunicorn(),
        _environment(tmp_path / "b", shared),
        tmp_path / "b.log",
        signal.SIGINT,
    )
    servers.start(
        "worker",
        [sys.executable, "-m", "dramaturg", "db_worker", "--no-reload", "--interval", "0.2"],
        _environment(tmp_path / "worker", shared),
        tmp_path / "worker.log",
    )
    out, err = world_builder.communicate(timeout=120)
    assert world_builder.returncode == 0, err
    world = json.loads(out.strip().splitlines()[-1])
    a, b = _wait_for_port(first, servers), _wait_for_port(second, servers)
    assert a != b
    school, dashboard = world["school"], f"/s/{world['school']}/dashboard/"

    # Log in on A ...
    reader = Browser()
    assert reader.get(a, "/accounts/login/").status == 200
    login = {"username": world["email"], "password": world["password"]}
    logged_in = reader.post(a, "/accounts/login/", login)
    assert logged_in.status == 302, servers.logs()
    session = reader.cookies["sessionid"]

    # ... A asks for the dashboard; the worker prepares its summaries and then its charts
    # (a page never draws one) and keeps the drawings in Redis. A is asked again, as a
    # reader would reload, until every chart it shows is drawn ...
    shared_cache = redis.Redis.from_url(REDIS_URL)
    assert _chart_keys(shared_cache, cache_prefix) == []
    deadline = time.monotonic() + 60
    while True:
        on_a = reader.get(a, dashboard)
        assert on_a.status == 200, servers.logs()
        assert world["school_name"] in on_a.text
        keys = _chart_keys(shared_cache, cache_prefix)
        if len(keys) >= 2 and on_a.text.count("<svg") == len(keys):  # trend and bar charts
            break
        if time.monotonic() > deadline:
            pytest.fail(f"the worker did not draw the charts in time:\n{servers.logs()}")
        time.sleep(0.3)
    assert MARKER not in on_a.text

    # ... and B, which never drew a chart nor saw the login, shows A's drawings. To tell a
    # drawing B took from Redis from one it made itself, every stored SVG gets a marker.
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": cache_prefix})
    for key in keys:
        name = key.removeprefix(f"{cache_prefix}:1:")
        svg = cache.get(name)
        assert svg is not None
        assert svg.startswith("<svg")
        cache.set(name, svg.replace("<svg", f"<svg {MARKER}", 1), 600)
    on_b = reader.get(b, dashboard)
    assert on_b.status == 200, servers.logs()
    assert world["school_name"] in on_b.text
    assert on_b.text.count(MARKER) == len(keys) == on_a.text.count("<svg")
    assert _chart_keys(shared_cache, cache_prefix) == keys  # B stored no drawing of its own
    shared_cache.close()

    # Queue the round report on B (with the CSRF cookie A handed out) ...
    queued = reader.post(
        b,
        f"/s/{school}/exports/",
        {"kind": "round", "object_id": world["round"], "key": "round_pdf"},
    )
    assert queued.status == 302, servers.logs()
    job_page = urlsplit(queued.headers["Location"]).path
    assert re.fullmatch(rf"/s/{school}/exports/\d+/", job_page)

    # ... the worker builds it, and A (which never saw the request) hands it out. The page
    # is asked as often as its own refresh would, only faster.
    download = f"{job_page}download/"
    deadline = time.monotonic() + 45
    while download not in (status := reader.get(a, job_page)).text:
        assert status.status == 200, servers.logs()
        if time.monotonic() > deadline:
            pytest.fail(f"the export was not ready in time:\n{servers.logs()}")
        time.sleep(0.2)
    pdf = reader.get(a, download)
    assert pdf.status == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.body)).pages)
    assert "Voorjaar" in text
    assert world["school_name"] in text

    # Logging out on B ends the session on A too: it lived in the shared database.
    assert reader.post(b, "/accounts/logout/", {}).status == 302
    assert "sessionid" not in reader.cookies
    replayed = Browser(cookies={"sessionid": session}).get(a, dashboard)
    assert replayed.status == 302
    assert replayed.headers["Location"].startswith("/accounts/login/")
