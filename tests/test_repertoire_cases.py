"""Cases: the development group bundles moments; the team reads them without names.

Services and pages: who may create, edit, bundle and delete (the leader and the development
group), that a moment of another school is never bundled, that another school's case is a
404, and that the case page never shows who wrote a moment, not even when the author chose
to be named.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from dramaturg.repertoire.codes import author_key
from dramaturg.repertoire.errors import RepertoireError
from dramaturg.repertoire.models import Case, CodeTag, Moment
from dramaturg.repertoire.services import cases as services
from tests.helpers import english

pytestmark = pytest.mark.django_db


def moment(
    world,
    author=None,
    *,
    school=None,
    show=False,
    text="Een leerling verliest zijn gezicht.",
    **extra,
):
    author = author or world.teacher
    values = {
        "school": school or world.school,
        "what_happened": text,
        "clash": "school_peer",
        "stage": "podium",
        "author_key": author_key(author, school or world.school),
        "show_author": show,
        "author": author if show else None,
    }
    return Moment.objects.create(**(values | extra))


def make_case(world, actor=None, **values):
    fields = {"title": "Gezichtsverlies bij een correctie", "clash": "school_peer"} | values
    return services.create_case(actor or world.culture_carrier, world.school, **fields)


def main(response) -> str:
    """The page's own content, without the header (which names whoever is logged in)."""
    text = response.content.decode()
    return text[text.index("<main") : text.index("</main>")]


def case_url(name, case, *args):
    return reverse(f"repertoire:{name}", args=[case.school.slug, case.pk, *args])


# --- Services ---------------------------------------------------------------------------------


def test_development_group_and_leader_create_a_case_with_codes(world):
    codes = list(CodeTag.objects.filter(school=world.school)[:2])
    case = make_case(
        world,
        description="  In de klas, voor de groep.  ",
        stage="podium",
        codes=codes,
        questions="Wat vroeg de code?\n\n  Wat doen we samen?  \n",
        meeting_on=dt.date(2026, 3, 4),
    )
    assert case.school == world.school
    assert case.description == "In de klas, voor de groep."
    assert case.question_list == ["Wat vroeg de code?", "Wat doen we samen?"]
    assert set(case.codes.all()) == set(codes)
    assert make_case(world, world.leader, title="Tweede").pk != case.pk


def test_a_teacher_cannot_create_edit_bundle_or_delete(world):
    case = make_case(world)
    mine = moment(world)
    with pytest.raises(PermissionDenied):
        make_case(world, world.teacher)
    with pytest.raises(PermissionDenied):
        services.update_case(world.teacher, case, title="Anders", clash="home_school")
    with pytest.raises(PermissionDenied):
        services.add_moments(world.teacher, case, [mine.pk])
    with pytest.raises(PermissionDenied):
        services.delete_case(world.teacher, case)
    mine.refresh_from_db()
    assert mine.case is None
    assert Case.objects.filter(pk=case.pk).exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"title": "   "}, "Describe the situation"),
        ({"title": "x" * 201}, "too long"),
        ({"clash": "home_moon"}, "ladders"),
        ({"stage": "backstage"}, "stages"),
    ],
)
def test_bad_values_are_refused_with_a_message(world, values, message):
    with pytest.raises(RepertoireError) as refused:
        make_case(world, **values)
    with translation.override("en"):
        assert message in str(refused.value.message)
    assert not Case.objects.exists()


def test_a_refusal_speaks_dutch_to_a_dutch_reader(world):
    with pytest.raises(RepertoireError) as refused:
        make_case(world, title=" ")
    with translation.override("nl"):
        assert str(refused.value.message) == "Beschrijf de situatie in een paar woorden."


def test_codes_of_another_school_are_refused(world):
    foreign = CodeTag.objects.filter(school=world.other_school).first()
    with pytest.raises(RepertoireError):
        make_case(world, codes=[foreign])


