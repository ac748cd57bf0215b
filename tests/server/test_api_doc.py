"""``/api/doc``: the HTML documentation page, over real HTTP, checked against the OpenAPI document.

The page is parsed into a small tree (stdlib ``html.parser``) and read by structure: the index
table, one ``section.resource`` per type, ``details.op`` per operation, the filters table.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest

from server.apidoc.render import blocks
from server.domain.resources import build_registry
from tests.live_server import LiveServer

BACKENDS = ("sqlite",)  # the HTML documentation, from the metadata only

REGISTRY = build_registry()
HTML = "text/html; charset=utf-8"
JSON_API = "application/vnd.api+json"
VOID = frozenset({"br", "hr", "img", "input", "link", "meta", "source", "wbr"})


# --- a small DOM -----------------------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    @property
    def text(self) -> str:
        parts = (c if isinstance(c, str) else c.text for c in self.children)
        return " ".join("".join(parts).split())

    def iter(self) -> Iterator[Node]:
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def all(self, selector: str) -> list[Node]:
        """``tag``, ``.class``, ``tag.class`` or ``#id``."""
        if selector.startswith("#"):
            return [n for n in self.iter() if n.attrs.get("id") == selector[1:]]
        tag, _, cls = selector.partition(".")
        return [
            n for n in self.iter() if (not tag or n.tag == tag) and (not cls or cls in n.classes)
        ]

    def one(self, selector: str) -> Node:
        found = self.all(selector)
        assert len(found) == 1, f"{selector}: {len(found)} matches"
        return found[0]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack = [Node("#document", {})]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    assert len(builder.stack) == 1, "unclosed elements"
    return builder.stack[0]


# --- reading the page ------------------------------------------------------------------------


@dataclass(frozen=True)
class Op:
    method: str
    path: str
    action: str
    operation_id: str
    statuses: tuple[int, ...]
    anchor: str


def operations(section: Node) -> list[Op]:
    found = []
    for details in section.all("details.op"):
        body = details.one("div.op-body")
        facts = body.one("dl.facts")
        terms = [n.text for n in facts.all("dt")]
        values = facts.all("dd")
        found.append(
            Op(
                details.one("span.method").text,
                details.one("code.path").text,
                details.one("code.action").text,
                values[terms.index("operationId")].text,
                tuple(int(td.text) for td in body.all("td.code")),
                body.attrs["id"],
            )
        )
    return found


def operators(section: Node) -> dict[str, list[str]]:
    table = section.one("table.filters")
    return {
        row.all("td")[0].text: [code.text for code in row.all("code.operator")]
        for row in table.one("tbody").all("tr")
    }


def fetch(url: str, **kwargs: Any) -> httpx.Response:
    return httpx.get(url, timeout=30, **kwargs)


@pytest.fixture(scope="module")
def page(live_server: LiveServer) -> Node:
    response = fetch(f"{live_server.origin}/api/doc")
    assert response.status_code == 200
    assert response.headers["content-type"] == HTML
    return parse(response.text)


@pytest.fixture(scope="module")
def openapi(api_url: str) -> dict[str, Any]:
    return fetch(f"{api_url}/doc/openapi.json").json()


def openapi_operations(document: dict[str, Any], type_: str) -> dict[tuple[str, str], Any]:
    return {
        (method.upper(), path): op
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method != "parameters" and op["tags"] == [type_]
    }


# --- the whole page --------------------------------------------------------------------------


def test_index_lists_every_resource_with_its_section(page: Node) -> None:
    index = page.one("table.index")
    links = [row.all("a")[0].attrs["href"] for row in index.one("tbody").all("tr")]
    # the Batch API's operations come after the resources
    assert links == [f"#{r.type}" for r in REGISTRY] + ["#asyncoperations"]
    sections = [s.attrs["id"] for s in page.all("section.resource")]
    assert sections == [r.type for r in REGISTRY] + ["asyncoperations"]
    assert page.one("title").text == "Oro API Sandbox · API documentation"


