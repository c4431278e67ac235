"""The Slack adapter's own settings (``SLACK_*``, ``LPBOT_SLACK_ADMINS``, ``PORT``),
read and checked here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.config import ConfigError, env_text, env_whole_number, read_env


@dataclass(frozen=True)
class SlackSettings:
    bot_token: str | None = field(default=None, repr=False)
    #: An app-level token (xapp-...) selects Socket Mode.
    app_token: str | None = field(default=None, repr=False)
    signing_secret: str | None = field(default=None, repr=False)
    api_url: str | None = None
    #: User ids allowed to run admin commands besides workspace admins.
    admins: frozenset[str] = frozenset()
    #: Where HTTP mode listens; 0 picks a free port.
    port: int = 3000

    @staticmethod
    def configured(env: Mapping[str, str]) -> bool:
        return env_text(env, "SLACK_BOT_TOKEN") is not None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SlackSettings:
        env = read_env() if env is None else env
        admins = env_text(env, "LPBOT_SLACK_ADMINS") or ""
        return cls(
            bot_token=env_text(env, "SLACK_BOT_TOKEN"),
            app_token=env_text(env, "SLACK_APP_TOKEN"),
            signing_secret=env_text(env, "SLACK_SIGNING_SECRET"),
            api_url=env_text(env, "SLACK_API_URL"),
            admins=frozenset(a.strip() for a in admins.split(",") if a.strip()),
            port=env_whole_number(env, "PORT", 3000, 0, 65535, "a TCP port; 0 picks a free one"),
        )

    def check(self) -> None:
        """What running on Slack needs, beyond the values being well-formed."""
        if not self.bot_token:
            raise ConfigError("SLACK_BOT_TOKEN is required to run on Slack")
        if not self.app_token and not self.signing_secret:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is required in HTTP mode "
                "(or set SLACK_APP_TOKEN to use Socket Mode)"
            )
