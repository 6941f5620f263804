"""The shared card library pages: browse by stage, read a card, copy it, withdraw it, and —
from a card's adopted version in the school — publish it to one or more networks.

Library pages sit under /n/<network_slug>/library/ behind `network_view`: everyone who does
not take part gets a 404, culture carriers and invited board staff may read, only leaders
copy or withdraw (403 for the others). Publishing starts from the school's own card, so its
page sits under /s/<school_slug>/ and follows the school's rules (leaders only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Case, Count, QuerySet, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dramaturg.cards.models import Card
from dramaturg.cards.snapshot import pick
from dramaturg.cards.views.common import get_card
from dramaturg.core.paging import paginate
from dramaturg.core.stages import STAGE_INFO, Stage
from dramaturg.networks import library as service
from dramaturg.networks import library_search
from dramaturg.networks.access import ensure_board_network, network_view, networks_of_school
from dramaturg.networks.library_entries import ENTRIES
from dramaturg.networks.models import PublishedCard
from dramaturg.schools.models import Team
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import school_view

# The library filter's value for the repertoire entries (beside the stages).
REPERTOIRE = "repertoire"
# Cards (or entries) per page of the library, and the newest entries shown under all stages.
PER_PAGE = 24
NEWEST_ENTRIES = 6
# Per kind of subject: the URL names of a publication's library page and its withdrawal.
PAGES = {
    "card": ("networks:library_card", "networks:library_withdraw"),
    "entry": ("networks:library_entry", "networks:library_entry_withdraw"),
}


def reader_language() -> str:
    return (get_language() or "nl")[:2]


@dataclass
class Entry:
    """One published card (or repertoire entry) as the library lists it."""

    publication: Any
    title: str
    stage: str  # a card's stage; "" for a repertoire entry
    school: str  # the school's name, or "a school in the network" when hidden
    own: bool  # published by the reader's own school
    adopted: int  # how many schools adopted it


def rows(
    request: HttpRequest, publications: list[Any], shelf: service.Shelf = service.CARDS
) -> list[Entry]:
    """The publications as the library lists them, from their stored columns (a row stored
    before the columns existed falls back on its snapshot)."""
    counts = service.adoption_counts(publications, shelf)
    own_school = request.participant.school  # type: ignore[attr-defined]
    language = reader_language()
    return [
        Entry(
            publication=p,
            title=library_search.title_in(p, language)
            or pick(p.version.snapshot["title"], language),
            stage=getattr(p, "stage", "") or getattr(shelf.subject_of(p.version), "stage", ""),
            school=service.school_label(p),
            own=own_school is not None and p.school_id == own_school.pk,
            adopted=counts[p.pk],
        )
        for p in publications
    ]


def _listed(network: Any, shelf: service.Shelf, query: str) -> QuerySet:
    """The shelf's live publications matching the search, without their snapshots."""
    found = service.live_publications(network, shelf).defer("version__snapshot")
    return library_search.search(found, query)


