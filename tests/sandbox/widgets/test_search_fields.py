"""``sandbox.widgets.search_fields``: the search fields from ``/api/searchentities``, narrowed to
the chosen types, as completions and as a list (pure), and fetched from a live server."""

from __future__ import annotations

from sandbox import ApiClient
from sandbox.widgets.search_fields import (
    Field,
    SearchEntity,
    completions,
    entities_of,
    fetch_entities,
    fields_html,
    fields_of,
)

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
CONTACTS = SearchEntity("contacts", "Contact", (("firstName", "text"), ("createdAt", "datetime")))
ORDERS = SearchEntity("orders", "Order", (("totalValue", "decimal"), ("createdAt", "datetime")))


def test_entities_of_keeps_the_searchable_ones() -> None:
    assert entities_of(DOCUMENT) == [CONTACTS, ORDERS]
    assert entities_of(None) == []


def test_fields_of_all_or_the_chosen_types() -> None:
    assert fields_of([CONTACTS, ORDERS]) == [
        Field("firstName", "text", ("contacts",)),
        Field("createdAt", "datetime", ("contacts", "orders")),
        Field("totalValue", "decimal", ("orders",)),
    ]
    assert fields_of([CONTACTS, ORDERS], ["orders"]) == [
        Field("totalValue", "decimal", ("orders",)),
        Field("createdAt", "datetime", ("orders",)),
    ]


def test_completions_the_fields_alltext_and_the_words() -> None:
    options = completions(fields_of([ORDERS]))
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
    assert fields_html(fields_of([CONTACTS, ORDERS])) == (
        "<b>text</b>: <code>firstName</code> · <b>decimal</b>: <code>totalValue</code>"
        " · <b>datetime</b>: <code>createdAt</code>"
    )
    assert fields_html([]) == ""


def test_fetch_entities_from_the_server(api_url: str) -> None:
    with ApiClient(api_url) as client:
        entities = fetch_entities(client)
    by_type = {e.type: e for e in entities}
    assert {"contacts", "orders", "accounts"} <= set(by_type)
    assert ("status", "text") in by_type["orders"].fields
    assert ("totalValue", "decimal") in by_type["orders"].fields
    assert "organizations" not in by_type  # not searchable
