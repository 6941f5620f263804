"""The abstract parts of adoption by consent: a round, its answers and the version it produces.

A concrete app adds the foreign key to what is adopted (a card, a repertoire entry) and its
own constraints, so each keeps its tables, names and history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SubjectState(models.TextChoices):
    """The life of anything adopted by consent; the values are shared with `Card.State`."""

    DRAFT = "draft", pgettext_lazy("card state", "draft")
    DISCUSSION = "discussion", pgettext_lazy("card state", "in discussion")
    CONSENT = "consent", pgettext_lazy("card state", "in consent round")
    ADOPTED = "adopted", pgettext_lazy("card state", "adopted")
    ARCHIVED = "archived", pgettext_lazy("card state", "archived")


EDITABLE_STATES = (SubjectState.DRAFT, SubjectState.DISCUSSION)


class Outcome(models.TextChoices):
    OPEN = "open", pgettext_lazy("round", "open")
    ADOPTED = "adopted", pgettext_lazy("round", "adopted")
    CLOSED = "closed", pgettext_lazy("round", "closed without adoption")


class Answer(models.TextChoices):
    CONSENT = "consent", _("I consent")
    OBJECT = "object", _("I object")
    ABSTAIN = "abstain", _("I abstain")


class AbstractSubject(models.Model):
    """What a team adopts by consent (a card, a repertoire entry): its state, the number of its
    last adopted version, the revision that guards against lost edits, and who made it when."""

    State = SubjectState

    state = models.CharField(
        max_length=16, choices=SubjectState.choices, default=SubjectState.DRAFT
    )
    # The number of the last adopted version; 0 while it was never adopted.
    adopted_version = models.PositiveIntegerField(default=0)
    revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES


class AbstractConsentRound(models.Model):
    """A round freezes its subject: the content is copied into `snapshot` when it opens."""

    Outcome = Outcome

    number = models.PositiveIntegerField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.OPEN)
    snapshot = models.JSONField()
    eligible = models.PositiveIntegerField()
    required = models.PositiveIntegerField()

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.outcome == Outcome.OPEN


class AbstractConsentAnswer(models.Model):
    """One member's answer; an objection is resolved when its author withdraws it."""

    Answer = Answer

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(_("answer"), max_length=16, choices=Answer.choices)
    reason = models.TextField(_("reason"), blank=True)
    answered_at = models.DateTimeField(default=timezone.now)
    # The reason of a withdrawn objection stays on record.
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["answered_at", "pk"]

    def __str__(self) -> str:
        return f"{self.user} · {self.answer}"

    @property
    def is_open_objection(self) -> bool:
        return self.answer == Answer.OBJECT and self.withdrawn_at is None


class AbstractVersion(models.Model):
    """An adopted, immutable version: the round's snapshot and who took part, by name."""

    number = models.PositiveIntegerField()
    adopted_at = models.DateTimeField(default=timezone.now)
    snapshot = models.JSONField()
    # Names and answers at the moment of adoption: history is not rewritten when people leave.
    participants = models.JSONField(default=list)

    class Meta:
        abstract = True
