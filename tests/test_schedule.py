from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.events import ChannelRef
from bot.schedule import (
    DuePost,
    describe_schedule,
    due_post,
    fire_time,
    is_post_day,
    next_post,
    parse_days,
    parse_time,
)
from storage.base import ChannelConfig

CHANNEL = ChannelRef("terminal", "study")
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
WORKWEEK = frozenset(range(5))


def rule(
    at: time = time(9, 0), tz: str = "UTC", days: frozenset[int] = frozenset(range(7)), **kw
) -> ChannelConfig:
    return ChannelConfig(
        channel=CHANNEL, post_time=at, timezone=tz, weekdays=days, scheduled=True, **kw
    )


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(zone: ZoneInfo, *args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=zone, fold=fold)


# fire_time ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "before", "change", "after"),
    [
        ("America/New_York", date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9)),
        ("America/New_York", date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 2)),
        ("Europe/Berlin", date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 30)),
        ("Europe/Berlin", date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26)),
        ("Australia/Lord_Howe", date(2026, 4, 4), date(2026, 4, 5), date(2026, 4, 6)),
        ("Australia/Lord_Howe", date(2026, 10, 3), date(2026, 10, 4), date(2026, 10, 5)),
    ],
)
def test_nine_oclock_stays_nine_oclock_local_across_a_change(
    tz: str, before: date, change: date, after: date
) -> None:
    zone = ZoneInfo(tz)
    r = rule(time(9, 0), tz)
    for day in (before, change, after):
        fired = fire_time(day, r)
        assert fired.tzinfo is not None and fired.utcoffset() == timedelta(0)
        assert fired.astimezone(zone).replace(tzinfo=None) == datetime.combine(day, time(9, 0))
    # the UTC instant really moved, so the post followed the local clock
    assert fire_time(before, r).time() != fire_time(after, r).time()


def test_new_york_offsets_around_spring_forward() -> None:
    r = rule(time(9, 0), "America/New_York")
    assert fire_time(date(2026, 3, 7), r) == utc(2026, 3, 7, 14, 0)
    assert fire_time(date(2026, 3, 8), r) == utc(2026, 3, 8, 13, 0)


@pytest.mark.parametrize(
    ("tz", "day", "post_at", "expected_local"),
    [
        ("America/New_York", date(2026, 3, 8), time(2, 30), datetime(2026, 3, 8, 3, 0)),
        ("America/New_York", date(2026, 3, 8), time(2, 0), datetime(2026, 3, 8, 3, 0)),
        ("Europe/Berlin", date(2026, 3, 29), time(2, 30), datetime(2026, 3, 29, 3, 0)),
        ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 10), datetime(2026, 10, 4, 2, 30)),
    ],
)
def test_a_time_missing_on_spring_forward_day_fires_at_the_next_valid_minute(
    tz: str, day: date, post_at: time, expected_local: datetime
) -> None:
    fired = fire_time(day, rule(post_at, tz))
    assert fired == expected_local.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)
    assert fired.astimezone(ZoneInfo(tz)).replace(tzinfo=None) == expected_local


def test_spring_forward_fire_instant_in_utc() -> None:
    # 03:00 EDT is 07:00 UTC (CronTrigger would say 07:30, i.e. 03:30 local).
    assert fire_time(date(2026, 3, 8), rule(time(2, 30), "America/New_York")) == utc(
        2026, 3, 8, 7, 0
    )
    # Lord Howe jumps from +10:30 to +11:00 at 02:00 local: 02:30 LHDT is 15:30 UTC.
    assert fire_time(date(2026, 10, 4), rule(time(2, 10), "Australia/Lord_Howe")) == utc(
        2026, 10, 3, 15, 30
    )


