"""Oro's search query language (server/jsonapi/search_query.py): tables of literal cases."""

from __future__ import annotations

import pytest

from server.jsonapi.search_query import (
    Aggregate,
    Condition,
    Field,
    Group,
    SearchQuery,
    SearchSyntaxError,
    Selected,
    parse_aggregations,
    parse_condition,
    parse_search_query,
)


def cond(name: str, op: str, value: object, position: int, type_: str | None = None) -> Condition:
    return Condition(Field(name, type_, position), op, value, position)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", SearchQuery(), id="empty"),
        pytest.param("from oro_user", SearchQuery(from_=("oro_user",)), id="from-one"),
        pytest.param(
            "from (oro_user, oro_contact)",
            SearchQuery(from_=("oro_user", "oro_contact")),
            id="from-several",
        ),
        pytest.param(
            "select text.name",
            SearchQuery(select=(Selected(Field("name", "text", 7)),)),
            id="select-one",
        ),
        pytest.param(
            "select (text.a as name, integer b)",
            SearchQuery(
                select=(
                    Selected(Field("a", "text", 8), "name"),
                    Selected(Field("b", "integer", 24)),
                )
            ),
            id="select-several-with-as",
        ),
        pytest.param(
            "where name ~ opportunity and double price > 100",
            SearchQuery(
                where=Group(
                    (cond("name", "~", "opportunity", 6), cond("price", ">", "100", 29, "decimal")),
                    ("and",),
                )
            ),
            id="typed-and",
        ),
        pytest.param(
            'where all_text !~ "two words"',
            SearchQuery(where=cond("all_text", "!~", "two words", 6)),
            id="quoted-value",
        ),
        pytest.param(
            "where integer count !in (1, 2)",
            SearchQuery(where=cond("count", "!in", ("1", "2"), 6, "integer")),
            id="not-in-list",
        ),
        pytest.param(
            "where a = 1 or b = 2 and c = 3",
            SearchQuery(
                where=Group(
                    (cond("a", "=", "1", 6), cond("b", "=", "2", 15), cond("c", "=", "3", 25)),
                    ("or", "and"),
                )
            ),
            id="left-to-right",
        ),
        pytest.param(
            "where (a = 1 or b = 2) and c = 3",
            SearchQuery(
                where=Group(
                    (
                        Group((cond("a", "=", "1", 7), cond("b", "=", "2", 16)), ("or",)),
                        cond("c", "=", "3", 27),
                    ),
                    ("and",),
                )
            ),
            id="brackets",
        ),
        pytest.param(
            "order_by integer count desc offset 5 max_results 10",
            SearchQuery(order_by=(Field("count", "integer", 9), True), offset=5, max_results=10),
            id="order-offset-max",
        ),
        pytest.param(
            "aggregate integer count sum total aggregate text.name count as names",
            SearchQuery(
                aggregates=(
                    Aggregate(Field("count", "integer", 10), "sum", "total"),
                    Aggregate(Field("name", "text", 44), "count", "names"),
                )
            ),
            id="aggregates",
        ),
        pytest.param(
            "aggregate integer n sum a, integer m sum b",
            SearchQuery(
                aggregates=(
                    Aggregate(Field("n", "integer", 10), "sum", "a"),
                    Aggregate(Field("m", "integer", 27), "sum", "b"),
                )
            ),
            id="aggregates-comma-not-oros",
        ),
        pytest.param(
            "where a = 1 and b = 2 or c = 3",
            SearchQuery(
                where=Group(
                    (cond("a", "=", "1", 6), cond("b", "=", "2", 16), cond("c", "=", "3", 25)),
                    ("and", "or"),
                )
            ),
            id="left-to-right-and-first",
        ),
        pytest.param(
            "where (a = 1 or b = 2 or c = 3) and (d = 4 and (e = 5 or f = 6))",
            SearchQuery(
                where=Group(
                    (
                        Group(
                            (
                                cond("a", "=", "1", 7),
                                cond("b", "=", "2", 16),
                                cond("c", "=", "3", 25),
                            ),
                            ("or", "or"),
                        ),
                        Group(
                            (
                                cond("d", "=", "4", 37),
                                Group((cond("e", "=", "5", 48), cond("f", "=", "6", 57)), ("or",)),
                            ),
                            ("and",),
                        ),
                    ),
                    ("and",),
                )
            ),
            id="brackets-alike-joins-nested",
        ),
        pytest.param(
            'WHERE datetime createdAt >= "2013-01-01 00:00:00"',
            SearchQuery(where=cond("createdAt", ">=", "2013-01-01 00:00:00", 6, "datetime")),
            id="keywords-any-case",
        ),
    ],
)
def test_parse_search_query(text: str, expected: SearchQuery) -> None:
    assert parse_search_query(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "where name ~", "Unexpected end of the query at position 12: expected a value.", id="v"
        ),
        pytest.param(
            "where name is x",
            'Unexpected "is" at position 11: expected an operator'
            " (~, !~, like, notlike, =, !=, >, <, >=, <=, in, !in).",
            id="operator",
        ),
        pytest.param(
            "where name exists",
            'Unexpected "exists" at position 11: expected an operator'
            " (~, !~, like, notlike, =, !=, >, <, >=, <=, in, !in).",
            id="exists-is-json-api-only",
        ),
        pytest.param(
            "from (a, b",
            'Unexpected end of the query at position 10: expected "," or ")".',
            id="unclosed-from",
        ),
        pytest.param(
            "where (a = 1",
            'Unexpected end of the query at position 12: expected a closing bracket ")".',
            id="unclosed-bracket",
        ),
        pytest.param(
            'where a = "x', "Unterminated string at position 10: expected a closing quote.", id="q"
        ),
        pytest.param(
            "where a in 1",
            'Unexpected "1" at position 11: expected a bracketed list of values.',
            id="in-needs-list",
        ),
        pytest.param(
            "name ~ x",
            'Unexpected "name" at position 0: expected a keyword'
            " (select, from, where, aggregate, order_by, offset, max_results).",
            id="no-keyword",
        ),
        pytest.param(
            "from a from b", 'Unexpected "from" at position 7: expected from only once.', id="twice"
        ),
        pytest.param(
            "where (a = 1 and b = 2 or c = 3)",
            'Unexpected "or" at position 23: expected "and" (the conditions within one pair of'
            ' brackets are joined all by "and" or all by "or").',
            id="brackets-mix-and-or",
        ),
        pytest.param(
            "where x = 0 or (a = 1 or b = 2 and c = 3)",
            'Unexpected "and" at position 31: expected "or" (the conditions within one pair of'
            ' brackets are joined all by "and" or all by "or").',
            id="brackets-mix-or-and",
        ),
        pytest.param(
            "max_results ten",
            'Unexpected "ten" at position 12: expected a whole number after max_results.',
            id="number",
        ),
        pytest.param(
            "aggregate integer n median m",
            'Unexpected "median" at position 20: expected an aggregate function'
            " (count, sum, avg, min, max).",
            id="function",
        ),
        pytest.param(
            "where a = 1 !b",
            'Unexpected "!" at position 12: expected a field, an operator or a value.',
            id="bad-char",
        ),
    ],
)
def test_parse_search_query_errors(text: str, message: str) -> None:
    with pytest.raises(SearchSyntaxError) as error:
        parse_search_query(text)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("businessUnit = 2", cond("businessUnit", "=", "2", 0), id="eq"),
        pytest.param("businessUnit in (1, 3)", cond("businessUnit", "in", ("1", "3"), 0), id="in"),
        pytest.param("email exists", cond("email", "exists", None, 0), id="exists"),
        pytest.param("email notexists", cond("email", "notexists", None, 0), id="notexists"),
        pytest.param(
            "username starts_with adm", cond("username", "starts_with", "adm", 0), id="starts"
        ),
        pytest.param(
            '(username ~ "admin" or birthday > "2000-01-01") and username ~ "John"',
            Group(
                (
                    Group(
                        (
                            cond("username", "~", "admin", 1),
                            cond("birthday", ">", "2000-01-01", 23),
                        ),
                        ("or",),
                    ),
                    cond("username", "~", "John", 52),
                ),
                ("and",),
            ),
            id="oro-example",
        ),
        pytest.param("integer = 1", cond("integer", "=", "1", 0), id="types-are-names-here"),
        pytest.param(
            "a = 1 or b = 2 and c = 3",
            Group(
                (cond("a", "=", "1", 0), cond("b", "=", "2", 9), cond("c", "=", "3", 19)),
                ("or", "and"),
            ),
            id="top-level-left-to-right",
        ),
    ],
)
def test_parse_condition(text: str, expected: object) -> None:
    assert parse_condition(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "a = 1 b = 2",
            'Unexpected "b" at position 6: expected "and", "or" or the end of the query.',
            id="trailing",
        ),
        pytest.param("from a", 'Unexpected "from" at position 0: expected a field name.', id="kw"),
        pytest.param(
            "(a = 1 or b = 2 and c = 3)",
            'Unexpected "and" at position 16: expected "or" (the conditions within one pair of'
            ' brackets are joined all by "and" or all by "or").',
            id="brackets-mix",
        ),
    ],
)
def test_parse_condition_errors(text: str, message: str) -> None:
    with pytest.raises(SearchSyntaxError) as error:
        parse_condition(text)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "productType count",
            (Aggregate(Field("productType", None, 0), "count", "productTypeCount"),),
            id="default-name",
        ),
        pytest.param(
            "productType count, minimalPrice SUM total",
            (
                Aggregate(Field("productType", None, 0), "count", "productTypeCount"),
                Aggregate(Field("minimalPrice", None, 19), "sum", "total"),
            ),
            id="named",
        ),
    ],
)
def test_parse_aggregations(text: str, expected: tuple[Aggregate, ...]) -> None:
    assert parse_aggregations(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "price median",
            'Unexpected "median" at position 6: expected an aggregate function'
            " (count, sum, avg, min, max).",
            id="function",
        ),
        pytest.param(
            "price", 'Unexpected "price" at position 0: expected field function [name].', id="short"
        ),
    ],
)
def test_parse_aggregations_errors(text: str, message: str) -> None:
    with pytest.raises(SearchSyntaxError) as error:
        parse_aggregations(text)
    assert str(error.value) == message
