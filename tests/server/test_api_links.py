"""``X-Include`` (totalCount, noHateoas) and HATEOAS links on reads, over real HTTP.

Reference: spec §7.1 (X-Include), §7.3 (HATEOAS links), §20 "Headers / HATEOAS".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.jsonapi_schema import assert_valid_response
from tests.live_server import LiveServer

JSON_API = "application/vnd.api+json"
TOTAL = "x-include-total-count"


def get(
    client: httpx.Client,
    url: str,
    params: Iterable[tuple[str, str]] | None = None,
    *,
    headers: dict[str, str] | None = None,
    status: int = 200,
) -> httpx.Response:
    """GET, check the status and the JSON:API content type, validate the body."""
    response = client.get(url, params=list(params) if params is not None else None, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == JSON_API
    assert_valid_response(response.json())
    return response


def links_anywhere(value: Any) -> list[Any]:
    """Every ``links`` member found at any depth of a document."""
    found = []
    if isinstance(value, dict):
        if "links" in value:
            found.append(value["links"])
        for inner in value.values():
            found += links_anywhere(inner)
    elif isinstance(value, list):
        for inner in value:
            found += links_anywhere(inner)
    return found


# --- X-Include: totalCount ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "params", "total"),
    [
        pytest.param("/users", [], "30", id="list"),
        pytest.param(
            "/users", [("page[size]", "2"), ("page[number]", "3")], "30", id="ignores-paging"
        ),
        pytest.param("/users", [("filter[organization]", "2")], "4", id="counts-the-filter"),
        pytest.param("/users", [("filter[id]", "999")], "0", id="nothing-matches"),
        pytest.param("/users", [("page[size]", "-1")], "30", id="all-pages"),
        pytest.param(
            "/countries", [("filter[regions][exists]", "false")], "9", id="to-many-filter"
        ),
        pytest.param("/userroles/5/users", [("page[size]", "3")], "20", id="to-many-sub-resource"),
        pytest.param(
            "/userroles/5/relationships/users",
            [("page[size]", "3")],
            "20",
            id="to-many-relationship",
        ),
        pytest.param("/userroles/6/users", [], "0", id="empty-to-many"),
        pytest.param(
            "/countries/US/regions",
            [("filter[id][neq]", "US-CA")],
            "5",
            id="sub-resource-with-filter",
        ),
    ],
)
def test_total_count_header(
    client: httpx.Client, url: str, params: list[tuple[str, str]], total: str
) -> None:
    response = get(client, url, params, headers={"X-Include": "totalCount"})
    assert response.headers[TOTAL] == total
    if "page[size]" not in dict(params) and total != "0":
        assert len(response.json()["data"]) == min(int(total), 10)


@pytest.mark.parametrize(
    "url",
    ["/users", "/users/1", "/users/1/owner", "/users/1/relationships/owner"],
)
def test_no_total_count_without_asking(client: httpx.Client, url: str) -> None:
    assert TOTAL not in get(client, url).headers


@pytest.mark.parametrize(
    "url",
    ["/users/1", "/users/1/owner", "/users/1/relationships/owner"],
)
def test_no_total_count_for_single_resources(client: httpx.Client, url: str) -> None:
    assert TOTAL not in get(client, url, headers={"X-Include": "totalCount"}).headers


@pytest.mark.parametrize(
    ("value", "total", "links"),
    [
        pytest.param("totalCount;noHateoas", "30", False, id="two-keys"),
        pytest.param("noHateoas; totalCount", "30", False, id="space-after-separator"),
        pytest.param("foo ; totalCount ; bar", "30", True, id="spaces-and-unknown-keys"),
        pytest.param("unknownKey", None, True, id="only-unknown"),
        pytest.param("totalcount", None, True, id="keys-are-case-sensitive"),
        pytest.param("totalCount,noHateoas", None, True, id="comma-is-no-separator"),
        pytest.param(";;totalCount;", "30", True, id="empty-keys"),
    ],
)
def test_x_include_keys(client: httpx.Client, value: str, total: str | None, links: bool) -> None:
    response = get(client, "/users", [("page[size]", "2")], headers={"X-Include": value})
    assert response.headers.get(TOTAL) == total
    assert bool(links_anywhere(response.json())) is links


def test_total_count_is_dropped_on_errors(client: httpx.Client) -> None:
    for url, params, status in [
        ("/users", [("filter[id]", "x")], 400),
        ("/users/999/userRoles", [], 404),
        ("/users", [("sort", "nope")], 400),
    ]:
        response = get(client, url, params, headers={"X-Include": "totalCount"}, status=status)
        assert TOTAL not in response.headers


# --- X-Include: noHateoas ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "params"),
    [
        pytest.param(
            "/users", [("include", "owner.organization,userRoles")], id="list-with-included"
        ),
        pytest.param("/users", [("page[number]", "2"), ("page[size]", "5")], id="middle-page"),
        pytest.param("/users", [("page[size]", "-1")], id="all-pages"),
        pytest.param("/users/1", [("include", "businessUnits")], id="item"),
        pytest.param("/users/1/owner", [], id="to-one-sub-resource"),
        pytest.param("/users/1/userRoles", [("page[size]", "1")], id="to-many-sub-resource"),
        pytest.param("/users/1/relationships/owner", [], id="to-one-relationship"),
        pytest.param(
            "/users/2/relationships/businessUnits", [("page[size]", "1")], id="to-many-relationship"
        ),
    ],
)
def test_no_hateoas_removes_every_link(
    client: httpx.Client, url: str, params: list[tuple[str, str]]
) -> None:
    with_links = get(client, url, params).json()
    assert links_anywhere(with_links), "links are on by default"
    without = get(client, url, params, headers={"X-Include": "noHateoas"}).json()
    assert links_anywhere(without) == []
    assert without == strip_links(with_links)


def strip_links(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip_links(v) for k, v in value.items() if k != "links"}
    if isinstance(value, list):
        return [strip_links(v) for v in value]
    return value


# --- resource and relationship links -----------------------------------------------------------


def test_links_of_list_items_and_included(client: httpx.Client, api_url: str) -> None:
    doc = get(
        client,
        "/users",
        [
            ("filter[id]", "2"),
            ("include", "owner"),
            ("fields[users]", "username,owner,userRoles"),
            ("fields[businessunits]", "name,organization"),
        ],
    ).json()
    assert doc == {
        "data": [
            {
                "type": "users",
                "id": "2",
                "links": {"self": f"{api_url}/users/2"},
                "attributes": {"username": "amanda.cole_86fba"},
                "relationships": {
                    "owner": {
                        "data": {"type": "businessunits", "id": "1"},
                        "links": {
                            "self": f"{api_url}/users/2/relationships/owner",
                            "related": f"{api_url}/users/2/owner",
                        },
                    },
                    "userRoles": {
                        "data": [{"type": "userroles", "id": "4"}],
                        "links": {
                            "self": f"{api_url}/users/2/relationships/userRoles",
                            "related": f"{api_url}/users/2/userRoles",
                        },
                    },
                },
            }
        ],
        "included": [
            {
                "type": "businessunits",
                "id": "1",
                "links": {"self": f"{api_url}/businessunits/1"},
                "attributes": {"name": "Main"},
                "relationships": {
                    "organization": {
                        "data": {"type": "organizations", "id": "1"},
                        "links": {
                            "self": f"{api_url}/businessunits/1/relationships/organization",
                            "related": f"{api_url}/businessunits/1/organization",
                        },
                    }
                },
            }
        ],
        "links": {"self": f"{api_url}/users"},
    }


def test_string_ids_in_links(client: httpx.Client, api_url: str) -> None:
    doc = get(client, "/regions/US-CA").json()
    assert doc == {
        "data": {
            "type": "regions",
            "id": "US-CA",
            "links": {"self": f"{api_url}/regions/US-CA"},
            "attributes": {"code": "CA", "name": "California"},
            "relationships": {
                "country": {
                    "data": {"type": "countries", "id": "US"},
                    "links": {
                        "self": f"{api_url}/regions/US-CA/relationships/country",
                        "related": f"{api_url}/regions/US-CA/country",
                    },
                }
            },
        },
        "links": {"self": f"{api_url}/regions"},
    }


@pytest.mark.parametrize(
    ("url", "self_link"),
    [
        pytest.param("/users", "/users", id="list"),
        pytest.param("/users?filter[id]=1&fields[users]=username", "/users", id="list-with-query"),
        pytest.param("/users/1", "/users", id="item-collection-url"),
        pytest.param("/users/1?fields[users]=username", "/users", id="item-with-query"),
        pytest.param("/users/1/owner", "/users/1/owner", id="to-one-sub-resource"),
        pytest.param("/users/1/userRoles", "/users/1/userRoles", id="to-many-sub-resource"),
    ],
)
def test_top_level_self_link(client: httpx.Client, api_url: str, url: str, self_link: str) -> None:
    assert get(client, url).json()["links"]["self"] == api_url + self_link


def test_every_link_is_absolute(client: httpx.Client, api_url: str) -> None:
    doc = get(
        client,
        "/orders",
        [("include", "customer,lineItems"), ("page[size]", "3"), ("page[number]", "2")],
    ).json()
    urls = [url for links in links_anywhere(doc) for url in links.values()]
    assert len(urls) > 50
    origin = urlsplit(api_url)
    for url in urls:
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) == (origin.scheme, origin.netloc), url
        assert parts.path.startswith(origin.path + "/"), url


# --- pagination links --------------------------------------------------------------------------


def page_url(api_url: str, path: str, query: str = "") -> str:
    return f"{api_url}{path}?{query}" if query else f"{api_url}{path}"


@pytest.mark.parametrize(
    ("query", "links"),
    [
        pytest.param(
            "page[size]=10", {"next": "page%5Bnumber%5D=2&page%5Bsize%5D=10"}, id="first-page"
        ),
        pytest.param("", {"next": "page%5Bnumber%5D=2"}, id="default-size"),
        pytest.param(
            "page[number]=2&page[size]=10",
            {
                "first": "page%5Bsize%5D=10",
                "prev": "page%5Bsize%5D=10",
                "next": "page%5Bnumber%5D=3&page%5Bsize%5D=10",
            },
            id="second-page",
        ),
        pytest.param(
            "page[number]=3",
            {"first": "", "prev": "page%5Bnumber%5D=2"},
            id="last-page-exactly-full",
        ),
        pytest.param(
            "page[number]=9&page[size]=5",
            {"first": "page%5Bsize%5D=5", "prev": "page%5Bnumber%5D=8&page%5Bsize%5D=5"},
            id="past-the-end",
        ),
        pytest.param("page[size]=30", {}, id="one-full-page"),
        pytest.param("page[size]=-1", {}, id="no-paging"),
        pytest.param("filter[id][gt]=25&page[size]=5", {}, id="filtered-to-one-page"),
        pytest.param(
            "sort=-id&fields[users]=username&page[number]=4&page[size]=2&filter[id][gt]=1",
            {
                "first": "fields%5Busers%5D=username&filter%5Bid%5D%5Bgt%5D=1&page%5Bsize%5D=2"
                "&sort=-id",
                "prev": "fields%5Busers%5D=username&filter%5Bid%5D%5Bgt%5D=1&page%5Bnumber%5D=3"
                "&page%5Bsize%5D=2&sort=-id",
                "next": "fields%5Busers%5D=username&filter%5Bid%5D%5Bgt%5D=1&page%5Bnumber%5D=5"
                "&page%5Bsize%5D=2&sort=-id",
            },
            id="other-parameters-kept-sorted-and-encoded",
        ),
        pytest.param(
            "filter[title]=Sales Manager&page[size]=1",
            {"next": "filter%5Btitle%5D=Sales+Manager&page%5Bnumber%5D=2&page%5Bsize%5D=1"},
            id="values-re-encoded",
        ),
        pytest.param(
            "filter%5Bid%5D%5Bgt%5D=1&page%5Bsize%5D=20",
            {"next": "filter%5Bid%5D%5Bgt%5D=1&page%5Bnumber%5D=2&page%5Bsize%5D=20"},
            id="encoded-request",
        ),
    ],
)
def test_pagination_links(
    client: httpx.Client, api_url: str, query: str, links: dict[str, str]
) -> None:
    doc = get(client, f"/users?{query}" if query else "/users").json()
    expected = {"self": f"{api_url}/users"}
    expected |= {name: page_url(api_url, "/users", value) for name, value in links.items()}
    assert doc["links"] == expected
    assert "last" not in doc["links"]


def test_pagination_links_on_sub_resources_and_relationships(
    client: httpx.Client, api_url: str
) -> None:
    doc = get(client, "/userroles/5/users?page[size]=5&page[number]=2").json()
    assert doc["links"] == {
        "self": f"{api_url}/userroles/5/users",
        "first": f"{api_url}/userroles/5/users?page%5Bsize%5D=5",
        "prev": f"{api_url}/userroles/5/users?page%5Bsize%5D=5",
        "next": f"{api_url}/userroles/5/users?page%5Bnumber%5D=3&page%5Bsize%5D=5",
    }
    doc = get(client, "/userroles/5/relationships/users?page[size]=15&page[number]=2").json()
    assert doc["links"] == {
        "self": f"{api_url}/userroles/5/relationships/users",
        "related": f"{api_url}/userroles/5/users",
        "first": f"{api_url}/userroles/5/relationships/users?page%5Bsize%5D=15",
        "prev": f"{api_url}/userroles/5/relationships/users?page%5Bsize%5D=15",
    }


def test_following_next_links_walks_the_whole_collection(
    client: httpx.Client, api_url: str
) -> None:
    url: str | None = f"{api_url}/contacts?page[size]=45&sort=-id&fields[contacts]=lastName"
    seen: list[int] = []
    pages = 0
    while url:
        doc = get(client, url).json()
        seen += [int(obj["id"]) for obj in doc["data"]]
        url = doc["links"].get("next")
        pages += 1
    assert seen == sorted(seen, reverse=True)
    assert len(seen) == len(set(seen)) == 600
    assert pages == 14


def test_following_prev_links_back_to_the_first_page(client: httpx.Client, api_url: str) -> None:
    url: str | None = f"{api_url}/users?page[size]=4&page[number]=8"
    seen: list[list[str]] = []
    while url:
        doc = get(client, url).json()
        seen.append([obj["id"] for obj in doc["data"]])
        url = doc["links"].get("prev")
    assert [page[0] for page in seen] == ["29", "25", "21", "17", "13", "9", "5", "1"]
    assert doc["links"] == {
        "self": f"{api_url}/users",
        "next": f"{api_url}/users?page%5Bnumber%5D=2&page%5Bsize%5D=4",
    }


def test_links_start_with_the_public_url_when_one_is_set(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """With ``public_url`` the links no longer echo the request's Host header."""
    database = tmp_path_factory.mktemp("public") / "api.db"
    with LiveServer(database, public_url="https://api.example.com") as live:
        response = httpx.get(
            live.origin + "/api/accounts/1",
            headers={"Accept": JSON_API, "Host": "evil.example"},
            timeout=30,
        )
    assert response.status_code == 200
    document = response.json()
    assert document["links"]["self"] == "https://api.example.com/api/accounts"
    assert document["data"]["links"]["self"] == "https://api.example.com/api/accounts/1"
