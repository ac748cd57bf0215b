"""``server.batch.run``: two workers running one operation at once write each item once (the
chunk transaction's progress check), and a finished operation is never run again. In-process,
on a server without queue workers, so the runs are the test's own."""

from __future__ import annotations

import io
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest

from server import cli
from server.batch.run import Runner
from tests.live_server import JSON_API, LiveServer

HEADERS = {"Content-Type": JSON_API, "Accept": JSON_API}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    database = tmp_path_factory.mktemp("batch-run") / "api.db"
    with LiveServer(database, queue_workers=0, batch_chunk_size=10) as live:
        yield live


def submit(server: LiveServer, prefix: str, count: int) -> int:
    body = {
        "data": [
            {"type": "accounts", "attributes": {"name": f"{prefix} {i}"}} for i in range(count)
        ]
    }
    response = httpx.patch(
        f"{server.origin}/api/accounts", content=orjson.dumps(body), headers=HEADERS
    )
    assert response.status_code == 202, response.text
    return int(response.json()["data"]["id"])


def stored(server: LiveServer, prefix: str) -> tuple[int, int]:
    path = Path(server.settings.database_url.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as db:
        row = db.execute(
            "SELECT count(*), count(DISTINCT name) FROM account WHERE name LIKE ?", (f"{prefix} %",)
        ).fetchone()
    return int(row[0]), int(row[1])


def operation(server: LiveServer, id_: int) -> dict[str, object]:
    return dict(
        httpx.get(f"{server.origin}/api/asyncoperations/{id_}", headers=HEADERS).json()["data"][
            "attributes"
        ]
    )


def test_two_workers_on_one_operation_write_each_item_once(server: LiveServer) -> None:
    id_ = submit(server, "Twice", 200)
    backend = server.app.state.backend
    runs = [
        threading.Thread(target=Runner(backend, id_).run, kwargs={"takeover": True})
        for _ in range(2)
    ]
    for run in runs:
        run.start()
    for run in runs:
        run.join(120)
    attributes = operation(server, id_)
    assert attributes["status"] == "success"
    assert attributes["summary"]["createCount"] == 200  # type: ignore[index]
    assert stored(server, "Twice") == (200, 200)


def test_a_finished_operation_is_not_run_again(server: LiveServer) -> None:
    id_ = submit(server, "Once", 15)
    backend = server.app.state.backend
    Runner(backend, id_).run()
    Runner(backend, id_).run(takeover=True)
    assert stored(server, "Once") == (15, 15)
    assert operation(server, id_)["summary"]["createCount"] == 15  # type: ignore[index]


class _CancelBefore:
    """A runner's ``stopping`` event that cancels the operation (as ``oro-sandbox batch-cancel``
    does, in a transaction of its own) when the runner is about to start chunk ``index``."""

    def __init__(self, server: LiveServer, id_: int, index: int) -> None:
        self.server, self.id, self.index, self.calls = server, id_, index, 0

    def is_set(self) -> bool:
        if self.calls == self.index:
            code, out = cli_run(self.server, "batch-cancel", str(self.id))
            assert (code, out) == (0, f"Asynchronous operation {self.id} cancelled.\n")
        self.calls += 1
        return False


def cli_run(server: LiveServer, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.main([*argv, "--database", server.settings.database_url], environ={}, out=out)
    return code, out.getvalue()


def test_a_cancelled_operation_starts_no_further_chunk(server: LiveServer) -> None:
    id_ = submit(server, "Cancel", 50)  # chunks of 10
    backend = server.app.state.backend
    Runner(backend, id_, _CancelBefore(server, id_, 3)).run()  # type: ignore[arg-type]
    attributes = operation(server, id_)
    # the chunks written before stay; as in Oro, a cancelled operation has no summary
    assert (attributes["status"], attributes["progress"], attributes["summary"]) == (
        "cancelled",
        0.6,
        None,
    )
    assert stored(server, "Cancel") == (30, 30)
    Runner(backend, id_).run(takeover=True)  # never started again
    assert stored(server, "Cancel") == (30, 30)
    code, out = cli_run(server, "batch-cancel", str(id_))
    assert (code, out) == (1, f"Asynchronous operation {id_} does not exist or is finished.\n")
