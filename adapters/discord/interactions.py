"""Slash commands, autocomplete and the practice form, translated to and from the core.

Discord drops an interaction that is not acknowledged within 3 seconds. The core
usually answers in milliseconds, so its answer is sent as the first response (which is
also the only moment a form can be opened); when it takes longer than ``ack_budget``
the interaction is deferred first and the answer follows.
"""

from __future__ import annotations

import asyncio
import logging
import zoneinfo
from collections.abc import Awaitable, Callable
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

from adapters.discord.commands import Choices
from adapters.discord.later import later_answer
from adapters.discord.render import (
    CHOICE_NAME_LIMIT,
    MODAL_TITLE_LIMIT,
    TEXT_DISPLAY_LIMIT,
    embed_for,
)
from bank.model import Question
from bot.events import ChannelRef, CommandInvoked, PracticeAnswer, User
from bot.replies import COMMAND_FAILED, CommandResult, Reply
from bot.text import shorten

if TYPE_CHECKING:
    from bot.app import LPBot

log = logging.getLogger(__name__)

PLATFORM = "discord"
ACK_BUDGET = 2.0  # seconds; Discord allows 3 to acknowledge
MAX_CHOICES = 25
ANSWER_FORM_PREFIX = "lpbot:answer:"
ANSWER_FIELD_ID = "answer"
ANSWER_MAX_LENGTH = 4000
FORM_TIMEOUT = 30 * 60.0

NOT_IN_SERVER = Reply(
    title="Only in a server",
    body="lpbot's commands work in a server's text channels.",
    kind="error",
)

T = TypeVar("T")


def user_of(interaction: discord.Interaction) -> User:
    perms = interaction.permissions
    return User(
        id=str(interaction.user.id),
        name=interaction.user.display_name,
        is_admin=perms.manage_guild or perms.administrator,
    )


def channel_of(interaction: discord.Interaction) -> ChannelRef | None:
    """The text channel a command belongs to; a thread counts as its parent channel,
    where the daily question and new threads are posted."""
    channel = interaction.channel
    if channel is None or interaction.guild_id is None:
        return None
    channel_id = channel.parent_id if isinstance(channel, discord.Thread) else channel.id
    return ChannelRef(PLATFORM, str(channel_id), str(interaction.guild_id))


class AnswerForm(discord.ui.Modal):
    """The private practice form: the question, then a long text field. Its submission
    is handled statelessly from the custom id (``lpbot:answer:<question id>``), so a
    form opened before a restart still works after it."""

    def __init__(self, question: Question, title: str) -> None:
        super().__init__(
            title=shorten(title, MODAL_TITLE_LIMIT),
            custom_id=(ANSWER_FORM_PREFIX + question.id)[:100],
            timeout=FORM_TIMEOUT,
        )
        self.add_item(discord.ui.TextDisplay(shorten(question.text, TEXT_DISPLAY_LIMIT)))
        self.add_item(
            discord.ui.Label(
                text="Your answer",
                description="Situation, Task, Action, Result, and what you learned",
                component=discord.ui.TextInput(
                    custom_id=ANSWER_FIELD_ID,
                    style=discord.TextStyle.paragraph,
                    max_length=ANSWER_MAX_LENGTH,
                ),
            )
        )


