"""The request builder: controls → RequestSpec, RequestSpec → controls, errors → highlighted
controls. Headless: values are set and buttons clicked; assertions read the widgets' state."""

from __future__ import annotations

import json
import re
from functools import cache

import httpx
import pytest

from sandbox import ErrorObject, Metadata
from sandbox.spec import RequestSpec
from sandbox.widgets.builder import ERROR_CLASS, RequestBuilder
from sandbox.widgets.params import control_for, header_pairs, include_paths, sort_paths
from sandbox.widgets.rows import filter_key, value_hint
from server.domain.resources import build_registry
from server.openapi import build_openapi


@cache
def metadata() -> Metadata:
    return Metadata.from_openapi(build_openapi(build_registry()))


def builder(type_: str = "accounts") -> RequestBuilder:
    made = RequestBuilder(metadata())
    made.type.value = type_
    return made


def error(
    parameter: str | None = None, pointer: str | None = None, status: str = "400"
) -> ErrorObject:
    return ErrorObject(status, "title", "the detail", pointer=pointer, parameter=parameter)


@pytest.mark.parametrize(
    ("given", "control"),
    [
        pytest.param(error("filter[name]"), "filter:name", id="filter"),
        pytest.param(
            error("filter[owner.name][contains]"), "filter:owner.name", id="nested filter"
        ),
        pytest.param(error("fields[users]"), "fields:users", id="fields"),
        pytest.param(error("page[size]"), "page:size", id="page size"),
        pytest.param(error("include"), "include", id="include"),
        pytest.param(error("sort"), "sort", id="sort"),
        pytest.param(error("meta"), "meta", id="meta"),
        pytest.param(error("unknownThing"), "other", id="another parameter"),
        pytest.param(error(pointer="/data/attributes/name"), "body", id="pointer"),
        pytest.param(error(pointer=""), "body", id="pointer to the whole document"),
        pytest.param(error(status="406"), "headers", id="not acceptable"),
        pytest.param(error(status="415"), "headers", id="unsupported media type"),
        pytest.param(error(status="404"), None, id="nothing to point at"),
    ],
)
def test_control_for(given: ErrorObject, control: str | None) -> None:
    assert control_for(given) == control


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        pytest.param("X-Include: totalCount", [("X-Include", "totalCount")], id="one"),
        pytest.param(
            "A: 1\n\nnot a header\n B : two words ", [("A", "1"), ("B", "two words")], id="mixed"
        ),
        pytest.param("X-Url: http://x:1/", [("X-Url", "http://x:1/")], id="colon in value"),
        pytest.param("", [], id="empty"),
    ],
)
def test_header_pairs(text: str, pairs: list[tuple[str, str]]) -> None:
    assert header_pairs(text) == pairs


def test_include_paths() -> None:
    paths = include_paths(metadata(), "accounts")
    assert {"owner", "contacts", "owner.organization", "contacts.owner"} <= set(paths)
    assert all(path.count(".") <= 1 for path in paths)
    assert include_paths(metadata(), "nothing") == ()
    assert include_paths(None, "accounts") == ()


def test_sort_paths() -> None:
    paths = sort_paths(metadata(), "accounts")
    assert paths[:4] == ("id", "name", "createdAt", "updatedAt")
    assert {"owner.username", "owner.id", "referredBy.name"} <= set(paths)
    assert not [p for p in paths if p.startswith("contacts.")]  # to-many: not sortable
    assert sort_paths(metadata(), "nothing") == sort_paths(None, "accounts") == ()


def test_filter_key_and_hint() -> None:
    assert filter_key("name", "eq") == "filter[name]"
    assert filter_key("owner.name", "contains") == "filter[owner.name][contains]"
    accounts = metadata().resources["accounts"]
    assert value_hint(accounts, "id", "eq") == "integer: a value or a,b or from..to"
    assert value_hint(accounts, "name", "exists") == "true or false"


