"""Versioned schema migrations for the SQLite storage.

Migrations are numbered ``NNNN_name.sql`` files in ``storage/migrations`` (shipped as
package data). The database's ``PRAGMA user_version`` is the number of the last one
applied; each pending migration runs in its own write transaction together with the
version bump, so a failed migration leaves the database exactly as it was.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import aiosqlite

from storage.base import StorageError

_FILE_NAME = re.compile(r"^(\d{4})_(\w+)\.sql$")
_LINE_COMMENT = re.compile(r"--[^\n]*")
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def label(self) -> str:
        return f"{self.version:04d}_{self.name}"


def bundled_migrations() -> list[Migration]:
    """The migrations shipped in ``storage/migrations``, in order."""
    folder = resources.files("storage").joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        match = _FILE_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    return in_order(found)


def in_order(migrations: Sequence[Migration]) -> list[Migration]:
    """Sort by version and insist on 1, 2, 3... so a missing file is caught early."""
    ordered = sorted(migrations, key=lambda m: m.version)
    for expected, migration in enumerate(ordered, start=1):
        if migration.version != expected:
            raise ValueError(
                f"migrations must be numbered 0001, 0002, ... without gaps or repeats; "
                f"found {migration.label}.sql where {expected:04d} was expected"
            )
    return ordered


def split_statements(script: str) -> list[str]:
    """Split a migration into single statements (``sqlite3`` executes one at a time,
    and ``executescript`` would commit the surrounding transaction)."""
    statements: list[str] = []
    pending = ""
    *terminated, tail = script.split(";")
    for chunk in terminated:
        pending += chunk + ";"
        # A ";" inside a string, comment or trigger body does not end the statement.
        if sqlite3.complete_statement(pending):
            if _has_code(pending.rstrip(";")):
                statements.append(pending.strip())
            pending = ""
    if _has_code(pending + tail):
        raise ValueError(f"migration ends with an unterminated statement: {tail.strip()[:80]!r}")
    return statements


def _has_code(sql: str) -> bool:
    return bool(_LINE_COMMENT.sub("", _BLOCK_COMMENT.sub("", sql)).strip())


def is_lock_error(exc: BaseException) -> bool:
    """True for SQLITE_BUSY / SQLITE_LOCKED ("database is locked")."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(exc) or "busy" in str(exc)


async def schema_version(db: aiosqlite.Connection) -> int:
    rows = await db.execute_fetchall("PRAGMA user_version")
    return int(next(iter(rows))[0])


async def migrate(db: aiosqlite.Connection, migrations: Sequence[Migration]) -> list[int]:
    """Apply the pending migrations; returns the versions applied by this call.

    ``db`` must be in autocommit mode (``isolation_level=None``). Lock errors are
    re-raised as they are so the caller can report them; any other failure becomes a
    ``StorageError`` naming the migration.
    """
    ordered = in_order(migrations)
    latest = ordered[-1].version if ordered else 0
    version = await schema_version(db)
    if version > latest:
        raise StorageError(
            f"The database has schema version {version}, but this lpbot only knows "
            f"versions up to {latest}. Upgrade lpbot, or point it at another database."
        )
    applied: list[int] = []
    for migration in ordered:
        if migration.version <= version:
            continue
        await db.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the write lock.
            version = await schema_version(db)
            if migration.version > version:
                for statement in split_statements(migration.sql):
                    await db.execute(statement)
                await db.execute(f"PRAGMA user_version = {migration.version:d}")
                applied.append(migration.version)
                version = migration.version
            await db.execute("COMMIT")
        except BaseException as exc:
            if db.in_transaction:
                await db.rollback()
            if isinstance(exc, sqlite3.Error) and not is_lock_error(exc):
                raise StorageError(f"Migration {migration.label} failed: {exc}") from exc
            raise
    return applied
