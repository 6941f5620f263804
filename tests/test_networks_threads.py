"""Leaders' conversations in a network: starting one, replying, posting without name and
school, deleting one's own post, and keeping everyone outside the network out."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dramaturg.networks import conversations
from dramaturg.networks.access import ensure_board_network
from dramaturg.networks.conversations import ConversationError
from dramaturg.networks.models import Network, NetworkGuest, NetworkSchool, Reply, Thread
from dramaturg.schools.models import Board, Membership, School
from dramaturg.schools.roles import Role
from tests.helpers import english
from tests.personas import join, make_user

pytestmark = pytest.mark.django_db

HIDDEN_LEADER = "a leader in the network"
HIDDEN_SOMEONE = "someone in the network"


@pytest.fixture
def network(world):
    return ensure_board_network(world.board)


@pytest.fixture
def second(world):
    """The leader of a second school on the same board: another participant."""
    school = School.objects.create(board=world.board, name="De Poolster", slug="de-poolster")
    user = make_user("leider@poolster.test", "Pim Poolster")
    join(user, school, Role.LEADER)
    return user


def url(name, network, *args):
    return reverse(f"networks:{name}", args=[network.slug, *args])


def page(client, address) -> str:
    response = client.get(address)
    assert response.status_code == 200, address
    return response.content.decode()


def start(world, network, user=None, **overrides) -> Thread:
    fields = {
        "kind": "question",
        "title": "Hoe houden jullie de studiedag kort?",
        "body": "Bij ons loopt hij altijd uit.",
        "show_school": True,
    }
    return conversations.start_thread(user or world.leader, network, **{**fields, **overrides})


def all_urls(network, thread, posted):
    return [
        url("threads", network),
        url("thread", network, thread.pk),
        url("thread_delete", network, thread.pk),
        url("reply_delete", network, thread.pk, posted.pk),
    ]


# Starting and reading ---------------------------------------------------------------------


def test_leader_starts_a_conversation_with_name_and_school(world, client_for, network, second):
    response = client_for(world.leader).post(
        url("threads", network),
        {"kind": "case", "title": "Een lastig gesprek", "body": "Wat doe je?", "show_school": "on"},
    )
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("thread", network, thread.pk)
    assert (thread.network, thread.kind, thread.author, thread.school, thread.show_school) == (
        network,
        "case",
        world.leader,
        world.school,
        True,
    )
    listing = page(english(client_for(second)), url("threads", network))
    assert "Een lastig gesprek" in listing
    assert "Lieke de Leider" in listing
    assert "De Vuurtoren" in listing
    assert "A backstage case" in listing
    assert "0 replies" in listing
    detail = page(client_for(second), url("thread", network, thread.pk))
    assert "Wat doe je?" in detail
    assert "Lieke de Leider" in detail


def test_start_form_shows_the_name_checkbox_ticked(world, client_for, network):
    html = page(english(client_for(world.leader)), url("threads", network))
    assert re.search(r'<input type="checkbox" name="show_school"[^>]* checked>', html)
    assert "Show my name and school" in html


def test_hidden_conversation_shows_neither_name_nor_school(world, client_for, network, second):
    # Unticked checkboxes are not sent at all.
    client_for(world.leader).post(
        url("threads", network),
        {"kind": "question", "title": "Verzuim bij collega's", "body": "Hoe pak je dat aan?"},
    )
    thread = Thread.objects.get()
    assert thread.show_school is False
    assert thread.school == world.school  # kept for the author, never shown
    conversations.reply(world.leader, thread, "Aanvulling van mij.", show_school=False)

    reader = english(client_for(second))
    for address in (url("threads", network), url("thread", network, thread.pk)):
        html = page(reader, address)
        assert "Verzuim bij collega" in html
        for secret in ("Lieke", "de Leider", "De Vuurtoren", "vuurtoren"):
            assert secret not in html, (secret, address)
        assert HIDDEN_LEADER in html
    detail = page(reader, url("thread", network, thread.pk))
    assert "Aanvulling van mij." in detail
    assert "this is you" not in detail
    assert "thread_delete" not in detail
    assert "/delete/" not in detail

    own = page(english(client_for(world.leader)), url("thread", network, thread.pk))
    assert "this is you" in own
    assert url("thread_delete", network, thread.pk) in own


def test_hidden_post_of_a_culture_carrier_reads_someone(world, client_for, network, second):
    NetworkGuest.objects.create(
        network=network, user=world.culture_carrier, kind="culture_carrier", school=world.school
    )
    thread = start(world, network, user=second)
    response = client_for(world.culture_carrier).post(
        url("thread", network, thread.pk), {"body": "Wij doen het zo."}
    )
    posted = Reply.objects.get()
    assert response["Location"] == f"{url('thread', network, thread.pk)}#reply-{posted.pk}"
    assert (posted.author, posted.school, posted.show_school) == (
        world.culture_carrier,
        world.school,
        False,
    )
    html = page(english(client_for(second)), url("thread", network, thread.pk))
    assert "Wij doen het zo." in html
    assert HIDDEN_SOMEONE in html
    assert "Otto" not in html
    assert "De Vuurtoren" not in html


def test_board_staff_take_part_once_invited_and_show_board(world, client_for, network, second):
    thread = start(world, network)
    client = client_for(world.board_admin)
    assert client.get(url("threads", network)).status_code == 404
    assert client.get(url("thread", network, thread.pk)).status_code == 404

    NetworkGuest.objects.create(network=network, user=world.board_admin, kind="board")
    assert "Hoe houden jullie" in page(client, url("threads", network))
    response = client.post(
        url("thread", network, thread.pk),
        {"body": "Vanuit het bestuur: goed punt.", "show_school": "on"},
    )
    assert response.status_code == 302
    posted = Reply.objects.get()
    assert (posted.author, posted.school) == (world.board_admin, None)
    html = page(english(client_for(second)), url("thread", network, thread.pk))
    assert "Bea Bestuur" in html
    assert "Bea Bestuur</strong> · board" in html


def test_replies_count_and_move_the_conversation_up(world, client_for, network, second):
    older = start(world, network, title="Eerste vraag")
    newer = start(world, network, title="Tweede vraag")
    html = page(client_for(second), url("threads", network))
    assert html.index("Tweede vraag") < html.index("Eerste vraag")

    response = client_for(second).post(
        url("thread", network, older.pk), {"body": "Regel een\nregel twee", "show_school": "on"}
    )
    assert response.status_code == 302
    posted = Reply.objects.get()
    assert (posted.thread, posted.author, posted.school.name) == (older, second, "De Poolster")
    html = page(english(client_for(world.leader)), url("threads", network))
    assert html.index("Eerste vraag") < html.index("Tweede vraag")
    assert "1 reply" in html
    detail = page(client_for(world.leader), url("thread", network, older.pk))
    assert "Regel een<br>regel twee" in detail
    assert "Pim Poolster" in detail
    assert "De Poolster" in detail
    assert newer.replies.count() == 0


def test_the_list_comes_in_pages(world, client_for, network):
    for n in range(26):
        start(world, network, title=f"Vraag nummer {n:02d}")
    client = client_for(world.leader)
    first = page(client, url("threads", network))
    assert "Vraag nummer 25" in first
    assert "Vraag nummer 00" not in first
    assert "?page=2" in first
    assert "Vraag nummer 00" in page(client, url("threads", network) + "?page=2")


# Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "Een titel", "body": "   "}, "Write your text first."),
        ({"title": "x" * 201, "body": "Tekst"}, "A title can be at most 200 characters."),
        ({"title": " ab ", "body": "Tekst"}, "A title needs at least 3 characters."),
        ({"title": "", "body": "Tekst"}, "Give the conversation a title."),
        ({"title": "Een titel", "body": "x" * 5001}, "A text can be at most 5000 characters."),
    ],
)
def test_bad_conversation_gets_a_clear_message(world, client_for, network, fields, message):
    client = english(client_for(world.leader))
    response = client.post(url("threads", network), {"kind": "question", **fields})
    assert response.status_code == 200
    html = response.content.decode()
    assert "has-error" in html
    assert message in html
    assert not Thread.objects.exists()


def test_empty_reply_gets_a_clear_message(world, client_for, network):
    thread = start(world, network)
    response = english(client_for(world.leader)).post(
        url("thread", network, thread.pk), {"body": " \n "}
    )
    assert response.status_code == 200
    assert "has-error" in response.content.decode()
    assert "Write your text first." in response.content.decode()
    assert not Reply.objects.exists()


def test_service_checks_the_rules_itself(world, network):
    with pytest.raises(ConversationError) as error:
        conversations.start_thread(world.leader, network, "rant", "ab", "", True)
    assert set(error.value.errors) == {"kind", "title", "body"}
    thread = start(world, network, title="  Ruimte rond de titel  ", body="\n Tekst \n")
    assert (thread.title, thread.body) == ("Ruimte rond de titel", "Tekst")
    with pytest.raises(ConversationError):
        conversations.reply(world.leader, thread, "x" * 5001, True)
    assert not Thread.objects.exclude(pk=thread.pk).exists()


def test_html_in_a_post_is_escaped(world, client_for, network):
    thread = start(world, network, title="<b>Vet</b>", body="<script>alert(1)</script>\nregel 2")
    conversations.reply(world.leader, thread, '<img src=x onerror="alert(2)">', True)
    for address in (url("threads", network), url("thread", network, thread.pk)):
        html = page(client_for(world.leader), address)
        assert "<b>Vet</b>" not in html
        assert "&lt;b&gt;Vet&lt;/b&gt;" in html
    html = page(client_for(world.leader), url("thread", network, thread.pk))
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>regel 2" in html
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html


# Deleting one's own post -----------------------------------------------------------------


def test_author_deletes_a_conversation_with_its_replies(world, client_for, network, second):
    thread = start(world, network)
    conversations.reply(second, thread, "Antwoord", True)
    assert client_for(second).post(url("thread_delete", network, thread.pk)).status_code == 403
    assert Thread.objects.exists()
    response = client_for(world.leader).post(url("thread_delete", network, thread.pk))
    assert response.status_code == 302
    assert response["Location"] == url("threads", network)
    assert not Thread.objects.exists()
    assert not Reply.objects.exists()


def test_author_deletes_a_reply(world, client_for, network, second):
    thread = start(world, network)
    posted = conversations.reply(second, thread, "Antwoord", False)
    address = url("reply_delete", network, thread.pk, posted.pk)
    assert client_for(world.leader).post(address).status_code == 403
    assert client_for(second).get(address).status_code == 405
    response = client_for(second).post(address)
    assert response["Location"] == f"{url('thread', network, thread.pk)}#replies"
    assert not Reply.objects.exists()
    assert Thread.objects.exists()


def test_remove_own_refuses_others_and_outsiders(world, network, second):
    thread = start(world, network)
    with pytest.raises(PermissionDenied):
        conversations.remove_own(second, thread)
    with pytest.raises(PermissionDenied):
        conversations.remove_own(world.outsider, thread)
    conversations.remove_own(world.leader, thread)
    assert not Thread.objects.exists()


# Who is kept out -------------------------------------------------------------------------


def _other_board_admin():
    board = Board.objects.create(name="Stichting Westerwind", slug="westerwind")
    user = make_user("bestuur@westerwind.test", "Wim West")
    Membership.objects.create(user=user, board=board, role=Role.BOARD_ADMIN)
    return user


def test_everyone_outside_the_network_gets_404_everywhere(world, client_for, network):
    thread = start(world, network)
    posted = conversations.reply(world.leader, thread, "Antwoord", True)
    strangers = [
        world.teacher,
        world.culture_carrier,  # not named by the leader
        world.outsider,
        _other_board_admin(),
        world.board_admin,  # not invited
    ]
    for stranger in strangers:
        client = client_for(stranger)
        for address in all_urls(network, thread, posted):
            for method in ("get", "post"):
                response = getattr(client, method)(address, {"body": "x", "title": "abc"})
                assert response.status_code == 404, (stranger, method, address)
    assert list(Thread.objects.all()) == [thread]
    assert list(Reply.objects.all()) == [posted]


def test_services_refuse_outsiders(world, network):
    with pytest.raises(PermissionDenied):
        start(world, network, user=world.outsider)
    thread = start(world, network)
    with pytest.raises(PermissionDenied):
        conversations.reply(world.teacher, thread, "Hoi", True)
    assert Thread.objects.count() == 1
    assert not Reply.objects.exists()


def test_anonymous_is_sent_to_login(world, client, network):
    thread = start(world, network)
    posted = conversations.reply(world.leader, thread, "Antwoord", True)
    for address in all_urls(network, thread, posted):
        response = client.post(address) if "delete" in address else client.get(address)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_conversation_of_another_network_is_404(world, client_for, network):
    # world.leader takes part in both networks; the address must still match the thread.
    cross = Network.objects.create(name="Over de grens", slug="over-de-grens", kind="cross_board")
    NetworkSchool.objects.create(network=cross, school=world.school)
    NetworkSchool.objects.create(network=cross, school=world.other_school)
    elsewhere = start(world, cross, user=world.outsider)
    posted = conversations.reply(world.outsider, elsewhere, "Antwoord", True)
    here = start(world, network)
    client = client_for(world.leader)
    assert client.get(url("thread", cross, elsewhere.pk)).status_code == 200
    assert client.get(url("thread", network, elsewhere.pk)).status_code == 404
    assert client.post(url("thread", network, elsewhere.pk), {"body": "x"}).status_code == 404
    assert client.post(url("thread_delete", network, elsewhere.pk)).status_code == 404
    assert client.post(url("reply_delete", network, here.pk, posted.pk)).status_code == 404
    assert Reply.objects.count() == 1
    assert Thread.objects.count() == 2
