"""Discord under real conditions: rate limits, a refused privileged intent, missing
permissions, deleted channels, being removed from a server, a revoked token."""

from __future__ import annotations

import asyncio
import logging

import pytest

from adapters.discord import DiscordAdapter
from adapters.discord.pacing import POST_SPACING
from bot.config import Settings
from bot.events import ChannelRef
from bot.platform import AuthFailed, MissingPermission
from bot.replies import QuestionPost, Reply
from bot.runtime import EXIT_AUTH, run_bot
from tests.discord_fake import FakeDiscord
from tests.discord_rig import (
    MONDAY_0850,
    DiscordRig,
    embeds_of,
    eventually,
    schedule_nine_utc,
    start_rig,
    stop_rig,
)
from tests.helpers import FakeClock


class NoCore:
    """A core that is never asked anything (connection-only tests)."""

    def principles(self) -> list:
        return []


@pytest.fixture
async def rig(tmp_path):
    rig = await start_rig(tmp_path)
    yield rig
    await stop_rig(rig)


async def disabled_reason(rig: DiscordRig) -> str | None:
    config = await rig.storage.get_channel(rig.channel_ref)
    assert config is not None
    return None if config.enabled else config.disabled_reason


def channel_posts(rig: DiscordRig) -> list:
    return rig.fake.find_requests("POST", f"/channels/{rig.channel}/messages")


async def test_a_429_is_waited_out_then_the_post_goes_through(rig):
    rig.fake.fail("POST", rf"/channels/{rig.channel}/messages", 429, retry_after=0.3)
    outcome = await rig.bot.post_daily(rig.channel_ref)
    assert outcome.status == "posted"
    limited, sent = channel_posts(rig)
    assert (limited.status, sent.status) == (429, 200)
    # Waited out (at least Retry-After), not retried in a tight loop.
    assert sent.at - limited.at >= 0.3
    assert len(rig.fake.threads_in(rig.channel)) == 1


async def test_a_refused_message_content_intent_is_explained_and_the_bot_keeps_running(
    tmp_path, caplog
):
    clock = FakeClock(MONDAY_0850)
    fake = await FakeDiscord(now=clock, message_content_allowed=False).start()
    guild = fake.add_guild()
    fake.add_channel(guild)
    fake.add_user(guild, "ada")
    fake.add_user(guild, "ben")
    caplog.set_level(logging.WARNING, logger="adapters.discord")
    rig = await start_rig(tmp_path, fake=fake, clock=clock)
    try:
        first, second = fake.identifies
        assert first["intents"] & (1 << 15) and not second["intents"] & (1 << 15)
        assert not rig.adapter.message_content
        warnings = [r.getMessage() for r in caplog.records if "4014" in r.getMessage()]
        assert len(warnings) == 1
        assert "Message Content intent" in warnings[0]
        assert "Privileged Gateway Intents" in warnings[0]  # how to fix it

        # The daily post and private practice still work.
        assert (await rig.bot.post_daily(rig.channel_ref)).status == "posted"
        ix = await fake.slash(rig.channel, rig.member, "answer")
        await fake.wait_until(lambda: ix.callbacks)
        assert ix.response_type == 9
        assert len([r for r in fake.requests if r.method == "PUT"]) == 1  # synced once
    finally:
        await stop_rig(rig)


async def test_403_on_the_daily_post_disables_the_schedule_and_logs_once(rig, caplog):
    await schedule_nine_utc(rig)
    rig.clock.advance(minutes=10)
    rig.fake.fail(
        "POST",
        rf"/channels/{rig.channel}/messages",
        403,
        code=50013,
        message="Missing Permissions",
        times=5,
    )
    caplog.set_level(logging.ERROR)
    assert await rig.bot.scheduler.run_due(rig.channel_ref) == "posted"  # attempted
    reason = await disabled_reason(rig)
    assert reason is not None and "missing permission" in reason
    assert "Missing Permissions" in reason
    # No retry loop: the next check does nothing and nothing more is sent.
    rig.clock.advance(minutes=5)
    assert await rig.bot.scheduler.run_due(rig.channel_ref) == "idle"
    assert len(channel_posts(rig)) == 1
    stopped = [r for r in caplog.records if "Stopped the daily post" in r.getMessage()]
    assert len(stopped) == 1


