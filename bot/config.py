"""The core's settings, read from the environment and a ``.env`` file.

The core's ``Settings`` holds only what the core uses. Each adapter reads and checks
its own variables (``adapters/<name>/settings.py``) from ``Settings.env``, with the
helpers here, so every bad value is refused the same way: one line naming the
variable, what it must look like and what it got. Secrets are read only there and
never shown (``repr=False``)."""

from __future__ import annotations

import io
import logging
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import time
from pathlib import Path
from types import MappingProxyType

log = logging.getLogger("lpbot.config")

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(ValueError):
    """A setting has a value we cannot use; the message names the variable."""


# reading ------------------------------------------------------------------------------


def read_dotenv(path: Path) -> dict[str, str]:
    """The ``NAME=value`` lines of a ``.env`` file. A line that is not one is warned
    about (by line number, never its text: it may hold a secret) and ignored."""
    from dotenv import dotenv_values
    from dotenv.parser import parse_stream

    text = path.read_text(encoding="utf-8")
    kept: list[str] = []
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            log.warning(
                "%s line %d is not NAME=value and was ignored", path, binding.original.line
            )
        else:
            kept.append(binding.original.string)
    values = dotenv_values(stream=io.StringIO("".join(kept)))
    return {k: v for k, v in values.items() if v is not None}


def read_env(dotenv: Path | None = None) -> dict[str, str]:
    """``os.environ`` over ``./.env`` (or ``dotenv``): the real environment wins."""
    merged: dict[str, str] = {}
    path = dotenv or Path(".env")
    if path.is_file():
        merged.update(read_dotenv(path))
    merged.update(os.environ)
    return merged


def env_text(env: Mapping[str, str], name: str) -> str | None:
    """The variable's value, stripped; None when unset or blank."""
    value = env.get(name)
    return value.strip() if value and value.strip() else None


def env_whole_number(
    env: Mapping[str, str], name: str, default: int, low: int, high: int, meaning: str
) -> int:
    raw = env_text(env, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise ConfigError(
            f"{name} must be a whole number from {low} to {high} ({meaning}), got {raw!r}"
        )
    return value


def env_hours(
    env: Mapping[str, str], name: str, default: float, unit: str = "hours", least: float = 0
) -> float:
    raw = env_text(env, name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not math.isfinite(value) or value < least:
        raise ConfigError(
            f"{name} must be a number of {unit}, {least:g} or more (e.g. {default:g}), "
            f"got {raw!r}"
        )
    return value


def env_digits(env: Mapping[str, str], name: str, what: str, hint: str = "") -> str | None:
    raw = env_text(env, name)
    if raw is not None and not raw.isdigit():
        raise ConfigError(f"{name} must be {what} (all digits), got {raw!r}{hint}")
    return raw


def env_switch(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env_text(env, name)
    if raw is None:
        return default
    if raw.lower() in {"on", "auto", "yes", "true", "1"}:
        return True
    if raw.lower() in {"off", "no", "false", "0"}:
        return False
    raise ConfigError(f"{name} must be on or off, got {raw!r}")


def parse_hhmm(value: str, variable: str = "time") -> time:
    try:
        hour_s, minute_s = value.strip().split(":")
        return time(int(hour_s), int(minute_s))
    except (ValueError, TypeError):
        raise ConfigError(
            f"{variable} must look like 09:00 (24-hour HH:MM), got {value!r}"
        ) from None


def redacted(settings: object, secrets: frozenset[str] = frozenset()) -> dict[str, object]:
    """A settings dataclass as a dict for logs, secrets shown only as set or not."""
    out: dict[str, object] = {}
    for f in fields(settings):  # type: ignore[arg-type]
        if not f.repr and f.name not in secrets:
            continue
        value = getattr(settings, f.name)
        out[f.name] = ("set" if value else "not set") if f.name in secrets else value
    return out


# the core's settings --------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///./lpbot.db"
    post_time: time = time(9, 0)
    timezone: str = "UTC"
    grace_hours: float = 6.0
    #: How long feedback (and its edits) are retried before they are given up.
    reply_hours: float = 3.0
    #: A platform call that has not answered in this many seconds is cut and retried.
    send_timeout: float = 20.0
    log_level: str = "INFO"
    #: The terminal channel when no platform is configured; the Docker image turns it
    #: off, since a container has no one at its keyboard.
    terminal: bool = True
    #: Every variable that was read (environment over ``.env``), for the adapters'
    #: own settings. Not shown: it holds their secrets.
    env: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({}), repr=False, compare=False
    )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, dotenv: Path | None = None) -> Settings:
        """Read and check the core's settings from ``env`` (default: ``os.environ``
        over ``./.env``). Raises ``ConfigError`` with one line for a bad value."""
        if env is None:
            env = read_env(dotenv)
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        tz = env_text(env, "LPBOT_TIMEZONE") or "UTC"
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"LPBOT_TIMEZONE must be an IANA time zone such as Europe/Berlin, got {tz!r}"
            ) from None
        level = (env_text(env, "LPBOT_LOG_LEVEL") or "INFO").upper()
        if level not in LOG_LEVELS:
            raise ConfigError(
                f"LPBOT_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, "
                f"got {env_text(env, 'LPBOT_LOG_LEVEL')!r}"
            )
        return cls(
            database_url=env_text(env, "DATABASE_URL") or cls.database_url,
            post_time=parse_hhmm(env_text(env, "LPBOT_POST_TIME") or "09:00", "LPBOT_POST_TIME"),
            timezone=tz,
            grace_hours=env_hours(env, "LPBOT_GRACE_HOURS", 6.0),
            reply_hours=env_hours(env, "LPBOT_REPLY_HOURS", 3.0),
            send_timeout=env_hours(env, "LPBOT_SEND_TIMEOUT", 20.0, "seconds", 0.1),
            log_level=level,
            terminal=env_switch(env, "LPBOT_TERMINAL", True),
            env=MappingProxyType(dict(env)),
        )

    def redacted(self) -> dict[str, object]:
        """The settings for logs (the raw environment left out)."""
        return redacted(self)
