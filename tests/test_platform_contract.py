"""The platform contract (``tests/platform_contract.py``) for the terminal channel,
Discord (real discord.py against the fake Discord) and Slack (real slack-bolt against
the fake Slack)."""

from __future__ import annotations

import asyncio
import io
import itertools
import os
import random
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from adapters.terminal import RULE, TerminalAdapter
from bank import load_bank
from bot.app import LPBot
from bot.config import Settings
from bot.events import AnswerPosted, ChannelRef, CommandInvoked, PracticeAnswer
from storage import open_storage
from tests.discord_rig import embeds_of, restart_rig, start_rig, stop_rig
from tests.helpers import FakeClock
from tests.platform_contract import (
    FAILURES,
    PlatformContract,
    PlatformDriver,
    Recorder,
    command_line,
    eventually,
)
from tests.slack_fake import STUDY_ADMIN, STUDY_CHANNEL, STUDY_MEMBER, study_workspace
from tests.slack_fake import start_rig as start_slack_rig


def _clock() -> FakeClock:
    from datetime import UTC, datetime

    return FakeClock(datetime(2025, 1, 6, 8, 50, tzinfo=UTC))


# terminal ------------------------------------------------------------------------------


class TerminalDriver(PlatformDriver):
    name = "terminal"

    def __init__(self, db: Path) -> None:
        self.db = db
        self.clock = _clock()

    @property
    def channel(self) -> ChannelRef:
        return TerminalAdapter.channel

    async def start(self) -> None:
        self.storage = await open_storage(f"sqlite:///{self.db}")
        reader, writer = os.pipe()
        self._keyboard = os.fdopen(writer, "w")
        self.out = io.StringIO()
        self._stdin = os.fdopen(reader)
        self.adapter = TerminalAdapter(stdin=self._stdin, stdout=self.out)
        self.bot = LPBot(
            self.storage, load_bank(), Settings(), clock=self.clock, rng=random.Random(3)
        )
        self.bot.add_platform(self.adapter)
        self.recorder = Recorder()
        self.recorder.attach(self.bot)
        await self.bot.start(self.adapter.home_channels())
        self.task = asyncio.create_task(self.adapter.run(self.bot))
        # On start the terminal asks for today's question itself, to show it again after a
        # restart; the contract is about what people do after that.
        await self.recorder.next(CommandInvoked)
        self.recorder.events.clear()

    async def stop(self) -> None:
        self._keyboard.close()  # end of input ends the terminal channel
        await asyncio.wait_for(self.task, 10)
        self._stdin.close()
        await self.bot.stop()
        await self.storage.close()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    def _type(self, *lines: str) -> None:
        self._keyboard.write("".join(line + "\n" for line in lines))
        self._keyboard.flush()

    async def _shown(self, title: str) -> str:
        await eventually(lambda: title in self.out.getvalue())
        return title

    async def say_in_thread(self, thread_id: str, text: str) -> None:
        self._type(text, ".")

    async def command(self, name: str, **options: str) -> str:
        seen = len(self.recorder.of(CommandInvoked))
        before = len(self.out.getvalue())
        self._type(f"/lp {command_line(name, options)}")
        await self.recorder.next(CommandInvoked, seen)
        # The last box's title: after /lp question that is the question itself, shown
        # instead of a second box saying it was posted.
        boxes = await eventually(
            lambda: re.findall(f"^{RULE}\n(.*)\n{RULE}$", self.out.getvalue()[before:], re.M)
        )
        return boxes[-1]

    async def practice(self, text: str) -> str:
        await self.command("answer")
        self._type(text, ".")
        _, reply = await self.recorder.next(PracticeAnswer)
        return await self._shown(reply.title)


# Discord -------------------------------------------------------------------------------


