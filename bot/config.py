"""Settings from the environment (and a ``.env`` file). Secrets are read here and
nowhere else, and ``Settings.__repr__`` never shows them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import time
from pathlib import Path

SECRET_FIELDS = frozenset(
    {"discord_token", "slack_bot_token", "slack_app_token", "slack_signing_secret"}
)


class ConfigError(ValueError):
    """A setting has a value we cannot use; the message names the variable."""


def parse_hhmm(value: str, variable: str = "time") -> time:
    try:
        hour_s, minute_s = value.strip().split(":")
        return time(int(hour_s), int(minute_s))
    except (ValueError, TypeError):
        raise ConfigError(
            f"{variable} must look like 09:00 (24-hour HH:MM), got {value!r}"
        ) from None


def _switch(value: str | None, variable: str) -> bool:
    if value is None or value.lower() in {"on", "auto", "yes", "true", "1"}:
        return True
    if value.lower() in {"off", "no", "false", "0"}:
        return False
    raise ConfigError(f"{variable} must be on or off, got {value!r}")


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///./lpbot.db"
    post_time: time = time(9, 0)
    timezone: str = "UTC"
    grace_hours: float = 6.0
    log_level: str = "INFO"
    # The terminal channel when no platform is configured; the Docker image turns it
    # off, since a container has no one at its keyboard.
    terminal: bool = True
    # Discord
    discord_token: str | None = field(default=None, repr=False)
    discord_guild_id: str | None = None
    discord_api_base_url: str | None = None
    discord_gateway_url: str | None = None
    # Slack
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_api_url: str | None = None
    slack_admins: frozenset[str] = frozenset()
    port: int = 3000

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, dotenv: Path | None = None) -> Settings:
        """Read settings from ``env`` (default: ``os.environ`` plus ``./.env``; the
        real environment wins over the file)."""
        if env is None:
            merged: dict[str, str] = {}
            path = dotenv or Path(".env")
            if path.is_file():
                from dotenv import dotenv_values

                merged.update({k: v for k, v in dotenv_values(path).items() if v is not None})
            merged.update(os.environ)
            env = merged

        def get(name: str) -> str | None:
            value = env.get(name)
            return value.strip() if value and value.strip() else None

        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        tz = get("LPBOT_TIMEZONE") or "UTC"
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"LPBOT_TIMEZONE must be an IANA time zone such as Europe/Berlin, got {tz!r}"
            ) from None
        try:
            grace = float(get("LPBOT_GRACE_HOURS") or 6)
        except ValueError:
            raise ConfigError("LPBOT_GRACE_HOURS must be a number of hours") from None
        try:
            port = int(get("PORT") or 3000)
        except ValueError:
            raise ConfigError("PORT must be a whole number") from None
        admins = get("LPBOT_SLACK_ADMINS") or ""
        return cls(
            database_url=get("DATABASE_URL") or cls.database_url,
            post_time=parse_hhmm(get("LPBOT_POST_TIME") or "09:00", "LPBOT_POST_TIME"),
            timezone=tz,
            grace_hours=grace,
            log_level=(get("LPBOT_LOG_LEVEL") or "INFO").upper(),
            terminal=_switch(get("LPBOT_TERMINAL"), "LPBOT_TERMINAL"),
            discord_token=get("DISCORD_TOKEN"),
            discord_guild_id=get("DISCORD_GUILD_ID"),
            discord_api_base_url=get("DISCORD_API_BASE_URL"),
            discord_gateway_url=get("DISCORD_GATEWAY_URL"),
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_app_token=get("SLACK_APP_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_api_url=get("SLACK_API_URL"),
            slack_admins=frozenset(a.strip() for a in admins.split(",") if a.strip()),
            port=port,
        )

    def redacted(self) -> dict[str, object]:
        """The settings with secrets replaced, for logs."""
        out: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = ("set" if value else "not set") if f.name in SECRET_FIELDS else value
        return out
