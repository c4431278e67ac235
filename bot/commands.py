"""``/lp`` commands, the same on every platform. Each returns a ``CommandResult``;
admin-only commands are refused with a private message for everyone else."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bank import BankError, resolve_principle
from bank.model import Principle
from bot.events import CommandInvoked
from bot.picking import pick_random_question
from bot.platform import ChannelUnavailable, MissingPermission, PlatformError
from bot.progress import channel_stats, personal_progress
from bot.replies import CommandResult, QuestionPost, Reply
from bot.schedule import describe_schedule, parse_days, parse_time
from bot.today import todays_question
from storage.base import ChannelConfig

if TYPE_CHECKING:
    from bot.app import LPBot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CommandSpec:
    name: str
    usage: str
    summary: str
    admin: bool = False


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("question", "question [principle]", "a random question to practise, posted here"),
    CommandSpec("today", "today", "today's question again, to answer it"),
    CommandSpec("answer", "answer", "practise in private: the answer and its feedback stay yours"),
    CommandSpec("me", "me", "your answers, the principles you have stories for, your streak"),
    CommandSpec("stats", "stats", "this channel's participation this week"),
    CommandSpec("principles", "principles", "the 16 Leadership Principles, one line each"),
    CommandSpec("forget", "forget", "delete every answer of yours that the bot stored"),
    CommandSpec("post", "post", "post today's question here now", admin=True),
    CommandSpec(
        "schedule",
        "schedule [time] [timezone] [days]",
        "show or set the daily post time, e.g. schedule 09:00 Europe/Berlin mon-fri",
        admin=True,
    ),
    CommandSpec("pause", "pause", "stop the daily post here until resume", admin=True),
    CommandSpec("resume", "resume", "start the daily post again", admin=True),
    CommandSpec(
        "skip",
        "skip [YYYY-MM-DD ...]",
        "skip the next daily post, or the dates given (holidays)",
        admin=True,
    ),
    CommandSpec("help", "help", "this list"),
)
COMMAND_NAMES = tuple(c.name for c in COMMANDS)
_SPECS = {c.name: c for c in COMMANDS}


def _your_answers(count: int) -> str:
    return "your 1 stored answer" if count == 1 else f"all {count} of your stored answers"


def private(title: str, body: str = "", kind: str = "info") -> CommandResult:
    return CommandResult(Reply(title=title, body=body, kind=kind), private=True)


def error(title: str, body: str = "") -> CommandResult:
    return private(title, body, kind="error")


class Commands:
    def __init__(self, bot: LPBot) -> None:
        self.bot = bot
        self._handlers: dict[str, Callable[[CommandInvoked], Awaitable[CommandResult]]] = {
            "question": self.question,
            "today": self.today,
            "answer": self.answer,
            "me": self.me,
            "stats": self.stats,
            "principles": self.principles,
            "forget": self.forget,
            "post": self.post,
            "schedule": self.schedule,
            "pause": self.pause,
            "resume": self.resume,
            "skip": self.skip,
            "help": self.help,
        }

    async def run(self, event: CommandInvoked) -> CommandResult:
        name = event.name.strip().lower()
        spec = _SPECS.get(name)
        if spec is None:
            result = await self.help(event)
            note = f"I don't know the command `{event.name}`." if name else ""
            reply = result.reply
            assert reply is not None
            return CommandResult(Reply(reply.title, f"{note}\n\n{reply.body}".strip()), True)
        # Viewing the schedule is harmless; changing it is for admins.
        viewing = name == "schedule" and not event.args
        if spec.admin and not event.user.is_admin and not viewing:
            return error(
                    "That command is for admins",
                    f"Only the server's or workspace's admins can use `/lp {name}`. "
                    "Ask one of them, or try `/lp question` to practise now.",
                )
        return await self._handlers[name](event)

    # anyone -------------------------------------------------------------------
    async def help(self, event: CommandInvoked) -> CommandResult:
        lines = [
            f"`/lp {c.usage}` {c.summary}{' (admins)' if c.admin else ''}" for c in COMMANDS
        ]
        body = (
            "Every day I post a Leadership Principles question. Answer it with a real story "
            "(Situation, Task, Action, Result, and what you learned) and I'll reply with "
            "feedback.\n\n" + "\n".join(lines)
        )
        return private("lpbot commands", body)

    async def principles(self, event: CommandInvoked) -> CommandResult:
        body = "\n".join(f"**{p.name}** (`{p.slug}`): {p.summary}" for p in self.bot.principles())
        return private("The 16 Leadership Principles", body)

    def _principle_arg(self, event: CommandInvoked) -> Principle | None:
        text = " ".join(event.args).strip()
        return resolve_principle(self.bot.bank, text) if text else None

    async def question(self, event: CommandInvoked) -> CommandResult:
        try:
            principle = self._principle_arg(event)
        except BankError as exc:
            return error("Unknown principle", f"{exc}\nSee `/lp principles` for the list.")
        platform = self.bot.platforms.get(event.channel.platform)
        if platform is None:
            return error("I can't post here", "This platform is not connected right now.")
        history = await self.bot.storage.post_history(event.channel)
        question = pick_random_question(
            self.bot.bank, history, self.bot.rng, principle.slug if principle else None
        )
        chosen = self.bot.bank.principle(question.principle)
        async with self.bot.posting.hold(event.channel):
            try:
                posted = await platform.post_question(
                    event.channel, QuestionPost(question, chosen)
                )
            except (ChannelUnavailable, MissingPermission) as exc:
                return error("I can't post in this channel", f"{exc}. Check my permissions.")
            except PlatformError as exc:
                return error("Posting the question failed", str(exc))
            await self.bot.storage.record_adhoc_post(
                event.channel, question.id, question.principle, posted.message_id,
                posted.thread_id, posted.link, self.bot.clock(),
            )
        where = f" ({posted.link})" if posted.link else ""
        return private(
            f"Posted a question on {chosen.name}",
            f"Answer it in its thread{where} and I'll reply with feedback.",
        )

    async def today(self, event: CommandInvoked) -> CommandResult:
        config = await self.bot.channel_config(event.channel)
        found = await todays_question(self.bot.storage, self.bot.bank, config, self.bot.clock())
        if found is None:
            return private("No question yet today", await self._describe(config))
        return CommandResult(found.as_reply(), private=True, thread_id=found.record.thread_id)

    async def answer(self, event: CommandInvoked) -> CommandResult:
        try:
            principle = self._principle_arg(event)
        except BankError as exc:
            return error("Unknown principle", str(exc))
        history = await self.bot.storage.post_history(event.channel)
        question = pick_random_question(
            self.bot.bank, history, self.bot.rng, principle.slug if principle else None
        )
        name = self.bot.bank.principle(question.principle).name
        reply = Reply(
            title=f"Private practice: {name}",
            body=question.text,
            footer="Only you will see your answer and its feedback.",
            kind="question",
        )
        return CommandResult(reply, private=True, practice=question)

    async def me(self, event: CommandInvoked) -> CommandResult:
        answers = await self.bot.storage.user_answers(event.channel.platform, event.user.id)
        return CommandResult(personal_progress(answers, self.bot.bank, self.bot.clock()), True)

    async def stats(self, event: CommandInvoked) -> CommandResult:
        config = await self.bot.channel_config(event.channel)
        return CommandResult(
            await channel_stats(self.bot.storage, config, self.bot.bank, self.bot.clock()), True
        )

    async def forget(self, event: CommandInvoked) -> CommandResult:
        storage = self.bot.storage
        if [a.lower() for a in event.args] != ["confirm"]:
            count = len(await storage.user_answers(event.channel.platform, event.user.id))
            if count == 0:
                return private("Nothing to forget", "I have no stored answers of yours.")
            return private(
                "Delete your answers?",
                f"This deletes {_your_answers(count)} and {'its' if count == 1 else 'their'} "
                "score here. It cannot be undone. To go ahead, run `/lp forget confirm`.",
            )
        count = await storage.forget_user(event.channel.platform, event.user.id)
        return private("Forgotten", f"Deleted {count} stored answer{'s' * (count != 1)}.")

    # admins --------------------------------------------------------------------
    async def post(self, event: CommandInvoked) -> CommandResult:
        config = await self.bot.channel_config(event.channel)
        if not config.scheduled or not config.enabled:
            config.scheduled, config.enabled, config.disabled_reason = True, True, None
            await self.bot.save_schedule(config)
        outcome = await self.bot.daily.post(config)
        if outcome.status == "posted":
            return private("Posted today's question", "Daily posts are on for this channel.")
        if outcome.status == "already" and outcome.record is not None:
            link = outcome.record.link or "earlier today in this channel"
            return private("Today's question is already posted", f"Find it here: {link}")
        return error("I couldn't post today's question", outcome.detail or outcome.status)

    async def schedule(self, event: CommandInvoked) -> CommandResult:
        config = await self.bot.channel_config(event.channel)
        if event.args:
            try:
                for arg in event.args:
                    self._apply_schedule_word(config, arg)
            except ValueError as exc:
                return error(
                    "I couldn't read that schedule",
                    f"{exc}\nExample: `/lp schedule 09:00 Europe/Berlin mon-fri`.",
                )
            config.scheduled, config.enabled, config.disabled_reason = True, True, None
            await self.bot.save_schedule(config)
        return private("Daily question schedule", await self._describe(config))

    @staticmethod
    def _apply_schedule_word(config: ChannelConfig, word: str) -> None:
        if any(ch.isdigit() for ch in word) and "/" not in word:
            config.post_time = parse_time(word)
            return
        if "/" in word or word.upper() in {"UTC", "GMT"}:
            try:
                ZoneInfo(word)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    f"{word!r} is not a time zone I know; use an IANA name like "
                    "America/New_York"
                ) from None
            config.timezone = "UTC" if word.upper() in {"UTC", "GMT"} else word
            return
        config.weekdays = parse_days(word)

    async def _describe(self, config: ChannelConfig) -> str:
        if not config.scheduled:
            return (
                "No daily post here yet. An admin can start one with `/lp schedule` "
                "or `/lp post`."
            )
        text = describe_schedule(config)
        if not config.enabled:
            return f"{text}\nStopped: {config.disabled_reason}. Run `/lp schedule` to restart."
        upcoming = await self.bot.scheduler.next_run(config.channel)
        if upcoming is not None:
            local = upcoming.astimezone(ZoneInfo(config.timezone))
            text += f"\nNext post: {local:%a %d %b %Y at %H:%M} ({config.timezone})."
        today = self.bot.clock().astimezone(ZoneInfo(config.timezone)).date()
        skipped = sorted(d for d in config.skip_dates if d >= today)
        if skipped:
            text += "\nSkipped dates: " + ", ".join(f"{d:%a %d %b %Y}" for d in skipped) + "."
        return text

    async def pause(self, event: CommandInvoked) -> CommandResult:
        config = await self.bot.channel_config(event.channel)
        config.paused = True
        await self.bot.save_schedule(config)
        return private("Paused", "No daily posts here until an admin runs `/lp resume`.")

    async def resume(self, event: CommandInvoked) -> CommandResult:
        config = await self.bot.channel_config(event.channel)
        config.paused = False
        config.scheduled, config.enabled, config.disabled_reason = True, True, None
        await self.bot.save_schedule(config)
        return private("Resumed", await self._describe(config))

    async def skip(self, event: CommandInvoked) -> CommandResult:
        config = await self.bot.channel_config(event.channel)
        if event.args:
            try:
                days = {date.fromisoformat(arg) for arg in event.args}
            except ValueError:
                return error(
                    "I couldn't read those dates",
                    "Give dates as YYYY-MM-DD, e.g. `/lp skip 2026-12-24 2026-12-25`.",
                )
        else:
            upcoming = await self.bot.scheduler.next_run(event.channel)
            if not config.scheduled or upcoming is None:
                return error("Nothing to skip", await self._describe(config))
            days = {upcoming.astimezone(ZoneInfo(config.timezone)).date()}
        config.skip_dates = frozenset(config.skip_dates | days)
        await self.bot.save_schedule(config)
        listed = ", ".join(f"{d:%a %d %b %Y}" for d in sorted(days))
        return private(f"Skipping {listed}", await self._describe(config))
