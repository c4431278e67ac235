"""``LPBot``: the core service every adapter talks to. It owns the storage, the
bank, the daily scheduler and the platforms' outbound ports, and routes the core's
events to the module that handles them."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any

from bank import merge_custom
from bank.model import Bank, Principle
from bot.answers import AnswerHandler
from bot.channels import ChannelSchedules
from bot.clock import Clock, utc_now
from bot.commands import Commands
from bot.config import Settings
from bot.daily import DailyPost, PostingLocks, PostOutcome
from bot.events import (
    AnswerDeleted,
    AnswerEdited,
    AnswerPosted,
    ChannelRef,
    CommandInvoked,
    FeedbackRequested,
    PracticeAnswer,
)
from bot.feedback_delivery import FeedbackDelivery, analyze_in_thread
from bot.held import HeldEvents
from bot.inbox import InboundEvent, Inbox
from bot.later_answers import LaterAnswers
from bot.outbox import Outbox, OutboxTiming
from bot.platform import ChatPlatform, reply_limit
from bot.replies import COMMAND_FAILED, DATABASE_BUSY, CommandResult, LaterAnswer, Reply
from bot.scheduler import DailyPostScheduler
from bot.star import render_feedback
from storage.base import ChannelConfig, Storage, StorageError

log = logging.getLogger(__name__)



class LPBot:
    def __init__(
        self,
        storage: Storage,
        bank: Bank,
        settings: Settings | None = None,
        *,
        clock: Clock = utc_now,
        rng: random.Random | None = None,
    ) -> None:
        self.storage = storage
        self.settings = settings or Settings()
        self.clock = clock
        self.rng = rng or random.Random()
        # A copy: community questions from the database are added on start.
        self.bank = Bank(list(bank.principles), list(bank.questions))
        self.platforms: dict[str, ChatPlatform] = {}
        self.posting = PostingLocks()
        self.outbox = Outbox(
            storage,
            self.platforms,
            clock,
            timing=OutboxTiming(
                send_timeout=self.settings.send_timeout,
                lease=timedelta(seconds=self.settings.send_timeout + 10),
            ),
            rng=self.rng,
        )
        grace = timedelta(hours=self.settings.grace_hours)
        self.daily = DailyPost(
            storage, self.bank, self.platforms, clock, self.rng, self.posting, self.outbox,
            grace=grace, unavailable=self.channel_unavailable,
        )
        self.feedback = FeedbackDelivery(
            storage, self.bank, self.outbox, clock,
            deadline=timedelta(hours=self.settings.reply_hours),
        )
        self.later_answers = LaterAnswers(self.outbox, clock)
        self.answers = AnswerHandler(
            storage, self.platforms, clock, self.posting, self.bank, self.feedback
        )
        self.retries = HeldEvents(clock)
        self.inbox = Inbox(storage, clock)
        self.scheduler = DailyPostScheduler(
            storage,
            self._post_due,
            clock=clock,
            grace=grace,
        )
        self.channels = ChannelSchedules(
            storage,
            self.scheduler,
            clock,
            default_time=self.settings.post_time,
            default_timezone=self.settings.timezone,
        )
        self.commands = Commands(
            bank=self.bank,
            storage=storage,
            platforms=self.platforms,
            clock=clock,
            rng=self.rng,
            daily=self.daily,
            channels=self.channels,
        )
        self._started = False
        self._catching_up: asyncio.Task[None] | None = None

    def add_platform(self, platform: ChatPlatform) -> None:
        self.platforms[platform.name] = platform

    def principles(self) -> list[Principle]:
        return list(self.bank.principles)

    # lifecycle -------------------------------------------------------------------
    async def start(
        self,
        home_channels: list[ChannelRef] | tuple[ChannelRef, ...] = (),
        *,
        background: bool = False,
    ) -> None:
        """Load community questions, make sure ``home_channels`` (the terminal
        channel) have a schedule, start the outbox and the scheduler, and catch up
        missed posts: before returning, or with ``background`` while the caller goes
        on (``lpbot run``: the platforms connect, and Slack's endpoint answers, while
        missed posts go out; ``settled`` waits for it)."""
        merged = merge_custom(self.bank, await self.storage.custom_questions())
        self.bank.questions[:] = merged.questions
        for channel in home_channels:
            config = await self.channel_config(channel)
            if not config.scheduled:
                config.scheduled = True
                config.scheduled_since = self.clock()
                await self.storage.save_channel(config)
        self.outbox.start()
        await self.scheduler.start(catch_up=False)
        self._started = True
        if background:
            self._catching_up = asyncio.create_task(self._catch_up(), name="catch-up")
        else:
            await self._catch_up()

    async def settled(self) -> None:
        """Wait until catch-up is done, the outbox has nothing due and no held event
        waits (tests, ``lpbot run --now``)."""
        if self._catching_up is not None:
            await asyncio.gather(self._catching_up, return_exceptions=True)
        await self.retries.drain()
        await self.outbox.idle()

    async def stop(self) -> None:
        if self._started:
            if self._catching_up is not None:
                self._catching_up.cancel()
                await asyncio.gather(self._catching_up, return_exceptions=True)
            await self.scheduler.shutdown()
            await self.retries.stop()
            await self.outbox.stop()
            self._started = False

    # channels --------------------------------------------------------------------
    async def channel_config(self, channel: ChannelRef) -> ChannelConfig:
        """The channel's stored config, or the defaults from the settings."""
        return await self.channels.get(channel)

    async def save_schedule(self, config: ChannelConfig) -> None:
        await self.channels.save(config)

    async def channel_unavailable(self, channel: ChannelRef, reason: str) -> None:
        await self.channels.unavailable(channel, reason)

    # outbound ------------------------------------------------------------------
    async def _post_due(self, config: ChannelConfig, local_date: date, due_at: datetime) -> None:
        await self.daily.post(config, local_date, due_at=due_at)

    async def post_daily(
        self, channel: ChannelRef, local_date: date | None = None, due_at: datetime | None = None
    ) -> PostOutcome:
        config = await self.channel_config(channel)
        return await self.daily.post(config, local_date, due_at=due_at)

    # inbound events ------------------------------------------------------------
    async def on_answer(self, event: AnswerPosted) -> None:
        await self._unless_storage_fails("Answer", event, self.answers.on_answer)

    async def on_answer_edited(self, event: AnswerEdited) -> None:
        await self._unless_storage_fails("Edit of", event, self.answers.on_answer_edited)

    async def on_answer_deleted(self, event: AnswerDeleted) -> None:
        await self._unless_storage_fails("Delete of", event, self.answers.on_answer_deleted)

    async def _unless_storage_fails(
        self,
        what: str,
        event: AnswerPosted | AnswerEdited | AnswerDeleted,
        handler: Callable[[Any], Awaitable[None]],
    ) -> None:
        async def handle_and_clear(event: InboundEvent) -> None:
            # Written first, so a process killed while handling it handles it on its
            # next start (the platform was already told we have it).
            key = await self.inbox.keep(event)
            await handler(event)
            await self.inbox.done(key)

        try:
            await handle_and_clear(event)
        except StorageError as exc:
            # Storage is busy or gone for now: keep the event and try again, so the
            # answer is stored and its author still gets feedback.
            self.retries.hold(what, event, handle_and_clear, exc)

    async def _handle_inbox(self) -> None:
        """Events a stopped process kept and did not finish: handled again (an answer
        already stored is not stored twice, and gets its feedback if it had none)."""
        handlers = {
            AnswerPosted: self.on_answer,
            AnswerEdited: self.on_answer_edited,
            AnswerDeleted: self.on_answer_deleted,
        }
        waiting = await self.inbox.waiting()
        if waiting:
            log.warning("Handling %d answer event(s) a stopped process left", len(waiting))
        for _, event in waiting:
            await handlers[type(event)](event)  # type: ignore[operator]

    async def _catch_up(self) -> None:
        await self._handle_inbox()
        await self.scheduler.catch_up()

    async def on_command(self, event: CommandInvoked) -> CommandResult:
        try:
            return await self.commands.run(event)
        except StorageError as exc:
            log.error("/lp %s in %s: %s", event.name, event.channel.key, exc)
            return CommandResult(DATABASE_BUSY, private=True)
        except Exception:
            log.exception("/lp %s failed in %s", event.name, event.channel.key)
            return CommandResult(COMMAND_FAILED, private=True)

    async def on_practice_answer(self, event: PracticeAnswer) -> Reply:
        principle = None
        if event.question_id:
            try:
                principle = self.bank.question(event.question_id).principle
            except KeyError:
                principle = None
        return await self.answers.practice(event, principle)

    async def on_feedback_request(self, event: FeedbackRequested) -> Reply:
        report = await analyze_in_thread(event.text, None, None, self.bank)
        return render_feedback(report, limit=reply_limit(self.platforms, event.channel))

    async def answer_later(self, answer: LaterAnswer) -> None:
        await self.later_answers.send(answer, self.platforms.get(answer.channel.platform))

    async def first_time(self, event_key: str) -> bool:
        try:
            return await self.storage.mark_event_seen(event_key, self.clock())
        except StorageError as exc:
            # Better handled twice than lost: a stored answer is unique per message.
            log.warning("Could not check event %s for a repeat (%s); handling it", event_key, exc)
            return True
