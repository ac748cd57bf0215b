"""Content negotiation (reference §6 and §21 "Plain REST media types"; checklist "General").

Oro's ``CheckRequestType``: a parameter-free JSON:API ``Accept`` (``q`` allowed) or a JSON:API
``Content-Type`` makes a JSON:API request; anything else is plain REST, answered in plain JSON on
reads and — our decision — refused with 415 on writes. Errors answer in the request's own
format: a JSON:API error document, or for a plain REST request Oro's plain error format (a
top-level array of ``title``/``detail``/``source`` objects, ``application/json``; Oro's
``RestDocumentBuilder`` and RestPlain/InvalidRequestTypeTest).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

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
    get,
    live_server,
    new_doc,
)

BACKENDS = ("sqlite",)  # content negotiation happens before any database work

ACCEPT_PARAMETERS = error(
    "not acceptable http exception",
    'The "Accept" request header should contains at least one instance of JSON:API media type'
    " without any parameters.",
    status=406,
)
CONTENT_TYPE_PARAMETERS = error(
    "unsupported media type http exception",
    'The "Content-Type" request header should contain JSON:API media type without any parameters.',
    status=415,
)
ACCEPT_EXCLUDES_JSON_API = error(
    "not acceptable http exception",
    'The "Accept" request header does not accept JSON:API content type.',
    status=406,
)
ONLY_JSON = error(
    "not acceptable http exception",
    "Only JSON representation of the requested resource is supported.",
    status=406,
)
CONTENT_TYPE_NOT_JSON = error(
    "not acceptable http exception",
    'The "Content-Type" request header must be "application/json" if specified.',
    status=406,
)
PLAIN_WRITE = error(
    "unsupported media type http exception",
    'This server accepts writes only as JSON:API: send the "Content-Type: application/vnd.api+json"'
    " request header.",
    status=415,
)


NOT_FOUND_DETAIL = "An entity with the requested identifier does not exist."
PLAIN_REQUEST_ERRORS = ("ONLY_JSON", "CONTENT_TYPE_NOT_JSON", "PLAIN_WRITE")


def plain_error(error: dict[str, Any]) -> dict[str, Any]:
    """The plain REST form of a JSON:API error object: no status, the source as a string."""
    out = {k: v for k, v in error.items() if k in ("title", "detail")}
    if "source" in error:
        out["source"] = next(iter(error["source"].values()))
    return out


def assert_outcome_errors(response: httpx.Response, error: dict[str, Any]) -> None:
    """A negotiation error in the request's format: plain REST for the outcomes where neither
    ``Accept`` nor ``Content-Type`` names JSON:API, else a JSON:API error document."""
    if any(error is globals()[name] for name in PLAIN_REQUEST_ERRORS):
        assert_plain_errors(response, int(error["status"]), error)
    else:
        assert_errors(response, int(error["status"]), error)


def assert_plain_errors(response: httpx.Response, status: int, *errors: dict[str, Any]) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json() == [plain_error(e) for e in errors]


@pytest.fixture(scope="module")
def server(new_database: NewDatabase) -> Iterator[LiveServer]:
    with live_server(new_database, "negotiation") as live:
        yield live


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with api_client(server) as client:
        yield client


def call(
    http: httpx.Client,
    method: str,
    url: str,
    accept: str | None,
    content_type: str | None,
    body: Any = None,
) -> httpx.Response:
    """A request carrying exactly the ``Accept`` and ``Content-Type`` given (None: absent)."""
    content = None if body is None else json.dumps(body)
    built = http.build_request(method, url, content=content)
    del built.headers["accept"]
    for name, value in (("accept", accept), ("content-type", content_type)):
        built.headers.pop(name, None)
        if value is not None:
            built.headers[name] = value
    return http.send(built)


def plain(resource: dict[str, Any]) -> dict[str, Any]:
    """The plain-JSON form of a JSON:API resource object: attributes and related ids inline."""

    def id_of(identifier: dict[str, str]) -> int | str:
        return int(identifier["id"]) if identifier["id"].isdigit() else identifier["id"]

    out: dict[str, Any] = {"id": id_of(resource), **resource.get("attributes", {})}
    for name, relationship in resource.get("relationships", {}).items():
        data = relationship["data"]
        if isinstance(data, list):
            out[name] = [id_of(item) for item in data]
        else:
            out[name] = None if data is None else id_of(data)
    return out


# --- reads --------------------------------------------------------------------------------------

READS = [
    # (Accept, Content-Type, outcome): "json-api", "plain" or the error
    pytest.param(JSON_API, None, "json-api", id="json-api"),
    pytest.param("application/vnd.api+json;q=0.8", None, "json-api", id="quality"),
    pytest.param("application/vnd.api+json; q=0.8", None, "json-api", id="quality-spaced"),
    pytest.param("Application/VND.API+JSON", None, "json-api", id="case-insensitive"),
    pytest.param("text/html, application/vnd.api+json", None, "json-api", id="among-others"),
    pytest.param(
        "application/vnd.api+json; ext=x, application/vnd.api+json",
        None,
        "json-api",
        id="one-without-parameters",
    ),
    pytest.param(
        "application/vnd.api+json; charset=utf-8", None, ACCEPT_PARAMETERS, id="parameters-only"
    ),
    pytest.param(
        "application/vnd.api+json; ext=x, application/json",
        None,
        ACCEPT_PARAMETERS,
        id="parameters-only-beside-json",
    ),
    pytest.param(None, JSON_API, "json-api", id="content-type-only"),
    pytest.param("application/json", JSON_API, "json-api", id="content-type-accept-json"),
    pytest.param("application/*", JSON_API, "json-api", id="content-type-accept-application"),
    pytest.param("*/*", JSON_API, "json-api", id="content-type-accept-anything"),
    pytest.param("text/html", JSON_API, ACCEPT_EXCLUDES_JSON_API, id="content-type-accept-html"),
    pytest.param(
        JSON_API,
        "application/vnd.api+json; charset=utf-8",
        CONTENT_TYPE_PARAMETERS,
        id="content-type-parameters",
    ),
    pytest.param(
        None,
        "application/vnd.api+json; ext=x",
        CONTENT_TYPE_PARAMETERS,
        id="content-type-parameters-no-accept",
    ),
    pytest.param("application/json", None, "plain", id="accept-json"),
    pytest.param("application/*", None, "plain", id="accept-application"),
    pytest.param("*/*", None, "plain", id="accept-anything"),
    pytest.param("text/html, application/json;q=0.5", None, "plain", id="accept-json-among-others"),
    pytest.param(None, None, "plain", id="no-media-types"),
    pytest.param(None, "application/json", "plain", id="content-type-json"),
    pytest.param("text/html", None, ONLY_JSON, id="accept-html"),
    pytest.param("application/xml", None, ONLY_JSON, id="accept-xml"),
    pytest.param(None, "text/plain", CONTENT_TYPE_NOT_JSON, id="content-type-text"),
]


@pytest.mark.parametrize(("accept", "content_type", "outcome"), READS)
def test_read_negotiation(
    http: httpx.Client, accept: str | None, content_type: str | None, outcome: Any
) -> None:
    response = call(http, "GET", "/users/1", accept, content_type)
    if outcome == "json-api":
        assert document(response, 200)["data"]["id"] == "1"
    elif outcome == "plain":
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert response.json() == plain(get(http, "/users/1")["data"])
    else:
        assert_outcome_errors(response, outcome)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("/users/1", id="item"),
        pytest.param("/businessunits/2", id="item-with-to-many"),
        pytest.param("/countries/CA", id="string-id"),
        pytest.param("/users/1/owner", id="to-one-subresource"),
    ],
)
def test_plain_json_item_has_attributes_and_related_ids_inline(
    http: httpx.Client, url: str
) -> None:
    response = http.get(url, headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == plain(get(http, url)["data"])


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("/users?page[size]=3", id="list"),
        pytest.param("/countries?filter[id]=CA,US", id="filtered-list"),
        pytest.param("/users/2/businessUnits", id="to-many-subresource"),
    ],
)
def test_plain_json_list_is_an_array(http: httpx.Client, url: str) -> None:
    response = http.get(url, headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == [plain(item) for item in get(http, url)["data"]]


def test_plain_json_relationships_are_ids(http: httpx.Client) -> None:
    accept = {"Accept": "application/json"}
    to_many = http.get("/users/2/relationships/businessUnits", headers=accept)
    to_one = http.get("/users/2/relationships/owner", headers=accept)
    assert (to_many.status_code, to_many.json()) == (200, [1, 4])
    assert (to_one.status_code, to_one.json()) == (200, 1)


@pytest.mark.parametrize(
    ("url", "status", "errors"),
    [
        pytest.param(
            "/users/999999",
            404,
            [error("not found http exception", NOT_FOUND_DETAIL, status=404)],
            id="not-found",
        ),
        pytest.param(
            "/nope/1/owner",
            404,
            [error("entity type constraint", "Unknown parent entity type: nope.", status=404)],
            id="unknown-parent-type",
        ),
        pytest.param(
            "/users?filter[id]=x&sort=nope",
            400,
            [
                error("filter constraint", 'Expected integer value. Given "x".', status=400)
                | {"source": {"parameter": "filter[id]"}},
                error("sort constraint", 'Sorting by "nope" field is not supported.', status=400)
                | {"source": {"parameter": "sort"}},
            ],
            id="several-with-sources",
        ),
    ],
)
def test_plain_json_errors_are_a_top_level_array(
    http: httpx.Client, url: str, status: int, errors: list[dict[str, Any]]
) -> None:
    """Oro's plain REST error format: an array of error objects, ``application/json``."""
    for accept in ("application/json", None):
        assert_plain_errors(call(http, "GET", url, accept, None), status, *errors)


