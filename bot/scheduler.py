"""The runner that posts each scheduled channel's daily question on time.

One APScheduler job per scheduled channel (job id = ``ChannelRef.key``). Its trigger,
``DailyPostTrigger``, asks ``bot.schedule.next_post`` for the next fire time, so the
pure, tested rules decide *when*; this module only sleeps and calls. APScheduler's own
``CronTrigger(timezone=ZoneInfo(...))`` was not used: on a spring-forward day it fires
a 02:30 post at 03:30 instead of 03:00, and on a fall-back day it fires 01:30 twice.

When a job fires, ``run_due`` re-reads the channel from storage and asks
``bot.schedule.due_post`` what to do, so a stale trigger can never post a paused or
skipped day. A paused channel has no job at all; resuming adds it back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger

from bot.events import ChannelRef
from bot.schedule import describe_schedule, due_post, next_post
from storage.base import ChannelConfig, Storage

log = logging.getLogger(__name__)

#: ``post(config, local_date, due_at)``: the core's daily post, given the channel's
#: config as just read (a fan-out to many channels reads each once).
PostCallback = Callable[[ChannelConfig, date, datetime], Awaitable[object]]
RunResult = Literal["posted", "skipped", "done", "idle", "failed"]

_ONE_TICK = timedelta(microseconds=1)
POSTS_AT_ONCE = 128


class DailyPostTrigger(BaseTrigger):
    """Fires at each post instant of a channel's rule, as ``next_post`` computes it."""

    __slots__ = ("rule",)

    def __init__(self, rule: ChannelConfig) -> None:
        self.rule = rule

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        # After a fire, continue from that fire (APScheduler then coalesces any
        # missed ones); the first time, a post due exactly at ``now`` still counts.
        after = previous_fire_time if previous_fire_time is not None else now - _ONE_TICK
        upcoming = next_post(after, self.rule, None)
        return upcoming[1] if upcoming else None

    def __str__(self) -> str:
        return f"daily[{describe_schedule(self.rule)}]"

    def __repr__(self) -> str:
        return f"<DailyPostTrigger {describe_schedule(self.rule)!r}>"


def wants_job(config: ChannelConfig) -> bool:
    return config.scheduled and config.enabled and not config.paused and bool(config.weekdays)


