"""The four consent actions behind a subject's page (a card, a repertoire entry).

Each subject's views fetch the subject and round within the school and say where to go back
to; these helpers call the engine, show its refusal or success as a message and return to
the consent panel. The answer is always the signed-in person's: a user id in a form is
never read.
"""

from __future__ import annotations

from collections.abc import Callable
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


def _act(
    request: HttpRequest,
    kind: engine.ConsentKind,
    consent_round: Any,
    back: str,
    action: Callable[[], Any],
    done: str,
    wording: Wording | None = None,
) -> HttpResponse:
    """Run one action on a round; with `wording`, say so when it adopted the subject."""
    try:
        action()
    except kind.error as error:
        messages.error(request, str(error.message))  # type: ignore[attr-defined]
        return redirect(back)
    messages.success(request, done)
    if wording is not None:
        _adopted(request, kind.subject_of(consent_round), wording)
    return redirect(back)


def answer(
    request: HttpRequest, kind: engine.ConsentKind, consent_round: Any, back: str, wording: Wording
) -> HttpResponse:
    choice, reason = request.POST.get("answer", ""), request.POST.get("reason", "")
    return _act(
        request,
        kind,
        consent_round,
        back,
        lambda: engine.answer(kind, request.user, consent_round, choice, reason),
        _("Your answer has been recorded."),
        wording,
    )


def withdraw(
    request: HttpRequest, kind: engine.ConsentKind, consent_round: Any, back: str, wording: Wording
) -> HttpResponse:
    return _act(
        request,
        kind,
        consent_round,
        back,
        lambda: engine.withdraw_objection(kind, request.user, consent_round),
        _("You have withdrawn your objection; its reason stays on record."),
        wording,
    )


def close(
    request: HttpRequest, kind: engine.ConsentKind, consent_round: Any, back: str, wording: Wording
) -> HttpResponse:
    return _act(
        request,
        kind,
        consent_round,
        back,
        lambda: engine.close_round(kind, request.user, consent_round),
        str(wording.closed),
    )
