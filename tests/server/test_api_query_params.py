"""``fields``, ``include``, ``page``, ``sort`` and ``meta`` over real HTTP, with their errors.

Expected orders and pages are computed in Python from whole collections fetched once per module.
Reference: spec §11 (§11.2 example, §11.3-§11.7), §9.3, §20 "Filters / query parameters", §21.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.jsonapi_schema import assert_valid_response
from tests.server.api_support import JSON_API, NO_LINKS, Record, get_doc, record

NOT_SUPPORTED = "The filter is not supported."
Params = list[tuple[str, str]]


def ids(doc: dict[str, Any]) -> list[str]:
    return [obj["id"] for obj in doc["data"]]


def filter_error(parameter: str, detail: str) -> dict[str, Any]:
    return {
        "status": "400",
        "title": "filter constraint",
        "detail": detail,
        "source": {"parameter": parameter},
    }


def sort_error(detail: str) -> dict[str, Any]:
    return {
        "status": "400",
        "title": "sort constraint",
        "detail": detail,
        "source": {"parameter": "sort"},
    }


@pytest.fixture(scope="module")
def db(client: httpx.Client) -> Any:
    cache: dict[str, dict[str, Record]] = {}

    def records(type_: str) -> dict[str, Record]:
        if type_ not in cache:
            doc = get_doc(client, f"/{type_}", [("page[size]", "-1")], headers=NO_LINKS)
            cache[type_] = {obj["id"]: record(obj) for obj in doc["data"]}
        return cache[type_]

    return records


# --- the documented example --------------------------------------------------------------------


def test_documented_filter_example(client: httpx.Client, api_url: str) -> None:
    """§11.2: ``GET /api/users?filter[id][gt]=5&page[number]=1&page[size]=2&fields[users]=...``."""
    doc = get_doc(
        client, "/users?filter[id][gt]=5&page[number]=1&page[size]=2&fields[users]=username,email"
    )
    assert doc["data"] == [
        {
            "type": "users",
            "id": "6",
            "links": {"self": f"{api_url}/users/6"},
            "attributes": {
                "username": "jimmy.henderson_c4261",
                "email": "jimmy.henderson_c428e@example.com",
            },
        },
        {
            "type": "users",
            "id": "7",
            "links": {"self": f"{api_url}/users/7"},
            "attributes": {
                "username": "gene.cardenas_c760d",
                "email": "gene.cardenas_c7620@yahoo.com",
            },
        },
    ]


def test_documented_filter_example_without_links(client: httpx.Client) -> None:
    doc = get_doc(
        client,
        "/users?filter[id][gt]=5&page[number]=1&page[size]=2&fields[users]=username,email",
        headers=NO_LINKS,
    )
    assert doc == {
        "data": [
            {
                "type": "users",
                "id": "6",
                "attributes": {
                    "username": "jimmy.henderson_c4261",
                    "email": "jimmy.henderson_c428e@example.com",
                },
            },
            {
                "type": "users",
                "id": "7",
                "attributes": {
                    "username": "gene.cardenas_c760d",
                    "email": "gene.cardenas_c7620@yahoo.com",
                },
            },
        ]
    }


def test_documented_fields_and_include_example(client: httpx.Client) -> None:
    """§11.3 (with this server's relationship name ``userRoles``)."""
    doc = get_doc(
        client,
        "/users",
        [
            ("fields[userroles]", "label"),
            ("fields[users]", "username,email,userRoles"),
            ("include", "userRoles"),
            ("page[number]", "1"),
            ("page[size]", "1"),
        ],
        headers=NO_LINKS,
    )
    assert doc == {
        "data": [
            {
                "type": "users",
                "id": "1",
                "attributes": {"username": "admin", "email": "admin@example.com"},
                "relationships": {"userRoles": {"data": [{"type": "userroles", "id": "3"}]}},
            }
        ],
        "included": [{"type": "userroles", "id": "3", "attributes": {"label": "Administrator"}}],
    }


# --- fields ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "attributes", "relationships"),
    [
        pytest.param("username,email", {"username", "email"}, None, id="attributes-only"),
        pytest.param("owner,userRoles", None, {"owner", "userRoles"}, id="relationships-only"),
        pytest.param("lastName, owner", {"lastName"}, None, id="a-space-is-part-of-the-name"),
        pytest.param("birthday", {"birthday"}, None, id="null-attribute-kept"),
        pytest.param("nope", None, None, id="unknown-field-leaves-the-identifier"),
    ],
)
def test_fields_restrict_attributes_and_relationships(
    client: httpx.Client,
    db: Any,
    fields: str,
    attributes: set[str] | None,
    relationships: set[str] | None,
) -> None:
    doc = get_doc(client, "/users", [("fields[users]", fields)], headers=NO_LINKS)
    users = db("users")
    assert ids(doc) == list(users)[:10]
    for obj in doc["data"]:
        assert set(obj) == {"type", "id"} | ({"attributes"} if attributes else set()) | (
            {"relationships"} if relationships else set()
        )
        if attributes:
            assert obj["attributes"] == {name: users[obj["id"]][name] for name in attributes}
        if relationships:
            assert set(obj["relationships"]) == relationships
            assert obj["relationships"]["owner"]["data"] == {
                "type": "businessunits",
                "id": users[obj["id"]]["owner"],
            }


