"""The query builder: exact query strings (the reference's §11 examples), values of every kind,
parse round trips, every QueryError; checks against the real server's metadata; and the strings
accepted — or, when check() rejects them, refused — by a live server."""

from __future__ import annotations

import datetime as dt
import enum
import warnings
from decimal import Decimal
from typing import Any

import httpx
import pytest

from sandbox.client import ApiClient
from sandbox.metadata import Metadata
from sandbox.query import OPERATORS, Query, QueryError, QueryWarning, Range, range_
from server.domain.resources import build_registry
from server.openapi import build_openapi

JSON_API = "application/vnd.api+json"
PLUS5 = dt.timezone(dt.timedelta(hours=5))


class Color(enum.Enum):
    RED = "red"


@pytest.fixture(scope="module")
def metadata() -> Metadata:
    return Metadata.from_openapi(build_openapi(build_registry()))


# --- query strings ---------------------------------------------------------------------------

Q = Query()

STRINGS = [
    # the reference's examples (§11 summary table, §11.2, §11.3)
    pytest.param(
        Q.filter("id", "gt", 5).page(number=1, size=2).fields("users", "username", "email"),
        "filter[id][gt]=5&page[number]=1&page[size]=2&fields[users]=username,email",
        id="reference-users-example",
    ),
    pytest.param(
        Q.fields("userroles", "label")
        .fields("users", "username", "email", "roles")
        .include("roles")
        .page(number=1, size=1),
        "fields[userroles]=label&fields[users]=username,email,roles&include=roles"
        "&page[number]=1&page[size]=1",
        id="reference-fields-include-example",
    ),
    pytest.param(Q.filter("id", 1), "filter[id]=1", id="eq-implied"),
    pytest.param(Q.filter("id", "eq", 1), "filter[id]=1", id="eq-written-as-implied"),
    pytest.param(Q.filter("id", [5, 7]), "filter[id]=5,7", id="list"),
    pytest.param(Q.filter("id", "eq", (5, 7)), "filter[id]=5,7", id="tuple-list"),
    pytest.param(Q.filter("id", range(5, 8)), "filter[id]=5,6,7", id="python-range-is-a-list"),
    pytest.param(Q.filter("id", range_(5, 7)), "filter[id]=5..7", id="range"),
    pytest.param(Q.filter("id", "neq", range_(5, 7)), "filter[id][neq]=5..7", id="neq-range"),
    pytest.param(Q.filter("id", "neq", [5, 7]), "filter[id][neq]=5,7", id="neq-list"),
    pytest.param(
        Q.filter("id", "gt", 8).filter("name", "a"),
        "filter[id][gt]=8&filter[name]=a",
        id="two-filters",
    ),
    pytest.param(
        Q.filter("id", "gte", 5).filter("id", "lte", 7),
        "filter[id][gte]=5&filter[id][lte]=7",
        id="same-field-two-operators",
    ),
    pytest.param(
        Q.filter("id", "gt", 5).filter("name", "a").filter("id", "gt", 6),
        "filter[id][gt]=6&filter[name]=a",
        id="same-key-replaced-in-place",
    ),
    pytest.param(Q.filter("owner.name", "eq", "x"), "filter[owner.name]=x", id="nested-path"),
    pytest.param(
        Q.filter("target.owners.id", 1), "filter[target.owners.id]=1", id="nested-path-deep"
    ),
    # every operator
    *(
        pytest.param(
            Q.filter("field", name, True if op.flag else "v"),
            f"filter[field][{name}]={'true' if op.flag else 'v'}"
            if name != "eq"
            else "filter[field]=v",
            id=f"operator-{name}",
        )
        for name, op in OPERATORS.items()
    ),
    # values of every kind
    pytest.param(Q.filter("enabled", True), "filter[enabled]=true", id="true"),
    pytest.param(Q.filter("enabled", False), "filter[enabled]=false", id="false"),
    pytest.param(Q.filter("phone", "exists", False), "filter[phone][exists]=false", id="flag"),
    pytest.param(Q.filter("phone", "exists", "no"), "filter[phone][exists]=no", id="flag-text"),
    pytest.param(Q.filter("n", -3), "filter[n]=-3", id="negative-int"),
    pytest.param(Q.filter("n", 1.5), "filter[n]=1.5", id="float"),
    pytest.param(Q.filter("n", 1e20), "filter[n]=1e%2B20", id="float-exponent"),
    pytest.param(Q.filter("n", Decimal("1.50")), "filter[n]=1.50", id="decimal"),
    pytest.param(Q.filter("n", Decimal("1E+2")), "filter[n]=100", id="decimal-exponent"),
    pytest.param(
        Q.filter("createdAt", "gte", dt.datetime(2017, 7, 21, 10, 20, 30, tzinfo=dt.UTC)),
        "filter[createdAt][gte]=2017-07-21T10:20:30Z",
        id="datetime-utc",
    ),
    pytest.param(
        Q.filter("createdAt", "gte", dt.datetime(2017, 7, 21, 10, 20, 30, 999, tzinfo=PLUS5)),
        "filter[createdAt][gte]=2017-07-21T05:20:30Z",
        id="datetime-offset-to-utc",
    ),
    pytest.param(
        Q.filter("createdAt", "gt", "2017-07-21T10:20:30+05:00"),
        "filter[createdAt][gt]=2017-07-21T10:20:30%2B05:00",
        id="datetime-text-plus-encoded",
    ),
    pytest.param(Q.filter("createdAt", "2017"), "filter[createdAt]=2017", id="datetime-year"),
    pytest.param(
        Q.filter("createdAt", range_(dt.date(2017, 1, 1), dt.date(2017, 6, 30))),
        "filter[createdAt]=2017-01-01..2017-06-30",
        id="date-range",
    ),
    pytest.param(
        Q.filter("birthday", "lt", dt.date(2000, 2, 3)),
        "filter[birthday][lt]=2000-02-03",
        id="date",
    ),
    pytest.param(Q.filter("at", dt.time(9, 5)), "filter[at]=09:05:00", id="time"),
    pytest.param(
        Q.filter("took", "gt", dt.timedelta(hours=1)), "filter[took][gt]=3600", id="duration"
    ),
    pytest.param(Q.filter("color", Color.RED), "filter[color]=red", id="python-enum"),
    pytest.param(Q.filter("name", "a b"), "filter[name]=a%20b", id="space"),
    pytest.param(Q.filter("name", "a&b=c#d%e"), "filter[name]=a%26b%3Dc%23d%25e", id="reserved"),
    pytest.param(Q.filter("name", "a,b"), "filter[name]=a,b", id="comma-as-given"),
    pytest.param(Q.filter("name", "Zoë"), "filter[name]=Zo%C3%AB", id="unicode"),
    pytest.param(Q.filter("name", ""), "filter[name]=", id="empty-string"),
    # include, fields, sort, page, meta, other parameters
    pytest.param(Q.include("owner", "organization"), "include=owner,organization", id="include"),
    pytest.param(Q.include("owner,organization"), "include=owner,organization", id="include-csv"),
    pytest.param(
        Q.include("owner").include("owner.organization", "owner"),
        "include=owner,owner.organization",
        id="include-accumulates-once",
    ),
    pytest.param(Q.fields("users"), "fields[users]=", id="fields-none"),
    pytest.param(
        Q.fields("users", "a").fields("users", "b"), "fields[users]=b", id="fields-replaced"
    ),
    pytest.param(Q.sort("id"), "sort=id", id="sort"),
    pytest.param(Q.sort("id", "-name"), "sort=id,-name", id="sort-desc"),
    pytest.param(Q.sort("a").sort("-target.name"), "sort=-target.name", id="sort-replaced"),
    pytest.param(Q.page(size=-1), "page[size]=-1", id="page-all"),
    pytest.param(Q.page(size=10).page(number=3), "page[number]=3&page[size]=10", id="page-order"),
    pytest.param(
        Q.page(offset=20, limit=10), "page[offset]=20&page[limit]=10", id="page-other-style"
    ),
    pytest.param(Q.meta("title"), "meta=title", id="meta"),
    pytest.param(Q.meta("property1", "property2"), "meta=property1,property2", id="meta-two"),
    pytest.param(Q.param("search", "a b"), "search=a%20b", id="other-parameter"),
    pytest.param(
        Q.sort("id").filter("id", "gt", 1).page(number=1).sort("-id"),
        "sort=-id&filter[id][gt]=1&page[number]=1",
        id="kinds-in-first-use-order",
    ),
    pytest.param(Q, "", id="empty"),
]


