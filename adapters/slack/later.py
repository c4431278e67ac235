"""Answers Slack takes after the 3-second acknowledgement (``Core.answer_later``).

A command's or shortcut's answer goes through its ``response_url``; a practice
form's feedback replaces the modal (``views.update``). When that route is gone (the
URL expired or was used up, the modal was closed) the answer goes to the person as an
ephemeral message, or to the channel when it was public.

A response_url message cannot be looked up, so a resend after an attempt that may
have landed uses ``replace_original``: it takes the place of the first one, and the
person sees one answer either way."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.render import fallback_text, feedback_modal, reply_blocks
from bot.events import ChannelRef
from bot.platform import PlatformError, RateLimited
from bot.replies import LaterAnswer, Reply

if TYPE_CHECKING:
    from adapters.slack.adapter import SlackAdapter

log = logging.getLogger(__name__)

#: Slack accepts a response_url for 30 minutes (and up to five messages).
RESPONSE_URL_LIFETIME = timedelta(minutes=30)
#: views.update on a modal the person closed (or one that expired).
VIEW_GONE = frozenset({"not_found", "view_not_found", "expired_trigger_id"})


@dataclass(frozen=True)
class SlackRoute:
    response_url: str | None = None
    view_id: str | None = None

    def encode(self) -> str:
        return json.dumps({"response_url": self.response_url, "view_id": self.view_id})

    @classmethod
    def decode(cls, route: str) -> SlackRoute:
        try:
            data = json.loads(route)
        except ValueError:
            return cls()
        return cls(data.get("response_url"), data.get("view_id"))


def later_answer(
    key: str,
    channel: ChannelRef,
    user_id: str,
    reply: Reply,
    route: SlackRoute,
    *,
    private: bool = True,
) -> LaterAnswer:
    return LaterAnswer(
        channel, f"slack:{key}", route.encode(), reply, user_id, private, RESPONSE_URL_LIFETIME
    )


class LaterSender:
    def __init__(self, adapter: SlackAdapter) -> None:
        self.adapter = adapter

    async def send(self, answer: LaterAnswer, *, tag: str, again: bool) -> str | None:
        route = SlackRoute.decode(answer.route)
        channel, reply, private = answer.channel, answer.reply, answer.private
        if route.view_id and await self._update_view(route.view_id, reply):
            return route.view_id
        if route.response_url and await self._respond(route.response_url, reply, private, again):
            return None
        if private:
            return await self._ephemeral(channel, answer.user_id, reply)
        found = await self.adapter.find_reply(channel, tag) if again else None
        return found or await self.adapter.send_reply(channel, reply, tag=tag)

    async def _update_view(self, view_id: str, reply: Reply) -> bool:
        """Show the feedback in the modal (idempotent: the same view, replaced);
        False when the modal is gone, so the answer goes another way."""
        update = self.adapter.client.views_update(view_id=view_id, view=feedback_modal(reply))
        try:
            await self.adapter.api(update, "show the feedback", keep=VIEW_GONE)
        except SlackApiError as error:
            log.info("Slack: the modal is gone (%s); sending the feedback as an ephemeral "
                     "message", error.response.get("error"))
            return False
        return True

    async def _respond(self, url: str, reply: Reply, private: bool, again: bool) -> bool:
        """Send through the response_url; False when Slack no longer takes it there
        (expired, used up). Outages and 429s are raised for the outbox to retry."""
        message: dict[str, Any] = {
            "text": fallback_text(reply),
            "blocks": reply_blocks(reply),
            "response_type": "ephemeral" if private else "in_channel",
            "replace_original": again,
        }
        webhook = AsyncWebhookClient(url, session=self._session())
        try:
            response = await webhook.send_dict(message)
        except (SlackClientError, aiohttp.ClientError, OSError) as error:
            refused = isinstance(error, aiohttp.ClientConnectorError | ConnectionRefusedError)
            raise PlatformError(
                f"Slack's response_url failed: {type(error).__name__} {error}",
                maybe_sent=not refused,
            ) from None
        status, body = response.status_code, str(response.body or "").strip()
        if status == 200:
            return True
        if status == 429:
            retry_after = response.headers.get("Retry-After") or response.headers.get("retry-after")
            raise RateLimited("Slack's response_url answered 429", _seconds(retry_after))
        if status >= 500:
            raise PlatformError(f"Slack's response_url answered {status} {body}")
        if again and body in ("message_not_found", "cannot_replace"):
            return await self._respond(url, reply, private, again=False)
        log.info("Slack: response_url answered %s %s; answering another way", status, body)
        return False

    def _session(self) -> aiohttp.ClientSession | None:
        session = self.adapter.client.session
        return session if session is not None and not session.closed else None

    async def _ephemeral(self, channel: ChannelRef, user_id: str, reply: Reply) -> str | None:
        response = await self.adapter.api(
            self.adapter.client.chat_postEphemeral(
                channel=channel.id,
                user=user_id,
                text=fallback_text(reply),
                blocks=reply_blocks(reply),
            ),
            "answer privately",
            channel.id,
        )
        return response.get("message_ts")


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None

