"""Measurement rounds, and the split that keeps them anonymous.

Two sides never meet in the database:

* who was asked and whether they answered: `Participation` (staff, a person) and
  `StudentCode` (a single-use code on a paper slip), each with only an `answered`/`used` flag;
* what was answered: `Response`, one row per respondent with the round, the team or class
  (`RoundTarget`), the answers as one integer array and the *week* of release.

A submit does not write a `Response`: it writes a sealed `PendingResponse`, and responses are
released in shuffled batches of at least the threshold (`release.py`). So there is no foreign
key, token, code, precise timestamp, shared transaction or row order between the two sides.
`tests/test_survey_anonymity.py` and `tests/test_survey_release.py` prove it by inspecting
every column and the system columns (docs/anonymity.md).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from functools import lru_cache

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dramaturg.schools.models import School, SchoolYear, StudentGroup, Team
from dramaturg.surveys.instruments import Instrument, instrument_from_data


class Round(models.Model):
    class Mode(models.TextChoices):
        STAFF = "staff", _("staff (personal link by e-mail)")
        STUDENTS = "students", _("students (class code or code sheet)")

    class StudentAccess(models.TextChoices):
        CLASS_CODE = "class_code", _("one code per class")
        SINGLE_USE = "single_use", _("a printed sheet of single-use codes")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="rounds")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=120)
    mode = models.CharField(_("who answers"), max_length=16, choices=Mode.choices)
    student_access = models.CharField(
        _("how students get in"), max_length=16, choices=StudentAccess.choices, blank=True
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    closed_early_on = models.DateField(null=True, blank=True)
    anonymity_threshold = models.PositiveSmallIntegerField(_("anonymity threshold"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("measurement round")
        verbose_name_plural = _("measurement rounds")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymity_threshold__gte=3), name="round_threshold_at_least_3"
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="round_dates_in_order"
            ),
            models.CheckConstraint(
                condition=(Q(mode="staff") & Q(student_access=""))
                | (Q(mode="students") & ~Q(student_access="")),
                name="round_student_access_fits_mode",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def last_day(self) -> dt.date:
        return self.closed_early_on or self.closes_on

    def status(self, today: dt.date | None = None) -> str:
        today = today or timezone.localdate()
        if today < self.opens_on:
            return "scheduled"
        return "open" if today <= self.last_day and not self.closed_early_on else "closed"

    def is_open(self, today: dt.date | None = None) -> bool:
        return self.status(today) == "open"


class RoundInstrument(models.Model):
    """An instrument as it was when the round was made: the frozen definition decides what
    the columns of every answer array mean, even if the file changes later."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="instruments")
    position = models.PositiveSmallIntegerField()
    instrument_id = models.CharField(max_length=80)
    version = models.PositiveIntegerField()
    definition = models.JSONField()
    card_version = models.ForeignKey(
        "cards.CardVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "position"], name="round_instrument_position")
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} v{self.version}"

    @property
    def instrument(self) -> Instrument:
        return _thaw(json.dumps(self.definition, sort_keys=True))


class RoundTarget(models.Model):
    """A team (staff rounds) or a class (student rounds) taking part in a round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="targets")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True)
    student_group = models.ForeignKey(StudentGroup, on_delete=models.PROTECT, null=True, blank=True)
    # The class code students type in (class-code rounds only); short and unambiguous.
    class_code = models.CharField(max_length=12, unique=True, null=True, blank=True)
    # How many could answer: the people whose one link of the round is filed under this team
    # (each person once, see `services.people_by_team`), or the class size / codes printed.
    invited = models.PositiveIntegerField(default=0)
    # How many of those said "this group is not right" instead of answering (never who).
    disputes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["round", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(team__isnull=False, student_group__isnull=True)
                | Q(team__isnull=True, student_group__isnull=False),
                name="target_team_xor_class",
            ),
            models.UniqueConstraint(fields=["round", "team"], name="target_team_once"),
            models.UniqueConstraint(fields=["round", "student_group"], name="target_class_once"),
        ]

    def __str__(self) -> str:
        return str(self.team or self.student_group)


class Participation(models.Model):
    """That a staff member was asked, and whether they answered — never what."""

    target = models.ForeignKey(RoundTarget, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_on = models.DateField(default=timezone.localdate)
    reminded_on = models.DateField(null=True, blank=True)
    answered = models.BooleanField(default=False)
    # The person said the group their answers are pooled with is not right (and so need not
    # answer); counted once per person in `RoundTarget.disputes`.
    disputed = models.BooleanField(default=False)
    # Answers saved halfway, encrypted with a key derived from the link's token, which the
    # database never holds: without the e-mailed link nobody can read them.
    sealed_draft = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target", "user"], name="participation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.target} · {self.user_id}"


class StudentCode(models.Model):
    """One single-use code on a printed slip; handed out at random, linked to nobody."""

    target = models.ForeignKey(RoundTarget, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=12, unique=True)
    used = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.code


class Response(models.Model):
    """One respondent's answers to a whole round: the answer array follows the round's
    instruments and items in order; 0 is "don't know", null is unanswered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    target = models.ForeignKey(RoundTarget, on_delete=models.CASCADE, related_name="responses")
    answers = models.JSONField()
    # Monday of the week the round opened, the same for every response of a round: a date of
    # submission or release would date a person or a batch (see release.py).
    week = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["round", "target"])]

    def __str__(self) -> str:
        return str(self.id)


class PendingResponse(models.Model):
    """An answer accepted but not yet released into `Response`: sealed, and kept only until
    at least the threshold of its team or class are waiting (or the round closes).

    The submit writes this row in the same transaction that uses up the link or code, so on
    PostgreSQL both rows carry the same transaction id (`xmin`). That is why the answers here
    are sealed with a key derived from the application's secret (never stored in the
    database) and padded to one length per round: whoever holds the database sees that a
    person's submit left *a* sealed row, not what it holds. `surveys/release.py` later opens
    a whole batch, writes the responses in a shuffled order in one transaction (the submit
    that completes the batch, or the round's closing), and deletes these rows
    (docs/anonymity.md)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    # The team or class is no secret here: the link or code that was used up names it too.
    target = models.ForeignKey(RoundTarget, on_delete=models.CASCADE, related_name="pending")
    sealed = models.TextField()

    def __str__(self) -> str:
        return str(self.id)


class Submission(models.Model):
    """The one-time key of a form filled in with a class code, so a double click stores one
    response (a personal link or a single-use code is used up instead). Random, never stored
    elsewhere, without a link to the response or the person."""

    key_hash = models.CharField(max_length=64, primary_key=True)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return self.key_hash


@lru_cache(maxsize=512)
def _thaw(definition: str) -> Instrument:
    """Validating a definition costs far more than serialising it: keep what was thawed."""
    return instrument_from_data(json.loads(definition))


def week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())
