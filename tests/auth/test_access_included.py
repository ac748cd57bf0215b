"""Access control on the paths of one-request writes (reference §12-§14) over real HTTP: every
object of a request — included items, records an upsert finds, related records named from
``data`` or from an included item — is checked for the caller, not the primary one only; a
validate-only request obeys the same rules. A refused request leaves every table as it was.

Who calls is named by ``X-Test-User`` (tests.auth.acl_support): the sales rep REP may view,
create and edit their own accounts and contacts only, and view (not write) products and users.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.auth.acl_support import ACME_REP, ADMIN, OTHER_REP, REP, call, header_user_server
from tests.live_server import LiveServer
from tests.server.write_support import row_counts


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from header_user_server(tmp_path_factory.mktemp("acl-included") / "acl.db")


@pytest.fixture(scope="module")
def db(server: LiveServer) -> sqlite3.Connection:
    path = Path(server.settings.database_url.removeprefix("sqlite:///"))
    return sqlite3.connect(path, check_same_thread=False)


def first(db: sqlite3.Connection, sql: str, *args: Any) -> Any:
    row = db.execute(sql, args).fetchone()
    assert row is not None, sql
    return row[0]


def ref(type_: str, id_: Any) -> dict[str, Any]:
    return {"data": {"type": type_, "id": str(id_)}}


def refs(type_: str, *ids: Any) -> dict[str, Any]:
    return {"data": [{"type": type_, "id": str(id_)} for id_ in ids]}


def account_with(*included: dict[str, Any], **relationships: Any) -> dict[str, Any]:
    """A new account of the caller whose contacts are the included items (temporary ids)."""
    contacts = [item for item in included if item["type"] == "contacts"]
    data: dict[str, Any] = {"type": "accounts", "attributes": {"name": "Reached in one go"}}
    links = dict(relationships)
    if contacts:
        links.setdefault("contacts", refs("contacts", *(item["id"] for item in contacts)))
    if links:
        data["relationships"] = links
    return {"data": data, "included": list(included)}


def contact(id_: str, **fields: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "type": "contacts",
        "id": id_,
        "attributes": {"lastName": fields.pop("lastName", "Included")},
    }
    meta = fields.pop("meta", None)
    if meta is not None:
        item["meta"] = meta
    if fields:
        item["relationships"] = fields
    return item


def refused(
    server: LiveServer,
    user: int,
    method: str,
    url: str,
    body: dict[str, Any],
    expected: dict[str, Any],
    *,
    validate_too: bool = True,
) -> None:
    """The request answers ``expected`` (one error object) and changes no table; so does the
    same request as a validate-only one (when the primary object has no other meta option)."""
    before = row_counts(server)
    also = validate_too and "meta" not in body["data"]
    for validate in (False, True) if also else (False,):
        sent = body
        if validate:
            data = {**body["data"], "meta": {"validate": True}}
            sent = {**body, "data": data}
        response = call(server, user, method, url, json=sent)
        assert response.status_code == int(expected["status"]), response.text
        assert response.headers["content-type"] == "application/vnd.api+json"
        assert response.json() == {"errors": [expected]}, f"validate={validate}"
        assert row_counts(server) == before


def access_denied(detail: str, pointer: str | None) -> dict[str, Any]:
    error: dict[str, Any] = {"status": "403", "title": "access denied exception", "detail": detail}
    if pointer is not None:
        error["source"] = {"pointer": pointer}
    return error


def related_denied(pointer: str) -> dict[str, Any]:
    return {
        "status": "403",
        "title": "access granted constraint",
        "detail": 'The "VIEW" permission is denied for the related resource.',
        "source": {"pointer": pointer},
    }


# --- what the caller may do goes through ----------------------------------------------------------


def test_own_account_with_new_contacts_is_created(server: LiveServer) -> None:
    body = account_with(contact("c1"), contact("c2"))
    response = call(server, REP, "POST", "/accounts", json=body)
    assert response.status_code == 201, response.text
    included = response.json()["included"]
    assert [item["meta"]["includeId"] for item in included] == ["c1", "c2"]
    for item in included:  # the caller's by default, as the primary record
        assert item["relationships"]["owner"]["data"] == {"type": "users", "id": str(REP)}


# --- included items: create and update --------------------------------------------------------


def test_included_item_of_a_type_the_caller_may_not_create(server: LiveServer) -> None:
    user = {
        "type": "users",
        "id": "new-owner",
        "attributes": {
            "username": "by-rep",
            "email": "by-rep@example.com",
            "firstName": "Not",
            "lastName": "Allowed",
        },
    }
    body = account_with(user, owner=ref("users", "new-owner"))
    expected = access_denied("No access to this type of entities.", "/included/0")
    refused(server, REP, "POST", "/accounts", body, expected)


def test_included_item_created_beyond_the_callers_level(server: LiveServer) -> None:
    body = account_with(contact("given-away", owner=ref("users", OTHER_REP)))
    expected = access_denied("No access to the entity.", "/included/0")
    refused(server, REP, "POST", "/accounts", body, expected)


def test_included_update_of_a_record_the_caller_may_not_edit(
    server: LiveServer, db: sqlite3.Connection
) -> None:
    theirs = first(db, "SELECT id FROM contact WHERE owner_id = ? LIMIT 1", OTHER_REP)
    item = contact(str(theirs), lastName="Taken over", meta={"update": True})
    body = account_with(item)
    expected = access_denied("No access to the entity.", "/included/0")
    refused(server, REP, "POST", "/accounts", body, expected)
    # on PATCH of the caller's own record alike
    own = first(db, "SELECT id FROM account WHERE owner_id = ? LIMIT 1", REP)
    patch = {
        "data": {
            "type": "accounts",
            "id": str(own),
            "relationships": {"contacts": refs("contacts", theirs)},
        },
        "included": [item],
    }
    refused(server, REP, "PATCH", f"/accounts/{own}", patch, expected)


def test_included_update_of_another_organizations_record(
    server: LiveServer, db: sqlite3.Connection
) -> None:
    acme = first(db, "SELECT id FROM contact WHERE organization_id = 2 LIMIT 1")
    body = account_with(contact(str(acme), meta={"update": True}))
    expected = access_denied("No access to the entity.", "/included/0")
    refused(server, ADMIN, "POST", "/accounts", body, expected)


# --- upsert ---------------------------------------------------------------------------------------


def unique_account_name(db: sqlite3.Connection, owner: int) -> str:
    name: str = first(
        db,
        "SELECT name FROM account WHERE owner_id = ? AND organization_id = 1 AND name IN"
        " (SELECT name FROM account WHERE organization_id = 1 GROUP BY name"
        " HAVING count(*) = 1) LIMIT 1",
        owner,
    )
    return name


def test_upsert_finding_a_record_the_caller_may_not_edit(
    server: LiveServer, db: sqlite3.Connection
) -> None:
    name = unique_account_name(db, OTHER_REP)
    body = {
        "data": {
            "type": "accounts",
            "meta": {"upsert": ["name"]},
            "attributes": {"name": name, "description": "Mine now"},
        }
    }
    refused(
        server,
        REP,
        "POST",
        "/accounts",
        body,
        access_denied("No access to the entity.", None),
    )


def test_upsert_of_an_included_item_finding_a_record_the_caller_may_not_edit(
    server: LiveServer, db: sqlite3.Connection
) -> None:
    name = unique_account_name(db, OTHER_REP)
    body = {
        "data": {
            "type": "contacts",
            "attributes": {"lastName": "Upserting"},
            "relationships": {"accounts": refs("accounts", "acc")},
        },
        "included": [
            {
                "type": "accounts",
                "id": "acc",
                "meta": {"upsert": ["name"]},
                "attributes": {"name": name},
            }
        ],
    }
    expected = access_denied("No access to the entity.", "/included/0")
    refused(server, REP, "POST", "/contacts", body, expected)


def test_included_upsert_that_finds_nothing_creates_only_with_the_create_permission(
    server: LiveServer, db: sqlite3.Connection
) -> None:
    order = first(db, 'SELECT id FROM "order" WHERE owner_id = ? LIMIT 1', REP)
    body = {
        "data": {
            "type": "orderlineitems",
            "attributes": {"productSku": "REP-NEW-1", "quantity": 1},
            "relationships": {"order": ref("orders", order), "product": ref("products", "p1")},
        },
        "included": [
            {
                "type": "products",
                "id": "p1",
                "meta": {"upsert": ["sku"]},
                "attributes": {"sku": "REP-NEW-1", "name": "Not the rep's to add"},
            }
        ],
    }
    expected = access_denied("No access to this type of entities.", "/included/0")
    # (order line items do not take meta.validate)
    refused(server, REP, "POST", "/orderlineitems", body, expected, validate_too=False)


def test_upsert_of_a_shared_record_needs_a_system_wide_permission(server: LiveServer) -> None:
    body = {
        "data": {
            "type": "weightunits",
            "id": "kg",
            "meta": {"upsert": True},
            "attributes": {"conversionRates": {"lbs": 2.2}},
        }
    }
    expected = access_denied("No access to this type of entities.", None)
    refused(server, ADMIN, "POST", "/weightunits", body, expected)
    refused(server, ADMIN, "PATCH", "/weightunits/kg", body, expected)


def test_upsert_by_fields_finds_only_the_callers_organization(
    server: LiveServer, db: sqlite3.Connection
) -> None:
    sku = first(db, "SELECT sku FROM product WHERE organization_id = 2 LIMIT 1")
    taken = first(db, "SELECT count(*) FROM product WHERE sku = ?", sku)
    body = {
        "data": {
            "type": "products",
            "meta": {"upsert": ["sku"]},
            "attributes": {"sku": sku, "name": "Same SKU, other organization"},
        }
    }
    response = call(server, ADMIN, "POST", "/products", json=body)
    assert response.status_code == 201, response.text  # created in the admin's organization
    created = response.json()["data"]
    assert created["relationships"]["organization"]["data"]["id"] == "1"
    assert first(db, "SELECT count(*) FROM product WHERE sku = ?", sku) == taken + 1


# --- related records named in data or included --------------------------------------------------


def test_included_item_linking_a_hidden_record(server: LiveServer, db: sqlite3.Connection) -> None:
    hidden = first(db, "SELECT id FROM account WHERE owner_id = ? LIMIT 1", OTHER_REP)
    item = contact("c1", accounts=refs("accounts", hidden))
    expected = related_denied("/included/0/relationships/accounts/data")
    refused(server, REP, "POST", "/accounts", account_with(item), expected)


def test_included_item_linking_another_organizations_record(
    server: LiveServer, db: sqlite3.Connection
) -> None:
    acme = first(db, "SELECT id FROM account WHERE organization_id = 2 LIMIT 1")
    item = contact("c1", accounts=refs("accounts", acme))
    expected = related_denied("/included/0/relationships/accounts/data")
    refused(server, ADMIN, "POST", "/accounts", account_with(item), expected)


def test_primary_data_linking_a_hidden_record_beside_included_items(
    server: LiveServer, db: sqlite3.Connection
) -> None:
    hidden = first(db, "SELECT id FROM contact WHERE owner_id = ? LIMIT 1", OTHER_REP)
    body = account_with(contact("c1"), contacts=refs("contacts", "c1", hidden))
    expected = related_denied("/data/relationships/contacts/data")
    refused(server, REP, "POST", "/accounts", body, expected)


def test_a_missing_related_record_is_told_apart_from_a_hidden_one(server: LiveServer) -> None:
    item = contact("c1", accounts=refs("accounts", 999999))
    response = call(server, REP, "POST", "/accounts", json=account_with(item))
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "status": "400",
                "title": "form constraint",
                "detail": "The entity does not exist.",
                "source": {"pointer": "/included/0/relationships/accounts/data"},
            }
        ]
    }


def test_the_acme_rep_cannot_reach_the_first_organization(
    server: LiveServer, db: sqlite3.Connection
) -> None:
    theirs = first(db, "SELECT id FROM contact WHERE organization_id = 1 LIMIT 1")
    item = contact(str(theirs), meta={"update": True})
    expected = access_denied("No access to the entity.", "/included/0")
    refused(server, ACME_REP, "POST", "/accounts", account_with(item), expected)
