"""What the write tests share: a server of their own, a client, sending and checking documents,
expected error objects, and records made for a test."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import socket
from collections.abc import Iterator
from typing import Any, Literal

import httpx
import sqlalchemy as sa

from tests.jsonapi_schema import assert_valid_request, assert_valid_response
from tests.live_server import LiveServer
from tests.postgres import NewDatabase

JSON_API = "application/vnd.api+json"
RequestKind = Literal["create_resource", "update_resource", "update_relationship"]
_serial = itertools.count(1)


@contextlib.contextmanager
def live_server(new_database: NewDatabase, name: str) -> Iterator[LiveServer]:
    """A seeded server on a database of its own (``new_database``: tests/server/conftest.py),
    for one test module."""
    live = LiveServer(new_database(name))
    # Accepted sockets inherit TCP_NODELAY from the listener; without it every keep-alive
    # request waits ~40 ms for a delayed ACK.
    live.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with live:
        yield live


@contextlib.contextmanager
def api_client(live: LiveServer) -> Iterator[httpx.Client]:
    """A JSON:API client of ``live``; writes add ``Content-Type`` themselves (:func:`send`)."""
    with httpx.Client(
        base_url=live.origin + "/api", headers={"Accept": JSON_API}, timeout=30
    ) as client:
        yield client


def send(
    http: httpx.Client,
    method: str,
    url: str,
    doc: Any = None,
    *,
    raw: bytes | str | None = None,
    kind: RequestKind | None = None,
) -> httpx.Response:
    """A write with a JSON:API body; ``kind`` validates a body that is meant to be valid."""
    if kind is not None:
        assert_valid_request(doc, kind)
    content = raw if raw is not None else json.dumps(doc)
    return http.request(method, url, content=content, headers={"Content-Type": JSON_API})


def document(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == JSON_API
    doc = response.json()
    assert_valid_response(doc)
    assert "jsonapi" not in doc
    return doc


def error(
    title: str, detail: str, pointer: str | None = None, *, status: int = 400
) -> dict[str, Any]:
    item: dict[str, Any] = {"status": str(status), "title": title, "detail": detail}
    if pointer is not None:
        item["source"] = {"pointer": pointer}
    return item


def assert_errors(response: httpx.Response, status: int, *errors: dict[str, Any]) -> None:
    assert "location" not in response.headers
    assert document(response, status) == {"errors": list(errors)}


def attr(name: str) -> str:
    return f"/data/attributes/{name}"


def rel(name: str) -> str:
    return f"/data/relationships/{name}/data"


def form(name: str, detail: str = "This value is not valid.") -> dict[str, Any]:
    return error("form constraint", detail, attr(name))


def blank(pointer: str) -> dict[str, Any]:
    return error("not blank constraint", "This value should not be blank.", pointer)


def extra(*names: str) -> dict[str, Any]:
    listed = ", ".join(f'"{name}"' for name in names)
    return error("extra fields constraint", f"This form should not contain extra fields: {listed}.")


def request_data(detail: str, pointer: str | None = None) -> dict[str, Any]:
    return error("request data constraint", detail, pointer)


TYPE_MISMATCH = error(
    "conflict constraint",
    "The 'type' property of the primary data object should match the requested resource",
    "/data/type",
    status=409,
)
EMPTY = request_data("The request data should not be empty.")


def one(type_: str, id_: str) -> dict[str, Any]:
    return {"data": {"type": type_, "id": id_}}


def required(type_: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Attributes and relationships a new record of ``type_`` needs, unique values made unique."""
    n = next(_serial)
    return {
        "accounts": ({"name": f"Account {n}"}, {}),
        "contacts": ({"lastName": f"Last {n}"}, {}),
        "users": (
            {
                "username": f"writer{n}",
                "email": f"writer{n}@example.com",
                "firstName": "Wendy",
                "lastName": "Writer",
            },
            {},
        ),
        "products": ({"sku": f"W-{n}", "name": f"Product {n}"}, {}),
        "orders": ({"currency": "USD"}, {"customer": one("customers", "1")}),
        "orderlineitems": (
            {"productSku": f"W-{n}", "quantity": 1},
            {"order": one("orders", "1")},
        ),
        "userroles": ({"label": f"Role {n}"}, {}),
        "organizations": ({"name": f"Organization {n}"}, {}),
        "tasks": ({"subject": f"Task {n}"}, {}),
        "businessunits": ({"name": f"Unit {n}"}, {"owner": one("businessunits", "1")}),
    }[type_]


def new_doc(type_: str, attributes: Any = None, relationships: Any = None) -> dict[str, Any]:
    base_attributes, base_relationships = required(type_)
    data: dict[str, Any] = {"type": type_, "attributes": {**base_attributes, **(attributes or {})}}
    if base_relationships or relationships:
        data["relationships"] = {**base_relationships, **(relationships or {})}
    return {"data": data}


def create(
    http: httpx.Client, type_: str, attributes: Any = None, relationships: Any = None
) -> dict[str, Any]:
    """A new record (201 asserted); returns its resource object."""
    doc = new_doc(type_, attributes, relationships)
    return document(send(http, "POST", f"/{type_}", doc, kind="create_resource"), 201)["data"]


def get(http: httpx.Client, url: str) -> dict[str, Any]:
    return document(http.get(url), 200)


def assert_recent(stamp: str) -> None:
    """A server timestamp: UTC ``Z`` form, set within the last minutes (the server's clock)."""
    moment = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    assert abs(dt.datetime.now(dt.UTC) - moment) < dt.timedelta(minutes=5), stamp


def row_counts(server: LiveServer) -> dict[str, int]:
    """Rows of every table of the server's database."""
    engine = sa.create_engine(server.settings.database_url)
    try:
        with engine.connect() as connection:
            names = sa.inspect(connection).get_table_names()
            return {
                name: connection.scalar(sa.text(f'SELECT count(*) FROM "{name}"')) or 0
                for name in names
            }
    finally:
        engine.dispose()
