"""The behaviour every ``Storage`` implementation must have.

Subclass ``StorageContract`` in a ``test_*.py`` module and provide two fixtures:

- ``storage``: a connected storage on a fresh, empty database;
- ``other_storage``: a second, independently connected storage on the *same*
  database (what another lpbot process would see), for the cross-process races.

Both are closed by the fixtures. See ``tests/test_storage_sqlite.py``.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from bank.model import Question
from bot.events import ChannelRef
from storage.base import (
    SEEN_EVENTS_KEPT,
    AnswerExists,
    AnswerRecord,
    ChannelConfig,
    Storage,
    StorageError,
)
from tests.outbox_contract import InboxContract, OutboxContract

T0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)  # a Monday
MONDAY = date(2025, 3, 3)
TUESDAY = date(2025, 3, 4)

DISCORD = ChannelRef("discord", "1001", workspace="guild-7")
SLACK = ChannelRef("slack", "C0STUDY", workspace="T0TEAM")
# The same channel id on another platform is another channel.
SLACK_TWIN = ChannelRef("slack", "1001", workspace="T0TEAM")


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def answer(
    user_id: str = "u-ada",
    *,
    channel: ChannelRef = DISCORD,
    at: datetime = T0,
    text: str = "Situation: our release slipped. Action: I split the work. Result: shipped.",
    message_id: str | None = "m-1",
    private: bool = False,
    post_id: int | None = None,
    **extra: object,
) -> AnswerRecord:
    return AnswerRecord(
        channel=channel,
        user_id=user_id,
        text=text,
        score=3,
        created_at=at,
        message_id=message_id,
        private=private,
        post_id=post_id,
        **extra,  # type: ignore[arg-type]
    )


class StorageContract(OutboxContract, InboxContract):
    # channels ----------------------------------------------------------------
    async def test_unknown_channel_is_none(self, storage: Storage) -> None:
        assert await storage.get_channel(DISCORD) is None

    async def test_channel_round_trips_every_field(self, storage: Storage) -> None:
        config = ChannelConfig(
            channel=DISCORD,
            post_time=time(7, 45),
            timezone="America/Los_Angeles",
            weekdays=frozenset({0, 2, 4}),
            paused=True,
            scheduled=True,
            skip_dates=frozenset({date(2025, 12, 25), date(2026, 1, 1)}),
            enabled=False,
            disabled_reason="channel deleted",
        )
        await storage.save_channel(config)
        assert await storage.get_channel(DISCORD) == config

    async def test_channel_defaults_and_empty_weekdays_round_trip(self, storage: Storage) -> None:
        await storage.save_channel(ChannelConfig(channel=SLACK))
        await storage.save_channel(ChannelConfig(channel=DISCORD, weekdays=frozenset()))
        assert await storage.get_channel(SLACK) == ChannelConfig(channel=SLACK)
        stored = await storage.get_channel(DISCORD)
        assert stored is not None and stored.weekdays == frozenset()

    async def test_save_channel_replaces_the_previous_config(self, storage: Storage) -> None:
        await storage.save_channel(ChannelConfig(channel=DISCORD, post_time=time(9, 0)))
        updated = ChannelConfig(
            channel=DISCORD,
            post_time=time(18, 30),
            timezone="Europe/Berlin",
            weekdays=frozenset(range(5)),
            scheduled=True,
            skip_dates=frozenset({MONDAY}),
        )
        await storage.save_channel(updated)
        assert await storage.get_channel(DISCORD) == updated

    async def test_channels_are_keyed_by_platform_and_id(self, storage: Storage) -> None:
        await storage.save_channel(ChannelConfig(channel=DISCORD, timezone="Asia/Tokyo"))
        await storage.save_channel(ChannelConfig(channel=SLACK_TWIN, timezone="Europe/Paris"))
        discord = await storage.get_channel(DISCORD)
        slack = await storage.get_channel(SLACK_TWIN)
        assert discord is not None and discord.timezone == "Asia/Tokyo"
        assert slack is not None and slack.timezone == "Europe/Paris"

    async def test_scheduled_channels_are_the_enabled_scheduled_ones(
        self, storage: Storage
    ) -> None:
        live = ChannelConfig(channel=DISCORD, scheduled=True)
        paused = ChannelConfig(channel=SLACK, scheduled=True, paused=True)
        gone = ChannelConfig(
            channel=SLACK_TWIN, scheduled=True, enabled=False, disabled_reason="not found"
        )
        unscheduled = ChannelConfig(channel=ChannelRef("terminal", "study"))
        for config in (live, paused, gone, unscheduled):
            await storage.save_channel(config)
        found = await storage.scheduled_channels()
        assert sorted(found, key=lambda c: c.channel.key) == [live, paused]

    # daily posts -------------------------------------------------------------
    async def test_claim_returns_a_claimed_daily_post(self, storage: Storage) -> None:
        post = await storage.claim_daily_post(DISCORD, MONDAY, "own-01", "ownership", T0)
        assert post is not None
        assert isinstance(post.id, int)
        assert (post.channel, post.local_date, post.kind, post.status) == (
            DISCORD,
            MONDAY,
            "daily",
            "claimed",
        )
        assert (post.question_id, post.principle) == ("own-01", "ownership")
        assert post.claimed_at == T0 and post.claimed_at.utcoffset() == timedelta(0)
        assert post.posted_at is None and post.message_id is None and post.thread_id is None
        assert await storage.get_daily_post(DISCORD, MONDAY) == post

    async def test_a_day_is_claimed_once(self, storage: Storage) -> None:
        assert await storage.claim_daily_post(DISCORD, MONDAY, "own-01", "ownership", T0)
        again = await storage.claim_daily_post(DISCORD, MONDAY, "dive-02", "dive-deep", minutes(1))
        assert again is None
        kept = await storage.get_daily_post(DISCORD, MONDAY)
        assert kept is not None and kept.question_id == "own-01"

    async def test_other_days_and_channels_claim_independently(self, storage: Storage) -> None:
        first = await storage.claim_daily_post(DISCORD, MONDAY, "own-01", "ownership", T0)
        next_day = await storage.claim_daily_post(DISCORD, TUESDAY, "own-02", "ownership", T0)
        other_channel = await storage.claim_daily_post(SLACK, MONDAY, "own-01", "ownership", T0)
        twin = await storage.claim_daily_post(SLACK_TWIN, MONDAY, "own-01", "ownership", T0)
        claimed = [first, next_day, other_channel, twin]
        assert all(post is not None for post in claimed)
        assert len({post.id for post in claimed if post}) == 4

    async def test_a_posted_or_failed_day_cannot_be_claimed_again(self, storage: Storage) -> None:
        post = await storage.claim_daily_post(DISCORD, MONDAY, "own-01", "ownership", T0)
        assert post is not None
        await storage.mark_posted(post.id, "msg-1", "thr-1", None, minutes(1))
        assert await storage.claim_daily_post(DISCORD, MONDAY, "x", "ownership", T0) is None
        failed = await storage.claim_daily_post(DISCORD, TUESDAY, "own-02", "ownership", T0)
        assert failed is not None
        await storage.set_post_status(failed.id, "failed")
        assert await storage.claim_daily_post(DISCORD, TUESDAY, "x", "ownership", T0) is None

    async def test_concurrent_claims_in_one_storage_have_one_winner(self, storage: Storage) -> None:
        results = await asyncio.gather(
            *(
                storage.claim_daily_post(DISCORD, MONDAY, f"q-{n}", "ownership", minutes(n))
                for n in range(8)
            )
        )
        winners = [post for post in results if post is not None]
        assert len(winners) == 1
        assert await storage.get_daily_post(DISCORD, MONDAY) == winners[0]

    async def test_two_storages_racing_for_a_day_have_one_winner(
        self, storage: Storage, other_storage: Storage
    ) -> None:
        for day in range(10):
            local_date = MONDAY + timedelta(days=day)
            results = await asyncio.gather(
                storage.claim_daily_post(DISCORD, local_date, "a", "ownership", T0),
                other_storage.claim_daily_post(DISCORD, local_date, "b", "ownership", T0),
            )
            assert sum(post is not None for post in results) == 1, local_date

    async def test_mark_posted_then_find_by_thread(self, storage: Storage) -> None:
        post = await storage.claim_daily_post(DISCORD, MONDAY, "own-01", "ownership", T0)
        assert post is not None
        link = "https://discord.com/channels/guild-7/1001/msg-1"
        await storage.mark_posted(post.id, "msg-1", "thr-1", link, minutes(2))
        found = await storage.find_post_by_thread("discord", "thr-1")
        assert found is not None
        assert (found.id, found.status, found.message_id, found.thread_id, found.link) == (
            post.id,
            "posted",
            "msg-1",
            "thr-1",
            link,
        )
        assert found.posted_at == minutes(2)
        assert found.claimed_at == T0

    async def test_thread_lookup_is_per_platform(self, storage: Storage) -> None:
        post = await storage.claim_daily_post(DISCORD, MONDAY, "own-01", "ownership", T0)
        assert post is not None
        await storage.mark_posted(post.id, "msg-1", "thr-1", None, T0)
        assert await storage.find_post_by_thread("slack", "thr-1") is None
        assert await storage.find_post_by_thread("discord", "thr-unknown") is None

    async def test_set_post_status(self, storage: Storage) -> None:
        post = await storage.claim_daily_post(DISCORD, MONDAY, "own-01", "ownership", T0)
        assert post is not None
        for status in ("failed", "claimed", "skipped"):
            await storage.set_post_status(post.id, status)
            stored = await storage.get_daily_post(DISCORD, MONDAY)
            assert stored is not None and stored.status == status

    async def test_unknown_post_status_is_refused(self, storage: Storage) -> None:
        post = await storage.claim_daily_post(DISCORD, MONDAY, "own-01", "ownership", T0)
        assert post is not None
        with pytest.raises(ValueError, match="status"):
            await storage.set_post_status(post.id, "done")

    async def test_record_skipped_day(self, storage: Storage) -> None:
        assert await storage.record_skipped_day(DISCORD, MONDAY, T0) is True
        assert await storage.record_skipped_day(DISCORD, MONDAY, minutes(1)) is False
        skipped = await storage.get_daily_post(DISCORD, MONDAY)
        assert skipped is not None and skipped.status == "skipped"
        assert await storage.claim_daily_post(DISCORD, MONDAY, "q", "ownership", T0) is None
        assert await storage.post_history(DISCORD) == []

    async def test_a_claimed_day_cannot_be_recorded_as_skipped(self, storage: Storage) -> None:
        assert await storage.claim_daily_post(DISCORD, MONDAY, "own-01", "ownership", T0)
        assert await storage.record_skipped_day(DISCORD, MONDAY, minutes(90)) is False
        kept = await storage.get_daily_post(DISCORD, MONDAY)
        assert kept is not None and kept.status == "claimed"

    async def test_get_daily_post_of_an_unclaimed_day_is_none(self, storage: Storage) -> None:
        assert await storage.get_daily_post(DISCORD, MONDAY) is None

    async def test_unfinished_posts_are_the_claimed_daily_ones(self, storage: Storage) -> None:
        stuck = await storage.claim_daily_post(DISCORD, MONDAY, "own-01", "ownership", T0)
        done = await storage.claim_daily_post(SLACK, MONDAY, "own-01", "ownership", T0)
        assert stuck is not None and done is not None
        await storage.mark_posted(done.id, "m", "t", None, minutes(1))
        await storage.record_skipped_day(DISCORD, TUESDAY, T0)
        await storage.claim_adhoc_post(DISCORD, "q", "ownership", T0)  # the outbox's
        assert await storage.unfinished_posts() == [stuck]

    # ad hoc posts and history --------------------------------------------------
    async def test_adhoc_posts_are_posted_and_found_by_thread(self, storage: Storage) -> None:
        first = await storage.claim_adhoc_post(SLACK, "cust-03", "customer-obsession", T0)
        second = await storage.claim_adhoc_post(SLACK, "dive-01", "dive-deep", minutes(1))
        assert first.id != second.id
        assert (first.kind, first.status, first.local_date) == ("adhoc", "claimed", None)
        assert first.claimed_at == T0 and first.message_id is None
        await storage.mark_posted(first.id, "1700.1", "1700.1", "https://x/1", minutes(2))
        await storage.mark_posted(second.id, "1700.2", "1700.2", None, minutes(3))
        posted = await storage.find_post_by_thread("slack", "1700.2")
        assert posted is not None and posted.id == second.id and posted.status == "posted"
        assert posted.posted_at == minutes(3)
        # Ad hoc posts do not use up the day's daily post.
        assert await storage.claim_daily_post(SLACK, MONDAY, "q", "ownership", T0) is not None

    async def test_post_history_is_oldest_first_without_skipped_days(
        self, storage: Storage
    ) -> None:
        tuesday = await storage.claim_daily_post(
            DISCORD, TUESDAY, "own-02", "ownership", minutes(24 * 60)
        )
        monday = await storage.claim_daily_post(DISCORD, MONDAY, "own-01", "ownership", T0)
        adhoc = await storage.claim_adhoc_post(DISCORD, "dive-01", "dive-deep", minutes(30))
        await storage.mark_posted(adhoc.id, "m", "t", None, minutes(30))
        await storage.record_skipped_day(DISCORD, date(2025, 3, 5), minutes(48 * 60))
        await storage.claim_daily_post(SLACK, MONDAY, "elsewhere", "ownership", T0)
        assert monday is not None and tuesday is not None
        await storage.set_post_status(tuesday.id, "failed")
        history = await storage.post_history(DISCORD)
        assert [post.id for post in history] == [monday.id, adhoc.id, tuesday.id]
        assert [post.question_id for post in history] == ["own-01", "dive-01", "own-02"]
        # The picker's view: the failed Tuesday did not ask anything.
        asked = await storage.asked_questions(DISCORD)
        assert [(a.question_id, a.times) for a in asked] == [("own-01", 1), ("dive-01", 1)]
        again = await storage.claim_daily_post(DISCORD, date(2025, 3, 6), "own-01",
                                               "ownership", minutes(72 * 60))
        assert again is not None
        asked = await storage.asked_questions(DISCORD)
        assert [(a.question_id, a.times) for a in asked] == [("dive-01", 1), ("own-01", 2)]

    # answers -----------------------------------------------------------------
    async def test_answer_round_trips_every_field(self, storage: Storage) -> None:
        post = await storage.claim_daily_post(DISCORD, MONDAY, "own-01", "ownership", T0)
        assert post is not None
        record = AnswerRecord(
            channel=DISCORD,
            user_id="u-ada",
            user_name="Ada",
            text="S: a migration. T: zero downtime. A: dual writes. R: done. L: rehearse.",
            score=5,
            created_at=minutes(3),
            post_id=post.id,
            question_id="own-01",
            principle="ownership",
            message_id="m-77",
            feedback_message_id="m-78",
            missing=("learning", "result"),
            private=False,
            edited_at=minutes(4),
        )
        saved = await storage.save_answer(record)
        assert isinstance(saved.id, int)
        assert saved == AnswerRecord(**{**record.__dict__, "id": saved.id})
        assert await storage.get_answer_by_message("discord", "m-77") == saved

    async def test_answer_lookup_misses(self, storage: Storage) -> None:
        await storage.save_answer(answer(message_id="m-1"))
        assert await storage.get_answer_by_message("discord", "m-2") is None
        assert await storage.get_answer_by_message("slack", "m-1") is None

    async def test_one_message_is_stored_once(self, storage: Storage) -> None:
        first = await storage.save_answer(answer(message_id="m-1"))
        with pytest.raises(AnswerExists):
            await storage.save_answer(answer(message_id="m-1", text="the same, again"))
        # The same id on another platform is another message.
        await storage.save_answer(answer(message_id="m-1", channel=SLACK))
        assert await storage.user_answers("discord", "u-ada") == [first]

    async def test_one_message_is_stored_once_across_processes(
        self, storage: Storage, other_storage: Storage
    ) -> None:
        outcomes = await asyncio.gather(
            storage.save_answer(answer(message_id="m-7")),
            other_storage.save_answer(answer(message_id="m-7")),
            return_exceptions=True,
        )
        assert sorted(type(o).__name__ for o in outcomes) == ["AnswerExists", "AnswerRecord"]
        assert len(await storage.user_answers("discord", "u-ada")) == 1

    async def test_private_answers_without_a_message_are_each_kept(
        self, storage: Storage
    ) -> None:
        await storage.save_answer(answer(message_id=None, private=True))
        await storage.save_answer(answer(message_id=None, private=True, at=minutes(1)))
        assert len(await storage.user_answers("discord", "u-ada")) == 2

    async def test_private_answer_without_message(self, storage: Storage) -> None:
        saved = await storage.save_answer(answer(message_id=None, private=True))
        assert saved.private is True and saved.message_id is None and saved.post_id is None
        assert await storage.user_answers("discord", "u-ada") == [saved]

    async def test_update_answer_after_an_edit(self, storage: Storage) -> None:
        saved = await storage.save_answer(answer(missing=("result",)))
        assert saved.id is not None
        await storage.update_answer(saved.id, "A better story.", 4, (), minutes(5))
        updated = await storage.get_answer_by_message("discord", "m-1")
        assert updated is not None
        assert (updated.text, updated.score, updated.missing) == ("A better story.", 4, ())
        assert updated.edited_at == minutes(5)
        assert updated.created_at == saved.created_at

    async def test_set_feedback_message(self, storage: Storage) -> None:
        saved = await storage.save_answer(answer())
        assert saved.id is not None and saved.feedback_message_id is None
        await storage.set_feedback_message(saved.id, "reply-9")
        stored = await storage.get_answer_by_message("discord", "m-1")
        assert stored is not None and stored.feedback_message_id == "reply-9"

    async def test_delete_answer_removes_only_that_one(self, storage: Storage) -> None:
        gone = await storage.save_answer(answer(message_id="m-1"))
        kept = await storage.save_answer(answer(message_id="m-2", at=minutes(1)))
        assert gone.id is not None
        await storage.delete_answer(gone.id)
        assert await storage.get_answer_by_message("discord", "m-1") is None
        assert await storage.user_answers("discord", "u-ada") == [kept]

    async def test_user_answers_are_oldest_first_per_platform(self, storage: Storage) -> None:
        later = await storage.save_answer(answer(message_id="m-2", at=minutes(10)))
        earlier = await storage.save_answer(answer(message_id="m-1", at=minutes(1)))
        await storage.save_answer(answer("u-bob", message_id="m-3"))
        await storage.save_answer(answer(channel=SLACK, message_id="m-4"))
        assert await storage.user_answers("discord", "u-ada") == [earlier, later]
        assert await storage.user_answers("discord", "u-nobody") == []

    async def test_channel_answers_since(self, storage: Storage) -> None:
        await storage.save_answer(answer(message_id="m-old", at=minutes(-1)))
        on_time = await storage.save_answer(answer(message_id="m-on", at=T0))
        later = await storage.save_answer(answer("u-bob", message_id="m-late", at=minutes(60)))
        await storage.save_answer(answer(message_id=None, at=minutes(5), private=True))
        await storage.save_answer(answer(channel=SLACK, message_id="m-s", at=minutes(5)))
        assert await storage.channel_answers_since(DISCORD, T0) == [on_time, later]

    async def test_channel_answers_since_compares_instants(self, storage: Storage) -> None:
        saved = await storage.save_answer(answer(at=minutes(30)))
        berlin_winter = timezone(timedelta(hours=1))
        since = minutes(20).astimezone(berlin_winter)  # text "09:20+01:00" > "08:30Z"
        assert await storage.channel_answers_since(DISCORD, since) == [saved]
        assert await storage.channel_answers_since(DISCORD, minutes(31)) == []

    async def test_forget_user(self, storage: Storage) -> None:
        post = await storage.claim_daily_post(DISCORD, MONDAY, "own-01", "ownership", T0)
        assert post is not None
        for n in range(3):
            await storage.save_answer(answer(message_id=f"m-{n}", post_id=post.id))
        await storage.save_answer(answer(message_id=None, private=True))
        others = await storage.save_answer(answer("u-bob", message_id="m-bob"))
        same_id_elsewhere = await storage.save_answer(answer(channel=SLACK, message_id="s-1"))
        assert await storage.forget_user("discord", "u-ada") == 4
        assert await storage.user_answers("discord", "u-ada") == []
        assert await storage.user_answers("discord", "u-bob") == [others]
        assert await storage.user_answers("slack", "u-ada") == [same_id_elsewhere]
        assert [p.id for p in await storage.post_history(DISCORD)] == [post.id]
        assert await storage.forget_user("discord", "u-ada") == 0

    async def test_text_round_trips_exactly(self, storage: Storage) -> None:
        texts = {
            "emoji": "Result: shipped 🚀🎉 on time 👩🏽‍💻 (family: 👨‍👩‍👧‍👦)",
            "scripts": "状況: 移行 · Ситуация · الموقف · परिस्थिति · ünïcödé ß",
            "combining": "e\u0301 vs \u00e9, zero\u200bwidth, tabs\tand\r\nnewlines",
            "quotes": 'it\'s "quoted"; DROP TABLE answers; -- not SQL',
            "long": ("Situation: a long story. " * 4200)[:100_000] + "🙂",
        }
        for n, text in enumerate(texts.values()):
            await storage.save_answer(answer(message_id=f"m-{n}", text=text, user_name=text[:40]))
        stored = await storage.user_answers("discord", "u-ada")
        assert [a.text for a in stored] == list(texts.values())
        assert [a.user_name for a in stored] == [t[:40] for t in texts.values()]
        assert len(stored[-1].text) == 100_001

    async def test_datetimes_come_back_utc(self, storage: Storage) -> None:
        tokyo = timezone(timedelta(hours=9), "JST")
        created = datetime(2025, 3, 3, 17, 0, 0, 123456, tzinfo=tokyo)
        saved = await storage.save_answer(answer(at=created))
        assert saved.created_at == created
        assert saved.created_at.utcoffset() == timedelta(0)
        assert saved.created_at.hour == 8 and saved.created_at.microsecond == 123456

    async def test_naive_datetimes_are_refused(self, storage: Storage) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            await storage.claim_daily_post(
                DISCORD, MONDAY, "q", "ownership", datetime(2025, 3, 3, 8)
            )
        assert await storage.get_daily_post(DISCORD, MONDAY) is None

    async def test_answer_for_an_unknown_post_is_refused(self, storage: Storage) -> None:
        with pytest.raises(StorageError):
            await storage.save_answer(answer(post_id=424242))
        assert await storage.user_answers("discord", "u-ada") == []

    # custom questions ----------------------------------------------------------
    async def test_custom_questions_round_trip_in_order(self, storage: Storage) -> None:
        questions = [
            Question("team-2", "ownership", "When did you fix something nobody owned?"),
            Question(
                "team-1",
                "hire-and-develop",
                "Tell us about someone you helped grow.",
                followups=("What did they do next?", "What would you change?"),
                audience="people-managers",
            ),
        ]
        assert await storage.add_custom_questions(questions) == 2
        stored = await storage.custom_questions()
        assert stored == [Question(**{**q.__dict__, "custom": True}) for q in questions]
        assert isinstance(stored[1].followups, tuple)

    async def test_custom_question_with_known_id_is_replaced(self, storage: Storage) -> None:
        await storage.add_custom_questions(
            [Question("team-1", "ownership", "Old wording?"), Question("team-2", "ownership", "B?")]
        )
        await storage.add_custom_questions([Question("team-1", "dive-deep", "New wording?")])
        stored = await storage.custom_questions()
        assert [(q.id, q.principle, q.text) for q in stored] == [
            ("team-1", "dive-deep", "New wording?"),
            ("team-2", "ownership", "B?"),
        ]

    async def test_custom_questions_are_added_all_or_nothing(self, storage: Storage) -> None:
        await storage.add_custom_questions([Question("team-0", "ownership", "Kept?")])
        batch = [
            Question("team-1", "ownership", "Fine?"),
            Question("team-0", "ownership", "Would overwrite?"),
            Question("team-2", "ownership", None),  # type: ignore[arg-type]
        ]
        with pytest.raises(StorageError):
            await storage.add_custom_questions(batch)
        stored = await storage.custom_questions()
        assert [(q.id, q.text) for q in stored] == [("team-0", "Kept?")]

    async def test_no_custom_questions(self, storage: Storage) -> None:
        assert await storage.custom_questions() == []
        assert await storage.add_custom_questions([]) == 0

    # preferences and idempotency -----------------------------------------------
    async def test_preferences(self, storage: Storage) -> None:
        assert await storage.get_preference("discord", "u-ada", "reminders") is None
        await storage.set_preference("discord", "u-ada", "reminders", "off")
        await storage.set_preference("discord", "u-ada", "reminders", "on")
        await storage.set_preference("discord", "u-ada", "language", "en")
        await storage.set_preference("slack", "u-ada", "reminders", "off")
        await storage.set_preference("discord", "u-bob", "reminders", "off")
        assert await storage.get_preference("discord", "u-ada", "reminders") == "on"
        assert await storage.get_preference("discord", "u-ada", "language") == "en"
        assert await storage.get_preference("slack", "u-ada", "reminders") == "off"

    async def test_mark_event_seen(self, storage: Storage) -> None:
        assert await storage.mark_event_seen("slack:Ev123", T0) is True
        assert await storage.mark_event_seen("slack:Ev123", minutes(1)) is False
        assert await storage.mark_event_seen("slack:Ev124", minutes(1)) is True

    async def test_seen_events_are_forgotten_after_a_while(self, storage: Storage) -> None:
        assert await storage.mark_event_seen("slack:Ev1", T0) is True
        later = T0 + SEEN_EVENTS_KEPT + timedelta(minutes=1)
        assert await storage.mark_event_seen("slack:Ev2", later) is True
        # Ev1 is past keeping: it has been pruned, so it reads as new.
        assert await storage.mark_event_seen("slack:Ev1", later) is True
        assert await storage.mark_event_seen("slack:Ev2", later) is False

    async def test_event_seen_by_another_process_is_a_repeat(
        self, storage: Storage, other_storage: Storage
    ) -> None:
        first, second = await asyncio.gather(
            storage.mark_event_seen("slack:Ev9", T0),
            other_storage.mark_event_seen("slack:Ev9", T0),
        )
        assert sorted([first, second]) == [False, True]
