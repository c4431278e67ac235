"""Discord's deferred interactions, finished through the outbox (``Core.answer_later``).

An interaction the core could not answer within the acknowledgement budget is
deferred ("lpbot is thinking..."), and its answer replaces that placeholder
(``PATCH /webhooks/{application}/{token}/messages/@original``). The edit is idempotent,
so a retry after an attempt that may have landed shows the answer once. The route is
the interaction token, valid for 15 minutes: an answer that cannot go by then is given
up with a logged reason."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import timedelta

import discord
from discord.webhook.async_ import async_context

from adapters.discord.render import embed_for
from bot.events import ChannelRef
from bot.platform import MessageRejected
from bot.replies import LaterAnswer, Reply

#: Discord accepts an interaction's token for 15 minutes; a minute is kept in hand.
TOKEN_LIFETIME = timedelta(minutes=14)
#: An interaction token Discord no longer takes: it is the route, not the bot token.
INVALID_WEBHOOK_TOKEN = 50027
UNKNOWN_WEBHOOK = 10015
UNKNOWN_MESSAGE = 10008
ROUTE_GONE = (INVALID_WEBHOOK_TOKEN, UNKNOWN_WEBHOOK, UNKNOWN_MESSAGE)


@dataclass(frozen=True)
class InteractionRoute:
    application_id: int
    token: str

    def encode(self) -> str:
        return json.dumps({"application_id": self.application_id, "token": self.token})

    @classmethod
    def decode(cls, route: str) -> InteractionRoute:
        try:
            data = json.loads(route)
            return cls(int(data["application_id"]), str(data["token"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise MessageRejected(f"the interaction's route is unreadable ({exc})") from exc


def later_answer(
    interaction: discord.Interaction, channel: ChannelRef, reply: Reply
) -> LaterAnswer:
    route = InteractionRoute(interaction.application_id, interaction.token)
    return LaterAnswer(
        channel,
        f"discord:{interaction.id}:{uuid.uuid4().hex[:8]}",
        route.encode(),
        reply,
        str(interaction.user.id),
        private=True,
        expires_in=TOKEN_LIFETIME,
    )


async def finish_deferred(client: discord.Client, route: InteractionRoute, reply: Reply) -> None:
    """Replace the deferred placeholder with the answer, as discord.py's own
    ``Interaction.edit_original_response`` does; raises ``discord.HTTPException``
    (an expired token as ``MessageRejected``: no retry can help)."""
    webhook = discord.Webhook.partial(route.application_id, route.token, client=client)
    payload = {"embeds": [embed_for(reply).to_dict()], "components": []}
    try:
        await async_context.get().edit_original_interaction_response(
            route.application_id, route.token, session=webhook.session, payload=payload
        )
    except discord.HTTPException as exc:
        if exc.status == 401 or exc.code in ROUTE_GONE:
            raise MessageRejected(
                f"Discord no longer takes this interaction's answer ({exc.status} {exc.text})"
            ) from exc
        raise
