"""Outsiders get 404 on every school and board page, for GET and POST alike.

OUTSIDER_CASES maps each URL name to a function that builds its arguments from the
personas; test_urls.py makes sure no tenant page is left out.
"""

from __future__ import annotations

import dataclasses

import pytest
from django.urls import reverse

from dramaturg.schools.models import Membership


def _invitation_in_school(w):
    from dramaturg.schools.invitations import invite_to_school

    return invite_to_school(w.leader, w.school, email="nieuw@vuurtoren.test", role="member")


def _team_member_args(w):
    return [w.school.slug, w.team_a.pk, Membership.objects.get(user=w.teacher, school=w.school).pk]


def _card(w):
    from dramaturg.cards.services.content import create_card

    return create_card(w.leader, w.school, stage="podium", title_nl="X", team=w.team_a)


def _card_args(w):
    return [w.school.slug, _card(w).pk]


def _amendment_args(w):
    from dramaturg.cards.services.discussion import propose_amendment

    card = _card(w)
    amendment = propose_amendment(
        w.teacher,
        card,
        kind="card",
        target_id=None,
        field="title",
        language="nl",
        proposed_text="Y",
        reason="Korter.",
    )
    return [w.school.slug, card.pk, amendment.pk]


def _round_args(w):
    from dramaturg.cards.services.consent import open_round

    card = _card(w)
    return [w.school.slug, card.pk, open_round(w.leader, card).pk]


def _version_args(w):
    from dramaturg.cards.services.consent import answer, open_round

    card = _card(w)
    consent_round = open_round(w.leader, card)
    answer(w.teacher, consent_round, "consent")
    answer(w.culture_carrier, consent_round, "consent")
    return [w.school.slug, card.pk, 1]


def _goal_args(w, *extra):
    from dramaturg.cards.services.content import add_goal

    card = _card(w)
    goal = add_goal(w.leader, card, title_nl="Doel")
    return [w.school.slug, card.pk, "goal", goal.pk, *extra]


def _survey_round(w, **changes):
    import datetime as dt

    from django.utils import timezone

    from dramaturg.surveys.services import InstrumentChoice, RoundPlan, create_round

    today = timezone.localdate()
    plan = RoundPlan(
        title="Meting",
        mode="staff",
        opens_on=today,
        closes_on=today + dt.timedelta(days=14),
        anonymity_threshold=5,
        instruments=[InstrumentChoice("collective_efficacy")],
        teams=[w.team_a],
    )
    return create_round(w.leader, w.school, dataclasses.replace(plan, **changes))


def _survey_round_args(w):
    return [w.school.slug, _survey_round(w).pk]


def _code_sheet_args(w):
    from dramaturg.schools.models import StudentGroup
    from dramaturg.surveys.services import InstrumentChoice

    group = StudentGroup.objects.create(school=w.school, name="Groep 8", size=3)
    round_ = _survey_round(
        w,
        mode="students",
        student_access="single_use",
        instruments=[InstrumentChoice("student_self_efficacy")],
        teams=(),
        classes=[group],
    )
    return [w.school.slug, round_.pk, round_.targets.get().pk]


def _export_job_args(w):
    from dramaturg.reports.models import ExportJob

    job = ExportJob.objects.create(
        school=w.school,
        requested_by=w.leader,
        kind="round",
        object_id=_survey_round(w).pk,
        exporter="results_xlsx",
        language="nl",
        state=ExportJob.State.DONE,
        content=b"x",
    )
    return [w.school.slug, job.pk]


def _network_thread_args(w):
    from dramaturg.networks.access import ensure_board_network
    from dramaturg.networks.conversations import start_thread

    network = ensure_board_network(w.board)
    thread = start_thread(w.leader, network, "question", "Vraag", "Hoe doen jullie dit?", True)
    return [network.slug, thread.pk]


def _network_reply_args(w):
    from dramaturg.networks.conversations import reply
    from dramaturg.networks.models import Thread

    args = _network_thread_args(w)
    posted = reply(w.leader, Thread.objects.get(pk=args[1]), "Zo.", True)
    return [*args, posted.pk]


def _board_network_args(w):
    from dramaturg.networks.access import ensure_board_network

    return [ensure_board_network(w.board).slug]


def _cross_network_args(w):
    from dramaturg.networks.services import create_network

    return [create_network(w.leader, w.school, "Leren over grenzen").slug]


def _network_invitation_args(w):
    from dramaturg.networks.models import Network, NetworkInvitation
    from dramaturg.schools.models import School

    # A third school, invited to a network across boards: only its own leaders may answer.
    school = School.objects.create(board=w.board, name="De Meeuw", slug="de-meeuw", sector="po")
    network = Network.objects.get(slug=_cross_network_args(w)[0])
    return [NetworkInvitation.objects.create(network=network, school=school).pk]


def _library_args(w):
    from dramaturg.cards.models import Card
    from dramaturg.networks.access import ensure_board_network
    from dramaturg.networks.library import publish

    _slug, card_id, _number = _version_args(w)
    version = Card.objects.get(pk=card_id).versions.get()
    network = ensure_board_network(w.board)
    return [network.slug, publish(w.leader, version, network, show_school=False).pk]