def test_header_links_the_openapi_documents_and_the_token_endpoint(page: Node) -> None:
    spec = [urljoin("/api/doc", a.attrs["href"]) for a in page.one("nav.spec").all("a")]
    assert spec == ["/api/doc/openapi.json", "/api/doc/openapi.yaml"]
    requests = [pre.text for pre in page.one("section.howto").all("pre")]
    assert requests[0].startswith("POST /oauth2-token Content-Type: application/json")
    assert json.loads(requests[0].split("application/json ", 1)[1]) == {
        "grant_type": "client_credentials",
        "client_id": "sandbox-integration",
        "client_secret": "integration-secret",
    }
    assert "Accept: application/vnd.api+json" in requests[1]
    assert page.one("span.note").text.startswith("This server runs without authentication")


def test_the_search_apis_and_their_language_have_a_section(page: Node) -> None:
    section = page.one("#search")
    titles = [h.text for h in section.all("h3")]
    assert titles == [
        "GET /api/search — Search records of every searchable type",
        "GET /api/searchentities — List entity types and their search fields",
        "GET /api/searchentities/{id} — Get an entity type and its search fields",
        "GET /api/rest/latest/search — Simple search (Oro's legacy REST API, plain JSON)",
        "GET /api/rest/latest/search/advanced — Advanced search (Oro's legacy REST API, plain"
        " JSON)",
    ]
    operators = [li.text for li in section.all("li")]
    assert "starts_with: starts with the text (JSON:API only);" in operators


def test_page_is_self_contained(page: Node) -> None:
    assert page.all("script") == []
    assert page.all("link") == []
    assert len(page.all("style")) == 1
    for node in page.iter():
        for name in ("href", "src"):
            if name in node.attrs:
                # relative: the page also works where a proxy mounts the server under a path
                assert re.match(r"^(#|[a-z_.][\w./-]*$)", node.attrs[name]), node.attrs[name]


def test_default_view_is_rest_json_api(live_server: LiveServer) -> None:
    default = fetch(f"{live_server.origin}/api/doc")
    named = fetch(f"{live_server.origin}/api/doc/rest_json_api")
    assert named.status_code == 200
    # the same page; only the relative links differ, one level apart
    assert named.text == default.text.replace('href="doc/', 'href="')


