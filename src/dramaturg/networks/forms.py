"""Forms for the network core: starting a network, inviting schools and board staff."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dramaturg.schools.models import Membership, School


class NetworkForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the network"),
        max_length=120,
        error_messages={"required": _("Give the network a name.")},
    )
    description = forms.CharField(
        label=_("What the network is about"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few sentences for the leaders you invite: what you want to learn together."),
    )
    school = forms.ModelChoiceField(
        label=_("For which school do you take part?"),
        queryset=School.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the schools you lead.")},
    )

    def __init__(self, *args: Any, schools: list[School], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(schools) > 1:
            self.fields["school"].queryset = School.objects.filter(  # type: ignore[attr-defined]
                pk__in=[s.pk for s in schools]
            ).order_by("name")
        else:
            # One school: nothing to choose.
            del self.fields["school"]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the network a name."))
        return name


EMAIL_ERRORS = {
    "required": _("Fill in an e-mail address."),
    "invalid": _("This is not a valid e-mail address."),
}


class InviteSchoolForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the school leader"),
        help_text=_(
            "The leader receives an invitation for their school and accepts or declines it."
        ),
        error_messages=EMAIL_ERRORS,
    )


class InviteBoardStaffForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the board staff member"),
        help_text=_("Only staff of a board of the network's schools can be invited."),
        error_messages=EMAIL_ERRORS,
    )


class NameCarrierForm(forms.Form):
    membership = forms.ModelChoiceField(
        queryset=Membership.objects.none(),
        error_messages={"invalid_choice": _("Choose a culture carrier of your school.")},
    )

    def __init__(self, *args: Any, candidates: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = candidates  # type: ignore[attr-defined]
