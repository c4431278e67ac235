"""``SlackAdapter``: the core's ``ChatPlatform`` on Slack, in Socket Mode or HTTP mode.

Inbound, Bolt listeners (adapters.slack.app) hand each payload to one of the
``handle_*`` methods here, which turn it into a core event and send the core's
answer back. Outbound, the core calls ``post_question`` / ``send_reply`` /
``edit_reply`` / ``delete_message``; Slack errors become the core's exceptions."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack import errors
from adapters.slack.app import build_app, make_web_client
from adapters.slack.pacing import Pacer
from adapters.slack.render import (
    fallback_text,
    feedback_modal,
    practice_modal,
    question_blocks,
    reply_blocks,
)
from adapters.slack.server import MAX_BODY_BYTES, SlackHttpServer
from adapters.slack.translate import (
    channel_ref,
    parse_command,
    practice_metadata,
    practice_submission,
    slack_time,
    thread_message,
)
from adapters.slack.users import UserDirectory
from bot.config import ConfigError, Settings
from bot.events import (
    AnswerDeleted,
    AnswerEdited,
    AnswerPosted,
    ChannelRef,
    CommandInvoked,
    FeedbackRequested,
    PracticeAnswer,
)
from bot.platform import Adapter, AuthFailed, MissingPermission, PlatformError
from bot.replies import PostedMessage, QuestionPost, Reply

if TYPE_CHECKING:
    from bank.model import Question
    from bot.app import LPBot

log = logging.getLogger(__name__)

#: Pacing key shared by every daily post, so a fan-out to many channels is spread out.
FANOUT_KEY = "daily-fan-out"
FORM_EXPIRED = "The answer form could not be opened in time. Please run `/lp answer` again."
SOMETHING_WENT_WRONG = "Sorry, that did not work. Please try again in a minute."


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SlackAdapter(Adapter):
    name = "slack"

    def __init__(
        self,
        settings: Settings,
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
        ``post_interval`` spaces messages in a channel and daily posts across channels."""
        if not settings.slack_bot_token:
            raise ConfigError("SLACK_BOT_TOKEN is required to run on Slack")
        self.settings = settings
        self.client = make_web_client(settings)
        self.app = build_app(self, self.client)
        self.users = UserDirectory(self.client, allow_list=settings.slack_admins, clock=clock)
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
        return bool(settings.slack_bot_token)

    @property
    def socket_mode(self) -> bool:
        return bool(self.settings.slack_app_token)

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
        if not self.socket_mode and not self.settings.slack_signing_secret:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is required in HTTP mode "
                "(or set SLACK_APP_TOKEN to use Socket Mode)"
            )
        try:
            identity = await self.client.auth_test()
        except SlackApiError as error:
            code = errors.slack_error_code(error)
            if code in errors.AUTH_ERRORS:
                raise errors.auth_failed(code) from None
            raise errors.translate(error, what="check SLACK_BOT_TOKEN (auth.test)") from None
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
            self.settings.slack_signing_secret or "",
            host=self._host,
            port=self.settings.port,
            clock=self._clock,
            max_body_bytes=self._max_body_bytes,
        )
        await self._server.start()

    async def _start_socket_mode(self) -> None:
        app_token = self.settings.slack_app_token or ""
        # Asked here rather than by the Socket Mode client, which would retry a
        # rejected app token forever instead of failing.
        try:
            opened = await self.client.apps_connections_open(app_token=app_token)
        except SlackApiError as error:
            code = errors.slack_error_code(error)
            if code in errors.AUTH_ERRORS:
                raise errors.auth_failed(code, "SLACK_APP_TOKEN") from None
            raise errors.translate(error, what="open a Socket Mode connection") from None
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

    def _bot_or_fail(self) -> LPBot:
        if self._bot is None:
            raise RuntimeError("SlackAdapter received a request before run(bot)")
        return self._bot

    def _error(self, error: SlackApiError, what: str, channel_id: str | None) -> PlatformError:
        translated = errors.translate(error, what=what, channel_id=channel_id)
        if isinstance(translated, AuthFailed):
            self._fail(translated)
        return translated

    # -- outbound: what the core asks of the platform ---------------------------------

    async def post_question(self, channel: ChannelRef, post: QuestionPost) -> PostedMessage:
        if post.daily:
            await self.pacer.wait(FANOUT_KEY)
        ts = await self._post_message(
            channel,
            text=fallback_text(post.as_reply()),
            blocks=question_blocks(post),
            what="post the question",
        )
        # On Slack a thread is the parent message's ts; it appears with the first reply.
        return PostedMessage(message_id=ts, thread_id=ts, link=await self._permalink(channel, ts))

    async def send_reply(
        self,
        channel: ChannelRef,
        reply: Reply,
        *,
        thread_id: str | None = None,
        reply_to: str | None = None,
    ) -> str:
        # Slack has no reply-to inside a thread; the thread itself is the context.
        return await self._post_message(
            channel,
            text=fallback_text(reply),
            blocks=reply_blocks(reply),
            thread_ts=thread_id,
            what="reply",
        )

    async def edit_reply(
        self, channel: ChannelRef, message_id: str, reply: Reply, *, thread_id: str | None = None
    ) -> None:
        try:
            await self.client.chat_update(
                channel=channel.id,
                ts=message_id,
                text=fallback_text(reply),
                blocks=reply_blocks(reply),
            )
        except SlackApiError as error:
            raise self._error(error, "update the feedback", channel.id) from None

    async def delete_message(
        self, channel: ChannelRef, message_id: str, *, thread_id: str | None = None
    ) -> None:
        try:
            await self.client.chat_delete(channel=channel.id, ts=message_id)
        except SlackApiError as error:
            if errors.slack_error_code(error) in errors.MESSAGE_GONE_ERRORS:
                return
            raise self._error(error, "delete the feedback", channel.id) from None

    async def _post_message(
        self,
        channel: ChannelRef,
        *,
        text: str,
        blocks: list[dict[str, Any]],
        what: str,
        thread_ts: str | None = None,
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
        await self.pacer.wait(channel.id)
        try:
            response = await self.client.chat_postMessage(**message)
        except SlackApiError as error:
            if errors.slack_error_code(error) != "not_in_channel":
                raise self._error(error, what, channel.id) from None
            await self._join(channel)
            try:
                response = await self.client.chat_postMessage(**message)
            except SlackApiError as retry_error:
                raise self._error(retry_error, what, channel.id) from None
        return str(response["ts"])

    async def _join(self, channel: ChannelRef) -> None:
        """Join a public channel the bot was not in; a private one needs an invite."""
        try:
            await self.client.conversations_join(channel=channel.id)
        except SlackApiError as error:
            code = errors.slack_error_code(error)
            if code in errors.NOT_A_MEMBER_ERRORS or code == "missing_scope":
                raise MissingPermission(
                    f"The bot is not in {channel.id} and cannot join it ({code}). "
                    f"{errors.INVITE_HINT}"
                ) from None
            raise self._error(error, "join the channel", channel.id) from None
        log.info("Slack: joined public channel %s to post there", channel.id)

    async def _permalink(self, channel: ChannelRef, ts: str) -> str | None:
        try:
            response = await self.client.chat_getPermalink(channel=channel.id, message_ts=ts)
            return str(response["permalink"])
        except SlackApiError as error:
            if errors.slack_error_code(error) in errors.AUTH_ERRORS:
                raise self._error(error, "link the question", channel.id) from None
            if self.team_url:
                # The documented archive URL shape, when Slack will not say.
                return f"{self.team_url.rstrip('/')}/archives/{channel.id}/p{ts.replace('.', '')}"
            return None

    # -- inbound: payloads turned into core events ------------------------------------

    async def handle_command(self, command: dict[str, Any]) -> None:
        bot = self._bot_or_fail()
        name, args = parse_command(command.get("text") or "")
        channel = channel_ref(command["channel_id"], command.get("team_id"))
        user_id = command["user_id"]
        response_url = command.get("response_url")
        try:
            user = await self.users.get(user_id, command.get("user_name") or "")
            result = await bot.on_command(CommandInvoked(channel, user, name, args))
        except AuthFailed:
            raise
        except Exception:
            log.exception("Slack: /lp %s failed", name)
            await self._answer(channel, user_id, response_url, Reply(SOMETHING_WENT_WRONG))
            return
        reply = result.reply
        if result.practice is not None:
            opened = await self._open_practice(command.get("trigger_id"), channel, result.practice)
            if opened:
                return
            reply = reply or Reply(FORM_EXPIRED, kind="error")
        if reply is not None:
            await self._answer(channel, user_id, response_url, reply, private=result.private)

    async def handle_message(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        message = thread_message(event, self.bot_user_id)
        if message is None:
            return
        bot = self._bot_or_fail()
        event_id = body.get("event_id")
        # Slack redelivers an event it thinks we missed (X-Slack-Retry-Num); the
        # event id is remembered in storage, so a retry after a restart is caught too.
        if event_id and not await bot.first_time(f"slack:{event_id}"):
            log.debug("Slack: event %s already handled", event_id)
            return
        channel = channel_ref(message.channel_id, body.get("team_id") or self.team_id)
        if message.kind == "deleted":
            await bot.on_answer_deleted(AnswerDeleted(channel, message.thread_ts, message.ts))
            return
        author = await self.users.get(message.user_id)
        if message.kind == "posted":
            await bot.on_answer(
                AnswerPosted(
                    channel,
                    message.thread_ts,
                    message.ts,
                    author,
                    message.text,
                    at=slack_time(message.ts),
                )
            )
        else:
            await bot.on_answer_edited(
                AnswerEdited(
                    channel,
                    message.thread_ts,
                    message.ts,
                    author,
                    message.text,
                    at=slack_time(event.get("event_ts") or event.get("ts")),
                )
            )

    async def handle_shortcut(self, body: dict[str, Any]) -> None:
        bot = self._bot_or_fail()
        message = body.get("message") or {}
        channel = channel_ref((body.get("channel") or {}).get("id", ""), self._team_of(body))
        user = await self.users.get(body["user"]["id"], body["user"].get("name") or "")
        extra = {
            key: str(message[field])
            for key, field in (("message_ts", "ts"), ("thread_ts", "thread_ts"), ("author", "user"))
            if message.get(field)
        }
        reply = await bot.on_feedback_request(
            FeedbackRequested(channel, user, message.get("text") or "", extra)
        )
        await self._answer(channel, user.id, body.get("response_url"), reply)

    async def handle_practice(self, body: dict[str, Any]) -> None:
        bot = self._bot_or_fail()
        view = body.get("view") or {}
        submission = practice_submission(view)
        channel = channel_ref(submission.channel_id, submission.team_id or self._team_of(body))
        user = await self.users.get(body["user"]["id"], body["user"].get("name") or "")
        reply = await bot.on_practice_answer(
            PracticeAnswer(channel, user, submission.text, question_id=submission.question_id)
        )
        try:
            await self.client.views_update(view_id=view["id"], view=feedback_modal(reply))
        except SlackApiError as error:
            # The person closed the modal already: the feedback still reaches them.
            log.info(
                "Slack: views.update failed (%s); sending feedback as ephemeral",
                errors.slack_error_code(error),
            )
            await self._ephemeral(channel, user.id, reply)

    @staticmethod
    def _team_of(body: dict[str, Any]) -> str | None:
        return (body.get("team") or {}).get("id") or body.get("team_id")

    async def _open_practice(
        self, trigger_id: str | None, channel: ChannelRef, question: Question
    ) -> bool:
        if not trigger_id:
            return False
        view = practice_modal(question, practice_metadata(channel, question.id))
        try:
            await self.client.views_open(trigger_id=trigger_id, view=view)
        except SlackApiError as error:
            # A trigger is valid for 3 seconds; a slow answer makes it expire.
            self._error(error, "open the answer form", channel.id)
            log.warning("Slack: views.open failed: %s", errors.slack_error_code(error))
            return False
        return True

    async def _answer(
        self,
        channel: ChannelRef,
        user_id: str,
        response_url: str | None,
        reply: Reply,
        *,
        private: bool = True,
    ) -> None:
        """Answer a command or shortcut: through its ``response_url`` (works even where
        the bot is not a member), else ``chat.postEphemeral`` / ``chat.postMessage``."""
        if response_url and await self._respond(response_url, reply, private):
            return
        if private:
            await self._ephemeral(channel, user_id, reply)
        else:
            await self.send_reply(channel, reply)

    async def _respond(self, response_url: str, reply: Reply, private: bool) -> bool:
        message = {
            "text": fallback_text(reply),
            "blocks": reply_blocks(reply),
            "response_type": "ephemeral" if private else "in_channel",
            "replace_original": False,
        }
        try:
            response = await AsyncWebhookClient(response_url).send_dict(message)
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("Slack: response_url failed: %s", error)
            return False
        if response.status_code != 200:
            log.warning("Slack: response_url answered %s %s", response.status_code, response.body)
            return False
        return True

    async def _ephemeral(self, channel: ChannelRef, user_id: str, reply: Reply) -> None:
        try:
            await self.client.chat_postEphemeral(
                channel=channel.id,
                user=user_id,
                text=fallback_text(reply),
                blocks=reply_blocks(reply),
            )
        except SlackApiError as error:
            raise self._error(error, "answer privately", channel.id) from None
