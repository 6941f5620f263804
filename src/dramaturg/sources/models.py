"""A source: something a team can read, hear or watch to work evidence-informed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dramaturg.core.localized import localized


class SourceQuerySet(models.QuerySet["Source"]):
    def for_school(self, school) -> SourceQuerySet:
        """The shipped library plus the sources this school added itself."""
        return self.filter(Q(school__isnull=True) | Q(school=school))


class Source(models.Model):
    class Kind(models.TextChoices):
        BOOK = "book", _("book")
        PODCAST = "podcast", _("podcast")
        VIDEO = "video", _("video")
        ARTICLE = "article", _("article")
        WEBSITE = "website", _("website")

    # Shipped sources have a stable key from sources.yaml; a school's own have none.
    key = models.SlugField(max_length=80, unique=True, null=True, blank=True)
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, null=True, blank=True, related_name="sources"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    author = models.CharField(_("author or maker"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    stages = models.JSONField(_("stages"), default=list, blank=True)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.author})" if self.author else self.title

    @property
    def description(self) -> str:
        return localized(self, "description")
