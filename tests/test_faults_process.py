"""Faults in the built bot process (``python -m bot run``) during a daily fan-out.

Each test seeds a SQLite file with 200 Slack channels whose daily question was due a
minute ago, so the process posts all of them as catch-up as soon as it starts; it is
then stopped mid-fan-out (SIGKILL, SIGTERM, or SIGKILL while posts were made but not
yet acknowledged), started again at once on the same file, and every channel must end
with exactly one question: none missed, none doubled.

Only the fake Slack in this process (127.0.0.1) is called; the bot's own HTTP endpoint
listens on a free port. LPBOT_SEND_TIMEOUT=2 keeps the outbox lease (send timeout +
10 s) short, so rows a killed process left "sending" are taken over after 12 s. Every
wait is on the fake's or the database's state, with a deadline.

With 32 catch-up posts side by side, the SIGKILL at the 30th post finds all of them
made and none acknowledged yet; the SIGTERM at the 110th (against a fake answering in
0.5 s) stops a process that recorded about a hundred and has a dozen in flight."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator, Callable
from datetime import date
from pathlib import Path

import pytest

from bot.events import ChannelRef
from storage.sqlite import SqliteStorage
from tests.bot_process import BotProcess, schedule_just_due
from tests.slack_fake import FakeSlack, process_env

CHANNELS = 200
STARTUP = 60.0  # a cold interpreter imports slack_bolt, aiohttp, APScheduler...
ALL_POSTED = 90.0  # bound on the restarted process finishing the fan-out
SEND_TIMEOUT = 2  # seconds; the lease is this + 10 s


def channel_ids() -> list[str]:
    return [f"CFAN{i:04d}" for i in range(CHANNELS)]


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = await FakeSlack().start()
    for channel_id in channel_ids():
        server.add_channel(channel_id)
    yield server
    await server.stop()


@pytest.fixture
async def bot(fake: FakeSlack, tmp_path: Path) -> AsyncIterator[BotProcess]:
    env = process_env(fake, tmp_path / "lpbot.db", LPBOT_SEND_TIMEOUT=str(SEND_TIMEOUT),
                      LPBOT_GRACE_HOURS="2")
    process = BotProcess(env, tmp_path, new_port=True)
    yield process
    await process.close()


@pytest.fixture
async def storage(bot: BotProcess) -> AsyncIterator[SqliteStorage]:
    """The bot's SQLite file, seeded; the test reads it while the process runs."""
    db = SqliteStorage(bot.database)
    await db.connect()
    yield db
    await db.close()


async def seed(storage: SqliteStorage, fake: FakeSlack) -> date:
    refs = [ChannelRef("slack", channel_id, fake.team_id) for channel_id in channel_ids()]
    return await schedule_just_due(storage, refs)


def posted_channels(fake: FakeSlack) -> set[str]:
    return {m.channel for m in fake.messages.values() if not m.thread_ts}


async def wait_for_calls(fake: FakeSlack, bot: BotProcess, method: str, count: int) -> None:
    """Until the fake has received ``count`` calls of ``method`` (the process must be up)."""
    try:
        await fake.wait_for(
            lambda: len(fake.calls_to(method)) >= count
            or (bot.proc is not None and bot.proc.returncode is not None),
            timeout=STARTUP,
        )
    except TimeoutError:
        raise AssertionError(
            f"only {len(fake.calls_to(method))} {method} calls\n{bot.log_text()}"
        ) from None
    assert bot.proc is not None and bot.proc.returncode is None, (
        f"lpbot exited early\n{bot.log_text()}"
    )


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
        assert bot.proc is not None and bot.proc.returncode is None, (
            f"lpbot exited while waiting: {what()}\n{bot.log_text()}"
        )
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out: {what()}\n{bot.log_text()}")
        await asyncio.sleep(0.1)


