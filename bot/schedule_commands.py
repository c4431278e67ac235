"""The admins' ``/lp`` commands about a channel's daily post: post, schedule, pause,
resume, skip and unskip."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bank.model import Bank
from bot.channels import ChannelSchedules
from bot.clock import Clock
from bot.command_grammar import (
    DATES_EXAMPLE,
    SCHEDULE_EXAMPLE,
    GrammarError,
    argument_text,
    parse_dates,
    parse_schedule,
)
from bot.daily import DailyPost
from bot.events import CommandInvoked
from bot.replies import CommandResult, error, private
from bot.schedule import describe_schedule
from bot.today import todays_question
from storage.base import ChannelConfig, Storage


def _listed(days: frozenset[date] | set[date]) -> str:
    return ", ".join(f"{d:%a %d %b %Y}" for d in sorted(days))


class ScheduleCommands:
    def __init__(
        self,
        channels: ChannelSchedules,
        daily: DailyPost,
        storage: Storage,
        bank: Bank,
        clock: Clock,
    ) -> None:
        self.channels = channels
        self.storage = storage
        self.bank = bank
        self.daily = daily
        self.clock = clock

    def _today(self, config: ChannelConfig) -> date:
        return self.clock().astimezone(ZoneInfo(config.timezone)).date()

    async def today(self, event: CommandInvoked) -> CommandResult:
        """Anyone may ask: today's daily question here again, word for word, with the
        thread its answers go to (the terminal channel answers into it, after a restart
        too)."""
        config = await self.channels.get(event.channel)
        found = await todays_question(self.storage, self.bank, config, self.clock())
        if found is None:
            return private("No question here yet today", await self.describe(config))
        return CommandResult(found.as_reply(), private=True, thread_id=found.thread_id)

    async def post(self, event: CommandInvoked) -> CommandResult:
        config = await self.channels.get(event.channel)
        if not config.scheduled or not config.enabled:
            config.scheduled, config.enabled, config.disabled_reason = True, True, None
            await self.channels.save(config)
        outcome = await self.daily.post(config)
        if outcome.status == "posted":
            return private("Posted today's question", "Daily posts are on for this channel.")
        if outcome.status == "already" and outcome.record is not None:
            link = outcome.record.link or "earlier today in this channel"
            return private("Today's question is already posted", f"Find it here: {link}")
        return error("I couldn't post today's question", outcome.detail or outcome.status)

    async def schedule(self, event: CommandInvoked) -> CommandResult:
        config = await self.channels.get(event.channel)
        if argument_text(event.args):
            try:
                change = parse_schedule(event.args)
            except GrammarError as exc:
                return error(
                    "I couldn't read that schedule", f"{exc}\nExample: `{SCHEDULE_EXAMPLE}`."
                )
            if change.post_time is not None:
                config.post_time = change.post_time
            if change.timezone is not None:
                config.timezone = change.timezone
            if change.weekdays is not None:
                config.weekdays = change.weekdays
            config.scheduled, config.enabled, config.disabled_reason = True, True, None
            await self.channels.save(config)
        return private("Daily question schedule", await self.describe(config))

    async def describe(self, config: ChannelConfig) -> str:
        if not config.scheduled:
            return (
                "No daily post here yet. An admin can start one with `/lp schedule` "
                "or `/lp post`."
            )
        text = describe_schedule(config)
        if not config.enabled:
            return f"{text}\nStopped: {config.disabled_reason}. Run `/lp schedule` to restart."
        upcoming = await self.channels.next_run(config.channel)
        if upcoming is not None:
            local = upcoming.astimezone(ZoneInfo(config.timezone))
            text += f"\nNext post: {local:%a %d %b %Y at %H:%M} ({config.timezone})."
        today = self._today(config)
        skipped = {d for d in config.skip_dates if d >= today}
        if skipped:
            text += f"\nSkipped dates: {_listed(skipped)}."
        return text

    async def pause(self, event: CommandInvoked) -> CommandResult:
        config = await self.channels.get(event.channel)
        if config.paused:
            return private(
                "Already paused", "The daily post here is paused; `/lp resume` restarts it."
            )
        config.paused = True
        await self.channels.save(config)
        return private("Paused", "No daily posts here until an admin runs `/lp resume`.")

    async def resume(self, event: CommandInvoked) -> CommandResult:
        config = await self.channels.get(event.channel)
        running = config.scheduled and config.enabled and not config.paused
        config.paused = False
        config.scheduled, config.enabled, config.disabled_reason = True, True, None
        await self.channels.save(config)
        return private("Already running" if running else "Resumed", await self.describe(config))

    async def _dates(self, event: CommandInvoked, config: ChannelConfig) -> frozenset[date]:
        """The dates given, refusing past ones; ``GrammarError`` says why."""
        days = parse_dates(event.args)
        past = {d for d in days if d < self._today(config)}
        if past:
            raise GrammarError(
                f"{_listed(past)} {'is' if len(past) == 1 else 'are'} already past in "
                f"{config.timezone}; give today or a later date, e.g. `{DATES_EXAMPLE}`."
            )
        return days

    async def skip(self, event: CommandInvoked) -> CommandResult:
        config = await self.channels.get(event.channel)
        if argument_text(event.args):
            try:
                days = await self._dates(event, config)
            except GrammarError as exc:
                return error("I couldn't skip those dates", str(exc))
        else:
            upcoming = await self.channels.next_run(event.channel)
            if not config.scheduled or upcoming is None:
                return error("Nothing to skip", await self.describe(config))
            days = frozenset({upcoming.astimezone(ZoneInfo(config.timezone)).date()})
        config.skip_dates = frozenset(config.skip_dates | days)
        await self.channels.save(config)
        return private(f"Skipping {_listed(days)}", await self.describe(config))

    async def unskip(self, event: CommandInvoked) -> CommandResult:
        config = await self.channels.get(event.channel)
        today = self._today(config)
        upcoming = frozenset(d for d in config.skip_dates if d >= today)
        if argument_text(event.args):
            try:
                days = await self._dates(event, config)
            except GrammarError as exc:
                return error("I couldn't unskip those dates", str(exc))
            not_skipped = days - upcoming
            if not_skipped:
                return error(
                    "Those dates are not skipped",
                    f"{_listed(not_skipped)} {'is' if len(not_skipped) == 1 else 'are'} not "
                    "skipped, so there is nothing to undo.\n" + await self.describe(config),
                )
        else:
            days = upcoming
            if not days:
                return private("No skipped dates", await self.describe(config))
        # Past skips stay: they explain why a day had no post.
        config.skip_dates = frozenset(config.skip_dates - days)
        await self.channels.save(config)
        return private(f"Posting again on {_listed(days)}", await self.describe(config))
