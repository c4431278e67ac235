"""Faults in the built bot process (``python -m bot run``) during a Discord fan-out.

Each test seeds a SQLite file with 100 Discord channels in one server whose daily
question was due a minute ago, so the process posts all of them as catch-up as soon as
it starts (paced: about 23 posts a second, each a message and its thread); it is then
killed mid-fan-out (SIGKILL), started again at once on the same file, and every channel
must end with exactly one question and exactly one thread on it, the ones recorded:
none missed, none doubled.

Only the fake Discord in this process (127.0.0.1) is called. LPBOT_SEND_TIMEOUT=2
keeps the outbox lease (send timeout + 10 s) short, so rows a killed process left
"sending" are taken over, in doubt, 12 s after their attempt began. Every wait is on
the fake's or the database's state, with a deadline.

The catch-up takes every channel's outbox row ("sending") before the pacer lets its
post go, so after a kill the restarted process takes all the unfinished rows over in
doubt: it looks in each channel's last messages before posting. The first test kills
at the 30th question received (about 29 recorded, the 30th made, its thread perhaps
too, but not recorded; 70 not made); the second kills while the first four thread
openings hang, so those questions are on Discord without a thread and the restarted
process must find them and open only their threads. About 20 s each."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.events import ChannelRef
from storage.sqlite import SqliteStorage
from tests.bot_process import BotProcess, clean_env, schedule_just_due
from tests.discord_fake import FakeDiscord

CHANNELS = 100
STARTUP = 60.0  # a cold interpreter imports discord.py, aiohttp, APScheduler...
ALL_POSTED = 60.0  # bound on the restarted process finishing the fan-out
SEND_TIMEOUT = 2  # seconds; the lease is this + 10 s
QUESTIONS = r"/channels/\d+/messages"
THREADS = r"/channels/\d+/messages/\d+/threads"


@dataclass
class World:
    """The fake Discord with one server of ``CHANNELS`` text channels."""

    fake: FakeDiscord
    guild: int
    channels: list[int]

    def ref(self, channel: int) -> ChannelRef:
        return ChannelRef("discord", str(channel), str(self.guild))

    def questions_in(self, channel: int) -> list[dict]:
        bot = str(self.fake.bot_id)
        return [m for m in self.fake.messages_in(channel) if m["author"]["id"] == bot]

    def complete(self) -> list[int]:
        """The channels with a question and a thread."""
        return [
            c for c in self.channels if self.questions_in(c) and self.fake.threads_in(c)
        ]

    def questions_received(self) -> int:
        return len(self.fake.find_requests("POST", QUESTIONS, lambda r: r.status == 200))


@pytest.fixture
async def world() -> AsyncIterator[World]:
    # Real time, as Discord's snowflakes carry it: the look for a question in doubt
    # only takes one posted around its day.
    fake = await FakeDiscord(now=lambda: datetime.now(UTC)).start()
    guild = fake.add_guild("LP Study Group")
    channels = [fake.add_channel(guild, f"lp-{i:03d}") for i in range(CHANNELS)]
    yield World(fake, guild, channels)
    await fake.stop()


@pytest.fixture
async def bot(world: World, tmp_path: Path) -> AsyncIterator[BotProcess]:
    env = clean_env(**world.fake.env(
        LPBOT_SEND_TIMEOUT=str(SEND_TIMEOUT), LPBOT_GRACE_HOURS="2"
    ))
    process = BotProcess(env, tmp_path)
    yield process
    await process.close()


@pytest.fixture
async def storage(bot: BotProcess) -> AsyncIterator[SqliteStorage]:
    """The bot's SQLite file, seeded; the test reads it while the process runs."""
    db = SqliteStorage(bot.database)
    await db.connect()
    yield db
    await db.close()


async def seed(storage: SqliteStorage, world: World) -> date:
    return await schedule_just_due(storage, [world.ref(channel) for channel in world.channels])


async def wait_on_fake(world: World, bot: BotProcess, check: Callable[[], bool], what: str) -> None:
    """Until ``check()`` holds on the fake (woken by each request it answers); the
    process must be up then."""
    try:
        await world.fake.wait_until(lambda: check() or not bot.running, timeout=STARTUP)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}\n{bot.log_text()}") from None
    assert bot.running, f"lpbot exited early\n{bot.log_text()}"


