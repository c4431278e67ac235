"""Slack payloads turned into core events, and the core's answers sent back.

Each method runs as a background task after Bolt acknowledged the request (see
adapters.slack.app); errors it raises are logged by ``SlackAdapter.spawn``."""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Any

from adapters.slack.later import SlackRoute, later_answer
from adapters.slack.render import practice_modal
from adapters.slack.translate import (
    channel_ref,
    parse_command,
    practice_metadata,
    practice_submission,
    slack_time,
    thread_message,
)
from bot.events import (
    AnswerDeleted,
    AnswerEdited,
    AnswerPosted,
    ChannelRef,
    CommandInvoked,
    FeedbackRequested,
    PracticeAnswer,
)
from bot.platform import AuthFailed, PlatformError
from bot.replies import COMMAND_FAILED, FORM_EXPIRED

if TYPE_CHECKING:
    from adapters.slack.adapter import SlackAdapter
    from bank.model import Question

log = logging.getLogger(__name__)



def _team_of(body: dict[str, Any]) -> str | None:
    return (body.get("team") or {}).get("id") or body.get("team_id")


def _new_key() -> str:
    # Slack does not redeliver commands or interactions, and a trigger id is not
    # guaranteed to be unique forever: every answer gets its own key.
    return uuid.uuid4().hex


class Inbound:
    def __init__(self, adapter: SlackAdapter) -> None:
        self.adapter = adapter

    async def command(self, command: dict[str, Any]) -> None:
        """``/lp <name> <args>``: the core's result goes back privately (or publicly
        when the core says so); ``practice`` opens the answer modal instead."""
        bot = self.adapter.bot
        name, args = parse_command(command.get("text") or "")
        channel = channel_ref(command["channel_id"], command.get("team_id"))
        user_id = command["user_id"]
        key = _new_key()
        route = SlackRoute(command.get("response_url"))
        try:
            user = await self.adapter.users.get(user_id, command.get("user_name") or "")
            result = await bot.on_command(CommandInvoked(channel, user, name, args))
        except AuthFailed:
            raise
        except Exception:
            log.exception("Slack: /lp %s failed", name)
            await bot.answer_later(later_answer(key, channel, user_id, COMMAND_FAILED, route))
            return
        reply = result.reply
        if result.practice is not None:
            if await self._open_practice(command.get("trigger_id"), channel, result.practice):
                return  # the modal is the answer; the core's text reply is its fallback
            reply = reply or FORM_EXPIRED
        if reply is not None:
            answer = later_answer(key, channel, user_id, reply, route, private=result.private)
            await bot.answer_later(answer)

    async def message(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """A ``message`` event: thread replies become answers, edits and deletes."""
        message = thread_message(event, self.adapter.bot_user_id)
        if message is None:
            return
        bot = self.adapter.bot
        event_id = body.get("event_id")
        # Slack redelivers an event it thinks we missed (X-Slack-Retry-Num). The id
        # is remembered in storage, so a retry that arrives after a restart is caught too.
        if event_id and not await bot.first_time(f"slack:{event_id}"):
            log.debug("Slack: event %s already handled", event_id)
            return
        channel = channel_ref(message.channel_id, body.get("team_id") or self.adapter.team_id)
        if message.kind == "deleted":
            await bot.on_answer_deleted(AnswerDeleted(channel, message.thread_ts, message.ts))
            return
        author = await self.adapter.users.get(message.user_id)
        if message.kind == "posted":
            at = slack_time(message.ts)
            await bot.on_answer(
                AnswerPosted(channel, message.thread_ts, message.ts, author, message.text, at)
            )
        else:
            at = slack_time(event.get("event_ts") or event.get("ts"))
            await bot.on_answer_edited(
                AnswerEdited(channel, message.thread_ts, message.ts, author, message.text, at)
            )

    async def shortcut(self, body: dict[str, Any]) -> None:
        """ "Get STAR feedback" on any message; the feedback goes to the person only."""
        bot = self.adapter.bot
        message = body.get("message") or {}
        channel = channel_ref((body.get("channel") or {}).get("id", ""), _team_of(body))
        user = await self.adapter.users.get(body["user"]["id"], body["user"].get("name") or "")
        reply = await bot.on_feedback_request(
            FeedbackRequested(channel, user, message.get("text") or "")
        )
        route = SlackRoute(body.get("response_url"))
        await bot.answer_later(later_answer(_new_key(), channel, user.id, reply, route))

    async def practice(self, body: dict[str, Any]) -> None:
        """The ``/lp answer`` modal was submitted: its feedback replaces the modal
        (or, when the modal was closed meanwhile, reaches the person privately)."""
        bot = self.adapter.bot
        view = body.get("view") or {}
        submission = practice_submission(view)
        channel = channel_ref(submission.channel_id, submission.team_id or _team_of(body))
        user = await self.adapter.users.get(body["user"]["id"], body["user"].get("name") or "")
        reply = await bot.on_practice_answer(
            PracticeAnswer(channel, user, submission.text, question_id=submission.question_id)
        )
        route = SlackRoute(view_id=view.get("id"))
        await bot.answer_later(later_answer(_new_key(), channel, user.id, reply, route))

    async def _open_practice(
        self, trigger_id: str | None, channel: ChannelRef, question: Question
    ) -> bool:
        if not trigger_id:
            return False
        view = practice_modal(question, practice_metadata(channel, question.id))
        try:
            await self.adapter.api(
                self.adapter.client.views_open(trigger_id=trigger_id, view=view),
                "open the answer form",
                channel.id,
            )
        except AuthFailed:
            raise
        except PlatformError as error:
            # A trigger is valid for 3 seconds; a slow answer lets it expire.
            log.warning("Slack: %s", error)
            return False
        return True
