"""server/storage/select.py and the parts it puts together (filters, order, access, statements): a
parsed query → SQL text and bind values. Pure: compiled for SQLite's dialect, nothing executed."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from server.jsonapi.query import parse_query
from server.storage.plans import Sample, Samples
from server.storage.select import Selector
from server.storage.tables import build_schema
from tests.server.tiny_registry import ARTICLES, REGISTRY

COLUMNS = (
    "SELECT article.id, article.title, article.views, article.published_at, article.draft,"
    " article.author_id FROM article"
)
PAGE = {"limit": 11, "offset": 0}


@pytest.fixture(scope="module")
def selector() -> Selector:
    return Selector(REGISTRY, build_schema(REGISTRY), sa.create_engine("sqlite://").dialect)


def page(selector: Selector, pairs: list[tuple[str, str]]) -> tuple[str, dict[str, Any]]:
    sql, params = selector.page(ARTICLES, parse_query(pairs, REGISTRY, ARTICLES))
    return " ".join(sql.text.split()), params


@pytest.mark.parametrize(
    ("pairs", "where", "values"),
    [
        pytest.param([], "1 = 1", {}, id="no-filter"),
        pytest.param([("filter[id]", "5")], "article.id = ?", {"p0": 5}, id="eq"),
        pytest.param([("filter[id][gt]", "5")], "article.id > ?", {"p0": 5}, id="gt"),
        pytest.param(
            [("filter[id][neq_or_null]", "5")],
            "article.id != ? OR article.id IS NULL",
            {"p0": 5},
            id="neq-or-null",
        ),
        pytest.param(
            [("filter[id]", "1,2")],
            "article.id IN (SELECT anon_1.value FROM json_each(?) AS anon_1)",
            {"p0": "[1,2]"},  # a list is one JSON array parameter, whatever its length
            id="list",
        ),
        pytest.param(
            [("filter[views]", "1..5")],
            "article.views >= ? AND article.views <= ?",
            {"p0_lo": 1, "p0_hi": 5},
            id="range",
        ),
        pytest.param(
            [("filter[publishedAt]", "2024")],
            "article.published_at >= ? AND article.published_at < ?",
            {"p0_lo": "2024-01-01T00:00:00Z", "p0_hi": "2025-01-01T00:00:00Z"},
            id="period-is-half-open",
        ),
        pytest.param(
            [("filter[title][contains]", "50%_off")],
            "article.title LIKE ? ESCAPE '\\'",
            {"p0": "%50\\%\\_off%"},
            id="like-escapes-wildcards",
        ),
        pytest.param(
            [("filter[title][starts_with]", "A")],
            "article.title LIKE ? ESCAPE '\\'",
            {"p0": "A%"},
            id="starts-with",
        ),
        pytest.param(
            [("filter[title][exists]", "false")], "article.title IS NULL", {}, id="exists-false"
        ),
        pytest.param(
            [("filter[author.name]", "Ann")],
            "article.author_id IN (SELECT person_1.id FROM person AS person_1"
            " WHERE person_1.name = ?)",
            {"p0": "Ann"},
            id="to-one-path-is-a-sub-select",
        ),
        pytest.param(
            [("filter[tags]", "x,y")],
            "article.id IN (SELECT article_tags_1.article_id FROM article_tags AS article_tags_1"
            " WHERE article_tags_1.article_id IS NOT NULL"
            " AND article_tags_1.tag_id IN (SELECT anon_1.value FROM json_each(?) AS anon_1))",
            {"p0": '["x","y"]'},
            id="to-many-eq-holds-any",
        ),
        pytest.param(
            [("filter[id][gte]", "2"), ("filter[draft]", "0")],
            "article.id >= ? AND article.draft = ?",
            {"p0": 2, "p1": False},
            id="filters-and-together",
        ),
    ],
)
def test_filter_sql(
    selector: Selector, pairs: list[tuple[str, str]], where: str, values: dict[str, Any]
) -> None:
    text, params = page(selector, pairs)
    assert text == f"{COLUMNS} WHERE {where} ORDER BY article.id ASC LIMIT ? OFFSET ?"
    assert params == values | PAGE


@pytest.mark.parametrize(
    ("pairs", "tail", "paging"),
    [
        pytest.param(
            [("sort", "-title")],
            "ORDER BY article.title DESC, article.id ASC LIMIT ? OFFSET ?",
            PAGE,
            id="id-breaks-ties",
        ),
        pytest.param(
            [("sort", "views,id")],
            "ORDER BY article.views ASC, article.id ASC LIMIT ? OFFSET ?",
            PAGE,
            id="id-given",
        ),
        pytest.param(
            [("page[size]", "5"), ("page[number]", "3")],
            "ORDER BY article.id ASC LIMIT ? OFFSET ?",
            {"limit": 6, "offset": 10},
            id="one-more-than-a-page",
        ),
        pytest.param(
            [("page[size]", "-1")], "ORDER BY article.id ASC", {}, id="everything-unpaged"
        ),
    ],
)
def test_order_and_paging(
    selector: Selector, pairs: list[tuple[str, str]], tail: str, paging: dict[str, int]
) -> None:
    text, params = page(selector, pairs)
    assert text == f"{COLUMNS} WHERE 1 = 1 {tail}"
    assert params == paging


def test_a_shape_compiles_once_whatever_the_values(selector: Selector) -> None:
    first, _ = selector.page(ARTICLES, parse_query([("filter[id]", "1")], REGISTRY, ARTICLES))
    second, params = selector.page(ARTICLES, parse_query([("filter[id]", "9")], REGISTRY, ARTICLES))
    assert second is first
    assert params["p0"] == 9


# --- which index a page walks (server.storage.plans), from samples written here ---------------

VIEWS = Sample(tuple(range(1000)), 0.0, 100_000)  # views 0..999 spread over 100,000 rows


@pytest.mark.parametrize(
    ("pairs", "where"),
    [
        pytest.param(
            [("filter[views]", "400..599"), ("sort", "title")],
            "+article.views >= ? AND +article.views <= ?",
            id="a-fifth-walks-the-sort-order",
        ),
        pytest.param(
            [("filter[views]", "400..401"), ("sort", "title")],
            "article.views >= ? AND article.views <= ?",
            id="a-few-rows-use-the-filter-index",
        ),
        pytest.param(
            [("filter[views][gt]", "100"), ("filter[id][lt]", "90000")],
            "+article.views > ? AND +article.id < ?",
            id="default-sort-by-id",
        ),
        pytest.param(
            [("filter[views][gt]", "100"), ("filter[title][contains]", "a"), ("sort", "title")],
            "article.views > ? AND article.title LIKE ? ESCAPE '\\'",
            id="an-unestimated-filter-leaves-the-choice-to-sqlite",
        ),
        pytest.param(
            [("filter[views][gt]", "100"), ("sort", "author.name")],
            "article.views > ?",
            id="a-sort-path-leaves-the-choice-to-sqlite",
        ),
    ],
)
def test_a_page_walks_the_cheaper_index(pairs: list[tuple[str, str]], where: str) -> None:
    samples = Samples(lambda table, column: VIEWS)
    planned = Selector(
        REGISTRY, build_schema(REGISTRY), sa.create_engine("sqlite://").dialect, samples=samples
    )
    text, _ = page(planned, pairs)
    assert f" WHERE {where} ORDER BY " in text