def test_fields_on_an_item_and_a_sub_resource(client: httpx.Client) -> None:
    item = get_doc(client, "/users/1", [("fields[users]", "username,owner")], headers=NO_LINKS)
    assert item == {
        "data": {
            "type": "users",
            "id": "1",
            "attributes": {"username": "admin"},
            "relationships": {"owner": {"data": {"type": "businessunits", "id": "1"}}},
        }
    }
    roles = get_doc(
        client, "/users/12/userRoles", [("fields[userroles]", "role")], headers=NO_LINKS
    )
    assert roles == {
        "data": [
            {"type": "userroles", "id": "1", "attributes": {"role": "ROLE_USER"}},
            {"type": "userroles", "id": "2", "attributes": {"role": "ROLE_READ_ONLY"}},
        ]
    }


def test_fields_of_a_related_type_without_include_change_nothing(client: httpx.Client) -> None:
    plain = get_doc(client, "/users", [("page[size]", "2")], headers=NO_LINKS)
    with_fields = get_doc(
        client, "/users", [("page[size]", "2"), ("fields[organizations]", "name")], headers=NO_LINKS
    )
    assert with_fields == plain


def test_fields_names_are_not_trimmed(client: httpx.Client) -> None:
    """Oro's GetWithIncludeFieldsTest::testFieldsFilterWithWrongSeparators: " email" and
    "firstName.lastName" name no field and are dropped; the rest is returned."""
    doc = get_doc(
        client,
        "/users/1",
        [("fields[users]", "phone, email, username,firstName.lastName,enabled")],
        headers=NO_LINKS,
    )
    assert doc == {
        "data": {
            "type": "users",
            "id": "1",
            "attributes": {"phone": "+1-212-555-0100", "enabled": True},
        }
    }


@pytest.mark.parametrize(
    ("key", "value", "detail"),
    [
        pytest.param("fields[]", "username", "An entity type is not specified.", id="no-type"),
        pytest.param("fields[unknown]", "name", "An entity type is not known.", id="unknown-type"),
        pytest.param(
            "fields[users]",
            ",a",
            'Expected an array of not empty strings. Given ",a".',
            id="empty-first-item",
        ),
        pytest.param(
            "fields[users]",
            "a,",
            'Expected an array of not empty strings. Given "a,".',
            id="empty-last-item",
        ),
        pytest.param(
            "fields[users]",
            "a,,b",
            'Expected an array of not empty strings. Given "a,,b".',
            id="empty-middle",
        ),
        pytest.param("fields[countries]", "name", NOT_SUPPORTED, id="type-not-related"),
        pytest.param("fields[users][x]", "name", NOT_SUPPORTED, id="nested-key"),
        pytest.param("fields", "username", "An entity type is not specified.", id="no-brackets"),
    ],
)
def test_fields_errors(client: httpx.Client, key: str, value: str, detail: str) -> None:
    doc = get_doc(client, "/users", [(key, value)], status=400)
    assert doc == {"errors": [filter_error(key, detail)]}


# --- include -----------------------------------------------------------------------------------


