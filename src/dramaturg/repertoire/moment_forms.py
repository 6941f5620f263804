"""Forms for recording a moment, filtering the moments, and naming a code.

Saving always goes through the services (`services/moments.py`, `services/codes.py`); the
forms check the input and carry the name warning (`names.py`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dramaturg.core.stages import Stage
from dramaturg.repertoire import names
from dramaturg.repertoire.models import CodeTag, Involved, Ladder, LadderClash
from dramaturg.repertoire.models.codes import CODE_NAME_MAX
from dramaturg.repertoire.models.moments import MOMENT_TEXT_MAX
from dramaturg.schools.models import School

TEXT_FIELDS = ("what_happened", "what_i_did", "how_it_ended", "want_to_learn")


class CodeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


def _text(label: Any, *, required: bool = True, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MOMENT_TEXT_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MomentForm(forms.Form):
    what_happened = _text(
        _("What happened?"),
        help_text=_("Describe the situation without names: “a student”, “a parent”."),
    )
    ladders = forms.MultipleChoiceField(
        label=_("Which ladders' codes clashed?"),
        help_text=_("Choose two or three."),
        choices=Ladder.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    stage = forms.ChoiceField(
        label=_("Where did it happen?"), choices=Stage.choices, widget=forms.RadioSelect
    )
    involved = forms.MultipleChoiceField(
        label=_("Who was involved?"),
        choices=Involved.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    what_i_did = _text(_("What did I do?"))
    how_it_ended = _text(_("How did it end?"))
    want_to_learn = _text(_("What would I like to learn? (optional)"), required=False)
    codes = CodeChoiceField(
        label=_("Codes at play (optional)"),
        queryset=CodeTag.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    show_author = forms.BooleanField(
        label=_("Show my name with this moment"),
        help_text=_("Without it, the development group and the leader see “anonymous”."),
        required=False,
    )
    # The name warning: ticked by the author after the form showed the words it suspects;
    # `checked_words` carries those words, so a confirmation covers only what was shown.
    no_names_checked = forms.BooleanField(
        label=_("I checked: these words name no student or parent"), required=False
    )
    checked_words = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, school: School, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["codes"].queryset = CodeTag.objects.filter(school=school, retired=False)  # type: ignore[attr-defined]
        self.warnings: dict[str, list[str]] = {}

    def clean_ladders(self) -> list[str]:
        ladders = self.cleaned_data["ladders"]
        if LadderClash.from_ladders(set(ladders)) is None:
            raise forms.ValidationError(_("Choose two or three ladders."))
        return ladders

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.warnings = {
            name: found
            for name in TEXT_FIELDS
            if (found := names.suspicious_words(data.get(name) or ""))
        }
        return data

    @property
    def warned_words(self) -> list[str]:
        return sorted({word for words in self.warnings.values() for word in words})

    def needs_name_check(self) -> bool:
        """Whether the form must be shown again with the warning before anything is saved:
        there are suspicious words, and the author has not confirmed exactly these."""
        if not self.warnings:
            return False
        confirmed = set((self.cleaned_data.get("checked_words") or "").split())
        return not (
            self.cleaned_data.get("no_names_checked") and set(self.warned_words) <= confirmed
        )

    def highlighted(self) -> list[tuple[Any, list[names.Segment]]]:
        """Each text with a warning, cut into pieces with the suspicious words flagged."""
        return [
            (self.fields[name].label, names.highlight(self.cleaned_data[name]))
            for name in TEXT_FIELDS
            if name in self.warnings
        ]


class MomentFilterForm(forms.Form):
    clash = forms.ChoiceField(
        label=_("Ladders"), choices=[("", _("all")), *LadderClash.choices], required=False
    )
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[("", _("all")), *Stage.choices], required=False
    )
    code = forms.ModelChoiceField(
        label=_("Code"), queryset=CodeTag.objects.none(), required=False, empty_label=_("all")
    )
    unbundled = forms.BooleanField(label=_("Not yet in a case"), required=False)

    def __init__(self, school: School, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.queryset = CodeTag.objects.filter(school=school)  # type: ignore[attr-defined]
        field.label_from_instance = lambda code: code.name  # type: ignore[attr-defined]


class CodeForm(forms.Form):
    name_nl = forms.CharField(label=_("code (Dutch)"), max_length=CODE_NAME_MAX)
    name_en = forms.CharField(label=_("code (English)"), max_length=CODE_NAME_MAX, required=False)
