"""With whom a staff member's answers are pooled, and "this group is not right".

A leader who controls a team's membership could pad it with addresses they control and read
the one real colleague's answers from the team's mean. The defence here is that the colleague
sees, before answering, whose participations are filed under the same team in this round, and
can refuse the group instead of answering. A dispute is counted per team (never who), once
per person, and the round page shows the count to the leader and the development group.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dramaturg.surveys.models import Participation, RoundTarget


@dataclass(frozen=True)
class Pool:
    team: str
    colleagues: list[str]  # display names of the others filed under the same team
    disputed: bool

    @property
    def sentence(self) -> str:
        if not self.colleagues:
            return _(
                "Your answers count for team %(team)s. Nobody else in this team was asked in "
                "this round."
            ) % {"team": self.team}
        return ngettext(
            "Your answers count for team %(team)s, together with those of %(count)s "
            "colleague: %(names)s.",
            "Your answers count for team %(team)s, together with those of %(count)s "
            "colleagues: %(names)s.",
            len(self.colleagues),
        ) % {"team": self.team, "count": len(self.colleagues), "names": name_list(self.colleagues)}


def name_list(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C": a list as a sentence says it."""
    if len(names) < 2:
        return "".join(names)
    return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def pool_of(participation: Participation) -> Pool:
    """The team the participation is filed under and the others filed there in this round."""
    target = participation.target
    others = (
        Participation.objects.filter(target=target)
        .exclude(pk=participation.pk)
        .order_by("user__display_name", "user__email")
        .values_list("user__display_name", "user__email")
    )
    return Pool(
        team=str(target.team),
        colleagues=[name or email for name, email in others],
        disputed=participation.disputed,
    )


def dispute(participation: Participation) -> bool:
    """Record that this person says their group is not right: once per person, counted on the
    team without a name. Returns whether this call recorded it (False: it was already)."""
    with transaction.atomic():
        marked = Participation.objects.filter(pk=participation.pk, disputed=False).update(
            disputed=True
        )
        if marked:
            RoundTarget.objects.filter(pk=participation.target_id).update(
                disputes=F("disputes") + 1
            )
    participation.disputed = True
    return bool(marked)
