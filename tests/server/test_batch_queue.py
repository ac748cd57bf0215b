"""``server.batch.queue.make_huey``: which huey storage a queue setting gives."""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

import pytest
from huey import MemoryHuey, RedisHuey, SqliteHuey

from server.batch.queue import make_huey
from server.settings import Settings


def test_sqlite_beside_the_database(tmp_path: Path) -> None:
    huey = make_huey(Settings(database_url=f"sqlite:///{tmp_path}/api.db"))
    assert type(huey) is SqliteHuey
    assert huey.storage.filename == f"{tmp_path}/api.db.queue"


def test_memory_for_an_in_memory_database() -> None:
    assert type(make_huey(Settings(database_url="sqlite://"))) is MemoryHuey


def test_a_sqlite_queue_url(tmp_path: Path) -> None:
    huey = make_huey(Settings(queue_url=f"sqlite:///{tmp_path}/q.db"))
    assert (type(huey), huey.storage.filename) == (SqliteHuey, f"{tmp_path}/q.db")


def test_a_server_database_without_a_queue_url_shares_a_file_per_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    first = make_huey(Settings(database_url="postgresql://h/db1"))
    again = make_huey(Settings(database_url="postgresql://h/db1"))
    other = make_huey(Settings(database_url="postgresql://h/db2"))
    assert first.storage.filename == again.storage.filename != other.storage.filename
    assert Path(first.storage.filename).parent == tmp_path


def test_redis() -> None:
    settings = Settings(queue_url="redis://127.0.0.1:6379/0")
    if importlib.util.find_spec("redis") is None:  # the `redis` extra is not installed
        with pytest.raises(ValueError, match=r"pip install 'oro-api-sandbox\[redis\]'"):
            make_huey(settings)
    else:
        assert type(make_huey(settings)) is RedisHuey  # connects on first use only


def test_an_unsupported_queue_url() -> None:
    with pytest.raises(ValueError, match="unsupported queue URL"):
        make_huey(Settings(queue_url="amqp://x"))
