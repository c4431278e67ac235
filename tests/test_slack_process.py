"""The built bot process (``python -m bot run``, i.e. ``lpbot run``) in Slack HTTP
mode against the fake Slack, configured only through environment variables, driven
the way a workspace's members would."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.helpers import STORY
from tests.slack_fake import (
    STUDY_ADMIN,
    STUDY_CHANNEL,
    STUDY_MEMBER,
    FakeSlack,
    SlackSender,
    process_env,
    study_workspace,
)

CHANNEL = STUDY_CHANNEL
ADMIN = STUDY_ADMIN
MEMBER = STUDY_MEMBER
STARTUP = 60.0
ANSWER = STORY


def free_port() -> int:
    # The bot process must be told its port up front; ask the OS for a free one.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = await study_workspace()
    yield server
    await server.stop()


async def wait_listening(port: int, proc: asyncio.subprocess.Process) -> None:
    deadline = time.monotonic() + STARTUP
    while time.monotonic() < deadline:
        assert proc.returncode is None, "lpbot exited during start-up"
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        return
    raise AssertionError("lpbot did not start listening")


async def test_lpbot_run_serves_a_workspace_over_http(fake: FakeSlack, tmp_path: Path) -> None:
    port = free_port()
    env = process_env(fake, tmp_path / "lpbot.db", PORT=str(port))
    log = (tmp_path / "lpbot.log").open("wb")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
        stdout=log, stderr=asyncio.subprocess.STDOUT,
    )
    log.close()
    send = SlackSender(f"http://127.0.0.1:{port}/slack/events", fake, time.time)
    try:
        await wait_listening(port, proc)

        refused = await send.command("post", user=MEMBER, channel=CHANNEL, response_key="m")
        assert refused.status == 200
        await fake.wait_for(lambda: fake.responses_to("m"), timeout=20)
        assert "admins" in str(fake.responses_to("m")).lower()

        posted = await send.command("post", user=ADMIN, channel=CHANNEL, response_key="a")
        assert posted.status == 200
        await fake.wait_for(lambda: fake.messages_in(CHANNEL), timeout=20)
        question = fake.messages_in(CHANNEL)[0]
        assert "Question of the day" in str(question.blocks)

        reply = send.thread_reply(CHANNEL, question.ts, "1700000000.000100", MEMBER, ANSWER)
        first = await send.event(reply, event_id="EvAnswer1")
        retried = await send.event(reply, event_id="EvAnswer1", retry_num=1)
        assert first.status == retried.status == 200
        await fake.wait_for(lambda: fake.thread(CHANNEL, question.ts), timeout=20)

        forged = await send.command("post", user=ADMIN, channel=CHANNEL, signature="v0=bad")
        assert forged.status == 401

        # Let a duplicate reply show up if it were going to.
        await send.command("help", user=MEMBER, channel=CHANNEL, response_key="h")
        await fake.wait_for(lambda: fake.responses_to("h"), timeout=20)
        feedback = fake.thread(CHANNEL, question.ts)
        assert len(feedback) == 1 and "/100" in str(feedback[0].blocks)
    finally:
        await send.close()
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), 20)
            except TimeoutError:
                proc.kill()
                await proc.wait()
    assert proc.returncode == 0, (tmp_path / "lpbot.log").read_text()
    assert fake.bot_token not in (tmp_path / "lpbot.log").read_text()
