"""A channel's schedule as the core reads and changes it: the stored config (or the
defaults from the settings), saving it and telling the scheduler, and when its next
post goes out."""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, time

from bot.clock import Clock
from bot.events import ChannelRef
from bot.scheduler import DailyPostScheduler
from storage.base import ChannelConfig, Storage

log = logging.getLogger(__name__)


class ChannelSchedules:
    def __init__(
        self,
        storage: Storage,
        scheduler: DailyPostScheduler,
        clock: Clock,
        *,
        default_time: time,
        default_timezone: str,
    ) -> None:
        self.storage = storage
        self.scheduler = scheduler
        self.clock = clock
        self.default_time = default_time
        self.default_timezone = default_timezone

    async def get(self, channel: ChannelRef) -> ChannelConfig:
        """The channel's stored config, or the defaults from the settings."""
        config = await self.storage.get_channel(channel)
        if config is None:
            config = ChannelConfig(
                channel=channel, post_time=self.default_time, timezone=self.default_timezone
            )
        return config

    async def save(self, config: ChannelConfig) -> None:
        if config.scheduled and config.scheduled_since is None:
            config.scheduled_since = self.clock()
        await self.storage.save_channel(config)
        await self.scheduler.sync_channel(config)

    async def next_run(self, channel: ChannelRef) -> datetime | None:
        return await self.scheduler.next_run(channel)

    async def unavailable(self, channel: ChannelRef, reason: str) -> None:
        config = await self.storage.get_channel(channel)
        if config is None or not config.enabled:
            return
        log.error("Stopped the daily post in %s: %s", channel.key, reason)
        await self.save(dataclasses.replace(config, enabled=False, disabled_reason=reason))
