"""The API feature switch per organization (reference §2, §21): on by default here, stored in the
organization's configuration, cached briefly, switched by ``oro-sandbox api-feature``."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from server import cli
from server.auth.feature import (
    API_ENABLED,
    DISABLED_DETAIL,
    FeatureCache,
    api_disabled_error,
    api_enabled,
    set_api_enabled,
)
from server.domain.resources import build_registry
from server.domain.setup import prepare_database
from server.storage.database import create_engine
from server.storage.tables import Schema, build_schema
from tests.live_server import LiveServer


@pytest.fixture(scope="module")
def schema() -> Schema:
    return build_schema(build_registry())


@pytest.fixture
def engine(tmp_path: Any, schema: Schema) -> Iterator[sa.Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'feature.db'}")
    prepare_database(engine, build_registry(), schema)
    yield engine
    engine.dispose()


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_api_is_enabled_by_default(engine: sa.Engine, schema: Schema) -> None:
    with engine.connect() as connection:
        assert [api_enabled(connection, schema, org) for org in (1, 2, 99)] == [True] * 3


def test_switching_off_and_on(engine: sa.Engine, schema: Schema) -> None:
    with engine.begin() as connection:
        set_api_enabled(connection, schema, 2, False)
        assert (api_enabled(connection, schema, 1), api_enabled(connection, schema, 2)) == (
            True,
            False,
        )
        set_api_enabled(connection, schema, 2, False)  # twice is fine
        set_api_enabled(connection, schema, 2, True)
        assert api_enabled(connection, schema, 2) is True
        config = schema.auth.config
        rows = connection.execute(sa.select(config.c.organization_id, config.c.value)).all()
    assert [tuple(row) for row in rows] == [(2, True)]


@pytest.mark.parametrize(
    ("value", "enabled"),
    [
        pytest.param(False, False, id="false"),
        pytest.param(0, False, id="zero"),
        pytest.param("false", False, id="text-false"),
        pytest.param(" Off ", False, id="text-off"),
        pytest.param(True, True, id="true"),
        pytest.param(None, True, id="null"),
        pytest.param("yes", True, id="text-yes"),
    ],
)
def test_stored_values(engine: sa.Engine, schema: Schema, value: Any, enabled: bool) -> None:
    config = schema.auth.config
    with engine.begin() as connection:
        connection.execute(
            sa.insert(config).values(organization_id=1, name=API_ENABLED, value=value)
        )
        assert api_enabled(connection, schema, 1) is enabled
        assert api_enabled(connection, schema, 2) is True


def test_the_cache_keeps_answers_for_its_ttl(engine: sa.Engine, schema: Schema) -> None:
    clock = Clock()
    cache = FeatureCache(ttl=1.0, clock=clock)
    with engine.begin() as connection:
        assert api_enabled(connection, schema, 1, cache=cache) is True
        set_api_enabled(connection, schema, 1, False)  # as another process would: no cache
        assert api_enabled(connection, schema, 1, cache=cache) is True  # still remembered
        clock.now += 1.0
        assert api_enabled(connection, schema, 1, cache=cache) is False


def test_switching_with_the_cache_invalidates_it_at_once(engine: sa.Engine, schema: Schema) -> None:
    cache = FeatureCache(ttl=3600, clock=Clock())
    with engine.begin() as connection:
        assert api_enabled(connection, schema, 1, cache=cache) is True
        assert api_enabled(connection, schema, 2, cache=cache) is True
        set_api_enabled(connection, schema, 1, False, cache=cache)
        assert api_enabled(connection, schema, 1, cache=cache) is False
        assert cache.get(2) is True  # other organizations stay cached
        set_api_enabled(connection, schema, 2, False)
        cache.invalidate()
        assert api_enabled(connection, schema, 2, cache=cache) is False


def test_the_disabled_error() -> None:
    assert api_disabled_error().to_dict() == {
        "status": "404",
        "title": "not found http exception",
        "detail": "The API feature is disabled for this organization.",
    }


# --- oro-sandbox api-feature -------------------------------------------------------------------


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(list(argv), environ={}, out=out), out.getvalue()


def test_api_feature_command(engine: sa.Engine, schema: Schema) -> None:
    url = str(engine.url)
    assert run("api-feature", "status", "--database", url) == (
        0,
        "Organization 1 (Oro Demo Inc): API enabled\nOrganization 2 (Acme Retail): API enabled\n",
    )
    assert run("api-feature", "off", "--organization", "2", "--database", url) == (
        0,
        "Organization 2 (Acme Retail): API disabled\n",
    )
    with engine.connect() as connection:
        assert api_enabled(connection, schema, 2) is False
    assert run("api-feature", "status", "--organization", "1", "--database", url) == (
        0,
        "Organization 1 (Oro Demo Inc): API enabled\n",
    )
    assert run("api-feature", "on", "--database", url) == (
        0,
        "Organization 1 (Oro Demo Inc): API enabled\nOrganization 2 (Acme Retail): API enabled\n",
    )
    assert run("api-feature", "off", "--database", url)[1].count("API disabled") == 2


def test_api_feature_command_per_website(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'websites.db'}"  # prepared with the storefront by the command
    assert run("api-feature", "status", "--website", "0", "--database", url) == (
        0,
        "Website 1 (Oro Demo Store): storefront API enabled, guest access enabled\n"
        "Website 2 (Acme Retail Store): storefront API enabled, guest access enabled\n",
    )
    assert run("api-feature", "off", "--website", "2", "--database", url) == (
        0,
        "Website 2 (Acme Retail Store): storefront API disabled, guest access enabled\n",
    )
    assert run("api-feature", "off", "--guests", "--database", url)[1] == (
        "Website 1 (Oro Demo Store): storefront API enabled, guest access disabled\n"
        "Website 2 (Acme Retail Store): storefront API disabled, guest access disabled\n"
    )
    assert run("api-feature", "status", "--website", "3", "--database", url) == (1, "")


def test_api_feature_command_errors(engine: sa.Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("api-feature", "status", "--organization", "7", "--database", str(engine.url)) == (
        1,
        "",
    )
    assert "no organization 7" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        run("api-feature", "maybe", "--database", str(engine.url))
    assert exit_.value.code == 2


# --- over real HTTP (needs api_enabled in the request pipeline) --------------------------------


@pytest.fixture(scope="module")
def open_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server without authentication: every request acts as the admin, of organization 1."""
    with LiveServer(tmp_path_factory.mktemp("feature-http") / "api.db") as live:
        yield live


