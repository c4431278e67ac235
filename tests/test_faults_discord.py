"""Exactly once on Discord: the real discord.py client against the local fake. A
question is tagged with an enforced nonce; a send left in doubt by a crash is looked
for in the channel's last messages, and a question whose thread a crash cut off gets
its thread instead of a second question."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from bot.replies import QuestionPost, Reply
from storage.sqlite_rows import dt_to_text
from tests.discord_rig import DiscordRig, start_rig, stop_rig


@pytest.fixture
async def rig(tmp_path):
    rig = await start_rig(tmp_path)
    yield rig
    await stop_rig(rig)


def daily_post(rig: DiscordRig) -> QuestionPost:
    question = rig.bot.bank.questions[0]
    day = rig.clock().date()
    return QuestionPost(question, rig.bot.bank.principle(question.principle), day)


async def test_the_same_tag_twice_is_one_message(rig):
    post = daily_post(rig)
    first = await rig.adapter.post_question(rig.channel_ref, post, tag="question:1")
    again = await rig.adapter.post_question(rig.channel_ref, post, tag="question:1")
    assert again.message_id == first.message_id
    assert len(rig.fake.messages_in(rig.channel)) == 1
    assert len(rig.fake.threads_in(rig.channel)) == 1


async def test_a_question_in_doubt_is_found_in_the_channel(rig):
    post = daily_post(rig)
    posted = await rig.adapter.post_question(rig.channel_ref, post, tag="question:1")
    found = await rig.adapter.find_question(rig.channel_ref, post, "question:1")
    assert found == posted
    other_day = QuestionPost(post.question, post.principle, post.local_date + timedelta(days=3))
    assert await rig.adapter.find_question(rig.channel_ref, other_day, "question:2") is None


async def test_a_question_whose_thread_was_cut_off_gets_its_thread(rig):
    post = daily_post(rig)
    # A crash after the message and before its thread: the thread call failed.
    rig.fake.fail("POST", rf"/channels/{rig.channel}/messages/\d+/threads", 400, code=0)
    with pytest.raises(Exception):  # noqa: B017 - any platform error
        await rig.adapter.post_question(rig.channel_ref, post, tag="question:1")
    assert len(rig.fake.messages_in(rig.channel)) == 1
    assert rig.fake.threads_in(rig.channel) == []
    found = await rig.adapter.find_question(rig.channel_ref, post, "question:1")
    assert found is not None
    assert len(rig.fake.messages_in(rig.channel)) == 1
    (thread,) = rig.fake.threads_in(rig.channel)
    assert found.thread_id == thread["id"]


async def test_a_daily_post_in_doubt_is_recorded_not_repeated(rig):
    """The whole bot: the process posted, then died before storage heard back (its
    outbox row left "sending", its post still "claimed"); the next attempt finds it."""
    outcome = await rig.bot.post_daily(rig.channel_ref)
    assert outcome.status == "posted" and outcome.record is not None
    posted_id = outcome.record.message_id
    long_ago = dt_to_text(rig.clock() - timedelta(minutes=5))
    with sqlite3.connect(rig.db) as db:  # the state a kill -9 mid-send leaves
        db.execute("UPDATE outbox SET state = 'sending', lease_until = ?", (long_ago,))
        db.execute("UPDATE posts SET status = 'claimed', message_id = NULL, thread_id = NULL")
    await rig.bot.outbox.run_due()
    assert len(rig.fake.messages_in(rig.channel)) == 1
    post = await rig.storage.get_post(outcome.record.id)
    assert post is not None and post.status == "posted" and post.message_id == posted_id
    (item,) = await rig.storage.outbox_items()
    assert item.state == "sent" and item.in_doubt and item.attempts == 2


async def test_feedback_sent_with_a_nonce_is_one_message(rig):
    thread = await rig.adapter.post_question(rig.channel_ref, daily_post(rig), tag="question:1")
    reply = Reply("Feedback", "Well told.")
    first = await rig.adapter.send_reply(
        rig.channel_ref, reply, thread_id=thread.thread_id, tag="feedback:1"
    )
    again = await rig.adapter.send_reply(
        rig.channel_ref, reply, thread_id=thread.thread_id, tag="feedback:1"
    )
    assert first == again
    assert len(rig.fake.messages_in(int(thread.thread_id))) == 1


async def test_without_read_message_history_a_post_in_doubt_is_posted_not_lost(rig):
    post = daily_post(rig)
    rig.fake.fail("GET", rf"/channels/{rig.channel}/messages", 403, code=50001,
                  message="Missing Access")
    assert await rig.adapter.find_question(rig.channel_ref, post, "question:1") is None
