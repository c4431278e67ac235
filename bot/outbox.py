"""The outbox: every message the bot owes a platform is a storage row before it is
sent, and is sent until it is on the platform exactly once, or given up with a
logged reason.

A ``Courier`` knows one kind of message (a daily question, a feedback reply, an
edit, a delete): how to build it from storage, send it, look for it after a send
left in doubt, and record it. ``Outbox`` owns the states and the timing:

    pending --take--> sending --sent--> sent
       ^                 |
       +-- retry (5xx, 429 with Retry-After, timeout, lost connection) --+
                         |
                         +--> given_up (permanent error, or past the deadline)

A row whose process died while "sending" is taken over once its lease runs out and
is *in doubt*: the courier first looks for the tagged message on the platform and
records it instead of posting twice. Timing comes from an injected clock; the worker
sleeps until the next row is due, or until ``put`` wakes it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.platform import (
    AuthFailed,
    ChannelUnavailable,
    ChatPlatform,
    MessageRejected,
    MissingPermission,
    PlatformError,
)
from storage.base import OutboxEntry, OutboxItem, Storage, StorageError

log = logging.getLogger(__name__)


class Undeliverable(Exception):
    """Raised by a courier when the message no longer makes sense (its answer was
    deleted, its question left the bank): the row is given up with this reason."""


@dataclass(frozen=True)
class OutboxTiming:
    """How hard the outbox tries. ``send_timeout`` cuts a hanging call (it may still
    have landed, so the next attempt checks first); a "sending" row is taken over
    ``lease`` after its attempt began; retries wait ``first_retry`` doubling up to
    ``most_retry`` (a 429's Retry-After instead, when the platform gives one)."""

    send_timeout: float = 20.0
    lease: timedelta = timedelta(seconds=30)
    first_retry: float = 2.0
    most_retry: float = 300.0
    #: Attempts in flight at once across all channels; the adapters keep each
    #: platform's own limits (per channel, global) within that.
    in_flight: int = 64
    #: How often the worker looks at storage when nothing woke it (rows another
    #: process wrote, leases running out).
    poll: float = 5.0
    #: Sent and given-up rows are kept this long (for logs and questions), then
    #: forgotten; the worker prunes at start and then hourly.
    keep_done: timedelta = timedelta(days=7)

    def retry_delay(self, attempts: int, rng: random.Random) -> float:
        delay = min(self.most_retry, self.first_retry * 2 ** max(0, attempts - 1))
        return delay * (0.8 + 0.4 * rng.random())  # spread retries of a fan-out


class Courier(ABC):
    """How one kind of outbox row is delivered."""

    kind: str

    @abstractmethod
    async def deliver(self, item: OutboxItem, platform: ChatPlatform) -> str | None:
        """Send the message and record it (when ``item.in_doubt``, first look for it on
        the platform and record what is found instead); return the message id.
        Raise ``PlatformError`` to retry or stop, ``Undeliverable`` to give up."""

    async def given_up(  # noqa: B027 - most couriers have nothing to undo
        self, item: OutboxItem, reason: str, error: Exception | None
    ) -> None:
        """The row will not be sent; undo or note what waited for it."""


@dataclass(frozen=True)
class Attempt:
    """What one attempt did: "sent", "retry", "given_up", or "busy" (the row was
    not due, or another attempt holds it)."""

    status: str
    item: OutboxItem | None = None
    detail: str = ""


PERMANENT = (ChannelUnavailable, MissingPermission, MessageRejected)
PRUNE_EVERY = timedelta(hours=1)


class Outbox:
    def __init__(
        self,
        storage: Storage,
        platforms: Mapping[str, ChatPlatform],
        clock: Clock,
        *,
        timing: OutboxTiming | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.storage = storage
        self.platforms = platforms
        self.clock = clock
        self.timing = timing or OutboxTiming()
        self.rng = rng or random.Random()
        self._couriers: dict[str, Courier] = {}
        self._slots = asyncio.Semaphore(self.timing.in_flight)
        self._in_flight: dict[int, asyncio.Task[Attempt]] = {}
        self._wake = asyncio.Event()
        self._worker: asyncio.Task[None] | None = None

    def register(self, courier: Courier) -> None:
        self._couriers[courier.kind] = courier

    # writing -----------------------------------------------------------------------
    async def put(self, entry: OutboxEntry) -> OutboxItem:
        """Write the row (or find it, by its key) and wake the worker."""
        item = await self.storage.enqueue(entry, self.clock())
        self._wake.set()
        return item

    async def send(self, entry: OutboxEntry, *, reopen: bool = False) -> Attempt:
        """Write the row and make its first attempt here and now (the caller waits for
        it, as a daily job or an answer's handler does); what fails stays in the
        outbox for the worker. A key already there is attempted if it is due
        (a day's post a stopped process left unsent), else left alone ("busy")."""
        now = self.clock()
        taken = await self.storage.enqueue_taken(
            entry, now, now + self.timing.lease, reopen=reopen
        )
        if taken is not None:
            return await self._attempt_once(taken, taken=True)
        existing = await self.storage.get_outbox(entry.key)
        if existing is None or existing.state not in ("pending", "sending"):
            return Attempt("busy", existing)
        return await self._attempt_once(existing)

    # the worker ----------------------------------------------------------------------
    def start(self) -> None:
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work(), name="outbox")

    async def stop(self, wait: float = 5.0) -> None:
        """Stop taking rows; give the attempts in flight ``wait`` seconds to finish.
        What is still sending then is cancelled and marked in doubt for the next start."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        running = list(self._in_flight.values())
        if running:
            _, late = await asyncio.wait(running, timeout=wait)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)

    async def _work(self) -> None:
        pruned_at: datetime | None = None
        while True:
            try:
                now = self.clock()
                if pruned_at is None or now - pruned_at >= PRUNE_EVERY:
                    await self.storage.prune_outbox(now - self.timing.keep_done)
                    pruned_at = now
                await self.run_due()
                wait = await self._until_next()
            except StorageError as exc:
                log.warning("Outbox: storage unavailable (%s); trying again shortly", exc)
                wait = self.timing.first_retry
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    async def _until_next(self) -> float:
        upcoming = await self.storage.next_outbox_wakeup()
        if upcoming is None:
            return self.timing.poll
        seconds = (upcoming - self.clock()).total_seconds()
        return min(self.timing.poll, max(0.01, seconds))

    async def run_due(self) -> None:
        """One pass: start an attempt for every due row not already in flight, and
        wait for them."""
        while True:
            due = [
                item
                for item in await self.storage.due_outbox(self.clock(), limit=500)
                if item.id not in self._in_flight
            ]
            if not due:
                return
            # Wait for this batch before reading again, so a row that is retried
            # "now" is not read back while its attempt is still finishing.
            await asyncio.gather(
                *(asyncio.create_task(self._attempt_once(item)) for item in due),
                return_exceptions=True,
            )

    async def idle(self) -> None:
        """Return once nothing is due now and nothing is in flight (tests, ``--now``)."""
        while True:
            if self._in_flight:
                await asyncio.gather(*self._in_flight.values(), return_exceptions=True)
                continue
            if not await self.storage.due_outbox(self.clock(), limit=1):
                return
            await self.run_due()

    # one attempt -----------------------------------------------------------------
    async def _attempt_once(self, item: OutboxItem, *, taken: bool = False) -> Attempt:
        running = self._in_flight.get(item.id)
        if running is not None:
            return Attempt("busy", item)
        task = asyncio.current_task()
        assert task is not None
        self._in_flight[item.id] = task  # type: ignore[assignment]
        try:
            async with self._slots:
                return await self._attempt(item, taken)
        finally:
            self._in_flight.pop(item.id, None)

    async def _attempt(self, item: OutboxItem, already_taken: bool) -> Attempt:
        now = self.clock()
        taken: OutboxItem | None = item
        if not already_taken:
            taken = await self.storage.take_outbox(item.id, now, now + self.timing.lease)
        if taken is None:
            return Attempt("busy", item)
        if now > taken.deadline:
            why = f"it was due by {taken.deadline:%Y-%m-%d %H:%M} UTC"
            if taken.last_error:
                why += f" and the last attempt failed: {taken.last_error}"
            return await self._give_up(taken, why, None)
        courier = self._couriers.get(taken.kind)
        if courier is None:
            return await self._give_up(taken, f"no handler for {taken.kind!r} messages", None)
        platform = self.platforms.get(taken.channel.platform)
        if platform is None:
            offline = PlatformError(f"{taken.channel.platform} is not connected", maybe_sent=False)
            return await self._retry(taken, offline)
        try:
            message_id = await asyncio.wait_for(
                courier.deliver(taken, platform), timeout=self.timing.send_timeout
            )
        except asyncio.CancelledError:
            # Shutting down mid-send: it may have landed, so the next start checks first.
            with contextlib.suppress(Exception):
                await asyncio.shield(self.storage.outbox_retry(
                    taken.id, self.clock(), "stopped while sending", in_doubt=True
                ))
            raise
        except Undeliverable as exc:
            return await self._give_up(taken, str(exc), exc)
        except PERMANENT as exc:
            return await self._give_up(taken, str(exc), exc)
        except AuthFailed as exc:
            # Nothing works until the token is replaced (the adapter stops the process);
            # the row waits for the next start.
            return await self._retry(taken, exc, delay=self.timing.most_retry)
        except TimeoutError:
            seconds = f"{self.timing.send_timeout:g}"
            return await self._retry(taken, PlatformError(f"no answer within {seconds} s"))
        except PlatformError as exc:
            return await self._retry(taken, exc)
        except StorageError as exc:
            return await self._retry(taken, PlatformError(f"storage: {exc}"))
        except Exception as exc:
            # A bug, not the platform: one line, the traceback at DEBUG, and retried.
            log.error("Outbox: sending %s failed unexpectedly: %s: %s (LPBOT_LOG_LEVEL=DEBUG "
                      "shows the details)", taken.key, type(exc).__name__, exc)
            log.debug("Traceback", exc_info=True)
            return await self._retry(taken, PlatformError(f"{type(exc).__name__}: {exc}"))
        await self.storage.outbox_sent(taken.id, message_id, self.clock())
        if taken.attempts > 1:
            log.info("Outbox: %s in %s sent after %d attempts", taken.key, taken.channel.key,
                     taken.attempts)
        return Attempt("sent", taken)

    async def _retry(
        self, item: OutboxItem, error: PlatformError, *, delay: float | None = None
    ) -> Attempt:
        if delay is None:
            delay = error.retry_after
        if delay is None:
            delay = self.timing.retry_delay(item.attempts, self.rng)
        at = self.clock() + timedelta(seconds=delay)
        if at > item.deadline:
            return await self._give_up(item, f"still failing at its deadline: {error}", error)
        log.warning(
            "Outbox: %s in %s failed (attempt %d: %s); trying again in %.0f s",
            item.key, item.channel.key, item.attempts, error, delay,
        )
        await self.storage.outbox_retry(item.id, at, str(error), in_doubt=error.maybe_sent)
        self._wake.set()
        return Attempt("retry", item, str(error))

    async def _give_up(self, item: OutboxItem, reason: str, error: Exception | None) -> Attempt:
        log.error("Outbox: gave up %s in %s: %s", item.key, item.channel.key, reason)
        await self.storage.outbox_give_up(item.id, reason, self.clock())
        courier = self._couriers.get(item.kind)
        if courier is not None:
            try:
                await courier.given_up(item, reason, error)
            except Exception:
                log.exception("Outbox: cleaning up after %s failed", item.key)
        return Attempt("given_up", item, reason)
