"""``/lp today``: today's question again, word for word, on every platform (the real
discord.py and slack-bolt code against the local fakes; the terminal in
tests/test_terminal_chat.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.events import ChannelRef, CommandInvoked, User
from tests.discord_rig import embeds_of, start_rig, stop_rig
from tests.helpers import FakeClock, close, make_bot
from tests.slack_fake import (
    STUDY_ADMIN,
    STUDY_CHANNEL,
    STUDY_MEMBER,
    FakeSlack,
    SlackRig,
    study_workspace,
)
from tests.slack_fake import start_rig as start_slack_rig

HOME = ChannelRef("terminal", "local")
ANA = User("ana", "Ana")
NOW = datetime(2025, 3, 3, 7, 0, tzinfo=UTC)


async def test_today_before_any_post_says_when_the_next_comes(tmp_path: Path) -> None:
    h = await make_bot(tmp_path / "t.db", FakeClock(NOW))
    try:
        await h.bot.start([HOME])
        result = await h.bot.on_command(CommandInvoked(HOME, ANA, "today"))
        assert result.reply is not None and result.thread_id is None
        assert result.reply.title == "No question here yet today"
        assert "Next post: Mon 03 Mar 2025 at 09:00 (UTC)." in result.reply.body
    finally:
        await close(h)


async def test_today_shows_the_daily_post_and_names_its_thread(tmp_path: Path) -> None:
    h = await make_bot(tmp_path / "t.db", FakeClock(NOW))
    try:
        await h.bot.start([HOME])
        outcome = await h.bot.post_daily(HOME)
        assert outcome.record is not None
        result = await h.bot.on_command(CommandInvoked(HOME, ANA, "today"))
        question = h.bot.bank.question(outcome.record.question_id)
        assert result.reply is not None
        assert result.reply.body == question.text
        assert result.reply.title.startswith("Question of the day: ")
        assert result.thread_id == outcome.record.thread_id
    finally:
        await close(h)


async def test_today_after_its_question_left_the_bank_says_it_was_posted(
    tmp_path: Path,
) -> None:
    h = await make_bot(tmp_path / "t.db", FakeClock(NOW))
    try:
        await h.bot.start([HOME])
        outcome = await h.bot.post_daily(HOME)
        assert outcome.record is not None
        bank = h.bot.bank  # the bot's own copy, not the packaged (cached) bank
        bank.questions = [q for q in bank.questions if q.id != outcome.record.question_id]
        result = await h.bot.on_command(CommandInvoked(HOME, ANA, "today"))
        assert result.reply is not None
        assert (result.reply.title, result.reply.body) == (
            "Today's question",
            "Today's question is posted in this channel.",
        )
        # No question left to judge answers by, so no thread to answer into.
        assert result.thread_id is None
    finally:
        await close(h)


async def test_today_on_discord_repeats_the_post_privately(tmp_path: Path) -> None:
    rig = await start_rig(tmp_path)
    try:
        posted = await rig.fake.slash(rig.channel, rig.admin, "post", admin=True)
        await rig.fake.wait_until(lambda: posted.callbacks)
        [post] = rig.fake.find_requests("POST", f"/channels/{rig.channel}/messages")
        [daily] = embeds_of(post.body)

        asked = await rig.fake.slash(rig.channel, rig.member, "today")
        await rig.fake.wait_until(lambda: asked.callbacks)
        [callback] = asked.callbacks
        assert callback["data"]["flags"] & 64  # ephemeral
        [shown] = embeds_of(callback)
        assert (shown["title"], shown["description"]) == (daily["title"], daily["description"])
    finally:
        await stop_rig(rig)


@pytest.fixture
async def slack(tmp_path: Path) -> AsyncIterator[SlackRig]:
    fake: FakeSlack = await study_workspace()
    rig = await start_slack_rig(fake, str(tmp_path / "lpbot.db"), FakeClock(NOW))
    yield rig
    await rig.stop()
    await fake.stop()


async def test_today_on_slack_repeats_the_post_privately(slack: SlackRig) -> None:
    assert slack.sender is not None
    await slack.sender.command("post", user=STUDY_ADMIN, channel=STUDY_CHANNEL)
    await slack.drain()
    [post] = slack.fake.calls_to("chat.postMessage")
    question_text = post.params["blocks"][1]["text"]["text"]

    await slack.sender.command("today", user=STUDY_MEMBER, channel=STUDY_CHANNEL)
    await slack.drain()
    [*_, shown] = slack.fake.responses_to("cmd")
    assert shown["response_type"] == "ephemeral"
    assert question_text in str(shown)
    assert header_of(post) in str(shown)


def header_of(call) -> str:
    return call.params["blocks"][0]["text"]["text"]
