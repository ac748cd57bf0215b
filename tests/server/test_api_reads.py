"""Reading resources over real HTTP: items, lists, wire formats, sub-resources, relationships,
404/400 answers and the plain JSON representation.

Reference: spec §1 (general conventions), §5.1, §8, §10.2 (wire formats), §10.3, §20 "General"
and "Routing", §21 (invalid ids, plain REST media types).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from server.domain.resources import build_registry
from tests.server.api_support import NO_LINKS, get_doc

JSON = "application/json"


@pytest.fixture(scope="module")
def collection(client: httpx.Client) -> Callable[[str], list[dict[str, Any]]]:
    """Every resource object of a type (fetched once, without links)."""
    cache: dict[str, list[dict[str, Any]]] = {}

    def load(type_: str) -> list[dict[str, Any]]:
        if type_ not in cache:
            cache[type_] = get_doc(client, f"/{type_}", [("page[size]", "-1")], headers=NO_LINKS)[
                "data"
            ]
        return cache[type_]

    return load


# --- what every type exposes ---------------------------------------------------------------------

# Data type of every attribute, per resource type (resources.py, checked from the outside).
# fmt: off
ATTRIBUTES: dict[str, dict[str, str]] = {
    "organizations": {"name": "string", "description": "text", "enabled": "boolean",
                      "createdAt": "datetime", "updatedAt": "datetime"},
    "businessunits": {"name": "string", "phone": "string", "website": "string",
                      "email": "string", "fax": "string", "createdAt": "datetime",
                      "updatedAt": "datetime"},
    "userroles": {"role": "string", "label": "string", "extendDescription": "text"},
    "users": {"username": "string", "email": "string", "namePrefix": "string",
              "firstName": "string", "middleName": "string", "lastName": "string",
              "nameSuffix": "string", "title": "string", "phone": "string", "birthday": "date",
              "enabled": "boolean", "lastLogin": "datetime", "loginCount": "integer",
              "createdAt": "datetime", "updatedAt": "datetime"},
    "contactsources": {"name": "string", "priority": "integer", "default": "boolean"},
    "accounts": {"name": "string", "description": "text", "createdAt": "datetime",
                 "updatedAt": "datetime"},
    "contacts": {"namePrefix": "string", "firstName": "string", "middleName": "string",
                 "lastName": "string", "nameSuffix": "string", "gender": "enum:female,male",
                 "birthday": "date", "description": "text", "jobTitle": "string",
                 "primaryEmail": "string", "primaryPhone": "string", "timesContacted": "integer",
                 "lastContactedDate": "datetime", "createdAt": "datetime",
                 "updatedAt": "datetime"},
    "countries": {"iso3Code": "string", "name": "string"},
    "regions": {"code": "string", "name": "string"},
    "weightunits": {"conversionRates": "json"},
    "taxjurisdictions": {"code": "string", "description": "text", "regionText": "string",
                         "zipCodes": "array:zip codes", "createdAt": "datetime",
                         "updatedAt": "datetime"},
    "products": {"sku": "string", "name": "string", "description": "text",
                 "status": "enum:disabled,enabled", "featured": "boolean", "weight": "decimal",
                 "gtin": "bigint", "tags": "array", "createdAt": "datetime",
                 "updatedAt": "datetime"},
    "customers": {"name": "string", "createdAt": "datetime", "updatedAt": "datetime"},
    "customerusers": {"email": "string", "firstName": "string", "lastName": "string",
                      "enabled": "boolean", "confirmed": "boolean", "createdAt": "datetime",
                      "updatedAt": "datetime"},
    "orderstatuses": {"name": "string", "priority": "integer", "default": "boolean"},
    "taskpriorities": {"name": "string", "priority": "integer", "default": "boolean"},
    "tasks": {"subject": "string", "description": "text", "dueDate": "datetime",
              "createdAt": "datetime", "updatedAt": "datetime"},
    "orders": {"identifier": "string", "poNumber": "string", "customerNotes": "text",
               "shipUntil": "date", "currency": "currency", "subtotalValue": "money",
               "totalValue": "money", "discountPercent": "percent",
               "preferredDeliveryTime": "time", "handlingTime": "duration",
               "externalId": "guid", "trackingData": "json", "createdAt": "datetime",
               "updatedAt": "datetime"},
    "orderlineitems": {"productSku": "string", "productName": "string", "quantity": "float",
                       "productUnitCode": "string", "value": "money", "currency": "currency",
                       "comment": "text"},
    "coupons": {"code": "string", "description": "string", "enabled": "boolean",
                "validFrom": "datetime", "validUntil": "datetime", "usesPerCoupon": "integer",
                "usesPerPerson": "integer", "discountPercent": "percent",
                "discountAmount": "money", "currency": "currency", "createdAt": "datetime",
                "updatedAt": "datetime"},
}

# Relationship name -> (target type, to-many).
RELATIONSHIPS: dict[str, dict[str, tuple[str, bool]]] = {
    "organizations": {"businessUnits": ("businessunits", True)},
    "businessunits": {"organization": ("organizations", False),
                      "owner": ("businessunits", False), "users": ("users", True)},
    "userroles": {"organization": ("organizations", False), "users": ("users", True)},
    "users": {"owner": ("businessunits", False), "organization": ("organizations", False),
              "businessUnits": ("businessunits", True), "userRoles": ("userroles", True)},
    "contactsources": {},
    "accounts": {"owner": ("users", False), "organization": ("organizations", False),
                 "contacts": ("contacts", True), "defaultContact": ("contacts", False),
                 "referredBy": ("accounts", False)},
    "contacts": {"owner": ("users", False), "organization": ("organizations", False),
                 "source": ("contactsources", False), "accounts": ("accounts", True),
                 "assignedTo": ("users", False), "reportsTo": ("contacts", False)},
    "countries": {"regions": ("regions", True)},
    "regions": {"country": ("countries", False)},
    "weightunits": {},
    "taxjurisdictions": {"country": ("countries", False), "region": ("regions", False)},
    "products": {"owner": ("businessunits", False), "organization": ("organizations", False),
                 "weightUnit": ("weightunits", False)},
    "customers": {"owner": ("users", False), "organization": ("organizations", False),
                  "parent": ("customers", False), "orders": ("orders", True)},
    "customerusers": {"customer": ("customers", False)},
    "orderstatuses": {},
    "taskpriorities": {},
    "tasks": {"taskPriority": ("taskpriorities", False), "owner": ("users", False),
              "organization": ("organizations", False)},
    "orders": {"customer": ("customers", False), "customerUser": ("customerusers", False),
               "lineItems": ("orderlineitems", True),
               "status": ("orderstatuses", False), "owner": ("users", False),
               "organization": ("organizations", False)},
    "orderlineitems": {"order": ("orders", False), "product": ("products", False)},
    "coupons": {"owner": ("businessunits", False), "organization": ("organizations", False)},
}
# fmt: on
TYPES = sorted(ATTRIBUTES)
STRING_IDS = {
    "contactsources",
    "orderstatuses",
    "taskpriorities",
    "countries",
    "regions",
    "weightunits",
}


def test_the_tables_above_cover_every_resource_of_the_metadata() -> None:
    """Keeps this module in step with ``server/domain/resources.py``: a new resource or field
    must be given its expected wire format here."""
    registry = build_registry()
    assert {resource.type for resource in registry} == set(ATTRIBUTES)
    for resource in registry:
        assert [a.name for a in resource.attributes] == list(ATTRIBUTES[resource.type])
        assert {r.name: (r.target, r.many) for r in resource.relationships} == RELATIONSHIPS[
            resource.type
        ]
        assert (resource.type in STRING_IDS) is (resource.id_type.name == "string")
        for attribute in resource.attributes:
            assert attribute.type.name == ATTRIBUTES[resource.type][attribute.name].split(":")[0]


def _datetime(value: Any) -> bool:
    return (
        isinstance(value, str)
        and bool(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", value))
        and dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ") is not None
    )


def _date(value: Any) -> bool:
    return (
        isinstance(value, str)
        and bool(re.fullmatch(r"\d{4}-\d\d-\d\d", value))
        and dt.date.fromisoformat(value) is not None
    )


def _time(value: Any) -> bool:
    return (
        isinstance(value, str)
        and bool(re.fullmatch(r"\d\d:\d\d:\d\d", value))
        and dt.time.fromisoformat(value) is not None
    )


def _guid(value: Any) -> bool:
    return isinstance(value, str) and str(uuid.UUID(value)) == value


WIRE: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "text": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "duration": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    "float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "percent": lambda v: isinstance(v, float) and 0 <= v <= 1,
    "bigint": lambda v: isinstance(v, str) and bool(re.fullmatch(r"-?[1-9]\d*|0", v)),
    "money": lambda v: isinstance(v, str) and bool(re.fullmatch(r"-?\d+\.\d{4}", v)),
    "decimal": lambda v: isinstance(v, str) and bool(re.fullmatch(r"-?\d+(\.\d*[1-9])?", v)),
    "currency": lambda v: isinstance(v, str) and bool(re.fullmatch(r"[A-Z]{3}", v)),
    "datetime": _datetime,
    "date": _date,
    "time": _time,
    "guid": _guid,
    "json": lambda v: isinstance(v, dict | list),
    "array": lambda v: isinstance(v, list) and all(isinstance(item, str) for item in v),
    "array:zip codes": lambda v: isinstance(v, list) and all(_zip_code(item) for item in v),
}


def _zip_code(item: Any) -> bool:
    """``{"from": "90011", "to": null}`` (one code) or ``{"from": "90201", "to": "90280"}``."""
    if not isinstance(item, dict) or set(item) != {"from", "to"}:
        return False
    start, end = item["from"], item["to"]
    return (
        isinstance(start, str)
        and bool(start)
        and (end is None or (start.isdigit() and isinstance(end, str) and end.isdigit()))
    )


def _wire_check(kind: str) -> Callable[[Any], bool]:
    if kind.startswith("enum:"):
        cases = kind.removeprefix("enum:").split(",")
        return lambda v: v in cases
    return WIRE[kind]


def _identifier_ok(identifier: Any, target: str) -> bool:
    return (
        isinstance(identifier, dict)
        and set(identifier) == {"type", "id"}
        and identifier["type"] == target
        and isinstance(identifier["id"], str)
        and identifier["id"] != ""
    )


@pytest.mark.parametrize("type_", TYPES)
def test_every_field_is_present_and_ids_are_strings(collection: Any, type_: str) -> None:
    objects = collection(type_)
    assert objects, f"the demo data has {type_}"
    attributes, relationships = ATTRIBUTES[type_], RELATIONSHIPS[type_]
    ids = []
    for obj in objects:
        assert obj["type"] == type_
        assert isinstance(obj["id"], str)
        ids.append(obj["id"])
        assert set(obj) == {"type", "id", "attributes"} | (
            {"relationships"} if relationships else set()
        )
        assert set(obj["attributes"]) == set(attributes), "every attribute, null when empty"
        for name, (target, many) in relationships.items():
            data = obj["relationships"][name]["data"]
            if many:
                assert isinstance(data, list) and all(_identifier_ok(i, target) for i in data)
            else:
                assert data is None or _identifier_ok(data, target), (name, data)
        if relationships:
            assert set(obj["relationships"]) == set(relationships)
    assert len(ids) == len(set(ids))
    if type_ not in STRING_IDS:
        assert all(re.fullmatch(r"[1-9]\d*", i) for i in ids)


WIRE_CASES = [
    pytest.param(type_, name, kind, id=f"{type_}.{name}:{kind.split(':')[0]}")
    for type_, attributes in ATTRIBUTES.items()
    for name, kind in attributes.items()
]


@pytest.mark.parametrize(("type_", "name", "kind"), WIRE_CASES)
def test_wire_format_of_every_attribute(collection: Any, type_: str, name: str, kind: str) -> None:
    values = [obj["attributes"][name] for obj in collection(type_)]
    check = _wire_check(kind)
    bad = [v for v in values if v is not None and not check(v)]
    assert not bad, f"{kind} values in the wrong wire format: {bad[:5]}"


@pytest.mark.parametrize("kind", [*sorted(WIRE), "enum"])
def test_every_data_type_is_shown_by_the_demo_data(collection: Any, kind: str) -> None:
    """Each wire format above is checked on real values, not only on nulls."""
    shown = [
        obj["attributes"][name]
        for type_, attributes in ATTRIBUTES.items()
        for name, declared in attributes.items()
        if declared == kind or (declared.split(":")[0] == kind and declared not in WIRE)
        for obj in collection(type_)
        if obj["attributes"][name] is not None
    ]
    assert shown, kind


def test_decimals_are_trimmed_and_money_keeps_four_decimals(collection: Any) -> None:
    weights = [p["attributes"]["weight"] for p in collection("products")]
    weights = [w for w in weights if w is not None]
    assert all(w == format(Decimal(w).normalize(), "f") for w in weights)
    assert any("." not in w or len(w.split(".")[1]) < 3 for w in weights), "some were trimmed"
    money = [o["attributes"]["totalValue"] for o in collection("orders")]
    assert any(v.endswith("00") for v in money), "trailing zeros are kept for money"


def test_money_amounts_add_up(collection: Any) -> None:
    """An order's subtotal is the sum of its lines (quantity x price), exactly."""
    lines = {obj["id"]: obj for obj in collection("orderlineitems")}
    for order in collection("orders"):
        attributes = order["attributes"]
        items = [lines[i["id"]] for i in order["relationships"]["lineItems"]["data"]]
        assert items
        total = sum(
            Decimal(str(li["attributes"]["quantity"])) * Decimal(li["attributes"]["value"])
            for li in items
        )
        assert Decimal(attributes["subtotalValue"]) == total, order["id"]
        assert all(li["relationships"]["order"]["data"]["id"] == order["id"] for li in items)
        if attributes["discountPercent"] is None:
            assert attributes["totalValue"] == attributes["subtotalValue"]
        else:
            assert Decimal(attributes["totalValue"]) < Decimal(attributes["subtotalValue"])


