"""The inbox: answers, edits and deletes are written to storage as they arrive and
cleared once handled, so an event the platform was already told we have (Slack's
acknowledgement) survives a killed process: the next start handles what is left.

Events are kept in the core's own terms (``bot.events``), as JSON."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.events import AnswerDeleted, AnswerEdited, AnswerPosted, ChannelRef, User
from storage.base import Storage, StorageError

log = logging.getLogger(__name__)

InboundEvent = AnswerPosted | AnswerEdited | AnswerDeleted
KINDS: dict[type, str] = {AnswerPosted: "answer", AnswerEdited: "edit", AnswerDeleted: "delete"}


def event_key(event: InboundEvent) -> str:
    return f"{KINDS[type(event)]}:{event.channel.platform}:{event.message_id}"


def encode(event: InboundEvent) -> str:
    data: dict[str, Any] = {
        "channel": [event.channel.platform, event.channel.id, event.channel.workspace],
        "thread_id": event.thread_id,
        "message_id": event.message_id,
    }
    if not isinstance(event, AnswerDeleted):
        data["author"] = [event.author.id, event.author.name, event.author.is_admin]
        data["text"] = event.text
        data["at"] = event.at.isoformat() if event.at else None
    return json.dumps(data, ensure_ascii=False)


def decode(kind: str, payload: str) -> InboundEvent:
    data = json.loads(payload)
    platform, channel_id, workspace = data["channel"]
    channel = ChannelRef(platform, channel_id, workspace)
    if kind == "delete":
        return AnswerDeleted(channel, data["thread_id"], data["message_id"])
    user_id, name, is_admin = data["author"]
    at = datetime.fromisoformat(data["at"]) if data.get("at") else None
    cls = AnswerPosted if kind == "answer" else AnswerEdited
    return cls(channel, data["thread_id"], data["message_id"], User(user_id, name, is_admin),
               data["text"], at)


class Inbox:
    def __init__(self, storage: Storage, clock: Clock) -> None:
        self.storage = storage
        self.clock = clock

    async def keep(self, event: InboundEvent) -> str:
        """Write the event; its key. Raises ``StorageError`` (the caller holds the
        event in memory instead)."""
        key = event_key(event)
        await self.storage.inbox_keep(key, KINDS[type(event)], encode(event), self.clock())
        return key

    async def done(self, key: str) -> None:
        try:
            await self.storage.inbox_done(key)
        except StorageError as exc:
            # Handled twice after a restart is harmless: answers are stored once.
            log.warning("Could not clear %s from the inbox: %s", key, exc)

    async def waiting(self) -> list[tuple[str, InboundEvent]]:
        found = []
        for key, kind, payload in await self.storage.inbox_waiting():
            try:
                found.append((key, decode(kind, payload)))
            except (ValueError, KeyError, TypeError) as exc:
                log.error("Dropped unreadable inbox entry %s: %s", key, exc)
                await self.done(key)
        return found
