"""``ApiClient`` and ``Exchange`` against the live seeded server (no authentication): the
exchange's properties and repr, opt-in errors, request previews, parameters, bodies, and
transport failures."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest

from sandbox.auth import BearerToken, ClientCredentials
from sandbox.client import (
    DEFAULT_TIMEOUT,
    JSON_API,
    ApiClient,
    ApiResponseError,
    ConnectionFailed,
    ErrorObject,
    Exchange,
    SandboxError,
)

MS = r"\d+ ms"


@pytest.fixture
def api(api_url: str) -> Iterator[ApiClient]:
    with ApiClient(api_url) as client:
        yield client


def ids(exchange: Exchange) -> list[str]:
    return [item["id"] for item in exchange.data]


# --- the exchange ------------------------------------------------------------------------------


def test_a_collection_exchange(api: ApiClient) -> None:
    exchange = api.get("/users", params={"filter[id][gt]": "27"})
    assert exchange.status == 200
    assert exchange.reason == "OK"
    assert exchange.ok is True
    assert exchange.headers["content-type"] == JSON_API
    assert exchange.raw == exchange.response.content
    assert exchange.size == len(exchange.raw) > 0
    assert exchange.document == orjson.loads(exchange.raw)
    assert exchange.data == exchange.document["data"]
    assert ids(exchange) == ["28", "29", "30"]
    assert exchange.data[0]["attributes"]["username"] == "zoe.sanders_5ba8c"
    assert exchange.included == []
    assert exchange.errors == []
    assert exchange.total_count is None
    assert exchange.elapsed_ms > 0
    assert abs(exchange.sent_at - time.time()) < 60
    assert re.fullmatch(
        rf"<Exchange GET /api/users\?filter\[id\]\[gt\]=27 → 200 OK, 3 items, {MS}>",
        repr(exchange),
    )


def test_the_total_count_comes_with_x_include(api: ApiClient) -> None:
    exchange = api.get(
        "/users", params={"filter[id][gt]": "8"}, headers={"X-Include": "totalCount"}
    )
    assert exchange.total_count == 22
    assert len(exchange.data) == 10  # one page
    assert re.fullmatch(
        rf"<Exchange GET /api/users\?filter\[id\]\[gt\]=8 → 200 OK, 10 items, {MS}>",
        repr(exchange),
    )


def test_one_item_and_included_resources(api: ApiClient) -> None:
    exchange = api.get("/users/1", params=[("include", "organization")])
    assert exchange.data["id"] == "1"
    assert [(i["type"], i["id"]) for i in exchange.included] == [("organizations", "1")]
    assert exchange.included[0]["attributes"]["name"] == "Oro Demo Inc"
    assert re.fullmatch(
        rf"<Exchange GET /api/users/1\?include=organization → 200 OK, {MS}>", repr(exchange)
    )
    one = api.get("/users", params={"filter[id]": "1"})
    assert re.fullmatch(
        rf"<Exchange GET /api/users\?filter\[id\]=1 → 200 OK, 1 item, {MS}>", repr(one)
    )


def test_an_error_exchange_with_a_parameter(api: ApiClient) -> None:
    exchange = api.get("/users", params={"filter[id]": "abc"})
    assert (exchange.status, exchange.reason, exchange.ok) == (400, "Bad Request", False)
    assert exchange.data is None
    assert exchange.errors == [
        ErrorObject(
            "400",
            "filter constraint",
            'Expected integer value. Given "abc".',
            parameter="filter[id]",
        )
    ]
    assert str(exchange.errors[0]) == (
        '400 filter constraint: Expected integer value. Given "abc". (filter[id])'
    )
    assert re.fullmatch(
        rf"<Exchange GET /api/users\?filter\[id\]=abc → 400 Bad Request, 1 error, {MS}>",
        repr(exchange),
    )


@pytest.mark.parametrize(
    ("path", "params", "expected"),
    [
        pytest.param(
            "/users",
            {"filter[id]": "abc"},
            [
                ErrorObject(
                    "400",
                    "filter constraint",
                    'Expected integer value. Given "abc".',
                    parameter="filter[id]",
                )
            ],
            id="parameter",
        ),
        pytest.param(
            "/users/999999",
            None,
            [
                ErrorObject(
                    "404",
                    "not found http exception",
                    "An entity with the requested identifier does not exist.",
                )
            ],
            id="no-source",
        ),
    ],
)
def test_plain_rest_errors_are_read_too(
    api: ApiClient, path: str, params: dict[str, str] | None, expected: list[ErrorObject]
) -> None:
    """Without a JSON:API media type the server answers Oro's plain error format (an array)."""
    exchange = api.get(path, params=params, headers={"Accept": "application/json"})
    assert exchange.headers["content-type"] == "application/json"
    assert isinstance(exchange.document, list)
    assert exchange.errors == expected


