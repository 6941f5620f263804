"""Content stored per language: a field `x` is kept as `x_nl` (required) and `x_en` (optional).

Interface text goes through gettext; content that people write (card texts, sources) is
stored in both languages side by side, and shown in the reader's language with Dutch as
the fallback when no English text was written.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

CONTENT_LANGUAGES = ("nl", "en")


def localized(obj: Any, field: str, language: str | None = None) -> str:
    language = language or translation.get_language() or "nl"
    if language.startswith("en"):
        text = getattr(obj, f"{field}_en", "")
        if text:
            return text
    return getattr(obj, f"{field}_nl", "")


def pick_text(texts: dict[str, str] | None, language: str | None = None) -> str:
    """A text kept as {"nl": ..., "en": ...} (instruments, snapshots) in the reader's language."""
    if not texts:
        return ""
    language = (language or translation.get_language() or "nl")[:2]
    return texts.get(language) or texts.get("nl", "")
