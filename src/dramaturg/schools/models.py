"""Board → School → Team, school years and memberships (with history kept for turnover)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dramaturg.schools.roles import BOARD_ROLES, SCHOOL_ROLES, Role


class Board(models.Model):
    """A school board (schoolbestuur) that runs several schools."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in links"), max_length=60, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Quorum(models.TextChoices):
    """A share of the eligible members, stored as an exact fraction."""

    HALF = "1/2", _("half of the members")
    TWO_THIRDS = "2/3", _("two thirds of the members")
    THREE_QUARTERS = "3/4", _("three quarters of the members")
    ALL = "1/1", _("all members")

    @staticmethod
    def required(quorum: str, eligible: int) -> int:
        """How many answers a quorum needs out of `eligible` members (rounded up, at least 1)."""
        numerator, denominator = (int(part) for part in quorum.split("/"))
        return max(1, -(-eligible * numerator // denominator))


class School(models.Model):
    """One school (location): the tenant every school page belongs to."""

    class Sector(models.TextChoices):
        PRIMARY = "po", _("primary education")
        SECONDARY = "vo", _("secondary education")

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in links"), max_length=60, unique=True)
    sector = models.CharField(_("sector"), max_length=2, choices=Sector.choices)
    city = models.CharField(_("city"), max_length=100, blank=True)
    anonymity_threshold = models.PositiveSmallIntegerField(
        _("anonymity threshold"),
        default=settings.ANONYMITY_THRESHOLD,
        help_text=_("No result is shown for a group with fewer respondents (at least 3)."),
    )
    consent_quorum = models.CharField(
        _("quorum for adopting a card"),
        max_length=3,
        choices=Quorum.choices,
        default=Quorum.TWO_THIRDS,
        help_text=_("The share of members who must have answered before a card can be adopted."),
    )
    share_results_with_board = models.BooleanField(
        _("share results with the board"),
        default=False,
        help_text=_(
            "The board sees your school's measurement results (never below the anonymity "
            "threshold). Cards, rounds and response rates are always visible to the board."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymity_threshold__gte=3), name="school_threshold_at_least_3"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A group of staff inside a school: a bouw, a sectie, a team."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="team_name_unique_in_school")
        ]

    def __str__(self) -> str:
        return self.name


class StudentGroup(models.Model):
    """A class of students (a groep, a klas). Students have no accounts: a class is only a
    name and a size, which caps how many answers a class link accepts."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="student_groups")
    name = models.CharField(_("name"), max_length=60)
    size = models.PositiveSmallIntegerField(
        _("number of students"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="class_name_unique_in_school"),
            models.CheckConstraint(
                condition=Q(size__gte=1) & Q(size__lte=60), name="class_size_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


def school_year_start(day: dt.date) -> int:
    """The calendar year in which the school year containing `day` began (1 August)."""
    return day.year if day.month >= 8 else day.year - 1


class SchoolYearManager(models.Manager["SchoolYear"]):
    def for_date(self, day: dt.date) -> SchoolYear:
        start = school_year_start(day)
        year, _created = self.get_or_create(
            start_year=start,
            defaults={
                "starts_on": dt.date(start, 8, 1),
                "ends_on": dt.date(start + 1, 7, 31),
            },
        )
        return year

    def current(self) -> SchoolYear:
        return self.for_date(timezone.localdate())


class SchoolYear(models.Model):
    """A Dutch school year: 1 August up to and including 31 July."""

    start_year = models.PositiveSmallIntegerField(unique=True)
    starts_on = models.DateField()
    ends_on = models.DateField()

    objects = SchoolYearManager()

    class Meta:
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        ordering = ["start_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lt=models.F("ends_on")), name="year_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.start_year}–{self.start_year + 1}"

    def contains(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self, on: dt.date | None = None) -> MembershipQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(started_on__lte=day), Q(ended_on__isnull=True) | Q(ended_on__gt=day))


class Membership(models.Model):
    """A person's role on a board or in a school, from a start date to an optional end date.

    Ended memberships are kept, not deleted: turnover per school year is computed from them.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    board = models.ForeignKey(
        Board, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    teams = models.ManyToManyField(
        Team, through="TeamMembership", blank=True, related_name="memberships"
    )
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["school", "role", "user__display_name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=[r.value for r in BOARD_ROLES], board__isnull=False, school=None)
                    | Q(role__in=[r.value for r in SCHOOL_ROLES], board=None, school__isnull=False)
                ),
                name="membership_role_fits_scope",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="membership_dates_in_order",
            ),
            # At most one open membership per person and school (or board).
            models.UniqueConstraint(
                fields=["user", "school"],
                condition=Q(ended_on__isnull=True, school__isnull=False),
                name="one_open_school_membership",
            ),
            models.UniqueConstraint(
                fields=["user", "board"],
                condition=Q(ended_on__isnull=True, board__isnull=False),
                name="one_open_board_membership",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.school or self.board}"

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        return self.started_on <= today and (self.ended_on is None or self.ended_on > today)


class TeamMembership(models.Model):
    """A school membership placed in one of the school's teams.

    Of a person's teams, exactly one is `primary`: the team their answers to a staff round
    count for when several of their teams are asked (`surveys.services.create_round`). The
    services in `schools.teams` keep that true; the database refuses a second primary.
    """

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE)
    team = models.ForeignKey(Team, on_delete=models.CASCADE)
    primary = models.BooleanField(_("primary team"), default=False)

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(fields=["membership", "team"], name="team_membership_unique"),
            models.UniqueConstraint(
                fields=["membership"], condition=Q(primary=True), name="one_primary_team"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership.user} · {self.team}"


class TeamChange(models.Model):
    """One change to a team's membership: who joined or left, whose primary team it became,
    who made the change and when. Kept for good and shown on the team page, so a team padded
    with strangers or quietly reshaped before a round can be seen by its own members.
    Nothing here says anything about answers."""

    class Kind(models.TextChoices):
        JOINED = "joined", _("joined the team")
        LEFT = "left", _("left the team")
        PRIMARY = "primary", _("made this their primary team")
        PRIMARY_ELSEWHERE = "primary_elsewhere", _("has another primary team now")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="changes")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The names as they were, so the record still reads after an account is gone or renamed.
    person_name = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # None: the system made the change (the demo data); a primary team that moves because
    # its team was left is recorded with whoever took the person out.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("team change")
        verbose_name_plural = _("team changes")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["team", "-at"], name="team_change_by_time")]

    def __str__(self) -> str:
        return f"{self.team} · {self.person_name} · {self.kind}"
