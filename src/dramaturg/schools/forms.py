"""Forms for boards and schools."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dramaturg.schools.models import School


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
