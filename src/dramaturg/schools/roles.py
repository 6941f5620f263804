"""Roles and what they may do. Roles are data (a Membership row); views declare a permission."""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    BOARD_ADMIN = "board_admin", _("board administrator")
    LEADER = "leader", _("school leader")
    CULTURE_CARRIER = "culture_carrier", pgettext_lazy("role", "development group")
    MEMBER = "member", _("team member")


SCHOOL_ROLES = (Role.LEADER, Role.CULTURE_CARRIER, Role.MEMBER)
BOARD_ROLES = (Role.BOARD_ADMIN,)


class Perm(StrEnum):
    """What a view needs. The mapping below is the only place that ties roles to rights."""

    VIEW_SCHOOL = "view_school"
    FACILITATE = "facilitate"
    DECIDE = "decide"
    MANAGE_STAFF = "manage_staff"
    MANAGE_BOARD = "manage_board"


ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.LEADER: frozenset({Perm.VIEW_SCHOOL, Perm.FACILITATE, Perm.DECIDE, Perm.MANAGE_STAFF}),
    Role.CULTURE_CARRIER: frozenset({Perm.VIEW_SCHOOL, Perm.FACILITATE}),
    Role.MEMBER: frozenset({Perm.VIEW_SCHOOL}),
    Role.BOARD_ADMIN: frozenset({Perm.MANAGE_BOARD}),
}


def role_label(role: str) -> str:
    """The role's name in the active language; an unknown value as it is."""
    return str(Role(role).label) if role in Role.values else role


def role_has(role: str, perm: Perm) -> bool:
    return perm in ROLE_PERMISSIONS.get(role, frozenset())
