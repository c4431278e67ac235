"""Today's question in a channel (``/lp today``): the daily post already made,
shown again word for word, with the thread its answers go to."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bank.model import Bank
from bot.daily import local_today
from bot.replies import QuestionPost, Reply
from storage.base import ChannelConfig, PostRecord, Storage


@dataclass(frozen=True)
class TodaysQuestion:
    record: PostRecord
    #: None when the question has left the bank since it was posted.
    post: QuestionPost | None

    @property
    def thread_id(self) -> str | None:
        """Where answers go; None when there is no question left to judge them by."""
        return self.record.thread_id if self.post is not None else None

    def as_reply(self) -> Reply:
        """The daily post's own reply, word for word; its link is added when the
        platform has one, so the thread is one click away."""
        if self.post is None:
            reply = Reply("Today's question", "Today's question is posted in this channel.")
        else:
            reply = self.post.as_reply()
        if not self.record.link:
            return reply
        thread = f"Thread: {self.record.link}"
        return replace(reply, footer=f"{reply.footer}\n{thread}" if reply.footer else thread)


async def todays_question(
    storage: Storage, bank: Bank, config: ChannelConfig, now: datetime
) -> TodaysQuestion | None:
    """The question posted today (in the channel's time zone), or None when there
    is none yet or the day was skipped."""
    day = local_today(now, config.timezone)
    record = await storage.get_daily_post(config.channel, day)
    if record is None or record.status != "posted":
        return None
    try:
        question = bank.question(record.question_id)
        principle = bank.principle(question.principle)
    except KeyError:
        return TodaysQuestion(record, None)
    return TodaysQuestion(record, QuestionPost(question, principle, day))
