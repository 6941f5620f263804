"""Attacks on the repertoire: an outsider with another school's ids, a curious colleague or
leader who wants to know who wrote a moment, whoever holds the database and the logs, and bad
input on every form and query string. Each test states what the attacker tries and what must
hold."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from dramaturg.cards.models import Agreement, Card, Goal, Intervention
from dramaturg.core.log_redaction import redact
from dramaturg.repertoire.codes import author_key
from dramaturg.repertoire.models import Case, CodeTag, Entry, Moment
from dramaturg.repertoire.services import cases as case_services
from dramaturg.repertoire.services import consent, entries
from dramaturg.repertoire.services.moments import delete_moment, my_moments, record_moment
from dramaturg.schools.roles import Role
from dramaturg.sources.models import Source
from tests.helpers import english
from tests.personas import join

pytestmark = pytest.mark.django_db


def url(name, school, *args):
    return reverse(f"repertoire:{name}", args=[school.slug, *args])


def record(user, school, **changes):
    values = {
        "what_happened": "Een leerling werd voor de klas gecorrigeerd en liep boos weg.",
        "ladders": ["school", "peer"],
        "stage": "podium",
        "involved": ["student"],
        "what_i_did": "Ik liet hem gaan en sprak hem later apart.",
        "how_it_ended": "Hij kwam terug.",
    }
    values.update(changes)
    return record_moment(user, school, **values)


def make_entry(world, school, actor, *, adopt=False, voters=()):
    entry = entries.create_entry(actor, school, title_nl="een leerling zwijgt", clash="all")
    if adopt:
        round_ = consent.open_round(actor, entry)
        for person in voters:
            consent.answer(person, round_, "consent")
        entry.refresh_from_db()
    return entry


def card_with_links(school, title):
    card = Card.objects.create(school=school, title_nl=title, stage="podium")
    goal = Goal.objects.create(card=card, position=1, title_nl="Doel")
    intervention = Intervention.objects.create(goal=goal, position=1, what_nl="Apart spreken")
    agreement = Agreement.objects.create(card=card, position=1, text_nl="We groeten elkaar")
    return intervention, agreement


# --- 1. The outsider ------------------------------------------------------------------------


def test_forms_ignore_or_refuse_another_schools_codes_sources_cards_and_cases(world, client_for):
    """A leader of De Vuurtoren posts ids that belong to De Zonnewijzer into every form."""
    theirs_code = CodeTag.objects.filter(school=world.other_school).first()
    theirs_source = Source.objects.create(school=world.other_school, title="Hun eigen bron")
    theirs_intervention, theirs_agreement = card_with_links(world.other_school, "Hun kaart")
    theirs_case = Case.objects.create(school=world.other_school, title="Hun casus", clash="all")
    theirs_moment = record(world.outsider, world.other_school)
    leader = client_for(world.leader)

    # A moment with their code: refused, nothing saved.
    response = leader.post(
        url("moment_new", world.school),
        {
            "what_happened": "Een leerling lachte.",
            "ladders": ["home", "peer"],
            "stage": "audience",
            "what_i_did": "Ik keek.",
            "how_it_ended": "Stil.",
            "codes": [theirs_code.pk],
        },
    )
    assert response.status_code == 200
    assert not Moment.objects.filter(school=world.school).exists()

    # A case with their code: refused.
    response = leader.post(
        url("case_create", world.school),
        {"title": "Gezichtsverlies", "clash": "all", "codes": [theirs_code.pk]},
    )
    assert response.status_code == 200
    assert not Case.objects.filter(school=world.school).exists()

    # An entry from their case: refused.
    response = leader.post(
        url("entry_create", world.school), {"title_nl": "iets", "case": theirs_case.pk}
    )
    assert response.status_code == 200
    assert not Entry.objects.filter(school=world.school).exists()

    # An entry edited with their code, source, intervention and agreement: nothing linked.
    entry = make_entry(world, world.school, world.leader)
    for field, value in (
        ("codes", theirs_code.pk),
        ("sources", theirs_source.pk),
        ("interventions", theirs_intervention.pk),
        ("agreements", theirs_agreement.pk),
    ):
        response = leader.post(
            url("entry_edit", world.school, entry.pk),
            {"revision": entry.revision, "clash": "all", "title_nl": "iets", field: [value]},
        )
        assert response.status_code == 200, field
    entry.refresh_from_db()
    assert not entry.codes.exists()
    assert not entry.sources.exists()
    assert not entry.interventions.exists()
    assert not entry.agreements.exists()

    # Bundling their moment into our case: nothing added, their moment untouched.
    ours = case_services.create_case(world.leader, world.school, title="Onze", clash="all")
    leader.post(url("case_add_moments", world.school, ours.pk), {"moments": [theirs_moment.pk]})
    theirs_moment.refresh_from_db()
    assert theirs_moment.case is None
    # Taking their moment out of their case through our case: nothing changes.
    theirs_moment.case = theirs_case
    theirs_moment.save()
    leader.post(url("case_remove_moment", world.school, ours.pk, theirs_moment.pk))
    theirs_moment.refresh_from_db()
    assert theirs_moment.case == theirs_case


def test_outsider_pages_with_the_ids_of_another_school_are_404(world, client_for):
    """The outsider's own school is De Zonnewijzer: every page under it with an id of De
    Vuurtoren's moments, cases, entries, rounds, versions and codes is a 404."""
    mine = record(world.teacher, world.school)
    case = case_services.create_case(world.leader, world.school, title="Casus", clash="all")
    entry = make_entry(
        world,
        world.school,
        world.leader,
        adopt=True,
        voters=(world.leader, world.teacher, world.teacher2),
    )
    draft = make_entry(world, world.school, world.leader)
    round_ = consent.open_round(world.leader, draft)
    code = CodeTag.objects.filter(school=world.school).first()
    outsider = client_for(world.outsider)
    theirs = world.other_school
    pages = [
        ("moment_delete", [mine.pk]),
        ("case_detail", [case.pk]),
        ("case_edit", [case.pk]),
        ("case_delete", [case.pk]),
        ("entry_detail", [entry.pk]),
        ("entry_edit", [draft.pk]),
        ("entry_versions", [entry.pk]),
        ("entry_version", [entry.pk, 1]),
        ("entry_compare", [entry.pk]),
        ("code_edit", [code.pk]),
        ("code_delete", [code.pk]),
    ]
    for name, args in pages:
        assert outsider.get(url(name, theirs, *args)).status_code == 404, name
    posts = [
        ("moment_delete", [mine.pk]),
        ("case_delete", [case.pk]),
        ("case_add_moments", [case.pk]),
        ("case_remove_moment", [case.pk, mine.pk]),
        ("entry_comment", [entry.pk]),
        ("entry_archive", [entry.pk]),
        ("entry_new_draft", [entry.pk]),
        ("entry_discuss", [draft.pk]),
        ("entry_round_answer", [draft.pk, round_.pk]),
        ("entry_round_close", [draft.pk, round_.pk]),
        ("code_move", [code.pk, "up"]),
        ("code_state", [code.pk, "retire"]),
        ("code_delete", [code.pk]),
    ]
    for name, args in posts:
        response = outsider.post(url(name, theirs, *args), {"answer": "consent", "body": "x"})
        assert response.status_code == 404, name
    assert Moment.objects.filter(pk=mine.pk).exists()
    assert Case.objects.filter(pk=case.pk).exists()
    code.refresh_from_db()
    assert not code.retired