@pytest.mark.parametrize(("query", "expected"), STRINGS)
def test_query_string(query: Query, expected: str) -> None:
    assert query.query_string() == expected
    assert str(query) == expected


@pytest.mark.parametrize(("query", "expected"), STRINGS)
def test_parse_round_trip(query: Query, expected: str) -> None:
    parsed = Query.parse(expected)
    assert parsed == query
    assert str(parsed) == expected


def test_params_and_headers() -> None:
    query = (
        Query()
        .filter("id", "gt", 5)
        .filter("name", "Acme")
        .include("owner")
        .sort("-createdAt", "id")
        .page(number=2, size=30)
        .meta("title")
        .x_include("totalCount", "noHateoas")
    )
    assert query.params() == [
        ("filter[id][gt]", "5"),
        ("filter[name]", "Acme"),
        ("include", "owner"),
        ("sort", "-createdAt,id"),
        ("page[number]", "2"),
        ("page[size]", "30"),
        ("meta", "title"),
    ]
    assert query.headers() == {"X-Include": "totalCount;noHateoas"}
    assert Query().headers() == {}


@pytest.mark.parametrize(
    ("keys", "header"),
    [
        pytest.param(("totalCount",), "totalCount", id="one"),
        pytest.param(("totalCount", "noHateoas"), "totalCount;noHateoas", id="two"),
        pytest.param(("totalCount; noHateoas",), "totalCount;noHateoas", id="split-trimmed"),
        pytest.param(("deletedCount", "deletedCount"), "deletedCount", id="once"),
    ],
)
def test_x_include(keys: tuple[str, ...], header: str) -> None:
    assert Query().x_include(*keys).headers() == {"X-Include": header}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("filter%5Bid%5D%5Bgt%5D=5", "filter[id][gt]=5", id="encoded-brackets"),
        pytest.param("filter[id][eq]=5", "filter[id]=5", id="explicit-eq"),
        pytest.param("filter[target][name]=x", "filter[target.name]=x", id="bracket-path"),
        pytest.param("filter[a][b][gt]=1", "filter[a.b][gt]=1", id="bracket-path-operator"),
        pytest.param(
            "filter[createdAt]=2017-07-21T10:20:30%2B05:00",
            "filter[createdAt]=2017-07-21T10:20:30%2B05:00",
            id="encoded-plus-kept",
        ),
        pytest.param("filter[name]=a+b", "filter[name]=a%20b", id="plus-is-a-space"),
        pytest.param("/api/users?filter[id]=1#top", "filter[id]=1", id="from-a-url"),
        pytest.param("?sort=id&sort=-id", "sort=-id", id="repeated-key-last-wins"),
        pytest.param("include=a,b&&meta=title", "include=a,b&meta=title", id="empty-part"),
        pytest.param("foo=bar&page[offset]=3", "foo=bar&page[offset]=3", id="unknown-kept"),
        pytest.param("fields[users]=", "fields[users]=", id="empty-fieldset"),
        pytest.param("filter[]=1", "filter[]=1", id="malformed-filter-kept-as-is"),
    ],
)
def test_parse(text: str, expected: str) -> None:
    assert Query.parse(text).query_string() == expected


