"""A local fake Slack for tests: the Web API methods the adapter calls, response
URLs, a Socket Mode WebSocket endpoint, and a sender of correctly signed requests.

Everything binds to 127.0.0.1 on port 0. Every Web API call is recorded (method,
params, token) so tests assert on what the app did; failures can be scripted per
method (a Slack error code, or HTTP 429 with Retry-After)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp
from aiohttp import web

WAIT_SECONDS = 10.0


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    token: str | None


@dataclass
class ScriptedFailure:
    error: str
    status: int = 200
    retry_after: int | None = None
    #: Seconds to wait before answering (a hang, when longer than the client waits).
    hang: float = 0.0
    #: Do the call, then answer with the failure (made, but not acknowledged).
    lands: bool = False


@dataclass
class FakeChannel:
    id: str
    member: bool = True
    private: bool = False
    archived: bool = False


@dataclass
class FakeMessage:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None
    metadata: dict[str, Any] | None = None


class FakeSlack:
    """One workspace. Channels must be added (``add_channel``); users too (``add_user``)."""

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-fake-bot-token",
        app_token: str = "xapp-1-fake-app-token",
        signing_secret: str = "fake-signing-secret",
        team_id: str = "T0FAKE",
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.signing_secret = signing_secret
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.calls: list[ApiCall] = []
        self.responses: list[tuple[str, dict[str, Any]]] = []  # (response_url key, body)
        self.socket_acks: list[dict[str, Any]] = []
        self.channels: dict[str, FakeChannel] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.messages: dict[tuple[str, str], FakeMessage] = {}
        self.deleted: list[tuple[str, str]] = []
        self.views: dict[str, dict[str, Any]] = {}
        self._failures: dict[str, list[ScriptedFailure]] = {}
        self._latency: dict[str, float] = {}
        self._ts = itertools.count(1)
        self._view_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._socket: web.WebSocketResponse | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    # setup -------------------------------------------------------------------------
    def add_channel(
        self, channel_id: str, *, member: bool = True, private: bool = False, archived: bool = False
    ) -> FakeChannel:
        channel = FakeChannel(channel_id, member, private, archived)
        self.channels[channel_id] = channel
        return channel

    def add_user(
        self, user_id: str, name: str, *, admin: bool = False, owner: bool = False
    ) -> None:
        self.users[user_id] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name.lower(),
            "real_name": name,
            "is_admin": admin,
            "is_owner": owner,
            "is_primary_owner": False,
            "is_bot": False,
            "profile": {"display_name": name, "real_name": name},
        }

    def fail(
        self,
        method: str,
        error: str,
        *,
        status: int = 200,
        retry_after: int | None = None,
        times: int = 1,
        hang: float = 0.0,
        lands: bool = False,
    ) -> None:
        """The next ``times`` calls of ``method`` fail with ``error`` (429s: ``status=429``),
        after ``hang`` seconds; with ``lands`` the call is made first, then it "fails"."""
        queue = self._failures.setdefault(method, [])
        queue.extend(
            ScriptedFailure(error, status, retry_after, hang, lands) for _ in range(times)
        )

    def slow(self, method: str, seconds: float) -> None:
        """Every later call of ``method`` is made at once and answered ``seconds`` later
        (a round trip to Slack: a crash in it leaves the call made, not acknowledged)."""
        self._latency[method] = seconds

    # addresses -----------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """What SLACK_API_URL points at (like https://slack.com/api)."""
        return f"{self.base_url}/api"

    def response_url(self, key: str) -> str:
        return f"{self.base_url}/response/{key}"

    # assertions ----------------------------------------------------------------------
    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    def responses_to(self, key: str) -> list[dict[str, Any]]:
        return [body for k, body in self.responses if k == key]

    def shown_for(self, key: str) -> list[dict[str, Any]]:
        """The messages a ``response_url`` left on screen: one sent with
        ``replace_original`` takes the place of the one before it."""
        shown: list[dict[str, Any]] = []
        for body in self.responses_to(key):
            if body.get("replace_original") and shown:
                shown[-1] = body
            else:
                shown.append(body)
        return shown

    def messages_in(self, channel: str) -> list[FakeMessage]:
        """The channel's top-level messages (not thread replies), oldest first."""
        found = [m for m in self.messages.values() if m.channel == channel and not m.thread_ts]
        return sorted(found, key=lambda m: float(m.ts))

    def thread(self, channel: str, thread_ts: str) -> list[FakeMessage]:
        return [
            m for m in self.messages.values() if m.channel == channel and m.thread_ts == thread_ts
        ]

    async def wait_for(
        self, predicate: Callable[[], object], timeout: float = WAIT_SECONDS
    ) -> None:
        """Wait (bounded) until ``predicate()`` holds; re-checked on every request."""

        async def until() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: bool(predicate()))

        await asyncio.wait_for(until(), timeout)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # server --------------------------------------------------------------------------
    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._web_api)
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_get("/socket", self._socket_mode)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        if self._socket is not None and not self._socket.closed:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            raw = await request.text()
            if request.content_type == "application/json" and raw:
                params.update(json.loads(raw))
            elif raw:
                params.update(dict(parse_qsl(raw, keep_blank_values=True)))
        for key in ("blocks", "view", "metadata"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        return params

    async def _web_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip() if auth else params.get("token")
        self.calls.append(ApiCall(method, params, token))
        try:
            failures = self._failures.get(method)
            if failures:
                failure = failures.pop(0)
                handler = getattr(self, "_m_" + method.replace(".", "_"), None)
                if failure.lands and handler is not None:
                    handler(params)
                    await self._notify()
                if failure.hang:
                    await asyncio.sleep(failure.hang)
                headers = {}
                if failure.retry_after is not None:
                    headers["Retry-After"] = str(failure.retry_after)
                return web.json_response(
                    {"ok": False, "error": failure.error}, status=failure.status, headers=headers
                )
            expected = self.app_token if method == "apps.connections.open" else self.bot_token
            if token != expected:
                return _error("invalid_auth" if token else "not_authed")
            handler = getattr(self, "_m_" + method.replace(".", "_"), None)
            if handler is None:
                return _error("unknown_method")
            body = handler(params)
            if self._latency.get(method):
                await self._notify()
                await asyncio.sleep(self._latency[method])
            return web.json_response(body)
        finally:
            await self._notify()

    def _channel(self, params: dict[str, Any], *, needs_member: bool = True) -> FakeChannel | str:
        channel = self.channels.get(str(params.get("channel")))
        if channel is None:
            return "channel_not_found"
        if channel.archived:
            return "is_archived"
        if needs_member and not channel.member:
            return "not_in_channel"
        return channel

    def _next_ts(self) -> str:
        return f"{1_750_000_000 + next(self._ts)}.000100"

    # Web API methods (return a JSON body) -------------------------------------------
    def _m_auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://fake-workspace.slack.com/",
            "team": "Fake Workspace",
            "user": "lpbot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _m_chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params)
        if isinstance(channel, str):
            return {"ok": False, "error": channel}
        ts = self._next_ts()
        message = FakeMessage(
            channel.id,
            ts,
            params.get("text") or "",
            params.get("blocks") or [],
            params.get("thread_ts"),
            params.get("metadata"),
        )
        self.messages[(channel.id, ts)] = message
        body = {"type": "message", "ts": ts, "text": message.text, "bot_id": self.bot_id}
        return {"ok": True, "channel": channel.id, "ts": ts, "message": body}

    def _listed(self, message: FakeMessage, with_metadata: bool) -> dict[str, Any]:
        listed: dict[str, Any] = {
            "type": "message", "ts": message.ts, "text": message.text,
            "user": self.bot_user_id, "bot_id": self.bot_id,
        }
        if message.thread_ts:
            listed["thread_ts"] = message.thread_ts
        if message.metadata and with_metadata:
            listed["metadata"] = message.metadata
        return listed

    def _m_conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        """The channel's top-level messages, newest first (the bot's own are kept)."""
        channel = self._channel(params)
        if isinstance(channel, str):
            return {"ok": False, "error": channel}
        with_metadata = str(params.get("include_all_metadata")).lower() in ("1", "true")
        found = self.messages_in(channel.id)
        limit = int(params.get("limit") or 100)
        listed = [self._listed(m, with_metadata) for m in reversed(found)][:limit]
        return {"ok": True, "messages": listed, "has_more": len(found) > limit}

    def _m_conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params)
        if isinstance(channel, str):
            return {"ok": False, "error": channel}
        with_metadata = str(params.get("include_all_metadata")).lower() in ("1", "true")
        thread_ts = str(params.get("ts"))
        found = sorted(
            (m for m in self.messages.values()
             if m.channel == channel.id and thread_ts in (m.ts, m.thread_ts)),
            key=lambda m: float(m.ts),
        )
        return {"ok": True, "messages": [self._listed(m, with_metadata) for m in found]}

    def _m_chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params)
        if isinstance(channel, str):
            return {"ok": False, "error": channel}
        message = self.messages.get((channel.id, str(params.get("ts"))))
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        message.text = params.get("text") or ""
        message.blocks = params.get("blocks") or []
        return {"ok": True, "channel": channel.id, "ts": message.ts, "text": message.text}

    def _m_chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params)
        if isinstance(channel, str):
            return {"ok": False, "error": channel}
        key = (channel.id, str(params.get("ts")))
        if self.messages.pop(key, None) is None:
            return {"ok": False, "error": "message_not_found"}
        self.deleted.append(key)
        return {"ok": True, "channel": channel.id, "ts": key[1]}

    def _m_chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params)
        if isinstance(channel, str):
            return {"ok": False, "error": channel}
        return {"ok": True, "message_ts": self._next_ts()}

    def _m_chat_getPermalink(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params, needs_member=False)
        if isinstance(channel, str):
            return {"ok": False, "error": channel}
        ts = str(params.get("message_ts")).replace(".", "")
        link = f"https://fake-workspace.slack.com/archives/{channel.id}/p{ts}"
        return {"ok": True, "channel": channel.id, "permalink": link}

    def _m_users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(params.get("user")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user}

    def _m_conversations_join(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params, needs_member=False)
        if isinstance(channel, str):
            return {"ok": False, "error": channel}
        if channel.private:
            return {"ok": False, "error": "method_not_supported_for_channel_type"}
        channel.member = True
        return {"ok": True, "channel": {"id": channel.id, "is_member": True}}

    def _m_views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        view_id = f"V{next(self._view_ids):04d}"
        self.views[view_id] = dict(params["view"], id=view_id)
        return {"ok": True, "view": self.views[view_id]}

    def _m_views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        view_id = str(params.get("view_id"))
        if view_id not in self.views:
            return {"ok": False, "error": "not_found"}
        self.views[view_id] = dict(params["view"], id=view_id)
        return {"ok": True, "view": self.views[view_id]}

    def _m_apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}

    # response_url and Socket Mode -----------------------------------------------------
    async def _response_url(self, request: web.Request) -> web.Response:
        """``fail("response_url", ...)`` scripts its failures like a Web API method's;
        Slack answers a response_url with plain text ("ok", "expired_url", ...)."""
        entry = (request.match_info["key"], await request.json())
        try:
            failures = self._failures.get("response_url")
            if failures:
                failure = failures.pop(0)
                if failure.lands:
                    self.responses.append(entry)
                    await self._notify()
                if failure.hang:
                    await asyncio.sleep(failure.hang)
                return web.Response(text=failure.error, status=failure.status)
            self.responses.append(entry)
            return web.Response(text="ok")
        finally:
            await self._notify()

    async def _socket_mode(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._socket = ws
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {}})
        await self._notify()
        async for message in ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                self.socket_acks.append(json.loads(message.data))
                await self._notify()
        return ws

    async def send_envelope(self, envelope: dict[str, Any]) -> None:
        """Deliver a Socket Mode envelope once the app is connected."""
        await self.wait_for(lambda: self._socket is not None and not self._socket.closed)
        assert self._socket is not None
        await self._socket.send_json(envelope)


