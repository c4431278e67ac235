"""Spacing for the daily fan-out, so posting in many channels at the same minute uses
Discord's global limit (50 requests a second) without leaning on 429 answers. Each
post is two requests (the message and its thread); posts start at least ``spacing``
seconds apart, so any second holds at most 24 messages and 24 threads (48 requests),
and up to ``concurrency`` are in flight at once so a slow answer does not idle the
rest. Per-channel limits are discord.py's: it keeps each route's bucket and waits out
any 429 (Retry-After) on its own."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from types import TracebackType

POST_SPACING = 2 / 47  # seconds between the starts of two posts (47 requests a second)
POST_CONCURRENCY = 16


class Pacer:
    def __init__(
        self,
        spacing: float = POST_SPACING,
        concurrency: int = POST_CONCURRENCY,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.spacing = spacing
        self._slots = asyncio.Semaphore(concurrency)
        self._start_lock = asyncio.Lock()
        self._next_start = float("-inf")
        self._monotonic = monotonic
        self._sleep = sleep

    async def __aenter__(self) -> Pacer:
        await self._slots.acquire()
        try:
            async with self._start_lock:
                wait = self._next_start - self._monotonic()
                if wait > 0:
                    await self._sleep(wait)
                self._next_start = self._monotonic() + self.spacing
        except BaseException:
            self._slots.release()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._slots.release()
