"""The daily post: claim the day in storage, put the question in the outbox, send it.

The claim comes first, so two processes or a restart never pick two questions for one
day; the outbox row (keyed by the claimed post) is what makes the post survive a crash
or a platform fault, and the tag it carries is what keeps a retry from posting twice."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bank.model import Bank, Question
from bot.clock import Clock
from bot.events import ChannelRef
from bot.outbox import Attempt, Courier, Outbox, Undeliverable
from bot.picking import pick_question
from bot.platform import ChannelUnavailable, ChatPlatform, MissingPermission
from bot.replies import QuestionPost
from storage.base import ChannelConfig, OutboxEntry, OutboxItem, PostRecord, Storage

log = logging.getLogger(__name__)

QUESTION = "question"
#: How long ``/lp question`` keeps trying through an outage: later than this, the
#: question would arrive long after the person who asked moved on.
ON_DEMAND_DEADLINE = timedelta(minutes=30)


@dataclass(frozen=True)
class PostOutcome:
    """What happened to a request to post. ``status`` is one of "posted",
    "already" (someone posted or claimed it), "queued" (the platform failed for now:
    the outbox keeps trying until the grace period ends), "unavailable" (channel gone
    or no permission: the schedule is disabled), "failed" (given up) or "no-platform"
    (that platform is not running in this process)."""

    status: str
    record: PostRecord | None = None
    detail: str = ""


class PostingLocks:
    """A question's thread exists on the platform a moment before storage knows it;
    an answer arriving in that window waits for the post to be recorded instead of
    being taken for a message outside any question thread."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}

    @contextlib.asynccontextmanager
    async def hold(self, channel: ChannelRef) -> AsyncIterator[None]:
        async with self._locks.setdefault(channel.key, asyncio.Lock()):
            yield

    async def settled(self, channel: ChannelRef) -> None:
        lock = self._locks.get(channel.key)
        if lock is not None and lock.locked():
            async with lock:
                pass


