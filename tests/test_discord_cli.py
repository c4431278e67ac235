"""``lpbot discord invite``: the link that adds the bot to a server."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, urlparse

import pytest

from adapters.discord.cli import BOT_PERMISSIONS
from bot import __version__
from bot.cli import main
from tests.discord_fake import FakeDiscord


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env from the project
    for name in ("DISCORD_TOKEN", "DISCORD_API_BASE_URL", "DISCORD_GUILD_ID"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def link_query(output: str) -> dict[str, list[str]]:
    url = urlparse(output.strip())
    assert (url.scheme, url.netloc, url.path) == ("https", "discord.com", "/oauth2/authorize")
    return parse_qs(url.query)


def test_invite_with_a_client_id_prints_the_link(clean_env, capsys):
    assert main(["discord", "invite", "--client-id", "987654321"]) == 0
    query = link_query(capsys.readouterr().out)
    assert query["client_id"] == ["987654321"]
    assert query["scope"] == ["bot applications.commands"]
    assert query["permissions"] == [str(BOT_PERMISSIONS.value)]


def test_the_server_id_setting_preselects_the_server(clean_env, capsys):
    clean_env.setenv("DISCORD_GUILD_ID", "555")
    assert main(["discord", "invite", "--client-id", "1"]) == 0
    assert link_query(capsys.readouterr().out)["guild_id"] == ["555"]


async def test_invite_asks_discord_for_the_application_id(clean_env, capsys):
    fake = await FakeDiscord().start()
    try:
        clean_env.setenv("DISCORD_TOKEN", fake.token)
        clean_env.setenv("DISCORD_API_BASE_URL", fake.api_base_url)
        code = await asyncio.to_thread(main, ["discord", "invite"])
        assert code == 0
        query = link_query(capsys.readouterr().out)
        assert query["client_id"] == [str(fake.application_id)]
        assert fake.find_requests("GET", "/oauth2/applications/@me")

        fake.revoke_token()
        assert await asyncio.to_thread(main, ["discord", "invite"]) == 1
        assert "rejected the bot token" in capsys.readouterr().err
    finally:
        await fake.stop()


def test_invite_without_an_id_or_a_token_says_what_to_give(clean_env, capsys):
    assert main(["discord", "invite"]) == 2
    assert "--client-id" in capsys.readouterr().err


def test_every_level_answers_version(clean_env, capsys):
    for argv in (["discord", "--version"], ["discord", "invite", "--version"]):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 0
        assert __version__ in capsys.readouterr().out
