"""The daily post: claim the day in storage, then ask the platform to post.

The claim comes first so that two processes, or a restart, never post the same
day twice; a claim whose owner died mid-post is taken over after ``STALE_CLAIM``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bank.model import Bank
from bot.clock import Clock
from bot.events import ChannelRef
from bot.picking import pick_question
from bot.platform import ChannelUnavailable, ChatPlatform, MissingPermission, PlatformError
from bot.replies import QuestionPost
from storage.base import ChannelConfig, PostRecord, Storage

log = logging.getLogger(__name__)

# A claim older than this with no message is treated as abandoned by a crashed process.
STALE_CLAIM = timedelta(minutes=2)


@dataclass(frozen=True)
class PostOutcome:
    """What happened to a request to post. ``status`` is one of "posted",
    "already" (someone posted or claimed it), "unavailable" (channel gone or no
    permission: the schedule is disabled), "failed" (another platform error) or
    "no-platform" (that platform is not running in this process)."""

    status: str
    record: PostRecord | None = None
    detail: str = ""


class PostingLocks:
    """A question's thread exists on the platform a moment before storage knows it;
    an answer arriving in that window waits for the post to be recorded instead of
    being taken for a message outside any question thread."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}

    @contextlib.asynccontextmanager
    async def hold(self, channel: ChannelRef) -> AsyncIterator[None]:
        async with self._locks.setdefault(channel.key, asyncio.Lock()):
            yield

    async def settled(self, channel: ChannelRef) -> None:
        lock = self._locks.get(channel.key)
        if lock is not None and lock.locked():
            async with lock:
                pass


def local_today(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


class DailyPost:
    def __init__(
        self,
        storage: Storage,
        bank: Bank,
        platforms: dict[str, ChatPlatform],
        clock: Clock,
        rng: random.Random,
        posting: PostingLocks,
    ) -> None:
        self.posting = posting
        self.storage = storage
        self.bank = bank
        self.platforms = platforms
        self.clock = clock
        self.rng = rng

    async def post(self, config: ChannelConfig, local_date: date | None = None) -> PostOutcome:
        channel = config.channel
        platform = self.platforms.get(channel.platform)
        if platform is None:
            return PostOutcome("no-platform", detail=f"{channel.platform} is not running here")
        now = self.clock()
        day = local_date or local_today(now, config.timezone)
        async with self.posting.hold(channel):
            return await self._post(config, platform, day, now)

    async def _post(
        self, config: ChannelConfig, platform: ChatPlatform, day: date, now: datetime
    ) -> PostOutcome:
        channel = config.channel
        record = await self._claim(channel, day, now)
        if record is None:
            existing = await self.storage.get_daily_post(channel, day)
            return PostOutcome("already", existing)
        question = self._question(record.question_id)
        post = QuestionPost(question, self.bank.principle(question.principle), day)
        try:
            posted = await platform.post_question(channel, post)
        except (ChannelUnavailable, MissingPermission) as exc:
            await self.storage.set_post_status(record.id, "failed")
            await self._disable(config, exc)
            return PostOutcome("unavailable", record, str(exc))
        except PlatformError as exc:
            await self.storage.set_post_status(record.id, "failed")
            log.error("Could not post the %s question in %s: %s", day, channel.key, exc)
            return PostOutcome("failed", record, str(exc))
        await self.storage.mark_posted(
            record.id, posted.message_id, posted.thread_id, posted.link, self.clock()
        )
        log.info("Posted %s (%s) in %s for %s", question.id, question.principle, channel.key, day)
        done = await self.storage.get_daily_post(channel, day)
        return PostOutcome("posted", done or record)

    async def _claim(self, channel: ChannelRef, day: date, now: datetime) -> PostRecord | None:
        history = await self.storage.post_history(channel)
        question = pick_question(self.bank, history, self.rng)
        record = await self.storage.claim_daily_post(
            channel, day, question.id, question.principle, now
        )
        if record is not None:
            return record
        existing = await self.storage.get_daily_post(channel, day)
        if (
            existing is not None
            and existing.status == "claimed"
            and now - existing.claimed_at >= STALE_CLAIM
            and await self.storage.take_over_claim(existing.id, existing.claimed_at, now)
        ):
            log.warning("Finishing the %s post in %s that a stopped process claimed", day,
                        channel.key)
            return existing
        return None

    def _question(self, question_id: str):
        try:
            return self.bank.question(question_id)
        except KeyError:
            # The claimed question vanished from the bank (edited data files): pick another.
            return pick_question(self.bank, [], self.rng)

    async def _disable(self, config: ChannelConfig, exc: PlatformError) -> None:
        if isinstance(exc, ChannelUnavailable):
            reason = f"channel unavailable: {exc}"
        else:
            reason = f"missing permission: {exc}"
        if config.enabled or config.disabled_reason != reason:
            log.error(
                "Stopped the daily post in %s (%s). An admin can run /lp schedule there "
                "to start it again.",
                config.channel.key,
                reason,
            )
        config.enabled = False
        config.disabled_reason = reason
        await self.storage.save_channel(config)
