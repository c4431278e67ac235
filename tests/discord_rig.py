"""A running lpbot on the fake Discord for tests: the real core (``LPBot``, SQLite,
the packaged bank) and the real Discord adapter, connected through
``DISCORD_API_BASE_URL`` and ``DISCORD_GATEWAY_URL``."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from adapters.discord import DiscordAdapter
from bank import load_bank
from bot.app import LPBot
from bot.config import Settings
from bot.events import ChannelRef
from storage import open_storage
from storage.base import Storage
from tests.discord_fake import FakeDiscord
from tests.helpers import FakeClock

T = TypeVar("T")
MONDAY_0850 = datetime(2025, 1, 6, 8, 50, tzinfo=UTC)

# Answers in the STAR shape the core coaches towards, in our own words.
GOOD_ANSWER = (
    "Situation: last spring our team's nightly data export kept failing and two customers "
    "were missing their morning reports. Task: as the on-call engineer I had to find the "
    "cause and get reports flowing again within a day. Action: I read the job logs, found "
    "a schema change upstream, wrote a small adapter, added an alert for schema drift and "
    "walked the team through the fix. Result: reports were back the same afternoon, we had "
    "zero missed exports over the next three months, and the customers renewed. I learned "
    "to add checks on inputs I do not own."
)
SHORT_ANSWER = "I fixed a bug once and it was fine."


@dataclass
class DiscordRig:
    fake: FakeDiscord
    adapter: DiscordAdapter
    bot: LPBot
    storage: Storage
    clock: FakeClock
    guild: int
    channel: int
    admin: dict[str, Any]
    member: dict[str, Any]
    task: asyncio.Task[None]
    db: Path

    @property
    def channel_ref(self) -> ChannelRef:
        return ChannelRef("discord", str(self.channel), str(self.guild))


def settings_for(fake: FakeDiscord, guild: int | None, **extra: str) -> Settings:
    env = fake.env(**extra)
    if guild is not None:
        env["DISCORD_GUILD_ID"] = str(guild)
    return Settings.from_env(env)


async def start_rig(
    tmp_path: Path,
    *,
    fake: FakeDiscord | None = None,
    clock: FakeClock | None = None,
    guild_commands: bool = True,
    ack_budget: float = 2.0,
    post_spacing: float = 0.0,
    wait_ready: bool = True,
    send_timeout: float | None = None,
) -> DiscordRig:
    clock = clock or FakeClock(MONDAY_0850)
    if fake is None:
        fake = await FakeDiscord(now=clock).start()
        guild = fake.add_guild("LP Study Group")
        channel = fake.add_channel(guild, "lp-daily")
        admin = fake.add_user(guild, "ada")
        member = fake.add_user(guild, "ben")
    else:
        guild = next(iter(fake.guilds))
        channel = next(c for c in fake.channels if fake.channels[c]["type"] == 0)
        admin, member = list(fake.guilds[guild]["members"].values())[:2]
    db = tmp_path / "discord.db"
    extra = {"LPBOT_SEND_TIMEOUT": str(send_timeout)} if send_timeout is not None else {}
    settings = settings_for(fake, guild if guild_commands else None, **extra)
    storage = await open_storage(f"sqlite:///{db}")
    adapter = DiscordAdapter.from_settings(
        settings, ack_budget=ack_budget, post_spacing=post_spacing, guild_ready_timeout=0.05
    )
    bot = LPBot(storage, load_bank(), settings, clock=clock, rng=random.Random(3))
    bot.add_platform(adapter)
    await bot.start()
    task = asyncio.create_task(adapter.run(bot))
    rig = DiscordRig(fake, adapter, bot, storage, clock, guild, channel, admin, member, task, db)
    if wait_ready:
        await wait_ready_or_fail(rig)
    return rig


async def wait_ready_or_fail(rig: DiscordRig, timeout: float = 10.0) -> None:
    ready = asyncio.ensure_future(rig.adapter.ready.wait())
    done, _ = await asyncio.wait({ready, rig.task}, timeout=timeout, return_when="FIRST_COMPLETED")
    if ready not in done:
        ready.cancel()
        if rig.task.done():
            rig.task.result()  # raises the adapter's error
        raise AssertionError("the Discord adapter did not become ready")


async def stop_rig(rig: DiscordRig, *, stop_fake: bool = True) -> None:
    await rig.bot.stop()
    await rig.adapter.close()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(rig.task, 10)
    await rig.storage.close()
    if stop_fake:
        await rig.fake.stop()


async def restart_rig(rig: DiscordRig, tmp_path: Path) -> DiscordRig:
    """Stop the bot (as a crash or deploy would) and start a new one on the same
    database and the same fake Discord."""
    await stop_rig(rig, stop_fake=False)
    return await start_rig(tmp_path, fake=rig.fake, clock=rig.clock)


async def eventually(check: Callable[[], Awaitable[T]], timeout: float = 10.0) -> T:
    """Poll ``check`` (e.g. a storage read the core makes after its platform call) until
    it returns something truthy; bounded by ``timeout``."""
    async with asyncio.timeout(timeout):
        while not (value := await check()):
            await asyncio.sleep(0.01)
        return value


def embeds_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    return list(body.get("embeds") or (body.get("data") or {}).get("embeds") or [])


async def schedule_nine_utc(rig: DiscordRig) -> None:
    """An admin schedules the channel's daily question for 09:00 UTC, every day."""
    ix = await rig.fake.slash(
        rig.channel, rig.admin, "schedule", admin=True, time="09:00", timezone="UTC", days="daily"
    )
    await rig.fake.wait_until(lambda: ix.callbacks)
