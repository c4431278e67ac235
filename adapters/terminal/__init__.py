"""The terminal channel: lpbot on your own machine, through stdin and stdout.

A first-class adapter (whole-bot tests drive it), and a contract scripts rely on:

- an answer may have paragraphs: a blank line is a paragraph break; a line holding
  only ``.`` sends the answer, and so does end of input (Ctrl-D);
- a line starting with ``/`` is always a command, never part of an answer (an answer
  being typed is sent first); ``/help`` and ``/lp help`` are the same command;
- replies are plain text, one box each, on stdout; logs go to stderr.

After a restart, today's question (if it was already posted) is shown again and
answers go to it."""

from __future__ import annotations

import asyncio
import getpass
import itertools
import sys
import threading
import uuid
from dataclasses import replace
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo

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
from bot.replies import CommandResult, PostedMessage, QuestionPost, Reply
from bot.runtime import database_location

if TYPE_CHECKING:
    from bot.app import LPBot

RULE = "─" * 60
SEND = "."
QUIT_COMMANDS = frozenset({"quit", "exit"})
ANSWER_HINT = (
    f'Type your answer below. Blank lines are kept as paragraphs; a line holding only "{SEND}" '
    "sends it (so does Ctrl-D)."
)
PRACTICE_HINT = (
    f'Type your practice answer below; a line holding only "{SEND}" sends it. It counts for '
    "/lp me but not in the channel's stats."
)
# Markdown the core's texts use for chat platforms; a terminal shows it raw.
_MARKUP = ("**", "`")


def plain(text: str) -> str:
    for mark in _MARKUP:
        text = text.replace(mark, "")
    return text


def render(reply: Reply) -> str:
    """One box: a rule, the title, a rule, then the body in plain text."""
    text = plain(reply.as_text())
    title = plain(reply.title)
    body = text[len(title):].lstrip("\n") if title else text
    return f"{RULE}\n{title}\n{RULE}\n{body}\n" if body else f"{RULE}\n{title}\n"


class TerminalAdapter(Adapter):
    name = "terminal"
    fallback = True
    console = True
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
        # Ids must never repeat, across restarts too: the core recognises an answer it
        # already stored by its id, so a reused one would be taken for a duplicate.
        run = uuid.uuid4().hex[:12]
        self._ids = (f"{run}-{n}" for n in itertools.count(1))
        self._thread: str | None = None
        self._practice: Question | None = None
        self._posted = False  # a question was posted since the last command began
        self._greeted = False

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        return settings.terminal

    def home_channels(self) -> list[ChannelRef]:
        return [self.channel]

    # ChatPlatform -----------------------------------------------------------------
    def _write(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def _show_question(self, reply: Reply, thread_id: str) -> None:
        self._thread = thread_id
        self._practice = None
        self._write(render(replace(reply, footer=ANSWER_HINT)))

    async def post_question(
        self, channel: ChannelRef, post: QuestionPost, *, tag: str | None = None
    ) -> PostedMessage:
        # The chat is this process's own output: a crash takes it along, so there is
        # nothing to tag or look for (``find_question`` stays None).
        message_id = next(self._ids)
        self._posted = True
        self._show_question(post.as_reply(), message_id)
        return PostedMessage(message_id=message_id, thread_id=message_id)

    async def send_reply(
        self,
        channel: ChannelRef,
        reply: Reply,
        *,
        thread_id: str | None = None,
        reply_to: str | None = None,
        tag: str | None = None,
    ) -> str:
        self._write(render(reply))
        return next(self._ids)

    async def edit_reply(
        self, channel: ChannelRef, message_id: str, reply: Reply, *, thread_id: str | None = None
    ) -> None:
        self._write(render(reply))

    async def delete_message(
        self, channel: ChannelRef, message_id: str, *, thread_id: str | None = None
    ) -> None:
        return None

    # input loop --------------------------------------------------------------------
    async def started(self, bot: LPBot) -> None:
        self._greeted = True
        self._write(
            "lpbot terminal channel\n"
            f"Answers are kept in {database_location(bot.settings.database_url)}\n"
            f"{await self._next_question(bot)}\n"
            f'Send an answer with a line holding only "{SEND}". Commands start with "/": '
            "/help lists them, /today shows today's question, Ctrl-D or /quit quits.\n"
        )

    async def run(self, bot: LPBot) -> None:
        if not self._greeted:
            await self.started(bot)
        if self._thread is None:
            # After a restart: today's question again, so that answers go to it.
            result = await bot.on_command(CommandInvoked(self.channel, self.user, "today"))
            if result.thread_id is not None and result.reply is not None:
                self._show_question(result.reply, result.thread_id)
        lines: list[str] = []
        incoming = self._read_lines()
        while True:
            line = await incoming.get()
            if not line:  # end of input
                break
            text = line.rstrip("\r\n")
            if text.lstrip().startswith("/"):
                if lines:
                    await self._answer(bot, lines)
                    lines = []
                if not await self._command(bot, text.lstrip()[1:]):
                    return
            elif text.strip() == SEND:
                if lines:
                    await self._answer(bot, lines)
                    lines = []
            elif text.strip() or lines:  # blank lines before an answer are not part of it
                lines.append(text)
        if lines:
            await self._answer(bot, lines)

    async def _next_question(self, bot: LPBot) -> str:
        config = await bot.channel_config(self.channel)
        upcoming = await bot.scheduler.next_run(self.channel)
        if upcoming is None and config.paused:
            return "Daily questions are paused: /resume starts them, /question asks one now."
        if upcoming is None:
            return "No daily question is scheduled: /schedule sets one, /question asks one now."
        local = upcoming.astimezone(ZoneInfo(config.timezone))
        return (
            f"Next daily question: {local:%a %d %b %Y at %H:%M} ({config.timezone}); "
            "/question asks one now."
        )

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

    async def _command(self, bot: LPBot, line: str) -> bool:
        """Run the command on ``line`` (without its ``/``); False means quit."""
        words = line.split()
        if words and words[0].lower() == "lp":
            words = words[1:]
        name, args = (words[0], tuple(words[1:])) if words else ("help", ())
        if name.lower() in QUIT_COMMANDS:
            return False
        self._posted = False
        result = await bot.on_command(CommandInvoked(self.channel, self.user, name, args))
        self._show_result(result)
        return True

    def _show_result(self, result: CommandResult) -> None:
        reply = result.reply
        if result.thread_id is not None and reply is not None:
            self._show_question(reply, result.thread_id)
        elif result.practice is not None:
            self._practice = result.practice
            prompt = reply or Reply(result.practice.text, kind="question")
            self._write(render(replace(prompt, footer=PRACTICE_HINT)))
        elif reply is not None and not (self._posted and reply.kind != "error"):
            # After /lp question the question itself is on screen: no second box saying so.
            self._write(render(reply))

    async def _answer(self, bot: LPBot, lines: list[str]) -> None:
        text = "\n".join(lines).strip("\n")
        if not text.strip():
            return
        if self._practice is not None:
            question, self._practice = self._practice, None
            reply = await bot.on_practice_answer(
                PracticeAnswer(self.channel, self.user, text, question_id=question.id)
            )
            self._write(render(reply))
        elif self._thread is not None:
            await bot.on_answer(
                AnswerPosted(self.channel, self._thread, next(self._ids), self.user, text)
            )
        else:
            # No question asked yet: still coach the story.
            reply = await bot.on_feedback_request(FeedbackRequested(self.channel, self.user, text))
            self._write(render(reply))


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "you"
