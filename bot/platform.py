"""The contract between the core and a chat platform, both ways.

``ChatPlatform`` is what the core asks of a platform (post, reply, edit, delete);
``Core`` is everything an adapter may ask of the core (hand over an answer, an edit,
a delete, a command, a private practice answer). ``Adapter`` is a platform
connection: both halves plus its settings and run loop. The core never imports an
adapter; ``tests/platform_contract.py`` is the suite every adapter passes."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from bank.model import Principle
from bot.events import (
    AnswerDeleted,
    AnswerEdited,
    AnswerPosted,
    ChannelRef,
    CommandInvoked,
    FeedbackRequested,
    PracticeAnswer,
)
from bot.replies import CommandResult, LaterAnswer, PostedMessage, QuestionPost, Reply

if TYPE_CHECKING:
    from bot.config import Settings


DEFAULT_REPLY_LIMIT = 1900


class PlatformError(Exception):
    """A platform call failed in a way the core should know about. Unless a subclass
    says otherwise it is passing (an outage, a 5xx, a timeout, a lost connection) and
    the outbox tries again: after ``retry_after`` seconds when the platform said so.
    ``maybe_sent`` is False only when the call surely did not land (a 429, a refused
    connection), so the next attempt need not look for the message first."""

    def __init__(
        self, message: str = "", *, retry_after: float | None = None, maybe_sent: bool = True
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.maybe_sent = maybe_sent


class RateLimited(PlatformError):
    """HTTP 429: wait ``retry_after`` seconds; the call did not land."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message, retry_after=retry_after, maybe_sent=False)


class MessageRejected(PlatformError):
    """The platform refused this message itself (too long, malformed, the message to
    edit is gone): sending it again cannot help, so the outbox gives it up."""


class ChannelUnavailable(PlatformError):
    """The channel is gone: deleted, archived, not found, or the bot was removed.
    The core disables the channel's schedule."""


class MissingPermission(PlatformError):
    """The bot may not post there (403, not_in_channel). The core logs once and
    stops retrying until an admin acts."""


class AuthFailed(PlatformError):
    """The token is invalid or revoked. Fatal: the process exits non-zero."""


class Core(Protocol):
    """What an adapter may call on the core (``bot.app.LPBot`` implements it)."""

    async def on_answer(self, event: AnswerPosted) -> None:
        """A person's message in a thread; the core replies through ``send_reply``."""

    async def on_answer_edited(self, event: AnswerEdited) -> None: ...

    async def on_answer_deleted(self, event: AnswerDeleted) -> None: ...

    async def on_command(self, event: CommandInvoked) -> CommandResult:
        """``/lp <name> <args>``; the adapter renders the result (privately when
        ``private``), or opens a private answer form for ``practice``."""

    async def on_practice_answer(self, event: PracticeAnswer) -> Reply:
        """A private practice answer; the reply goes to that person only."""

    async def on_feedback_request(self, event: FeedbackRequested) -> Reply: ...

    async def answer_later(self, answer: LaterAnswer) -> None:
        """Deliver an answer after the acknowledgement, through the outbox: it is
        kept in storage and retried until ``send_later_answer`` succeeds or its route
        expires (then logged as given up). Returns after the first attempt."""

    async def first_time(self, event_key: str) -> bool:
        """False when a platform redelivers an event already handled (kept in storage)."""

    async def channel_unavailable(self, channel: ChannelRef, reason: str) -> None:
        """The platform says the channel is gone: stop its daily post."""

    def principles(self) -> Sequence[Principle]:
        """For autocomplete."""


