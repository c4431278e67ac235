"""The value types the core and storage share: where a conversation happens, a
channel's schedule, a post and an answer. Plain dataclasses that import neither the
core (``bot``) nor a database, so both sides can use them without a cycle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time


@dataclass(frozen=True)
class ChannelRef:
    """Where a conversation happens. ``platform`` is the adapter's name
    ("discord", "slack", "terminal"); ``workspace`` is the guild/team id when there is one."""

    platform: str
    id: str
    workspace: str | None = None

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.id}"


ALL_DAYS: frozenset[int] = frozenset(range(7))  # Monday = 0, as datetime.weekday()


@dataclass
class ChannelConfig:
    """A channel and its posting schedule. ``skip_dates`` holds local dates with no
    post (``skip`` adds the next one; holidays go here too). ``enabled`` turns False
    when the platform says the channel is gone. ``scheduled_since`` is when daily
    posts started here: days before it are not owed a post."""

    channel: ChannelRef
    post_time: time = time(9, 0)
    timezone: str = "UTC"
    weekdays: frozenset[int] = ALL_DAYS
    paused: bool = False
    scheduled: bool = False
    skip_dates: frozenset[date] = frozenset()
    enabled: bool = True
    disabled_reason: str | None = None
    scheduled_since: datetime | None = None


@dataclass
class PostRecord:
    """A question posted (or being posted) in a channel.

    ``kind`` is "daily" (one per channel per ``local_date``, enforced by a unique key)
    or "adhoc" (``/lp question``). ``status`` moves claimed -> posted, or to
    "skipped"/"failed"."""

    id: int
    channel: ChannelRef
    question_id: str
    principle: str
    kind: str
    status: str
    claimed_at: datetime
    local_date: date | None = None
    posted_at: datetime | None = None
    message_id: str | None = None
    thread_id: str | None = None
    link: str | None = None


@dataclass(frozen=True)
class AskedQuestion:
    """A question the channel was asked ``times`` times, as picking the next one needs
    it (read for every daily post, so one row per question however long the history)."""

    question_id: str
    principle: str
    status: str = "posted"
    times: int = 1


@dataclass
class AnswerRecord:
    """An answer and the feedback it got. ``post_id`` is None for private practice
    (``/lp answer``); ``message_id`` is None when the platform has no message for it."""

    channel: ChannelRef
    user_id: str
    text: str
    score: int
    created_at: datetime
    user_name: str = ""
    post_id: int | None = None
    question_id: str | None = None
    principle: str | None = None
    message_id: str | None = None
    feedback_message_id: str | None = None
    missing: tuple[str, ...] = ()  # STAR parts the analyzer found missing
    private: bool = False
    edited_at: datetime | None = None
    id: int | None = None


#: States of an outbox item: waiting for an attempt, being sent by a process (until
#: ``lease_until``), on the platform, or given up with a logged reason.
OUTBOX_STATES = ("pending", "sending", "sent", "given_up")


@dataclass(frozen=True)
class OutboxEntry:
    """A message the bot owes a platform, as it is first written to the outbox.

    ``key`` names it once and for all ("question:12", "feedback:34"): enqueueing the
    same key again changes nothing, and the platform message is tagged with it so a
    send a crash left in doubt can be looked for before it is made again. ``kind``
    says which core handler builds and records it; ``post_id`` / ``answer_id`` point
    at what it is about; ``message_id`` is the message an edit or delete acts on.
    ``payload`` is the content of a message storage cannot rebuild (a command's
    answer): storage forgets it once the row is sent or given up."""

    key: str
    kind: str
    channel: ChannelRef
    deadline: datetime
    created_at: datetime
    post_id: int | None = None
    answer_id: int | None = None
    thread_id: str | None = None
    reply_to: str | None = None
    message_id: str | None = None
    payload: str | None = None


@dataclass(frozen=True)
class OutboxItem(OutboxEntry):
    """An outbox row: the entry plus its delivery state. ``in_doubt`` is set when an
    attempt may have reached the platform (a crash, a timeout, a 5xx): the next
    attempt looks for the tagged message before sending again."""

    id: int = 0
    state: str = "pending"
    attempts: int = 0
    next_attempt_at: datetime | None = None
    lease_until: datetime | None = None
    in_doubt: bool = False
    last_error: str = ""
    sent_at: datetime | None = None
