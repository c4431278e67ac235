"""The outbox and inbox queries of the SQLite storage (``storage.outbox``)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

import aiosqlite

from storage.sqlite_connection import SqliteConnection
from storage.sqlite_rows import dt_to_text, optional_text_to_dt, text_to_dt
from storage.values import ChannelRef, OutboxEntry, OutboxItem

_COLUMNS = (
    "key, kind, platform, channel_id, workspace, post_id, answer_id, thread_id, reply_to, "
    "message_id, payload, next_attempt_at, deadline, created_at"
)
_INSERT = f"""
    INSERT INTO outbox ({_COLUMNS}, state, attempts, lease_until)
    VALUES (:key, :kind, :platform, :channel_id, :workspace, :post_id, :answer_id,
            :thread_id, :reply_to, :message_id, :payload, :now, :deadline, :created_at,
            :state, :attempts, :lease_until)
    ON CONFLICT (key) DO NOTHING
"""
_REOPEN = """
    UPDATE outbox SET state = :state, attempts = :attempts, next_attempt_at = :now,
                      lease_until = :lease_until, in_doubt = 0, last_error = '',
                      deadline = :deadline, message_id = :message_id, payload = :payload,
                      sent_at = NULL
     WHERE key = :key AND state IN ('sent', 'given_up')
"""
_DUE = """
    SELECT * FROM outbox
     WHERE (state = 'pending' AND next_attempt_at <= :now)
        OR (state = 'sending' AND lease_until <= :now)
     ORDER BY next_attempt_at, id
     LIMIT :limit
"""
_TAKE = """
    UPDATE outbox
       SET in_doubt = CASE WHEN state = 'sending' THEN 1 ELSE in_doubt END,
           state = 'sending', attempts = attempts + 1, lease_until = :lease_until
     WHERE id = :id
       AND ((state = 'pending' AND next_attempt_at <= :now)
            OR (state = 'sending' AND lease_until <= :now))