def _error(code: str) -> web.Response:
    return web.json_response({"ok": False, "error": code})


# -- signed requests, as Slack sends them --------------------------------------------------


def slack_signature(secret: str, timestamp: str, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class SentResponse:
    status: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text) if self.text else None


class SlackSender:
    """Posts to the app's ``/slack/events`` the way Slack does, signed with the
    signing secret at ``now()`` (epoch seconds; tests pass their fixed clock)."""

    def __init__(
        self, url: str, fake: FakeSlack, now: Callable[[], float], *, team_id: str | None = None
    ) -> None:
        self.url = url
        self.fake = fake
        self.now = now
        self.team_id = team_id or fake.team_id
        self._session: aiohttp.ClientSession | None = None
        self._triggers = itertools.count(1)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> SentResponse:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        ts = str(int(self.now()) if timestamp is None else timestamp)
        sent = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": (
                signature
                if signature is not None
                else slack_signature(self.fake.signing_secret, ts, body)
            ),
            **(headers or {}),
        }
        async with self._session.post(self.url, data=body.encode(), headers=sent) as response:
            return SentResponse(response.status, await response.text())

    def command_body(self, text: str, *, user: str, channel: str, response_key: str = "cmd") -> str:
        return urlencode(
            {
                "token": "legacy-verification-token",
                "team_id": self.team_id,
                "team_domain": "fake-workspace",
                "channel_id": channel,
                "channel_name": channel.lower(),
                "user_id": user,
                "user_name": self.fake.users.get(user, {}).get("name", user.lower()),
                "command": "/lp",
                "text": text,
                "api_app_id": "A0FAKE",
                "is_enterprise_install": "false",
                "response_url": self.fake.response_url(response_key),
                "trigger_id": f"trigger-{next(self._triggers)}",
            }
        )

    async def command(
        self, text: str, *, user: str, channel: str, response_key: str = "cmd", **kwargs: Any
    ) -> SentResponse:
        body = self.command_body(text, user=user, channel=channel, response_key=response_key)
        return await self.post(body, "application/x-www-form-urlencoded", **kwargs)

    def event_body(self, event: dict[str, Any], *, event_id: str) -> str:
        return json.dumps(
            {
                "token": "legacy-verification-token",
                "team_id": self.team_id,
                "api_app_id": "A0FAKE",
                "event": event,
                "type": "event_callback",
                "event_id": event_id,
                "event_time": int(self.now()),
                "authorizations": [
                    {
                        "team_id": self.team_id,
                        "user_id": self.fake.bot_user_id,
                        "is_bot": True,
                        "is_enterprise_install": False,
                    }
                ],
            }
        )

    async def event(
        self, event: dict[str, Any], *, event_id: str, retry_num: int | None = None, **kwargs: Any
    ) -> SentResponse:
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        body = self.event_body(event, event_id=event_id)
        return await self.post(body, "application/json", headers=headers, **kwargs)

    async def interactive(self, payload: dict[str, Any], **kwargs: Any) -> SentResponse:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded", **kwargs)

    # payload builders -------------------------------------------------------------------
    def thread_reply(
        self, channel: str, thread_ts: str, ts: str, user: str, text: str
    ) -> dict[str, Any]:
        return {
            "type": "message",
            "channel": channel,
            "user": user,
            "text": text,
            "ts": ts,
            "thread_ts": thread_ts,
            "event_ts": ts,
            "channel_type": "channel",
        }

    def edited(
        self, channel: str, thread_ts: str, ts: str, user: str, old: str, new: str, edit_ts: str
    ) -> dict[str, Any]:
        return {
            "type": "message",
            "subtype": "message_changed",
            "channel": channel,
            "hidden": True,
            "ts": edit_ts,
            "event_ts": edit_ts,
            "message": {
                "type": "message",
                "user": user,
                "text": new,
                "ts": ts,
                "thread_ts": thread_ts,
                "edited": {"user": user, "ts": edit_ts},
            },
            "previous_message": {
                "type": "message",
                "user": user,
                "text": old,
                "ts": ts,
                "thread_ts": thread_ts,
            },
            "channel_type": "channel",
        }

    def deleted(
        self, channel: str, thread_ts: str, ts: str, user: str, text: str, delete_ts: str
    ) -> dict[str, Any]:
        return {
            "type": "message",
            "subtype": "message_deleted",
            "channel": channel,
            "hidden": True,
            "deleted_ts": ts,
            "ts": delete_ts,
            "event_ts": delete_ts,
            "previous_message": {
                "type": "message",
                "user": user,
                "text": text,
                "ts": ts,
                "thread_ts": thread_ts,
            },
            "channel_type": "channel",
        }

    def shortcut(
        self, *, user: str, channel: str, message: dict[str, Any], response_key: str = "shortcut"
    ) -> dict[str, Any]:
        return {
            "type": "message_action",
            "callback_id": "star_feedback",
            "trigger_id": f"trigger-{next(self._triggers)}",
            "action_ts": str(int(self.now())),
            "team": {"id": self.team_id, "domain": "fake-workspace"},
            "user": {"id": user, "name": user.lower(), "team_id": self.team_id},
            "channel": {"id": channel, "name": channel.lower()},
            "message": message,
            "response_url": self.fake.response_url(response_key),
        }

    def view_submission(
        self, *, user: str, view: dict[str, Any], view_id: str, answer: str
    ) -> dict[str, Any]:
        return {
            "type": "view_submission",
            "team": {"id": self.team_id, "domain": "fake-workspace"},
            "user": {"id": user, "name": user.lower(), "team_id": self.team_id},
            "api_app_id": "A0FAKE",
            "trigger_id": f"trigger-{next(self._triggers)}",
            "view": {
                **view,
                "id": view_id,
                "team_id": self.team_id,
                "state": {
                    "values": {"answer": {"text": {"type": "plain_text_input", "value": answer}}}
                },
            },
        }


