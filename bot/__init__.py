"""lpbot's platform-neutral core: events, replies, commands, scheduling, STAR analysis."""

from __future__ import annotations

__version__ = "0.1.0"
