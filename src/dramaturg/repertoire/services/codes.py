"""Edit a school's list of codes: add, rename, reorder, retire, restore and delete.

The leader and the development group (Perm.FACILITATE) keep the list. A code that tags a
moment, a case or an entry is retired rather than deleted, so what was recorded keeps its
words; only an unused code may be deleted.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from dramaturg.repertoire.errors import RepertoireError
from dramaturg.repertoire.models import CodeTag
from dramaturg.repertoire.models.codes import CODE_NAME_MAX
from dramaturg.schools.models import School
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import authorize_school


def _names(name_nl: str, name_en: str) -> tuple[str, str]:
    name_nl, name_en = (name_nl or "").strip(), (name_en or "").strip()
    if not name_nl:
        raise RepertoireError(_("Give the code a Dutch name."))
    if len(name_nl) > CODE_NAME_MAX or len(name_en) > CODE_NAME_MAX:
        raise RepertoireError(
            _("A code's name may be at most %(max)d characters long.") % {"max": CODE_NAME_MAX}
        )
    return name_nl, name_en


def _refuse_duplicate(school: School, name_nl: str, exclude: CodeTag | None = None) -> None:
    others = CodeTag.objects.filter(school=school, name_nl__iexact=name_nl)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise RepertoireError(_("Your school already has a code with this name."))


@transaction.atomic
def add_code(actor: Any, school: School, *, name_nl: str, name_en: str = "") -> CodeTag:
    authorize_school(actor, school, Perm.FACILITATE)
    name_nl, name_en = _names(name_nl, name_en)
    _refuse_duplicate(school, name_nl)
    top = CodeTag.objects.filter(school=school).aggregate(top=Max("position"))["top"]
    return CodeTag.objects.create(
        school=school,
        name_nl=name_nl,
        name_en=name_en,
        position=0 if top is None else top + 1,
    )


@transaction.atomic
def rename_code(actor: Any, code: CodeTag, *, name_nl: str, name_en: str = "") -> CodeTag:
    authorize_school(actor, code.school, Perm.FACILITATE)
    code.name_nl, code.name_en = _names(name_nl, name_en)
    _refuse_duplicate(code.school, code.name_nl, exclude=code)
    code.save(update_fields=["name_nl", "name_en"])
    return code


@transaction.atomic
def move_code(actor: Any, code: CodeTag, direction: str) -> None:
    """Swap the code with its neighbour above ("up") or below ("down"); at an end, nothing."""
    authorize_school(actor, code.school, Perm.FACILITATE)
    if direction not in ("up", "down"):
        raise RepertoireError
    codes = list(CodeTag.objects.select_for_update().filter(school=code.school))
    index = next(i for i, other in enumerate(codes) if other.pk == code.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(codes):
        return
    codes[index], codes[target] = codes[target], codes[index]
    # Renumber the whole list: positions may tie (seeded codes, older data).
    for position, other in enumerate(codes):
        if other.position != position:
            other.position = position
            other.save(update_fields=["position"])


def in_use(code: CodeTag) -> bool:
    return code.moments.exists() or code.cases.exists() or code.entries.exists()


@transaction.atomic
def set_retired(actor: Any, code: CodeTag, retired: bool) -> None:
    """Retire a code (no longer offered for new moments) or restore it."""
    authorize_school(actor, code.school, Perm.FACILITATE)
    code.retired = retired
    code.save(update_fields=["retired"])


@transaction.atomic
def delete_code(actor: Any, code: CodeTag) -> None:
    authorize_school(actor, code.school, Perm.FACILITATE)
    if in_use(code):
        raise RepertoireError(
            _("This code tags moments, cases or entries: retire it instead of deleting it.")
        )
    code.delete()
