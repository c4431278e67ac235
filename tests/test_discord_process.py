"""The built bot process (``python -m bot run``, i.e. ``lpbot run``) against the fake
Discord, configured only through environment variables, as acceptance runs it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.discord_fake import FakeDiscord
from tests.discord_rig import GOOD_ANSWER, embeds_of

STARTUP = 60.0  # a cold interpreter imports discord.py, aiohttp, APScheduler...


def bot_env(fake: FakeDiscord, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "SLACK_", "LPBOT_", "DATABASE_URL"))
    }
    env.update(fake.env(DATABASE_URL=f"sqlite:///{tmp_path / 'lpbot.db'}", **extra))
    return env


async def start_process(env: dict[str, str], tmp_path: Path) -> asyncio.subprocess.Process:
    log = (tmp_path / "lpbot.log").open("wb")
    try:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=env,
            cwd=tmp_path,
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
        )
    finally:
        log.close()


async def stop_process(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(proc.wait(), 20)
        except TimeoutError:
            proc.kill()
            await proc.wait()


@pytest.fixture
async def fake():
    fake = await FakeDiscord().start()
    yield fake
    await fake.stop()


async def test_lpbot_run_serves_a_server_end_to_end(fake, tmp_path):
    guild = fake.add_guild("LP Study Group")
    channel = fake.add_channel(guild, "lp-daily")
    admin = fake.add_user(guild, "ada")
    member = fake.add_user(guild, "ben")
    proc = await start_process(bot_env(fake, tmp_path, DISCORD_GUILD_ID=str(guild)), tmp_path)
    try:
        await fake.wait_connected(timeout=STARTUP)
        await fake.wait_until(lambda: fake.commands.get(guild), timeout=STARTUP)

        refused = await fake.slash(channel, member, "post")
        await fake.wait_until(lambda: refused.callbacks)
        assert embeds_of(refused.callbacks[0])[0]["title"] == "That command is for admins"

        posted = await fake.slash(channel, admin, "post", admin=True)
        await fake.wait_until(lambda: posted.callbacks)
        [thread] = await fake.wait_until(lambda: fake.threads_in(channel))

        answer = await fake.say(int(thread["id"]), member, GOOD_ANSWER)
        [reply] = await fake.wait_for_request("POST", f"/channels/{thread['id']}/messages")
        assert str(reply.body["message_reference"]["message_id"]) == str(answer)
        assert proc.returncode is None
    finally:
        await stop_process(proc)


async def test_lpbot_run_exits_non_zero_with_a_clear_error_on_a_revoked_token(fake, tmp_path):
    fake.revoke_token()
    proc = await start_process(bot_env(fake, tmp_path), tmp_path)
    try:
        code = await asyncio.wait_for(proc.wait(), STARTUP)
    finally:
        await stop_process(proc)
    assert code != 0
    log = (tmp_path / "lpbot.log").read_text()
    assert "Discord rejected the bot token (DISCORD_TOKEN)" in log
