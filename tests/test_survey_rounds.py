"""The facilitator's pages for measurement rounds: create, follow up, remind, close, classes."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from dramaturg.cards.services import consent, content
from dramaturg.schools.models import StudentGroup, Team
from dramaturg.surveys.models import Participation, Response, Round, week_of
from dramaturg.surveys.services import close_round
from tests.helpers import english
from tests.survey_helpers import (
    add_members,
    answer_all,
    personal_links,
    staff_round,
    student_round,
)

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/answer/[^\s/]+/")


def url(name, world, *args):
    return reverse(f"surveys:{name}", args=[world.school.slug, *args])


def round_data(world, **changes):
    today = timezone.localdate()
    data = {
        "title": "Najaarsmeting",
        "mode": "staff",
        "student_access": "class_code",
        "instruments": ["collective_efficacy", "teacher_self_efficacy"],
        "teams": [world.team_a.pk],
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=14)).isoformat(),
        "anonymity_threshold": "5",
    }
    data.update(changes)
    return data


def page(response) -> str:
    return response.content.decode()


def test_leader_creates_a_staff_round_and_each_member_gets_a_personal_link(
    world, client_for, django_capture_on_commit_callbacks
):
    client = english(client_for(world.leader))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("round_create", world), round_data(world))
    round_ = Round.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("round_detail", world, round_.pk)
    assert round_.mode == "staff"
    assert [ri.instrument_id for ri in round_.instruments.all()] == [
        "collective_efficacy",
        "teacher_self_efficacy",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.teacher.email, world.culture_carrier.email]
    )
    links = [LINK.search(m.body).group(0) for m in mail.outbox]
    assert len(set(links)) == 2
    for message in mail.outbox:
        assert "Najaarsmeting" in message.subject
    for message in mail.outbox:
        assert "anoniem" in message.body or "anonymous" in message.body
    detail = client.get(response["Location"])
    assert "2 people get a personal link" in page(detail)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"closes_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat()},
            "The closing date lies before the opening date.",
        ),
        ({"instruments": []}, "Choose at least one questionnaire."),
        ({"anonymity_threshold": "4"}, "cannot be lower than the school&#x27;s (5)"),
        ({"anonymity_threshold": "vijf"}, "Enter the anonymity threshold as a whole number."),
        ({"opens_on": "31-02-2026"}, "Enter the opening date as a date"),
        ({"title": "   "}, "Give the round a title."),
        ({"teams": []}, "Choose at least one team."),
        ({"instruments": ["student_self_efficacy"]}, "questionnaires for staff only"),
        ({"instruments": ["does_not_exist"]}, "Choose questionnaires from the list."),
        ({"mode": "students", "teams": []}, "Choose at least one class."),
        (
            {"opens_on": "2020-01-01", "closes_on": "2020-01-31"},
            "The closing date has already passed.",
        ),
    ],
)
def test_bad_input_shows_a_clear_error_and_stores_nothing(world, client_for, changes, message):
    client = english(client_for(world.leader))
    response = client.post(url("round_create", world), round_data(world, **changes))
    assert response.status_code == 200
    assert message in page(response)
    assert not Round.objects.exists()
    assert not mail.outbox


def test_errors_are_in_dutch_by_default(world, client_for):
    response = client_for(world.leader).post(
        url("round_create", world), round_data(world, title="")
    )
    assert response.status_code == 200
    assert not Round.objects.exists()
    assert 'class="field-error"' in page(response)


def test_the_form_has_legends_date_inputs_and_the_schools_threshold(world, client_for):
    world.school.anonymity_threshold = 7
    world.school.save()
    html = page(english(client_for(world.leader)).get(url("round_create", world)))
    assert "<legend>Who answers" in html
    assert "<legend>Questionnaires" in html
    assert 'type="date"' in html
    threshold = re.search(r'<input type="number" name="anonymity_threshold"[^>]*>', html).group(0)
    assert 'value="7"' in threshold
    assert 'min="7"' in threshold
    assert "Collective efficacy" in html or "collective efficacy" in html.lower()
    response = english(client_for(world.leader)).post(
        url("round_create", world), round_data(world, anonymity_threshold="5")
    )
    assert "cannot be lower than the school&#x27;s (7)" in page(response)


def test_teacher_may_not_create_or_see_rounds(world, client_for):
    client = client_for(world.teacher)
    assert client.get(url("round_create", world)).status_code == 403
    assert client.post(url("round_create", world), round_data(world)).status_code == 403
    assert client.get(url("rounds", world)).status_code == 403
    assert client.get(url("classes", world)).status_code == 403
    assert not Round.objects.exists()


def test_culture_carrier_may_create_a_round(world, client_for):
    response = client_for(world.culture_carrier).post(url("round_create", world), round_data(world))
    assert response.status_code == 302
    assert Round.objects.get().created_by == world.culture_carrier


def test_the_card_questionnaires_are_offered_for_adopted_cards(world, client_for):
    card = content.create_card(
        world.leader,
        world.school,
        stage="podium",
        title_nl="Onze lessen",
        title_en="Our lessons",
        team=world.team_a,
    )
    content.add_indicator(world.leader, card, text_nl="Elke les begint met een vraag.")
    consent_round = consent.open_round(world.leader, card)
    consent.answer(world.teacher, consent_round, "consent")
    consent.answer(world.culture_carrier, consent_round, "consent")
    version = card.versions.get()
    client = english(client_for(world.leader))
    html = page(client.get(url("round_create", world)))
    assert f'value="self_evaluation:{version.pk}"' in html
    assert "Self-evaluation: Our lessons" in html
    assert f'value="agreements:{version.pk}"' not in html  # the card has no agreements
    response = client.post(
        url("round_create", world),
        round_data(world, instruments=[f"self_evaluation:{version.pk}"]),
    )
    assert response.status_code == 302
    (frozen,) = Round.objects.get().instruments.all()
    assert frozen.card_version == version
    assert frozen.instrument_id == f"card_{card.pk}_self_evaluation"


def test_round_list_shows_rounds_with_status(world, client_for):
    add_members(world, world.team_b, 4)
    staff_round(world, [world.team_b], title="Voorjaarsmeting")
    html = page(english(client_for(world.leader)).get(url("rounds", world)))
    assert "Voorjaarsmeting" in html
    assert "open" in html
    assert reverse("surveys:round_create", args=[world.school.slug]) in html


def test_round_list_hides_the_count_when_it_would_reveal_a_small_team(world, client_for):
    staff_round(world, [world.team_a], title="Kleine ronde")  # two people
    html = page(english(client_for(world.leader)).get(url("rounds", world)))
    assert "hidden to protect anonymity" in html


def test_detail_shows_a_rate_only_for_teams_at_the_threshold(world, client_for):
    add_members(world, world.team_b, 4)  # team_b: 5 people; team_a: 2
    middle = Team.objects.create(school=world.school, name="Middenbouw")
    add_members(world, middle, 3, prefix="midden")  # 3 people: with team_a's 2, five hidden
    round_ = staff_round(world, [world.team_a, world.team_b, middle])
    links = personal_links(round_)
    team_b = Participation.objects.filter(target__round=round_, target__team=world.team_b)
    for participation in team_b:
        answer_all(Client(), links[participation.user_id])
    close_round(world.leader, round_)  # five answers wait until the round closes
    html = page(english(client_for(world.leader)).get(url("round_detail", world, round_.pk)))
    assert "5 of 5 (100%)" in html
    assert html.count("Hidden to protect anonymity: fewer than 5 people") == 2
    for person in (world.teacher, world.culture_carrier, world.teacher2):
        assert person.display_name not in html


def test_one_small_team_hides_the_rate_of_another_so_the_total_cannot_reveal_it(world, client_for):
    add_members(world, world.team_b, 4)  # team_b: 5 people; team_a: 2
    round_ = staff_round(world, [world.team_a, world.team_b])
    html = page(english(client_for(world.leader)).get(url("round_detail", world, round_.pk)))
    assert html.count("Hidden to protect anonymity: fewer than 5 people") == 2
    assert "0 of 5" not in html


def test_remind_mails_only_who_has_not_answered_and_names_nobody(
    world, client_for, django_capture_on_commit_callbacks
):
    members = add_members(world, world.team_b, 4)
    round_ = staff_round(world, [world.team_b])
    answered = Participation.objects.get(target__round=round_, user=members[0])
    answered.answered = True
    answered.save()
    client = english(client_for(world.leader))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("round_remind", world, round_.pk), follow=True)
    html = page(response)
    # No count: how many were reminded is how many have submitted, right now.
    assert "A reminder went to everyone who has not answered yet." in html
    assert "4 people" not in html
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([world.teacher2.email, *(m.email for m in members[1:])])
    assert members[0].email not in recipients
    for person in (world.teacher2, *members):
        assert person.display_name not in html
        assert person.email not in html
    assert all(LINK.search(m.body) for m in mail.outbox)
    assert "Reminder" in mail.outbox[0].subject or "Herinnering" in mail.outbox[0].subject


def test_remind_keeps_the_link_of_someone_with_a_saved_draft(
    world, client_for, django_capture_on_commit_callbacks
):
    round_ = staff_round(world, [world.team_b])
    Participation.objects.filter(target__round=round_).update(sealed_draft="sealed")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.leader).post(url("round_remind", world, round_.pk))
    (message,) = mail.outbox
    assert not LINK.search(message.body)
    assert "opgeslagen" in message.body or "saved" in message.body


def test_remind_and_close_need_post_and_facilitation(world, client_for):
    round_ = staff_round(world, [world.team_a])
    leader = client_for(world.leader)
    assert leader.get(url("round_remind", world, round_.pk)).status_code == 405
    assert leader.get(url("round_close", world, round_.pk)).status_code == 405
    teacher = client_for(world.teacher)
    assert teacher.post(url("round_close", world, round_.pk)).status_code == 403
    assert teacher.get(url("round_detail", world, round_.pk)).status_code == 403
    round_.refresh_from_db()
    assert round_.is_open()


def test_close_ends_the_round_and_then_no_more_reminders(world, client_for):
    round_ = staff_round(world, [world.team_a])
    client = english(client_for(world.leader))
    response = client.post(url("round_close", world, round_.pk), follow=True)
    assert "The round is closed" in page(response)
    round_.refresh_from_db()
    assert round_.closed_early_on == timezone.localdate()
    assert round_.status() == "closed"
    assert "Close the round now" not in page(response)
    again = client.post(url("round_remind", world, round_.pk), follow=True)
    assert "Reminders can only be sent while the round is open." in page(again)
    assert not mail.outbox


def test_a_round_of_another_school_is_404(world, client_for):
    from dramaturg.surveys.services import InstrumentChoice, RoundPlan, create_round

    today = timezone.localdate()
    other = create_round(
        world.outsider,
        world.other_school,
        RoundPlan(
            title="Elders",
            mode="staff",
            opens_on=today,
            closes_on=today + dt.timedelta(days=7),
            anonymity_threshold=5,
            instruments=[InstrumentChoice("collective_efficacy")],
            teams=[world.other_school.teams.create(name="Team Z")],
        ),
    )
    leader = client_for(world.leader)
    assert leader.get(url("round_detail", world, other.pk)).status_code == 404
    assert leader.post(url("round_close", world, other.pk)).status_code == 404


def test_classes_can_be_added_once(world, client_for):
    client = english(client_for(world.leader))
    response = client.post(url("classes", world), {"name": "Groep 7b", "size": "27"}, follow=True)
    assert "Class Groep 7b has been added." in page(response)
    assert StudentGroup.objects.get(school=world.school).size == 27
    duplicate = client.post(url("classes", world), {"name": "groep 7B", "size": "20"})
    assert duplicate.status_code == 200
    assert "already has a class with that name" in page(duplicate)
    too_big = client.post(url("classes", world), {"name": "Aula", "size": "200"})
    assert "between 1 and 60 students" in page(too_big)
    assert StudentGroup.objects.count() == 1
    assert "Groep 7b" in page(client.get(url("classes", world)))


def test_class_code_round_shows_codes_and_address_for_the_board(world, client_for):
    round_ = student_round(world, sizes=(25, 28))
    html = page(english(client_for(world.leader)).get(url("round_detail", world, round_.pk)))
    for target in round_.targets.all():
        assert target.class_code in html
        # No code sheet for a class-code round.
        assert (
            client_for(world.leader)
            .get(url("round_codes", world, round_.pk, target.pk))
            .status_code
            == 404
        )
    assert reverse("answer:student") in html


def test_code_sheet_is_a_pdf_with_the_classs_codes(world, client_for):
    round_ = student_round(world, sizes=(4, 6), access=Round.StudentAccess.SINGLE_USE)
    target, other = round_.targets.order_by("pk")
    client = english(client_for(world.leader))
    html = page(client.get(url("round_detail", world, round_.pk)))
    assert url("round_codes", world, round_.pk, target.pk) in html
    response = client.get(url("round_codes", world, round_.pk, target.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    codes = list(target.codes.values_list("code", flat=True))
    assert len(codes) == 4
    for code in codes:
        assert code in text
    for code in other.codes.values_list("code", flat=True):
        assert code not in text
    assert client.get(url("round_codes", world, round_.pk, 999999)).status_code == 404
    assert (
        client_for(world.teacher).get(url("round_codes", world, round_.pk, target.pk)).status_code
        == 403
    )


def test_results_show_figures_with_two_decimals_and_hide_small_groups(world, client_for):
    round_ = student_round(world, sizes=(20, 20, 20))
    big, middle, small = round_.targets.order_by("pk")
    items = sum(len(ri.instrument.items) for ri in round_.instruments.all())
    week = week_of(timezone.localdate())
    for target, count, value in ((big, 6, 4), (middle, 5, 3), (small, 2, 1)):
        for n in range(count):
            answers = [value if n % 2 else value - 1 or 1] * items
            Response.objects.create(round=round_, target=target, answers=answers, week=week)
    close_round(world.leader, round_)  # figures appear only once the round has closed
    html = page(english(client_for(world.leader)).get(url("round_detail", world, round_.pk)))
    assert "no figure, to protect anonymity" in html
    assert "means: no figure, to protect anonymity" in html
    # The big class is shown (n=6, mean 3.50), the small one hidden, and so is the middle
    # one: otherwise the total minus the big class would reveal the small class.
    assert "3.50" in html
    assert "<td>6</td>" in html
    assert "<td>5</td>" not in html
    assert "<td>2</td>" not in html
    assert "<td>13</td>" in html  # the round total


def test_school_home_links_to_rounds_for_facilitators_only(world, client_for):
    rounds = url("rounds", world)
    home = reverse("schools:home", args=[world.school.slug])
    assert rounds in page(client_for(world.leader).get(home))
    assert rounds in page(client_for(world.culture_carrier).get(home))
    assert rounds not in page(client_for(world.teacher).get(home))


def test_the_total_is_shown_only_when_it_cannot_reveal_a_small_team(world, client_for):
    add_members(world, world.team_b, 4)  # team_b: 5 people; team_a: 2
    round_ = staff_round(world, [world.team_a, world.team_b])
    items = sum(len(ri.instrument.items) for ri in round_.instruments.all())
    week = week_of(timezone.localdate())
    for target, count in (
        (round_.targets.get(team=world.team_a), 2),
        (round_.targets.get(team=world.team_b), 5),
    ):
        for _n in range(count):
            Response.objects.create(round=round_, target=target, answers=[3] * items, week=week)
    close_round(world.leader, round_)
    client = english(client_for(world.leader))
    html = page(client.get(url("round_detail", world, round_.pk)))
    # Everyone (7) is shown; team_b's 5 is hidden too, or 7 - 5 would give team_a's 2 away.
    assert "3.00" in html
    assert "<td>7</td>" in html
    assert "<td>5</td>" not in html
    assert "<td>2</td>" not in html


def test_reminders_are_for_staff_rounds_only(world, client_for):
    round_ = student_round(world)
    response = client_for(world.leader).post(url("round_remind", world, round_.pk))
    assert response.status_code == 404
