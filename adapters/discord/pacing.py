"""Spacing for the daily fan-out, so posting in many channels at the same minute stays
well inside Discord's global limit (about 50 requests a second) instead of leaning on
429 answers. Each post is two requests (the message and its thread); with at most
``concurrency`` posts in flight, started at least ``spacing`` seconds apart, the
fan-out stays near 40 requests a second at worst. discord.py still waits out any 429
it gets (Retry-After) on its own."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from types import TracebackType

POST_SPACING = 0.05  # seconds between the starts of two posts
POST_CONCURRENCY = 4


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
