"""Adoption by consent: rounds, answers, and the immutable versions they produce.

A round freezes the card (its content is copied into `snapshot` when it opens). The card
is adopted when enough members answered (the school's quorum) and no objection is open;
the adopted version keeps the snapshot and the names of those who took part, so later
changes to people or texts never rewrite history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dramaturg.cards.models.content import Card


class ConsentRound(models.Model):
    class Outcome(models.TextChoices):
        OPEN = "open", pgettext_lazy("round", "open")
        ADOPTED = "adopted", pgettext_lazy("round", "adopted")
        CLOSED = "closed", pgettext_lazy("round", "closed without adoption")

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="rounds")
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
        verbose_name = _("consent round")
        verbose_name_plural = _("consent rounds")
        ordering = ["card", "number"]
        constraints = [
            models.UniqueConstraint(fields=["card", "number"], name="round_number_unique"),
            models.UniqueConstraint(
                fields=["card"], condition=models.Q(outcome="open"), name="one_open_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.card} · {self.number}"

    @property
    def is_open(self) -> bool:
        return self.outcome == self.Outcome.OPEN


class ConsentAnswer(models.Model):
    class Answer(models.TextChoices):
        CONSENT = "consent", _("I consent")
        OBJECT = "object", _("I object")
        ABSTAIN = "abstain", _("I abstain")

    round = models.ForeignKey(ConsentRound, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(_("answer"), max_length=16, choices=Answer.choices)
    reason = models.TextField(_("reason"), blank=True)
    answered_at = models.DateTimeField(default=timezone.now)
    # An objection is resolved when its author withdraws it; the reason stays on record.
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("consent answer")
        verbose_name_plural = _("consent answers")
        ordering = ["answered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="one_answer_per_member"),
            models.CheckConstraint(
                condition=~models.Q(answer="object") | ~models.Q(reason=""),
                name="objection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.answer}"

    @property
    def is_open_objection(self) -> bool:
        return self.answer == self.Answer.OBJECT and self.withdrawn_at is None


class CardVersion(models.Model):
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    round = models.OneToOneField(
        ConsentRound, on_delete=models.PROTECT, related_name="version", null=True
    )
    adopted_at = models.DateTimeField(default=timezone.now)
    snapshot = models.JSONField()
    # Names and answers at the moment of adoption: history is not rewritten when people leave.
    participants = models.JSONField(default=list)

    class Meta:
        verbose_name = _("card version")
        verbose_name_plural = _("card versions")
        ordering = ["card", "number"]
        constraints = [
            models.UniqueConstraint(fields=["card", "number"], name="version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.card} v{self.number}"
