"""Personal progress (``/lp me``) and channel participation (``/lp stats``)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bank.model import Bank
from bot.replies import Reply, Section
from storage.base import AnswerRecord, ChannelConfig, Storage

CORE_PARTS = frozenset({"situation", "task", "action", "result"})


def listed(names: list[str]) -> str:
    """Principle names in a line; a name may hold a comma ("Are Right, A Lot") or a
    semicolon, so neither separates them."""
    return " · ".join(names)


def streak(days: set[date], today: date) -> int:
    """Consecutive days with an answer, ending today (or yesterday: a streak is not
    broken until the day is over)."""
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def personal_progress(answers: list[AnswerRecord], bank: Bank, now: datetime) -> Reply:
    if not answers:
        return Reply(
            "Your progress",
            "No answers yet. Answer a question of the day, or practise privately with "
            "`/lp answer`, and your progress shows up here.",
        )
    covered = {a.principle for a in answers if a.principle}
    have = [p.name for p in bank.principles if p.slug in covered]
    lack = [p.name for p in bank.principles if p.slug not in covered]
    average = round(sum(a.score for a in answers) / len(answers))
    days = {a.created_at.date() for a in answers}
    run = streak(days, now.date())
    missing = Counter(part for a in answers for part in a.missing)
    sections = [
        Section(f"Stories for {len(have)} of {len(bank.principles)} principles",
                listed(have) or "none yet"),
        Section("Principles still without a story", listed(lack) or "none: well done!"),
    ]
    if missing:
        part, count = missing.most_common(1)[0]
        sections.append(
            Section("Most often missing", f"{part.title()} (in {count} of your answers)")
        )
    return Reply(
        "Your progress",
        f"{len(answers)} answer{'s' * (len(answers) != 1)}, average score {average}/100, "
        f"streak {run} day{'s' * (run != 1)}.",
        sections=tuple(sections),
    )


def week_start(now: datetime, timezone: str) -> datetime:
    """Monday 00:00 of this week in the channel's zone, as an aware datetime."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone).date()
    monday = local - timedelta(days=local.weekday())
    return datetime.combine(monday, time(0, 0), zone)


async def channel_stats(
    storage: Storage, config: ChannelConfig, bank: Bank, now: datetime
) -> Reply:
    since = week_start(now, config.timezone)
    answers = await storage.channel_answers_since(config.channel, since)
    if not answers:
        return Reply(
            "This week in this channel",
            "No answers yet this week. Be the first to answer today's question.",
        )
    people = {a.user_id for a in answers}
    average = round(sum(a.score for a in answers) / len(answers))
    # Learning is a bonus: an answer with S, T, A and R is complete.
    complete = sum(1 for a in answers if not set(a.missing) & CORE_PARTS)
    by_principle = Counter(a.principle for a in answers if a.principle)
    lines = []
    for slug, count in by_principle.most_common(3):
        try:
            name = bank.principle(slug).name
        except KeyError:
            name = slug
        lines.append(f"{name}: {count}")
    sections = (Section("Most answered", "\n".join(lines)),) if lines else ()
    return Reply(
        "This week in this channel",
        f"{len(answers)} answer{'s' * (len(answers) != 1)} from {len(people)} "
        f"{'people' if len(people) != 1 else 'person'} since {since:%a %d %b}; "
        f"{complete} with Situation, Task, Action and Result; average score {average}/100.",
        sections=sections,
    )
