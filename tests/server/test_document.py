"""server/jsonapi/document.py: stored rows → resource objects, plain objects, page links. Pure."""

from __future__ import annotations

from typing import Any

import pytest

from server.jsonapi.document import View, page_links, plain_object, resource_object, shape_of
from tests.server.tiny_registry import ARTICLES

API = "http://x/api"
# the row layout of Selector.columns: id, every attribute, every to-one FK
ROW = (7, "Hello", 12, "2024-05-01T10:00:00Z", 0, 3)
TO_MANY = {"tags": {7: ["a", "b"]}}
LINKS = {
    "author": {
        "self": f"{API}/articles/7/relationships/author",
        "related": f"{API}/articles/7/author",
    },
    "tags": {"self": f"{API}/articles/7/relationships/tags", "related": f"{API}/articles/7/tags"},
}


@pytest.mark.parametrize(
    ("fields", "view", "expected"),
    [
        pytest.param(
            None,
            View(API),
            {
                "type": "articles",
                "id": "7",
                "links": {"self": f"{API}/articles/7"},
                "attributes": {
                    "title": "Hello",
                    "views": 12,
                    "publishedAt": "2024-05-01T10:00:00Z",
                    "draft": False,
                },
                "relationships": {
                    "author": {"data": {"type": "people", "id": "3"}, "links": LINKS["author"]},
                    "tags": {
                        "data": [{"type": "tags", "id": "a"}, {"type": "tags", "id": "b"}],
                        "links": LINKS["tags"],
                    },
                },
            },
            id="every-field-with-links",
        ),
        pytest.param(
            frozenset({"title", "author"}),
            View(API, links=False),
            {
                "type": "articles",
                "id": "7",
                "attributes": {"title": "Hello"},
                "relationships": {"author": {"data": {"type": "people", "id": "3"}}},
            },
            id="sparse-fieldset-without-links",
        ),
        pytest.param(
            frozenset({"views"}),
            View(API, links=False, title=True),
            {
                "type": "articles",
                "id": "7",
                "meta": {"title": "Hello"},
                "attributes": {"views": 12},
            },
            id="meta-title",
        ),
        pytest.param(
            frozenset(),
            View(API, links=False),
            {"type": "articles", "id": "7"},
            id="no-fields",
        ),
    ],
)
def test_resource_object(fields: frozenset[str] | None, view: View, expected: Any) -> None:
    assert resource_object(shape_of(ARTICLES, fields), ROW, TO_MANY, view) == expected


@pytest.mark.parametrize(
    ("row", "to_many", "expected"),
    [
        pytest.param(
            ROW,
            TO_MANY,
            {
                "id": 7,
                "title": "Hello",
                "views": 12,
                "publishedAt": "2024-05-01T10:00:00Z",
                "draft": False,
                "author": 3,
                "tags": ["a", "b"],
            },
            id="values-inline",
        ),
        pytest.param(
            (8, None, None, None, None, None),
            {},
            {
                "id": 8,
                "title": None,
                "views": None,
                "publishedAt": None,
                "draft": None,
                "author": None,
                "tags": [],
            },
            id="nulls-and-no-members",
        ),
    ],
)
def test_plain_object(row: tuple[Any, ...], to_many: Any, expected: dict[str, Any]) -> None:
    assert plain_object(ARTICLES, row, to_many) == expected


@pytest.mark.parametrize(
    ("params", "number", "has_next", "expected"),
    [
        pytest.param([], 1, False, {}, id="one-page"),
        pytest.param(
            [("page[size]", "2")],
            1,
            True,
            {"next": f"{API}/a?page%5Bnumber%5D=2&page%5Bsize%5D=2"},
            id="first-of-many",
        ),
        pytest.param(
            [("page[number]", "3"), ("sort", "id")],
            3,
            False,
            {
                "first": f"{API}/a?sort=id",
                "prev": f"{API}/a?page%5Bnumber%5D=2&sort=id",
            },
            id="last-page",
        ),
    ],
)
def test_page_links(
    params: list[tuple[str, str]], number: int, has_next: bool, expected: dict[str, str]
) -> None:
    assert page_links(f"{API}/a", params, number, has_next) == expected
