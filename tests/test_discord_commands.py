"""/lp on Discord, end to end: the real discord.py client and the real core against the
fake Discord (REST + gateway), driven the way a server's members would."""

from __future__ import annotations

import asyncio

import pytest

from adapters.discord import DiscordAdapter
from bot.events import CommandInvoked
from bot.replies import CommandResult, Reply
from tests.discord_fake import FakeDiscord, FakeInteraction
from tests.discord_rig import (
    GOOD_ANSWER,
    DiscordRig,
    embeds_of,
    restart_rig,
    settings_for,
    start_rig,
    stop_rig,
)

EXPECTED_SUBCOMMANDS = {
    "question",
    "post",
    "schedule",
    "pause",
    "resume",
    "skip",
    "unskip",
    "today",
    "principles",
    "answer",
    "me",
    "stats",
    "forget",
    "help",
}
EPHEMERAL = 64


@pytest.fixture
async def rig(tmp_path):
    rig = await start_rig(tmp_path)
    yield rig
    await stop_rig(rig)


async def answered(rig: DiscordRig, interaction: FakeInteraction) -> dict:
    await rig.fake.wait_until(lambda: interaction.callbacks)
    return interaction.callbacks[0]


def channel_posts(rig: DiscordRig) -> list:
    return rig.fake.find_requests("POST", f"/channels/{rig.channel}/messages")


async def test_commands_are_registered_in_the_configured_server(rig):
    [put] = rig.fake.find_requests("PUT", rf"/applications/\d+/guilds/{rig.guild}/commands")
    [lp] = put.body
    assert lp["name"] == "lp"
    assert {o["name"] for o in lp["options"]} == EXPECTED_SUBCOMMANDS
    options = {o["name"]: {p["name"]: p for p in o["options"]} for o in lp["options"]}
    assert options["question"]["principle"]["autocomplete"] is True
    assert options["schedule"]["timezone"]["autocomplete"] is True
    assert set(options["schedule"]) == {"time", "timezone", "days"}
    assert set(options["skip"]) == set(options["unskip"]) == {"dates"}
    assert options["forget"]["confirm"]["type"] == 5  # a boolean
    assert rig.fake.find_requests("PUT", r"/applications/\d+/commands") == []
    assert rig.adapter.commands_synced


async def test_the_gateway_session_is_a_normal_discord_py_session(rig):
    conn = await rig.fake.wait_connected()
    assert conn.compress == "zlib-stream"  # what discord.py 2.7 asks for without zstd
    assert rig.fake.heartbeats >= 1
    assert conn.identify["intents"] & (1 << 15)  # Message Content
    assert conn.identify["token"] == rig.fake.token


async def test_commands_are_registered_globally_without_a_server_id(tmp_path):
    rig = await start_rig(tmp_path, guild_commands=False)
    try:
        [put] = rig.fake.find_requests("PUT", r"/applications/\d+/commands")
        assert put.body[0]["name"] == "lp"
        ix = await rig.fake.slash(rig.channel, rig.member, "help")
        callback = await answered(rig, ix)
        assert callback["type"] == 4
    finally:
        await stop_rig(rig)


async def test_question_without_a_principle_posts_it_with_a_thread(rig):
    ix = await rig.fake.slash(rig.channel, rig.member, "question")
    callback = await answered(rig, ix)
    assert callback["type"] == 4 and callback["data"]["flags"] & EPHEMERAL
    [post] = channel_posts(rig)
    [embed] = embeds_of(post.body)
    assert embed["title"].startswith("Practice question: ")
    principle = embed["title"].removeprefix("Practice question: ")
    [thread] = rig.fake.threads_in(rig.channel)
    assert thread["name"] == f"{principle} · practice"
    record = await rig.storage.find_post_by_thread("discord", thread["id"])
    assert record is not None and record.kind == "adhoc"
    assert record.link == f"https://discord.com/channels/{rig.guild}/{rig.channel}/{thread['id']}"


async def test_question_with_a_principle_answers_in_its_thread(rig):
    ix = await rig.fake.slash(rig.channel, rig.member, "question", principle="ownership")
    await answered(rig, ix)
    [post] = channel_posts(rig)
    [embed] = embeds_of(post.body)
    assert embed["title"] == "Practice question: Ownership"
    assert embed["color"] == 0x1565C0
    [thread] = rig.fake.threads_in(rig.channel)
    assert thread["name"].startswith("Ownership · ")

    answer_id = await rig.fake.say(int(thread["id"]), rig.member, GOOD_ANSWER)
    [feedback] = await rig.fake.wait_for_request("POST", f"/channels/{thread['id']}/messages")
    assert str(feedback.body["message_reference"]["message_id"]) == str(answer_id)
    assert embeds_of(feedback.body)


