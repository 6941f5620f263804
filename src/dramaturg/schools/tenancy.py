"""Tenant resolution and authorisation: the one place that decides who may see a school or board.

School pages live under /s/<school_slug>/ and board pages under /b/<board_slug>/. The
decorators below resolve the tenant from the URL, check that the user holds an active
membership with the required permission, and put the tenant on the request. A user who is
not a member gets 404 — never a hint that the school exists. A member whose role lacks the
permission gets 403: they already know the school.

Views never fetch an object by primary key on their own: `get_in_school` fetches *and*
scopes it to the tenant, so an object of another school is a 404 as well.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from dramaturg.schools.models import Board, Membership, School
from dramaturg.schools.roles import Perm, role_has

ViewFunc = Callable[..., HttpResponse]
M = TypeVar("M", bound=Model)


def school_membership(user: Any, school: School) -> Membership | None:
    """The user's active membership in the school, or None."""
    if not user.is_authenticated:
        return None
    return Membership.objects.active().filter(user=user, school=school).first()


def board_membership(user: Any, board: Board) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.active().filter(user=user, board=board).first()


def _tenant_view(
    model: type[School] | type[Board],
    slug_kwarg: str,
    find_membership: Callable[[Any, Any], Membership | None],
    attribute: str,
    perm: Perm,
) -> Callable[[ViewFunc], ViewFunc]:
    """Resolve the tenant named by `slug_kwarg`, authorise, and put it on the request."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any):
            slug = kwargs.pop(slug_kwarg)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            tenant = model.objects.filter(slug=slug).first()
            membership = find_membership(request.user, tenant) if tenant else None
            if tenant is None or membership is None:
                raise Http404
            if not role_has(membership.role, perm):
                raise PermissionDenied
            setattr(request, attribute, tenant)
            request.membership = membership  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        wrapper.tenant_permission = perm  # type: ignore[attr-defined]
        return wrapper

    return decorator


def school_view(perm: Perm = Perm.VIEW_SCHOOL) -> Callable[[ViewFunc], ViewFunc]:
    """Decorate a view taking `school_slug`: resolve the school, authorise, 404 outsiders."""
    return _tenant_view(School, "school_slug", school_membership, "school", perm)


def board_view(perm: Perm = Perm.MANAGE_BOARD) -> Callable[[ViewFunc], ViewFunc]:
    """Decorate a view taking `board_slug`: resolve the board, authorise, 404 outsiders."""
    return _tenant_view(Board, "board_slug", board_membership, "board", perm)


def get_in_school(queryset: QuerySet[M], school: School, **lookup: Any) -> M:
    """Fetch one object of the tenant's school, or 404. The queryset's model needs `school`."""
    return get_object_or_404(queryset, school=school, **lookup)


def get_in_board(queryset: QuerySet[M], board: Board, **lookup: Any) -> M:
    return get_object_or_404(queryset, board=board, **lookup)


def authorize_school(actor: Any, school: School, perm: Perm) -> Membership:
    """For services: the actor's membership if it grants `perm` in the school, else refuse."""
    membership = school_membership(actor, school)
    if membership is None or not role_has(membership.role, perm):
        raise PermissionDenied
    return membership


def authorize_board(actor: Any, board: Board, perm: Perm = Perm.MANAGE_BOARD) -> Membership:
    membership = board_membership(actor, board)
    if membership is None or not role_has(membership.role, perm):
        raise PermissionDenied
    return membership
