"""Access control over real HTTP: each role's visibility on lists, counts, items, includes,
sub-resources and writes, and the wall between organizations.

Who calls is named by ``X-Test-User`` (tests.auth.acl_support); the access matrix
(test_access_matrix) checks every path for what it must not tell.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.auth.acl_support import (
    ACME_REP,
    ADMIN,
    MANAGER,
    OTHER_REP,
    PLAIN_USER,
    READ_ONLY,
    REP,
    call,
    header_user_server,
)
from tests.live_server import LiveServer


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from header_user_server(tmp_path_factory.mktemp("acl") / "acl.db")


@pytest.fixture(scope="module")
def db(server: LiveServer) -> sqlite3.Connection:
    path = Path(server.settings.database_url.removeprefix("sqlite:///"))
    return sqlite3.connect(path, check_same_thread=False)


def ids(response: httpx.Response) -> list[int]:
    assert response.status_code == 200, response.text
    return [int(item["id"]) for item in response.json()["data"]]


def column(db: sqlite3.Connection, sql: str, *args: Any) -> list[int]:
    return [row[0] for row in db.execute(sql, args)]


def business_units(db: sqlite3.Connection, user: int) -> list[int]:
    return column(
        db,
        "SELECT business_unit_id FROM user_business_unit WHERE user_id = ?"
        " UNION SELECT owner_id FROM user WHERE id = ?",
        user,
        user,
    )


# --- lists and counts ---------------------------------------------------------------------------


def test_without_credentials_no_api_url_answers_with_data(server: LiveServer) -> None:
    for url in ("/accounts", "/accounts/1", "/accounts/1/contacts", "/unknown", "/users/abc"):
        response = call(server, None, "GET", url)
        assert (response.status_code, response.content) == (401, b""), url
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_options_needs_no_credentials(server: LiveServer) -> None:
    response = call(server, None, "OPTIONS", "/accounts/1")
    assert response.status_code == 200
    assert response.headers["allow"] == "OPTIONS, GET, PATCH, DELETE"


@pytest.mark.parametrize(
    ("user", "where"),
    [
        pytest.param(ADMIN, "organization_id = 1", id="administrator-organization"),
        pytest.param(REP, "owner_id = 4", id="sales-rep-own-records"),
        pytest.param(READ_ONLY, "organization_id = 1", id="read-only-organization"),
        pytest.param(ACME_REP, "owner_id = 18", id="other-organization-rep"),
    ],
)
def test_list_shows_only_visible_records(
    server: LiveServer, db: sqlite3.Connection, user: int, where: str
) -> None:
    expected = column(db, f"SELECT id FROM account WHERE {where} ORDER BY id")
    response = call(
        server, user, "GET", "/accounts?page[size]=-1", headers={"X-Include": "totalCount"}
    )
    assert ids(response) == expected
    count = call(server, user, "GET", "/accounts?page[size]=1", headers={"X-Include": "totalCount"})
    assert count.headers["x-include-total-count"] == str(len(expected))


def test_business_unit_level_sees_the_units_records(
    server: LiveServer, db: sqlite3.Connection
) -> None:
    units = business_units(db, MANAGER)
    marks = ",".join("?" * len(units))
    expected = column(
        db,
        "SELECT id FROM account WHERE organization_id = 1 AND owner_id IN (SELECT user_id FROM"
        f" user_business_unit WHERE business_unit_id IN ({marks})) ORDER BY id",
        *units,
    )
    assert expected
    assert ids(call(server, MANAGER, "GET", "/accounts?page[size]=-1")) == expected


def test_records_of_another_organization_are_never_visible(
    server: LiveServer, db: sqlite3.Connection
) -> None:
    acme_account = column(db, "SELECT id FROM account WHERE organization_id = 2 LIMIT 1")[0]
    response = call(server, ADMIN, "GET", f"/accounts/{acme_account}")
    assert response.status_code == 403  # it exists: as Oro, "No access to the entity."
    assert response.json()["errors"][0]["detail"] == "No access to the entity."
    assert call(server, ADMIN, "GET", "/accounts/999999").status_code == 404
    assert acme_account not in ids(
        call(server, ADMIN, "GET", f"/accounts?filter[id]={acme_account}")
    )
    assert ids(call(server, ADMIN, "GET", "/organizations")) == [1]
    assert ids(call(server, ACME_REP, "GET", "/organizations")) == [2]


def test_no_access_to_a_type(server: LiveServer) -> None:
    response = call(server, PLAIN_USER, "GET", "/orders")
    assert response.status_code == 403
    assert response.json() == {
        "errors": [
            {
                "status": "403",
                "title": "access denied exception",
                "detail": "No access to this type of entities.",
            }
        ]
    }


# --- items, includes, sub-resources -------------------------------------------------------------


def test_item_of_a_colleague_is_forbidden(server: LiveServer, db: sqlite3.Connection) -> None:
    own = column(db, "SELECT id FROM account WHERE owner_id = ? LIMIT 1", REP)[0]
    other = column(db, "SELECT id FROM account WHERE owner_id = ? LIMIT 1", OTHER_REP)[0]
    assert call(server, REP, "GET", f"/accounts/{own}").status_code == 200
    response = call(server, REP, "GET", f"/accounts/{other}")
    assert response.status_code == 403
    assert response.json()["errors"][0]["detail"] == "No access to the entity."
    assert call(server, REP, "GET", f"/accounts/{other}/contacts").status_code == 403


def test_includes_and_sub_resources_respect_visibility(
    server: LiveServer, db: sqlite3.Connection
) -> None:
    visible_contacts = set(column(db, "SELECT id FROM contact WHERE owner_id = ?", REP))
    response = call(server, REP, "GET", "/accounts?page[size]=-1&include=contacts")
    assert response.status_code == 200
    included = {int(item["id"]) for item in response.json().get("included", [])}
    assert included <= visible_contacts
    for account in ids(call(server, REP, "GET", "/accounts?page[size]=5")):
        listed = set(ids(call(server, REP, "GET", f"/accounts/{account}/contacts")))
        linked = set(
            column(db, "SELECT contact_id FROM account_contact WHERE account_id = ?", account)
        )
        assert listed == linked & visible_contacts


# --- writes -------------------------------------------------------------------------------------


def account(name: str, **relationships: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"type": "accounts", "attributes": {"name": name}}
    if relationships:
        data["relationships"] = {
            rel: {"data": {"type": type_, "id": str(id_)}}
            for rel, (type_, id_) in relationships.items()
        }
    return {"data": data}


def test_create_defaults_the_owner_to_the_caller(server: LiveServer) -> None:
    response = call(server, REP, "POST", "/accounts", json=account("Rep's new account"))
    assert response.status_code == 201, response.text
    relationships = response.json()["data"]["relationships"]
    assert relationships["owner"]["data"] == {"type": "users", "id": str(REP)}
    assert relationships["organization"]["data"] == {"type": "organizations", "id": "1"}


def test_create_for_someone_else_beyond_the_level_is_refused(
    server: LiveServer, db: sqlite3.Connection
) -> None:
    before = column(db, "SELECT count(*) FROM account")
    response = call(
        server, REP, "POST", "/accounts", json=account("Not mine", owner=("users", OTHER_REP))
    )
    assert response.status_code == 403
    assert response.json()["errors"][0]["detail"] == "No access to the entity."
    assert column(db, "SELECT count(*) FROM account") == before  # rolled back


def test_related_record_out_of_sight_is_denied(server: LiveServer, db: sqlite3.Connection) -> None:
    hidden = column(db, "SELECT id FROM contact WHERE owner_id = ? LIMIT 1", OTHER_REP)[0]
    body = account("With a hidden contact")
    body["data"]["relationships"] = {
        "contacts": {"data": [{"type": "contacts", "id": str(hidden)}]}
    }
    response = call(server, REP, "POST", "/accounts", json=body)
    assert response.status_code == 403
    assert response.json() == {
        "errors": [
            {
                "status": "403",
                "title": "access granted constraint",
                "detail": 'The "VIEW" permission is denied for the related resource.',
                "source": {"pointer": "/data/relationships/contacts/data"},
            }
        ]
    }


def test_type_level_write_permissions(server: LiveServer, db: sqlite3.Connection) -> None:
    own = column(db, "SELECT id FROM account WHERE owner_id = ? LIMIT 1", REP)[0]
    assert call(server, READ_ONLY, "POST", "/accounts", json=account("x")).status_code == 403
    assert call(server, REP, "DELETE", f"/accounts/{own}").status_code == 403  # reps cannot delete
    patch = {"data": {"type": "accounts", "id": str(own), "attributes": {"name": "Renamed"}}}
    assert call(server, REP, "PATCH", f"/accounts/{own}", json=patch).status_code == 200
    other = column(db, "SELECT id FROM account WHERE owner_id = ? LIMIT 1", OTHER_REP)[0]
    patch["data"]["id"] = str(other)
    assert call(server, REP, "PATCH", f"/accounts/{other}", json=patch).status_code == 403


def test_giving_a_record_away_beyond_the_level_is_refused(
    server: LiveServer, db: sqlite3.Connection
) -> None:
    own = column(db, "SELECT id FROM account WHERE owner_id = ? LIMIT 1", REP)[0]
    response = call(
        server,
        REP,
        "PATCH",
        f"/accounts/{own}/relationships/owner",
        json={"data": {"type": "users", "id": str(OTHER_REP)}},
    )
    assert response.status_code == 403
    assert column(db, "SELECT owner_id FROM account WHERE id = ?", own) == [REP]


def test_delete_list_deletes_only_what_the_caller_may_delete(
    server: LiveServer, db: sqlite3.Connection
) -> None:
    units = business_units(db, MANAGER)
    marks = ",".join("?" * len(units))
    in_reach = set(
        column(
            db,
            "SELECT id FROM task WHERE organization_id = 1 AND owner_id IN (SELECT user_id FROM"
            f" user_business_unit WHERE business_unit_id IN ({marks}))",
            *units,
        )
    )
    everything = set(column(db, "SELECT id FROM task"))
    assert in_reach and everything - in_reach
    response = call(
        server,
        MANAGER,
        "DELETE",
        "/tasks?filter[id][gt]=0&filter[id][lte]=60",
        headers={"X-Include": "deletedCount"},
    )
    assert response.status_code == 204
    deleted = everything - set(column(db, "SELECT id FROM task"))
    assert deleted == {i for i in in_reach if i <= 60}
    assert response.headers["x-include-deleted-count"] == str(len(deleted))


# --- records shared by every organization -------------------------------------------------------


def test_no_organizations_administrator_changes_a_shared_record(
    server: LiveServer, db: sqlite3.Connection
) -> None:
    """Role 5 (Sales Rep) is shared: deleting it took every permission from Acme's reps. Changing
    a shared record needs a system-wide permission, which no organization's administrator has."""
    shared = column(db, "SELECT id FROM user_role WHERE organization_id IS NULL ORDER BY id")
    assert 5 in shared
    assert call(server, ADMIN, "GET", "/userroles/5").status_code == 200  # seen by all
    patch = {"data": {"type": "userroles", "id": "5", "attributes": {"label": "Mine now"}}}
    for method, kwargs in (("PATCH", {"json": patch}), ("DELETE", {})):
        response = call(server, ADMIN, method, "/userroles/5", **kwargs)
        assert response.status_code == 403, response.text
        assert response.json()["errors"][0]["detail"] == "No access to the entity."
    assert column(db, "SELECT label FROM user_role WHERE id = 5") == ["Sales Rep"]
    jurisdiction = column(db, "SELECT id FROM tax_jurisdiction ORDER BY id LIMIT 1")[0]
    response = call(server, ADMIN, "DELETE", f"/taxjurisdictions/{jurisdiction}")
    assert response.status_code == 403
    assert response.json()["errors"][0]["detail"] == "No access to this type of entities."
    assert column(db, "SELECT count(*) FROM tax_jurisdiction WHERE id = ?", jurisdiction) == [1]


def test_a_new_role_belongs_to_the_administrators_organization(server: LiveServer) -> None:
    body = {"data": {"type": "userroles", "attributes": {"label": "Auditor"}}}
    created = call(server, ADMIN, "POST", "/userroles", json=body)
    assert created.status_code == 201, created.text
    data = created.json()["data"]
    assert data["relationships"]["organization"]["data"] == {"type": "organizations", "id": "1"}
    patch = {"data": {"type": "userroles", "id": data["id"], "attributes": {"label": "Auditors"}}}
    assert call(server, ADMIN, "PATCH", f"/userroles/{data['id']}", json=patch).status_code == 200
    assert call(server, ACME_REP, "GET", f"/userroles/{data['id']}").status_code == 403
