"""``sandbox.search.language``: conditions, aggregates and queries built in Python, written as
the query language writes them, and read back by the parser as the same objects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox import QueryError
from sandbox.search import (
    TYPES,
    AdvancedQuery,
    Condition,
    F,
    Group,
    format_aggregations,
    parse_aggregations,
    parse_condition,
    parse_query,
)

BUILT = [
    pytest.param(F("name").contains("inc"), "name ~ inc", id="contains"),
    pytest.param(F("name").not_contains("a b"), 'name !~ "a b"', id="not-contains-quoted"),
    pytest.param(F("name").like("Ac"), "name like Ac", id="like"),
    pytest.param(F("name").not_like("x"), "name notlike x", id="notlike"),
    pytest.param(F("name").starts_with("Ac"), "name starts_with Ac", id="starts-with"),
    pytest.param(F("count") == 3, "count = 3", id="equal-int"),
    pytest.param(F("active") != True, "active != 1", id="bool"),  # noqa: E712
    pytest.param(F("total") > Decimal("10.50"), "total > 10.50", id="decimal"),
    pytest.param(F("total") >= 1.5, "total >= 1.5", id="float"),
    pytest.param(F("createdAt") < dt.date(2024, 1, 31), "createdAt < 2024-01-31", id="date"),
    pytest.param(
        F("createdAt")
        <= dt.datetime(2024, 1, 31, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        'createdAt <= "2024-01-31 10:00:00"',
        id="aware-datetime-in-utc",
    ),
    pytest.param(F("status").in_("open", "on hold"), 'status in (open, "on hold")', id="in"),
    pytest.param(F("id").not_in(1, 2), "id !in (1, 2)", id="not-in"),
    pytest.param(F("owner").exists(), "owner exists", id="exists"),
    pytest.param(F("owner").not_exists(), "owner notexists", id="notexists"),
    pytest.param(
        (F("a") == 1) & (F("b") == 2) & (F("c") == 3), "a = 1 and b = 2 and c = 3", id="and-chain"
    ),
    pytest.param(
        ((F("a") == 1) | (F("b") == 2)) & (F("c") == 3),
        "(a = 1 or b = 2) and c = 3",
        id="mixed-keeps-brackets",
    ),
    pytest.param(
        (F("a") == 1) | ((F("b") == 2) & (F("c") == 3)),
        "a = 1 or (b = 2 and c = 3)",
        id="right-group-bracketed",
    ),
]


@pytest.mark.parametrize(("condition", "text"), BUILT)
def test_built_conditions_are_written_and_read_back(
    condition: Condition | Group, text: str
) -> None:
    assert str(condition) == text
    assert parse_condition(text) == condition


def test_typed_fields_and_a_whole_query() -> None:
    query = (
        AdvancedQuery()
        .selecting("name", F("identifier").as_("number"))
        .from_aliases("oro_order", "oro_account")
        .filter(F("totalValue", "double") > 100)
        .filter(F("status").contains("open"))
        .aggregate(F("status").count(), F("totalValue", "decimal").sum("total"))
        .sorted_by("createdAt", descending=True)
        .page(offset=10, max_results=5)
    )
    text = (
        "select (name, identifier as number) from (oro_order, oro_account)"
        " where decimal totalValue > 100 and status ~ open"
        " aggregate status count statusCount, decimal totalValue sum total"
        " order_by createdAt desc offset 10 max_results 5"
    )
    assert str(query) == text
    assert parse_query(text) == query


def test_aggregations_text() -> None:
    aggregates = (F("status").count(), F("totalValue").avg("mean"))
    assert format_aggregations(aggregates) == "status count statusCount, totalValue avg mean"
    assert parse_aggregations(format_aggregations(aggregates)) == aggregates


@pytest.mark.parametrize(
    ("build", "message"),
    [
        pytest.param(lambda: F("two words"), "is no search field name", id="field-name"),
        pytest.param(lambda: F("and"), "is no search field name", id="keyword-as-name"),
        pytest.param(lambda: F("x", "money"), "is no search field type", id="type"),
        pytest.param(lambda: F("x") == [1], "is no search value", id="value"),
        pytest.param(lambda: F("x").in_(), "needs one value", id="empty-in"),
        pytest.param(lambda: (F("x") == 1) & "y = 2", "is no condition", id="join-text"),
        pytest.param(lambda: AdvancedQuery(offset=-1), "whole number", id="offset"),
        pytest.param(lambda: AdvancedQuery(from_=("a b",)), "is no entity alias", id="alias"),
        pytest.param(lambda: F("x").as_("a b"), "is no name", id="as"),
    ],
)
def test_what_the_builder_will_not_write(build: object, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        build()  # type: ignore[operator]


# --- any condition is written so that it reads back the same ------------------------------------

NAMES = st.sampled_from(["name", "totalValue", "text", "integer", "allText", "x_1", "ÄÖ"])
VALUES = st.text(min_size=0, max_size=12) | st.sampled_from(["and", "OR", "select", "a b", '"'])


def conditions(typed: bool) -> st.SearchStrategy[Condition | Group]:
    field = st.builds(F, NAMES, st.sampled_from([None, *TYPES]) if typed else st.none())
    one = st.one_of(
        st.builds(lambda f, v: f == v, field, VALUES),
        st.builds(lambda f, v: f.contains(v), field, VALUES),
        st.builds(lambda f, v: f.not_like(v), field, VALUES),
        st.builds(lambda f, vs: f.in_(*vs), field, st.lists(VALUES, min_size=1, max_size=3)),
        *([] if typed else [st.builds(lambda f: f.exists(), field)]),
    )
    return st.recursive(
        one,
        lambda inner: st.builds(
            lambda a, b, both: a & b if both else a | b, inner, inner, st.booleans()
        ),
        max_leaves=6,
    )


@settings(max_examples=100, deadline=None)
@given(conditions(typed=False))
def test_any_searchquery_round_trips(condition: Condition | Group) -> None:
    assert parse_condition(str(condition)) == condition


@settings(max_examples=100, deadline=None)
@given(conditions(typed=True))
def test_any_advanced_where_round_trips(condition: Condition | Group) -> None:
    query = AdvancedQuery(from_=("oro_order",), where=condition, max_results=3)
    assert parse_query(str(query)) == query
