"""Forms of the facilitator pages: a new measurement round, and a new class.

The round form only collects and checks the input; `services.create_round` decides and
writes. Every questionnaire on offer has a key: a shipped instrument's id, or
`self_evaluation:<version pk>` / `agreements:<version pk>` for one generated from the
latest adopted version of one of the school's cards.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dramaturg.cards.models import Card, CardVersion
from dramaturg.core.localized import pick_text
from dramaturg.schools.models import School, StudentGroup, Team
from dramaturg.surveys.generated import (
    GeneratedInstrumentError,
    agreements_checkin,
    card_self_evaluation,
)
from dramaturg.surveys.instruments import Instrument, shipped_instruments
from dramaturg.surveys.models import Round
from dramaturg.surveys.services import InstrumentChoice, RoundPlan

DEFAULT_DAYS = 14
MAX_THRESHOLD = 50
FOR_STAFF = _("for staff")
FOR_STUDENTS = _("for students")


class DateInput(forms.DateInput):
    """The browser's date picker; the value always travels as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def instrument_offer(school: School) -> dict[str, tuple[InstrumentChoice, Instrument]]:
    """Every questionnaire the school can use now, by form key."""
    offer: dict[str, tuple[InstrumentChoice, Instrument]] = {
        key: (InstrumentChoice(key), instrument)
        for key, instrument in shipped_instruments().items()
    }
    latest = (
        CardVersion.objects.filter(card__school=school, number=F("card__adopted_version"))
        .exclude(card__state=Card.State.ARCHIVED)
        .select_related("card")
        .order_by("card__title_nl", "card__pk")
    )
    generators = (("self_evaluation", card_self_evaluation), ("agreements", agreements_checkin))
    for version in latest:
        for kind, generate in generators:
            try:
                instrument = generate(version)
            except GeneratedInstrumentError:
                continue  # no indicators (or agreements) on this card: nothing to ask
            offer[f"{kind}:{version.pk}"] = (InstrumentChoice(kind, version), instrument)
    return offer


