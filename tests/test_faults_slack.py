"""Platform faults on Slack: the real slack-bolt app and Web API client against the
local fake, with faults injected into its answers. Whatever happens, each channel
shows its daily question exactly once and each answer gets exactly one reply."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.events import ChannelRef
from storage.base import ChannelConfig
from tests.helpers import STORY, FakeClock
from tests.slack_fake import (
    STUDY_CHANNEL,
    STUDY_MEMBER,
    FakeSlack,
    SlackRig,
    start_rig,
    study_workspace,
)

CHANNEL = STUDY_CHANNEL
REF = ChannelRef("slack", CHANNEL, "T0FAKE")
DUE = datetime(2025, 3, 3, 9, 0, 20, tzinfo=UTC)  # just after a 09:00 UTC post time
TODAY = date(2025, 3, 3)
ANSWER = STORY


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = await study_workspace()
    yield server
    await server.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(DUE)


@pytest.fixture
async def rig(fake: FakeSlack, clock: FakeClock, tmp_path: Path) -> AsyncIterator[SlackRig]:
    running = await start_rig(fake, str(tmp_path / "lpbot.db"), clock, send_timeout=0.5)
    yield running
    await running.stop()


def questions(fake: FakeSlack, channel: str = CHANNEL) -> list:
    """What the channel shows: its top-level messages."""
    return fake.messages_in(channel)


async def retry_all(rig: SlackRig, clock: FakeClock, rounds: int = 6) -> None:
    """Let the outbox's retries come due (the clock is the bot's), without sleeping."""
    for _ in range(rounds):
        clock.advance(seconds=60)
        await rig.bot.outbox.run_due()


@pytest.mark.parametrize(
    ("status", "error", "times"),
    [(500, "internal_error", 1), (503, "service_unavailable", 1), (429, "ratelimited", 4)],
    ids=["500", "503", "four-429s"],
)
async def test_a_daily_post_that_meets_a_fault_is_posted_once(
    rig: SlackRig, fake: FakeSlack, clock: FakeClock, status: int, error: str, times: int
) -> None:
    fake.fail("chat.postMessage", error, status=status, retry_after=0, times=times)
    outcome = await rig.bot.post_daily(REF)
    assert outcome.status == "queued"  # today this channel got no post at all
    await retry_all(rig, clock)
    assert len(questions(fake)) == 1
    post = await rig.storage.get_daily_post(REF, TODAY)
    assert post is not None and post.status == "posted"
    assert post.message_id == questions(fake)[0].ts


@pytest.mark.parametrize("fault", ["500-after-posting", "hang-after-posting"])
async def test_a_post_made_but_not_acknowledged_is_found_not_repeated(
    rig: SlackRig, fake: FakeSlack, clock: FakeClock, fault: str
) -> None:
    if fault == "500-after-posting":
        fake.fail("chat.postMessage", "internal_error", status=500, lands=True)
    else:  # longer than the bot waits (LPBOT_SEND_TIMEOUT 0.5 s here)
        fake.fail("chat.postMessage", "timeout", status=500, lands=True, hang=2.0)
    assert (await rig.bot.post_daily(REF)).status == "queued"
    assert len(questions(fake)) == 1
    await retry_all(rig, clock)
    assert len(questions(fake)) == 1
    assert fake.calls_to("conversations.history"), "the retry looks before it posts"
    post = await rig.storage.get_daily_post(REF, TODAY)
    assert post is not None and post.status == "posted"
    assert post.thread_id == questions(fake)[0].ts


async def posted_question(rig: SlackRig) -> str:
    outcome = await rig.bot.post_daily(REF)
    assert outcome.status == "posted"
    return questions(rig.fake)[-1].ts


async def send_answer(rig: SlackRig, thread_ts: str, ts: str = "1750000500.000100") -> None:
    assert rig.sender is not None
    event = rig.sender.thread_reply(CHANNEL, thread_ts, ts, STUDY_MEMBER, ANSWER)
    response = await rig.sender.event(event, event_id=f"Ev{ts}")
    assert response.status == 200
    await rig.drain()


@pytest.mark.parametrize(
    ("status", "error", "lands", "hang"),
    [
        (500, "internal_error", False, 0.0),
        (503, "service_unavailable", False, 0.0),
        (500, "internal_error", True, 0.0),
        (500, "timeout", True, 2.0),
    ],
    ids=["500", "503", "500-after-posting", "hang-after-posting"],
)
async def test_feedback_that_meets_a_fault_reaches_the_member_once(
    rig: SlackRig, fake: FakeSlack, clock: FakeClock, status: int, error: str, lands: bool,
    hang: float,
) -> None:
    thread = await posted_question(rig)
    fake.fail("chat.postMessage", error, status=status, lands=lands, hang=hang)
    await send_answer(rig, thread)
    stored = await rig.storage.get_answer_by_message("slack", "1750000500.000100")
    assert stored is not None  # the answer is kept whatever the reply does
    await retry_all(rig, clock)
    replies = [m for m in fake.thread(CHANNEL, thread) if m.ts != thread]
    assert len(replies) == 1
    stored = await rig.storage.get_answer_by_message("slack", "1750000500.000100")
    assert stored is not None and stored.feedback_message_id == replies[0].ts


async def test_a_failing_user_lookup_keeps_the_answer_and_replies(
    rig: SlackRig, fake: FakeSlack
) -> None:
    thread = await posted_question(rig)
    fake.fail("users.info", "internal_error", status=500, times=5)
    await send_answer(rig, thread)
    stored = await rig.storage.get_answer_by_message("slack", "1750000500.000100")
    assert stored is not None and stored.user_id == STUDY_MEMBER
    assert len([m for m in fake.thread(CHANNEL, thread) if m.ts != thread]) == 1


async def test_answers_during_a_locked_database_are_acknowledged_kept_and_answered(
    fake: FakeSlack, clock: FakeClock, tmp_path: Path
) -> None:
    db = tmp_path / "lpbot.db"
    rig = await start_rig(fake, str(db), clock)
    try:
        thread = await posted_question(rig)
        rig.storage.busy_timeout = 0.1
        await rig.storage.close()
        await rig.storage.connect()
        rig.bot.retries.first = 0.2
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # another process holds the file
        assert rig.sender is not None
        for n in range(5):
            ts = f"17500006{n:02d}.000100"
            event = rig.sender.thread_reply(CHANNEL, thread, ts, STUDY_MEMBER, ANSWER)
            response = await rig.sender.event(event, event_id=f"Ev{ts}")
            assert response.status == 200  # acknowledged while the file is locked
        await asyncio.sleep(0.3)
        assert [m for m in fake.thread(CHANNEL, thread) if m.ts != thread] == []
        other.execute("COMMIT")
        other.close()
        await rig.drain()
        await rig.bot.retries.drain()
        for n in range(5):
            stored = await rig.storage.get_answer_by_message("slack", f"17500006{n:02d}.000100")
            assert stored is not None and stored.feedback_message_id is not None
        assert len([m for m in fake.thread(CHANNEL, thread) if m.ts != thread]) == 5
    finally:
        await rig.stop()


async def test_a_restart_with_posts_due_answers_slack_at_once(
    fake: FakeSlack, clock: FakeClock, tmp_path: Path
) -> None:
    """Catch-up runs in the background: the endpoint answers before the missed posts
    are out (here they cannot go out at all: every post hangs)."""
    db = str(tmp_path / "lpbot.db")
    seeding = await start_rig(fake, db, clock, start_bot=False)
    for n in range(20):
        channel = f"C{n:03d}"
        fake.add_channel(channel)
        await seeding.storage.save_channel(ChannelConfig(
            channel=ChannelRef("slack", channel, "T0FAKE"), scheduled=True,
            scheduled_since=DUE - timedelta(days=2),
        ))
    await seeding.stop()
    fake.fail("chat.postMessage", "timeout", status=500, hang=3.0, times=20)
    rig = await start_rig(fake, db, clock, start_bot=False, send_timeout=5.0)
    try:
        await rig.bot.start(background=True)
        assert rig.sender is not None
        response = await rig.sender.command("help", user=STUDY_MEMBER, channel=CHANNEL)
        assert response.status == 200
        await rig.drain()
        assert fake.responses, "the command was answered"
        assert rig.bot._catching_up is not None and not rig.bot._catching_up.done()
    finally:
        await rig.stop()


async def test_a_look_slack_refuses_for_good_does_not_lose_the_post(
    rig: SlackRig, fake: FakeSlack, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Without the history scope the bot cannot check: it posts again (the one case
    where a post in doubt may show twice) rather than never."""
    fake.fail("chat.postMessage", "internal_error", status=500)  # did not land
    fake.fail("conversations.history", "missing_scope", times=3)
    assert (await rig.bot.post_daily(REF)).status == "queued"
    await retry_all(rig, clock)
    assert len(questions(fake)) == 1
    post = await rig.storage.get_daily_post(REF, TODAY)
    assert post is not None and post.status == "posted"
    assert "sending it again" in caplog.text


