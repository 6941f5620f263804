"""Networks of school leaders: who takes part, the shared card library and the conversations.

A network is a group of schools whose leaders learn together. Every board has one (kind
`board`: its schools are the board's schools, always up to date, so it has no rows in
`NetworkSchool`); a cross-board network (kind `cross_board`) holds the schools that accepted
an invitation. Who takes part is worked out in `access.py`: the active leaders of the
network's schools, the culture carriers a leader named, and board staff the members invited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Network(models.Model):
    class Kind(models.TextChoices):
        BOARD = "board", _("the board's network")
        CROSS_BOARD = "cross_board", _("network across boards")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name in links"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    board = models.OneToOneField(
        "schools.Board",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="network",
        help_text=_("Only for the board's own network."),
    )
    description = models.TextField(_("what this network is about"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="board") & Q(board__isnull=False))
                | (Q(kind="cross_board") & Q(board__isnull=True)),
                name="network_board_fits_kind",
            )
        ]

    def __str__(self) -> str:
        return self.name


class NetworkSchool(models.Model):
    """A school in a cross-board network (board networks take the board's schools)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="members")
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="network_memberships"
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("school in a network")
        verbose_name_plural = _("schools in a network")
        constraints = [
            models.UniqueConstraint(fields=["network", "school"], name="network_school_unique")
        ]

    def __str__(self) -> str:
        return f"{self.school} · {self.network}"


class NetworkInvitation(models.Model):
    """A cross-board network invites a school; one of its leaders accepts or declines."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="invitations")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    accepted = models.BooleanField(null=True)

    class Meta:
        verbose_name = _("network invitation")
        verbose_name_plural = _("network invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "school"],
                condition=Q(answered_at__isnull=True),
                name="one_open_network_invitation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.school} → {self.network}"


class NetworkGuest(models.Model):
    """Someone who takes part beside the leaders: a culture carrier their leader named
    (`school` set), or board staff the network's members invited (`school` empty)."""

    class Kind(models.TextChoices):
        CULTURE_CARRIER = "culture_carrier", _("named by the school leader")
        BOARD = "board", _("board staff, invited by the members")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="guests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("network guest")
        verbose_name_plural = _("network guests")
        constraints = [
            models.UniqueConstraint(fields=["network", "user"], name="network_guest_unique"),
            models.CheckConstraint(
                condition=(Q(kind="culture_carrier") & Q(school__isnull=False))
                | (Q(kind="board") & Q(school__isnull=True)),
                name="network_guest_school_fits_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.network}"


class Publication(models.Model):
    """A version shared in a network's library (a card's or a repertoire entry's); withdrawing
    keeps the row (and the credit in schools that copied it) but takes it out of the library."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    show_school = models.BooleanField(_("show our school's name"), default=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Copies of the published version's title (both languages, the reader's choice falling
    # back to Dutch) and of all its texts, so the library lists, filters and searches in the
    # database instead of decoding every snapshot (`library_search.columns`).
    title_nl = models.CharField(max_length=300, blank=True)
    title_en = models.CharField(max_length=300, blank=True)
    search_text = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return f"{self.version} in {self.network}"  # type: ignore[attr-defined]


class PublishedCard(Publication):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="library")
    version = models.ForeignKey(
        "cards.CardVersion", on_delete=models.CASCADE, related_name="publications"
    )
    # The card's stage when it was published, for the library's stage filter.
    stage = models.CharField(max_length=20, blank=True)

    class Meta(Publication.Meta):
        verbose_name = _("published card")
        verbose_name_plural = _("published cards")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "version"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_live_publication_per_version",
            )
        ]
        indexes = [models.Index(fields=["network", "stage"], name="library_network_stage")]


class PublishedEntry(Publication):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="entry_library")
    version = models.ForeignKey(
        "repertoire.EntryVersion", on_delete=models.CASCADE, related_name="publications"
    )

    class Meta(Publication.Meta):
        verbose_name = _("published repertoire entry")
        verbose_name_plural = _("published repertoire entries")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "version"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_live_publication_per_entry_version",
            )
        ]


class Post(models.Model):
    """What a conversation and a reply share: the text and who wrote it, for which school."""

    body = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Hidden: neither the school nor the author's name is shown ("a leader in the network").
    show_school = models.BooleanField(_("show my name and school"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class Thread(Post):
    """A leaders' conversation: a question or a backstage case, and its replies."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("a question")
        CASE = "case", _("a backstage case")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="threads")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Reply(Post):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="replies")

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.thread} · {self.pk}"


class BenchmarkSnapshot(models.Model):
    """A network's benchmark figures for one completed half year, computed once and kept.

    Frozen on purpose: if the figures moved whenever a round closed or a school joined, a
    leader comparing two moments could solve for one school's value (docs/dashboard.md).
    """

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="snapshots")
    period_start = models.DateField()
    data = models.JSONField()
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["network", "period_start"], name="one_snapshot_per_network_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.network} · {self.period_start}"