def test_list_request_from_controls() -> None:
    made = builder()
    row = made.add_filter_row()
    row.field.value = "id"
    row.operator.value = "gt"
    row.value.value = "3"
    made.include.value = ["owner"]
    made.sort.value = ["-name"]
    made.page_size.value = "5"
    made.x_include["totalCount"].value = True
    made.headers.value = "X-Custom: 1"
    assert made.spec == RequestSpec(
        "accounts",
        params=(
            ("filter[id][gt]", "3"),
            ("include", "owner"),
            ("sort", "-name"),
            ("page[size]", "5"),
        ),
        headers=(("X-Custom", "1"), ("X-Include", "totalCount")),
    )


def test_operators_follow_the_field() -> None:
    row = builder().add_filter_row("name")
    assert row.operator.options == ("eq", "neq", "exists", "neq_or_null")
    row.field.value = "createdAt"
    assert "gte" in row.operator.options
    row.field.value = "owner.name"  # a path the metadata does not list: every operator
    assert "contains" in row.operator.options


def test_actions_offered_by_the_metadata() -> None:
    made = builder("countries")
    assert [value for _, value in made.action.options] == sorted(
        metadata().resources["countries"].actions,
        key=[value for _, value in builder().action.options].index,
    )


def test_rows_shown_follow_the_action() -> None:
    made = builder()
    made.action.value = "get"
    shown = {name for name, row in made.rows.items() if row.layout.display != "none"}
    assert shown == {"target", "id", "fields", "include", "meta", "x_include", "other", "headers"}
    made.action.value = "add_relationship"
    shown = {name for name, row in made.rows.items() if row.layout.display != "none"}
    assert shown == {"target", "id", "relationship", "x_include", "other", "headers", "body"}
    assert made.relationship.options == ("contacts",)


def test_parameters_of_other_actions_are_left_out() -> None:
    made = builder()
    made.add_filter_row("name", "eq", "Acme")
    made.sort.value = ["name"]
    made.action.value = "get"
    made.id.value = "1"
    assert made.spec == RequestSpec("accounts", "get", "1")


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param(
            RequestSpec(
                "accounts",
                params=(
                    ("filter[name][neq]", "Acme"),
                    ("filter[owner.name][contains]", "x"),
                    ("fields[accounts]", "name,owner"),
                    ("fields[users]", ""),
                    ("include", "owner,zzz"),
                    ("sort", "-id"),
                    ("page[number]", "2"),
                    ("page[size]", "abc"),
                    ("meta", "title"),
                    ("custom", "1"),
                ),
                headers=(("X-Include", "totalCount;noHateoas"), ("X-Mine", "yes")),
            ),
            id="list with everything, some of it wrong",
        ),
        pytest.param(
            RequestSpec("contacts", "update", "5", body='{"data": {"type": "contacts"}}'),
            id="update",
        ),
        pytest.param(
            RequestSpec("accounts", "get_subresource", "1", "contacts", (("sort", "id"),)),
            id="sub-resource",
        ),
        pytest.param(RequestSpec("countries", "create"), id="an action the metadata lacks"),
    ],
)
def test_load_then_read_gives_the_spec_back(spec: RequestSpec) -> None:
    made = builder("users")
    made.load(spec)
    got = made.spec
    assert (got.type, got.action, got.id, got.relationship, got.body) == (
        spec.type,
        spec.action,
        spec.id,
        spec.relationship,
        spec.body,
    )
    assert sorted(got.params) == sorted(spec.params)
    assert sorted(got.headers) == sorted(spec.headers)


