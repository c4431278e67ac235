"""A local fake Discord for tests: the REST API (``/api/v10``) and the gateway WebSocket,
served by aiohttp on 127.0.0.1 and a free port, so the real discord.py client runs
against it unchanged (through ``DISCORD_API_BASE_URL`` and ``DISCORD_GATEWAY_URL``).

It keeps a small world (one bot, servers, text channels, threads, messages), records
every request, validates what Discord validates (message and embed limits, thread
names, one response per interaction), and can be told to fail: 429 with Retry-After,
403, 404 Unknown Channel, 401 for a revoked token, gateway close codes such as 4014.

The gateway speaks HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats (1 -> 11),
RESUME -> RESUMED, and dispatches; with ``compress=zlib-stream`` in the URL (what
discord.py asks for when zstd is not installed) every payload goes through one zlib
stream per connection, each flushed with Z_SYNC_FLUSH.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiohttp import WSMsgType, web

from tests import discord_fake_payloads as P
from tests import discord_fake_rest
from tests.discord_fake_people import FakeInteraction, MemberActions

T = TypeVar("T")
JSON = dict[str, Any]

FIXED_NOW = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)  # a Monday


@dataclass
class RecordedRequest:
    seq: int
    method: str
    path: str  # after /api/v10, e.g. "/channels/1/messages"
    query: dict[str, str]
    body: Any
    status: int
    at: float  # loop time, for "waited at least Retry-After" checks
    response: Any = None


@dataclass
class Failure:
    method: str
    path: re.Pattern[str]
    status: int
    body: JSON
    headers: dict[str, str]
    times: int
    hang: float = 0.0


class GatewayConnection:
    def __init__(self, ws: web.WebSocketResponse, query: dict[str, str]) -> None:
        self.ws = ws
        self.query = query
        self.compress = query.get("compress")
        self._zlib = zlib.compressobj() if self.compress == "zlib-stream" else None
        self.seq = 0
        self.identify: JSON | None = None
        self.resumed = False
        self.session_id: str | None = None

    async def send(self, op: int, data: Any = None, event: str | None = None) -> None:
        seq = None
        if op == 0:
            self.seq += 1
            seq = self.seq
        text = json.dumps({"op": op, "d": data, "s": seq, "t": event})
        if self._zlib is not None:
            raw = self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
            await self.ws.send_bytes(raw)
        else:
            await self.ws.send_str(text)


class FakeDiscord(MemberActions):
    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        message_content_allowed: bool = True,
        now: Callable[[], datetime] = lambda: FIXED_NOW,
    ) -> None:
        self.token = token
        self.token_revoked = False
        self.message_content_allowed = message_content_allowed
        self.send_threads_on_connect = True
        self.now = now
        self._ids = P.Snowflakes()
        self.bot_user = P.user(self._id(), "lpbot", bot=True)
        self.bot_id = int(self.bot_user["id"])
        self.owner = P.user(self._id(), "owner")
        self.application_id = self.bot_id  # as for every bot created since 2020
        self.guilds: dict[int, JSON] = {}  # id -> {"name", "members": {uid: user}}
        self.channels: dict[int, JSON] = {}
        self.messages: dict[int, JSON] = {}
        self.commands: dict[int | None, list[JSON]] = {}
        self.interactions: dict[int, FakeInteraction] = {}
        self.requests: list[RecordedRequest] = []
        self.connections: list[GatewayConnection] = []
        self.identifies: list[JSON] = []
        self.heartbeats = 0
        self._failures: list[Failure] = []
        #: "METHOD /path" of every request a scripted failure held (``fail(hang=...)``),
        #: added when its wait begins.
        self.held: list[str] = []
        self._stopping = asyncio.Event()
        #: Requests a second the bot token may make (Discord's global limit is 50); None: off.
        self.global_limit: int | None = None
        self._recent: deque[float] = deque()
        self._changed = asyncio.Condition()
        self._seq = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # lifecycle ---------------------------------------------------------------------
    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets
        self.port = server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        self._stopping.set()  # ends the waits of held requests
        for conn in list(self.connections):
            await conn.ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment variables that point lpbot at this fake."""
        return {
            "DISCORD_TOKEN": self.token,
            "DISCORD_API_BASE_URL": self.api_base_url,
            "DISCORD_GATEWAY_URL": self.gateway_url,
            **extra,
        }

    # the world -----------------------------------------------------------------------
    def _id(self) -> int:
        return self._ids.next(self.now())

    def add_guild(self, name: str = "Study Group") -> int:
        guild_id = self._id()
        self.guilds[guild_id] = {"name": name, "members": {}, "bot_member": True}
        return guild_id

    def add_channel(self, guild_id: int, name: str = "lp-daily") -> int:
        channel_id = self._id()
        position = sum(1 for c in self.channels.values() if c.get("guild_id") == str(guild_id))
        self.channels[channel_id] = P.text_channel(channel_id, guild_id, name, position)
        return channel_id

    def add_user(self, guild_id: int, username: str) -> JSON:
        payload = P.user(self._id(), username)
        self.guilds[guild_id]["members"][int(payload["id"])] = payload
        return payload

    def guild_of(self, channel_id: int) -> int:
        return int(self.channels[channel_id]["guild_id"])

    def threads_in(self, parent_id: int) -> list[JSON]:
        return [
            c
            for c in self.channels.values()
            if c["type"] == P.PUBLIC_THREAD and c["parent_id"] == str(parent_id)
        ]

    def messages_in(self, channel_id: int) -> list[JSON]:
        return [m for m in self.messages.values() if m["channel_id"] == str(channel_id)]

    def delete_channel(self, channel_id: int) -> None:
        self.channels.pop(channel_id, None)

    # scripted failures ---------------------------------------------------------------
    def fail(
        self,
        method: str,
        path: str,
        status: int,
        *,
        code: int = 0,
        message: str = "",
        times: int = 1,
        retry_after: float | None = None,
        hang: float = 0.0,
    ) -> None:
        """Answer the next ``times`` requests matching ``method`` and the ``path``
        regular expression with ``status`` (a 429 carries ``retry_after``); with
        ``hang``, each first waits that many seconds (or until the fake stops), as a
        stalled Discord does; ``held`` lists it from when its wait begins."""
        body: JSON = {"message": message or f"{status}: scripted failure", "code": code}
        headers: dict[str, str] = {}
        if status == 429:
            wait = retry_after if retry_after is not None else 1.0
            body = {"message": "You are being rate limited.", "retry_after": wait, "global": False}
            headers = {
                "Retry-After": str(max(1, round(wait))),
                "X-RateLimit-Scope": "user",
                "Via": "1.1 google",  # discord.py treats a 429 without it as a Cloudflare ban
            }
        self._failures.append(
            Failure(method, re.compile(path), status, body, headers, times, hang)
        )

    def _over_global_limit(self) -> bool:
        if self.global_limit is None:
            return False
        now = asyncio.get_running_loop().time()
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        if len(self._recent) >= self.global_limit:
            return True
        self._recent.append(now)
        return False

    def revoke_token(self) -> None:
        self.token_revoked = True

    # waiting -------------------------------------------------------------------------
    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_until(self, condition: Callable[[], T], timeout: float = 10.0) -> T:
        """Wait (bounded, no polling sleep) until ``condition()`` is truthy; return it."""
        async with asyncio.timeout(timeout), self._changed:
            while not (value := condition()):
                await self._changed.wait()
            return value

    async def wait_for_request(
        self,
        method: str,
        path: str,
        *,
        where: Callable[[RecordedRequest], bool] = lambda r: True,
        count: int = 1,
        timeout: float = 10.0,
    ) -> list[RecordedRequest]:
        return await self.wait_until(
            lambda: (
                (found := self.find_requests(method, path, where)) and len(found) >= count and found
            ),
            timeout,
        )

    def find_requests(
        self, method: str, path: str, where: Callable[[RecordedRequest], bool] = lambda r: True
    ) -> list[RecordedRequest]:
        pattern = re.compile(path)
        return [
            r
            for r in self.requests
            if r.method == method and pattern.fullmatch(r.path) and where(r)
        ]

    # gateway ---------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = GatewayConnection(ws, dict(request.query))
        self.connections.append(conn)
        await conn.send(10, {"heartbeat_interval": 41250})
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                await self._gateway_op(conn, payload["op"], payload.get("d"))
        finally:
            self.connections.remove(conn)
            await self._notify()
        return ws

    async def _gateway_op(self, conn: GatewayConnection, op: int, data: Any) -> None:
        if op == 1:
            self.heartbeats += 1
            await conn.send(11)
        elif op == 2:
            await self._identify(conn, data)
        elif op == 6:
            conn.session_id = data["session_id"]
            conn.seq = int(data.get("seq") or 0)
            conn.identify = data
            conn.resumed = True
            await conn.send(0, {}, "RESUMED")
        await self._notify()

    async def _identify(self, conn: GatewayConnection, data: JSON) -> None:
        self.identifies.append(data)
        if self.token_revoked or data.get("token") != self.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        if data.get("intents", 0) & P.MESSAGE_CONTENT_INTENT and not self.message_content_allowed:
            await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        conn.identify = data
        conn.session_id = f"session-{len(self.identifies)}"
        ours = [gid for gid, g in self.guilds.items() if g["bot_member"]]
        await conn.send(
            0,
            {
                "v": 10,
                "user": self.bot_user,
                "guilds": [{"id": str(gid), "unavailable": True} for gid in ours],
                "session_id": conn.session_id,
                "resume_gateway_url": self.gateway_url,
                "application": {"id": str(self.application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
            },
            "READY",
        )
        for gid in ours:
            await conn.send(0, self.guild_payload(gid), "GUILD_CREATE")

    def guild_payload(self, guild_id: int) -> JSON:
        g = self.guilds[guild_id]
        now = self.now()
        members = [P.member(u, now) for u in g["members"].values()]
        members.append(P.member(self.bot_user, now))
        channels = [
            c
            for c in self.channels.values()
            if c["guild_id"] == str(guild_id) and c["type"] == P.TEXT_CHANNEL
        ]
        threads = [
            c
            for c in self.channels.values()
            if c["guild_id"] == str(guild_id) and c["type"] == P.PUBLIC_THREAD
        ]
        if not self.send_threads_on_connect:
            threads = []
        return P.guild(guild_id, g["name"], int(self.owner["id"]), channels, members, threads, now)

    @property
    def identified(self) -> list[GatewayConnection]:
        return [c for c in self.connections if c.identify is not None and not c.ws.closed]

    async def dispatch(self, event: str, data: JSON) -> None:
        for conn in self.identified:
            await conn.send(0, data, event)

    async def close_gateway(self, code: int, reason: str = "") -> None:
        for conn in list(self.connections):
            await conn.ws.close(code=code, message=reason.encode())

    async def wait_connected(self, timeout: float = 10.0) -> GatewayConnection:
        return (await self.wait_until(lambda: self.identified, timeout))[-1]

    # REST ------------------------------------------------------------------------------
    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["path"]
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode(errors="replace")
        status, payload, headers = await self._answer(request, path, body)
        self.requests.append(
            RecordedRequest(
                next(self._seq),
                request.method,
                path,
                dict(request.query),
                body,
                status,
                asyncio.get_running_loop().time(),
                payload,
            )
        )
        await self._notify()
        if status == 204:
            return web.Response(status=204, headers=headers)
        # Exactly "application/json", as Discord sends: discord.py compares the header
        # verbatim and would read anything else ("...; charset=utf-8") as plain text.
        return web.Response(
            body=json.dumps(payload).encode(),
            status=status,
            headers={**headers, "Content-Type": "application/json"},
        )

    async def _answer(
        self, request: web.Request, path: str, body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        method = request.method
        for failure in self._failures:
            if failure.times > 0 and failure.method == method and failure.path.fullmatch(path):
                failure.times -= 1
                if failure.hang:
                    self.held.append(f"{method} {path}")
                    await self._notify()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._stopping.wait(), failure.hang)
                return failure.status, failure.body, failure.headers
        token_in_url = path.startswith(("/interactions/", "/webhooks/"))
        if not token_in_url and self._over_global_limit():
            body = {"message": "You are being rate limited.", "retry_after": 1.0, "global": True}
            headers = {"Retry-After": "1", "X-RateLimit-Global": "true", "Via": "1.1 google"}
            return 429, body, headers
        if not token_in_url and (
            self.token_revoked or request.headers.get("Authorization") != f"Bot {self.token}"
        ):
            return 401, {"message": "401: Unauthorized", "code": 0}, {}
        return await discord_fake_rest.route(self, method, path, body)
