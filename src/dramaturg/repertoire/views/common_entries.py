"""What the entry views share: fetching an entry of the tenant, its URLs, who may do what."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language

from dramaturg.consent.panel import panel_urls as consent_panel_urls
from dramaturg.repertoire.models import Entry
from dramaturg.schools.roles import Perm, role_has
from dramaturg.schools.tenancy import get_in_school


def get_entry(request: HttpRequest, entry_id: int) -> Entry:
    """The entry of the request's school, or 404 (another school's id is a 404 too)."""
    return get_in_school(
        Entry.objects.select_related("school", "case"),
        request.school,  # type: ignore[attr-defined]
        pk=entry_id,
    )


def entry_url(entry: Entry, fragment: str = "") -> str:
    url = reverse("repertoire:entry_detail", args=[entry.school.slug, entry.pk])
    return f"{url}#{fragment}" if fragment else url


def can(request: HttpRequest, perm: Perm) -> bool:
    membership = getattr(request, "membership", None)
    return membership is not None and role_has(membership.role, perm)


def language() -> str:
    return (get_language() or "nl")[:2]


def panel_urls(entry: Entry) -> Any:
    return consent_panel_urls("repertoire:entry_", entry.school.slug, entry.pk)
