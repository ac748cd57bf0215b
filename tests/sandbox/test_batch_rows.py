"""``sandbox.batch_rows`` (pure): rows from pasted CSV or JSON, typed by a resource's metadata,
and a type's template. Tables of literal cases over a small hand-written resource type."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.batch_rows import parse_rows, records_of, template
from sandbox.exceptions import SpecError
from sandbox.metadata import Attribute, Relationship, ResourceType

PRODUCTS = ResourceType(
    "products",
    attributes={
        "sku": Attribute("sku", "string", "string"),
        "name": Attribute("name", "string", "string"),
        "description": Attribute("description", "text", "string"),
        "stock": Attribute("stock", "integer", "integer"),
        "active": Attribute("active", "boolean", "boolean"),
    },
    relationships={"owner": Relationship("owner", "users", many=False)},
    required=("sku", "name"),
)


@pytest.mark.parametrize(
    ("text", "format_", "expected"),
    [
        pytest.param(
            "sku,name\nA1,Anvil\nB2,\n",
            "csv",
            [{"sku": "A1", "name": "Anvil"}, {"sku": "B2"}],
            id="csv-empty-cell-left-out",
        ),
        pytest.param('[{"sku": "A1"}]', "json", [{"sku": "A1"}], id="json-rows"),
        pytest.param(
            '{"data": [{"type": "products"}]}',
            "json",
            {"data": [{"type": "products"}]},
            id="json-document",
        ),
    ],
)
def test_parse_rows(text: str, format_: str, expected: Any) -> None:
    assert parse_rows(text, format_) == expected


@pytest.mark.parametrize(
    ("text", "format_", "message"),
    [
        pytest.param("  ", "csv", "no rows", id="empty"),
        pytest.param("sku,name\n", "csv", "no rows under the CSV header", id="header-only"),
        pytest.param("[1, 2]", "json", "a list of objects", id="json-scalars"),
        pytest.param("{", "json", "not JSON", id="broken-json"),
    ],
)
def test_parse_rows_refuses(text: str, format_: str, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        parse_rows(text, format_)


def test_records_are_typed_and_to_one_columns_are_references() -> None:
    [record] = records_of(
        PRODUCTS, [{"sku": "A1", "stock": "7", "active": "yes", "owner": "3", "extra": "x"}]
    )
    assert record.attributes == {"sku": "A1", "stock": 7, "active": True, "extra": "x"}
    assert record.document()["data"]["relationships"] == {
        "owner": {"data": {"type": "users", "id": "3"}}
    }


def test_template_names_the_required_fields_and_ends_with_a_blank_row() -> None:
    assert template(PRODUCTS).splitlines() == [
        "sku,name,description",
        "Batch sku 1,Batch name 1,Batch description 1",
        "Batch sku 2,Batch name 2,Batch description 2",
        ",Batch name 3,Batch description 3",
    ]
