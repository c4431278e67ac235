from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.events import ChannelRef
from bot.scheduler import DailyPostScheduler, DailyPostTrigger
from storage import open_storage
from storage.base import ChannelConfig, Storage

BERLIN = ChannelRef("discord", "c-berlin", "g1")
NEW_YORK = ChannelRef("slack", "c-newyork", "t1")
UTC_ROOM = ChannelRef("terminal", "c-utc")
PAUSED = ChannelRef("discord", "c-paused", "g1")
UNSCHEDULED = ChannelRef("discord", "c-unscheduled", "g1")
WORKWEEK = frozenset(range(5))


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class FakeCore:
    """Stands in for the core's post callback: claims and marks the day posted the
    way the real one does, and remembers every call."""

    storage: Storage
    clock: Clock
    failing: set[str] = field(default_factory=set)
    calls: list[tuple[ChannelRef, date]] = field(default_factory=list)
    posted: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(self, config: ChannelConfig, local_date: date, due_at: datetime) -> None:
        channel = config.channel
        self.calls.append((channel, local_date))
        if channel.key in self.failing:
            raise RuntimeError("platform said no")
        record = await self.storage.claim_daily_post(
            channel, local_date, "q-1", "ownership", self.clock()
        )
        if record is not None:
            await self.storage.mark_posted(record.id, "m-1", "t-1", None, self.clock())
        self.posted.set()


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    store = await open_storage("sqlite:///" + str(tmp_path / "x.db"))
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
async def apscheduler() -> AsyncIterator[AsyncIOScheduler]:
    # Started paused so no job fires on the wall clock during a test; only the
    # real-firing test below resumes it.
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.start(paused=True)
    try:
        yield scheduler
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
            await asyncio.sleep(0)


def config(channel: ChannelRef, at: time, tz: str, **kw) -> ChannelConfig:
    kw.setdefault("scheduled", True)
    return ChannelConfig(channel=channel, post_time=at, timezone=tz, **kw)


async def save_all(storage: Storage) -> None:
    await storage.save_channel(config(BERLIN, time(9, 0), "Europe/Berlin", weekdays=WORKWEEK))
    await storage.save_channel(config(NEW_YORK, time(2, 30), "America/New_York"))
    await storage.save_channel(config(PAUSED, time(9, 0), "UTC", paused=True))
    await storage.save_channel(config(UNSCHEDULED, time(9, 0), "UTC", scheduled=False))


def make(
    storage: Storage, clock: Clock, apscheduler: AsyncIOScheduler
) -> tuple[DailyPostScheduler, FakeCore]:
    core = FakeCore(storage, clock)
    runner = DailyPostScheduler(
        storage, core, clock=clock, grace=timedelta(hours=6), scheduler=apscheduler
    )
    return runner, core


async def test_start_adds_one_job_per_scheduled_unpaused_channel(
    storage: Storage, apscheduler: AsyncIOScheduler
) -> None:
    await save_all(storage)
    # Saturday 2026-03-07 14:00 UTC: Berlin's last post day was Friday and New York's
    # 02:30 EST was 6h30 ago, both beyond grace: catch-up records skips, posts nothing.
    clock = Clock(datetime(2026, 3, 7, 14, 0, tzinfo=UTC))
    runner, core = make(storage, clock, apscheduler)
    await runner.start()

    jobs = {job.id: job for job in apscheduler.get_jobs()}
    assert set(jobs) == {BERLIN.key, NEW_YORK.key}
    assert all(isinstance(job.trigger, DailyPostTrigger) for job in jobs.values())
    assert runner.has_job(BERLIN) and not runner.has_job(PAUSED)

    fixed = datetime(2026, 3, 7, 14, 0, tzinfo=UTC)
    # Berlin: Monday 09:00 CET is 08:00 UTC.
    berlin_next = jobs[BERLIN.key].trigger.get_next_fire_time(None, fixed)
    assert berlin_next == datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    # New York: 02:30 does not exist on 2026-03-08, so 03:00 EDT = 07:00 UTC.
    ny_next = jobs[NEW_YORK.key].trigger.get_next_fire_time(None, fixed)
    assert ny_next == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    # and after that firing, the next day's 02:30 EDT = 06:30 UTC
    ny_trigger = jobs[NEW_YORK.key].trigger
    after = ny_trigger.get_next_fire_time(ny_next, ny_next)
    assert after == datetime(2026, 3, 9, 6, 30, tzinfo=UTC)
    # like CronTrigger, it continues from the previous fire (APScheduler coalesces
    # the missed ones), and a fire due exactly now is not lost
    assert ny_trigger.get_next_fire_time(ny_next, ny_next + timedelta(days=2)) == after
    assert ny_trigger.get_next_fire_time(None, ny_next) == ny_next

    assert core.calls == []
    skipped = await storage.get_daily_post(NEW_YORK, date(2026, 3, 7))
    assert skipped is not None and skipped.status == "skipped"
    friday = await storage.get_daily_post(BERLIN, date(2026, 3, 6))
    assert friday is not None and friday.status == "skipped"
    assert await runner.next_run(NEW_YORK) == ny_next
    assert await runner.next_run(PAUSED) is None
    assert await runner.next_run(UNSCHEDULED) is None