async def test_principle_and_timezone_autocomplete(rig):
    ix = await rig.fake.autocomplete(rig.channel, rig.member, "question", "principle", "own")
    callback = await answered(rig, ix)
    assert callback["type"] == 8
    assert {"name": "Ownership", "value": "ownership"} in callback["data"]["choices"]

    ix = await rig.fake.autocomplete(rig.channel, rig.admin, "schedule", "timezone", "berl")
    callback = await answered(rig, ix)
    assert callback["data"]["choices"][0] == {"name": "Europe/Berlin", "value": "Europe/Berlin"}

    ix = await rig.fake.autocomplete(rig.channel, rig.admin, "schedule", "timezone", "")
    callback = await answered(rig, ix)
    assert len(callback["data"]["choices"]) == 25


async def test_post_by_an_admin_posts_the_daily_question(rig):
    ix = await rig.fake.slash(rig.channel, rig.admin, "post", admin=True)
    callback = await answered(rig, ix)
    assert callback["data"]["flags"] & EPHEMERAL
    assert embeds_of(callback)[0]["title"] == "Posted today's question"
    [post] = channel_posts(rig)
    [embed] = embeds_of(post.body)
    assert embed["title"].startswith("Question of the day: ")
    assert "thread" in embed["footer"]["text"]
    principle = embed["title"].removeprefix("Question of the day: ")
    [thread] = rig.fake.threads_in(rig.channel)
    assert thread["name"] == f"{principle} · 2025-01-06"
    assert thread["thread_metadata"]["auto_archive_duration"] == 1440


async def test_post_by_a_member_is_refused_privately(rig):
    ix = await rig.fake.slash(rig.channel, rig.member, "post")
    callback = await answered(rig, ix)
    assert callback["type"] == 4 and callback["data"]["flags"] & EPHEMERAL
    [embed] = embeds_of(callback)
    assert embed["title"] == "That command is for admins"
    assert "/lp post" in embed["description"]
    assert channel_posts(rig) == []


async def test_schedule_by_an_admin_is_saved(rig):
    ix = await rig.fake.slash(
        rig.channel,
        rig.admin,
        "schedule",
        admin=True,
        time="07:30",
        timezone="Europe/Berlin",
        days="mon-fri",
    )
    callback = await answered(rig, ix)
    assert embeds_of(callback)[0]["title"] == "Daily question schedule"
    config = await rig.storage.get_channel(rig.channel_ref)
    assert config is not None and config.scheduled
    assert (config.post_time.hour, config.post_time.minute) == (7, 30)
    assert config.timezone == "Europe/Berlin"
    assert config.weekdays == frozenset(range(5))


async def test_answer_opens_a_form_and_returns_private_feedback(rig):
    ix = await rig.fake.slash(rig.channel, rig.member, "answer")
    callback = await answered(rig, ix)
    assert callback["type"] == 9
    modal = callback["data"]
    assert modal["custom_id"].startswith("lpbot:answer:")
    question_id = modal["custom_id"].removeprefix("lpbot:answer:")
    question = rig.bot.bank.question(question_id)
    shown = [c for c in modal["components"] if c["type"] == 10]
    assert shown[0]["content"] == question.text
    field = next(c for c in modal["components"] if c["type"] == 18)
    assert field["component"]["style"] == 2  # paragraph

    submit = await rig.fake.submit_modal(rig.channel, rig.member, modal, {"answer": GOOD_ANSWER})
    feedback = await answered(rig, submit)
    assert feedback["type"] == 4 and feedback["data"]["flags"] & EPHEMERAL
    assert embeds_of(feedback)
    assert channel_posts(rig) == []  # practice stays private
    [stored] = await rig.storage.user_answers("discord", rig.member["id"])
    assert stored.private and stored.question_id == question_id


async def test_forget_asks_first_and_confirm_deletes(rig):
    ix = await rig.fake.slash(rig.channel, rig.member, "answer")
    modal = (await answered(rig, ix))["data"]
    submit = await rig.fake.submit_modal(rig.channel, rig.member, modal, {"answer": GOOD_ANSWER})
    await answered(rig, submit)
    assert len(await rig.storage.user_answers("discord", rig.member["id"])) == 1

    ix = await rig.fake.slash(rig.channel, rig.member, "forget")
    assert embeds_of(await answered(rig, ix))[0]["title"] == "Delete your answers?"
    assert len(await rig.storage.user_answers("discord", rig.member["id"])) == 1

    ix = await rig.fake.slash(rig.channel, rig.member, "forget", confirm=True)
    assert embeds_of(await answered(rig, ix))[0]["title"] == "Forgotten"
    assert await rig.storage.user_answers("discord", rig.member["id"]) == []


