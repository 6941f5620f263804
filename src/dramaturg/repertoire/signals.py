"""A new school gets the default codes, so its first moment can be tagged."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from dramaturg.repertoire.codes import seed_codes
from dramaturg.schools.models import School


@receiver(post_save, sender=School, dispatch_uid="repertoire_seed_codes")
def give_new_school_codes(
    sender: Any, instance: School, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw:
        seed_codes(instance)
