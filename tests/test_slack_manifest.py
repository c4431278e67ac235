"""The app manifests ask for exactly what the adapter uses."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from adapters.slack.app import BOT_EVENTS, BOT_SCOPES, COMMAND, SHORTCUT_CALLBACK
from adapters.slack.server import EVENTS_PATH
from bot.catalogue import COMMANDS, usage_hint

MANIFESTS = Path(__file__).resolve().parent.parent / "adapters" / "slack"


def load(mode: str) -> dict:
    return yaml.safe_load((MANIFESTS / f"manifest-{mode}.yml").read_text())


@pytest.mark.parametrize("mode", ["socket", "http"])
def test_scopes_events_command_and_shortcut_match_the_code(mode: str) -> None:
    manifest = load(mode)
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == list(BOT_EVENTS)
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == COMMAND
    [shortcut] = manifest["features"]["shortcuts"]
    assert (shortcut["type"], shortcut["callback_id"]) == ("message", SHORTCUT_CALLBACK)
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert "user" not in manifest["oauth_config"]["scopes"]


def test_socket_mode_manifest_needs_no_public_url() -> None:
    manifest = load("socket")
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "url" not in manifest["features"]["slash_commands"][0]
    assert "request_url" not in manifest["settings"]["event_subscriptions"]


def test_http_manifest_points_every_request_at_one_endpoint() -> None:
    manifest = load("http")
    assert manifest["settings"]["socket_mode_enabled"] is False
    urls = {
        manifest["features"]["slash_commands"][0]["url"],
        manifest["settings"]["event_subscriptions"]["request_url"],
        manifest["settings"]["interactivity"]["request_url"],
    }
    assert len(urls) == 1
    assert urls.pop().endswith(EVENTS_PATH)


@pytest.mark.parametrize("mode", ["socket", "http"])
def test_the_usage_hint_is_the_catalogue(mode: str) -> None:
    [command] = load(mode)["features"]["slash_commands"]
    assert command["usage_hint"] == usage_hint()
    for spec in COMMANDS:
        assert spec.usage in command["usage_hint"]
    assert len(command["usage_hint"]) <= 1000  # a hint, not a manual
