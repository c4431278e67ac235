"""Slack payloads read into plain values. Pure functions: no I/O, no decisions
beyond "is this a message the core should hear about"."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from adapters.slack.render import PRACTICE_ACTION, PRACTICE_BLOCK
from bot.command_grammar import split_line
from bot.events import ChannelRef

PLATFORM = "slack"
#: Message subtypes that are a person's new message (a thread reply "also sent to
#: the channel" is a ``thread_broadcast``; one with an attachment a ``file_share``).
NEW_MESSAGE_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})


def channel_ref(channel_id: str, team_id: str | None = None) -> ChannelRef:
    return ChannelRef(PLATFORM, channel_id, team_id or None)


def parse_command(text: str) -> tuple[str, tuple[str, ...]]:
    """``/lp schedule 09:00 Europe/Berlin`` -> ("schedule", ("09:00", "Europe/Berlin")):
    the core's own split (``bot.command_grammar``); the core reads the arguments."""
    return split_line(text)


def slack_time(ts: str | None) -> datetime | None:
    """A Slack ``ts`` ("1700000000.000100", seconds since the epoch) as a UTC datetime."""
    if not ts:
        return None
    try:
        return datetime.fromtimestamp(float(ts), UTC)
    except (TypeError, ValueError, OverflowError):
        return None


@dataclass(frozen=True)
class ThreadMessage:
    """A person's message inside a thread: posted, edited or deleted."""

    kind: str  # "posted" | "edited" | "deleted"
    channel_id: str
    thread_ts: str
    ts: str
    user_id: str = ""
    text: str = ""


def _from_bot(message: dict[str, Any]) -> bool:
    return bool(message.get("bot_id")) or message.get("subtype") == "bot_message"


def _in_thread(message: dict[str, Any], ts: str | None) -> str | None:
    """The parent's ts when ``message`` is a reply inside a thread, else None."""
    thread_ts = message.get("thread_ts")
    if not thread_ts or not ts or thread_ts == ts:
        return None
    return str(thread_ts)


def thread_message(event: dict[str, Any], bot_user_id: str | None = None) -> ThreadMessage | None:
    """The thread reply a ``message`` event is about, or None for anything else
    (top-level messages, other bots, the bot itself, edits that change no text)."""
    subtype = event.get("subtype")
    channel_id = str(event.get("channel") or "")
    if not channel_id:
        return None

    def by_person(message: dict[str, Any]) -> bool:
        user = message.get("user")
        return bool(user) and not _from_bot(message) and user != bot_user_id

    if subtype in NEW_MESSAGE_SUBTYPES:
        ts = event.get("ts")
        thread_ts = _in_thread(event, ts)
        if thread_ts is None or not by_person(event):
            return None
        return ThreadMessage(
            "posted", channel_id, thread_ts, str(ts), str(event["user"]), event.get("text") or ""
        )
    if subtype == "message_changed":
        message = event.get("message") or {}
        previous = event.get("previous_message") or {}
        ts = message.get("ts")
        thread_ts = _in_thread(message, ts)
        if thread_ts is None or not by_person(message):
            return None
        text = message.get("text") or ""
        # Slack also sends message_changed when a link preview is added or a reply
        # count changes; only a new text is an edit of the answer.
        if previous and previous.get("text") == text:
            return None
        return ThreadMessage("edited", channel_id, thread_ts, str(ts), str(message["user"]), text)
    if subtype == "message_deleted":
        previous = event.get("previous_message") or {}
        ts = event.get("deleted_ts") or previous.get("ts")
        thread_ts = _in_thread(previous, ts)
        if thread_ts is None or not by_person(previous):
            return None
        return ThreadMessage("deleted", channel_id, thread_ts, str(ts), str(previous["user"]))
    return None


@dataclass(frozen=True)
class PracticeSubmission:
    """What the ``/lp answer`` modal sent back."""

    channel_id: str
    team_id: str | None
    question_id: str | None
    text: str


def practice_metadata(channel: ChannelRef, question_id: str) -> dict[str, str]:
    return {"channel": channel.id, "team": channel.workspace or "", "question": question_id}


def practice_submission(view: dict[str, Any]) -> PracticeSubmission:
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        metadata = {}
    values = (view.get("state") or {}).get("values") or {}
    text = ((values.get(PRACTICE_BLOCK) or {}).get(PRACTICE_ACTION) or {}).get("value") or ""
    return PracticeSubmission(
        channel_id=str(metadata.get("channel") or ""),
        team_id=metadata.get("team") or None,
        question_id=metadata.get("question") or None,
        text=text,
    )