def test_parse_x_include() -> None:
    parsed = Query.parse("filter[id]=1", x_include="totalCount;noHateoas")
    assert parsed == Query().filter("id", 1).x_include("totalCount", "noHateoas")
    assert Query.parse("", x_include=["noHateoas"]).headers() == {"X-Include": "noHateoas"}


def test_equality_ignores_order_but_not_headers() -> None:
    a = Query().filter("id", 1).sort("id").include("owner")
    b = Query().include("owner").sort("id").filter("id", "eq", 1)
    assert a == b
    assert hash(a) == hash(b)
    assert a != a.x_include("totalCount")
    assert a != a.sort("-id")
    assert a != "filter[id]=1&sort=id&include=owner"


def test_immutable() -> None:
    base = Query().filter("id", 1)
    changed = base.filter("id", "gt", 2).page(size=5)
    assert str(base) == "filter[id]=1"
    assert str(changed) == "filter[id]=1&filter[id][gt]=2&page[size]=5"
    assert str(changed.without_filter("id", "gt")) == "filter[id]=1&page[size]=5"
    assert str(changed.without_filter("id")) == "page[size]=5"


@pytest.mark.parametrize(
    ("query", "text"),
    [
        pytest.param(Query(), "<Query (no parameters)>", id="empty"),
        pytest.param(
            Query().filter("id", "gt", 8).x_include("totalCount"),
            "<Query filter[id][gt]=8 | X-Include: totalCount>",
            id="header",
        ),
        pytest.param(Query(type="users").sort("-id"), "<Query users: sort=-id>", id="type"),
    ],
)
def test_repr(query: Query, text: str) -> None:
    assert repr(query) == text


def test_range_repr() -> None:
    assert range_(5, 7) == Range(5, 7)
    assert repr(range_(5, 7)) == "range_(5, 7)"


# --- errors of the grammar (no metadata) -----------------------------------------------------

