"""The content of a quality card. Texts are stored per language (`_nl` required, `_en` optional).

Every editable row carries a `revision` number: a save names the revision it started from
and is refused when someone else saved in between (optimistic locking, see services).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dramaturg.consent.models import AbstractSubject
from dramaturg.core.localized import localized
from dramaturg.core.stages import Stage

TITLE_MAX = 200


class Card(AbstractSubject):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="cards")
    team = models.ForeignKey(
        "schools.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cards",
        verbose_name=_("team"),
        help_text=_("Leave empty for a card of the whole school."),
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    title_nl = models.CharField(_("title (Dutch)"), max_length=TITLE_MAX)
    title_en = models.CharField(_("title (English)"), max_length=TITLE_MAX, blank=True)
    introduction_nl = models.TextField(_("introduction (Dutch)"), blank=True)
    introduction_en = models.TextField(_("introduction (English)"), blank=True)
    template_key = models.CharField(max_length=40, blank=True)
    # Copied from a network's library: the publication, and the credit as shown at copy time
    # (it stays when the publication is withdrawn or the source school's name was hidden).
    copied_from = models.ForeignKey(
        "networks.PublishedCard",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
    )
    origin = models.CharField(_("origin"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("quality card")
        verbose_name_plural = _("quality cards")
        ordering = ["stage", "title_nl"]
        indexes = [models.Index(fields=["school", "stage"])]

    def __str__(self) -> str:
        return self.title_nl

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def introduction(self) -> str:
        return localized(self, "introduction")


class Ordered(models.Model):
    position = models.PositiveIntegerField(default=0)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]


class Goal(Ordered):
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="goals")
    title_nl = models.CharField(_("goal (Dutch)"), max_length=TITLE_MAX)
    title_en = models.CharField(_("goal (English)"), max_length=TITLE_MAX, blank=True)
    description_nl = models.TextField(_("explanation (Dutch)"), blank=True)
    description_en = models.TextField(_("explanation (English)"), blank=True)

    class Meta(Ordered.Meta):
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.title_nl

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def description(self) -> str:
        return localized(self, "description")


class Intervention(Ordered):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="interventions")
    what_nl = models.CharField(_("intervention (Dutch)"), max_length=TITLE_MAX)
    what_en = models.CharField(_("intervention (English)"), max_length=TITLE_MAX, blank=True)
    design_nl = models.TextField(_("how it is shaped (Dutch)"), blank=True)
    design_en = models.TextField(_("how it is shaped (English)"), blank=True)
    who_nl = models.CharField(_("who (Dutch)"), max_length=TITLE_MAX, blank=True)
    who_en = models.CharField(_("who (English)"), max_length=TITLE_MAX, blank=True)
    when_nl = models.CharField(_("when / how often (Dutch)"), max_length=TITLE_MAX, blank=True)
    when_en = models.CharField(_("when / how often (English)"), max_length=TITLE_MAX, blank=True)
    sources = models.ManyToManyField("sources.Source", blank=True, related_name="interventions")

    class Meta(Ordered.Meta):
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")

    def __str__(self) -> str:
        return self.what_nl

    @property
    def card(self) -> Card:
        return self.goal.card

    @property
    def what(self) -> str:
        return localized(self, "what")

    @property
    def design(self) -> str:
        return localized(self, "design")

    @property
    def who(self) -> str:
        return localized(self, "who")

    @property
    def when(self) -> str:
        return localized(self, "when")


class Agreement(Ordered):
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="agreements")
    text_nl = models.CharField(_("agreement (Dutch)"), max_length=TITLE_MAX * 2)
    text_en = models.CharField(_("agreement (English)"), max_length=TITLE_MAX * 2, blank=True)

    class Meta(Ordered.Meta):
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return self.text_nl

    @property
    def text(self) -> str:
        return localized(self, "text")


class Indicator(Ordered):
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="indicators")
    text_nl = models.CharField(_("indicator (Dutch)"), max_length=TITLE_MAX * 2)
    text_en = models.CharField(_("indicator (English)"), max_length=TITLE_MAX * 2, blank=True)

    class Meta(Ordered.Meta):
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.text_nl

    @property
    def text(self) -> str:
        return localized(self, "text")
