"""Access control in the Batch API over real HTTP: each item — and each related record — is
judged by the rules of the user who sent the batch, exactly as a single request would be; an
operation is seen by its owner and by a role that sees the organization's operations."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.auth.acl_support import (
    ACME_REP,
    ADMIN,
    OTHER_REP,
    PLAIN_USER,
    REP,
    call,
    header_user_server,
)
from tests.live_server import LiveServer


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from header_user_server(tmp_path_factory.mktemp("batch-acl") / "acl.db")


@pytest.fixture(scope="module")
def db(server: LiveServer) -> sqlite3.Connection:
    path = Path(server.settings.database_url.removeprefix("sqlite:///"))
    return sqlite3.connect(path, check_same_thread=False)


def batch(
    server: LiveServer, user: int, items: list[dict[str, Any]]
) -> tuple[str, dict[str, Any], list[Any]]:
    """Send a batch of accounts as ``user``; the operation's URL, its finished state, errors."""
    response = call(server, user, "PATCH", "/accounts", json={"data": items})
    assert response.status_code == 202, response.text
    url = response.headers["content-location"].removeprefix(server.origin + "/api")
    for _ in range(500):
        operation = call(server, user, "GET", url).json()["data"]
        if operation["attributes"]["status"] not in ("new", "running"):
            break
        time.sleep(0.02)
    errors = call(server, user, "GET", f"{url}/errors").json()["data"]
    return url, operation, errors


def account(name: str, **relationships: tuple[str, int]) -> dict[str, Any]:
    item: dict[str, Any] = {"type": "accounts", "attributes": {"name": name}}
    if relationships:
        item["relationships"] = {
            rel: {"data": {"type": type_, "id": str(id_)}}
            for rel, (type_, id_) in relationships.items()
        }
    return item


def test_each_item_is_judged_by_the_senders_rules(
    server: LiveServer, db: sqlite3.Connection
) -> None:
    hidden = db.execute(
        "SELECT id FROM contact WHERE owner_id = ? LIMIT 1", (OTHER_REP,)
    ).fetchone()[0]
    with_hidden = account("Batch with a hidden contact")
    with_hidden["relationships"] = {"contacts": {"data": [{"type": "contacts", "id": str(hidden)}]}}
    _, operation, errors = batch(
        server,
        REP,
        [
            account("Batch rep's own"),
            account("Batch not mine", owner=("users", OTHER_REP)),
            with_hidden,
        ],
    )
    assert operation["attributes"]["summary"]["writeCount"] == 1
    assert [
        (e["attributes"]["status"], e["attributes"]["detail"], e["attributes"].get("source"))
        for e in errors
    ] == [
        (403, "No access to the entity.", {"pointer": "/data/1"}),
        (
            403,
            'The "VIEW" permission is denied for the related resource.',
            {"pointer": "/data/2/relationships/contacts/data"},
        ),
    ]
    owners = db.execute("SELECT owner_id FROM account WHERE name LIKE 'Batch %'").fetchall()
    assert owners == [(REP,)]


def test_a_user_who_may_not_create_gets_an_error_per_item(
    server: LiveServer, db: sqlite3.Connection
) -> None:
    _, operation, errors = batch(server, PLAIN_USER, [account("Plain 1"), account("Plain 2")])
    summary = operation["attributes"]["summary"]
    assert (summary["writeCount"], summary["errorCount"]) == (0, 2)
    assert {e["attributes"]["status"] for e in errors} == {403}
    assert db.execute("SELECT count(*) FROM account WHERE name LIKE 'Plain %'").fetchone() == (0,)


def test_an_operation_is_seen_by_its_owner_and_the_administrator(server: LiveServer) -> None:
    url, _, _ = batch(server, REP, [account("Seen by whom")])
    assert call(server, REP, "GET", url).status_code == 200
    assert call(server, ADMIN, "GET", url).status_code == 200
    for other in (OTHER_REP, ACME_REP):
        for path in (url, f"{url}/errors"):
            response = call(server, other, "GET", path)
            assert response.status_code == 403
            assert response.json()["errors"] == [
                {
                    "status": "403",
                    "title": "access denied exception",
                    "detail": "No access to the asynchronous operation.",
                }
            ]
    assert call(server, None, "GET", url).status_code == 401
