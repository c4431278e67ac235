"""The daily question on Discord at its time, answers in its thread, edits, deletions,
and a restart in the middle of the day, with the clock under the test's control."""

from __future__ import annotations

import pytest

from storage.base import AnswerRecord
from tests.discord_rig import (
    GOOD_ANSWER,
    SHORT_ANSWER,
    DiscordRig,
    embeds_of,
    eventually,
    restart_rig,
    schedule_nine_utc,
    start_rig,
    stop_rig,
)


@pytest.fixture
async def rig(tmp_path):
    rig = await start_rig(tmp_path)
    yield rig
    await stop_rig(rig)


async def post_at_nine(rig: DiscordRig) -> dict:
    """Schedule the channel, let 09:00 come, and return the thread that was opened."""
    await schedule_nine_utc(rig)
    # 08:50: nothing for today yet (the scheduler only notes yesterday as missed).
    assert await rig.bot.scheduler.run_due(rig.channel_ref) != "posted"
    assert rig.fake.threads_in(rig.channel) == []
    rig.clock.advance(minutes=10)
    assert await rig.bot.scheduler.run_due(rig.channel_ref) == "posted"
    [thread] = rig.fake.threads_in(rig.channel)
    return thread


async def feedback_stored(rig: DiscordRig, answer_id: int) -> AnswerRecord | None:
    stored = await rig.storage.get_answer_by_message("discord", str(answer_id))
    return stored if stored is not None and stored.feedback_message_id else None


def feedback_posts(rig: DiscordRig, thread_id: str) -> list:
    return rig.fake.find_requests("POST", f"/channels/{thread_id}/messages")


async def test_the_scheduled_post_goes_out_at_its_time_with_a_thread(rig):
    thread = await post_at_nine(rig)
    [post] = rig.fake.find_requests("POST", f"/channels/{rig.channel}/messages")
    [embed] = embeds_of(post.body)
    name = embed["title"].removeprefix("Question of the day: ")
    principle = next(p for p in rig.bot.principles() if p.name == name)
    assert embed["color"] == principle.color
    assert embed["description"]  # the question
    assert "Reply in the thread" in embed["footer"]["text"]
    assert thread["name"] == f"{name} · 2025-01-06"
    assert thread["id"] == post.response["id"]  # opened from the question itself
    record = await rig.storage.get_daily_post(rig.channel_ref, rig.clock.now.date())
    assert record is not None and record.status == "posted"
    assert record.thread_id == thread["id"]


async def test_an_answer_in_the_thread_gets_feedback_as_a_reply(rig):
    thread = await post_at_nine(rig)
    answer_id = await rig.fake.say(int(thread["id"]), rig.member, GOOD_ANSWER)
    [reply] = await rig.fake.wait_for_request("POST", f"/channels/{thread['id']}/messages")
    assert str(reply.body["message_reference"]["message_id"]) == str(answer_id)
    assert reply.body["allowed_mentions"]["parse"] == []  # never @everyone from feedback
    [embed] = embeds_of(reply.body)
    assert embed["title"]
    stored = await eventually(lambda: feedback_stored(rig, answer_id))
    assert stored.user_id == rig.member["id"]
    assert stored.feedback_message_id == reply.response["id"]


async def test_an_edited_answer_updates_its_feedback_and_a_deleted_one_removes_it(rig):
    thread = await post_at_nine(rig)
    answer_id = await rig.fake.say(int(thread["id"]), rig.member, SHORT_ANSWER)
    stored = await eventually(lambda: feedback_stored(rig, answer_id))
    feedback_id = stored.feedback_message_id
    first_score = stored.score

    await rig.fake.edit(answer_id, GOOD_ANSWER)
    [edit] = await rig.fake.wait_for_request(
        "PATCH", f"/channels/{thread['id']}/messages/{feedback_id}"
    )
    assert embeds_of(edit.body)
    edited = await eventually(lambda: rig.storage.get_answer_by_message("discord", str(answer_id)))
    assert edited.text == GOOD_ANSWER and edited.score > first_score

    await rig.fake.delete(answer_id)
    await rig.fake.wait_for_request("DELETE", f"/channels/{thread['id']}/messages/{feedback_id}")
    assert int(feedback_id) not in rig.fake.messages
    assert len(feedback_posts(rig, thread["id"])) == 1


async def test_bots_own_messages_and_other_channels_get_no_feedback(rig):
    thread = await post_at_nine(rig)
    # A message in the channel itself (not a thread) and the bot's own feedback
    # (the fake echoes it on the gateway, as Discord does) must not be answered.
    await rig.fake.say(rig.channel, rig.member, GOOD_ANSWER)
    first = await rig.fake.say(int(thread["id"]), rig.member, GOOD_ANSWER)
    await rig.fake.wait_for_request("POST", f"/channels/{thread['id']}/messages")
    second = await rig.fake.say(int(thread["id"]), rig.admin, GOOD_ANSWER)
    posts = await rig.fake.wait_for_request("POST", f"/channels/{thread['id']}/messages", count=2)
    replied_to = [str(p.body["message_reference"]["message_id"]) for p in posts]
    assert replied_to == [str(first), str(second)]
    assert len(rig.fake.find_requests("POST", f"/channels/{rig.channel}/messages")) == 1


async def test_a_restart_never_posts_twice_and_keeps_answering_old_threads(rig, tmp_path):
    thread = await post_at_nine(rig)
    rig.clock.advance(hours=2)
    rig = await restart_rig(rig, tmp_path)
    try:
        assert await rig.bot.scheduler.run_due(rig.channel_ref) == "done"
        outcome = await rig.bot.post_daily(rig.channel_ref)
        assert outcome.status == "already"
        assert len(rig.fake.find_requests("POST", f"/channels/{rig.channel}/messages")) == 1
        answer_id = await rig.fake.say(int(thread["id"]), rig.member, GOOD_ANSWER)
        [reply] = await rig.fake.wait_for_request("POST", f"/channels/{thread['id']}/messages")
        assert str(reply.body["message_reference"]["message_id"]) == str(answer_id)
    finally:
        await stop_rig(rig)


async def test_a_thread_missing_from_the_cache_is_looked_up(rig, tmp_path):
    thread = await post_at_nine(rig)
    rig.fake.send_threads_on_connect = False  # e.g. a thread Discord did not resend
    rig = await restart_rig(rig, tmp_path)
    try:
        answer_id = await rig.fake.say(int(thread["id"]), rig.member, GOOD_ANSWER)
        [reply] = await rig.fake.wait_for_request("POST", f"/channels/{thread['id']}/messages")
        assert str(reply.body["message_reference"]["message_id"]) == str(answer_id)
        assert rig.fake.find_requests("GET", f"/channels/{thread['id']}")

        await eventually(lambda: feedback_stored(rig, answer_id))
        await rig.fake.edit(answer_id, GOOD_ANSWER + " It also cut support tickets by half.")
        await rig.fake.wait_for_request("PATCH", rf"/channels/{thread['id']}/messages/\d+")
        assert len(rig.fake.find_requests("GET", f"/channels/{thread['id']}")) == 1
    finally:
        await stop_rig(rig)
