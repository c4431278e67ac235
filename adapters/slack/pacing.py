"""Spacing of ``chat.postMessage`` calls.

Slack allows about one message per second per channel (short bursts are tolerated,
sustained ones get HTTP 429). Rather than burst and be told to wait, each key
(a channel, or the daily fan-out across channels) gets slots ``interval`` apart."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class Pacer:
    def __init__(
        self,
        interval: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.interval = interval
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_slot: dict[str, float] = {}

    async def wait(self, key: str) -> None:
        """Return once ``key`` may be used again, reserving the slot after this one."""
        if self.interval <= 0:
            return
        now = self._monotonic()
        slot = max(now, self._next_slot.get(key, now))
        # Reserved before sleeping, so concurrent callers queue up behind each other.
        self._next_slot[key] = slot + self.interval
        if slot > now:
            await self._sleep(slot - now)
