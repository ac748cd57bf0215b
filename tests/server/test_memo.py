"""server/jsonapi/memo.py: serialized resource objects found again by what they are made of —
the same bytes as rendering anew, never an object of another row, ids, view or API root."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from server.jsonapi.document import View, resource_object, shape_of
from server.jsonapi.memo import RenderedObjects
from tests.server.tiny_registry import ARTICLES

API = "http://x/api"
ROW = (7, "Hello", 12, "2024-05-01T10:00:00Z", 0, 3)  # Selector.columns' layout
TO_MANY = {"tags": {7: ["a", "b"]}}


def dumped(value: Any) -> bytes:
    return orjson.dumps({"data": value})


@pytest.mark.parametrize(
    ("fields", "view"),
    [
        pytest.param(None, View(API), id="every-field-with-links"),
        pytest.param(None, View(API, links=False), id="no-hateoas"),
        pytest.param(None, View(API, title=True), id="meta-title"),
        pytest.param(frozenset({"title", "author"}), View(API), id="sparse-no-to-many"),
        pytest.param(frozenset({"tags"}), View(API), id="sparse-to-many-only"),
    ],
)
def test_the_same_bytes_as_rendering(fields: frozenset[str] | None, view: View) -> None:
    shape = shape_of(ARTICLES, fields)
    rendered = RenderedObjects().renderer(shape, view)
    expected = dumped(resource_object(shape, ROW, TO_MANY, view))
    assert dumped(rendered(ROW, TO_MANY)) == expected
    assert dumped(rendered(ROW, TO_MANY)) == expected  # found again


def test_the_same_row_is_found_again() -> None:
    memo = RenderedObjects()
    rendered = memo.renderer(shape_of(ARTICLES), View(API))
    first = rendered(ROW, TO_MANY)
    assert rendered(tuple(ROW), {"tags": {7: ["a", "b"]}}) is first
    assert len(memo) == 1


@pytest.mark.parametrize(
    ("row", "to_many", "api_url", "links"),
    [
        pytest.param((7, "Changed", *ROW[2:]), TO_MANY, API, True, id="an-attribute"),
        pytest.param((*ROW[:-1], 4), TO_MANY, API, True, id="a-to-one"),
        pytest.param((*ROW[:-1], None), TO_MANY, API, True, id="a-to-one-cleared"),
        pytest.param(ROW, {"tags": {7: ["a"]}}, API, True, id="to-many-ids"),
        pytest.param(ROW, {"tags": {}}, API, True, id="to-many-emptied"),
        pytest.param(ROW, TO_MANY, "http://y/api", True, id="the-api-root"),
        pytest.param(ROW, TO_MANY, API, False, id="the-view"),
    ],
)
def test_anything_changed_renders_anew(
    row: tuple[Any, ...], to_many: Any, api_url: str, links: bool
) -> None:
    memo = RenderedObjects()
    shape = shape_of(ARTICLES)
    memo.renderer(shape, View(API))(ROW, TO_MANY)  # the object as it was
    view = View(api_url, links=links)
    fresh = memo.renderer(shape, view)(row, to_many)
    assert dumped(fresh) == dumped(resource_object(shape, row, to_many, view))
    assert dumped(fresh) != dumped(resource_object(shape, ROW, TO_MANY, View(API)))


def test_a_value_that_cannot_be_a_key_is_rendered_and_not_kept() -> None:
    memo = RenderedObjects()
    shape = shape_of(ARTICLES, frozenset({"title"}))
    row = (7, ["a", "list"], *ROW[2:])
    rendered = memo.renderer(shape, View(API))(row, TO_MANY)
    assert orjson.loads(dumped(rendered))["data"]["attributes"] == {"title": ["a", "list"]}
    assert len(memo) == 0


def test_past_its_bound_the_memo_starts_afresh() -> None:
    size = len(orjson.dumps(resource_object(shape_of(ARTICLES), ROW, TO_MANY, View(API))))
    memo = RenderedObjects(max_bytes=size * 3)
    rendered = memo.renderer(shape_of(ARTICLES), View(API))
    for id_ in range(1, 4):
        rendered((id_, *ROW[1:]), TO_MANY)
    assert len(memo) == 3
    rendered((4, *ROW[1:]), TO_MANY)
    assert len(memo) == 1