# -- the real bot wired to the Slack adapter and this fake ---------------------------------


@dataclass
class SlackRig:
    """A running ``LPBot`` + ``SlackAdapter`` (HTTP or Socket Mode) against ``fake``."""

    fake: FakeSlack
    adapter: Any  # adapters.slack.SlackAdapter
    bot: Any  # bot.app.LPBot
    storage: Any  # storage.base.Storage
    task: asyncio.Task[None]
    sender: SlackSender | None = None

    async def drain(self) -> None:
        await self.adapter.drain()

    async def stop(self) -> BaseException | None:
        """Shut everything down; returns what ``adapter.run`` raised, if anything."""
        await self.adapter.close()
        outcome = (await asyncio.gather(self.task, return_exceptions=True))[0]
        await self.bot.stop()
        await self.storage.close()
        if self.sender is not None:
            await self.sender.close()
        return outcome if isinstance(outcome, BaseException) else None


STUDY_CHANNEL = "C0STUDY"
STUDY_ADMIN = "U0ADMIN"
STUDY_MEMBER = "U0MEMBER"


async def study_workspace() -> FakeSlack:
    """A started fake workspace with one channel, an admin (Ada) and a member (Mia)."""
    server = await FakeSlack().start()
    server.add_channel(STUDY_CHANNEL)
    server.add_user(STUDY_ADMIN, "Ada", admin=True)
    server.add_user(STUDY_MEMBER, "Mia")
    return server


