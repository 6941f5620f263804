"""The team discusses a card: comments, proposed amendments, and their acceptance or decline.

Every form works without JavaScript and returns to the discussed item on the card's page.
Refusals of the card's rules (CardError) become a message; a missing right is a 403.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dramaturg.cards.errors import CardError
from dramaturg.cards.models import Amendment, Card, Target
from dramaturg.cards.models.discussion import AMENDABLE_FIELDS
from dramaturg.cards.services import discussion
from dramaturg.cards.services.discussion import COMMENT_MAX, resolve_target
from dramaturg.cards.views.panels import (
    FIELD_LABELS,
    LANGUAGE_LABELS,
    anchor,
    card_url,
    discussion_context,
    get_card,
)
from dramaturg.core.localized import localized
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import school_view

# The text that names an item on the proposal page (the first amendable field).
_NAME_FIELD = {kind: fields[0] for kind, fields in AMENDABLE_FIELDS.items()}


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _slug(request: HttpRequest) -> str:
    return request.school.slug  # type: ignore[attr-defined]


@school_view()
@require_POST
def comment(request: HttpRequest, card_id: int) -> HttpResponse:
    card = get_card(request, card_id)
    kind = request.POST.get("kind", Target.CARD)
    target_id = _int_or_none(request.POST.get("target"))
    try:
        discussion.add_comment(request.user, card, request.POST.get("body", ""), kind, target_id)
    except CardError as error:
        messages.error(request, str(error.message))
        return redirect(card_url(_slug(request), card, anchor(kind, target_id, card)))
    messages.success(request, _("Your comment has been added."))
    return redirect(card_url(_slug(request), card, anchor(kind, target_id, card)))


class AmendmentForm(forms.Form):
    field = forms.ChoiceField(label=gettext_lazy("Which text"))
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the text"),
        choices=list(LANGUAGE_LABELS.items()),
        widget=forms.RadioSelect,
    )
    proposed_text = forms.CharField(
        label=gettext_lazy("Your proposal"),
        help_text=gettext_lazy("The new text, as it would stand on the card."),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Why do you propose this?"),
        help_text=gettext_lazy("Your team sees your reason with the proposal."),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, kind: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [  # type: ignore[attr-defined]
            (name, capfirst(FIELD_LABELS[name])) for name in AMENDABLE_FIELDS[kind]
        ]


def _current_texts(target, kind: str) -> list[dict]:
    return [
        {
            "field": name,
            "field_label": FIELD_LABELS[name],
            "language": language,
            "language_label": label,
            "text": getattr(target, f"{name}_{language}"),
        }
        for name in AMENDABLE_FIELDS[kind]
        for language, label in LANGUAGE_LABELS.items()
    ]


@school_view()
def propose(request: HttpRequest, card_id: int) -> HttpResponse:
    """Propose a new text for one field of the card or of one item, with a reason."""
    card = get_card(request, card_id)
    data = request.POST if request.method == "POST" else request.GET
    kind = data.get("kind", Target.CARD)
    target_id = _int_or_none(data.get("target"))
    back = card_url(_slug(request), card, anchor(kind, target_id, card))
    if kind not in AMENDABLE_FIELDS:
        kind = Target.CARD
    try:
        target = resolve_target(card, kind, target_id)
    except CardError as error:
        messages.error(request, str(error.message))
        return redirect(back)
    if card.state in (Card.State.ADOPTED, Card.State.ARCHIVED):
        messages.error(
            request,
            _(
                "This card cannot be changed now: it is adopted or archived. "
                "Start a new draft to change an adopted card."
            ),
        )
        return redirect(back)

    if request.method == "POST":
        form = AmendmentForm(request.POST, kind=kind)
        if form.is_valid():
            try:
                discussion.propose_amendment(
                    request.user,
                    card,
                    kind=kind,
                    target_id=target.pk,
                    **form.cleaned_data,
                )
            except CardError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(
                    request,
                    _(
                        "Your proposal has been added. "
                        "A leader or culture carrier will decide on it."
                    ),
                )
                return redirect(back)
    else:
        field = data.get("field")
        field = field if field in AMENDABLE_FIELDS[kind] else AMENDABLE_FIELDS[kind][0]
        language = data.get("language")
        if language not in LANGUAGE_LABELS:
            reader = (get_language() or "nl")[:2]
            language = "en" if reader == "en" and getattr(target, f"{field}_en") else "nl"
        form = AmendmentForm(
            kind=kind,
            initial={
                "field": field,
                "language": language,
                "proposed_text": getattr(target, f"{field}_{language}"),
            },
        )

    context = {
        "school": request.school,  # type: ignore[attr-defined]
        "card": card,
        "card_url": card_url(_slug(request), card),
        "back": back,
        "kind": kind,
        "kind_label": Target(kind).label,
        "item": target,
        "item_name": localized(target, _NAME_FIELD[kind]),
        "current_texts": _current_texts(target, kind),
        "form": form,
        **discussion_context(request, card),
    }
    return render(request, "cards/team_propose.html", context)


def _amendment(card: Card, amendment_id: int) -> Amendment:
    return get_object_or_404(card.amendments.select_related("author"), pk=amendment_id)


@school_view(Perm.FACILITATE)
@require_POST
def amendment_accept(request: HttpRequest, card_id: int, amendment_id: int) -> HttpResponse:
    card = get_card(request, card_id)
    amendment = _amendment(card, amendment_id)
    back = card_url(_slug(request), card, anchor(amendment.target_kind, amendment.target_id, card))
    try:
        discussion.accept_amendment(request.user, amendment)
    except CardError as error:
        messages.error(request, str(error.message))
        return redirect(back)
    name = amendment.author.display_name if amendment.author else _("a former member")
    messages.success(request, _("The proposal by %(name)s is now in the draft.") % {"name": name})
    return redirect(back)


@school_view(Perm.FACILITATE)
@require_POST
def amendment_decline(request: HttpRequest, card_id: int, amendment_id: int) -> HttpResponse:
    card = get_card(request, card_id)
    amendment = _amendment(card, amendment_id)
    back = card_url(_slug(request), card, anchor(amendment.target_kind, amendment.target_id, card))
    try:
        discussion.decline_amendment(request.user, amendment, request.POST.get("reason", ""))
    except CardError as error:
        messages.error(request, str(error.message))
        return redirect(back)
    messages.success(request, _("The proposal has been declined; the proposer sees your reason."))
    return redirect(back)
