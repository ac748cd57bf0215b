"""``sandbox.search.parser``: both languages parsed into objects, formatted back (``parse(str(x))
== x``), and malformed texts refused at the right position with what was expected there."""

from __future__ import annotations

import pytest

from sandbox.search import (
    AdvancedQuery,
    Aggregate,
    Condition,
    Field,
    Group,
    OrderBy,
    SearchSyntaxError,
    Selected,
    parse_aggregations,
    parse_condition,
    parse_query,
    tokenize,
)
from sandbox.search.parser import Token

QUERIES = [
    pytest.param("", AdvancedQuery(), "", id="empty"),
    pytest.param(
        "from demo_product where name ~ opportunity and double price > 100",
        AdvancedQuery(
            from_=("demo_product",),
            where=Group(
                (
                    Condition(Field("name"), "~", "opportunity"),
                    Condition(Field("price", "decimal"), ">", "100"),
                ),
                ("and",),
            ),
        ),
        "from demo_product where name ~ opportunity and decimal price > 100",
        id="oro-doc-typed-double",
    ),
    pytest.param(
        "select (name, description) from demo_product",
        AdvancedQuery(
            select=(Selected(Field("name")), Selected(Field("description"))),
            from_=("demo_product",),
        ),
        "select (name, description) from demo_product",
        id="select-several",
    ),
    pytest.param(
        "select (text.a as name, text.b as author)",
        AdvancedQuery(
            select=(
                Selected(Field("a", "text"), "name"),
                Selected(Field("b", "text"), "author"),
            )
        ),
        "select (text a as name, text b as author)",
        id="select-dotted-types-and-as",
    ),
    pytest.param(
        "SELECT name FROM oro_account WHERE name ~ inc ORDER_BY name DESC OFFSET 5 MAX_RESULTS 10",
        AdvancedQuery(
            select=(Selected(Field("name")),),
            from_=("oro_account",),
            where=Condition(Field("name"), "~", "inc"),
            order_by=OrderBy(Field("name"), descending=True),
            offset=5,
            max_results=10,
        ),
        "select name from oro_account where name ~ inc order_by name desc offset 5 max_results 10",
        id="keywords-in-any-case",
    ),
    pytest.param(
        "from (demo_products, demo_categories) where description ~ test order_by name asc",
        AdvancedQuery(
            from_=("demo_products", "demo_categories"),
            where=Condition(Field("description"), "~", "test"),
            order_by=OrderBy(Field("name")),
        ),
        "from (demo_products, demo_categories) where description ~ test order_by name",
        id="several-aliases-asc",
    ),
    pytest.param(
        "from oro_test where (owner ~ john and (integer count > 10 or float price = 10))"
        " or (owner ~ mary and (integer count > 5 or float price = 150))",
        AdvancedQuery(
            from_=("oro_test",),
            where=Group(
                (
                    Group(
                        (
                            Condition(Field("owner"), "~", "john"),
                            Group(
                                (
                                    Condition(Field("count", "integer"), ">", "10"),
                                    Condition(Field("price", "decimal"), "=", "10"),
                                ),
                                ("or",),
                            ),
                        ),
                        ("and",),
                    ),
                    Group(
                        (
                            Condition(Field("owner"), "~", "mary"),
                            Group(
                                (
                                    Condition(Field("count", "integer"), ">", "5"),
                                    Condition(Field("price", "decimal"), "=", "150"),
                                ),
                                ("or",),
                            ),
                        ),
                        ("and",),
                    ),
                ),
                ("or",),
            ),
        ),
        "from oro_test where (owner ~ john and (integer count > 10 or decimal price = 10))"
        " or (owner ~ mary and (integer count > 5 or decimal price = 150))",
        id="oro-doc-brackets",
    ),
    pytest.param(
        'where all_text !~ "opportunity" and integer count != 10',
        AdvancedQuery(
            where=Group(
                (
                    Condition(Field("all_text"), "!~", "opportunity"),
                    Condition(Field("count", "integer"), "!=", "10"),
                ),
                ("and",),
            )
        ),
        "where all_text !~ opportunity and integer count != 10",
        id="quoted-word-unquoted",
    ),
    pytest.param(
        'where datetime createdAt >= "2024-01-01 00:00:00" and status in (open, "on hold")'
        " and status !in (x) and name notlike 'a\\'b'",
        AdvancedQuery(
            where=Group(
                (
                    Condition(Field("createdAt", "datetime"), ">=", "2024-01-01 00:00:00"),
                    Condition(Field("status"), "in", ("open", "on hold")),
                    Condition(Field("status"), "!in", ("x",)),
                    Condition(Field("name"), "notlike", "a'b"),
                ),
                ("and", "and", "and"),
            )
        ),
        'where datetime createdAt >= "2024-01-01 00:00:00" and status in (open, "on hold")'
        ' and status !in (x) and name notlike "a\'b"',
        id="lists-dates-and-quotes",
    ),
    pytest.param(
        "where a = 1 or b = 2 and c = 3",
        AdvancedQuery(
            where=Group(
                (
                    Condition(Field("a"), "=", "1"),
                    Condition(Field("b"), "=", "2"),
                    Condition(Field("c"), "=", "3"),
                ),
                ("or", "and"),
            )
        ),
        "where a = 1 or b = 2 and c = 3",
        id="left-to-right",
    ),
    pytest.param(
        "where text = x aggregate integer total sum totalSum, status count statusCount",
        AdvancedQuery(
            where=Condition(Field("text"), "=", "x"),
            aggregates=(
                Aggregate(Field("total", "integer"), "sum", "totalSum"),
                Aggregate(Field("status"), "count", "statusCount"),
            ),
        ),
        "where text = x aggregate integer total sum totalSum, status count statusCount",
        id="field-named-like-a-type-and-aggregates",
    ),
    pytest.param(
        'where name = "and" and note = "" and x = "say \\"hi\\""',
        AdvancedQuery(
            where=Group(
                (
                    Condition(Field("name"), "=", "and"),
                    Condition(Field("note"), "=", ""),
                    Condition(Field("x"), "=", 'say "hi"'),
                ),
                ("and", "and"),
            )
        ),
        'where name = "and" and note = "" and x = "say \\"hi\\""',
        id="values-that-need-quotes",
    ),
]


