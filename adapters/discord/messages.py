"""Messages in threads as the core's answer events.

Edits and deletions use discord.py's raw events, which fire whether or not the message
is in the client's cache: after a restart the cache is empty, and threads opened before
it must keep working. An answer's thread is known by id; its parent channel comes from
the cache (Discord sends active threads with each server at connect) or, for a thread
the cache does not hold, from one ``GET /channels/{id}``.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from datetime import datetime
from typing import Any

import discord

from bot.events import AnswerDeleted, AnswerEdited, AnswerPosted, ChannelRef, User

log = logging.getLogger(__name__)

PLATFORM = "discord"
ANSWER_TYPES = (discord.MessageType.default, discord.MessageType.reply)
_REMEMBERED_CHANNELS = 4096


class ThreadParents:
    """Which channel a thread belongs to (None: the channel is not a thread)."""

    def __init__(self) -> None:
        self._known: OrderedDict[int, int | None] = OrderedDict()

    async def parent_of(self, client: discord.Client, channel_id: int) -> int | None:
        channel = client.get_channel(channel_id)
        if isinstance(channel, discord.Thread):
            return channel.parent_id
        if channel is not None:
            return None
        if channel_id in self._known:
            self._known.move_to_end(channel_id)
            return self._known[channel_id]
        try:
            fetched = await client.fetch_channel(channel_id)
        except discord.HTTPException as exc:
            log.debug("Could not look up channel %s: %s", channel_id, exc)
            return None
        parent = fetched.parent_id if isinstance(fetched, discord.Thread) else None
        self._known[channel_id] = parent
        if len(self._known) > _REMEMBERED_CHANNELS:
            self._known.popitem(last=False)
        return parent


def _author(data: dict[str, Any]) -> tuple[User, bool]:
    author = data.get("author") or {}
    member = data.get("member") or {}
    name = member.get("nick") or author.get("global_name") or author.get("username") or ""
    return User(id=str(author.get("id", "")), name=name), bool(author.get("bot"))


def _timestamp(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


class MessageTranslator:
    def __init__(self) -> None:
        self.threads = ThreadParents()

    async def _where(
        self, client: discord.Client, channel_id: int, guild_id: int | None
    ) -> ChannelRef | None:
        if guild_id is None:
            return None
        parent = await self.threads.parent_of(client, channel_id)
        if parent is None:
            return None
        return ChannelRef(PLATFORM, str(parent), str(guild_id))

    async def posted(self, client: discord.Client, message: discord.Message) -> AnswerPosted | None:
        """An answer, or None for anything the core should not see: messages from bots
        (the bot's own included), system messages, messages outside threads, and empty
        text (what Discord sends when the Message Content intent is off)."""
        if message.author.bot or message.guild is None or message.type not in ANSWER_TYPES:
            return None
        if not message.content.strip():
            return None
        where = await self._where(client, message.channel.id, message.guild.id)
        if where is None:
            return None
        author = User(id=str(message.author.id), name=message.author.display_name)
        return AnswerPosted(
            channel=where,
            thread_id=str(message.channel.id),
            message_id=str(message.id),
            author=author,
            text=message.content,
            at=message.created_at,
        )

    async def edited(
        self, client: discord.Client, payload: discord.RawMessageUpdateEvent
    ) -> AnswerEdited | None:
        data: dict[str, Any] = dict(payload.data)
        if "content" not in data or not str(data["content"]).strip():
            return None
        author, is_bot = _author(data)
        if is_bot:
            return None
        cached = payload.cached_message
        if cached is not None and cached.content == data["content"]:
            return None  # a link preview arrived; the text did not change
        guild_id = payload.guild_id or _int(data.get("guild_id"))
        where = await self._where(client, payload.channel_id, guild_id)
        if where is None:
            return None
        return AnswerEdited(
            channel=where,
            thread_id=str(payload.channel_id),
            message_id=str(payload.message_id),
            author=author,
            text=str(data["content"]),
            at=_timestamp(data.get("edited_timestamp")),
        )

    async def deleted(
        self, client: discord.Client, payload: discord.RawMessageDeleteEvent
    ) -> AnswerDeleted | None:
        cached = payload.cached_message
        if cached is not None and cached.author.bot:
            return None
        where = await self._where(client, payload.channel_id, payload.guild_id)
        if where is None:
            return None
        return AnswerDeleted(
            channel=where, thread_id=str(payload.channel_id), message_id=str(payload.message_id)
        )


def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
