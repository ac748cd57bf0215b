"""server/storage/reads.py: one read connection kept per thread, never reading stale data, on
SQLite (a file in WAL mode, written by another connection and another process) and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from server.storage.database import create_engine
from server.storage.reads import ReadConnections


@pytest.fixture
def engine(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[sa.Engine]:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'reads.db'}"
    else:
        url = str(request.getfixturevalue("new_database")("reads"))
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE note (id INTEGER PRIMARY KEY, text VARCHAR(20))")
        connection.exec_driver_sql("INSERT INTO note VALUES (1, 'first')")
    yield engine
    engine.dispose()


def read(connection: sa.Connection) -> Any:
    """As the Loader reads: the driver's own cursor."""
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute("SELECT text FROM note WHERE id = 1")
        return cursor.fetchall()[0][0]
    finally:
        cursor.close()


def write(engine: sa.Engine, text: str) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE note SET text = :t WHERE id = 1"), {"t": text})


def driver(connection: sa.Connection) -> Any:
    return connection.connection.driver_connection


def test_one_connection_is_kept_per_thread(engine: sa.Engine) -> None:
    reads = ReadConnections(engine)
    with reads.connect() as first:
        kept = driver(first)
    with reads.connect() as again, reads.connect() as nested:
        assert driver(again) is kept
        assert driver(nested) is kept
    other: list[Any] = []

    def elsewhere() -> None:
        with reads.connect() as connection:
            other.append(driver(connection))

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert other[0] is not kept
    reads.close()


def test_a_read_sees_every_commit_of_another_connection(engine: sa.Engine) -> None:
    reads = ReadConnections(engine)
    with reads.connect() as connection:
        assert read(connection) == "first"
    write(engine, "second")
    with reads.connect() as connection:
        assert read(connection) == "second"
    with reads.connect() as connection:  # also within one use: no snapshot held
        write(engine, "third")
        assert read(connection) == "third"
    reads.close()


def test_a_read_sees_another_process_commit(engine: sa.Engine) -> None:
    reads = ReadConnections(engine)
    with reads.connect() as connection:
        assert read(connection) == "first"
    url = engine.url.render_as_string(hide_password=False)
    code = (
        "import sqlalchemy as sa, sys\n"
        "engine = sa.create_engine(sys.argv[1])\n"
        "with engine.begin() as c:\n"
        "    c.execute(sa.text(\"UPDATE note SET text = 'other process' WHERE id = 1\"))\n"
    )
    subprocess.run([sys.executable, "-c", code, url], check=True, timeout=60)
    with reads.connect() as connection:
        assert read(connection) == "other process"
    reads.close()


def test_a_transaction_left_open_is_rolled_back(engine: sa.Engine) -> None:
    reads = ReadConnections(engine)
    with reads.connect() as connection:
        cursor = driver(connection).cursor()
        cursor.execute("BEGIN")
        assert read(connection) == "first"  # a snapshot now held …
    write(engine, "second")
    with reads.connect() as connection:  # … and let go at the end of the use
        assert read(connection) == "second"
    reads.close()


def test_a_driver_error_replaces_the_connection(engine: sa.Engine) -> None:
    reads = ReadConnections(engine)
    with reads.connect() as connection:
        broken = driver(connection)
    with pytest.raises(engine.dialect.loaded_dbapi.Error), reads.connect() as connection:
        driver(connection).cursor().execute("SELECT * FROM no_such_table")
    with reads.connect() as connection:
        assert driver(connection) is not broken
        assert read(connection) == "first"
    reads.close()


def test_other_errors_keep_the_connection(engine: sa.Engine) -> None:
    reads = ReadConnections(engine)
    with pytest.raises(LookupError), reads.connect() as connection:
        kept = driver(connection)
        raise LookupError  # say, a 404: the connection is fine
    with reads.connect() as connection:
        assert driver(connection) is kept
    reads.close()


def test_close_returns_every_connection_to_the_pool(engine: sa.Engine) -> None:
    reads = ReadConnections(engine)
    with reads.connect():
        pass
    assert engine.pool.checkedout() == 1  # type: ignore[attr-defined]
    reads.close()
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_a_finished_thread_returns_its_connection(engine: sa.Engine) -> None:
    reads = ReadConnections(engine)

    def elsewhere() -> None:
        with reads.connect():
            pass

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_an_in_memory_database_is_not_kept() -> None:
    """Its one connection is every checkout's: each use checks out and returns, as before."""
    engine = create_engine("sqlite://")
    reads = ReadConnections(engine)
    with reads.connect() as first:
        pass
    with reads.connect() as second:
        assert second is not first
    assert first.closed
    engine.dispose()


def test_the_data_version_moves_with_every_commit_and_only_then(engine: sa.Engine) -> None:
    reads = ReadConnections(engine)
    first = reads.version()
    with reads.connect() as connection:
        read(connection)
    assert reads.version() == first  # a read commits nothing
    write(engine, "second")
    second = reads.version()
    assert second != first
    write(engine, "third")
    assert reads.version() not in (first, second)
    reads.close()


def test_the_data_version_moves_with_another_process_commit(engine: sa.Engine) -> None:
    reads = ReadConnections(engine)
    before = reads.version()
    url = engine.url.render_as_string(hide_password=False)
    code = (
        "import sqlalchemy as sa, sys\n"
        "engine = sa.create_engine(sys.argv[1])\n"
        "with engine.begin() as c:\n"
        "    c.execute(sa.text(\"UPDATE note SET text = 'other process' WHERE id = 1\"))\n"
    )
    subprocess.run([sys.executable, "-c", code, url], check=True, timeout=60)
    assert reads.version() != before
    reads.close()


def test_a_replaced_connection_never_repeats_a_version(engine: sa.Engine) -> None:
    """SQLite's number is per connection: a new connection may count from where another was.
    PostgreSQL's snapshot is the database's: the same on any connection while nothing commits."""
    reads = ReadConnections(engine)
    before = reads.version()
    with pytest.raises(engine.dialect.loaded_dbapi.Error), reads.connect() as connection:
        driver(connection).cursor().execute("SELECT * FROM no_such_table")
    after = reads.version()
    assert after != before if engine.dialect.name == "sqlite" else after == before
    reads.close()


def test_an_in_memory_database_has_no_data_version() -> None:
    engine = create_engine("sqlite://")
    assert ReadConnections(engine).version() is None
    engine.dispose()
