"""The Discord adapter's own settings (``DISCORD_*``), read and checked here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.config import ConfigError, env_digits, env_text, read_env

GUILD_ID_HINT = ". In Discord, turn on Developer Mode, right-click the server > Copy Server ID"


@dataclass(frozen=True)
class DiscordSettings:
    token: str | None = field(default=None, repr=False)
    #: Register ``/lp`` in this one server (instant) instead of globally.
    guild_id: str | None = None
    api_base_url: str | None = None
    gateway_url: str | None = None

    @staticmethod
    def configured(env: Mapping[str, str]) -> bool:
        return env_text(env, "DISCORD_TOKEN") is not None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> DiscordSettings:
        env = read_env() if env is None else env
        return cls(
            token=env_text(env, "DISCORD_TOKEN"),
            guild_id=env_digits(env, "DISCORD_GUILD_ID", "a server id", GUILD_ID_HINT),
            api_base_url=env_text(env, "DISCORD_API_BASE_URL"),
            gateway_url=env_text(env, "DISCORD_GATEWAY_URL"),
        )

    def require_token(self) -> str:
        if not self.token:
            raise ConfigError("DISCORD_TOKEN is required to run on Discord")
        return self.token
