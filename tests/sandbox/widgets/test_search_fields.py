"""``sandbox.widgets.search_fields``: the search fields of a catalog (``/api/searchentities``),
narrowed to the chosen types, as completions and as a list (pure), and loaded from a live server
(or an empty catalog from one that does not answer)."""

from __future__ import annotations

from sandbox import ApiClient
from sandbox.search import SearchCatalog
from sandbox.widgets.search_fields import Field, completions, fields_html, fields_of, load_catalog

DOCUMENT = {
    "data": [
        {
            "type": "searchentities",
            "id": "organizations",
            "attributes": {"entityType": "organizations", "searchable": False, "fields": []},
        },
        {
            "type": "searchentities",
            "id": "contacts",
            "attributes": {
                "entityType": "contacts",
                "entityName": "Contact",
                "searchable": True,
                "fields": [
                    {"name": "firstName", "type": "text", "entityFields": ["firstName"]},
                    {"name": "createdAt", "type": "datetime", "entityFields": ["createdAt"]},
                ],
            },
        },
        {
            "type": "searchentities",
            "id": "orders",
            "attributes": {
                "entityType": "orders",
                "entityName": "Order",
                "searchable": True,
                "fields": [
                    {"name": "totalValue", "type": "decimal"},
                    {"name": "createdAt", "type": "datetime"},
                ],
            },
        },
    ]
}
CATALOG = SearchCatalog.from_document(DOCUMENT)


def test_fields_of_all_or_the_chosen_types() -> None:
    assert fields_of(CATALOG) == [
        Field("firstName", "text", ("contacts",)),
        Field("createdAt", "datetime", ("contacts", "orders")),
        Field("totalValue", "decimal", ("orders",)),
    ]
    assert fields_of(CATALOG, ["orders"]) == [
        Field("totalValue", "decimal", ("orders",)),
        Field("createdAt", "datetime", ("orders",)),
    ]


def test_completions_the_fields_alltext_and_the_words() -> None:
    options = completions(fields_of(CATALOG, ["orders"]))
    assert options[:3] == [
        {"label": "totalValue", "type": "property", "detail": "decimal · orders"},
        {"label": "createdAt", "type": "property", "detail": "datetime · orders"},
        {"label": "allText", "type": "property", "detail": "text · every field"},
    ]
    words = [o["label"] for o in options if o["type"] == "keyword"]
    assert words == [
        "and", "or", "in", "!in", "like", "notlike", "starts_with", "exists", "notexists"
    ]  # fmt: skip


def test_fields_html_groups_by_type() -> None:
    assert fields_html(fields_of(CATALOG)) == (
        "<b>text</b>: <code>firstName</code> · <b>decimal</b>: <code>totalValue</code>"
        " · <b>datetime</b>: <code>createdAt</code>"
    )
    assert fields_html([]) == ""


def test_load_catalog_from_the_server(api_url: str) -> None:
    with ApiClient(api_url) as client:
        catalog = load_catalog(client)
    assert {"contacts", "orders", "accounts"} <= set(catalog.entities)
    assert catalog.fields(["orders"])["totalValue"] == "decimal"
    assert "organizations" not in catalog.entities  # not searchable


def test_no_answer_is_an_empty_catalog() -> None:
    with ApiClient("http://127.0.0.1:9/api") as client:
        assert load_catalog(client).entities == {}