def test_head_answers_like_get_without_a_body(live_server: LiveServer) -> None:
    plain = {"Accept-Encoding": "identity"}
    response = httpx.head(f"{live_server.origin}/api/doc", headers=plain, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"] == HTML
    assert response.content == b""
    expected = len(fetch(f"{live_server.origin}/api/doc").content)
    assert int(response.headers["content-length"]) == expected


# --- the page against the OpenAPI document and the server ------------------------------------


@pytest.mark.parametrize("type_", ["accounts", "orders", "countries"])
def test_operations_are_the_openapi_operations(
    page: Node, openapi: dict[str, Any], type_: str
) -> None:
    listed = operations(page.one(f"#{type_}"))
    expected = openapi_operations(openapi, type_)
    assert [(op.method, op.path) for op in listed] == list(expected)
    for op in listed:
        spec = expected[op.method, op.path]
        assert op.operation_id == spec["operationId"]
        assert spec["description"].endswith(f"Oro action: `{op.action}`.")
        assert op.statuses == tuple(int(code) for code in spec["responses"])
        association = [] if op.path.endswith((type_, "{id}")) else [op.path.rsplit("/", 1)[1]]
        assert op.anchor == "-".join([type_, *association, op.action])


def test_accounts_operations_cover_every_action_and_status(page: Node) -> None:
    listed = {op.anchor: op for op in operations(page.one("#accounts"))}
    assert listed["accounts-get_list"].statuses == (200, 400, 401, 403, 404, 405, 406, 500)
    assert listed["accounts-create"].statuses[0] == 201
    assert listed["accounts-delete"].statuses[0] == 204
    assert listed["accounts-update_list"].statuses[:2] == (200, 202)  # sync, async
    assert listed["accounts-contacts-add_relationship"].path == (
        "/api/accounts/{id}/relationships/contacts"
    )
    assert "accounts-owner-add_relationship" not in listed  # to-one: no add
    enabled = [code.text for code in page.one("#accounts").one("p.enabled").all("code")]
    assert enabled == [
        "get_list",
        "create",
        "delete_list",
        "update_list",
        "get",
        "update",
        "delete",
        "get_subresource",
        "get_relationship",
        "update_relationship",
        "add_relationship",
        "delete_relationship",
    ]
    assert {op.action for op in listed.values()} == set(enabled)


@pytest.mark.parametrize("type_", ["accounts", "users", "orderlineitems"])
def test_write_operations_show_the_documents_example_body(
    page: Node, openapi: dict[str, Any], type_: str
) -> None:
    """The same example bodies as the OpenAPI document: ones the seeded server accepts."""
    expected = openapi_operations(openapi, type_)
    shown = 0
    for details in page.one(f"#{type_}").all("details.op"):
        key = (details.one("span.method").text, details.one("code.path").text)
        body = expected[key].get("requestBody")
        examples = details.all("pre.example")
        if body is None:
            assert examples == [], key
            continue
        assert len(examples) == 1, key
        assert json.loads(examples[0].text) == body["content"][JSON_API]["example"], key
        shown += 1
    assert shown >= 3


@pytest.mark.parametrize(
    ("type_", "field"),
    [
        ("accounts", "name"),
        ("accounts", "createdAt"),
        ("accounts", "contacts"),
        ("orders", "id"),
        ("contacts", "description"),
    ],
)
def test_operators_are_the_openapi_filter_parameters(
    page: Node, openapi: dict[str, Any], type_: str, field: str
) -> None:
    listed = operators(page.one(f"#{type_}"))[field]
    spec = openapi_operations(openapi, type_)["GET", f"/api/{type_}"]
    names = [ref["$ref"].rsplit("/", 1)[-1] for ref in spec["parameters"] if "$ref" in ref]
    declared = [openapi["components"]["parameters"][key]["name"] for key in names]
    mine = [n for n in declared if n == f"filter[{field}]" or n.startswith(f"filter[{field}][")]
    assert [f"filter[{field}]" if op == "eq" else f"filter[{field}][{op}]" for op in listed] == mine


def test_an_operator_the_page_does_not_list_is_refused(page: Node, api_url: str) -> None:
    listed = operators(page.one("#accounts"))["name"]
    assert "gt" not in listed
    assert "neq" in listed
    headers = {"Accept": "application/vnd.api+json"}
    refused = fetch(f"{api_url}/accounts", params={"filter[name][gt]": "a"}, headers=headers)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["title"] == "filter constraint"
    accepted = fetch(f"{api_url}/accounts", params={"filter[name][neq]": "a"}, headers=headers)
    assert accepted.status_code == 200


def test_sortable_fields_sort_and_others_do_not(page: Node, api_url: str) -> None:
    section = page.one("#accounts")
    sortable = [code.text for code in section.one("dd.sortable").all("code")]
    assert sortable == ["id", "name", "createdAt", "updatedAt"]
    headers = {"Accept": "application/vnd.api+json", "X-Include": "noHateoas"}
    for name in sortable:
        params = {"sort": f"-{name}", "page[size]": "1"}
        assert fetch(f"{api_url}/accounts", params=params, headers=headers).status_code == 200
    refused = fetch(f"{api_url}/accounts", params={"sort": "description"}, headers=headers)
    assert refused.status_code == 400


def test_fields_show_oro_data_types_and_what_create_requires(page: Node) -> None:
    section = page.one("#orders")
    rows = {
        row.all("td")[0].text: [td.text for td in row.all("td")[1:4]]
        for row in section.one("table.attributes").one("tbody").all("tr")
    }
    assert rows["createdAt"] == ["datetime", "no", "set by the server"]
    assert {rows[name][0] for name in rows} >= {"money", "currency", "guid", "percent"}
    kinds = {
        row.all("td")[0].text: (row.all("td")[1].text, row.one("td.kind").text)
        for row in section.one("table.relationships").one("tbody").all("tr")
    }
    assert kinds["customer"] == ("customers", "to-one")
    assert kinds["lineItems"] == ("orderlineitems", "to-many")
    countries = page.one("#countries").one("table.attributes").one("tbody").all("tr")
    assert {row.all("td")[2].text for row in countries} == {"—"}  # no create action


def test_read_only_fields_say_whether_a_value_is_ignored_or_refused(page: Node) -> None:
    def access(type_: str) -> dict[str, str]:
        rows = page.one(f"#{type_}").one("table.attributes").one("tbody").all("tr")
        return {row.all("td")[0].text: row.all("td")[3].text for row in rows}

    ignored = "The read-only field. A passed value will be ignored."
    assert access("users")["loginCount"] == ignored  # OroPlatform UserBundle: mapped: false
    assert access("contacts")["timesContacted"] == ignored[:-1] + " on update."  # OroCRM
    assert access("userroles")["role"] == "read-only"  # output-only: refused


def test_about_says_wsse_is_for_oro_6_0_and_earlier(page: Node) -> None:
    about = page.all("details.more")[0].text  # "About this API"
    assert "About this API" in about
    assert "WSSE (X-WSSE) is accepted, as in Oro 6.0 and earlier; Oro 6.1 removed it." in about


@pytest.mark.parametrize(
    "path",
    ["/api/doc", "/api/doc/rest_json_api", "/api/doc/rest_json_api/accounts"],
)
def test_links_resolve_from_every_depth_and_under_a_proxy_path(
    live_server: LiveServer, path: str
) -> None:
    """Relative links: from each page, and as a proxy mounting the server at /oro-api/ sees."""
    doc = parse(fetch(live_server.origin + path).text)
    json_link = doc.one("nav.spec").all("a")[0].attrs["href"]
    assert fetch(live_server.origin + urljoin(path, json_link)).status_code == 200
    assert urljoin("/oro-api" + path, json_link) == "/oro-api/api/doc/openapi.json"
    brand = urljoin(path, doc.one("a.brand").attrs["href"])
    assert brand == "/api/doc/rest_json_api"


# --- one resource, unknown ones, prefix and authentication -----------------------------------


def test_single_resource_page(live_server: LiveServer, page: Node) -> None:
    response = fetch(f"{live_server.origin}/api/doc/rest_json_api/accounts")
    assert response.status_code == 200
    assert response.headers["content-type"] == HTML
    single = parse(response.text)
    assert [s.attrs["id"] for s in single.all("section.resource")] == ["accounts"]
    assert single.all("table.index") == []
    assert all("open" in d.attrs for d in single.all("details.op"))
    assert operations(single) == operations(page.one("#accounts"))
    targets = single.one("table.relationships").all("a")
    here = "/api/doc/rest_json_api/accounts"
    assert urljoin(here, targets[0].attrs["href"]) == "/api/doc/rest_json_api/users"
    assert urljoin(here, single.one("p.crumbs").one("a").attrs["href"]) == "/api/doc/rest_json_api"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        pytest.param("/api/doc/nope", 'Unknown API view "nope" (known: rest_json_api).', id="view"),
        pytest.param("/api/doc/rest_json_api/nope", 'Unknown resource type "nope".', id="resource"),
        pytest.param(
            "/api/doc/rest_json_api/%3Cb%3E", 'Unknown resource type "<b>".', id="escaped"
        ),
    ],
)
def test_unknown_view_or_resource_is_a_404_page(
    live_server: LiveServer, path: str, message: str
) -> None:
    response = fetch(live_server.origin + path)
    assert response.status_code == 404
    assert response.headers["content-type"] == HTML
    body = parse(response.text)
    assert body.one("p.message").text == message
    back = body.one("section.not-found").all("a")[0].attrs["href"]
    assert urljoin(path, back) == "/api/doc/rest_json_api"
    assert body.all("b") == []