class DiscordDriver(PlatformDriver):
    name = "discord"
    # Replies are not looked for: their enforced nonce makes a resend the same message.
    abilities = frozenset({"edit", "delete", "read", "look", *FAILURES})

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path

    async def start(self) -> None:
        self.rig = await start_rig(self.tmp_path, clock=_clock())
        self._attach()

    def _attach(self) -> None:
        self.adapter, self.bot = self.rig.adapter, self.rig.bot
        self.recorder = Recorder()
        self.recorder.attach(self.bot)

    async def stop(self) -> None:
        await stop_rig(self.rig)

    async def restart(self) -> None:
        self.rig = await restart_rig(self.rig, self.tmp_path)
        self._attach()

    @property
    def channel(self) -> ChannelRef:
        return self.rig.channel_ref

    async def say_in_thread(self, thread_id: str, text: str) -> None:
        await self.rig.fake.say(int(thread_id), self.rig.member, text)

    async def edit(self, event: AnswerPosted, text: str) -> None:
        await self.rig.fake.edit(int(event.message_id), text)

    async def delete(self, event: AnswerPosted) -> None:
        await self.rig.fake.delete(int(event.message_id))

    async def _title(self, interaction: Any) -> str:
        await self.rig.fake.wait_until(lambda: interaction.callbacks)
        [embed] = embeds_of(interaction.callbacks[0])
        return str(embed["title"])

    async def command(self, name: str, **options: str) -> str:
        rig = self.rig
        ix = await rig.fake.slash(rig.channel, rig.admin, name, admin=True, **options)
        return await self._title(ix)

    async def practice(self, text: str) -> str:
        rig = self.rig
        ix = await rig.fake.slash(rig.channel, rig.member, "answer")
        await rig.fake.wait_until(lambda: ix.callbacks)
        assert ix.callbacks[0]["type"] == 9  # a form
        form = ix.callbacks[0]["data"]
        sent = await rig.fake.submit_modal(rig.channel, rig.member, form, {"answer": text})
        return await self._title(sent)

    def read_back(self, message_id: str) -> str | None:
        message = self.rig.fake.messages.get(int(message_id))
        if message is None:
            return None
        return str(message.get("content") or "") + str(message.get("embeds") or "")

    def fail_next_post(self, failure: str) -> None:
        fake, path = self.rig.fake, rf"/channels/{self.rig.channel}/messages"
        if failure == "channel gone":
            fake.delete_channel(self.rig.channel)
        elif failure == "no permission":
            fake.fail("POST", path, 403, code=50013, message="Missing Permissions")
        else:
            fake.fail("POST", path, 401, message="401: Unauthorized")


# Slack ---------------------------------------------------------------------------------


