"""Secrets never reach a log: personal answering links, invitation and password-reset tokens,
class codes and single-use codes are replaced by `[redacted]` in every log record.

Why: a personal link's token opens that person's questionnaire and saved draft, and a code
is a student's way in. Django writes the path of every 4xx response (`Not Found:
/answer/<token>/`), gunicorn's access log the whole request line with its query string and
the Referer, and logs end up in files, backups and log services that the people who run the
school's server can read.

Where it is installed, and why there as well as on the handlers:

- **A log record factory** (`install_record_factory`, called by `configure_logging`, which the
  settings name as `LOGGING_CONFIG`) redacts each record when it is made, before any filter,
  handler or formatter sees it. That covers every logger and handler in the process: Django's
  (`django.request`, `django.server`, `django.security.*`), the root's, and handlers the
  settings do not know about, such as the ones gunicorn attaches to `gunicorn.error` and
  `gunicorn.access` (they do not propagate, so a filter in `LOGGING` would never see their
  records). A filter on a *logger* would be weaker still: Python applies a logger's filters
  only to records logged on that very logger, not to those propagating from its children.
- **A handler filter** (`RedactSecrets`, on every handler in `LOGGING`) is the backstop for a
  record the factory did not see whole: `logging.makeLogRecord` (how records arrive from a
  socket or a queue) runs the factory on an empty record and fills it in afterwards, and a
  library may replace the factory without chaining ours. Redacting twice changes nothing.

Also the id in a moment's path (`/moments/<id>/delete/`): only the author of a moment may
open that page, so a log that kept the id beside the client's address and a 200 would tell
whoever reads it together with the database which unnamed moment is whose
(docs/repertoire.md).

What is redacted: each argument of the message (a tuple or a mapping, such as gunicorn's
access-log atoms, keeping its type so formatters still work), then the message as it will be
printed: if that still shows a secret (written into the format string, or made of a format
and an argument that are harmless apart), the record becomes its redacted message. A format
string is not redacted on its own, because that could eat a placeholder ('/answer/%s/').
Also the formatted traceback and the stack. Extra attributes (Django's `request` object) are
left alone: no formatter here prints them.
"""

from __future__ import annotations

import copy
import logging
import logging.config
import re
from collections.abc import Callable, Mapping
from typing import Any

from dramaturg.core.code_alphabet import CODE_ALPHABET

MARKER = "[redacted]"

_END = "/?#&\\s\"'<>;,"  # what ends a path segment or a query value in a URL or a log line
_SLASH = "(?:/|%2[fF])"  # a next= parameter carries its URL percent-encoded
_SEGMENT = f"(?:(?!%2[fF])[^{_END}])+"
_LETTER = f"[{CODE_ALPHABET}]"

# Four patterns, each tried only when a cheap test says it could match: one alternation of
# all four costs five times as much on a typical access-log line.
_PATH = re.compile(
    # The segment after /answer/ (a personal link, and anything under it later) or after
    # /accounts/invitation/, and the token of a password-reset link; not the fixed pages.
    f"({_SLASH}(?:answer|accounts{_SLASH}invitation"
    f"|accounts{_SLASH}password{_SLASH}reset{_SLASH}{_SEGMENT}){_SLASH})"
    f"(?!(?:thanks|set-password)(?:[{_END}]|%2[fF]|$)){_SEGMENT}"
)
# A code as typed, in a query string or a message (any case, any spacing): code=...
_PARAM = re.compile(f"((?<!\\w)(?i:code)(?:=|%3[dD]))[^{_END}]+")
# A code as issued: 'K7P-Q4X' (class) or 'K7PQ-4XTM' (single use), e.g. in a database error.
_CODE = re.compile(
    f"(?<![A-Za-z0-9-])(?:{_LETTER}{{3}}-{_LETTER}{{3}}|{_LETTER}{{4}}-{_LETTER}{{4}})"
    "(?![A-Za-z0-9-])"
)
# The id of a moment in a path: its delete page answers its author only.
_MOMENT = re.compile(f"({_SLASH}moments{_SLASH})[0-9]+")
# A bare token (secrets.token_urlsafe(32): 43 characters) wherever it turns up.
_TOKEN = re.compile("(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")
_KEEP_PREFIX = f"\\1{MARKER}"


def _token(match: re.Match[str]) -> str:
    token = match.group()
    # A long snake_case name in a traceback is no token: a token has both cases.
    return token if token.islower() or token.isupper() else MARKER


def redact(text: str) -> str:
    """The text with every token and code replaced by the marker."""
    if "answer" in text or "accounts" in text:
        text = _PATH.sub(_KEEP_PREFIX, text)
    if "moments" in text:
        text = _MOMENT.sub(_KEEP_PREFIX, text)
    if "=" in text or "%3" in text:
        text = _PARAM.sub(_KEEP_PREFIX, text)
    if "-" in text:
        text = _CODE.sub(MARKER, text)
    if len(text) >= 43:
        text = _TOKEN.sub(_token, text)
    return text


def _redact_value(value: Any) -> Any:
    # Only strings: numbers keep their type for %d, and other objects are judged by the
    # formatted message below (calling str() on them here could run a query).
    return redact(value) if isinstance(value, str) else value


def _redact_args(args: Any) -> Any:
    if isinstance(args, tuple):
        return tuple(_redact_value(arg) for arg in args)
    if isinstance(args, Mapping):
        # A shallow copy keeps the mapping's class (gunicorn's SafeAtoms answers '-' for a
        # missing atom) without running its constructor again.
        redacted = copy.copy(args)
        for key, value in args.items():
            if isinstance(value, str):
                redacted[key] = redact(value)  # type: ignore[index]
        return redacted
    return args


def redact_record(record: logging.LogRecord) -> None:
    """Redact a record in place (idempotent)."""
    if record.args:
        # The message is a format string then: redacting it could eat a placeholder
        # ('/answer/%s/'), and a secret written into it shows in the check below.
        record.args = _redact_args(record.args)
    elif isinstance(record.msg, str):
        record.msg = redact(record.msg)
    try:
        message = record.getMessage()
    except (TypeError, ValueError, KeyError):
        # A bad format: logging prints the message and the arguments as they are instead.
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
    else:
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
    if record.exc_info and not record.exc_text:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    elif record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


class RedactSecrets(logging.Filter):
    """The handlers' backstop for records the factory did not make (see the module doc)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Always, even after the factory: `logging.makeLogRecord` runs the factory on an
        # empty record and fills in message and arguments afterwards.
        redact_record(record)
        return True


def install_record_factory() -> None:
    """Make every log record of this process redacted from its creation. Idempotent, and it
    wraps the factory in place, so a factory installed before (pytest's, a tracer's) still
    runs."""
    previous: Callable[..., logging.LogRecord] = logging.getLogRecordFactory()
    if getattr(previous, "redacts_secrets", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redact_record(record)
        return record

    factory.redacts_secrets = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def configure_logging(config: dict[str, Any]) -> None:
    """`LOGGING_CONFIG`: Django calls it with `LOGGING` at start-up, in every process (gunicorn
    workers, the task worker, management commands and the tests)."""
    install_record_factory()
    logging.config.dictConfig(config)
