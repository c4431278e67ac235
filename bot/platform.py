"""What the core asks of a chat platform. Each adapter implements ``ChatPlatform``;
the core calls it and never imports the adapter."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from bot.events import ChannelRef
from bot.replies import PostedMessage, QuestionPost, Reply

if TYPE_CHECKING:
    from bot.app import LPBot
    from bot.config import Settings


class PlatformError(Exception):
    """A platform call failed in a way the core should know about."""


class ChannelUnavailable(PlatformError):
    """The channel is gone: deleted, archived, not found, or the bot was removed.
    The core disables the channel's schedule."""


class MissingPermission(PlatformError):
    """The bot may not post there (403, not_in_channel). The core logs once and
    stops retrying until an admin acts."""


class AuthFailed(PlatformError):
    """The token is invalid or revoked. Fatal: the process exits non-zero."""


class ChatPlatform(ABC):
    """The outbound half of an adapter: how the core posts, replies, edits and deletes."""

    name: str

    @abstractmethod
    async def post_question(self, channel: ChannelRef, post: QuestionPost) -> PostedMessage:
        """Post the question and open a thread for answers."""

    @abstractmethod
    async def send_reply(
        self,
        channel: ChannelRef,
        reply: Reply,
        *,
        thread_id: str | None = None,
        reply_to: str | None = None,
    ) -> str:
        """Send ``reply`` (in ``thread_id`` when given, answering ``reply_to`` when the
        platform supports it); return the new message's id."""

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
        """True when the settings hold this platform's credentials."""

    @abstractmethod
    async def run(self, bot: LPBot) -> None:
        """Connect and deliver events to ``bot`` until the connection ends for good
        (the terminal channel: end of input). Raise ``AuthFailed`` for a bad token."""

    async def started(self, bot: LPBot) -> None:
        """Called once the bot has started, before ``lpbot run --now`` posts and before
        ``run``: the terminal channel prints its banner here."""

    def home_channels(self) -> list[ChannelRef]:
        """Channels that have a daily post from the start (the terminal channel)."""
        return []

    async def close(self) -> None:
        """Disconnect; called once on shutdown."""
