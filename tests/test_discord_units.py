"""The Discord adapter's pure parts: rendering within Discord's limits, error mapping,
pacing, the practice form, autocomplete, the endpoint settings and the invite link."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import parse_qs, urlparse

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord import DiscordAdapter, endpoints
from adapters.discord.cli import BOT_PERMISSIONS, invite_url
from adapters.discord.errors import translate
from adapters.discord.interactions import InteractionHandler, form_text
from adapters.discord.pacing import Pacer
from adapters.discord.render import KIND_COLORS, content_for, description_of, embed_for
from bank.model import Principle
from bot.config import ConfigError, Settings
from bot.platform import (
    AuthFailed,
    ChannelUnavailable,
    MessageRejected,
    MissingPermission,
    PlatformError,
)
from bot.replies import Reply, Section

WORDS = "situation task action result learning " * 2000  # ~76,000 characters


def test_a_short_reply_becomes_an_embed_with_every_part():
    reply = Reply(
        title="Strong story",
        body="Clear and specific.",
        sections=(Section("Situation", "Set up well."), Section("", "No heading here.")),
        suggestions=("Add a number to the result",),
        follow_up="What would you do differently?",
        footer="Score 4/5",
        kind="feedback",
    )
    embed = embed_for(reply)
    assert embed.title == "Strong story"
    assert embed.description == (
        "Clear and specific.\n\n**Situation**\nSet up well.\n\nNo heading here.\n\n"
        "**Try next**\n• Add a number to the result\n\n"
        "**Follow-up:** What would you do differently?"
    )
    assert embed.footer.text == "Score 4/5"
    assert embed.colour is not None and embed.colour.value == KIND_COLORS["feedback"]


def test_the_reply_colour_wins_over_the_kind_colour():
    assert embed_for(Reply(title="Q", color=0x123456, kind="question")).colour.value == 0x123456


def test_long_feedback_is_shortened_at_a_word_boundary_within_discords_limits():
    reply = Reply(title=WORDS, body=WORDS, sections=(Section("More", WORDS),), footer=WORDS)
    embed = embed_for(reply)
    assert embed.title is not None and embed.description is not None
    assert len(embed.title) <= 256
    assert len(embed.description) <= 4096
    assert embed.footer.text is not None and len(embed.footer.text) <= 2048
    assert len(embed) <= 6000
    for text in (embed.title, embed.description, embed.footer.text):
        assert text.endswith("…")
        head = text.removesuffix("…")
        assert WORDS.startswith(head) and WORDS[len(head)] == " "  # whole words only
    assert description_of(reply).startswith(embed.description.removesuffix("…"))


def test_plain_content_is_cut_to_2000_characters():
    assert len(content_for(WORDS)) <= 2000
    assert content_for("short") == "short"


def http_error(cls: type[discord.HTTPException], status: int, code: int) -> Exception:
    response = SimpleNamespace(status=status, reason="x")
    return cls(response, {"code": code, "message": f"error {code}"})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (http_error(discord.NotFound, 404, 10003), ChannelUnavailable),
        (http_error(discord.Forbidden, 403, 50013), MissingPermission),
        (http_error(discord.Forbidden, 403, 50001), MissingPermission),
        (http_error(discord.HTTPException, 401, 0), AuthFailed),
        (http_error(discord.HTTPException, 400, 50083), ChannelUnavailable),  # archived
        (http_error(discord.NotFound, 404, 10008), MessageRejected),  # message gone, not channel
        (http_error(discord.DiscordServerError, 503, 0), PlatformError),
        (discord.LoginFailure("bad"), AuthFailed),
        (OSError("connection refused"), PlatformError),
    ],
)
def test_discord_failures_map_to_the_cores_exceptions(error, expected):
    mapped = translate(error, "posting")
    assert type(mapped) is expected
    if expected is not AuthFailed:
        assert mapped.args[0].startswith("posting")


async def test_the_pacer_spaces_out_post_starts():
    now = [100.0]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(round(seconds, 3))
        now[0] += seconds

    pacer = Pacer(spacing=0.05, concurrency=4, monotonic=lambda: now[0], sleep=sleep)
    for _ in range(3):
        async with pacer:
            pass
    assert waits == [0.05, 0.05]
    now[0] += 1.0  # after a quiet second nobody waits
    async with pacer:
        pass
    assert waits == [0.05, 0.05]


def test_the_answer_is_read_from_a_label_or_an_action_row():
    labelled = [
        {"type": 10, "id": 1},
        {"type": 18, "id": 2, "component": {"type": 4, "custom_id": "answer", "value": "A story"}},
    ]
    rows = [{"type": 1, "components": [{"type": 4, "custom_id": "answer", "value": "Row"}]}]
    assert form_text(labelled) == "A story"
    assert form_text(rows) == "Row"
    assert form_text([]) == ""


def handler_with_principles(*principles: Principle) -> InteractionHandler:
    bot = SimpleNamespace(principles=lambda: list(principles))
    return InteractionHandler(lambda: bot)  # type: ignore[arg-type, return-value]


def test_principle_choices_match_names_and_slugs():
    handler = handler_with_principles(
        Principle("ownership", "Ownership", "x"),
        Principle("bias-for-action", "Bias for Action", "y"),
    )
    assert [c.value for c in handler.principle_choices("OWN")] == ["ownership"]
    assert [c.value for c in handler.principle_choices("bias-")] == ["bias-for-action"]
    assert len(handler.principle_choices("")) == 2


def test_timezone_choices_prefer_prefixes_and_stop_at_25():
    handler = handler_with_principles()
    assert handler.timezone_choices("europe/ber")[0].value == "Europe/Berlin"
    assert handler.timezone_choices("new york")[0].value == "America/New_York"
    assert len(handler.timezone_choices("a")) == 25


def test_endpoints_apply_and_restore():
    before = endpoints.current()
    previous = endpoints.apply("http://127.0.0.1:9/api/v10/", "ws://127.0.0.1:9/gateway")
    try:
        assert previous == before
        assert Route.BASE == "http://127.0.0.1:9/api/v10"
        assert Route("GET", "/users/@me").url == "http://127.0.0.1:9/api/v10/users/@me"
        assert yarl.URL("ws://127.0.0.1:9/gateway") == DiscordWebSocket.DEFAULT_GATEWAY
    finally:
        endpoints.restore(previous)
    assert endpoints.current() == before


def test_the_invite_link_asks_only_for_what_lpbot_uses():
    url = urlparse(invite_url("123456789", guild_id="42"))
    query = parse_qs(url.query)
    assert query["client_id"] == ["123456789"]
    assert query["scope"] == ["bot applications.commands"]
    assert query["guild_id"] == ["42"]
    permissions = discord.Permissions(int(query["permissions"][0]))
    assert permissions == BOT_PERMISSIONS
    granted = {name for name, value in permissions if value}
    assert granted == {
        "read_messages",  # discord.py's name for View Channel
        "send_messages",
        "send_messages_in_threads",
        "create_public_threads",
        "embed_links",
        "read_message_history",
    }
    assert not permissions.administrator and not permissions.manage_messages


def test_the_adapter_is_configured_by_the_token_and_checks_the_server_id():
    assert DiscordAdapter.configured(Settings.from_env({"DISCORD_TOKEN": "t"}))
    assert not DiscordAdapter.configured(Settings.from_env({"DISCORD_TOKEN": " "}))
    with pytest.raises(ConfigError, match="DISCORD_GUILD_ID"):
        DiscordAdapter.from_settings(
            Settings.from_env({"DISCORD_TOKEN": "t", "DISCORD_GUILD_ID": "my-server"})
        )
