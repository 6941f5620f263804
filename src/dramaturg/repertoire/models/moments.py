"""Moments when codes clashed (botsmomenten), and the cases the development group bundles them into.

A moment names no student or parent. It is seen by the development group and the leader,
with the author's name only if the author chose so; the team sees it once it is part of a
case. The author is recognised by a keyed hash, so whoever holds the database cannot link an
unnamed moment to a person, and only the day it was recorded is kept. Moments that never
joined a case are deleted when their school year has ended (`dramaturg prune_moments`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dramaturg.core.stages import Stage
from dramaturg.repertoire.models.codes import CodeTag, LadderClash

MOMENT_TEXT_MAX = 2000
CASE_TITLE_MAX = 200


def today() -> dt.date:
    return timezone.localdate()


class Case(models.Model):
    """A recognisable situation that recurs, e.g. a student loses face when corrected in class."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="cases")
    title = models.CharField(_("situation"), max_length=CASE_TITLE_MAX)
    description = models.TextField(_("description"), blank=True)
    clash = models.CharField(_("ladders"), max_length=16, choices=LadderClash.choices)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, blank=True)
    codes = models.ManyToManyField(
        CodeTag, blank=True, related_name="cases", verbose_name=_("codes")
    )
    # Guiding questions for the team meeting, one per line.
    questions = models.TextField(_("guiding questions"), blank=True)
    meeting_on = models.DateField(_("on the agenda of the team meeting of"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def question_list(self) -> list[str]:
        return [line.strip() for line in self.questions.splitlines() if line.strip()]


class Moment(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="moments")
    what_happened = models.TextField(_("what happened"), max_length=MOMENT_TEXT_MAX)
    clash = models.CharField(_("ladders"), max_length=16, choices=LadderClash.choices)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    # A list of `Involved` values.
    involved = models.JSONField(_("who was involved"), default=list, blank=True)
    what_i_did = models.TextField(_("what I did"), max_length=MOMENT_TEXT_MAX, blank=True)
    how_it_ended = models.TextField(_("how it ended"), max_length=MOMENT_TEXT_MAX, blank=True)
    want_to_learn = models.TextField(
        _("what I would like to learn"), max_length=MOMENT_TEXT_MAX, blank=True
    )
    codes = models.ManyToManyField(
        CodeTag, blank=True, related_name="moments", verbose_name=_("codes")
    )
    # The day only: a precise time could be matched against a request log.
    recorded_on = models.DateField(default=today)
    show_author = models.BooleanField(_("show my name"), default=False)
    # Set only when the author chose to be named.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A keyed hash of the author (codes.author_key): lets the author find and delete an
    # unnamed moment. Empty on a named one, which `author` identifies: the key beside a name
    # would unmask the same person's unnamed moments to whoever reads the database.
    author_key = models.CharField(max_length=64, blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="moments"
    )

    class Meta:
        verbose_name = _("moment")
        verbose_name_plural = _("moments")
        ordering = ["-recorded_on", "-pk"]
        indexes = [
            models.Index(fields=["school", "recorded_on"]),
            models.Index(fields=["school", "author_key"]),
        ]

    def __str__(self) -> str:
        return self.what_happened[:60]
