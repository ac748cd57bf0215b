"""Writes that race: a unique value is enforced by the database as declared (``sku`` unique in
the organization), the check and the write are one transaction, and adding the same member at
once adds it once. Each test is a few seconds at most.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from server.metadata.model import snake
from server.storage.dialect import unique_violation_columns
from tests.live_server import LiveServer
from tests.postgres import NewDatabase
from tests.server.write_support import JSON_API, api_client, attr, error, live_server, send

RACERS = 32


@pytest.fixture(scope="module")
def server(new_database: NewDatabase) -> Iterator[LiveServer]:
    with live_server(new_database, "races") as live:
        yield live


@pytest.fixture(scope="module")
def db(server: LiveServer) -> Iterator[sa.Connection]:
    """The server's database, read beside it (each statement sees what is committed)."""
    engine = sa.create_engine(server.settings.database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        yield connection
    engine.dispose()


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
    server: LiveServer, db: sa.Connection
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
        count = db.scalar(sa.text("SELECT count(*) FROM product WHERE sku = :sku"), {"sku": sku})
        assert count == 1


def test_a_sku_is_unique_in_its_organization_only(server: LiveServer) -> None:
    with api_client(server) as http:
        assert send(http, "POST", "/products", product("SHARED-1", "1")).status_code == 201
        other = send(http, "POST", "/products", product("SHARED-1", "2"))
        assert other.status_code == 201, other.text
        again = send(http, "POST", "/products", product("SHARED-1", "2"))
        assert again.status_code == 400
        assert again.json()["errors"][0]["title"] == "unique entity constraint"


def test_the_database_refuses_a_duplicate_the_checks_did_not_see(db: sa.Connection) -> None:
    """The unique index itself: scoped by organization, as declared, and named by its columns
    on either database."""
    sku, organization = db.execute(sa.text("SELECT sku, organization_id FROM product")).first()
    insert = sa.text("INSERT INTO product (sku, name, organization_id) VALUES (:s, 'x', :o)")
    with pytest.raises(sa.exc.IntegrityError) as refused:
        db.execute(insert, {"s": sku, "o": organization})
    assert unique_violation_columns(refused.value) == ["organization_id", "sku"]


def test_adding_one_member_at_once_adds_it_once(server: LiveServer, db: sa.Connection) -> None:
    contact = db.scalar(
        sa.text(
            "SELECT id FROM contact WHERE organization_id = 1 AND id NOT IN"
            " (SELECT contact_id FROM account_contact WHERE account_id = 4) ORDER BY id"
        )
    )
    doc = {"data": [{"type": "contacts", "id": str(contact)}]}
    responses = race(server, "POST", "/accounts/4/relationships/contacts", doc)
    assert {r.status_code for r in responses} == {204}, [r.text for r in responses]
    links = db.scalar(
        sa.text("SELECT count(*) FROM account_contact WHERE account_id = 4 AND contact_id = :c"),
        {"c": contact},
    )
    assert links == 1


# --- many writers on the same records at once -------------------------------------------------

CLIENTS = 16
SECONDS = 3.0
FIELDS = ("namePrefix", "firstName", "middleName", "lastName")  # each written by its own clients
CONTACTS = (1, 2, 3, 4)  # every client writes these same records


def owned_records(client: int) -> tuple[str, tuple[int, ...]]:
    """A field and the records whose field only this client writes (16 owners, 4 × 4 pairs)."""
    return FIELDS[client % 4], (CONTACTS[client // 4],)


def owned_links(client: int) -> list[tuple[int, int]]:
    """(account, contact) pairs only this client links and unlinks."""
    return [(1 + client % 2, 20 + 2 * client), (1 + client % 2, 21 + 2 * client)]


def writer(server: LiveServer, client: int, deadline: float) -> dict[str, Any]:
    """Writes until the deadline; returns what it left (last values, links) and what went
    wrong (any answer but the expected success)."""
    field, records = owned_records(client)
    left: dict[str, Any] = {"values": {}, "links": {}, "errors": []}
    links = {pair: None for pair in owned_links(client)}
    round_ = 0
    with api_client(server) as http:

        def expect(response: httpx.Response, status: int) -> None:
            if response.status_code != status:
                left["errors"].append((response.status_code, response.text[:300]))

        while round_ == 0 or time.monotonic() < deadline:
            round_ += 1
            for record in records:  # one field of a shared record, never the others
                value = f"c{client}-r{round_}"
                doc = {
                    "data": {"type": "contacts", "id": str(record), "attributes": {field: value}}
                }
                expect(send(http, "PATCH", f"/contacts/{record}", doc), 200)
                left["values"][(record, field)] = value
            for (account, contact), linked in links.items():
                method = "DELETE" if linked or (linked is None and round_ % 2 == 0) else "POST"
                doc = {"data": [{"type": "contacts", "id": str(contact)}]}
                url = f"/accounts/{account}/relationships/contacts"
                expect(send(http, method, url, doc), 204)
                links[(account, contact)] = method == "POST"
            made = []
            for n in range(3):
                created = send(http, "POST", "/products", product(f"CC-{client}-{round_}-{n}", "1"))
                expect(created, 201)
                if created.status_code == 201:
                    made.append(created.json()["data"]["id"])
            deleted = http.request(
                "DELETE",
                "/products",
                params={"filter[id]": ",".join(made)},
                headers={"X-Include": "deletedCount"},
            )
            expect(deleted, 204)
            if deleted.headers.get("X-Include-Deleted-Count") != str(len(made)):
                left["errors"].append(("deleted", made, dict(deleted.headers)))
    left["links"] = links
    left["rounds"] = round_
    return left


def test_many_clients_writing_the_same_records_lose_nothing(
    server: LiveServer, db: sa.Connection
) -> None:
    deadline = time.monotonic() + SECONDS
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(lambda c: writer(server, c, deadline), range(CLIENTS)))
    errors = [error for result in results for error in result["errors"]]
    assert errors == []  # no 5xx, no "database is locked", no refused write
    for result in results:  # row by row: every field holds its own writer's last value
        for (record, field), value in result["values"].items():
            column = snake(field)
            stored = db.scalar(
                sa.text(f"SELECT {column} FROM contact WHERE id = :id"), {"id": record}
            )
            assert stored == value, (record, field)
        for (account, contact), linked in result["links"].items():
            count = db.scalar(
                sa.text(
                    "SELECT count(*) FROM account_contact WHERE account_id = :a AND contact_id = :c"
                ),
                {"a": account, "c": contact},
            )
            assert count == int(bool(linked)), (account, contact)
    left = db.scalar(sa.text("SELECT count(*) FROM product WHERE sku LIKE 'CC-%'"))
    assert left == 0  # every delete by filter took all it matched
    assert sum(result["rounds"] for result in results) >= CLIENTS
