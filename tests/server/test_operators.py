"""server/metadata/operators.py: each operator's row, and the SQL it makes over each kind of bound
value (server/storage/operands.py; a list is one JSON array parameter). Pure: compiled for SQLite's
dialect, nothing executed."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from server.metadata import types as t
from server.metadata.model import Relationship
from server.metadata.operators import COMPARABLE, OPERATORS, ORDERED, TO_MANY, defaults
from server.storage.operands import Test, compare, to_many

COLUMN = sa.column("c")
ID = sa.column("id")


ITEMS = "(SELECT anon_1.value FROM json_each(?) AS anon_1)"
PERIODS = (
    "EXISTS (SELECT * FROM json_each(?) AS anon_1"
    " WHERE c >= json_extract(anon_1.value, '$[0]') AND c < json_extract(anon_1.value, '$[1]'))"
)


def sql(clause: sa.ColumnElement[Any]) -> str:
    return " ".join(str(clause.compile(dialect=sa.create_engine("sqlite://").dialect)).split())


@pytest.mark.parametrize(
    ("operator", "kind", "expected"),
    [
        pytest.param("eq", ("value",), "c = ?", id="eq-value"),
        pytest.param("eq", ("list",), f"c IN {ITEMS}", id="eq-list"),
        pytest.param("eq", ("range", False), "c >= ? AND c <= ?", id="eq-range"),
        pytest.param("eq", ("range", True), "c >= ? AND c < ?", id="eq-period"),
        pytest.param("eq", ("periods",), PERIODS, id="eq-periods"),
        pytest.param("neq", ("value",), "c != ?", id="neq-value"),
        pytest.param("neq", ("list",), f"(c NOT IN {ITEMS})", id="neq-list"),
        pytest.param("neq", ("range", False), "c < ? OR c > ?", id="neq-range"),
        pytest.param(
            "neq",
            ("periods",),
            f"c IS NOT NULL AND NOT ({PERIODS})",
            id="neq-periods-never-null",
        ),
        pytest.param("neq_or_null", ("value",), "c != ? OR c IS NULL", id="neq-or-null"),
        pytest.param(
            "neq_or_null", ("list",), f"(c NOT IN {ITEMS}) OR c IS NULL", id="neq-or-null-list"
        ),
        pytest.param(
            "neq_or_null", ("range", False), "c < ? OR c > ? OR c IS NULL", id="neq-or-null-range"
        ),
        pytest.param("lt", ("value",), "c < ?", id="lt"),
        pytest.param("lte", ("value",), "c <= ?", id="lte"),
        pytest.param("gt", ("value",), "c > ?", id="gt"),
        pytest.param("gte", ("value",), "c >= ?", id="gte"),
        pytest.param("lt", ("range", True), "c < ?", id="lt-a-period-is-before-it"),
        pytest.param("lte", ("range", True), "c < ?", id="lte-a-period-is-up-to-its-end"),
        pytest.param("gt", ("range", True), "c >= ?", id="gt-a-period-is-after-it"),
        pytest.param("gte", ("range", True), "c >= ?", id="gte-a-period-is-from-its-start"),
        pytest.param("exists", ("bool", True), "c IS NOT NULL", id="exists"),
        pytest.param("exists", ("bool", False), "c IS NULL", id="exists-false"),
        pytest.param("empty", ("bool", True), "c IS NULL OR c = ?", id="empty"),
        pytest.param("empty", ("bool", False), "NOT (c IS NULL OR c = ?)", id="empty-false"),
        pytest.param("contains", ("like",), "c LIKE ? ESCAPE '\\'", id="contains"),
        pytest.param("not_contains", ("like",), "c NOT LIKE ? ESCAPE '\\'", id="not-contains"),
        pytest.param("starts_with", ("like",), "c LIKE ? ESCAPE '\\'", id="starts-with"),
        pytest.param("not_ends_with", ("like",), "c NOT LIKE ? ESCAPE '\\'", id="not-ends-with"),
    ],
)
def test_column_sql(operator: str, kind: tuple[Any, ...], expected: str) -> None:
    assert sql(compare(COLUMN, operator, "p0", kind)) == expected


LINK = sa.table("link", sa.column("owner"), sa.column("target"))


def owners(test: Test | None) -> sa.Select[Any]:
    """Owner ids of a link table, related to a target passing ``test`` (to any when None)."""
    statement = sa.select(LINK.c.owner)
    return statement if test is None else statement.where(test(LINK.c.target))


def held(test: Test) -> sa.ScalarSelect[Any]:
    """How many different targets passing ``test`` the outer owner holds."""
    count = sa.select(sa.func.count(sa.distinct(LINK.c.target)))
    return count.where(LINK.c.owner == ID, test(LINK.c.target)).scalar_subquery()


ANY = f"id IN (SELECT link.owner FROM link WHERE link.target IN {ITEMS})"
NONE = f"(id NOT IN (SELECT link.owner FROM link WHERE link.target IN {ITEMS}))"
NON_EMPTY = "id IN (SELECT link.owner FROM link)"
IN_RANGE = "SELECT link.owner FROM link WHERE link.target >= ? AND link.target <= ?"
HELD = (
    "(SELECT count(DISTINCT link.target) AS count_1 FROM link"
    f" WHERE link.owner = id AND link.target IN {ITEMS})"
)
WANTED = "(SELECT count(DISTINCT anon_2.value) AS count_2 FROM json_each(?) AS anon_2)"


@pytest.mark.parametrize(
    ("operator", "kind", "expected"),
    [
        pytest.param("eq", ("list",), ANY, id="eq-holds-any"),
        pytest.param("eq", ("range", False), f"id IN ({IN_RANGE})", id="eq-holds-any-in-range"),
        pytest.param(
            "neq", ("list",), f"{NON_EMPTY} AND {NONE}", id="neq-holds-none-and-is-not-empty"
        ),
        pytest.param("neq_or_null", ("list",), NONE, id="neq-or-null-holds-none"),
        pytest.param(
            "neq_or_null",
            ("range", False),
            f"(id NOT IN ({IN_RANGE}))",
            id="neq-or-null-holds-none-in-range",
        ),
        pytest.param("contains", ("list",), f"{HELD} = {WANTED}", id="contains-holds-all"),
        pytest.param("not_contains", ("list",), f"{HELD} != {WANTED}", id="not-contains"),
        pytest.param("exists", ("bool", True), NON_EMPTY, id="exists"),
        pytest.param(
            "exists", ("bool", False), "(id NOT IN (SELECT link.owner FROM link))", id="empty"
        ),
    ],
)
def test_to_many_sql(operator: str, kind: tuple[Any, ...], expected: str) -> None:
    assert sql(to_many(ID, owners, held, operator, "p0", kind)) == expected


def test_an_operator_without_to_many_sql_is_refused_there() -> None:
    with pytest.raises(ValueError, match="lt does not apply to a to-many association"):
        to_many(ID, owners, held, "lt", "p0", ("value",))


def test_contains_all_takes_a_list_only() -> None:
    with pytest.raises(TypeError, match="_Range is not a list of values"):
        to_many(ID, owners, held, "contains", "p0", ("range", False))


@pytest.mark.parametrize(
    ("family", "expected"),
    [
        pytest.param(COMPARABLE, ("eq", "neq", "exists", "neq_or_null"), id="comparable"),
        pytest.param(
            ORDERED, ("eq", "neq", "lt", "lte", "gt", "gte", "exists", "neq_or_null"), id="ordered"
        ),
        pytest.param(
            TO_MANY,
            ("eq", "neq", "exists", "neq_or_null", "contains", "not_contains"),
            id="to-many",
        ),
    ],
)
def test_defaults_by_family(family: str, expected: tuple[str, ...]) -> None:
    assert defaults(family) == expected


@pytest.mark.parametrize(
    ("owner", "expected"),
    [
        pytest.param(t.INTEGER.operators, defaults(ORDERED), id="integer-is-ordered"),
        pytest.param(t.STRING.operators, defaults(COMPARABLE), id="string-is-comparable"),
        pytest.param(
            Relationship("a", "b").operators, defaults(COMPARABLE), id="to-one-association"
        ),
        pytest.param(
            Relationship("a", "b", many=True, link_table="x").operators,
            defaults(TO_MANY),
            id="to-many-association",
        ),
    ],
)
def test_types_and_associations_take_their_defaults_from_the_table(
    owner: tuple[str, ...], expected: tuple[str, ...]
) -> None:
    assert owner == expected


def test_rows_are_consistent() -> None:
    for row in OPERATORS.values():
        assert not (row.flag and (row.sets or row.pattern)), row.name
        assert row.meaning, row.name
        assert (row.sql_many is not None) or not row.meaning_many, row.name
        assert row.ranges_many or (row.sets and row.sql_many is not None), row.name
