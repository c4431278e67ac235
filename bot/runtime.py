"""``lpbot run``: build the bot, start every configured platform, run until the
platforms stop. Platforms come from the ``lpbot.platforms`` entry points, so this
module (and the whole core) never imports an adapter."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import signal
from collections.abc import Iterator
from importlib.metadata import entry_points

from bank import load_bank
from bot.app import LPBot
from bot.clock import Clock, utc_now
from bot.config import ConfigError, Settings
from bot.events import ChannelRef
from bot.platform import Adapter, AuthFailed
from storage import open_storage
from storage.base import Storage, StorageError

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
        cls.from_settings(settings)
        for cls in classes.values()
        if not cls.fallback and cls.configured(settings)
    ]
    if not chosen:
        chosen = [cls.from_settings(settings) for cls in classes.values() if cls.fallback]
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
    stop = asyncio.Event()
    try:
        with stop_on_signals(stop):
            return await _start_and_run(bot, storage, adapters, home, post_now, stop)
    except AuthFailed as exc:
        log.error("%s", exc)
        return EXIT_AUTH
    except StorageError as exc:
        log.error("%s", exc)
        return EXIT_STORAGE
    finally:
        await bot.stop()
        for adapter in adapters:
            try:
                await adapter.close()
            except Exception:  # closing must not hide the real exit reason
                log.exception("Closing %s failed", adapter.name)
        await storage.close()


async def _start_and_run(
    bot: LPBot,
    storage: Storage,
    adapters: list[Adapter],
    home: list[ChannelRef],
    post_now: bool,
    stop: asyncio.Event,
) -> int:
    await bot.start(home)
    log.info("lpbot started: %s", ", ".join(a.name for a in adapters))
    if post_now:
        for config in await storage.scheduled_channels():
            if config.channel.platform in bot.platforms:
                await bot.post_daily(config.channel)
    await _run_all(bot, adapters, stop)
    return 0



@contextlib.contextmanager
def stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    """SIGTERM (docker stop) and SIGINT set ``stop`` so shutdown runs in order."""
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


async def _run_all(bot: LPBot, adapters: list[Adapter], stop: asyncio.Event) -> None:
    """Run the platforms side by side until they all end or SIGTERM/SIGINT arrives;
    the first fatal error stops all of them. Either way the caller closes everything
    in order (scheduler, platforms, database)."""
    stopper = asyncio.create_task(stop.wait(), name="stop-signal")
    tasks = {asyncio.create_task(a.run(bot), name=f"adapter-{a.name}") for a in adapters}
    try:
        pending = set(tasks)
        while pending:
            done, _ = await asyncio.wait(
                pending | {stopper}, return_when=asyncio.FIRST_COMPLETED
            )
            if stopper in done:
                log.info("Stopping on signal")
                return
            for task in done:
                pending.discard(task)
                task.result()  # re-raises an adapter's fatal error
    finally:
        for task in (*tasks, stopper):
            task.cancel()
        await asyncio.gather(*tasks, stopper, return_exceptions=True)