# --- 2. The curious colleague or leader -----------------------------------------------------


def test_a_named_moment_does_not_unmask_the_same_authors_unnamed_ones(world):
    """Whoever reads the database sees `author` on a named moment. If it carried the same
    `author_key` as the author's unnamed moments, every unnamed one would be theirs to read."""
    named = record(world.teacher, world.school, show_author=True)
    unnamed = record(world.teacher, world.school)
    other = record(world.teacher2, world.school)
    keys_of_named = set(
        Moment.objects.filter(author__isnull=False).values_list("author_key", flat=True)
    )
    linked = Moment.objects.filter(author__isnull=True, author_key__in=keys_of_named)
    assert not linked.exists()
    # The author still finds and deletes both.
    assert set(my_moments(world.teacher, world.school)) == {named, unnamed}
    assert set(my_moments(world.teacher2, world.school)) == {other}
    delete_moment(world.teacher, named)
    delete_moment(world.teacher, unnamed)
    assert list(Moment.objects.all()) == [other]


def test_the_author_key_does_not_follow_a_person_from_school_to_school(world):
    """Whoever reads the database sees the memberships: with one key per person everywhere,
    unnamed moments with the same key at two schools belong to someone who is a member of
    both, often a single person."""
    join(world.teacher, world.other_school, Role.MEMBER)
    here = record(world.teacher, world.school)
    there = record(world.teacher, world.other_school)
    assert here.author_key != there.author_key
    assert list(my_moments(world.teacher, world.other_school)) == [there]
    assert list(my_moments(world.teacher, world.school)) == [here]


