"""The core's own event types. Adapters turn platform payloads into these.

Behaviour in ``bot/`` only ever sees these dataclasses, never a discord.py or
slack-bolt object, so every platform shares one code path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.values import ChannelRef

__all__ = [
    "AnswerDeleted",
    "AnswerEdited",
    "AnswerPosted",
    "ChannelRef",
    "CommandInvoked",
    "FeedbackRequested",
    "PracticeAnswer",
    "User",
]


@dataclass(frozen=True)
class User:
    """A person on a platform. ``is_admin`` is decided by the adapter
    (Discord: Manage Server; Slack: workspace admin/owner or allow-list)."""

    id: str
    name: str = ""
    is_admin: bool = False


@dataclass(frozen=True)
class AnswerPosted:
    """A message posted inside a thread (possibly a question's thread)."""

    channel: ChannelRef
    thread_id: str
    message_id: str
    author: User
    text: str
    at: datetime | None = None


@dataclass(frozen=True)
class AnswerEdited:
    channel: ChannelRef
    thread_id: str
    message_id: str
    author: User
    text: str
    at: datetime | None = None


@dataclass(frozen=True)
class AnswerDeleted:
    channel: ChannelRef
    thread_id: str
    message_id: str


@dataclass(frozen=True)
class CommandInvoked:
    """``/lp <name> <args...>`` on any platform. ``args`` are the words after the name."""

    channel: ChannelRef
    user: User
    name: str
    args: tuple[str, ...] = ()
    at: datetime | None = None


@dataclass(frozen=True)
class PracticeAnswer:
    """A private answer from ``/lp answer`` (a modal on Discord/Slack, a text block in
    the terminal). Its feedback is returned to the person only."""

    channel: ChannelRef
    user: User
    text: str
    question_id: str | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class FeedbackRequested:
    """Analyze any message and reply privately (Slack's "Get STAR feedback" shortcut)."""

    channel: ChannelRef
    user: User
    text: str
