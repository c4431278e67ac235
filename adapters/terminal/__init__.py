"""The terminal channel: lpbot on your own machine, through stdin and stdout.

A first-class adapter (whole-bot tests drive it): text typed after a question is
an answer, finished by an empty line; lines starting with ``/lp `` are commands;
end of input stops it. Works the same with a pipe, so it is scriptable."""

from __future__ import annotations

import asyncio
import getpass
import itertools
import sys
import threading
from typing import TYPE_CHECKING, TextIO

from bank.model import Question
from bot.config import Settings
from bot.events import (
    AnswerPosted,
    ChannelRef,
    CommandInvoked,
    FeedbackRequested,
    PracticeAnswer,
    User,
)
from bot.platform import Adapter
from bot.replies import PostedMessage, QuestionPost, Reply

if TYPE_CHECKING:
    from bot.app import LPBot

RULE = "─" * 60


def render(reply: Reply, private: bool = False) -> str:
    heading = f"{reply.title}{'  (only you see this)' if private else ''}"
    text = reply.as_text()
    body = text[len(reply.title):].lstrip("\n") if reply.title else text
    return f"{RULE}\n{heading}\n{RULE}\n{body}\n" if body else f"{RULE}\n{heading}\n"


class TerminalAdapter(Adapter):
    name = "terminal"
    fallback = True
    channel = ChannelRef("terminal", "local")

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        login = _login_name()
        # The person at the keyboard runs the bot, so they are its admin.
        self.user = User(id=login, name=login, is_admin=True)
        self._ids = itertools.count(1)
        self._thread: str | None = None
        self._practice: Question | None = None

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        return True

    def home_channels(self) -> list[ChannelRef]:
        return [self.channel]

    # ChatPlatform -----------------------------------------------------------------
    def _write(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    async def post_question(self, channel: ChannelRef, post: QuestionPost) -> PostedMessage:
        message_id = f"q{next(self._ids)}"
        self._thread = message_id
        self._practice = None
        self._write(render(post.as_reply()))
        self._write("Type your answer; finish it with an empty line.\n")
        return PostedMessage(message_id=message_id, thread_id=message_id)

    async def send_reply(
        self,
        channel: ChannelRef,
        reply: Reply,
        *,
        thread_id: str | None = None,
        reply_to: str | None = None,
    ) -> str:
        self._write(render(reply))
        return f"r{next(self._ids)}"

    async def edit_reply(
        self, channel: ChannelRef, message_id: str, reply: Reply, *, thread_id: str | None = None
    ) -> None:
        self._write(render(reply))

    async def delete_message(
        self, channel: ChannelRef, message_id: str, *, thread_id: str | None = None
    ) -> None:
        return None

    # input loop --------------------------------------------------------------------
    async def run(self, bot: LPBot) -> None:
        if self.stdin.isatty():
            self._write(
                "lpbot terminal channel. Type /lp help for commands, /lp question for a "
                "question; end an answer with an empty line; Ctrl-D quits."
            )
        lines: list[str] = []
        incoming = self._read_lines()
        while True:
            line = await incoming.get()
            if not line:  # end of input
                break
            text = line.rstrip("\r\n")
            if text.startswith("/lp") and not lines and (text == "/lp" or text[3].isspace()):
                await self._command(bot, text[3:].split())
            elif text.strip():
                lines.append(text)
            elif lines:
                await self._answer(bot, "\n".join(lines))
                lines = []
        if lines:
            await self._answer(bot, "\n".join(lines))

    def _read_lines(self) -> asyncio.Queue[str]:
        """Read stdin on a daemon thread: a blocked ``readline`` must not keep the
        process alive after SIGTERM, as an executor thread would."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[str] = asyncio.Queue()

        def pump() -> None:
            while True:
                try:
                    line = self.stdin.readline()
                except (OSError, ValueError):  # closed or unreadable stdin ends input
                    line = ""
                try:
                    loop.call_soon_threadsafe(queue.put_nowait, line)
                except RuntimeError:  # the loop is gone: we are shutting down
                    return
                if not line:
                    return

        threading.Thread(target=pump, name="terminal-stdin", daemon=True).start()
        return queue

    async def _command(self, bot: LPBot, words: list[str]) -> None:
        name, args = (words[0], tuple(words[1:])) if words else ("help", ())
        result = await bot.on_command(CommandInvoked(self.channel, self.user, name, args))
        if result.reply is not None:
            self._write(render(result.reply, private=result.private and name != "question"))
        if result.practice is not None:
            self._practice = result.practice
            self._write("Type your private answer; finish it with an empty line.\n")

    async def _answer(self, bot: LPBot, text: str) -> None:
        if self._practice is not None:
            question, self._practice = self._practice, None
            reply = await bot.on_practice_answer(
                PracticeAnswer(self.channel, self.user, text, question_id=question.id)
            )
            self._write(render(reply, private=True))
        elif self._thread is not None:
            await bot.on_answer(
                AnswerPosted(self.channel, self._thread, f"a{next(self._ids)}", self.user, text)
            )
        else:
            # No question asked in this session: still coach the story.
            reply = await bot.on_feedback_request(FeedbackRequested(self.channel, self.user, text))
            self._write(render(reply))


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "you"