async def test_catch_up_within_grace_posts_the_missed_question(
    storage: Storage, apscheduler: AsyncIOScheduler
) -> None:
    await storage.save_channel(config(UTC_ROOM, time(9, 0), "UTC"))
    clock = Clock(datetime(2026, 5, 8, 14, 59, tzinfo=UTC))  # 5h59 after 09:00
    runner, core = make(storage, clock, apscheduler)
    await runner.start()
    assert core.calls == [(UTC_ROOM, date(2026, 5, 8))]
    record = await storage.get_daily_post(UTC_ROOM, date(2026, 5, 8))
    assert record is not None and record.status == "posted"


async def test_catch_up_beyond_grace_records_a_skip_and_does_not_post(
    storage: Storage, apscheduler: AsyncIOScheduler, caplog: pytest.LogCaptureFixture
) -> None:
    await storage.save_channel(config(UTC_ROOM, time(9, 0), "UTC"))
    clock = Clock(datetime(2026, 5, 8, 15, 1, tzinfo=UTC))  # 6h01 after 09:00
    runner, core = make(storage, clock, apscheduler)
    with caplog.at_level(logging.WARNING, logger="bot.scheduler"):
        await runner.start()
    assert core.calls == []
    record = await storage.get_daily_post(UTC_ROOM, date(2026, 5, 8))
    assert record is not None and record.status == "skipped"
    assert any(
        "skipped" in r.getMessage() and UTC_ROOM.key in r.getMessage() for r in caplog.records
    )
    # a second restart sees the record and leaves it alone
    assert await runner.run_due(UTC_ROOM) == "done"
    assert core.calls == []


async def test_run_due_never_posts_a_day_that_already_has_a_record(
    storage: Storage, apscheduler: AsyncIOScheduler
) -> None:
    await storage.save_channel(config(UTC_ROOM, time(9, 0), "UTC"))
    clock = Clock(datetime(2026, 5, 8, 9, 0, tzinfo=UTC))
    runner, core = make(storage, clock, apscheduler)

    assert await runner.run_due(UTC_ROOM) == "posted"
    assert await runner.run_due(UTC_ROOM) == "done"
    assert core.calls == [(UTC_ROOM, date(2026, 5, 8))]

    # A day recorded as skipped is done too.
    clock.now = datetime(2026, 5, 9, 9, 30, tzinfo=UTC)
    assert await storage.record_skipped_day(UTC_ROOM, date(2026, 5, 9), clock.now)
    assert await runner.run_due(UTC_ROOM) == "done"
    assert len(core.calls) == 1

    # A day only claimed (its process may have died before posting) goes to the
    # core's post, which owns claims and takes a stale one over.
    clock.now = datetime(2026, 5, 10, 9, 30, tzinfo=UTC)
    claimed = await storage.claim_daily_post(UTC_ROOM, date(2026, 5, 10), "q-2", "x", clock.now)
    assert claimed is not None
    assert await runner.run_due(UTC_ROOM) == "posted"
    assert core.calls[-1] == (UTC_ROOM, date(2026, 5, 10))


async def test_two_concurrent_runs_for_one_day_post_once(
    storage: Storage, apscheduler: AsyncIOScheduler
) -> None:
    await storage.save_channel(config(UTC_ROOM, time(9, 0), "UTC"))
    clock = Clock(datetime(2026, 5, 8, 9, 0, tzinfo=UTC))
    runner, core = make(storage, clock, apscheduler)
    results = await asyncio.gather(runner.run_due(UTC_ROOM), runner.run_due(UTC_ROOM))
    assert sorted(results) == ["done", "posted"]
    assert len(core.calls) == 1


async def test_run_due_is_idle_before_the_first_post_time_and_when_paused(
    storage: Storage, apscheduler: AsyncIOScheduler
) -> None:
    await storage.save_channel(config(UTC_ROOM, time(9, 0), "UTC", weekdays=frozenset({4})))
    await storage.save_channel(config(PAUSED, time(9, 0), "UTC", paused=True))
    clock = Clock(datetime(2026, 5, 8, 8, 0, tzinfo=UTC))  # Friday, before 09:00
    runner, core = make(storage, clock, apscheduler)
    # last Friday's post is a week old: skipped, not posted
    assert await runner.run_due(UTC_ROOM) == "skipped"
    assert await runner.run_due(UTC_ROOM) == "done"
    assert await runner.run_due(PAUSED) == "idle"
    assert await runner.run_due(ChannelRef("terminal", "unknown")) == "idle"
    assert core.calls == []


