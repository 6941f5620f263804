"""Template context shared by every page: the places the signed-in person can go."""

from typing import Any

from django.http import HttpRequest

from dramaturg.schools.models import Membership


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def memberships() -> list[Membership]:
        return list(
            Membership.objects.active()
            .filter(user=user)
            .select_related("school", "board")
            .order_by("board__name", "school__name")
        )

    # Lazy: evaluated only by templates that show the menu.
    return {"my_memberships": memberships}
