"""Invitation pages: a leader invites staff, a board admin invites leaders, the invitee accepts.

Thin views: the tenancy decorators authorise, `schools.invitations` writes, and the typed
`InvitationError`s become a friendly page or message in the reader's language.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from dramaturg.accounts.forms import AcceptInvitationForm
from dramaturg.accounts.models import Invitation, normalize_email
from dramaturg.schools import invitations as services
from dramaturg.schools.invitation_forms import InvitationForm, LeaderInvitationForm
from dramaturg.schools.invitations import InvitationError
from dramaturg.schools.roles import Perm, Role, role_label
from dramaturg.schools.tenancy import board_view, get_in_school, school_view

# Gone (410) for a link that existed but can no longer be used; 404 for one we never made.
PROBLEM_STATUS: dict[type[InvitationError], int] = {
    services.InvitationNotFound: 404,
    services.InvitationExpired: 410,
    services.InvitationUsed: 410,
    services.InvitationRevoked: 410,
    services.WrongAccount: 403,
    services.LoginRequired: 403,
    services.AccountInactive: 403,
}

# The accounts module's own backend: AUTHENTICATION_BACKENDS also lists axes, so login()
# must be told which one vouches for the person.
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _problem(request: HttpRequest, error: InvitationError) -> HttpResponse:
    status = next((code for kind, code in PROBLEM_STATUS.items() if isinstance(error, kind)), 400)
    return render(request, "accounts/invitation_problem.html", {"error": error}, status=status)


@school_view(Perm.MANAGE_STAFF)
def invitation_list(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    form = InvitationForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.invite_to_school(
                request.user,
                school,
                email=data["email"],
                display_name=data["display_name"],
                role=data["role"],
                teams=data["teams"],
            )
        except InvitationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("An invitation has been sent to %(email)s.") % {"email": data["email"]}
            )
            return redirect("schools:invitations", school_slug=school.slug)
    invitations = Invitation.objects.filter(school=school).select_related("invited_by")
    return render(
        request,
        "accounts/invitations.html",
        {
            "school": school,
            "form": form,
            "valid_days": settings.INVITATION_VALID_DAYS,
            "pending": invitations.usable().prefetch_related("teams").order_by("email"),
            "accepted": invitations.accepted().order_by("-accepted_at")[:50],
            "lapsed": invitations.lapsed().order_by("-created_at")[:50],
        },
    )


@school_view(Perm.MANAGE_STAFF)
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    invitation = get_in_school(
        Invitation.objects.select_related("school"), school, pk=invitation_id
    )
    try:
        services.revoke_invitation(request.user, invitation)
    except InvitationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The invitation for %(email)s has been withdrawn.") % {"email": invitation.email},
        )
    return redirect("schools:invitations", school_slug=school.slug)


@board_view()
def invite_leader(request: HttpRequest) -> HttpResponse:
    board = request.board  # type: ignore[attr-defined]
    form = LeaderInvitationForm(request.POST or None, board=board)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.invite_leader(
                request.user,
                board,
                data["school"],
                email=data["email"],
                display_name=data["display_name"],
            )
        except InvitationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("An invitation to lead %(school)s has been sent to %(email)s.")
                % {"school": data["school"].name, "email": data["email"]},
            )
            return redirect("schools:board_home", board_slug=board.slug)
    pending = (
        Invitation.objects.usable()
        .filter(school__board=board, role=Role.LEADER)
        .select_related("school")
        .order_by("school__name", "email")
    )
    return render(
        request, "accounts/invite_leader.html", {"board": board, "form": form, "pending": pending}
    )


@never_cache
@sensitive_post_parameters("password1", "password2")
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The public page behind the link in the e-mail. Nothing is written before a POST."""
    try:
        invitation = services.find_invitation(token)
    except InvitationError as error:
        return _problem(request, error)
    user = request.user
    account = services.existing_account(invitation)
    form: AcceptInvitationForm | None = None
    if user.is_authenticated:
        if normalize_email(user.email) != invitation.email:
            return _problem(request, services.WrongAccount())
        state = "confirm"
    elif account is not None and account.has_usable_password():
        state = "login"
    else:
        state = "new"
        initial_name = (account.display_name if account else "") or invitation.display_name
        form = AcceptInvitationForm(
            request.POST or None, email=invitation.email, initial={"display_name": initial_name}
        )

    if request.method == "POST" and state != "login" and (form is None or form.is_valid()):
        try:
            membership = services.accept_invitation(
                token,
                user=user,
                display_name=form.cleaned_data["display_name"] if form else None,
                password=form.cleaned_data["password1"] if form else None,
            )
        except InvitationError as error:
            return _problem(request, error)
        except ValidationError as error:
            assert form is not None
            form.add_error("password2", error)
        else:
            if not user.is_authenticated:
                login(request, membership.user, backend=LOGIN_BACKEND)
            place = membership.school or membership.board
            messages.success(request, _("Welcome to %(place)s.") % {"place": place})
            if membership.school is not None:
                return redirect("schools:home", school_slug=membership.school.slug)
            assert membership.board is not None
            return redirect("schools:board_home", board_slug=membership.board.slug)

    return render(
        request,
        "accounts/invitation_accept.html",
        {
            "invitation": invitation,
            "place": invitation.school or invitation.board,
            "role": role_label(invitation.role),
            "state": state,
            "form": form,
            "login_url": reverse("accounts:login") + "?" + urlencode({"next": request.path}),
        },
    )
