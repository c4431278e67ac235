"""Persistence for lpbot. The core talks to ``Storage`` (see ``storage.base``) and gets
one from a URL:

- ``sqlite:///./lpbot.db``: a file relative to the working directory
- ``sqlite:////var/lib/lpbot/lpbot.db``: an absolute path (four slashes)
- ``sqlite:///:memory:``: a throwaway in-memory database (tests, demos)
"""

from __future__ import annotations

from storage.base import (
    ALL_DAYS,
    AnswerRecord,
    ChannelConfig,
    PostRecord,
    Storage,
    StorageError,
)

__all__ = [
    "ALL_DAYS",
    "AnswerRecord",
    "ChannelConfig",
    "PostRecord",
    "Storage",
    "StorageError",
    "open_storage",
    "sqlite_path_from_url",
    "storage_for_url",
]

_SQLITE_PREFIX = "sqlite:///"
_EXPECTED_FORM = (
    "expected sqlite:///./lpbot.db (a path relative to the working directory), "
    "sqlite:////absolute/path/lpbot.db or sqlite:///:memory:"
)


def sqlite_path_from_url(url: str) -> str:
    """The database path in a ``sqlite:///`` URL (raises ``ValueError`` otherwise)."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme in ("postgresql", "postgres") or scheme.startswith("postgresql+"):
        raise ValueError(
            f"PostgreSQL support is not available yet; use a SQLite URL for now ({_EXPECTED_FORM})."
        )
    if not scheme:
        raise ValueError(f"Storage {url!r} is a plain path, not a URL: {_EXPECTED_FORM}.")
    if scheme != "sqlite":
        raise ValueError(f"Unsupported storage URL {url!r}: {_EXPECTED_FORM}.")
    if not url.lower().startswith(_SQLITE_PREFIX):
        raise ValueError(
            f"Malformed SQLite URL {url!r} (three slashes before the path, no host): "
            f"{_EXPECTED_FORM}."
        )
    path = url[len(_SQLITE_PREFIX) :]
    if not path.strip() or path.endswith("/"):
        raise ValueError(f"SQLite URL {url!r} names no database file: {_EXPECTED_FORM}.")
    return path


def storage_for_url(url: str) -> Storage:
    """A storage for ``url``, not yet connected (call ``await storage.connect()``)."""
    path = sqlite_path_from_url(url)
    from storage.sqlite import SqliteStorage

    return SqliteStorage(path)


async def open_storage(url: str) -> Storage:
    """A connected storage for ``url``, with migrations applied."""
    storage = storage_for_url(url)
    await storage.connect()
    return storage
