"""``resource_html`` (pure, from literal metadata) and ``DocsView``."""

from __future__ import annotations

import pytest

from sandbox import ApiClient, Metadata
from sandbox.metadata import (
    Attribute,
    FieldFilter,
    Relationship,
    ResourceType,
    Route,
    WriteOptions,
)
from sandbox.widgets.docs import DocsView, resource_html

TASKS = ResourceType(
    "tasks",
    "Tasks & to-dos.",
    "integer",
    attributes={
        "subject": Attribute("subject", "string", "string", description="What <to> do"),
        "status": Attribute("status", "enum", "enum", enum=("open", "closed")),
        "createdAt": Attribute("createdAt", "datetime", "datetime", read_only=True),
    },
    relationships={
        "owner": Relationship("owner", "users", many=False),
        "contacts": Relationship("contacts", "contacts", many=True, description="People"),
        "target": Relationship("target", None, many=False),
    },
    filters={
        "id": FieldFilter("id", ("eq", "neq", "gt"), "integer", lists=True, ranges=True),
        "status": FieldFilter("status", ("eq",), "enum", lists=True, ranges=False, enum=("open",)),
    },
    sortable=("id", "createdAt"),
    max_page_size=500,
    routes=(
        Route("get_list", "GET", "/api/tasks"),
        Route("get", "GET", "/api/tasks/{id}"),
        Route("create", "POST", "/api/tasks"),
    ),
    required=("subject", "owner"),
)


def section(html: str, title: str) -> str:
    """The HTML between ``<h4>title</h4>`` and the next ``<h4>`` (or the end)."""
    rest = html.split(f"<h4>{title}</h4>", 1)[1]
    return rest.split("<h4>", 1)[0]


def test_heading_and_description() -> None:
    html = resource_html(TASKS)
    assert html.startswith(
        "<h3><code>tasks</code></h3><p>Tasks &amp; to-dos.</p><p>Ids: integer.</p><h4>Attributes"
    )


SECTIONS = [
    pytest.param(
        "Attributes",
        "<table><thead><tr><th>name</th><th>data type</th><th>required on create</th>"
        "<th>read-only</th><th>values</th><th>description</th></tr></thead><tbody>"
        "<tr><td><code>subject</code></td><td>string</td><td>yes</td><td></td><td></td>"
        "<td>What &lt;to&gt; do</td></tr>"
        "<tr><td><code>status</code></td><td>enum</td><td>no</td><td></td>"
        "<td><code>open</code>, <code>closed</code></td><td></td></tr>"
        "<tr><td><code>createdAt</code></td><td>datetime</td><td>no</td><td>yes</td><td></td>"
        "<td></td></tr>"
        "</tbody></table>",
        id="attributes",
    ),
    pytest.param(
        "Relationships",
        "<table><thead><tr><th>name</th><th>target</th><th>kind</th><th>required on create</th>"
        "<th>description</th></tr></thead><tbody>"
        "<tr><td><code>owner</code></td><td><code>users</code></td><td>to-one</td><td>yes</td>"
        "<td></td></tr>"
        "<tr><td><code>contacts</code></td><td><code>contacts</code></td><td>to-many</td>"
        "<td>no</td><td>People</td></tr>"
        "<tr><td><code>target</code></td><td><i>not stated</i></td><td>to-one</td><td>no</td>"
        "<td></td></tr>"
        "</tbody></table>",
        id="relationships",
    ),
    pytest.param(
        "Filters",
        "<table><thead><tr><th>filter</th><th>operators</th><th>values</th><th>lists a,b</th>"
        "<th>ranges a..b</th><th>allowed</th></tr></thead><tbody>"
        "<tr><td><code>filter[id]</code></td>"
        "<td><code>eq</code>, <code>neq</code>, <code>gt</code></td><td>integer</td>"
        "<td>yes</td><td>yes</td><td></td></tr>"
        "<tr><td><code>filter[status]</code></td><td><code>eq</code></td><td>enum</td>"
        "<td>yes</td><td></td><td><code>open</code></td></tr>"
        "</tbody></table>",
        id="filters",
    ),
    pytest.param(
        "Sorting and paging",
        "<table><tbody>"
        "<tr><td>sortable fields</td><td><code>id</code>, <code>createdAt</code></td></tr>"
        "<tr><td>max page size</td><td>500</td></tr>"
        "</tbody></table>",
        id="sorting-paging",
    ),
    pytest.param(
        "Actions",
        "<table><thead><tr><th>action</th><th>method</th><th>path</th></tr></thead><tbody>"
        "<tr><td><code>get_list</code></td><td><code>GET</code></td>"
        "<td><code>/api/tasks</code></td></tr>"
        "<tr><td><code>get</code></td><td><code>GET</code></td>"
        "<td><code>/api/tasks/{id}</code></td></tr>"
        "<tr><td><code>create</code></td><td><code>POST</code></td>"
        "<td><code>/api/tasks</code></td></tr>"
        "</tbody></table>",
        id="actions",
    ),
]