class SlackDriver(PlatformDriver):
    name = "slack"
    abilities = frozenset({"edit", "delete", "read", "look", "look for replies", *FAILURES})
    _SLACK_ERRORS = {
        "channel gone": "channel_not_found",
        "no permission": "restricted_action",
        "token revoked": "token_revoked",
    }

    def __init__(self, db: Path) -> None:
        self.db = db
        self.clock = _clock()
        self._ts = itertools.count(1)
        self._keys = itertools.count(1)
        self._said: dict[str, tuple[str, str]] = {}

    async def start(self) -> None:
        self.fake = await study_workspace()
        await self._start_rig()

    async def _start_rig(self) -> None:
        self.rig = await start_slack_rig(self.fake, str(self.db), self.clock)
        self.adapter, self.bot = self.rig.adapter, self.rig.bot
        self.recorder = Recorder()
        self.recorder.attach(self.bot)

    async def stop(self) -> None:
        await self.rig.stop()
        await self.fake.stop()

    async def restart(self) -> None:
        await self.rig.stop()
        await self._start_rig()

    @property
    def channel(self) -> ChannelRef:
        return ChannelRef("slack", STUDY_CHANNEL, "T0FAKE")

    @property
    def sender(self) -> Any:
        assert self.rig.sender is not None
        return self.rig.sender

    def _new_ts(self) -> str:
        # Slack gives a person's message its ts; later messages have later ones.
        return f"{int(self.clock().timestamp()) + 100 + next(self._ts)}.000200"

    async def _deliver(self, event: dict[str, Any], ts: str) -> None:
        response = await self.sender.event(event, event_id=f"Ev{ts.replace('.', '')}")
        assert response.status == 200
        await self.rig.drain()

    async def say_in_thread(self, thread_id: str, text: str) -> None:
        ts = self._new_ts()
        self._said[ts] = (thread_id, text)
        event = self.sender.thread_reply(STUDY_CHANNEL, thread_id, ts, STUDY_MEMBER, text)
        await self._deliver(event, ts)

    async def edit(self, event: AnswerPosted, text: str) -> None:
        thread_ts, old = self._said[event.message_id]
        when = self._new_ts()
        payload = self.sender.edited(
            STUDY_CHANNEL, thread_ts, event.message_id, STUDY_MEMBER, old, text, when
        )
        await self._deliver(payload, when)

    async def delete(self, event: AnswerPosted) -> None:
        thread_ts, old = self._said[event.message_id]
        when = self._new_ts()
        payload = self.sender.deleted(
            STUDY_CHANNEL, thread_ts, event.message_id, STUDY_MEMBER, old, when
        )
        await self._deliver(payload, when)

    async def command(self, name: str, **options: str) -> str:
        return await self._run(command_line(name, options), STUDY_ADMIN)

    async def _run(self, line: str, user: str) -> str:
        key = f"cmd{next(self._keys)}"
        await self.sender.command(line, user=user, channel=STUDY_CHANNEL, response_key=key)
        await self.rig.drain()
        await self.fake.wait_for(lambda: self.fake.responses_to(key))
        [body] = self.fake.responses_to(key)
        return str(body["blocks"][0]["text"]["text"])

    async def practice(self, text: str) -> str:
        opened = len(self.fake.calls_to("views.open"))
        await self.sender.command("answer", user=STUDY_MEMBER, channel=STUDY_CHANNEL)
        await self.rig.drain()
        await self.fake.wait_for(lambda: len(self.fake.calls_to("views.open")) > opened)
        view = self.fake.calls_to("views.open")[-1].params["view"]
        view_id = list(self.fake.views)[-1]
        payload = self.sender.view_submission(
            user=STUDY_MEMBER, view=view, view_id=view_id, answer=text
        )
        assert (await self.sender.interactive(payload)).status == 200
        await self.rig.drain()
        await self.fake.wait_for(lambda: self.fake.calls_to("views.update"))
        updated = self.fake.calls_to("views.update")[-1].params["view"]
        return str(updated["blocks"][0]["text"]["text"])

    def read_back(self, message_id: str) -> str | None:
        message = self.fake.messages.get((STUDY_CHANNEL, message_id))
        return None if message is None else message.text + str(message.blocks)

    def fail_next_post(self, failure: str) -> None:
        self.fake.fail("chat.postMessage", self._SLACK_ERRORS[failure])


# the suites ----------------------------------------------------------------------------


class TestTerminalContract(PlatformContract):
    @pytest.fixture
    async def driver(self, tmp_path: Path) -> AsyncIterator[PlatformDriver]:
        driver = TerminalDriver(tmp_path / "terminal.db")
        await driver.start()
        yield driver
        await driver.stop()


class TestDiscordContract(PlatformContract):
    @pytest.fixture
    async def driver(self, tmp_path: Path) -> AsyncIterator[PlatformDriver]:
        driver = DiscordDriver(tmp_path)
        await driver.start()
        yield driver
        await driver.stop()


class TestSlackContract(PlatformContract):
    @pytest.fixture
    async def driver(self, tmp_path: Path) -> AsyncIterator[PlatformDriver]:
        driver = SlackDriver(tmp_path / "slack.db")
        await driver.start()
        yield driver
        await driver.stop()
