"""Forms for creating a card and editing its items.

The item forms are built from the model fields, so labels, required-ness and maximum
lengths follow the models (Dutch required for the title-like field, English optional);
saving always goes through the services, never through `form.save()`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from dramaturg.cards.models import Agreement, Card, Goal, Indicator, Intervention
from dramaturg.cards.models.content import TITLE_MAX
from dramaturg.cards.services.content import EDITABLE
from dramaturg.cards.template_library import all_templates
from dramaturg.core.limits import TEXT_MAX
from dramaturg.core.localized import CONTENT_LANGUAGES
from dramaturg.core.stages import Stage
from dramaturg.schools.models import School
from dramaturg.sources.models import Source

KIND_MODELS: dict[str, type[models.Model]] = {
    "card": Card,
    "goal": Goal,
    "intervention": Intervention,
    "agreement": Agreement,
    "indicator": Indicator,
}


def text_field_names(kind: str) -> list[str]:
    """The stored field names of one kind of item, Dutch and English side by side."""
    return [
        f"{name}_{language}"
        for name in EDITABLE[KIND_MODELS[kind]]
        for language in CONTENT_LANGUAGES
    ]


class ItemForm(forms.Form):
    """The texts of one item in both languages; `revision` guards against lost updates."""

    def __init__(
        self,
        kind: str,
        school: School,
        *args: Any,
        with_revision: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        model = KIND_MODELS[kind]
        for name in text_field_names(kind):
            model_field = model._meta.get_field(name)
            assert isinstance(model_field, models.Field)
            language = name.rsplit("_", 1)[1]
            field: forms.Field | None
            if isinstance(model_field, models.TextField):
                field = model_field.formfield(
                    max_length=TEXT_MAX,
                    widget=forms.Textarea(attrs={"rows": 4, "lang": language}),
                )
            else:
                field = model_field.formfield(widget=forms.TextInput(attrs={"lang": language}))
            assert field is not None
            self.fields[name] = field
        if kind == "intervention":
            self.fields["sources"] = forms.ModelMultipleChoiceField(
                queryset=Source.objects.for_school(school).order_by("title"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                label=_("Sources"),
                help_text=_("Books, podcasts, talks and articles that support this intervention."),
            )
        if with_revision:
            self.fields["revision"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def texts(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in text_field_names(self.kind)}

    def text_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in text_field_names(self.kind)]


def item_initial(kind: str, item: models.Model) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(item, name) for name in text_field_names(kind)}
    initial["revision"] = item.revision  # type: ignore[attr-defined]
    if kind == "intervention":
        initial["sources"] = list(item.sources.all())  # type: ignore[attr-defined]
    return initial


class StageForm(forms.Form):
    """Step one of a new card, sent with GET: which stage is it about?"""

    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices, widget=forms.RadioSelect)


class CardCreateForm(forms.Form):
    """Step two: the team, and a shipped template of the chosen stage or a blank card."""

    stage = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput)
    team: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Team"),
        queryset=None,
        required=False,
        empty_label=_("The whole school"),
        help_text=_("Leave empty for a card of the whole school."),
    )
    template = forms.ChoiceField(label=_("Start from"), required=False, widget=forms.RadioSelect)
    title_nl = forms.CharField(
        label=_("title (Dutch)"),
        max_length=TITLE_MAX,
        required=False,
        help_text=_(
            "Needed for a blank card. With a template, leave it empty to use the template's title."
        ),
    )
    title_en = forms.CharField(label=_("title (English)"), max_length=TITLE_MAX, required=False)

    def __init__(self, school: School, stage: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = school.teams.order_by("name")  # type: ignore[attr-defined]
        self.templates = [t for t in all_templates().values() if t.stage == stage]
        choices = [("", _("A blank card")), *((t.key, t.title["nl"]) for t in self.templates)]
        self.fields["template"].choices = choices  # type: ignore[attr-defined]
        self.fields["title_nl"].widget.attrs["lang"] = "nl"
        self.fields["title_en"].widget.attrs["lang"] = "en"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        template_key = data.get("template") or ""
        if template_key and all_templates()[template_key].stage != data.get("stage"):
            self.add_error("template", _("This template belongs to another stage."))
        if not template_key and not data.get("title_nl"):
            self.add_error("title_nl", _("Give the card a Dutch title, or start from a template."))
        return data
