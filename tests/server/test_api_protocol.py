"""Routes and methods: 405 + ``Allow``, OPTIONS, and the 404s of unknown paths (reference §5.1).

Nothing here changes data: a 405 is decided before any action runs. The module has a server of
its own only because it is faster than the shared one (see ``live_server``).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.live_server import LiveServer
from tests.postgres import NewDatabase
from tests.server.write_support import (
    JSON_API,
    api_client,
    assert_errors,
    document,
    error,
    live_server,
)

ITEM = "OPTIONS, GET, PATCH, DELETE"
LIST = "OPTIONS, GET, PATCH, POST, DELETE"  # PATCH: the Batch API, enabled on users
NO_BATCH = "OPTIONS, GET, POST, DELETE"  # tasks: the Batch API is not enabled
TO_ONE = "OPTIONS, GET, PATCH"
TO_MANY = "OPTIONS, GET, PATCH, POST, DELETE"
READ = "OPTIONS, GET"


@pytest.fixture(scope="module")
def server(new_database: NewDatabase) -> Iterator[LiveServer]:
    with live_server(new_database, "protocol") as live:
        yield live


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with api_client(server) as client:
        yield client


def request(http: httpx.Client, method: str, url: str) -> httpx.Response:
    """``method`` with a valid-looking JSON:API body where a body makes sense."""
    body = '{"data": []}' if method in ("POST", "PATCH", "DELETE", "PUT") else None
    headers = {"Content-Type": JSON_API} if body else {}
    return http.request(method, url, content=body, headers=headers)


# --- 405 ----------------------------------------------------------------------------------------

NOT_ALLOWED = [
    # methods no route serves
    pytest.param("PUT", "/users", LIST, id="put-list"),
    pytest.param("PUT", "/users/1", ITEM, id="put-item"),
    pytest.param("PUT", "/users/abc", ITEM, id="put-item-malformed-id"),
    pytest.param("PUT", "/users/999999", ITEM, id="put-item-missing"),
    pytest.param("PUT", "/users/1/businessUnits", READ, id="put-subresource"),
    pytest.param("PUT", "/users/1/relationships/businessUnits", TO_MANY, id="put-to-many"),
    pytest.param("HEAD", "/users", LIST, id="head-list"),
    pytest.param("HEAD", "/users/1", ITEM, id="head-item"),
    pytest.param("HEAD", "/users/1/owner", READ, id="head-subresource"),
    pytest.param("HEAD", "/users/1/relationships/owner", TO_ONE, id="head-to-one"),
    pytest.param("TRACE", "/users/1", ITEM, id="trace"),
    # methods a route has no action for
    pytest.param("POST", "/users/1", ITEM, id="post-item"),
    pytest.param("PATCH", "/tasks", NO_BATCH, id="patch-list-without-batch-api"),
    pytest.param("POST", "/users/1/owner", READ, id="post-subresource"),
    pytest.param("PATCH", "/users/1/businessUnits", READ, id="patch-subresource"),
    pytest.param("DELETE", "/users/1/businessUnits", READ, id="delete-subresource"),
    pytest.param("POST", "/users/1/relationships/owner", TO_ONE, id="post-to-one"),
    pytest.param("DELETE", "/users/1/relationships/owner", TO_ONE, id="delete-to-one"),
    # actions the resource disables (enum options and dictionaries are read-only)
    pytest.param("POST", "/contactsources", READ, id="create-enum-option"),
    pytest.param("DELETE", "/contactsources?filter[id]=call", READ, id="delete-list-enum"),
    pytest.param("PATCH", "/contactsources/call", READ, id="update-enum-option"),
    pytest.param("DELETE", "/contactsources/call", READ, id="delete-enum-option"),
    pytest.param("PATCH", "/orderstatuses/open", READ, id="update-order-status"),
    pytest.param("POST", "/countries", READ, id="create-country"),
    pytest.param("PATCH", "/countries/CA", READ, id="update-country"),
    pytest.param("DELETE", "/countries/CA", READ, id="delete-country"),
    pytest.param("DELETE", "/countries/XX", READ, id="delete-missing-country"),
    pytest.param("PATCH", "/regions/CA-BC/relationships/country", READ, id="country-of-region"),
    # weight units are written by id (upsert, reference §13), never deleted
    pytest.param("DELETE", "/weightunits/kg", "OPTIONS, GET, PATCH", id="delete-weight-unit"),
]


@pytest.mark.parametrize(("method", "url", "allow"), NOT_ALLOWED)
def test_an_unsupported_method_is_405_with_allow_and_no_body(
    http: httpx.Client, method: str, url: str, allow: str
) -> None:
    response = request(http, method, url)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.content == b""
    assert "content-type" not in response.headers


def test_a_refused_delete_leaves_the_record(http: httpx.Client) -> None:
    assert request(http, "DELETE", "/countries/CA").status_code == 405
    assert document(http.get("/countries/CA"), 200)["data"]["id"] == "CA"


# --- OPTIONS ------------------------------------------------------------------------------------

OPTIONS = [
    pytest.param("/users", LIST, id="list"),
    pytest.param("/users/1", ITEM, id="item"),
    pytest.param("/users/abc", ITEM, id="malformed-id"),
    pytest.param("/users/999999", ITEM, id="missing-id"),
    pytest.param("/users/1/owner", READ, id="to-one-subresource"),
    pytest.param("/users/1/businessUnits", READ, id="to-many-subresource"),
    pytest.param("/users/1/relationships/owner", TO_ONE, id="to-one-relationship"),
    pytest.param("/users/1/relationships/businessUnits", TO_MANY, id="to-many-relationship"),
    pytest.param("/orders/1/relationships/lineItems", READ, id="read-only-relationship"),
    pytest.param("/contactsources", READ, id="enum-list"),
    pytest.param("/countries/CA", READ, id="dictionary-item"),
    pytest.param("/countries/CA/relationships/regions", READ, id="dictionary-relationship"),
]


@pytest.mark.parametrize(("url", "allow"), OPTIONS)
@pytest.mark.parametrize(
    "accept",
    [
        pytest.param(JSON_API, id="json-api"),
        pytest.param(None, id="no-accept"),
        pytest.param("text/html", id="html"),  # no negotiation: CORS preflights send anything
    ],
)
def test_options_answers_200_with_allow_and_caching_headers(
    http: httpx.Client, url: str, allow: str, accept: str | None
) -> None:
    built = http.build_request("OPTIONS", url)
    del built.headers["accept"]
    if accept is not None:
        built.headers["accept"] = accept
    response = http.send(built)
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-length"] == "0"
    assert response.headers["allow"] == allow
    assert response.headers["cache-control"] == "max-age=600, public"
    assert response.headers["vary"] == "Origin"
    assert "content-type" not in response.headers


def test_allow_follows_oros_method_order(http: httpx.Client) -> None:
    order = ["OPTIONS", "GET", "PATCH", "POST", "DELETE"]
    for url, _allow in [param.values for param in OPTIONS]:
        methods = http.options(url).headers["allow"].split(", ")
        assert methods == sorted(methods, key=order.index)


# --- 404 ----------------------------------------------------------------------------------------


def unknown_type(name: str, noun: str = "entity type") -> dict[str, str]:
    return error("entity type constraint", f"Unknown {noun}: {name}.", status=404)


def unknown_parent(name: str) -> dict[str, str]:
    """Below an item (sub-resource and relationship routes) Oro names the parent type."""
    return unknown_type(name, "parent entity type")


UNSUPPORTED = error("relationship constraint", "Unsupported subresource.", status=404)

UNKNOWN = [
    pytest.param(method, url, expected, id=f"{label}-{method}")
    for label, url, expected in [
        ("type", "/nope", unknown_type("nope")),
        ("type-item", "/nope/1", unknown_type("nope")),
        ("type-subresource", "/nope/1/owner", unknown_parent("nope")),
        ("type-relationship", "/nope/1/relationships/owner", unknown_parent("nope")),
        ("type-relationships-segment", "/nope/1/relationships", unknown_parent("nope")),
        ("singular-type", "/user/1", unknown_type("user")),
        ("case", "/Users", unknown_type("Users")),
        ("association", "/users/1/friends", UNSUPPORTED),
        ("relationship", "/users/1/relationships/friends", UNSUPPORTED),
        ("relationships-segment", "/users/1/relationships", UNSUPPORTED),
        ("association-of-missing-record", "/users/999999/friends", UNSUPPORTED),
    ]
    for method in ("GET", "POST", "PATCH", "DELETE", "OPTIONS")
]


@pytest.mark.parametrize(("method", "url", "expected"), UNKNOWN)
def test_unknown_types_and_associations_are_404_on_every_method(
    http: httpx.Client, method: str, url: str, expected: dict[str, str]
) -> None:
    assert_errors(request(http, method, url), 404, expected)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/users/1/owner/x", id="below-subresource"),
        pytest.param("/users/1/relationships/owner/x", id="below-relationship"),
        pytest.param("/users/1/a/b/c", id="five-segments"),
        pytest.param("/", id="api-root"),
    ],
)
def test_deeper_unknown_paths_are_404(http: httpx.Client, server: LiveServer, path: str) -> None:
    url = f"{server.origin}/api{path}"
    expected = error("not found http exception", f'No route found for "GET {url}".', status=404)
    assert_errors(http.get(url), 404, expected)
