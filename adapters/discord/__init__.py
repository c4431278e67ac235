"""lpbot on Discord: the ``/lp`` commands, the daily question with its thread, and
feedback on answers posted there. See README.md in this folder."""

from __future__ import annotations

from adapters.discord.client import DiscordAdapter

__all__ = ["DiscordAdapter"]
