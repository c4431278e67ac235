"""Conversions between the storage records and SQLite column values.

Datetimes are stored as ISO 8601 UTC text with a fixed number of digits, so equal
instants are equal strings (claims compare them) and text order is
time order (range queries compare them).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, time
from typing import Any

from bank.model import Question
from storage.values import AnswerRecord, ChannelConfig, ChannelRef, PostRecord


def dt_to_text(value: datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"storage needs timezone-aware datetimes, got naive {value!r}")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def text_to_dt(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def optional_dt_to_text(value: datetime | None) -> str | None:
    return None if value is None else dt_to_text(value)


def optional_text_to_dt(value: str | None) -> datetime | None:
    return None if value is None else text_to_dt(value)


def weekdays_to_text(days: frozenset[int]) -> str:
    return ",".join(str(day) for day in sorted(days))


def text_to_weekdays(value: str) -> frozenset[int]:
    return frozenset(int(day) for day in value.split(",") if day.strip())


def dates_to_json(dates: frozenset[date]) -> str:
    return json.dumps(sorted(d.isoformat() for d in dates))


def json_to_dates(value: str) -> frozenset[date]:
    return frozenset(date.fromisoformat(d) for d in json.loads(value))


def strings_to_json(values: tuple[str, ...]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def json_to_strings(value: str) -> tuple[str, ...]:
    return tuple(json.loads(value))


def channel_params(config: ChannelConfig) -> dict[str, Any]:
    return {
        "platform": config.channel.platform,
        "channel_id": config.channel.id,
        "workspace": config.channel.workspace,
        "post_time": config.post_time.isoformat(),
        "timezone": config.timezone,
        "weekdays": weekdays_to_text(config.weekdays),
        "paused": int(config.paused),
        "scheduled": int(config.scheduled),
        "skip_dates": dates_to_json(config.skip_dates),
        "enabled": int(config.enabled),
        "disabled_reason": config.disabled_reason,
        "scheduled_since": optional_dt_to_text(config.scheduled_since),
    }


def row_to_channel_ref(row: sqlite3.Row) -> ChannelRef:
    return ChannelRef(platform=row["platform"], id=row["channel_id"], workspace=row["workspace"])


def row_to_channel(row: sqlite3.Row) -> ChannelConfig:
    return ChannelConfig(
        channel=row_to_channel_ref(row),
        post_time=time.fromisoformat(row["post_time"]),
        timezone=row["timezone"],
        weekdays=text_to_weekdays(row["weekdays"]),
        paused=bool(row["paused"]),
        scheduled=bool(row["scheduled"]),
        skip_dates=json_to_dates(row["skip_dates"]),
        enabled=bool(row["enabled"]),
        disabled_reason=row["disabled_reason"],
        scheduled_since=(
            None if row["scheduled_since"] is None else text_to_dt(row["scheduled_since"])
        ),
    )


def row_to_post(row: sqlite3.Row) -> PostRecord:
    local_date = row["local_date"]
    return PostRecord(
        id=row["id"],
        channel=row_to_channel_ref(row),
        question_id=row["question_id"],
        principle=row["principle"],
        kind=row["kind"],
        status=row["status"],
        claimed_at=text_to_dt(row["claimed_at"]),
        local_date=None if local_date is None else date.fromisoformat(local_date),
        posted_at=optional_text_to_dt(row["posted_at"]),
        message_id=row["message_id"],
        thread_id=row["thread_id"],
        link=row["link"],
    )


def answer_params(answer: AnswerRecord) -> dict[str, Any]:
    return {
        "platform": answer.channel.platform,
        "channel_id": answer.channel.id,
        "workspace": answer.channel.workspace,
        "user_id": answer.user_id,
        "user_name": answer.user_name,
        "text": answer.text,
        "score": answer.score,
        "created_at": dt_to_text(answer.created_at),
        "edited_at": optional_dt_to_text(answer.edited_at),
        "post_id": answer.post_id,
        "question_id": answer.question_id,
        "principle": answer.principle,
        "message_id": answer.message_id,
        "feedback_message_id": answer.feedback_message_id,
        "missing": strings_to_json(answer.missing),
        "private": int(answer.private),
    }


def row_to_answer(row: sqlite3.Row) -> AnswerRecord:
    return AnswerRecord(
        id=row["id"],
        channel=row_to_channel_ref(row),
        user_id=row["user_id"],
        user_name=row["user_name"],
        text=row["text"],
        score=row["score"],
        created_at=text_to_dt(row["created_at"]),
        edited_at=optional_text_to_dt(row["edited_at"]),
        post_id=row["post_id"],
        question_id=row["question_id"],
        principle=row["principle"],
        message_id=row["message_id"],
        feedback_message_id=row["feedback_message_id"],
        missing=json_to_strings(row["missing"]),
        private=bool(row["private"]),
    )


def question_params(question: Question) -> dict[str, Any]:
    return {
        "id": question.id,
        "principle": question.principle,
        "text": question.text,
        "followups": strings_to_json(question.followups),
        "audience": question.audience,
    }


def row_to_question(row: sqlite3.Row) -> Question:
    return Question(
        id=row["id"],
        principle=row["principle"],
        text=row["text"],
        followups=json_to_strings(row["followups"]),
        audience=row["audience"],
        custom=True,
    )