ERRORS: list[Any] = [
    pytest.param(
        lambda: Q.filter("name", None),
        "filter 'name': None is not a value; for records without a value use"
        " .filter('name', 'exists', False)",
        id="none",
    ),
    pytest.param(
        lambda: Q.filter("id", "greater", 5),
        "unknown operator 'greater' in filter 'id'; operators: eq, neq, lt, lte, gt, gte,"
        " exists, neq_or_null, contains, not_contains, starts_with, not_starts_with, ends_with,"
        " not_ends_with, empty",
        id="unknown-operator",
    ),
    pytest.param(
        lambda: Q.filter("id", "gt", [5, 7]),
        "filter 'id' [gt] takes one value, not a list: [5, 7]",
        id="list-with-gt",
    ),
    pytest.param(
        lambda: Q.filter("id", "lte", range_(1, 2)),
        "filter 'id' [lte] takes one value, not a range: range_(1, 2)",
        id="range-with-lte",
    ),
    pytest.param(
        lambda: Q.filter("phone", "exists", "maybe"),
        "filter 'phone' [exists] takes true or false, not 'maybe'",
        id="flag-text",
    ),
    pytest.param(
        lambda: Q.filter("phone", "empty", 1),
        "filter 'phone' [empty] takes true or false, not 1",
        id="flag-number",
    ),
    pytest.param(
        lambda: Q.filter("createdAt", "gt", dt.datetime(2017, 1, 1)),
        "filter 'createdAt' [gt]: the datetime 2017-01-01T00:00:00 has no timezone: Oro needs"
        " one; use an aware datetime (tzinfo=datetime.timezone.utc) or a date",
        id="naive-datetime",
    ),
    pytest.param(
        lambda: Q.filter("at", dt.time(1, 2, tzinfo=dt.UTC)),
        "filter 'at': the time 01:02:00+00:00 has a timezone: Oro's times have none",
        id="time-with-timezone",
    ),
    pytest.param(
        lambda: Q.filter("id", []), "filter 'id': an empty list matches nothing", id="empty-list"
    ),
    pytest.param(
        lambda: Q.filter("name", ["a,b", "c"]),
        "filter 'name': a list item cannot contain a comma: 'a,b'",
        id="comma-in-list-item",
    ),
    pytest.param(
        lambda: Q.filter("id", [1, None]),
        "filter 'id': None is not a filter value",
        id="none-in-list",
    ),
    pytest.param(
        lambda: Q.filter("id", [1, [2]]),
        "filter 'id': a list or range cannot hold [2]",
        id="nested-list",
    ),
    pytest.param(
        lambda: Q.filter("id", range_(1, None)),
        "filter 'id': a range needs both ends",
        id="open-range",
    ),
    pytest.param(
        lambda: Q.filter("n", float("nan")),
        "filter 'n': nan is not a filter value: Oro's numbers are finite",
        id="nan",
    ),
    pytest.param(
        lambda: Q.filter("n", Decimal("Infinity")),
        "filter 'n': Infinity is not a filter value: Oro's numbers are finite",
        id="decimal-infinity",
    ),
    pytest.param(
        lambda: Q.filter("n", b"1"),
        "filter 'n': b'1' (bytes) is not a filter value",
        id="bytes",
    ),
    pytest.param(
        lambda: Q.filter("", 1),
        "a filter path is a field name or a dotted path, not ''",
        id="no-path",
    ),
    pytest.param(
        lambda: Q.filter("owner..name", 1),
        "a filter path is a field name or a dotted path, not 'owner..name'",
        id="empty-segment",
    ),
    pytest.param(
        lambda: Q.filter("owner[name]", 1),
        "a filter path has no brackets or spaces: 'owner[name]'",
        id="brackets-in-path",
    ),
    pytest.param(
        lambda: Q.fields("", "a"),
        "fields[...] needs a resource type name, not ''",
        id="fields-no-type",
    ),
    pytest.param(
        lambda: Q.fields("users", "a,"),
        "fields[users]: an empty name in 'a,'",
        id="fields-empty-name",
    ),
    pytest.param(lambda: Q.include(""), "include: an empty name in ''", id="include-empty"),
    pytest.param(
        lambda: Q.include("a", 1), "include: names are strings, not 1", id="include-not-a-string"
    ),
    pytest.param(lambda: Q.sort("-"), "sort: '-' is not a field or a dotted path", id="sort-dash"),
    pytest.param(lambda: Q.sort("a."), "sort: 'a.' is not a field or a dotted path", id="sort-dot"),
    pytest.param(
        lambda: Q.sort("-.a"), "sort: '-.a' is not a field or a dotted path", id="sort-dash-dot"
    ),
    pytest.param(lambda: Q.meta("title,"), "meta: an empty name in 'title,'", id="meta-empty"),
    pytest.param(lambda: Q.page(number=0), "page[number] is from 1, not 0", id="page-zero"),
    pytest.param(
        lambda: Q.page(size=-2), "page[size] is -1 (all) or more, not -2", id="page-size-below"
    ),
    pytest.param(lambda: Q.page(number="2"), "page[number] is an integer, not '2'", id="page-text"),
    pytest.param(lambda: Q.page(size=True), "page[size] is an integer, not True", id="page-bool"),
    pytest.param(
        lambda: Query.parse("page[number]=two"),
        "page[number] is an integer, not 'two'",
        id="parse-page-text",
    ),
    pytest.param(
        lambda: Q.x_include("totalcount"),
        "unknown X-Include key 'totalcount'; keys: totalCount, noHateoas, deletedCount",
        id="x-include-key",
    ),
]


@pytest.mark.parametrize(("build", "message"), ERRORS)
def test_grammar_errors(build: Any, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        build()
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)


# --- checks against the server's metadata ----------------------------------------------------

USERS_FILTERS = (
    "id, username, email, namePrefix, firstName, middleName, lastName, nameSuffix, title, phone,"
    " birthday, enabled, lastLogin, loginCount, createdAt, updatedAt, owner, organization,"
    " businessUnits, userRoles"
)
BU_FILTERS = (
    "id, name, phone, website, email, fax, createdAt, updatedAt, organization, owner, users"
)
USERS_RELS = "owner, organization, businessUnits, userRoles"
TYPES = (  # in the order of the document (its tags)
    "organizations, businessunits, userroles, users, contactsources, accounts, contacts,"
    " countries, regions, weightunits, taxjurisdictions, products, customers, taskpriorities,"
    " tasks, orderstatuses, orders, orderlineitems, customerusers, coupons, asyncoperations,"
    " asyncoperationerrors"
)  # the last two: the Batch API's operations and their errors