@pytest.mark.parametrize(("text", "expected", "formatted"), QUERIES)
def test_parse_query_and_format_back(text: str, expected: AdvancedQuery, formatted: str) -> None:
    parsed = parse_query(text)
    assert parsed == expected
    assert str(parsed) == formatted
    assert parse_query(formatted) == parsed


CONDITIONS = [
    pytest.param("businessUnit = 2", "businessUnit = 2", id="equal"),
    pytest.param("businessUnit in (1, 3)", "businessUnit in (1, 3)", id="in"),
    pytest.param('username ~ "John" and id < 10', "username ~ John and id < 10", id="and"),
    pytest.param(
        '(username ~ "admin" or birthday > "2000-01-01") and username ~ "John"',
        "(username ~ admin or birthday > 2000-01-01) and username ~ John",
        id="brackets",
    ),
    pytest.param(
        "owner exists and phone notexists or name starts_with Ac",
        "owner exists and phone notexists or name starts_with Ac",
        id="flags-and-starts-with",
    ),
    pytest.param("integer = 5", "integer = 5", id="type-words-are-names"),
    pytest.param("((a = 1))", "a = 1", id="redundant-brackets"),
]


@pytest.mark.parametrize(("text", "formatted"), CONDITIONS)
def test_parse_condition_and_format_back(text: str, formatted: str) -> None:
    parsed = parse_condition(text)
    assert str(parsed) == formatted
    assert parse_condition(formatted) == parsed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "status count",
            (Aggregate(Field("status"), "count", "statusCount"),),
            id="default-name",
        ),
        pytest.param(
            " totalValue SUM total , status count",
            (
                Aggregate(Field("totalValue"), "sum", "total"),
                Aggregate(Field("status"), "count", "statusCount"),
            ),
            id="named-and-default",
        ),
    ],
)
def test_parse_aggregations(text: str, expected: tuple[Aggregate, ...]) -> None:
    assert parse_aggregations(text) == expected


