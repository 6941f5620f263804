"""Repertoire entries in the network library: read one, copy it, withdraw it, and — from an
entry's adopted version in the school — publish it. The same rules and helpers as the card
library pages (`views_library.py`): everyone taking part reads, only leaders copy or
withdraw, publishing sits under the school and needs Perm.DECIDE."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dramaturg.networks import library_entries as service
from dramaturg.networks.access import network_view
from dramaturg.networks.library import LibraryError, is_leader_of
from dramaturg.networks.library_entries import ENTRIES
from dramaturg.networks.views_library import (
    back_to,
    live,
    publish_context,
    publish_post,
    reader_language,
    rows,
    withdrawn,
)
from dramaturg.repertoire.models import Entry
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import get_in_school, school_view


def entry_page(school_slug: str, entry: Entry) -> str:
    return reverse(
        "repertoire:entry_detail", kwargs={"school_slug": school_slug, "entry_id": entry.pk}
    )


@network_view()
@require_safe
def library_entry(request: HttpRequest, publication_id: int) -> HttpResponse:
    publication = live(request, publication_id, ENTRIES)
    participant = request.participant  # type: ignore[attr-defined]
    (row,) = rows(request, [publication], ENTRIES)
    school = participant.school
    copies = (
        Entry.objects.filter(
            school=school, copied_from__version__entry_id=publication.version.entry_id
        ).order_by("-created_at")
        if school is not None
        else Entry.objects.none()
    )
    return render(
        request,
        "networks/library_entry.html",
        {
            "network": request.network,  # type: ignore[attr-defined]
            "participant": participant,
            "entry": row,
            "publication": publication,
            "content": service.readable_publication(publication, reader_language()),
            "can_copy": participant.is_leader and not row.own,
            "can_withdraw": is_leader_of(request.user, publication.school),
            "copies": [(copy, entry_page(school.slug, copy)) for copy in copies],
        },
    )


@network_view(leaders_only=True)
@require_POST
def library_entry_copy(request: HttpRequest, publication_id: int) -> HttpResponse:
    publication = live(request, publication_id, ENTRIES)
    school = request.participant.school  # type: ignore[attr-defined]
    try:
        entry = service.copy_to_school(
            request.user, publication, school, language=reader_language()
        )
    except LibraryError as error:
        return back_to(request, "networks:library_entry", publication, *error.problems)
    messages.success(
        request,
        _(
            "The entry is now a draft in the repertoire of %(school)s. Discuss it with your "
            "team, make it your own and adopt it together."
        )
        % {"school": school.name},
    )
    return redirect(entry_page(school.slug, entry))


@network_view(leaders_only=True)
@require_POST
def library_entry_withdraw(request: HttpRequest, publication_id: int) -> HttpResponse:
    """Only a leader of the publishing school (others: 403, from the service)."""
    publication = live(request, publication_id, ENTRIES)
    network = request.network  # type: ignore[attr-defined]
    return withdrawn(
        request,
        service.withdraw(request.user, publication),
        _(
            "The entry is no longer in the library of %(network)s. Schools that copied it keep "
            "their copy."
        )
        % {"network": network.name},
    )


@school_view(Perm.DECIDE)
@require_http_methods(["GET", "HEAD", "POST"])
def library_entry_publish(request: HttpRequest, entry_id: int, number: int) -> HttpResponse:
    """GET: choose the networks and whether to show the school's name; POST: publish."""
    entry = get_in_school(Entry.objects.all(), request.school, pk=entry_id)  # type: ignore[attr-defined]
    version = get_object_or_404(entry.versions.all(), number=number)
    context = publish_context(request, version, ENTRIES)
    context["entry_url"] = entry_page(context["school"].slug, entry)
    if request.method != "POST":
        return render(request, "networks/library_entry_publish.html", context)
    here = reverse(
        "networks:library_entry_publish", args=[context["school"].slug, entry.pk, version.number]
    )
    return publish_post(
        request,
        version,
        context["networks"],
        here,
        ENTRIES,
        _("Version %(number)s of this entry is now in the library of: %(networks)s."),
    )
