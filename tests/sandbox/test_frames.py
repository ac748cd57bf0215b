"""``to_frames``: JSON:API documents → typed DataFrames. Pure: literal documents, no server."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sandbox.frames import Frames, FramesError, to_frames
from sandbox.frames.document import assemble
from sandbox.frames.extract import Typing, extract
from tests.jsonapi_schema import shared_dir

VENDOR_RESPONSES = shared_dir() / "vendor/jsonapi-spec/_schemas/1.0/tests/response"
UTC = dt.UTC


def resource(kind: str, ident: str, attributes: Any = None, **relationships: Any) -> dict:
    item: dict[str, Any] = {"type": kind, "id": ident}
    if attributes is not None:
        item["attributes"] = attributes
    if relationships:
        item["relationships"] = {name: {"data": data} for name, data in relationships.items()}
    return item


def ref(kind: str, ident: str) -> dict[str, str]:
    return {"type": kind, "id": ident}


def column(values: list[Any], kind: str | None, **options: Any) -> pd.Series:
    """The column that one attribute ``a`` with ``values`` becomes (given its kind)."""
    document = {"data": [resource("things", str(i + 1), {"a": v}) for i, v in enumerate(values)]}
    types = {"things": {"a": kind}} if kind else None
    return to_frames(document, types=types, **options)["things"]["a"]


# --- attribute kinds ---------------------------------------------------------------------------

NAT = pd.NaT
KINDS = [
    pytest.param(
        "datetime",
        ["2024-01-02T07:41:02Z", None, "2024-01-02T10:41:02+03:00"],
        "datetime64[us, UTC]",
        [
            pd.Timestamp("2024-01-02 07:41:02", tz=UTC),
            NAT,
            pd.Timestamp("2024-01-02 07:41:02", tz=UTC),
        ],
        id="datetime-utc",
    ),
    pytest.param(
        "date",
        ["2024-02-16", None],
        "datetime64[us]",
        [pd.Timestamp("2024-02-16"), NAT],
        id="date-midnight",
    ),
    pytest.param(
        "date",
        ["2024-02", "2024-02-16T10:20:30Z"],
        "datetime64[us]",
        [pd.Timestamp("2024-02-01"), pd.Timestamp("2024-02-16")],
        id="date-partial-or-with-time",
    ),
    pytest.param("time", ["10:30:00", None], "str", ["10:30:00", np.nan], id="time-text"),
    pytest.param(
        "money", ["3017.1000", None, "0.0001"], "float64", [3017.1, np.nan, 0.0001], id="money"
    ),
    pytest.param("decimal", ["1.234567", "123"], "float64", [1.234567, 123.0], id="decimal"),
    pytest.param("decimal", [1.5, 2], "float64", [1.5, 2.0], id="decimal-as-numbers"),
    pytest.param("integer", [42, None, -7], "Int64", [42, pd.NA, -7], id="integer"),
    pytest.param(
        "bigint",
        ["123456789012345678", None],
        "Int64",
        [123456789012345678, pd.NA],
        id="bigint-exact",
    ),
    pytest.param("float", [1.5, None, 2], "float64", [1.5, np.nan, 2.0], id="float"),
    pytest.param("percent", [0.1, None], "float64", [0.1, np.nan], id="percent-fraction"),
    pytest.param(
        "boolean", [True, False, None], "boolean", [True, False, pd.NA], id="boolean-nullable"
    ),
    pytest.param(
        "enum",
        ["enabled", "disabled", None],
        "category",
        ["enabled", "disabled", np.nan],
        id="enum",
    ),
    pytest.param("string", ["a", None, "1.5"], "str", ["a", np.nan, "1.5"], id="string"),
    pytest.param(
        "duration",
        [146527, None, 0],
        "timedelta64[us]",
        [pd.Timedelta(seconds=146527), NAT, pd.Timedelta(0)],
        id="duration-timedelta",
    ),
    pytest.param(
        "json",
        [{"carrier": "UPS"}, [1, 2], None],
        "object",
        [{"carrier": "UPS"}, [1, 2], None],
        id="json-as-parsed",
    ),
    pytest.param("string", [None, None], "str", [np.nan, np.nan], id="string-all-null"),
    pytest.param("money", [None, None], "float64", [np.nan, np.nan], id="money-all-null"),
    pytest.param("datetime", [None], "datetime64[us, UTC]", [NAT], id="datetime-all-null"),
    pytest.param("guid", ["b5c1", None], "str", ["b5c1", np.nan], id="unknown-kind-inferred"),
]


def assert_values(series: pd.Series, expected: list[Any]) -> None:
    """The values, with their Python types (``tolist()`` gives Python scalars), nulls alike."""
    got = series.tolist()
    assert len(got) == len(expected)
    for value, want in zip(got, expected, strict=True):
        if want is None or isinstance(want, (dict, list)):
            assert value == want
        elif pd.isna(want):
            assert pd.isna(value), (value, want)
        else:
            assert (value, type(value)) == (want, type(want))


@pytest.mark.parametrize(("kind", "wire", "dtype", "expected"), KINDS)
def test_attribute_kinds(kind: str, wire: list[Any], dtype: str, expected: list[Any]) -> None:
    series = column(wire, kind)
    assert str(series.dtype) == dtype
    assert_values(series, expected)


def test_enum_categories_are_the_values() -> None:
    assert list(column(["b", "a", "b"], "enum").cat.categories) == ["a", "b"]


def test_money_as_decimal_objects() -> None:
    series = column(["3017.1000", None, "0.0001"], "money", decimals="decimal")
    assert series.dtype == object
    assert series.tolist() == [Decimal("3017.1000"), None, Decimal("0.0001")]


INFERRED = [
    pytest.param([True, None], "boolean", id="booleans"),
    pytest.param([1, None, 3], "Int64", id="integers"),
    pytest.param([1, 2.5], "float64", id="numbers"),
    pytest.param(["2024-01-02T07:41:02Z", None], "datetime64[us, UTC]", id="datetime-z"),
    pytest.param(["2024-01-02T07:41:02.5+02:00"], "datetime64[us, UTC]", id="datetime-offset"),
    pytest.param(["2024-01-02T07:41:02"], "str", id="datetime-without-zone-stays-text"),
    pytest.param(["2024-02-16"], "str", id="date-stays-text"),
    pytest.param(["3017.1000"], "str", id="money-stays-text"),
    pytest.param(["1", "2"], "str", id="numeric-text-stays-text"),
    pytest.param([None, None], "object", id="all-null"),
    pytest.param(["a", 1], "object", id="mixed"),
    pytest.param([{"a": 1}, None], "object", id="objects"),
    pytest.param([2**70], "object", id="beyond-int64"),
    pytest.param(["2024-13-02T07:41:02Z"], "str", id="not-a-real-datetime"),
]


@pytest.mark.parametrize(("wire", "dtype"), INFERRED)
def test_kinds_inferred_without_metadata(wire: list[Any], dtype: str) -> None:
    assert str(column(wire, None).dtype) == dtype


def test_metadata_object_gives_the_kinds() -> None:
    class Metadata:
        def attribute_types(self, type_: str) -> dict[str, str]:
            if type_ != "things":
                raise KeyError(type_)
            return {"a": "money"}

    document = {
        "data": [resource("things", "1", {"a": "1.5000"})],
        "included": [resource("others", "2", {"a": "1.5000"})],
    }
    frames = to_frames(document, types=Metadata())
    assert frames["things"]["a"].dtype == "float64"
    assert frames["others"]["a"].dtype == "str"  # a type the metadata does not know: inferred


MISFITS = [
    pytest.param("money", "12,50", id="money"),
    pytest.param("date", "2024-02-30", id="date"),
    pytest.param("datetime", "yesterday", id="datetime"),
    pytest.param("integer", "many", id="integer"),
    pytest.param("bigint", "1e3", id="bigint"),
    pytest.param("boolean", "maybe", id="boolean"),
    pytest.param("duration", "long", id="duration"),
]


@pytest.mark.parametrize(("kind", "value"), MISFITS)
def test_a_value_that_does_not_fit_its_kind_names_the_column(kind: str, value: str) -> None:
    document = {"data": [resource("orders", "1", {"total": value})]}
    with pytest.raises(FramesError, match=rf"orders\.total: cannot read the values as {kind}"):
        to_frames(document, types={"orders": {"total": kind}})


# --- ids ---------------------------------------------------------------------------------------

IDS = [
    pytest.param(["1", "2", "10"], "int64", [1, 2, 10], id="integers"),
    pytest.param(["0", "5"], "int64", [0, 5], id="zero"),
    pytest.param(["1", "a"], "str", ["1", "a"], id="mixed"),
    pytest.param(["007", "8"], "str", ["007", "8"], id="leading-zero"),
    pytest.param(["-1", "2"], "str", ["-1", "2"], id="signed"),
    pytest.param(["1 "], "str", ["1 "], id="space"),
    pytest.param(["12345678901234567890"], "str", ["12345678901234567890"], id="beyond-int64"),
    pytest.param(["key1=item 1;key2=10"], "str", ["key1=item 1;key2=10"], id="composite"),
    pytest.param(["open", "closed"], "str", ["open", "closed"], id="enum-option-codes"),
]


@pytest.mark.parametrize(("ids", "dtype", "expected"), IDS)
def test_index_is_the_ids(ids: list[str], dtype: str, expected: list[Any]) -> None:
    frame = to_frames({"data": [resource("things", i) for i in ids]})["things"]
    assert frame.index.name == "id"
    assert str(frame.index.dtype) == dtype
    assert frame.index.tolist() == expected


# --- relationships -----------------------------------------------------------------------------

ORDERS = {
    "data": [
        resource(
            "orders",
            "1",
            {"identifier": "SO-1", "total": "10.5000"},
            customer=ref("customers", "7"),
            status=ref("orderstatuses", "open"),
            lineItems=[ref("orderlineitems", "1"), ref("orderlineitems", "2")],
        ),
        resource(
            "orders",
            "2",
            {"identifier": "SO-2", "total": "20.0000"},
            customer=None,
            status=ref("orderstatuses", "closed"),
            lineItems=[],
        ),
        resource(
            "orders",
            "3",
            {"identifier": "SO-3", "total": "30.0000"},
            customer=ref("customers", "8"),
            status=ref("orderstatuses", "open"),
            lineItems=[ref("orderlineitems", "3")],
        ),
    ],
    "included": [
        resource("customers", "7", {"name": "Acme"}, parent=None),
        resource("customers", "8", {"name": "Globex"}, parent=ref("customers", "7")),
        resource("orderstatuses", "open", {"name": "Open"}),
        resource("orderstatuses", "closed", {"name": "Closed"}),
    ],
}


def test_one_frame_per_type_primary_first() -> None:
    frames = to_frames(ORDERS, types={"orders": {"total": "money"}})
    assert isinstance(frames, Frames)
    assert list(frames) == ["orders", "customers", "orderstatuses"]
    assert frames.primary == "orders"
    orders = frames["orders"]
    assert list(orders.columns) == [
        "identifier",
        "total",
        "customer.id",
        "status.id",
        "lineItems",
    ]
    assert orders["total"].tolist() == [10.5, 20.0, 30.0]
    pd.testing.assert_frame_equal(frames.data, orders)


def test_to_one_relationships_are_id_columns() -> None:
    orders = to_frames(ORDERS)["orders"]
    assert str(orders["customer.id"].dtype) == "Int64"
    assert orders["customer.id"].tolist() == [7, pd.NA, 8]
    assert str(orders["status.id"].dtype) == "str"
    assert orders["status.id"].tolist() == ["open", "closed", "open"]


def test_to_many_relationships_are_id_lists() -> None:
    orders = to_frames(ORDERS)["orders"]
    assert orders["lineItems"].tolist() == [[1, 2], [], [3]]


def test_to_many_with_text_ids_and_a_null() -> None:
    document = {
        "data": [
            resource("users", "1", tags=[ref("tags", "a"), ref("tags", "b")]),
            resource("users", "2", tags=None),
        ]
    }
    assert to_frames(document)["users"]["tags"].tolist() == [["a", "b"], None]


def test_link_tables() -> None:
    frames = to_frames(ORDERS, link_tables=True)
    assert list(frames.links) == [("orders", "lineItems")]
    table = frames.links[("orders", "lineItems")]
    assert list(table.columns) == ["id", "lineItems.id"]
    assert table.to_dict("list") == {"id": [1, 1, 3], "lineItems.id": [1, 2, 3]}
    assert [str(t) for t in table.dtypes] == ["int64", "int64"]
    assert to_frames(ORDERS).links == {}


def test_polymorphic_relationships_keep_the_types() -> None:
    document = {
        "data": [
            resource(
                "calls",
                "1",
                owner=ref("users", "1"),
                targets=[ref("accounts", "3"), ref("contacts", "3")],
            ),
            resource("calls", "2", owner=ref("businessunits", "2"), targets=[]),
        ]
    }
    frames = to_frames(document, link_tables=True)
    calls = frames["calls"]
    assert calls["owner.id"].tolist() == [1, 2]
    assert calls["owner.type"].tolist() == ["users", "businessunits"]
    assert calls["targets"].tolist() == [[3, 3], []]
    assert calls["targets.type"].tolist() == [["accounts", "contacts"], []]
    assert frames.links[("calls", "targets")].to_dict("list") == {
        "id": [1, 1],
        "targets.id": [3, 3],
        "targets.type": ["accounts", "contacts"],
    }
    assert frames.relationships[("calls", "owner")] == ("users", "businessunits")


def test_relationship_with_links_only_has_no_column() -> None:
    document = {
        "data": {
            "type": "articles",
            "id": "1",
            "relationships": {"comments": {"links": {"related": "http://x/articles/1/comments"}}},
        }
    }
    assert list(to_frames(document)["articles"].columns) == []


def test_resource_meta_becomes_columns() -> None:
    document = {"data": [{"type": "users", "id": "1", "meta": {"title": "John Doe"}}]}
    assert to_frames(document)["users"]["meta.title"].tolist() == ["John Doe"]


def test_sparse_resources_fill_missing_attributes_with_nulls() -> None:
    document = {
        "data": [
            resource("things", "1", {"a": 1}),
            resource("things", "2", {"b": True}),
            resource("things", "3"),
        ]
    }
    frame = to_frames(document)["things"]
    assert frame["a"].tolist() == [1, pd.NA, pd.NA]
    assert frame["b"].tolist() == [pd.NA, True, pd.NA]


# --- included, duplicates, join ----------------------------------------------------------------


def test_included_resources_have_their_own_frames() -> None:
    frames = to_frames(ORDERS)
    assert frames["customers"]["name"].tolist() == ["Acme", "Globex"]
    assert frames["customers"]["parent.id"].tolist() == [pd.NA, 7]
    assert frames["orderstatuses"].index.tolist() == ["open", "closed"]


def test_data_type_also_included_comes_after_the_data() -> None:
    document = {
        "data": [resource("customers", "8", {"name": "Globex"}, parent=ref("customers", "7"))],
        "included": [resource("customers", "7", {"name": "Acme"}, parent=None)],
    }
    frames = to_frames(document)
    assert frames["customers"].index.tolist() == [8, 7]
    assert frames.data.index.tolist() == [8]
    assert "1 in data" in repr(frames)


def test_a_repeated_resource_is_kept_once() -> None:
    document = {
        "data": [resource("things", "1", {"a": 1}), resource("things", "1", {"a": 2})],
        "included": [resource("others", "5"), resource("others", "5"), resource("things", "1")],
    }
    frames = to_frames(document)
    assert frames["things"]["a"].tolist() == [1]
    assert frames["others"].index.tolist() == [5]
    assert len(frames.data) == 1


def test_join_brings_included_columns_in_with_a_prefix() -> None:
    frames = to_frames(ORDERS)
    joined = frames.join("customer", "status")
    assert joined.index.tolist() == [1, 2, 3]
    assert joined["customer.name"].tolist() == ["Acme", np.nan, "Globex"]
    assert joined["customer.parent.id"].tolist() == [pd.NA, pd.NA, 7]
    assert joined["status.name"].tolist() == ["Open", "Closed", "Open"]
    assert list(joined.columns[:5]) == list(frames.data.columns)
    inner = frames.join("customer", how="inner")
    assert inner.index.tolist() == [1, 3]
    assert "customer.name" not in frames.data.columns  # the frames are left alone


def test_join_from_another_frame() -> None:
    joined = to_frames(ORDERS).join("parent", frame="customers")
    assert joined["parent.name"].tolist() == [np.nan, "Acme"]


def test_join_matches_integer_ids_with_text_ids() -> None:
    document = {
        "data": [resource("orders", "1", customer=ref("customers", "7"))],
        "included": [resource("customers", "7", {"name": "Acme"}), resource("customers", "x")],
    }
    joined = to_frames(document).join("customer")
    assert joined["customer.name"].tolist() == ["Acme"]
    assert joined["customer.id"].tolist() == [7]


JOIN_ERRORS = [
    pytest.param("lineItems", "orders.lineItems is a to-many relationship", id="to-many"),
    pytest.param("nope", "orders has no relationship 'nope'; to-one ones: customer", id="unknown"),
]


@pytest.mark.parametrize(("name", "message"), JOIN_ERRORS)
def test_join_errors(name: str, message: str) -> None:
    with pytest.raises(FramesError, match=message):
        to_frames(ORDERS).join(name)


def test_join_without_the_included_type() -> None:
    document = {"data": [resource("orders", "1", customer=ref("customers", "7"))]}
    with pytest.raises(FramesError, match=r"no 'customers' frame .* include=customer"):
        to_frames(document).join("customer")


def test_join_of_a_polymorphic_relationship() -> None:
    document = {
        "data": [
            resource("calls", "1", owner=ref("users", "1")),
            resource("calls", "2", owner=ref("businessunits", "1")),
        ]
    }
    with pytest.raises(FramesError, match="points at users, businessunits"):
        to_frames(document).join("owner")


# --- shapes of data ----------------------------------------------------------------------------

EMPTY = [
    pytest.param({"data": []}, id="empty-list"),
    pytest.param({"data": None}, id="null"),
    pytest.param({"meta": {"count": 3}}, id="meta-only"),
    pytest.param(None, id="no-document"),
]


@pytest.mark.parametrize("document", EMPTY)
def test_no_data(document: Any) -> None:
    frames = to_frames(document)
    assert len(frames) == 0
    assert frames.primary is None
    assert frames.data.empty and frames.data.index.name == "id"
    assert repr(frames) == "<Frames, no data>"


def test_empty_data_of_a_known_type_has_typed_columns() -> None:
    frames = to_frames(
        {"data": []}, primary="orders", types={"orders": {"total": "money", "at": "datetime"}}
    )
    assert frames.primary == "orders"
    assert list(frames.data.columns) == ["total", "at"]
    assert [str(t) for t in frames.data.dtypes] == ["float64", "datetime64[us, UTC]"]


def test_the_primary_type_named_is_for_empty_data_only() -> None:
    frames = to_frames({"data": [resource("accounts", "1")]}, primary="search")
    assert frames.primary == "accounts"
    assert list(frames) == ["accounts"]


def test_single_resource() -> None:
    document = {"data": resource("users", "1", {"enabled": True}, owner=ref("businessunits", "1"))}
    frames = to_frames(document)
    assert frames.primary == "users"
    assert frames.data.to_dict("index") == {1: {"enabled": True, "owner.id": 1}}


def test_top_level_meta_is_kept() -> None:
    assert to_frames({"data": [], "meta": {"count": 3}}).meta == {"count": 3}


def test_an_exchange_converts() -> None:
    class Exchange:
        document = ORDERS

    assert to_frames(Exchange()).primary == "orders"


def test_mixed_types_in_data() -> None:
    document = {"data": [resource("a", "1"), resource("b", "1"), resource("a", "2")]}
    frames = to_frames(document)
    assert frames.primary == "a"
    assert frames["a"].index.tolist() == [1, 2]
    assert frames["b"].index.tolist() == [1]


BAD_DOCUMENTS = [
    pytest.param([1, 2], "expected a JSON:API document", id="not-an-object"),
    pytest.param({"data": "x"}, "data must be a list, an object or null", id="data-text"),
    pytest.param({"data": [{"id": "1"}]}, "not a resource object", id="no-type"),
    pytest.param({"data": [1]}, "not a resource object", id="not-a-resource"),
]


@pytest.mark.parametrize(("document", "message"), BAD_DOCUMENTS)
def test_bad_documents(document: Any, message: str) -> None:
    with pytest.raises(FramesError, match=message):
        to_frames(document)


def test_repr_lists_frames_and_link_tables() -> None:
    assert repr(to_frames(ORDERS, link_tables=True)) == (
        "<Frames, primary orders\n"
        "  orders                        3 rows × 5 columns\n"
        "  customers                     2 rows × 2 columns\n"
        "  orderstatuses                 2 rows × 1 column\n"
        "  links['orders', 'lineItems']  3 rows>"
    )


def test_unknown_frame_says_which_there_are() -> None:
    with pytest.raises(KeyError, match="no 'users' frame; the types here: orders, customers"):
        to_frames(ORDERS)["users"]


# --- pages assembled (what fetch_all does with each page) --------------------------------------


def test_pages_with_different_members_assemble_into_one_frame() -> None:
    page1 = [
        resource("things", "1", {"a": 1}, owner=None, tags=[ref("tags", "1")]),
        resource("things", "2", {"a": 2}, owner=None, tags=[]),
    ]
    page2 = [
        resource("things", "x", {"b": "2024-01-02T07:41:02Z"}, owner=ref("users", "5"), tags=None),
    ]
    page3 = [resource("things", "3", {"a": None}, tags=[ref("tags", "t")])]
    frames = assemble([extract(page1), extract(page2), extract(page3)], [{}, {}, {}])
    things = frames["things"]
    assert things.index.tolist() == ["1", "2", "x", "3"]
    assert things["a"].tolist() == [1, 2, pd.NA, pd.NA]
    assert str(things["b"].dtype) == "datetime64[us, UTC]"
    assert things["owner.id"].tolist() == [pd.NA, pd.NA, 5, pd.NA]
    assert things["tags"].tolist() == [["1"], [], None, ["t"]]


def test_pages_typed_as_they_come_assemble_into_one_column() -> None:
    typing = Typing({"things": {"total": "money", "state": "enum", "at": "datetime"}})
    page1 = [resource("things", "1", {"total": "1.5000", "state": "open"})]
    page2 = [resource("things", "2", {"state": "closed", "at": "2024-01-02T07:41:02Z"})]
    page3 = [resource("things", "3", {"total": None, "state": None})]
    chunks = [extract(page, typing) for page in (page1, page2, page3)]
    things = assemble(chunks, [{}, {}, {}])["things"]
    assert [str(t) for t in things.dtypes] == ["float64", "category", "datetime64[us, UTC]"]
    assert_values(things["total"], [1.5, np.nan, np.nan])
    assert things["state"].cat.categories.tolist() == ["closed", "open"]
    assert_values(things["state"], ["open", "closed", np.nan])
    assert_values(things["at"], [NAT, pd.Timestamp("2024-01-02 07:41:02", tz=UTC), NAT])


def test_enum_pages_with_numbers_and_nulls() -> None:
    typing = Typing({"things": {"level": "enum"}})
    pages = [[resource("things", "1", {"level": 2})], [resource("things", "2", {"level": None})]]
    things = assemble([extract(page, typing) for page in pages], [{}, {}])["things"]
    assert str(things["level"].dtype) == "category"
    assert_values(things["level"], [2, np.nan])


def test_pages_mixing_to_one_and_to_many_linkage() -> None:
    page1 = [resource("things", "1", rel=ref("others", "1"))]
    page2 = [resource("things", "2", rel=[ref("others", "1")])]
    with pytest.raises(FramesError, match="'rel' is to-one in some resources, to-many in others"):
        assemble([extract(page1), extract(page2)], [{}, {}])


# --- the JSON:API specification's example responses --------------------------------------------


def vendor_documents() -> list[Any]:
    if not VENDOR_RESPONSES.is_dir():
        raise FileNotFoundError(f"the vendored JSON:API examples are missing: {VENDOR_RESPONSES}")
    paths = sorted(
        p
        for p in VENDOR_RESPONSES.rglob("*.json")
        if "valid" in p.relative_to(VENDOR_RESPONSES).parts
    )
    return [pytest.param(p, id=str(p.relative_to(VENDOR_RESPONSES))) for p in paths]


@pytest.mark.parametrize("path", vendor_documents())
def test_valid_responses_of_the_specification_convert(path: Path) -> None:
    document = json.loads(path.read_text())
    frames = to_frames(document, link_tables=True)
    data = document.get("data")
    resources = ([data] if isinstance(data, dict) else data or []) + document.get("included", [])
    assert sum(len(frame) for frame in frames.values()) == len(
        {(r["type"], r["id"]) for r in resources}
    )
    if resources:
        assert frames.primary == resources[0]["type"]
