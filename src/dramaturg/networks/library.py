"""The shared card library of a network: publish an adopted card version, withdraw it, copy it
into another school as a new draft, and count the schools that adopted it.

A publication points at an immutable `CardVersion`, so the library always shows the card as
the team adopted it. Published cards carry no personal names: before publishing, every text
of the snapshot (both languages) is searched for the names of the school's people, present
and former; a hit refuses the publication and says where the name is. Never shown in the
library: the version's `participants` and who published it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dramaturg.cards.errors import CardError
from dramaturg.cards.models import Agreement, Card, CardVersion, Goal, Indicator, Intervention
from dramaturg.cards.snapshot import Snapshot, labelled_lines, pick
from dramaturg.cards.views.versions import readable
from dramaturg.core.localized import CONTENT_LANGUAGES
from dramaturg.core.stages import Stage
from dramaturg.networks import library_search
from dramaturg.networks.access import in_network, network_schools
from dramaturg.networks.models import Network, PublishedCard
from dramaturg.schools.models import Membership, School, Team
from dramaturg.schools.roles import Role
from dramaturg.sources.models import Source

# Dutch surname prefixes (tussenvoegsels): "Jet van der Juf" has the surname "van der Juf".
SURNAME_PREFIXES = frozenset(
    "van de der den het ter ten te 't in op aan bij uit voor la le du da di von zu".split()  # noqa: SIM905
)
ORIGIN_MAX = Card._meta.get_field("origin").max_length or 300


class LibraryError(CardError):
    """A library request that is refused; `problems` lists every reason (e.g. each name hit)."""

    default_message = gettext_lazy("This cannot be done in the library now.")

    def __init__(self, message: Any = None, problems: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems) or [str(self.message)]


@dataclass(frozen=True)
class Shelf:
    """What differs between the kinds of things a library holds: quality cards here, and
    repertoire entries (`library_entries.py`). The rules (no names, one live publication per
    subject and network, leaders only, copies keep their credit) are the same for both."""

    publication_model: type[Model]
    version_model: type[Model]
    # The version's foreign key to what it is a version of ("card", "entry").
    subject_field: str
    # The snapshot's texts as (where, text) in one language, for the name check.
    lines: Callable[[Snapshot, str], list[tuple[str, str]]]
    only_adopted: Promise
    no_names: Promise
    already_shared: Promise  # with %(network)s
    already_withdrawn: Promise
    gone: Promise
    own_school: Promise
    # The publication's columns for listing and search (`library_search`), from the version.
    columns: Callable[[Any], dict[str, str]]

    def subject_of(self, version: Any) -> Any:
        return getattr(version, self.subject_field)


def _card_lines(snapshot: Snapshot, language: str) -> list[tuple[str, str]]:
    lines = [(_("The team's name"), snapshot["team"])] if snapshot.get("team") else []
    return lines + labelled_lines(snapshot, language)


CARDS = Shelf(
    publication_model=PublishedCard,
    version_model=CardVersion,
    subject_field="card",
    lines=_card_lines,
    only_adopted=gettext_lazy("Only an adopted version of a card can be shared."),
    no_names=gettext_lazy("Published cards carry no personal names."),
    already_shared=gettext_lazy("This version is already in the library of “%(network)s”."),
    already_withdrawn=gettext_lazy("This card was already taken out of the library."),
    gone=gettext_lazy("This card is no longer in the library."),
    own_school=gettext_lazy(
        "This card comes from your own school: start a new draft on the card itself."
    ),
    columns=library_search.card_columns,
)


# --- Who may do what ---------------------------------------------------------------------


def is_leader_of(user: Any, school: School) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.active().filter(user=user, school=school, role=Role.LEADER).exists()


def _require_leader(user: Any, school: School) -> None:
    if not is_leader_of(user, school):
        raise PermissionDenied


def live_publications(network: Network, shelf: Shelf = CARDS) -> QuerySet:
    """What the library shows: live publications of schools that are (still) in the network."""
    return shelf.publication_model.objects.filter(  # type: ignore[attr-defined]
        network=network,
        withdrawn_at__isnull=True,
        school__in=network_schools(network),
    ).select_related(f"version__{shelf.subject_field}", "school")


# --- No personal names -------------------------------------------------------------------


def _plain(text: str) -> str:
    """Lower case without accents, so "Zoë" and "zoe" match."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_variants(display_name: str) -> set[str]:
    """The full name and each given name with the surname (with and without its prefixes):
    "Jet van der Juf" → {"Jet van der Juf", "Jet Juf"}. A single given name or surname alone
    is not searched: too many are ordinary words ("juf", "leider")."""
    words = display_name.split()
    if not words:
        return set()
    variants = {" ".join(words)}
    if len(words) < 2:
        return variants
    start = next(
        (i for i in range(1, len(words) - 1) if words[i].casefold() in SURNAME_PREFIXES),
        len(words) - 1,
    )
    surname = " ".join(words[start:])
    for given in words[:start]:
        variants.add(f"{given} {surname}")
        variants.add(f"{given} {words[-1]}")
    return variants