ERRORS = [
    pytest.param(parse_query, "from oro_user where name ~", 26, "a value", id="value-missing"),
    pytest.param(
        parse_query, "where name ~ x and", 18, "a field name", id="condition-missing-after-and"
    ),
    pytest.param(
        parse_query, "where name is x", 11, "an operator (~, !~, like", id="unknown-operator"
    ),
    pytest.param(
        parse_query, "where name starts_with x", 11, "an operator (~", id="jsonapi-only-operator"
    ),
    pytest.param(parse_query, "where (a = 1", 12, 'a closing bracket ")"', id="unclosed"),
    pytest.param(parse_query, 'where a = "x', 10, "a closing quote", id="unterminated"),
    pytest.param(parse_query, "where a = 1 b = 2", 12, "a keyword (select", id="no-join"),
    pytest.param(parse_query, "from a from b", 7, "from only once", id="keyword-twice"),
    pytest.param(parse_query, "where a ! b", 8, "a field, an operator or a value", id="bad-char"),
    pytest.param(parse_query, "offset -1", 7, "a whole number after offset", id="negative"),
    pytest.param(parse_query, "max_results ten", 12, "a whole number", id="not-a-number"),
    pytest.param(parse_query, "from (a, b", 10, '"," or ")"', id="alias-list"),
    pytest.param(
        parse_query, "aggregate total average t", 16, "an aggregate function", id="function"
    ),
    pytest.param(parse_query, "where a in 1", 11, "a bracketed list", id="in-without-list"),
    pytest.param(parse_condition, "a = 1)", 5, '"and", "or" or the end', id="extra-bracket"),
    pytest.param(parse_condition, "text a = 1", 5, "an operator", id="no-types-in-jsonapi"),
    pytest.param(parse_condition, "", 0, "a field name", id="empty-condition"),
    pytest.param(parse_aggregations, "status", 0, "field function [name]", id="agg-short"),
    pytest.param(
        parse_aggregations, "status count, total median", 20, "an aggregate function", id="agg-fn"
    ),
    pytest.param(parse_aggregations, "a count,  ", 10, "field function", id="agg-empty-part"),
]


@pytest.mark.parametrize(("parse", "text", "position", "expected"), ERRORS)
def test_syntax_errors_name_position_and_expectation(
    parse: object, text: str, position: int, expected: str
) -> None:
    with pytest.raises(SearchSyntaxError) as raised:
        parse(text)  # type: ignore[operator]
    assert raised.value.position == position
    assert raised.value.expected.startswith(expected)
    assert str(raised.value) == (
        f"{raised.value.found} at position {position}: expected {raised.value.expected}."
    )


def test_tokens_carry_their_positions() -> None:
    assert tokenize('name ~ "a b" and x in (1,2)') == [
        Token("word", "name", 0),
        Token("op", "~", 5),
        Token("string", "a b", 7),
        Token("word", "and", 13),
        Token("word", "x", 17),
        Token("word", "in", 19),
        Token("punct", "(", 22),
        Token("word", "1", 23),
        Token("punct", ",", 24),
        Token("word", "2", 25),
        Token("punct", ")", 26),
        Token("end", "", 27),
    ]


@pytest.mark.parametrize(("parse", "text", "position", "expected"), ERRORS)
def test_the_sandbox_server_says_the_same(
    parse: object, text: str, position: int, expected: str
) -> None:
    """The library checks what the bundled server would answer, in the same words."""
    from server.jsonapi import search_query

    server_parse = {
        parse_query: search_query.parse_search_query,
        parse_condition: search_query.parse_condition,
        parse_aggregations: search_query.parse_aggregations,
    }[parse]  # type: ignore[index]
    with pytest.raises(SearchSyntaxError) as ours:
        parse(text)  # type: ignore[operator]
    with pytest.raises(search_query.SearchSyntaxError) as theirs:
        server_parse(text)
    assert str(ours.value) == str(theirs.value)