def test_plain_error_source_pointer_or_parameter() -> None:
    assert ErrorObject.of_plain({"title": "t", "source": "/data/id"}, 409) == ErrorObject(
        "409", "t", None, pointer="/data/id"
    )
    assert ErrorObject.of_plain({"title": "t", "detail": "d"}, 406) == ErrorObject("406", "t", "d")


def test_an_error_exchange_with_pointers(api: ApiClient) -> None:
    body = {"data": {"type": "users", "attributes": {"username": "new.user"}}}
    exchange = api.post("/users", json=body)
    assert exchange.status == 400
    assert [(e.status, e.title, e.pointer, e.parameter) for e in exchange.errors] == [
        ("400", "not blank constraint", f"/data/attributes/{name}", None)
        for name in ("email", "firstName", "lastName")
    ]
    assert str(exchange.errors[0]) == (
        "400 not blank constraint: This value should not be blank. (/data/attributes/email)"
    )
    assert re.fullmatch(
        rf"<Exchange POST /api/users → 400 Bad Request, 3 errors, {MS}>", repr(exchange)
    )


def test_a_write_and_an_empty_answer(fresh_api_url: str) -> None:
    with ApiClient(fresh_api_url) as api:
        body = {"data": {"type": "users", "id": "21", "attributes": {"firstName": "Zed"}}}
        patched = api.patch("/users/21", json=body)
        assert patched.status == 200
        assert patched.data["attributes"]["firstName"] == "Zed"
        deleted = api.delete("/users/21")
        assert (deleted.status, deleted.reason, deleted.ok) == (204, "No Content", True)
        assert (deleted.raw, deleted.size, deleted.document, deleted.data) == (b"", 0, None, None)
        assert (deleted.included, deleted.errors) == ([], [])
        assert re.fullmatch(
            rf"<Exchange DELETE /api/users/21 → 204 No Content, {MS}>", repr(deleted)
        )
        assert api.get("/users/21").status == 404


def test_a_body_that_is_not_json() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            502, text="<html>Bad gateway</html>", headers={"content-type": "text/html"}
        )

    with ApiClient(
        "http://oro.test/api", http=httpx.Client(transport=httpx.MockTransport(answer))
    ) as api:
        exchange = api.get("/users")
    assert (exchange.document, exchange.data, exchange.included, exchange.errors) == (
        None,
        None,
        [],
        [],
    )
    assert exchange.raw == b"<html>Bad gateway</html>"
    assert re.fullmatch(rf"<Exchange GET /api/users → 502 Bad Gateway, {MS}>", repr(exchange))
    with pytest.raises(
        ApiResponseError, match=r"^502 for GET http://oro.test/api/users: Bad Gateway$"
    ):
        exchange.raise_for_errors()


# --- raising is opt-in -------------------------------------------------------------------------


def test_raise_for_errors_returns_a_good_exchange(api: ApiClient) -> None:
    exchange = api.get("/users/1")
    assert exchange.raise_for_errors() is exchange


def test_raise_for_errors_carries_the_errors(api: ApiClient, api_url: str) -> None:
    exchange = api.get("/users/999")  # no exception here: the sandbox shows errors
    with pytest.raises(ApiResponseError) as raised:
        exchange.raise_for_errors()
    error = raised.value
    assert isinstance(error, SandboxError)
    assert error.exchange is exchange
    assert error.errors == exchange.errors
    assert str(error) == (
        f"404 for GET {api_url}/users/999: 404 not found http exception:"
        " An entity with the requested identifier does not exist."
    )


# --- building requests -------------------------------------------------------------------------


def test_build_request_previews_the_exact_request_without_sending(api_url: str) -> None:
    sent: list[httpx.Request] = []
    with ApiClient(api_url, http=httpx.Client(event_hooks={"request": [sent.append]})) as api:
        body = {"data": {"type": "users", "attributes": {"username": "x"}}}
        request = api.build_request("post", "users", params={"include": "roles"}, json=body)
        assert sent == []
        assert request.method == "POST"
        assert str(request.url) == f"{api_url}/users?include=roles"
        assert request.headers["accept"] == JSON_API
        assert request.headers["content-type"] == JSON_API
        assert request.headers["content-length"] == str(len(orjson.dumps(body)))
        assert request.content == orjson.dumps(body)
        exchange = api.send(request)
        assert sent == [request]
        assert exchange.request is request
        assert exchange.status == 400


