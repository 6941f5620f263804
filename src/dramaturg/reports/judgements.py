"""Plain-language readings of the statistics, so a figure means something without a course.

The cut-offs follow common practice in the field: rwg(j) of .70 and above is read as
agreement within a group (LeBreton & Senter, 2008, call .51–.70 moderate); Cronbach's alpha
of .70 and above as acceptable and .80 as good; an ICC(1) of .05 as a small and .10 as a
clear difference between groups (Bliese, 2000). `docs/dashboard.md` explains them to users.
"""

from __future__ import annotations

from django.utils.translation import gettext as _


def agreement(rwg_j: float | None, shown: bool = True) -> str:
    """How far the members of one team or class agree, from rwg(j)."""
    if not shown:
        return _("Too few answers to say")
    if rwg_j is None:
        return _("Agreement cannot be computed")
    if rwg_j >= 0.7:
        return _("Answers largely agree")
    if rwg_j >= 0.5:
        return _("Answers differ somewhat")
    return _("Answers differ widely")


def reliability(alpha: float | None) -> str:
    """Whether the items of a scale measure one thing consistently, from alpha."""
    if alpha is None:
        return _("Reliability cannot be computed")
    if alpha >= 0.8:
        return _("Reliable")
    if alpha >= 0.7:
        return _("Acceptably reliable")
    return _("Read with care: the items hang together weakly")


def between_groups(icc1: float | None, classes: bool = False) -> str:
    """How much the teams (or classes) differ from each other, from ICC(1)."""
    if icc1 is None:
        return _("Not shown: a group is too small, and the figure could give it away")
    if icc1 >= 0.1:
        return _("Classes differ clearly") if classes else _("Teams differ clearly")
    if icc1 >= 0.05:
        return _("Classes differ somewhat") if classes else _("Teams differ somewhat")
    return _("Classes hardly differ") if classes else _("Teams hardly differ")
