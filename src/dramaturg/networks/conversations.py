"""Leaders' conversations in a network: a question or a backstage case, and the replies.

Every participant of the network (leaders, named culture carriers, invited board staff) may
read and post. A post either shows its author's name and school (board staff: "board"), or
neither: a name gives the school away, so a hidden post reads "a leader in the network" (a
leader's post) or "someone in the network" (anyone else's). Who wrote a hidden post stays in
the database — the author may delete it — but never reaches another person's page: pages show
a post's `byline`, never its author or school.

Texts are plain text, escaped on output with line breaks kept. An author may delete their own
post; deleting a conversation deletes its replies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dramaturg.networks.access import Participant, participant
from dramaturg.networks.models import Network, Reply, Thread
from dramaturg.schools.models import Membership
from dramaturg.schools.roles import Role

TITLE_MIN, TITLE_MAX = 3, 200
BODY_MAX = 5000

# Lazy, so the forms can use them as their "required" messages.
TITLE_MISSING = _("Give the conversation a title.")
BODY_MISSING = _("Write your text first.")
KIND_UNKNOWN = _("Choose whether you ask a question or describe a case.")


class ConversationError(Exception):
    """Input the conversation rules refuse; `errors` maps a form field to its message."""

    def __init__(self, errors: dict[str, Promise | str]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(message) for message in errors.values()))


def require_participant(user: Any, network: Network) -> Participant:
    """For services: how `user` takes part in `network`, else refuse."""
    taking_part = participant(user, network)
    if taking_part is None:
        raise PermissionDenied
    return taking_part


def _body_errors(body: str) -> dict[str, Promise | str]:
    if not body:
        return {"body": BODY_MISSING}
    if len(body) > BODY_MAX:
        return {"body": gettext("A text can be at most %(max)s characters.") % {"max": BODY_MAX}}
    return {}


def _title_errors(title: str) -> dict[str, Promise | str]:
    if not title:
        return {"title": TITLE_MISSING}
    if len(title) < TITLE_MIN:
        return {"title": gettext("A title needs at least %(min)s characters.") % {"min": TITLE_MIN}}
    if len(title) > TITLE_MAX:
        return {"title": gettext("A title can be at most %(max)s characters.") % {"max": TITLE_MAX}}
    return {}


@transaction.atomic
def start_thread(
    user: Any, network: Network, kind: str, title: str, body: str, show_school: bool
) -> Thread:
    """A participant starts a conversation; hidden (`show_school` False) it shows neither
    their name nor their school."""
    taking_part = require_participant(user, network)
    title, body = (title or "").strip(), (body or "").strip()
    errors = {**_title_errors(title), **_body_errors(body)}
    if kind not in Thread.Kind.values:
        errors["kind"] = KIND_UNKNOWN
    if errors:
        raise ConversationError(errors)
    return Thread.objects.create(
        network=network,
        kind=kind,
        title=title,
        body=body,
        author=user,
        school=taking_part.school,
        show_school=bool(show_school),
    )


@transaction.atomic
def reply(user: Any, thread: Thread, body: str, show_school: bool) -> Reply:
    taking_part = require_participant(user, thread.network)
    body = (body or "").strip()
    errors = _body_errors(body)
    if errors:
        raise ConversationError(errors)
    # The author may have deleted the conversation meanwhile: lock it while replying.
    if not Thread.objects.select_for_update().filter(pk=thread.pk).exists():
        raise ConversationError({"body": _("This conversation has been deleted.")})
    return Reply.objects.create(
        thread=thread,
        body=body,
        author=user,
        school=taking_part.school,
        show_school=bool(show_school),
    )


@transaction.atomic
def remove_own(user: Any, post: Thread | Reply) -> None:
    """An author deletes their own conversation (with its replies) or reply."""
    network = post.network if isinstance(post, Thread) else post.thread.network
    require_participant(user, network)
    if post.author_id is None or post.author_id != user.pk:
        raise PermissionDenied
    post.delete()


# Reading --------------------------------------------------------------------------------


def threads_of(network: Network) -> QuerySet[Thread]:
    """The network's conversations, newest activity (start or latest reply) first."""
    return (
        Thread.objects.filter(network=network)
        .select_related("author", "school")
        .annotate(
            reply_count=Count("replies"),
            last_activity=Coalesce(Max("replies__created_at"), "created_at"),
        )
        .order_by("-last_activity", "-pk")
    )


def thread_in(network: Network, thread_id: int) -> Thread:
    """A conversation of this network; one of another network is a 404."""
    return get_object_or_404(
        Thread.objects.select_related("author", "school", "network"),
        network=network,
        pk=thread_id,
    )


def replies_of(thread: Thread) -> list[Reply]:
    return list(thread.replies.select_related("author", "school"))


@dataclass(frozen=True)
class Byline:
    """What a page may show about who wrote a post."""

    name: str  # the author's name, or the anonymous wording
    place: str  # the school's name, "board", or "" when hidden
    hidden: bool
    mine: bool  # the reader wrote it (they may delete it)


def attach_bylines(posts: Iterable[Thread | Reply], reader: Any) -> list[Thread | Reply]:
    """Set `post.byline` on each post, as `reader` may see it; returns the posts as a list."""
    posts = list(posts)
    pairs = {
        (post.author_id, post.school_id)
        for post in posts
        if not post.show_school and post.author_id and post.school_id
    }
    leaders = _leading(pairs)
    for post in posts:
        post.byline = _byline(post, reader, leaders)  # type: ignore[union-attr]
    return posts


def _leading(pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The (user, school) pairs where the user is an active leader of the school."""
    if not pairs:
        return set()
    rows = Membership.objects.active().filter(
        role=Role.LEADER,
        user_id__in={user for user, _school in pairs},
        school_id__in={school for _user, school in pairs},
    )
    return set(rows.values_list("user_id", "school_id")) & pairs


def _byline(post: Thread | Reply, reader: Any, leaders: set[tuple[int, int]]) -> Byline:
    mine = post.author_id is not None and post.author_id == getattr(reader, "pk", None)
    if not post.show_school:
        leader = (post.author_id, post.school_id) in leaders
        wording = _("a leader in the network") if leader else _("someone in the network")
        return Byline(name=str(wording), place="", hidden=True, mine=mine)
    name = post.author.display_name if post.author else ""
    place = post.school.name if post.school else str(_("board"))
    return Byline(name=name or str(_("a former participant")), place=place, hidden=False, mine=mine)
