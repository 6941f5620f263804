"""The four consent actions behind a subject's page (a card, a repertoire entry).

Each subject's views fetch the subject and round within the school and say where to go back
to; these helpers call the engine, show its refusal or success as a message and return to
the consent panel. The answer is always the signed-in person's: a user id in a form is
never read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from dramaturg.consent import engine
from dramaturg.consent.models import SubjectState


@dataclass(frozen=True)
class Wording:
    """The messages that name the subject ("card", "entry")."""

    opened: Promise  # with %(number)s, %(required)s, %(eligible)s
    adopted: Promise  # with %(number)s
    closed: Promise


def _adopted(request: HttpRequest, subject: Any, wording: Wording) -> None:
    subject.refresh_from_db(fields=["state", "adopted_version"])
    if subject.state == SubjectState.ADOPTED:
        messages.success(request, str(wording.adopted) % {"number": subject.adopted_version})


def open_round(
    request: HttpRequest, kind: engine.ConsentKind, subject: Any, back: str, wording: Wording
) -> HttpResponse:
    try:
        opened = engine.open_round(kind, request.user, subject)
    except kind.error as error:
        messages.error(request, str(error.message))  # type: ignore[attr-defined]
        return redirect(back)
    messages.success(
        request,
        str(wording.opened)
        % {"number": opened.number, "required": opened.required, "eligible": opened.eligible},
    )
    return redirect(back)


def answer(
    request: HttpRequest,
    kind: engine.ConsentKind,
    consent_round: Any,
    back: str,
    wording: Wording,
) -> HttpResponse:
    try:
        engine.answer(
            kind,
            request.user,
            consent_round,
            request.POST.get("answer", ""),
            request.POST.get("reason", ""),
        )
    except kind.error as error:
        messages.error(request, str(error.message))  # type: ignore[attr-defined]
        return redirect(back)
    messages.success(request, _("Your answer has been recorded."))
    _adopted(request, kind.subject_of(consent_round), wording)
    return redirect(back)


def withdraw(
    request: HttpRequest,
    kind: engine.ConsentKind,
    consent_round: Any,
    back: str,
    wording: Wording,
) -> HttpResponse:
    try:
        engine.withdraw_objection(kind, request.user, consent_round)
    except kind.error as error:
        messages.error(request, str(error.message))  # type: ignore[attr-defined]
        return redirect(back)
    messages.success(request, _("You have withdrawn your objection; its reason stays on record."))
    _adopted(request, kind.subject_of(consent_round), wording)
    return redirect(back)


def close(
    request: HttpRequest,
    kind: engine.ConsentKind,
    consent_round: Any,
    back: str,
    wording: Wording,
) -> HttpResponse:
    try:
        engine.close_round(kind, request.user, consent_round)
    except kind.error as error:
        messages.error(request, str(error.message))  # type: ignore[attr-defined]
        return redirect(back)
    messages.success(request, str(wording.closed))
    return redirect(back)
