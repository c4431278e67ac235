"""The aiosqlite implementation of ``Storage``: the domain queries. Connection
handling (migrations, WAL, locking, transactions) is in ``storage.sqlite_connection``;
row conversion in ``storage.sqlite_rows``."""

from __future__ import annotations

from datetime import date, datetime

import aiosqlite

from bank.model import Question
from storage import sqlite_rows as rows
from storage.base import (
    SEEN_EVENTS_KEPT,
    AnswerExists,
    AnswerRecord,
    AskedQuestion,
    ChannelConfig,
    ChannelRef,
    PostRecord,
    Storage,
)
from storage.sqlite_connection import MEMORY
from storage.sqlite_outbox import SqliteInbox, SqliteOutbox

__all__ = ["MEMORY", "POST_STATUSES", "SqliteStorage"]

POST_STATUSES = frozenset({"claimed", "posted", "skipped", "failed"})

_INSERT_DAILY = """
    INSERT INTO posts (platform, channel_id, workspace, kind, status, question_id,
                       principle, local_date, claimed_at)
    VALUES (:platform, :channel_id, :workspace, 'daily', :status, :question_id,
            :principle, :local_date, :claimed_at)
    ON CONFLICT (platform, channel_id, local_date) WHERE kind = 'daily' DO NOTHING
"""


