"""Engines: SQLite in WAL mode (StaticPool when in memory), or any other SQLAlchemy URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool


def create_engine(url: str) -> sa.Engine:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(url)
    memory = parsed.database in (None, "", ":memory:")
    # writes begin IMMEDIATE and take turns: a writer waits up to 30 s for the one before it
    options: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    if memory:
        options["poolclass"] = StaticPool
    else:
        Path(parsed.database or "").parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, **options)

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=OFF")
        # contains/starts_with/ends_with match case as Oro's do (it lowers only filters that are
        # configured case_insensitive); SQLite's LIKE ignores ASCII case unless told
        cursor.execute("PRAGMA case_sensitive_like=ON")
        cursor.close()

    return engine
