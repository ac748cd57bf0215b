"""RequestSpec: paths per action, presets, body templates (pure), and templates the server takes."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache

import pytest

from sandbox import ApiClient, Metadata
from sandbox.metadata import Attribute
from sandbox.spec import (
    ACTIONS,
    RequestSpec,
    SpecError,
    body_template,
    included_template,
    related_choice,
    sample_value,
)
from server.domain.resources import build_registry
from server.openapi import build_openapi


@cache
def metadata() -> Metadata:
    return Metadata.from_openapi(build_openapi(build_registry()))


@pytest.mark.parametrize(
    ("spec", "method", "target"),
    [
        pytest.param(RequestSpec("accounts"), "GET", "accounts", id="get_list"),
        pytest.param(RequestSpec("accounts", "get", "1"), "GET", "accounts/1", id="get"),
        pytest.param(RequestSpec("accounts", "create"), "POST", "accounts", id="create"),
        pytest.param(RequestSpec("accounts", "update", " 7 "), "PATCH", "accounts/7", id="update"),
        pytest.param(RequestSpec("accounts", "delete", "7"), "DELETE", "accounts/7", id="delete"),
        pytest.param(
            RequestSpec("accounts", "delete_list"), "DELETE", "accounts", id="delete_list"
        ),
        pytest.param(
            RequestSpec("accounts", "get_subresource", "1", "owner"),
            "GET",
            "accounts/1/owner",
            id="get_subresource",
        ),
        pytest.param(
            RequestSpec("accounts", "get_relationship", "1", "contacts"),
            "GET",
            "accounts/1/relationships/contacts",
            id="get_relationship",
        ),
        pytest.param(
            RequestSpec("accounts", "add_relationship", "1", "contacts"),
            "POST",
            "accounts/1/relationships/contacts",
            id="add_relationship",
        ),
        pytest.param(
            RequestSpec("users", "get", "a/b c"), "GET", "users/a%2Fb%20c", id="id quoted"
        ),
        pytest.param(
            RequestSpec(
                "accounts", params=(("filter[id]", "5,7"), ("filter[name][contains]", "A&B"))
            ),
            "GET",
            "accounts?filter[id]=5,7&filter[name][contains]=A%26B",
            id="params as written",
        ),
    ],
)
def test_method_and_target(spec: RequestSpec, method: str, target: str) -> None:
    assert (spec.method, spec.target) == (method, target)


@pytest.mark.parametrize(
    ("spec", "problems"),
    [
        pytest.param(RequestSpec("accounts"), [], id="list ready"),
        pytest.param(RequestSpec(""), ["choose a resource type"], id="no type"),
        pytest.param(
            RequestSpec("accounts", "get"), ["get needs the id of a accounts record"], id="no id"
        ),
        pytest.param(
            RequestSpec("accounts", "get_relationship", "1"),
            ["get_relationship needs a relationship"],
            id="no relationship",
        ),
    ],
)
def test_problems(spec: RequestSpec, problems: list[str]) -> None:
    assert spec.problems() == problems


def test_unknown_action() -> None:
    with pytest.raises(SpecError, match="unknown action 'explode'"):
        RequestSpec("accounts", "explode")


def test_build_refuses_an_unready_spec() -> None:
    with ApiClient("http://127.0.0.1:9/api") as client, pytest.raises(SpecError, match="id"):
        RequestSpec("accounts", "delete").build(client)


def test_build_sends_body_headers_and_literal_query() -> None:
    spec = RequestSpec(
        "accounts",
        "update",
        "3",
        params=(("include", "owner"),),
        headers=(("X-Include", "noHateoas"),),
        body='{"data": {}}',
    )
    with ApiClient("http://127.0.0.1:9/api") as client:
        request = spec.build(client)
    assert (request.method, str(request.url)) == (
        "PATCH",
        "http://127.0.0.1:9/api/accounts/3?include=owner",
    )
    assert request.headers["content-type"] == "application/vnd.api+json"
    assert request.headers["x-include"] == "noHateoas"
    assert request.content == b'{"data": {}}'


def test_body_is_not_sent_by_a_read() -> None:
    with ApiClient("http://127.0.0.1:9/api") as client:
        request = RequestSpec("accounts", body="{}").build(client)
    assert request.content == b""


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param(RequestSpec("accounts"), id="plain list"),
        pytest.param(
            RequestSpec(
                "accounts",
                params=(("filter[name][contains]", "Acme & Co"), ("include", "owner,contacts")),
                headers=(("X-Include", "totalCount;noHateoas"),),
            ),
            id="filters and headers",
        ),
        pytest.param(
            RequestSpec("contacts", "get", "12", params=(("fields[contacts]", ""),)), id="get"
        ),
        pytest.param(
            RequestSpec("accounts", "add_relationship", "1", "contacts", body='{"data": []}'),
            id="relationship write with body",
        ),
    ],
)
def test_preset_round_trip(spec: RequestSpec) -> None:
    assert RequestSpec.from_preset(spec.to_preset()) == spec


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "?type=users&filter[id][gt]=8&voila-theme=dark",
            RequestSpec("users", params=(("filter[id][gt]", "8"),)),
            id="voila keys ignored",
        ),
        pytest.param("type=users&action=explode", RequestSpec("users"), id="unknown action"),
        pytest.param(
            "type=users&header=X-Include:%20totalCount&header=nonsense",
            RequestSpec("users", headers=(("X-Include", "totalCount"),)),
            id="headers",
        ),
        pytest.param("", RequestSpec(""), id="empty"),
    ],
)
def test_from_preset(text: str, expected: RequestSpec) -> None:
    assert RequestSpec.from_preset(text) == expected


def test_preset_leaves_out_what_the_action_does_not_take() -> None:
    assert (
        RequestSpec("accounts", "get_list", "9", "owner", body="{}").to_preset() == "type=accounts"
    )


@pytest.mark.parametrize(
    ("attribute", "value"),
    [
        pytest.param(Attribute("status", "enum", "enum", ("open", "closed")), "open", id="enum"),
        pytest.param(
            Attribute("email", "string", "string"), "sandbox.example@example.com", id="email"
        ),
        pytest.param(Attribute("birthday", "date", "date"), "2026-01-02", id="date"),
        pytest.param(
            Attribute("at", "datetime", "datetime"), "2026-01-02T09:00:00Z", id="datetime"
        ),
        pytest.param(Attribute("total", "money", "money"), "10.00", id="money"),
        pytest.param(Attribute("odd", "unheard_of", "json"), "Sandbox example", id="unknown type"),
    ],
)
def test_sample_value(attribute: Attribute, value: object) -> None:
    assert sample_value(attribute, today=dt.date(2026, 1, 2)) == value


@pytest.mark.parametrize(
    ("spec", "document"),
    [
        pytest.param(
            RequestSpec("accounts", "create"),
            {"data": {"type": "accounts", "attributes": {"name": "Sandbox example"}}},
            id="create: required fields",
        ),
        pytest.param(
            RequestSpec("orders", "create"),
            {
                "data": {
                    "type": "orders",
                    "attributes": {"currency": "USD"},
                    "relationships": {"customer": {"data": {"type": "customers", "id": "1"}}},
                }
            },
            id="create: required relationship",
        ),
        pytest.param(
            RequestSpec("accounts", "update", "4"),
            {
                "data": {
                    "type": "accounts",
                    "id": "4",
                    "attributes": {"description": "Written in the Oro API sandbox."},
                }
            },
            id="update: an optional field",
        ),
        pytest.param(
            RequestSpec("accounts", "add_relationship", "1", "contacts"),
            {"data": [{"type": "contacts", "id": "1"}]},
            id="to-many relationship",
        ),
        pytest.param(
            RequestSpec("accounts", "update_relationship", "1", "owner"),
            {"data": {"type": "users", "id": "1"}},
            id="to-one relationship",
        ),
    ],
)
def test_body_template(spec: RequestSpec, document: object) -> None:
    assert json.loads(body_template(spec, metadata())) == document


def test_body_template_uses_known_ids_and_none_for_reads() -> None:
    spec = RequestSpec("taxjurisdictions", "create")
    document = json.loads(body_template(spec, metadata(), {"countries": "US"}))
    assert document["data"]["relationships"]["country"] == {
        "data": {"type": "countries", "id": "US"}
    }
    assert body_template(RequestSpec("accounts"), metadata()) == ""


@pytest.mark.parametrize(
    ("spec", "relationship", "target"),
    [
        pytest.param(RequestSpec("accounts", "create"), "contacts", "contacts", id="to-many-first"),
        pytest.param(
            RequestSpec("accounts", "update", "1"), "defaultContact", "contacts", id="to-one-first"
        ),
        pytest.param(RequestSpec("tasks", "create"), None, None, id="only-ownership"),
        pytest.param(RequestSpec("accounts", "get"), None, None, id="not-a-write"),
    ],
)
def test_related_choice(spec: RequestSpec, relationship: str | None, target: str | None) -> None:
    choice = related_choice(metadata(), spec)
    got = (choice[0], choice[1].type) if choice else (None, None)
    assert got == (relationship, target)


def test_included_template_of_a_create_is_the_servers_example() -> None:
    document = json.loads(included_template(RequestSpec("accounts", "create"), metadata()))
    example = metadata().resources["accounts"].write_options("create").included_example
    assert document == example
    link = document["data"]["relationships"]["contacts"]["data"]
    assert link == [{"type": "contacts", "id": document["included"][0]["id"]}]


def test_included_template_made_from_the_metadata() -> None:
    spec = RequestSpec("accounts", "update", "7")
    document = json.loads(included_template(spec, metadata(), {"contacts": "3"}))
    assert document == {
        "data": {
            "type": "accounts",
            "id": "7",
            "attributes": document["data"]["attributes"],
            "relationships": {"defaultContact": {"data": {"type": "contacts", "id": "new-1"}}},
        },
        "included": [
            {"type": "contacts", "id": "new-1", "attributes": {"lastName": "Sandbox example"}}
        ],
    }


def test_included_template_without_a_related_type_is_the_plain_template() -> None:
    spec = RequestSpec("tasks", "create")
    assert included_template(spec, metadata()) == body_template(spec, metadata())


def test_with_template_keeps_a_typed_body() -> None:
    spec = RequestSpec("accounts", "create", body="{ typed }")
    assert spec.with_template(metadata()) is spec


def test_every_template_is_accepted(fresh_api_url: str) -> None:
    """A create or update template, with ids of existing records, is what the server takes."""
    with ApiClient(fresh_api_url) as client:
        ids = {}
        for type_ in metadata().types:
            page = client.get(type_, params={"page[size]": "1"})
            if page.ok and page.data:
                ids[type_] = page.data[0]["id"]
        answers = {}
        for type_, resource in metadata().resources.items():
            for action in ("create", "update"):
                if resource.allows(action) and type_ in ids:
                    spec = RequestSpec(type_, action, ids[type_]).with_template(metadata(), ids)
                    answers[f"{type_} {action}"] = client.send(spec.build(client)).status
    expected = {key: 201 if key.endswith("create") else 200 for key in answers}
    assert answers == expected
    assert len(answers) >= 20


def test_actions_cover_the_metadata_routes() -> None:
    actions = {route.action for r in metadata().resources.values() for route in r.routes}
    assert actions <= set(ACTIONS)


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param(RequestSpec("accounts"), id="list"),
        pytest.param(
            RequestSpec(
                "accounts",
                params=(
                    ("filter[name][contains]", "A&B"),
                    ("include", "owner"),
                    ("fields[users]", ""),
                ),
                headers=(("X-Include", "totalCount"),),
            ),
            id="list with parameters",
        ),
        pytest.param(RequestSpec("users", "get", "a/b c"), id="quoted id"),
        pytest.param(RequestSpec("contacts", "update", "3", body='{"data": {}}'), id="update"),
        pytest.param(
            RequestSpec("accounts", "get_relationship", "1", "contacts"), id="relationship read"
        ),
        pytest.param(
            RequestSpec("accounts", "delete_relationship", "1", "contacts", body='{"data": []}'),
            id="relationship write",
        ),
        pytest.param(RequestSpec("accounts", "get_subresource", "1", "owner"), id="sub-resource"),
    ],
)
def test_from_request_reads_back_what_build_made(spec: RequestSpec) -> None:
    with ApiClient("http://127.0.0.1:9/api", auth=None) as client:
        request = spec.build(client)
    assert RequestSpec.from_request(request, "http://127.0.0.1:9/api/") == spec


@pytest.mark.parametrize(
    ("method", "url"),
    [
        pytest.param("GET", "http://elsewhere/api/accounts", id="another server"),
        pytest.param("PUT", "http://127.0.0.1:9/api/accounts/1", id="no Oro action"),
        pytest.param("GET", "http://127.0.0.1:9/api/accounts/1/x/y", id="not a relationship URL"),
        pytest.param("GET", "http://127.0.0.1:9/api/", id="the root"),
    ],
)
def test_from_request_of_no_action(method: str, url: str) -> None:
    with ApiClient("http://127.0.0.1:9/api") as client:
        request = client.build_request(method, url)
    assert RequestSpec.from_request(request, "http://127.0.0.1:9/api") is None
