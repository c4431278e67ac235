"""The ``/lp`` application command group: one subcommand per core command.

Every subcommand hands its name and arguments to the core (``CommandInvoked``); the
core decides what happens. Admin subcommands (post, schedule, pause, resume, skip) are
not hidden with ``default_permissions``: Discord applies default permissions to a
top-level command only, which would hide the whole ``/lp`` group from members. So
every member sees them, the adapter tells the core whether the caller has Manage
Server at run time (``User.is_admin``), and the core refuses others privately.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

import discord
from discord import app_commands

GROUP_NAME = "lp"
GROUP_DESCRIPTION = "Daily Leadership Principles practice with STAR feedback"

# (name, description) for subcommands that take no options.
PLAIN_COMMANDS: tuple[tuple[str, str], ...] = (
    ("post", "Post today's question of the day in this channel now (Manage Server)"),
    ("pause", "Pause the daily question in this channel (Manage Server)"),
    ("resume", "Restart the daily question in this channel (Manage Server)"),
    ("skip", "Skip the next daily question in this channel (Manage Server)"),
    ("today", "Show today's question of the day again"),
    ("principles", "List the Leadership Principles"),
    ("answer", "Practise in private: answer a question in a form, get private feedback"),
    ("me", "Your answers, scores and what to work on"),
    ("stats", "How this channel has been practising"),
    ("help", "How lpbot works and what each command does"),
)

Choices = list[app_commands.Choice[str]]


class CommandHandler(Protocol):
    """What the commands call; implemented by ``adapters.discord.interactions``."""

    async def run_command(
        self, interaction: discord.Interaction, name: str, args: tuple[str, ...]
    ) -> None: ...

    def principle_choices(self, current: str) -> Choices: ...

    def timezone_choices(self, current: str) -> Choices: ...


def _words(*values: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in values if v and v.strip())


def build_lp_group(handler: CommandHandler) -> app_commands.Group:
    group = app_commands.Group(name=GROUP_NAME, description=GROUP_DESCRIPTION, guild_only=True)

    async def principle_autocomplete(interaction: discord.Interaction, current: str) -> Choices:
        return handler.principle_choices(current)

    async def timezone_autocomplete(interaction: discord.Interaction, current: str) -> Choices:
        return handler.timezone_choices(current)

    @app_commands.describe(principle="A Leadership Principle; leave empty for any")
    async def question(interaction: discord.Interaction, principle: str | None = None) -> None:
        await handler.run_command(interaction, "question", _words(principle))

    question_command = app_commands.Command(
        name="question",
        description="Post a practice question here, with a thread for answers",
        callback=question,
    )
    question_command.autocomplete("principle")(principle_autocomplete)
    group.add_command(question_command)

    @app_commands.describe(
        time="When to post, e.g. 09:00 or 9am",
        timezone="A time zone such as Europe/Berlin",
        days="Which days, e.g. mon-fri, weekdays or daily",
    )
    async def schedule(
        interaction: discord.Interaction,
        time: str | None = None,
        timezone: str | None = None,
        days: str | None = None,
    ) -> None:
        await handler.run_command(interaction, "schedule", _words(time, timezone, days))

    schedule_command = app_commands.Command(
        name="schedule",
        description="Show or set when the daily question is posted here (Manage Server)",
        callback=schedule,
    )
    schedule_command.autocomplete("timezone")(timezone_autocomplete)
    group.add_command(schedule_command)

    @app_commands.describe(confirm="True deletes them now; without it you are asked first")
    async def forget(interaction: discord.Interaction, confirm: bool = False) -> None:
        await handler.run_command(interaction, "forget", ("confirm",) if confirm else ())

    group.add_command(
        app_commands.Command(
            name="forget", description="Delete your stored answers", callback=forget
        )
    )

    for name, description in PLAIN_COMMANDS:
        group.add_command(
            app_commands.Command(
                name=name, description=description, callback=_plain_callback(handler, name)
            )
        )
    return group


def _plain_callback(
    handler: CommandHandler, name: str
) -> Callable[[discord.Interaction], Awaitable[None]]:
    async def callback(interaction: discord.Interaction) -> None:
        await handler.run_command(interaction, name, ())

    return callback