def _pattern(variant: str) -> re.Pattern[str]:
    words = [re.escape(_plain(word)) for word in variant.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")


def school_people_names(school: School) -> list[str]:
    """Display names of everyone who has or had a role in the school."""
    users = Membership.objects.filter(school=school).values("user_id")
    names = get_user_model().objects.filter(pk__in=users).values_list("display_name", flat=True)
    return sorted({name.strip() for name in names if name and name.strip()})


def _snapshot_texts(snapshot: Snapshot, shelf: Shelf) -> list[tuple[str, str]]:
    """(where, text) for every text of the snapshot in every language."""
    lines: list[tuple[str, str]] = []
    for language in CONTENT_LANGUAGES:
        lines.extend(shelf.lines(snapshot, language))
    return lines


def name_problems(snapshot: Snapshot, names: Iterable[str], shelf: Shelf = CARDS) -> list[str]:
    """One readable problem per place and name where a person's name appears."""
    patterns = [(name, [_pattern(v) for v in name_variants(name)]) for name in names]
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for where, text in _snapshot_texts(snapshot, shelf):
        plain = _plain(text or "")
        for name, name_patterns in patterns:
            if (where, name) in seen or not any(p.search(plain) for p in name_patterns):
                continue
            seen.add((where, name))
            problems.append(
                _("%(where)s mentions a member of your school by name (%(name)s): “%(text)s”.")
                % {"where": where, "name": name, "text": _excerpt(text)}
            )
    return problems


def _excerpt(text: str, size: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def version_name_problems(version: Any, shelf: Shelf = CARDS) -> list[str]:
    school = shelf.subject_of(version).school
    return name_problems(version.snapshot, school_people_names(school), shelf)


# --- Publish and withdraw ----------------------------------------------------------------


def publish(
    leader: Any, version: CardVersion, network: Network, show_school: bool
) -> PublishedCard:
    return publish_on(CARDS, leader, version, network, show_school)


@transaction.atomic
def publish_on(shelf: Shelf, leader: Any, version: Any, network: Network, show_school: bool) -> Any:
    """Share an adopted version in the network's library. A live publication of an older (or
    newer) version of the same subject in this network is withdrawn: one subject, one entry."""
    if not isinstance(version, shelf.version_model) or version.pk is None:
        raise LibraryError(shelf.only_adopted)
    subject_model = version._meta.get_field(shelf.subject_field).related_model
    subject = subject_model.objects.select_related("school").get(  # type: ignore[union-attr]
        pk=getattr(version, f"{shelf.subject_field}_id")
    )
    school = subject.school
    _require_leader(leader, school)
    if not in_network(network, school):
        raise LibraryError(_("Your school is not in the network “%(network)s”.") % _n(network))
    problems = version_name_problems(version, shelf)
    if problems:
        raise LibraryError(shelf.no_names, [*problems, _no_names_advice()])
    manager = shelf.publication_model.objects  # type: ignore[attr-defined]
    live = manager.select_for_update().filter(
        network=network, **{f"version__{shelf.subject_field}": subject}, withdrawn_at__isnull=True
    )
    if live.filter(version=version).exists():
        raise LibraryError(shelf.already_shared % _n(network))
    live.update(withdrawn_at=timezone.now())
    try:
        with transaction.atomic():
            return manager.create(
                network=network,
                version=version,
                school=school,
                show_school=bool(show_school),
                published_by=leader,
                **shelf.columns(version),
            )
    except IntegrityError as error:  # published at the same moment by someone else
        raise LibraryError(shelf.already_shared % _n(network)) from error


def _no_names_advice() -> str:
    return _(
        "Start a new draft of the card, take the names out (write a role such as “the "
        "culture carriers” instead), let the team adopt it and share that version."
    )


def _n(network: Network) -> dict[str, str]:
    return {"network": network.name}


def withdraw(leader: Any, publication: PublishedCard) -> PublishedCard:
    return withdraw_from(CARDS, leader, publication)


@transaction.atomic
def withdraw_from(shelf: Shelf, leader: Any, publication: Any) -> Any:
    """Take it out of the library; schools that copied it keep their copy and credit."""
    _require_leader(leader, publication.school)
    manager = shelf.publication_model.objects  # type: ignore[attr-defined]
    publication = manager.select_for_update().get(pk=publication.pk)
    if publication.withdrawn_at is not None:
        raise LibraryError(shelf.already_withdrawn)
    publication.withdrawn_at = timezone.now()
    publication.save(update_fields=["withdrawn_at"])
    return publication


# --- Copy --------------------------------------------------------------------------------


def school_label(publication: Any) -> str:
    if publication.show_school:
        return publication.school.name
    return _("a school in the network")


def credit(publication: Any, language: str) -> str:
    """The origin kept on a copy, in the copier's language at the moment of copying."""
    text = _("Copied from the library of %(network)s: “%(title)s”, shared by %(school)s.") % {
        "network": publication.network.name,
        "title": pick(publication.version.snapshot["title"], language),
        "school": school_label(publication),
    }
    return text if len(text) <= ORIGIN_MAX else text[: ORIGIN_MAX - 1] + "…"


@transaction.atomic
def copy_to_school(
    leader: Any,
    publication: PublishedCard,
    school: School,
    *,
    team: Team | None = None,
    language: str = "nl",
) -> Card:
    """A new draft card in `school` with the published content, crediting where it came from.
    Sources are linked again only when they are shipped ones (a school's own sources stay
    with that school)."""
    publication = check_copy(CARDS, leader, publication, school)
    if team is not None and team.school_id != school.pk:
        raise PermissionDenied
    snapshot = publication.version.snapshot
    stage = snapshot.get("stage") or publication.version.card.stage
    if stage not in Stage.values:
        raise LibraryError
    card = Card.objects.create(
        school=school,
        team=team,
        stage=stage,
        **texts_of("title", snapshot["title"]),
        **texts_of("introduction", snapshot.get("introduction", {})),
        copied_from=publication,
        origin=credit(publication, language),
        created_by=leader,
    )
    _fill_from_snapshot(card, snapshot)
    return card


def check_copy(shelf: Shelf, leader: Any, publication: Any, school: School) -> Any:
    """The publication, fresh, when the leader of `school` may copy it now; else refuse."""
    _require_leader(leader, school)
    manager = shelf.publication_model.objects  # type: ignore[attr-defined]
    publication = manager.select_related("network", "school", "version").get(pk=publication.pk)
    network = publication.network
    if publication.withdrawn_at is not None or not in_network(network, publication.school):
        raise LibraryError(shelf.gone)
    if not in_network(network, school):
        raise LibraryError(_("Your school is not in the network “%(network)s”.") % _n(network))
    if school.pk == publication.school_id:
        raise LibraryError(shelf.own_school)
    return publication


def texts_of(name: str, texts: dict[str, str]) -> dict[str, str]:
    return {f"{name}_{language}": texts.get(language, "") for language in CONTENT_LANGUAGES}


def _fill_from_snapshot(card: Card, snapshot: Snapshot) -> None:
    shipped = {str(s): s for s in Source.objects.filter(school__isnull=True)}
    for g, goal in enumerate(snapshot.get("goals", []), start=1):
        goal_row = Goal.objects.create(
            card=card,
            position=g,
            **texts_of("title", goal["title"]),
            **texts_of("description", goal.get("description", {})),
        )
        for i, item in enumerate(goal.get("interventions", []), start=1):
            values: dict[str, str] = {}
            for name in ("what", "design", "who", "when"):
                values.update(texts_of(name, item.get(name, {})))
            row = Intervention.objects.create(goal=goal_row, position=i, **values)
            row.sources.set([shipped[s] for s in item.get("sources", []) if s in shipped])
    for a, agreement in enumerate(snapshot.get("agreements", []), start=1):
        Agreement.objects.create(card=card, position=a, **texts_of("text", agreement["text"]))
    for n, indicator in enumerate(snapshot.get("indicators", []), start=1):
        Indicator.objects.create(card=card, position=n, **texts_of("text", indicator["text"]))


# --- How many schools adopted it ---------------------------------------------------------


def adoption_counts(publications: Iterable[Any], shelf: Shelf = CARDS) -> dict[int, int]:
    """Per publication: the publishing school plus every school whose copy of any
    publication of the same original subject was adopted (distinct schools)."""
    publications = list(publications)
    field = shelf.subject_field
    subject_ids = {getattr(p.version, f"{field}_id") for p in publications}
    adopters: dict[int, set[int]] = {subject_id: set() for subject_id in subject_ids}
    subject_model = shelf.version_model._meta.get_field(field).related_model
    copies = (
        subject_model._default_manager.filter(  # type: ignore[union-attr]
            **{f"copied_from__version__{field}_id__in": subject_ids}, adopted_version__gt=0
        )
        .values_list(f"copied_from__version__{field}_id", "school_id")
        .distinct()
    )
    for subject_id, school_id in copies:
        adopters[subject_id].add(school_id)
    return {
        p.pk: len(adopters[getattr(p.version, f"{field}_id")] | {p.school_id}) for p in publications
    }


def adoption_count(publication: PublishedCard) -> int:
    return adoption_counts([publication])[publication.pk]


def readable_publication(publication: PublishedCard, language: str) -> dict[str, Any]:
    """The published version as readers see it. Published without the school's name, it also
    loses what could point to the school: the team's name and the school's own sources (their
    titles, like "Schoolplan OBS …", can name it); shipped sources stay."""
    content = readable(publication.version.snapshot, language)
    if publication.show_school:
        return content
    shipped = {str(s) for s in Source.objects.filter(school__isnull=True)}
    content["team"], content["team_hidden"] = "", True
    for goal in content["goals"]:
        for item in goal["interventions"]:
            item["sources"] = [source for source in item["sources"] if source in shipped]
    return content
