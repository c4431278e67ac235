"""A deferred Discord interaction is finished through the outbox: the real discord.py
client against the local fake. The answer replaces the "thinking" placeholder once,
through a stalled Discord and a restart, and an interaction token Discord no longer
takes is given up with a reason, without stopping the bot."""

from __future__ import annotations

import asyncio

from tests.discord_fake_people import FakeInteraction
from tests.discord_rig import DiscordRig, embeds_of, start_rig, stop_rig

ORIGINAL = r"/webhooks/\d+/[^/]+/messages/@original"


async def deferred_help(rig: DiscordRig) -> FakeInteraction:
    interaction = await rig.fake.slash(rig.channel, rig.member, "help")
    await rig.fake.wait_until(lambda: interaction.callbacks)
    assert interaction.callbacks[0]["type"] == 5  # deferred: the answer comes later
    return interaction


def shown(interaction: FakeInteraction) -> list[str]:
    return [embed["title"] for embed in embeds_of(interaction.original or {})]


async def later_rows(rig: DiscordRig) -> list:
    return [item for item in await rig.storage.outbox_items() if item.kind == "later-answer"]


async def retry_all(rig: DiscordRig, rounds: int = 4) -> None:
    for _ in range(rounds):
        rig.clock.advance(seconds=60)
        await rig.bot.outbox.run_due()


async def test_a_stalled_edit_is_retried_and_shown_once(tmp_path):
    rig = await start_rig(tmp_path, ack_budget=0, send_timeout=0.5)
    try:
        rig.fake.fail("PATCH", ORIGINAL, 500, hang=30)
        interaction = await deferred_help(rig)
        await rig.fake.wait_until(lambda: rig.fake.held)
        await asyncio.sleep(0.6)  # the attempt is cut at the send timeout
        await retry_all(rig)
        assert shown(interaction) == ["lpbot commands"]
        [row] = await later_rows(rig)
        assert row.state == "sent" and row.attempts == 2 and row.payload is None
    finally:
        await stop_rig(rig)


async def test_an_answer_a_stop_interrupted_is_sent_after_the_restart(tmp_path):
    rig = await start_rig(tmp_path, ack_budget=0, send_timeout=0.5)
    rig.fake.fail("PATCH", ORIGINAL, 500, hang=30)
    interaction = await deferred_help(rig)
    await rig.fake.wait_until(lambda: rig.fake.held)
    await stop_rig(rig, stop_fake=False)
    assert shown(interaction) == []

    rig.clock.advance(seconds=60)
    again = await start_rig(tmp_path, fake=rig.fake, clock=rig.clock)
    try:
        await asyncio.wait_for(again.bot.settled(), timeout=10)
        assert shown(interaction) == ["lpbot commands"]
    finally:
        await stop_rig(again)


async def test_an_expired_interaction_token_is_given_up_not_fatal(tmp_path, caplog):
    rig = await start_rig(tmp_path, ack_budget=0)
    try:
        rig.fake.fail("PATCH", ORIGINAL, 401, code=50027, message="Invalid Webhook Token")
        interaction = await deferred_help(rig)
        [row] = await asyncio.wait_for(_given_up(rig), timeout=10)
        assert "no longer takes" in row.last_error
        assert not rig.task.done(), "an interaction's token is not the bot's token"
        assert interaction.token not in caplog.text
    finally:
        await stop_rig(rig)


async def _given_up(rig: DiscordRig) -> list:
    while not (rows := [r for r in await later_rows(rig) if r.state == "given_up"]):
        await asyncio.sleep(0.02)
    return rows
