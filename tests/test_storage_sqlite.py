"""The SQLite storage: the shared contract, plus what only SQLite has (migrations,
WAL, file locking, URLs). Every test uses real database files under ``tmp_path``."""

from __future__ import annotations

import asyncio
import multiprocessing
import re
import sqlite3
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from threading import Barrier as BarrierType

import aiosqlite
import pytest

from bank.model import Question
from storage import open_storage, sqlite_path_from_url, storage_for_url
from storage.base import SEEN_EVENTS_KEPT, AnswerExists, ChannelConfig, StorageError
from storage.sqlite import SqliteStorage
from storage.sqlite_migrations import (
    Migration,
    bundled_migrations,
    in_order,
    migrate,
    split_statements,
)
from tests.storage_contract import DISCORD, MONDAY, T0, StorageContract, answer, minutes

TABLES = {"channels", "posts", "answers", "custom_questions", "preferences", "seen_events"}


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "lpbot.db"


async def connected(path: Path, **options: object) -> SqliteStorage:
    storage = SqliteStorage(path, **options)  # type: ignore[arg-type]
    await storage.connect()
    return storage


def raw(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection, as another program on the same file would have."""
    return sqlite3.connect(path, isolation_level=None, timeout=0)


def user_version(path: Path) -> int:
    with raw(path) as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0]


class TestSqliteStorage(StorageContract):
    @pytest.fixture
    async def storage(self, db_path: Path) -> AsyncIterator[SqliteStorage]:
        storage = await connected(db_path)
        yield storage
        await storage.close()

    @pytest.fixture
    async def other_storage(
        self, db_path: Path, storage: SqliteStorage
    ) -> AsyncIterator[SqliteStorage]:
        other = await connected(db_path)
        yield other
        await other.close()


# migrations ------------------------------------------------------------------


async def test_migrations_build_the_schema_from_an_empty_file(db_path: Path) -> None:
    storage = await connected(db_path)
    await storage.close()
    with raw(db_path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert tables >= TABLES
    assert user_version(db_path) == len(bundled_migrations()) >= 1


async def test_reconnecting_runs_no_migration_twice(db_path: Path) -> None:
    storage = await connected(db_path)
    await storage.save_channel(ChannelConfig(channel=DISCORD, timezone="Asia/Kolkata"))
    await storage.close()
    version = user_version(db_path)

    again = await connected(db_path)
    config = await again.get_channel(DISCORD)
    await again.close()
    assert config is not None and config.timezone == "Asia/Kolkata"
    assert user_version(db_path) == version
    async with aiosqlite.connect(db_path, isolation_level=None) as db:
        assert await migrate(db, bundled_migrations()) == []


async def test_migrate_reports_what_it_applied(db_path: Path) -> None:
    bundled = bundled_migrations()
    async with aiosqlite.connect(db_path, isolation_level=None) as db:
        assert await migrate(db, bundled) == [m.version for m in bundled]


async def test_a_new_migration_runs_on_the_next_connect(db_path: Path) -> None:
    storage = await connected(db_path)
    await storage.mark_event_seen("slack:Ev1", T0)
    await storage.close()
    bundled = bundled_migrations()
    addition = Migration(
        len(bundled) + 1,
        "notes",
        "CREATE TABLE notes (body TEXT NOT NULL);\n"
        "INSERT INTO notes VALUES ('semicolon; inside a string');\n"
        "-- a trailing comment; with a semicolon\n",
    )
    upgraded = await connected(db_path, migrations=[*bundled, addition])
    assert await upgraded.mark_event_seen("slack:Ev1", T0) is False
    await upgraded.close()
    assert user_version(db_path) == addition.version
    with raw(db_path) as conn:
        assert conn.execute("SELECT body FROM notes").fetchall() == [
            ("semicolon; inside a string",)
        ]


async def test_a_failing_migration_changes_nothing(db_path: Path) -> None:
    await (await connected(db_path)).close()
    bundled = bundled_migrations()
    broken = Migration(
        len(bundled) + 1,
        "broken",
        "CREATE TABLE notes (body TEXT);\nINSERT INTO no_such_table VALUES (1);\n",
    )
    storage = SqliteStorage(db_path, migrations=[*bundled, broken])
    with pytest.raises(StorageError, match=f"{broken.label}.*no_such_table"):
        await storage.connect()
    assert user_version(db_path) == len(bundled)
    with raw(db_path) as conn:
        assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'notes'").fetchall() == []
    with pytest.raises(StorageError, match="not connected"):
        await storage.get_channel(DISCORD)


async def test_a_database_from_a_newer_lpbot_is_refused(db_path: Path) -> None:
    await (await connected(db_path)).close()
    with raw(db_path) as conn:
        conn.execute("PRAGMA user_version = 999")
    with pytest.raises(StorageError, match="schema version 999"):
        await connected(db_path)


def test_bundled_migrations_are_numbered_sql_package_data() -> None:
    bundled = bundled_migrations()
    assert [m.version for m in bundled] == list(range(1, len(bundled) + 1))
    assert bundled[0].label == "0001_initial"
    assert "CREATE TABLE posts" in bundled[0].sql


def test_migrations_must_not_have_gaps() -> None:
    with pytest.raises(ValueError, match="0003_c.sql where 0002"):
        in_order([Migration(1, "a", ""), Migration(3, "c", "")])
    with pytest.raises(ValueError, match="without gaps or repeats"):
        in_order([Migration(1, "a", ""), Migration(1, "b", "")])


def test_split_statements_respects_strings_comments_and_triggers() -> None:
    script = """
        -- header; with a semicolon
        CREATE TABLE a (x TEXT DEFAULT ';');
        /* block; comment */
        CREATE TRIGGER t AFTER INSERT ON a BEGIN
            UPDATE a SET x = 'y;z';
        END;
    """
    statements = split_statements(script)
    assert len(statements) == 2
    assert statements[0].endswith("CREATE TABLE a (x TEXT DEFAULT ';');")
    assert statements[1].startswith("/* block; comment */\n        CREATE TRIGGER")
    assert statements[1].endswith("END;")
    with pytest.raises(ValueError, match="unterminated"):
        split_statements("CREATE TABLE a (x);\nCREATE TABLE b (y)")


# SQLite settings -------------------------------------------------------------


async def test_the_file_is_in_wal_mode(db_path: Path) -> None:
    await (await connected(db_path)).close()
    with raw(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_foreign_keys_are_enforced(db_path: Path) -> None:
    storage = await connected(db_path)
    try:
        with pytest.raises(StorageError, match="FOREIGN KEY"):
            await storage.save_answer(answer(post_id=99))
    finally:
        await storage.close()


# several processes -----------------------------------------------------------


async def test_storages_connecting_to_a_fresh_file_at_once_migrate_it_once(
    db_path: Path,
) -> None:
    storages = [SqliteStorage(db_path) for _ in range(4)]
    await asyncio.gather(*(storage.connect() for storage in storages))
    try:
        assert user_version(db_path) == len(bundled_migrations())
        claims = await asyncio.gather(
            *(s.claim_daily_post(DISCORD, MONDAY, "q", "ownership", T0) for s in storages)
        )
        assert sum(claim is not None for claim in claims) == 1
    finally:
        for storage in storages:
            await storage.close()


def _claim_in_a_new_process(path: str, worker: int, start: BarrierType) -> bool:
    async def claim() -> bool:
        start.wait()  # line the processes up so they connect and claim together
        storage = await connected(Path(path))
        try:
            post = await storage.claim_daily_post(DISCORD, MONDAY, f"q-{worker}", "ownership", T0)
            return post is not None
        finally:
            await storage.close()

    return asyncio.run(claim())


def test_processes_racing_on_a_fresh_file_claim_the_day_once(db_path: Path) -> None:
    # Also races the first migration: every process finds an empty file.
    spawn = multiprocessing.get_context("spawn")
    with (
        spawn.Manager() as manager,
        ProcessPoolExecutor(max_workers=4, mp_context=spawn) as pool,
    ):
        start = manager.Barrier(4, timeout=60)
        results = list(pool.map(_claim_in_a_new_process, [str(db_path)] * 4, range(4), [start] * 4))
    assert sorted(results) == [False, False, False, True]
    assert user_version(db_path) == len(bundled_migrations())


async def test_data_survives_close_and_reopen(db_path: Path) -> None:
    storage = await connected(db_path)
    config = ChannelConfig(channel=DISCORD, scheduled=True, skip_dates=frozenset({MONDAY}))
    await storage.save_channel(config)
    post = await storage.claim_daily_post(DISCORD, date(2025, 3, 4), "own-01", "ownership", T0)
    assert post is not None
    await storage.mark_posted(post.id, "m-1", "t-1", None, minutes(1))
    saved = await storage.save_answer(answer(post_id=post.id, text="Résultat: 🎯"))
    await storage.add_custom_questions([Question("team-1", "ownership", "What did you own?")])
    await storage.set_preference("discord", "u-ada", "reminders", "off")
    await storage.mark_event_seen("discord:evt-1", T0)
    await storage.close()

    reopened = await connected(db_path)
    try:
        assert await reopened.get_channel(DISCORD) == config
        assert await reopened.scheduled_channels() == [config]
        found = await reopened.find_post_by_thread("discord", "t-1")
        assert found is not None and found.id == post.id and found.status == "posted"
        assert await reopened.get_answer_by_message("discord", "m-1") == saved
        assert [q.id for q in await reopened.custom_questions()] == ["team-1"]
        assert await reopened.get_preference("discord", "u-ada", "reminders") == "off"
        assert await reopened.mark_event_seen("discord:evt-1", minutes(5)) is False
        assert await reopened.claim_daily_post(DISCORD, date(2025, 3, 4), "x", "y", T0) is None
    finally:
        await reopened.close()


# failures --------------------------------------------------------------------


async def test_a_write_lock_held_too_long_is_a_clear_storage_error(db_path: Path) -> None:
    storage = await connected(db_path, busy_timeout=0.2)
    other_program = raw(db_path)
    try:
        other_program.execute("BEGIN IMMEDIATE")
        with pytest.raises(StorageError, match=r"is locked.*0\.2 s busy timeout") as caught:
            await storage.claim_daily_post(DISCORD, MONDAY, "own-01", "ownership", T0)
        assert "another lpbot" in str(caught.value)
        assert isinstance(caught.value.__cause__, sqlite3.OperationalError)
        # WAL lets readers through while someone writes.
        assert await storage.get_daily_post(DISCORD, MONDAY) is None
        other_program.execute("ROLLBACK")
        # The failed write left no transaction open behind it.
        assert await storage.claim_daily_post(DISCORD, MONDAY, "own-01", "ownership", T0)
    finally:
        other_program.close()
        await storage.close()


async def test_a_lock_held_while_connecting_is_a_storage_error(db_path: Path) -> None:
    other_program = raw(db_path)
    try:
        other_program.execute("BEGIN EXCLUSIVE")
        storage = SqliteStorage(db_path, busy_timeout=0.1)
        with pytest.raises(StorageError, match="is locked"):
            await storage.connect()
        other_program.execute("COMMIT")
        await storage.connect()
        assert await storage.mark_event_seen("k", T0) is True
        await storage.close()
    finally:
        other_program.close()


async def test_a_file_that_is_not_a_database_is_a_storage_error(db_path: Path) -> None:
    db_path.write_bytes(b"these are my interview notes, not a database\n" * 100)
    with pytest.raises(StorageError, match=f"Cannot use the database {db_path}"):
        await connected(db_path)


async def test_using_a_storage_before_connect_or_after_close(db_path: Path) -> None:
    storage = SqliteStorage(db_path)
    with pytest.raises(StorageError, match="not connected"):
        await storage.mark_event_seen("k", T0)
    await storage.connect()
    await storage.close()
    await storage.close()  # closing twice is harmless
    with pytest.raises(StorageError, match="not connected"):
        await storage.get_channel(DISCORD)


# URLs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///./lpbot.db", "./lpbot.db"),
        ("sqlite:///lpbot.db", "lpbot.db"),
        ("sqlite:///data/lpbot.db", "data/lpbot.db"),
        ("sqlite:////var/lib/lpbot/lpbot.db", "/var/lib/lpbot/lpbot.db"),
        ("sqlite:///:memory:", ":memory:"),
        ("SQLite:///./lpbot.db", "./lpbot.db"),
    ],
)
def test_sqlite_urls(url: str, path: str) -> None:
    assert sqlite_path_from_url(url) == path
    storage = storage_for_url(url)
    assert isinstance(storage, SqliteStorage) and storage.path == path


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("lpbot.db", "plain path, not a URL: expected sqlite:///./lpbot.db"),
        ("/var/lib/lpbot.db", "plain path"),
        ("postgresql://bot@db/lpbot", "PostgreSQL support is not available yet"),
        ("postgres://bot@db/lpbot", "PostgreSQL support is not available yet"),
        ("postgresql+asyncpg://bot@db/lpbot", "PostgreSQL support is not available yet"),
        ("mysql://bot@db/lpbot", "Unsupported storage URL"),
        ("sqlite://host/lpbot.db", "three slashes before the path, no host"),
        ("sqlite://", "three slashes before the path, no host"),
        ("sqlite:///", "names no database file"),
        ("sqlite:///data/", "names no database file"),
    ],
)
def test_bad_urls_say_what_is_expected(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        storage_for_url(url)


async def test_storage_for_url_is_not_connected_yet(tmp_path: Path) -> None:
    storage = storage_for_url(f"sqlite:///{tmp_path}/lpbot.db")
    assert not (tmp_path / "lpbot.db").exists()
    with pytest.raises(StorageError, match="not connected"):
        await storage.get_channel(DISCORD)


async def test_open_storage_with_a_relative_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    storage = await open_storage("sqlite:///./lpbot.db")
    await storage.mark_event_seen("k", T0)
    await storage.close()
    assert user_version(tmp_path / "lpbot.db") == len(bundled_migrations())


async def test_open_storage_with_an_absolute_path_creates_its_folder(tmp_path: Path) -> None:
    target = tmp_path / "state" / "bot" / "lpbot.db"
    storage = await open_storage(f"sqlite:///{target}")  # an absolute path: four slashes
    await storage.close()
    assert target.exists() and user_version(target) == len(bundled_migrations())


async def test_open_storage_in_memory() -> None:
    storage = await open_storage("sqlite:///:memory:")
    try:
        assert await storage.mark_event_seen("k", T0) is True
        assert await storage.mark_event_seen("k", T0) is False
        assert await storage.claim_daily_post(DISCORD, MONDAY, "q", "ownership", T0)
    finally:
        await storage.close()
    assert not Path(":memory:").exists()


async def test_upgrading_keeps_the_first_of_duplicate_answers(db_path: Path) -> None:
    """Before version 4 two processes could store one message twice; the upgrade
    keeps the first and from then on the database refuses a second."""
    bundled = bundled_migrations()
    identity = next(m for m in bundled if m.name == "answer_identity")
    before = [m for m in bundled if m.version < identity.version]
    older = await connected(db_path, migrations=before)
    await older.close()
    with raw(db_path) as conn:
        for text in ("first", "second"):
            conn.execute(
                "INSERT INTO answers (platform, channel_id, user_id, text, score, created_at,"
                " message_id) VALUES ('discord', '1001', 'u-ada', ?, 3, ?, 'm-1')",
                (text, T0.isoformat()),
            )
    upgraded = await connected(db_path)
    try:
        [kept] = await upgraded.user_answers("discord", "u-ada")
        assert kept.text == "first"
        with pytest.raises(AnswerExists):
            await upgraded.save_answer(answer(message_id="m-1"))
    finally:
        await upgraded.close()


async def test_seen_events_stay_bounded(db_path: Path) -> None:
    storage = await connected(db_path)
    try:
        for hour in range(24 * 5):
            await storage.mark_event_seen(f"slack:Ev{hour}", T0 + timedelta(hours=hour))
    finally:
        await storage.close()
    with raw(db_path) as conn:
        [(count,)] = conn.execute("SELECT COUNT(*) FROM seen_events").fetchall()
    assert count <= SEEN_EVENTS_KEPT / timedelta(hours=1) + 1