def test_plain_json_error_body_is_exactly_oros_layout(http: httpx.Client) -> None:
    response = call(http, "GET", "/users?filter[id]=x", "application/json", None)
    assert response.json() == [
        {
            "title": "filter constraint",
            "detail": 'Expected integer value. Given "x".',
            "source": "filter[id]",
        }
    ]


# --- writes -------------------------------------------------------------------------------------

WRITES = [
    pytest.param(JSON_API, JSON_API, 201, id="json-api"),
    pytest.param(None, JSON_API, 201, id="content-type-only"),
    pytest.param("application/json", JSON_API, 201, id="accept-json"),
    pytest.param("*/*", JSON_API, 201, id="accept-anything"),
    pytest.param("application/vnd.api+json;q=0.9", JSON_API, 201, id="accept-quality"),
    pytest.param(JSON_API, None, 201, id="accept-only"),
    pytest.param(JSON_API, "application/json", 201, id="accept-json-api-body-json"),
    pytest.param("text/html", JSON_API, ACCEPT_EXCLUDES_JSON_API, id="accept-html"),
    pytest.param(
        JSON_API,
        "application/vnd.api+json; charset=utf-8",
        CONTENT_TYPE_PARAMETERS,
        id="content-type-parameters",
    ),
    pytest.param(
        "application/vnd.api+json; charset=utf-8",
        JSON_API,
        ACCEPT_PARAMETERS,
        id="accept-parameters",
    ),
    pytest.param("application/json", "application/json", PLAIN_WRITE, id="plain-json"),
    pytest.param(None, "application/json", PLAIN_WRITE, id="plain-json-no-accept"),
    pytest.param(None, None, PLAIN_WRITE, id="no-media-types"),
    pytest.param(None, "text/plain", CONTENT_TYPE_NOT_JSON, id="content-type-text"),
    pytest.param("text/html", None, ONLY_JSON, id="accept-html-no-content-type"),
]


