"""The real Bolt app in HTTP mode, with the real core and SQLite, receiving signed
requests as Slack sends them and calling the fake Slack Web API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.slack.adapter import SlackAdapter
from adapters.slack.settings import SlackSettings
from bot.config import ConfigError
from bot.events import ChannelRef
from bot.platform import AuthFailed, PlatformError
from bot.replies import Reply
from tests.helpers import FakeClock
from tests.slack_fake import (
    STUDY_ADMIN,
    STUDY_CHANNEL,
    STUDY_MEMBER,
    FakeSlack,
    SlackRig,
    SlackSender,
    start_rig,
    study_workspace,
)

CHANNEL = STUDY_CHANNEL
ADMIN = STUDY_ADMIN
MEMBER = STUDY_MEMBER
SLACK_CHANNEL = ChannelRef("slack", CHANNEL, "T0FAKE")
# Monday 3 March 2025, 07:00 UTC = 08:00 in Berlin.
START = datetime(2025, 3, 3, 7, 0, tzinfo=UTC)

STAR_ANSWER = (
    "Situation: last spring our checkout service failed every Friday evening and "
    "customers could not pay for about an hour. Task: as the on-call engineer I had to "
    "find the cause and stop the outages before the holiday sale. Action: I traced the "
    "failures to a batch job that locked the orders table, moved the job to a replica, "
    "added an alert on lock time and wrote a runbook for the team. Result: we had zero "
    "checkout outages in the next three months and payment errors fell by 40 percent. "
    "Learning: I now check scheduled jobs first when an incident repeats on a timetable."
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = await study_workspace()
    yield server
    await server.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def rig(fake: FakeSlack, clock: FakeClock, tmp_path: Path) -> AsyncIterator[SlackRig]:
    running = await start_rig(fake, str(tmp_path / "lpbot.db"), clock)
    yield running
    await running.stop()


def sender(rig: SlackRig) -> SlackSender:
    assert rig.sender is not None
    return rig.sender


def posts(fake: FakeSlack, *, in_thread: str | None = None) -> list:
    """chat.postMessage calls (attempts, including any that failed)."""
    calls = fake.calls_to("chat.postMessage")
    return [c for c in calls if c.params.get("thread_ts") == in_thread]


def header(call) -> str:
    return call.params["blocks"][0]["text"]["text"]


async def ask_question(rig: SlackRig, text: str = "question", user: str = MEMBER) -> str:
    """Run ``/lp <text>`` and return the ts of the question it posted."""
    before = len(posts(rig.fake))
    response = await sender(rig).command(text, user=user, channel=CHANNEL)
    assert response.status == 200
    await rig.drain()
    assert len(posts(rig.fake)) == before + 1
    return rig.fake.messages_in(CHANNEL)[-1].ts


async def answer(rig: SlackRig, thread_ts: str, ts: str, text: str = STAR_ANSWER, **kw) -> None:
    event = sender(rig).thread_reply(CHANNEL, thread_ts, ts, MEMBER, text)
    response = await sender(rig).event(event, event_id=f"Ev{ts}", **kw)
    assert response.status == 200
    await rig.drain()


# -- commands ------------------------------------------------------------------------


async def test_lp_question_posts_a_practice_question_in_the_channel(rig: SlackRig) -> None:
    await ask_question(rig)
    [post] = posts(rig.fake)
    assert post.params["channel"] == CHANNEL
    assert header(post).startswith("Practice question")
    [confirmation] = rig.fake.responses_to("cmd")
    assert confirmation["response_type"] == "ephemeral"
    assert "https://fake-workspace.slack.com/archives/" in str(confirmation)


async def test_lp_question_with_a_principle(rig: SlackRig) -> None:
    await ask_question(rig, "question ownership")
    [post] = posts(rig.fake)
    assert header(post) == "Practice question: Ownership"


async def test_lp_post_by_an_admin_posts_todays_question(rig: SlackRig) -> None:
    await ask_question(rig, "post", user=ADMIN)
    [post] = posts(rig.fake)
    assert header(post).startswith("Question of the day")
    assert (await rig.storage.get_daily_post(SLACK_CHANNEL, START.date())).status == "posted"


async def test_lp_post_by_a_member_is_refused_privately(rig: SlackRig) -> None:
    response = await sender(rig).command("post", user=MEMBER, channel=CHANNEL)
    assert response.status == 200
    await rig.drain()
    assert posts(rig.fake) == []
    [refusal] = rig.fake.responses_to("cmd")
    assert refusal["response_type"] == "ephemeral"
    assert "admin" in refusal["text"].lower()


async def test_allow_listed_user_is_an_admin(
    fake: FakeSlack, clock: FakeClock, tmp_path: Path
) -> None:
    rig = await start_rig(fake, str(tmp_path / "db"), clock, admins=frozenset({MEMBER}))
    try:
        await ask_question(rig, "post", user=MEMBER)
        assert header(posts(fake)[0]).startswith("Question of the day")
    finally:
        await rig.stop()


async def test_unknown_word_shows_help(rig: SlackRig) -> None:
    await sender(rig).command("frobnicate", user=MEMBER, channel=CHANNEL)
    await rig.drain()
    [reply] = rig.fake.responses_to("cmd")
    assert "frobnicate" in reply["text"]
    assert "/lp question" in reply["text"]


async def test_slash_command_is_acknowledged_before_the_work_is_done(rig: SlackRig) -> None:
    release = asyncio.Event()
    real_on_command = rig.bot.on_command

    async def slow_on_command(event):
        await release.wait()
        return await real_on_command(event)

    rig.bot.on_command = slow_on_command
    response = await sender(rig).command("help", user=MEMBER, channel=CHANNEL)
    # Slack got its 200 while the command is still blocked.
    assert response.status == 200
    assert rig.fake.responses_to("cmd") == []
    release.set()
    await rig.drain()
    assert len(rig.fake.responses_to("cmd")) == 1


# -- the daily post on its schedule ----------------------------------------------------


async def test_scheduled_post_goes_out_at_its_time(rig: SlackRig, clock: FakeClock) -> None:
    await sender(rig).command("schedule 09:00 Europe/Berlin mon-fri", user=ADMIN, channel=CHANNEL)
    await rig.drain()
    # 08:00 in Berlin: nothing to post yet (last Friday's missed post is only recorded).
    assert await rig.bot.scheduler.run_due(SLACK_CHANNEL) in {"idle", "skipped"}
    assert posts(rig.fake) == []
    clock.now = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
    assert await rig.bot.scheduler.run_due(SLACK_CHANNEL) == "posted"
    [post] = posts(rig.fake)
    assert header(post).startswith("Question of the day")
    assert [b["type"] for b in post.params["blocks"]] == ["header", "section", "context"]
    assert await rig.bot.scheduler.run_due(SLACK_CHANNEL) == "done"
    assert len(posts(rig.fake)) == 1


async def test_restart_does_not_post_twice(
    fake: FakeSlack, clock: FakeClock, tmp_path: Path
) -> None:
    database = str(tmp_path / "lpbot.db")
    first = await start_rig(fake, database, clock)
    await sender(first).command("schedule 08:00 UTC", user=ADMIN, channel=CHANNEL)
    await first.drain()
    clock.now = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
    assert await first.bot.scheduler.run_due(SLACK_CHANNEL) == "posted"
    thread_ts = fake.messages_in(CHANNEL)[-1].ts
    await answer(first, thread_ts, "1750000100.000200")
    await first.stop()
    replies_before = len(posts(fake, in_thread=thread_ts))

    clock.advance(minutes=10)
    second = await start_rig(fake, database, clock)  # bot.start() catches up missed posts
    try:
        assert await second.bot.scheduler.run_due(SLACK_CHANNEL) == "done"
        # Slack retries the answer's event after the restart: still one reply.
        await answer(second, thread_ts, "1750000100.000200", retry_num=1)
    finally:
        await second.stop()
    assert len(posts(fake)) == 1
    assert len(posts(fake, in_thread=thread_ts)) == replies_before == 1


async def test_a_fan_out_goes_side_by_side_and_only_one_channel_waits_its_turn(
    fake: FakeSlack, clock: FakeClock, tmp_path: Path
) -> None:
    slept: list[float] = []

    async def record_sleep(seconds: float) -> None:
        slept.append(seconds)

    for channel in ("C1", "C2", "C3"):
        fake.add_channel(channel)
    rig = await start_rig(
        fake,
        str(tmp_path / "db"),
        clock,
        post_interval=1.0,
        monotonic=lambda: 50.0,
        sleep=record_sleep,
    )
    try:
        for channel in ("C1", "C2", "C3"):
            await rig.bot.post_daily(ChannelRef("slack", channel, "T0FAKE"))
        # Slack's chat.postMessage limit is per channel: three channels need no
        # spacing, a second message in one of them does.
        assert slept == []
        await rig.adapter.send_reply(ChannelRef("slack", "C1", "T0FAKE"), Reply("more"))
    finally:
        await rig.stop()
    assert len(posts(fake)) == 4
    assert slept == [1.0]


# -- answers in the thread ---------------------------------------------------------------


async def test_answer_in_the_thread_gets_feedback_in_the_thread(rig: SlackRig) -> None:
    thread_ts = await ask_question(rig)
    await answer(rig, thread_ts, "1750000100.000200")
    [feedback] = posts(rig.fake, in_thread=thread_ts)
    assert feedback.params["channel"] == CHANNEL
    assert feedback.params["blocks"][0]["type"] == "header"
    [stored] = await rig.storage.user_answers("slack", MEMBER)
    assert (stored.message_id, stored.user_name) == ("1750000100.000200", "Mia")


async def test_answer_racing_the_question_being_recorded_still_gets_feedback(
    rig: SlackRig,
) -> None:
    # The core is held right after Slack accepted the question, before it records the
    # thread, until the answer has looked its thread up once (and not found it).
    release, recorded = asyncio.Event(), asyncio.Event()
    mark_posted = rig.storage.mark_posted
    on_answer = rig.bot.on_answer
    thread_known_at_answer: list[bool] = []

    async def held_record(*args, **kwargs):
        await release.wait()
        result = await mark_posted(*args, **kwargs)
        recorded.set()
        return result

    async def on_answer_spy(event):
        thread_known_at_answer.append(recorded.is_set())
        await on_answer(event)

    find_post_by_thread = rig.storage.find_post_by_thread

    async def find_then_release(platform: str, thread_id: str):
        found = await find_post_by_thread(platform, thread_id)
        release.set()
        return found

    rig.storage.mark_posted = held_record
    rig.bot.on_answer = on_answer_spy
    rig.storage.find_post_by_thread = find_then_release
    await sender(rig).command("question", user=MEMBER, channel=CHANNEL)
    await rig.fake.wait_for(lambda: rig.fake.messages_in(CHANNEL))
    thread_ts = rig.fake.messages_in(CHANNEL)[0].ts
    event = sender(rig).thread_reply(CHANNEL, thread_ts, "1750000100.000200", MEMBER, STAR_ANSWER)
    assert (await sender(rig).event(event, event_id="EvFAST")).status == 200
    await rig.drain()
    assert thread_known_at_answer == [False]  # the race really happened
    assert len(posts(rig.fake, in_thread=thread_ts)) == 1


async def test_message_outside_a_question_thread_is_left_alone(rig: SlackRig) -> None:
    await answer(rig, "1111111111.000100", "1750000100.000200")
    assert posts(rig.fake, in_thread="1111111111.000100") == []


async def test_retried_event_gets_one_reply(rig: SlackRig) -> None:
    thread_ts = await ask_question(rig)
    event = sender(rig).thread_reply(CHANNEL, thread_ts, "1750000100.000200", MEMBER, STAR_ANSWER)
    first, retry = await asyncio.gather(
        sender(rig).event(event, event_id="EvSAME"),
        sender(rig).event(event, event_id="EvSAME", retry_num=1),
    )
    assert (first.status, retry.status) == (200, 200)
    await rig.drain()
    await sender(rig).event(event, event_id="EvSAME", retry_num=2)
    await rig.drain()
    assert len(posts(rig.fake, in_thread=thread_ts)) == 1


async def test_edited_answer_updates_its_feedback(rig: SlackRig) -> None:
    thread_ts = await ask_question(rig)
    await answer(rig, thread_ts, "1750000100.000200", "I fixed it.")
    [feedback] = posts(rig.fake, in_thread=thread_ts)
    feedback_ts = rig.fake.thread(CHANNEL, thread_ts)[0].ts
    edit = sender(rig).edited(
        CHANNEL,
        thread_ts,
        "1750000100.000200",
        MEMBER,
        "I fixed it.",
        STAR_ANSWER,
        "1750000200.000000",
    )
    await sender(rig).event(edit, event_id="EvEDIT")
    await rig.drain()
    [update] = rig.fake.calls_to("chat.update")
    assert (update.params["channel"], update.params["ts"]) == (CHANNEL, feedback_ts)
    assert update.params["blocks"] != feedback.params["blocks"]
    assert len(posts(rig.fake, in_thread=thread_ts)) == 1
    [stored] = await rig.storage.user_answers("slack", MEMBER)
    assert stored.text == STAR_ANSWER


async def test_deleted_answer_removes_its_feedback(rig: SlackRig) -> None:
    thread_ts = await ask_question(rig)
    await answer(rig, thread_ts, "1750000100.000200")
    feedback_ts = rig.fake.thread(CHANNEL, thread_ts)[0].ts
    delete = sender(rig).deleted(
        CHANNEL, thread_ts, "1750000100.000200", MEMBER, STAR_ANSWER, "1750000300.000000"
    )
    await sender(rig).event(delete, event_id="EvDELETE")
    await rig.drain()
    assert rig.fake.deleted == [(CHANNEL, feedback_ts)]
    assert await rig.storage.user_answers("slack", MEMBER) == []


# -- private practice and the message shortcut --------------------------------------------


async def test_lp_answer_opens_a_modal_and_the_feedback_comes_back_in_it(rig: SlackRig) -> None:
    await sender(rig).command("answer", user=MEMBER, channel=CHANNEL)
    await rig.drain()
    [opened] = rig.fake.calls_to("views.open")
    view = opened.params["view"]
    assert view["callback_id"] == "lp_practice"
    assert rig.fake.responses_to("cmd") == []  # the modal is the answer
    [view_id] = rig.fake.views

    payload = sender(rig).view_submission(
        user=MEMBER, view=view, view_id=view_id, answer=STAR_ANSWER
    )
    response = await sender(rig).interactive(payload)
    assert response.status == 200
    assert response.json()["response_action"] == "update"
    await rig.drain()
    [updated] = rig.fake.calls_to("views.update")
    assert updated.params["view_id"] == view_id
    assert updated.params["view"]["blocks"][0]["type"] == "header"
    assert posts(rig.fake) == []  # nothing public
    [stored] = await rig.storage.user_answers("slack", MEMBER)
    assert stored.private is True


async def test_closed_modal_still_gets_feedback_privately(rig: SlackRig) -> None:
    await sender(rig).command("answer", user=MEMBER, channel=CHANNEL)
    await rig.drain()
    view = rig.fake.calls_to("views.open")[0].params["view"]
    payload = sender(rig).view_submission(
        user=MEMBER, view=view, view_id="VGONE", answer=STAR_ANSWER
    )
    await sender(rig).interactive(payload)
    await rig.drain()
    [ephemeral] = rig.fake.calls_to("chat.postEphemeral")
    assert (ephemeral.params["channel"], ephemeral.params["user"]) == (CHANNEL, MEMBER)


async def test_message_shortcut_replies_privately(rig: SlackRig) -> None:
    message = {"type": "message", "user": ADMIN, "text": STAR_ANSWER, "ts": "1750000400.000100"}
    payload = sender(rig).shortcut(user=MEMBER, channel=CHANNEL, message=message)
    response = await sender(rig).interactive(payload)
    assert response.status == 200
    await rig.drain()
    [reply] = rig.fake.responses_to("shortcut")
    assert reply["response_type"] == "ephemeral"
    assert reply["blocks"][0]["type"] == "header"
    assert posts(rig.fake) == []


# -- signatures and request limits ----------------------------------------------------


async def test_forged_and_stale_requests_get_401_and_store_nothing(
    rig: SlackRig, clock: FakeClock
) -> None:
    thread_ts = await ask_question(rig)
    calls_before = len(rig.fake.calls)
    event = sender(rig).thread_reply(CHANNEL, thread_ts, "1750000100.000200", MEMBER, STAR_ANSWER)

    forged = await sender(rig).event(event, event_id="EvX", signature="v0=" + "0" * 64)
    stale_ts = int(clock().timestamp()) - 301
    stale = await sender(rig).event(event, event_id="EvX", timestamp=stale_ts)
    unsigned = await sender(rig).post("{}", "application/json", signature="", timestamp=0)
    future = await sender(rig).command(
        "post", user=ADMIN, channel=CHANNEL, timestamp=stale_ts + 700
    )
    assert [r.status for r in (forged, stale, unsigned, future)] == [401, 401, 401, 401]
    await rig.drain()
    assert len(rig.fake.calls) == calls_before
    assert await rig.storage.user_answers("slack", MEMBER) == []
    assert await rig.storage.get_daily_post(SLACK_CHANNEL, START.date()) is None

    # The event id was not remembered: the genuine delivery is handled.
    genuine = await sender(rig).event(event, event_id="EvX")
    assert genuine.status == 200
    await rig.drain()
    assert len(posts(rig.fake, in_thread=thread_ts)) == 1


async def test_signature_within_five_minutes_is_accepted(rig: SlackRig, clock: FakeClock) -> None:
    response = await sender(rig).command(
        "help", user=MEMBER, channel=CHANNEL, timestamp=int(clock().timestamp()) - 290
    )
    assert response.status == 200


async def test_oversized_body_is_refused(fake: FakeSlack, clock: FakeClock, tmp_path: Path) -> None:
    rig = await start_rig(fake, str(tmp_path / "db"), clock, max_body_bytes=4096)
    try:
        event = sender(rig).thread_reply(CHANNEL, "1.1", "1.2", MEMBER, "x" * 5000)
        response = await sender(rig).event(event, event_id="EvBIG")
        assert response.status == 413
    finally:
        await rig.stop()


async def test_url_verification_challenge(rig: SlackRig) -> None:
    body = '{"token":"t","challenge":"abc123","type":"url_verification"}'
    response = await sender(rig).post(body, "application/json")
    assert (response.status, response.json()) == (200, {"challenge": "abc123"})


# -- Slack failures ------------------------------------------------------------------------


async def test_rate_limit_is_waited_out(rig: SlackRig) -> None:
    rig.fake.fail("chat.postMessage", "ratelimited", status=429, retry_after=0)
    await sender(rig).command("question", user=MEMBER, channel=CHANNEL)
    await rig.drain()
    assert len(rig.fake.calls_to("chat.postMessage")) == 2  # the 429, then the retry
    assert len(rig.fake.messages_in(CHANNEL)) == 1
    assert "Posted" in rig.fake.responses_to("cmd")[0]["text"]


async def test_public_channel_not_joined_yet_is_joined(rig: SlackRig) -> None:
    rig.fake.add_channel("C0NEW", member=False)
    await sender(rig).command("question", user=MEMBER, channel="C0NEW")
    await rig.drain()
    assert [c.params["channel"] for c in rig.fake.calls_to("conversations.join")] == ["C0NEW"]
    assert len(rig.fake.messages_in("C0NEW")) == 1


async def test_private_channel_without_the_bot_tells_the_user_to_invite_it(rig: SlackRig) -> None:
    rig.fake.add_channel("G0PRIVATE", member=False, private=True)
    await sender(rig).command("question", user=MEMBER, channel="G0PRIVATE")
    await rig.drain()
    assert rig.fake.messages_in("G0PRIVATE") == []
    [reply] = rig.fake.responses_to("cmd")
    assert "/invite" in reply["text"]


@pytest.mark.parametrize("error", ["channel_not_found", "is_archived"])
async def test_gone_channel_disables_its_schedule(rig: SlackRig, error: str) -> None:
    await sender(rig).command("schedule 08:00 UTC", user=ADMIN, channel=CHANNEL)
    await rig.drain()
    rig.fake.fail("chat.postMessage", error)
    outcome = await rig.bot.post_daily(SLACK_CHANNEL)
    assert outcome.status == "unavailable"
    config = await rig.storage.get_channel(SLACK_CHANNEL)
    assert config.enabled is False
    assert error in (config.disabled_reason or "")
    assert not rig.bot.scheduler.has_job(SLACK_CHANNEL)


async def test_invalid_token_at_start_is_a_clear_auth_failure(
    fake: FakeSlack, clock: FakeClock, tmp_path: Path
) -> None:
    fake.fail("auth.test", "invalid_auth")
    with pytest.raises(AuthFailed, match="SLACK_BOT_TOKEN"):
        await start_rig(fake, str(tmp_path / "db"), clock)
    assert len(fake.calls_to("auth.test")) == 1  # no retry loop


async def test_token_revoked_while_running_stops_the_adapter(rig: SlackRig) -> None:
    rig.fake.fail("chat.postMessage", "token_revoked")
    await sender(rig).command("question", user=MEMBER, channel=CHANNEL)
    await rig.drain()
    done, _ = await asyncio.wait({rig.task}, timeout=10)
    assert rig.task in done
    with pytest.raises(AuthFailed, match="token_revoked"):
        rig.task.result()


async def test_http_mode_requires_the_signing_secret(fake: FakeSlack) -> None:
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        SlackAdapter(SlackSettings(bot_token=fake.bot_token, api_url=fake.api_url))
    # Socket Mode needs no signing secret.
    socket = SlackSettings(bot_token=fake.bot_token, app_token=fake.app_token)
    assert SlackAdapter(socket).socket_mode


async def test_uninstalling_the_app_stops_the_adapter_with_an_auth_failure(rig: SlackRig) -> None:
    event = {"type": "tokens_revoked", "tokens": {"bot": [rig.fake.bot_user_id]}}
    assert (await sender(rig).event(event, event_id="EvREVOKED")).status == 200
    done, _ = await asyncio.wait({rig.task}, timeout=10)
    assert rig.task in done
    with pytest.raises(AuthFailed, match="revoked"):
        rig.task.result()


async def test_unreachable_slack_api_is_a_platform_error_not_a_crash(
    clock: FakeClock, tmp_path: Path
) -> None:
    gone = await FakeSlack().start()
    await gone.stop()  # nothing listens on its port any more
    with pytest.raises(PlatformError, match="auth.test") as raised:
        await start_rig(gone, str(tmp_path / "db"), clock)
    assert not isinstance(raised.value, AuthFailed)