def test_include_nested_path_with_fields_of_every_type(client: httpx.Client) -> None:
    doc = get_doc(
        client,
        "/users",
        [
            ("filter[id]", "1,2"),
            ("include", "owner.organization,userRoles"),
            ("fields[users]", "owner,userRoles"),
            ("fields[businessunits]", "name,organization"),
            ("fields[organizations]", "name"),
            ("fields[userroles]", "label"),
        ],
        headers=NO_LINKS,
    )
    assert doc == {
        "data": [
            {
                "type": "users",
                "id": "1",
                "relationships": {
                    "owner": {"data": {"type": "businessunits", "id": "1"}},
                    "userRoles": {"data": [{"type": "userroles", "id": "3"}]},
                },
            },
            {
                "type": "users",
                "id": "2",
                "relationships": {
                    "owner": {"data": {"type": "businessunits", "id": "1"}},
                    "userRoles": {"data": [{"type": "userroles", "id": "4"}]},
                },
            },
        ],
        "included": [
            {
                "type": "businessunits",
                "id": "1",
                "attributes": {"name": "Main"},
                "relationships": {"organization": {"data": {"type": "organizations", "id": "1"}}},
            },
            {"type": "organizations", "id": "1", "attributes": {"name": "Oro Demo Inc"}},
            {"type": "userroles", "id": "3", "attributes": {"label": "Administrator"}},
            {"type": "userroles", "id": "4", "attributes": {"label": "Sales Manager"}},
        ],
    }


@pytest.mark.parametrize(
    ("fields", "types"),
    [
        pytest.param({}, ["businessunits", "organizations"], id="no fieldsets"),
        pytest.param({"fields[users]": "username"}, [], id="primary fieldset lacks owner"),
        pytest.param(
            {"fields[users]": "owner", "fields[businessunits]": "name"},
            ["businessunits"],
            id="nested fieldset lacks organization",
        ),
        pytest.param(
            {"fields[users]": "owner", "fields[businessunits]": "organization"},
            ["businessunits", "organizations"],
            id="every step in its fieldset",
        ),
    ],
)
def test_include_follows_only_relationships_the_fieldsets_keep(
    client: httpx.Client, fields: dict[str, str], types: list[str]
) -> None:
    """§11.3: with ``include``, the primary type's ``fields`` must name the relationship."""
    params = [("filter[id]", "1"), ("include", "owner.organization"), *fields.items()]
    doc = get_doc(client, "/users", params, headers=NO_LINKS)
    assert [item["type"] for item in doc.get("included", [])] == types


def test_include_of_a_nested_path_includes_the_intermediate_resources(
    client: httpx.Client,
    db: Any,
) -> None:
    doc = get_doc(
        client,
        "/users",
        [("filter[organization]", "2"), ("include", "owner.organization")],
        headers=NO_LINKS,
    )
    assert ids(doc) == ["17", "18", "19", "20"]
    assert sorted((obj["type"], obj["id"]) for obj in doc["included"]) == [
        ("businessunits", "6"),
        ("organizations", "2"),
    ]
    unit = next(obj for obj in doc["included"] if obj["type"] == "businessunits")
    assert record(unit) == db("businessunits")["6"]


def test_include_to_many_lists_each_related_resource_once(client: httpx.Client, db: Any) -> None:
    doc = get_doc(
        client, "/accounts", [("include", "contacts,owner"), ("page[size]", "20")], headers=NO_LINKS
    )
    accounts, contacts, users = db("accounts"), db("contacts"), db("users")
    assert ids(doc) == list(accounts)[:20]
    keys = [(obj["type"], obj["id"]) for obj in doc["included"]]
    assert len(keys) == len(set(keys)), "an included resource appears twice"
    expected = {("contacts", c) for a in ids(doc) for c in accounts[a]["contacts"]}
    expected |= {("users", accounts[a]["owner"]) for a in ids(doc)}
    assert set(keys) == expected
    for obj in doc["included"]:
        source = contacts if obj["type"] == "contacts" else users
        assert record(obj) == source[obj["id"]], "included resources are complete"


def test_include_never_repeats_primary_data(client: httpx.Client, db: Any) -> None:
    contacts, accounts = db("contacts"), db("accounts")
    with_boss = next(c for c, r in contacts.items() if r["reportsTo"] and int(c) > 3)
    primary = ["1", "2", "3", with_boss]
    doc = get_doc(
        client,
        "/contacts",
        [("filter[id]", ",".join(primary)), ("include", "accounts.contacts,reportsTo")],
        headers=NO_LINKS,
    )
    assert ids(doc) == primary
    keys = [(obj["type"], obj["id"]) for obj in doc["included"]]
    related_accounts = {a for c in primary for a in contacts[c]["accounts"]}
    colleagues = {c for a in related_accounts for c in accounts[a]["contacts"]}
    colleagues |= {contacts[c]["reportsTo"] for c in primary} - {None}
    assert len(keys) == len(set(keys))
    assert set(keys) == {("accounts", a) for a in related_accounts} | {
        ("contacts", c) for c in colleagues - set(primary)
    }
    assert {"accounts", "contacts"} == {type_ for type_, _ in keys}