CHECK_ERRORS = [
    pytest.param(
        "users",
        Q.filter("nmae", "x"),
        f"users has no filterable field 'nmae'; filterable: {USERS_FILTERS}",
        id="unknown-field",
    ),
    pytest.param(
        "users",
        Q.filter("usrname", "x"),
        f"users has no filterable field 'usrname' (did you mean 'username'?);"
        f" filterable: {USERS_FILTERS}",
        id="unknown-field-suggestion",
    ),
    pytest.param(
        "products",
        Q.filter("tags", "x"),
        "products field 'tags' is not filterable; filterable: id, sku, name, description,"
        " status, featured, weight, gtin, createdAt, updatedAt, owner, organization, weightUnit",
        id="field-not-filterable",
    ),
    pytest.param(
        "users",
        Q.filter("username", "gt", "x"),
        "filter 'username' does not allow 'gt'; allowed: eq, neq, exists, neq_or_null",
        id="operator-not-allowed",
    ),
    pytest.param(
        "accounts",
        Q.filter("description", "x"),
        "filter 'description' does not allow 'eq'; allowed: exists",
        id="text-only-exists",
    ),
    pytest.param(
        "users",
        Q.filter("username", ["a", "b"]),
        "filter 'username' takes no lists: in string values a comma is literal",
        id="list-on-string",
    ),
    pytest.param(
        "products",
        Q.filter("status", range_("a", "b")),
        "filter 'status' takes no ranges (enum values)",
        id="range-on-enum",
    ),
    pytest.param(
        "products",
        Q.filter("status", "opne"),
        "filter 'status': 'opne' is not one of enabled, disabled",
        id="enum-value",
    ),
    pytest.param(
        "users", Q.filter("id", "abc"), "filter 'id' takes an integer, not 'abc'", id="integer"
    ),
    pytest.param(
        "users",
        Q.filter("id", "5..x"),
        "filter 'id' takes an integer, not 'x'",
        id="integer-range-parsed",
    ),
    pytest.param(
        "users",
        Q.filter("owner", "neq", "1,x"),
        "filter 'owner' takes an integer, not 'x'",
        id="relationship-id-list",
    ),
    pytest.param(
        "users",
        Q.filter("createdAt", "gt", "yesterday"),
        "filter 'createdAt' takes a datetime (YYYY[-MM[-DD[Thh[:mm[:ss]][Z|±hh:mm]]]]),"
        " not 'yesterday'",
        id="datetime",
    ),
    pytest.param(
        "users",
        Q.filter("birthday", "2000-1"),
        "filter 'birthday' takes a date (YYYY[-MM[-DD]]), not '2000-1'",
        id="date",
    ),
    pytest.param(
        "orders",
        Q.filter("preferredDeliveryTime", "9am"),
        "filter 'preferredDeliveryTime' takes a time (hh[:mm[:ss]]), not '9am'",
        id="time",
    ),
    pytest.param(
        "orders",
        Q.filter("totalValue", "gt", "lots"),
        "filter 'totalValue' takes a number, not 'lots'",
        id="money",
    ),
    pytest.param(
        "users",
        Q.filter("enabled", "maybe"),
        "filter 'enabled' takes true or false, not 'maybe'",
        id="boolean",
    ),
    pytest.param(
        "orders",
        Q.filter("externalId", "x"),
        "filter 'externalId' takes a GUID, not 'x'",
        id="guid",
    ),
    pytest.param(
        "users",
        Q.filter("username", ""),
        "filter 'username' needs a value, not an empty string",
        id="empty-string",
    ),
    pytest.param(
        "users",
        Q.filter("ownr.name", "x"),
        f"users has no relationship 'ownr' in filter 'ownr.name' (did you mean 'owner'?);"
        f" relationships: {USERS_RELS}",
        id="nested-unknown-relationship",
    ),
    pytest.param(
        "users",
        Q.filter("owner.nme", "x"),
        f"businessunits has no filterable field 'nme' in filter 'owner.nme'"
        f" (did you mean 'name'?); filterable: {BU_FILTERS}",
        id="nested-unknown-field",
    ),
    pytest.param(
        "users",
        Q.filter("owner.name", "gt", "x"),
        "filter 'owner.name' does not allow 'gt'; allowed: eq, neq, exists, neq_or_null",
        id="nested-operator",
    ),
    pytest.param(
        "users",
        Q.sort("-nmae"),
        "users cannot be sorted by 'nmae'; sortable: id, username, email, firstName, lastName,"
        " birthday, lastLogin, loginCount, createdAt, updatedAt",
        id="sort-unknown",
    ),
    pytest.param(
        "users",
        Q.sort("phone"),
        "users cannot be sorted by 'phone'; sortable: id, username, email, firstName, lastName,"
        " birthday, lastLogin, loginCount, createdAt, updatedAt",
        id="sort-not-sortable",
    ),
    pytest.param(
        "users",
        Q.sort("owner.phone"),
        "businessunits cannot be sorted by 'phone' in sort 'owner.phone';"
        " sortable: id, name, createdAt, updatedAt",
        id="sort-nested",
    ),
    pytest.param(
        "users",
        Q.sort("businessUnits.name"),
        "users cannot be sorted by 'businessUnits.name': 'businessUnits' is a to-many relationship",
        id="sort-through-to-many",
    ),
    pytest.param(
        "users",
        Q.sort("ownr.name"),
        f"users has no relationship 'ownr' in sort 'ownr.name' (did you mean 'owner'?);"
        f" relationships: {USERS_RELS}",
        id="sort-nested-unknown-relationship",
    ),
    pytest.param(
        "users",
        Q.fields("usrs", "username"),
        f"unknown type 'usrs' in fields[usrs] (did you mean 'users'?); types: {TYPES}",
        id="fields-unknown-type",
    ),
    pytest.param(
        "users",
        Q.fields("products", "name"),
        "fields[products] does not apply to users; types reachable from users: users,"
        " businessunits, organizations, userroles",
        id="fields-unrelated-type",
    ),
    pytest.param(
        "accounts",
        Q.fields("contactsources", "nam"),
        "contactsources has no field 'nam' for fields[contactsources] (did you mean 'name'?);"
        " fields: name, priority, default",
        id="fields-unknown-field",
    ),
    pytest.param(
        "users",
        Q.meta("another"),
        "unknown meta property 'another' for users; known: title",
        id="meta",
    ),
]


