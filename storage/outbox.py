"""The delivery half of the storage interface: messages the bot owes a platform (the
outbox), and events a platform handed over that are not handled yet (the inbox).

Kept apart from ``storage.base`` so the daily-post and answer queries stay readable;
``Storage`` inherits it, and ``tests/storage_contract.py`` covers it like the rest."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

from storage.values import OutboxEntry, OutboxItem


class OutboxStore(ABC):
    @abstractmethod
    async def enqueue(
        self, entry: OutboxEntry, now: datetime, *, reopen: bool = False
    ) -> OutboxItem:
        """Write ``entry`` as a pending row due ``now``, unless its key is already
        there: then the existing row is returned unchanged, or, with ``reopen``, set
        pending again (attempts from 0, the new deadline) when it was sent or given up
        (an edit of an answer whose feedback was already edited once)."""

    @abstractmethod
    async def enqueue_taken(
        self, entry: OutboxEntry, now: datetime, lease_until: datetime, *, reopen: bool = False
    ) -> OutboxItem | None:
        """``enqueue``, with the row it writes (or reopens) already taken for its first
        attempt until ``lease_until``, in one transaction (a fan-out of a thousand
        posts saves a thousand round trips). None when the key was there already and
        not reopened: that row is left as it is."""

    @abstractmethod
    async def get_outbox(self, key: str) -> OutboxItem | None: ...

    @abstractmethod
    async def due_outbox(self, now: datetime, limit: int = 100) -> list[OutboxItem]:
        """Rows an attempt is due for: pending ones whose time has come, and "sending"
        ones whose lease ran out (their process stopped mid-send), oldest first."""

    @abstractmethod
    async def take_outbox(
        self, item_id: int, now: datetime, lease_until: datetime
    ) -> OutboxItem | None:
        """Compare-and-set the row to "sending" for this process until ``lease_until``
        and count the attempt; None when it is not due (another process took it, or it
        was sent). A row taken over from an expired lease comes back ``in_doubt``."""

    @abstractmethod
    async def outbox_sent(self, item_id: int, message_id: str | None, now: datetime) -> None: ...

    @abstractmethod
    async def outbox_retry(
        self, item_id: int, next_attempt_at: datetime, error: str, *, in_doubt: bool
    ) -> None:
        """Back to pending for another attempt at ``next_attempt_at``. ``in_doubt``
        only ever turns on: once an attempt may have landed, every later one checks."""

    @abstractmethod
    async def outbox_give_up(self, item_id: int, reason: str, now: datetime) -> None: ...

    @abstractmethod
    async def next_outbox_wakeup(self) -> datetime | None:
        """The earliest time a row becomes due (pending, or a lease running out)."""

    @abstractmethod
    async def outbox_items(self, *states: str) -> list[OutboxItem]:
        """Rows in any of ``states`` (all rows when none are named), oldest first."""

    @abstractmethod
    async def prune_outbox(self, sent_before: datetime) -> int:
        """Forget rows sent or given up before ``sent_before``; return how many."""


class InboxStore(ABC):
    @abstractmethod
    async def inbox_keep(self, key: str, kind: str, payload: str, now: datetime) -> None:
        """Keep an event until ``inbox_done``; the same key again replaces it (a newer
        edit of the same message)."""

    @abstractmethod
    async def inbox_done(self, key: str) -> None: ...

    @abstractmethod
    async def inbox_waiting(self) -> list[tuple[str, str, str]]:
        """``(key, kind, payload)`` of every event kept and not done, oldest first."""