@pytest.mark.parametrize(
    ("tz", "day", "post_at", "first_occurrence"),
    [
        ("America/New_York", date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),
        ("Europe/Berlin", date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30)),
        ("Australia/Lord_Howe", date(2026, 4, 5), time(1, 40), utc(2026, 4, 4, 14, 40)),
    ],
)
def test_a_repeated_time_on_fall_back_day_fires_once_at_the_first_occurrence(
    tz: str, day: date, post_at: time, first_occurrence: datetime
) -> None:
    zone = ZoneInfo(tz)
    r = rule(post_at, tz)
    assert fire_time(day, r) == first_occurrence
    second_occurrence = datetime.combine(day, post_at).replace(tzinfo=zone, fold=1)
    assert second_occurrence.astimezone(UTC) > first_occurrence
    # Just after the first firing, the next post is the following day, not the repeat.
    nxt = next_post(first_occurrence, r, None)
    assert nxt is not None
    assert nxt[0] == day + timedelta(days=1)
    # Between the two occurrences, with the day done, nothing else fires that day.
    between = first_occurrence + timedelta(minutes=30)
    nxt = next_post(between, r, day)
    assert nxt is not None and nxt[0] == day + timedelta(days=1)


def test_walking_next_post_over_dst_changes_gives_one_post_per_day() -> None:
    for tz, start in (
        ("America/New_York", utc(2026, 3, 5)),
        ("America/New_York", utc(2026, 10, 29)),
        ("Europe/Berlin", utc(2026, 10, 22)),
        ("Australia/Lord_Howe", utc(2026, 4, 1)),
        ("Australia/Lord_Howe", utc(2026, 9, 30)),
    ):
        zone = ZoneInfo(tz)
        for post_at in (time(1, 30), time(2, 10), time(2, 30), time(9, 0)):
            r = rule(post_at, tz)
            now, last = start, None
            days: list[date] = []
            for _ in range(8):
                found = next_post(now, r, last)
                assert found is not None
                day, at = found
                assert at > now
                assert at.astimezone(zone).date() == day
                days.append(day)
                now, last = at, day
            expected = [days[0] + timedelta(days=i) for i in range(8)]
            assert days == expected, (tz, post_at)


# post days, next_post ------------------------------------------------------------------


def test_is_post_day_honours_weekdays_and_skip_dates() -> None:
    r = rule(days=WORKWEEK, skip_dates=frozenset({date(2026, 5, 6)}))
    assert is_post_day(date(2026, 5, 4), r)  # Monday
    assert not is_post_day(date(2026, 5, 6), r)  # Wednesday, skipped
    assert not is_post_day(date(2026, 5, 9), r)  # Saturday
    paused = replace(r, paused=True)
    assert is_post_day(date(2026, 5, 4), paused)  # pausing is checked elsewhere


def test_next_post_today_if_still_ahead_else_next_post_day() -> None:
    r = rule(time(9, 0), "Europe/Berlin", WORKWEEK)
    # Friday 2026-05-08, 08:00 Berlin (06:00 UTC): today's 09:00 is ahead.
    assert next_post(utc(2026, 5, 8, 6, 0), r, None) == (date(2026, 5, 8), utc(2026, 5, 8, 7, 0))
    # Exactly at the fire instant: strictly after, so the next post day (Monday).
    assert next_post(utc(2026, 5, 8, 7, 0), r, None) == (
        date(2026, 5, 11),
        utc(2026, 5, 11, 7, 0),
    )
    # Today already done even though 09:00 is ahead.
    assert next_post(utc(2026, 5, 8, 6, 0), r, date(2026, 5, 8)) == (
        date(2026, 5, 11),
        utc(2026, 5, 11, 7, 0),
    )


def test_next_post_uses_the_local_date_not_the_utc_date() -> None:
    r = rule(time(8, 30), "Australia/Lord_Howe", frozenset({0}))
    # 2026-05-10 22:00 UTC is Monday 2026-05-11 08:30 in Lord Howe (+10:30).
    now = utc(2026, 5, 10, 21, 0)
    assert next_post(now, r, None) == (date(2026, 5, 11), utc(2026, 5, 10, 22, 0))


