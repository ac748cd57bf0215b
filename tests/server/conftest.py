"""The server's tests run on both backends: every server these fixtures start stands on SQLite and
again on PostgreSQL (the ``backend`` parameter; see tests/postgres.py for where PostgreSQL comes
from, and when its half skips). A module about the HTTP layer alone (negotiation, CORS, the HTML
documentation, fuzzing the protocol) says ``BACKENDS = ("sqlite",)``: the database changes
nothing there, and the suite's time matters."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.live_server import JSON_API, LiveServer
from tests.postgres import Databases, NewDatabase, Unavailable, postgres_server


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[Databases]:
    try:
        with postgres_server() as url:
            databases = Databases(url)
            try:
                yield databases
            finally:
                databases.close()
    except Unavailable as reason:
        pytest.skip(f"no PostgreSQL: {reason}")


BACKENDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        backends = getattr(metafunc.module, "BACKENDS", BACKENDS)
        metafunc.parametrize("backend", backends, indirect=True, scope="session")


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture(scope="session")
def new_database(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> NewDatabase:
    """``new_database(name)``: a new database (seeded at the server's start: on PostgreSQL a copy
    of a template seeded once), as a SQLite file or a URL."""
    if backend == "sqlite":
        return lambda name: tmp_path_factory.mktemp(name) / "api.db"
    databases: Databases = request.getfixturevalue("postgres_databases")
    return lambda name: databases.new()


@pytest.fixture(scope="session")
def live_server(new_database: NewDatabase) -> Iterator[LiveServer]:
    with LiveServer(new_database("db")) as server:
        yield server


@pytest.fixture(scope="session")
def api_url(live_server: LiveServer) -> str:
    return live_server.origin + "/api"


@pytest.fixture
def fresh_api_url(new_database: NewDatabase) -> Iterator[str]:
    """A server of its own on a new database, for tests that change data."""
    with LiveServer(new_database("fresh")) as server:
        yield server.origin + "/api"


@pytest.fixture(scope="session")
def client(api_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_url, headers={"Accept": JSON_API}, timeout=30) as http:
        yield http