def test_named_moment_is_deleted_through_the_page_by_its_author_only(world, client_for):
    named = record(world.teacher, world.school, show_author=True)
    assert (
        client_for(world.leader).get(url("moment_delete", world.school, named.pk)).status_code
        == 404
    )
    teacher = client_for(world.teacher)
    page = teacher.get(url("moment_mine", world.school)).content.decode()
    assert url("moment_delete", world.school, named.pk) in page
    teacher.post(url("moment_delete", world.school, named.pk))
    assert not Moment.objects.exists()


def test_the_log_line_of_a_moment_page_does_not_carry_its_id(world):
    """Only the author gets a 200 on a moment's delete page, so a request log that keeps the
    path tells whoever reads it, with the database, which unnamed moment is whose."""
    moment = record(world.teacher, world.school)
    path = url("moment_delete", world.school, moment.pk)
    line = f'10.0.0.7 - - [12/Mar/2026:10:01:02] "GET {path} HTTP/1.1" 200 5120'
    assert f"/{moment.pk}/" not in redact(line)
    record_ = logging.LogRecord("gunicorn.access", logging.INFO, "", 0, "%s", (line,), None)
    from dramaturg.core.log_redaction import redact_record

    redact_record(record_)
    assert f"/{moment.pk}/" not in record_.getMessage()


def test_the_ids_of_moments_do_not_follow_the_order_they_were_recorded_in(world, client_for):
    """A request log keeps the time of each `POST moments/new/`; if the moments' ids (or the
    ids of their code links) rose in the same order, the n-th moment of a day would be the
    n-th POST of that day, with its address and time. The leader's list, ordered by id within
    a day, would likewise tell who came in after whom."""
    code = CodeTag.objects.filter(school=world.school).first()
    people = [world.teacher, world.teacher2, world.culture_carrier, world.leader] * 5
    recorded = [record(person, world.school, codes=[code]).pk for person in people]
    assert recorded != sorted(recorded)
    assert recorded != sorted(recorded, reverse=True)
    links = Moment.codes.through.objects.order_by("pk").values_list("moment_id", flat=True)
    assert list(links) != recorded
    listing = client_for(world.leader).get(url("moment_list", world.school)).content.decode()
    shown = [pk for pk in recorded if f'id="moment-{pk}"' in listing]
    shown.sort(key=lambda pk: listing.index(f'id="moment-{pk}"'))
    assert shown
    assert shown != recorded[::-1][: len(shown)]


def test_case_pages_and_the_list_show_no_name_for_an_anonymous_moment(world, client_for):
    moment = record(world.teacher, world.school)
    named = record(world.teacher2, world.school, show_author=True)
    case = case_services.create_case(world.leader, world.school, title="Casus", clash="all")
    case_services.add_moments(world.leader, case, [moment.pk, named.pk])
    for person in (world.leader, world.teacher, world.teacher2, world.culture_carrier):
        page = client_for(person).get(url("case_detail", world.school, case.pk)).content.decode()
        # Even the named one: a case never names (the reader's own name is in the header).
        for author in {world.teacher, world.teacher2} - {person}:
            assert author.display_name not in page
        assert author_key(world.teacher, world.school) not in page
    listing = client_for(world.leader).get(url("moment_list", world.school)).content.decode()
    assert world.teacher.display_name not in listing
    assert world.teacher2.display_name in listing
    assert author_key(world.teacher, world.school) not in listing


def test_a_teacher_never_sees_another_teachers_moment_outside_a_case(world, client_for):
    record(world.teacher2, world.school, what_happened="Een geheim voorval op het plein.")
    teacher = client_for(world.teacher)
    for name in ("moment_mine", "moment_new", "index", "work", "cases"):
        page = teacher.get(url(name, world.school)).content.decode()
        assert "geheim voorval" not in page, name
    assert teacher.get(url("moment_list", world.school)).status_code == 403


# --- 4. Bad input --------------------------------------------------------------------------


ODD = ["abc", "-1", "0", "999999999999999999999999", "²", "١٢", "%00", "\u202e", "1.5", "[]"]


