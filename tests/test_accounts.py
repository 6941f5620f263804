"""Logging in and out, resetting a password, the production hasher and login rate limiting."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def english_client() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def logged_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def test_login_with_email_in_any_case_lands_in_the_school(world):
    client = Client()
    response = client.post(LOGIN, {"username": "  Leider@VUURTOREN.test ", "password": PASSWORD})
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(world.leader.pk)
    # One school: the start page sends the leader straight there.
    home = client.get(response["Location"])
    assert home.status_code == 302
    assert home["Location"] == reverse("schools:home", args=[world.school.slug])


def test_wrong_password_gets_a_clear_message_and_no_session(world):
    client = english_client()
    response = client.post(LOGIN, {"username": world.leader.email, "password": "niet-goed"})
    assert response.status_code == 200
    assert "This e-mail address and password do not match an account" in response.content.decode()
    assert logged_in_user_id(client) is None


def test_login_page_is_dutch_by_default(world):
    response = Client().post(LOGIN, {"username": world.leader.email, "password": "niet-goed"})
    assert response.status_code == 200
    assert '<html lang="nl">' in response.content.decode()


def test_logout_needs_a_post_and_ends_the_session(world, client_for):
    client = client_for(world.teacher)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert logged_in_user_id(client) == str(world.teacher.pk)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert logged_in_user_id(client) is None
    school = client.get(reverse("schools:home", args=[world.school.slug]))
    assert school.status_code == 302
    assert school["Location"].startswith(LOGIN)


def test_password_reset_mails_a_link_that_sets_a_new_password_once(world):
    client = english_client()
    response = client.post(reverse("accounts:password_reset"), {"email": "DOCENT@vuurtoren.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.teacher.email]
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body)
    assert link, message.body
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]

    # Django swaps the token for a session marker and redirects to the set-password form.
    form_page = client.get("/" + path, follow=True)
    assert form_page.status_code == 200
    assert "new_password1" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    new_password = "nieuwe-lente-vuurtoren-42"
    done = client.post(set_url, {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password_reset_complete")

    world.teacher.refresh_from_db()
    assert world.teacher.check_password(new_password)
    assert not world.teacher.check_password(PASSWORD)
    login = Client().post(LOGIN, {"username": world.teacher.email, "password": new_password})
    assert login.status_code == 302

    again = client.get("/" + path)
    assert again.status_code == 200
    assert "This link has already been used or is no longer valid" in again.content.decode()


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(world):
    response = Client().post(reverse("accounts:password_reset"), {"email": "niemand@nergens.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_password_reset_refuses_mismatched_new_passwords(world):
    client = english_client()
    client.post(reverse("accounts:password_reset"), {"email": world.teacher.email})
    path = re.search(r"/accounts/password/reset/\S+/", mail.outbox[0].body).group(0)
    set_url = client.get(path, follow=True).redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "nieuwe-lente-vuurtoren-42", "new_password2": "iets-anders-43"}
    )
    assert response.status_code == 200
    world.teacher.refresh_from_db()
    assert world.teacher.check_password(PASSWORD)


def test_production_hashes_passwords_with_argon2():
    # conftest swaps the hasher on django.conf.settings for speed; the settings module
    # itself still holds what production runs with.
    from dramaturg.config import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    import argon2  # noqa: F401  (the hasher's dependency is installed)


def test_repeated_wrong_passwords_lock_the_account_on_this_address(world):
    client = english_client()
    limit = settings.AXES_FAILURE_LIMIT
    assert settings.AXES_ENABLED
    responses = [
        client.post(LOGIN, {"username": world.leader.email.upper(), "password": f"fout-{n}"})
        for n in range(limit)
    ]
    assert [r.status_code for r in responses[:-1]] == [200] * (limit - 1)
    locked = responses[-1]
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in locked.templates]
    assert "Too many attempts" in locked.content.decode()

    # Even the right password is refused while the lock lasts.
    right = client.post(LOGIN, {"username": world.leader.email, "password": PASSWORD})
    assert right.status_code == 429
    assert logged_in_user_id(client) is None

    # The lock is for this account from this address: a colleague can still log in.
    other = english_client().post(LOGIN, {"username": world.teacher.email, "password": PASSWORD})
    assert other.status_code == 302


def test_a_few_wrong_passwords_then_the_right_one_resets_the_count(world):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(LOGIN, {"username": world.leader.email, "password": f"fout-{n}"})
    assert (
        client.post(LOGIN, {"username": world.leader.email, "password": PASSWORD}).status_code
        == 302
    )
    client.post(reverse("accounts:logout"))
    wrong = client.post(LOGIN, {"username": world.leader.email, "password": "fout"})
    assert wrong.status_code == 200
