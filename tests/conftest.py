"""Shared fixtures: the personas, and settings that keep the suite fast but honest."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.personas import World, build_world


def pytest_configure(config: pytest.Config) -> None:
    # Argon2 is the production hasher (asserted in test_accounts); it is slow on purpose,
    # so tests that create dozens of users hash with MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The manifest storage needs `collectstatic`; tests serve static files from the finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def client_for(world: World):
    """A logged-in client for a persona: client_for(world.leader)."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
