"""Sealed pending answers, and their release into `Response` in shuffled batches.

Whoever holds the database (its files, a backup, the write-ahead log) but not the
application's secret key must not be able to tell which answers a person gave. A submit uses
up the personal link or code and stores the answers in one transaction, so on PostgreSQL the
two rows share a transaction id (`xmin`), and on SQLite rows follow the order of submission.
Therefore a submit never writes a readable answer:

1. **Submit** (`answering.submit`): the link or code is used up and the answers are stored in
   `PendingResponse`, sealed with AES-GCM under a key derived from `SECRET_KEY` (never in the
   database) and encoded to one fixed length per round, so not even the length of the sealed
   text says anything about the answers. AES-GCM and not Fernet, because a Fernet token
   carries the moment of encryption in the clear.
2. **Release** (`release_ready`): once at least the round's threshold of one team or class are
   waiting, one transaction opens them all, writes them as responses in a random order
   (random primary keys, shuffled insertion, the week of the release) and deletes the pending
   rows. All responses of a batch share that transaction's id and sit in the table in an
   order unrelated to the order of submission.
3. **Closing** (`settle`): what is still waiting when the round closes is released then, in
   one batch per team or class, however small; the figures of such a group stay hidden when
   it has fewer answers than the threshold.

Because responses appear only in batches, a round's figures and response rates move in steps
of at least the threshold: a leader watching an open round cannot see one answer arrive.
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

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dramaturg.surveys import answer_sql
from dramaturg.surveys.models import PendingResponse, Round, week_of

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


def release_ready(target_pk: int, threshold: int) -> int:
    """Release the team's or class's waiting answers if at least `threshold` are waiting."""
    return _release(target_pk, max(1, threshold))


def settle(round_: Round) -> int:
    """Release everything still waiting in a round that has closed; returns how many."""
    if round_.is_open() or round_.status() == "scheduled":
        return 0
    waiting = (
        PendingResponse.objects.filter(round_id=round_.pk)
        .values_list("target_id", flat=True)
        .distinct()
    )
    return sum(_release(target_pk, 1) for target_pk in sorted(set(waiting)))


def settle_closed_rounds() -> int:
    """Release what waits in every round that has closed (`dramaturg release_answers`)."""
    rounds = Round.objects.filter(pk__in=PendingResponse.objects.values_list("round_id", flat=True))
    return sum(settle(round_) for round_ in rounds)


def _release(target_pk: int, minimum: int) -> int:
    # In plain SQL like the submit (`answer_sql.py`): a release follows every few submits.
    with transaction.atomic(), answer_sql.Writes() as db:
        # Two submits that both see enough waiting answers must not release one answer
        # twice: each release locks the rows it takes and skips rows another release holds.
        # No lock on the team or class row: the submits' foreign-key checks share-lock it
        # when they commit, and a lock here would deadlock with them.
        opened = []
        round_pk = 0
        for pk, round_pk, sealed in db.take_waiting(target_pk):
            answers = unseal(round_pk, sealed)
            if answers is None:
                # Sealed under a key this application no longer has: leave it (the row says
                # nothing) rather than lose or guess it, and say so without any content.
                logger.warning("A waiting answer could not be opened with the current keys.")
                continue
            opened.append((pk, answers))
        if not opened or len(opened) < minimum:
            return 0
        secrets.SystemRandom().shuffle(opened)
        # A team or class belongs to one round, so every waiting row names the same one.
        week = week_of(timezone.localdate())
        db.insert_responses(round_pk, target_pk, [answers for _pk, answers in opened], week)
        db.delete_pending([pk for pk, _answers in opened])
        return len(opened)
