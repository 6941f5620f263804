"""Cases: the development group bundles recurring moments into one recognisable situation.

Every write takes the acting user and checks `Perm.FACILITATE` in the case's school (the
leader and the development group). Reading is for everyone of the school, but only through
`shared_moments`, which hands out a moment's situation and never its author: the team meeting
discusses what happened, not the colleague who wrote it down (docs/repertoire.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dramaturg.core.stages import Stage
from dramaturg.repertoire.errors import RepertoireError
from dramaturg.repertoire.models import Case, CodeTag, Involved, LadderClash, Moment
from dramaturg.repertoire.models.moments import CASE_TITLE_MAX
from dramaturg.schools.models import School
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import authorize_school

# Offered when a case has no questions of its own, in the reader's language. They walk from
# what happened to the student, through the codes, to what the team will do alike.
DEFAULT_QUESTIONS = (
    gettext_lazy("On which ladder did the student risk falling, and what would that have cost?"),
    gettext_lazy("What did the code of home or of the peers ask of the student at that moment?"),
    gettext_lazy("What would let the student climb the school ladder without losing face?"),
    gettext_lazy("What did we do that helped, and what made it harder?"),
    gettext_lazy("What do we want to do the same way as a team next time?"),
)
# Shown on the case page and on the discussion sheet, above the moments.
PRIVACY_NOTE = gettext_lazy(
    "Without names: the team discusses the situation, not the colleague who wrote it down. "
    "Dramaturg speaks of contexts and codes, never of groups of people, and never records a "
    "student's origin, religion or ethnicity."
)
CASE_FIELDS = ("title", "description", "clash", "stage", "codes", "questions", "meeting_on")


def default_questions() -> list[str]:
    return [str(question) for question in DEFAULT_QUESTIONS]


def questions_of(case: Case) -> tuple[list[str], bool]:
    """The case's guiding questions, or the defaults; and whether they are the defaults."""
    own = case.question_list
    return (own, False) if own else (default_questions(), True)


# --- Writing --------------------------------------------------------------------------------


def _clean(
    school: School,
    *,
    title: str,
    description: str = "",
    clash: str,
    stage: str = "",
    codes: Iterable[CodeTag] = (),
    questions: str = "",
    meeting_on: dt.date | None = None,
) -> tuple[dict[str, Any], list[CodeTag]]:
    """Check a case's fields as the form does; the service never stores a half-valid case."""
    title = title.strip()
    if not title:
        raise RepertoireError(gettext_lazy("Describe the situation in a few words."))
    if len(title) > CASE_TITLE_MAX:
        raise RepertoireError(gettext_lazy("The situation is too long; keep it to one line."))
    if clash not in LadderClash.values:
        raise RepertoireError(gettext_lazy("Choose which ladders' codes clash."))
    if stage and stage not in Stage.values:
        raise RepertoireError(gettext_lazy("Choose one of the four stages, or none."))
    codes = list(codes)
    if any(code.school_id != school.pk for code in codes):
        raise RepertoireError(gettext_lazy("Choose codes from your school's list."))
    fields = {
        "title": title,
        "description": description.strip(),
        "clash": clash,
        "stage": stage,
        "questions": "\n".join(line.strip() for line in questions.splitlines() if line.strip()),
        "meeting_on": meeting_on,
    }
    return fields, codes


@transaction.atomic
def create_case(actor: Any, school: School, **values: Any) -> Case:
    """A new case (title, description, clash, stage, codes, questions, meeting_on)."""
    authorize_school(actor, school, Perm.FACILITATE)
    fields, codes = _clean(school, **values)
    case = Case.objects.create(school=school, created_by=actor, **fields)
    case.codes.set(codes)
    return case


@transaction.atomic
def update_case(actor: Any, case: Case, **values: Any) -> Case:
    authorize_school(actor, case.school, Perm.FACILITATE)
    fields, codes = _clean(case.school, **values)
    for name, value in fields.items():
        setattr(case, name, value)
    case.save(update_fields=list(fields))
    case.codes.set(codes)
    return case


@transaction.atomic
def delete_case(actor: Any, case: Case) -> int:
    """Delete the case; its moments go back to "not in a case" (and so, once their school
    year has ended, to the daily deletion). Returns how many moments were released."""
    authorize_school(actor, case.school, Perm.FACILITATE)
    released = Moment.objects.filter(case=case).update(case=None)
    case.delete()
    return released


