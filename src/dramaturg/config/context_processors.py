"""Template context shared by every page: the places the signed-in person can go."""

from functools import cache
from typing import Any

from django.http import HttpRequest

from dramaturg.networks.models import NetworkGuest
from dramaturg.schools.models import Membership
from dramaturg.schools.roles import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def memberships() -> list[Membership]:
        return list(
            Membership.objects.active()
            .filter(user=user)
            .select_related("school", "board")
            .order_by("board__name", "school__name")
        )

    def in_networks() -> bool:
        """School leaders, and anyone a network let in, see "My networks"."""
        leads = any(m.role == Role.LEADER for m in memberships())
        return leads or NetworkGuest.objects.filter(user=user).exists()

    # Lazy: evaluated only by templates that show the menu.
    return {"my_memberships": memberships, "in_networks": in_networks}
