"""Outbox couriers for what the bot says about an answer: the feedback reply, its
update after an edit, and its removal after a delete.

The feedback is rendered when it is sent, from the answer as stored then, so a reply
that waited out an outage (or an edit made meanwhile) shows the latest text."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bank.model import Bank
from bot.clock import Clock
from bot.outbox import Courier, Outbox, Undeliverable
from bot.platform import ChatPlatform
from bot.replies import Reply
from bot.star import StarReport, analyze, render_feedback
from storage.base import AnswerRecord, OutboxEntry, OutboxItem, Storage

log = logging.getLogger(__name__)

FEEDBACK = "feedback"
EDIT = "feedback-edit"
DELETE = "feedback-delete"


async def analyze_in_thread(
    text: str, principle: str | None, question_id: str | None, bank: Bank
) -> StarReport:
    # The analyzer is pure and CPU-bound; a thread keeps the event loop (and the
    # platforms' heartbeats) responsive while it runs.
    return await asyncio.to_thread(analyze, text, principle, question_id, bank=bank)


async def feedback_for(answer: AnswerRecord, bank: Bank, limit: int) -> Reply:
    report = await analyze_in_thread(answer.text, answer.principle, answer.question_id, bank)
    return render_feedback(report, limit=limit)


class FeedbackDelivery:
    """Puts feedback work in the outbox, and the couriers that deliver it."""

    def __init__(
        self,
        storage: Storage,
        bank: Bank,
        outbox: Outbox,
        clock: Clock,
        *,
        deadline: timedelta = timedelta(hours=3),
    ) -> None:
        self.storage = storage
        self.bank = bank
        self.outbox = outbox
        self.clock = clock
        self.deadline = deadline
        for courier in (FeedbackCourier(self), EditCourier(self), DeleteCourier(self)):
            outbox.register(courier)

    def _entry(self, kind: str, answer: AnswerRecord, thread_id: str | None,
               **extra: str | None) -> OutboxEntry:
        now = self.clock()
        return OutboxEntry(
            key=f"{kind}:{answer.id}",
            kind=kind,
            channel=answer.channel,
            deadline=now + self.deadline,
            created_at=now,
            answer_id=answer.id,
            post_id=answer.post_id,
            thread_id=thread_id,
            **extra,  # type: ignore[arg-type]
        )

    async def reply(self, answer: AnswerRecord, thread_id: str | None) -> None:
        """Send the feedback on a newly stored answer (the first attempt here)."""
        entry = self._entry(FEEDBACK, answer, thread_id, reply_to=answer.message_id)
        await self.outbox.send(entry, reopen=True)

    async def update(self, answer: AnswerRecord, thread_id: str | None) -> None:
        """The answer was edited: edit the feedback, or send it if it never went."""
        if answer.feedback_message_id is None:
            waiting = await self.storage.get_outbox(f"{FEEDBACK}:{answer.id}")
            if waiting is not None and waiting.state in ("pending", "sending"):
                return  # it renders the edited text when it goes
            await self.reply(answer, thread_id)
            return
        await self.outbox.send(self._entry(EDIT, answer, thread_id), reopen=True)

    async def remove(self, answer: AnswerRecord, thread_id: str | None) -> None:
        """The answer was deleted: delete its feedback (a reply still waiting finds
        the answer gone and is given up)."""
        if answer.feedback_message_id is None:
            return
        entry = self._entry(DELETE, answer, thread_id, message_id=answer.feedback_message_id)
        await self.outbox.send(entry)

    async def remove_message(
        self, answer: AnswerRecord, message_id: str, thread_id: str | None
    ) -> None:
        """Delete a reply that went out for an answer deleted meanwhile (the worker
        sends it: this runs inside another message's attempt)."""
        await self.outbox.put(self._entry(DELETE, answer, thread_id, message_id=message_id))

    async def current_answer(self, item: OutboxItem) -> AnswerRecord:
        answer = await self.storage.get_answer(item.answer_id or 0)
        if answer is None:
            raise Undeliverable("the answer was deleted")
        return answer


class FeedbackCourier(Courier):
    kind = FEEDBACK

    def __init__(self, delivery: FeedbackDelivery) -> None:
        self.delivery = delivery

    async def deliver(self, item: OutboxItem, platform: ChatPlatform) -> str | None:
        storage = self.delivery.storage
        answer = await self.delivery.current_answer(item)
        if answer.feedback_message_id:
            return answer.feedback_message_id  # recorded by an attempt a crash cut short
        message_id = None
        if item.in_doubt:
            message_id = await platform.find_reply(item.channel, item.key, thread_id=item.thread_id)
        if message_id is None:
            reply = await feedback_for(answer, self.delivery.bank, platform.reply_limit)
            message_id = await platform.send_reply(
                item.channel, reply, thread_id=item.thread_id, reply_to=item.reply_to,
                tag=item.key,
            )
        if await storage.get_answer(answer.id or 0) is None:
            # Deleted while the reply was on its way: take the reply back too.
            await self.delivery.remove_message(answer, message_id, item.thread_id)
            return message_id
        await storage.set_feedback_message(answer.id or 0, message_id)
        return message_id


class EditCourier(Courier):
    kind = EDIT

    def __init__(self, delivery: FeedbackDelivery) -> None:
        self.delivery = delivery

    async def deliver(self, item: OutboxItem, platform: ChatPlatform) -> str | None:
        answer = await self.delivery.current_answer(item)
        if answer.feedback_message_id is None:
            raise Undeliverable("the feedback was never sent")
        reply = await feedback_for(answer, self.delivery.bank, platform.reply_limit)
        await platform.edit_reply(
            item.channel, answer.feedback_message_id, reply, thread_id=item.thread_id
        )
        return answer.feedback_message_id


class DeleteCourier(Courier):
    kind = DELETE

    def __init__(self, delivery: FeedbackDelivery) -> None:
        self.delivery = delivery

    async def deliver(self, item: OutboxItem, platform: ChatPlatform) -> str | None:
        if item.message_id is None:
            raise Undeliverable("no message to delete")
        await platform.delete_message(item.channel, item.message_id, thread_id=item.thread_id)
        return item.message_id
