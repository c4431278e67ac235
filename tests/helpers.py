"""Shared test helpers: a settable clock and a bot wired to the terminal channel."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from adapters.terminal import TerminalAdapter
from bank import load_bank
from bot.app import LPBot
from bot.config import Settings
from storage import open_storage
from storage.base import Storage

#: A complete STAR answer in a few plain sentences, in our own words.
STORY = (
    "Last spring our checkout failed every Friday and customers could not pay. "
    "As the on-call engineer I had to stop the outages before the holiday sale. "
    "I traced them to a batch job locking the orders table and moved it to a replica. "
    "We had zero outages in the next three months and payment errors fell by 40%. "
    "I learned to check scheduled jobs first when an incident repeats."
)


@dataclass
class FakeClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@dataclass
class Harness:
    bot: LPBot
    terminal: TerminalAdapter
    storage: Storage
    out: io.StringIO
    clock: FakeClock
    extra: dict[str, object] = field(default_factory=dict)


async def make_bot(
    db: Path, clock: FakeClock, *, seed: int = 7, settings: Settings | None = None
) -> Harness:
    storage = await open_storage(f"sqlite:///{db}")
    out = io.StringIO()
    terminal = TerminalAdapter(settings, stdin=io.StringIO(""), stdout=out)
    bot = LPBot(storage, load_bank(), settings or Settings(), clock=clock, rng=random.Random(seed))
    bot.add_platform(terminal)
    return Harness(bot, terminal, storage, out, clock)


async def close(h: Harness) -> None:
    await h.bot.stop()
    await h.storage.close()
