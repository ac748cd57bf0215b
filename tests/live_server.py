"""A real uvicorn server on a free loopback port, in a thread of the test process: the product is
about real HTTP, so server tests talk to it over a socket."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn

from server.app import create_app
from server.settings import Settings

JSON_API = "application/vnd.api+json"


class LiveServer:
    def __init__(self, database: Path | str, *, auth: bool = False, **settings: Any) -> None:
        """``database``: a SQLite file, or a database URL (say, PostgreSQL's)."""
        # API behaviour tests run without authentication (--no-auth); auth tests switch it on
        url = database if isinstance(database, str) else f"sqlite:///{database}"
        self.settings = Settings(database_url=url, debug=True, auth=auth, **settings)
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
