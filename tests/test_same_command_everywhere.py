"""One command line, one result, on every platform.

The same ``/lp`` commands run through the built bot on the terminal channel, on the
fake Discord (the real discord.py client, options filled in as a member would) and on
the fake Slack (the real slack-bolt app, a typed text line). Each step's reply title,
text and the stored schedule must be the same everywhere."""

from __future__ import annotations

import io
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Protocol

import pytest

from adapters.terminal import RULE, TerminalAdapter
from bot.catalogue import BY_NAME
from bot.events import ChannelRef
from bot.schedule import WORKWEEK
from storage.base import ALL_DAYS, ChannelConfig
from tests.discord_rig import embeds_of, start_rig, stop_rig
from tests.helpers import FakeClock, close, make_bot
from tests.platform_contract import command_line
from tests.slack_fake import STUDY_ADMIN, STUDY_CHANNEL, study_workspace
from tests.slack_fake import start_rig as start_slack_rig

# Monday 6 January 2025, 08:00 UTC.
START = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
MON_WED_FRI = frozenset({0, 2, 4})


@dataclass(frozen=True)
class Answer:
    title: str
    text: str


class Platform(Protocol):
    async def run(self, name: str, **options: str) -> Answer: ...

    async def config(self) -> ChannelConfig: ...


class Terminal:
    def __init__(self, harness) -> None:
        self.h = harness

    async def run(self, name: str, **options: str) -> Answer:
        out = io.StringIO()
        typed = io.StringIO(f"/lp {command_line(name, options)}\n")
        adapter = TerminalAdapter(stdin=typed, stdout=out)
        await adapter.run(self.h.bot)
        _, heading, *rest = out.getvalue().split(RULE + "\n")
        return Answer(heading.strip().removesuffix("(only you see this)").strip(), "".join(rest))

    async def config(self) -> ChannelConfig:
        return await self.h.bot.channel_config(TerminalAdapter.channel)


class Discord:
    def __init__(self, rig) -> None:
        self.rig = rig

    async def run(self, name: str, **options: str) -> Answer:
        rig = self.rig
        ix = await rig.fake.slash(rig.channel, rig.admin, name, admin=True, **options)
        await self.rig.fake.wait_until(lambda: ix.callbacks)
        [embed] = embeds_of(ix.callbacks[0])
        return Answer(embed["title"], embed.get("description", ""))

    async def config(self) -> ChannelConfig:
        return await self.rig.bot.channel_config(self.rig.channel_ref)


class Slack:
    def __init__(self, rig) -> None:
        self.rig = rig
        self.keys = itertools.count()

    async def run(self, name: str, **options: str) -> Answer:
        key = f"step{next(self.keys)}"
        assert self.rig.sender is not None
        await self.rig.sender.command(
            command_line(name, options), user=STUDY_ADMIN, channel=STUDY_CHANNEL, response_key=key
        )
        await self.rig.drain()
        await self.rig.fake.wait_for(lambda: self.rig.fake.responses_to(key))
        [body] = self.rig.fake.responses_to(key)
        title, _, text = body["text"].partition("\n\n")
        return Answer(title, text)

    async def config(self) -> ChannelConfig:
        return await self.rig.bot.channel_config(ChannelRef("slack", STUDY_CHANNEL, "T0FAKE"))


@pytest.fixture(params=["terminal", "discord", "slack"])
async def platform(request, tmp_path: Path) -> AsyncIterator[Platform]:
    clock = FakeClock(START)
    if request.param == "terminal":
        harness = await make_bot(tmp_path / "t.db", clock)
        await harness.bot.start([TerminalAdapter.channel])
        yield Terminal(harness)
        await close(harness)
    elif request.param == "discord":
        rig = await start_rig(tmp_path, clock=clock)
        yield Discord(rig)
        await stop_rig(rig)
    else:
        fake = await study_workspace()
        rig = await start_slack_rig(fake, str(tmp_path / "s.db"), clock)
        yield Slack(rig)
        await rig.stop()
        await fake.stop()


