"""Forms for boards and schools."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dramaturg.schools.models import Quorum, School


class SchoolForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the school"),
        max_length=200,
        error_messages={"required": _("Give the school a name.")},
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=School.Sector.choices)
    city = forms.CharField(label=_("City"), max_length=100, required=False)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the school a name."))
        return name


class TeamForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the team"),
        max_length=120,
        error_messages={"required": _("Give the team a name.")},
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the team a name."))
        return name


class SchoolSettingsForm(forms.Form):
    consent_quorum = forms.ChoiceField(
        label=_("Quorum for adopting a card"),
        choices=Quorum.choices,
        help_text=_("The share of members who must have answered before a card can be adopted."),
    )
    anonymity_threshold = forms.IntegerField(
        label=_("Anonymity threshold"),
        min_value=3,
        max_value=50,
        help_text=_("No result is shown for a group with fewer respondents (at least 3)."),
        error_messages={"min_value": _("The threshold can never be lower than 3.")},
    )
    share_results_with_board = forms.BooleanField(
        label=_("Share our results with the board"),
        required=False,
        help_text=_(
            "When ticked, the board sees the school-wide efficacy figures of your rounds, "
            "never below the anonymity threshold and never of a team or class. The board "
            "always sees your adopted cards, the rounds held with their response rates and "
            "staff turnover. Untick to hide the results from the board at once."
        ),
    )
