"""``/lp`` commands, the same on every platform. ``Commands.run`` finds the command
in the catalogue (``bot.catalogue``), refuses admin commands to everyone else, and
hands the arguments to its handler; every handler reads them with
``bot.command_grammar`` and returns a ``CommandResult``."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Mapping

from bank import BankError, resolve_principle
from bank.model import Bank, Principle
from bot.catalogue import BY_NAME, help_lines
from bot.channels import ChannelSchedules
from bot.clock import Clock
from bot.command_grammar import argument_text, is_flag
from bot.daily import DailyPost
from bot.events import CommandInvoked
from bot.picking import pick_random_question
from bot.platform import ChatPlatform
from bot.progress import channel_stats, personal_progress
from bot.replies import CommandResult, Reply, error, private
from bot.schedule_commands import ScheduleCommands
from storage.base import Storage

Handler = Callable[[CommandInvoked], Awaitable[CommandResult]]

INTRO = (
    "Every day I post a Leadership Principles question. Answer it with a real story "
    "(Situation, Task, Action, Result, and what you learned) and I'll reply with "
    "feedback."
)


def _your_answers(count: int) -> str:
    return "your 1 stored answer" if count == 1 else f"all {count} of your stored answers"


class Commands:
    def __init__(
        self,
        *,
        bank: Bank,
        storage: Storage,
        platforms: Mapping[str, ChatPlatform],
        clock: Clock,
        rng: random.Random,
        daily: DailyPost,
        channels: ChannelSchedules,
    ) -> None:
        self.bank = bank
        self.storage = storage
        self.platforms = platforms
        self.clock = clock
        self.rng = rng
        self.daily = daily
        self.channels = channels
        schedule = ScheduleCommands(channels, daily, storage, bank, clock)
        self._handlers: dict[str, Handler] = {
            "question": self.question,
            "answer": self.answer,
            "me": self.me,
            "stats": self.stats,
            "principles": self.principles,
            "forget": self.forget,
            "help": self.help,
            "today": schedule.today,
            "post": schedule.post,
            "schedule": schedule.schedule,
            "pause": schedule.pause,
            "resume": schedule.resume,
            "skip": schedule.skip,
            "unskip": schedule.unskip,
        }
        missing = set(BY_NAME) ^ set(self._handlers)
        if missing:  # pragma: no cover - caught by every test that builds a bot
            raise RuntimeError(f"the catalogue and the handlers differ: {sorted(missing)}")

    async def run(self, event: CommandInvoked) -> CommandResult:
        name = event.name.strip().lower()
        spec = BY_NAME.get(name)
        if spec is None:
            note = f"I don't know the command `{event.name}`.\n\n" if name else ""
            return private("lpbot commands", note + self._help_text())
        # Viewing the schedule is harmless; changing it is for admins.
        viewing = name == "schedule" and not argument_text(event.args)
        if spec.admin and not event.user.is_admin and not viewing:
            return error(
                "That command is for admins",
                f"Only the server's or workspace's admins can use `/lp {name}`. "
                "Ask one of them, or try `/lp question` to practise now.",
            )
        return await self._handlers[name](event)

    # anyone -------------------------------------------------------------------
    @staticmethod
    def _help_text() -> str:
        return INTRO + "\n\n" + "\n".join(help_lines())

    async def help(self, event: CommandInvoked) -> CommandResult:
        return private("lpbot commands", self._help_text())

    async def principles(self, event: CommandInvoked) -> CommandResult:
        body = "\n".join(f"**{p.name}** (`{p.slug}`): {p.summary}" for p in self.bank.principles)
        return private("The 16 Leadership Principles", body)

    def _principle_arg(self, event: CommandInvoked) -> Principle | None:
        text = argument_text(event.args)
        return resolve_principle(self.bank, text) if text else None

    async def question(self, event: CommandInvoked) -> CommandResult:
        try:
            principle = self._principle_arg(event)
        except BankError as exc:
            return error("Unknown principle", f"{exc}\nSee `/lp principles` for the list.")
        platform = self.platforms.get(event.channel.platform)
        if platform is None:
            return error("I can't post here", "This platform is not connected right now.")
        history = await self.storage.asked_questions(event.channel)
        question = pick_random_question(
            self.bank, history, self.rng, principle.slug if principle else None
        )
        chosen = self.bank.principle(question.principle)
        outcome = await self.daily.post_on_demand(event.channel, question)
        if outcome.status == "queued":
            return private(
                f"Posting a question on {chosen.name}",
                f"{event.channel.platform.capitalize()} did not take it at once "
                f"({outcome.detail}). I'll keep trying for a few minutes and post it here.",
            )
        posted = outcome.record
        if outcome.status != "posted" or posted is None:
            return error(
                "I can't post in this channel",
                f"{outcome.detail or 'The question could not be posted'}. Check my "
                "permissions here, then try again.",
            )
        where = f" ({posted.link})" if posted.link else ""
        return private(
            f"Posted a question on {chosen.name}",
            f"Answer it in its thread{where} and I'll reply with feedback.",
        )

    async def answer(self, event: CommandInvoked) -> CommandResult:
        try:
            principle = self._principle_arg(event)
        except BankError as exc:
            return error("Unknown principle", str(exc))
        history = await self.storage.asked_questions(event.channel)
        question = pick_random_question(
            self.bank, history, self.rng, principle.slug if principle else None
        )
        name = self.bank.principle(question.principle).name
        reply = Reply(
            title=f"Private practice: {name}",
            body=question.text,
            footer="Only you will see your answer and its feedback.",
            kind="question",
        )
        return CommandResult(reply, private=True, practice=question)

    async def me(self, event: CommandInvoked) -> CommandResult:
        answers = await self.storage.user_answers(event.channel.platform, event.user.id)
        return CommandResult(personal_progress(answers, self.bank, self.clock()), True)

    async def stats(self, event: CommandInvoked) -> CommandResult:
        config = await self.channels.get(event.channel)
        return CommandResult(
            await channel_stats(self.storage, config, self.bank, self.clock()), True
        )

    async def forget(self, event: CommandInvoked) -> CommandResult:
        storage = self.storage
        if not is_flag(event.args, "confirm"):
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
