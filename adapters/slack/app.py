"""The Bolt ``AsyncApp``: its Web API client and its listeners.

Every listener acknowledges at once and hands the real work to the adapter as a
tracked background task, so Slack always gets its answer well within 3 seconds
whatever the analysis costs. Bolt runs with ``process_before_response=True``:
because listeners only ack and spawn, responding after them is immediate, and a
task is registered before Slack hears back (tests can ``drain()`` right after)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.render import PRACTICE_CALLBACK, pending_modal
from adapters.slack.settings import SlackSettings

if TYPE_CHECKING:
    from adapters.slack.adapter import SlackAdapter

COMMAND = "/lp"
SHORTCUT_CALLBACK = "star_feedback"
#: Bot events the app subscribes to; the manifests list exactly these.
BOT_EVENTS = ("message.channels", "message.groups", "app_uninstalled", "tokens_revoked")
#: OAuth scopes the app needs; the manifests list exactly these.
BOT_SCOPES = (
    "channels:history",  # thread replies in public channels (message.channels)
    "channels:join",  # join a public channel when a post says not_in_channel
    "chat:write",  # post, update and delete the bot's messages, ephemeral replies
    "commands",  # the /lp command and the message shortcut
    "groups:history",  # thread replies in private channels the bot was invited to
    "users:read",  # users.info: display names and who is a workspace admin
)
#: How often a 429 is waited out (with Retry-After) before the call fails.
RATE_LIMIT_RETRIES = 3


def web_api_base_url(api_url: str) -> str:
    """``SLACK_API_URL`` as the client's base: the methods are joined onto it, so it
    must end with exactly one slash ("http://h/api" and "http://h/api/" agree)."""
    return api_url.rstrip("/") + "/"


def make_web_client(settings: SlackSettings) -> AsyncWebClient:
    extra: dict[str, Any] = {}
    if settings.api_url:
        extra["base_url"] = web_api_base_url(settings.api_url)
    return AsyncWebClient(
        token=settings.bot_token,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(),
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
        **extra,
    )


class _ClientGivenNotice(logging.Filter):
    """Bolt warns that SLACK_BOT_TOKEN in the environment is unused when a client is
    given; here the client is built from that very token, so the warning misleads."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def bolt_logger() -> logging.Logger:
    logger = logging.getLogger("adapters.slack.bolt")
    if not any(isinstance(f, _ClientGivenNotice) for f in logger.filters):
        logger.addFilter(_ClientGivenNotice())
    return logger


def build_app(adapter: SlackAdapter, client: AsyncWebClient) -> AsyncApp:
    app = AsyncApp(
        name="lpbot",
        logger=bolt_logger(),
        client=client,
        process_before_response=True,
        # Signatures are checked by adapters.slack.server before Bolt sees a request
        # (Socket Mode needs no signature: the connection is authenticated).
        request_verification_enabled=False,
    )

    @app.command(COMMAND)
    async def on_command(ack: Any, command: dict[str, Any]) -> None:
        await ack()
        adapter.spawn(adapter.inbound.command(command), f"{COMMAND} {command.get('text', '')}")

    @app.event("message")
    async def on_message(ack: Any, body: dict[str, Any], event: dict[str, Any]) -> None:
        await ack()
        adapter.spawn(adapter.inbound.message(body, event), "message event")

    @app.event("app_uninstalled")
    async def on_uninstalled(ack: Any) -> None:
        await ack()
        adapter.token_lost("the app was uninstalled from the workspace")

    @app.event("tokens_revoked")
    async def on_tokens_revoked(ack: Any, event: dict[str, Any]) -> None:
        await ack()
        if (event.get("tokens") or {}).get("bot"):
            adapter.token_lost("the bot token was revoked")

    @app.shortcut(SHORTCUT_CALLBACK)
    async def on_shortcut(ack: Any, body: dict[str, Any]) -> None:
        await ack()
        adapter.spawn(adapter.inbound.shortcut(body), "message shortcut")

    @app.view(PRACTICE_CALLBACK)
    async def on_practice(ack: Any, body: dict[str, Any]) -> None:
        # The modal switches to a "reading your answer" view now; the feedback
        # replaces it (views.update) once ready.
        await ack(response_action="update", view=pending_modal())
        adapter.spawn(adapter.inbound.practice(body), "practice answer")

    return app
