"""Repertoire entries: what the team does (and avoids) when a case happens, adopted by consent.

Texts are stored per language like a card's. The consent round, answers and versions share
their fields and rules with quality cards (`dramaturg.consent`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dramaturg.consent.models import (
    AbstractConsentAnswer,
    AbstractConsentRound,
    AbstractSubject,
    AbstractVersion,
)
from dramaturg.core.localized import localized
from dramaturg.repertoire.models.codes import CodeTag, Ladder, LadderClash
from dramaturg.repertoire.models.moments import Case

ENTRY_TITLE_MAX = 200
ENTRY_TEXTS = ("title", "we_do", "we_avoid", "why", "asks_of_us")


class Entry(AbstractSubject):
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="repertoire"
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("case"),
    )
    # The situation, phrased so it finishes "What do we do when …".
    title_nl = models.CharField(_("when … (Dutch)"), max_length=ENTRY_TITLE_MAX)
    title_en = models.CharField(_("when … (English)"), max_length=ENTRY_TITLE_MAX, blank=True)
    we_do_nl = models.TextField(_("what we do (Dutch)"), blank=True)
    we_do_en = models.TextField(_("what we do (English)"), blank=True)
    we_avoid_nl = models.TextField(_("what we avoid (Dutch)"), blank=True)
    we_avoid_en = models.TextField(_("what we avoid (English)"), blank=True)
    why_nl = models.TextField(_("why (Dutch)"), blank=True)
    why_en = models.TextField(_("why (English)"), blank=True)
    asks_of_us_nl = models.TextField(_("what it asks of us as a team (Dutch)"), blank=True)
    asks_of_us_en = models.TextField(_("what it asks of us as a team (English)"), blank=True)
    clash = models.CharField(_("ladders"), max_length=16, choices=LadderClash.choices)
    risk_ladder = models.CharField(
        _("the ladder the student risks falling on"),
        max_length=16,
        choices=Ladder.choices,
        blank=True,
    )
    codes = models.ManyToManyField(
        CodeTag, blank=True, related_name="entries", verbose_name=_("codes")
    )
    sources = models.ManyToManyField(
        "sources.Source", blank=True, related_name="repertoire_entries", verbose_name=_("sources")
    )
    interventions = models.ManyToManyField(
        "cards.Intervention", blank=True, related_name="repertoire_entries"
    )
    agreements = models.ManyToManyField(
        "cards.Agreement", blank=True, related_name="repertoire_entries"
    )
    # Copied from a network's library: the publication, and the credit as shown at copy time.
    copied_from = models.ForeignKey(
        "networks.PublishedEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
    )
    # The starter entry this was copied from, if any (repertoire/starter/*.yaml).
    template_key = models.CharField(max_length=40, blank=True)
    origin = models.CharField(_("origin"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("repertoire entry")
        verbose_name_plural = _("repertoire entries")
        ordering = ["title_nl", "pk"]
        indexes = [models.Index(fields=["school", "state"])]

    def __str__(self) -> str:
        return self.title_nl

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def we_do(self) -> str:
        return localized(self, "we_do")

    @property
    def we_avoid(self) -> str:
        return localized(self, "we_avoid")

    @property
    def why(self) -> str:
        return localized(self, "why")

    @property
    def asks_of_us(self) -> str:
        return localized(self, "asks_of_us")


class EntryComment(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class EntryConsentRound(AbstractConsentRound):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="rounds")

    class Meta:
        verbose_name = _("consent round")
        verbose_name_plural = _("consent rounds")
        ordering = ["entry", "number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="entry_round_number_unique"),
            models.UniqueConstraint(
                fields=["entry"], condition=models.Q(outcome="open"), name="entry_one_open_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry} · {self.number}"


class EntryConsentAnswer(AbstractConsentAnswer):
    round = models.ForeignKey(EntryConsentRound, on_delete=models.CASCADE, related_name="answers")

    class Meta(AbstractConsentAnswer.Meta):
        verbose_name = _("consent answer")
        verbose_name_plural = _("consent answers")
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="entry_one_answer_per_member"),
            models.CheckConstraint(
                condition=~models.Q(answer="object") | ~models.Q(reason=""),
                name="entry_objection_has_reason",
            ),
        ]


class EntryVersion(AbstractVersion):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="versions")
    round = models.OneToOneField(
        EntryConsentRound, on_delete=models.PROTECT, related_name="version", null=True
    )

    class Meta:
        verbose_name = _("repertoire version")
        verbose_name_plural = _("repertoire versions")
        ordering = ["entry", "number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="entry_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.entry} v{self.number}"