@network_view()
@require_safe
def library(request: HttpRequest) -> HttpResponse:
    """Published cards in pages, in the order of the stages and newest first, and the newest
    repertoire entries; `?stage=` shows one stage, `?stage=repertoire` only the entries (in
    pages; an unknown value: all), `?q=` searches titles and texts. Everything is counted,
    filtered and searched in the database."""
    network = request.network  # type: ignore[attr-defined]
    chosen = request.GET.get("stage", "")
    if chosen not in (*Stage.values, REPERTOIRE):
        chosen = ""
    query = " ".join(request.GET.get("q", "").split())[: library_search.QUERY_MAX]
    cards = _listed(network, service.CARDS, query)
    entries = _listed(network, ENTRIES, query)
    per_stage = {info.stage.value: 0 for info in STAGE_INFO}
    for stage, count in cards.values_list("stage").annotate(n=Count("pk")).order_by():
        per_stage[stage] = per_stage.get(stage, 0) + count
    repertoire_count = entries.count()
    order = Case(
        *[When(stage=info.stage.value, then=n) for n, info in enumerate(STAGE_INFO)],
        default=len(STAGE_INFO),
    )
    paged = None
    sections: list[tuple[Any, list[Entry]]] = []
    repertoire: list[Entry] | None = None
    if chosen == REPERTOIRE:
        paged = paginate(request, entries.order_by("-published_at", "-pk"), PER_PAGE)
        repertoire = rows(request, list(paged.object_list), ENTRIES)
    else:
        chosen_cards = cards.filter(stage=chosen) if chosen else cards
        paged = paginate(request, chosen_cards.order_by(order, "-published_at", "-pk"), PER_PAGE)
        listed = rows(request, list(paged.object_list))
        sections = [
            (info, [e for e in listed if e.stage == info.stage.value])
            for info in STAGE_INFO
            if (chosen == info.stage.value)
            or (not chosen and any(e.stage == info.stage.value for e in listed))
        ]
        if not chosen:  # the newest entries below the cards; all of them under their filter
            newest = entries.order_by("-published_at", "-pk")[:NEWEST_ENTRIES]
            repertoire = rows(request, list(newest), ENTRIES)
    return render(
        request,
        "networks/library.html",
        {
            "network": network,
            "participant": request.participant,  # type: ignore[attr-defined]
            "stages": [(info, per_stage[info.stage.value]) for info in STAGE_INFO],
            "chosen": chosen,
            "query": query,
            "sections": sections,
            "paged": paged,
            "total": sum(per_stage.values()) + repertoire_count,
            "cards_total": sum(per_stage.values()),
            "repertoire": repertoire,
            "repertoire_count": repertoire_count,
            "more_entries": chosen == "" and repertoire_count > NEWEST_ENTRIES,
        },
    )


def live(request: HttpRequest, publication_id: int, shelf: service.Shelf = service.CARDS) -> Any:
    network = request.network  # type: ignore[attr-defined]
    return get_object_or_404(service.live_publications(network, shelf), pk=publication_id)


@network_view()
@require_safe
def library_card(request: HttpRequest, publication_id: int) -> HttpResponse:
    publication = live(request, publication_id)
    participant = request.participant  # type: ignore[attr-defined]
    (entry,) = rows(request, [publication])
    can_copy = participant.is_leader and not entry.own
    copies = (
        Card.objects.filter(
            school=participant.school, copied_from__version__card_id=publication.version.card_id
        )
        if participant.school is not None
        else Card.objects.none()
    )
    return render(
        request,
        "networks/library_card.html",
        {
            "network": request.network,  # type: ignore[attr-defined]
            "participant": participant,
            "entry": entry,
            "publication": publication,
            "content": service.readable_publication(publication, reader_language()),
            "can_copy": can_copy,
            "teams": list(participant.school.teams.all()) if can_copy else [],
            "can_withdraw": service.is_leader_of(request.user, publication.school),
            "copies": list(copies.order_by("-created_at")),
        },
    )


@network_view(leaders_only=True)
@require_POST
def library_copy(request: HttpRequest, publication_id: int) -> HttpResponse:
    publication = live(request, publication_id)
    school = request.participant.school  # type: ignore[attr-defined]
    team_id = request.POST.get("team", "")
    team = None
    if team_id:
        if not (team_id.isascii() and team_id.isdigit()):
            return _back_to_card(request, publication, _("Choose one of your school's teams."))
        team = get_object_or_404(Team, school=school, pk=int(team_id))
    try:
        card = service.copy_to_school(
            request.user, publication, school, team=team, language=reader_language()
        )
    except service.LibraryError as error:
        return _back_to_card(request, publication, *error.problems)
    messages.success(
        request,
        _(
            "The card is now a draft of %(school)s. Discuss it with your team, make it your own "
            "and adopt it together."
        )
        % {"school": school.name},
    )
    return redirect("cards:detail", school.slug, card.pk)


def _back_to_card(request: HttpRequest, publication: PublishedCard, *problems: str) -> HttpResponse:
    return back_to(request, "networks:library_card", publication, *problems)


