"""The card pages: reading, creating and editing cards, with and without htmx."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from dramaturg.cards.models import Card, Goal
from dramaturg.cards.services import content
from dramaturg.cards.template_library import all_templates
from dramaturg.core.limits import TEXT_MAX
from tests.helpers import english

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def card(world):
    card = content.create_card(
        world.leader, world.school, stage="podium", title_nl="Hoge verwachtingen"
    )
    goal = content.add_goal(world.leader, card, title_nl="Elke les een helder doel")
    content.add_intervention(
        world.leader, goal, what_nl="Lesdoel op het bord", who_nl="alle leerkrachten"
    )
    content.add_agreement(world.leader, card, text_nl="We starten op tijd.")
    content.add_indicator(world.leader, card, text_nl="Het lesdoel staat op het bord.")
    return card


def detail_url(card):
    return reverse("cards:detail", args=[card.school.slug, card.pk])


def edit_url(card, kind, item_id):
    return reverse("cards:edit_item", args=[card.school.slug, card.pk, kind, item_id])


def revision_in(html: str) -> str:
    return re.search(r'name="revision" value="(\d+)"', html).group(1)


# --- reading -----------------------------------------------------------------------------


def test_detail_shows_every_part_of_the_card(world, client_for, card):
    page = english(client_for(world.teacher)).get(detail_url(card)).content.decode()
    for text in (
        "Hoge verwachtingen",
        "Elke les een helder doel",
        "Lesdoel op het bord",
        "alle leerkrachten",
        "We starten op tijd.",
        "Het lesdoel staat op het bord.",
        "mostly weak",
        "more weak than strong",
        "more strong than weak",
        "mostly strong",
    ):
        assert text in page


def test_state_badge_shows_the_adopted_version(world, client_for, card):
    Card.objects.filter(pk=card.pk).update(state=Card.State.ADOPTED, adopted_version=2)
    page = english(client_for(world.teacher)).get(detail_url(card)).content.decode()
    assert "adopted (v2)" in page


def test_english_text_shows_in_english_with_dutch_fallback(world, client_for, card):
    goal = card.goals.get()
    content.update_item(world.leader, goal, goal.revision, {"title_en": "A clear goal"})
    page = english(client_for(world.teacher)).get(detail_url(card)).content.decode()
    assert "A clear goal" in page
    assert "We starten op tijd." in page  # no English text: the Dutch one is shown


def test_script_typed_into_a_title_is_shown_escaped(world, client_for, card):
    content.add_goal(world.leader, card, title_nl="<script>alert(1)</script>\nregel twee")
    page = client_for(world.teacher).get(detail_url(card)).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_teacher_reads_but_cannot_edit(world, client_for, card):
    client = client_for(world.teacher)
    page = client.get(detail_url(card)).content.decode()
    assert "Hoge verwachtingen" in page
    assert "/edit/" not in page
    goal = card.goals.get()
    assert client.get(edit_url(card, "goal", goal.pk)).status_code == 403
    response = client.post(
        edit_url(card, "goal", goal.pk), {"title_nl": "Gekaapt", "revision": goal.revision}
    )
    assert response.status_code == 403
    goal.refresh_from_db()
    assert goal.title_nl == "Elke les een helder doel"
    add = reverse("cards:add_item", args=[world.school.slug, card.pk, "agreement"])
    assert client.post(add, {"text_nl": "X"}).status_code == 403


def test_outsider_gets_404_on_the_card(world, client_for, card):
    assert client_for(world.outsider).get(detail_url(card)).status_code == 404


def test_card_of_another_school_is_404_even_for_a_leader(world, client_for, card):
    other = content.create_card(
        world.outsider, world.other_school, stage="podium", title_nl="Van de buren"
    )
    other_goal = content.add_goal(world.outsider, other, title_nl="Hun doel")
    client = client_for(world.leader)
    assert client.get(reverse("cards:detail", args=[world.school.slug, other.pk])).status_code == (
        404
    )
    # An item of another card, reached through one's own card, is a 404 as well.
    assert client.get(edit_url(card, "goal", other_goal.pk)).status_code == 404
    assert client.get(edit_url(card, "card", other.pk)).status_code == 404
    assert client.get(edit_url(card, "unknown", card.pk)).status_code == 404


def test_stage_page_lists_its_cards_and_unknown_stage_is_404(world, client_for, card):
    client = english(client_for(world.teacher))
    page = client.get(reverse("cards:stage", args=[world.school.slug, "podium"])).content
    assert "Hoge verwachtingen" in page.decode()
    assert "draft" in page.decode()
    other = client.get(reverse("cards:stage", args=[world.school.slug, "dressing_room"]))
    assert "Hoge verwachtingen" not in other.content.decode()
    missing = client.get(reverse("cards:stage", args=[world.school.slug, "foyer"]))
    assert missing.status_code == 404


def test_school_home_links_the_stages_with_their_card_counts(world, client_for, card):
    page = english(client_for(world.teacher)).get(reverse("schools:home", args=[world.school.slug]))
    html = page.content.decode()
    for stage in ("podium", "audience", "wings", "dressing_room"):
        assert reverse("cards:stage", args=[world.school.slug, stage]) in html
    assert "1 card" in html
    assert "0 cards" in html


def test_list_groups_by_stage_and_folds_archived_cards_away(world, client_for, card):
    old = content.create_card(world.leader, world.school, stage="wings", title_nl="Oude kaart")
    content.archive_card(world.leader, old)
    html = english(client_for(world.teacher)).get(reverse("cards:list", args=[world.school.slug]))
    html = html.content.decode()
    assert html.index("Hoge verwachtingen") < html.index("<details")
    assert html.index("<details") < html.index("Oude kaart")
    assert "1 archived card" in html


# --- creating ----------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(all_templates()))
def test_leader_starts_a_card_from_each_template(world, client_for, key):
    template = all_templates()[key]
    client = client_for(world.leader)
    url = reverse("cards:create", args=[world.school.slug])
    form = client.get(url, {"stage": template.stage}).content.decode()
    assert template.title["nl"] in form
    response = client.post(
        f"{url}?stage={template.stage}",
        {"stage": template.stage, "template": key, "team": world.team_a.pk},
    )
    card = Card.objects.get(school=world.school, template_key=key)
    assert response.status_code == 302
    assert response.url == detail_url(card)
    assert card.team == world.team_a
    assert card.goals.count() == len(template.goals)
    page = client.get(response.url).content.decode()
    goal = template.goals[0]
    for text in (
        template.title["nl"],
        goal.title["nl"],
        goal.interventions[0].what["nl"],
        template.agreements[0]["nl"],
        template.indicators[-1]["nl"],
    ):
        assert text.replace("'", "&#x27;").replace('"', "&quot;") in page


def test_create_asks_for_the_stage_first(world, client_for):
    client = english(client_for(world.leader))
    page = client.get(reverse("cards:create", args=[world.school.slug])).content.decode()
    assert "which stage is the card about?" in page
    assert (
        client.get(
            reverse("cards:create", args=[world.school.slug]), {"stage": "foyer"}
        ).status_code
        == 200
    )


def test_blank_card_needs_a_title(world, client_for):
    client = english(client_for(world.leader))
    url = reverse("cards:create", args=[world.school.slug]) + "?stage=wings"
    response = client.post(url, {"stage": "wings", "template": "", "title_nl": "  "})
    assert response.status_code == 200
    assert "Give the card a Dutch title" in response.content.decode()
    assert not Card.objects.exists()
    response = client.post(url, {"stage": "wings", "template": "", "title_nl": "Studiedagen"})
    card = Card.objects.get()
    assert (card.stage, card.title_nl, card.team) == ("wings", "Studiedagen", None)


def test_template_of_another_stage_is_refused(world, client_for):
    key = next(t.key for t in all_templates().values() if t.stage == "podium")
    client = client_for(world.leader)
    url = reverse("cards:create", args=[world.school.slug]) + "?stage=wings"
    response = client.post(url, {"stage": "wings", "template": key})
    assert response.status_code == 200
    assert not Card.objects.exists()


def test_teacher_cannot_create_a_card(world, client_for):
    url = reverse("cards:create", args=[world.school.slug])
    assert client_for(world.teacher).get(url).status_code == 403


# --- editing -----------------------------------------------------------------------------


def test_edit_without_javascript_saves_and_returns_to_the_item(world, client_for, card):
    goal = card.goals.get()
    client = client_for(world.culture_carrier)
    form = client.get(edit_url(card, "goal", goal.pk)).content.decode()
    assert "<html" in form
    response = client.post(
        edit_url(card, "goal", goal.pk),
        {"title_nl": "Een helder doel", "title_en": "A clear goal", "revision": revision_in(form)},
    )
    assert response.status_code == 302
    assert response.url == f"{detail_url(card)}#goal-{goal.pk}"
    goal.refresh_from_db()
    assert (goal.title_nl, goal.title_en, goal.description_nl) == (
        "Een helder doel",
        "A clear goal",
        "",
    )


def test_edit_with_htmx_swaps_the_form_and_returns_the_item(world, client_for, card):
    goal = card.goals.get()
    client = client_for(world.leader)
    form = client.get(edit_url(card, "goal", goal.pk), **HTMX)
    html = form.content.decode()
    assert "<html" not in html
    assert f'id="goal-{goal.pk}-body"' in html
    assert 'hx-post="' in html
    saved = client.post(
        edit_url(card, "goal", goal.pk),
        {"title_nl": "Nieuw doel", "revision": revision_in(html)},
        **HTMX,
    )
    html = saved.content.decode()
    assert saved.status_code == 200
    assert "<html" not in html
    assert f'id="goal-{goal.pk}-body"' in html
    assert "Nieuw doel" in html
    assert 'id="card-status"' in html
    assert 'hx-swap-oob="true"' in html
    assert "HX-Request" in saved["Vary"]


def test_edit_the_card_title_and_introduction(world, client_for, card):
    client = client_for(world.leader)
    response = client.post(
        edit_url(card, "card", card.pk),
        {"title_nl": "Nieuwe titel", "introduction_nl": "Regel 1\nRegel 2", "revision": 1},
    )
    assert response.url == f"{detail_url(card)}#card-intro"
    page = client.get(detail_url(card)).content.decode()
    assert "Nieuwe titel" in page
    assert "Regel 1<br>Regel 2" in page


def test_concurrent_edit_keeps_both_texts_and_a_second_save_works(world, client_for, card):
    goal = card.goals.get()
    leader = english(client_for(world.leader))
    carrier = client_for(world.culture_carrier)
    url = edit_url(card, "goal", goal.pk)
    opened = revision_in(leader.get(url).content.decode())
    carrier.post(
        url,
        {"title_nl": "Tekst van Otto", "revision": revision_in(carrier.get(url).content.decode())},
    )

    response = leader.post(url, {"title_nl": "Tekst van Lieke", "revision": opened})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this text" in html
    assert "Tekst van Otto" in html  # the other person's text
    assert 'value="Tekst van Lieke"' in html  # your own text, still in the form
    goal.refresh_from_db()
    assert goal.title_nl == "Tekst van Otto"
    assert revision_in(html) == str(goal.revision)

    again = leader.post(url, {"title_nl": "Tekst van Lieke", "revision": revision_in(html)})
    assert again.status_code == 302
    goal.refresh_from_db()
    assert goal.title_nl == "Tekst van Lieke"


def test_empty_title_and_too_long_text_change_nothing(world, client_for, card):
    goal = card.goals.get()
    client = english(client_for(world.leader))
    url = edit_url(card, "goal", goal.pk)
    empty = client.post(url, {"title_nl": "   ", "revision": goal.revision})
    assert empty.status_code == 200
    assert "This field is required." in empty.content.decode()
    long = client.post(
        url,
        {"title_nl": "Kort", "description_nl": "x" * (TEXT_MAX + 1), "revision": goal.revision},
    )
    assert long.status_code == 200
    assert f"at most {TEXT_MAX} characters" in long.content.decode()
    goal.refresh_from_db()
    assert (goal.title_nl, goal.description_nl, goal.revision) == (
        "Elke les een helder doel",
        "",
        1,
    )


def test_editing_an_adopted_card_is_refused_with_a_clear_message(world, client_for, card):
    Card.objects.filter(pk=card.pk).update(state=Card.State.ADOPTED, adopted_version=1)
    goal = card.goals.get()
    client = english(client_for(world.leader))
    url = edit_url(card, "goal", goal.pk)
    response = client.get(url, follow=True)
    assert "This card cannot be changed now" in response.content.decode()
    posted = client.post(url, {"title_nl": "Stiekem", "revision": goal.revision})
    assert posted.status_code == 200
    html = posted.content.decode()
    assert "This card cannot be changed now" in html
    assert 'value="Stiekem"' in html  # the typed text is not lost
    goal.refresh_from_db()
    assert goal.title_nl == "Elke les een helder doel"
    page = client.get(detail_url(card)).content.decode()
    assert "/edit/" not in page
    assert "Start a new draft" in page


def test_intervention_form_links_sources_of_the_school_only(world, client_for, card):
    from dramaturg.sources.models import Source

    ours = Source.objects.create(
        school=world.school, kind="book", title="Ons boek", url="https://a.nl"
    )
    theirs = Source.objects.create(school=world.other_school, kind="book", title="Hun boek")
    intervention = card.goals.get().interventions.get()
    client = client_for(world.leader)
    url = edit_url(card, "intervention", intervention.pk)
    form = client.get(url).content.decode()
    assert "Ons boek" in form
    assert "Hun boek" not in form
    refused = client.post(
        url, {"what_nl": "Lesdoel", "sources": [theirs.pk], "revision": intervention.revision}
    )
    assert refused.status_code == 200
    assert not intervention.sources.exists()
    client.post(
        url, {"what_nl": "Lesdoel", "sources": [ours.pk], "revision": intervention.revision}
    )
    assert list(intervention.sources.all()) == [ours]
    page = client.get(detail_url(card)).content.decode()
    assert '<a href="https://a.nl" rel="noopener noreferrer">Ons boek</a>' in page


# --- adding, removing, moving ------------------------------------------------------------


def test_add_items_without_javascript(world, client_for, card):
    client = client_for(world.leader)
    add = lambda kind: reverse("cards:add_item", args=[world.school.slug, card.pk, kind])  # noqa: E731
    response = client.post(add("goal"), {"title_nl": "Tweede doel"})
    goal = card.goals.get(title_nl="Tweede doel")
    assert response.url == f"{detail_url(card)}#goal-{goal.pk}"
    assert client.get(add("intervention"), {"goal": goal.pk}).status_code == 200
    client.post(add("intervention"), {"goal": goal.pk, "what_nl": "Collegiale consultatie"})
    assert goal.interventions.get().what_nl == "Collegiale consultatie"
    client.post(add("agreement"), {"text_nl": "We groeten elkaar."})
    client.post(add("indicator"), {"text_nl": "Leerlingen kennen het doel."})
    assert card.agreements.count() == 2
    assert card.indicators.count() == 2
    assert client.post(add("intervention"), {"what_nl": "Zonder doel"}).status_code == 404
    assert client.post(add("card"), {"title_nl": "X"}).status_code == 404


def test_add_with_an_empty_text_changes_nothing(world, client_for, card):
    client = english(client_for(world.leader))
    url = reverse("cards:add_item", args=[world.school.slug, card.pk, "agreement"])
    response = client.post(url, {"text_nl": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert card.agreements.count() == 1


def test_add_with_htmx_returns_the_card_content(world, client_for, card):
    client = client_for(world.leader)
    url = reverse("cards:add_item", args=[world.school.slug, card.pk, "indicator"])
    form = client.get(url, **HTMX).content.decode()
    assert 'id="add-indicator"' in form
    response = client.post(url, {"text_nl": "Nieuwe stelling"}, **HTMX)
    assert response["HX-Retarget"] == "#card-content"
    html = response.content.decode()
    assert 'id="card-content"' in html
    assert "Nieuwe stelling" in html
    assert "<html" not in html


def test_remove_asks_first_then_removes(world, client_for, card):
    agreement = card.agreements.get()
    client = english(client_for(world.leader))
    url = reverse("cards:remove_item", args=[world.school.slug, card.pk, "agreement", agreement.pk])
    question = client.get(url).content.decode()
    assert "Remove this agreement?" in question
    assert "We starten op tijd." in question
    assert card.agreements.exists()
    response = client.post(url)
    assert response.url == f"{detail_url(card)}#agreements"
    assert not card.agreements.exists()


def test_move_reorders_with_and_without_htmx(world, client_for, card):
    second = content.add_goal(world.leader, card, title_nl="Tweede")
    client = client_for(world.leader)
    url = reverse("cards:move_item", args=[world.school.slug, card.pk, "goal", second.pk, "up"])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.url == f"{detail_url(card)}#goal-{second.pk}"
    assert list(card.goals.values_list("title_nl", flat=True)) == [
        "Tweede",
        "Elke les een helder doel",
    ]
    down = reverse("cards:move_item", args=[world.school.slug, card.pk, "goal", second.pk, "down"])
    htmx = client.post(down, **HTMX)
    assert 'id="card-content"' in htmx.content.decode()
    assert card.goals.first().title_nl == "Elke les een helder doel"
    sideways = reverse(
        "cards:move_item", args=[world.school.slug, card.pk, "goal", second.pk, "left"]
    )
    assert client.post(sideways).status_code == 404


# --- states ------------------------------------------------------------------------------


def test_state_actions(world, client_for, card):
    leader = english(client_for(world.leader))
    args = [world.school.slug, card.pk]
    leader.post(reverse("cards:open_discussion", args=args))
    card.refresh_from_db()
    assert card.state == Card.State.DISCUSSION
    # A domain error is a message, not a 500.
    response = leader.post(reverse("cards:new_draft", args=args), follow=True)
    assert response.status_code == 200
    assert "This cannot be done with this card now." in response.content.decode()
    assert (
        client_for(world.culture_carrier).post(reverse("cards:archive", args=args)).status_code
        == 403
    )
    leader.post(reverse("cards:archive", args=args))
    card.refresh_from_db()
    assert card.state == Card.State.ARCHIVED


def test_new_draft_reopens_an_adopted_card(world, client_for, card):
    Card.objects.filter(pk=card.pk).update(state=Card.State.ADOPTED, adopted_version=1)
    client = client_for(world.culture_carrier)
    client.post(reverse("cards:new_draft", args=[world.school.slug, card.pk]))
    card.refresh_from_db()
    assert card.state == Card.State.DRAFT
    assert Goal.objects.filter(card=card).exists()
