"""The Batch API survives ``kill -9``: a server killed in the middle of a 2,000-item operation
and started again finishes it with every item written exactly once (reference §15.5; the issue's
durability criterion), and every one of them indexed once for the search (the chunks queue their
records for it; a restart indexes what the killed server had not). A real server process, really
killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import orjson

from tests.live_server import JSON_API

ITEMS = 2000
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server_process(database: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    command = [
        sys.executable, "-m", "server", "serve", "--no-auth", "--port", str(port),
        "--database", str(database), "--batch-stale-after", "1",
    ]  # fmt: skip
    log = (database.parent / "server.log").open("ab")
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (database.parent / "server.log").read_text()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/accountsources").status_code < 500:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(30)
        log.close()


def stored(database: Path) -> tuple[int, int, int]:
    """(accounts written by the batch, distinct names among them, chunks the operation did)."""
    with sqlite3.connect(database) as db:
        rows, distinct = db.execute(
            "SELECT count(*), count(DISTINCT name) FROM account WHERE name LIKE 'Durable %'"
        ).fetchone()
        (done,) = db.execute("SELECT chunks_done FROM api_async_operation").fetchone()
    return rows, distinct, done


def indexed(database: Path) -> tuple[int, int, int]:
    """(search entries of the batch's accounts, distinct records among them, records queued)."""
    with sqlite3.connect(database) as db:
        rows, distinct = db.execute(
            "SELECT count(*), count(DISTINCT record_id) FROM search_item"
            " WHERE entity = 'accounts' AND title LIKE 'Durable %'"
        ).fetchone()
        (queued,) = db.execute("SELECT count(*) FROM search_pending").fetchone()
    return rows, distinct, queued


def test_kill_9_in_the_middle_then_restart_writes_each_item_once(tmp_path: Path) -> None:
    database, port = tmp_path / "api.db", free_port()
    api = f"http://127.0.0.1:{port}/api"
    body = {
        "data": [{"type": "accounts", "attributes": {"name": f"Durable {i}"}} for i in range(ITEMS)]
    }
    headers = {"Content-Type": JSON_API, "Accept": JSON_API}
    with server_process(database, port) as process:
        response = httpx.patch(f"{api}/accounts", content=orjson.dumps(body), headers=headers)
        assert response.status_code == 202, response.text
        url = response.headers["content-location"]
        deadline = time.monotonic() + 60
        while True:  # kill once some chunks are done, not all
            progress = httpx.get(url, headers=headers).json()["data"]["attributes"]["progress"]
            if progress is not None and 0 < progress < 1:
                break
            assert progress != 1, "finished before it could be interrupted"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    rows, distinct, done = stored(database)
    assert 0 < done < ITEMS // 100
    assert rows == distinct == done * 100  # whole chunks only, each once
    entries, distinct_entries, queued = indexed(database)  # (minutely upkeep may have begun)
    assert (entries, entries + queued) == (distinct_entries, rows)  # queued with the chunks
    with server_process(database, port):
        deadline = time.monotonic() + 90
        while True:
            operation = httpx.get(url, headers=headers).json()["data"]["attributes"]
            if operation["status"] not in ("new", "running"):
                break
            assert time.monotonic() < deadline, f"still {operation['status']}"
            time.sleep(0.1)
        while indexed(database) != (ITEMS, ITEMS, 0):
            assert time.monotonic() < deadline, f"indexed: {indexed(database)}"
            time.sleep(0.1)
    assert operation["status"] == "success"
    assert operation["progress"] == 1
    summary = operation["summary"]
    assert (summary["readCount"], summary["createCount"], summary["errorCount"]) == (
        ITEMS,
        ITEMS,
        0,
    )
    assert stored(database)[:2] == (ITEMS, ITEMS)