def back_to(request: HttpRequest, page: str, publication: Any, *problems: str) -> HttpResponse:
    """Show each problem and return to the publication's library page."""
    for problem in problems:
        messages.error(request, problem)
    network = request.network  # type: ignore[attr-defined]
    return redirect(page, network.slug, publication.pk)


@network_view(leaders_only=True)
@require_POST
def library_withdraw(request: HttpRequest, publication_id: int) -> HttpResponse:
    """Only a leader of the publishing school (others: 403, from the service)."""
    publication = live(request, publication_id)
    network = request.network  # type: ignore[attr-defined]
    return withdrawn(
        request,
        service.withdraw(request.user, publication),
        _(
            "The card is no longer in the library of %(network)s. Schools that copied it keep "
            "their copy."
        )
        % {"network": network.name},
    )


def withdrawn(request: HttpRequest, publication: Any, message: str) -> HttpResponse:
    """After a withdrawal: say so, and go back where the leader came from (this site only)."""
    messages.success(request, message)
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("networks:library", publication.network.slug)


# --- Publishing, from the school's adopted version ---------------------------------------


def publish_context(
    request: HttpRequest, version: Any, shelf: service.Shelf = service.CARDS
) -> dict[str, Any]:
    """The school's networks, each with the live publication of this subject there (if any)."""
    school = request.school  # type: ignore[attr-defined]
    ensure_board_network(school.board)
    networks = list(networks_of_school(school).order_by("name"))
    subject = shelf.subject_of(version)
    live = {
        p.network_id: p
        for p in shelf.publication_model.objects.filter(  # type: ignore[attr-defined]
            network__in=networks,
            **{f"version__{shelf.subject_field}": subject},
            withdrawn_at__isnull=True,
        ).select_related("version", "network")
    }
    pairs = [(network, live.get(network.pk)) for network in networks]
    return {
        "school": school,
        shelf.subject_field: subject,
        "version": version,
        "title": pick(version.snapshot["title"], reader_language()),
        "networks": pairs,
        "shared": [(network, published) for network, published in pairs if published],
        "problems": service.version_name_problems(version, shelf),
        "here": request.get_full_path(),
        "read_page": PAGES[shelf.subject_field][0],
        "withdraw_page": PAGES[shelf.subject_field][1],
    }


@school_view(Perm.DECIDE)
@require_http_methods(["GET", "HEAD", "POST"])
def library_publish(request: HttpRequest, card_id: int, number: int) -> HttpResponse:
    """GET: choose the networks and whether to show the school's name; POST: publish."""
    card = get_card(request, card_id)
    version = get_object_or_404(card.versions.all(), number=number)
    context = publish_context(request, version)
    if request.method != "POST":
        return render(request, "networks/library_publish.html", context)
    here = reverse(
        "networks:library_publish", args=[context["school"].slug, card.pk, version.number]
    )
    return publish_post(
        request,
        version,
        context["networks"],
        here,
        service.CARDS,
        _("Version %(number)s of this card is now in the library of: %(networks)s."),
    )


def publish_post(
    request: HttpRequest,
    version: Any,
    networks: list[tuple[Any, Any]],
    here: str,
    shelf: service.Shelf,
    success: str,
) -> HttpResponse:
    """Publish the version in the networks ticked on the form, or say why not; back `here`.
    `success` names %(number)s and %(networks)s."""
    by_id = {str(network.pk): network for network, _published in networks}
    chosen = request.POST.getlist("network")
    if not chosen or any(value not in by_id for value in chosen):
        messages.error(request, _("Choose one or more networks of your school."))
        return redirect(here)
    show_school = request.POST.get("show_school") == "on"
    try:
        with transaction.atomic():
            published = [
                service.publish_on(shelf, request.user, version, by_id[value], show_school)
                for value in dict.fromkeys(chosen)
            ]
    except service.LibraryError as error:
        for problem in error.problems:
            messages.error(request, problem)
        return redirect(here)
    messages.success(
        request,
        success
        % {"number": version.number, "networks": ", ".join(p.network.name for p in published)},
    )
    return redirect(here)
