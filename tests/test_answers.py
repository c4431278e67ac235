"""Answers in a question's thread through the whole core, on the terminal channel."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from adapters.terminal import TerminalAdapter
from bot.events import AnswerDeleted, AnswerEdited, AnswerPosted, CommandInvoked, User
from tests.helpers import FakeClock, close, make_bot

HOME = TerminalAdapter.channel
ANA = User("ana", "Ana")
STORY = (
    "Last year our checkout page failed for mobile users during a sale. "
    "I was asked to find the cause before the weekend. "
    "I traced the failures to a cache rule and rolled it back myself. "
    "Errors dropped by 90% within an hour and the sale recovered."
)


class RecordingTerminal(TerminalAdapter):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sent: list[str] = []
        self.edited: list[str] = []
        self.deleted: list[str] = []

    async def send_reply(self, channel, reply, *, thread_id=None, reply_to=None, tag=None):
        message_id = await super().send_reply(
            channel, reply, thread_id=thread_id, reply_to=reply_to, tag=tag
        )
        self.sent.append(message_id)
        return message_id

    async def edit_reply(self, channel, message_id, reply, *, thread_id=None):
        self.edited.append(message_id)

    async def delete_message(self, channel, message_id, *, thread_id=None):
        self.deleted.append(message_id)


async def setup(tmp_path):
    h = await make_bot(tmp_path / "t.db", FakeClock(datetime(2026, 11, 25, 12, tzinfo=UTC)))
    platform = RecordingTerminal(stdin=h.terminal.stdin, stdout=h.out)
    h.bot.add_platform(platform)
    await h.bot.on_command(CommandInvoked(HOME, ANA, "question", ("dive", "deep")))
    (post,) = await h.storage.post_history(HOME)
    return h, platform, post.thread_id


async def test_answer_is_stored_and_answered_once_even_if_delivered_twice(tmp_path):
    h, platform, thread = await setup(tmp_path)
    event = AnswerPosted(HOME, thread, "m1", ANA, STORY)
    await asyncio.gather(h.bot.on_answer(event), h.bot.on_answer(event))
    await h.bot.on_answer(event)
    assert len(platform.sent) == 1
    (answer,) = await h.storage.user_answers("terminal", "ana")
    assert answer.text == STORY and answer.principle == "dive-deep"
    assert answer.feedback_message_id == platform.sent[0]
    await close(h)


async def test_quick_edit_updates_the_first_feedback_instead_of_replying_again(tmp_path):
    h, platform, thread = await setup(tmp_path)
    posted = AnswerPosted(HOME, thread, "m1", ANA, STORY)
    edited = AnswerEdited(HOME, thread, "m1", ANA, STORY + " I learned to watch the cache.")
    await asyncio.gather(h.bot.on_answer(posted), h.bot.on_answer_edited(edited))
    assert len(platform.sent) == 1
    assert platform.edited == platform.sent
    (answer,) = await h.storage.user_answers("terminal", "ana")
    assert answer.text.endswith("watch the cache.")
    await close(h)


async def test_delete_removes_answer_and_feedback(tmp_path):
    h, platform, thread = await setup(tmp_path)
    await h.bot.on_answer(AnswerPosted(HOME, thread, "m1", ANA, STORY))
    await h.bot.on_answer_deleted(AnswerDeleted(HOME, thread, "m1"))
    assert platform.deleted == platform.sent
    assert await h.storage.user_answers("terminal", "ana") == []
    await close(h)


async def test_messages_outside_question_threads_are_ignored(tmp_path):
    h, platform, _ = await setup(tmp_path)
    await h.bot.on_answer(AnswerPosted(HOME, "some-other-thread", "m9", ANA, STORY))
    assert platform.sent == []
    assert await h.storage.user_answers("terminal", "ana") == []
    await close(h)


async def test_empty_answer_gets_a_clear_reply_and_is_not_stored(tmp_path):
    h, platform, thread = await setup(tmp_path)
    await h.bot.on_answer(AnswerPosted(HOME, thread, "m2", ANA, "   "))
    assert len(platform.sent) == 1
    assert "didn't find an answer" in h.out.getvalue()
    assert await h.storage.user_answers("terminal", "ana") == []
    # Editing it into a real answer gets it analyzed and stored.
    await h.bot.on_answer_edited(AnswerEdited(HOME, thread, "m2", ANA, STORY))
    assert len(await h.storage.user_answers("terminal", "ana")) == 1
    await close(h)


class SlowRecordingTerminal(RecordingTerminal):
    """Lets an answer arrive after the thread exists but before storage knows it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.thread_open = asyncio.Event()
        self.answer_looked_up = asyncio.Event()

    async def post_question(self, channel, post, *, tag=None):
        posted = await super().post_question(channel, post, tag=tag)
        self.thread_open.set()
        # Storage records the post only after this returns; hold on until the
        # answer has already looked its thread up once (and not found it).
        await self.answer_looked_up.wait()
        return posted


async def test_answer_racing_the_post_being_recorded_is_not_lost(tmp_path):
    h = await make_bot(tmp_path / "r.db", FakeClock(datetime(2026, 11, 25, 12, tzinfo=UTC)))
    platform = SlowRecordingTerminal(stdin=h.terminal.stdin, stdout=h.out)
    h.bot.add_platform(platform)
    find_post_by_thread = h.storage.find_post_by_thread

    async def find_and_tell(platform_name, thread_id):
        found = await find_post_by_thread(platform_name, thread_id)
        platform.answer_looked_up.set()
        return found

    h.storage.find_post_by_thread = find_and_tell  # type: ignore[method-assign]

    async def answer_as_soon_as_the_thread_opens():
        await platform.thread_open.wait()
        thread = platform._thread
        assert thread is not None
        await h.bot.on_answer(AnswerPosted(HOME, thread, "fast", ANA, STORY))

    await asyncio.gather(
        h.bot.on_command(CommandInvoked(HOME, ANA, "question")),
        answer_as_soon_as_the_thread_opens(),
    )
    assert len(platform.sent) == 1
    assert len(await h.storage.user_answers("terminal", "ana")) == 1
    await close(h)


async def test_locked_database_gets_a_clear_reply_and_no_crash(tmp_path, caplog):
    import sqlite3

    from bank import load_bank
    from bot.app import LPBot
    from storage.sqlite import SqliteStorage

    db = tmp_path / "locked.db"
    storage = SqliteStorage(str(db), busy_timeout=0.1)
    await storage.connect()
    bot = LPBot(storage, load_bank(), clock=FakeClock(datetime(2026, 11, 25, tzinfo=UTC)))
    platform = RecordingTerminal()
    bot.add_platform(platform)
    await bot.on_command(CommandInvoked(HOME, ANA, "question"))
    (post,) = await storage.post_history(HOME)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = await bot.on_command(CommandInvoked(HOME, ANA, "forget", ("confirm",)))
        await bot.on_answer(AnswerPosted(HOME, post.thread_id or "", "m1", ANA, STORY))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.reply is not None and result.reply.title == "The database is busy"
    assert platform.sent == []
    assert any("Answer m1" in r.message and "locked" in r.message for r in caplog.records)
    # Once the lock is gone, the edit that a person makes gets the answer handled.
    from bot.events import AnswerEdited as Edited

    await bot.on_answer_edited(Edited(HOME, post.thread_id or "", "m1", ANA, STORY))
    assert len(platform.sent) == 1
    await storage.close()
