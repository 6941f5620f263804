"""Forms of the sources library: the filter on the list, and a school's own source."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    URLValidator,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dramaturg.core.limits import TEXT_MAX
from dramaturg.core.stages import Stage
from dramaturg.sources.models import Source

FIRST_YEAR = 1900
NOT_A_WEB_ADDRESS = _("Enter a web address that starts with http:// or https://.")


class SourceFilterForm(forms.Form):
    """Sent with GET, so the list can be filtered without JavaScript and the URL can be shared."""

    stage = forms.ChoiceField(label=_("Stage"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", _("All stages")), *Stage.choices]  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", _("All kinds")), *Source.Kind.choices]  # type: ignore[attr-defined]


class WebAddressField(forms.URLField):
    """A link people can follow safely: http or https only (never javascript: or data:)."""

    default_validators = [URLValidator(schemes=["http", "https"])]


class SourceForm(forms.ModelForm):
    url = WebAddressField(
        label=_("link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": NOT_A_WEB_ADDRESS},
        help_text=_("For example https://www.example.nl/book"),
    )
    stages = forms.MultipleChoiceField(
        label=_("Stages"),
        choices=Stage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Source
        fields = ["kind", "title", "author", "year", "url", "stages"]
        fields += ["description_nl", "description_en"]
        widgets = {
            "description_nl": forms.Textarea(attrs={"rows": 4, "lang": "nl"}),
            "description_en": forms.Textarea(attrs={"rows": 4, "lang": "en"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        last_year = timezone.localdate().year + 1
        year = self.fields["year"]
        year.validators += [
            MinValueValidator(
                FIRST_YEAR,
                message=_("Enter a year from %(first)s to %(last)s.")
                % {"first": FIRST_YEAR, "last": last_year},
            ),
            MaxValueValidator(
                last_year,
                message=_("Enter a year from %(first)s to %(last)s.")
                % {"first": FIRST_YEAR, "last": last_year},
            ),
        ]
        year.widget.attrs.update(min=FIRST_YEAR, max=last_year)
        for name in ("description_nl", "description_en"):
            self.fields[name].validators.append(MaxLengthValidator(TEXT_MAX))
            self.fields[name].widget.attrs["maxlength"] = TEXT_MAX

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        # The validator already refuses other schemes; this guards against a changed default.
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(NOT_A_WEB_ADDRESS)
        return url
