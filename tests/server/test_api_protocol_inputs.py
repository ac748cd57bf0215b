"""Hostile input never produces a 500 (DESIGN "Bad input never produces a 500"; reference §9.1).

Each case names the statuses a correct answer may have; where the answer is an error, it must be a
valid JSON:API error document whose objects carry Oro's members in Oro's order and never an ``id``.
One server for the module (some cases create records).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.live_server import LiveServer
from tests.postgres import NewDatabase
from tests.server.write_support import JSON_API, api_client, document, get, live_server, new_doc

DIGITS = "9" * 5000  # past Python's 4,300-digit int() limit
MEMBER_ORDER = ["status", "code", "title", "detail", "source", "meta"]


@pytest.fixture(scope="module")
def server(new_database: NewDatabase) -> Iterator[LiveServer]:
    with live_server(new_database, "inputs") as live:
        yield live


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with api_client(server) as client:
        yield client


def nested(depth: int, leaf: str = "1") -> str:
    return "[" * depth + leaf + "]" * depth


def with_attributes(type_: str, **attributes: Any) -> str:
    return json.dumps(new_doc(type_, attributes))


def raw_order(attribute: str, raw_value: str) -> str:
    """An order document with ``raw_value`` pasted in as JSON text (literals json cannot make)."""
    doc = json.dumps(new_doc("orders", {attribute: "@@"}))
    return doc.replace('"@@"', raw_value)


def raw_account(name_json: str) -> str:
    return '{"data": {"type": "accounts", "attributes": {"name": ' + name_json + "}}}"


def owner_id(value: Any) -> str:
    return json.dumps(
        new_doc("accounts", relationships={"owner": {"data": {"type": "users", "id": value}}})
    )


CASES = [
    # --- numbers too big for what they are meant to be
    pytest.param("GET", "/users/" + DIGITS, None, {400}, id="url-id-5000-digits"),
    pytest.param("GET", "/users/" + "9" * 30, None, {400}, id="url-id-30-digits"),
    pytest.param("GET", "/users?filter[id]=" + DIGITS, None, {400}, id="filter-5000-digits"),
    pytest.param("GET", "/users?filter[id]=1.." + DIGITS, None, {400}, id="range-5000-digits"),
    pytest.param("GET", "/users?page[size]=" + DIGITS, None, {200, 400}, id="page-size-digits"),
    pytest.param("GET", "/users?page[number]=" + DIGITS, None, {200, 400}, id="page-number-digits"),
    pytest.param(
        "GET", "/orders?filter[handlingTime]=" + DIGITS, None, {400}, id="duration-filter-digits"
    ),
    pytest.param(
        "GET",
        "/orders?filter[handlingTime]=99999999999999999999999h",
        None,
        {200, 400},
        id="duration-filter-overflow",
    ),
    pytest.param(
        "GET", "/orders?filter[subtotalValue]=1e999999999", None, {400}, id="money-filter-exponent"
    ),
    pytest.param(
        "POST",
        "/products",
        with_attributes("products", gtin=DIGITS),
        {400},
        id="bigint-5000-digits",
    ),
    pytest.param(
        "POST",
        "/products",
        with_attributes("products", gtin=10**30),
        {400},
        id="bigint-number-overflow",
    ),
    pytest.param(
        "POST",
        "/orders",
        with_attributes("orders", handlingTime=10**30),
        {400},
        id="duration-number-overflow",
    ),
    pytest.param(
        "POST",
        "/orders",
        with_attributes("orders", handlingTime=2**63),
        {400},
        id="duration-just-past-int64",
    ),
    pytest.param(
        "POST",
        "/orders",
        with_attributes("orders", handlingTime="99999999999999999999999h"),
        {400},
        id="duration-units-overflow",
    ),
    pytest.param(
        "POST",
        "/orders",
        with_attributes("orders", handlingTime=DIGITS),
        {400},
        id="duration-5000-digits",
    ),
    pytest.param(
        "POST",
        "/orders",
        with_attributes("orders", subtotalValue=DIGITS),
        {400},
        id="money-5000-digits",
    ),
    pytest.param(
        "POST",
        "/orders",
        with_attributes("orders", subtotalValue="1e999999999"),
        {400},
        id="money-exponent",
    ),
    pytest.param(
        "POST",
        "/orders",
        with_attributes("orders", discountPercent=10**30),
        {400},
        id="percent-overflow",
    ),
    pytest.param(
        "POST",
        "/orders",
        raw_order("discountPercent", "1e400"),
        {400},
        id="number-literal-infinite",
    ),
    pytest.param(
        "POST",
        "/orders",
        raw_order("handlingTime", "9" * 400),
        {400},
        id="integer-literal-400-digits",
    ),
    pytest.param(
        "POST",
        "/orderlineitems",
        with_attributes("orderlineitems", quantity=1e308),
        {201, 400},
        id="float-max",
    ),
    pytest.param("POST", "/accounts", owner_id(DIGITS), {400}, id="related-id-5000-digits"),
    pytest.param(
        "PATCH",
        "/accounts/1",
        json.dumps({"data": {"type": "accounts", "id": DIGITS, "attributes": {"name": "x"}}}),
        {409},
        id="primary-id-5000-digits",
    ),
    pytest.param(
        "PATCH",
        "/accounts/1/relationships/contacts",
        json.dumps({"data": [{"type": "contacts", "id": DIGITS}]}),
        {400},
        id="relationship-id-5000-digits",
    ),
    pytest.param(
        "DELETE",
        "/accounts",
        json.dumps({"filter": {"id": DIGITS}}),
        {400},
        id="body-filter-5000-digits",
    ),
    # --- NUL bytes and unusual text
    pytest.param("GET", "/users/%00", None, {400}, id="nul-url-id"),
    pytest.param("GET", "/users?filter[username]=%00", None, {400}, id="nul-filter"),
    pytest.param("GET", "/%F0%9F%98%80", None, {404}, id="emoji-type"),
    pytest.param("GET", "/users/%F0%9F%98%80", None, {400}, id="emoji-id"),
    pytest.param("POST", "/accounts", raw_account('"a\\u0000b"'), {400}, id="nul-in-string"),
    pytest.param(
        "POST",
        "/accounts",
        json.dumps({"data": {"type": "accounts", "attributes": {"\u0000": 1}}}),
        {400},
        id="nul-attribute-name",
    ),
    pytest.param(
        "POST",
        "/accounts",
        json.dumps({"data": {"type": "\u0000", "attributes": {"name": "x"}}}),
        {400},
        id="nul-type",
    ),
    pytest.param("POST", "/accounts", raw_account('"\\ud800"'), {400}, id="lone-surrogate"),
    pytest.param(
        "POST", "/accounts", b'{"data": {"type": "accounts\xff"}}', {400}, id="invalid-utf8"
    ),
    pytest.param("POST", "/accounts", "\ufeff" + raw_account('"bom"'), {400}, id="byte-order-mark"),
    pytest.param("POST", "/accounts", raw_account("NaN"), {400}, id="nan-literal"),
    # --- structures where scalars are expected
    pytest.param(
        "POST", "/accounts", raw_account(nested(3, '"a"')), {400}, id="nested-arrays-for-string"
    ),
    pytest.param(
        "POST",
        "/orders",
        with_attributes("orders", currency={"a": [1]}),
        {400},
        id="object-for-currency",
    ),
    pytest.param(
        "POST",
        "/orders",
        with_attributes("orders", shipUntil=[["2017"]]),
        {400},
        id="nested-arrays-for-date",
    ),
    pytest.param(
        "POST",
        "/orders",
        with_attributes("orders", handlingTime=[[1]]),
        {400},
        id="nested-arrays-for-duration",
    ),
    pytest.param(
        "POST",
        "/products",
        with_attributes("products", featured=[[True]]),
        {400},
        id="nested-arrays-for-boolean",
    ),
    pytest.param("POST", "/accounts", owner_id([["1"]]), {400}, id="nested-arrays-for-id"),
    pytest.param(
        "POST",
        "/accounts",
        json.dumps(
            new_doc(
                "accounts",
                relationships={"contacts": {"data": [[{"type": "contacts", "id": "1"}]]}},
            )
        ),
        {400},
        id="nested-arrays-for-linkage",
    ),
    pytest.param(
        "POST",
        "/accounts",
        json.dumps({"data": {"type": {"x": [1]}, "attributes": {"name": "x"}}}),
        {400},
        id="object-for-type",
    ),
    pytest.param(
        "POST", "/accounts", json.dumps({"data": [[[]]]}), {400}, id="nested-arrays-for-data"
    ),
    pytest.param(
        "DELETE",
        "/accounts",
        json.dumps({"filter": {"id": [[[1]]]}}),
        {400},
        id="nested-arrays-in-body-filter",
    ),
    pytest.param(
        "DELETE",
        "/accounts",
        json.dumps({"filter": {"id": {"eq": {"a": {"b": 1}}}}}),
        {400},
        id="nested-objects-in-body-filter",
    ),
    pytest.param(
        "PATCH",
        "/accounts/1/relationships/contacts",
        json.dumps({"data": [[[]]]}),
        {400},
        id="nested-arrays-for-identifiers",
    ),
    # --- deep nesting
    pytest.param("POST", "/accounts", nested(100_000), {400}, id="deep-body"),
    pytest.param("POST", "/accounts", raw_account(nested(600)), {400}, id="deep-string-value"),
    pytest.param(
        "POST",
        "/orders",
        raw_order("trackingData", nested(1000)),
        {201, 400},
        id="deep-json-attribute",
    ),
    pytest.param(
        "POST",
        "/orders",
        raw_order("trackingData", nested(200)),
        {201, 400},
        id="nested-json-attribute",
    ),
    # --- sizes
    pytest.param(
        "POST", "/accounts", raw_account(json.dumps("x" * 1_000_000)), {400}, id="long-string"
    ),
    pytest.param(
        "POST",
        "/accounts",
        with_attributes("accounts", description="x" * 2_000_000),
        {201},
        id="long-text",
    ),
    pytest.param(
        "POST",
        "/accounts",
        json.dumps({"data": {"type": "x" * 100_000, "attributes": {"name": "x"}}}),
        {409},
        id="long-type",
    ),
    pytest.param(
        "POST",
        "/accounts",
        json.dumps({"data": {"type": "accounts", "attributes": {"x" * 10_000: 1}}}),
        {400},
        id="long-attribute-name",
    ),
    pytest.param("GET", "/users?sort=" + "x" * 10_000, None, {400}, id="long-sort"),
    pytest.param(
        "GET", "/users/1?include=" + ",".join(["owner"] * 1000), None, {200}, id="repeated-include"
    ),
    pytest.param(
        "GET", "/users?filter[username]=" + "x" * 10_000, None, {200, 400}, id="long-filter-value"
    ),
]


@pytest.mark.parametrize(("method", "url", "body", "statuses"), CASES)
def test_hostile_input_gets_an_answer_not_a_500(
    http: httpx.Client, method: str, url: str, body: str | bytes | None, statuses: set[int]
) -> None:
    headers = {"Content-Type": JSON_API} if body is not None else {}
    response = http.request(method, url, content=body, headers=headers)
    assert response.status_code in statuses, response.text[:500]
    if response.status_code >= 400:
        assert_error_layout(document(response, response.status_code))


def assert_error_layout(doc: dict[str, Any]) -> None:
    assert list(doc) == ["errors"]
    for item in doc["errors"]:
        assert "id" not in item
        assert list(item) == [name for name in MEMBER_ORDER if name in item]
        assert set(item) <= set(MEMBER_ORDER)
        assert item["status"].isdigit()
        assert item["title"] == item["title"].lower()
        assert len(item.get("source", {})) <= 1


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("Zoë Ångström", id="latin"),
        pytest.param("日本語のアカウント", id="cjk"),
        pytest.param("مرحبا", id="rtl"),
        pytest.param("😀👍🏽🇺🇦", id="emoji"),
        pytest.param("e\u0301\u200b\u202e", id="combining-and-invisible"),
        pytest.param("\\\"'<>&%;", id="punctuation"),
    ],
)
def test_unicode_text_round_trips(http: httpx.Client, name: str) -> None:
    response = http.post(
        "/accounts",
        content=json.dumps(new_doc("accounts", {"name": name})),
        headers={"Content-Type": JSON_API},
    )
    created = document(response, 201)["data"]
    assert created["attributes"]["name"] == name
    assert get(http, f"/accounts/{created['id']}")["data"]["attributes"]["name"] == name


def test_nul_in_text_is_refused_alike_on_every_database(http: httpx.Client) -> None:
    """PostgreSQL's text cannot hold NUL: neither database stores it, both answer 400."""
    response = http.post(
        "/accounts",
        content=json.dumps(new_doc("accounts", {"name": "a\u0000b"})),
        headers={"Content-Type": JSON_API},
    )
    assert document(response, 400)["errors"] == [
        {
            "status": "400",
            "title": "form constraint",
            "detail": "This value is not valid.",
            "source": {"pointer": "/data/attributes/name"},
        }
    ]
    filtered = http.get("/users", params={"filter[username]": "a\u0000"})
    assert document(filtered, 400)["errors"] == [
        {
            "status": "400",
            "title": "filter constraint",
            "detail": 'Expected string value. Given "a\u0000".',
            "source": {"parameter": "filter[username]"},
        }
    ]


ERROR_SAMPLES = [
    pytest.param("GET", "/users/abc", None, id="malformed-id"),
    pytest.param("GET", "/users/999999", None, id="not-found"),
    pytest.param("GET", "/users?filter[id]=x", None, id="filter-parameter"),
    pytest.param("GET", "/nope", None, id="unknown-type"),
    pytest.param("POST", "/accounts", "", id="empty-body"),
    pytest.param("POST", "/accounts", "{", id="malformed-json"),
    pytest.param("POST", "/accounts", json.dumps({"data": {"type": "users"}}), id="conflict"),
    pytest.param(
        "POST",
        "/accounts",
        with_attributes("accounts", name="", nick="x"),
        id="extra-fields-and-pointer",
    ),
    pytest.param("DELETE", "/users", None, id="delete-list-without-filter"),
]


@pytest.mark.parametrize(("method", "url", "body"), ERROR_SAMPLES)
def test_error_objects_have_oros_members_in_order_and_no_id(
    http: httpx.Client, method: str, url: str, body: str | None
) -> None:
    headers = {"Content-Type": JSON_API} if method != "GET" else {}
    response = http.request(method, url, content=body, headers=headers)
    assert 400 <= response.status_code < 500
    assert_error_layout(document(response, response.status_code))
