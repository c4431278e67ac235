"""The Discord adapter: a discord.py client whose events become core events, and the
outbound calls (post, reply, edit, delete) the core makes through ``ChatPlatform``.

The client logs in on first use, so the core may post (e.g. catching up a missed daily
question at start) before ``run`` opens the gateway connection.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from adapters.discord import endpoints
from adapters.discord.commands import build_lp_group
from adapters.discord.errors import (
    AUTHENTICATION_FAILED,
    TOKEN_REJECTED,
    is_thread_already_open,
    is_unknown_message,
    translate,
)
from adapters.discord.interactions import ACK_BUDGET, InteractionHandler
from adapters.discord.later import InteractionRoute, finish_deferred
from adapters.discord.messages import PLATFORM, MessageTranslator
from adapters.discord.pacing import POST_CONCURRENCY, POST_SPACING, Pacer
from adapters.discord.render import THREAD_NAME_LIMIT, embed_for
from adapters.discord.settings import DiscordSettings
from bot.events import ChannelRef
from bot.platform import (
    Adapter,
    AuthFailed,
    ChannelUnavailable,
    MessageRejected,
    MissingPermission,
    PlatformError,
)
from bot.replies import LaterAnswer, PostedMessage, QuestionPost, Reply
from bot.text import shorten

if TYPE_CHECKING:
    from bot.app import LPBot
    from bot.config import Settings

log = logging.getLogger(__name__)

#: How many of a channel's newest messages are searched for a question in doubt.
LOOK_BACK = 50
THREAD_ARCHIVE_MINUTES = 1440  # a day: the thread stays open until the next question
NO_PINGS = discord.AllowedMentions.none()
REPLY_PING = discord.AllowedMentions(everyone=False, users=False, roles=False, replied_user=True)

MESSAGE_CONTENT_REFUSED = (
    "Discord refused the Message Content intent (close code 4014), so lpbot cannot read "
    "answers posted in threads and will not give feedback there. The daily question, "
    "/lp question and private practice with /lp answer keep working. To fix it, open "
    "the Discord Developer Portal, choose this application, go to Bot > Privileged "
    "Gateway Intents, turn on MESSAGE CONTENT INTENT, save, and restart lpbot."
)


def _skip_unreadable_events(parsers: dict[str, Callable[[Any], None]]) -> None:
    """discord.py lets an exception from parsing one gateway event end the whole
    connection loop (and so the bot). Log and skip such an event instead: one
    malformed payload costs that event, not the process."""

    def tolerant(event: str, parse: Callable[[Any], None]) -> Callable[[Any], None]:
        def parse_or_skip(data: Any) -> None:
            try:
                parse(data)
            except Exception:
                log.exception("Skipped a %s event from Discord that could not be read", event)

        return parse_or_skip

    for event, parse in list(parsers.items()):
        parsers[event] = tolerant(event, parse)


class LPClient(discord.Client):
    """discord.py's client with the ``/lp`` commands; every event goes to the adapter."""

    def __init__(self, adapter: DiscordAdapter, intents: discord.Intents) -> None:
        # lpbot never joins voice channels; skip discord.py's warnings about voice libraries.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(intents=intents, guild_ready_timeout=adapter.guild_ready_timeout)
        _skip_unreadable_events(self._connection.parsers)
        self.adapter = adapter
        self.tree = app_commands.CommandTree(self)
        self.tree.add_command(build_lp_group(adapter.interactions), guild=adapter.command_guild)

    async def setup_hook(self) -> None:
        await self.adapter.sync_commands(self)

    async def on_ready(self) -> None:
        log.info("Connected to Discord as %s in %d server(s)", self.user, len(self.guilds))
        self.adapter.ready.set()

    async def on_message(self, message: discord.Message) -> None:
        await self.adapter.message_posted(self, message)

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        await self.adapter.message_edited(self, payload)

    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self.adapter.message_deleted(self, payload)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if self.adapter.interactions.is_answer_form(interaction):
            await self.adapter.interactions.answer_submitted(interaction)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self.adapter.removed_from(guild)