def unbundled_moments(school: School):
    """The school's moments that are in no case yet, oldest first (for the development group,
    who may see every moment)."""
    return (
        Moment.objects.filter(school=school, case__isnull=True)
        .prefetch_related("codes")
        .order_by("recorded_on", "pk")
    )


def _ids(values: Iterable[Any]) -> set[int]:
    """Whole numbers only: anything else someone typed into the form is ignored."""
    found = set()
    for value in values:
        text = str(value).strip()
        if text.isascii() and text.isdigit() and len(text) < 19:
            found.add(int(text))
    return found


@transaction.atomic
def add_moments(actor: Any, case: Case, moment_ids: Iterable[Any]) -> int:
    """Bundle moments into the case: only moments of the case's school that are in no case
    yet. Returns how many were added; the caller tells the user about the rest."""
    authorize_school(actor, case.school, Perm.FACILITATE)
    ids = _ids(moment_ids)
    if not ids:
        return 0
    return Moment.objects.filter(pk__in=ids, school=case.school, case__isnull=True).update(
        case=case
    )


@transaction.atomic
def remove_moment(actor: Any, case: Case, moment_id: Any) -> bool:
    """Take a moment out of the case; False when it was not in this case."""
    authorize_school(actor, case.school, Perm.FACILITATE)
    ids = _ids([moment_id])
    if not ids:
        return False
    return bool(Moment.objects.filter(pk__in=ids, case=case).update(case=None))


# --- Reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SharedMoment:
    """A moment as the team sees it in a case: the situation only.

    There is deliberately no author, no name and no date here, so no page or file built
    from it can show who wrote it, even when the author chose to be named to the
    development group.
    """

    pk: int  # for taking it out of the case; says nothing about who wrote it
    what_happened: str
    what_i_did: str
    how_it_ended: str
    want_to_learn: str
    clash: str  # the label, in the active language
    stage: str
    involved: list[str]
    codes: list[str]

    @property
    def texts(self) -> list[tuple[str, str]]:
        """(label, text) of each text the author wrote, in the order of the form."""
        labels = (
            (_("What happened"), self.what_happened),
            (_("What the teacher did"), self.what_i_did),
            (_("How it ended"), self.how_it_ended),
            (_("What the teacher would like to learn"), self.want_to_learn),
        )
        return [(label, text) for label, text in labels if text]

    @property
    def meta(self) -> list[str]:
        """The ladders, stage, who was involved and the codes, as short parts."""
        parts = [self.clash, self.stage, ", ".join(self.involved), ", ".join(self.codes)]
        return [part for part in parts if part]


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return ""


def shared_moments(case: Case) -> list[SharedMoment]:
    """The case's moments, anonymised, by the day they were recorded (two queries).

    The order says nothing about who wrote them; the `recorded_on` used for it is not shown.
    """
    moments = (
        Moment.objects.filter(case=case)
        .prefetch_related("codes")
        .order_by("recorded_on", "pk")
        .only(
            "what_happened",
            "what_i_did",
            "how_it_ended",
            "want_to_learn",
            "clash",
            "stage",
            "involved",
            "recorded_on",
        )
    )
    return [
        SharedMoment(
            pk=moment.pk,
            what_happened=moment.what_happened,
            what_i_did=moment.what_i_did,
            how_it_ended=moment.how_it_ended,
            want_to_learn=moment.want_to_learn,
            clash=_label(LadderClash, moment.clash),
            stage=_label(Stage, moment.stage),
            involved=[_label(Involved, value) for value in moment.involved or [] if value],
            codes=[code.name for code in moment.codes.all()],
        )
        for moment in moments
    ]


def case_facts(case: Case) -> list[tuple[str, str]]:
    """(label, value) of the case's ladders, stage, codes and meeting, for pages and files."""
    facts = [(_("Ladders"), case.get_clash_display())]
    if case.stage:
        facts.append((_("Stage"), case.get_stage_display()))
    codes = [code.name for code in case.codes.all()]
    if codes:
        facts.append((_("Codes"), ", ".join(codes)))
    if case.meeting_on:
        facts.append((_("Team meeting"), date_format(case.meeting_on, "l j F Y")))
    return facts