def test_odd_query_strings_never_break_a_page(world, client_for):
    record(world.teacher, world.school)
    case = case_services.create_case(world.leader, world.school, title="Casus", clash="all")
    entry = make_entry(
        world,
        world.school,
        world.leader,
        adopt=True,
        voters=(world.leader, world.teacher, world.teacher2),
    )
    leader = client_for(world.leader)
    pages = [
        url("moment_list", world.school),
        url("moment_mine", world.school),
        url("moment_new", world.school),
        url("codes", world.school),
        url("cases", world.school),
        url("case_detail", world.school, case.pk),
        url("case_create", world.school),
        url("index", world.school),
        url("work", world.school),
        url("entry_create", world.school),
        url("entry_detail", world.school, entry.pk),
        url("entry_versions", world.school, entry.pk),
        url("entry_compare", world.school, entry.pk),
        url("starter", world.school),
    ]
    params = ("case", "page", "code", "clash", "stage", "ladder", "q", "a", "b", "unbundled")
    for page in pages:
        for value in ODD:
            query = dict.fromkeys(params, value)
            response = leader.get(page, query)
            assert response.status_code in (200, 302, 400, 404), (page, value)


def test_the_search_box_takes_odd_unicode(world, client_for):
    teacher = client_for(world.teacher)
    for query in ("ﬁ", "İ", "ß", "e\u0301", "\x00", "😀" * 300, "\u200b", "%", "_", "'\"<>"):
        response = teacher.get(url("index", world.school), {"q": query})
        assert response.status_code == 200, repr(query)


def test_over_long_wrong_and_missing_values_give_a_message_not_a_500(world, client_for):
    leader = english(client_for(world.leader))
    long = "x" * 10_000
    entry = make_entry(world, world.school, world.leader)
    case = case_services.create_case(world.leader, world.school, title="Casus", clash="all")
    code = CodeTag.objects.filter(school=world.school).first()
    forms = [
        (url("moment_new", world.school), {"what_happened": long, "ladders": ["x"], "stage": "?"}),
        (url("moment_new", world.school), {"involved": ["alien"], "codes": ["abc"]}),
        (url("case_create", world.school), {"title": long, "clash": "none", "meeting_on": "x"}),
        (url("case_edit", world.school, case.pk), {"title": "", "codes": ["999999999999"]}),
        (url("case_add_moments", world.school, case.pk), {"moments": ["abc", "-1", "1e9"]}),
        (url("entry_create", world.school), {"title_nl": long, "case": "abc", "clash": "?"}),
        (url("entry_edit", world.school, entry.pk), {"revision": "abc", "title_nl": long}),
        (url("entry_edit", world.school, entry.pk), {"revision": "-5", "clash": "all"}),
        (url("entry_comment", world.school, entry.pk), {"body": long}),
        (url("entry_comment", world.school, entry.pk), {}),
        (url("codes", world.school), {"name_nl": long}),
        (url("code_edit", world.school, code.pk), {"name_nl": ""}),
        (url("code_move", world.school, code.pk, "sideways"), {}),
        (url("code_state", world.school, code.pk, "explode"), {}),
        (url("starter_copy", world.school, "no-such-entry"), {}),
    ]
    for path, data in forms:
        response = leader.post(path, data, follow=True)
        assert response.status_code in (200, 400, 404), (path, response.status_code)
    assert not Moment.objects.exists()
    entry.refresh_from_db()
    assert entry.title_nl == "een leerling zwijgt"
    assert not entry.comments.exists()


# --- The migration that re-keys moments made before these fixes -------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_rekeys_unnamed_moments_and_drops_the_key_of_named_ones(migrator):
    import hashlib
    import hmac

    from django.conf import settings
    from django.utils.encoding import force_bytes

    old = migrator.apply_initial_migration(("repertoire", "0003_seed_codes"))
    board = old.apps.get_model("schools", "Board").objects.create(name="B", slug="b")
    school = old.apps.get_model("schools", "School").objects.create(
        board=board, name="Oud", slug="oud", sector="po"
    )
    user = old.apps.get_model("accounts", "User").objects.create(
        email="oud@school.test", display_name="Olga Oud"
    )
    old.apps.get_model("schools", "Membership").objects.create(
        user=user, school=school, role=Role.MEMBER
    )
    root = hmac.new(force_bytes(settings.SECRET_KEY), b"dramaturg moment author", hashlib.sha256)
    old_key = hmac.new(root.digest(), str(user.pk).encode(), hashlib.sha256).hexdigest()
    Moment = old.apps.get_model("repertoire", "Moment")
    fields = {"school": school, "what_happened": "x", "clash": "all", "stage": "podium"}
    unnamed = Moment.objects.create(author_key=old_key, **fields)
    named = Moment.objects.create(author_key=old_key, author=user, show_author=True, **fields)

    new = migrator.apply_tested_migration(("repertoire", "0004_named_moments_without_key"))
    Moment = new.apps.get_model("repertoire", "Moment")
    assert Moment.objects.get(pk=named.pk).author_key == ""
    assert Moment.objects.get(pk=unnamed.pk).author_key == author_key(user, school)
