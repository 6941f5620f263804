"""Forms to invite a person into a school (or a leader into a board's school).

With schools, not accounts: an invitation names a school, a role and teams, and accounts sits
below schools.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dramaturg.accounts.models import normalize_email
from dramaturg.schools.models import Board, School, Team
from dramaturg.schools.roles import SCHOOL_ROLES, Role


class InvitationForm(forms.Form):
    """A leader invites one person to the school."""

    display_name = forms.CharField(
        label=_("Name"),
        max_length=150,
        required=False,
        help_text=_("Optional: the person can fill in or correct their name when they accept."),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        error_messages={
            "required": _("Fill in the e-mail address of the person you invite."),
            "invalid": _("This is not a valid e-mail address."),
        },
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(role.value, role.label) for role in SCHOOL_ROLES],
        initial=Role.MEMBER,
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the school's own teams can be chosen: another school's team id is invalid.
        self.fields["teams"].queryset = Team.objects.filter(school=school).order_by("name")  # type: ignore[attr-defined]

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data["email"])

    def clean_display_name(self) -> str:
        return self.cleaned_data["display_name"].strip()


class LeaderInvitationForm(forms.Form):
    """A board admin invites a school leader to one of the board's schools."""

    school = forms.ModelChoiceField(
        label=_("School"),
        queryset=School.objects.none(),
        empty_label=None,
    )
    display_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("E-mail address"),
        error_messages={
            "required": _("Fill in the e-mail address of the person you invite."),
            "invalid": _("This is not a valid e-mail address."),
        },
    )

    def __init__(self, *args: Any, board: Board, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(board=board).order_by("name")  # type: ignore[attr-defined]

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data["email"])

    def clean_display_name(self) -> str:
        return self.cleaned_data["display_name"].strip()
