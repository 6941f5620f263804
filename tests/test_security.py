"""Security headers, cookies, the generated secret key and configuration from the environment."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dramaturg.config.env import ConfigurationError, env_bool, env_int, persistent_secret


@pytest.mark.django_db
def test_pages_carry_security_headers(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_dutch_is_the_default_even_for_an_english_browser(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    page = response.content.decode()
    assert '<html lang="nl">' in page
    assert "Wachtwoord vergeten?" in page


@pytest.mark.django_db
def test_language_switch_keeps_the_choice_and_refuses_foreign_redirects(world, client_for):
    client = client_for(world.teacher)
    response = client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    page = client.get(f"/s/{world.school.slug}/").content.decode()
    assert "The four stages" in page
    world.teacher.refresh_from_db()
    assert world.teacher.language == "en"


@pytest.mark.django_db
def test_unknown_language_is_refused_and_changes_nothing(world, client_for):
    client = client_for(world.teacher)
    response = client.post("/language/", {"language": "xx", "next": "/"})
    assert response.status_code == 400
    world.teacher.refresh_from_db()
    assert world.teacher.language == ""


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = persistent_secret(tmp_path)
    second = persistent_secret(tmp_path)
    assert first == second
    assert len(first) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_bad_environment_values_fail_loudly(monkeypatch):
    monkeypatch.setenv("DRAMATURG_X", "misschien")
    with pytest.raises(ConfigurationError):
        env_bool("DRAMATURG_X", False)
    monkeypatch.setenv("DRAMATURG_X", "vijf")
    with pytest.raises(ConfigurationError):
        env_int("DRAMATURG_X", 5)


def _settings_in_subprocess(env: dict[str, str], expression: str) -> str:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='dramaturg.config.settings';"
        f"from django.conf import settings; print({expression})"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DRAMATURG_", "DATABASE"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_fresh_checkout_defaults_to_sqlite_in_the_data_dir_with_debug_off(tmp_path):
    out = _settings_in_subprocess(
        {"DRAMATURG_DATA_DIR": str(tmp_path)},
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'],"
        " settings.DEBUG, settings.SESSION_COOKIE_SECURE",
    )
    assert out == f"django.db.backends.sqlite3 {tmp_path / 'dramaturg.sqlite3'} False False"
    assert (tmp_path / "secret_key").exists()


def test_https_turns_on_secure_cookies_and_database_url_selects_postgresql(tmp_path):
    out = _settings_in_subprocess(
        {
            "DRAMATURG_DATA_DIR": str(tmp_path),
            "DRAMATURG_HTTPS": "true",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/dramaturg",
        },
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE,"
        " settings.DATABASES['default']['ENGINE']",
    )
    assert out == "True True django.db.backends.postgresql"
