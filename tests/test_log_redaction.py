"""No personal link's token and no code in any log (docs/logging.md).

The main test serves the application with gunicorn, as `make run` does but with gunicorn's
access log on, makes it answer 400, 403, 404, 405 and 410 on answering links and a student
code request, and reads everything the server wrote. The others check the redaction itself
and that it reaches every logger and handler.
"""

from __future__ import annotations

import http.client
import logging
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from dramaturg.core.log_redaction import MARKER, RedactSecrets, redact
from dramaturg.surveys.models import Participation, Round, StudentCode
from dramaturg.surveys.secrets import CODE_ALPHABET, hash_secret, new_code, new_token
from tests.survey_helpers import add_members, staff_round, student_round

# Fixed, so that the test names stay the same from run to run; shaped like the real thing.
TOKEN = "d5XcQFNzAwYO3lnRqdgwLE8t79sWGSHnyvSsWZraNvo"
SLIP = "K7PQ-4XTM"
CLASS = "K7P-Q4X"


def test_the_examples_look_like_real_tokens_and_codes():
    assert len(TOKEN) == len(new_token())
    assert len(SLIP) == len(new_code(8))
    assert len(CLASS) == len(new_code(6))
    assert set((SLIP + CLASS).replace("-", "")) <= set(CODE_ALPHABET)


# Each text with its secret in double brackets: what the redaction must replace by the marker.
REDACTED = [
    f"Not Found: /answer/[[{TOKEN}]]/",
    f"/answer/[[{TOKEN}]]/later/part",
    f"http://school.example/answer/[[{TOKEN}]]",
    f"/accounts/login/?next=%2Fanswer%2F[[{TOKEN}]]%2F",
    f"/accounts/invitation/[[{TOKEN}]]/",
    "/accounts/password/reset/MQ/[[d4k2-0a1b2c3d4e5f]]/",
    f'"GET /answer/?code=[[{SLIP}]] HTTP/1.1" 200',
    "/answer/?step=1&code=[[k7pq+4xtm]]&x=1",
    "code=[[k7pq4xtm]]",
    f"Key (code)=([[{SLIP}]]) already exists; class [[{CLASS}]].",
    f"token [[{TOKEN}]].",
]
UNCHANGED = [
    "Not Found: /answer/thanks/",
    "Not Found: /answer/",
    "/accounts/password/reset/MQ/set-password/",
    "/accounts/password/reset/sent/",
    "status_code=404 postcode=8861 UTF-8 GET /s/de-vuurtoren/rounds/3/",
    "in test_a_round_closed_while_answering_store_x",  # 43 characters, but no token
]


@pytest.mark.parametrize("case", REDACTED)
def test_redact_replaces_tokens_and_codes(case):
    text = case.replace("[[", "").replace("]]", "")
    assert redact(text) == re.sub(r"\[\[.*?\]\]", MARKER, case)


@pytest.mark.parametrize("text", UNCHANGED)
def test_redact_leaves_what_holds_no_secret(text):
    assert redact(text) == text


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.mark.parametrize(
    "name",
    ["django.request", "django.server", "django.security.csrf", "gunicorn.error", "dramaturg", ""],
)
def test_every_logger_hands_its_handlers_redacted_records(name):
    """The record factory redacts before any handler: this handler has no filter at all."""
    logger, collect = logging.getLogger(name), Collect()
    logger.addHandler(collect)
    try:
        logger.warning("%s: %s", "Not Found", f"/answer/{TOKEN}/")
        logger.warning("Forbidden (%s): /answer/%s/", "CSRF cookie not set.", TOKEN)
        logger.warning("a student typed code=%s", SLIP.lower())  # only the whole line shows it
        try:
            raise ValueError(f"no such link /answer/{TOKEN}/")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(collect)
    output = "\n".join(collect.lines)
    assert TOKEN not in output
    assert SLIP.lower() not in output
    assert "Not Found: /answer/[redacted]/" in output
    assert "Forbidden (CSRF cookie not set.): /answer/[redacted]/" in output
    assert "a student typed code=[redacted]" in output
    assert "ValueError: no such link /answer/[redacted]/" in output


def test_mapping_arguments_keep_their_class_for_gunicorns_access_log():
    from gunicorn.glogging import SafeAtoms

    atoms = SafeAtoms({"r": f"GET /answer/{TOKEN}/ HTTP/1.1", "s": 404, "f": "-"})
    logger, collect = logging.getLogger("gunicorn.access"), Collect()
    logger.addHandler(collect)
    try:
        logger.warning('"%(r)s" %(s)s %({x-forwarded-for}i)s', atoms)
    finally:
        logger.removeHandler(collect)
    assert collect.lines == ['"GET /answer/[redacted]/ HTTP/1.1" 404 -']


def test_the_handler_filter_redacts_a_record_made_without_the_factory():
    record = logging.makeLogRecord(
        {"msg": "%s: %s", "args": ("Gone", f"/answer/{TOKEN}/"), "levelno": logging.WARNING}
    )
    assert RedactSecrets().filter(record)
    assert record.getMessage() == "Gone: /answer/[redacted]/"


def test_a_record_whose_format_fails_shows_no_secret_where_logging_reports_it():
    # logging then prints the message and the arguments as they are: both are redacted.
    make = logging.getLogRecordFactory()
    record = make("x", logging.WARNING, __file__, 1, f"/answer/{TOKEN}/ %s %s", (SLIP,), None)
    assert record.msg == "/answer/[redacted]/ %s %s"
    assert record.args == ("[redacted]",)