class SqliteStorage(SqliteOutbox, SqliteInbox, Storage):
    """``Storage`` on a SQLite file: ``SqliteStorage(path, busy_timeout=5.0)``."""

    # channels ----------------------------------------------------------------
    async def get_channel(self, channel: ChannelRef) -> ChannelConfig | None:
        async with self._session(write=False) as db:
            row = await self._one(
                db,
                "SELECT * FROM channels WHERE platform = ? AND channel_id = ?",
                (channel.platform, channel.id),
            )
        return None if row is None else rows.row_to_channel(row)

    async def save_channel(self, config: ChannelConfig) -> None:
        params = rows.channel_params(config)
        async with self._session(write=True) as db:
            await self._run(
                db,
                """
                INSERT INTO channels (platform, channel_id, workspace, post_time, timezone,
                                      weekdays, paused, scheduled, skip_dates, enabled,
                                      disabled_reason, scheduled_since)
                VALUES (:platform, :channel_id, :workspace, :post_time, :timezone,
                        :weekdays, :paused, :scheduled, :skip_dates, :enabled,
                        :disabled_reason, :scheduled_since)
                ON CONFLICT (platform, channel_id) DO UPDATE SET
                    workspace = excluded.workspace, post_time = excluded.post_time,
                    timezone = excluded.timezone, weekdays = excluded.weekdays,
                    paused = excluded.paused, scheduled = excluded.scheduled,
                    skip_dates = excluded.skip_dates, enabled = excluded.enabled,
                    disabled_reason = excluded.disabled_reason,
                    scheduled_since = excluded.scheduled_since
                """,
                params,
            )

    async def scheduled_channels(self) -> list[ChannelConfig]:
        async with self._session(write=False) as db:
            found = await db.execute_fetchall(
                "SELECT * FROM channels WHERE scheduled = 1 AND enabled = 1 "
                "ORDER BY platform, channel_id"
            )
        return [rows.row_to_channel(row) for row in found]

    # posts -------------------------------------------------------------------
    async def _post(self, db: aiosqlite.Connection, post_id: int) -> PostRecord:
        row = await self._one(db, "SELECT * FROM posts WHERE id = ?", (post_id,))
        assert row is not None, post_id
        return rows.row_to_post(row)

    async def _insert_daily(
        self,
        channel: ChannelRef,
        local_date: date,
        status: str,
        question_id: str,
        principle: str,
        now: datetime,
    ) -> PostRecord | None:
        params = {
            "platform": channel.platform,
            "channel_id": channel.id,
            "workspace": channel.workspace,
            "status": status,
            "question_id": question_id,
            "principle": principle,
            "local_date": local_date.isoformat(),
            "claimed_at": rows.dt_to_text(now),
        }
        changed, post_id = await self._write_one(_INSERT_DAILY, params)
        if changed != 1 or post_id is None:
            return None
        # Built from what was written, not read back: one round trip less a post.
        return PostRecord(
            id=post_id, channel=channel, question_id=question_id, principle=principle,
            kind="daily", status=status, claimed_at=rows.text_to_dt(params["claimed_at"]),
            local_date=local_date,
        )

    async def claim_daily_post(
        self,
        channel: ChannelRef,
        local_date: date,
        question_id: str,
        principle: str,
        now: datetime,
    ) -> PostRecord | None:
        return await self._insert_daily(channel, local_date, "claimed", question_id, principle, now)

    async def mark_posted(
        self,
        post_id: int,
        message_id: str,
        thread_id: str,
        link: str | None,
        now: datetime,
    ) -> None:
        posted_at = rows.dt_to_text(now)
        await self._write_one(
            "UPDATE posts SET status = 'posted', message_id = ?, thread_id = ?, link = ?, "
            "posted_at = ? WHERE id = ?",
            (message_id, thread_id, link, posted_at, post_id),
        )

    async def set_post_status(self, post_id: int, status: str) -> None:
        if status not in POST_STATUSES:
            raise ValueError(f"unknown post status {status!r}; use one of {sorted(POST_STATUSES)}")
        async with self._session(write=True) as db:
            await self._run(db, "UPDATE posts SET status = ? WHERE id = ?", (status, post_id))

    async def record_skipped_day(
        self, channel: ChannelRef, local_date: date, now: datetime
    ) -> bool:
        record = await self._insert_daily(channel, local_date, "skipped", "", "", now)
        return record is not None

    async def get_post(self, post_id: int) -> PostRecord | None:
        async with self._session(write=False) as db:
            row = await self._one(db, "SELECT * FROM posts WHERE id = ?", (post_id,))
        return None if row is None else rows.row_to_post(row)

    async def get_daily_post(self, channel: ChannelRef, local_date: date) -> PostRecord | None:
        async with self._session(write=False) as db:
            row = await self._one(
                db,
                "SELECT * FROM posts WHERE platform = ? AND channel_id = ? "
                "AND local_date = ? AND kind = 'daily'",
                (channel.platform, channel.id, local_date.isoformat()),
            )
        return None if row is None else rows.row_to_post(row)

    async def unfinished_posts(self) -> list[PostRecord]:
        async with self._session(write=False) as db:
            found = await db.execute_fetchall(
                "SELECT * FROM posts WHERE status = 'claimed' AND kind = 'daily' "
                "ORDER BY claimed_at, id"
            )
        return [rows.row_to_post(row) for row in found]

    async def claim_adhoc_post(
        self, channel: ChannelRef, question_id: str, principle: str, now: datetime
    ) -> PostRecord:
        async with self._session(write=True) as db:
            _, post_id = await self._run(
                db,
                "INSERT INTO posts (platform, channel_id, workspace, kind, status, question_id, "
                "principle, claimed_at) VALUES (?, ?, ?, 'adhoc', 'claimed', ?, ?, ?)",
                (channel.platform, channel.id, channel.workspace, question_id, principle,
                 rows.dt_to_text(now)),
            )
            assert post_id is not None
            return await self._post(db, post_id)

    async def find_post_by_thread(self, platform: str, thread_id: str) -> PostRecord | None:
        async with self._session(write=False) as db:
            row = await self._one(
                db,
                "SELECT * FROM posts WHERE platform = ? AND thread_id = ? ORDER BY id DESC LIMIT 1",
                (platform, thread_id),
            )
        return None if row is None else rows.row_to_post(row)

    async def post_history(self, channel: ChannelRef) -> list[PostRecord]:
        async with self._session(write=False) as db:
            found = await db.execute_fetchall(
                "SELECT * FROM posts WHERE platform = ? AND channel_id = ? "
                "AND status != 'skipped' ORDER BY claimed_at, id",
                (channel.platform, channel.id),
            )
        return [rows.row_to_post(row) for row in found]

    async def asked_questions(self, channel: ChannelRef) -> list[AskedQuestion]:
        async with self._session(write=False) as db:
            found = await db.execute_fetchall(
                "SELECT question_id, principle, COUNT(*) AS times FROM posts"
                " WHERE platform = ? AND channel_id = ? AND status NOT IN ('skipped', 'failed')"
                " GROUP BY question_id, principle ORDER BY MAX(claimed_at), MAX(id)",
                (channel.platform, channel.id),
            )
        return [
            AskedQuestion(row["question_id"], row["principle"], times=row["times"])
            for row in found
        ]

    # answers -----------------------------------------------------------------
    async def save_answer(self, answer: AnswerRecord) -> AnswerRecord:
        params = rows.answer_params(answer)
        async with self._session(write=True) as db:
            inserted, answer_id = await self._run(
                db,
                """
                INSERT INTO answers (platform, channel_id, workspace, user_id, user_name, text,
                                     score, created_at, edited_at, post_id, question_id,
                                     principle, message_id, feedback_message_id, missing,
                                     private)
                VALUES (:platform, :channel_id, :workspace, :user_id, :user_name, :text,
                        :score, :created_at, :edited_at, :post_id, :question_id,
                        :principle, :message_id, :feedback_message_id, :missing, :private)
                ON CONFLICT (platform, message_id) WHERE message_id IS NOT NULL DO NOTHING
                """,
                params,
            )
            if not inserted:
                raise AnswerExists(
                    f"answer {answer.message_id} on {answer.channel.platform} is already stored"
                )
            row = await self._one(db, "SELECT * FROM answers WHERE id = ?", (answer_id,))
        assert row is not None
        return rows.row_to_answer(row)

    async def get_answer(self, answer_id: int) -> AnswerRecord | None:
        async with self._session(write=False) as db:
            row = await self._one(db, "SELECT * FROM answers WHERE id = ?", (answer_id,))
        return None if row is None else rows.row_to_answer(row)

    async def get_answer_by_message(self, platform: str, message_id: str) -> AnswerRecord | None:
        async with self._session(write=False) as db:
            row = await self._one(
                db,
                "SELECT * FROM answers WHERE platform = ? AND message_id = ? "
                "ORDER BY id DESC LIMIT 1",
                (platform, message_id),
            )
        return None if row is None else rows.row_to_answer(row)

    async def update_answer(
        self, answer_id: int, text: str, score: int, missing: tuple[str, ...], edited_at: datetime
    ) -> None:
        params = (text, score, rows.strings_to_json(missing), rows.dt_to_text(edited_at), answer_id)
        async with self._session(write=True) as db:
            await self._run(
                db,
                "UPDATE answers SET text = ?, score = ?, missing = ?, edited_at = ? WHERE id = ?",
                params,
            )

    async def set_feedback_message(self, answer_id: int, message_id: str) -> None:
        async with self._session(write=True) as db:
            await self._run(
                db,
                "UPDATE answers SET feedback_message_id = ? WHERE id = ?",
                (message_id, answer_id),
            )

    async def delete_answer(self, answer_id: int) -> None:
        async with self._session(write=True) as db:
            await self._run(db, "DELETE FROM answers WHERE id = ?", (answer_id,))

    async def user_answers(self, platform: str, user_id: str) -> list[AnswerRecord]:
        async with self._session(write=False) as db:
            found = await db.execute_fetchall(
                "SELECT * FROM answers WHERE platform = ? AND user_id = ? ORDER BY created_at, id",
                (platform, user_id),
            )
        return [rows.row_to_answer(row) for row in found]

    async def channel_answers_since(
        self, channel: ChannelRef, since: datetime
    ) -> list[AnswerRecord]:
        async with self._session(write=False) as db:
            found = await db.execute_fetchall(
                "SELECT * FROM answers WHERE platform = ? AND channel_id = ? AND private = 0 "
                "AND created_at >= ? ORDER BY created_at, id",
                (channel.platform, channel.id, rows.dt_to_text(since)),
            )
        return [rows.row_to_answer(row) for row in found]

    async def forget_user(self, platform: str, user_id: str) -> int:
        async with self._session(write=True) as db:
            deleted, _ = await self._run(
                db, "DELETE FROM answers WHERE platform = ? AND user_id = ?", (platform, user_id)
            )
        return deleted

    # custom questions ----------------------------------------------------------
    async def add_custom_questions(self, questions: list[Question]) -> int:
        params = [rows.question_params(question) for question in questions]
        async with self._session(write=True) as db:
            for row in params:
                # An upsert (not REPLACE) keeps a replaced question in its original place.
                await self._run(
                    db,
                    """
                    INSERT INTO custom_questions (id, principle, text, followups, audience)
                    VALUES (:id, :principle, :text, :followups, :audience)
                    ON CONFLICT (id) DO UPDATE SET
                        principle = excluded.principle, text = excluded.text,
                        followups = excluded.followups, audience = excluded.audience
                    """,
                    row,
                )
        return len(params)

    async def custom_questions(self) -> list[Question]:
        async with self._session(write=False) as db:
            found = await db.execute_fetchall("SELECT * FROM custom_questions ORDER BY rowid")
        return [rows.row_to_question(row) for row in found]

    # preferences and idempotency -----------------------------------------------
    async def get_preference(self, platform: str, user_id: str, key: str) -> str | None:
        async with self._session(write=False) as db:
            row = await self._one(
                db,
                "SELECT value FROM preferences WHERE platform = ? AND user_id = ? AND key = ?",
                (platform, user_id, key),
            )
        return None if row is None else row["value"]

    async def set_preference(self, platform: str, user_id: str, key: str, value: str) -> None:
        async with self._session(write=True) as db:
            await self._run(
                db,
                "INSERT INTO preferences (platform, user_id, key, value) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (platform, user_id, key) DO UPDATE SET value = excluded.value",
                (platform, user_id, key, value),
            )

    async def mark_event_seen(self, key: str, now: datetime) -> bool:
        seen_at = rows.dt_to_text(now)
        forget_before = rows.dt_to_text(now - SEEN_EVENTS_KEPT)
        async with self._session(write=True) as db:
            await self._run(db, "DELETE FROM seen_events WHERE seen_at < ?", (forget_before,))
            inserted, _ = await self._run(
                db,
                "INSERT INTO seen_events (key, seen_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                (key, seen_at),
            )
        return inserted == 1