def plain(text: str) -> str:
    """The words of a reply, whatever the platform's markup."""
    return " ".join(text.replace("*", "").replace("`", "").split())


SCHEDULES = [
    # (options, post_time, timezone, weekdays)
    ({"time": "09:00", "timezone": "UTC", "days": "mon wed fri"}, time(9), "UTC", MON_WED_FRI),
    ({"days": "mon,wed,fri"}, time(9), "UTC", MON_WED_FRI),
    ({"time": "9am", "days": "mon-fri"}, time(9), "UTC", WORKWEEK),
    ({"timezone": "europe/berlin", "days": "weekdays"}, time(9), "Europe/Berlin", WORKWEEK),
    ({"time": "21:30", "days": "every day"}, time(21, 30), "Europe/Berlin", ALL_DAYS),
    ({"time": "09:00", "timezone": "utc", "days": "mon wed fri"}, time(9), "UTC", MON_WED_FRI),
    ({"days": "daily"}, time(9), "UTC", ALL_DAYS),
    ({"timezone": "AMERICA/NEW_YORK"}, time(9), "America/New_York", ALL_DAYS),
]


async def test_schedule_reads_every_day_time_and_zone_form_alike(platform: Platform) -> None:
    for options, post_time, timezone, weekdays in SCHEDULES:
        answer = await platform.run("schedule", **options)
        assert answer.title == "Daily question schedule", (options, answer)
        config = await platform.config()
        assert (config.post_time, config.timezone, config.weekdays) == (
            post_time,
            timezone,
            weekdays,
        ), options


async def test_a_misspelt_time_zone_gets_a_suggestion_and_changes_nothing(
    platform: Platform,
) -> None:
    await platform.run("schedule", time="09:00", timezone="UTC", days="daily")
    answer = await platform.run("schedule", timezone="Europe/Berlim")
    assert answer.title == "I couldn't read that schedule"
    assert "Did you mean Europe/Berlin?" in plain(answer.text)
    answer = await platform.run("schedule", days="berlin")
    assert "Did you mean Europe/Berlin?" in plain(answer.text)
    config = await platform.config()
    assert (config.timezone, config.weekdays) == ("UTC", ALL_DAYS)


async def test_skip_unskip_and_today_give_the_same_answers(platform: Platform) -> None:
    await platform.run("schedule", time="09:00", timezone="UTC", days="mon-fri")
    answer = await platform.run("today")
    assert answer.title == "No question here yet today"
    assert "Next post: Mon 06 Jan 2025 at 09:00 (UTC)." in plain(answer.text)

    answer = await platform.run("skip", dates="2025-01-08 2025-01-09")
    assert answer.title == "Skipping Wed 08 Jan 2025, Thu 09 Jan 2025"
    answer = await platform.run("skip", dates="2025-01-01")
    assert answer.title == "I couldn't skip those dates"
    assert "already past" in answer.text
    answer = await platform.run("unskip", dates="2025-01-08")
    assert answer.title == "Posting again on Wed 08 Jan 2025"
    answer = await platform.run("unskip", dates="2025-01-10")
    assert answer.title == "Those dates are not skipped"
    assert (await platform.config()).skip_dates == frozenset({date(2025, 1, 9)})

    answer = await platform.run("skip")
    assert answer.title == "Skipping Mon 06 Jan 2025"
    answer = await platform.run("unskip")
    assert answer.title == "Posting again on Mon 06 Jan 2025, Thu 09 Jan 2025"
    assert (await platform.config()).skip_dates == frozenset()


async def test_pause_twice_says_already_paused(platform: Platform) -> None:
    await platform.run("schedule", time="09:00", timezone="UTC", days="daily")
    assert (await platform.run("pause")).title == "Paused"
    assert (await platform.run("pause")).title == "Already paused"
    assert (await platform.run("resume")).title == "Resumed"
    assert (await platform.run("resume")).title == "Already running"


async def test_help_lists_every_command_of_the_catalogue(platform: Platform) -> None:
    answer = await platform.run("help")
    for spec in BY_NAME.values():
        assert plain(f"/lp {spec.usage}") in plain(answer.text)
