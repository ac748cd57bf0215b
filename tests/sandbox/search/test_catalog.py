"""``sandbox.search.catalog``: queries checked against the searchable types and their fields
(pure, a literal catalog), and the catalog fetched from a live server's ``/api/searchentities``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox import ApiClient
from sandbox.search import (
    SearchCatalog,
    SearchCheckError,
    SearchEntity,
    SearchField,
    SearchProblem,
    parse_aggregations,
    parse_condition,
    parse_query,
)

CATALOG = SearchCatalog(
    [
        SearchEntity(
            "orders",
            "Order",
            True,
            (
                SearchField("identifier", "text", ("identifier",)),
                SearchField("status", "text", ("status",)),
                SearchField("totalValue", "decimal", ("totalValue",)),
                SearchField("customer", "integer", ("customer",)),
                SearchField("createdAt", "datetime", ("createdAt",)),
            ),
        ),
        SearchEntity(
            "accounts",
            "Account",
            True,
            (SearchField("name", "text", ("name",)), SearchField("owner", "integer", ("owner",))),
        ),
        SearchEntity("roles", "Role", False),
    ]
)


def test_fields_offered_per_type() -> None:
    assert CATALOG.fields(["accounts"]) == {"allText": "text", "name": "text", "owner": "integer"}
    assert list(CATALOG.fields()) == [
        "allText",
        "identifier",
        "status",
        "totalValue",
        "customer",
        "createdAt",
        "name",
        "owner",
    ]
    assert list(CATALOG.entities) == ["orders", "accounts"]  # not searchable: left out


CONDITIONS = [
    pytest.param("status ~ open and totalValue >= 10.5", None, [], id="fine"),
    pytest.param('allText ~ "big deal" or createdAt > "2024-01-01 10:00"', None, [], id="dates"),
    pytest.param("owner exists", ["accounts"], [], id="exists"),
    pytest.param(
        "name ~ x",
        ["orders"],
        [
            SearchProblem(
                0,
                '"name" is no search field of orders; known: allText, createdAt, customer,'
                " identifier, status, totalValue",
            )
        ],
        id="field-of-another-type",
    ),
    pytest.param(
        "a = 1 and Status = open",
        ["orders"],
        [
            SearchProblem(
                0,
                '"a" is no search field of orders; known: allText, createdAt, customer,'
                " identifier, status, totalValue",
            ),
            SearchProblem(
                10,
                '"Status" is no search field of orders (did you mean "status"?); known: allText,'
                " createdAt, customer, identifier, status, totalValue",
            ),
        ],
        id="unknown-and-case",
    ),
    pytest.param(
        "totalValue ~ 10",
        None,
        [
            SearchProblem(
                0,
                'The operator "~" applies to text fields only; "totalValue" is decimal:'
                " use = != > >= < <= in !in",
            )
        ],
        id="text-operator-on-a-number",
    ),
    pytest.param(
        "customer in (1, two) or createdAt < yesterday",
        None,
        [
            SearchProblem(0, '"customer" is integer: "two" is no integer value (e.g. 42)'),
            SearchProblem(
                24,
                '"createdAt" is datetime: "yesterday" is no datetime value'
                ' (e.g. "2024-01-31 00:00:00")',
            ),
        ],
        id="values-of-the-wrong-type",
    ),
    pytest.param(
        "allText = x",
        None,
        [SearchProblem(0, 'The operator "=" does not apply to allText: use ~ or !~')],
        id="all-text-operators",
    ),
    pytest.param(
        "name ~ x",
        ["contacts"],
        [
            SearchProblem(
                0, 'The "contacts" is not a searchable entity type; searchable: accounts, orders'
            )
        ],
        id="unknown-entity-type",
    ),
]


@pytest.mark.parametrize(("text", "entities", "problems"), CONDITIONS)
def test_check_condition(
    text: str, entities: list[str] | None, problems: list[SearchProblem]
) -> None:
    assert CATALOG.check_condition(parse_condition(text), entities) == problems


QUERIES = [
    pytest.param(
        "select identifier from oro_order where decimal totalValue > 5 order_by createdAt desc",
        [],
        id="fine",
    ),
    pytest.param(
        "from oro_orders where name ~ x",
        [
            SearchProblem(
                5,
                'The search alias "oro_orders" is unknown; known aliases: oro_account,'
                " oro_business_unit, oro_contact, oro_customer, oro_order, oro_product, oro_task,"
                " oro_user",
            ),
        ],
        id="unknown-alias-no-field-check",
    ),
    pytest.param(
        "from oro_order where integer totalValue = 5",
        [
            SearchProblem(
                21,
                '"totalValue" is a decimal field, not integer: write "decimal totalValue"'
                " (a field of another type finds nothing)",
            )
        ],
        id="typed-field-of-the-wrong-type",
    ),
    pytest.param(
        "select (nme) from oro_account order_by created",
        [
            SearchProblem(8, '"nme" is no search field of accounts; known: allText, name, owner'),
            SearchProblem(
                39, '"created" is no search field of accounts; known: allText, name, owner'
            ),
        ],
        id="select-and-order-by",
    ),
    pytest.param(
        "from oro_order aggregate status sum s, createdAt max m, status count c",
        [
            SearchProblem(
                25,
                'The function "sum" does not apply to the text field "status": it takes an'
                " integer or decimal field",
            )
        ],
        id="aggregates",
    ),
]


@pytest.mark.parametrize(("text", "problems"), QUERIES)
def test_check_query(text: str, problems: list[SearchProblem]) -> None:
    assert CATALOG.check_query(parse_query(text)) == problems


def test_check_aggregations_and_require() -> None:
    problems = CATALOG.check_aggregations(parse_aggregations("status count, name avg"), ["orders"])
    assert [p.position for p in problems] == [14]
    with pytest.raises(SearchCheckError) as raised:
        CATALOG.require(problems)
    assert raised.value.problems == problems
    assert str(raised.value) == problems[0].message
    CATALOG.require([])


# --- live --------------------------------------------------------------------------------------


@pytest.fixture
def api(api_url: str) -> Iterator[ApiClient]:
    with ApiClient(api_url) as client:
        yield client


def test_fetched_from_searchentities(api: ApiClient) -> None:
    catalog = SearchCatalog.fetch(api)
    assert sorted(catalog.entities) == [
        "accounts",
        "businessunits",
        "contacts",
        "customers",
        "orders",
        "products",
        "tasks",
        "users",
    ]
    orders = catalog.entities["orders"]
    assert orders.name == "Order"
    assert orders.field("totalValue") == SearchField("totalValue", "decimal", ("totalValue",))
    assert catalog.fields(["users"])["fullName"] == "text"
    # every Oro alias the catalog knows names a type the server searches
    assert sorted(catalog.alias_types(catalog.aliases)) == sorted(catalog.entities)
    assert catalog.check_query(parse_query("from oro_order where totalValue > 10")) == []


def test_alias_positions_only_while_they_hold() -> None:
    parsed = parse_query("from (oro_order, oro_nope)")
    assert [p.position for p in CATALOG.check_query(parsed)] == [17]
    changed = parsed.from_aliases("oro_gone")
    assert [p.position for p in CATALOG.check_query(changed)] == [0, 0]
