"""One SQLite connection used safely from asyncio: opening (busy timeout, foreign
keys, WAL, migrations), one coroutine at a time, explicit write transactions, and
SQLite errors turned into ``StorageError``.

One connection per object, in autocommit mode: every write runs inside an explicit
``BEGIN IMMEDIATE`` transaction, which takes SQLite's write lock up front so that
concurrent writers (other processes, or other objects on the same file) queue on the
busy timeout instead of failing half-way. Within one process an ``asyncio.Lock`` keeps
coroutines from interleaving inside a transaction.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import aiosqlite

from storage.base import StorageError
from storage.sqlite_migrations import Migration, bundled_migrations, is_lock_error, migrate

log = logging.getLogger(__name__)

MEMORY = ":memory:"
_WAL_RETRY_SECONDS = 0.01


class SqliteConnection:
    """A SQLite file (or ``":memory:"``, private to this object).

    ``busy_timeout`` is how many seconds a write waits for another connection's lock
    before giving up with ``StorageError``. ``migrations`` defaults to the bundled ones.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        busy_timeout: float = 5.0,
        migrations: Sequence[Migration] | None = None,
    ) -> None:
        self.path = os.fspath(path)
        self.busy_timeout = busy_timeout
        self._migrations = migrations
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.path!r})"

    # lifecycle ---------------------------------------------------------------
    async def connect(self) -> None:
        async with self._lock:
            if self._db is None:
                self._db = await self._open()

    async def _open(self) -> aiosqlite.Connection:
        migrations = bundled_migrations() if self._migrations is None else self._migrations
        db: aiosqlite.Connection | None = None
        try:
            if self.path != MEMORY:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            db = await aiosqlite.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
            db.row_factory = sqlite3.Row
            await db.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000):d}")
            await db.execute("PRAGMA foreign_keys = ON")
            if self.path != MEMORY:
                await self._use_wal(db)
            await migrate(db, migrations)
        except BaseException as exc:
            if db is not None:
                with suppress(Exception):
                    await db.close()
            if isinstance(exc, sqlite3.Error | OSError):
                raise self._error(exc) from exc
            raise
        return db

    async def _use_wal(self, db: aiosqlite.Connection) -> None:
        # Switching a file to WAL needs an exclusive lock, and SQLite reports a busy
        # file at once there instead of waiting on the busy timeout (several processes
        # opening a new file together hit this), so wait here.
        deadline = time.monotonic() + self.busy_timeout
        while True:
            try:
                found = await db.execute_fetchall("PRAGMA journal_mode = WAL")
                break
            except sqlite3.OperationalError as exc:
                if not is_lock_error(exc) or time.monotonic() >= deadline:
                    raise
                await asyncio.sleep(_WAL_RETRY_SECONDS)
        mode = str(next(iter(found))[0]).lower()
        if mode != "wal":
            log.warning("%s: SQLite kept journal mode %r instead of WAL", self.path, mode)
            return
        # In WAL mode NORMAL survives a killed process (only a power cut can lose the
        # last commits) and spares an fsync per commit: the outbox commits several
        # times per message, and a fan-out to a thousand channels would wait on disks.
        await db.execute("PRAGMA synchronous = NORMAL")

    async def close(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            async with self._lock:
                await db.close()

    def _error(self, exc: BaseException) -> StorageError:
        if is_lock_error(exc):
            return StorageError(
                f"The database {self.path} is locked: another process or connection held "
                f"its write lock for longer than the {self.busy_timeout:g} s busy timeout. "
                f"Is another lpbot running on the same file? ({exc})"
            )
        return StorageError(f"Cannot use the database {self.path}: {exc}")

    @asynccontextmanager
    async def _session(self, write: bool) -> AsyncIterator[aiosqlite.Connection]:
        """The connection, alone; inside a write transaction when ``write``."""
        async with self._lock:
            db = self._db
            if db is None:
                raise StorageError(f"{self!r} is not connected; call connect() first")
            try:
                if write:
                    await db.execute("BEGIN IMMEDIATE")
                yield db
                if write:
                    await db.execute("COMMIT")
            except BaseException as exc:
                if db.in_transaction:
                    with suppress(sqlite3.Error):
                        await db.rollback()
                if isinstance(exc, sqlite3.Error):
                    raise self._error(exc) from exc
                raise

    async def _write_one(self, sql: str, params: Any = ()) -> tuple[int, int | None]:
        """One write statement on its own: atomic without BEGIN and COMMIT, so it is
        one hand-off to the database thread instead of four (the outbox makes several
        per message, and a fan-out makes thousands of messages)."""
        async with self._lock:
            db = self._db
            if db is None:
                raise StorageError(f"{self!r} is not connected; call connect() first")
            try:
                cursor = await db.execute(sql, params)
            except sqlite3.Error as exc:
                raise self._error(exc) from exc
            # Read on this side: both are plain attributes of the finished statement.
            return cursor.rowcount, cursor.lastrowid

    @staticmethod
    async def _run(db: aiosqlite.Connection, sql: str, params: Any = ()) -> tuple[int, int | None]:
        """Execute one write; returns (rows changed, last inserted rowid)."""
        async with db.execute(sql, params) as cursor:
            return cursor.rowcount, cursor.lastrowid

    @staticmethod
    async def _one(db: aiosqlite.Connection, sql: str, params: Any = ()) -> sqlite3.Row | None:
        found = list(await db.execute_fetchall(sql, params))
        return found[0] if found else None
