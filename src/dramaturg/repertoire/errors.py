"""Typed errors of the repertoire; views show their message in the user's language."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class RepertoireError(Exception):
    """A request the repertoire's rules refuse. `message` is shown to the user as it is."""

    default_message: Promise = _("This cannot be done now.")

    def __init__(self, message: Promise | str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(str(self.message))


class NotEditable(RepertoireError):
    default_message = _(
        "This entry cannot be changed now: it is in a consent round, adopted or archived. "
        "Start a new draft to change an adopted entry."
    )


class RoundError(RepertoireError):
    default_message = _("This consent round is closed.")


class EditConflict(RepertoireError):
    """Someone else saved the entry after you opened it; nothing of yours was saved."""

    default_message = _(
        "Someone else changed this entry while you were editing it. Your text has not been "
        "lost: it is still in the form below, beside what is saved now. Check both and save again."
    )

    def __init__(self, current: Any, yours: dict[str, Any]) -> None:
        super().__init__()
        self.current = current
        self.yours = yours
