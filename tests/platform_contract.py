"""The contract every platform adapter passes, like ``tests/storage_contract.py``.

A platform is tested through its own fake, by a ``PlatformDriver`` that acts as the
people on it (a member answers in a thread, edits, deletes, runs ``/lp``, answers in
private) and as the platform failing. The core is the real ``LPBot``; what the adapter
hands it is recorded (``Recorder``), so each test checks the events the core received
and what the person saw.

Adding a platform: write a driver for its fake and subclass ``PlatformContract`` with a
``driver`` fixture (see ``tests/test_platform_contract.py``)."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest

from bot.catalogue import BY_NAME
from bot.command_grammar import argument_text
from bot.events import (
    AnswerDeleted,
    AnswerEdited,
    AnswerPosted,
    ChannelRef,
    CommandInvoked,
    PracticeAnswer,
)
from bot.platform import Adapter, AuthFailed, ChannelUnavailable, MissingPermission
from bot.replies import PostedMessage, QuestionPost, Reply

T = TypeVar("T")
WAIT = 10.0

# A story in the STAR shape, in our own words.
STORY = (
    "Situation: our nightly export failed and two customers missed their reports. "
    "Task: as on-call engineer I had to restore it within a day. Action: I read the "
    "logs, found an upstream schema change, wrote an adapter and added an alert. "
    "Result: reports were back that afternoon and none were missed for three months. "
    "I learned to check inputs I do not own."
)
EDITED_STORY = STORY.replace("two customers", "three customers")

FAILURES: dict[str, type[Exception]] = {
    "channel gone": ChannelUnavailable,
    "no permission": MissingPermission,
    "token revoked": AuthFailed,
}


async def eventually(check: Callable[[], T], timeout: float = WAIT) -> T:
    async with asyncio.timeout(timeout):
        while not (value := check()):
            await asyncio.sleep(0.01)
        return value


@dataclass
class Recorder:
    """Wraps the core's inbound methods: every event an adapter hands over, with the
    core's answer."""

    events: list[tuple[Any, Any]] = field(default_factory=list)

    def attach(self, bot: Any) -> None:
        for name in (
            "on_answer",
            "on_answer_edited",
            "on_answer_deleted",
            "on_command",
            "on_practice_answer",
        ):
            setattr(bot, name, self._wrap(getattr(bot, name)))

    def _wrap(self, method: Callable[[Any], Awaitable[Any]]) -> Callable[[Any], Awaitable[Any]]:
        async def recorded(event: Any) -> Any:
            result = await method(event)
            self.events.append((event, result))
            return result

        return recorded

    def of(self, kind: type[T]) -> list[tuple[T, Any]]:
        return [(e, r) for e, r in self.events if isinstance(e, kind)]

    async def next(self, kind: type[T], after: int = 0) -> tuple[T, Any]:
        """The first ``kind`` event beyond the first ``after`` of that kind."""
        return (await eventually(lambda: self.of(kind)[after:]))[0]


class PlatformDriver(ABC):
    """Plays the people on a platform and the platform itself, through its fake."""

    name: str
    #: What this platform has: "edit" and "delete" of a person's message, reading back
    #: the bot's own messages ("read"), look for what a send in doubt made ("look",
    #: "look for replies"), and the failures it can produce (``FAILURES``).
    abilities: frozenset[str] = frozenset()
    recorder: Recorder
    adapter: Adapter
    bot: Any  # bot.app.LPBot

    @property
    @abstractmethod
    def channel(self) -> ChannelRef: ...

    @abstractmethod
    async def say_in_thread(self, thread_id: str, text: str) -> None:
        """A member posts ``text`` in the thread (the core hears ``AnswerPosted``)."""

    async def edit(self, event: AnswerPosted, text: str) -> None:
        raise NotImplementedError

    async def delete(self, event: AnswerPosted) -> None:
        raise NotImplementedError

    @abstractmethod
    async def command(self, name: str, **options: str) -> str:
        """An admin runs ``/lp name`` with Discord-style options; the reply's title as
        the person saw it."""

    @abstractmethod
    async def practice(self, text: str) -> str:
        """A member runs ``/lp answer`` and answers in private; the feedback's title."""

    def read_back(self, message_id: str) -> str | None:
        """The text of one of the bot's messages as the platform shows it (None once
        deleted); only with the "read" ability."""
        raise NotImplementedError

    def fail_next_post(self, failure: str) -> None:
        """Make the platform refuse the next post with ``failure`` (a ``FAILURES`` key)."""
        raise NotImplementedError

    @abstractmethod
    async def restart(self) -> None:
        """Stop the bot and the adapter as a deploy would; start new ones on the same
        database and the same platform."""

    def question(self) -> QuestionPost:
        question = self.bot.bank.questions[0]
        return QuestionPost(question, self.bot.bank.principle(question.principle))


