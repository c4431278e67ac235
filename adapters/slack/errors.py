"""Slack Web API failures translated into the core's platform exceptions."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

from bot.platform import (
    AuthFailed,
    ChannelUnavailable,
    MessageRejected,
    MissingPermission,
    PlatformError,
    RateLimited,
)

#: The token itself is unusable; retrying cannot help, the process must stop.
AUTH_ERRORS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "account_inactive",
        "not_allowed_token_type",
        "invalid_token",
    }
)
#: The channel is gone for good: the core disables its schedule.
GONE_ERRORS = frozenset(
    {"channel_not_found", "is_archived", "channel_is_archived", "team_access_not_granted"}
)
#: The bot may not act there until someone changes something in Slack.
PERMISSION_ERRORS = frozenset(
    {
        "not_in_channel",
        "missing_scope",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "cant_update_message",
        "cant_delete_message",
        "ekm_access_denied",
        "method_not_supported_for_channel_type",
    }
)
NOT_A_MEMBER_ERRORS = frozenset({"not_in_channel", "method_not_supported_for_channel_type"})
#: The message itself is refused: sending it again cannot help.
REJECTED_ERRORS = frozenset(
    {"msg_too_long", "invalid_blocks", "invalid_blocks_format", "no_text", "too_many_attachments",
     "message_not_found", "edit_window_closed", "invalid_metadata_format",
     "invalid_metadata_schema", "metadata_too_large"}
)
#: The message is already gone; deleting it again is a success.
MESSAGE_GONE_ERRORS = frozenset({"message_not_found", "thread_not_found"})

INVITE_HINT = "Invite the bot to the channel (type /invite @lpbot there) and try again."


def slack_error_code(error: SlackApiError) -> str:
    """The ``error`` field of a failed Web API response ("" when there is none)."""
    try:
        return str(error.response.get("error") or "")
    except AttributeError:
        return ""


def auth_failed(code: str, variable: str = "SLACK_BOT_TOKEN") -> AuthFailed:
    return AuthFailed(
        f"Slack rejected {variable} ({code}). Reinstall the app in the workspace and copy "
        f"its token into {variable}; lpbot cannot run with this token."
    )


def translate(error: SlackApiError, *, what: str, channel_id: str | None = None) -> PlatformError:
    """The core exception for a failed call; ``what`` names the action for the log."""
    code = slack_error_code(error)
    where = f" in {channel_id}" if channel_id else ""
    if code in AUTH_ERRORS:
        return auth_failed(code)
    if code in GONE_ERRORS:
        return ChannelUnavailable(f"Slack could not {what}{where}: {code}")
    if code in PERMISSION_ERRORS:
        hint = f" {INVITE_HINT}" if code in NOT_A_MEMBER_ERRORS else ""
        return MissingPermission(f"Slack did not let the bot {what}{where}: {code}.{hint}")
    if code in REJECTED_ERRORS:
        return MessageRejected(f"Slack refused to {what}{where}: {code}")
    status = getattr(error.response, "status_code", None)
    if status == 429 or code == "ratelimited":
        return RateLimited(f"Slack rate-limited the call to {what}{where}", retry_after(error))
    return PlatformError(f"Slack could not {what}{where}: {code or status or error}")


def retry_after(error: SlackApiError) -> float | None:
    """Seconds from the Retry-After header of a 429, if it has a usable one."""
    headers = getattr(error.response, "headers", None) or {}
    for name, value in dict(headers).items():
        if str(name).lower() == "retry-after":
            try:
                return max(0.0, float(value if not isinstance(value, list) else value[0]))
            except (TypeError, ValueError):
                return None
    return None