@pytest.mark.parametrize(("title", "expected"), SECTIONS)
def test_sections(title: str, expected: str) -> None:
    assert section(resource_html(TASKS), title) == expected


UNKNOWN = [
    pytest.param("Attributes", '<p class="oro-note">No attributes.</p>', id="attributes"),
    pytest.param("Relationships", '<p class="oro-note">No relationships.</p>', id="relationships"),
    pytest.param(
        "Filters",
        '<p class="oro-note">The server&#x27;s description does not list the filters.</p>',
        id="filters",
    ),
    pytest.param(
        "Sorting and paging",
        "<table><tbody><tr><td>sortable fields</td><td>not stated</td></tr>"
        "<tr><td>max page size</td><td>not stated</td></tr></tbody></table>",
        id="sorting-paging",
    ),
    pytest.param(
        "Actions",
        '<p class="oro-note">The server&#x27;s description lists no actions.</p>',
        id="actions",
    ),
]


@pytest.mark.parametrize(("title", "expected"), UNKNOWN)
def test_a_type_the_document_says_little_about(title: str, expected: str) -> None:
    assert section(resource_html(ResourceType("things")), title) == expected


def test_a_type_that_cannot_be_created_requires_nothing_on_create() -> None:
    """As /api/doc says it: neither "yes" nor "no" where there is no create."""
    readonly = ResourceType(
        "logs",
        attributes={"line": Attribute("line", "string", "string")},
        relationships={"owner": Relationship("owner", "users", many=False)},
        routes=(Route("get_list", "GET", "/api/logs"),),
        required=("line",),
    )
    html = resource_html(readonly)
    assert "<tr><td><code>line</code></td><td>string</td><td>—</td>" in section(html, "Attributes")
    assert "<td>to-one</td><td>—</td>" in section(html, "Relationships")


def test_the_live_metadata_says_what_a_create_requires(api_url: str) -> None:
    """The bundled server's accounts: a create needs a name (its /api/doc says so too)."""
    with ApiClient(api_url) as client:
        metadata = Metadata.fetch(client)
    assert metadata is not None
    attributes = section(resource_html(metadata["accounts"]), "Attributes")
    assert "<tr><td><code>name</code></td><td>string</td><td>yes</td>" in attributes


def test_no_filters_and_nothing_sortable() -> None:
    html = resource_html(ResourceType("things", filters={}, sortable=()))
    assert section(html, "Filters") == '<p class="oro-note">No filters.</p>'
    assert "<td>sortable fields</td><td>none</td>" in section(html, "Sorting and paging")


def test_view_with_the_live_metadata(api_url: str) -> None:
    with ApiClient(api_url) as client:
        metadata = Metadata.fetch(client)
    assert metadata is not None
    view = DocsView()
    assert view.resource is None
    view.show(metadata["accounts"])
    assert view.resource is metadata["accounts"]
    assert view.page.value == resource_html(metadata["accounts"])
    assert "<td><code>DELETE</code></td><td><code>/api/accounts/{id}</code></td>" in (
        view.page.value
    )
    view.clear()
    assert view.resource is None


def test_upsert_and_validate_per_write_action() -> None:
    products = ResourceType(
        "products",
        routes=(
            Route("create", "POST", "/api/products"),
            Route("update", "PATCH", "/api/products/{id}"),
        ),
        writes={
            "create": WriteOptions(upsert_fields=(("sku",), ("name", "code")), validate=True),
            "update": WriteOptions(upsert_by_id=True),
        },
    )
    assert section(resource_html(products), "Upsert and validate") == (
        "<table><thead><tr><th>action</th><th>upsert</th><th>validate</th></tr></thead><tbody>"
        "<tr><td><code>create</code></td>"
        "<td>by <code>sku</code> or by <code>name</code> + <code>code</code></td><td>yes</td></tr>"
        "<tr><td><code>update</code></td><td>by id (<code>true</code>)</td><td>no</td></tr>"
        "</tbody></table>"
    )
    countries = ResourceType("countries", routes=(Route("get", "GET", "/api/countries/{id}"),))
    assert "Upsert and validate" not in resource_html(countries)  # no write action
