"""Record, find, delete and prune moments (botsmomenten).

Any member of a school records a moment; the development group and the leader read them
all; an author finds and deletes their own through the keyed hash `codes.author_key`, so an
unnamed moment is never linked to a person in the database. Moments that never joined a
case are deleted once their school year has ended (`prune_moments`, run daily).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dramaturg.cards.stages import Stage
from dramaturg.repertoire.codes import author_key
from dramaturg.repertoire.errors import RepertoireError
from dramaturg.repertoire.models import CodeTag, Involved, LadderClash, Moment
from dramaturg.repertoire.models.moments import MOMENT_TEXT_MAX, today
from dramaturg.schools.models import School, school_year_start
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import authorize_school


def _clean_text(value: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RepertoireError(_("Describe what happened."))
    if len(value) > MOMENT_TEXT_MAX:
        raise RepertoireError(
            _("Each text may be at most %(max)d characters long.") % {"max": MOMENT_TEXT_MAX}
        )
    return value


@transaction.atomic
def record_moment(
    actor: Any,
    school: School,
    *,
    what_happened: str,
    ladders: Iterable[str],
    stage: str,
    involved: Iterable[str] = (),
    what_i_did: str = "",
    how_it_ended: str = "",
    want_to_learn: str = "",
    codes: Iterable[CodeTag] = (),
    show_author: bool = False,
) -> Moment:
    """Store a moment. The author is kept by name only when they chose to be shown."""
    authorize_school(actor, school, Perm.VIEW_SCHOOL)
    chosen = set(ladders)
    clash = LadderClash.from_ladders(chosen) if len(chosen) >= 2 else None
    if clash is None:
        raise RepertoireError(_("Choose the two or three ladders whose codes clashed."))
    if stage not in Stage.values:
        raise RepertoireError(_("Choose the stage where it happened."))
    who = [value for value in Involved.values if value in set(involved)]
    if len(who) != len(set(involved)):
        raise RepertoireError(_("Choose who was involved from the list."))
    tags = list(codes)
    if any(code.school_id != school.pk or code.retired for code in tags):
        raise RepertoireError(_("Choose codes from your school's list."))
    moment = Moment.objects.create(
        school=school,
        what_happened=_clean_text(what_happened, required=True),
        clash=clash,
        stage=stage,
        involved=who,
        what_i_did=_clean_text(what_i_did),
        how_it_ended=_clean_text(how_it_ended),
        want_to_learn=_clean_text(want_to_learn),
        recorded_on=today(),
        show_author=show_author,
        author=actor if show_author else None,
        author_key=author_key(actor),
    )
    moment.codes.set(tags)
    return moment


def moments_of_school(actor: Any, school: School) -> QuerySet[Moment]:
    """All the school's moments, for the development group and the leader."""
    authorize_school(actor, school, Perm.FACILITATE)
    return (
        Moment.objects.filter(school=school)
        .select_related("author", "case")
        .prefetch_related("codes")
    )


def my_moments(actor: Any, school: School) -> QuerySet[Moment]:
    """The moments the actor recorded in the school, named or not."""
    authorize_school(actor, school, Perm.VIEW_SCHOOL)
    return (
        Moment.objects.filter(school=school, author_key=author_key(actor))
        .select_related("case")
        .prefetch_related("codes")
    )


def filter_moments(
    moments: QuerySet[Moment],
    *,
    clash: str = "",
    stage: str = "",
    code: CodeTag | None = None,
    unbundled: bool = False,
) -> QuerySet[Moment]:
    """Narrow a list of moments by ladders, stage, code, or "not yet in a case"."""
    if clash:
        moments = moments.filter(clash=clash)
    if stage:
        moments = moments.filter(stage=stage)
    if code is not None:
        moments = moments.filter(codes=code)
    if unbundled:
        moments = moments.filter(case__isnull=True)
    return moments


@transaction.atomic
def delete_moment(actor: Any, moment: Moment) -> None:
    """Only the author (recognised by the keyed hash) may delete a moment, bundled or not."""
    authorize_school(actor, moment.school, Perm.VIEW_SCHOOL)
    if moment.author_key != author_key(actor):
        raise RepertoireError(_("Only the person who recorded a moment can delete it."))
    moment.delete()


def prune_moments(on: dt.date | None = None) -> int:
    """Delete moments never bundled into a case from before the school year containing `on`
    (the school year starts on 1 August). Returns how many were deleted."""
    on = on or today()
    start = dt.date(school_year_start(on), 8, 1)
    _total, by_model = Moment.objects.filter(case__isnull=True, recorded_on__lt=start).delete()
    # The count includes the rows of the codes' link table; report the moments only.
    return by_model.get(Moment._meta.label, 0)
