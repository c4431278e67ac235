"""The daily post through the whole core: claims, restarts, crashes, two processes."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from adapters.terminal import TerminalAdapter
from bot.events import ChannelRef, CommandInvoked, User
from bot.platform import ChannelUnavailable
from bot.replies import PostedMessage, QuestionPost
from storage.base import ChannelConfig
from tests.helpers import FakeClock, close, make_bot

HOME = TerminalAdapter.channel
ADMIN = User("ada", "Ada", is_admin=True)
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


async def schedule_home(h) -> None:
    """The terminal channel as a previous run left it: scheduled long ago."""
    await h.storage.save_channel(
        ChannelConfig(channel=HOME, scheduled=True, scheduled_since=LONG_AGO)
    )


class CountingTerminal(TerminalAdapter):
    """The terminal channel, counting what it posts."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.posts: list[QuestionPost] = []

    async def post_question(
        self, channel: ChannelRef, post: QuestionPost, *, tag: str | None = None
    ) -> PostedMessage:
        self.posts.append(post)
        return await super().post_question(channel, post, tag=tag)


async def test_start_schedules_home_channel_and_catches_up_within_grace(tmp_path):
    clock = FakeClock(datetime(2026, 11, 25, 11, 0, tzinfo=UTC))  # two hours after 09:00 UTC
    h = await make_bot(tmp_path / "a.db", clock)
    await schedule_home(h)
    await h.bot.start([HOME])
    post = await h.storage.get_daily_post(HOME, date(2026, 11, 25))
    assert post is not None and post.status == "posted"
    assert "Question of the day" in h.out.getvalue()
    await close(h)


async def test_restart_beyond_grace_records_a_skip_and_posts_nothing(tmp_path):
    clock = FakeClock(datetime(2026, 11, 25, 16, 0, tzinfo=UTC))  # 7 h late, grace is 6 h
    h = await make_bot(tmp_path / "b.db", clock)
    await schedule_home(h)
    await h.bot.start([HOME])
    post = await h.storage.get_daily_post(HOME, date(2026, 11, 25))
    assert post is not None and post.status == "skipped"
    assert "Question of the day" not in h.out.getvalue()
    await close(h)


async def test_restart_after_posting_never_posts_twice(tmp_path):
    clock = FakeClock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    first = await make_bot(tmp_path / "c.db", clock)
    await first.bot.start([HOME])
    await close(first)
    clock.advance(hours=1)
    second = await make_bot(tmp_path / "c.db", clock)
    await second.bot.start([HOME])
    await second.bot.scheduler.run_due(HOME)
    assert "Question of the day" not in second.out.getvalue()
    history = await second.storage.post_history(HOME)
    assert [p.local_date for p in history if p.kind == "daily"] == [date(2026, 11, 25)]
    await close(second)


async def test_crash_between_claim_and_platform_call_is_finished_on_restart(tmp_path):
    clock = FakeClock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    h = await make_bot(tmp_path / "d.db", clock)
    await h.bot.start([HOME])
    # A process claimed tomorrow's post and died before reaching the platform.
    tomorrow = date(2026, 11, 26)
    claim = await h.storage.claim_daily_post(
        HOME, tomorrow, "co-01", "customer-obsession", datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    )
    assert claim is not None
    await close(h)
    clock.now = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    restarted = await make_bot(tmp_path / "d.db", clock)
    await restarted.bot.start([HOME])
    post = await restarted.storage.get_daily_post(HOME, tomorrow)
    assert post is not None and post.status == "posted" and post.question_id == "co-01"
    assert restarted.out.getvalue().count("Question of the day") == 1
    await close(restarted)


async def test_two_processes_on_one_database_post_once(tmp_path):
    clock = FakeClock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    one = await make_bot(tmp_path / "e.db", clock)
    two = await make_bot(tmp_path / "e.db", clock)
    counters = []
    for h in (one, two):
        counter = CountingTerminal(stdin=h.terminal.stdin, stdout=h.out)
        h.bot.add_platform(counter)
        counters.append(counter)
    config = await one.bot.channel_config(HOME)
    config.scheduled = True
    await one.storage.save_channel(config)
    await asyncio.gather(one.bot.scheduler.run_due(HOME), two.bot.scheduler.run_due(HOME))
    await asyncio.gather(one.bot.post_daily(HOME), two.bot.post_daily(HOME))
    assert sum(len(c.posts) for c in counters) == 1
    await close(one)
    await close(two)


