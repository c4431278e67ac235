"""``LPBot``: the core service every adapter talks to. It owns the storage, the
bank, the daily scheduler and the platforms' outbound ports, and routes the core's
events to the module that handles them."""

from __future__ import annotations

import logging
import random
from collections.abc import Coroutine
from datetime import date, timedelta
from typing import Any

from bank import merge_custom
from bank.model import Bank, Principle
from bot.answers import AnswerHandler, analyze_in_thread
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
from bot.platform import ChatPlatform, reply_limit
from bot.replies import COMMAND_FAILED, DATABASE_BUSY, CommandResult, Reply
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
        self.daily = DailyPost(storage, self.bank, self.platforms, clock, self.rng, self.posting)
        self.answers = AnswerHandler(storage, self.platforms, clock, self.posting, self.bank)
        self.scheduler = DailyPostScheduler(
            storage,
            self.post_daily,
            clock=clock,
            grace=timedelta(hours=self.settings.grace_hours),
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
            posting=self.posting,
            daily=self.daily,
            channels=self.channels,
        )
        self._started = False

    def add_platform(self, platform: ChatPlatform) -> None:
        self.platforms[platform.name] = platform

    def principles(self) -> list[Principle]:
        return list(self.bank.principles)

    # lifecycle -------------------------------------------------------------------
    async def start(self, home_channels: list[ChannelRef] | tuple[ChannelRef, ...] = ()) -> None:
        """Load community questions, make sure ``home_channels`` (the terminal
        channel) have a schedule, start the scheduler and catch up missed posts."""
        merged = merge_custom(self.bank, await self.storage.custom_questions())
        self.bank.questions[:] = merged.questions
        for channel in home_channels:
            config = await self.channel_config(channel)
            if not config.scheduled:
                config.scheduled = True
                config.scheduled_since = self.clock()
                await self.storage.save_channel(config)
        await self.scheduler.start()
        self._started = True

    async def stop(self) -> None:
        if self._started:
            await self.scheduler.shutdown()
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
    async def post_daily(self, channel: ChannelRef, local_date: date | None = None) -> PostOutcome:
        config = await self.channel_config(channel)
        outcome = await self.daily.post(config, local_date)
        if outcome.status == "unavailable":
            await self.scheduler.sync_channel(await self.channel_config(channel))
        return outcome

    # inbound events ------------------------------------------------------------
    async def on_answer(self, event: AnswerPosted) -> None:
        await self._unless_storage_fails("Answer", event, self.answers.on_answer(event))

    async def on_answer_edited(self, event: AnswerEdited) -> None:
        await self._unless_storage_fails("Edit of", event, self.answers.on_answer_edited(event))

    async def on_answer_deleted(self, event: AnswerDeleted) -> None:
        await self._unless_storage_fails("Delete of", event, self.answers.on_answer_deleted(event))

    async def _unless_storage_fails(
        self,
        what: str,
        event: AnswerPosted | AnswerEdited | AnswerDeleted,
        work: Coroutine[Any, Any, None],
    ) -> None:
        try:
            await work
        except StorageError as exc:
            # The answer stays on the platform; editing it later retries.
            log.error(
                "%s %s in %s not handled: %s", what, event.message_id, event.channel.key, exc
            )

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

    async def first_time(self, event_key: str) -> bool:
        return await self.storage.mark_event_seen(event_key, self.clock())