def test_include_back_to_the_primary_type_skips_the_primary_records(
    client: httpx.Client, db: Any
) -> None:
    users, units = db("users"), db("businessunits")
    doc = get_doc(
        client,
        "/users",
        [("filter[id]", "1,2"), ("include", "owner.users"), ("fields[users]", "owner")],
        headers=NO_LINKS,
    )
    assert ids(doc) == ["1", "2"]
    members = [u for u in units["1"]["users"] if u not in ("1", "2")]
    assert [(obj["type"], obj["id"]) for obj in doc["included"]] == [("businessunits", "1")] + [
        ("users", u) for u in members
    ]
    assert doc["included"][0] == {
        "type": "businessunits",
        "id": "1",
        "attributes": {
            name: value
            for name, value in units["1"].items()
            if name not in ("id", "organization", "owner", "users")
        },
        "relationships": {
            "organization": {"data": {"type": "organizations", "id": "1"}},
            "owner": {"data": None},
            "users": {"data": [{"type": "users", "id": u} for u in units["1"]["users"]]},
        },
    }
    for obj in doc["included"][1:]:
        assert obj == {
            "type": "users",
            "id": obj["id"],
            "relationships": {
                "owner": {"data": {"type": "businessunits", "id": users[obj["id"]]["owner"]}}
            },
        }


def test_include_of_resources_already_in_primary_data_adds_no_included(
    client: httpx.Client,
) -> None:
    doc = get_doc(
        client,
        "/businessunits",
        [("include", "owner"), ("page[size]", "3"), ("fields[businessunits]", "owner")],
        headers=NO_LINKS,
    )
    assert doc == {
        "data": [
            {"type": "businessunits", "id": "1", "relationships": {"owner": {"data": None}}},
            {
                "type": "businessunits",
                "id": "2",
                "relationships": {"owner": {"data": {"type": "businessunits", "id": "1"}}},
            },
            {
                "type": "businessunits",
                "id": "3",
                "relationships": {"owner": {"data": {"type": "businessunits", "id": "1"}}},
            },
        ]
    }


def test_include_on_item_and_sub_resources(client: httpx.Client) -> None:
    item = get_doc(
        client,
        "/users/17",
        [("include", "userRoles"), ("fields[users]", "userRoles"), ("fields[userroles]", "label")],
        headers=NO_LINKS,
    )
    assert item == {
        "data": {
            "type": "users",
            "id": "17",
            "relationships": {
                "userRoles": {
                    "data": [{"type": "userroles", "id": "4"}, {"type": "userroles", "id": "7"}]
                }
            },
        },
        "included": [
            {"type": "userroles", "id": "4", "attributes": {"label": "Sales Manager"}},
            {"type": "userroles", "id": "7", "attributes": {"label": "Store Manager"}},
        ],
    }
    many = get_doc(
        client,
        "/users/17/userRoles",
        [
            ("include", "organization"),
            ("fields[userroles]", "organization"),
            ("fields[organizations]", "name"),
        ],
        headers=NO_LINKS,
    )
    assert many == {
        "data": [
            {"type": "userroles", "id": "4", "relationships": {"organization": {"data": None}}},
            {
                "type": "userroles",
                "id": "7",
                "relationships": {"organization": {"data": {"type": "organizations", "id": "2"}}},
            },
        ],
        "included": [{"type": "organizations", "id": "2", "attributes": {"name": "Acme Retail"}}],
    }
    one = get_doc(
        client,
        "/users/17/owner",
        [
            ("include", "organization"),
            ("fields[businessunits]", "name,organization"),
            ("fields[organizations]", "name"),
        ],
        headers=NO_LINKS,
    )
    assert one == {
        "data": {
            "type": "businessunits",
            "id": "6",
            "attributes": {"name": "Acme Retail HQ"},
            "relationships": {"organization": {"data": {"type": "organizations", "id": "2"}}},
        },
        "included": [{"type": "organizations", "id": "2", "attributes": {"name": "Acme Retail"}}],
    }