def local_today(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


class DailyPost:
    def __init__(
        self,
        storage: Storage,
        bank: Bank,
        platforms: dict[str, ChatPlatform],
        clock: Clock,
        rng: random.Random,
        posting: PostingLocks,
        outbox: Outbox,
        *,
        grace: timedelta = timedelta(hours=6),
        unavailable: Callable[[ChannelRef, str], Awaitable[None]],
    ) -> None:
        self.courier = QuestionCourier(storage, bank, clock, posting, unavailable)
        outbox.register(self.courier)
        self.posting = posting
        self.storage = storage
        self.bank = bank
        self.platforms = platforms
        self.clock = clock
        self.rng = rng
        self.outbox = outbox
        self.grace = grace

    async def post(
        self,
        config: ChannelConfig,
        local_date: date | None = None,
        *,
        due_at: datetime | None = None,
    ) -> PostOutcome:
        """Post the channel's question for ``local_date`` (today there by default),
        due at ``due_at`` (now by default): the outbox keeps trying until the grace
        period after it ends."""
        channel = config.channel
        if channel.platform not in self.platforms:
            return PostOutcome("no-platform", detail=f"{channel.platform} is not running here")
        now = self.clock()
        day = local_date or local_today(now, config.timezone)
        record = await self._claim(channel, day, now)
        if record is None:
            return PostOutcome("already", await self.storage.get_daily_post(channel, day))
        return await self._send(record, now, (due_at or now) + self.grace)

    async def post_on_demand(self, channel: ChannelRef, question: Question) -> PostOutcome:
        """``/lp question``: the same outbox row as a daily post, so a fault delays the
        question (for up to ``ON_DEMAND_DEADLINE``) instead of losing or doubling it."""
        now = self.clock()
        record = await self.storage.claim_adhoc_post(
            channel, question.id, question.principle, now
        )
        return await self._send(record, now, now + ON_DEMAND_DEADLINE)

    async def _send(self, record: PostRecord, now: datetime, deadline: datetime) -> PostOutcome:
        """The claimed post's outbox row, and its first attempt here and now."""
        entry = OutboxEntry(
            key=f"{QUESTION}:{record.id}",
            kind=QUESTION,
            channel=record.channel,
            deadline=deadline,
            created_at=now,
            post_id=record.id,
        )
        self.courier.fresh[record.id] = record
        try:
            attempt = await self.outbox.send(entry)
        finally:
            self.courier.fresh.pop(record.id, None)
        return await self._outcome(attempt, record)

    async def _outcome(self, attempt: Attempt, record: PostRecord) -> PostOutcome:
        posted = self.courier.delivered.pop(record.id, None)
        if posted is not None:
            return PostOutcome("posted", posted)
        latest = await self.storage.get_post(record.id) or record
        if attempt.status == "sent" or latest.status == "posted":
            return PostOutcome("posted", latest)
        if attempt.status == "given_up":
            config = await self.storage.get_channel(record.channel)
            gone = config is not None and not config.enabled
            return PostOutcome("unavailable" if gone else "failed", latest, attempt.detail)
        return PostOutcome("queued", latest, attempt.detail or "it is being posted")

    async def _claim(self, channel: ChannelRef, day: date, now: datetime) -> PostRecord | None:
        """A new claim on the day, or the day's claim a stopped attempt left unsent
        (its outbox row, found by key, finishes it); None when the day is done."""
        history = await self.storage.asked_questions(channel)
        question = pick_question(self.bank, history, self.rng)
        record = await self.storage.claim_daily_post(
            channel, day, question.id, question.principle, now
        )
        if record is not None:
            return record
        existing = await self.storage.get_daily_post(channel, day)
        if existing is not None and existing.status == "claimed":
            return existing
        return None


class QuestionCourier(Courier):
    """Delivers the daily question rows of the outbox."""

    kind = QUESTION

    def __init__(
        self,
        storage: Storage,
        bank: Bank,
        clock: Clock,
        posting: PostingLocks,
        unavailable: Callable[[ChannelRef, str], Awaitable[None]],
    ) -> None:
        self.storage = storage
        self.bank = bank
        self.clock = clock
        self.posting = posting
        #: Stops the channel's schedule (``ChannelSchedules.unavailable``).
        self.unavailable = unavailable
        # A post this process has just claimed, and what its first attempt posted:
        # ``DailyPost.post`` hands them over in memory instead of through storage,
        # which matters when a thousand channels are due at the same minute.
        self.fresh: dict[int, PostRecord] = {}
        self.delivered: dict[int, PostRecord] = {}

    async def deliver(self, item: OutboxItem, platform: ChatPlatform) -> str | None:
        post_id = item.post_id or 0
        record = self.fresh.pop(post_id, None)
        inline = record is not None
        if record is None:
            record = await self.storage.get_post(post_id)
        if record is None:
            raise Undeliverable("its post record is gone")
        if record.status == "posted" and record.message_id:
            return record.message_id  # recorded by an attempt a crash cut short
        question = self._question(record.question_id)
        post = QuestionPost(question, self.bank.principle(question.principle), record.local_date)
        # Held from the platform call until storage knows the thread, so an answer in
        # that moment waits for it (``PostingLocks``).
        async with self.posting.hold(item.channel):
            posted = None
            if item.in_doubt:
                posted = await platform.find_question(item.channel, post, item.key)
                if posted is not None:
                    log.warning("Found the %s question in %s that an earlier attempt posted",
                                record.local_date, item.channel.key)
            if posted is None:
                posted = await platform.post_question(item.channel, post, tag=item.key)
            now = self.clock()
            await self.storage.mark_posted(
                record.id, posted.message_id, posted.thread_id, posted.link, now
            )
        if inline:
            self.delivered[post_id] = dataclasses.replace(
                record, status="posted", posted_at=now, message_id=posted.message_id,
                thread_id=posted.thread_id, link=posted.link,
            )
        log.info("Posted %s (%s) in %s for %s", record.question_id, record.principle,
                 item.channel.key, record.local_date)
        return posted.message_id

    async def given_up(self, item: OutboxItem, reason: str, error: Exception | None) -> None:
        if item.post_id is not None:
            await self.storage.set_post_status(item.post_id, "failed")
            record = await self.storage.get_post(item.post_id)
            if record is not None and record.kind != "daily":
                return  # the person who asked was told; the schedule is not theirs to stop
        if isinstance(error, ChannelUnavailable):
            await self.unavailable(item.channel, f"channel unavailable: {error}")
        elif isinstance(error, MissingPermission):
            await self.unavailable(item.channel, f"missing permission: {error}")

    def _question(self, question_id: str) -> Question:
        try:
            return self.bank.question(question_id)
        except KeyError:
            # The claimed question vanished from the bank (edited data files): pick another.
            return pick_question(self.bank, [], random.Random(question_id))
