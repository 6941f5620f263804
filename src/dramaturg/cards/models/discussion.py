"""The team's discussion of a card: comments and proposed amendments.

Both point at the card itself or at one of its items through (target kind, target id):
a generic relation would bring content types into every query for no gain, and the
kinds are a small fixed set.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dramaturg.cards.models.content import Card


class Target(models.TextChoices):
    CARD = "card", _("the card")
    GOAL = "goal", _("goal")
    INTERVENTION = "intervention", _("intervention")
    AGREEMENT = "agreement", _("agreement")
    INDICATOR = "indicator", _("indicator")


# The fields of each kind of item that an amendment may propose a new text for.
AMENDABLE_FIELDS: dict[str, tuple[str, ...]] = {
    Target.CARD: ("title", "introduction"),
    Target.GOAL: ("title", "description"),
    Target.INTERVENTION: ("what", "design", "who", "when"),
    Target.AGREEMENT: ("text",),
    Target.INDICATOR: ("text",),
}


class Comment(models.Model):
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="comments")
    target_kind = models.CharField(max_length=16, choices=Target.choices, default=Target.CARD)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["card", "target_kind", "target_id"])]

    def __str__(self) -> str:
        return self.body[:60]


class Amendment(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("amendment", "open")
        ACCEPTED = "accepted", pgettext_lazy("amendment", "accepted")
        DECLINED = "declined", pgettext_lazy("amendment", "declined")

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="amendments")
    target_kind = models.CharField(max_length=16, choices=Target.choices)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    field = models.CharField(max_length=32)
    language = models.CharField(max_length=2, default="nl")
    original_text = models.TextField(blank=True)
    proposed_text = models.TextField(_("proposed text"))
    reason = models.TextField(_("reason"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(language__in=["nl", "en"]), name="amendment_language"
            )
        ]

    def __str__(self) -> str:
        return self.proposed_text[:60]