async def test_a_look_slack_does_not_offer_at_all_does_not_lose_the_post(
    rig: SlackRig, fake: FakeSlack, clock: FakeClock
) -> None:
    """A Slack (or a proxy) that answers the history read with a plain 404."""
    fake.fail("chat.postMessage", "internal_error", status=500)
    fake.fail("conversations.history", "not_found", status=404, times=3)
    assert (await rig.bot.post_daily(REF)).status == "queued"
    await retry_all(rig, clock)
    assert len(questions(fake)) == 1
    post = await rig.storage.get_daily_post(REF, TODAY)
    assert post is not None and post.status == "posted"


async def test_a_look_that_meets_a_server_error_is_tried_again_not_skipped(
    rig: SlackRig, fake: FakeSlack, clock: FakeClock
) -> None:
    fake.fail("chat.postMessage", "internal_error", status=500, lands=True)
    fake.fail("conversations.history", "internal_error", status=503)
    assert (await rig.bot.post_daily(REF)).status == "queued"
    await retry_all(rig, clock)
    assert len(questions(fake)) == 1  # the second look found it: not posted twice
    assert len(fake.calls_to("conversations.history")) == 2


@pytest.mark.parametrize("lands", [False, True], ids=["failed", "made-then-500"])
async def test_an_on_demand_question_that_meets_a_fault_is_posted_once(
    rig: SlackRig, fake: FakeSlack, clock: FakeClock, lands: bool
) -> None:
    fake.fail("chat.postMessage", "internal_error", status=500, lands=lands)
    assert rig.sender is not None
    await rig.sender.command("question", user=STUDY_MEMBER, channel=CHANNEL)
    await rig.drain()
    [told] = fake.responses_to("cmd")
    assert "keep trying" in told["text"]  # before the outbox: "Posting the question failed"
    await retry_all(rig, clock)
    [question] = questions(fake)
    [post] = await rig.storage.post_history(REF)
    assert (post.kind, post.status, post.message_id) == ("adhoc", "posted", question.ts)
