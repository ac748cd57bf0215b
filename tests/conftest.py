"""Suite-wide fixtures: a real uvicorn server on a free loopback port, seeded demo data.

The product is about real HTTP, so server tests talk to a live server over a socket rather than
through an in-process transport. Tests that write use ``fresh_api_url`` (a server of its own,
reseeded) or undo their changes.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from server.app import create_app
from server.settings import Settings


class LiveServer:
    def __init__(self, database: Path, *, auth: bool = False, **settings: Any) -> None:
        # API behaviour tests run without authentication (--no-auth); auth tests switch it on
        self.settings = Settings(
            database_url=f"sqlite:///{database}", debug=True, auth=auth, **settings
        )
        # IPPROTO_TCP named, so asyncio sets TCP_NODELAY on accepted connections (no Nagle stalls)
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        port = self.socket.getsockname()[1]
        self.origin = f"http://127.0.0.1:{port}"
        self.app = create_app(self.settings)
        config = uvicorn.Config(self.app, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.socket.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with LiveServer(tmp_path_factory.mktemp("db") / "sandbox.db") as server:
        yield server


@pytest.fixture(scope="session")
def api_url(live_server: LiveServer) -> str:
    """``http://127.0.0.1:PORT/api`` of a running server with the seeded demo organisation."""
    return live_server.origin + "/api"


@pytest.fixture
def fresh_api_url(tmp_path: Path) -> Iterator[str]:
    """A server of its own on a new database, for tests that change data."""
    with LiveServer(tmp_path / "sandbox.db") as server:
        yield server.origin + "/api"


JSON_API = "application/vnd.api+json"


@pytest.fixture(scope="session")
def client(api_url: str) -> Iterator[httpx.Client]:
    """A JSON:API client of the shared server (read-only tests)."""
    with httpx.Client(base_url=api_url, headers={"Accept": JSON_API}, timeout=30) as http:
        yield http
