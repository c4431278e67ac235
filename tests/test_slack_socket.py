"""Socket Mode: the app asks ``apps.connections.open`` for a WebSocket URL (the fake's),
receives envelopes there and acknowledges each one."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from bot.platform import AuthFailed
from tests.helpers import FakeClock
from tests.slack_fake import (
    STUDY_CHANNEL,
    STUDY_MEMBER,
    FakeSlack,
    SlackRig,
    SlackSender,
    start_rig,
    study_workspace,
)

CHANNEL = STUDY_CHANNEL
MEMBER = STUDY_MEMBER
START = datetime(2025, 3, 3, 7, 0, tzinfo=UTC)
STAR_ANSWER = (
    "Situation: our nightly export kept failing and the finance team missed its "
    "morning report. Task: I was asked to make it reliable within a week. Action: I "
    "added retries, split the export into smaller batches and set up an alert. Result: "
    "it has not failed in two months and the report is ready by 7am every day. "
    "Learning: small batches make failures cheap to retry."
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = await study_workspace()
    yield server
    await server.stop()


@pytest.fixture
async def rig(fake: FakeSlack, tmp_path: Path) -> AsyncIterator[SlackRig]:
    running = await start_rig(fake, str(tmp_path / "lpbot.db"), FakeClock(START), socket_mode=True)
    yield running
    await running.stop()


def payload_builder(fake: FakeSlack) -> SlackSender:
    # Only its payload builders are used; nothing is posted over HTTP.
    return SlackSender("http://127.0.0.1:9/unused", fake, lambda: START.timestamp())


async def test_connects_with_the_app_token(rig: SlackRig) -> None:
    [opened] = rig.fake.calls_to("apps.connections.open")
    assert opened.token == rig.fake.app_token
    assert rig.adapter.port is None  # no HTTP listener in Socket Mode


async def test_slash_command_envelope_is_acknowledged_and_answered(rig: SlackRig) -> None:
    body = payload_builder(rig.fake).command_body("help", user=MEMBER, channel=CHANNEL)
    await rig.fake.send_envelope(
        {
            "envelope_id": "env-command-1",
            "type": "slash_commands",
            "payload": dict(parse_qsl(body)),
            "accepts_response_payload": True,
        }
    )
    await rig.fake.wait_for(lambda: rig.fake.socket_acks)
    assert rig.fake.socket_acks[0]["envelope_id"] == "env-command-1"
    await rig.drain()
    [reply] = rig.fake.responses_to("cmd")
    assert reply["response_type"] == "ephemeral"
    assert "/lp question" in reply["text"]


async def test_event_envelope_answer_gets_feedback_once(rig: SlackRig) -> None:
    builder = payload_builder(rig.fake)
    body = builder.command_body("question", user=MEMBER, channel=CHANNEL)
    await rig.fake.send_envelope(
        {"envelope_id": "env-q", "type": "slash_commands", "payload": dict(parse_qsl(body))}
    )
    await rig.fake.wait_for(lambda: rig.fake.messages_in(CHANNEL))
    await rig.drain()
    thread_ts = rig.fake.messages_in(CHANNEL)[0].ts

    event = builder.thread_reply(CHANNEL, thread_ts, "1750000100.000200", MEMBER, STAR_ANSWER)
    callback = json.loads(builder.event_body(event, event_id="EvSOCKET"))
    for attempt, envelope_id in enumerate(("env-e1", "env-e2")):
        await rig.fake.send_envelope(
            {
                "envelope_id": envelope_id,
                "type": "events_api",
                "payload": callback,
                "accepts_response_payload": False,
                "retry_attempt": attempt,
                "retry_reason": "timeout" if attempt else "",
            }
        )
        await rig.fake.wait_for(
            lambda eid=envelope_id: any(a["envelope_id"] == eid for a in rig.fake.socket_acks)
        )
        await rig.drain()
    assert len(rig.fake.thread(CHANNEL, thread_ts)) == 1


async def test_rejected_app_token_is_an_auth_failure(fake: FakeSlack, tmp_path: Path) -> None:
    fake.fail("apps.connections.open", "invalid_auth")
    with pytest.raises(AuthFailed, match="SLACK_APP_TOKEN"):
        await start_rig(fake, str(tmp_path / "db"), FakeClock(START), socket_mode=True)
    assert len(fake.calls_to("apps.connections.open")) == 1