class ChatPlatform(ABC):
    """The outbound half of an adapter: how the core posts, replies, edits and deletes."""

    name: str
    #: How many characters of ``Reply.as_text()`` one of its messages may hold. The
    #: core sizes feedback to it, so the STAR renderer needs no platform's limits.
    reply_limit: int = DEFAULT_REPLY_LIMIT

    @abstractmethod
    async def post_question(
        self, channel: ChannelRef, post: QuestionPost, *, tag: str | None = None
    ) -> PostedMessage:
        """Post the question and open a thread for answers. ``tag`` (the outbox key)
        goes with the message where the platform can carry it, for ``find_question``."""

    @abstractmethod
    async def send_reply(
        self,
        channel: ChannelRef,
        reply: Reply,
        *,
        thread_id: str | None = None,
        reply_to: str | None = None,
        tag: str | None = None,
    ) -> str:
        """Send ``reply`` (in ``thread_id`` when given, answering ``reply_to`` when the
        platform supports it); return the new message's id. ``tag`` as for questions."""

    async def find_question(
        self, channel: ChannelRef, post: QuestionPost, tag: str
    ) -> PostedMessage | None:
        """The question posted with ``tag`` by an attempt that may have landed (a crash
        or a timeout), finishing its thread if that is missing; None when it is not
        there. A platform that cannot look answers None, and the post is made again."""
        return None

    async def find_reply(
        self, channel: ChannelRef, tag: str, *, thread_id: str | None = None
    ) -> str | None:
        """The id of the reply sent with ``tag``, as ``find_question``."""
        return None

    async def send_later_answer(
        self, answer: LaterAnswer, *, tag: str, again: bool
    ) -> str | None:
        """Send ``answer`` through its ``route``; return the message id when
        there is one. ``again`` is True when an earlier attempt may have landed: the
        platform then replaces that message (or looks for it) rather than add a second.
        A platform that answers every command at once has no routes to send to."""
        raise MessageRejected(f"{self.name} has no answers to send later")

    @abstractmethod
    async def edit_reply(
        self, channel: ChannelRef, message_id: str, reply: Reply, *, thread_id: str | None = None
    ) -> None:
        """Replace an earlier reply's content."""

    @abstractmethod
    async def delete_message(
        self, channel: ChannelRef, message_id: str, *, thread_id: str | None = None
    ) -> None:
        """Delete one of the bot's messages."""


class Adapter(ChatPlatform):
    """A platform connection: the outbound ``ChatPlatform`` calls plus a ``run`` loop
    that turns platform events into core events and hands them to the bot.

    Adapters are found through the ``lpbot.platforms`` entry point group (see
    pyproject.toml), so the core never imports them."""

    #: The terminal channel only runs when no other platform is configured.
    fallback: bool = False
    #: Its chat is this process's own terminal: INFO logs would interleave with it, so
    #: ``lpbot run`` shows only warnings unless ``LPBOT_LOG_LEVEL=DEBUG``.
    console: bool = False

    @classmethod
    @abstractmethod
    def configured(cls, settings: Settings) -> bool:
        """True when ``settings.env`` holds this platform's credentials (a cheap
        check; the values are read and checked by ``from_settings``)."""

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> Adapter:
        """The adapter, with its own settings read and checked from
        ``settings.env``; raises ``ConfigError`` (one line) for a bad value."""
        return cls(settings, **options)  # type: ignore[call-arg]

    @abstractmethod
    async def run(self, bot: Core) -> None:
        """Connect and deliver events to ``bot`` until the connection ends for good
        (the terminal channel: end of input). Raise ``AuthFailed`` for a bad token."""

    async def started(self, bot: Core) -> None:
        """Called once the bot has started, before ``lpbot run --now`` posts and before
        ``run``: the terminal channel prints its banner here."""

    def home_channels(self) -> list[ChannelRef]:
        """Channels that have a daily post from the start (the terminal channel)."""
        return []

    async def close(self) -> None:
        """Disconnect; called once on shutdown."""


def reply_limit(platforms: Mapping[str, ChatPlatform], channel: ChannelRef) -> int:
    """The reply size of the channel's platform (the default when it is not connected)."""
    platform = platforms.get(channel.platform)
    return platform.reply_limit if platform is not None else DEFAULT_REPLY_LIMIT
