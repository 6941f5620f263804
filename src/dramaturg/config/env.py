"""Typed helpers that read configuration from environment variables.

Every setting of the project is read through these helpers in `settings.py`, so a
fresh checkout works with no environment at all and a bad value fails loudly at start-up.
"""

import os
import secrets
from pathlib import Path


class ConfigurationError(RuntimeError):
    """An environment variable holds a value we cannot use."""


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from error


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def persistent_secret(data_dir: Path, filename: str = "secret_key") -> str:
    """Return the secret kept in the data directory, creating it the first time.

    Generated once so that sessions and signed links survive a restart, and never
    committed: each installation has its own.
    """
    path = data_dir / filename
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(50)
    # Write through a private file so a concurrent start cannot read a half-written key, and
    # link it into place only if no other process got there first: two servers started at
    # once on one data directory must end up with the same key, or each would reject the
    # other's sessions and signed links.
    tmp = path.with_suffix(f".{os.getpid()}.{secrets.token_hex(4)}.tmp")
    tmp.write_text(secret)
    tmp.chmod(0o600)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text().strip()


# Django's own Redis backend understands these three (redis-py's `from_url`).
REDIS_SCHEMES = ("redis", "rediss", "unix")
# Chart SVGs are a few to some tens of kilobytes: 2,000 keeps a school network's dashboards warm
# in a process without letting one process grow past roughly a hundred megabytes.
LOCAL_CACHE_ENTRIES = 2000


def cache_settings(name: str, key_prefix: str) -> dict[str, dict[str, object]]:
    """Django's CACHES from one URL in the environment variable `name`.

    Unset: local memory, one per process (one machine, nothing to install). `redis://`,
    `rediss://` or `unix://`: Django's own Redis backend, shared by every process and server
    that points at it. Anything else stops the start-up with a message naming the variable.
    """
    raw = os.environ.get(name, "").strip()
    if raw == "" or raw == "locmem://":
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "dramaturg",
                "KEY_PREFIX": key_prefix,
                "OPTIONS": {"MAX_ENTRIES": LOCAL_CACHE_ENTRIES},
            }
        }
    scheme = raw.split("://", 1)[0].lower() if "://" in raw else ""
    if scheme not in REDIS_SCHEMES:
        raise ConfigurationError(
            f"{name} must be empty (local memory) or a redis://, rediss:// or unix:// URL, "
            f"not {_without_password(raw)!r}"
        )
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": raw,
            "KEY_PREFIX": key_prefix,
        }
    }


def _without_password(url: str) -> str:
    """The URL as it may appear in an error message: any user and password in it are hidden."""
    head, sep, tail = url.rpartition("@")
    if not sep or "://" not in head:
        return url
    return f"{head.split('://', 1)[0]}://***@{tail}"
