"""The Slack platform: ``/lp``, the daily Block Kit post, thread feedback, the
practice modal and the "Get STAR feedback" message shortcut (see README.md here)."""

from __future__ import annotations

from adapters.slack.adapter import SlackAdapter

__all__ = ["SlackAdapter"]
