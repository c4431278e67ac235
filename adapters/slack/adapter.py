"""``SlackAdapter``: the core's ``ChatPlatform`` on Slack, in Socket Mode or HTTP mode.

Inbound, Bolt listeners (adapters.slack.app) hand each payload to
``adapters.slack.inbound`` as a tracked background task. Outbound, the core calls
``post_question`` / ``send_reply`` / ``edit_reply`` / ``delete_message`` here, and
Slack's errors become the core's exceptions."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack import errors
from adapters.slack.app import build_app, make_web_client
from adapters.slack.inbound import Inbound
from adapters.slack.later import LaterSender
from adapters.slack.pacing import Pacer
from adapters.slack.render import (
    MAX_FALLBACK_CHARS,
    fallback_text,
    question_blocks,
    reply_blocks,
)
from adapters.slack.server import MAX_BODY_BYTES, SlackHttpServer
from adapters.slack.settings import SlackSettings
from adapters.slack.users import UserDirectory
from bot.events import ChannelRef
from bot.platform import Adapter, AuthFailed, MissingPermission, PlatformError
from bot.replies import LaterAnswer, PostedMessage, QuestionPost, Reply

if TYPE_CHECKING:
    from bot.app import LPBot
    from bot.config import Settings

log = logging.getLogger(__name__)

#: Slack message metadata that carries the outbox key of what the bot posts, so a
#: post a crash left in doubt is found instead of made twice.
TAG_EVENT = "lpbot_outbox"
#: How far back a post in doubt is looked for (the newest messages of the channel).
LOOK_BACK = 100
NOT_IN_CHANNEL = frozenset({"not_in_channel"})
CANNOT_JOIN = frozenset({"method_not_supported_for_channel_type", "missing_scope"})
MESSAGE_GONE_ERRORS = errors.MESSAGE_GONE_ERRORS


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _near(message: dict[str, Any], post: QuestionPost) -> bool:
    try:
        made = datetime.fromtimestamp(float(message.get("ts") or 0), UTC)
    except (TypeError, ValueError, OverflowError):
        return False
    return post.could_be_posted_at(made)


def _refused_for_good(error: SlackApiError) -> bool:
    """Not a 429, a 5xx or a token problem: asking again will not help."""
    status = getattr(error.response, "status_code", 200) or 200
    code = errors.slack_error_code(error)
    return status != 429 and status < 500 and code not in errors.AUTH_ERRORS


def _tagged(message: dict[str, Any], tag: str) -> bool:
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    return metadata.get("event_type") == TAG_EVENT and payload.get("key") == tag


class SlackAdapter(Adapter):
    name = "slack"
    #: Feedback fits the notification text whole (the blocks have more room).
    reply_limit = MAX_FALLBACK_CHARS

    def __init__(
        self,
        settings: SlackSettings,
        *,
        clock: Callable[[], datetime] = _utc_now,
        host: str = "0.0.0.0",
        post_interval: float = 1.0,
        max_body_bytes: int = MAX_BODY_BYTES,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        """``clock`` (aware UTC) checks request timestamps and ages the user cache;
        ``host`` is where HTTP mode listens (``settings.port``; 0 picks a free port);
        ``post_interval`` spaces messages in one channel (Slack's limit for
        ``chat.postMessage`` is per channel, so a fan-out to many goes side by side)."""
        settings.check()
        self.settings = settings
        self.client = make_web_client(settings)
        self.inbound = Inbound(self)
        self.later = LaterSender(self)
        self.app = build_app(self, self.client)
        self.users = UserDirectory(self.client, allow_list=settings.admins, clock=clock)
        self.pacer = Pacer(post_interval, monotonic=monotonic, sleep=sleep)
        self._clock = clock
        self._host = host
        self._max_body_bytes = max_body_bytes
        self._bot: LPBot | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._ready = asyncio.Event()
        self._stopping = asyncio.Event()
        self._shutdown_lock = asyncio.Lock()
        self._start_error: BaseException | None = None
        self._fatal: AuthFailed | None = None
        self._server: SlackHttpServer | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self.bot_user_id: str | None = None
        self.team_id: str | None = None
        self.team_url: str | None = None

    # -- lifecycle ------------------------------------------------------------------

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        return SlackSettings.configured(settings.env)

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> SlackAdapter:
        return cls(SlackSettings.from_env(settings.env), **options)

    @property
    def socket_mode(self) -> bool:
        return bool(self.settings.app_token)

    @property
    def port(self) -> int | None:
        """HTTP mode's bound port once running (useful with ``PORT=0``)."""
        return self._server.port if self._server else None

    async def run(self, bot: LPBot) -> None:
        """Check the token, connect (Socket Mode or HTTP), then deliver events until
        ``close()``. Raises ``AuthFailed`` for a rejected token, at start or later."""
        self._bot = bot
        try:
            await self._connect()
        except BaseException as exc:
            self._start_error = exc
            self._ready.set()
            await self._shutdown()
            raise
        self._ready.set()
        try:
            await self._stopping.wait()
        finally:
            await self._shutdown()
        if self._fatal is not None:
            raise self._fatal

    async def wait_ready(self) -> None:
        """Return once ``run`` is connected; raise what stopped it if it failed."""
        await self._ready.wait()
        if self._start_error is not None:
            raise self._start_error

    async def close(self) -> None:
        self._stopping.set()
        await self._shutdown()

    async def drain(self) -> None:
        """Wait for all background work (including work it starts) to finish."""
        while pending := [task for task in self._tasks if not task.done()]:
            await asyncio.gather(*pending, return_exceptions=True)

    def spawn(self, work: Coroutine[Any, Any, None], what: str) -> None:
        """Run ``work`` after Slack got its acknowledgement; tracked for ``drain``."""
        task = asyncio.create_task(self._guard(work, what))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def token_lost(self, why: str) -> None:
        self._fail(AuthFailed(f"Slack access ended: {why}. Reinstall the app to continue."))

    async def _connect(self) -> None:
        if self.client.session is None or self.client.session.closed:
            # One session, so calls reuse their connections: without it the SDK opens
            # (and closes) a connection per call, and a fan-out pays that a thousand times.
            self.client.session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.client.timeout)
            )
        identity = await self.api(self.client.auth_test(), "check SLACK_BOT_TOKEN (auth.test)")
        self.bot_user_id = identity.get("user_id")
        self.team_id = identity.get("team_id")
        self.team_url = identity.get("url")
        log.info("Slack: signed in as %s in %s", identity.get("user"), identity.get("team"))
        if self.socket_mode:
            await self._start_socket_mode()
        else:
            await self._start_http()

    async def _start_http(self) -> None:
        self._server = SlackHttpServer(
            self.app,
            self.settings.signing_secret or "",
            host=self._host,
            port=self.settings.port,
            clock=self._clock,
            max_body_bytes=self._max_body_bytes,
        )
        await self._server.start()

    async def _start_socket_mode(self) -> None:
        app_token = self.settings.app_token or ""
        # Asked here rather than by the Socket Mode client, which would retry a
        # rejected app token forever instead of failing.
        connect = self.client.apps_connections_open(app_token=app_token)
        try:
            opened = await self.api(
                connect, "open a Socket Mode connection", keep=errors.AUTH_ERRORS
            )
        except SlackApiError as error:
            raise errors.auth_failed(errors.slack_error_code(error), "SLACK_APP_TOKEN") from None
        self._socket = AsyncSocketModeHandler(self.app, app_token, web_client=self.client)
        self._socket.client.wss_uri = opened["url"]
        await self._socket.connect_async()
        log.info("Slack Socket Mode: connected")

    async def _shutdown(self) -> None:
        async with self._shutdown_lock:
            # Stop taking requests first, then let the work already accepted finish.
            if self._server is not None:
                await self._server.stop()
                self._server = None
            if self._socket is not None:
                await self._socket.close_async()
                self._socket = None
            await self.drain()
            if self.client.session is not None and not self.client.session.closed:
                await self.client.session.close()

    def _fail(self, error: AuthFailed) -> None:
        if self._fatal is None:
            log.error("%s", error)
            self._fatal = error
        self._stopping.set()

    async def _guard(self, work: Awaitable[None], what: str) -> None:
        try:
            await work
        except AuthFailed as error:
            self._fail(error)
        except PlatformError as error:
            log.warning("Slack: %s failed: %s", what, error)
        except Exception:
            log.exception("Slack: %s failed", what)

    @property
    def bot(self) -> LPBot:
        if self._bot is None:
            raise RuntimeError("SlackAdapter received a request before run(bot)")
        return self._bot

    # -- outbound: what the core asks of the platform ---------------------------------

    async def post_question(
        self, channel: ChannelRef, post: QuestionPost, *, tag: str | None = None
    ) -> PostedMessage:
        ts = await self._post_message(
            channel,
            text=fallback_text(post.as_reply()),
            blocks=question_blocks(post),
            what="post the question",
            tag=tag,
        )
        return await self._posted(channel, ts)

    async def _posted(self, channel: ChannelRef, ts: str) -> PostedMessage:
        # On Slack a thread is the parent message's ts; it appears with the first reply.
        return PostedMessage(message_id=ts, thread_id=ts, link=await self._permalink(channel, ts))

    async def find_question(
        self, channel: ChannelRef, post: QuestionPost, tag: str
    ) -> PostedMessage | None:
        history = self.client.conversations_history(
            channel=channel.id, limit=LOOK_BACK, include_all_metadata=True
        )
        response = await self._look(history, "look for a question already posted", channel)
        if response is None:
            return None
        text = fallback_text(post.as_reply())
        for message in response.get("messages") or []:
            if _tagged(message, tag):
                return await self._posted(channel, str(message["ts"]))
        # Without metadata (an older workspace setting strips it), the same text from
        # the bot around the post's day is the question in doubt.
        for message in response.get("messages") or []:
            if self._ours(message) and message.get("text") == text and _near(message, post):
                return await self._posted(channel, str(message["ts"]))
        return None

    async def find_reply(
        self, channel: ChannelRef, tag: str, *, thread_id: str | None = None
    ) -> str | None:
        if thread_id:
            call = self.client.conversations_replies(
                channel=channel.id, ts=thread_id, limit=LOOK_BACK, include_all_metadata=True
            )
        else:
            call = self.client.conversations_history(
                channel=channel.id, limit=LOOK_BACK, include_all_metadata=True
            )
        response = await self._look(call, "look for a reply already sent", channel)
        if response is None:
            return None
        for message in response.get("messages") or []:
            if _tagged(message, tag):
                return str(message["ts"])
        return None

    async def _look(
        self, call: Awaitable[AsyncSlackResponse], what: str, channel: ChannelRef
    ) -> AsyncSlackResponse | None:
        """A history read for a send in doubt. Slack refusing it for good (a missing
        scope, a method this workspace or API does not offer) must not stop the
        message: it is sent again (None). A passing failure (429, 5xx, a timeout, a lost
        connection) is raised, and the attempt retried."""
        try:
            return await self.api(call, what, channel.id, keep_if=_refused_for_good)
        except SlackApiError as error:
            status = getattr(error.response, "status_code", None)
            log.warning("Slack: could not %s in %s (%s); sending it again", what, channel.id,
                        errors.slack_error_code(error) or f"HTTP {status}")
            return None

    def _ours(self, message: dict[str, Any]) -> bool:
        return bool(self.bot_user_id) and message.get("user") == self.bot_user_id

    async def send_reply(
        self,
        channel: ChannelRef,
        reply: Reply,
        *,
        thread_id: str | None = None,
        reply_to: str | None = None,
        tag: str | None = None,
    ) -> str:
        # Slack has no reply-to inside a thread; the thread itself is the context.
        return await self._post_message(
            channel,
            text=fallback_text(reply),
            blocks=reply_blocks(reply),
            thread_ts=thread_id,
            what="reply",
            tag=tag,
        )

    async def send_later_answer(
        self, answer: LaterAnswer, *, tag: str, again: bool
    ) -> str | None:
        return await self.later.send(answer, tag=tag, again=again)

    async def edit_reply(
        self, channel: ChannelRef, message_id: str, reply: Reply, *, thread_id: str | None = None
    ) -> None:
        update = self.client.chat_update(
            channel=channel.id, ts=message_id, text=fallback_text(reply), blocks=reply_blocks(reply)
        )
        await self.api(update, "update the feedback", channel.id)

    async def delete_message(
        self, channel: ChannelRef, message_id: str, *, thread_id: str | None = None
    ) -> None:
        delete = self.client.chat_delete(channel=channel.id, ts=message_id)
        try:
            await self.api(delete, "delete the feedback", channel.id, keep=MESSAGE_GONE_ERRORS)
        except SlackApiError:
            return  # already gone

    async def api(
        self,
        call: Awaitable[AsyncSlackResponse],
        what: str,
        channel_id: str | None = None,
        *,
        keep: frozenset[str] = frozenset(),
        keep_if: Callable[[SlackApiError], bool] | None = None,
    ) -> AsyncSlackResponse:
        """Await a Web API call; failures become the core's exceptions (a rejected
        token also stops ``run``), except Slack error codes in ``keep`` and errors
        ``keep_if`` accepts, which are raised as they are for the caller to handle."""
        try:
            return await call
        except SlackApiError as error:
            if errors.slack_error_code(error) in keep or (keep_if is not None and keep_if(error)):
                raise
            translated = errors.translate(error, what=what, channel_id=channel_id)
            if isinstance(translated, AuthFailed):
                self._fail(translated)
            raise translated from None
        except (SlackClientError, aiohttp.ClientError, TimeoutError) as error:
            # A refused connection surely sent nothing; anything else may have landed.
            refused = isinstance(error, aiohttp.ClientConnectorError)
            raise PlatformError(
                f"Slack could not {what}: {type(error).__name__} {error}", maybe_sent=not refused
            ) from None

    async def _post_message(
        self,
        channel: ChannelRef,
        *,
        text: str,
        blocks: list[dict[str, Any]],
        what: str,
        thread_ts: str | None = None,
        tag: str | None = None,
    ) -> str:
        message: dict[str, Any] = {
            "channel": channel.id,
            "text": text,
            "blocks": blocks,
            "unfurl_links": False,
            "unfurl_media": False,
        }
        if thread_ts:
            message["thread_ts"] = thread_ts
        if tag:
            message["metadata"] = {"event_type": TAG_EVENT, "event_payload": {"key": tag}}
        await self.pacer.wait(channel.id)
        try:
            response = await self.api(
                self.client.chat_postMessage(**message), what, channel.id, keep=NOT_IN_CHANNEL
            )
        except SlackApiError:
            await self._join(channel)
            response = await self.api(self.client.chat_postMessage(**message), what, channel.id)
        return str(response["ts"])

    async def _join(self, channel: ChannelRef) -> None:
        """Join a public channel the bot was not in; a private one needs an invite."""
        join = self.client.conversations_join(channel=channel.id)
        try:
            await self.api(join, "join the channel", channel.id, keep=CANNOT_JOIN)
        except SlackApiError as error:
            code = errors.slack_error_code(error)
            raise MissingPermission(
                f"The bot is not in {channel.id} and cannot join it ({code}). {errors.INVITE_HINT}"
            ) from None
        log.info("Slack: joined public channel %s to post there", channel.id)

    async def _permalink(self, channel: ChannelRef, ts: str) -> str | None:
        # Built from auth.test's workspace URL in Slack's documented archive format,
        # not fetched: chat.getPermalink would be one more round trip between posting
        # the question and the core recording its thread, while answers may arrive.
        if self.team_url:
            return f"{self.team_url.rstrip('/')}/archives/{channel.id}/p{ts.replace('.', '')}"
        call = self.client.chat_getPermalink(channel=channel.id, message_ts=ts)
        try:
            response = await self.api(call, "link the question", channel.id)
        except AuthFailed:
            raise
        except PlatformError:
            return None
        return str(response["permalink"])
