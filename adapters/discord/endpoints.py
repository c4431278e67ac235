"""Where discord.py sends its requests: ``DISCORD_API_BASE_URL`` and ``DISCORD_GATEWAY_URL``.

discord.py has no per-client option for either address, so both are class attributes
set process-wide, before the client logs in:

- REST: every request builds a ``discord.http.Route`` whose URL starts with the class
  attribute ``Route.BASE`` (interaction callbacks and follow-ups use the same class).
- Gateway: a plain ``discord.Client`` never asks ``GET /gateway/bot``;
  ``Client.connect`` calls ``DiscordWebSocket.from_client`` with no address, which
  falls back to the class attribute ``DiscordWebSocket.DEFAULT_GATEWAY`` (also used
  again after Discord invalidates a session). Setting that attribute is the narrowest
  supported hook. Resuming a dropped session uses the ``resume_gateway_url`` Discord
  sent in READY, as the library intends.

``apply`` returns the previous values so ``restore`` can put them back when the
adapter closes (tests start several adapters in one process).
"""

from __future__ import annotations

from dataclasses import dataclass

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route


@dataclass(frozen=True)
class Endpoints:
    api_base: str
    gateway: yarl.URL


def current() -> Endpoints:
    return Endpoints(api_base=Route.BASE, gateway=DiscordWebSocket.DEFAULT_GATEWAY)


def apply(api_base_url: str | None, gateway_url: str | None) -> Endpoints:
    """Point discord.py at the configured addresses; return the previous ones."""
    previous = current()
    if api_base_url:
        Route.BASE = api_base_url.rstrip("/")
    if gateway_url:
        set_gateway(gateway_url)
    return previous


def set_gateway(url: str) -> None:
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)


def restore(previous: Endpoints) -> None:
    Route.BASE = previous.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = previous.gateway
