"""``lpbot run``: build the bot, start every configured platform, run until the
platforms stop. Platforms come from the ``lpbot.platforms`` entry points, so this
module (and the whole core) never imports an adapter."""

from __future__ import annotations

import asyncio
import logging
import random
from importlib.metadata import entry_points

from bank import load_bank
from bot.app import LPBot
from bot.clock import Clock, utc_now
from bot.config import ConfigError, Settings
from bot.platform import Adapter, AuthFailed
from storage import open_storage
from storage.base import StorageError

log = logging.getLogger("lpbot")

EXIT_CONFIG = 2
EXIT_AUTH = 3
EXIT_STORAGE = 4


def available_adapters() -> dict[str, type[Adapter]]:
    found: dict[str, type[Adapter]] = {}
    for ep in entry_points(group="lpbot.platforms"):
        try:
            found[ep.name] = ep.load()
        except ImportError as exc:
            log.warning("Platform %s could not be loaded: %s", ep.name, exc)
    return found


def configured_adapters(settings: Settings) -> list[Adapter]:
    """Every platform whose credentials are set; the fallback (terminal) channel
    only when there are none."""
    classes = available_adapters()
    chosen = [
        cls(settings)
        for cls in classes.values()
        if not cls.fallback and cls.configured(settings)
    ]
    if not chosen:
        chosen = [cls(settings) for cls in classes.values() if cls.fallback]
    return chosen


async def run_bot(
    settings: Settings,
    *,
    post_now: bool = False,
    adapters: list[Adapter] | None = None,
    clock: Clock = utc_now,
    seed: int | None = None,
) -> int:
    try:
        storage = await open_storage(settings.database_url)
    except (StorageError, ValueError, OSError) as exc:
        log.error("Cannot open the database %s: %s", settings.database_url, exc)
        return EXIT_STORAGE
    try:
        adapters = adapters if adapters is not None else configured_adapters(settings)
    except ConfigError as exc:
        log.error("%s", exc)
        await storage.close()
        return EXIT_CONFIG
    bot = LPBot(storage, load_bank(), settings, clock=clock, rng=random.Random(seed))
    for adapter in adapters:
        bot.add_platform(adapter)
    home = [ch for adapter in adapters for ch in adapter.home_channels()]
    try:
        await bot.start(home)
        log.info("lpbot started: %s", ", ".join(a.name for a in adapters))
        if post_now:
            for config in await storage.scheduled_channels():
                if config.channel.platform in bot.platforms:
                    await bot.post_daily(config.channel)
        await _run_all(bot, adapters)
        return 0
    except AuthFailed as exc:
        log.error("%s", exc)
        return EXIT_AUTH
    finally:
        await bot.stop()
        for adapter in adapters:
            try:
                await adapter.close()
            except Exception:  # closing must not hide the real exit reason
                log.exception("Closing %s failed", adapter.name)
        await storage.close()


async def _run_all(bot: LPBot, adapters: list[Adapter]) -> None:
    """Run the platforms side by side; the first fatal error stops all of them."""
    tasks = [asyncio.create_task(a.run(bot), name=f"adapter-{a.name}") for a in adapters]
    try:
        for finished in asyncio.as_completed(tasks):
            await finished
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
