"""The pages `bench/scale.py` times: per page kind three objects of different sizes and the
person who may see them, and one more object to warm new workers up with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Target:
    label: str  # e.g. "largest board (80 schools)"
    path: str
    user: Any


@dataclass
class Kind:
    name: str
    targets: list[Target]
    warmup: Target | None  # an object of the same kind, none of the targets
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    queries: dict[str, int] = field(default_factory=dict)
    sizes: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    process_first: float | None = None  # ms of the warm-up object's first view
    prepared: list[float] = field(default_factory=list)  # s the worker took after a cold view


def spread(items: list[Any], size: Callable[[Any], int]) -> tuple[list[Any], Any]:
    """The largest, a middle and the smallest item by `size` (fewer when there are fewer),
    and one more that is none of them (None when there is none), to warm the server up."""
    ordered = sorted(items, key=size, reverse=True)
    picked: list[Any] = []
    for item in (ordered[0], ordered[len(ordered) // 2], ordered[-1]):
        if item not in picked:
            picked.append(item)
    spare = next((item for item in ordered[1:] if item not in picked), None)
    return picked, spare


def page_kinds() -> list[Kind]:
    from django.db.models import Count, Q
    from django.urls import reverse

    from dramaturg.cards.models import Card
    from dramaturg.networks.models import Network
    from dramaturg.schools.models import Board, Membership, School, Team
    from dramaturg.schools.roles import Role
    from dramaturg.surveys.models import Round

    def leader_of(school_filter: Q) -> Any:
        found = (
            Membership.objects.active()
            .filter(school_filter, role=Role.LEADER)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        assert found is not None
        return found.user

    def kind(name: str, chosen: tuple[list[Any], Any], make: Callable[[Any], Target]) -> Kind:
        picked, spare = chosen
        return Kind(name, [make(item) for item in picked], make(spare) if spare else None)

    board_admin = {
        m.board_id: m.user
        for m in Membership.objects.filter(role=Role.BOARD_ADMIN).select_related("user")
    }
    counted = Board.objects.annotate(n=Count("schools")).filter(n__gt=0, pk__in=list(board_admin))
    boards = spread(list(counted), lambda b: b.n)
    # The national network (every school) and board networks of different sizes.
    networks = [
        (
            network,
            School.objects.filter(board=network.board_id).count(),
            Q(school__board=network.board_id),
        )
        for network in Network.objects.filter(board__in=[b.pk for b in counted])
    ]
    national = Network.objects.filter(kind=Network.Kind.CROSS_BOARD).order_by("pk").first()
    picked, spare = spread(networks, lambda n: n[1])
    if national:
        picked = [(national, School.objects.count(), Q()), *picked[::2]]
    # Objects with something to show: an empty school runs fewer queries, which says nothing.
    schools = spread(
        list(School.objects.annotate(n=Count("rounds")).filter(n__gt=0)), lambda s: s.n
    )
    teams = spread(
        list(
            Team.objects.annotate(n=Count("teammembership"))
            .filter(n__gt=0)
            .select_related("school")
        ),
        lambda t: t.n,
    )
    rounds = spread(
        list(Round.objects.annotate(n=Count("responses")).filter(n__gt=0).select_related("school")),
        lambda r: r.n,
    )

    def network_page(name: str) -> Callable[[Any], Target]:
        return lambda n: Target(
            f"network of {n[1]} schools [{n[0].slug}]",
            reverse(f"networks:{name}", args=[n[0].slug]),
            leader_of(n[2]),
        )

    def school_page(name: str) -> Callable[[Any], Target]:
        return lambda s: Target(
            f"school with {s.n} rounds [{s.slug}]",
            reverse(name, args=[s.slug]),
            leader_of(Q(school=s)),
        )

    def team_page(name: str) -> Callable[[Any], Target]:
        return lambda t: Target(
            f"team of {t.n} [{t.pk}]",
            reverse(name, args=[t.school.slug, t.pk]),
            leader_of(Q(school=t.school_id)),
        )

    def round_page(name: str, *extra: str) -> Callable[[Any], Target]:
        return lambda r: Target(
            f"round of {r.n} responses [{r.pk}]",
            reverse(name, args=[r.school.slug, r.pk, *extra]),
            leader_of(Q(school=r.school_id)),
        )

    cards = list(
        Card.objects.filter(state=Card.State.ADOPTED)
        .annotate(n=Count("goals__interventions"))
        .select_related("school")
    )

    def card_page(name: str, *extra: str) -> Callable[[Any], Target]:
        return lambda c: Target(
            f"card with {c.n} interventions [{c.pk}]",
            reverse(name, args=[c.school.slug, c.pk, *extra]),
            leader_of(Q(school=c.school_id)),
        )

    return [
        kind(
            "board overview",
            boards,
            lambda b: Target(
                f"board of {b.n} schools [{b.slug}]",
                reverse("reports:board_overview", args=[b.slug]),
                board_admin[b.pk],
            ),
        ),
        kind("network home", (picked, spare), network_page("home")),
        kind("library", (picked, spare), network_page("library")),
        kind("conversations", (picked, spare), network_page("threads")),
        kind("school dashboard", schools, school_page("reports:dashboard")),
        kind("team page", teams, team_page("schools:team")),
        kind("team results", teams, team_page("reports:team_results")),
        kind("round list", schools, school_page("surveys:rounds")),
        kind("round results", rounds, round_page("surveys:round_detail")),
        kind("export (results xlsx)", rounds, round_page("reports:round_export", "results_xlsx")),
        kind(
            "export (card pdf)",
            spread(cards, lambda c: c.n),
            card_page("reports:card_export", "card_pdf"),
        ),
    ]
