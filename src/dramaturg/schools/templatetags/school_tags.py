"""`{{ role|role_label }}`: a membership or invitation role by its name in the active language."""

from django import template

from dramaturg.schools.roles import role_label as _role_label

register = template.Library()


@register.filter
def role_label(role: str) -> str:
    return _role_label(role)
