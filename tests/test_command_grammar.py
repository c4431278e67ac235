"""The core's one reading of ``/lp`` arguments (``bot.command_grammar``)."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.command_grammar import (
    GrammarError,
    parse_dates,
    parse_schedule,
    resolve_timezone,
    split_line,
)
from bot.schedule import WEEKEND, WORKWEEK
from storage.base import ALL_DAYS

MON_WED_FRI = frozenset({0, 2, 4})


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ("mon wed fri", MON_WED_FRI),
        ("mon,wed,fri", MON_WED_FRI),
        ("mon, wed, fri", MON_WED_FRI),
        ("mon-fri", WORKWEEK),
        ("mon - fri", WORKWEEK),
        ("weekdays", WORKWEEK),
        ("every weekday", WORKWEEK),
        ("every day", ALL_DAYS),
        ("Every Day", ALL_DAYS),
        ("daily", ALL_DAYS),
        ("weekends", WEEKEND),
        ("every monday and friday", frozenset({0, 4})),
    ],
)
def test_every_day_form_reads_as_one_set_of_days(days: str, expected: frozenset[int]) -> None:
    assert parse_schedule(["09:00", "UTC", *days.split()]).weekdays == expected
    # Discord hands the days over as one option value: the same result.
    assert parse_schedule(["09:00", "UTC", days]).weekdays == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("9am", time(9)), ("09:00", time(9)), ("21:30", time(21, 30)), ("9:30pm", time(21, 30))],
)
def test_times(word: str, expected: time) -> None:
    assert parse_schedule([word]).post_time == expected
    assert parse_schedule([word]).weekdays is None


def test_nine_am_as_two_words() -> None:
    assert parse_schedule(["9", "am", "mon-fri"]) == parse_schedule(["9am", "mon-fri"])


def test_parts_in_any_order() -> None:
    change = parse_schedule(["mon-fri", "europe/berlin", "9am"])
    assert (change.post_time, change.timezone, change.weekdays) == (
        time(9),
        "Europe/Berlin",
        WORKWEEK,
    )


@pytest.mark.parametrize(
    ("typed", "zone"),
    [("Europe/Berlin", "Europe/Berlin"), ("europe/berlin", "Europe/Berlin"),
     ("EUROPE/BERLIN", "Europe/Berlin"), ("utc", "UTC"), ("GMT", "UTC"),
     ("america/new_york", "America/New_York"), ("cet", "CET"), ("Japan", "Japan")],
)
def test_time_zones_in_any_case(typed: str, zone: str) -> None:
    assert resolve_timezone(typed) == zone
    assert parse_schedule(["09:00", typed, "mon-fri"]).timezone == zone


@pytest.mark.parametrize("typed", ["Europe/Berlim", "europe/berln", "Berlin/Europe"])
def test_a_near_miss_time_zone_suggests_the_right_one(typed: str) -> None:
    with pytest.raises(GrammarError, match="Did you mean Europe/Berlin"):
        parse_schedule(["09:00", typed])


def test_a_city_in_place_of_days_suggests_its_zone() -> None:
    with pytest.raises(GrammarError, match="Did you mean Europe/Berlin"):
        parse_schedule(["09:00", "Berlin"])


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["9"], "ambiguous"),
        (["25:00"], "past 23"),
        (["09:00", "10:00"], "two times"),
        (["UTC", "Europe/Berlin"], "two time zones"),
        (["funday"], "not a day"),
        (["Mars/Olympus"], "not a time zone"),
    ],
)
def test_unreadable_schedules_say_what_is_wrong(words: list[str], message: str) -> None:
    with pytest.raises(GrammarError, match=message):
        parse_schedule(words)


def test_dates_with_spaces_or_commas() -> None:
    expected = frozenset({date(2026, 12, 24), date(2026, 12, 25)})
    assert parse_dates(["2026-12-24", "2026-12-25"]) == expected
    assert parse_dates(["2026-12-24,2026-12-25"]) == expected
    assert parse_dates(["2026-12-24 2026-12-25"]) == expected
    with pytest.raises(GrammarError, match="YYYY-MM-DD"):
        parse_dates(["christmas"])


def test_split_line() -> None:
    assert split_line("  Schedule 09:00 UTC   mon wed fri ") == (
        "schedule",
        ("09:00", "UTC", "mon", "wed", "fri"),
    )
    assert split_line("") == ("help", ())