async def test_post_command_says_already_posted_with_link(tmp_path):
    clock = FakeClock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    h = await make_bot(tmp_path / "f.db", clock)
    await h.bot.start([HOME])
    result = await h.bot.on_command(CommandInvoked(HOME, ADMIN, "post"))
    assert result.reply is not None and "already posted" in result.reply.title
    await close(h)


class GoneChannel(TerminalAdapter):
    async def post_question(self, channel, post, *, tag=None):
        raise ChannelUnavailable("Unknown Channel")


async def test_deleted_channel_disables_the_schedule_once(tmp_path, caplog):
    clock = FakeClock(datetime(2026, 11, 25, 8, 0, tzinfo=UTC))
    h = await make_bot(tmp_path / "g.db", clock)
    h.bot.add_platform(GoneChannel(stdin=h.terminal.stdin, stdout=h.out))
    await h.bot.start([HOME])
    clock.advance(hours=1)
    outcome = await h.bot.post_daily(HOME)
    assert outcome.status == "unavailable"
    config = await h.storage.get_channel(HOME)
    assert config is not None and not config.enabled
    assert "Unknown Channel" in (config.disabled_reason or "")
    assert await h.storage.scheduled_channels() == []
    clock.advance(days=1)
    await h.bot.scheduler.run_due(HOME)  # disabled: no new attempt, no new error
    errors = [r for r in caplog.records if r.levelname == "ERROR" and "Stopped" in r.message]
    assert len(errors) == 1
    await close(h)


async def test_schedule_by_admin_then_next_post_time_shown(tmp_path):
    clock = FakeClock(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))  # a Wednesday
    h = await make_bot(tmp_path / "h.db", clock)
    await h.bot.start()
    channel = ChannelRef("terminal", "other")
    result = await h.bot.on_command(
        CommandInvoked(channel, ADMIN, "schedule", ("08:30", "Europe/Berlin", "mon-fri"))
    )
    assert result.reply is not None
    assert "Europe/Berlin" in result.reply.body
    assert "Thu 26 Nov 2026 at 08:30" in result.reply.body
    member = User("bo", "Bo")
    refused = await h.bot.on_command(CommandInvoked(channel, member, "pause"))
    assert refused.private and refused.reply is not None and refused.reply.kind == "error"
    shown = await h.bot.on_command(CommandInvoked(channel, member, "schedule"))
    assert shown.reply is not None and "08:30" in shown.reply.body
    await close(h)


async def test_skip_next_and_holiday_dates(tmp_path):
    clock = FakeClock(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))  # after today's 09:00
    h = await make_bot(tmp_path / "i.db", clock)
    await h.bot.start([HOME])
    nxt = await h.bot.on_command(CommandInvoked(HOME, ADMIN, "skip"))
    assert nxt.reply is not None and nxt.reply.title == "Skipping Thu 26 Nov 2026"
    assert "Next post: Fri 27 Nov 2026 at 09:00" in nxt.reply.body
    holiday = await h.bot.on_command(CommandInvoked(HOME, ADMIN, "skip", ("2026-12-25",)))
    assert holiday.reply is not None and "Fri 25 Dec 2026" in holiday.reply.body
    bad = await h.bot.on_command(CommandInvoked(HOME, ADMIN, "skip", ("christmas",)))
    assert bad.reply is not None and bad.reply.kind == "error" and "YYYY-MM-DD" in bad.reply.body
    config = await h.storage.get_channel(HOME)
    assert config is not None
    assert config.skip_dates == {date(2026, 11, 26), date(2026, 12, 25)}
    clock.now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    assert await h.bot.scheduler.run_due(HOME) != "posted"
    await close(h)


async def test_first_start_records_no_skip_for_days_before_it(tmp_path):
    clock = FakeClock(datetime(2026, 11, 25, 1, 0, tzinfo=UTC))  # before today's 09:00
    h = await make_bot(tmp_path / "j.db", clock)
    await h.bot.start([HOME])
    assert await h.storage.post_history(HOME) == []
    assert await h.storage.get_daily_post(HOME, date(2026, 11, 24)) is None
    await close(h)


async def test_question_command_posts_and_names_the_principle(tmp_path):
    clock = FakeClock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    h = await make_bot(tmp_path / "f.db", clock)
    await h.bot.start([HOME])
    member = User("bo", "Bo")
    result = await h.bot.on_command(CommandInvoked(HOME, member, "question", ("earn-trust",)))
    assert result.reply is not None
    assert result.reply.title == "Posted a question on Earn Trust"
    await close(h)
