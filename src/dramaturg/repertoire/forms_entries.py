"""Forms for a repertoire entry. Saving always goes through `services.entries`, never `save()`.

Interventions and agreements are offered from the school's own cards, podium and audience
(publiek) cards first: that is where the moments of the repertoire happen.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Case as When_
from django.db.models import IntegerField, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from dramaturg.cards.models import Agreement, Intervention
from dramaturg.core.localized import localized
from dramaturg.core.stages import Stage
from dramaturg.repertoire.models import Case, CodeTag, Entry, Ladder, LadderClash
from dramaturg.repertoire.models.entries import ENTRY_TITLE_MAX
from dramaturg.repertoire.services.entries import TEXT_FIELDS
from dramaturg.schools.models import School
from dramaturg.sources.models import Source

TEXT_MAX = 6000


def _stage_first(queryset: QuerySet, stage_field: str) -> QuerySet:
    """Podium and audience cards first, then the other stages."""
    return queryset.annotate(
        stage_order=When_(
            When(**{stage_field: Stage.PODIUM}, then=Value(0)),
            When(**{stage_field: Stage.AUDIENCE}, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )


class LinkChoice(forms.ModelMultipleChoiceField):
    """An intervention or agreement, labelled with the card it belongs to."""

    def label_from_instance(self, obj: Any) -> str:
        card = obj.goal.card if isinstance(obj, Intervention) else obj.card
        text = localized(obj, "what" if isinstance(obj, Intervention) else "text")
        return f"{localized(card, 'title')} — {text}"


class EntryCreateForm(forms.Form):
    title_nl = forms.CharField(
        label=_("What do we do when … (Dutch)"),
        max_length=ENTRY_TITLE_MAX,
        help_text=_("The situation, e.g. “a student loses face when corrected in class”."),
    )
    title_en = forms.CharField(
        label=_("What do we do when … (English)"), max_length=ENTRY_TITLE_MAX, required=False
    )
    clash = forms.ChoiceField(
        label=_("Ladders"),
        choices=[("", _("as in the case")), *LadderClash.choices],
        required=False,
        help_text=_("Which ladders' codes clash. Leave it as in the case when you start from one."),
    )
    case: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("From case"), queryset=None, required=False, empty_label=_("No case")
    )

    def __init__(self, school: School, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = Case.objects.filter(school=school)  # type: ignore[attr-defined]
        self.fields["title_nl"].widget.attrs["lang"] = "nl"
        self.fields["title_en"].widget.attrs["lang"] = "en"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("clash") and not data.get("case"):
            self.add_error("clash", _("Choose the ladders, or start from a case."))
        return data


class EntryForm(forms.Form):
    """Everything of an entry in one form; `revision` guards against lost updates."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    clash = forms.ChoiceField(label=_("Ladders"), choices=LadderClash.choices)
    risk_ladder = forms.ChoiceField(
        label=_("The ladder the student risks falling on"),
        choices=[("", _("not said")), *Ladder.choices],
        required=False,
    )

    def __init__(self, school: School, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in TEXT_FIELDS:
            model_field = Entry._meta.get_field(name)
            language = name.rsplit("_", 1)[1]
            if name.startswith("title_"):
                widget: forms.Widget = forms.TextInput(attrs={"lang": language})
                field = forms.CharField(max_length=ENTRY_TITLE_MAX, widget=widget)
            else:
                widget = forms.Textarea(attrs={"rows": 4, "lang": language})
                field = forms.CharField(max_length=TEXT_MAX, widget=widget)
            field.label = model_field.verbose_name  # type: ignore[union-attr]
            field.required = name == "title_nl"
            self.fields[name] = field
        self.fields["codes"] = forms.ModelMultipleChoiceField(
            queryset=CodeTag.objects.filter(school=school, retired=False),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=_("Codes at play"),
        )
        self.fields["sources"] = forms.ModelMultipleChoiceField(
            queryset=Source.objects.for_school(school).order_by("title"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=_("Sources from the library"),
        )
        self.fields["interventions"] = LinkChoice(
            queryset=_stage_first(
                Intervention.objects.filter(goal__card__school=school).select_related("goal__card"),
                "goal__card__stage",
            ).order_by("stage_order", "goal__card__title_nl", "goal__position", "position"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=_("Interventions of our quality cards"),
        )
        self.fields["agreements"] = LinkChoice(
            queryset=_stage_first(
                Agreement.objects.filter(card__school=school).select_related("card"),
                "card__stage",
            ).order_by("stage_order", "card__title_nl", "position"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=_("Agreements of our quality cards"),
        )

    def texts(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in TEXT_FIELDS}

    def links(self) -> dict[str, Any]:
        names = ("risk_ladder", "codes", "sources", "interventions", "agreements", "clash")
        return {name: self.cleaned_data[name] for name in names}


def entry_initial(entry: Entry) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(entry, name) for name in TEXT_FIELDS}
    initial.update(
        revision=entry.revision,
        clash=entry.clash,
        risk_ladder=entry.risk_ladder,
        codes=list(entry.codes.all()),
        sources=list(entry.sources.all()),
        interventions=list(entry.interventions.all()),
        agreements=list(entry.agreements.all()),
    )
    return initial
