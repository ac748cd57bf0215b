"""server/jsonapi/query.py: query-string pairs → a parsed Query, or Oro's errors. Pure."""

from __future__ import annotations

from typing import Any

import pytest

from server.jsonapi.errors import ApiError, ApiErrors
from server.jsonapi.query import Filter, Query, Range, flatten_body_filters, parse_query, split_key
from server.metadata.types import Period
from tests.server.tiny_registry import ARTICLES, REGISTRY

Pairs = list[tuple[str, str]]


def parse(pairs: Pairs) -> Query:
    return parse_query(pairs, REGISTRY, ARTICLES)


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        pytest.param([("filter[id]", "5")], [(("id",), "eq", 5)], id="eq-is-the-default"),
        pytest.param([("filter[id][gt]", "5")], [(("id",), "gt", 5)], id="operator"),
        pytest.param([("filter[id]", "1,2")], [(("id",), "eq", [1, 2])], id="list"),
        pytest.param([("filter[views]", "1..5")], [(("views",), "eq", Range(1, 5))], id="range"),
        pytest.param(
            [("filter[publishedAt]", "2024")],
            [
                (
                    ("publishedAt",),
                    "eq",
                    Period("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"),
                )
            ],
            id="partial-date-is-a-period",
        ),
        pytest.param(
            [("filter[title][contains]", "a,b")],
            [(("title",), "contains", "a,b")],
            id="comma-is-literal-in-a-string",
        ),
        pytest.param([("filter[draft]", "yes")], [(("draft",), "eq", True)], id="boolean"),
        pytest.param(
            [("filter[title][exists]", "false")], [(("title",), "exists", False)], id="flag"
        ),
        pytest.param(
            [("filter[author.name]", "Ann")], [(("author", "name"), "eq", "Ann")], id="dotted-path"
        ),
        pytest.param(
            [("filter[author][name]", "Ann")],
            [(("author", "name"), "eq", "Ann")],
            id="bracketed-path",
        ),
        pytest.param([("filter[tags]", "x")], [(("tags",), "eq", ["x"])], id="to-many-is-a-list"),
        pytest.param(
            [("filter[id]", "1"), ("filter[id]", "2")], [(("id",), "eq", 2)], id="last-one-wins"
        ),
    ],
)
def test_filters(pairs: Pairs, expected: list[tuple[tuple[str, ...], str, Any]]) -> None:
    filters = parse(pairs).filters
    assert [(f.path, f.operator, f.value) for f in filters] == expected
    assert [f.parameter for f in filters] == list(dict(pairs))


@pytest.mark.parametrize(
    ("pairs", "fields"),
    [
        pytest.param(
            [("sort", "-title,views"), ("page[number]", "2"), ("page[size]", "5")],
            {"sort": ((("title",), True), (("views",), False)), "page": (2, 5)},
            id="sort-and-page",
        ),
        pytest.param(
            [("include", "author,tags"), ("fields[people]", "name"), ("meta", "title")],
            {
                "include": (("author",), ("tags",)),
                "fields": {"people": frozenset({"name"})},
                "meta": ("title",),
            },
            id="include-fields-meta",
        ),
        pytest.param([("page[size]", "-1")], {"page": (1, -1)}, id="no-paging"),
        pytest.param([], {"sort": (), "page": (1, 10), "include": ()}, id="defaults"),
    ],
)
def test_shaping(pairs: Pairs, fields: dict[str, Any]) -> None:
    query = parse(pairs)
    actual = {
        "sort": query.sort,
        "page": (query.page_number, query.page_size),
        "include": query.include,
        "fields": dict(query.fields),
        "meta": query.meta,
    }
    assert {name: actual[name] for name in fields} == fields


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        pytest.param(
            [("filter[nope]", "1")],
            [("filter constraint", "The filter is not supported.", "filter[nope]")],
            id="unknown-field",
        ),
        pytest.param(
            [("filter[views][contains]", "1")],
            [
                (
                    "filter constraint",
                    'The operator "contains" is not supported.',
                    "filter[views][contains]",
                )
            ],
            id="operator-not-allowed",
        ),
        pytest.param(
            [("filter[id]", "abc")],
            [("filter constraint", 'Expected integer value. Given "abc".', "filter[id]")],
            id="bad-value",
        ),
        pytest.param(
            [("sort", "draft")],
            [("sort constraint", 'Sorting by "draft" field is not supported.', "sort")],
            id="not-sortable",
        ),
        pytest.param(
            [("page[number]", "0"), ("filter[id]", "x")],
            [
                (
                    "filter constraint",
                    "The value should be greater than or equals to 1.",
                    "page[number]",
                ),
                ("filter constraint", 'Expected integer value. Given "x".', "filter[id]"),
            ],
            id="every-problem-at-once",
        ),
        pytest.param(
            [("unknown", "1")],
            [("filter constraint", "The filter is not supported.", "unknown")],
            id="unknown-parameter",
        ),
    ],
)
def test_errors(pairs: Pairs, expected: list[tuple[str, str, str]]) -> None:
    with pytest.raises(ApiError) as caught:
        parse(pairs)
    errors = caught.value.errors if isinstance(caught.value, ApiErrors) else [caught.value]
    assert [(e.title, e.detail, e.parameter) for e in errors] == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param("filter[a][b]", ("filter", ["a", "b"]), id="nested"),
        pytest.param("sort", ("sort", []), id="bare"),
        pytest.param("filter[a", None, id="unclosed"),
        pytest.param("filter[a]x", None, id="trailing"),
    ],
)
def test_split_key(key: str, expected: tuple[str, list[str]] | None) -> None:
    assert split_key(key) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param({"filter": {"id": {"neq": 5}}}, [("filter[id][neq]", "5")], id="nested"),
        pytest.param({"filter[id]": [1, 2]}, [("filter[id]", "1,2")], id="flat-list"),
        pytest.param({"filter": {"draft": True}}, [("filter[draft]", "true")], id="boolean"),
        pytest.param({"data": {}}, [], id="not-filters"),
        pytest.param([1], [], id="not-an-object"),
    ],
)
def test_body_filters(body: Any, expected: Pairs) -> None:
    assert flatten_body_filters(body) == expected


def test_a_filter_keeps_the_key_as_sent() -> None:
    assert parse([("filter[author][name][eq]", "Ann")]).filters == (
        Filter("filter[author][name][eq]", ("author", "name"), "eq", "Ann"),
    )