def test_next_post_jumps_over_skip_dates() -> None:
    r = rule(days=frozenset({0, 2, 4}), skip_dates=frozenset({date(2026, 5, 11)}))
    assert next_post(utc(2026, 5, 8, 12), r, None) == (date(2026, 5, 13), utc(2026, 5, 13, 9))


def test_next_post_is_none_when_paused_or_without_days() -> None:
    now = utc(2026, 5, 8, 12)
    assert next_post(now, rule(paused=True), None) is None
    assert next_post(now, rule(days=frozenset()), None) is None


def test_next_post_gives_up_after_about_a_year_of_skipped_days() -> None:
    start = date(2026, 1, 1)
    skips = frozenset(start + timedelta(days=i) for i in range(500))
    assert next_post(utc(2026, 1, 1), rule(skip_dates=skips), None) is None


def test_next_post_requires_an_aware_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_post(datetime(2026, 5, 8, 12), rule(), None)


# due_post -------------------------------------------------------------------------------

GRACE = timedelta(hours=6)


def test_due_post_within_grace_posts() -> None:
    r = rule(time(9, 0), "America/New_York", WORKWEEK)
    fire = utc(2026, 5, 8, 13, 0)  # Friday 09:00 EDT
    assert due_post(fire, r, None, GRACE) == DuePost(date(2026, 5, 8), fire, "post")
    assert due_post(fire + GRACE, r, None, GRACE) == DuePost(date(2026, 5, 8), fire, "post")


def test_due_post_beyond_grace_skips() -> None:
    r = rule(time(9, 0), "America/New_York", WORKWEEK)
    fire = utc(2026, 5, 8, 13, 0)
    late = fire + GRACE + timedelta(minutes=1)
    assert due_post(late, r, None, GRACE) == DuePost(date(2026, 5, 8), fire, "skip")


def test_due_post_looks_back_to_the_previous_post_day() -> None:
    r = rule(time(9, 0), "UTC", WORKWEEK)
    # Monday 2026-05-11 07:00: today's post is ahead, Friday's is the most recent.
    due = due_post(utc(2026, 5, 11, 7), r, None, GRACE)
    assert due == DuePost(date(2026, 5, 8), utc(2026, 5, 8, 9), "skip")
    # Friday's grace ended long ago, but a one-week grace still posts it.
    due = due_post(utc(2026, 5, 11, 7), r, None, timedelta(days=7))
    assert due is not None and due.action == "post"


def test_due_post_is_none_once_done_or_paused() -> None:
    r = rule(time(9, 0), "UTC", WORKWEEK)
    now = utc(2026, 5, 8, 10)
    assert due_post(now, r, date(2026, 5, 8), GRACE) is None
    assert due_post(now, replace(r, paused=True), None, GRACE) is None
    # an older last_posted does not hide today's post
    assert due_post(now, r, date(2026, 5, 7), GRACE) == DuePost(
        date(2026, 5, 8), utc(2026, 5, 8, 9), "post"
    )


def test_due_post_ignores_skip_dates() -> None:
    r = rule(time(9, 0), "UTC", WORKWEEK, skip_dates=frozenset({date(2026, 5, 8)}))
    due = due_post(utc(2026, 5, 8, 10), r, None, GRACE)
    assert due == DuePost(date(2026, 5, 7), utc(2026, 5, 7, 9), "skip")


def test_due_post_on_spring_forward_day_counts_from_the_shifted_time() -> None:
    r = rule(time(2, 30), "America/New_York")
    before = local(NEW_YORK, 2026, 3, 8, 1, 59)
    assert due_post(before, r, date(2026, 3, 7), GRACE) is None
    at = local(NEW_YORK, 2026, 3, 8, 3, 0)
    assert due_post(at, r, date(2026, 3, 7), GRACE) == DuePost(
        date(2026, 3, 8), utc(2026, 3, 8, 7, 0), "post"
    )