async def finish_and_count(
    fake: FakeSlack, bot: BotProcess, storage: SqliteStorage, day: date
) -> None:
    """Wait for the restarted process to post everywhere and settle its outbox, stop
    it cleanly, then check every channel has exactly one question, the one recorded."""

    sent: list[int] = [0]

    async def all_sent() -> bool:
        sent[0] = len(await storage.outbox_items("sent"))
        return sent[0] >= CHANNELS

    def missed() -> str:
        return f"{CHANNELS - len(posted_channels(fake))} of {CHANNELS} channels have no post"

    await until(lambda: len(posted_channels(fake)) >= CHANNELS, ALL_POSTED, missed, bot)
    await until(all_sent, ALL_POSTED, lambda: f"{sent[0]} of {CHANNELS} outbox rows sent", bot)
    assert await bot.signal(signal.SIGTERM) == 0, bot.log_text()

    counts = {c: len(fake.messages_in(c)) for c in channel_ids()}
    missed = sorted(c for c, n in counts.items() if n == 0)
    doubled = sorted(c for c, n in counts.items() if n > 1)
    assert (missed, doubled) == ([], []), (
        f"{len(missed)} missed, {len(doubled)} doubled: {missed[:10]} {doubled[:10]}\n"
        f"{bot.log_text()}"
    )
    assert len(fake.calls_to("chat.postMessage")) >= CHANNELS
    assert await storage.outbox_items("pending", "sending", "given_up") == []
    for channel_id in channel_ids():
        record = await storage.get_daily_post(ChannelRef("slack", channel_id, fake.team_id), day)
        assert record is not None and record.status == "posted", (channel_id, record)
        [message] = fake.messages_in(channel_id)
        assert record.message_id == message.ts, (channel_id, record, message)
        assert message.metadata == {
            "event_type": "lpbot_outbox",
            "event_payload": {"key": f"question:{record.id}"},
        }


async def test_sigkill_at_the_30th_post_then_restart_posts_each_channel_once(
    fake: FakeSlack, bot: BotProcess, storage: SqliteStorage
) -> None:
    day = await seed(storage, fake)
    await bot.start()
    await wait_for_calls(fake, bot, "chat.postMessage", 30)
    await bot.signal(signal.SIGKILL)
    assert len(posted_channels(fake)) < CHANNELS  # killed mid-fan-out

    await bot.start()
    await finish_and_count(fake, bot, storage, day)


async def test_sigterm_at_the_110th_post_then_restart_posts_each_channel_once(
    fake: FakeSlack, bot: BotProcess, storage: SqliteStorage
) -> None:
    day = await seed(storage, fake)
    # A round trip like Slack's, so the fan-out is still going when the signal is acted
    # on: ``lpbot run`` reacts to SIGTERM once its start-up is done, and against a fake
    # answering at once the catch-up (in the background) has finished all 200 by then.
    fake.slow("chat.postMessage", 0.5)
    await bot.start()
    await wait_for_calls(fake, bot, "chat.postMessage", 110)
    assert await bot.signal(signal.SIGTERM) == 0, bot.log_text()
    assert len(posted_channels(fake)) < CHANNELS  # stopped mid-fan-out

    await bot.start()
    await finish_and_count(fake, bot, storage, day)


async def test_sigkill_while_posts_are_made_but_not_acknowledged_posts_each_once(
    fake: FakeSlack, bot: BotProcess, storage: SqliteStorage
) -> None:
    hung = 5
    # The first posts of the fan-out land on Slack, then their answers hang (and
    # would be a 500); the process is killed while they wait.
    fake.fail("chat.postMessage", "internal_error", status=500, times=hung, lands=True, hang=5)
    day = await seed(storage, fake)
    await bot.start()
    await wait_for_calls(fake, bot, "chat.postMessage", hung)
    await bot.signal(signal.SIGKILL)

    made = [str(call.params["channel"]) for call in fake.calls_to("chat.postMessage")[:hung]]
    assert len(set(made)) == hung
    for channel_id in made:
        assert len(fake.messages_in(channel_id)) == 1  # on Slack...
        record = await storage.get_daily_post(ChannelRef("slack", channel_id, fake.team_id), day)
        assert record is not None and record.status == "claimed", record  # ...not recorded

    await bot.start()
    await finish_and_count(fake, bot, storage, day)
    # The restarted process looked for what was in doubt instead of posting again.
    looked = {str(c.params.get("channel")) for c in fake.calls_to("conversations.history")}
    assert set(made) <= looked