class Spec:
    """Anything with ``params()`` and ``headers()``, like ``sandbox.Query``."""

    def params(self) -> list[tuple[str, str]]:
        return [("filter[id][gt]", "27"), ("sort", "-id")]

    def headers(self) -> dict[str, str]:
        return {"X-Include": "totalCount"}


@pytest.mark.parametrize(
    "params",
    [
        pytest.param([("filter[id][gt]", "27"), ("sort", "-id")], id="pairs"),
        pytest.param({"filter[id][gt]": "27", "sort": "-id"}, id="mapping"),
        pytest.param(Spec(), id="query-object"),
    ],
)
def test_params_in_every_form(api: ApiClient, api_url: str, params: Any) -> None:
    request = api.build_request("GET", "/users", params=params)
    assert str(request.url) == f"{api_url}/users?filter%5Bid%5D%5Bgt%5D=27&sort=-id"
    exchange = api.send(request)
    assert ids(exchange) == ["30", "29", "28"]
    assert re.fullmatch(
        rf"<Exchange GET /api/users\?filter\[id\]\[gt\]=27&sort=-id → 200 OK, 3 items, {MS}>",
        repr(exchange),
    )
    if isinstance(params, Spec):
        assert request.headers["x-include"] == "totalCount"
        assert exchange.total_count == 3


def test_headers_override_in_any_case(api: ApiClient) -> None:
    request = api.build_request(
        "PATCH", "/users/1", content=b"{}", headers={"content-type": "application/json"}
    )
    assert request.headers.get_list("content-type") == ["application/json"]
    assert request.headers.get_list("accept") == [JSON_API]
    assert request.content == b"{}"
    assert "content-type" not in api.build_request("GET", "/users").headers


def test_an_absolute_url_is_used_as_it_is(api: ApiClient, api_url: str) -> None:
    request = api.build_request("GET", f"{api_url}/users/2")
    assert str(request.url) == f"{api_url}/users/2"


def test_each_exchange_goes_to_the_hook(api_url: str) -> None:
    seen: list[Exchange] = []
    with ApiClient(api_url, on_exchange=seen.append) as api:
        first = api.get("/users/1")
        second = api.options("/users")
    assert seen == [first, second]
    assert second.status == 200


def test_client_repr_and_timeout(api_url: str) -> None:
    with ApiClient(api_url + "/") as api:
        assert repr(api) == f"<ApiClient {api_url} auth=None>"
        assert api.http.timeout == DEFAULT_TIMEOUT


# --- transport failures ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_a_closed_port_is_a_clear_connection_failure() -> None:
    url = f"http://127.0.0.1:{free_port()}/api"
    with ApiClient(url) as api, pytest.raises(ConnectionFailed) as failed:
        api.get("/users")
    error = failed.value
    assert isinstance(error, SandboxError)
    assert isinstance(error.cause, httpx.ConnectError)
    assert str(error.request.url) == f"{url}/users"
    assert str(error).startswith(f"GET {url}/users got no answer: ConnectError: ")
    assert str(error).endswith(" Is the server running, and is the URL right?")


def test_a_server_that_never_answers_times_out() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # connections complete, nothing is ever read or written
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/api"
        with ApiClient(url, timeout=0.2) as api, pytest.raises(ConnectionFailed) as failed:
            started = time.perf_counter()
            api.get("/users")
        assert time.perf_counter() - started < 5
    assert isinstance(failed.value.cause, httpx.ReadTimeout)
    assert str(failed.value).startswith(f"GET {url}/users got no answer: ReadTimeout")


def test_signed_shows_the_auth_headers_without_sending() -> None:
    with ApiClient("http://127.0.0.1:9/api", auth=BearerToken("t")) as client:
        request = client.build_request("POST", "accounts", json={"a": 1})
        signed = client.signed(request)
    assert (signed.headers["Authorization"], signed.content) == ("Bearer t", b'{"a":1}')
    assert "Authorization" not in request.headers  # the request itself is left alone
    fresh = ClientCredentials("app", "secret")  # no token yet: it would need a round trip
    with ApiClient("http://127.0.0.1:9/api", auth=fresh) as client:
        request = client.build_request("GET", "users")
        assert client.signed(request) is request
    with ApiClient("http://127.0.0.1:9/api") as client:
        request = client.build_request("GET", "users")
        assert client.signed(request) is request