def test_due_post_on_fall_back_day_is_due_after_the_first_occurrence() -> None:
    r = rule(time(1, 30), "America/New_York")
    first = local(NEW_YORK, 2026, 11, 1, 1, 30, fold=0)
    second = local(NEW_YORK, 2026, 11, 1, 1, 30, fold=1)
    assert due_post(first, r, date(2026, 10, 31), GRACE) == DuePost(
        date(2026, 11, 1), first.astimezone(UTC), "post"
    )
    # at the repeat, the same day is still the due one: done means done
    assert due_post(second, r, date(2026, 11, 1), GRACE) is None


# describing and parsing ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "text"),
    [
        (rule(time(9, 0), "Europe/Berlin", WORKWEEK), "Every weekday at 09:00 Europe/Berlin"),
        (rule(time(8, 30), "UTC", frozenset({0, 2, 4})), "Mon, Wed, Fri at 08:30 UTC"),
        (rule(time(18, 5), "Asia/Tokyo"), "Every day at 18:05 Asia/Tokyo"),
        (rule(time(10, 0), "UTC", frozenset({5, 6})), "Weekends at 10:00 UTC"),
        (rule(paused=True), "paused"),
    ],
)
def test_describe_schedule(config: ChannelConfig, text: str) -> None:
    assert describe_schedule(config) == text


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("Mon - Fri", {0, 1, 2, 3, 4}),
        ("weekdays", {0, 1, 2, 3, 4}),
        ("weekends", {5, 6}),
        ("daily", set(range(7))),
        ("every day", set(range(7))),
        ("Every  Day", set(range(7))),
        ("all", set(range(7))),
        ("mon,wed,fri", {0, 2, 4}),
        ("mon, wed, fri", {0, 2, 4}),
        ("tue thu", {1, 3}),
        ("sat-sun", {5, 6}),
        ("fri-mon", {4, 5, 6, 0}),
        ("Monday,Wednesday", {0, 2}),
        ("tuesday and thursday", {1, 3}),
        ("mon-wed,sat", {0, 1, 2, 5}),
        ("SUNDAY", {6}),
    ],
)
def test_parse_days(text: str, days: set[int]) -> None:
    assert parse_days(text) == frozenset(days)


@pytest.mark.parametrize("text", ["", "   ", "funday", "mon-xyz", "mon,,blursday", "1-5", ","])
def test_parse_days_rejects_nonsense_with_a_helpful_message(text: str) -> None:
    with pytest.raises(ValueError, match="mon-fri"):
        parse_days(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00", time(9, 0)),
        ("9:00", time(9, 0)),
        ("9am", time(9, 0)),
        ("9 AM", time(9, 0)),
        ("9:30pm", time(21, 30)),
        ("21:30", time(21, 30)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("12:15am", time(0, 15)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("noon", time(12, 0)),
    ],
)
def test_parse_time(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text", ["", "9", "24:00", "9:60", "13pm", "0am", "9:5", "nine", "9:00:00", "-1:00"]
)
def test_parse_time_rejects_nonsense_with_a_helpful_message(text: str) -> None:
    with pytest.raises(ValueError, match="09:00"):
        parse_time(text)


def test_due_post_owes_nothing_for_a_day_before_the_schedule_began() -> None:
    rule = ChannelConfig(
        channel=ChannelRef("terminal", "x"),
        post_time=time(9, 0),
        timezone="UTC",
        scheduled=True,
        scheduled_since=datetime(2026, 11, 25, 10, 0, tzinfo=UTC),
    )
    grace = timedelta(hours=6)
    assert due_post(datetime(2026, 11, 25, 11, 0, tzinfo=UTC), rule, None, grace) is None
    tomorrow = due_post(datetime(2026, 11, 26, 9, 5, tzinfo=UTC), rule, None, grace)
    assert tomorrow is not None and tomorrow.action == "post"
