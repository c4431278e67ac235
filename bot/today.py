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
    post: QuestionPost
    record: PostRecord

    def as_reply(self) -> Reply:
        """The daily post's own reply, word for word; its link is added when the
        platform has one, so the thread is one click away."""
        reply = self.post.as_reply()
        if not self.record.link:
            return reply
        return replace(reply, footer=f"{reply.footer}\nThread: {self.record.link}")


async def todays_question(
    storage: Storage, bank: Bank, config: ChannelConfig, now: datetime
) -> TodaysQuestion | None:
    """The question posted today (in the channel's time zone), or None when there
    is none yet, the day was skipped, or its question left the bank."""
    day = local_today(now, config.timezone)
    record = await storage.get_daily_post(config.channel, day)
    if record is None or record.status != "posted" or record.thread_id is None:
        return None
    try:
        question = bank.question(record.question_id)
        principle = bank.principle(question.principle)
    except KeyError:
        return None
    return TodaysQuestion(QuestionPost(question, principle, day), record)
