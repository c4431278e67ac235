"""When a channel's daily question is due: pure functions of (now, rule, last posted day).

Nothing here reads the wall clock; the runner (``bot.scheduler``) passes ``now`` in,
so every rule, DST included, is tested with fixed datetimes.

DST rules: a post time that does not exist on a spring-forward day fires at the first
valid local minute after the gap (02:30 in New York -> 03:00); a post time that occurs
twice on a fall-back day fires once, at its first occurrence (``fold=0``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from storage.base import ALL_DAYS, ChannelConfig

LOOKAHEAD_DAYS = 400
# A gap is usually 30 or 60 minutes; Samoa skipped a whole day in 2011.
_MAX_GAP = timedelta(hours=26)

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WORKWEEK: frozenset[int] = frozenset(range(5))
WEEKEND: frozenset[int] = frozenset({5, 6})

DueAction = Literal["post", "skip"]


@dataclass(frozen=True)
class DuePost:
    """The most recent scheduled post that has not happened yet. ``action`` is "post"
    when it is still within the grace period, "skip" when it is too late to post."""

    local_date: date
    fire_at: datetime
    action: DueAction


def _zone(rule: ChannelConfig) -> ZoneInfo:
    return ZoneInfo(rule.timezone)


def _exists(naive: datetime, zone: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def fire_time(local_date: date, rule: ChannelConfig) -> datetime:
    """The UTC instant of the post for ``local_date`` at ``rule.post_time`` in
    ``rule.timezone``, shifted past a DST gap and taken once in a repeated hour."""
    zone = _zone(rule)
    wall = datetime.combine(local_date, rule.post_time.replace(tzinfo=None))
    if not _exists(wall, zone):
        # Walk to the first minute after the gap; transitions fall on whole minutes.
        start = wall.replace(second=0, microsecond=0)
        candidate = start + timedelta(minutes=1)
        while not _exists(candidate, zone):
            candidate += timedelta(minutes=1)
            if candidate - start > _MAX_GAP:  # pragma: no cover - no zone has such a gap
                raise ValueError(f"no valid local time near {wall} in {rule.timezone}")
        wall = candidate
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


def is_post_day(local_date: date, rule: ChannelConfig) -> bool:
    """Whether ``local_date`` is one of the rule's weekdays and not a skipped date.
    (Pausing is checked by the callers, not here.)"""
    return local_date.weekday() in rule.weekdays and local_date not in rule.skip_dates


def _local_today(now: datetime, rule: ChannelConfig) -> date:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(_zone(rule)).date()


def next_post(
    now: datetime, rule: ChannelConfig, last_posted: date | None
) -> tuple[date, datetime] | None:
    """The next (local date, UTC fire instant) strictly after ``now`` on a post day
    later than ``last_posted``; None when paused, when no weekday is enabled, or when
    nothing falls within the next ~400 days."""
    if rule.paused or not rule.weekdays:
        return None
    # Start a day early: a whole-day gap can push a date's post onto the next day.
    day = _local_today(now, rule) - timedelta(days=1)
    for _ in range(LOOKAHEAD_DAYS + 2):
        if is_post_day(day, rule) and (last_posted is None or day > last_posted):
            at = fire_time(day, rule)
            if at > now:
                return day, at
        day += timedelta(days=1)
    return None


def due_post(
    now: datetime, rule: ChannelConfig, last_posted: date | None, grace: timedelta
) -> DuePost | None:
    """The most recent post day whose fire time is at or before ``now``: "post" if
    ``now`` is at most ``grace`` past it, else "skip". None when paused, when there is
    no such day, or when that day is ``last_posted`` (or earlier) and so already done."""
    if rule.paused or not rule.weekdays:
        return None
    day = _local_today(now, rule) + timedelta(days=1)
    for _ in range(LOOKAHEAD_DAYS + 2):
        if is_post_day(day, rule):
            at = fire_time(day, rule)
            if at <= now:
                if last_posted is not None and day <= last_posted:
                    return None
                # A day that began before daily posts were set up is not owed a post.
                if rule.scheduled_since is not None and at < rule.scheduled_since:
                    return None
                action: DueAction = "post" if now - at <= grace else "skip"
                return DuePost(local_date=day, fire_at=at, action=action)
        day -= timedelta(days=1)
    return None


# describing and parsing ----------------------------------------------------------------


def describe_days(weekdays: frozenset[int]) -> str:
    days = frozenset(weekdays)
    if days == ALL_DAYS:
        return "Every day"
    if days == WORKWEEK:
        return "Every weekday"
    if days == WEEKEND:
        return "Weekends"
    if not days:
        return "No days"
    return ", ".join(WEEKDAY_NAMES[d] for d in sorted(days))


def describe_schedule(rule: ChannelConfig) -> str:
    """A one-line summary such as "Every weekday at 09:00 Europe/Berlin" or "paused"."""
    if rule.paused:
        return "paused"
    return f"{describe_days(rule.weekdays)} at {rule.post_time:%H:%M} {rule.timezone}"


_DAY_WORDS: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("mon", "monday", "mondays"),
        ("tue", "tues", "tuesday", "tuesdays"),
        ("wed", "weds", "wednesday", "wednesdays"),
        ("thu", "thur", "thurs", "thursday", "thursdays"),
        ("fri", "friday", "fridays"),
        ("sat", "saturday", "saturdays"),
        ("sun", "sunday", "sundays"),
    )
):
    for _name in _names:
        _DAY_WORDS[_name] = _index

_DAY_GROUPS: dict[str, frozenset[int]] = {
    "daily": ALL_DAYS,
    "everyday": ALL_DAYS,
    "every day": ALL_DAYS,
    "all": ALL_DAYS,
    "weekdays": WORKWEEK,
    "weekday": WORKWEEK,
    "workdays": WORKWEEK,
    "weekends": WEEKEND,
    "weekend": WEEKEND,
}

_DAYS_HELP = "use e.g. mon-fri, weekdays, weekends, daily, mon,wed,fri or sat-sun"


def _day(word: str, original: str) -> int:
    try:
        return _DAY_WORDS[word]
    except KeyError:
        raise ValueError(f"{word!r} is not a day in {original!r}; {_DAYS_HELP}") from None


def parse_days(text: str) -> frozenset[int]:
    """Turn "mon-fri", "weekdays", "weekends", "daily", "mon,wed,fri", "sat-sun" or
    full day names into weekday numbers (Monday = 0). Ranges may wrap ("fri-mon")."""
    original = text
    normalized = re.sub(r"\s+", " ", text.strip().lower().replace("–", "-"))
    if not normalized:
        raise ValueError(f"no days given; {_DAYS_HELP}")
    if normalized in _DAY_GROUPS:
        return _DAY_GROUPS[normalized]
    normalized = re.sub(r"\s*-\s*", "-", normalized)
    days: set[int] = set()
    for token in re.split(r"[,\s]+|\band\b", normalized):
        if not token:
            continue
        if token in _DAY_GROUPS:
            days |= _DAY_GROUPS[token]
        elif "-" in token:
            first, _, last = token.partition("-")
            start, end = _day(first, original), _day(last, original)
            days.update((start + step) % 7 for step in range((end - start) % 7 + 1))
        else:
            days.add(_day(token, original))
    if not days:
        raise ValueError(f"no days found in {original!r}; {_DAYS_HELP}")
    return frozenset(days)


_TIME_RE = re.compile(r"^(\d{1,2})(?:[:h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")
_TIME_HELP = "use e.g. 09:00, 9:00, 9am, 9:30pm or 21:30"


def parse_time(text: str) -> time:
    """Turn "09:00", "9:00", "9am", "9:30pm", "21:30" (or "noon"/"midnight") into a time."""
    normalized = text.strip().lower()
    if normalized == "noon":
        return time(12, 0)
    if normalized == "midnight":
        return time(0, 0)
    match = _TIME_RE.match(normalized)
    if match is None:
        raise ValueError(f"{text!r} is not a time; {_TIME_HELP}")
    hour, minute, meridiem = int(match[1]), int(match[2] or 0), match[3]
    if meridiem is None and match[2] is None:
        raise ValueError(f"{text!r} is ambiguous; {_TIME_HELP}")
    if minute > 59:
        raise ValueError(f"{text!r} has minutes past 59; {_TIME_HELP}")
    if meridiem is not None:
        if not 1 <= hour <= 12:
            raise ValueError(f"{text!r}: with am/pm the hour must be 1-12; {_TIME_HELP}")
        hour = hour % 12 + (12 if meridiem.startswith("p") else 0)
    elif hour > 23:
        raise ValueError(f"{text!r} has an hour past 23; {_TIME_HELP}")
    return time(hour, minute)
