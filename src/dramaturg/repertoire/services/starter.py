"""Copy an entry of the shipped starter set into a school's repertoire as a draft.

The copy is the school's own from then on: the team reads it, changes it and adopts it by
consent like any entry. Codes are matched by key to the school's list, retired codes too (a
retired code still names the code at play; the team can untick it while editing), and a code
the school deleted is simply left out. Sources are the shipped library's, by key.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dramaturg.core.localized import CONTENT_LANGUAGES
from dramaturg.repertoire.errors import RepertoireError
from dramaturg.repertoire.models import CodeTag, Entry
from dramaturg.repertoire.starter_set import StarterError, get_starter
from dramaturg.schools.models import School
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import authorize_school
from dramaturg.sources.models import Source

ORIGIN_MAX = Entry._meta.get_field("origin").max_length or 300


def starter_origin(title: str) -> str:
    text = _("Copied from the Dramaturg starter set: “%(title)s”.") % {"title": title}
    return text if len(text) <= ORIGIN_MAX else text[: ORIGIN_MAX - 1] + "…"


@transaction.atomic
def copy_starter(actor: Any, school: School, key: str, *, language: str = "nl") -> Entry:
    """A new draft entry of `school` with the starter entry's texts in both languages."""
    authorize_school(actor, school, Perm.FACILITATE)
    try:
        starter = get_starter(key)
    except StarterError as error:
        raise RepertoireError(_("This entry is not in the starter set.")) from error
    texts = {
        f"{name}_{language_code}": starter.texts[name][language_code]
        for name in starter.texts
        for language_code in CONTENT_LANGUAGES
    }
    now = timezone.now()
    entry = Entry.objects.create(
        school=school,
        clash=starter.clash,
        risk_ladder=starter.risk_ladder,
        template_key=starter.key,
        origin=starter_origin(starter.title(language)),
        created_by=actor,
        created_at=now,
        updated_at=now,
        **texts,
    )
    entry.codes.set(CodeTag.objects.filter(school=school, key__in=starter.codes))
    entry.sources.set(Source.objects.filter(school__isnull=True, key__in=starter.sources))
    return entry
