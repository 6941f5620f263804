"""Writes to the sources library: a school adds its own sources (the shipped ones are synced)."""

from __future__ import annotations

from typing import Any

from dramaturg.schools.models import School
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import authorize_school
from dramaturg.sources.models import Source

FIELDS = (
    "kind",
    "title",
    "author",
    "year",
    "url",
    "stages",
    "description_nl",
    "description_en",
)


def create_source(actor: Any, school: School, **values: Any) -> Source:
    """A source of the school's own; only leaders and culture carriers add them."""
    authorize_school(actor, school, Perm.FACILITATE)
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown source fields: {', '.join(sorted(unknown))}")
    return Source.objects.create(school=school, created_by=actor, **values)