class RoundForm(forms.Form):
    field_order = [
        "title",
        "mode",
        "student_access",
        "instruments",
        "teams",
        "classes",
        "opens_on",
        "closes_on",
        "anonymity_threshold",
    ]

    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        help_text=_("For example “Autumn measurement”. Respondents see it."),
        error_messages={"required": _("Give the round a title.")},
    )
    mode = forms.ChoiceField(
        label=_("Who answers"),
        choices=Round.Mode.choices,
        initial=Round.Mode.STAFF,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who answers.")},
    )
    student_access = forms.ChoiceField(
        label=_("How students get in (student rounds only)"),
        choices=Round.StudentAccess.choices,
        initial=Round.StudentAccess.CLASS_CODE,
        required=False,
        widget=forms.RadioSelect,
    )
    opens_on = forms.DateField(
        label=_("Opens on"),
        widget=DateInput(),
        error_messages={
            "required": _("Enter the opening date."),
            "invalid": _("Enter the opening date as a date, for example 2026-09-15."),
        },
    )
    closes_on = forms.DateField(
        label=_("Closes on"),
        widget=DateInput(),
        help_text=_("The last day on which people can answer. A round lasts at most three months."),
        error_messages={
            "required": _("Enter the closing date."),
            "invalid": _("Enter the closing date as a date, for example 2026-09-29."),
        },
    )
    anonymity_threshold = forms.IntegerField(
        label=_("Anonymity threshold"), max_value=MAX_THRESHOLD
    )
    instruments = forms.MultipleChoiceField(
        label=_("Questionnaires"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one questionnaire."),
            "invalid_choice": _("Choose questionnaires from the list."),
        },
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams (staff rounds)"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every current member of a chosen team gets a personal link by e-mail."),
        error_messages={"invalid_choice": _("Choose teams from the list.")},
    )
    classes = forms.ModelMultipleChoiceField(
        label=_("Classes (student rounds)"),
        queryset=StudentGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose classes from the list.")},
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.offer = instrument_offer(school)
        today = timezone.localdate()
        self.fields["opens_on"].initial = today
        self.fields["closes_on"].initial = today + dt.timedelta(days=DEFAULT_DAYS)
        minimum = max(3, school.anonymity_threshold)
        threshold = self.fields["anonymity_threshold"]
        threshold.initial = minimum
        threshold.widget.attrs.update(min=minimum, max=MAX_THRESHOLD)
        threshold.help_text = _(
            "No figure is shown for a group with fewer people. At least %(n)s, the school's "
            "threshold."
        ) % {"n": minimum}
        threshold.error_messages.update(
            required=_("Enter the anonymity threshold."),
            invalid=_("Enter the anonymity threshold as a whole number."),
            min_value=_("The anonymity threshold cannot be lower than the school's (%(n)s).")
            % {"n": minimum},
            max_value=_("The anonymity threshold can be at most %(n)s.") % {"n": MAX_THRESHOLD},
        )
        # The school's own minimum is known only now; the message above replaces the default.
        threshold.validators.append(MinValueValidator(minimum))
        self.fields["instruments"].choices = [  # type: ignore[attr-defined]
            (key, self._instrument_label(instrument))
            for key, (_c, instrument) in self.offer.items()
        ]
        self.fields["teams"].queryset = school.teams.order_by("name")  # type: ignore[attr-defined]
        classes = StudentGroup.objects.filter(school=school, archived=False).order_by("name")
        self.fields["classes"].queryset = classes  # type: ignore[attr-defined]
        if not classes.exists():
            self.fields["classes"].help_text = _(
                "There are no classes yet. Add them on the page Classes first."
            )
        if not school.teams.exists():
            self.fields["teams"].help_text = _("There are no teams yet.")

    @staticmethod
    def _instrument_label(instrument: Instrument) -> str:
        audience = FOR_STAFF if instrument.target == "staff" else FOR_STUDENTS
        return f"{pick_text(instrument.title)} ({audience})"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        mode = data.get("mode")
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("The closing date lies before the opening date."))
        chosen = [self.offer[key][1] for key in data.get("instruments", [])]
        if mode and chosen:
            wanted = "staff" if mode == Round.Mode.STAFF else "students"
            if any(instrument.target != wanted for instrument in chosen):
                self.add_error(
                    "instruments",
                    _("For a staff round choose questionnaires for staff only.")
                    if wanted == "staff"
                    else _("For a student round choose questionnaires for students only."),
                )
        if mode == Round.Mode.STAFF and not data.get("teams"):
            self.add_error("teams", _("Choose at least one team."))
        if mode == Round.Mode.STUDENTS:
            if not data.get("classes"):
                self.add_error("classes", _("Choose at least one class."))
            if not data.get("student_access"):
                self.add_error("student_access", _("Choose how students get in."))
        return data

    def plan(self) -> RoundPlan:
        data = self.cleaned_data
        students = data["mode"] == Round.Mode.STUDENTS
        return RoundPlan(
            title=data["title"],
            mode=data["mode"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            anonymity_threshold=data["anonymity_threshold"],
            instruments=[self.offer[key][0] for key in data["instruments"]],
            teams=() if students else list(data["teams"]),
            classes=list(data["classes"]) if students else (),
            student_access=data["student_access"] if students else "",
        )


class ClassForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the class"),
        max_length=60,
        help_text=_("For example “Group 7b” or “H2A”."),
        error_messages={"required": _("Give the class a name.")},
    )
    size = forms.IntegerField(
        label=_("Number of students"),
        min_value=1,
        max_value=60,
        help_text=_("For a sheet of single-use codes, one code per student is printed."),
        error_messages={
            "required": _("Enter the number of students."),
            "invalid": _("Enter the number of students as a whole number."),
            "min_value": _("A class has between 1 and 60 students."),
            "max_value": _("A class has between 1 and 60 students."),
        },
    )