def _moment_args(w):
    from dramaturg.repertoire.services.moments import record_moment

    moment = record_moment(
        w.teacher,
        w.school,
        what_happened="Een leerling verloor zijn gezicht.",
        ladders=["home", "school"],
        stage="podium",
        what_i_did="Later apart gesproken.",
        how_it_ended="Rustig.",
    )
    return [w.school.slug, moment.pk]


def _code_args(w, *extra):
    from dramaturg.repertoire.models import CodeTag

    return [w.school.slug, CodeTag.objects.filter(school=w.school).first().pk, *extra]


# --- Cases (repertoire) ---------------------------------------------------------------------


def _case(w):
    from dramaturg.repertoire.services.cases import create_case

    return create_case(w.leader, w.school, title="Gezichtsverlies", clash="school_peer")


def _case_args(w):
    return [w.school.slug, _case(w).pk]


def _case_moment_args(w):
    from dramaturg.repertoire.codes import author_key
    from dramaturg.repertoire.models import Moment

    case = _case(w)
    moment = Moment.objects.create(
        school=w.school,
        what_happened="Een leerling weigert.",
        clash="school_peer",
        stage="podium",
        author_key=author_key(w.teacher, w.school),
        case=case,
    )
    return [w.school.slug, case.pk, moment.pk]


def _entry_version_args(w):
    """A starter entry adopted by the whole school (repertoire: starter set and library)."""
    from dramaturg.repertoire.models import EntryConsentRound
    from dramaturg.repertoire.services.consent import answer, open_round
    from dramaturg.repertoire.services.starter import copy_starter

    entry = copy_starter(w.leader, w.school, "losing-face-in-class")
    consent_round = open_round(w.leader, entry)
    for person in (w.teacher, w.teacher2, w.culture_carrier, w.leader):
        if EntryConsentRound.objects.get(pk=consent_round.pk).is_open:
            answer(person, consent_round, "consent")
    return [w.school.slug, entry.pk, 1]


def _entry_library_args(w):
    from dramaturg.networks import library_entries
    from dramaturg.networks.access import ensure_board_network
    from dramaturg.repertoire.models import EntryVersion

    _slug, entry_id, _number = _entry_version_args(w)
    version = EntryVersion.objects.get(entry_id=entry_id)
    network = ensure_board_network(w.board)
    return [network.slug, library_entries.publish(w.leader, version, network, False).pk]


def _entry(w):
    from dramaturg.repertoire.services.entries import create_entry

    return create_entry(w.leader, w.school, title_nl="Een botsing", clash="home_school")


def _entry_args(w):
    return [w.school.slug, _entry(w).pk]


def _entry_round_args(w):
    from dramaturg.repertoire.services.consent import open_round

    entry = _entry(w)
    return [w.school.slug, entry.pk, open_round(w.leader, entry).pk]


def _entry_version_args(w):
    from dramaturg.repertoire.services.consent import answer, open_round

    entry = _entry(w)
    consent_round = open_round(w.leader, entry)
    for person in (w.leader, w.teacher, w.culture_carrier):
        answer(person, consent_round, "consent")
    return [w.school.slug, entry.pk, 1]


