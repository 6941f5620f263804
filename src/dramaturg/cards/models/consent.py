"""Adoption of a card by consent: rounds, answers, and the immutable versions they produce.

The fields and rules are shared with repertoire entries (`dramaturg.consent`). A round
freezes the card; the card is adopted when enough members answered (the school's quorum)
and no objection is open; the adopted version keeps the snapshot and the names of those who
took part, so later changes to people or texts never rewrite history.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dramaturg.cards.models.content import Card
from dramaturg.consent.models import AbstractConsentAnswer, AbstractConsentRound, AbstractVersion


class ConsentRound(AbstractConsentRound):
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="rounds")

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


class ConsentAnswer(AbstractConsentAnswer):
    round = models.ForeignKey(ConsentRound, on_delete=models.CASCADE, related_name="answers")

    class Meta(AbstractConsentAnswer.Meta):
        verbose_name = _("consent answer")
        verbose_name_plural = _("consent answers")
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="one_answer_per_member"),
            models.CheckConstraint(
                condition=~models.Q(answer="object") | ~models.Q(reason=""),
                name="objection_has_reason",
            ),
        ]


class CardVersion(AbstractVersion):
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="versions")
    round = models.OneToOneField(
        ConsentRound, on_delete=models.PROTECT, related_name="version", null=True
    )

    class Meta:
        verbose_name = _("card version")
        verbose_name_plural = _("card versions")
        ordering = ["card", "number"]
        constraints = [
            models.UniqueConstraint(fields=["card", "number"], name="version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.card} v{self.number}"
