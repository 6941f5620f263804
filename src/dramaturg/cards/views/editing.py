"""Editing a card: edit, add, remove and reorder items, and move the card between states.

Every control works as a plain form without JavaScript (full page, then back to the item
on the card page). With htmx the form takes the item's place and a save returns only the
re-rendered item; adds, moves and removals return the card's editable region.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dramaturg.cards.errors import CardError, EditConflict, NotEditable
from dramaturg.cards.forms import ItemForm, item_initial, text_field_names
from dramaturg.cards.models import Card, Goal
from dramaturg.cards.services import content
from dramaturg.cards.views.common import (
    EDIT_KINDS,
    ITEM_KINDS,
    SECTION,
    anchor,
    card_content,
    card_context,
    card_url,
    get_card,
    get_item,
    htmx,
    partial,
    refuse,
)
from dramaturg.core.localized import localized
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import school_view

EDIT_HEADINGS = {
    "card": gettext_lazy("Edit the title and introduction"),
    "goal": gettext_lazy("Edit goal"),
    "intervention": gettext_lazy("Edit intervention"),
    "agreement": gettext_lazy("Edit agreement"),
    "indicator": gettext_lazy("Edit indicator"),
}
ADD_HEADINGS = {
    "goal": gettext_lazy("Add a goal"),
    "intervention": gettext_lazy("Add an intervention"),
    "agreement": gettext_lazy("Add an agreement"),
    "indicator": gettext_lazy("Add an indicator"),
}
REMOVE_HEADINGS = {
    "goal": gettext_lazy("Remove this goal?"),
    "intervention": gettext_lazy("Remove this intervention?"),
    "agreement": gettext_lazy("Remove this agreement?"),
    "indicator": gettext_lazy("Remove this indicator?"),
}
# The title-like field of each kind: what a removal quotes and labels name.
MAIN_FIELD = {
    "card": "title",
    "goal": "title",
    "intervention": "what",
    "agreement": "text",
    "indicator": "text",
}


def _form_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    card = context["card"]
    context.update(
        school=card.school,
        detail_url=card_url(card),
        inline=htmx(request),
    )
    if htmx(request):
        return partial(request, "form", context, template="cards/_item_form.html")
    return render(request, "cards/item_form.html", context)


def _autofocus_first(form: ItemForm) -> None:
    first = text_field_names(form.kind)[0]
    form.fields[first].widget.attrs["autofocus"] = True


def _conflict_rows(form: ItemForm, error: EditConflict) -> list[dict[str, Any]]:
    rows = []
    for name in text_field_names(form.kind):
        theirs = getattr(error.current, name)
        yours = error.yours.get(name, "")
        if theirs != yours:
            rows.append({"label": form.fields[name].label, "theirs": theirs, "yours": yours})
    return rows


def _save(request: HttpRequest, kind: str, item: Any, form: ItemForm) -> None:
    revision = form.cleaned_data["revision"]
    if kind == "intervention":
        content.update_intervention(
            request.user, item, revision, form.texts(), form.cleaned_data["sources"]
        )
    else:
        content.update_item(request.user, item, revision, form.texts())


@school_view(Perm.FACILITATE)
def edit_item(request: HttpRequest, card_id: int, kind: str, item_id: int) -> HttpResponse:
    if kind not in EDIT_KINDS:
        raise Http404
    school = request.school  # type: ignore[attr-defined]
    card = get_card(request, card_id)
    item = get_item(card, kind, item_id)
    fragment = anchor(kind, item)
    # A POST goes on to the service, which refuses it with the form (and the text) kept.
    if request.method != "POST" and not card.is_editable:
        return refuse(request, card, NotEditable(), fragment)
    context: dict[str, Any] = {"card": card, "kind": kind, "item": item}
    if request.method == "POST":
        form = ItemForm(kind, school, request.POST)
        if form.is_valid():
            try:
                _save(request, kind, item, form)
            except EditConflict as error:
                # Keep the person's text in the form and let the next save go through.
                data = request.POST.copy()
                data["revision"] = str(error.current.revision)
                form = ItemForm(kind, school, data)
                form.is_valid()
                context.update(
                    error_message=error.message, conflict_rows=_conflict_rows(form, error)
                )
            except CardError as error:
                context["error_message"] = error.message
            else:
                messages.success(request, _("Saved."))
                if htmx(request):
                    item.refresh_from_db()
                    page = card_context(request, card)
                    page.update({kind: item, "just_saved": True})
                    return partial(request, f"body-{kind}", page)
                return redirect(card_url(card, fragment))
    else:
        form = ItemForm(kind, school, initial=item_initial(kind, item))
    _autofocus_first(form)
    context.update(
        form=form,
        heading=EDIT_HEADINGS[kind],
        submit_label=_("Save"),
        action=reverse("cards:edit_item", args=[school.slug, card.pk, kind, item.pk]),
        target_id=f"{fragment}-body",
        cancel_url=card_url(card, fragment),
    )
    return _form_page(request, context)


def _add(request: HttpRequest, kind: str, card: Card, goal: Goal | None, form: ItemForm) -> Any:
    texts = form.texts()
    if kind == "goal":
        return content.add_goal(request.user, card, **texts)
    if kind == "intervention" and goal is not None:
        with transaction.atomic():
            item = content.add_intervention(request.user, goal, **texts)
            content.set_sources(request.user, item, form.cleaned_data["sources"])
        return item
    if kind == "agreement":
        return content.add_agreement(request.user, card, **texts)
    return content.add_indicator(request.user, card, **texts)


def _goal_of(request: HttpRequest, card: Card) -> Goal:
    raw = request.POST.get("goal") or request.GET.get("goal") or ""
    if not raw.isdigit():
        raise Http404
    goal = get_item(card, "goal", int(raw))
    assert isinstance(goal, Goal)
    return goal


@school_view(Perm.FACILITATE)
def add_item(request: HttpRequest, card_id: int, kind: str) -> HttpResponse:
    if kind not in ITEM_KINDS:
        raise Http404
    school = request.school  # type: ignore[attr-defined]
    card = get_card(request, card_id)
    goal = _goal_of(request, card) if kind == "intervention" else None
    if request.method != "POST" and not card.is_editable:
        return refuse(request, card, NotEditable(), SECTION[kind])
    slot = f"add-{kind}-{goal.pk}" if goal else f"add-{kind}"
    context: dict[str, Any] = {"card": card, "kind": kind, "goal": goal}
    form = ItemForm(
        kind, school, request.POST if request.method == "POST" else None, with_revision=False
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = _add(request, kind, card, goal, form)
        except CardError as error:
            context["error_message"] = error.message
        else:
            messages.success(request, _("Added."))
            if htmx(request):
                return card_content(request, card)
            return redirect(card_url(card, anchor(kind, item)))
    _autofocus_first(form)
    heading = f"{ADD_HEADINGS[kind]}: {goal.title}" if goal else str(ADD_HEADINGS[kind])
    context.update(
        form=form,
        heading=heading,
        submit_label=_("Add"),
        action=reverse("cards:add_item", args=[school.slug, card.pk, kind]),
        target_id=slot,
        cancel_url=card_url(card, SECTION[kind]),
    )
    return _form_page(request, context)


@school_view(Perm.FACILITATE)
def remove_item(request: HttpRequest, card_id: int, kind: str, item_id: int) -> HttpResponse:
    if kind not in ITEM_KINDS:
        raise Http404
    school = request.school  # type: ignore[attr-defined]
    card = get_card(request, card_id)
    item = get_item(card, kind, item_id)
    fragment = anchor(kind, item)
    if not card.is_editable:
        return refuse(request, card, NotEditable(), fragment)
    if request.method == "POST":
        try:
            content.remove_item(request.user, item)
        except CardError as error:
            return refuse(request, card, error, fragment)
        messages.success(request, _("Removed."))
        if htmx(request):
            return card_content(request, card)
        return redirect(card_url(card, SECTION[kind]))
    context = {
        "school": school,
        "card": card,
        "kind": kind,
        "item": item,
        "heading": REMOVE_HEADINGS[kind],
        "quoted": localized(item, MAIN_FIELD[kind]),
        "action": reverse("cards:remove_item", args=[school.slug, card.pk, kind, item.pk]),
        "target_id": f"{fragment}-body",
        "cancel_url": card_url(card, fragment),
        "detail_url": card_url(card),
        "inline": htmx(request),
    }
    if htmx(request):
        return partial(request, "confirm", context, template="cards/_item_form.html")
    return render(request, "cards/item_remove.html", context)


@school_view(Perm.FACILITATE)
@require_POST
def move_item(
    request: HttpRequest, card_id: int, kind: str, item_id: int, direction: str
) -> HttpResponse:
    if kind not in ITEM_KINDS or direction not in ("up", "down"):
        raise Http404
    card = get_card(request, card_id)
    item = get_item(card, kind, item_id)
    fragment = anchor(kind, item)
    try:
        content.move_item(request.user, item, direction)
    except CardError as error:
        return refuse(request, card, error, fragment)
    messages.success(request, _("Moved."))
    if htmx(request):
        return card_content(request, card)
    return redirect(card_url(card, fragment))


def _state_action(request: HttpRequest, card_id: int, action: Any, done: str) -> HttpResponse:
    card = get_card(request, card_id)
    try:
        action(request.user, card)
    except CardError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect(card_url(card))


@school_view(Perm.FACILITATE)
@require_POST
def open_discussion(request: HttpRequest, card_id: int) -> HttpResponse:
    return _state_action(
        request,
        card_id,
        content.open_discussion,
        _("The draft is open for discussion: the team can comment and propose changes."),
    )


@school_view(Perm.FACILITATE)
@require_POST
def new_draft(request: HttpRequest, card_id: int) -> HttpResponse:
    return _state_action(
        request,
        card_id,
        content.start_new_draft,
        _("A new draft has started. The adopted version is kept as it was."),
    )


@school_view(Perm.DECIDE)
@require_POST
def archive(request: HttpRequest, card_id: int) -> HttpResponse:
    return _state_action(request, card_id, content.archive_card, _("The card is archived."))
