"""Inbound events the core could not handle because storage was busy or gone (a
locked SQLite file, a lost database connection): held in memory and tried again with
backoff, so the answer is stored and its author still gets feedback.

The queue is bounded; an event that does not fit, or still fails at the end of
``keep_for``, is given up with a logged reason, never dropped silently."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from bot.clock import Clock
from storage.base import StorageError

log = logging.getLogger(__name__)

Handler = Callable[[Any], Awaitable[None]]


class HeldEvents:
    def __init__(
        self,
        clock: Clock,
        *,
        limit: int = 1000,
        first: float = 1.0,
        most: float = 30.0,
        keep_for: timedelta = timedelta(hours=1),
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.clock = clock
        self.limit = limit
        self.first = first
        self.most = most
        self.keep_for = keep_for
        self._sleep = sleep
        self._tasks: set[asyncio.Task[None]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def hold(self, what: str, event: Any, handler: Handler, error: StorageError) -> None:
        where = f"{what} {event.message_id} in {event.channel.key}"
        if len(self._tasks) >= self.limit:
            log.error("%s not handled and not held (%d events already wait for storage): %s",
                      where, len(self._tasks), error)
            return
        log.warning("%s waits for storage (%s); trying again shortly", where, error)
        task = asyncio.create_task(self._retry(where, event, handler))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _retry(self, where: str, event: Any, handler: Handler) -> None:
        give_up_at = self.clock() + self.keep_for
        delay = self.first
        while True:
            await self._sleep(delay)
            try:
                await handler(event)
            except StorageError as exc:
                if self.clock() >= give_up_at:
                    log.error("%s given up after %s of storage errors: %s", where,
                              self.keep_for, exc)
                    return
                delay = min(self.most, delay * 2)
                continue
            except Exception as exc:
                log.error("%s failed on retry and is given up: %s: %s", where,
                          type(exc).__name__, exc)
                log.debug("Traceback", exc_info=True)
                return
            log.info("%s handled after storage came back", where)
            return

    async def drain(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def stop(self) -> None:
        if self._tasks:
            log.error("Stopping with %d event(s) still waiting for storage; they are lost "
                      "unless the platform sends them again", len(self._tasks))
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
