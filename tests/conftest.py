"""Suite-wide fixtures: a real uvicorn server on a free loopback port, seeded demo data.

The product is about real HTTP, so server tests talk to a live server over a socket rather than
through an in-process transport. Tests that write use ``fresh_api_url`` (a server of its own,
reseeded) or undo their changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live_server import JSON_API, LiveServer

# `make test` hands whole files to one worker per core (pytest-xdist, `--dist loadfile`), in
# collection order: the files that take longest go first, so that none runs alone at the end.
LONGEST_FIRST = (
    "tests/server/test_fuzz.py",
    "tests/sandbox/widgets/test_web_sandbox.py",
    "tests/test_wheel.py",
    "tests/notebooks/test_notebooks.py",
    "tests/test_dashboard.py",
    "tests/test_binder.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {path: n for n, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


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


@pytest.fixture(scope="session")
def client(api_url: str) -> Iterator[httpx.Client]:
    """A JSON:API client of the shared server (read-only tests)."""
    with httpx.Client(base_url=api_url, headers={"Accept": JSON_API}, timeout=30) as http:
        yield http
