"""Answers Slack takes after the acknowledgement (a command's ``response_url``, the
practice modal) go through the outbox: a fault delays them, a restart does not lose
them, and the person sees each one once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.helpers import FakeClock
from tests.slack_fake import (
    STUDY_CHANNEL,
    STUDY_MEMBER,
    FakeSlack,
    SlackRig,
    start_rig,
    study_workspace,
)

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = await study_workspace()
    yield server
    await server.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
async def rig(fake: FakeSlack, clock: FakeClock, tmp_path: Path) -> AsyncIterator[SlackRig]:
    running = await start_rig(fake, str(tmp_path / "lpbot.db"), clock, send_timeout=0.5)
    yield running
    await running.stop()


async def help_command(rig: SlackRig) -> None:
    assert rig.sender is not None
    response = await rig.sender.command("help", user=STUDY_MEMBER, channel=STUDY_CHANNEL)
    assert response.status == 200
    await rig.drain()


async def retry_all(rig: SlackRig, clock: FakeClock, rounds: int = 4) -> None:
    for _ in range(rounds):
        clock.advance(seconds=60)
        await rig.bot.outbox.run_due()


async def answer_rows(rig: SlackRig) -> list:
    return [item for item in await rig.storage.outbox_items() if item.kind == "later-answer"]


@pytest.mark.parametrize("status", [500, 503])
async def test_a_command_answer_that_meets_a_server_error_is_shown_once(
    rig: SlackRig, fake: FakeSlack, clock: FakeClock, status: int
) -> None:
    fake.fail("response_url", "internal_error", status=status)
    await help_command(rig)
    assert fake.shown_for("cmd") == []  # before the outbox it stayed so: logged, never retried
    await retry_all(rig, clock)
    [shown] = fake.shown_for("cmd")
    assert "/lp" in shown["text"]
    [row] = await answer_rows(rig)
    assert row.state == "sent" and row.attempts == 2
    assert row.payload is None  # the response_url is not kept once it served


async def test_a_command_answer_that_landed_before_the_error_is_not_shown_twice(
    rig: SlackRig, fake: FakeSlack, clock: FakeClock
) -> None:
    fake.fail("response_url", "internal_error", status=500, lands=True)
    await help_command(rig)
    await retry_all(rig, clock)
    first, second = fake.responses_to("cmd")
    assert not first["replace_original"] and second["replace_original"]
    assert len(fake.shown_for("cmd")) == 1


async def test_a_command_answer_waits_out_a_429(
    rig: SlackRig, fake: FakeSlack, clock: FakeClock
) -> None:
    fake.fail("response_url", "rate_limited", status=429, times=2)
    await help_command(rig)
    await retry_all(rig, clock)
    assert len(fake.shown_for("cmd")) == 1
    assert not any(body["replace_original"] for body in fake.responses_to("cmd"))


async def test_an_expired_response_url_answers_privately_instead(
    rig: SlackRig, fake: FakeSlack
) -> None:
    fake.fail("response_url", "expired_url", status=404)
    await help_command(rig)
    assert fake.responses_to("cmd") == []
    [ephemeral] = fake.calls_to("chat.postEphemeral")
    assert ephemeral.params["user"] == STUDY_MEMBER
    assert "/lp" in ephemeral.params["text"]


async def test_an_answer_past_its_route_is_given_up_with_a_reason(
    rig: SlackRig, fake: FakeSlack, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    fake.fail("response_url", "internal_error", status=500, times=100)
    await help_command(rig)
    clock.advance(minutes=31)
    await rig.bot.outbox.run_due()
    [row] = await answer_rows(rig)
    assert row.state == "given_up" and "due by" in row.last_error
    assert any("gave up later-answer" in r.getMessage() for r in caplog.records)
    assert fake.response_url("cmd") not in caplog.text  # a credential, never logged


async def test_an_answer_a_stop_interrupted_is_sent_by_the_next_start(
    fake: FakeSlack, clock: FakeClock, tmp_path: Path
) -> None:
    db = str(tmp_path / "lpbot.db")
    first = await start_rig(fake, db, clock, send_timeout=0.5)
    fake.fail("response_url", "internal_error", status=503, times=3)
    await help_command(first)
    await first.stop()
    assert fake.shown_for("cmd") == []
    fake._failures.pop("response_url", None)  # Slack is back

    clock.advance(seconds=60)
    second = await start_rig(fake, db, clock, send_timeout=0.5)
    try:
        await asyncio.wait_for(second.bot.settled(), timeout=10)
        assert len(fake.shown_for("cmd")) == 1
    finally:
        await second.stop()