IGNORED = ". The server ignores this path: nothing is included for it"
CHECK_WARNINGS = [
    pytest.param(
        "users",
        Q.include("ownr.organization"),
        f"users has no relationship 'ownr' in include path 'ownr.organization'"
        f" (did you mean 'owner'?); relationships: {USERS_RELS}" + IGNORED,
        id="include-unknown",
    ),
    pytest.param(
        "users",
        Q.include("owner.organizaton"),
        "businessunits has no relationship 'organizaton' in include path 'owner.organizaton'"
        " (did you mean 'organization'?); relationships: organization, owner, users" + IGNORED,
        id="include-nested-unknown",
    ),
    pytest.param(
        "weightunits",
        Q.include("owner"),
        "weightunits has no relationship 'owner' in include path 'owner'; relationships: none"
        + IGNORED,
        id="include-without-relationships",
    ),
]


@pytest.mark.parametrize(("type_", "query", "message"), CHECK_WARNINGS)
def test_unknown_include_paths_are_warnings(
    metadata: Metadata, type_: str, query: Query, message: str
) -> None:
    """Oro ignores an unknown include path (200, nothing included), so the checker warns."""
    assert query.warnings(metadata, type_) == [message]
    with pytest.warns(QueryWarning) as caught:
        assert query.check(metadata, type_) is query
    assert [str(w.message) for w in caught] == [message]


@pytest.mark.parametrize(("type_", "query", "message"), CHECK_WARNINGS)
def test_bound_query_warns_at_the_include_step(
    metadata: Metadata, type_: str, query: Query, message: str
) -> None:
    with pytest.warns(QueryWarning) as caught:
        bound = Query.parse(str(query), metadata=metadata, type=type_)
        later = bound.sort("id").page(size=2)  # later steps do not warn again
    assert [str(w.message) for w in caught] == [message]
    assert later.includes == query.includes


def test_known_include_paths_do_not_warn(metadata: Metadata) -> None:
    query = Query().include("owner", "owner.organization")
    assert query.warnings(metadata, "users") == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        query.check(metadata, "users")
        Query(metadata=metadata, type="users").include("owner")


