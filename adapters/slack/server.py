"""HTTP mode: one aiohttp endpoint for events, slash commands and interactivity.

Every request is checked against ``SLACK_SIGNING_SECRET`` (Slack's v0 signature,
timestamps within 5 minutes) before Bolt sees it; forged or stale requests get 401
and reach nothing else. The check uses slack_sdk's ``SignatureVerifier`` (the one
Bolt's own middleware uses) here at the HTTP boundary so its clock can be injected;
Bolt's copy is switched off to avoid checking twice."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import Clock, SignatureVerifier

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
#: Slack's largest payloads (an edited long message with its previous version) stay
#: far below this; anything bigger is not from Slack.
MAX_BODY_BYTES = 1024 * 1024


class _InjectedClock(Clock):
    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now().timestamp()


class SlackHttpServer:
    """Serves ``app`` on ``host:port`` at ``/slack/events`` (port 0: any free port)."""

    def __init__(
        self,
        app: AsyncApp,
        signing_secret: str,
        *,
        host: str,
        port: int,
        clock: Callable[[], datetime],
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self._app = app
        self._verifier = SignatureVerifier(signing_secret, clock=_InjectedClock(clock))
        self._host = host
        self._port = port
        self._max_body_bytes = max_body_bytes
        self._web = web.Application(client_max_size=max_body_bytes)
        self._web.router.add_post(EVENTS_PATH, self._handle)
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self) -> int:
        """Start listening; returns the bound port."""
        self._runner = web.AppRunner(self._web, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        log.info("Slack HTTP mode: listening on %s:%s%s", self._host, self.port, EVENTS_PATH)
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _signed(self, body: str, headers: Mapping[str, str]) -> bool:
        timestamp = headers.get("X-Slack-Request-Timestamp")
        signature = headers.get("X-Slack-Signature")
        if not timestamp or not signature or not timestamp.strip().isdigit():
            return False
        return self._verifier.is_valid(body, timestamp.strip(), signature)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await request.text()
        except web.HTTPRequestEntityTooLarge:
            log.warning("Refused a Slack request body over %s bytes", self._max_body_bytes)
            return web.Response(status=413, text="request body too large")
        if not self._signed(body, request.headers):
            log.info("Refused a Slack request with a missing, forged or stale signature")
            return web.json_response({"error": "invalid request"}, status=401)
        bolt_request = AsyncBoltRequest(
            body=body,
            query=request.query_string,
            headers=request.headers,  # type: ignore[arg-type]
        )
        bolt_response = await self._app.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)
