"""Typed errors of the cards domain; views show their message in the user's language."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class CardError(Exception):
    """A request the card's rules refuse. `message` is shown to the user as it is."""

    default_message: Promise = _("This cannot be done with this card now.")

    def __init__(self, message: Promise | str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(str(self.message))


class NotEditable(CardError):
    default_message = _(
        "This card cannot be changed now: it is in a consent round, adopted or archived. "
        "Start a new draft to change an adopted card."
    )


class EditConflict(CardError):
    """Someone else saved the same item after you opened it; nothing of yours was saved."""

    default_message = _(
        "Someone else changed this text while you were editing it. Your text has not been "
        "lost: compare both versions below and save again."
    )

    def __init__(self, current: Any, yours: dict[str, str]) -> None:
        super().__init__()
        self.current = current
        self.yours = yours


class RoundError(CardError):
    default_message = _("This consent round is closed.")