def test_inverse_to_many_mirrors_the_to_one(collection: Any) -> None:
    units = {u["id"]: u for u in collection("users")}
    for role in collection("userroles"):
        for user in role["relationships"]["users"]["data"]:
            assert {"type": "userroles", "id": role["id"]} in units[user["id"]]["relationships"][
                "userRoles"
            ]["data"]
    for country in collection("countries"):
        regions = [r["id"] for r in country["relationships"]["regions"]["data"]]
        assert regions == sorted(
            r["id"]
            for r in collection("regions")
            if r["relationships"]["country"]["data"]["id"] == country["id"]
        )


# --- single items --------------------------------------------------------------------------------


def links_of(api_url: str, type_: str, id_: str, *names: str) -> dict[str, Any]:
    return {
        name: {
            "self": f"{api_url}/{type_}/{id_}/relationships/{name}",
            "related": f"{api_url}/{type_}/{id_}/{name}",
        }
        for name in names
    }


def test_get_user_1(client: httpx.Client, api_url: str) -> None:
    """The administrator of the demo data, as in the schema page's example (§1)."""
    links = links_of(api_url, "users", "1", "owner", "organization", "businessUnits", "userRoles")
    assert get_doc(client, "/users/1") == {
        "data": {
            "type": "users",
            "id": "1",
            "links": {"self": f"{api_url}/users/1"},
            "attributes": {
                "username": "admin",
                "email": "admin@example.com",
                "namePrefix": None,
                "firstName": "John",
                "middleName": None,
                "lastName": "Doe",
                "nameSuffix": None,
                "title": None,
                "phone": "+1-212-555-0100",
                "birthday": None,
                "enabled": True,
                "lastLogin": "2026-05-31T17:42:10Z",
                "loginCount": 1348,
                "createdAt": "2023-01-02T09:00:00Z",
                "updatedAt": "2026-05-31T17:42:10Z",
            },
            "relationships": {
                "owner": {"data": {"type": "businessunits", "id": "1"}, "links": links["owner"]},
                "organization": {
                    "data": {"type": "organizations", "id": "1"},
                    "links": links["organization"],
                },
                "businessUnits": {
                    "data": [{"type": "businessunits", "id": "1"}],
                    "links": links["businessUnits"],
                },
                "userRoles": {
                    "data": [{"type": "userroles", "id": "3"}],
                    "links": links["userRoles"],
                },
            },
        },
        "links": {"self": f"{api_url}/users"},
    }


