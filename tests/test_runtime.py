"""``lpbot run`` when things go wrong: an unreachable platform is retried with
backoff in one line, SIGTERM stops at once, no platform at all is a clear exit."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.app import LPBot
from bot.config import ConfigError, Settings
from bot.events import ChannelRef
from bot.platform import Adapter, PlatformError
from bot.replies import PostedMessage, QuestionPost, Reply
from bot.runtime import EXIT_CONFIG, Backoff, run_bot
from tests.discord_rig import start_rig, stop_rig

ROOT = Path(__file__).resolve().parent.parent


def closed_port() -> int:
    """A loopback port nothing listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def lpbot_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "SLACK_", "LPBOT_"))
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'lpbot.db'}"
    env.update(extra)
    return env


def test_an_unreachable_platform_is_one_line_retried_and_sigterm_stops_at_once(
    tmp_path: Path,
) -> None:
    env = lpbot_env(
        tmp_path,
        DISCORD_TOKEN="not.a.real-token",
        DISCORD_API_BASE_URL=f"http://127.0.0.1:{closed_port()}/api/v10",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        assert proc.stderr is not None
        seen: list[str] = []
        for line in proc.stderr:
            seen.append(line)
            if "trying again" in line:
                break
        [retry_line] = [line for line in seen if "trying again" in line]
        assert "could not reach Discord" in retry_line and "trying again in 2 s" in retry_line
        asked = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert time.monotonic() - asked < 5
        rest = proc.stderr.read()
        assert "Traceback" not in "".join(seen) + rest
    finally:
        proc.kill()
        proc.wait()


class FlakyPlatform(Adapter):
    """A platform that cannot be reached ``failures`` times, then runs and ends."""

    name = "flaky"

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.attempts = 0

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        return True

    async def run(self, bot: LPBot) -> None:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise PlatformError("could not reach flaky.example (connection refused)")

    async def post_question(
        self, channel: ChannelRef, post: QuestionPost, *, tag: str | None = None
    ) -> PostedMessage:
        raise PlatformError("not connected")

    async def send_reply(self, channel, reply, *, thread_id=None, reply_to=None, tag=None) -> str:
        raise PlatformError("not connected")

    async def edit_reply(self, channel, message_id, reply: Reply, *, thread_id=None) -> None:
        raise PlatformError("not connected")

    async def delete_message(self, channel, message_id, *, thread_id=None) -> None:
        raise PlatformError("not connected")


async def test_a_platform_that_comes_back_is_retried_until_it_runs(tmp_path, caplog):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'run.db'}")
    platform = FlakyPlatform(failures=3)
    with caplog.at_level(logging.DEBUG, logger="lpbot"):
        code = await run_bot(
            settings, adapters=[platform], retry=Backoff(first=0.01, most=0.02)
        )
    assert code == 0
    assert platform.attempts == 4
    retries = [r for r in caplog.records if "trying again" in r.getMessage()]
    assert len(retries) == 3
    # One line of news; the same outage again is only shown at DEBUG.
    assert [r.levelno for r in retries] == [logging.WARNING, logging.DEBUG, logging.DEBUG]


def test_backoff_doubles_up_to_its_ceiling() -> None:
    delays = Backoff(first=2, most=10).delays()
    assert [next(delays) for _ in range(5)] == [2, 4, 8, 10, 10]


def test_no_platform_and_no_terminal_is_a_clear_non_zero_exit(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=lpbot_env(tmp_path, LPBOT_TERMINAL="off"),
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == EXIT_CONFIG
    [line] = done.stderr.splitlines()
    assert "No chat platform is configured" in line and "DISCORD_TOKEN" in line
    assert done.stdout == ""


def test_the_docker_image_has_no_terminal_and_compose_does_not_restart_a_config_error() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "LPBOT_TERMINAL=off" in dockerfile
    compose = (ROOT / "docker-compose.yml").read_text()
    [restart] = [line.strip() for line in compose.splitlines() if "restart:" in line]
    assert restart.startswith("restart: on-failure:")


def test_lpbot_terminal_takes_on_or_off_and_refuses_anything_else() -> None:
    assert Settings.from_env({"LPBOT_TERMINAL": "off"}).terminal is False
    assert Settings.from_env({"LPBOT_TERMINAL": "ON"}).terminal is True
    assert Settings.from_env({}).terminal is True
    with pytest.raises(ConfigError, match="LPBOT_TERMINAL must be on or off"):
        Settings.from_env({"LPBOT_TERMINAL": "maybe"})


async def test_discord_comes_back_after_the_gateway_drops_it(tmp_path):
    """The runtime's retry calls ``run`` again: a gateway closed for good (here 4010)
    must not leave a closed client behind that makes the next attempt end at once."""
    rig = await start_rig(tmp_path)
    try:
        await rig.fake.close_gateway(4010, "Invalid shard.")
        with pytest.raises(PlatformError, match="4010"):
            await asyncio.wait_for(rig.task, 10)
        again = asyncio.create_task(rig.adapter.run(rig.bot))
        await rig.fake.wait_until(lambda: rig.fake.identified)
        assert not again.done()
        await rig.adapter.close()
        await asyncio.wait_for(again, 10)
    finally:
        await stop_rig(rig)


async def test_the_start_line_names_the_database_file_and_the_next_question(
    tmp_path, caplog, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    settings = Settings(database_url="sqlite:///./rel.db")
    with caplog.at_level(logging.INFO, logger="lpbot"):
        assert await run_bot(settings, adapters=[FlakyPlatform(failures=0)]) == 0
    [started] = [r.getMessage() for r in caplog.records if "lpbot started" in r.getMessage()]
    assert f"database {(tmp_path / 'rel.db').resolve()};" in started
    assert "no daily question scheduled yet" in started


async def test_a_connection_that_lasted_starts_the_backoff_over(tmp_path, caplog):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'run.db'}")
    platform = FlakyPlatform(failures=2)
    with caplog.at_level(logging.DEBUG, logger="lpbot"):
        # healthy=0: every attempt counts as a connection that lasted, so each new
        # failure is news again and waits the first delay.
        code = await run_bot(
            settings, adapters=[platform], retry=Backoff(first=0.01, most=5, healthy=0)
        )
    assert code == 0
    retries = [r for r in caplog.records if "trying again" in r.getMessage()]
    assert [r.levelno for r in retries] == [logging.WARNING, logging.WARNING]
    assert all("trying again in 0.01 s" in r.getMessage() for r in retries)