@pytest.fixture(scope="module")
def prefixed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    database: Path = tmp_path_factory.mktemp("apidoc") / "api.db"
    with LiveServer(database, auth=True, api_prefix="/v1/api") as server:
        yield server


def test_custom_prefix_and_no_token_needed(prefixed: LiveServer) -> None:
    response = fetch(f"{prefixed.origin}/v1/api/doc")
    assert response.status_code == 200
    doc = parse(response.text)
    spec = [urljoin("/v1/api/doc", a.attrs["href"]) for a in doc.one("nav.spec").all("a")]
    assert spec == ["/v1/api/doc/openapi.json", "/v1/api/doc/openapi.yaml"]
    paths = {op.path for op in operations(doc.one("#users"))}
    assert "/v1/api/users/{id}" in paths
    document = fetch(f"{prefixed.origin}/v1/api/doc/openapi.json").json()
    assert {(op.method, op.path) for op in operations(doc.one("#users"))} == set(
        openapi_operations(document, "users")
    )
    assert doc.all("span.note") == []  # authentication is on: no "token optional" note
    assert fetch(f"{prefixed.origin}/v1/api/users").status_code == 401
    assert fetch(f"{prefixed.origin}/api/doc").status_code == 404
    single = fetch(f"{prefixed.origin}/v1/api/doc/rest_json_api/users")
    assert single.status_code == 200


