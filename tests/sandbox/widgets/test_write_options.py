"""The builder's write options (reference §12-§14): upsert choices from the server's metadata,
the body's ``data.meta`` written and read back, the row shown on creates and updates only."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from sandbox import Metadata
from sandbox.metadata import WriteOptions
from sandbox.widgets.builder import RequestBuilder
from sandbox.widgets.write_options import BY_ID, NO_UPSERT, options_in, upsert_choices, with_options
from server.domain.resources import build_registry
from server.openapi import build_openapi


@cache
def metadata() -> Metadata:
    return Metadata.from_openapi(build_openapi(build_registry()))


@pytest.mark.parametrize(
    ("type_", "action", "choices"),
    [
        pytest.param(
            "users",
            "create",
            [
                ("no upsert", NO_UPSERT),
                ("upsert by username", "username"),
                ("upsert by email", "email"),
            ],
            id="users-by-username-or-email",
        ),
        pytest.param("users", "update", [("no upsert", NO_UPSERT)], id="users-patch-none"),
        pytest.param(
            "weightunits",
            "create",
            [("no upsert", NO_UPSERT), ("upsert by id (true)", BY_ID)],
            id="weight-units-by-id",
        ),
        pytest.param(
            "weightunits",
            "update",
            [("no upsert", NO_UPSERT), ("upsert by id (true)", BY_ID)],
            id="weight-units-patch-by-id",
        ),
        pytest.param(
            "taxjurisdictions",
            "create",
            [("no upsert", NO_UPSERT), ("upsert by code", "code")],
            id="tax-jurisdictions-by-code",
        ),
        pytest.param("businessunits", "create", [("no upsert", NO_UPSERT)], id="disabled"),
        pytest.param("tasks", "create", [("no upsert", NO_UPSERT)], id="tasks-none"),
    ],
)
def test_upsert_choices_follow_the_servers_metadata(
    type_: str, action: str, choices: list[tuple[str, str]]
) -> None:
    options = metadata().resources[type_].write_options(action)
    assert upsert_choices(options, action) == choices


def test_field_sets_of_several_fields_are_joined() -> None:
    options = WriteOptions(upsert_fields=(("firstName", "lastName"),))
    assert upsert_choices(options, "create")[1] == (
        "upsert by firstName + lastName",
        "firstName,lastName",
    )


@pytest.mark.parametrize(
    ("type_", "validate"),
    [
        pytest.param("orders", True, id="orders"),
        pytest.param("products", True, id="products"),
        pytest.param("tasks", False, id="tasks"),
    ],
)
def test_validate_is_offered_where_the_server_takes_it(type_: str, validate: bool) -> None:
    assert metadata().resources[type_].write_options("create").validate is validate


DATA = {"type": "products", "attributes": {"sku": "S-1"}}


@pytest.mark.parametrize(
    ("body", "found"),
    [
        pytest.param(json.dumps({"data": DATA}), (NO_UPSERT, False), id="no-meta"),
        pytest.param(
            json.dumps({"data": {**DATA, "meta": {"upsert": True}}}), (BY_ID, False), id="true"
        ),
        pytest.param(
            json.dumps({"data": {**DATA, "meta": {"upsert": ["id"]}}}), (BY_ID, False), id="id-list"
        ),
        pytest.param(
            json.dumps({"data": {**DATA, "meta": {"upsert": ["sku"], "validate": True}}}),
            ("sku", True),
            id="fields-and-validate",
        ),
        pytest.param(
            json.dumps({"data": {**DATA, "meta": {"upsert": ["a", "b"]}}}), ("a,b", False), id="two"
        ),
        pytest.param(
            json.dumps({"data": {**DATA, "meta": {"upsert": False, "validate": "yes"}}}),
            (NO_UPSERT, False),
            id="false-and-not-a-boolean",
        ),
        pytest.param('{"data": ', None, id="not-json"),
        pytest.param('{"data": [1]}', None, id="data-not-an-object"),
        pytest.param("[]", None, id="not-an-object"),
    ],
)
def test_options_in(body: str, found: tuple[str, bool] | None) -> None:
    assert options_in(body) == found


@pytest.mark.parametrize(
    ("data", "upsert", "validate", "expected"),
    [
        pytest.param(DATA, "sku", False, {"upsert": ["sku"]}, id="by-fields"),
        pytest.param(DATA, BY_ID, False, {"upsert": True}, id="by-id"),
        pytest.param(DATA, NO_UPSERT, True, {"validate": True}, id="validate"),
        pytest.param(
            {**DATA, "meta": {"upsert": True, "other": 1}},
            NO_UPSERT,
            False,
            {"other": 1},
            id="others-kept",
        ),
        pytest.param({**DATA, "meta": {"upsert": True}}, NO_UPSERT, False, None, id="meta-removed"),
    ],
)
def test_with_options(
    data: dict[str, Any], upsert: str, validate: bool, expected: dict[str, Any] | None
) -> None:
    body = with_options(json.dumps({"data": data, "included": []}), upsert, validate)
    assert body is not None
    document = json.loads(body)
    assert document["included"] == []
    assert document["data"].get("meta") == expected
    second = "attributes" if expected is None else "meta"  # meta right after the identity
    assert list(document["data"])[:2] == ["type", second]
    assert options_in(body) == (upsert, validate)


def test_with_options_leaves_what_is_not_a_write_document() -> None:
    assert with_options('{"data": ', "sku", False) is None


# --- in the builder -------------------------------------------------------------------------------


def builder(type_: str, action: str) -> RequestBuilder:
    made = RequestBuilder(metadata())
    made.type.value = type_
    made.action.value = action
    return made


def test_the_row_shows_on_creates_and_updates_only() -> None:
    made = builder("accounts", "create")
    assert made.rows["write"].layout.display is None
    made.action.value = "get_list"
    assert made.rows["write"].layout.display == "none"
    made.action.value = "update"
    assert made.rows["write"].layout.display is None
    assert made.write.upsert.layout.display == "none"  # accounts: no upsert by id on PATCH
    assert made.write.validate.layout.display is None
    assert made.write.related.layout.display is None
    tasks = builder("tasks", "create")  # neither upsert nor validate: no row, the template stays
    assert tasks.rows["write"].layout.display == "none"
    assert tasks.write.related.layout.display is None
    made.action.value = "add_relationship"  # a body, but not a resource object's
    assert made.write.related.layout.display == "none"


def test_choosing_options_writes_the_bodys_meta() -> None:
    made = builder("products", "create")
    made.body.value = json.dumps({"data": DATA})
    made.write.upsert.value = "sku"
    assert json.loads(made.body.value)["data"]["meta"] == {"upsert": ["sku"]}
    made.write.validate.value = True
    assert json.loads(made.spec.body)["data"]["meta"] == {"upsert": ["sku"], "validate": True}
    made.write.upsert.value = NO_UPSERT
    made.write.validate.value = False
    assert "meta" not in json.loads(made.body.value)["data"]


def test_a_typed_body_sets_the_controls() -> None:
    made = builder("users", "create")
    made.body.value = json.dumps({"data": {"type": "users", "meta": {"upsert": ["email"]}}})
    assert (made.write.upsert.value, made.write.validate.value) == ("email", False)
    made.body.value = json.dumps({"data": {"type": "users", "meta": {"upsert": ["phone"]}}})
    assert made.write.upsert.value == "phone"  # as written: the server will say
    assert made.write.upsert.options[-1] == ("upsert by phone", "phone")
    made.body.value = "not JSON yet"
    assert made.write.upsert.value == "phone"  # left as they were


def test_an_option_on_a_body_that_is_not_json_leaves_it() -> None:
    made = builder("users", "create")
    made.body.value = '{"data": '
    made.write.validate.value = True
    assert made.body.value == '{"data": '
