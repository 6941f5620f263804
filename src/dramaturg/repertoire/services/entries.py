"""Write repertoire entries: create (optionally from a case), edit, comment, discuss, start a new
draft, archive. Edits use optimistic locking on the entry's `revision`, like a card's items:
a save that started from an older revision is refused and nothing is written, so two people
editing at once never overwrite each other silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dramaturg.cards.models import Agreement, Intervention
from dramaturg.consent.models import SubjectState
from dramaturg.core.localized import CONTENT_LANGUAGES
from dramaturg.repertoire.errors import EditConflict, NotEditable, RepertoireError
from dramaturg.repertoire.models import Case, CodeTag, Entry, EntryComment, Ladder, LadderClash
from dramaturg.repertoire.models.entries import ENTRY_TEXTS, ENTRY_TITLE_MAX
from dramaturg.schools.models import School
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import authorize_school
from dramaturg.sources.models import Source

COMMENT_MAX = 4000
TEXT_FIELDS = tuple(f"{name}_{language}" for name in ENTRY_TEXTS for language in CONTENT_LANGUAGES)


def require_editable(actor: Any, entry: Entry) -> None:
    """Refuse unless the entry may change now. Called inside the writing transaction with the
    row locked, so a consent round opened at the same moment either sees this edit or makes it
    wait and then refuse: a frozen entry never changes."""
    authorize_school(actor, entry.school, Perm.FACILITATE)
    _locked_state(entry)
    if not entry.is_editable:
        raise NotEditable


def _locked_state(entry: Entry) -> str:
    """The entry's state as stored now, with its row locked for this transaction."""
    entry.state = Entry.objects.select_for_update().values_list("state", flat=True).get(pk=entry.pk)
    return entry.state


def _check_title(title_nl: str) -> str:
    title_nl = title_nl.strip()
    if not title_nl:
        raise RepertoireError(_("Describe the situation in Dutch: “What do we do when …”."))
    if len(title_nl) > ENTRY_TITLE_MAX:
        raise RepertoireError(
            _("The situation can be at most %(max)s characters.") % {"max": ENTRY_TITLE_MAX}
        )
    return title_nl


def _check_ladders(clash: str, risk_ladder: str) -> None:
    if clash not in LadderClash.values:
        raise RepertoireError(_("Choose which ladders' codes clash."))
    if risk_ladder and risk_ladder not in Ladder.values:
        raise RepertoireError(_("Choose one of the three ladders, or none."))


@transaction.atomic
def create_entry(
    actor: Any,
    school: School,
    *,
    title_nl: str,
    title_en: str = "",
    clash: str = "",
    case: Case | None = None,
) -> Entry:
    """A new draft, empty or started from a case (its ladders and codes are taken over)."""
    authorize_school(actor, school, Perm.FACILITATE)
    if case is not None and case.school_id != school.pk:
        raise RepertoireError
    clash = clash or (case.clash if case is not None else "")
    _check_ladders(clash, "")
    entry = Entry.objects.create(
        school=school,
        case=case,
        title_nl=_check_title(title_nl),
        title_en=title_en.strip()[:ENTRY_TITLE_MAX],
        clash=clash,
        created_by=actor,
    )
    if case is not None:
        entry.codes.set(case.codes.all())
    return entry


def _in_school(school: School, chosen: Iterable[Any], allowed: Any) -> list[Any]:
    """The chosen rows, refused if any lies outside what this school may link to."""
    chosen = list(chosen)
    ids = {row.pk for row in chosen}
    if ids and allowed.filter(pk__in=ids).count() != len(ids):
        raise RepertoireError(_("Choose only from the lists shown."))
    return chosen


@transaction.atomic
def update_entry(
    actor: Any,
    entry: Entry,
    revision: int,
    values: dict[str, str],
    *,
    clash: str,
    risk_ladder: str = "",
    codes: Iterable[CodeTag] = (),
    sources: Iterable[Source] = (),
    interventions: Iterable[Intervention] = (),
    agreements: Iterable[Agreement] = (),
) -> Entry:
    """Save the texts, ladders, codes, sources and links together, unless someone else saved the
    entry since `revision`: then nothing is saved and EditConflict carries the entry as it is
    now and what the actor tried to save."""
    require_editable(actor, entry)
    school = entry.school
    if set(values) - set(TEXT_FIELDS):
        raise RepertoireError
    values = {name: text.strip() for name, text in values.items()}
    values["title_nl"] = _check_title(values.get("title_nl", ""))
    _check_ladders(clash, risk_ladder)
    chosen = {
        "codes": _in_school(school, codes, CodeTag.objects.filter(school=school)),
        "sources": _in_school(school, sources, Source.objects.for_school(school)),
        "interventions": _in_school(
            school, interventions, Intervention.objects.filter(goal__card__school=school)
        ),
        "agreements": _in_school(school, agreements, Agreement.objects.filter(card__school=school)),
    }
    updated = Entry.objects.filter(pk=entry.pk, revision=revision).update(
        **values,
        clash=clash,
        risk_ladder=risk_ladder,
        revision=F("revision") + 1,
        updated_at=timezone.now(),
    )
    if not updated:
        raise EditConflict(Entry.objects.get(pk=entry.pk), values)
    for name, rows in chosen.items():
        getattr(entry, name).set(rows)
    entry.refresh_from_db()
    return entry


@transaction.atomic
def add_comment(actor: Any, entry: Entry, body: str) -> EntryComment:
    """Everyone of the school may comment, in every state but archived."""
    authorize_school(actor, entry.school, Perm.VIEW_SCHOOL)
    body = body.strip()
    if not body:
        raise RepertoireError(_("Write a comment first."))
    if len(body) > COMMENT_MAX:
        raise RepertoireError(
            _("A comment can be at most %(max)s characters.") % {"max": COMMENT_MAX}
        )
    if _locked_state(entry) == SubjectState.ARCHIVED:
        raise RepertoireError(_("This entry is archived: it takes no more comments."))
    return EntryComment.objects.create(entry=entry, author=actor, body=body)


@transaction.atomic
def open_discussion(actor: Any, entry: Entry) -> Entry:
    """Invite the whole team to discuss the draft."""
    require_editable(actor, entry)
    Entry.objects.filter(pk=entry.pk).update(state=SubjectState.DISCUSSION)
    entry.refresh_from_db()
    return entry


@transaction.atomic
def start_new_draft(actor: Any, entry: Entry) -> Entry:
    """Reopen an adopted entry for changes; the adopted version itself stays as it was, and the
    phone page keeps showing it until a new version is adopted."""
    authorize_school(actor, entry.school, Perm.FACILITATE)
    if _locked_state(entry) != SubjectState.ADOPTED:
        raise RepertoireError(_("Only an adopted entry can get a new draft."))
    Entry.objects.filter(pk=entry.pk).update(state=SubjectState.DRAFT, updated_at=timezone.now())
    entry.refresh_from_db()
    return entry


@transaction.atomic
def archive_entry(actor: Any, entry: Entry) -> Entry:
    """Take an entry out of use; it leaves the phone page and the booklet."""
    authorize_school(actor, entry.school, Perm.FACILITATE)
    if _locked_state(entry) == SubjectState.CONSENT:
        raise RepertoireError(_("Close the consent round before archiving the entry."))
    Entry.objects.filter(pk=entry.pk).update(state=SubjectState.ARCHIVED)
    entry.refresh_from_db()
    return entry