async def test_404_unknown_channel_on_the_daily_post_disables_the_schedule(rig):
    await schedule_nine_utc(rig)
    rig.clock.advance(minutes=10)
    rig.fake.delete_channel(rig.channel)
    await rig.bot.scheduler.run_due(rig.channel_ref)
    [attempt] = channel_posts(rig)
    assert attempt.status == 404 and attempt.response["code"] == 10003
    reason = await disabled_reason(rig)
    assert reason is not None and reason.startswith("channel unavailable")


async def test_a_question_without_its_thread_is_taken_back(rig):
    rig.fake.fail(
        "POST",
        rf"/channels/{rig.channel}/messages/\d+/threads",
        403,
        code=50013,
        message="Missing Permissions",
    )
    with pytest.raises(MissingPermission):
        await rig.adapter.post_question(rig.channel_ref, question_post(rig))
    [posted] = channel_posts(rig)
    deletes = rig.fake.find_requests(
        "DELETE", rf"/channels/{rig.channel}/messages/{posted.response['id']}"
    )
    assert len(deletes) == 1
    assert rig.fake.messages_in(rig.channel) == []


def question_post(rig: DiscordRig) -> QuestionPost:
    question = rig.bot.bank.questions[0]
    return QuestionPost(question, rig.bot.bank.principle(question.principle))


async def test_a_member_sees_a_refusal_when_the_bot_cannot_post_there(rig):
    rig.fake.fail(
        "POST", rf"/channels/{rig.channel}/messages", 403, code=50001, message="Missing Access"
    )
    ix = await rig.fake.slash(rig.channel, rig.member, "question")
    await rig.fake.wait_until(lambda: ix.callbacks)
    [embed] = embeds_of(ix.callbacks[0])
    assert embed["title"] == "I can't post in this channel"
    assert ix.ephemeral


async def test_removal_from_a_server_stops_its_daily_posts(rig):
    await schedule_nine_utc(rig)
    rig.clock.advance(minutes=10)
    await rig.fake.remove_bot_from(rig.guild)
    reason = await eventually(lambda: disabled_reason(rig))
    assert "removed" in reason


async def test_a_revoked_token_at_start_is_an_auth_failure(tmp_path):
    clock = FakeClock(MONDAY_0850)
    fake = await FakeDiscord(now=clock).start()
    guild = fake.add_guild()
    fake.add_channel(guild)
    fake.add_user(guild, "ada")
    fake.add_user(guild, "ben")
    fake.revoke_token()
    rig = await start_rig(tmp_path, fake=fake, clock=clock, wait_ready=False)
    try:
        with pytest.raises(AuthFailed, match="DISCORD_TOKEN"):
            await rig.task
        [login] = fake.find_requests("GET", "/users/@me")
        assert login.status == 401
    finally:
        await stop_rig(rig)


async def test_a_token_revoked_while_running_ends_the_run_with_auth_failed(rig):
    rig.fake.revoke_token()
    await rig.fake.close_gateway(4004, "Authentication failed.")
    with pytest.raises(AuthFailed):
        await rig.task


async def test_lpbot_run_exits_non_zero_on_a_revoked_token(tmp_path):
    fake = await FakeDiscord().start()
    try:
        fake.revoke_token()
        env = fake.env(DATABASE_URL=f"sqlite:///{tmp_path / 'run.db'}")
        settings = Settings.from_env(env)
        code = await run_bot(settings, adapters=[DiscordAdapter.from_settings(settings)])
        assert code == EXIT_AUTH != 0
    finally:
        await fake.stop()


async def test_the_api_base_url_alone_finds_the_gateway_through_gateway_bot(tmp_path):
    fake = await FakeDiscord().start()
    guild = fake.add_guild()
    fake.add_channel(guild)
    try:
        settings = Settings.from_env(
            {"DISCORD_TOKEN": fake.token, "DISCORD_API_BASE_URL": fake.api_base_url}
        )
        adapter = DiscordAdapter.from_settings(settings, guild_ready_timeout=0.05)
        task = asyncio.create_task(adapter.run(NoCore()))  # type: ignore[arg-type]
        await fake.wait_connected()
        assert fake.find_requests("GET", "/gateway/bot")
        await adapter.close()
        await task
    finally:
        await fake.stop()


