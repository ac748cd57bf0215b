"""Bad input costs a 400, not memory or a 500: how deep a path or a body filter may go, and the
compiled-statement cache (bounded; a list's length is not part of a statement's shape).

Reference: spec §9.3 (filter and sort messages); the bounds are the sandbox's (§21: Oro has none,
SQLite's parser stack has one).
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from server.domain.resources import build_registry
from server.jsonapi.query import MAX_PATH, parse_query
from server.storage.select import Selector
from server.storage.tables import build_schema
from tests.live_server import JSON_API, LiveServer
from tests.server.api_support import NO_LINKS, get_doc

BACKENDS = (
    "sqlite",
)  # bounds of the parser and of the compiled-statement cache, whatever the database

HOPS = ["contacts", "accounts"] * 5


def path(hops: int, leaf: str = "lastName") -> str:
    """A path crossing ``hops`` associations from accounts, ending on an attribute."""
    names = HOPS[:hops]
    last = "accounts" if hops % 2 == 0 else "contacts"
    return ".".join([*names, "name" if last == "accounts" and leaf == "lastName" else leaf])


def error(response: httpx.Response, title: str, detail: str, parameter: str) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == JSON_API
    return {
        "errors": [
            {"status": "400", "title": title, "detail": detail, "source": {"parameter": parameter}}
        ]
    }


# --- depth bounds ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({f"filter[{path(MAX_PATH)}]": "x"}, id="filter-at-the-bound"),
        pytest.param(
            {f"filter[{'.'.join(HOPS[: MAX_PATH + 1])}][exists]": "false"},
            id="to-many-leaf-at-the-bound",
        ),
        pytest.param(
            {f"filter[{'.'.join(HOPS[:MAX_PATH])}.id][neq]": "1,2,3"}, id="id-leaf-at-the-bound"
        ),
        pytest.param({"sort": ".".join(["referredBy"] * MAX_PATH) + ".name"}, id="sort"),
        pytest.param({"include": ".".join(HOPS[:MAX_PATH])}, id="include"),
    ],
)
def test_paths_up_to_the_bound_work(client: httpx.Client, params: dict[str, str]) -> None:
    get_doc(client, "/accounts", [("page[size]", "3"), *params.items()], headers=NO_LINKS)


def test_a_filter_path_past_the_bound_is_a_400(client: httpx.Client) -> None:
    key = f"filter[{path(MAX_PATH + 2)}]"  # SQLite's parser stack gave a 500 here
    response = client.get("/accounts", params={key: "x"})
    detail = f"The filter path may cross at most {MAX_PATH} associations."
    assert response.json() == error(response, "filter constraint", detail, key)


def test_a_sort_path_past_the_bound_is_a_400(client: httpx.Client) -> None:
    sort = ".".join(["referredBy"] * (MAX_PATH + 1)) + ".name"
    response = client.get("/accounts", params={"sort": sort})
    detail = f"The sort path may cross at most {MAX_PATH} associations."
    assert response.json() == error(response, "sort constraint", detail, "sort")


def test_an_include_path_past_the_bound_is_a_400(client: httpx.Client) -> None:
    response = client.get("/accounts", params={"include": ".".join(HOPS[: MAX_PATH + 1])})
    detail = f"The include path may cross at most {MAX_PATH} associations."
    assert response.json() == error(response, "filter constraint", detail, "include")


@pytest.mark.parametrize("depth", [6, 1000], ids=["six", "a-thousand"])
def test_a_deeply_nested_body_filter_is_a_400(client: httpx.Client, depth: int) -> None:
    """A filter sent in a body nests at most filter → path → operator; 1,000 levels recursed."""
    body = '{"filter": ' + '{"id": ' * depth + '"1"' + "}" * depth + "}"
    response = client.request(
        "DELETE", "/accounts", content=body, headers={"Content-Type": JSON_API}
    )
    parameter = "filter" + "[id]" * 5
    assert response.json() == error(
        response, "filter constraint", "The filter is not supported.", parameter
    )


def test_a_body_filter_list_of_objects_is_a_400(client: httpx.Client) -> None:
    body = json.dumps({"filter": {"id": [{"a": 1}]}})
    response = client.request(
        "DELETE", "/accounts", content=body, headers={"Content-Type": JSON_API}
    )
    assert response.json() == error(
        response, "filter constraint", "The filter is not supported.", "filter[id]"
    )


# --- the statement cache ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def selector() -> Selector:
    registry = build_registry()
    return Selector(registry, build_schema(registry), sa.create_engine("sqlite://").dialect)


def test_list_length_is_not_part_of_a_statements_shape(selector: Selector) -> None:
    registry = selector.registry
    texts = set()
    for length in (2, 7, 600):  # one value is a scalar, not a list
        values = ",".join(str(i) for i in range(1, length + 1))
        query = parse_query([("filter[id]", values)], registry, registry["accounts"])
        texts.add(selector.page(registry["accounts"], query)[0].text)
        texts.add(selector.by_ids(registry["accounts"], list(range(length)))[0].text)
    assert len(texts) == 2


def test_the_cache_is_bounded_and_keeps_the_recently_used(selector: Selector) -> None:
    small = Selector(selector.registry, selector.schema, selector.dialect, max_statements=8)

    def build() -> sa.Select[Any]:
        return sa.select(small.schema.tables["accounts"].c.id)

    first = small.compiled("kept", build)
    for i in range(1000):
        small.compiled(("other", i), build)
        assert small.compiled("kept", build) is first  # used again: stays
    assert small.cached() == 8


def test_many_filter_shapes_leave_the_servers_cache_bounded(
    live_server: LiveServer, client: httpx.Client
) -> None:
    """List lengths up to 600 cost one statement; 200 shapes no more than the bound (lowered for
    the test, so that they overflow it; test_the_cache_is_bounded… runs a thousand)."""
    selector: Selector = live_server.app.state.backend.selector
    before = selector.cached()
    for length in range(2, 602, 6):  # a hundred lengths up to 600
        ids = ",".join(str(i) for i in range(1, length + 1))
        response = client.get("/tasks", params={"filter[id]": ids, "page[size]": "1"})
        assert response.status_code == 200
    assert selector.cached() <= before + 2  # the page and the to-many ids of its rows
    filters = [
        {f"filter[{name}][{operator}]": value for name, (operator, value) in chosen}
        for count in (1, 2, 3)
        for chosen in itertools.combinations(FILTERS.items(), count)
    ]
    sorts = ["id", "-id", "subject", "-subject", "dueDate", "-dueDate", "createdAt", "-createdAt"]
    shapes = itertools.islice(itertools.product(filters, sorts), 200)
    bound, selector.max_statements = selector.max_statements, 32
    try:
        compiled = 0
        for params, sort in shapes:
            response = client.get("/tasks", params={**params, "sort": sort, "page[size]": "1"})
            assert response.status_code == 200, response.text
            compiled += 1
            assert selector.cached() <= max(32, before + 2)
        assert selector.cached() <= 32
    finally:
        selector.max_statements = bound
    assert compiled == 200


FILTERS = {
    "id": ("gt", "5"),
    "subject": ("neq", "x"),
    "description": ("exists", "true"),
    "dueDate": ("lt", "2026-01-01"),
    "createdAt": ("gte", "2025-01-01"),
    "updatedAt": ("lte", "2026-06-01"),
    "owner": ("eq", "4"),
    "organization": ("eq", "1"),
    "taskPriority": ("neq", "low"),
}
