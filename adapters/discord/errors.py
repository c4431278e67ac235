"""Discord failures as the core's exceptions, so the core can disable a schedule, log
once, or stop the process, without knowing discord.py."""

from __future__ import annotations

import aiohttp
import discord

from bot.platform import AuthFailed, ChannelUnavailable, MissingPermission, PlatformError

# https://discord.com/developers/docs/topics/opcodes-and-status-codes#json
UNKNOWN_CHANNEL = 10003
UNKNOWN_GUILD = 10004
UNKNOWN_MESSAGE = 10008
THREAD_ARCHIVED = 50083

# Gateway close code for a rejected token.
AUTHENTICATION_FAILED = 4004

TOKEN_REJECTED = (
    "Discord rejected the bot token (DISCORD_TOKEN): it is wrong or was reset. "
    "Copy a new one from the Developer Portal (Bot > Reset Token)."
)


def translate(exc: BaseException, what: str) -> PlatformError:
    """The core exception for a discord.py (or network) failure while doing ``what``."""
    if isinstance(exc, PlatformError):
        return exc
    if isinstance(exc, discord.LoginFailure):
        return AuthFailed(TOKEN_REJECTED)
    if isinstance(exc, discord.HTTPException):
        detail = f"{what}: Discord answered {exc.status} {exc.text or ''} (code {exc.code})"
        if exc.status == 401:
            return AuthFailed(TOKEN_REJECTED)
        if isinstance(exc, discord.Forbidden):
            return MissingPermission(detail)
        if exc.code == UNKNOWN_MESSAGE:
            return PlatformError(detail)  # the message is gone, not the channel
        if isinstance(exc, discord.NotFound) or exc.code in (UNKNOWN_GUILD, THREAD_ARCHIVED):
            return ChannelUnavailable(detail)
        return PlatformError(detail)
    if isinstance(exc, aiohttp.ClientError | OSError | TimeoutError):
        return PlatformError(f"{what}: could not reach Discord ({exc.__class__.__name__}: {exc})")
    return PlatformError(f"{what}: {exc.__class__.__name__}: {exc}")


def is_unknown_message(exc: BaseException) -> bool:
    return isinstance(exc, discord.NotFound) and exc.code == UNKNOWN_MESSAGE
