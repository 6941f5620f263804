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
    # Write through a private file so a concurrent start cannot read a half-written key.
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(secret)
    tmp.chmod(0o600)
    tmp.replace(path)
    return path.read_text().strip()
