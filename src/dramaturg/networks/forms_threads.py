"""Forms of the leaders' conversations. The rules (lengths, kinds) live in
`networks/conversations.py`; a refusal there is shown on the form's field."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from dramaturg.networks.access import BOARD, LEADER
from dramaturg.networks.conversations import (
    BODY_MAX,
    BODY_MISSING,
    KIND_UNKNOWN,
    TITLE_MAX,
    TITLE_MISSING,
    ConversationError,
)
from dramaturg.networks.models import Thread

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _show_school_field(role: str) -> forms.BooleanField:
    """Named as the brief asks: "Show my name and school" (board staff have no school)."""
    label = _("Show my name") if role == BOARD else _("Show my name and school")
    if role == LEADER:
        help_text = _(
            "Untick to post as “a leader in the network”: others see neither your name nor "
            "your school."
        )
    elif role == BOARD:
        help_text = _("Untick to post as “someone in the network”: others do not see your name.")
    else:
        help_text = _(
            "Untick to post as “someone in the network”: others see neither your name nor "
            "your school."
        )
    return forms.BooleanField(label=label, help_text=help_text, required=False, initial=True)


def _body_field(label: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=label,
        error_messages={"required": BODY_MISSING},
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": BODY_MAX}),
    )


class _PostForm(forms.Form):
    def __init__(self, *args, role: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["show_school"] = _show_school_field(role)

    def add_conversation_error(self, error: ConversationError) -> None:
        for field, message in error.errors.items():
            self.add_error(field if field in self.fields else None, str(message))


class ThreadForm(_PostForm):
    kind = forms.ChoiceField(
        label=_("What do you bring in?"),
        help_text=_(
            "A question: you would like to hear how others go about something. A backstage "
            "case: you describe a situation from your school, to think it through together."
        ),
        choices=[(value, capfirst(label)) for value, label in Thread.Kind.choices],
        initial=Thread.Kind.QUESTION,
        error_messages={"required": KIND_UNKNOWN, "invalid_choice": KIND_UNKNOWN},
        widget=forms.RadioSelect,
    )
    title = forms.CharField(
        label=_("Title"),
        error_messages={"required": TITLE_MISSING},
        widget=forms.TextInput(attrs={"maxlength": TITLE_MAX}),
    )
    body = _body_field(_("Your question or case"))


class ReplyForm(_PostForm):
    body = _body_field(_("Your reply"))