def test_bundling_takes_only_free_moments_of_the_same_school(world):
    case = make_case(world)
    other_case = make_case(world, title="Ander")
    free = [moment(world), moment(world, world.teacher2)]
    taken = moment(world, case=other_case)
    foreign = moment(world, world.outsider, school=world.other_school)
    ids = [m.pk for m in (*free, taken, foreign)] + ["abc", "-3", "99999999"]
    assert services.add_moments(world.culture_carrier, case, ids) == 2
    assert set(case.moments.all()) == set(free)
    taken.refresh_from_db()
    foreign.refresh_from_db()
    assert taken.case == other_case
    assert foreign.case is None


def test_removing_a_moment_and_deleting_a_case_release_the_moments(world):
    case = make_case(world)
    first, second = moment(world, case=case), moment(world, case=case)
    assert services.remove_moment(world.leader, case, first.pk)
    assert not services.remove_moment(world.leader, case, first.pk)  # not in it any more
    assert services.delete_case(world.leader, case) == 1
    second.refresh_from_db()
    assert second.case is None
    assert not Case.objects.filter(pk=case.pk).exists()


def test_shared_moments_carry_no_author_and_come_by_day(world):
    case = make_case(world)
    later = moment(world, world.teacher, show=True, text="Later", recorded_on=dt.date(2026, 2, 2))
    sooner = moment(world, world.teacher2, text="Eerder", recorded_on=dt.date(2026, 1, 5))
    services.add_moments(world.leader, case, [later.pk, sooner.pk])
    shared = services.shared_moments(case)
    assert [m.what_happened for m in shared] == ["Eerder", "Later"]
    assert not any(hasattr(m, name) for m in shared for name in ("author", "author_key"))


def test_default_questions_when_the_case_has_none(world):
    questions, suggested = services.questions_of(make_case(world))
    assert suggested
    assert len(questions) == 5
    own, suggested = services.questions_of(make_case(world, questions="Eigen vraag?"))
    assert own == ["Eigen vraag?"]
    assert not suggested


# --- Pages ------------------------------------------------------------------------------------


def test_the_team_sees_the_case_without_any_author_name(world, client_for):
    case = make_case(world, description="Een terugkerende situatie.")
    named = moment(world, world.teacher, show=True, text="Een leerling lacht om de correctie.")
    unnamed = moment(world, world.teacher2, text="Een leerling zegt niets meer.")
    services.add_moments(world.leader, case, [named.pk, unnamed.pk])
    for user in (world.teacher2, world.teacher, world.culture_carrier, world.leader):
        page = main(client_for(user).get(case_url("case_detail", case)))
        assert "Een leerling lacht om de correctie." in page
        assert "Een leerling zegt niets meer." in page
        for person in (world.teacher, world.teacher2):
            assert person.display_name not in page
            assert person.email not in page
        assert author_key(world.teacher, world.school) not in page


def test_the_list_shows_cases_to_a_teacher_without_a_new_case_button(world, client_for):
    case = make_case(world)
    moment(world, case=case)
    page = client_for(world.teacher).get(reverse("repertoire:cases", args=[world.school.slug]))
    text = page.content.decode()
    assert case.title in text
    assert "1 botsmoment" in text
    assert reverse("repertoire:case_create", args=[world.school.slug]) not in text
    assert (
        "Moments not in a case"
        not in english(client_for(world.teacher))
        .get(case_url("case_detail", case))
        .content.decode()
    )


@pytest.mark.parametrize("name", ["case_edit", "case_delete", "case_add_moments"])
def test_a_teacher_gets_403_on_every_facilitator_page(world, client_for, name):
    case = make_case(world)
    free = moment(world)
    client = client_for(world.teacher)
    assert client.post(case_url(name, case), {"moments": [free.pk]}).status_code == 403
    assert (
        client.get(reverse("repertoire:case_create", args=[world.school.slug])).status_code == 403
    )
    free.refresh_from_db()
    assert free.case is None
    assert Case.objects.filter(pk=case.pk).exists()


