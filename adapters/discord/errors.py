"""Discord failures as the core's exceptions, so the core can disable a schedule, log
once, or stop the process, without knowing discord.py."""

from __future__ import annotations

import aiohttp
import discord

from bot.platform import (
    AuthFailed,
    ChannelUnavailable,
    MessageRejected,
    MissingPermission,
    PlatformError,
    RateLimited,
)

# https://discord.com/developers/docs/topics/opcodes-and-status-codes#json
UNKNOWN_CHANNEL = 10003
UNKNOWN_GUILD = 10004
UNKNOWN_MESSAGE = 10008
THREAD_ARCHIVED = 50083
INVALID_FORM_BODY = 50035
THREAD_ALREADY_CREATED = 160004

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
        if exc.status == 429:
            return RateLimited(detail, _retry_after(exc))
        if exc.code == UNKNOWN_MESSAGE:
            return MessageRejected(detail)  # the message is gone, not the channel
        if exc.code == INVALID_FORM_BODY:
            return MessageRejected(detail)
        if isinstance(exc, discord.NotFound) or exc.code in (UNKNOWN_GUILD, THREAD_ARCHIVED):
            return ChannelUnavailable(detail)
        return PlatformError(detail)
    if isinstance(exc, aiohttp.ClientError | OSError | TimeoutError):
        # A refused connection surely sent nothing; a cut one may have landed.
        refused = isinstance(exc, aiohttp.ClientConnectorError | ConnectionRefusedError)
        return PlatformError(
            f"{what}: could not reach Discord ({exc.__class__.__name__}: {exc})",
            maybe_sent=not refused,
        )
    return PlatformError(f"{what}: {exc.__class__.__name__}: {exc}")


def is_unknown_message(exc: BaseException) -> bool:
    return isinstance(exc, discord.NotFound) and exc.code == UNKNOWN_MESSAGE


def is_thread_already_open(exc: BaseException) -> bool:
    return isinstance(exc, discord.HTTPException) and exc.code == THREAD_ALREADY_CREATED


def _retry_after(exc: discord.HTTPException) -> float | None:
    headers = getattr(exc.response, "headers", None) or {}
    try:
        return float(headers.get("Retry-After"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
