"""``lpbot discord invite``: print the link that adds the bot to a server, with the
``bot`` and ``applications.commands`` scopes and only the permissions lpbot uses."""

from __future__ import annotations

import argparse
import asyncio
import sys

import aiohttp
import discord

from adapters.discord.errors import TOKEN_REJECTED
from adapters.discord.settings import DiscordSettings
from bot.cli import add_version
from bot.config import ConfigError

SCOPES = ("bot", "applications.commands")
DEFAULT_API_BASE = "https://discord.com/api/v10"

# See the channels, post the question, open its thread, reply in threads (a reply
# needs the message history), and show feedback as embeds. Nothing else.
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    embed_links=True,
    read_message_history=True,
)


class InviteError(Exception):
    """Why the link could not be made; the message is for the person at the terminal."""


def invite_url(client_id: str, guild_id: str | None = None) -> str:
    guild = discord.Object(int(guild_id)) if guild_id else discord.utils.MISSING
    return discord.utils.oauth_url(
        client_id, permissions=BOT_PERMISSIONS, scopes=SCOPES, guild=guild
    )


async def fetch_application_id(token: str, api_base_url: str | None = None) -> str:
    """The application id for ``token``, from ``GET /oauth2/applications/@me``."""
    url = (api_base_url or DEFAULT_API_BASE).rstrip("/") + "/oauth2/applications/@me"
    headers = {"Authorization": f"Bot {token}"}
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.get(url, headers=headers, timeout=aiohttp.ClientTimeout(total=15)) as resp,
        ):
            if resp.status == 401:
                raise InviteError(TOKEN_REJECTED)
            if resp.status != 200:
                raise InviteError(f"Discord answered {resp.status} when asked for the app id")
            data = await resp.json()
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise InviteError(f"Could not reach Discord at {url}: {exc}") from exc
    return str(data["id"])


def run_invite(args: argparse.Namespace) -> int:
    try:
        settings = DiscordSettings.from_env()
    except ConfigError as exc:
        print(f"lpbot: {exc}", file=sys.stderr)
        return 2
    client_id: str | None = args.client_id
    if not client_id:
        if not settings.token:
            print(
                "lpbot: give --client-id (Developer Portal > General Information > "
                "Application ID) or set DISCORD_TOKEN so lpbot can ask Discord for it.",
                file=sys.stderr,
            )
            return 2
        try:
            client_id = asyncio.run(
                fetch_application_id(settings.token, settings.api_base_url)
            )
        except InviteError as exc:
            print(f"lpbot: {exc}", file=sys.stderr)
            return 1
    if not client_id.isdigit():
        print(f"lpbot: {client_id!r} is not an application id (it is all digits)", file=sys.stderr)
        return 2
    print(invite_url(client_id, args.guild or settings.guild_id))
    return 0


def _usage(parser: argparse.ArgumentParser):
    def show(args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2

    return show


def register(subparsers: argparse._SubParsersAction) -> None:
    discord_parser = add_version(
        subparsers.add_parser(
            "discord",
            help="Discord helpers (invite link)",
            description="Helpers for running lpbot on Discord.",
        )
    )
    discord_parser.set_defaults(handler=_usage(discord_parser))
    commands = discord_parser.add_subparsers(dest="discord_command", metavar="COMMAND")
    invite = add_version(
        commands.add_parser(
            "invite",
            help="print the link that adds the bot to a server",
            description=(
                "Print the OAuth2 link that adds lpbot to a Discord server, with the bot "
                "and applications.commands scopes and only the permissions it needs."
            ),
        )
    )
    invite.add_argument(
        "--client-id",
        help="the application id; default: asked from Discord with DISCORD_TOKEN",
    )
    invite.add_argument(
        "--guild",
        help="pre-select this server id in the link (default: DISCORD_GUILD_ID, if set)",
    )
    invite.set_defaults(handler=run_invite)