async def test_a_token_rejected_on_a_post_stops_the_bot(rig, caplog):
    rig.fake.revoke_token()  # REST now answers 401; the gateway session is still open
    outcome = await rig.bot.post_daily(rig.channel_ref)
    # Kept for the next start (with a new token), not given up.
    assert outcome.status == "queued"
    assert [item.state for item in await rig.bot.storage.outbox_items()] == ["pending"]
    with pytest.raises(AuthFailed, match="DISCORD_TOKEN"):
        await rig.task


async def test_a_dropped_connection_resumes_and_keeps_working(rig):
    await rig.fake.close_gateway(4000, "Unknown error")  # resumable, as Discord's 4000
    conn = await rig.fake.wait_until(lambda: [c for c in rig.fake.identified if c.resumed])
    assert conn[0].identify["session_id"] == "session-1"
    ix = await rig.fake.slash(rig.channel, rig.member, "help")
    await rig.fake.wait_until(lambda: ix.callbacks)
    assert ix.response_type == 4


async def test_deleting_a_message_that_is_already_gone_is_not_an_error(rig):
    await rig.adapter.delete_message(rig.channel_ref, "123456789")
    [attempt] = rig.fake.find_requests("DELETE", rf"/channels/{rig.channel}/messages/123456789")
    assert attempt.status == 404


async def test_the_daily_fan_out_stays_under_the_global_rate_limit(tmp_path):
    clock = FakeClock(MONDAY_0850)
    fake = await FakeDiscord(now=clock).start()
    guild = fake.add_guild()
    channels = [fake.add_channel(guild, f"team-{n}") for n in range(30)]
    fake.add_user(guild, "ada")
    fake.add_user(guild, "ben")
    fake.global_limit = 50
    rig = await start_rig(tmp_path, fake=fake, clock=clock, post_spacing=POST_SPACING)
    try:
        refs = [ChannelRef("discord", str(c), str(guild)) for c in channels]
        outcomes = await asyncio.gather(*(rig.bot.post_daily(ref) for ref in refs))
        assert [o.status for o in outcomes] == ["posted"] * 30
        assert [r for r in fake.requests if r.status == 429] == []
        assert all(len(fake.threads_in(c)) == 1 for c in channels)
    finally:
        await stop_rig(rig)


async def test_an_unreadable_event_is_skipped_and_the_bot_keeps_going(rig, caplog):
    await rig.fake.dispatch("INTERACTION_CREATE", {"id": "1", "type": 2})  # no token, no data
    ix = await rig.fake.slash(rig.channel, rig.member, "help")
    await rig.fake.wait_until(lambda: ix.callbacks)
    assert not rig.task.done()
    skipped = [r for r in caplog.records if "Skipped a INTERACTION_CREATE" in r.getMessage()]
    assert len(skipped) == 1


async def test_a_server_that_refuses_the_commands_is_explained_and_the_bot_runs_on(
    tmp_path, caplog
):
    fake = await FakeDiscord().start()
    guild = fake.add_guild()
    channel = fake.add_channel(guild)
    try:
        settings = Settings.from_env(fake.env(DISCORD_GUILD_ID="4242"))  # not lpbot's server
        adapter = DiscordAdapter.from_settings(settings, guild_ready_timeout=0.05)
        task = asyncio.create_task(adapter.run(NoCore()))  # type: ignore[arg-type]
        await asyncio.wait_for(adapter.ready.wait(), 10)
        [put] = fake.find_requests("PUT", r"/applications/\d+/guilds/4242/commands")
        assert put.status == 403 and not adapter.commands_synced
        refusals = [r for r in caplog.records if "refused to register" in r.getMessage()]
        assert len(refusals) == 1 and "lpbot discord invite" in refusals[0].getMessage()
        ref = ChannelRef("discord", str(channel), str(guild))
        assert await adapter.send_reply(ref, Reply(title="Still here"))
        await adapter.close()
        await task
    finally:
        await fake.stop()
