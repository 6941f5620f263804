"""Network figures on pages of the apps below networks.

`{% network_benchmarks school as benchmarks %}`: where the school stands in each of its
networks. The school dashboard (reports) shows them, but reports sits below networks and never
imports it; a template tag asks networks instead.
"""

from __future__ import annotations

from typing import Any

from django import template

from dramaturg.networks.benchmarks import benchmarks_for_school

register = template.Library()


@register.simple_tag
def network_benchmarks(school: Any) -> Any:
    return benchmarks_for_school(school)
