"""`{% exporters_for "round" as exporters %}`: the registered exporters of a kind of object."""

from __future__ import annotations

from django import template

from dramaturg.reports import exporters

register = template.Library()


@register.simple_tag
def exporters_for(kind: str) -> list[exporters.Exporter]:
    return exporters.exporters_for(kind)
