"""Repertoire entries: the team's work list, creating, reading, editing and discussing an entry.

Everyone of the school reads entries and comments on them; the development group and the
leader (FACILITATE) create and edit them. Every write goes through `services.entries`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dramaturg.consent.models import Answer, SubjectState
from dramaturg.consent.panel import consent_panel
from dramaturg.repertoire.errors import EditConflict, NotEditable, RepertoireError
from dramaturg.repertoire.forms_entries import EntryCreateForm, EntryForm, entry_initial
from dramaturg.repertoire.models import Entry
from dramaturg.repertoire.services import entries as service
from dramaturg.repertoire.services.consent import ENTRY, REASON_MAX
from dramaturg.repertoire.snapshot import labels, readable, take_snapshot
from dramaturg.repertoire.views.common_entries import (
    can,
    entry_url,
    get_entry,
    language,
    panel_urls,
)
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import school_view

WORK_STATES = (SubjectState.DRAFT, SubjectState.DISCUSSION, SubjectState.CONSENT)


@school_view()
@require_safe
def work(request: HttpRequest) -> HttpResponse:
    """Drafts and entries in a round, for the team to discuss (not the adopted repertoire)."""
    school = request.school  # type: ignore[attr-defined]
    rows = Entry.objects.filter(school=school, state__in=WORK_STATES).order_by("state", "title_nl")
    archived = Entry.objects.filter(school=school, state=SubjectState.ARCHIVED)
    return render(
        request,
        "repertoire/entries/work.html",
        {
            "school": school,
            "entries": rows,
            "archived": archived,
            "can_create": can(request, Perm.FACILITATE),
        },
    )


@school_view(Perm.FACILITATE)
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    initial = {"case": request.GET.get("case")} if request.GET.get("case", "").isdigit() else {}
    form = EntryCreateForm(school, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = service.create_entry(
                request.user,
                school,
                title_nl=data["title_nl"],
                title_en=data["title_en"],
                clash=data["clash"],
                case=data["case"],
            )
        except RepertoireError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The entry has been created as a draft."))
            return redirect("repertoire:entry_edit", school.slug, entry.pk)
    return render(request, "repertoire/entries/create.html", {"school": school, "form": form})


def _detail_context(request: HttpRequest, entry: Entry) -> dict[str, Any]:
    return {
        "school": request.school,  # type: ignore[attr-defined]
        "entry": entry,
        "subject": entry,
        "content": readable(take_snapshot(entry), language()),
        "labels": labels(),
        "comments": entry.comments.select_related("author"),
        "can_facilitate": can(request, Perm.FACILITATE),
        "can_edit": can(request, Perm.FACILITATE) and entry.is_editable,
        "consent": consent_panel(
            request, ENTRY, entry, can_decide=can(request, Perm.DECIDE), urls=panel_urls(entry)
        ),
        "answer_choices": Answer.choices,
        "reason_max": REASON_MAX,
        "comment_max": service.COMMENT_MAX,
    }


@school_view()
@require_safe
def detail(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_entry(request, entry_id)
    return render(request, "repertoire/entries/detail.html", _detail_context(request, entry))


@school_view(Perm.FACILITATE)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_entry(request, entry_id)
    school = request.school  # type: ignore[attr-defined]
    if not entry.is_editable:
        messages.error(request, str(NotEditable.default_message))
        return redirect(entry_url(entry))
    conflict = None
    if request.method == "POST":
        form = EntryForm(school, request.POST)
        if form.is_valid():
            try:
                service.update_entry(
                    request.user,
                    entry,
                    form.cleaned_data["revision"],
                    form.texts(),
                    **form.links(),
                )
            except EditConflict as error:
                # Keep what the person typed and let the next save start from the saved text.
                conflict = error.current
                data = request.POST.copy()
                data["revision"] = str(conflict.revision)
                form = EntryForm(school, data)
                form.is_valid()
                form.add_error(None, str(error.message))
            except RepertoireError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(request, _("The entry has been saved."))
                return redirect(entry_url(entry))
    else:
        form = EntryForm(school, initial=entry_initial(entry))
    return render(
        request,
        "repertoire/entries/edit.html",
        {
            "school": school,
            "entry": entry,
            "form": form,
            "conflict": readable(take_snapshot(conflict), language()) if conflict else None,
            "labels": labels(),
        },
    )


@school_view()
@require_POST
def comment(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_entry(request, entry_id)
    try:
        service.add_comment(request.user, entry, request.POST.get("body", ""))
    except RepertoireError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your comment has been added."))
    return redirect(entry_url(entry, "comments"))


def _state_change(request: HttpRequest, entry_id: int, change: Any, done: str) -> HttpResponse:
    entry = get_entry(request, entry_id)
    try:
        change(request.user, entry)
    except RepertoireError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect(entry_url(entry))


@school_view(Perm.FACILITATE)
@require_POST
def discuss(request: HttpRequest, entry_id: int) -> HttpResponse:
    done = _("The draft is open for discussion: the whole team can comment on it.")
    return _state_change(request, entry_id, service.open_discussion, done)


@school_view(Perm.FACILITATE)
@require_POST
def new_draft(request: HttpRequest, entry_id: int) -> HttpResponse:
    done = _(
        "A new draft has been started. The adopted version stays in the repertoire until the "
        "team adopts a new one."
    )
    return _state_change(request, entry_id, service.start_new_draft, done)


@school_view(Perm.FACILITATE)
@require_POST
def archive(request: HttpRequest, entry_id: int) -> HttpResponse:
    done = _("The entry has been archived: it no longer shows in the repertoire.")
    return _state_change(request, entry_id, service.archive_entry, done)
