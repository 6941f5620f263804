"""The codes a school starts with, and the keyed hash that recognises a moment's author."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.utils.encoding import force_bytes

# (key, Dutch, English). The same list seeds existing schools in migration 0003.
DEFAULT_CODES: tuple[tuple[str, str, str], ...] = (
    ("face_honour", "gezicht en eer", "face and honour"),
    ("authority", "gezag", "authority"),
    ("directness", "directheid", "directness"),
    ("group_loyalty", "loyaliteit aan de groep", "loyalty to the group"),
    ("not_telling", "niet verklikken", "not telling on others"),
    ("respect_manners", "respect en omgangsvormen", "respect and manners"),
    ("standing_up", "voor jezelf opkomen", "standing up for yourself"),
    ("family_duty", "plichten thuis", "duties at home"),
)


def seed_codes(school: Any) -> None:
    """Give a school the default codes it does not have yet (by key)."""
    from dramaturg.repertoire.models import CodeTag

    have = set(CodeTag.objects.filter(school=school).values_list("key", flat=True))
    CodeTag.objects.bulk_create(
        CodeTag(school=school, key=key, name_nl=nl, name_en=en, position=position)
        for position, (key, nl, en) in enumerate(DEFAULT_CODES)
        if key not in have
    )


def author_key(user: Any, school: Any) -> str:
    """A keyed hash of the user in a school: the same person always gets the same key there,
    and without the application's secret key nobody can tell whose it is. A different key at
    each school: one key everywhere would tie unnamed moments at two schools together, and
    the memberships would then narrow them down to the few people who belong to both."""
    root = hmac.new(force_bytes(settings.SECRET_KEY), b"dramaturg moment author", hashlib.sha256)
    message = f"{user.pk}:{school.pk}".encode()
    return hmac.new(root.digest(), message, hashlib.sha256).hexdigest()