def test_include_with_all_pages(client: httpx.Client, db: Any) -> None:
    doc = get_doc(client, "/users", [("page[size]", "-1"), ("include", "owner")], headers=NO_LINKS)
    assert ids(doc) == list(db("users"))
    assert sorted(int(obj["id"]) for obj in doc["included"]) == [1, 2, 3, 4, 5, 6]
    assert {obj["type"] for obj in doc["included"]} == {"businessunits"}


@pytest.mark.parametrize(
    ("url", "include", "included"),
    [
        pytest.param("/users/1", "nope", [], id="unknown"),
        pytest.param("/users/1", "username", [], id="attribute-is-not-a-relationship"),
        pytest.param("/users/1", "nope,owner", [("businessunits", "1")], id="unknown-and-known"),
        pytest.param("/users/1", "owner.nope", [("businessunits", "1")], id="unknown-nested"),
        pytest.param("/users", "nope", [], id="unknown-on-list"),
    ],
)
def test_unknown_include_paths_are_ignored(
    client: httpx.Client, url: str, include: str, included: list[tuple[str, str]]
) -> None:
    """Oro's GetWithIncludeFieldsTest::testIncludeFilterWithWrongFieldName: 200, and nothing is
    included for the unknown part of a path."""
    params = [("fields[users]", "username,owner")]
    params += [("page[size]", "1")] if url == "/users" else []
    doc = get_doc(client, url, [*params, ("include", include)], headers=NO_LINKS)
    plain = get_doc(client, url, params, headers=NO_LINKS)
    assert doc["data"] == plain["data"]
    assert [(o["type"], o["id"]) for o in doc.get("included", [])] == included


@pytest.mark.parametrize(
    ("url", "key", "value", "detail"),
    [
        pytest.param(
            "/users", "include", "", 'Expected not empty string value. Given "".', id="empty"
        ),
        pytest.param(
            "/users",
            "include",
            "owner,",
            'Expected an array of not empty strings. Given "owner,".',
            id="empty-item",
        ),
        pytest.param("/users", "include[x]", "owner", NOT_SUPPORTED, id="nested-key"),
        pytest.param(
            "/users/1/relationships/userRoles",
            "include",
            "organization",
            NOT_SUPPORTED,
            id="on-relationship",
        ),
        pytest.param(
            "/users/1/relationships/userRoles",
            "fields[userroles]",
            "label",
            NOT_SUPPORTED,
            id="fields-on-relationship",
        ),
    ],
)
def test_include_errors(client: httpx.Client, url: str, key: str, value: str, detail: str) -> None:
    doc = get_doc(client, url, [(key, value)], status=400)
    assert doc == {"errors": [filter_error(key, detail)]}


# --- page --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param([], range(1, 11), id="default-size-10"),
        pytest.param([("page[number]", "2")], range(11, 21), id="page-2"),
        pytest.param([("page[number]", "3")], range(21, 31), id="last-page"),
        pytest.param([("page[number]", "4")], [], id="past-the-end"),
        pytest.param([("page[size]", "7"), ("page[number]", "5")], [29, 30], id="partial-page"),
        pytest.param([("page[size]", "-1")], range(1, 31), id="all"),
        pytest.param(
            [("page[size]", "-1"), ("page[number]", "3")], range(1, 31), id="all-ignores-number"
        ),
        pytest.param([("page[size]", "30")], range(1, 31), id="exactly-all"),
        pytest.param([("page[size]", "1000")], range(1, 31), id="larger-than-all"),
        pytest.param([("page[size]", "99999999999999999999")], range(1, 31), id="huge"),
        pytest.param(
            [("page[size]", "4"), ("page[number]", "2"), ("sort", "-id")],
            range(26, 22, -1),
            id="with-sort",
        ),
        pytest.param(
            [("page[size]", "3"), ("page[number]", "2"), ("filter[id][gt]", "20")],
            [24, 25, 26],
            id="with-filter",
        ),
    ],
)
def test_page(client: httpx.Client, params: Params, expected: Iterable[int]) -> None:
    doc = get_doc(client, "/users", [*params, ("fields[users]", "username")], headers=NO_LINKS)
    assert ids(doc) == [str(i) for i in expected]


