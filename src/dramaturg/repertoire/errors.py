"""Typed errors of the repertoire; views show their message in the user's language."""

from __future__ import annotations

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
