"""Moments: recording (with the name warning), who sees which, and deleting one's own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from dramaturg.repertoire.codes import author_key
from dramaturg.repertoire.errors import RepertoireError
from dramaturg.repertoire.models import Case, CodeTag, Moment
from dramaturg.repertoire.services.moments import record_moment
from tests.helpers import english

pytestmark = pytest.mark.django_db


def record(user, school, **changes):
    values = {
        "what_happened": "Een leerling werd voor de klas gecorrigeerd en liep boos weg.",
        "ladders": ["school", "peer"],
        "stage": "podium",
        "involved": ["student"],
        "what_i_did": "Ik liet hem gaan en sprak hem later apart.",
        "how_it_ended": "Hij kwam terug en bood zijn excuses aan.",
    }
    values.update(changes)
    return record_moment(user, school, **values)


def form_data(**changes):
    data = {
        "what_happened": "Een leerling lachte een klasgenoot uit die een fout maakte.",
        "ladders": ["home", "peer"],
        "stage": "audience",
        "involved": ["student", "group"],
        "what_i_did": "Ik benoemde wat ik zag, zonder iemand voor schut te zetten.",
        "how_it_ended": "De groep werd stil.",
        "want_to_learn": "",
    }
    data.update(changes)
    return data


def url(name, school, *args):
    return reverse(f"repertoire:{name}", args=[school.slug, *args])


# --- the service -----------------------------------------------------------------------------


def test_a_moment_keeps_the_day_the_key_and_a_name_only_when_asked(world):
    moment = record(world.teacher, world.school, involved=["group", "student"])
    assert moment.recorded_on == timezone.localdate()
    assert moment.author is None
    assert (
        moment.author_key
        == author_key(world.teacher, world.school)
        != author_key(world.teacher2, world.school)
    )
    assert moment.clash == "school_peer"
    assert moment.involved == ["student", "group"]  # in the list's order
    named = record(
        world.teacher, world.school, show_author=True, ladders=["home", "school", "peer"]
    )
    assert named.author == world.teacher
    assert named.clash == "all"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ladders": ["home"]}, "ladders"),
        ({"ladders": []}, "ladders"),
        ({"stage": "hall"}, "stage"),
        ({"involved": ["neighbour"]}, "involved"),
        ({"what_happened": "   "}, "what happened"),
        ({"what_i_did": "x" * 2001}, "2000"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(world, changes, message):
    with pytest.raises(RepertoireError) as error, translation.override("en"):
        record(world.teacher, world.school, **changes)
    with translation.override("en"):
        assert message in str(error.value.message)
    assert not Moment.objects.exists()


def test_only_the_schools_current_codes_can_tag_a_moment(world):
    mine = CodeTag.objects.filter(school=world.school).first()
    theirs = CodeTag.objects.filter(school=world.other_school).first()
    with pytest.raises(RepertoireError):
        record(world.teacher, world.school, codes=[theirs])
    CodeTag.objects.filter(pk=mine.pk).update(retired=True)
    mine.refresh_from_db()
    with pytest.raises(RepertoireError):
        record(world.teacher, world.school, codes=[mine])
    assert not Moment.objects.exists()


def test_outsiders_cannot_record(world):
    with pytest.raises(PermissionDenied):
        record(world.outsider, world.school)
    with pytest.raises(PermissionDenied):
        record(world.board_admin, world.school)


# --- recording through the form, with the name warning ---------------------------------------


def test_the_form_states_the_privacy_principle_in_dutch_and_english(world, client_for):
    page = client_for(world.teacher).get(url("moment_new", world.school)).content.decode()
    assert "Botsmoment vastleggen" in page
    assert "nooit over groepen mensen" in page
    assert "herkomst, geloof of etniciteit" in page
    assert "aan het eind van het schooljaar verwijderd" in page
    page = english(client_for(world.teacher)).get(url("moment_new", world.school)).content.decode()
    assert "Record a moment" in page
    assert "never about groups of people" in page
    assert "origin, religion or ethnicity" in page
    # Only the school's current codes are offered.
    assert "face and honour" in page
    CodeTag.objects.filter(school=world.school, key="face_honour").update(retired=True)
    page = english(client_for(world.teacher)).get(url("moment_new", world.school)).content.decode()
    assert "face and honour" not in page


def test_a_moment_without_names_is_saved_at_once(world, client_for):
    code = CodeTag.objects.get(school=world.school, key="face_honour")
    response = client_for(world.teacher).post(
        url("moment_new", world.school), form_data(codes=[code.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == url("moment_mine", world.school)
    moment = Moment.objects.get()
    assert moment.school == world.school
    assert moment.clash == "home_peer"
    assert moment.stage == "audience"
    assert list(moment.codes.all()) == [code]
    assert moment.author is None
    assert "Dank je" in response.content.decode()


def test_a_name_is_flagged_and_nothing_saved_until_confirmed(world, client_for):
    client = client_for(world.teacher)
    text = "Tijdens de kring lachte Sem een klasgenoot uit."
    response = client.post(url("moment_new", world.school), form_data(what_happened=text))
    page = response.content.decode()
    assert response.status_code == 200
    assert not Moment.objects.exists()
    assert "Noemt dit iemand?" in page
    assert "geen leerling of ouder" in page
    assert "<mark>Sem</mark>" in page
    assert 'name="checked_words" value="Sem"' in page

    # Ticking the box without having been shown a new word does not cover that word.
    sneaky = form_data(
        what_happened=text + " Toen keek Jansen toe.", no_names_checked="on", checked_words="Sem"
    )
    page = client.post(url("moment_new", world.school), sneaky).content.decode()
    assert "<mark>Jansen</mark>" in page
    assert not Moment.objects.exists()

    # Confirming exactly the words shown saves.
    confirmed = form_data(what_happened=text, no_names_checked="on", checked_words="Sem")
    response = client.post(url("moment_new", world.school), confirmed)
    assert response.status_code == 302
    assert Moment.objects.get().what_happened == text


def test_changing_the_text_so_no_warning_remains_saves(world, client_for):
    client = client_for(world.teacher)
    client.post(url("moment_new", world.school), form_data(what_i_did="Ik belde Fatima's moeder."))
    assert not Moment.objects.exists()
    response = client.post(
        url("moment_new", world.school),
        form_data(what_i_did="Ik belde de moeder.", checked_words="Fatima's"),
    )
    assert response.status_code == 302
    assert Moment.objects.get().what_i_did == "Ik belde de moeder."


def test_the_warning_in_english(world, client_for):
    client = english(client_for(world.teacher))
    text = "During the break Olivia would not look at me."
    page = client.post(url("moment_new", world.school), form_data(what_happened=text)).content
    page = page.decode()
    assert "Does this name someone?" in page
    assert "must not name or identify a student or parent" in page
    assert "<mark>Olivia</mark>" in page


@pytest.mark.parametrize(
    ("changes", "dutch"),
    [
        ({"ladders": ["home"]}, "Kies twee of drie ladders."),
        ({"stage": ""}, "Dit veld is verplicht."),
        ({"what_happened": "x" * 2001}, "2000"),
        ({"codes": ["999999"]}, "Selecteer een geldige keuze"),
    ],
)
def test_bad_form_input_shows_a_message_and_saves_nothing(world, client_for, changes, dutch):
    response = client_for(world.teacher).post(url("moment_new", world.school), form_data(**changes))
    assert response.status_code == 200
    assert dutch in response.content.decode()
    assert not Moment.objects.exists()


def test_another_schools_code_cannot_be_chosen(world, client_for):
    theirs = CodeTag.objects.filter(school=world.other_school).first()
    response = client_for(world.teacher).post(
        url("moment_new", world.school), form_data(codes=[theirs.pk])
    )
    assert response.status_code == 200
    assert not Moment.objects.exists()


# --- who sees which --------------------------------------------------------------------------


def test_the_development_group_and_the_leader_see_all_with_names_only_when_shown(world, client_for):
    record(world.teacher, world.school, what_happened="Een leerling zweeg na een vraag.")
    record(world.teacher2, world.school, what_happened="Een ouder eiste uitleg.", show_author=True)
    record(world.outsider, world.other_school, what_happened="Op een andere school gebeurd.")
    for user in (world.leader, world.culture_carrier):
        page = client_for(user).get(url("moment_list", world.school)).content.decode()
        assert "Een leerling zweeg na een vraag." in page
        assert "Een ouder eiste uitleg." in page
        assert "Op een andere school gebeurd." not in page
        assert "Jet van der Juf" in page  # shown by choice
        assert "Daan Docent" not in page
        assert "anoniem" in page
    page = english(client_for(world.leader)).get(url("moment_list", world.school)).content
    assert b"anonymous" in page


def test_a_teacher_never_sees_the_schools_moments(world, client_for):
    record(world.teacher2, world.school, what_happened="Een ouder eiste uitleg.")
    response = client_for(world.teacher).get(url("moment_list", world.school))
    assert response.status_code == 403
    page = client_for(world.teacher).get(url("moment_mine", world.school)).content.decode()
    assert "Een ouder eiste uitleg." not in page
    assert "Je hebt nog geen botsmoment vastgelegd." in page


def test_my_moments_are_found_by_the_key_named_or_not(world, client_for):
    record(world.teacher, world.school, what_happened="Mijn eerste moment.")
    record(world.teacher, world.school, what_happened="Mijn tweede moment.", show_author=True)
    record(world.teacher2, world.school, what_happened="Een moment van een ander.")
    page = client_for(world.teacher).get(url("moment_mine", world.school)).content.decode()
    assert "Mijn eerste moment." in page
    assert "Mijn tweede moment." in page
    assert "Een moment van een ander." not in page


def test_filters_and_pages(world, client_for):
    code = CodeTag.objects.get(school=world.school, key="authority")
    case = Case.objects.create(school=world.school, title="Gezichtsverlies", clash="school_peer")
    tagged = record(world.teacher, world.school, what_happened="Met de code gezag.", codes=[code])
    bundled = record(world.teacher, world.school, what_happened="Al in een casus.")
    bundled.case = case
    bundled.save()
    record(
        world.teacher,
        world.school,
        what_happened="In de kleedkamer.",
        stage="dressing_room",
        ladders=["home", "school"],
    )
    client = client_for(world.culture_carrier)

    def shown(**query):
        return client.get(url("moment_list", world.school), query).content.decode()

    page = shown(stage="dressing_room")
    assert "In de kleedkamer." in page
    assert "Met de code gezag." not in page
    page = shown(clash="home_school")
    assert "In de kleedkamer." in page
    assert "Al in een casus." not in page
    page = shown(code=code.pk)
    assert "Met de code gezag." in page
    assert "In de kleedkamer." not in page
    page = shown(unbundled="on")
    assert "Al in een casus." not in page
    assert "Met de code gezag." in page
    assert "Gezichtsverlies" in shown()
    # A bad filter shows everything, with a message.
    page = shown(stage="hall")
    assert "Met de code gezag." in page
    assert "Dit filter klopt niet" in page
    assert tagged.pk

    for number in range(22):
        record(world.teacher, world.school, what_happened=f"Moment nummer {number}.")
    # Newest day first; within a day the order is arbitrary (the ids are random, so the list
    # does not show who recorded after whom).
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Moment.objects.filter(what_happened="Moment nummer 0.").update(recorded_on=yesterday)
    first = shown()
    assert "Pagina 1 van 2" in first
    second = shown(page=2)
    assert "Moment nummer 0." in second
    for number in range(22):
        assert (f"Moment nummer {number}." in first) != (f"Moment nummer {number}." in second)


# --- deleting one's own ----------------------------------------------------------------------


def test_the_author_deletes_their_own_after_confirming(world, client_for):
    moment = record(world.teacher, world.school)
    client = client_for(world.teacher)
    page = client.get(url("moment_delete", world.school, moment.pk)).content.decode()
    assert "Dit botsmoment verwijderen?" in page
    assert Moment.objects.filter(pk=moment.pk).exists()
    response = client.post(url("moment_delete", world.school, moment.pk))
    assert response.status_code == 302
    assert not Moment.objects.filter(pk=moment.pk).exists()


def test_nobody_else_can_delete_a_moment(world, client_for):
    moment = record(world.teacher, world.school, show_author=True)
    for user in (world.teacher2, world.leader, world.culture_carrier):
        client = client_for(user)
        assert client.get(url("moment_delete", world.school, moment.pk)).status_code == 404
        assert client.post(url("moment_delete", world.school, moment.pk)).status_code == 404
    assert Moment.objects.filter(pk=moment.pk).exists()


def test_another_schools_moment_id_is_a_404(world, client_for):
    from dramaturg.schools.models import Membership

    # The teacher also works at the other school and recorded a moment there.
    Membership.objects.create(user=world.teacher, school=world.other_school, role="member")
    theirs = record(world.teacher, world.other_school)
    client = client_for(world.teacher)
    assert client.get(url("moment_delete", world.school, theirs.pk)).status_code == 404
    assert client.post(url("moment_delete", world.school, theirs.pk)).status_code == 404
    assert Moment.objects.filter(pk=theirs.pk).exists()
    # …and it is not among their moments at this school.
    page = client.get(url("moment_mine", world.school)).content.decode()
    assert "Je hebt nog geen botsmoment vastgelegd." in page


def test_the_school_home_links_to_moments_by_role(world, client_for):
    home = reverse("schools:home", args=[world.school.slug])
    page = client_for(world.teacher).get(home).content.decode()
    assert url("moment_new", world.school) in page
    assert f'href="{url("moment_list", world.school)}"' not in page
    page = client_for(world.culture_carrier).get(home).content.decode()
    assert url("moment_new", world.school) in page
    assert f'href="{url("moment_list", world.school)}"' in page


def test_the_name_warning_shows_beside_other_errors(world, client_for):
    data = form_data(what_happened="Ik sprak Noor aan.", ladders=["home"])
    page = client_for(world.teacher).post(url("moment_new", world.school), data).content.decode()
    assert "<mark>Noor</mark>" in page
    assert "Kies twee of drie ladders." in page
    assert not Moment.objects.exists()