class DiscordAdapter(Adapter):
    name = PLATFORM
    #: Feedback fits a plain message too (2,000), well within an embed (4,096).
    reply_limit = 1900

    def __init__(
        self,
        settings: DiscordSettings,
        *,
        ack_budget: float = ACK_BUDGET,
        post_spacing: float = POST_SPACING,
        post_concurrency: int = POST_CONCURRENCY,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        self.settings = settings
        #: How long discord.py waits for more servers before it calls the client ready.
        self.guild_ready_timeout = guild_ready_timeout
        self.interactions = InteractionHandler(lambda: self._bot, ack_budget)
        self.messages = MessageTranslator()
        #: Set when the gateway connection is ready (READY and the servers received).
        self.ready = asyncio.Event()
        #: Whether the client asks for the Message Content intent (False after a 4014).
        self.message_content = True
        self.commands_synced = False
        self._pacer = Pacer(post_spacing, post_concurrency)
        self._bot: LPBot | None = None
        self._client: LPClient | None = None
        self._login_lock = asyncio.Lock()
        self._previous_endpoints: endpoints.Endpoints | None = None
        self._closed = False
        self._token_rejected: AuthFailed | None = None
        self._closing: asyncio.Future[None] | None = None

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        return DiscordSettings.configured(settings.env)

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> DiscordAdapter:
        return cls(DiscordSettings.from_env(settings.env), **options)

    @property
    def command_guild(self) -> discord.Object | None:
        guild_id = self.settings.guild_id
        return discord.Object(int(guild_id)) if guild_id else None

    @property
    def client(self) -> LPClient | None:
        return self._client

    # connection ------------------------------------------------------------------
    async def run(self, bot: LPBot) -> None:
        self._bot = bot
        while not self._closed:
            client = await self._connected_client()
            try:
                await client.connect(reconnect=True)
            except discord.PrivilegedIntentsRequired as exc:
                if not self.message_content:
                    raise PlatformError("Discord refused lpbot's gateway intents") from exc
                log.warning(MESSAGE_CONTENT_REFUSED)
                self.message_content = False
                await self._drop_client(client)
                continue
            except discord.ConnectionClosed as exc:
                # discord.py closed this client for good: the next ``run`` (the
                # runtime retries) logs in with a new one.
                await self._drop_client(client)
                if exc.code == AUTHENTICATION_FAILED:
                    raise AuthFailed(TOKEN_REJECTED) from exc
                raise PlatformError(
                    f"Discord closed the gateway connection (code {exc.code}: {exc.reason})"
                ) from exc
            except (discord.DiscordException, OSError, TimeoutError) as exc:
                await self._drop_client(client)
                raise translate(exc, "connecting to Discord's gateway") from exc
            if self._token_rejected is not None:
                raise self._token_rejected
            return

    async def close(self) -> None:
        self._closed = True
        client, self._client = self._client, None
        if client is not None:
            await client.close()
        if self._previous_endpoints is not None:
            endpoints.restore(self._previous_endpoints)
            self._previous_endpoints = None

    def _intents(self) -> discord.Intents:
        intents = discord.Intents.default()
        intents.message_content = self.message_content
        return intents

    async def _connected_client(self) -> LPClient:
        """The logged-in client, logging in first if needed (once, under a lock)."""
        async with self._login_lock:
            if self._client is not None:
                return self._client
            if self._closed:
                raise PlatformError("the Discord adapter is closed")
            token = self.settings.token
            if not token:
                raise AuthFailed("DISCORD_TOKEN is not set")
            if self._previous_endpoints is None:
                self._previous_endpoints = endpoints.apply(
                    self.settings.api_base_url, self.settings.gateway_url
                )
            client = LPClient(self, self._intents())
            try:
                await client.login(token)
                await self._find_gateway(client)
            except Exception as exc:
                await client.close()
                raise translate(exc, "logging in to Discord") from exc
            self._client = client
            return client

    async def _find_gateway(self, client: LPClient) -> None:
        # With a custom REST address and no gateway address, ask that API where the
        # gateway is (as Discord's own GET /gateway/bot does), instead of discord.py's
        # built-in default.
        if self.settings.gateway_url or not self.settings.api_base_url:
            return
        try:
            _, url, _ = await client.http.get_bot_gateway()
        except discord.GatewayNotFound:
            log.warning(
                "%s has no /gateway/bot; using Discord's gateway",
                self.settings.api_base_url,
            )
            return
        endpoints.set_gateway(url)

    async def _drop_client(self, client: LPClient) -> None:
        async with self._login_lock:
            if self._client is client:
                self._client = None
        await client.close()

    async def sync_commands(self, client: LPClient) -> None:
        """Register ``/lp`` once per process: in ``DISCORD_GUILD_ID`` when set (shows at
        once), globally otherwise (Discord may take a while to show them everywhere)."""
        if self.commands_synced:
            return
        guild = self.command_guild
        where = f"server {guild.id}" if guild else "all servers"
        try:
            await client.tree.sync(guild=guild)
        except discord.HTTPException as exc:
            log.error(
                "Discord refused to register the /lp commands in %s (%s %s). Is the bot in "
                "that server, invited with the applications.commands scope? "
                "`lpbot discord invite` prints the right link.",
                where,
                exc.status,
                exc.text,
            )
            return
        self.commands_synced = True
        log.info("Registered the /lp commands in %s", where)

    # events ------------------------------------------------------------------------
    async def message_posted(self, client: discord.Client, message: discord.Message) -> None:
        event = await self.messages.posted(client, message)
        if event is not None and self._bot is not None:
            await self._bot.on_answer(event)

    async def message_edited(
        self, client: discord.Client, payload: discord.RawMessageUpdateEvent
    ) -> None:
        event = await self.messages.edited(client, payload)
        if event is not None and self._bot is not None:
            await self._bot.on_answer_edited(event)

    async def message_deleted(
        self, client: discord.Client, payload: discord.RawMessageDeleteEvent
    ) -> None:
        event = await self.messages.deleted(client, payload)
        if event is not None and self._bot is not None:
            await self._bot.on_answer_deleted(event)

    async def removed_from(self, guild: discord.Guild) -> None:
        log.warning(
            "lpbot was removed from the server %s (%s); its daily questions there stop.",
            guild.name,
            guild.id,
        )
        if self._bot is None:
            return
        reason = f"the bot was removed from the server {guild.name}"
        for channel in guild.text_channels:
            ref = ChannelRef(PLATFORM, str(channel.id), str(guild.id))
            await self._bot.channel_unavailable(ref, reason)

    # outbound (ChatPlatform) -------------------------------------------------------
    @contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        """Discord failures as the core's exceptions. A rejected token (401) also ends
        ``run`` with ``AuthFailed``: nothing will work until the token is replaced."""
        try:
            yield
        except (discord.DiscordException, OSError, TimeoutError) as exc:
            mapped = translate(exc, what)
            if isinstance(mapped, AuthFailed):
                self._stop_on_rejected_token(mapped)
            raise mapped from exc

    def _stop_on_rejected_token(self, error: AuthFailed) -> None:
        if self._token_rejected is not None:
            return
        self._token_rejected = error
        if self._client is not None:
            # Closing ends client.connect, and run() then raises the error.
            self._closing = asyncio.ensure_future(self._client.close())

    def _target(self, client: discord.Client, channel: ChannelRef, thread_id: str | None):
        guild_id = int(channel.workspace) if channel.workspace else None
        return client.get_partial_messageable(int(thread_id or channel.id), guild_id=guild_id)

    async def _rest_client(self, what: str) -> LPClient:
        with self._errors(what):
            return await self._connected_client()

    async def post_question(
        self, channel: ChannelRef, post: QuestionPost, *, tag: str | None = None
    ) -> PostedMessage:
        """The question and its thread, as one unit: a retry after a crash between the
        two finds the question (by its nonce, or in the channel's last messages) and
        only opens the thread."""
        what = f"posting a question in {channel.key}"
        client = await self._rest_client(what)
        target = self._target(client, channel, None)
        async with self._pacer:
            with self._errors(what):
                # With a nonce discord.py asks Discord to enforce it: a repeat within a
                # few minutes gets the first message back instead of a second one.
                message = await target.send(
                    embed=embed_for(post.as_reply()), allowed_mentions=NO_PINGS,
                    nonce=_nonce(tag),
                )
            thread_id = await self._open_thread(client, channel, message, post)
        return PostedMessage(str(message.id), thread_id, self._link(channel, message))

    async def find_question(
        self, channel: ChannelRef, post: QuestionPost, tag: str
    ) -> PostedMessage | None:
        what = f"looking for a question already posted in {channel.key}"
        client = await self._rest_client(what)
        target = self._target(client, channel, None)
        wanted = embed_for(post.as_reply())
        me = client.user.id if client.user else None
        try:
            # Paced like posts: after a restart every row in doubt looks at once.
            async with self._pacer:
                return await self._find_in_history(
                    client, channel, target, post, wanted, me, what
                )
        except MissingPermission as exc:
            # No "Read Message History" here: the enforced nonce still catches a resend
            # within minutes, so send again rather than give the post up.
            log.warning("Could not look for the question in %s (%s); posting it again",
                        channel.key, exc)
            return None

    async def _find_in_history(
        self, client: discord.Client, channel: ChannelRef, target: Any, post: QuestionPost,
        wanted: discord.Embed, me: int | None, what: str,
    ) -> PostedMessage | None:
        with self._errors(what):
            async for message in target.history(limit=LOOK_BACK):
                if message.author.id != me:
                    continue
                embed = message.embeds[0] if message.embeds else None
                if (
                    embed is not None
                    and embed.title == wanted.title
                    and embed.description == wanted.description
                    and post.could_be_posted_at(message.created_at)
                ):
                    thread_id = await self._open_thread(client, channel, message, post)
                    return PostedMessage(str(message.id), thread_id, self._link(channel, message))
        return None

    async def _open_thread(
        self, client: discord.Client, channel: ChannelRef, message: discord.Message,
        post: QuestionPost,
    ) -> str:
        try:
            with self._errors(f"opening the answer thread in {channel.key}"):
                thread = await client.http.start_thread_with_message(
                    message.channel.id,
                    message.id,
                    name=shorten(post.thread_name, THREAD_NAME_LIMIT),
                    auto_archive_duration=THREAD_ARCHIVE_MINUTES,
                )
        except (MissingPermission, ChannelUnavailable, MessageRejected):
            # A question without a thread cannot collect answers, and this will not
            # change by itself: take it back so a later post starts clean.
            try:
                await message.delete()
            except discord.HTTPException:
                log.warning("Could not remove the question posted without a thread")
            raise
        except PlatformError as exc:
            if exc.__cause__ is not None and is_thread_already_open(exc.__cause__):
                return str(message.id)  # a thread opened from a message has its id
            raise  # passing: the retry finds this question and opens the thread
        return str(thread["id"])

    def _link(self, channel: ChannelRef, message: discord.Message) -> str:
        guild = channel.workspace or (str(message.guild.id) if message.guild else "@me")
        return f"https://discord.com/channels/{guild}/{message.channel.id}/{message.id}"

    async def send_reply(
        self,
        channel: ChannelRef,
        reply: Reply,
        *,
        thread_id: str | None = None,
        reply_to: str | None = None,
        tag: str | None = None,
    ) -> str:
        what = f"replying in {channel.key}"
        client = await self._rest_client(what)
        target = self._target(client, channel, thread_id)
        reference = (
            target.get_partial_message(int(reply_to)).to_reference(fail_if_not_exists=False)
            if reply_to
            else None
        )
        with self._errors(what):
            message = await target.send(
                embed=embed_for(reply),
                reference=reference,  # type: ignore[arg-type]
                allowed_mentions=REPLY_PING if reference else NO_PINGS,
                nonce=_nonce(tag),
            )
        return str(message.id)

    async def send_later_answer(
        self, answer: LaterAnswer, *, tag: str, again: bool
    ) -> str | None:
        what = f"answering a command in {answer.channel.key}"
        client = await self._rest_client(what)
        with self._errors(what):
            await finish_deferred(client, InteractionRoute.decode(answer.route), answer.reply)
        return None

    async def edit_reply(
        self, channel: ChannelRef, message_id: str, reply: Reply, *, thread_id: str | None = None
    ) -> None:
        what = f"editing message {message_id} in {channel.key}"
        client = await self._rest_client(what)
        target = self._target(client, channel, thread_id)
        with self._errors(what):
            await target.get_partial_message(int(message_id)).edit(embed=embed_for(reply))

    async def delete_message(
        self, channel: ChannelRef, message_id: str, *, thread_id: str | None = None
    ) -> None:
        what = f"deleting message {message_id} in {channel.key}"
        client = await self._rest_client(what)
        target = self._target(client, channel, thread_id)
        with self._errors(what):
            try:
                await target.get_partial_message(int(message_id)).delete()
            except discord.NotFound as exc:
                if not is_unknown_message(exc):
                    raise
                # Already gone: that is what was asked.


def _nonce(tag: str | None) -> str | None:
    """Discord nonces hold at most 25 characters; outbox keys are shorter."""
    return tag[:25] if tag else None