@pytest.mark.parametrize(
    ("key", "value", "detail"),
    [
        pytest.param(
            "page[size]",
            "-2",
            "The value should be greater than or equals to -1.",
            id="size-below-minus-one",
        ),
        pytest.param(
            "page[size]", "abc", 'Expected integer value. Given "abc".', id="size-not-integer"
        ),
        pytest.param(
            "page[size]", "1.5", 'Expected integer value. Given "1.5".', id="size-fraction"
        ),
        pytest.param(
            "page[number]",
            "0",
            "The value should be greater than or equals to 1.",
            id="number-zero",
        ),
        pytest.param(
            "page[number]",
            "-1",
            'Expected unsigned integer value. Given "-1".',
            id="number-negative",
        ),
        pytest.param(
            "page[number]",
            "x",
            'Expected unsigned integer value. Given "x".',
            id="number-not-integer",
        ),
        pytest.param("page[offset]", "1", NOT_SUPPORTED, id="unknown-page-key"),
        pytest.param("page", "1", NOT_SUPPORTED, id="no-brackets"),
    ],
)
def test_page_errors(client: httpx.Client, key: str, value: str, detail: str) -> None:
    doc = get_doc(client, "/users", [(key, value)], status=400)
    assert doc == {"errors": [filter_error(key, detail)]}


# --- sort --------------------------------------------------------------------------------------


@functools.total_ordering
class _desc:  # used like a function: a sort key in reverse order
    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _desc) -> bool:
        return bool(self.value > other.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _desc) and self.value == other.value

    def __hash__(self) -> int:
        return hash(self.value)


def _sorted_ids(records: dict[str, Record], key: Any) -> list[str]:
    return [r["id"] for r in sorted(records.values(), key=key)]


def test_default_sort_is_by_id_ascending(client: httpx.Client) -> None:
    doc = get_doc(
        client, "/users", [("page[size]", "-1"), ("fields[users]", "username")], headers=NO_LINKS
    )
    assert ids(doc) == [str(i) for i in range(1, 31)], "numeric order, not text order"
    countries = get_doc(
        client,
        "/countries",
        [("fields[countries]", "name"), ("page[size]", "-1")],
        headers=NO_LINKS,
    )
    assert ids(countries) == sorted(ids(countries))


@pytest.mark.parametrize(
    ("type_", "sort", "key"),
    [
        pytest.param("users", "-id", lambda r, db: -int(r["id"]), id="id-desc"),
        pytest.param(
            "users",
            "lastName,firstName",
            lambda r, db: (r["lastName"], r["firstName"], int(r["id"])),
            id="two-attributes",
        ),
        pytest.param("users", "-username", lambda r, db: _desc(r["username"]), id="string-desc"),
        pytest.param(
            "users",
            "-createdAt,id",
            lambda r, db: (_desc(r["createdAt"]), int(r["id"])),
            id="datetime-desc",
        ),
        pytest.param(
            "contacts",
            "lastName,-id",
            lambda r, db: (r["lastName"], -int(r["id"])),
            id="asc-then-desc",
        ),
        pytest.param(
            "accounts",
            "owner.username,-id",
            lambda r, db: (db("users")[r["owner"]]["username"], -int(r["id"])),
            id="association-path",
        ),
        pytest.param(
            "accounts",
            "-owner.username,id",
            lambda r, db: (_desc(db("users")[r["owner"]]["username"]), int(r["id"])),
            id="association-path-desc",
        ),
        pytest.param(
            "orders",
            "customer.name,-totalValue,id",
            lambda r, db: (
                db("customers")[r["customer"]]["name"],
                -Decimal(r["totalValue"]),
                int(r["id"]),
            ),
            id="association-then-money-desc",
        ),
        pytest.param(
            "orders",
            "status,id",
            lambda r, db: (r["status"], int(r["id"])),
            id="to-one-relationship",
        ),
        pytest.param(
            "orders",
            "-subtotalValue,id",
            lambda r, db: (-Decimal(r["subtotalValue"]), int(r["id"])),
            id="money-is-numeric",
        ),
        pytest.param(
            "orderlineitems",
            "-quantity,value,id",
            lambda r, db: (-r["quantity"], Decimal(r["value"]), int(r["id"])),
            id="float-and-money",
        ),
        pytest.param("countries", "-id", lambda r, db: _desc(r["id"]), id="string-id-desc"),
        pytest.param("regions", "-name", lambda r, db: _desc(r["name"]), id="non-ascii-desc"),
        pytest.param("userroles", "label", lambda r, db: r["label"], id="roles-by-label"),
    ],
)
def test_sort_matches_python_order(
    client: httpx.Client, db: Any, type_: str, sort: str, key: Any
) -> None:
    records = db(type_)
    lean = next(name for name in next(iter(records.values())) if name != "id")
    params = [("sort", sort), ("page[size]", "-1"), (f"fields[{type_}]", lean)]
    doc = get_doc(client, f"/{type_}", params, headers=NO_LINKS)
    assert ids(doc) == _sorted_ids(records, lambda r: key(r, db))


