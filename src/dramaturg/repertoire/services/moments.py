"""Record, find, delete and prune moments (botsmomenten).

Any member of a school records a moment; the development group and the leader read them
all; an author finds and deletes their own through the keyed hash `codes.author_key`, so an
unnamed moment is never linked to a person in the database. Moments that never joined a
case are deleted once their school year has ended (`prune_moments`, run daily).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from dramaturg.core.stages import Stage
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


# Ids drawn at random from a range no auto-increment reaches (and small enough for JSON).
_ID_FLOOR, _ID_SPAN = 2**40, 2**52


def _random_id(model: Any) -> int:
    """An unused id that says nothing about when the row was made. Rising ids would line the
    moments up with the request log's `POST moments/new/` lines (time and address) and, in
    the leader's list, show who recorded after whom on a day (docs/repertoire.md)."""
    while True:
        candidate = _ID_FLOOR + secrets.randbelow(_ID_SPAN)
        if not model.objects.filter(pk=candidate).exists():
            return candidate


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
        pk=_random_id(Moment),
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
        # A named moment carries no key: the same key beside a name would tell whoever reads
        # the database which unnamed moments are that person's too.
        author_key="" if show_author else author_key(actor, school),
    )
    # The link rows get random ids too, for the same reason.
    link = Moment.codes.through
    link.objects.bulk_create(
        link(pk=_random_id(link), moment=moment, codetag=tag) for tag in dict.fromkeys(tags)
    )
    return moment


def moments_of_school(actor: Any, school: School) -> QuerySet[Moment]:
    """All the school's moments, for the development group and the leader."""
    authorize_school(actor, school, Perm.FACILITATE)
    return (
        Moment.objects.filter(school=school)
        .select_related("author", "case")
        .prefetch_related("codes")
    )


def recorded_by(actor: Any, school: School) -> Q:
    """The moments `actor` recorded in `school`: unnamed ones by the keyed hash, named ones by
    the author (a named moment has no key, see `record_moment`)."""
    return Q(school=school) & (
        Q(author_key=author_key(actor, school)) | Q(author_key="", author=actor)
    )


def my_moments(actor: Any, school: School) -> QuerySet[Moment]:
    """The moments the actor recorded in the school, named or not."""
    authorize_school(actor, school, Perm.VIEW_SCHOOL)
    return (
        Moment.objects.filter(recorded_by(actor, school))
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
    if not Moment.objects.filter(recorded_by(actor, moment.school), pk=moment.pk).exists():
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
