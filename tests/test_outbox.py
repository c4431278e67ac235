"""The outbox through the whole bot: the terminal channel with scripted platform
faults, a real SQLite file and a controlled clock. What the platform shows is counted:
every post and reply exactly once, or given up with a logged reason."""

from __future__ import annotations

import asyncio
import io
import logging
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from adapters.terminal import TerminalAdapter
from bot.config import Settings
from bot.events import AnswerDeleted, AnswerPosted, User
from bot.platform import ChannelUnavailable, PlatformError, RateLimited
from bot.replies import PostedMessage, QuestionPost, Reply
from storage.base import ChannelConfig
from tests.helpers import STORY, FakeClock, close, make_bot

HOME = TerminalAdapter.channel
NOON = datetime(2026, 11, 25, 9, 0, 30, tzinfo=UTC)  # the 09:00 UTC post is due
TODAY = date(2026, 11, 25)
MEMBER = User("u-ada", "Ada")
ANSWER = STORY


@dataclass
class Script:
    """Faults the platform raises, in order, before it works again; ``landed`` makes
    the call happen on the platform first (made, but the answer was lost)."""

    faults: list[BaseException] = field(default_factory=list)
    landed: bool = False
    hang: float = 0.0


class FlakyTerminal(TerminalAdapter):
    """The terminal channel with scripted faults, remembering what it showed by tag
    (as Slack's metadata or Discord's nonce would), so a send in doubt can be found."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.post_script = Script()
        self.reply_script = Script()
        self.questions: list[tuple[str | None, PostedMessage]] = []
        self.replies: list[tuple[str | None, str]] = []
        self.looked_for: list[str] = []

    async def _fault(self, script: Script, made) -> None:
        if script.hang:
            hang, script.hang = script.hang, 0.0
            await asyncio.sleep(hang)
        if script.faults:
            if script.landed:
                script.landed = False
                await made()
            raise script.faults.pop(0)

    async def post_question(self, channel, post, *, tag=None):
        async def made() -> None:
            self.questions.append((tag, await super(FlakyTerminal, self).post_question(
                channel, post, tag=tag)))

        await self._fault(self.post_script, made)
        posted = await super().post_question(channel, post, tag=tag)
        self.questions.append((tag, posted))
        return posted

    async def find_question(self, channel, post: QuestionPost, tag: str):
        self.looked_for.append(tag)
        return next((posted for t, posted in self.questions if t == tag), None)

    async def send_reply(self, channel, reply: Reply, *, thread_id=None, reply_to=None, tag=None):
        async def made() -> None:
            self.replies.append((tag, await super(FlakyTerminal, self).send_reply(
                channel, reply, thread_id=thread_id, reply_to=reply_to, tag=tag)))

        await self._fault(self.reply_script, made)
        message_id = await super().send_reply(
            channel, reply, thread_id=thread_id, reply_to=reply_to, tag=tag
        )
        self.replies.append((tag, message_id))
        return message_id

    async def find_reply(self, channel, tag, *, thread_id=None):
        self.looked_for.append(tag)
        return next((message for t, message in self.replies if t == tag), None)


async def flaky_bot(tmp_path, clock: FakeClock, **settings: object):
    h = await make_bot(tmp_path / "lpbot.db", clock, settings=Settings(**settings))
    flaky = FlakyTerminal(None, stdin=io.StringIO(""), stdout=h.out)
    h.bot.platforms.clear()
    h.bot.add_platform(flaky)
    await h.storage.save_channel(
        ChannelConfig(channel=HOME, scheduled=True, scheduled_since=NOON - timedelta(days=3))
    )
    return h, flaky


async def outbox_states(h) -> dict[str, str]:
    return {item.key: item.state for item in await h.storage.outbox_items()}


async def test_a_post_that_meets_a_server_error_is_retried_and_posted_once(tmp_path):
    clock = FakeClock(NOON)
    h, flaky = await flaky_bot(tmp_path, clock)
    flaky.post_script.faults = [PlatformError("HTTP 500"), PlatformError("HTTP 503")]
    outcome = await h.bot.post_daily(HOME)
    assert outcome.status == "queued"
    clock.advance(seconds=3)  # the first retry waits about 2 s
    await h.bot.outbox.run_due()
    assert flaky.questions == []  # the second fault: about 4 s more
    clock.advance(seconds=5)
    await h.bot.outbox.run_due()
    assert len(flaky.questions) == 1
    post = await h.storage.get_daily_post(HOME, TODAY)
    assert post is not None and post.status == "posted"
    assert post.thread_id == flaky.questions[0][1].thread_id
    assert await outbox_states(h) == {f"question:{post.id}": "sent"}
    await close(h)


async def test_a_429_waits_its_retry_after(tmp_path):
    clock = FakeClock(NOON)
    h, flaky = await flaky_bot(tmp_path, clock)
    flaky.post_script.faults = [RateLimited("slow down", 30)]
    await h.bot.post_daily(HOME)
    (item,) = await h.storage.outbox_items()
    assert item.next_attempt_at == NOON + timedelta(seconds=30)
    assert not item.in_doubt  # a 429 surely did not post: no need to look first
    clock.advance(seconds=29)
    await h.bot.outbox.run_due()
    assert flaky.questions == []
    clock.advance(seconds=1)
    await h.bot.outbox.run_due()
    assert len(flaky.questions) == 1 and flaky.looked_for == []
    await close(h)


async def test_a_post_made_but_not_acknowledged_is_found_not_repeated(tmp_path):
    clock = FakeClock(NOON)
    h, flaky = await flaky_bot(tmp_path, clock)
    flaky.post_script = Script([PlatformError("connection reset")], landed=True)
    assert (await h.bot.post_daily(HOME)).status == "queued"
    assert len(flaky.questions) == 1  # it is on the platform already
    clock.advance(seconds=10)
    await h.bot.outbox.run_due()
    assert len(flaky.questions) == 1
    assert len(flaky.looked_for) == 1
    post = await h.storage.get_daily_post(HOME, TODAY)
    assert post is not None and post.status == "posted"
    assert post.message_id == flaky.questions[0][1].message_id
    await close(h)


async def test_a_hanging_call_is_cut_and_checked_before_it_is_sent_again(tmp_path):
    clock = FakeClock(NOON)
    h, flaky = await flaky_bot(tmp_path, clock, send_timeout=0.2)
    flaky.post_script = Script(hang=5.0)
    assert (await h.bot.post_daily(HOME)).status == "queued"
    (item,) = await h.storage.outbox_items()
    assert item.in_doubt and "no answer within 0.2 s" in item.last_error
    clock.advance(seconds=10)
    await h.bot.outbox.run_due()
    assert len(flaky.questions) == 1 and len(flaky.looked_for) == 1
    await close(h)


async def test_a_crash_mid_send_is_finished_once_by_the_next_start(tmp_path):
    clock = FakeClock(NOON)
    h, flaky = await flaky_bot(tmp_path, clock)
    # The first process posted, then died before storage heard back: its row is
    # left "sending" with a lease.
    await h.bot.daily._claim(HOME, TODAY, NOON)
    post = await h.storage.get_daily_post(HOME, TODAY)
    assert post is not None
    from storage.base import OutboxEntry

    item = await h.storage.enqueue(
        OutboxEntry(f"question:{post.id}", "question", HOME, NOON + timedelta(hours=6), NOON,
                    post_id=post.id),
        NOON,
    )
    await h.storage.take_outbox(item.id, NOON, NOON + timedelta(seconds=30))
    question = h.bot.bank.question(post.question_id)
    qp = QuestionPost(question, h.bot.bank.principle(question.principle), TODAY)
    await flaky.post_question(HOME, qp, tag=item.key)
    # The restart: nothing is posted while the lease holds, then it is found.
    await h.bot.start()
    await h.bot.outbox.run_due()
    assert len(flaky.questions) == 1 and flaky.looked_for == []
    clock.advance(seconds=31)
    await h.bot.outbox.run_due()
    assert len(flaky.questions) == 1 and flaky.looked_for == [item.key]
    done = await h.storage.get_daily_post(HOME, TODAY)
    assert done is not None and done.status == "posted"
    await close(h)


async def test_a_deleted_channel_gives_up_at_once_and_stops_the_schedule(tmp_path, caplog):
    clock = FakeClock(NOON)
    h, flaky = await flaky_bot(tmp_path, clock)
    flaky.post_script.faults = [ChannelUnavailable("channel_not_found")]
    with caplog.at_level(logging.ERROR):
        outcome = await h.bot.post_daily(HOME)
    assert outcome.status == "unavailable"
    assert list((await outbox_states(h)).values()) == ["given_up"]
    config = await h.storage.get_channel(HOME)
    assert config is not None and not config.enabled
    assert "gave up question:" in caplog.text and "channel_not_found" in caplog.text
    await close(h)


async def test_a_post_still_failing_at_the_end_of_the_grace_period_is_given_up(tmp_path, caplog):
    clock = FakeClock(NOON)
    h, flaky = await flaky_bot(tmp_path, clock, grace_hours=0.01)  # 36 s
    flaky.post_script.faults = [PlatformError("HTTP 500")] * 50
    await h.bot.post_daily(HOME)
    with caplog.at_level(logging.ERROR):
        for _ in range(10):
            clock.advance(seconds=10)
            await h.bot.outbox.run_due()
    assert list((await outbox_states(h)).values()) == ["given_up"]
    post = await h.storage.get_daily_post(HOME, TODAY)
    assert post is not None and post.status == "failed"
    assert "HTTP 500" in caplog.text and "gave up" in caplog.text
    await close(h)


async def answered(h, flaky) -> tuple[str, AnswerPosted]:
    await h.bot.post_daily(HOME)
    thread = flaky.questions[-1][1].thread_id
    event = AnswerPosted(HOME, thread, "answer-1", MEMBER, ANSWER, NOON)
    return thread, event


async def test_feedback_that_meets_a_fault_still_reaches_the_member_once(tmp_path):
    clock = FakeClock(NOON)
    h, flaky = await flaky_bot(tmp_path, clock)
    _, event = await answered(h, flaky)
    flaky.reply_script = Script([PlatformError("HTTP 500")], landed=True)
    await h.bot.on_answer(event)
    stored = await h.storage.get_answer_by_message("terminal", "answer-1")
    assert stored is not None and stored.feedback_message_id is None
    clock.advance(seconds=5)
    await h.bot.outbox.run_due()
    assert len(flaky.replies) == 1  # found, not sent twice
    stored = await h.storage.get_answer_by_message("terminal", "answer-1")
    assert stored is not None and stored.feedback_message_id == flaky.replies[0][1]
    await close(h)


async def test_feedback_for_an_answer_deleted_meanwhile_is_given_up(tmp_path):
    clock = FakeClock(NOON)
    h, flaky = await flaky_bot(tmp_path, clock)
    thread, event = await answered(h, flaky)
    flaky.reply_script.faults = [PlatformError("HTTP 503")]
    await h.bot.on_answer(event)
    await h.bot.on_answer_deleted(AnswerDeleted(HOME, thread, "answer-1"))
    clock.advance(seconds=5)
    await h.bot.outbox.run_due()
    assert flaky.replies == []
    items = await h.storage.outbox_items("given_up")
    assert [item.last_error for item in items] == ["the answer was deleted"]
    await close(h)


async def test_feedback_is_given_up_after_the_reply_hours(tmp_path, caplog):
    clock = FakeClock(NOON)
    h, flaky = await flaky_bot(tmp_path, clock, reply_hours=0.01)
    _, event = await answered(h, flaky)
    flaky.reply_script.faults = [PlatformError("HTTP 500")] * 50
    await h.bot.on_answer(event)
    with caplog.at_level(logging.ERROR):
        for _ in range(10):
            clock.advance(seconds=10)
            await h.bot.outbox.run_due()
    assert [i.kind for i in await h.storage.outbox_items("given_up")] == ["feedback"]
    assert "gave up feedback:" in caplog.text
    await close(h)


async def test_an_answer_that_meets_a_locked_database_is_stored_and_answered(tmp_path):
    clock = FakeClock(NOON)
    h, flaky = await flaky_bot(tmp_path, clock)
    _, event = await answered(h, flaky)
    h.storage.busy_timeout = 0.1  # type: ignore[attr-defined]
    await h.storage.close()
    await h.storage.connect()  # reopened with the short busy timeout
    h.bot.retries.first = 0.2
    other = sqlite3.connect(tmp_path / "lpbot.db", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another process holds the file
    await h.bot.on_answer(event)
    assert len(h.bot.retries) == 1 and flaky.replies == []
    await asyncio.sleep(0.5)
    other.execute("COMMIT")
    other.close()
    await h.bot.retries.drain()
    stored = await h.storage.get_answer_by_message("terminal", "answer-1")
    assert stored is not None and stored.feedback_message_id is not None
    assert len(flaky.replies) == 1
    await close(h)


async def test_two_deliveries_of_one_answer_get_one_reply(tmp_path):
    clock = FakeClock(NOON)
    h, flaky = await flaky_bot(tmp_path, clock)
    _, event = await answered(h, flaky)
    await asyncio.gather(h.bot.on_answer(event), h.bot.on_answer(event))
    await h.bot.on_answer(event)
    assert len(flaky.replies) == 1
    await close(h)


async def test_the_worker_sends_what_waits_without_being_asked(tmp_path):
    clock = FakeClock(NOON)
    h, flaky = await flaky_bot(tmp_path, clock)
    flaky.post_script.faults = [RateLimited("slow down", 0)]
    await h.bot.start()  # catch-up posts the due question; the 429 leaves it queued
    assert flaky.questions == []
    await asyncio.wait_for(_until(lambda: flaky.questions), timeout=10)
    assert len(flaky.questions) == 1
    await close(h)


async def _until(condition) -> None:
    while not condition():
        await asyncio.sleep(0.01)



async def test_an_answer_a_killed_process_had_not_handled_is_answered_on_the_next_start(
    tmp_path,
):
    clock = FakeClock(NOON)
    h, flaky = await flaky_bot(tmp_path, clock)
    _, event = await answered(h, flaky)
    # The platform was told we have it, then the process died before handling it.
    await h.bot.inbox.keep(event)
    await close(h)
    h, flaky = await flaky_bot(tmp_path, clock)
    await h.bot.start()
    stored = await h.storage.get_answer_by_message("terminal", "answer-1")
    assert stored is not None and stored.feedback_message_id is not None
    assert len(flaky.replies) == 1
    assert await h.storage.inbox_waiting() == []
    await close(h)


async def test_a_handled_answer_leaves_nothing_in_the_inbox(tmp_path):
    clock = FakeClock(NOON)
    h, flaky = await flaky_bot(tmp_path, clock)
    _, event = await answered(h, flaky)
    await h.bot.on_answer(event)
    assert await h.storage.inbox_waiting() == []
    # Handled again after a restart (an inbox entry a crash kept): no second reply.
    await h.bot.inbox.keep(event)
    await h.bot.start()
    assert len(flaky.replies) == 1
    await close(h)


async def test_the_worker_forgets_finished_rows_after_a_week(tmp_path):
    clock = FakeClock(NOON)
    h, flaky = await flaky_bot(tmp_path, clock)
    await h.bot.post_daily(HOME)
    (first,) = await h.storage.outbox_items()
    assert first.state == "sent"
    clock.advance(days=8)
    await h.bot.start()  # the worker prunes as it starts (and hourly after)

    async def pruned() -> None:
        while await h.storage.get_outbox(first.key) is not None:
            await asyncio.sleep(0.01)

    await asyncio.wait_for(pruned(), timeout=10)
    await close(h)
