"""Demo cards for one school: every stage has a card, in different states.

The kleedkamer card has the full history the product is about: comments, an accepted and a
declined amendment, a consent round closed over an objection, and two adopted versions.
Everything goes through the services, so the demo obeys the same rules as a person does.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dramaturg.cards.models import Amendment, Card, Comment, ConsentAnswer, ConsentRound
from dramaturg.cards.services import consent, content, discussion
from dramaturg.schools.models import Membership, School
from dramaturg.schools.roles import Role


def _people(school: School) -> tuple:
    active = Membership.objects.active().filter(school=school).select_related("user")
    by_role = {role: [m.user for m in active if m.role == role] for role in Role.values}
    return by_role[Role.LEADER][0], by_role[Role.CULTURE_CARRIER], by_role[Role.MEMBER]


def _backdate(model, pk: int, days_ago: int, field: str = "created_at") -> None:
    model.objects.filter(pk=pk).update(**{field: timezone.now() - dt.timedelta(days=days_ago)})


def _everyone_consents(consent_round: ConsentRound, people: list, skip: int = 0) -> None:
    """Answer until the card is adopted: most consent, a few abstain."""
    for n, person in enumerate(people[skip:]):
        if ConsentRound.objects.get(pk=consent_round.pk).outcome != ConsentRound.Outcome.OPEN:
            return
        choice = ConsentAnswer.Answer.ABSTAIN if n % 9 == 8 else ConsentAnswer.Answer.CONSENT
        consent.answer(person, consent_round, choice)


def _kleedkamer(school: School, leader, carriers: list, members: list) -> Card:
    card = content.create_card(leader, school, stage="dressing_room", template_key="dressing_room")
    _backdate(Card, card.pk, 60)
    content.open_discussion(leader, card)
    first_goal = card.goals.first()
    assert first_goal is not None  # the dressing-room template has goals and agreements
    remarks = [
        (members[0], "Mooi dat de teamapp erin staat. Daar gaat het nu vaak mis."),
        (members[1], "Kunnen we de vraag-van-de-week ook in de bovenbouw doen?"),
        (carriers[0], "We kunnen in de ontwikkelgroep een eerste voorbeeld maken."),
    ]
    for days, (author, text) in enumerate(remarks):
        comment = discussion.add_comment(author, card, text, "goal", first_goal.pk)
        _backdate(Comment, comment.pk, 50 - days)
    agreement = card.agreements.first()
    assert agreement is not None
    accepted = discussion.propose_amendment(
        members[2],
        card,
        kind="agreement",
        target_id=agreement.pk,
        field="text",
        language="nl",
        proposed_text=agreement.text_nl.rstrip(".") + ", ook in de teamapp.",
        reason="De appgroep is ook een kleedkamer.",
    )
    discussion.accept_amendment(carriers[0], accepted)
    declined = discussion.propose_amendment(
        members[3],
        card,
        kind="card",
        target_id=None,
        field="title",
        language="nl",
        proposed_text="Gezelligheid in de pauze",
        reason="Korter en vriendelijker.",
    )
    discussion.decline_amendment(
        leader, declined, "Het gaat ons om een professionele cultuur, niet alleen om sfeer."
    )
    for amendment in (accepted, declined):
        _backdate(Amendment, amendment.pk, 45)

    first_round = consent.open_round(leader, card)
    consent.answer(members[4], first_round, "object", "De afspraken over de app zijn te vaag.")
    consent.answer(members[5], first_round, "consent")
    consent.close_round(leader, first_round)
    card.refresh_from_db()
    agreement = card.agreements.first()
    assert agreement is not None
    content.update_item(
        leader,
        agreement,
        agreement.revision,
        {"text_nl": agreement.text_nl + " Na 19.00 uur sturen we alleen wat niet kan wachten."},
    )
    second_round = consent.open_round(leader, card)
    _everyone_consents(second_round, [*members, *carriers])

    card.refresh_from_db()
    content.start_new_draft(leader, card)
    card.refresh_from_db()
    content.add_indicator(
        leader,
        card,
        text_nl="Nieuwe collega's weten binnen een maand hoe onze kleedkamer werkt.",
        text_en="New colleagues know within a month how our dressing room works.",
    )
    third_round = consent.open_round(leader, card)
    _everyone_consents(third_round, [*carriers, *members])
    return card


def build_card_demo(school: School) -> list[Card]:
    leader, carriers, members = _people(school)
    cards = [_kleedkamer(school, leader, carriers, members)]

    podium = content.create_card(leader, school, stage="podium", template_key="podium")
    content.open_discussion(leader, podium)
    discussion.add_comment(members[6], podium, "Hoe meten we of leerlingen het lesdoel kennen?")
    cards.append(podium)

    cards.append(
        content.create_card(carriers[0], school, stage="audience", template_key="audience")
    )

    wings = content.create_card(leader, school, stage="wings", template_key="wings")
    wings_round = consent.open_round(leader, wings)
    for person in members[:5]:
        consent.answer(person, wings_round, "consent")
    cards.append(wings)
    return cards
