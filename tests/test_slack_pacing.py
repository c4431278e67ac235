"""Message pacing and the user directory, with an injected clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from adapters.slack.app import make_web_client
from adapters.slack.pacing import Pacer
from adapters.slack.settings import SlackSettings
from adapters.slack.users import UserDirectory
from bot.events import User
from tests.slack_fake import FakeSlack


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_posts_to_one_channel_are_a_second_apart() -> None:
    time = FakeTime()
    pacer = Pacer(1.0, monotonic=time.monotonic, sleep=time.sleep)
    for _ in range(3):
        await pacer.wait("C1")
    assert time.slept == [1.0, 1.0]


async def test_channels_do_not_wait_for_each_other() -> None:
    time = FakeTime()
    pacer = Pacer(1.0, monotonic=time.monotonic, sleep=time.sleep)
    await pacer.wait("C1")
    await pacer.wait("C2")
    assert time.slept == []


async def test_a_channel_idle_for_a_while_posts_at_once() -> None:
    time = FakeTime()
    pacer = Pacer(1.0, monotonic=time.monotonic, sleep=time.sleep)
    await pacer.wait("C1")
    time.now += 5
    await pacer.wait("C1")
    assert time.slept == []


async def test_concurrent_callers_queue_up() -> None:
    time = FakeTime()
    slept: list[float] = []

    async def record(seconds: float) -> None:
        slept.append(seconds)  # the clock does not move: all three ask at once

    pacer = Pacer(1.0, monotonic=time.monotonic, sleep=record)
    await asyncio.gather(*(pacer.wait("fan-out") for _ in range(3)))
    assert sorted(slept) == [1.0, 2.0]


async def test_zero_interval_never_waits() -> None:
    time = FakeTime()
    pacer = Pacer(0, monotonic=time.monotonic, sleep=time.sleep)
    await pacer.wait("C1")
    await pacer.wait("C1")
    assert time.slept == []


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = await FakeSlack().start()
    yield server
    await server.stop()


async def test_admins_come_from_users_info_or_the_allow_list(fake: FakeSlack) -> None:
    fake.add_user("UADMIN", "Ada", admin=True)
    fake.add_user("UOWNER", "Olu", owner=True)
    fake.add_user("UMEMBER", "Mia")
    fake.add_user("UALLOWED", "Al")
    client = make_web_client(SlackSettings(bot_token=fake.bot_token, api_url=fake.api_url))
    now = datetime(2025, 3, 3, 9, tzinfo=UTC)
    users = UserDirectory(client, allow_list=frozenset({"UALLOWED"}), clock=lambda: now)
    assert await users.get("UADMIN") == User("UADMIN", "Ada", True)
    assert (await users.get("UOWNER")).is_admin
    assert await users.get("UMEMBER") == User("UMEMBER", "Mia", False)
    assert (await users.get("UALLOWED")).is_admin
    # Unknown to Slack: served, never an admin unless allow-listed.
    assert await users.get("UGHOST", "ghost") == User("UGHOST", "ghost", False)


async def test_user_lookups_are_cached_briefly(fake: FakeSlack) -> None:
    fake.add_user("U1", "Mia")
    client = make_web_client(SlackSettings(bot_token=fake.bot_token, api_url=fake.api_url))
    now = [datetime(2025, 3, 3, 9, tzinfo=UTC)]
    users = UserDirectory(client, allow_list=frozenset(), clock=lambda: now[0])
    await users.get("U1")
    await users.get("U1")
    assert len(fake.calls_to("users.info")) == 1
    fake.users["U1"]["is_admin"] = True  # promoted in Slack
    now[0] += timedelta(minutes=5)
    assert (await users.get("U1")).is_admin
    assert len(fake.calls_to("users.info")) == 2