@pytest.fixture
def switched_off(open_server: LiveServer, schema: Schema) -> Iterator[LiveServer]:
    engine = create_engine(open_server.settings.database_url)
    with engine.begin() as connection:
        set_api_enabled(connection, schema, 1, False)
    try:
        yield open_server
    finally:
        with engine.begin() as connection:
            set_api_enabled(connection, schema, 1, True)
        engine.dispose()


def poll(url: str, status: int) -> httpx.Response:
    """The answer once it has the status (a server may cache the switch for a moment)."""
    deadline = time.monotonic() + 3
    while True:
        response = httpx.get(url, headers={"Accept": "application/vnd.api+json"}, timeout=30)
        if response.status_code == status or time.monotonic() > deadline:
            return response
        time.sleep(0.1)


JSON_API_ACCEPT = {"Accept": "application/vnd.api+json"}
DISABLED = {
    "errors": [{"status": "404", "title": "not found http exception", "detail": DISABLED_DETAIL}]
}


def test_http_every_api_url_is_404_while_switched_off(switched_off: LiveServer) -> None:
    assert poll(switched_off.origin + "/api/users", 404).status_code == 404
    for path in ("/api/users", "/api/users/1", "/api/accounts/1/contacts", "/api/unknown"):
        response = httpx.get(switched_off.origin + path, headers=JSON_API_ACCEPT, timeout=30)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/vnd.api+json", path
        assert response.json() == DISABLED, path
        plain = httpx.get(switched_off.origin + path, timeout=30)  # plain REST: Oro's plain format
        assert (plain.status_code, plain.headers["content-type"]) == (404, "application/json")
        assert plain.json() == [{"title": "not found http exception", "detail": DISABLED_DETAIL}]


def test_http_the_api_answers_while_switched_on(open_server: LiveServer) -> None:
    assert poll(open_server.origin + "/api/users/1", 200).status_code == 200
