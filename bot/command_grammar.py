"""The one reading of a ``/lp`` command line, shared by every platform.

A platform hands the core the words after ``/lp`` (split however it likes: Slack and
the terminal split a text line, Discord joins its options); the core joins them again
and reads them here. So ``/lp schedule 09:00 UTC mon wed fri`` means the same thing
everywhere, whichever way the words arrived."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.schedule import parse_days, parse_time

SCHEDULE_EXAMPLE = "/lp schedule 09:00 Europe/Berlin mon-fri"
DATES_EXAMPLE = "/lp skip 2026-12-24 2026-12-25"

_UTC_WORDS = frozenset({"utc", "gmt", "z", "etc/utc"})
_MERIDIEM = frozenset({"am", "pm", "a.m.", "p.m."})
_LOOKS_LIKE_TIME = re.compile(r"^\d{1,2}([:h]\d{2})?\s*(am|pm|a\.m\.|p\.m\.)?$")


class GrammarError(ValueError):
    """A command's arguments could not be read; the message says what to type."""


def split_line(text: str) -> tuple[str, tuple[str, ...]]:
    """``"schedule 09:00 UTC mon wed fri"`` -> ``("schedule", ("09:00", "UTC", ...))``.
    An empty line is ``help``."""
    words = (text or "").split()
    if not words:
        return "help", ()
    return words[0].lower(), tuple(words[1:])


def argument_text(args: Iterable[str]) -> str:
    """The arguments as one line, however the platform split them."""
    return " ".join(" ".join(args).split())


# time zones ------------------------------------------------------------------------


@cache
def _zones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


@cache
def _zones_by_city() -> dict[str, str]:
    by_city: dict[str, str] = {}
    for name in sorted(available_timezones()):
        if "/" in name and not name.startswith(("Etc/", "SystemV/")):
            by_city.setdefault(name.rsplit("/", 1)[1].lower(), name)
    return by_city


def suggest_timezone(word: str) -> str | None:
    """The time zone someone most likely meant by ``word`` ("berlin", "Europe/Berlim")."""
    needle = word.strip().lower().replace(" ", "_")
    cities = _zones_by_city()
    for part in reversed(needle.split("/")):  # "berlin", "Berlin/Europe"
        if part in cities:
            return cities[part]
    zones = _zones_by_lower_name()
    close = difflib.get_close_matches(needle, list(zones), n=1, cutoff=0.75)
    if close:
        return zones[close[0]]
    close = difflib.get_close_matches(needle.rsplit("/", 1)[-1], list(cities), n=1, cutoff=0.8)
    return cities[close[0]] if close else None


def resolve_timezone(word: str) -> str:
    """The IANA name for ``word`` in any case ("europe/berlin" -> "Europe/Berlin",
    "utc" -> "UTC"), or ``GrammarError`` with a "did you mean" when one is close."""
    needle = word.strip()
    if needle.lower() in _UTC_WORDS:
        return "UTC"
    found = _zones_by_lower_name().get(needle.lower())
    if found is not None:
        try:
            ZoneInfo(found)
        except (ZoneInfoNotFoundError, ValueError):  # pragma: no cover - listed but unreadable
            found = None
    if found is not None:
        return found
    suggestion = suggest_timezone(needle)
    hint = f" Did you mean {suggestion}?" if suggestion else " Use a name like America/New_York."
    raise GrammarError(f"{word!r} is not a time zone I know.{hint}")


# schedules -------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleChange:
    """What ``/lp schedule ...`` asks to change; None leaves that part as it is."""

    post_time: time | None = None
    timezone: str | None = None
    weekdays: frozenset[int] | None = None


def _is_time(word: str) -> bool:
    return bool(_LOOKS_LIKE_TIME.match(word.lower())) or word.lower() in {"noon", "midnight"}


def _days_phrase(words: list[str]) -> str:
    phrase = " ".join(words).lower()
    # "every day", "every weekday", "every mon wed": "every" adds nothing to the days.
    phrase = re.sub(r"\bevery\s+days?\b", "daily", phrase)
    return re.sub(r"\bevery\b\s*", "", phrase).strip()


def parse_schedule(args: Iterable[str]) -> ScheduleChange:
    """Read a time, a time zone and days, in any order:
    ``09:00 UTC mon wed fri``, ``9am europe/berlin mon-fri``, ``21:30 every day``."""
    words = argument_text(args).split()
    post_time: time | None = None
    timezone: str | None = None
    day_words: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        following = words[index + 1].lower() if index + 1 < len(words) else ""
        if word.isdigit() and following in _MERIDIEM:  # "9 am"
            word, index = word + following, index + 1
        if _is_time(word):
            if post_time is not None:
                raise GrammarError(f"two times given ({post_time:%H:%M} and {word!r}); give one.")
            try:
                post_time = parse_time(word)
            except ValueError as exc:
                raise GrammarError(f"{exc}.") from None
        elif "/" in word or word.lower() in _UTC_WORDS or word.lower() in _zones_by_lower_name():
            if timezone is not None:
                raise GrammarError(f"two time zones given ({timezone} and {word!r}); give one.")
            timezone = resolve_timezone(word)
        else:
            day_words.append(word)
        index += 1
    weekdays = _parse_day_words(day_words) if day_words else None
    return ScheduleChange(post_time, timezone, weekdays)


def _parse_day_words(words: list[str]) -> frozenset[int]:
    try:
        return parse_days(_days_phrase(words))
    except ValueError as exc:
        # A lone city is more likely a time zone than a day: say so.
        for word in words:
            suggestion = suggest_timezone(word) if len(word) > 3 else None
            if suggestion is not None and word.lower() == suggestion.rsplit("/", 1)[1].lower():
                raise GrammarError(
                    f"{word!r} is not a day or a time zone. Did you mean {suggestion}?"
                ) from None
        raise GrammarError(f"{exc}.") from None


# dates -----------------------------------------------------------------------------


def parse_dates(args: Iterable[str]) -> frozenset[date]:
    """``2026-12-24 2026-12-25`` or ``2026-12-24,2026-12-25`` as dates."""
    words = [w for w in re.split(r"[,\s]+", argument_text(args)) if w]
    days: set[date] = set()
    for word in words:
        try:
            days.add(date.fromisoformat(word))
        except ValueError:
            raise GrammarError(
                f"{word!r} is not a date. Give dates as YYYY-MM-DD, e.g. `{DATES_EXAMPLE}`."
            ) from None
    return frozenset(days)


def is_flag(args: Iterable[str], name: str) -> bool:
    """True when the arguments are exactly the flag's name (``forget confirm``)."""
    return [a.lower() for a in argument_text(args).split()] == [name]
