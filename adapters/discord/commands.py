"""The ``/lp`` application command group, generated from the core's catalogue
(``bot.catalogue``): one subcommand per command, one option per argument.

Every subcommand hands its name and its options' values, in the catalogue's order, to
the core (``CommandInvoked``); the core reads them with the same grammar as a Slack or
terminal line. Admin subcommands are not hidden with ``default_permissions``: Discord
applies default permissions to a top-level command only, which would hide the whole
``/lp`` group from members. So every member sees them, the adapter tells the core
whether the caller has Manage Server at run time (``User.is_admin``), and the core
refuses others privately.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import discord
from discord import app_commands

from bot.catalogue import COMMANDS, Arg, CommandSpec
from bot.text import shorten

GROUP_NAME = "lp"
GROUP_DESCRIPTION = "Daily Leadership Principles practice with STAR feedback"
DESCRIPTION_LIMIT = 100  # Discord's limit for command and option descriptions

Choices = list[app_commands.Choice[str]]


class CommandHandler(Protocol):
    """What the commands call; implemented by ``adapters.discord.interactions``."""

    async def run_command(
        self, interaction: discord.Interaction, name: str, args: tuple[str, ...]
    ) -> None: ...

    def principle_choices(self, current: str) -> Choices: ...

    def timezone_choices(self, current: str) -> Choices: ...


def _description(spec: CommandSpec) -> str:
    text = spec.summary[0].upper() + spec.summary[1:]
    return shorten(text + (" (Manage Server)" if spec.admin else ""), DESCRIPTION_LIMIT)


def _words(spec: CommandSpec, values: dict[str, Any]) -> tuple[str, ...]:
    """The options as the words of a text line: a flag reads as its own name."""
    words: list[str] = []
    for arg in spec.args:
        value = values.get(arg.name)
        if arg.kind == "flag":
            words.extend([arg.name] if value else [])
        elif isinstance(value, str) and value.strip():
            words.append(value.strip())
    return tuple(words)


def _parameter(arg: Arg) -> inspect.Parameter:
    annotation = bool if arg.kind == "flag" else str | None
    default = False if arg.kind == "flag" else None
    return inspect.Parameter(
        arg.name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def _callback(
    handler: CommandHandler, spec: CommandSpec
) -> Callable[..., Awaitable[None]]:
    async def callback(interaction: discord.Interaction, **values: Any) -> None:
        await handler.run_command(interaction, spec.name, _words(spec, values))

    first = inspect.Parameter(
        "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
    )
    callback.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [first, *(_parameter(a) for a in spec.args)]
    )
    callback.__qualname__ = callback.__name__ = f"lp_{spec.name}"
    if spec.args:
        descriptions = {a.name: shorten(a.description, DESCRIPTION_LIMIT) for a in spec.args}
        app_commands.describe(**descriptions)(callback)
    return callback


def build_lp_group(handler: CommandHandler) -> app_commands.Group:
    group = app_commands.Group(name=GROUP_NAME, description=GROUP_DESCRIPTION, guild_only=True)

    async def principle_autocomplete(interaction: discord.Interaction, current: str) -> Choices:
        return handler.principle_choices(current)

    async def timezone_autocomplete(interaction: discord.Interaction, current: str) -> Choices:
        return handler.timezone_choices(current)

    completers = {"principle": principle_autocomplete, "timezone": timezone_autocomplete}
    for spec in COMMANDS:
        command: app_commands.Command[Any, ..., None] = app_commands.Command(
            name=spec.name, description=_description(spec), callback=_callback(handler, spec)
        )
        for arg in spec.args:
            if arg.kind in completers:
                command.autocomplete(arg.name)(completers[arg.kind])
        group.add_command(command)
    return group
