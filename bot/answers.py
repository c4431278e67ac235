"""Answers posted in a question's thread: store, analyze, reply; edits re-analyze
and update the same feedback; deletes remove both."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from bank.model import Bank
from bot.clock import Clock
from bot.daily import PostingLocks
from bot.events import (
    AnswerDeleted,
    AnswerEdited,
    AnswerPosted,
    ChannelRef,
    PracticeAnswer,
    User,
)
from bot.feedback_delivery import FEEDBACK, FeedbackDelivery, analyze_in_thread
from bot.platform import ChatPlatform, PlatformError, reply_limit
from bot.replies import Reply
from bot.star import StarReport, render_feedback
from storage.base import AnswerExists, AnswerRecord, PostRecord, Storage

log = logging.getLogger(__name__)


class AnswerHandler:
    def __init__(
        self,
        storage: Storage,
        platforms: dict[str, ChatPlatform],
        clock: Clock,
        posting: PostingLocks,
        bank: Bank,
        feedback: FeedbackDelivery,
    ) -> None:
        self.feedback = feedback
        # The bot's bank, community questions included, so their follow-ups are used.
        self.bank = bank
        self.posting = posting
        self.storage = storage
        self.platforms = platforms
        self.clock = clock
        # One lock per message being handled: a duplicate delivery of the same answer
        # is dropped, and an edit or delete waits until the first feedback is stored
        # (otherwise a quick edit would find no feedback and send a second reply).
        self._busy: dict[tuple[str, str], asyncio.Lock] = {}

    async def _question_post(self, event: AnswerPosted | AnswerEdited) -> PostRecord | None:
        platform, thread_id = event.channel.platform, event.thread_id
        post = await self.storage.find_post_by_thread(platform, thread_id)
        if post is None:
            await self.posting.settled(event.channel)
            post = await self.storage.find_post_by_thread(platform, thread_id)
        return post

    @contextlib.asynccontextmanager
    async def _exclusive(self, key: tuple[str, str]) -> AsyncIterator[None]:
        lock = self._busy.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                yield
        finally:
            if not lock.locked() and self._busy.get(key) is lock:
                del self._busy[key]

    async def on_answer(self, event: AnswerPosted) -> None:
        key = (event.channel.platform, event.message_id)
        existing = self._busy.get(key)
        if existing is not None and existing.locked():
            return  # the same message is being answered right now
        async with self._exclusive(key):
            await self._answer(event)

    async def _answer(self, event: AnswerPosted | AnswerEdited) -> None:
        platform = self.platforms.get(event.channel.platform)
        post = await self._question_post(event)
        if platform is None or post is None:
            return
        stored = await self.storage.get_answer_by_message(event.channel.platform, event.message_id)
        if stored is not None:
            # Stored by an attempt that storage then failed (held and retried): make
            # sure its feedback is on its way.
            owed = stored.feedback_message_id is None and stored.id is not None
            if owed and await self.storage.get_outbox(f"{FEEDBACK}:{stored.id}") is None:
                await self.feedback.reply(stored, event.thread_id)
            return
        report = await analyze_in_thread(event.text, post.principle, post.question_id, self.bank)
        try:
            answer = await self._store(
                report, event.channel, event.author, event.text, event.at,
                post_id=post.id, question_id=post.question_id, principle=post.principle,
                message_id=event.message_id,
            )
        except AnswerExists:
            # Another process stored (and answers) this message first.
            log.info("Answer %s in %s is handled elsewhere", event.message_id, event.channel.key)
            return
        if answer is None:
            # Nothing to analyze (empty, unreadable): a notice, not stored, not retried.
            await self._send(platform, event, render_feedback(report, limit=platform.reply_limit))
            return
        await self.feedback.reply(answer, event.thread_id)

    async def practice(self, event: PracticeAnswer, principle: str | None) -> Reply:
        """A private answer (``/lp answer``): stored for ``/lp me``, feedback returned."""
        report = await analyze_in_thread(event.text, principle, event.question_id, self.bank)
        await self._store(
            report, event.channel, event.user, event.text, event.at,
            question_id=event.question_id, principle=principle, private=True,
        )
        return render_feedback(report, limit=reply_limit(self.platforms, event.channel))

    async def _store(
        self,
        report: StarReport,
        channel: ChannelRef,
        user: User,
        text: str,
        at: datetime | None,
        **where: Any,
    ) -> AnswerRecord | None:
        """Keep an analyzable answer with its score; empty or unreadable input is
        answered with a notice and not stored, so it never skews ``/lp me``."""
        if not report.analyzable:
            return None
        return await self.storage.save_answer(
            AnswerRecord(
                channel=channel,
                user_id=user.id,
                user_name=user.name,
                text=text,
                score=report.score,
                missing=tuple(report.missing),
                created_at=at or self.clock(),
                **where,
            )
        )

    async def _send(
        self, platform: ChatPlatform, event: AnswerPosted | AnswerEdited, reply: Reply
    ) -> str | None:
        try:
            return await platform.send_reply(
                event.channel, reply, thread_id=event.thread_id, reply_to=event.message_id
            )
        except PlatformError as exc:
            log.error("Could not send feedback in %s: %s", event.channel.key, exc)
            return None

    async def on_answer_edited(self, event: AnswerEdited) -> None:
        async with self._exclusive((event.channel.platform, event.message_id)):
            await self._edited(event)

    async def _edited(self, event: AnswerEdited) -> None:
        platform = self.platforms.get(event.channel.platform)
        if platform is None:
            return
        answer = await self.storage.get_answer_by_message(event.channel.platform, event.message_id)
        if answer is None:
            # An answer we never stored (it was empty or unreadable before the edit):
            # treat the edited text as a new answer.
            await self._answer(event)
            return
        if answer.text == event.text:
            return
        report = await analyze_in_thread(
            event.text, answer.principle, answer.question_id, self.bank
        )
        await self.storage.update_answer(
            answer.id or 0, event.text, report.score, tuple(report.missing),
            event.at or self.clock(),
        )
        updated = await self.storage.get_answer(answer.id or 0)
        if updated is not None:
            await self.feedback.update(updated, event.thread_id)

    async def on_answer_deleted(self, event: AnswerDeleted) -> None:
        async with self._exclusive((event.channel.platform, event.message_id)):
            await self._deleted(event)

    async def _deleted(self, event: AnswerDeleted) -> None:
        answer = await self.storage.get_answer_by_message(event.channel.platform, event.message_id)
        if answer is None or answer.id is None:
            return
        await self.feedback.remove(answer, event.thread_id)
        await self.storage.delete_answer(answer.id)
