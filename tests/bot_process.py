"""The built bot as a process (``python -m bot run``) for the fault tests: started as
often as a test needs on one database, signalled, and its logs kept for failures."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.events import ChannelRef
from storage.base import ChannelConfig, Storage


def free_port() -> int:
    # The bot process must be told its port up front; ask the OS for a free one.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without any platform or lpbot settings of the
    machine, plus ``settings``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "SLACK_", "LPBOT_", "DATABASE_URL", "PORT"))
    }
    env.update(settings)
    return env


async def schedule_just_due(storage: Storage, channels: Iterable[ChannelRef]) -> date:
    """Schedule every channel for the minute that just passed, so a starting bot owes
    each its daily post now; returns that (UTC) day."""
    now = datetime.now(UTC)
    due = (now - timedelta(minutes=1)).replace(second=0, microsecond=0)
    for channel in channels:
        await storage.save_channel(
            ChannelConfig(
                channel=channel,
                post_time=due.time(),
                timezone="UTC",
                scheduled=True,
                scheduled_since=now - timedelta(days=2),
            )
        )
    return due.date()


class BotProcess:
    def __init__(self, env: dict[str, str], tmp_path: Path, *, new_port: bool = False) -> None:
        """``env`` configures the platform; the database is ``tmp_path/lpbot.db``;
        ``new_port`` gives each start a free ``PORT`` (Slack's HTTP mode)."""
        self.tmp_path = tmp_path
        self.database = tmp_path / "lpbot.db"
        self.env = {**env, "DATABASE_URL": f"sqlite:///{self.database}"}
        self.new_port = new_port
        self.logs: list[Path] = []
        self.proc: asyncio.subprocess.Process | None = None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    async def start(self) -> asyncio.subprocess.Process:
        log_path = self.tmp_path / f"lpbot-{len(self.logs) + 1}.log"
        self.logs.append(log_path)
        env = {**self.env, "PORT": str(free_port())} if self.new_port else self.env
        log = log_path.open("wb")
        try:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run",
                env=env, cwd=self.tmp_path, stdout=log, stderr=asyncio.subprocess.STDOUT,
            )
        finally:
            log.close()
        return self.proc

    async def signal(self, sig: signal.Signals, timeout: float = 20.0) -> int:
        """Send ``sig`` and wait (bounded) for the process to end; its exit code."""
        proc = self.proc
        assert proc is not None
        assert proc.returncode is None, f"lpbot exited by itself\n{self.log_text()}"
        proc.send_signal(sig)
        try:
            return await asyncio.wait_for(proc.wait(), timeout)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            raise AssertionError(f"lpbot did not stop on {sig.name}\n{self.log_text()}") from None

    async def close(self) -> None:
        if self.running:
            assert self.proc is not None
            self.proc.kill()
            await self.proc.wait()

    def log_text(self, tail: int = 60) -> str:
        parts = []
        for path in self.logs:
            lines = path.read_text(errors="replace").splitlines() if path.exists() else []
            parts.append(f"--- {path.name} (last {tail} lines) ---")
            parts.extend(lines[-tail:])
        return "\n".join(parts)