"""


def _row_to_item(row: sqlite3.Row) -> OutboxItem:
    return OutboxItem(
        key=row["key"],
        kind=row["kind"],
        channel=ChannelRef(row["platform"], row["channel_id"], row["workspace"]),
        deadline=text_to_dt(row["deadline"]),
        created_at=text_to_dt(row["created_at"]),
        post_id=row["post_id"],
        answer_id=row["answer_id"],
        thread_id=row["thread_id"],
        reply_to=row["reply_to"],
        message_id=row["message_id"],
        payload=row["payload"],
        id=row["id"],
        state=row["state"],
        attempts=row["attempts"],
        next_attempt_at=text_to_dt(row["next_attempt_at"]),
        lease_until=optional_text_to_dt(row["lease_until"]),
        in_doubt=bool(row["in_doubt"]),
        last_error=row["last_error"],
        sent_at=optional_text_to_dt(row["sent_at"]),
    )


def _entry_params(entry: OutboxEntry, now: datetime) -> dict[str, Any]:
    return {
        "key": entry.key,
        "kind": entry.kind,
        "platform": entry.channel.platform,
        "channel_id": entry.channel.id,
        "workspace": entry.channel.workspace,
        "post_id": entry.post_id,
        "answer_id": entry.answer_id,
        "thread_id": entry.thread_id,
        "reply_to": entry.reply_to,
        "message_id": entry.message_id,
        "payload": entry.payload,
        "now": dt_to_text(now),
        "deadline": dt_to_text(entry.deadline),
        "created_at": dt_to_text(entry.created_at),
    }


def _written(entry: OutboxEntry, item_id: int, now: datetime, params: dict[str, Any]) -> OutboxItem:
    return OutboxItem(
        **{name: getattr(entry, name) for name in OutboxEntry.__dataclass_fields__},
        id=item_id,
        state=params["state"],
        attempts=params["attempts"],
        next_attempt_at=now,
        lease_until=optional_text_to_dt(params["lease_until"]),
    )


class SqliteOutbox(SqliteConnection):
    async def _item(self, db: aiosqlite.Connection, where: str, value: object) -> OutboxItem:
        row = await self._one(db, f"SELECT * FROM outbox WHERE {where} = ?", (value,))
        assert row is not None
        return _row_to_item(row)

    async def enqueue(
        self, entry: OutboxEntry, now: datetime, *, reopen: bool = False
    ) -> OutboxItem:
        item = await self._write(entry, now, None, reopen)
        if item is not None:
            return item
        found = await self.get_outbox(entry.key)
        assert found is not None
        return found

    async def enqueue_taken(
        self, entry: OutboxEntry, now: datetime, lease_until: datetime, *, reopen: bool = False
    ) -> OutboxItem | None:
        return await self._write(entry, now, lease_until, reopen)

    async def _write(
        self, entry: OutboxEntry, now: datetime, lease_until: datetime | None, reopen: bool
    ) -> OutboxItem | None:
        """The row as written (or reopened); None when the key was there and stays."""
        params = _entry_params(entry, now)
        taking = lease_until is not None
        params.update(
            state="sending" if taking else "pending",
            attempts=int(taking),
            lease_until=dt_to_text(lease_until) if lease_until is not None else None,
        )
        inserted, item_id = await self._write_one(_INSERT, params)
        if inserted:
            # Built from what was written: one round trip less per message.
            return _written(entry, item_id or 0, now, params)
        if not reopen:
            return None
        async with self._session(write=True) as db:
            reopened, _ = await self._run(db, _REOPEN, params)
            return await self._item(db, "key", entry.key) if reopened else None

    async def get_outbox(self, key: str) -> OutboxItem | None:
        async with self._session(write=False) as db:
            row = await self._one(db, "SELECT * FROM outbox WHERE key = ?", (key,))
        return None if row is None else _row_to_item(row)

    async def due_outbox(self, now: datetime, limit: int = 100) -> list[OutboxItem]:
        async with self._session(write=False) as db:
            found = await db.execute_fetchall(_DUE, {"now": dt_to_text(now), "limit": limit})
        return [_row_to_item(row) for row in found]

    async def take_outbox(
        self, item_id: int, now: datetime, lease_until: datetime
    ) -> OutboxItem | None:
        params = {"id": item_id, "now": dt_to_text(now), "lease_until": dt_to_text(lease_until)}
        async with self._session(write=True) as db:
            taken, _ = await self._run(db, _TAKE, params)
            return await self._item(db, "id", item_id) if taken else None

    async def outbox_sent(self, item_id: int, message_id: str | None, now: datetime) -> None:
        await self._write_one(
            "UPDATE outbox SET state = 'sent', sent_at = ?, lease_until = NULL, payload = NULL, "
            "message_id = COALESCE(?, message_id) WHERE id = ?",
            (dt_to_text(now), message_id, item_id),
        )

    async def outbox_retry(
        self, item_id: int, next_attempt_at: datetime, error: str, *, in_doubt: bool
    ) -> None:
        async with self._session(write=True) as db:
            await self._run(
                db,
                "UPDATE outbox SET state = 'pending', next_attempt_at = ?, lease_until = NULL, "
                "last_error = ?, in_doubt = MAX(in_doubt, ?) WHERE id = ? AND state != 'sent'",
                (dt_to_text(next_attempt_at), error, int(in_doubt), item_id),
            )

    async def outbox_give_up(self, item_id: int, reason: str, now: datetime) -> None:
        async with self._session(write=True) as db:
            await self._run(
                db,
                "UPDATE outbox SET state = 'given_up', last_error = ?, sent_at = ?, "
                "lease_until = NULL, payload = NULL WHERE id = ? AND state != 'sent'",
                (reason, dt_to_text(now), item_id),
            )

    async def next_outbox_wakeup(self) -> datetime | None:
        async with self._session(write=False) as db:
            row = await self._one(
                db,
                "SELECT MIN(at) AS at FROM ("
                " SELECT MIN(next_attempt_at) AS at FROM outbox WHERE state = 'pending'"
                " UNION ALL"
                " SELECT MIN(lease_until) FROM outbox WHERE state = 'sending')",
            )
        return None if row is None or row["at"] is None else text_to_dt(row["at"])

    async def outbox_items(self, *states: str) -> list[OutboxItem]:
        sql = "SELECT * FROM outbox"
        if states:
            sql += f" WHERE state IN ({', '.join('?' for _ in states)})"
        async with self._session(write=False) as db:
            found = await db.execute_fetchall(sql + " ORDER BY id", states)
        return [_row_to_item(row) for row in found]

    async def prune_outbox(self, sent_before: datetime) -> int:
        async with self._session(write=True) as db:
            deleted, _ = await self._run(
                db,
                "DELETE FROM outbox WHERE state IN ('sent', 'given_up') AND sent_at < ?",
                (dt_to_text(sent_before),),
            )
        return deleted


class SqliteInbox(SqliteConnection):
    async def inbox_keep(self, key: str, kind: str, payload: str, now: datetime) -> None:
        await self._write_one(
            "INSERT INTO inbox (key, kind, payload, received_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET payload = excluded.payload, "
            "received_at = excluded.received_at",
            (key, kind, payload, dt_to_text(now)),
        )

    async def inbox_done(self, key: str) -> None:
        await self._write_one("DELETE FROM inbox WHERE key = ?", (key,))

    async def inbox_waiting(self) -> list[tuple[str, str, str]]:
        async with self._session(write=False) as db:
            found = await db.execute_fetchall(
                "SELECT key, kind, payload FROM inbox ORDER BY received_at, key"
            )
        return [(row["key"], row["kind"], row["payload"]) for row in found]