def test_the_settings_put_the_filter_on_every_handler_and_install_the_factory():
    assert settings.LOGGING_CONFIG == "dramaturg.core.log_redaction.configure_logging"
    for handler in settings.LOGGING["handlers"].values():
        assert "redact_secrets" in handler["filters"]
    assert getattr(logging.getLogRecordFactory(), "redacts_secrets", False)
    console = [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]
    assert console
    assert all(any(isinstance(f, RedactSecrets) for f in h.filters) for h in console)


# --- the real server ---


def _database_url(tmp_path: Path) -> str:
    """Where the server finds this test's (committed) data."""
    if connection.vendor == "sqlite":
        # The suite's SQLite database lives in memory: the server gets a copy in a file.
        path = tmp_path / "copy.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    db = connection.settings_dict
    user = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_server(tmp_path: Path, log: Path) -> tuple[subprocess.Popen, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DRAMATURG_", "DATABASE"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "dramaturg.config.settings",
        "DATABASE_URL": _database_url(tmp_path),
        "DRAMATURG_DATA_DIR": str(tmp_path),
        "PYTHONUNBUFFERED": "1",
    }
    (tmp_path / "static").mkdir()
    command = [
        sys.executable, "-m", "gunicorn", "dramaturg.config.wsgi",
        "--bind", "127.0.0.1:0", "--workers", "1",
        "--access-logfile", "-", "--error-logfile", "-", "--log-level", "info",
        "--no-control-socket",  # gunicorn would share one in the home directory
        "--config", str(Path(__file__).with_name("log_server_conf.py")),
    ]  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn stopped:\n{log.read_text()}")
        listening = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log.read_text())
        if listening and _request(int(listening.group(1)), "GET", "/answer/")[0] == 200:
            return server, int(listening.group(1))
        time.sleep(0.1)
    server.kill()
    pytest.fail(f"gunicorn did not answer:\n{log.read_text()}")


def _request(port: int, method: str, path: str, body: str = "", headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body.encode(), headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode(), response.getheader("Set-Cookie") or ""
    except OSError:
        return 0, "", ""
    finally:
        connection.close()


def _secrets_for_the_server(world) -> dict[str, str]:
    add_members(world, world.team_a, 4)
    open_round = staff_round(world, [world.team_a])
    closed_round = staff_round(world, [world.team_a], title="Voorjaarsmeting")
    Round.objects.filter(pk=closed_round.pk).update(closed_early_on=timezone.localdate())
    tokens = {}
    for name, round_ in (("open link", open_round), ("closed link", closed_round)):
        tokens[name] = new_token()
        Participation.objects.filter(target__round=round_, user=world.teacher).update(
            token_hash=hash_secret(tokens[name])
        )
    classes = student_round(world, sizes=(25,))
    Round.objects.filter(pk=classes.pk).update(closed_early_on=timezone.localdate())
    slips = student_round(
        world, sizes=(6,), access=Round.StudentAccess.SINGLE_USE, class_prefix="Klas"
    )
    return {
        **tokens,
        "unknown link": new_token(),
        "class code": classes.targets.get().class_code or "",
        "single-use code": StudentCode.objects.filter(target__round=slips).values_list(
            "code", flat=True
        )[0],
    }


@pytest.mark.django_db(transaction=True)
def test_after_4xx_answers_the_servers_log_holds_no_token_or_code(world, tmp_path):
    secrets = _secrets_for_the_server(world)
    log = tmp_path / "server.log"
    server, port = _start_server(tmp_path, log)
    try:
        valid, closed = f"/answer/{secrets['open link']}/", f"/answer/{secrets['closed link']}/"
        assert _request(port, "GET", f"/answer/{secrets['unknown link']}/")[0] == 404
        status, page, cookie = _request(port, "GET", valid)
        assert status == 200
        csrf = re.search(r"csrftoken=([^;]+)", cookie).group(1)  # type: ignore[union-attr]
        state = re.search(r'name="state" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        tampered = urlencode(
            {"csrfmiddlewaretoken": csrf, "step": "0", "state": state[:-8] + "A" * 8}
        )
        form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}"}
        assert _request(port, "POST", valid, tampered, form)[0] == 400
        assert _request(port, "POST", valid, "step=0")[0] == 403  # no CSRF cookie
        assert _request(port, "OPTIONS", valid)[0] == 405
        assert _request(port, "GET", closed)[0] == 410
        slip = secrets["single-use code"]
        assert _request(port, "GET", f"/answer/?code={slip}")[0] == 200
        typed = quote(slip.lower().replace("-", " "))  # as a student might type it
        assert _request(port, "GET", f"/answer/?code={typed}")[0] == 200
        assert _request(port, "GET", f"/answer/?code={secrets['class code']}")[0] == 410
        referer = {"Referer": f"http://127.0.0.1:{port}{valid}"}
        assert _request(port, "GET", "/answer/thanks/", headers=referer)[0] == 200
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    output = log.read_text()
    lowered = output.lower()
    for name, secret in secrets.items():
        for form_of_it in {secret, secret.replace("-", ""), quote(secret.replace("-", " "))}:
            assert form_of_it.lower() not in lowered, f"the {name} is in the log"
    # What was logged, with the marker in place of the secret (so the test can fail).
    for line in [
        "Not Found: /answer/[redacted]/",
        "Bad Request: /answer/[redacted]/",
        "Forbidden (CSRF cookie not set.): /answer/[redacted]/",
        "Method Not Allowed (OPTIONS): /answer/[redacted]/",
        "Gone: /answer/[redacted]/",
        "Gone: /answer/",
        '"GET /answer/?code=[redacted] HTTP/1.1" 200',
        '"GET /answer/?code=[redacted] HTTP/1.1" 410',
        '"GET /answer/thanks/ HTTP/1.1" 200 ',
        f'"http://127.0.0.1:{port}/answer/[redacted]/"',
    ]:
        assert line in output, f"{line!r} not in the log:\n{output}"
    assert output.count("code=[redacted]") == 3