@pytest.mark.parametrize(
    ("url", "data"),
    [
        pytest.param(
            "/organizations/1",
            {
                "type": "organizations",
                "id": "1",
                "attributes": {
                    "name": "Oro Demo Inc",
                    "description": "The demo organization of the sandbox.",
                    "enabled": True,
                    "createdAt": "2023-01-02T09:00:00Z",
                    "updatedAt": "2025-11-14T16:20:00Z",
                },
                "relationships": {
                    "businessUnits": {
                        "data": [{"type": "businessunits", "id": str(i)} for i in range(1, 6)]
                    }
                },
            },
            id="organization",
        ),
        pytest.param(
            "/organizations/2",
            {
                "type": "organizations",
                "id": "2",
                "attributes": {
                    "name": "Acme Retail",
                    "description": None,
                    "enabled": True,
                    "createdAt": "2024-03-18T10:15:00Z",
                    "updatedAt": "2024-03-18T10:15:00Z",
                },
                "relationships": {
                    "businessUnits": {"data": [{"type": "businessunits", "id": "6"}]}
                },
            },
            id="organization-with-null",
        ),
        pytest.param(
            "/userroles/7",
            {
                "type": "userroles",
                "id": "7",
                "attributes": {
                    "role": "ROLE_STORE_MANAGER",
                    "label": "Store Manager",
                    "extendDescription": "Runs an Acme Retail store.",
                },
                "relationships": {
                    "organization": {"data": {"type": "organizations", "id": "2"}},
                    "users": {"data": [{"type": "users", "id": "17"}]},
                },
            },
            id="user-role",
        ),
        pytest.param(
            "/userroles/6",
            {
                "type": "userroles",
                "id": "6",
                "attributes": {"role": "ROLE_BUYER", "label": "Buyer", "extendDescription": None},
                "relationships": {"organization": {"data": None}, "users": {"data": []}},
            },
            id="empty-relationships",
        ),
        pytest.param(
            "/contactsources/tv",
            {
                "type": "contactsources",
                "id": "tv",
                "attributes": {"name": "TV", "priority": 4, "default": False},
            },
            id="enum-option",
        ),
        pytest.param(
            "/orderstatuses/open",
            {
                "type": "orderstatuses",
                "id": "open",
                "attributes": {"name": "Open", "priority": 1, "default": True},
            },
            id="default-enum-option",
        ),
        pytest.param(
            "/countries/US",
            {
                "type": "countries",
                "id": "US",
                "attributes": {"iso3Code": "USA", "name": "United States"},
                "relationships": {
                    "regions": {
                        "data": [
                            {"type": "regions", "id": r}
                            for r in ("US-CA", "US-FL", "US-IL", "US-NY", "US-TX", "US-WA")
                        ]
                    }
                },
            },
            id="country",
        ),
        pytest.param(
            "/regions/FR-IDF",
            {
                "type": "regions",
                "id": "FR-IDF",
                "attributes": {"code": "IDF", "name": "Île-de-France"},
                "relationships": {"country": {"data": {"type": "countries", "id": "FR"}}},
            },
            id="region-non-ascii",
        ),
        pytest.param(
            "/weightunits/kg",
            {
                "type": "weightunits",
                "id": "kg",
                "attributes": {"conversionRates": {"lbs": 2.20462, "g": 1000, "oz": 35.274}},
            },
            id="json-attribute",
        ),
        pytest.param(
            "/taxjurisdictions/11",
            {
                "type": "taxjurisdictions",
                "id": "11",
                "attributes": {
                    "code": "GB_LONDON",
                    "description": "London",
                    "regionText": "Greater London",
                    "zipCodes": [
                        {"from": "SW1A 1AA", "to": None},
                        {"from": "EC1A 1BB", "to": None},
                    ],
                    "createdAt": "<any>",
                    "updatedAt": "<any>",
                },
                "relationships": {
                    "country": {"data": {"type": "countries", "id": "GB"}},
                    "region": {"data": None},
                },
            },
            id="tax-jurisdiction",
        ),
    ],
)
def test_get_fixed_records(client: httpx.Client, url: str, data: dict[str, Any]) -> None:
    doc = get_doc(client, url, headers=NO_LINKS)
    got = doc["data"]
    for name, value in data["attributes"].items():
        if value == "<any>":
            assert _datetime(got["attributes"][name])
            got["attributes"][name] = "<any>"
    assert doc == {"data": data}