def test_another_schools_case_is_a_404(world, client_for):
    from dramaturg.repertoire.services.cases import create_case

    foreign = create_case(world.outsider, world.other_school, title="Elders", clash="all")
    client = client_for(world.leader)
    for name in ("case_detail", "case_edit", "case_delete"):
        url = reverse(f"repertoire:{name}", args=[world.school.slug, foreign.pk])
        assert client.get(url).status_code == 404
    for name in ("case_edit", "case_delete", "case_add_moments"):
        url = reverse(f"repertoire:{name}", args=[world.school.slug, foreign.pk])
        assert client.post(url, {"moments": []}).status_code == 404
    assert Case.objects.filter(pk=foreign.pk).exists()
    url = reverse("reports:case_export", args=[world.school.slug, foreign.pk, "case_sheet_docx"])
    assert client.get(url).status_code == 404


def test_development_group_creates_a_case_through_the_form(world, client_for):
    client = english(client_for(world.culture_carrier))
    url = reverse("repertoire:case_create", args=[world.school.slug])
    form = client.get(url).content.decode()
    assert "What do we want to do the same way as a team next time?" in form
    code = CodeTag.objects.filter(school=world.school).first()
    response = client.post(
        url,
        {
            "title": "A student loses face when corrected",
            "clash": "school_peer",
            "stage": "podium",
            "codes": [code.pk],
            "questions": "",
            "meeting_on": "2026-03-04",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == case_url("case_detail", case)
    page = client.get(case_url("case_detail", case)).content.decode()
    assert "A student loses face when corrected" in page
    assert "Suggested questions" in page
    assert "4 March 2026" in page
    assert code.name_en in page


def test_a_bad_form_changes_nothing_and_says_why(world, client_for):
    client = english(client_for(world.leader))
    url = reverse("repertoire:case_create", args=[world.school.slug])
    response = client.post(url, {"title": "", "clash": "nonsense", "meeting_on": "soon"})
    assert response.status_code == 200
    assert not Case.objects.exists()
    text = response.content.decode()
    assert "This field is required." in text
    assert "Enter a valid date." in text


def test_bundle_and_remove_through_the_page(world, client_for):
    case = make_case(world)
    free = moment(world, text="Vrij moment")
    foreign = moment(world, world.outsider, school=world.other_school, text="Ander moment")
    client = english(client_for(world.culture_carrier))
    page = client.get(case_url("case_detail", case)).content.decode()
    assert "Vrij moment" in page
    assert "Ander moment" not in page
    response = client.post(
        case_url("case_add_moments", case), {"moments": [free.pk, foreign.pk]}, follow=True
    )
    assert "1 of 2 moments were added" in response.content.decode()
    free.refresh_from_db()
    foreign.refresh_from_db()
    assert free.case == case
    assert foreign.case is None
    response = client.post(case_url("case_add_moments", case), {}, follow=True)
    assert "Tick the moments" in response.content.decode()
    response = client.post(case_url("case_remove_moment", case, free.pk), follow=True)
    assert "no longer part of this case" in response.content.decode()
    response = client.post(case_url("case_remove_moment", case, foreign.pk), follow=True)
    assert "not part of this case" in response.content.decode()
    free.refresh_from_db()
    assert free.case is None


def test_edit_and_delete_through_the_pages(world, client_for):
    case = make_case(world)
    kept = moment(world, case=case)
    client = client_for(world.leader)
    form = client.get(case_url("case_edit", case)).content.decode()
    assert case.title in form
    client.post(case_url("case_edit", case), {"title": "Nieuwe titel", "clash": "all"})
    case.refresh_from_db()
    assert (case.title, case.clash) == ("Nieuwe titel", "all")
    assert "1 botsmoment" in client.get(case_url("case_delete", case)).content.decode()
    response = client.post(case_url("case_delete", case))
    assert response["Location"] == reverse("repertoire:cases", args=[world.school.slug])
    kept.refresh_from_db()
    assert kept.case is None
    assert not Case.objects.exists()
