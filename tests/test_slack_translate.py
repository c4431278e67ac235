"""Slack payloads read into plain values, and Slack errors into core exceptions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from slack_sdk.errors import SlackApiError

from adapters.slack import errors
from adapters.slack.app import web_api_base_url
from adapters.slack.translate import parse_command, slack_time, thread_message
from bot.platform import AuthFailed, ChannelUnavailable, MissingPermission, PlatformError

REPLY = {
    "type": "message",
    "channel": "C1",
    "user": "U1",
    "text": "My answer",
    "ts": "1700000100.000200",
    "thread_ts": "1700000000.000100",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ("help", ())),
        ("   ", ("help", ())),
        ("question", ("question", ())),
        ("Question ownership", ("question", ("ownership",))),
        (
            "schedule 09:00 Europe/Berlin mon-fri",
            ("schedule", ("09:00", "Europe/Berlin", "mon-fri")),
        ),
        ("frobnicate now", ("frobnicate", ("now",))),
    ],
)
def test_first_word_is_the_command(text: str, expected: tuple) -> None:
    assert parse_command(text) == expected


def test_thread_reply_is_an_answer() -> None:
    message = thread_message(REPLY, bot_user_id="UBOT")
    assert message is not None
    assert (message.kind, message.channel_id, message.thread_ts, message.ts) == (
        "posted",
        "C1",
        "1700000000.000100",
        "1700000100.000200",
    )
    assert (message.user_id, message.text) == ("U1", "My answer")


def test_broadcast_thread_reply_is_an_answer_too() -> None:
    assert thread_message({**REPLY, "subtype": "thread_broadcast"}) is not None


@pytest.mark.parametrize(
    "event",
    [
        {k: v for k, v in REPLY.items() if k != "thread_ts"},  # top-level message
        {**REPLY, "thread_ts": REPLY["ts"]},  # the thread's parent itself
        {**REPLY, "bot_id": "B2"},  # another bot
        {**REPLY, "subtype": "bot_message"},
        {**REPLY, "user": "UBOT"},  # the bot itself
        {**REPLY, "subtype": "channel_join"},
        {k: v for k, v in REPLY.items() if k != "user"},
    ],
)
def test_other_messages_are_ignored(event: dict) -> None:
    assert thread_message(event, bot_user_id="UBOT") is None


def edit(new_text: str, old_text: str = "My answer", **message: str) -> dict:
    return {
        "type": "message",
        "subtype": "message_changed",
        "channel": "C1",
        "ts": "1700000500.000000",
        "message": {**REPLY, "text": new_text, **message},
        "previous_message": {**REPLY, "text": old_text},
    }


def test_edit_of_a_thread_reply() -> None:
    message = thread_message(edit("Better answer"))
    assert message is not None
    assert (message.kind, message.ts, message.text) == ("edited", REPLY["ts"], "Better answer")


def test_change_without_new_text_is_not_an_edit() -> None:
    # e.g. a link preview was attached
    assert thread_message(edit("My answer")) is None


def test_edit_of_a_bot_message_is_ignored() -> None:
    assert thread_message(edit("new", bot_id="BBOT")) is None


def test_delete_of_a_thread_reply() -> None:
    event = {
        "type": "message",
        "subtype": "message_deleted",
        "channel": "C1",
        "deleted_ts": REPLY["ts"],
        "ts": "1700000600.000000",
        "previous_message": REPLY,
    }
    message = thread_message(event)
    assert message is not None
    assert (message.kind, message.thread_ts, message.ts) == (
        "deleted",
        REPLY["thread_ts"],
        REPLY["ts"],
    )


def test_delete_of_the_bots_own_feedback_is_ignored() -> None:
    event = {
        "type": "message",
        "subtype": "message_deleted",
        "channel": "C1",
        "deleted_ts": "1700000700.000000",
        "previous_message": {**REPLY, "ts": "1700000700.000000", "user": "UBOT", "bot_id": "BBOT"},
    }
    assert thread_message(event, bot_user_id="UBOT") is None


def test_slack_ts_is_a_utc_datetime() -> None:
    assert slack_time("1700000000.500000") == datetime(2023, 11, 14, 22, 13, 20, 500000, UTC)
    assert slack_time("not a ts") is None


def api_error(code: str) -> SlackApiError:
    return SlackApiError(code, {"ok": False, "error": code})


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("invalid_auth", AuthFailed),
        ("token_revoked", AuthFailed),
        ("account_inactive", AuthFailed),
        ("channel_not_found", ChannelUnavailable),
        ("is_archived", ChannelUnavailable),
        ("not_in_channel", MissingPermission),
        ("missing_scope", MissingPermission),
        ("internal_error", PlatformError),
    ],
)
def test_slack_errors_become_core_exceptions(code: str, kind: type) -> None:
    translated = errors.translate(api_error(code), what="post", channel_id="C1")
    assert type(translated) is kind
    assert code in str(translated)


def test_auth_failure_names_the_variable() -> None:
    assert "SLACK_BOT_TOKEN" in str(errors.translate(api_error("invalid_auth"), what="post"))
    assert "SLACK_APP_TOKEN" in str(errors.auth_failed("invalid_auth", "SLACK_APP_TOKEN"))


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/api", "http://127.0.0.1:9/api/", "http://127.0.0.1:9/api//"]
)
def test_api_url_gets_exactly_one_trailing_slash(url: str) -> None:
    assert web_api_base_url(url) == "http://127.0.0.1:9/api/"
