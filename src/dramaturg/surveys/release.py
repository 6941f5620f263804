"""Sealed pending answers, and their release into `Response` in shuffled batches.

Whoever holds the database (its files, a backup, the write-ahead log) but not the
application's secret key must not be able to tell which answers a person gave. A submit uses
up the personal link or code and stores the answers in one transaction, so on PostgreSQL the
two rows share a transaction id (`xmin`), and on SQLite rows follow the order of submission.
Therefore a submit never writes one readable answer on its own:

1. **Submit** (`answering.submit`): the link or code is used up and the answers are stored in
   `PendingResponse`, sealed with AES-GCM under a key derived from `SECRET_KEY` (never in the
   database) and encoded to one fixed length per round, so not even the length of the sealed
   text says anything about the answers. AES-GCM and not Fernet, because a Fernet token
   carries the moment of encryption in the clear.
2. **Release** (`accept`): the submit that brings one team or class to twice the round's
   threshold waiting releases all but a threshold of them, chosen at random: it writes them
   as responses in a random order (random primary keys, shuffled insertion, the week the
   round opened) and deletes their pending rows. All responses of a batch share that
   transaction's id, so a join on it names at least the threshold of answers, and they sit
   in the table in an order unrelated to the order of submission.
3. **Closing** (`settle`): what still waits when the round closes is released then, in one
   batch per team or class. Because a threshold is always kept back, that batch holds at
   least the threshold too, unless the team never got that far: then it is the team's whole
   set, released at once (and its figures stay hidden below the threshold).

Because responses appear only in batches, response rates move in steps of at least the
threshold, and no two moments differ by fewer people: not two backups, not the rates before
and after closing. Figures are shown only once a round has closed (`results.py`).
The old keys in `SECRET_KEY_FALLBACKS` can still open what was sealed before a key change.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import transaction

from dramaturg.surveys import answer_sql
from dramaturg.surveys.models import PendingResponse, Round, week_of
from dramaturg.surveys.signals import round_changed

logger = logging.getLogger(__name__)

_LABEL = b"dramaturg pending answers v1"
_NONCE = 12
# One byte per item: the answers are 0 ("don't know") to the number of options (at most 10),
# and an item without an answer is stored as this byte.
_MISSING = 255


def _key(secret: str) -> AESGCM:
    return AESGCM(hmac.new(secret.encode(), _LABEL, hashlib.sha256).digest())


@lru_cache(maxsize=4)
def _keys(secret: str, fallbacks: tuple[str, ...]) -> tuple[AESGCM, ...]:
    return tuple(_key(key) for key in (secret, *fallbacks))


def _current_keys() -> tuple[AESGCM, ...]:
    return _keys(settings.SECRET_KEY, tuple(getattr(settings, "SECRET_KEY_FALLBACKS", ())))


def seal(round_pk: int, answers: Sequence[int | None]) -> str:
    """The answers as one fixed-length sealed text, bound to their round."""
    if any(a is not None and not 0 <= a < _MISSING for a in answers):
        raise ValueError("an answer outside the range that can be sealed")
    plain = bytes(_MISSING if a is None else a for a in answers)
    nonce = secrets.token_bytes(_NONCE)
    sealed = _current_keys()[0].encrypt(nonce, plain, str(round_pk).encode())
    return base64.b64encode(nonce + sealed).decode()


def unseal(round_pk: int, sealed: str) -> list[int | None] | None:
    """The answers, or None when no key of this application opens them."""
    raw = base64.b64decode(sealed)
    nonce, body = raw[:_NONCE], raw[_NONCE:]
    for key in _current_keys():
        try:
            plain = key.decrypt(nonce, body, str(round_pk).encode())
        except InvalidTag:
            continue
        return [None if b == _MISSING else b for b in plain]
    return None


def accept(db: answer_sql.Writes, round_: Round, target_pk: int, answers: list[int]) -> None:
    """Store one accepted answer inside the submit's transaction, after the link or code is
    used up: sealed, to wait; or, once twice the threshold of the team or class wait (this
    answer included), release all but a threshold of them, chosen at random.

    Keeping a threshold waiting means the round's closing, which releases whatever waits,
    always adds at least the threshold too (unless the team never reached twice the
    threshold: then the closing releases the team's whole set at once). So every batch a
    team gets holds at least the threshold, and nobody can take two moments (two backups,
    or the rates before and after closing) and subtract to reach fewer people.

    The submit that releases a batch writes it in its own transaction: a join on that
    transaction's id names a batch of at least the threshold and never one answer, which is
    no more than the order of transaction ids says anyway. A release of its own would cost a
    commit per batch and tell nothing less.
    """
    threshold = round_.anonymity_threshold
    others = db.insert_pending(round_.pk, target_pk, seal(round_.pk, answers))
    if others + 1 < 2 * threshold:
        return
    pool = _take(db, target_pk)  # this one included
    if len(pool) >= 2 * threshold:
        secrets.SystemRandom().shuffle(pool)
        _write(db, round_, target_pk, pool[:-threshold])


def settle(round_: Round) -> int:
    """Release everything still waiting in a round that has closed; returns how many."""
    if round_.status() != "closed":
        return 0
    waiting = (
        PendingResponse.objects.filter(round_id=round_.pk)
        .values_list("target_id", flat=True)
        .distinct()
    )
    released = 0
    for target_pk in sorted(set(waiting)):
        with transaction.atomic(), answer_sql.Writes() as db:
            taken = _take(db, target_pk)
            _write(db, round_, target_pk, taken)
            released += len(taken)
    return released


def settle_closed_rounds() -> int:
    """Release what waits in every round that has closed (`dramaturg release_answers`)."""
    rounds = Round.objects.filter(pk__in=PendingResponse.objects.values_list("round_id", flat=True))
    return sum(settle(round_) for round_ in rounds)


def _take(db: answer_sql.Writes, target_pk: int) -> list[tuple[Any, list[int | None]]]:
    """The team's or class's waiting answers, opened: (row id, answers).

    Two submits that both complete a batch must not release one answer twice: each locks
    the rows it takes and skips rows another holds (no lock on the team or class row: the
    submits' foreign-key checks share-lock it when they commit, and a lock here would
    deadlock with them)."""
    opened = []
    for pk, round_pk, sealed in db.take_waiting(target_pk):
        answers = unseal(round_pk, sealed)
        if answers is None:
            # Sealed under a key this application no longer has: leave it (the row says
            # nothing) rather than lose or guess it, and say so without any content.
            logger.warning("A waiting answer could not be opened with the current keys.")
            continue
        opened.append((pk, answers))
    return opened


def _write(
    db: answer_sql.Writes, round_: Round, target_pk: int, batch: list[tuple[Any, list[int | None]]]
) -> None:
    """Write a batch as responses in a random order and delete the waiting rows it came from.
    Every response of a round carries the week the round opened: the week of a release would
    date a batch, and beside the reminder dates on the people's side that can narrow a batch
    down."""
    if not batch:
        return
    rows = list(batch)
    secrets.SystemRandom().shuffle(rows)
    week = week_of(round_.opens_on)
    db.insert_responses(round_.pk, target_pk, [answers for _pk, answers in rows], week)
    db.delete_pending([pk for pk, _answers in rows])
    round_changed.send(sender=Round, round_id=round_.pk)  # its summary is made again
