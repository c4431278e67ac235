"""Answers that go after the platform's acknowledgement, through the outbox.

Slack wants a command acknowledged within 3 s and takes its answer later through the
command's ``response_url``; Discord's deferred interactions are finished the same way.
Such an answer cannot be rebuilt from storage (it may be a practice answer's feedback,
and it needs the interaction's route), so its row carries it as its payload."""

from __future__ import annotations

import json
import logging

from bot.clock import Clock
from bot.outbox import Courier, Outbox, Undeliverable
from bot.platform import ChatPlatform, PlatformError
from bot.replies import LaterAnswer, Reply
from storage.base import OutboxEntry, OutboxItem, StorageError

log = logging.getLogger(__name__)

LATER_ANSWER = "later-answer"


def later_entry(answer: LaterAnswer, clock: Clock) -> OutboxEntry:
    now = clock()
    payload = {
        "route": answer.route,
        "user": answer.user_id,
        "private": answer.private,
        "reply": answer.reply.to_data(),
    }
    return OutboxEntry(
        key=f"{LATER_ANSWER}:{answer.key}",
        kind=LATER_ANSWER,
        channel=answer.channel,
        deadline=now + answer.expires_in,
        created_at=now,
        payload=json.dumps(payload, ensure_ascii=False),
    )


def stored_answer(item: OutboxItem) -> LaterAnswer:
    """The answer ``later_entry`` wrote into the row's payload."""
    try:
        data = json.loads(item.payload or "")
        reply = Reply.from_data(data["reply"])
        return LaterAnswer(
            item.channel, item.key.removeprefix(f"{LATER_ANSWER}:"), data["route"], reply,
            data["user"], bool(data["private"]), item.deadline - item.created_at,
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise Undeliverable(f"its stored content is unreadable ({exc})") from exc


class LaterAnswerCourier(Courier):
    kind = LATER_ANSWER

    async def deliver(self, item: OutboxItem, platform: ChatPlatform) -> str | None:
        return await platform.send_later_answer(
            stored_answer(item), tag=item.key, again=item.in_doubt
        )


class LaterAnswers:
    def __init__(self, outbox: Outbox, clock: Clock) -> None:
        self.outbox = outbox
        self.clock = clock
        outbox.register(LaterAnswerCourier())

    async def send(self, answer: LaterAnswer, platform: ChatPlatform | None) -> None:
        """Keep the answer and make its first attempt now; what fails is retried by
        the outbox until the route expires."""
        entry = later_entry(answer, self.clock)
        try:
            await self.outbox.send(entry)
        except StorageError as exc:
            # It cannot be kept: one attempt straight away beats no answer at all.
            log.warning("Outbox: could not keep %s (%s); sending it once", entry.key, exc)
            if platform is None:
                log.error("Outbox: gave up %s: %s is not connected",
                          entry.key, answer.channel.platform)
                return
            try:
                await platform.send_later_answer(answer, tag=entry.key, again=False)
            except PlatformError as error:
                log.error("Outbox: gave up %s: %s", entry.key, error)