def test_highlight_marks_the_control_and_shows_the_detail() -> None:
    made = builder()
    row = made.add_filter_row("name", "eq", "x")
    made.highlight([error("filter[name]"), error("page[size]"), error(status="404")])
    assert ERROR_CLASS in row._dom_classes
    assert ERROR_CLASS in made.page_size._dom_classes
    assert made.highlighted == {"filter:name": "the detail", "page:size": "the detail"}
    # each detail right under the row of its control
    assert "<code>filter[name]</code>: the detail" in made.hints["filter"].value
    assert "<code>page[size]</code>: the detail" in made.hints["page"].value
    assert made.hint.value == ""
    made.highlight([error(pointer="/data/attributes/name")])
    assert ERROR_CLASS not in row._dom_classes
    assert ERROR_CLASS in made.body._dom_classes
    assert made.hints["filter"].value == ""
    made.clear_highlight()
    assert (made.highlighted, made.hints["body"].value) == ({}, "")
    assert ERROR_CLASS not in made.body._dom_classes


@pytest.mark.parametrize(
    ("parameter", "control"),
    [
        pytest.param("foo", "other", id="unknown-parameter"),
        pytest.param("filter[nme]", "other", id="filter-typed-in-other"),
        pytest.param("fields[users]", "other", id="fieldset-typed-in-other"),
    ],
)
def test_an_error_about_the_other_parameters_marks_that_field(parameter: str, control: str) -> None:
    made = builder()
    made.other.value = f"{parameter}=1"
    made.highlight([error(parameter)])
    assert ERROR_CLASS in made.other._dom_classes
    assert f"<code>{parameter}</code>: the detail" in made.hints["other"].value


def test_the_metadata_marks_before_sending() -> None:
    made = builder()
    row = made.add_filter_row("nme", "eq", "x")
    problems = made.check()
    assert [p.control for p in problems] == ["filter:nme"]
    assert ERROR_CLASS in row._dom_classes
    assert "Did you mean 'name'?" in made.hints["filter"].value
    row.field.value = "name"
    assert made.check() == [] and ERROR_CLASS not in row._dom_classes
    made.type.value = "acounts"
    assert [p.control for p in made.check()] == ["type"]
    assert ERROR_CLASS in made.type._dom_classes
    assert "Did you mean 'accounts'?" in made.hints["target"].value


def test_changing_the_type_resets_its_inputs_and_empty_rows_send_nothing() -> None:
    made = builder()
    made.page_size.value = "-1"
    made.page_number.value = "2"
    made.add_filter_row("name", "eq", "x")
    made.type.value = "contacts"
    assert made.spec == RequestSpec("contacts")
    made.add_fieldset_row()  # a new row: a type, no fields yet
    made.add_filter_row()  # a field, no value yet
    assert made.spec == RequestSpec("contacts")


def test_changes_are_announced() -> None:
    made = builder()
    seen: list[str] = []
    made.on_change(lambda: seen.append(made.spec.target))
    row = made.add_filter_row("name")
    row.value.value = "Acme"
    made.remove_filter_row = row.remove.click()
    assert seen[-1] == "accounts"
    assert "accounts?filter[name]=Acme" in seen


def test_without_metadata_anything_can_be_typed() -> None:
    made = RequestBuilder(None, types=["things"])
    made.type.value = "things"
    made.action.value = "get"
    made.id.value = "x1"
    assert made.spec == RequestSpec("things", "get", "x1")


@pytest.mark.parametrize("type_", ["accounts", "orders", "contacts"])
def test_every_offered_sort_path_is_accepted(client: httpx.Client, type_: str) -> None:
    refused = {
        path: response.status_code
        for path in sort_paths(metadata(), type_)
        for response in [client.get(f"/{type_}", params={"sort": f"-{path}", "page[size]": "1"})]
        if response.status_code != 200
    }
    assert refused == {}


