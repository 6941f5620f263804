"""The four stages of the dramaturgical lens: where in the school a card is about."""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Stage(models.TextChoices):
    PODIUM = "podium", pgettext_lazy("stage", "Podium")
    AUDIENCE = "audience", pgettext_lazy("stage", "Audience")
    WINGS = "wings", pgettext_lazy("stage", "Wings")
    DRESSING_ROOM = "dressing_room", pgettext_lazy("stage", "Dressing room")


@dataclass(frozen=True)
class StageInfo:
    stage: Stage
    summary: Promise

    @property
    def label(self) -> str:
        return str(self.stage.label)


STAGE_INFO: tuple[StageInfo, ...] = (
    StageInfo(
        Stage.PODIUM, _("Teaching in the classroom: what students see and do in the lesson.")
    ),
    StageInfo(
        Stage.AUDIENCE,
        _("Classroom management and the involvement of parents: who watches and takes part."),
    ),
    StageInfo(
        Stage.WINGS,
        _("Formal moments behind the scenes: team meetings, study days and training."),
    ),
    StageInfo(
        Stage.DRESSING_ROOM,
        _(
            "Informal moments behind the scenes: breaks, the staff room, chats and social media "
            "— the lever for everything else."
        ),
    ),
)
