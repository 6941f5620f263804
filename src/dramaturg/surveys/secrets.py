"""Tokens, codes and sealed drafts.

A personal link carries a random token; the database keeps only its SHA-256. A draft saved
halfway is encrypted with a key derived from the same token under a different label, so
the stored hash does not give the key: only the person holding the e-mailed link can open
their own draft.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets

from cryptography.fernet import Fernet, InvalidToken

# No 0/O, 1/I/L, 5/S, 2/Z, 8/B: codes are read off paper and typed on phones.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


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