@pytest.mark.parametrize(("accept", "content_type", "outcome"), WRITES)
def test_create_negotiation(
    http: httpx.Client, accept: str | None, content_type: str | None, outcome: Any
) -> None:
    doc = new_doc("accounts", {"name": "Negotiated"})
    before = http.get("/accounts?filter[name]=Negotiated", headers={"X-Include": "totalCount"})
    response = call(http, "POST", "/accounts", accept, content_type, doc)
    after = http.get("/accounts?filter[name]=Negotiated", headers={"X-Include": "totalCount"})
    total = int(after.headers["x-include-total-count"]) - int(
        before.headers["x-include-total-count"]
    )
    if outcome == 201:
        created = document(response, 201)
        assert response.headers["location"].endswith(f"/api/accounts/{created['data']['id']}")
        assert total == 1
    else:
        assert_outcome_errors(response, outcome)
        assert total == 0


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        pytest.param(
            "PATCH",
            "/accounts/1",
            {"data": {"type": "accounts", "id": "1", "attributes": {"name": "Plain"}}},
            id="update",
        ),
        pytest.param("DELETE", "/accounts/1", None, id="delete"),
        pytest.param("DELETE", "/accounts?filter[id]=1", None, id="delete-list"),
        pytest.param(
            "PATCH",
            "/accounts/1/relationships/referredBy",
            {"data": {"type": "accounts", "id": "2"}},
            id="relationship",
        ),
    ],
)
def test_plain_json_writes_are_refused_and_change_nothing(
    http: httpx.Client, method: str, url: str, body: Any
) -> None:
    before = get(http, "/accounts/1")
    response = call(http, method, url, "application/json", "application/json", body)
    assert_plain_errors(response, 415, PLAIN_WRITE)
    assert get(http, "/accounts/1") == before


# --- what JSON:API responses carry ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status"),
    [
        pytest.param("/users?page[size]=2", 200, id="list"),
        pytest.param("/users/1?include=owner,userRoles", 200, id="item-with-included"),
        pytest.param("/users/1/owner", 200, id="subresource"),
        pytest.param("/users/1/relationships/businessUnits", 200, id="relationship"),
        pytest.param("/users/999999", 404, id="not-found"),
        pytest.param("/users?filter[id]=x", 400, id="bad-filter"),
        pytest.param("/nope", 404, id="unknown-type"),
    ],
)
def test_json_api_responses_have_the_media_type_and_no_jsonapi_member(
    http: httpx.Client, url: str, status: int
) -> None:
    response = http.get(url)
    assert response.headers["content-type"] == JSON_API  # no parameters
    doc = document(response, status)
    assert "jsonapi" not in doc


def test_the_jsonapi_member_is_accepted_on_relationship_writes(http: httpx.Client) -> None:
    body = {"jsonapi": {"version": "1.0"}, "data": {"type": "accounts", "id": "3"}}
    response = call(http, "PATCH", "/accounts/2/relationships/referredBy", JSON_API, JSON_API, body)
    assert response.status_code == 204
    assert get(http, "/accounts/2/relationships/referredBy")["data"] == {
        "type": "accounts",
        "id": "3",
    }