async def test_a_slow_answer_is_deferred_then_delivered(tmp_path):
    rig = await start_rig(tmp_path, ack_budget=0)
    try:
        ix = await rig.fake.slash(rig.channel, rig.member, "help")
        callback = await answered(rig, ix)
        assert callback["type"] == 5 and callback["data"]["flags"] & EPHEMERAL
        [edit] = await rig.fake.wait_for_request("PATCH", r"/webhooks/\d+/.+/messages/@original")
        assert embeds_of(edit.body)[0]["title"] == "lpbot commands"

        ix = await rig.fake.slash(rig.channel, rig.member, "answer")
        await answered(rig, ix)
        [edit] = await rig.fake.wait_for_request(
            "PATCH", rf"/webhooks/\d+/{ix.token}/messages/@original"
        )
        [row] = edit.body["components"]
        [button] = row["components"]
        assert button["label"] == "Write your answer"

        press = await rig.fake.press_button(
            rig.channel, rig.member, ix.original, button["custom_id"]
        )
        opened = await answered(rig, press)
        assert opened["type"] == 9
        assert opened["data"]["custom_id"].startswith("lpbot:answer:")
    finally:
        await stop_rig(rig)


async def test_a_form_opened_before_a_restart_still_gets_feedback(rig, tmp_path):
    ix = await rig.fake.slash(rig.channel, rig.member, "answer")
    modal = (await answered(rig, ix))["data"]
    rig = await restart_rig(rig, tmp_path)
    try:
        submit = await rig.fake.submit_modal(
            rig.channel, rig.member, modal, {"answer": GOOD_ANSWER}
        )
        feedback = await answered(rig, submit)
        assert feedback["type"] == 4 and feedback["data"]["flags"] & EPHEMERAL
        assert embeds_of(feedback)
    finally:
        await stop_rig(rig)


class ScriptedCore:
    """Stands in for LPBot where the real core never answers this way (yet): a public
    reply, and no reply at all."""

    async def on_command(self, event: CommandInvoked) -> CommandResult:
        if event.name == "stats":
            return CommandResult(Reply(title="This week", body="5 answers"), private=False)
        return CommandResult(None)

    def principles(self) -> list:
        return []


@pytest.mark.parametrize("ack_budget", [2.0, 0.0])
async def test_public_and_empty_results_after_an_immediate_or_deferred_ack(ack_budget):
    fake = await FakeDiscord().start()
    guild = fake.add_guild()
    channel = fake.add_channel(guild)
    member = fake.add_user(guild, "ben")
    adapter = DiscordAdapter.from_settings(
        settings_for(fake, guild), ack_budget=ack_budget, guild_ready_timeout=0.05
    )
    task = asyncio.create_task(adapter.run(ScriptedCore()))  # type: ignore[arg-type]
    try:
        await asyncio.wait_for(adapter.ready.wait(), 10)
        public = await fake.slash(channel, member, "stats")
        silent = await fake.slash(channel, member, "post")
        await fake.wait_until(lambda: silent.original_deleted)
        assert silent.response_type == 5
        if ack_budget:
            await fake.wait_until(lambda: public.callbacks)
            assert public.response_type == 4 and not public.ephemeral
            assert embeds_of(public.callbacks[0])[0]["title"] == "This week"
        else:
            await fake.wait_until(lambda: public.original_deleted)
            assert public.response_type == 5 and public.ephemeral
            [shown] = public.followups
            assert not shown["flags"] & EPHEMERAL
            assert shown["embeds"][0]["title"] == "This week"
    finally:
        await adapter.close()
        await task
        await fake.stop()


async def test_the_registered_command_tree_is_what_lp_help_shows(rig):
    """Every command /lp help lists is a subcommand, and every argument it shows is
    one of that subcommand's options, in the same order (both come from the catalogue)."""
    import re

    [put] = rig.fake.find_requests("PUT", rf"/applications/\d+/guilds/{rig.guild}/commands")
    [lp] = put.body
    registered = {o["name"]: [p["name"] for p in o.get("options", [])] for o in lp["options"]}
    ix = await rig.fake.slash(rig.channel, rig.member, "help")
    [embed] = embeds_of(await answered(rig, ix))
    shown = {
        name: re.findall(r"\[([^\]]+)\]", args)
        for name, args in re.findall(r"`/lp (\w+)((?: \[[^\]]+\])*)`", embed["description"])
    }
    assert set(shown) == set(registered)
    for name, arguments in shown.items():
        assert len(arguments) == len(registered[name]), name
        for argument, option in zip(arguments, registered[name], strict=True):
            assert argument == option or option == "dates", (name, argument, option)
    assert shown["skip"] == shown["unskip"] == ["YYYY-MM-DD ..."]
