"""Tokens, codes, sealed drafts and the sealed answering state.

A personal link carries a random token; the database keeps only its SHA-256. A draft saved
halfway is encrypted with a key derived from the same token under a different label, so
the stored hash does not give the key: only the person holding the e-mailed link can open
their own draft.

The answers given so far travel between the steps of the answering pages in a hidden field,
encrypted and authenticated (Fernet) under a key derived from the application's secret key
and the link's token or the code: whoever sees the page source or a proxy's record of the
form learns nothing about the answers, and a state made for one link or code does not open
on another.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.encoding import force_bytes

from dramaturg.core.code_alphabet import CODE_ALPHABET


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_code(length: int = 8) -> str:
    """A code like 'K7PQ-4XTM': 25^8 ≈ 1.5e11 possibilities, so guessing one is hopeless."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
    return f"{raw[: length // 2]}-{raw[length // 2 :]}"


def normalise_code(text: str) -> str:
    """What a student typed, made comparable: upper case, dashes and spaces ignored."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{raw[: len(raw) // 2]}-{raw[len(raw) // 2 :]}" if raw else ""


def _draft_cipher(token: str) -> Fernet:
    key = hashlib.sha256(b"dramaturg draft key:" + token.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal_draft(token: str, answers: list[int | None]) -> str:
    return _draft_cipher(token).encrypt(json.dumps(answers).encode()).decode()


def open_draft(token: str, sealed: str) -> list[int | None] | None:
    """The saved answers, or None when there are none or they cannot be opened."""
    if not sealed:
        return None
    try:
        data = json.loads(_draft_cipher(token).decrypt(sealed.encode()))
    except (InvalidToken, ValueError):
        return None
    return data if isinstance(data, list) else None


# --- the answering state carried between steps ---


@lru_cache(maxsize=8)
def _state_root(secret_key: str | bytes) -> bytes:
    """The application secret under this use's own label, so the state's keys are unrelated
    to Django's signing keys and to the draft keys."""
    return hmac.new(force_bytes(secret_key), b"dramaturg answer state", hashlib.sha256).digest()


def _state_cipher(secret_key: str | bytes, access_secret: str) -> Fernet:
    # One HMAC-SHA256 per request (about a microsecond), not a password KDF: the token or
    # code is already unguessable, and the submit path is benchmarked. Fernet splits the 32
    # bytes into its signing and its encryption key. Not cached per secret: building the
    # cipher costs some 8 µs of a submit's milliseconds, and a cache would keep the keys of
    # every recent respondent in memory.
    key = hmac.new(_state_root(secret_key), access_secret.encode(), hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal_state(access_secret: str, state: dict[str, Any]) -> str:
    """The state as an opaque string bound to one link or code. Not compressed, and padded so
    that its length does not depend on the answers given (only on how many questions there
    are): a compressed or unpadded length would say something about the answers."""
    text = json.dumps(state, separators=(",", ":"))
    answers = state.get("answers")
    if isinstance(answers, list):
        # "null" is the longest single answer; a state with every answer open is the longest.
        longest = json.dumps({**state, "answers": [None] * len(answers)}, separators=(",", ":"))
        text = text.ljust(len(longest))
    return _state_cipher(settings.SECRET_KEY, access_secret).encrypt(text.encode()).decode()


def open_state(access_secret: str, sealed: str) -> Any:
    """The state sealed for this link or code, or None when it was changed, belongs to
    another link or code, or is no state at all. Keys of SECRET_KEY_FALLBACKS still open a
    state, so rotating the secret key does not break a form someone is filling in."""
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    ciphers = [_state_cipher(key, access_secret) for key in keys]
    try:
        plain = (ciphers[0] if len(ciphers) == 1 else MultiFernet(ciphers)).decrypt(sealed)
        return json.loads(plain)
    except (InvalidToken, ValueError):
        return None