async def until(
    check: Callable[[], object], timeout: float, what: Callable[[], str], bot: BotProcess
) -> None:
    """Poll ``check`` (may be a coroutine function) until it is true, or fail after
    ``timeout`` saying ``what()``; the restarted process must stay up meanwhile."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        assert bot.running, f"lpbot exited while waiting: {what()}\n{bot.log_text()}"
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out: {what()}\n{bot.log_text()}")
        await asyncio.sleep(0.1)


async def finish_and_count(
    world: World, bot: BotProcess, storage: SqliteStorage, day: date
) -> None:
    """Wait for the restarted process to post everywhere and settle its outbox, stop
    it cleanly, then check every channel has exactly one question and one thread,
    the ones recorded."""
    fake = world.fake
    sent: list[int] = [0]

    async def all_sent() -> bool:
        sent[0] = len(await storage.outbox_items("sent"))
        return sent[0] >= CHANNELS

    def missing() -> str:
        lacking = CHANNELS - len(world.complete())
        return f"{lacking} of {CHANNELS} channels lack a question or its thread"

    await until(lambda: len(world.complete()) >= CHANNELS, ALL_POSTED, missing, bot)
    await until(all_sent, ALL_POSTED, lambda: f"{sent[0]} of {CHANNELS} outbox rows sent", bot)
    assert await bot.signal(signal.SIGTERM) == 0, bot.log_text()

    counts = {c: (len(world.questions_in(c)), len(fake.threads_in(c))) for c in world.channels}
    wrong = {c: n for c, n in counts.items() if n != (1, 1)}
    assert wrong == {}, (
        f"{len(wrong)} channels without exactly one question and one thread "
        f"(questions, threads): {dict(list(wrong.items())[:10])}\n{bot.log_text()}"
    )
    assert await storage.outbox_items("pending", "sending", "given_up") == []
    for channel in world.channels:
        record = await storage.get_daily_post(world.ref(channel), day)
        [question] = world.questions_in(channel)
        [thread] = fake.threads_in(channel)
        assert record is not None and record.status == "posted", (channel, record)
        assert record.message_id == question["id"], (channel, record, question["id"])
        assert record.thread_id == thread["id"], (channel, record, thread["id"])
        assert question["nonce"] == f"question:{record.id}"


async def test_sigkill_at_the_30th_question_then_restart_posts_each_channel_once(
    world: World, bot: BotProcess, storage: SqliteStorage
) -> None:
    day = await seed(storage, world)
    await bot.start()
    await wait_on_fake(world, bot, lambda: world.questions_received() >= 30, "30 questions")
    await bot.signal(signal.SIGKILL)
    assert len(world.complete()) < CHANNELS  # killed mid-fan-out

    await bot.start()
    await finish_and_count(world, bot, storage, day)


async def test_sigkill_between_questions_and_their_threads_posts_each_channel_once(
    world: World, bot: BotProcess, storage: SqliteStorage
) -> None:
    held = 4
    fake = world.fake
    # The first thread openings of the fan-out hang (and would then be a 500); the
    # process is killed while they wait, its questions already on Discord.
    fake.fail("POST", THREADS, 500, times=held, hang=60.0)
    day = await seed(storage, world)
    await bot.start()
    await wait_on_fake(world, bot, lambda: len(fake.held) >= held, f"{held} held threads")
    await bot.signal(signal.SIGKILL)

    cut = [int(request.split("/")[2]) for request in fake.held]
    assert len(set(cut)) == held
    for channel in cut:
        assert len(world.questions_in(channel)) == 1  # on Discord...
        assert fake.threads_in(channel) == []  # ...without its thread...
        record = await storage.get_daily_post(world.ref(channel), day)
        assert record is not None and record.status == "claimed", record  # ...not recorded

    await bot.start()
    await finish_and_count(world, bot, storage, day)
    # The restarted process looked for what was in doubt instead of posting again.
    looked = {int(r.path.split("/")[2]) for r in fake.find_requests("GET", QUESTIONS)}
    assert set(cut) <= looked
