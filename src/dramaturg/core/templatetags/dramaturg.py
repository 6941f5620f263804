"""Template helpers shared by every app."""

from typing import Any

from django import template

from dramaturg.core.localized import localized, pick_text

register = template.Library()


@register.filter
def loc(obj: Any, field: str) -> str:
    """`{{ goal|loc:"title" }}`: the field in the reader's language, falling back to Dutch."""
    return localized(obj, field)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """`{{ threads|get_item:kind|get_item:item.pk }}`: `mapping[key]`, or None when absent."""
    if mapping is None:
        return None
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


@register.filter
def tr(texts: Any) -> str:
    """`{{ instrument.title|tr }}`: a {"nl", "en"} text in the reader's language."""
    return pick_text(texts)