@pytest.mark.parametrize(
    ("action", "relationship", "include", "warned"),
    [
        pytest.param("get_list", None, ["owner", "owner.organization"], [], id="known"),
        pytest.param("get_list", None, ["ownr"], ["ownr"], id="unknown"),
        pytest.param("get", None, ["owner.nope", "owner"], ["owner.nope"], id="unknown-nested"),
        pytest.param("get_subresource", "owner", ["organization"], [], id="subresource-target"),
        pytest.param("get_subresource", "owner", ["contacts"], ["contacts"], id="not-on-target"),
        pytest.param("delete_list", None, ["nope"], [], id="action-without-include"),
    ],
)
def test_unknown_include_paths_are_warned_about(
    action: str, relationship: str | None, include: list[str], warned: list[str]
) -> None:
    """The server ignores an include path it does not know: the builder says so before sending."""
    made = builder("accounts")
    made.action.value = action
    if relationship:
        made.relationship.value = relationship
    made.include.allowed_tags = [*made.include.allowed_tags, *include]  # as from a preset
    made.include.value = include
    paths = [re.search(r"include path '([^']*)'", note)[1] for note in made.warnings]
    assert paths == warned
    assert all(note.endswith("nothing is included for it") for note in made.warnings)


def test_a_resources_own_sub_resource_actions_come_from_its_metadata() -> None:
    """Oro's add/update/delete_subresource exist only where a resource defines them (checkout
    payments, coupons, ``POST shoppinglists/{id}/checkout``): offered as the document has them."""
    document = build_openapi(build_registry())
    no_body = {"responses": {"200": {"description": "the order"}}}
    document["paths"]["/api/accounts/{id}/paymentPaymentTerm"] = {"post": no_body}
    coupon = {"meta": {"couponCode": "SALE25"}}
    meta_body = no_body | {
        "requestBody": {"content": {"application/vnd.api+json": {"example": coupon}}}
    }
    document["paths"]["/api/accounts/{id}/coupons"] = {"post": meta_body, "delete": meta_body}
    made = RequestBuilder(Metadata.from_openapi(document))
    made.type.value = "accounts"
    actions = [value for _, value in made.action.options]
    assert "add_subresource" in actions and "delete_subresource" in actions
    assert "update_subresource" not in actions
    made.action.value = "add_subresource"
    assert made.relationship.options == ("coupons", "paymentPaymentTerm")
    assert made.relationship_label.value == "sub-resource"  # its row's label
    assert made.relationship_label in made.rows["relationship"].children[0].children
    made.action.value = "get_relationship"
    assert made.relationship_label.value == "relationship"
    made.action.value = "add_subresource"
    made.relationship.value = "paymentPaymentTerm"
    made.id.value = "1"
    spec = made.spec
    assert (spec.method, spec.path, spec.body) == ("POST", "accounts/1/paymentPaymentTerm", "")
    request = spec.build(httpx_client())
    assert request.content == b"" and "content-type" not in request.headers  # no document
    made.body.value = '{"meta": {"couponCode": "SALE25"}}'
    made.relationship.value = "coupons"
    assert made.spec.build(httpx_client()).content == b'{"meta": {"couponCode": "SALE25"}}'
    routes = made.resource.routes if made.resource else ()
    assert [r.example for r in routes if r.relationship == "coupons"] == [coupon, coupon]


def test_a_sub_resources_own_write_starts_from_its_documents_example(fresh_api_url: str) -> None:
    from sandbox import ApiClient
    from sandbox.widgets import SandboxApp

    document = build_openapi(build_registry())
    example = {"meta": {"couponCode": "SALE25"}}
    document["paths"]["/api/accounts/{id}/coupons"] = {
        "post": {
            "requestBody": {"content": {"application/vnd.api+json": {"example": example}}},
            "responses": {"200": {"description": "the checkout"}},
        },
        "get": {"responses": {"200": {"description": "the coupons"}}},
    }
    with ApiClient(fresh_api_url) as client:
        app = SandboxApp(client, Metadata.from_openapi(document))
        app.builder.type.value = "accounts"
        app.builder.action.value = "add_subresource"
        assert app.builder.relationship.value == "coupons"
        assert json.loads(app.builder.body.value) == example
        assert "POST" in app.request_line.value and "/api/accounts/" in app.request_line.value


def httpx_client() -> object:
    from sandbox import ApiClient

    return ApiClient("http://h/api")
