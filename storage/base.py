"""The storage interface the core depends on. Implementations: ``storage.sqlite``
(aiosqlite). The core never sees SQL; every implementation must pass
``tests/storage_contract.py``."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import date, datetime, timedelta

from bank.model import Question
from storage.outbox import InboxStore, OutboxStore
from storage.values import (
    ALL_DAYS,
    AnswerRecord,
    AskedQuestion,
    ChannelConfig,
    ChannelRef,
    OutboxEntry,
    OutboxItem,
    PostRecord,
)

__all__ = [
    "ALL_DAYS",
    "AnswerExists",
    "AnswerRecord",
    "AskedQuestion",
    "ChannelConfig",
    "ChannelRef",
    "OutboxEntry",
    "OutboxItem",
    "PostRecord",
    "SEEN_EVENTS_KEPT",
    "Storage",
    "StorageError",
]

#: How long a platform event id is remembered for ``mark_event_seen``. Slack retries
#: within minutes; a day also covers a retry that waited out a restart.
SEEN_EVENTS_KEPT = timedelta(days=1)

class Storage(OutboxStore, InboxStore, ABC):
    """Async persistence with domain methods. Datetimes are timezone-aware UTC."""

    # lifecycle ---------------------------------------------------------------
    @abstractmethod
    async def connect(self) -> None:
        """Open the database and run pending migrations."""

    @abstractmethod
    async def close(self) -> None: ...

    # channels ----------------------------------------------------------------
    @abstractmethod
    async def get_channel(self, channel: ChannelRef) -> ChannelConfig | None: ...

    @abstractmethod
    async def save_channel(self, config: ChannelConfig) -> None:
        """Insert or replace the channel's configuration."""

    @abstractmethod
    async def scheduled_channels(self) -> list[ChannelConfig]:
        """Channels with ``scheduled`` and ``enabled`` set (paused ones included)."""

    # posts -------------------------------------------------------------------
    @abstractmethod
    async def claim_daily_post(
        self,
        channel: ChannelRef,
        local_date: date,
        question_id: str,
        principle: str,
        now: datetime,
    ) -> PostRecord | None:
        """Atomically claim the day's post. Returns None if any process already
        claimed (or posted, or skipped) this channel's ``local_date``."""

    @abstractmethod
    async def mark_posted(
        self,
        post_id: int,
        message_id: str,
        thread_id: str,
        link: str | None,
        now: datetime,
    ) -> None: ...

    @abstractmethod
    async def set_post_status(self, post_id: int, status: str) -> None:
        """Set "skipped" or "failed" (or back to "claimed")."""

    @abstractmethod
    async def record_skipped_day(
        self, channel: ChannelRef, local_date: date, now: datetime
    ) -> bool:
        """Remember that ``local_date`` had no post (missed beyond the grace period);
        returns False if the day already has a record."""

    @abstractmethod
    async def get_daily_post(self, channel: ChannelRef, local_date: date) -> PostRecord | None: ...

    @abstractmethod
    async def get_post(self, post_id: int) -> PostRecord | None: ...

    @abstractmethod
    async def unfinished_posts(self) -> list[PostRecord]:
        """Daily posts still "claimed" (a crash between claim and platform call)."""

    @abstractmethod
    async def claim_adhoc_post(
        self, channel: ChannelRef, question_id: str, principle: str, now: datetime
    ) -> PostRecord:
        """A new "claimed" on-demand post (``/lp question``), to be sent through the
        outbox; ``mark_posted`` records it once it is on the platform."""

    @abstractmethod
    async def find_post_by_thread(self, platform: str, thread_id: str) -> PostRecord | None: ...

    @abstractmethod
    async def post_history(self, channel: ChannelRef) -> list[PostRecord]:
        """Every post (daily and ad hoc, any status but "skipped") in the channel, oldest first."""

    @abstractmethod
    async def asked_questions(self, channel: ChannelRef) -> list[AskedQuestion]:
        """``post_history`` as the question picker needs it: the posts that asked a
        question (not failed, not skipped), one per question with how many times it
        was asked, ordered by when it was last asked."""

    # answers -----------------------------------------------------------------
    @abstractmethod
    async def save_answer(self, answer: AnswerRecord) -> AnswerRecord:
        """Insert; returns the record with ``id`` set. An answer whose
        (platform, message_id) is already stored raises ``AnswerExists`` and changes
        nothing: two processes handling one message store it once."""

    @abstractmethod
    async def get_answer(self, answer_id: int) -> AnswerRecord | None: ...

    @abstractmethod
    async def get_answer_by_message(
        self, platform: str, message_id: str
    ) -> AnswerRecord | None: ...

    @abstractmethod
    async def update_answer(
        self, answer_id: int, text: str, score: int, missing: tuple[str, ...], edited_at: datetime
    ) -> None: ...

    @abstractmethod
    async def set_feedback_message(self, answer_id: int, message_id: str) -> None: ...

    @abstractmethod
    async def delete_answer(self, answer_id: int) -> None: ...

    @abstractmethod
    async def user_answers(self, platform: str, user_id: str) -> list[AnswerRecord]:
        """All of one person's answers on a platform, oldest first."""

    @abstractmethod
    async def channel_answers_since(
        self, channel: ChannelRef, since: datetime
    ) -> list[AnswerRecord]:
        """Public (non-private) answers in the channel created at or after ``since``."""

    @abstractmethod
    async def forget_user(self, platform: str, user_id: str) -> int:
        """Delete all of the person's answers; return how many."""

    # custom questions ----------------------------------------------------------
    @abstractmethod
    async def add_custom_questions(self, questions: list[Question]) -> int:
        """Insert all or nothing (one transaction); an id already present is replaced."""

    @abstractmethod
    async def custom_questions(self) -> list[Question]: ...

    # preferences and idempotency -----------------------------------------------
    @abstractmethod
    async def get_preference(self, platform: str, user_id: str, key: str) -> str | None: ...

    @abstractmethod
    async def set_preference(self, platform: str, user_id: str, key: str, value: str) -> None: ...

    @abstractmethod
    async def mark_event_seen(self, key: str, now: datetime) -> bool:
        """Record a platform event id; True the first time, False for a repeat
        (Slack retries). Survives restarts; ids older than ``SEEN_EVENTS_KEPT`` are
        forgotten, so the record does not grow forever."""


class StorageError(Exception):
    """The database could not be used (locked past the timeout, unreadable file)."""


class AnswerExists(StorageError):
    """``save_answer`` for a platform message that already has a stored answer."""
