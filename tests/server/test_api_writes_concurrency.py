"""Writes that race: a unique value is enforced by the database as declared (``sku`` unique in
the organization), the check and the write are one transaction, and adding the same member at
once adds it once. Each test is a few seconds at most.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.live_server import LiveServer
from tests.server.write_support import JSON_API, api_client, attr, error, live_server, send

RACERS = 32


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory, "races") as live:
        yield live


@pytest.fixture(scope="module")
def db(server: LiveServer) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(Path(server.settings.database_url.removeprefix("sqlite:///")))
    yield connection
    connection.close()


def product(sku: str, organization: str) -> dict[str, Any]:
    return {
        "data": {
            "type": "products",
            "attributes": {"sku": sku, "name": f"Racing {sku}"},
            "relationships": {
                "organization": {"data": {"type": "organizations", "id": organization}},
                "owner": {
                    "data": {"type": "businessunits", "id": "6" if organization == "2" else "1"}
                },
            },
        }
    }


def race(server: LiveServer, method: str, url: str, doc: Any) -> list[httpx.Response]:
    """``RACERS`` identical requests sent at once, each on a connection of its own."""

    def one(_: int) -> httpx.Response:
        with api_client(server) as http:
            return send(http, method, url, doc)

    with ThreadPoolExecutor(RACERS) as pool:
        return list(pool.map(one, range(RACERS)))


def test_concurrent_creates_with_one_sku_make_exactly_one(
    server: LiveServer, db: sqlite3.Connection
) -> None:
    for round_ in range(2):
        sku = f"RACE-{round_}"
        responses = race(server, "POST", "/products", product(sku, "1"))
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] + [400] * (RACERS - 1), statuses
        for response in responses:
            if response.status_code == 400:
                assert response.headers["content-type"] == JSON_API
                assert response.json() == {
                    "errors": [
                        error(
                            "unique entity constraint",
                            "This value is already used.",
                            attr("sku"),
                        )
                    ]
                }
        count = db.execute("SELECT count(*) FROM product WHERE sku = ?", (sku,)).fetchone()[0]
        assert count == 1


def test_a_sku_is_unique_in_its_organization_only(server: LiveServer) -> None:
    with api_client(server) as http:
        assert send(http, "POST", "/products", product("SHARED-1", "1")).status_code == 201
        other = send(http, "POST", "/products", product("SHARED-1", "2"))
        assert other.status_code == 201, other.text
        again = send(http, "POST", "/products", product("SHARED-1", "2"))
        assert again.status_code == 400
        assert again.json()["errors"][0]["title"] == "unique entity constraint"


def test_the_database_refuses_a_duplicate_the_checks_did_not_see(
    db: sqlite3.Connection,
) -> None:
    """The unique index itself: scoped by organization, as declared."""
    row = db.execute("SELECT sku, organization_id FROM product LIMIT 1").fetchone()
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE constraint failed"):
        db.execute("INSERT INTO product (sku, name, organization_id) VALUES (?, 'x', ?)", row)
    db.rollback()


def test_adding_one_member_at_once_adds_it_once(server: LiveServer, db: sqlite3.Connection) -> None:
    contact = db.execute(
        "SELECT id FROM contact WHERE organization_id = 1 AND id NOT IN"
        " (SELECT contact_id FROM account_contact WHERE account_id = 4) LIMIT 1"
    ).fetchone()[0]
    doc = {"data": [{"type": "contacts", "id": str(contact)}]}
    responses = race(server, "POST", "/accounts/4/relationships/contacts", doc)
    assert {r.status_code for r in responses} == {204}, [r.text for r in responses]
    links = db.execute(
        "SELECT count(*) FROM account_contact WHERE account_id = 4 AND contact_id = ?",
        (contact,),
    ).fetchone()[0]
    assert links == 1
