"""Who a Slack user is: display name and whether they may run admin commands.

Admins are the workspace's admins and owners (``users.info``) plus the optional
``LPBOT_SLACK_ADMINS`` allow-list. Answers are cached briefly so a burst of
commands or thread replies costs one lookup per person."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.events import User

log = logging.getLogger(__name__)

DEFAULT_TTL = timedelta(seconds=60)


def display_name(user: dict[str, Any]) -> str:
    profile = user.get("profile") or {}
    for name in (
        profile.get("display_name"),
        profile.get("real_name"),
        user.get("real_name"),
        user.get("name"),
    ):
        if name:
            return str(name)
    return ""


def is_workspace_admin(user: dict[str, Any]) -> bool:
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


@dataclass
class _Entry:
    user: User
    expires: datetime


class UserDirectory:
    def __init__(
        self,
        client: AsyncWebClient,
        *,
        allow_list: frozenset[str],
        clock: Callable[[], datetime],
        ttl: timedelta = DEFAULT_TTL,
    ) -> None:
        self._client = client
        self._allow_list = allow_list
        self._clock = clock
        self._ttl = ttl
        self._cache: dict[str, _Entry] = {}

    async def get(self, user_id: str, fallback_name: str = "") -> User:
        now = self._clock()
        cached = self._cache.get(user_id)
        if cached is not None and cached.expires > now:
            return cached.user
        try:
            response = await self._client.users_info(user=user_id)
            info: dict[str, Any] = response.get("user") or {}
        except SlackApiError as error:
            # Without users:read (or for a deleted user) the person is still served,
            # just never as an admin unless the allow-list says so. Not cached, so a
            # fixed scope takes effect at once.
            log.warning("users.info failed for %s: %s", user_id, error.response.get("error"))
            return User(user_id, fallback_name, user_id in self._allow_list)
        except (SlackClientError, aiohttp.ClientError, TimeoutError) as error:
            log.warning("users.info failed for %s: %s", user_id, error)
            return User(user_id, fallback_name, user_id in self._allow_list)
        user = User(
            id=user_id,
            name=display_name(info) or fallback_name,
            is_admin=is_workspace_admin(info) or user_id in self._allow_list,
        )
        self._cache[user_id] = _Entry(user, now + self._ttl)
        return user
