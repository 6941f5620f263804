"""Plain-language readings of the statistics, so a figure means something without a course.

Each reading rests on a rule that random teams rarely meet (docs/analysis.md gives the rule,
its reference and what it must not be taken to mean; docs/dashboard.md explains them):

* Agreement within a team is read as "largely agree" only when the team agrees beyond what
  random teams of the same size from the same round show (`beyond_random`, as
  `multilevel::rgr.agree`) AND Lindell's r*wg(j) is at least .70 (LeBreton & Senter, 2008,
  read .71–.90 as strong agreement). rwg(j) itself rises with the number of items, so that
  random teams reach .70 most of the time: it is kept as a number for researchers only.
* Reliability of the whole: alpha of .80 and above is read as reliable, .70 as acceptable;
  alpha is there only with at least 10 complete cases, and a negative alpha is not a low
  reliability but a sign of a statement keyed the wrong way, so it is never read on the
  rule of thumb. Per team, the reliability of the team's mean (ICC(2) of the group) is shown
  instead of alpha, read with the same .70 convention.
* Between teams: ICC(1) is read only with at least 10 groups, as small from .01, medium
  from .10 and large from .25 (LeBreton & Senter, 2008); with fewer the page shows the
  value with its 95% interval and no words, since 12–15% of random teams of 4–6 earned a
  reading of "teams differ clearly".
* Change: beyond the noise when the Welch 95% interval of the difference excludes zero.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from dramaturg.surveys.results import MIN_ALPHA_CASES, Figure

AGREE = 0.7  # r*wg(j) from which agreement is strong (LeBreton & Senter, 2008)
RELIABLE_MEAN = 0.7  # ICC(2) of a team's mean from which the mean is reliable
MIN_GROUPS = 10  # groups below which ICC(1) gets no verbal reading


def agreement(figure: Figure) -> str:
    """How far the members of one team or class agree: against random groups first."""
    if figure.suppressed:
        return _("Too few answers to say")
    if figure.beyond_random is None or figure.rwg_j_lindell is None:
        return _("Agreement cannot be computed")
    if not figure.beyond_random:
        return _("Agree no more than random groups of the same size would")
    if figure.rwg_j_lindell >= AGREE:
        return _("Answers largely agree")
    return _("Agree more than random groups would, but answers still differ")


def team_mean(reliability: float | None) -> str:
    """How far the mean of a team (or class) would come out the same with other members."""
    if reliability is None:
        return ""
    if reliability >= RELIABLE_MEAN:
        return _("The mean is reliable")
    return _("The mean is uncertain: read it with care")


def reliability(figure: Figure) -> str:
    """Whether the items of a scale measure one thing consistently, from alpha."""
    if figure.suppressed:
        return ""
    alpha = figure.alpha
    if alpha is None:
        if figure.n_complete is not None and figure.n_complete < MIN_ALPHA_CASES:
            return _("Too few complete answers for alpha (%(n)s; at least %(min)s are needed)") % {
                "n": figure.n_complete,
                "min": MIN_ALPHA_CASES,
            }
        return _("Reliability cannot be computed")
    if alpha < 0:
        return not_interpretable()
    if alpha >= 0.8:
        return _("Reliable")
    if alpha >= 0.7:
        return _("Acceptably reliable")
    return _("Read with care: the items hang together weakly")


def not_interpretable() -> str:
    return _("Not interpretable — check whether the items are keyed the right way")


def against_the_others() -> str:
    return _("This statement goes against the others: check its keying")


def between_groups(icc1: float | None, groups: int, classes: bool = False) -> str:
    """How much the teams (or classes) differ from each other, from ICC(1); no reading with
    fewer than `MIN_GROUPS` groups (the page shows the value and its interval)."""
    if icc1 is None:
        return _("Not shown: a group is too small, and the figure could give it away")
    if groups < MIN_GROUPS:
        if classes:
            return _(
                "With fewer than %(min)s classes this is too uncertain to put into words: "
                "see the interval"
            ) % {"min": MIN_GROUPS}
        return _(
            "With fewer than %(min)s teams this is too uncertain to put into words: "
            "see the interval"
        ) % {"min": MIN_GROUPS}
    if icc1 >= 0.25:
        return _("Classes differ strongly") if classes else _("Teams differ strongly")
    if icc1 >= 0.1:
        return _("Classes differ clearly") if classes else _("Teams differ clearly")
    if icc1 >= 0.01:
        return _("Classes differ a little") if classes else _("Teams differ a little")
    return _("Classes hardly differ") if classes else _("Teams hardly differ")


def change(beyond_noise: bool | None, difference: float | None = None) -> str:
    """A change between two rounds, read against its 95% interval."""
    if beyond_noise is None or difference is None:
        return _("Too few answers to say whether it changed")
    if not beyond_noise:
        return _("Within the noise: no clear change")
    return (
        _("Beyond the noise: a clear rise")
        if difference > 0
        else _("Beyond the noise: a clear fall")
    )
