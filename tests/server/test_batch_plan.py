"""``server.batch.plan`` (pure): a batch request split into units and chunks, pointers mapped
back into the request as sent, references to stored items rewritten. Tables of literal cases."""

from __future__ import annotations

from typing import Any

import pytest

from server.batch.plan import Plan, Unit, plan, rewrite_refs
from server.batch.routes import BatchTarget, batch_target
from server.jsonapi.errors import RelationshipConstraint


def acc(key: str | None = None, *contacts: str) -> dict[str, Any]:
    item: dict[str, Any] = {"type": "accounts", "attributes": {"name": "n"}}
    if key is not None:
        item["id"] = key
    if contacts:
        refs = [{"type": "contacts", "id": c} for c in contacts]
        item["relationships"] = {"contacts": {"data": refs}}
    return item


def con(key: str, **to: str) -> dict[str, Any]:
    item: dict[str, Any] = {"type": "contacts", "id": key}
    if to:
        item["relationships"] = {
            name: {"data": {"type": "accounts" if name == "account" else "contacts", "id": ref}}
            for name, ref in to.items()
        }
    return item


PLANS = [
    pytest.param(
        {"data": [acc(), acc(), acc()]},
        (2, 50),
        [[(0, (), ()), (1, (), ())], [(2, (), ())]],
        (),
        id="primary-items-in-chunks",
    ),
    pytest.param(
        {"data": [acc("a", "c1"), acc("b", "c2")], "included": [con("c1"), con("c2")]},
        (100, 1),
        [[(0, (0,), ())], [(1, (1,), ())]],
        (),
        id="an-included-limit-closes-chunks-too",
    ),
    pytest.param(
        {
            "data": [acc("a", "c1", "c2"), acc("b", "c3"), acc("c", "c4")],
            "included": [con("c1"), con("c2"), con("c3"), con("c4")],
        },
        (2, 0),
        [[(0, (0, 1), ()), (1, (2,), ())], [(2, (3,), ())]],
        (),
        id="oro-chunks-take-every-included-item-of-their-primary-items",
    ),
    pytest.param(
        {"data": [acc("a", "c1"), acc(), acc("b", "c1")], "included": [con("c1")]},
        (1, 50),
        [[(0, (0,), ()), (2, (), (0,))], [(1, (), ())]],
        (),
        id="a-shared-item-keeps-its-units-in-one-chunk",
    ),
    pytest.param(
        {
            "data": [acc("a")],
            "included": [con("c1", account="a"), con("c2", manager="c1"), con("x")],
        },
        (100, 50),
        [[(0, (0, 1), ())]],
        (2,),
        id="inverse-and-chained-references-and-an-unrelated-item",
    ),
]


@pytest.mark.parametrize(
    ("item", "refusal"),
    [
        pytest.param(None, "The item should be an object", id="null"),
        pytest.param([], "The item should be an object", id="array"),
        pytest.param({"id": "x"}, "The 'type' property is required", id="no-type"),
        pytest.param({"type": "contacts"}, "The 'id' property is required", id="no-id"),
        pytest.param({"type": None, "id": "x"}, "The 'type' property should not be null", id="t"),
        pytest.param({"type": 1, "id": "x"}, "The 'type' property should be a string", id="t1"),
        pytest.param({"type": "", "id": "x"}, "The 'type' property should not be blank", id="t2"),
        pytest.param({"type": "c", "id": None}, "The 'id' property should not be null", id="i"),
        pytest.param({"type": "c", "id": 1}, "The 'id' property should be a string", id="i1"),
        pytest.param({"type": "c", "id": ""}, "The 'id' property should not be blank", id="i2"),
        pytest.param(con("c0"), "The item duplicates the item with the index 0", id="twice"),
    ],
)
def test_the_included_section_is_checked_first(item: Any, refusal: str) -> None:
    body = {"data": [acc("a", "c0")], "included": [con("c0"), item]}
    assert plan(body, 100, 0) == Plan((), (), ((1, refusal),))


@pytest.mark.parametrize(("body", "sizes", "chunks", "unrelated"), PLANS)
def test_plan(body: dict[str, Any], sizes: tuple[int, int], chunks: Any, unrelated: Any) -> None:
    found = plan(body, *sizes)
    assert [
        [(u.data_index, u.included, u.borrowed) for u in chunk] for chunk in found.chunks
    ] == chunks
    assert found.unrelated == unrelated


@pytest.mark.parametrize(
    ("pointer", "adopted", "expected"),
    [
        pytest.param("/data/attributes/name", (), "/data/7/attributes/name", id="data"),
        pytest.param("/data", (), "/data/7", id="the-item"),
        pytest.param("/meta/upsert", (), "/data/7/meta/upsert", id="primary-options-at-the-root"),
        pytest.param("/included/1/attributes/x", (), "/included/5/attributes/x", id="included"),
        pytest.param("/included/2", (9,), "/included/9", id="adopted"),
        pytest.param(None, (), None, id="none"),
    ],
)
def test_original_pointer(
    pointer: str | None, adopted: tuple[int, ...], expected: str | None
) -> None:
    assert Unit(7, (3, 5)).original_pointer(pointer, adopted) == expected


def test_unit_document_and_rewritten_references() -> None:
    body = {"data": [acc("a", "c1", "c2")], "included": [con("c1"), con("c2")]}
    document = Unit(0, (1,)).document(body)
    assert document == {"data": body["data"][0], "included": [body["included"][1]]}
    rewritten = rewrite_refs(document, {("contacts", "c1"): "41"})
    assert rewritten["data"]["relationships"]["contacts"]["data"] == [
        {"type": "contacts", "id": "41"},
        {"type": "contacts", "id": "c2"},
    ]
    assert body["data"][0]["relationships"]["contacts"]["data"][0]["id"] == "c1"  # a copy


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("/asyncoperations/3", BatchTarget("operation", "3"), id="operation"),
        pytest.param("/asyncoperations/3/errors", BatchTarget("errors", "3"), id="errors"),
        pytest.param("/asyncoperations", BatchTarget("none"), id="no-list"),
        pytest.param("/asyncoperationerrors/3-1-1", BatchTarget("none"), id="no-error-item"),
        pytest.param("/accounts", None, id="another-type"),
    ],
)
def test_batch_target(path: str, expected: BatchTarget | None) -> None:
    assert batch_target(path) == expected


def test_owner_and_organization_have_no_sub_resources() -> None:
    with pytest.raises(RelationshipConstraint):
        batch_target("/asyncoperations/3/owner")