@pytest.mark.parametrize("type_", ["users", "orders", "products", "contacts", "regions"])
def test_item_equals_its_list_entry(client: httpx.Client, collection: Any, type_: str) -> None:
    for obj in collection(type_)[:: max(1, len(collection(type_)) // 4)]:
        assert get_doc(client, f"/{type_}/{obj['id']}", headers=NO_LINKS) == {"data": obj}


# --- sub-resources and relationships -------------------------------------------------------------


def test_to_one_sub_resource_and_relationship(
    client: httpx.Client, api_url: str, collection: Any
) -> None:
    unit = next(u for u in collection("businessunits") if u["id"] == "1")
    doc = get_doc(client, "/users/1/owner")
    assert doc == {
        "data": {
            **unit,
            "links": {"self": f"{api_url}/businessunits/1"},
            "relationships": {
                name: {**rel, "links": links_of(api_url, "businessunits", "1", name)[name]}
                for name, rel in unit["relationships"].items()
            },
        },
        "links": {"self": f"{api_url}/users/1/owner"},
    }
    assert get_doc(client, "/users/1/relationships/owner") == {
        "data": {"type": "businessunits", "id": "1"},
        "links": {
            "self": f"{api_url}/users/1/relationships/owner",
            "related": f"{api_url}/users/1/owner",
        },
    }


def test_empty_to_one(client: httpx.Client, api_url: str) -> None:
    doc = get_doc(client, "/businessunits/1/owner")
    assert doc["data"] is None
    assert doc.get("links", {"self": f"{api_url}/businessunits/1/owner"}) == {
        "self": f"{api_url}/businessunits/1/owner"
    }
    assert get_doc(client, "/businessunits/1/relationships/owner") == {
        "data": None,
        "links": {
            "self": f"{api_url}/businessunits/1/relationships/owner",
            "related": f"{api_url}/businessunits/1/owner",
        },
    }


def test_to_many_sub_resource_and_relationship(
    client: httpx.Client, api_url: str, collection: Any
) -> None:
    roles = {r["id"]: r for r in collection("userroles")}
    doc = get_doc(client, "/users/12/userRoles", headers=NO_LINKS)
    assert doc == {"data": [roles["1"], roles["2"]]}
    assert get_doc(client, "/users/12/relationships/userRoles") == {
        "data": [{"type": "userroles", "id": "1"}, {"type": "userroles", "id": "2"}],
        "links": {
            "self": f"{api_url}/users/12/relationships/userRoles",
            "related": f"{api_url}/users/12/userRoles",
        },
    }


def test_empty_to_many(client: httpx.Client, api_url: str) -> None:
    assert get_doc(client, "/userroles/6/users", headers=NO_LINKS) == {"data": []}
    assert get_doc(client, "/userroles/6/relationships/users") == {
        "data": [],
        "links": {
            "self": f"{api_url}/userroles/6/relationships/users",
            "related": f"{api_url}/userroles/6/users",
        },
    }


def test_inverse_to_many_sub_resource_with_filter_sort_and_page(
    client: httpx.Client,
    collection: Any,
) -> None:
    customer = next(
        c for c in collection("customers") if len(c["relationships"]["orders"]["data"]) > 8
    )
    own = {o["id"] for o in customer["relationships"]["orders"]["data"]}
    orders = [o for o in collection("orders") if o["id"] in own]
    assert {o["relationships"]["customer"]["data"]["id"] for o in orders} == {customer["id"]}
    usd = sorted(
        (o for o in orders if o["attributes"]["currency"] == "USD"),
        key=lambda o: (-Decimal(o["attributes"]["totalValue"]), int(o["id"])),
    )
    doc = get_doc(
        client,
        f"/customers/{customer['id']}/orders",
        [
            ("filter[currency]", "USD"),
            ("sort", "-totalValue,id"),
            ("page[size]", "3"),
            ("page[number]", "2"),
        ],
        headers=NO_LINKS,
    )
    assert doc == {"data": usd[3:6]}


def test_to_many_relationship_with_filter_sort_and_page(client: httpx.Client, api_url: str) -> None:
    doc = get_doc(
        client,
        "/countries/US/relationships/regions",
        [("filter[id][neq]", "US-TX"), ("sort", "-id"), ("page[size]", "2")],
    )
    assert doc == {
        "data": [{"type": "regions", "id": "US-WA"}, {"type": "regions", "id": "US-NY"}],
        "links": {
            "self": f"{api_url}/countries/US/relationships/regions",
            "related": f"{api_url}/countries/US/regions",
            "next": f"{api_url}/countries/US/relationships/regions?filter%5Bid%5D%5Bneq%5D=US-TX"
            "&page%5Bnumber%5D=2&page%5Bsize%5D=2&sort=-id",
        },
    }


def test_to_many_sub_resource_through_a_link_table(client: httpx.Client, collection: Any) -> None:
    contacts = {c["id"]: c for c in collection("contacts")}
    account = next(
        a for a in collection("accounts") if len(a["relationships"]["contacts"]["data"]) > 2
    )
    members = [i["id"] for i in account["relationships"]["contacts"]["data"]]
    doc = get_doc(
        client, f"/accounts/{account['id']}/contacts", [("sort", "-id")], headers=NO_LINKS
    )
    assert doc == {"data": [contacts[i] for i in sorted(members, key=int, reverse=True)]}


# --- not found and malformed ids -----------------------------------------------------------------

NOT_FOUND = {
    "status": "404",
    "title": "not found http exception",
    "detail": "An entity with the requested identifier does not exist.",
}
UNSUPPORTED = {
    "status": "404",
    "title": "relationship constraint",
    "detail": "Unsupported subresource.",
}


@pytest.mark.parametrize(
    ("url", "status", "error"),
    [
        pytest.param(
            "/unknown",
            404,
            {
                "status": "404",
                "title": "entity type constraint",
                "detail": "Unknown entity type: unknown.",
            },
            id="unknown-type",
        ),
        pytest.param(
            "/unknown/1",
            404,
            {
                "status": "404",
                "title": "entity type constraint",
                "detail": "Unknown entity type: unknown.",
            },
            id="unknown-type-item",
        ),
        pytest.param(
            "/Users",
            404,
            {
                "status": "404",
                "title": "entity type constraint",
                "detail": "Unknown entity type: Users.",
            },
            id="type-is-case-sensitive",
        ),
        pytest.param("/users/1/nope", 404, UNSUPPORTED, id="unknown-sub-resource"),
        pytest.param("/users/1/relationships/nope", 404, UNSUPPORTED, id="unknown-relationship"),
        pytest.param("/users/1/username", 404, UNSUPPORTED, id="attribute-is-no-sub-resource"),
        pytest.param("/users/999", 404, NOT_FOUND, id="missing-user"),
        pytest.param("/users/0", 404, NOT_FOUND, id="zero-id"),
        pytest.param("/users/-1", 404, NOT_FOUND, id="negative-id"),
        pytest.param("/countries/XX", 404, NOT_FOUND, id="missing-string-id"),
        pytest.param("/countries/us", 404, NOT_FOUND, id="string-id-is-case-sensitive"),
        pytest.param("/users/999/owner", 404, NOT_FOUND, id="missing-owner-of-sub-resource"),
        pytest.param(
            "/users/999/userRoles", 404, NOT_FOUND, id="missing-owner-of-to-many-sub-resource"
        ),
        pytest.param(
            "/users/999/relationships/owner", 404, NOT_FOUND, id="missing-owner-of-relationship"
        ),
        pytest.param(
            "/users/999/relationships/userRoles",
            404,
            NOT_FOUND,
            id="missing-owner-of-to-many-relationship",
        ),
        pytest.param(
            "/users/abc",
            400,
            {
                "status": "400",
                "title": "entity identifier constraint",
                "detail": 'Expected integer value. Given "abc".',
            },
            id="malformed-id",
        ),
        pytest.param(
            "/users/1.5",
            400,
            {
                "status": "400",
                "title": "entity identifier constraint",
                "detail": 'Expected integer value. Given "1.5".',
            },
            id="fractional-id",
        ),
        pytest.param(
            "/users/abc/owner",
            400,
            {
                "status": "400",
                "title": "entity identifier constraint",
                "detail": 'Expected integer value. Given "abc".',
            },
            id="malformed-id-of-sub-resource",
        ),
        pytest.param(
            "/users/abc/relationships/userRoles",
            400,
            {
                "status": "400",
                "title": "entity identifier constraint",
                "detail": 'Expected integer value. Given "abc".',
            },
            id="malformed-id-of-relationship",
        ),
    ],
)
def test_error_answers(client: httpx.Client, url: str, status: int, error: dict[str, str]) -> None:
    assert get_doc(client, url, status=status) == {"errors": [error]}


def test_unknown_type_wins_over_query_errors(client: httpx.Client) -> None:
    doc = get_doc(client, "/unknown", [("filter[x]", "1")], status=404)
    assert doc == {
        "errors": [
            {
                "status": "404",
                "title": "entity type constraint",
                "detail": "Unknown entity type: unknown.",
            }
        ]
    }


# --- plain JSON ----------------------------------------------------------------------------------


def native_id(type_: str, id_: str) -> Any:
    return id_ if type_ in STRING_IDS else int(id_)


def plain(obj: dict[str, Any]) -> dict[str, Any]:
    """The plain JSON form (§21) of a JSON:API resource object: native ids, everything inline."""
    flat: dict[str, Any] = {"id": native_id(obj["type"], obj["id"]), **obj.get("attributes", {})}
    for name, rel in obj.get("relationships", {}).items():
        data = rel["data"]
        if isinstance(data, list):
            flat[name] = [native_id(i["type"], i["id"]) for i in data]
        else:
            flat[name] = None if data is None else native_id(data["type"], data["id"])
    return flat


def get_plain(
    client: httpx.Client, url: str, accept: str | None, params: list[tuple[str, str]] | None = None
) -> Any:
    request = client.build_request("GET", url, params=params)
    if accept is None:
        del request.headers["Accept"]
    else:
        request.headers["Accept"] = accept
    response = client.send(request)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON
    return response.json()


ACCEPTS = [
    pytest.param(JSON, id="application-json"),
    pytest.param("*/*", id="any"),
    pytest.param(None, id="no-accept-header"),
]


@pytest.mark.parametrize("accept", ACCEPTS)
def test_plain_json_list_is_an_array_of_objects(
    client: httpx.Client, collection: Any, accept: str | None
) -> None:
    users = get_plain(client, "/users", accept, [("page[size]", "4"), ("page[number]", "2")])
    assert users == [plain(obj) for obj in collection("users")[4:8]]
    countries = get_plain(client, "/countries", accept, [("filter[id]", "US,DE")])
    assert countries == [plain(obj) for obj in collection("countries") if obj["id"] in ("DE", "US")]


@pytest.mark.parametrize("type_", ["orders", "products", "weightunits", "userroles"])
def test_plain_json_keeps_the_wire_formats(
    client: httpx.Client, collection: Any, type_: str
) -> None:
    got = get_plain(client, f"/{type_}", JSON, [("page[size]", "-1")])
    assert got == [plain(obj) for obj in collection(type_)]


@pytest.mark.parametrize("accept", ACCEPTS)
def test_plain_json_item_sub_resources_and_relationships(
    client: httpx.Client,
    collection: Any,
    accept: str | None,
) -> None:
    users = {u["id"]: u for u in collection("users")}
    roles = {r["id"]: r for r in collection("userroles")}
    units = {u["id"]: u for u in collection("businessunits")}
    assert get_plain(client, "/users/12", accept) == plain(users["12"])
    assert get_plain(client, "/users/12/userRoles", accept) == [
        plain(roles["1"]),
        plain(roles["2"]),
    ]
    assert get_plain(client, "/users/12/owner", accept) == plain(units["4"])
    assert get_plain(client, "/users/12/relationships/userRoles", accept) == [1, 2]
    assert get_plain(client, "/users/12/relationships/owner", accept) == 4
    assert get_plain(client, "/businessunits/1/owner", accept) is None
    assert get_plain(
        client, "/countries/US/relationships/regions", accept, [("page[size]", "2")]
    ) == ["US-CA", "US-FL"]


def test_plain_json_errors_use_oros_plain_error_format(client: httpx.Client) -> None:
    response = client.get("/users", params={"filter[id]": "x"}, headers={"Accept": JSON})
    assert response.status_code == 400
    assert response.headers["content-type"] == JSON
    assert response.json() == [
        {
            "title": "filter constraint",
            "detail": 'Expected integer value. Given "x".',
            "source": "filter[id]",
        }
    ]


def test_plain_json_honours_total_count(client: httpx.Client) -> None:
    response = client.get(
        "/users", params={"page[size]": "2"}, headers={"Accept": JSON, "X-Include": "totalCount"}
    )
    assert response.status_code == 200
    assert response.headers["x-include-total-count"] == "30"
    assert [user["id"] for user in response.json()] == [1, 2]