def command_line(name: str, options: dict[str, str]) -> str:
    """The text line a Slack or terminal user types for Discord's options."""
    order = [a.name for a in BY_NAME[name].args]
    assert set(options) <= set(order), f"{name} has no option {set(options) - set(order)}"
    return " ".join([name, *(options[n] for n in order if n in options)])


def _ids(posted: PostedMessage) -> set[str]:
    return {posted.message_id, posted.thread_id}


class PlatformContract:
    """Subclass with a ``driver`` fixture yielding a started ``PlatformDriver``."""

    def needs(self, driver: PlatformDriver, ability: str) -> None:
        if ability not in driver.abilities:
            pytest.skip(f"{driver.name} has no {ability}")

    # posting --------------------------------------------------------------------------
    async def test_each_question_gets_its_own_message_and_thread(
        self, driver: PlatformDriver
    ) -> None:
        first = await driver.adapter.post_question(driver.channel, driver.question())
        second = await driver.adapter.post_question(driver.channel, driver.question())
        for posted in (first, second):
            assert posted.message_id and posted.thread_id
        assert first.message_id != second.message_id
        assert first.thread_id != second.thread_id

    async def test_replies_get_their_own_ids_and_can_be_edited_and_deleted(
        self, driver: PlatformDriver
    ) -> None:
        posted = await driver.adapter.post_question(driver.channel, driver.question())
        adapter, channel = driver.adapter, driver.channel
        one = await adapter.send_reply(channel, Reply("First"), thread_id=posted.thread_id)
        two = await adapter.send_reply(channel, Reply("Second"), thread_id=posted.thread_id)
        assert one and two and one != two and not {one, two} & _ids(posted)
        await adapter.edit_reply(channel, one, Reply("First, better"), thread_id=posted.thread_id)
        await adapter.delete_message(channel, two, thread_id=posted.thread_id)
        if "read" in driver.abilities:
            assert "First, better" in (driver.read_back(one) or "")
            assert driver.read_back(two) is None

    async def test_a_tagged_question_is_found_again(self, driver: PlatformDriver) -> None:
        """What the outbox relies on after a crash or a timeout: the question a send in
        doubt may have made is found (thread included) instead of posted twice."""
        self.needs(driver, "look")
        today = driver.bot.clock().date()
        post = QuestionPost(driver.question().question, driver.question().principle, today)
        adapter, channel = driver.adapter, driver.channel
        assert await adapter.find_question(channel, post, "question:7") is None
        posted = await adapter.post_question(channel, post, tag="question:7")
        found = await adapter.find_question(channel, post, "question:7")
        assert found is not None
        assert (found.message_id, found.thread_id) == (posted.message_id, posted.thread_id)

    async def test_a_tagged_reply_is_found_again(self, driver: PlatformDriver) -> None:
        self.needs(driver, "look for replies")
        posted = await driver.adapter.post_question(driver.channel, driver.question())
        adapter, channel, thread = driver.adapter, driver.channel, posted.thread_id
        assert await adapter.find_reply(channel, "feedback:7", thread_id=thread) is None
        sent = await adapter.send_reply(channel, Reply("Yours"), thread_id=thread, tag="feedback:7")
        assert await adapter.find_reply(channel, "feedback:7", thread_id=thread) == sent

    @pytest.mark.parametrize("failure", list(FAILURES))
    async def test_platform_failures_are_the_cores_errors(
        self, driver: PlatformDriver, failure: str
    ) -> None:
        self.needs(driver, failure)
        driver.fail_next_post(failure)
        with pytest.raises(FAILURES[failure]):
            await driver.adapter.post_question(driver.channel, driver.question())

    # what people do -------------------------------------------------------------------
    async def test_an_answer_reaches_the_core_and_gets_feedback(
        self, driver: PlatformDriver
    ) -> None:
        await driver.command("question")
        [record] = await driver.bot.storage.post_history(driver.channel)
        await driver.say_in_thread(record.thread_id, STORY)
        event, _ = await driver.recorder.next(AnswerPosted)
        assert (event.channel, event.thread_id, event.text) == (
            driver.channel,
            record.thread_id,
            STORY,
        )
        assert event.message_id not in {record.message_id, record.thread_id}
        stored = await eventually_async(
            lambda: driver.bot.storage.get_answer_by_message(
                driver.channel.platform, event.message_id
            )
        )
        assert stored.feedback_message_id

    async def test_an_edit_and_a_delete_reach_the_core(self, driver: PlatformDriver) -> None:
        self.needs(driver, "edit")
        await driver.command("question")
        [record] = await driver.bot.storage.post_history(driver.channel)
        await driver.say_in_thread(record.thread_id, STORY)
        posted, _ = await driver.recorder.next(AnswerPosted)
        await driver.edit(posted, EDITED_STORY)
        edited, _ = await driver.recorder.next(AnswerEdited)
        assert (edited.message_id, edited.thread_id, edited.text) == (
            posted.message_id,
            record.thread_id,
            EDITED_STORY,
        )
        await driver.delete(posted)
        deleted, _ = await driver.recorder.next(AnswerDeleted)
        assert (deleted.message_id, deleted.thread_id) == (posted.message_id, record.thread_id)

    async def test_a_command_with_arguments_reaches_the_core_as_one_line(
        self, driver: PlatformDriver
    ) -> None:
        title = await driver.command("schedule", time="09:00", timezone="UTC", days="mon wed fri")
        event, result = await driver.recorder.next(CommandInvoked)
        assert event.name == "schedule" and event.channel == driver.channel
        assert argument_text(event.args) == "09:00 UTC mon wed fri"
        assert event.user.is_admin
        assert title == result.reply.title == "Daily question schedule"

    async def test_a_private_practice_answer_reaches_the_core(
        self, driver: PlatformDriver
    ) -> None:
        title = await driver.practice(STORY)
        event, reply = await driver.recorder.next(PracticeAnswer)
        assert event.text == STORY and event.question_id
        assert event.channel == driver.channel
        assert title == reply.title

    # restarts -------------------------------------------------------------------------
    async def test_ids_stay_unique_across_a_restart(self, driver: PlatformDriver) -> None:
        await driver.command("question")
        [before] = await driver.bot.storage.post_history(driver.channel)
        await driver.say_in_thread(before.thread_id, STORY)
        first, _ = await driver.recorder.next(AnswerPosted)

        await driver.restart()
        await driver.command("question")
        after = (await driver.bot.storage.post_history(driver.channel))[-1]
        assert not {after.message_id, after.thread_id} & {before.message_id, before.thread_id}
        await driver.say_in_thread(after.thread_id, STORY)
        second, _ = await driver.recorder.next(AnswerPosted)
        assert second.message_id != first.message_id
        # The answer after the restart is stored, not taken for the earlier one.
        stored = await eventually_async(
            lambda: driver.bot.storage.get_answer_by_message(
                driver.channel.platform, second.message_id
            )
        )
        assert stored.post_id == after.id


async def eventually_async(check: Callable[[], Awaitable[T]], timeout: float = WAIT) -> T:
    async with asyncio.timeout(timeout):
        while not (value := await check()):
            await asyncio.sleep(0.01)
        return value
