"""The cache from `DRAMATURG_CACHE_URL`: local memory when unset, Redis when set, and a clear
error for anything else. The servers that share it are tested in tests/test_servers.py."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache

from dramaturg.config.env import LOCAL_CACHE_ENTRIES, ConfigurationError, cache_settings

REDIS = "redis://127.0.0.1:6379/9"


def _settings(env: dict[str, str], expression: str) -> subprocess.CompletedProcess:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='dramaturg.config.settings';"
        "django.setup(); from django.conf import settings;"
        f"from django.core.cache import cache; print({expression})"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DRAMATURG_", "DATABASE"))}
    return subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True
    )


def test_no_environment_means_local_memory_with_room_for_many_charts(tmp_path):
    result = _settings(
        {"DRAMATURG_DATA_DIR": str(tmp_path)},
        "settings.CACHES['default']['BACKEND'], cache._max_entries",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        str(LOCAL_CACHE_ENTRIES),
    ]


def test_a_redis_url_selects_djangos_redis_backend_and_it_works(tmp_path):
    prefix = f"test-cache-{uuid.uuid4().hex}"
    result = _settings(
        {
            "DRAMATURG_DATA_DIR": str(tmp_path),
            "DRAMATURG_CACHE_URL": REDIS,
            "DRAMATURG_CACHE_KEY_PREFIX": prefix,
        },
        "settings.CACHES['default']['BACKEND'], cache.set('greeting', 'hallo', 60)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "django.core.cache.backends.redis.RedisCache"
    # Another process (this one) reads what the first one stored, under the same prefix only.
    shared = RedisCache(REDIS, {"KEY_PREFIX": prefix})
    other = RedisCache(REDIS, {"KEY_PREFIX": prefix + "-other"})
    try:
        assert shared.get("greeting") == "hallo"
        assert other.get("greeting") is None
    finally:
        shared.delete("greeting")


@pytest.mark.parametrize(
    "url", ["memcached://127.0.0.1:11211", "127.0.0.1:6379", "redis:/127.0.0.1", "file:///tmp"]
)
def test_an_unknown_cache_url_stops_the_start_up_with_a_clear_message(url, tmp_path):
    result = _settings({"DRAMATURG_DATA_DIR": str(tmp_path), "DRAMATURG_CACHE_URL": url}, "cache")
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ConfigurationError: DRAMATURG_CACHE_URL must be empty (local memory) or a" in last_line


def test_the_error_never_shows_the_password(monkeypatch):
    monkeypatch.setenv("DRAMATURG_X", "memcached://admin:geheim@cache.example:11211")
    with pytest.raises(ConfigurationError) as raised:
        cache_settings("DRAMATURG_X", "p")
    assert "geheim" not in str(raised.value)
    assert "admin" not in str(raised.value)
    assert "memcached://***@cache.example:11211" in str(raised.value)


@pytest.mark.parametrize("url", ["rediss://:pw@cache.example:6380/0", "unix:///run/redis.sock"])
def test_tls_and_socket_urls_are_redis_too(url, monkeypatch):
    monkeypatch.setenv("DRAMATURG_X", url)
    config = cache_settings("DRAMATURG_X", "p")["default"]
    assert config == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "p",
    }


def test_servers_started_at_once_on_one_data_directory_agree_on_the_secret_key(tmp_path):
    """Two servers on one machine share the data directory and so the generated key: were
    each to keep its own, one would reject the sessions the other signed."""
    from concurrent.futures import ThreadPoolExecutor

    from dramaturg.config.env import persistent_secret

    barrier = threading.Barrier(8)

    def start(_: int) -> str:
        barrier.wait()
        return persistent_secret(tmp_path)

    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(start, range(8)))
    assert keys == {(tmp_path / "secret_key").read_text().strip()}
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]
