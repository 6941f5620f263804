"""The respondent's pages: no account, no login. Staff come in with their personal link,
students with a class code or a single-use code. One scale per step; the answers so far
travel in an encrypted hidden field, so the pages work without JavaScript and nothing is
stored before the respondent submits (or, with a personal link, saves for later).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from dramaturg.core.middleware import SUPPORTED
from dramaturg.surveys import answering, pooling
from dramaturg.surveys.answering import Access, AnswerError, BadAnswers
from dramaturg.surveys.secrets import open_draft

ACTIONS = {"next", "back", "save", "submit"}


def _problem(request: HttpRequest, error: AnswerError) -> HttpResponse:
    return render(
        request,
        "surveys/answer/problem.html",
        {"message": error.message, "answered": isinstance(error, answering.AlreadyAnswered)},
        status=error.status,
    )


def _page(
    request: HttpRequest, access: Access, state: dict, step: int, error: str = "", status=200
):
    """Step 0 is the introduction; steps 1..K are the scales."""
    steps = access.steps
    current = steps[step - 1] if step else None
    answers = state["answers"]
    context = {
        "access": access,
        "round": access.round,
        "state": answering.dump_state(access, state),
        "step": step,
        "current": current,
        "total": len(steps),
        "instruments": [ri.instrument for ri in access.round.instruments.all()],
        "questions": [(name, item, answers[int(name[1:])]) for name, item in current.fields]
        if current
        else [],
        "error": error,
        "can_save": access.participation is not None,
        "language": translation.get_language(),
        # Before a staff member begins: with whom their answers are pooled (see `pooling`).
        "pool": pooling.pool_of(access.participation)
        if access.participation is not None and not step
        else None,
    }
    return render(request, "surveys/answer/step.html", context, status=status)


def _respond(request: HttpRequest, access: Access) -> HttpResponse:
    if request.method == "GET":
        draft = None
        if access.participation is not None:
            draft = open_draft(access.secret, access.participation.sealed_draft)
        valid_draft = draft if draft and len(draft) == access.item_count else None
        state = answering.new_state(access, valid_draft)
        return _page(request, access, state, _first_open_step(access, state) if valid_draft else 0)
    try:
        state = answering.load_state(access, request.POST.get("state", ""))
        step = int(request.POST.get("step", "0"))
        action = request.POST.get("action", "next")
        if not 0 <= step <= len(access.steps) or action not in ACTIONS:
            raise BadAnswers(_("The form does not fit this questionnaire. Please start again."))
        missing: list[str] = []
        if step:
            values, missing = answering.read_step(access.steps[step - 1], request.POST)
            for index, value in values.items():
                state["answers"][index] = value
        if action == "back":
            return _page(request, access, state, max(step - 1, 0))
        if action == "save":
            answering.save_draft(access, state["answers"])
            return render(request, "surveys/answer/saved.html", {"round": access.round})
        if missing:
            return _page(
                request, access, state, step, _("Please answer every statement."), status=400
            )
        if action == "next" and step < len(access.steps):
            return _page(request, access, state, step + 1)
        answering.submit(access, state)
    except AnswerError as error:
        return _problem(request, error)
    except ValueError:
        return _problem(request, BadAnswers(_("An answer has a value that does not exist.")))
    return redirect("answer:thanks")


def _first_open_step(access: Access, state: dict) -> int:
    for step in access.steps:
        indexes = range(step.offset, step.offset + len(step.scale.items))
        if any(state["answers"][i] is None for i in indexes):
            return step.number
    return len(access.steps)


def _staff_access(request: HttpRequest, token: str) -> Access | HttpResponse:
    """The personal link's way in, with the page in the person's language; or the page that
    says why not."""
    try:
        access = answering.staff_access(token)
    except AnswerError as error:
        return _problem(request, error)
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        # The link was mailed in the person's language; the page follows it.
        language = access.participation.user.language  # type: ignore[union-attr]
        translation.activate(language if language in SUPPORTED else settings.LANGUAGE_CODE)
    return access


@never_cache
@require_http_methods(["GET", "POST"])
def staff(request: HttpRequest, token: str) -> HttpResponse:
    access = _staff_access(request, token)
    if isinstance(access, HttpResponse):
        return access
    return _respond(request, access)


@never_cache
@require_http_methods(["GET", "POST"])
def student(request: HttpRequest) -> HttpResponse:
    typed = request.POST.get("code") or request.GET.get("code", "")
    if not typed:
        return render(request, "surveys/answer/code.html", {})
    try:
        submitting = request.method == "POST" and request.POST.get("action") == "submit"
        access = answering.student_access(typed, submitting=submitting)
    except AnswerError as error:
        if isinstance(error, answering.UnknownLink):
            return render(
                request, "surveys/answer/code.html", {"error": error.message, "typed": typed}
            )
        return _problem(request, error)
    if request.method == "POST" and "state" not in request.POST:
        # The code form itself was posted: start at the introduction.
        return _page(request, access, answering.new_state(access), 0)
    return _respond(request, access)


@never_cache
@require_POST
def group(request: HttpRequest, token: str) -> HttpResponse:
    """ "This group is not right": recorded instead of an answer; the link stays usable."""
    access = _staff_access(request, token)
    if isinstance(access, HttpResponse):
        return access
    assert access.participation is not None
    pooling.dispute(access.participation)
    return render(
        request,
        "surveys/answer/disputed.html",
        {"round": access.round, "team": access.target.team, "token": token},
    )


def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/answer/thanks.html", {"again": reverse("answer:student")})