async def test_sync_channel_replaces_removes_and_restores_the_job(
    storage: Storage, apscheduler: AsyncIOScheduler
) -> None:
    original = config(BERLIN, time(9, 0), "Europe/Berlin", weekdays=WORKWEEK)
    await storage.save_channel(original)
    clock = Clock(datetime(2026, 5, 8, 12, 0, tzinfo=UTC))  # Friday afternoon
    runner, _core = make(storage, clock, apscheduler)
    await runner.start()
    fixed = clock.now

    moved = replace(original, post_time=time(7, 15), weekdays=frozenset({5}))
    await storage.save_channel(moved)
    await runner.sync_channel(moved)
    jobs = apscheduler.get_jobs()
    assert [job.id for job in jobs] == [BERLIN.key]
    # Saturday 07:15 CEST = 05:15 UTC
    expected = datetime(2026, 5, 9, 5, 15, tzinfo=UTC)
    assert jobs[0].trigger.get_next_fire_time(None, fixed) == expected
    assert await runner.next_run(BERLIN) == expected

    paused = replace(moved, paused=True)
    await storage.save_channel(paused)
    await runner.sync_channel(paused)
    assert apscheduler.get_jobs() == []
    assert await runner.next_run(BERLIN) is None

    resumed = replace(paused, paused=False)
    await storage.save_channel(resumed)
    await runner.sync_channel(resumed)
    assert runner.has_job(BERLIN)
    assert await runner.next_run(BERLIN) == expected

    await runner.sync_channel(replace(resumed, enabled=False, disabled_reason="gone"))
    assert not runner.has_job(BERLIN)


async def test_next_run_passes_over_a_day_already_claimed(
    storage: Storage, apscheduler: AsyncIOScheduler
) -> None:
    await storage.save_channel(config(UTC_ROOM, time(9, 0), "UTC"))
    clock = Clock(datetime(2026, 5, 8, 8, 0, tzinfo=UTC))
    runner, _core = make(storage, clock, apscheduler)
    assert await runner.next_run(UTC_ROOM) == datetime(2026, 5, 8, 9, 0, tzinfo=UTC)
    await storage.record_skipped_day(UTC_ROOM, date(2026, 5, 8), clock.now)
    assert await runner.next_run(UTC_ROOM) == datetime(2026, 5, 9, 9, 0, tzinfo=UTC)


async def test_an_error_in_post_is_logged_and_other_channels_still_run(
    storage: Storage, apscheduler: AsyncIOScheduler, caplog: pytest.LogCaptureFixture
) -> None:
    await storage.save_channel(config(BERLIN, time(12, 0), "Europe/Berlin"))
    await storage.save_channel(config(NEW_YORK, time(9, 0), "America/New_York"))
    # 09:30 in New York is 15:30 in Berlin: both within grace.
    clock = Clock(datetime(2026, 5, 8, 13, 30, tzinfo=UTC))
    runner, core = make(storage, clock, apscheduler)
    core.failing = {BERLIN.key}
    with caplog.at_level(logging.ERROR, logger="bot.scheduler"):
        await runner.start()
    assert sorted(c.key for c, _ in core.calls) == sorted([BERLIN.key, NEW_YORK.key])
    failure = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failure) == 1 and BERLIN.key in failure[0].getMessage()
    assert failure[0].exc_info is not None
    ny_record = await storage.get_daily_post(NEW_YORK, date(2026, 5, 8))
    assert ny_record is not None and ny_record.status == "posted"
    assert apscheduler.running and runner.has_job(BERLIN) and runner.has_job(NEW_YORK)


async def test_a_storage_error_inside_a_job_does_not_escape(
    storage: Storage, apscheduler: AsyncIOScheduler, caplog: pytest.LogCaptureFixture
) -> None:
    await storage.save_channel(config(UTC_ROOM, time(9, 0), "UTC"))
    await storage.save_channel(config(BERLIN, time(9, 0), "Europe/Berlin"))
    clock = Clock(datetime(2026, 5, 8, 9, 30, tzinfo=UTC))
    runner, core = make(storage, clock, apscheduler)

    real_get = storage.get_channel

    async def flaky_get(channel: ChannelRef) -> ChannelConfig | None:
        if channel == UTC_ROOM:
            raise OSError("disk went away")
        return await real_get(channel)

    storage.get_channel = flaky_get  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR, logger="bot.scheduler"):
        await runner.catch_up()
    assert [c for c, _ in core.calls] == [BERLIN]
    assert any(UTC_ROOM.key in r.getMessage() for r in caplog.records)


async def test_the_apscheduler_job_really_calls_post(
    storage: Storage, apscheduler: AsyncIOScheduler
) -> None:
    await storage.save_channel(config(UTC_ROOM, time(9, 0), "UTC"))
    clock = Clock(datetime(2026, 5, 8, 8, 0, tzinfo=UTC))  # nothing due at start
    runner, core = make(storage, clock, apscheduler)
    await runner.start()
    assert core.calls == []  # yesterday's beyond-grace day was only recorded as skipped

    clock.now = datetime(2026, 5, 8, 9, 0, tzinfo=UTC)
    # Make the job due on the wall clock and let APScheduler run it.
    apscheduler.modify_job(UTC_ROOM.key, next_run_time=datetime.now(UTC))
    apscheduler.resume()
    await asyncio.wait_for(core.posted.wait(), timeout=5)
    assert core.calls == [(UTC_ROOM, date(2026, 5, 8))]
    await runner.shutdown()
    assert not apscheduler.running
