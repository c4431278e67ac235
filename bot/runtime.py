"""``lpbot run``: build the bot, start every configured platform, run until the
platforms stop. Platforms come from the ``lpbot.platforms`` entry points, so this
module (and the whole core) never imports an adapter."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from bank import load_bank
from bot.app import LPBot
from bot.clock import Clock, utc_now
from bot.config import ConfigError, Settings
from bot.events import ChannelRef
from bot.platform import Adapter, AuthFailed, PlatformError
from storage import open_storage, sqlite_path_from_url
from storage.base import StorageError

log = logging.getLogger("lpbot")

EXIT_FAILURE = 1
EXIT_CONFIG = 2
EXIT_AUTH = 3
EXIT_STORAGE = 4


NO_PLATFORM = (
    "No chat platform is configured: set DISCORD_TOKEN and/or SLACK_BOT_TOKEN (in the "
    "environment or .env, see .env.example), or LPBOT_TERMINAL=on to use the terminal "
    "channel."
)


@dataclass(frozen=True)
class Backoff:
    """Waits between attempts to reach a platform: doubling from ``first`` up to
    ``most``; a connection that lasted ``healthy`` starts over from ``first``."""

    first: float = 2.0
    most: float = 300.0
    healthy: float = 60.0

    def delays(self) -> Iterator[float]:
        delay = self.first
        while True:
            yield delay
            delay = min(delay * 2, self.most)


def describe(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def database_location(url: str) -> str:
    """Where the answers are kept, as a person can find it: the absolute path."""
    try:
        path = sqlite_path_from_url(url)
    except ValueError:
        return url
    if path == ":memory:":
        return "memory only (nothing is kept after you quit)"
    return str(Path(path).expanduser().resolve())


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
        chosen = [
            cls.from_settings(settings)
            for cls in classes.values()
            if cls.fallback and cls.configured(settings)
        ]
    return chosen


def quiet_logs_for_console(adapters: list[Adapter], settings: Settings) -> None:
    """When the chat is this terminal, INFO lines would interleave with it: show
    warnings only, unless DEBUG was asked for."""
    if any(a.console for a in adapters) and settings.log_level != "DEBUG":
        logging.getLogger().setLevel(max(logging.WARNING, logging.getLogger().level))


async def run_bot(
    settings: Settings,
    *,
    post_now: bool = False,
    adapters: list[Adapter] | None = None,
    clock: Clock = utc_now,
    seed: int | None = None,
    retry: Backoff | None = None,
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
    if not adapters:
        log.error(NO_PLATFORM)
        await storage.close()
        return EXIT_CONFIG
    quiet_logs_for_console(adapters, settings)
    bot = LPBot(storage, load_bank(), settings, clock=clock, rng=random.Random(seed))
    for adapter in adapters:
        bot.add_platform(adapter)
    home = [ch for adapter in adapters for ch in adapter.home_channels()]
    stop = asyncio.Event()
    try:
        with stop_on_signals(stop):
            return await _start_and_run(
                bot, settings, adapters, home, post_now, stop, retry or Backoff()
            )
    except AuthFailed as exc:
        log.error("%s", exc)
        return EXIT_AUTH
    except ConfigError as exc:
        log.error("%s", exc)
        return EXIT_CONFIG
    except StorageError as exc:
        log.error("%s", exc)
        return EXIT_STORAGE
    except BrokenPipeError:  # stdout closed (``lpbot run | head``): the CLI ends quietly
        raise
    except Exception as exc:  # a bug: one line for the user, the traceback at DEBUG
        log.error("lpbot stopped: %s (LPBOT_LOG_LEVEL=DEBUG shows the details)", describe(exc))
        log.debug("Traceback", exc_info=True)
        return EXIT_FAILURE
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
    settings: Settings,
    adapters: list[Adapter],
    home: list[ChannelRef],
    post_now: bool,
    stop: asyncio.Event,
    retry: Backoff,
) -> int:
    await bot.start(home, background=True)
    await warn_about_kept_schedules(bot, settings, home)
    for adapter in adapters:
        await adapter.started(bot)
    log.info(
        "lpbot started: %s; database %s; %s", ", ".join(a.name for a in adapters),
        database_location(settings.database_url), await next_question(bot),
    )
    if post_now:
        await bot.settled()
        for config in await bot.storage.scheduled_channels():
            if config.channel.platform in bot.platforms:
                await bot.post_daily(config.channel)
    await _run_all(bot, adapters, stop, retry)
    return 0


async def next_question(bot: LPBot) -> str:
    """When the first of the running platforms' daily questions comes, for the log."""
    upcoming = []
    for config in await bot.storage.scheduled_channels():
        if config.channel.platform in bot.platforms:
            when = await bot.scheduler.next_run(config.channel)
            if when is not None:
                upcoming.append((when, config.channel.key))
    if not upcoming:
        return "no daily question scheduled yet (/lp schedule or /lp post in a channel)"
    when, where = min(upcoming)
    return f"next daily question {when:%a %d %b %Y %H:%M} UTC in {where}"


async def warn_about_kept_schedules(
    bot: LPBot, settings: Settings, home: list[ChannelRef]
) -> None:
    """LPBOT_POST_TIME and LPBOT_TIMEZONE are the defaults for a new channel; a
    channel scheduled before they changed keeps its own, and says so once a start."""
    wanted = (settings.post_time, settings.timezone)
    for channel in home:
        config = await bot.storage.get_channel(channel)
        if config is None or (config.post_time, config.timezone) == wanted:
            continue
        log.warning(
            "The %s channel keeps its stored schedule (%s %s); LPBOT_POST_TIME=%s and "
            "LPBOT_TIMEZONE=%s only apply to new channels. To change it, type: "
            "/lp schedule %s %s",
            channel.platform, f"{config.post_time:%H:%M}", config.timezone,
            f"{settings.post_time:%H:%M}", settings.timezone,
            f"{settings.post_time:%H:%M}", settings.timezone,
        )


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


async def keep_running(adapter: Adapter, bot: LPBot, retry: Backoff) -> None:
    """Run ``adapter`` until it ends; while its platform cannot be reached (DNS,
    refused connection, a wrong API URL, an outage: the adapter raises
    ``PlatformError``) say so in one line and try again with backoff. A rejected
    token or a bad setting is fatal and raised."""
    delays = retry.delays()
    failures = 0
    while True:
        began = time.monotonic()
        try:
            await adapter.run(bot)
            return
        except (AuthFailed, ConfigError):
            raise
        except PlatformError as exc:
            if time.monotonic() - began >= retry.healthy:
                delays, failures = retry.delays(), 0
            delay = next(delays)
            failures += 1
            # The first failure is news; the same outage again is noise at INFO.
            level = logging.WARNING if failures == 1 else logging.DEBUG
            log.log(
                level, "%s: %s; trying again in %s s (and then less often)",
                adapter.name, describe(exc), f"{delay:g}",
            )
            log.debug("%s failed", adapter.name, exc_info=True)
            await asyncio.sleep(delay)


async def _run_all(
    bot: LPBot, adapters: list[Adapter], stop: asyncio.Event, retry: Backoff
) -> None:
    """Run the platforms side by side until they all end or SIGTERM/SIGINT arrives;
    the first fatal error stops all of them. Either way the caller closes everything
    in order (scheduler, platforms, database)."""
    stopper = asyncio.create_task(stop.wait(), name="stop-signal")
    tasks = {
        asyncio.create_task(keep_running(a, bot, retry), name=f"adapter-{a.name}")
        for a in adapters
    }
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
