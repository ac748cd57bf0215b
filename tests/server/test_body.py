"""The leaf parsers of request input: body bytes (``server.jsonapi.body``) and id texts
(``server.jsonapi.ids``)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from server.domain.resources import build_registry
from server.jsonapi.body import load_json
from server.jsonapi.errors import ApiError
from server.jsonapi.ids import format_id, parse_id

REGISTRY = build_registry()
EMPTY = {
    "status": "400",
    "title": "request data constraint",
    "detail": "The request data should not be empty.",
}


# --- load_json ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(b'{"data": null}', {"data": None}, id="object"),
        pytest.param('{"data": {"type": "users"}}', {"data": {"type": "users"}}, id="str-input"),
        pytest.param(b" \n[1, 2]\n", [1, 2], id="array-with-whitespace"),
        pytest.param(b'"text"', "text", id="scalar-is-left-to-request-doc"),
        pytest.param(b"{}", {}, id="empty-object-is-left-to-request-doc"),
    ],
)
def test_load_json_decodes(raw: bytes | str, expected: Any) -> None:
    assert load_json(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"   ", id="spaces"),
        pytest.param(b" \r\n\t ", id="whitespace"),
        pytest.param("", id="empty-str"),
    ],
)
def test_empty_body_is_a_request_data_error(raw: bytes | str) -> None:
    with pytest.raises(ApiError) as caught:
        load_json(raw)
    assert caught.value.status == 400
    assert caught.value.to_dict() == EMPTY


@pytest.mark.parametrize(
    ("raw", "position"),
    [
        pytest.param(b'{"data": {"type": test"}}', "[1:19]", id="oro-test-document"),
        pytest.param(b"{", "[1:2]", id="unterminated"),
        pytest.param(b'{"a": 1,}', "[1:8]", id="trailing-comma"),
        pytest.param(b'{"a": NaN}', "[1:7]", id="nan"),
        pytest.param(b'{"a": 1}\n\nx', "[3:1]", id="content-after-document"),
        pytest.param(b"\xef\xbb\xbf{}", "[1:1]", id="byte-order-mark"),
        pytest.param(b'{"a": "\xff"}', "[1:1]", id="not-utf8"),
    ],
)
def test_malformed_json_is_a_bad_request(raw: bytes, position: str) -> None:
    with pytest.raises(ApiError) as caught:
        load_json(raw)
    error = caught.value.to_dict()
    assert caught.value.status == 400
    assert set(error) == {"status", "title", "detail"}
    assert error["title"] == "bad request http exception"
    prefix = f"Invalid json message received. Parsing error in {position}. "
    assert error["detail"].startswith(prefix), error["detail"]
    assert re.fullmatch(r"[A-Z][^\n]*\.", error["detail"][len(prefix) :]), error["detail"]


def test_malformed_json_names_the_parser_problem() -> None:
    with pytest.raises(ApiError) as caught:
        load_json(b'{"a": 1,}')
    assert caught.value.detail == (
        "Invalid json message received. Parsing error in [1:8]. Trailing comma is not allowed."
    )


# --- parse_id / format_id ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "text", "stored"),
    [
        pytest.param("users", "1", 1, id="integer"),
        pytest.param("users", "007", 7, id="leading-zeros"),
        pytest.param("users", "-5", -5, id="negative"),
        pytest.param("users", "9223372036854775807", 2**63 - 1, id="int64-max"),
        pytest.param("users", "-9223372036854775808", -(2**63), id="int64-min"),
        pytest.param("countries", "US", "US", id="string"),
        pytest.param("countries", " a b ", " a b ", id="string-as-is"),
        pytest.param("contactsources", "tv", "tv", id="string-enum-option"),
    ],
)
def test_parse_id(type_: str, text: str, stored: Any) -> None:
    assert parse_id(REGISTRY[type_], text) == stored


@pytest.mark.parametrize(
    ("type_", "text", "detail"),
    [
        pytest.param("users", "abc", 'Expected integer value. Given "abc".', id="word"),
        pytest.param("users", "1.5", 'Expected integer value. Given "1.5".', id="decimal"),
        pytest.param("users", "1e3", 'Expected integer value. Given "1e3".', id="exponent"),
        pytest.param("users", "+1", 'Expected integer value. Given "+1".', id="plus-sign"),
        pytest.param("users", " 1", 'Expected integer value. Given " 1".', id="space"),
        pytest.param("users", "1\n", 'Expected integer value. Given "1\n".', id="newline"),
        pytest.param("users", "", 'Expected integer value. Given "".', id="empty-integer"),
        pytest.param("users", "١", 'Expected integer value. Given "١".', id="arabic-digit"),
        pytest.param(
            "users",
            "9223372036854775808",
            'Expected integer value. Given "9223372036854775808".',
            id="above-int64",
        ),
        pytest.param(
            "countries", "", 'Expected not empty string value. Given "".', id="empty-string"
        ),
    ],
)
def test_parse_id_rejects(type_: str, text: str, detail: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_id(REGISTRY[type_], text)
    assert caught.value.status == 400
    assert caught.value.to_dict() == {
        "status": "400",
        "title": "entity identifier constraint",
        "detail": detail,
    }


@pytest.mark.parametrize(
    ("where", "source"),
    [
        pytest.param({"pointer": "/data/id"}, {"pointer": "/data/id"}, id="pointer"),
        pytest.param({"parameter": "id"}, {"parameter": "id"}, id="parameter"),
    ],
)
def test_parse_id_error_source(where: dict[str, str], source: dict[str, str]) -> None:
    with pytest.raises(ApiError) as caught:
        parse_id(REGISTRY["users"], "abc", **where)
    assert caught.value.to_dict()["source"] == source


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param(1, "1", id="integer"),
        pytest.param(2**63 - 1, "9223372036854775807", id="big-integer"),
        pytest.param("US", "US", id="string"),
    ],
)
def test_format_id(value: Any, text: str) -> None:
    assert format_id(value) == text