class DailyPostScheduler:
    """Posts every scheduled channel's daily question via ``post(channel, local_date)``.

    ``post`` is the core's callback; it claims the day in storage itself, so calling
    it for a day another process already claimed is harmless. This class never calls
    it for a day that already has a record (posted, claimed, failed or skipped).
    """

    def __init__(
        self,
        storage: Storage,
        post: PostCallback,
        *,
        clock: Callable[[], datetime],
        grace: timedelta = timedelta(hours=6),
        scheduler: AsyncIOScheduler | None = None,
    ) -> None:
        self.storage = storage
        self.post = post
        self.clock = clock
        self.grace = grace
        self.scheduler = scheduler or AsyncIOScheduler(timezone=UTC)
        self._locks: dict[str, asyncio.Lock] = {}
        # Channels due at the same minute go side by side, this many at a time: each
        # waits for its first attempt, and a bounded crowd gets its posts out sooner
        # than a thousand jobs taking turns at every storage call.
        self._slots = asyncio.Semaphore(POSTS_AT_ONCE)

    # lifecycle ---------------------------------------------------------------
    async def start(self, *, catch_up: bool = True) -> None:
        """Add a job per scheduled channel, start ticking, then (unless the caller
        does it itself, in the background) catch up on any post missed while the bot
        was down."""
        configs = await self.storage.scheduled_channels()
        for config in configs:
            self._apply(config)
        if not self.scheduler.running:
            self.scheduler.start()
        log.info("scheduler started with %d channel job(s)", len(self.scheduler.get_jobs()))
        if catch_up:
            await self.catch_up(configs)

    async def catch_up(self, configs: list[ChannelConfig] | None = None) -> None:
        """Run ``run_due`` once for every scheduled channel: within the grace period a
        missed post goes out now, beyond it the day is recorded as skipped."""
        if configs is None:
            configs = await self.storage.scheduled_channels()
        await asyncio.gather(*(self._run_safely(c.channel) for c in configs if wants_job(c)))

    async def shutdown(self) -> None:
        """Stop firing. A post already in progress is not awaited; its outbox row
        lets the next start finish it."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
            # AsyncIOScheduler defers the shutdown to the loop's next turn; let it run.
            await asyncio.sleep(0)

    # schedule changes ----------------------------------------------------------
    async def sync_channel(self, config: ChannelConfig) -> None:
        """Bring the channel's job in line with its (changed) configuration: add or
        replace it, or remove it when the channel is paused, unscheduled or disabled."""
        self._apply(config)

    def _apply(self, config: ChannelConfig) -> None:
        job_id = config.channel.key
        if not wants_job(config):
            if self.scheduler.get_job(job_id) is not None:
                self.scheduler.remove_job(job_id)
                log.info("removed the daily job of %s", job_id)
            return
        self.scheduler.add_job(
            self._run_safely,
            trigger=DailyPostTrigger(config),
            args=(config.channel,),
            id=job_id,
            name=f"daily question for {job_id}",
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            # run_due decides whether a late run posts or skips, so never drop it.
            misfire_grace_time=None,
        )
        log.info("scheduled %s: %s", job_id, describe_schedule(config))

    def has_job(self, channel: ChannelRef) -> bool:
        return self.scheduler.get_job(channel.key) is not None

    async def next_run(self, channel: ChannelRef) -> datetime | None:
        """When the channel's next daily question goes out (UTC), from ``self.clock``;
        None when it is not scheduled, paused or has no days."""
        config = await self.storage.get_channel(channel)
        if config is None or not wants_job(config):
            return None
        now = self.clock()
        last_done: date | None = None
        # A day that already has a record (e.g. claimed early) is not the next post.
        for _ in range(3):
            upcoming = next_post(now, config, last_done)
            if upcoming is None:
                return None
            local_date, fire_at = upcoming
            if await self.storage.get_daily_post(channel, local_date) is None:
                return fire_at
            last_done = local_date
        return None

    # firing ------------------------------------------------------------------
    async def run_due(self, channel: ChannelRef) -> RunResult:
        """Post, or record as skipped, the channel's most recent due day, unless it
        already has a record. Returns what happened; errors from ``post`` are logged
        and reported as "failed", never raised."""
        async with self._locks.setdefault(channel.key, asyncio.Lock()):
            config = await self.storage.get_channel(channel)
            if config is None or not wants_job(config):
                return "idle"
            now = self.clock()
            due = due_post(now, config, None, self.grace)
            if due is None:
                return "idle"
            existing = await self.storage.get_daily_post(channel, due.local_date)
            # A "claimed" record whose process died before its outbox row was written
            # is still owed a post; the core's ``post`` finishes it.
            unfinished = existing is not None and existing.status == "claimed"
            if existing is not None and not (unfinished and due.action == "post"):
                return "done"
            if due.action == "skip":
                late = now - due.fire_at
                await self.storage.record_skipped_day(channel, due.local_date, now)
                log.warning(
                    "skipped the %s question in %s: it was due at %s, %s ago (grace %s)",
                    due.local_date.isoformat(),
                    channel.key,
                    due.fire_at.isoformat(),
                    late,
                    self.grace,
                )
                return "skipped"
            try:
                await self.post(config, due.local_date, due.fire_at)
            except Exception:
                log.exception(
                    "posting the %s question in %s failed", due.local_date.isoformat(), channel.key
                )
                return "failed"
            return "posted"

    async def _run_safely(self, channel: ChannelRef) -> RunResult:
        """The job body: one channel's failure (storage included) is logged and never
        reaches APScheduler or the other channels."""
        try:
            async with self._slots:
                return await self.run_due(channel)
        except Exception:
            log.exception("the daily job of %s failed", channel.key)
            return "failed"