OUTSIDER_CASES = {
    "schools:home": lambda w: [w.school.slug],
    "schools:staff": lambda w: [w.school.slug],
    "schools:settings": lambda w: [w.school.slug],
    "schools:team_create": lambda w: [w.school.slug],
    "schools:team": lambda w: [w.school.slug, w.team_a.pk],
    "schools:team_add_member": lambda w: [w.school.slug, w.team_a.pk],
    "schools:team_remove_member": _team_member_args,
    "schools:team_make_primary": _team_member_args,
    "schools:membership_end": lambda w: [
        w.school.slug,
        Membership.objects.get(user=w.teacher, school=w.school).pk,
    ],
    "schools:staff_import": lambda w: [w.school.slug],
    "schools:staff_import_preview": lambda w: [w.school.slug],
    "schools:staff_import_confirm": lambda w: [w.school.slug],
    "schools:staff_import_example": lambda w: [w.school.slug],
    "schools:invitations": lambda w: [w.school.slug],
    "schools:invitation_revoke": lambda w: [w.school.slug, _invitation_in_school(w).pk],
    "schools:invite_leader": lambda w: [w.board.slug],
    "schools:board_home": lambda w: [w.board.slug],
    "schools:school_create": lambda w: [w.board.slug],
    "cards:comment": _card_args,
    "cards:propose": _card_args,
    "cards:amendment_accept": _amendment_args,
    "cards:amendment_decline": _amendment_args,
    "cards:round_open": _card_args,
    "cards:round_detail": _round_args,
    "cards:round_answer": _round_args,
    "cards:round_withdraw": _round_args,
    "cards:round_close": _round_args,
    "cards:versions": _card_args,
    "cards:version_detail": _version_args,
    "cards:compare": _card_args,
    "cards:agreements": lambda w: [w.school.slug],
    "cards:stage": lambda w: [w.school.slug, "podium"],
    "cards:list": lambda w: [w.school.slug],
    "cards:create": lambda w: [w.school.slug],
    "cards:detail": _card_args,
    "cards:edit_item": lambda w: _goal_args(w),
    "cards:add_item": lambda w: [*_card_args(w), "goal"],
    "cards:remove_item": lambda w: _goal_args(w),
    "cards:move_item": lambda w: _goal_args(w, "up"),
    "cards:open_discussion": _card_args,
    "cards:new_draft": _card_args,
    "cards:archive": _card_args,
    "sources:list": lambda w: [w.school.slug],
    "sources:create": lambda w: [w.school.slug],
    "surveys:rounds": lambda w: [w.school.slug],
    "surveys:round_create": lambda w: [w.school.slug],
    "surveys:round_detail": _survey_round_args,
    "surveys:round_remind": _survey_round_args,
    "surveys:round_close": _survey_round_args,
    "surveys:round_codes": _code_sheet_args,
    "surveys:classes": lambda w: [w.school.slug],
    "reports:round_export": lambda w: [*_survey_round_args(w), "results_xlsx"],
    "reports:card_export": lambda w: [*_card_args(w), "card_pdf"],
    "reports:exports": lambda w: [w.school.slug],
    "reports:dashboard": lambda w: [w.school.slug],
    "reports:team_results": lambda w: [w.school.slug, w.team_a.pk],
    "reports:export_job": _export_job_args,
    "reports:export_download": _export_job_args,
    "reports:board_overview": lambda w: [w.board.slug],
    "networks:threads": lambda w: [_network_thread_args(w)[0]],
    "networks:thread": _network_thread_args,
    "networks:thread_delete": _network_thread_args,
    "networks:reply_delete": _network_reply_args,
    "networks:home": _board_network_args,
    "networks:people": _board_network_args,
    "networks:invite": _cross_network_args,
    "networks:leave": _cross_network_args,
    "networks:invitation": _network_invitation_args,
    "networks:library": lambda w: [_library_args(w)[0]],
    "networks:library_card": _library_args,
    "networks:library_copy": _library_args,
    "networks:library_withdraw": _library_args,
    "networks:library_publish": _version_args,
    # Repertoire: moments and the school's codes
    "repertoire:moment_list": lambda w: [w.school.slug],
    "repertoire:moment_new": lambda w: [w.school.slug],
    "repertoire:moment_mine": lambda w: [w.school.slug],
    "repertoire:moment_delete": _moment_args,
    "repertoire:codes": lambda w: [w.school.slug],
    "repertoire:code_edit": _code_args,
    "repertoire:code_move": lambda w: _code_args(w, "up"),
    "repertoire:code_state": lambda w: _code_args(w, "retire"),
    "repertoire:code_delete": _code_args,
    # Cases (repertoire)
    "repertoire:cases": lambda w: [w.school.slug],
    "repertoire:case_create": lambda w: [w.school.slug],
    "repertoire:case_detail": _case_args,
    "repertoire:case_edit": _case_args,
    "repertoire:case_delete": _case_args,
    "repertoire:case_add_moments": _case_args,
    "repertoire:case_remove_moment": _case_moment_args,
    "reports:case_export": lambda w: [*_case_args(w), "case_sheet_pdf"],
    # Repertoire: starter set and entries in the network library.
    "repertoire:starter": lambda w: [w.school.slug],
    "repertoire:starter_copy": lambda w: [w.school.slug, "losing-face-in-class"],
    "networks:library_entry": _entry_library_args,
    "networks:library_entry_copy": _entry_library_args,
    "networks:library_entry_withdraw": _entry_library_args,
    "networks:library_entry_publish": _entry_version_args,
    # Repertoire entries, the phone page and the booklet.
    "repertoire:index": lambda w: [w.school.slug],
    "repertoire:work": lambda w: [w.school.slug],
    "repertoire:entry_create": lambda w: [w.school.slug],
    "repertoire:entry_detail": _entry_args,
    "repertoire:entry_edit": _entry_args,
    "repertoire:entry_comment": _entry_args,
    "repertoire:entry_discuss": _entry_args,
    "repertoire:entry_new_draft": _entry_args,
    "repertoire:entry_archive": _entry_args,
    "repertoire:entry_round_open": _entry_args,
    "repertoire:entry_round_answer": _entry_round_args,
    "repertoire:entry_round_withdraw": _entry_round_args,
    "repertoire:entry_round_close": _entry_round_args,
    "repertoire:entry_versions": _entry_args,
    "repertoire:entry_version": _entry_version_args,
    "repertoire:entry_compare": _entry_args,
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(OUTSIDER_CASES))
@pytest.mark.parametrize("method", ["get", "post"])
def test_outsider_gets_404(world, client_for, name, method):
    url = reverse(name, args=OUTSIDER_CASES[name](world))
    for outsider in (world.outsider, Membership.objects.get(board=world.other_board).user):
        response = getattr(client_for(outsider), method)(url)
        assert response.status_code == 404, f"{outsider} {method.upper()} {url}"