@pytest.mark.parametrize(("type_", "query", "message"), CHECK_ERRORS)
def test_check_errors(metadata: Metadata, type_: str, query: Query, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        query.check(metadata, type_)
    assert str(caught.value) == message


# In text, a comma or ".." in a string or enum value is a character of the value.
SHAPED = {"list-on-string", "range-on-enum"}


@pytest.mark.parametrize(
    ("type_", "query", "message"), [p for p in CHECK_ERRORS if p.id not in SHAPED]
)
def test_bound_query_fails_at_the_step(
    metadata: Metadata, type_: str, query: Query, message: str
) -> None:
    """Bound to metadata, the step that adds the problem raises it (here: parse's steps)."""
    with pytest.raises(QueryError) as caught:
        Query.parse(str(query), metadata=metadata, type=type_)
    assert str(caught.value) == message


def test_unknown_type(metadata: Metadata) -> None:
    with pytest.raises(QueryError) as caught:
        Query(metadata=metadata, type="usrs")
    assert (
        str(caught.value) == f"unknown resource type 'usrs' (did you mean 'users'?); types: {TYPES}"
    )


def test_page_size_cap() -> None:
    from sandbox.metadata import ResourceType

    capped = Metadata({"things": ResourceType("things", max_page_size=100)})
    assert Query().page(size=100).check(capped, "things").page(size=-1)
    with pytest.raises(QueryError) as caught:
        Query().page(size=101).check(capped, "things")
    assert str(caught.value) == "things pages hold at most 100 records, not page[size]=101"


CHECK_OK = [
    pytest.param("users", Q.filter("id", "gt", 5).filter("id", [5, 7]), id="id"),
    pytest.param("users", Q.filter("id", "neq", range_(5, 7)), id="id-range"),
    pytest.param("users", Q.filter("username", "eq", "a,b"), id="comma-literal-in-a-string"),
    pytest.param("users", Q.filter("owner.name", "x").filter("owner.organization", 1), id="nested"),
    pytest.param(
        "users", Q.filter("userRoles", [1, 2]).filter("businessUnits", "exists", True), id="to-many"
    ),
    pytest.param(
        "users", Q.filter("createdAt", "gte", dt.datetime(2017, 1, 1, tzinfo=dt.UTC)), id="datetime"
    ),
    pytest.param("users", Q.filter("createdAt", "2017-07-21T10:20:30+05:00"), id="datetime-offset"),
    pytest.param("users", Q.filter("createdAt", "2017-07-21T10:20:30 05:00"), id="datetime-space"),
    pytest.param("users", Q.filter("enabled", True).filter("phone", "exists", False), id="flags"),
    pytest.param("products", Q.filter("status", ["enabled", "disabled"]), id="enum-list"),
    pytest.param("products", Q.filter("name", "contains", "x"), id="extra-operator"),
    pytest.param("products", Q.filter("weight", range_(Decimal("0.5"), 2)), id="decimal-range"),
    pytest.param("contacts", Q.filter("source", ["tv", "web"]), id="string-id-list"),
    pytest.param("accounts", Q.filter("description", "exists", True), id="text-exists"),
    pytest.param(
        "users", Q.include("owner", "owner.organization", "userRoles.users"), id="include"
    ),
    pytest.param(
        "users",
        Q.fields("users", "id", "username", "owner").fields("organizations", "name"),
        id="fields-reachable",
    ),
    pytest.param("orders", Q.sort("-status", "customer.name", "id"), id="sort"),
    pytest.param("users", Q.meta("title").page(number=3, size=-1), id="meta-page"),
    pytest.param("users", Q.param("anything", "goes"), id="other-parameters-unchecked"),
]


@pytest.mark.parametrize(("type_", "query"), CHECK_OK)
def test_check_accepts(metadata: Metadata, type_: str, query: Query) -> None:
    assert query.check(metadata, type_) is query
    bound = Query.parse(str(query), metadata=metadata, type=type_)
    assert bound == query


def test_check_without_metadata_checks_nothing() -> None:
    query = Query().filter("nmae", "gt", "x").sort("nope")
    assert query.check() is query
    assert query.check(None, "users") is query


def test_bound_query_keeps_checking(metadata: Metadata) -> None:
    users = Query(metadata=metadata, type="users")
    query = users.filter("id", "gt", 5).sort("-id")
    assert query.metadata is metadata and query.type == "users"
    with pytest.raises(QueryError, match="does not allow 'gt'"):
        query.filter("username", "gt", "x")
    unbound = query.bind(None, None)
    assert str(unbound.filter("username", "gt", "x")) == (
        "filter[id][gt]=5&filter[username][gt]=x&sort=-id"
    )


def test_metadata_with_unknown_target_skips_the_rest() -> None:
    """A relationship whose target type the document does not describe ends the checks."""
    from sandbox.metadata import FieldFilter, Relationship, ResourceType

    things = ResourceType(
        "things",
        relationships={"maker": Relationship("maker", None, False)},
        filters={"id": FieldFilter("id", ("eq",), "integer", True, True)},
        sortable=("id",),
    )
    metadata = Metadata({"things": things})
    query = Query().filter("maker.anything", "gt", "x").include("maker.a.b").sort("maker.z")
    assert query.check(metadata, "things") is query
    unknown = Metadata({"things": ResourceType("things")})  # nothing said about filters or sorting
    assert Query().filter("x", "gt", 1).sort("y").check(unknown, "things")


# --- against a live server -------------------------------------------------------------------

LIVE_OK = [
    pytest.param(
        "users",
        Q.filter("id", "gt", 5).page(number=1, size=2).fields("users", "username", "email"),
        id="reference-example",
    ),
    pytest.param("users", Q.filter("id", [5, 7]), id="list"),
    pytest.param("users", Q.filter("id", range_(5, 7)), id="range"),
    pytest.param("users", Q.filter("id", "neq", range_(5, 7)).page(size=-1), id="neq-range"),
    pytest.param("users", Q.filter("enabled", True).filter("phone", "exists", True), id="flags"),
    pytest.param(
        "users",
        Q.filter("createdAt", "gte", "2000-01-01T00:00:00+05:00").filter(
            "createdAt", "lt", dt.datetime(2100, 1, 1, tzinfo=PLUS5)
        ),
        id="datetimes-with-offsets",
    ),
    pytest.param("users", Q.filter("createdAt", range_(dt.date(2000, 1, 1), "2100")), id="dates"),
    pytest.param(
        "accounts",
        Q.filter("owner.username", "neq", "nobody").include("owner", "organization"),
        id="nested-filter-include",
    ),
    pytest.param(
        "users",
        Q.fields("userroles", "label")
        .fields("users", "username", "email", "userRoles")
        .include("userRoles")
        .page(number=1, size=1),
        id="fields-include",
    ),
    pytest.param("accounts", Q.sort("-name", "id").meta("title"), id="sort-meta"),
    pytest.param("orders", Q.sort("-status", "customer.name"), id="sort-nested"),
    pytest.param(
        "products",
        Q.filter("name", "contains", "a b").filter("status", "enabled"),
        id="space-contains",
    ),
    pytest.param("products", Q.filter("weight", range_(Decimal("0.5"), 1000)), id="decimal-range"),
    pytest.param("contacts", Q.filter("source", ["tv", "web"]), id="string-ids"),
    pytest.param(
        "users", Q.filter("id", "lte", 3).x_include("totalCount", "noHateoas"), id="x-include"
    ),
]


@pytest.mark.parametrize(("type_", "query"), LIVE_OK)
def test_live_server_accepts(api_url: str, metadata: Metadata, type_: str, query: Query) -> None:
    query.check(metadata, type_)
    url = f"{api_url}/{type_}?{query.query_string()}"
    response = httpx.get(url, headers={"Accept": JSON_API, **query.headers()})
    assert response.status_code == 200, response.text
    assert response.url.raw_path.decode().endswith(query.query_string())  # sent verbatim
    with ApiClient(api_url) as client:  # and as params, which httpx encodes its own way
        exchange = client.get(type_, params=query)
    assert exchange.status == 200
    assert exchange.document == response.json()


def test_live_results(api_url: str) -> None:
    with ApiClient(api_url) as client:
        listed = client.get("users", params=Query().filter("id", range_(5, 7)))
        assert [item["id"] for item in listed.data] == ["5", "6", "7"]
        listed = client.get("users", params=Query().filter("id", [5, 7]).sort("-id"))
        assert [item["id"] for item in listed.data] == ["7", "5"]
        example = Query().filter("id", "gt", 5).page(number=1, size=2)
        listed = client.get("users", params=example.fields("users", "username", "email"))
        assert [item["id"] for item in listed.data] == ["6", "7"]
        assert [set(item["attributes"]) for item in listed.data] == [{"username", "email"}] * 2
        counted = client.get("users", params=Query().page(size=1).x_include("totalCount"))
        assert counted.total_count is not None and counted.total_count > 1
        assert "links" not in client.get("users", params=Query().x_include("noHateoas")).document


LIVE_REFUSED = [
    pytest.param("users", Q.filter("nmae", "x"), "filter[nmae]", id="unknown-field"),
    pytest.param("users", Q.filter("username", "gt", "x"), "filter[username][gt]", id="operator"),
    pytest.param("accounts", Q.filter("description", "x"), "filter[description]", id="text-eq"),
    pytest.param("users", Q.filter("owner.nme", "x"), "filter[owner.nme]", id="nested-field"),
    pytest.param("users", Q.filter("id", "abc"), "filter[id]", id="integer-value"),
    pytest.param("products", Q.filter("status", "opne"), "filter[status]", id="enum-value"),
    pytest.param(
        "users", Q.filter("createdAt", "gt", "yesterday"), "filter[createdAt][gt]", id="datetime"
    ),
    pytest.param("users", Q.sort("-nmae"), "sort", id="sort"),
    pytest.param("users", Q.sort("businessUnits.name"), "sort", id="sort-to-many"),
    pytest.param("users", Q.fields("usrs", "username"), "fields[usrs]", id="fields-type"),
    pytest.param("users", Q.fields("products", "name"), "fields[products]", id="fields-unrelated"),
    pytest.param("users", Q.meta("another"), "meta", id="meta"),
]


@pytest.mark.parametrize(("type_", "query", "parameter"), LIVE_REFUSED)
def test_live_server_refuses_what_check_rejects(
    api_url: str, metadata: Metadata, type_: str, query: Query, parameter: str
) -> None:
    with pytest.raises(QueryError):
        query.check(metadata, type_)
    url = f"{api_url}/{type_}?{query.query_string()}"
    response = httpx.get(url, headers={"Accept": JSON_API})
    assert response.status_code == 400, response.text
    assert [e["source"]["parameter"] for e in response.json()["errors"]] == [parameter]


@pytest.mark.parametrize(("type_", "query", "message"), CHECK_WARNINGS)
def test_live_server_ignores_what_check_warns_about(
    api_url: str, metadata: Metadata, type_: str, query: Query, message: str
) -> None:
    """What the checker only warns about, the server answers with 200 and nothing included
    for the unknown part of the path."""
    assert query.warnings(metadata, type_) == [message]
    url = f"{api_url}/{type_}?{query.page(size=1).query_string()}"
    response = httpx.get(url, headers={"Accept": JSON_API})
    assert response.status_code == 200, response.text
    included = {item["type"] for item in response.json().get("included", [])}
    assert included <= {"businessunits"}  # owner.organizaton: only the known owner part
