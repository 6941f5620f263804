"""The vocabulary of the repertoire: the three ladders, who was involved, and a school's codes.

The product speaks of contexts and codes, never of groups of people: nothing here records or
infers a student's origin, religion or ethnicity (docs/repertoire.md).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dramaturg.core.localized import localized

CODE_NAME_MAX = 80


class Ladder(models.TextChoices):
    HOME = "home", pgettext_lazy("ladder", "home")
    SCHOOL = "school", pgettext_lazy("ladder", "school")
    PEER = "peer", pgettext_lazy("ladder", "peers and the street")


class LadderClash(models.TextChoices):
    """Which ladders' codes clashed: two of the three, or all three."""

    HOME_SCHOOL = "home_school", _("home and school")
    HOME_PEER = "home_peer", _("home and peers")
    SCHOOL_PEER = "school_peer", _("school and peers")
    ALL = "all", _("home, school and peers")

    @classmethod
    def from_ladders(cls, ladders: set[str]) -> LadderClash | None:
        """The clash of a set of two or three ladders; None for fewer (nothing clashed)."""
        if len(ladders) == 3:
            return cls.ALL
        for clash in cls:
            if set(clash.value.split("_")) == ladders:
                return clash
        return None

    @property
    def ladders(self) -> tuple[str, ...]:
        return tuple(Ladder.values) if self is LadderClash.ALL else tuple(self.value.split("_"))


class Involved(models.TextChoices):
    STUDENT = "student", _("a student")
    GROUP = "group", _("a group of students")
    PARENT = "parent", _("a parent")
    COLLEAGUE = "colleague", _("a colleague")


class CodeTag(models.Model):
    """One social code on a school's list (face and honour, authority, …); the school edits it.

    Shipped codes keep their `key` so a starter entry can name them; a school's own have none.
    A code in use is retired rather than deleted, so old moments keep their tags.
    """

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="codes")
    key = models.SlugField(max_length=40, blank=True)
    name_nl = models.CharField(_("code (Dutch)"), max_length=CODE_NAME_MAX)
    name_en = models.CharField(_("code (English)"), max_length=CODE_NAME_MAX, blank=True)
    position = models.PositiveIntegerField(default=0)
    retired = models.BooleanField(_("retired"), default=False)

    class Meta:
        verbose_name = _("code")
        verbose_name_plural = _("codes")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "key"], condition=~models.Q(key=""), name="code_key_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name_nl

    @property
    def name(self) -> str:
        return localized(self, "name")