def process_env(fake: FakeSlack, database: str | os.PathLike[str], **extra: str) -> dict[str, str]:
    """The environment of a real ``lpbot run`` against ``fake`` in HTTP mode: this
    process's, without any platform or lpbot settings of the machine, plus ``extra``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "SLACK_", "LPBOT_", "DATABASE_URL", "PORT"))
    }
    env.update(
        SLACK_BOT_TOKEN=fake.bot_token,
        SLACK_SIGNING_SECRET=fake.signing_secret,
        SLACK_API_URL=fake.api_url,
        DATABASE_URL=f"sqlite:///{os.fspath(database)}",
        **extra,
    )
    return env


async def start_rig(
    fake: FakeSlack,
    database: str,
    clock: Callable[[], Any],
    *,
    socket_mode: bool = False,
    admins: frozenset[str] = frozenset(),
    start_bot: bool = True,
    send_timeout: float = 20.0,
    **adapter_options: Any,
) -> SlackRig:
    import random

    from adapters.slack import SlackAdapter
    from adapters.slack.settings import SlackSettings
    from bank import load_bank
    from bot.app import LPBot
    from bot.config import Settings
    from storage import open_storage

    settings = Settings(database_url=f"sqlite:///{database}", send_timeout=send_timeout)
    slack_settings = SlackSettings(
        bot_token=fake.bot_token,
        app_token=fake.app_token if socket_mode else None,
        signing_secret=fake.signing_secret,
        api_url=fake.api_url,
        admins=admins,
        port=0,
    )
    storage = await open_storage(settings.database_url)
    adapter_options.setdefault("post_interval", 0)
    adapter = SlackAdapter(slack_settings, clock=clock, host="127.0.0.1", **adapter_options)
    bot = LPBot(storage, load_bank(), settings, clock=clock, rng=random.Random(3))
    bot.add_platform(adapter)
    if start_bot:
        await bot.start()
    task = asyncio.create_task(adapter.run(bot))
    rig = SlackRig(fake, adapter, bot, storage, task)
    try:
        await adapter.wait_ready()
    except BaseException:
        await rig.stop()
        raise
    if not socket_mode:
        url = f"http://127.0.0.1:{adapter.port}/slack/events"
        rig.sender = SlackSender(url, fake, lambda: clock().timestamp())
    return rig
