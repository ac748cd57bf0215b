"""``oro-sandbox serve --workers 2``: two uvicorn worker processes on one port answer alike,
because everything they keep is shared through the database: tokens, WSSE nonces, failed logins,
the API feature switch and the records themselves (no cache serves a stale one).

Every request goes on a connection of its own, so the kernel hands them to either worker.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from server.auth.api_keys import demo_api_key
from server.auth.oauth.seed import DEMO_APPLICATIONS
from server.auth.wsse import wsse_header
from tests.postgres import NewDatabase

JSON_API = "application/vnd.api+json"
REQUESTS = 24
SECRETS = {app.client_id: app.secret for app in DEMO_APPLICATIONS}


class Workers:
    def __init__(self, database: str) -> None:
        self.database = database
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "server",
                "serve",
                "--port",
                "0",
                "--workers",
                "2",
                *("--database", database),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        lines: queue.Queue[str] = queue.Queue()
        assert self.process.stdout is not None
        stdout = self.process.stdout
        threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True).start()
        deadline = time.monotonic() + 60
        self.origin = ""
        while not self.origin:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                raise RuntimeError("the 2-worker server did not start") from None
            if line.startswith("Oro API Sandbox: "):
                self.origin = line.split(": ", 1)[1].strip().removesuffix("/api")
        while len(self.worker_pids()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)  # both spawned; requests wait in the backlog until they serve

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def worker_pids(self) -> list[int]:
        children = psutil.Process(self.process.pid).children()
        return [c.pid for c in children if "spawn_main" in " ".join(c.cmdline())]

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request on a connection of its own."""
        headers = {"Accept": JSON_API, **kwargs.pop("headers", {})}
        return httpx.request(method, self.origin + path, headers=headers, timeout=30, **kwargs)

    def at_once(self, method: str, path: str, **kwargs: Any) -> list[httpx.Response]:
        with ThreadPoolExecutor(8) as pool:
            return list(pool.map(lambda _: self.request(method, path, **kwargs), range(REQUESTS)))

    def token(self, **params: str) -> httpx.Response:
        return httpx.post(self.origin + "/oauth2-token", json=params, timeout=30)

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "server", *args, "--database", self.database],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout


@pytest.fixture(scope="module")
def workers(new_database: NewDatabase) -> Iterator[Workers]:
    database = new_database("workers")
    url = database if isinstance(database, str) else f"sqlite:///{Path(database)}"
    server = Workers(url)
    try:
        yield server
    finally:
        server.stop()


def bearer(workers: Workers) -> dict[str, str]:
    client = "sandbox-integration"
    response = workers.token(
        grant_type="client_credentials", client_id=client, client_secret=SECRETS[client] or ""
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_two_worker_processes_serve_one_port(workers: Workers) -> None:
    assert len(workers.worker_pids()) == 2


def test_a_token_one_worker_issued_is_good_on_every_worker(workers: Workers) -> None:
    responses = workers.at_once("GET", "/api/users/1", headers=bearer(workers))
    assert {r.status_code for r in responses} == {200}
    assert {r.json()["data"]["attributes"]["username"] for r in responses} == {"admin"}


def test_a_wsse_nonce_is_used_once_across_workers(workers: Workers) -> None:
    headers = wsse_header("admin", demo_api_key(1))
    responses = workers.at_once("GET", "/api/users?page[size]=1", headers=headers)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [401] * (REQUESTS - 1)


def test_failed_logins_count_across_workers(workers: Workers) -> None:
    client = "sandbox-password"
    secret = SECRETS[client] or ""
    for _ in range(5):  # the default allowance, each on a new connection
        wrong = workers.token(
            grant_type="password",
            client_id=client,
            client_secret=secret,
            username="ronald.rivera_f16d7",
            password="guess",
        )
        assert wrong.json()["error"] == "invalid_grant"
    right = workers.token(
        grant_type="password",
        client_id=client,
        client_secret=secret,
        username="ronald.rivera_f16d7",
        password="ronald.rivera_f16d7",
    )
    assert right.status_code == 429, right.text
    assert right.json()["error"] == "slow_down"


def test_a_write_is_seen_at_once_by_every_worker(workers: Workers) -> None:
    auth = bearer(workers)
    for name in ("Renamed by one worker", "Renamed again"):
        changed = workers.request(
            "PATCH",
            "/api/accounts/1",
            headers={**auth, "Content-Type": JSON_API},
            json={"data": {"type": "accounts", "id": "1", "attributes": {"name": name}}},
        )
        assert changed.status_code == 200, changed.text
        responses = workers.at_once("GET", "/api/accounts/1", headers=auth)
        assert {r.json()["data"]["attributes"]["name"] for r in responses} == {name}


def test_the_api_feature_switch_reaches_every_worker(workers: Workers) -> None:
    auth = bearer(workers)
    workers.cli("api-feature", "off", "--organization", "1")
    try:
        time.sleep(1.2)  # a worker's remembered answer lives a second (server.auth.feature)
        responses = workers.at_once("GET", "/api/users/1", headers=auth)
        assert {r.status_code for r in responses} == {404}
    finally:
        workers.cli("api-feature", "on", "--organization", "1")
    time.sleep(1.2)
    assert {r.status_code for r in workers.at_once("GET", "/api/users/1", headers=auth)} == {200}


def test_batches_through_any_worker_write_each_item_once(workers: Workers) -> None:
    """The Batch API's queue is shared: batches sent to either worker are run (by whichever
    worker's queue threads take them), each item once; a synchronous one answers too."""
    auth = {**bearer(workers), "Content-Type": JSON_API}
    urls = []
    for tag in "ab":
        body = {
            "data": [
                {"type": "accounts", "attributes": {"name": f"Workers batch {tag}{i}"}}
                for i in range(30)
            ]
        }
        response = workers.request("PATCH", "/api/accounts", headers=auth, json=body)
        assert response.status_code == 202, response.text
        urls.append(response.headers["content-location"])
    for url in urls:
        deadline = time.monotonic() + 60
        while True:
            operation = httpx.get(url, headers=auth, timeout=30).json()["data"]["attributes"]
            if operation["status"] not in ("new", "running"):
                break
            assert time.monotonic() < deadline, operation
            time.sleep(0.1)
        assert (operation["status"], operation["summary"]["createCount"]) == ("success", 30)
    sync = {"data": [{"type": "accounts", "attributes": {"name": "Workers batch sync"}}]}
    answer = workers.request(
        "PATCH", "/api/accounts", headers={**auth, "X-Mode": "sync"}, json=sync
    )
    assert answer.status_code == 200, answer.text
    listed = workers.request("GET", "/api/accounts", headers=auth, params={"page[size]": "-1"})
    names = [a["attributes"]["name"] for a in listed.json()["data"]]
    batch = [n for n in names if n.startswith("Workers batch")]
    assert len(batch) == len(set(batch)) == 61
    search = {"filter[searchText]": "workers", "filter[entities]": "accounts", "page[size]": "100"}
    deadline = time.monotonic() + 60
    while True:  # the index follows the asynchronous batches a moment later: each record once
        found = workers.request("GET", "/api/search", headers=auth, params=search)
        assert found.status_code == 200, found.text
        titles = [r["attributes"]["entityName"] for r in found.json()["data"]]
        if len(titles) >= 61 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert sorted(titles) == sorted(batch)