def test_sort_of_non_null_decimals(client: httpx.Client, db: Any) -> None:
    doc = get_doc(
        client,
        "/products",
        [("sort", "weight,-id"), ("filter[weight][exists]", "1"), ("page[size]", "-1")],
        headers=NO_LINKS,
    )
    weighed = {i: r for i, r in db("products").items() if r["weight"] is not None}
    assert ids(doc) == _sorted_ids(weighed, lambda r: (Decimal(r["weight"]), -int(r["id"])))


def test_sort_with_paging_takes_the_right_slice(client: httpx.Client, db: Any) -> None:
    order = _sorted_ids(db("contacts"), lambda r: (r["lastName"], -int(r["id"])))
    doc = get_doc(
        client,
        "/contacts",
        [
            ("sort", "lastName,-id"),
            ("page[size]", "25"),
            ("page[number]", "7"),
            ("fields[contacts]", "lastName"),
        ],
        headers=NO_LINKS,
    )
    assert ids(doc) == order[150:175]


@pytest.mark.parametrize(
    ("type_", "value", "detail"),
    [
        pytest.param("users", "foo", 'Sorting by "foo" field is not supported.', id="unknown"),
        pytest.param(
            "users", "-foo", 'Sorting by "foo" field is not supported.', id="unknown-desc"
        ),
        pytest.param(
            "users", "foo,-bar", 'Sorting by "foo, bar" fields are not supported.', id="two-unknown"
        ),
        pytest.param(
            "users", "username,foo", 'Sorting by "foo" field is not supported.', id="one-of-two"
        ),
        pytest.param(
            "users",
            "phone",
            'Sorting by "phone" field is not supported.',
            id="not-sortable-attribute",
        ),
        pytest.param(
            "users", "userRoles", 'Sorting by "userRoles" field is not supported.', id="to-many"
        ),
        pytest.param(
            "users",
            "userRoles.label",
            'Sorting by "userRoles.label" field is not supported.',
            id="through-to-many",
        ),
        pytest.param(
            "accounts",
            "owner",
            'Sorting by "owner" field is not supported.',
            id="not-sortable-to-one",
        ),
        pytest.param(
            "accounts",
            "owner.foo",
            'Sorting by "owner.foo" field is not supported.',
            id="unknown-in-path",
        ),
        pytest.param(
            "contacts",
            "description,-gender",
            'Sorting by "description, gender" fields are not supported.',
            id="text-and-enum",
        ),
    ],
)
def test_sort_errors(client: httpx.Client, type_: str, value: str, detail: str) -> None:
    doc = get_doc(client, f"/{type_}", [("sort", value)], status=400)
    assert doc == {"errors": [sort_error(detail)]}


def test_sort_with_brackets_is_not_supported(client: httpx.Client) -> None:
    doc = get_doc(client, "/users", [("sort[id]", "asc")], status=400)
    assert doc == {"errors": [filter_error("sort[id]", NOT_SUPPORTED)]}


# --- meta --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "title"),
    [
        pytest.param("users", lambda r: f"{r['firstName']} {r['lastName']}", id="users"),
        pytest.param("orders", lambda r: r["identifier"], id="orders"),
        pytest.param("countries", lambda r: r["name"], id="countries"),
        pytest.param("userroles", lambda r: r["label"], id="userroles"),
        pytest.param("weightunits", lambda r: r["id"], id="weightunits"),
    ],
)
def test_meta_title_on_every_resource_object(
    client: httpx.Client, db: Any, type_: str, title: Any
) -> None:
    doc = get_doc(client, f"/{type_}", [("meta", "title"), ("page[size]", "-1")], headers=NO_LINKS)
    records = db(type_)
    assert [obj["meta"] for obj in doc["data"]] == [{"title": title(r)} for r in records.values()]
    assert [record(obj) for obj in doc["data"]] == list(records.values())


