"""Consent rounds, versions and comparison of a repertoire entry.

The four round actions and the comparison are the ones cards use (`dramaturg.consent.views`,
`dramaturg.consent.compare`); here they get the entry, its kind and the entry's wording.
"""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from dramaturg.consent import views as actions
from dramaturg.consent.compare import compare_context
from dramaturg.consent.panel import participants
from dramaturg.repertoire.models import Entry, EntryConsentRound
from dramaturg.repertoire.services.consent import ENTRY
from dramaturg.repertoire.snapshot import compare, labels, readable, take_snapshot
from dramaturg.repertoire.views.common_entries import can, entry_url, get_entry, language
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import school_view

PANEL = "consent"
WORDING = actions.Wording(
    opened=gettext_lazy(
        "Consent round %(number)s is open. The entry is frozen until the team has decided; "
        "%(required)s of %(eligible)s members need to answer."
    ),
    adopted=gettext_lazy("The team has adopted this entry: version %(number)s."),
    closed=gettext_lazy(
        "The round is closed without adoption. Amend the entry and open a new round; "
        "the answers of this round stay on record."
    ),
)


def _round(request: HttpRequest, entry_id: int, round_id: int) -> tuple[Entry, EntryConsentRound]:
    entry = get_entry(request, entry_id)
    return entry, get_object_or_404(entry.rounds.all(), pk=round_id)


@school_view(Perm.DECIDE)
@require_POST
def round_open(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_entry(request, entry_id)
    return actions.open_round(request, ENTRY, entry, entry_url(entry, PANEL), WORDING)


@school_view()
@require_POST
def round_answer(request: HttpRequest, entry_id: int, round_id: int) -> HttpResponse:
    entry, consent_round = _round(request, entry_id, round_id)
    return actions.answer(request, ENTRY, consent_round, entry_url(entry, PANEL), WORDING)


@school_view()
@require_POST
def round_withdraw(request: HttpRequest, entry_id: int, round_id: int) -> HttpResponse:
    entry, consent_round = _round(request, entry_id, round_id)
    return actions.withdraw(request, ENTRY, consent_round, entry_url(entry, PANEL), WORDING)


@school_view(Perm.DECIDE)
@require_POST
def round_close(request: HttpRequest, entry_id: int, round_id: int) -> HttpResponse:
    entry, consent_round = _round(request, entry_id, round_id)
    return actions.close(request, ENTRY, consent_round, entry_url(entry, PANEL), WORDING)


@school_view()
@require_safe
def versions(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_entry(request, entry_id)
    adopted = [
        (version, participants(version))
        for version in entry.versions.defer("snapshot").order_by("-number")
    ]
    rounds = (
        entry.rounds.defer("snapshot")
        .select_related("opened_by")
        .annotate(answered=Count("answers"))
        .order_by("-number")
    )
    return render(
        request,
        "repertoire/entries/versions.html",
        {"school": request.school, "entry": entry, "adopted": adopted, "rounds": rounds},  # type: ignore[attr-defined]
    )


@school_view()
@require_safe
def version_detail(request: HttpRequest, entry_id: int, number: int) -> HttpResponse:
    entry = get_entry(request, entry_id)
    version = get_object_or_404(entry.versions.all(), number=number)
    latest = entry.state == Entry.State.ADOPTED and version.number == entry.adopted_version
    return render(
        request,
        "repertoire/entries/version_detail.html",
        {
            "school": request.school,  # type: ignore[attr-defined]
            "entry": entry,
            "version": version,
            "content": readable(version.snapshot, language()),
            "labels": labels(),
            "participants": participants(version),
            "can_start_draft": latest and can(request, Perm.FACILITATE),
        },
    )


@school_view()
@require_safe
def compare_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Compare two of: a round's draft (r<n>), an adopted version (v<n>), the current draft."""
    entry = get_entry(request, entry_id)
    context = compare_context(
        request,
        entry,
        take_snapshot,
        compare,
        language(),
        _("Choose two texts of this entry to compare."),
    )
    return render(
        request,
        "repertoire/entries/compare.html",
        {"school": request.school, "entry": entry, **context},  # type: ignore[attr-defined]
    )