class OpenFormButton(discord.ui.View):
    """When the form could not be the first response (the core was slow), a button
    opens it instead: a button press may answer with a form."""

    def __init__(self, question: Question, title: str) -> None:
        super().__init__(timeout=FORM_TIMEOUT)
        self.question = question
        self.form_title = title

    @discord.ui.button(label="Write your answer", style=discord.ButtonStyle.primary)
    async def open_form(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await interaction.response.send_modal(AnswerForm(self.question, self.form_title))


def form_text(components: list[dict[str, Any]]) -> str:
    """The answer field's value in a modal submission (inside labels or action rows)."""
    for component in components:
        nested = component.get("components") or (
            [component["component"]] if "component" in component else []
        )
        if component.get("custom_id") == ANSWER_FIELD_ID:
            return str(component.get("value") or "")
        found = form_text(nested)
        if found:
            return found
    return ""


def _form_title(result: CommandResult) -> str:
    return result.reply.title if result.reply and result.reply.title else "Practice question"


@cache
def _all_timezones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


class InteractionHandler:
    """Implements ``commands.CommandHandler``; one per adapter."""

    def __init__(self, get_bot: Callable[[], LPBot | None], ack_budget: float = ACK_BUDGET):
        self._get_bot = get_bot
        self.ack_budget = ack_budget

    @property
    def bot(self) -> LPBot:
        bot = self._get_bot()
        if bot is None:
            raise RuntimeError("the Discord adapter received an interaction before run(bot)")
        return bot

    # autocomplete ------------------------------------------------------------------
    def principle_choices(self, current: str) -> Choices:
        needle = current.strip().lower()
        choices = [
            app_commands.Choice(name=shorten(p.name, CHOICE_NAME_LIMIT), value=p.slug)
            for p in self.bot.principles()
            if needle in p.name.lower() or needle in p.slug.lower()
        ]
        return choices[:MAX_CHOICES]

    def timezone_choices(self, current: str) -> Choices:
        needle = current.strip().lower().replace(" ", "_")
        names = _all_timezones()
        starts = [n for n in names if n.lower().startswith(needle)]
        contains = [n for n in names if needle in n.lower() and n not in starts]
        return [app_commands.Choice(name=n, value=n) for n in (starts + contains)[:MAX_CHOICES]]

    # commands ----------------------------------------------------------------------
    async def run_command(
        self, interaction: discord.Interaction, name: str, args: tuple[str, ...]
    ) -> None:
        channel = channel_of(interaction)
        if channel is None:
            await interaction.response.send_message(embed=embed_for(NOT_IN_SERVER), ephemeral=True)
            return
        event = CommandInvoked(channel, user_of(interaction), name, args)
        work = self.bot.on_command(event)
        await self._answer(interaction, work, self._send_result, self._finish_result)

    async def _send_result(self, interaction: discord.Interaction, result: CommandResult) -> None:
        if result.practice is not None:
            await interaction.response.send_modal(AnswerForm(result.practice, _form_title(result)))
        elif result.reply is not None:
            await interaction.response.send_message(
                embed=embed_for(result.reply), ephemeral=result.private
            )
        else:
            # Nothing to say (the core already posted): acknowledge, then leave no trace.
            await interaction.response.defer(ephemeral=True, thinking=True)
            await interaction.delete_original_response()

    async def _finish_result(self, interaction: discord.Interaction, result: CommandResult) -> None:
        if result.practice is not None:
            title = _form_title(result)
            prompt = result.reply or Reply(title=title, body=result.practice.text, kind="question")
            await interaction.edit_original_response(
                embed=embed_for(prompt), view=OpenFormButton(result.practice, title)
            )
        elif result.reply is None:
            await interaction.delete_original_response()
        elif result.private:
            await self._later(interaction, result.reply)
        else:
            # The deferral was private and the first follow-up inherits that; resolve
            # it, post the public answer as a second follow-up, then remove the first.
            embed = embed_for(result.reply)
            await interaction.edit_original_response(embed=embed)
            await interaction.followup.send(embed=embed, ephemeral=False)
            await interaction.delete_original_response()

    # the practice form -------------------------------------------------------------
    def is_answer_form(self, interaction: discord.Interaction) -> bool:
        data = interaction.data or {}
        return interaction.type is discord.InteractionType.modal_submit and str(
            data.get("custom_id", "")
        ).startswith(ANSWER_FORM_PREFIX)

    async def answer_submitted(self, interaction: discord.Interaction) -> None:
        data: dict[str, Any] = dict(interaction.data or {})
        question_id = str(data.get("custom_id", ""))[len(ANSWER_FORM_PREFIX) :] or None
        channel = channel_of(interaction)
        if channel is None:
            await interaction.response.send_message(embed=embed_for(NOT_IN_SERVER), ephemeral=True)
            return
        event = PracticeAnswer(
            channel, user_of(interaction), form_text(data.get("components", [])), question_id
        )
        work = self.bot.on_practice_answer(event)
        await self._answer(interaction, work, self._send_feedback, self._finish_feedback)

    async def _send_feedback(self, interaction: discord.Interaction, reply: Reply) -> None:
        await interaction.response.send_message(embed=embed_for(reply), ephemeral=True)

    async def _finish_feedback(self, interaction: discord.Interaction, reply: Reply) -> None:
        await self._later(interaction, reply)

    async def _later(self, interaction: discord.Interaction, reply: Reply) -> None:
        """The deferred answer goes through the outbox: kept, and retried through an
        outage or a restart while the interaction's token lasts."""
        channel = channel_of(interaction)
        if channel is None:  # checked before the core ran; kept for the type checker
            await interaction.edit_original_response(embed=embed_for(reply))
            return
        await self.bot.answer_later(later_answer(interaction, channel, reply))

    # acknowledging in time ---------------------------------------------------------
    async def _answer(
        self,
        interaction: discord.Interaction,
        work: Awaitable[T],
        send: Callable[[discord.Interaction, T], Awaitable[None]],
        finish: Callable[[discord.Interaction, T], Awaitable[None]],
    ) -> None:
        task = asyncio.ensure_future(work)
        try:
            try:
                result = await asyncio.wait_for(asyncio.shield(task), self.ack_budget)
            except TimeoutError:
                await interaction.response.defer(ephemeral=True, thinking=True)
                await finish(interaction, await task)
            else:
                await send(interaction, result)
        except discord.HTTPException:
            log.exception("Discord refused the answer to an interaction")
        except Exception:
            log.exception("The command failed")
            await self._say_failed(interaction)

    async def _say_failed(self, interaction: discord.Interaction) -> None:
        try:
            failed = embed_for(COMMAND_FAILED)
            if interaction.response.is_done():
                await interaction.edit_original_response(embed=failed, view=None)
            else:
                await interaction.response.send_message(embed=failed, ephemeral=True)
        except discord.HTTPException:
            log.warning("Could not tell the user that their command failed", exc_info=True)