def test_meta_title_on_item_and_included(client: httpx.Client) -> None:
    doc = get_doc(
        client,
        "/users/1",
        [
            ("meta", "title"),
            ("include", "owner"),
            ("fields[users]", "owner"),
            ("fields[businessunits]", "name"),
        ],
        headers=NO_LINKS,
    )
    assert doc == {
        "data": {
            "type": "users",
            "id": "1",
            "meta": {"title": "John Doe"},
            "relationships": {"owner": {"data": {"type": "businessunits", "id": "1"}}},
        },
        "included": [
            {
                "type": "businessunits",
                "id": "1",
                "meta": {"title": "Main"},
                "attributes": {"name": "Main"},
            }
        ],
    }


def test_meta_title_on_sub_resource(client: httpx.Client) -> None:
    doc = get_doc(
        client,
        "/users/12/userRoles",
        [("meta", "title"), ("fields[userroles]", "role")],
        headers=NO_LINKS,
    )
    assert doc == {
        "data": [
            {
                "type": "userroles",
                "id": "1",
                "meta": {"title": "User"},
                "attributes": {"role": "ROLE_USER"},
            },
            {
                "type": "userroles",
                "id": "2",
                "meta": {"title": "Read Only"},
                "attributes": {"role": "ROLE_READ_ONLY"},
            },
        ]
    }


@pytest.mark.parametrize(
    ("url", "key", "value", "detail"),
    [
        pytest.param(
            "/users",
            "meta",
            "another",
            'The "another" is not known meta property. Known properties: title.',
            id="unknown",
        ),
        pytest.param(
            "/users",
            "meta",
            "title,another",
            'The "another" is not known meta property. Known properties: title.',
            id="one-unknown-of-two",
        ),
        pytest.param(
            "/users/1",
            "meta",
            "another",
            'The "another" is not known meta property. Known properties: title.',
            id="unknown-on-item",
        ),
        pytest.param("/users", "meta[validate]", "true", NOT_SUPPORTED, id="meta-validate"),
        pytest.param(
            "/users/1/relationships/owner", "meta", "title", NOT_SUPPORTED, id="on-relationship"
        ),
    ],
)
def test_meta_errors(client: httpx.Client, url: str, key: str, value: str, detail: str) -> None:
    doc = get_doc(client, url, [(key, value)], status=400)
    assert doc == {"errors": [filter_error(key, detail)]}


# --- unknown parameters and several errors -----------------------------------------------------


@pytest.mark.parametrize(
    ("url", "key"),
    [
        pytest.param("/users", "foo", id="list"),
        pytest.param("/users/1", "foo", id="item"),
        pytest.param("/users/1/userRoles", "foo", id="to-many-sub-resource"),
        pytest.param("/users/1/relationships/userRoles", "foo", id="relationship"),
        pytest.param("/users", "Filter[id]", id="case-sensitive-family"),
        pytest.param("/users/1", "page[size]", id="page-on-item"),
        pytest.param("/users/1", "sort", id="sort-on-item"),
    ],
)
def test_unknown_query_parameter(client: httpx.Client, url: str, key: str) -> None:
    doc = get_doc(client, url, [(key, "1")], status=400)
    assert doc == {"errors": [filter_error(key, NOT_SUPPORTED)]}


def test_every_query_error_is_listed_in_one_response(client: httpx.Client) -> None:
    response = client.get(
        "/users",
        params=[
            ("filter[id]", "aaa"),
            ("sort", "foo"),
            ("page[size]", "-5"),
            ("page[number]", "0"),
            ("fields[unknown]", "a"),
            ("meta", "x"),
            ("include", "nope,"),
            ("foo", "1"),
        ],
        headers={"X-Include": "totalCount"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == JSON_API
    assert "x-include-total-count" not in response.headers
    doc = response.json()
    assert_valid_response(doc)
    assert sorted(doc["errors"], key=lambda e: e["source"]["parameter"]) == [
        filter_error("fields[unknown]", "An entity type is not known."),
        filter_error("filter[id]", 'Expected integer value. Given "aaa".'),
        filter_error("foo", NOT_SUPPORTED),
        filter_error("include", 'Expected an array of not empty strings. Given "nope,".'),
        filter_error("meta", 'The "x" is not known meta property. Known properties: title.'),
        filter_error("page[number]", "The value should be greater than or equals to 1."),
        filter_error("page[size]", "The value should be greater than or equals to -1."),
        sort_error('Sorting by "foo" field is not supported.'),
    ]