# --- the sliver of Markdown in descriptions --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "html"),
    [
        pytest.param("`a<b>` & c", "<p><code>a&lt;b&gt;</code> &amp; c</p>", id="escaped"),
        pytest.param("one\ntwo\n\nthree", "<p>one two</p>\n<p>three</p>", id="paragraphs"),
        pytest.param(
            "Differs:\n- `x` is\n  long\n- y",
            "<p>Differs:</p>\n<ul><li><code>x</code> is long</li><li>y</li></ul>",
            id="list",
        ),
    ],
)
def test_descriptions_render_code_paragraphs_and_lists(text: str, html: str) -> None:
    assert blocks(text) == html


def test_the_page_is_compressed_for_clients_that_accept_it(live_server: LiveServer) -> None:
    url = f"{live_server.origin}/api/doc"
    with httpx.Client(timeout=30) as http:
        packed = http.get(url, headers={"Accept-Encoding": "gzip"})
        plain = http.get(url, headers={"Accept-Encoding": "identity"})
    assert packed.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert packed.text == plain.text
    assert int(packed.headers["content-length"]) < len(plain.content) / 5


@pytest.mark.parametrize(
    ("anchor", "href"),
    [
        pytest.param(
            "accounts-get_list", "http://h:8866/?type=accounts&action=get_list", id="list"
        ),
        pytest.param("accounts-update", "http://h:8866/?type=accounts&action=update", id="update"),
        pytest.param(
            "accounts-contacts-get_relationship",
            "http://h:8866/?type=accounts&action=get_relationship&relationship=contacts",
            id="relationship",
        ),
    ],
)
def test_try_it_links_open_the_web_sandbox_preset(anchor: str, href: str) -> None:
    from server.apidoc.model import build_site
    from server.apidoc.render import render_site

    site = build_site(REGISTRY, sandbox_url="http://h:8866/")
    tree = parse(render_site(site, "accounts"))
    body = tree.one(f"#{anchor}")
    summary = next(d for d in tree.all("details.op") if body in d.iter()).one("summary")
    assert [(a.attrs["href"], a.text) for a in summary.all("a.try")] == [(href, "Try it")]


@pytest.mark.parametrize(
    ("sandbox_url", "href"),
    [
        pytest.param("http://h:8866/", "http://h:8866/?type=users&action=get_list", id="root"),
        pytest.param("http://h:8866", "http://h:8866/?type=users&action=get_list",
                     id="a-bare-origin-gets-its-slash"),
        pytest.param("/user/ann/voila/render/notebooks/sandbox.ipynb",
                     "/user/ann/voila/render/notebooks/sandbox.ipynb?type=users&action=get_list",
                     id="binder's-voila-page"),
        pytest.param("https://h/sandbox/", "https://h/sandbox/?type=users&action=get_list",
                     id="under-a-path"),
    ],
)  # fmt: skip
def test_the_try_it_link_is_the_sandbox_url_as_given(sandbox_url: str, href: str) -> None:
    from server.apidoc.model import build_site
    from server.apidoc.render import render_site

    tree = parse(render_site(build_site(REGISTRY, sandbox_url=sandbox_url), "users"))
    body = tree.one("#users-get_list")
    summary = next(d for d in tree.all("details.op") if body in d.iter()).one("summary")
    assert [a.attrs["href"] for a in summary.all("a.try")] == [href]


def test_no_try_it_links_without_a_web_sandbox() -> None:
    from server.apidoc.model import build_site
    from server.apidoc.render import render_site

    assert parse(render_site(build_site(REGISTRY), "accounts")).all("a.try") == []


def test_the_storefronts_try_it_links_open_the_web_sandbox_on_the_storefront() -> None:
    from server.apidoc.model import build_site
    from server.apidoc.render import render_site
    from server.domain.storefront import build_storefront_registry

    site = build_site(
        build_storefront_registry(),
        prefix="/storefront/api",
        sandbox_url="http://h:8866/",
        api="storefront",
    )
    tree = parse(render_site(site, "products"))
    body = tree.one("#products-get_list")
    summary = next(d for d in tree.all("details.op") if body in d.iter()).one("summary")
    assert [a.attrs["href"] for a in summary.all("a.try")] == [
        "http://h:8866/?api=storefront&type=products&action=get_list"
    ]
