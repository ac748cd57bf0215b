"""Storefront shopping lists (server/domain/shopping_lists.py): a customer user's lists and items,
written through the common write machinery under the storefront's ownership rules, on both
database backends.

Demo layout (server/domain/storefront_seed.py): customer ``c`` has customer users ``2c - 1`` (its
administrator) and ``2c`` (a buyer); each has a default list "Shopping List", the administrator a
second one, "Office Reorder".
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.live_server import JSON_API, LiveServer
from tests.postgres import NewDatabase
from tests.server.test_api_storefront import SF, Storefront


@pytest.fixture(scope="module")
def store(new_database: NewDatabase) -> Iterator[Storefront]:
    with LiveServer(new_database("shopping"), auth=True) as live:
        storefront = Storefront(live)
        yield storefront
        storefront.http.close()


def send(
    store: Storefront,
    method: str,
    path: str,
    who: int | str,
    body: Any = None,
    params: dict[str, str] | None = None,
    **headers: str,
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {store.token(who)}", **headers}
    if body is not None:
        headers["Content-Type"] = JSON_API
    return store.http.request(method, SF + path, json=body, headers=headers, params=params)


def data(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == JSON_API
    return response.json()["data"]


def errors(response: httpx.Response, status: int) -> list[dict[str, Any]]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == JSON_API
    result: list[dict[str, Any]] = response.json()["errors"]
    return result


def lists_of(store: Storefront, who: int) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = data(send(store, "GET", "/shoppinglists", who))
    return result


def new_list(store: Storefront, who: int, name: str = "Garage") -> str:
    body = {"data": {"type": "shoppinglists", "attributes": {"name": name}}}
    created = data(send(store, "POST", "/shoppinglists", who, body), 201)
    return str(created["id"])


def item_body(list_id: str, product: str = "1", quantity: Any = 2, unit: str = "item") -> Any:
    return {
        "data": {
            "type": "shoppinglistitems",
            "attributes": {"quantity": quantity},
            "relationships": {
                "shoppingList": {"data": {"type": "shoppinglists", "id": list_id}},
                "product": {"data": {"type": "products", "id": product}},
                "unit": {"data": {"type": "productunits", "id": unit}},
            },
        }
    }


def denied(relationship: str) -> dict[str, Any]:
    """Oro's answer to a related record the caller may not see."""
    return {
        "status": "403",
        "title": "access granted constraint",
        "detail": 'The "VIEW" permission is denied for the related resource.',
        "source": {"pointer": f"/data/relationships/{relationship}/data"},
    }


def price(store: Storefront, product: str, who: int, currency: str = "USD") -> Decimal:
    product_data = data(send(store, "GET", f"/products/{product}", who, **{"X-Currency": currency}))
    return Decimal(product_data["attributes"]["price"])


# --- reading ------------------------------------------------------------------------------------


def test_a_buyer_reads_their_own_lists_only(store: Storefront) -> None:
    lists = lists_of(store, 2)
    assert [item["attributes"]["name"] for item in lists] == ["Shopping List"]
    (only,) = lists
    assert only["relationships"]["customerUser"]["data"] == {"type": "customerusers", "id": "2"}
    assert only["relationships"]["customer"]["data"] == {"type": "customers", "id": "1"}
    assert only["attributes"]["default"] is True
    assert only["attributes"]["currency"] == "USD"


def test_an_administrator_reads_the_customers_lists(store: Storefront) -> None:
    lists = lists_of(store, 1)
    owners = sorted(item["relationships"]["customerUser"]["data"]["id"] for item in lists)
    assert owners == ["1", "1", "2"]
    defaults = {
        (item["relationships"]["customerUser"]["data"]["id"], item["attributes"]["name"]): item[
            "attributes"
        ]["default"]
        for item in lists
    }
    assert defaults == {
        ("1", "Shopping List"): True,
        ("1", "Office Reorder"): False,
        ("2", "Shopping List"): True,
    }


def test_the_totals_are_the_items_quantity_times_price(store: Storefront) -> None:
    (shopping_list,) = lists_of(store, 4)
    list_id = shopping_list["id"]
    items = data(
        send(store, "GET", "/shoppinglistitems", 4, params={"filter[shoppingList]": list_id})
    )
    assert items
    expected = sum(
        Decimal(str(item["attributes"]["quantity"])) * Decimal(item["attributes"]["value"])
        for item in items
    )
    assert all(item["attributes"]["currency"] == "USD" for item in items)
    assert Decimal(shopping_list["attributes"]["subTotal"]) == expected
    assert Decimal(shopping_list["attributes"]["total"]) == expected
    in_euros = data(send(store, "GET", f"/shoppinglists/{list_id}", 4, **{"X-Currency": "EUR"}))
    assert in_euros["attributes"]["currency"] == "EUR"
    assert Decimal(in_euros["attributes"]["total"]) < expected


def test_another_customer_users_list_is_out_of_reach(store: Storefront) -> None:
    theirs = lists_of(store, 4)[0]["id"]
    response = send(store, "GET", f"/shoppinglists/{theirs}", 2)
    assert errors(response, 403) == [
        {"status": "403", "title": "access denied exception", "detail": "No access to the entity."}
    ]
    listed = data(
        send(store, "GET", "/shoppinglistitems", 2, params={"filter[shoppingList]": theirs})
    )
    assert listed == []


def test_a_visitor_has_no_shopping_lists_yet(store: Storefront) -> None:
    response = send(store, "GET", "/shoppinglists", "guest")
    assert errors(response, 403) == [
        {
            "status": "403",
            "title": "access denied exception",
            "detail": "No access to this type of entities.",
        }
    ]


def test_product_units_are_a_dictionary_visitors_read(store: Storefront) -> None:
    units = data(send(store, "GET", "/productunits", "guest"))
    assert [(u["id"], u["attributes"]) for u in units] == [
        ("item", {"defaultPrecision": 0}),
        ("set", {"defaultPrecision": 0}),
    ]


def test_the_items_of_a_list_are_its_subresource(store: Storefront) -> None:
    list_id = lists_of(store, 2)[0]["id"]
    items = data(send(store, "GET", f"/shoppinglists/{list_id}/items", 2))
    filtered = data(
        send(store, "GET", "/shoppinglistitems", 2, params={"filter[shoppingList]": list_id})
    )
    assert [i["id"] for i in items] == [i["id"] for i in filtered]
    assert len(items) in (2, 3)


# --- writing ------------------------------------------------------------------------------------


def test_a_buyer_creates_fills_changes_and_deletes_a_list(store: Storefront) -> None:
    list_id = new_list(store, 6)
    created = data(send(store, "GET", f"/shoppinglists/{list_id}", 6))
    assert created["attributes"]["name"] == "Garage"
    assert created["attributes"]["default"] is False
    assert created["attributes"]["total"] == "0.0000"
    assert created["relationships"]["customerUser"]["data"]["id"] == "6"
    assert created["relationships"]["customer"]["data"]["id"] == "3"

    item = data(send(store, "POST", "/shoppinglistitems", 6, item_body(list_id, "1", 3)), 201)
    assert item["attributes"]["quantity"] == 3
    assert Decimal(item["attributes"]["value"]) == price(store, "1", 6)
    total = data(send(store, "GET", f"/shoppinglists/{list_id}", 6))["attributes"]["total"]
    assert Decimal(total) == 3 * price(store, "1", 6)

    body = {
        "data": {"type": "shoppinglistitems", "id": item["id"], "attributes": {"quantity": 1.5}}
    }
    changed = data(send(store, "PATCH", f"/shoppinglistitems/{item['id']}", 6, body))
    assert changed["attributes"]["quantity"] == 1.5

    rename = {"data": {"type": "shoppinglists", "id": list_id, "attributes": {"name": "Shed"}}}
    assert (
        data(send(store, "PATCH", f"/shoppinglists/{list_id}", 6, rename))["attributes"]["name"]
        == "Shed"
    )

    assert send(store, "DELETE", f"/shoppinglists/{list_id}", 6).status_code == 204
    assert send(store, "GET", f"/shoppinglists/{list_id}", 6).status_code == 404
    assert send(store, "GET", f"/shoppinglistitems/{item['id']}", 6).status_code == 404


def test_totals_are_read_only(store: Storefront) -> None:
    list_id = new_list(store, 6, "Ignored totals")
    body = {
        "data": {
            "type": "shoppinglists",
            "id": list_id,
            "attributes": {"total": "999.0000", "currency": "EUR", "default": True},
        }
    }
    changed = data(send(store, "PATCH", f"/shoppinglists/{list_id}", 6, body))
    assert changed["attributes"]["total"] == "0.0000"
    assert changed["attributes"]["currency"] == "USD"
    assert changed["attributes"]["default"] is False


@pytest.mark.parametrize(
    ("quantity", "title", "detail"),
    [
        pytest.param(
            0, "greater than zero constraint", "This value should be greater than 0.", id="zero"
        ),
        pytest.param(
            -2, "greater than zero constraint", "This value should be greater than 0.", id="neg"
        ),
        pytest.param(None, "not blank constraint", "This value should not be blank.", id="null"),
    ],
)
def test_an_items_quantity_must_be_positive(
    store: Storefront, quantity: Any, title: str, detail: str
) -> None:
    list_id = lists_of(store, 8)[0]["id"]
    before = data(send(store, "GET", "/shoppinglistitems", 8))
    response = send(store, "POST", "/shoppinglistitems", 8, item_body(list_id, "1", quantity))
    assert errors(response, 400) == [
        {
            "status": "400",
            "title": title,
            "detail": detail,
            "source": {"pointer": "/data/attributes/quantity"},
        }
    ]
    assert data(send(store, "GET", "/shoppinglistitems", 8)) == before


def test_a_buyer_cannot_add_to_another_users_list(store: Storefront) -> None:
    administrators = lists_of(store, 7)
    theirs = next(
        i["id"] for i in administrators if i["relationships"]["customerUser"]["data"]["id"] == "7"
    )
    before = data(send(store, "GET", f"/shoppinglists/{theirs}/items", 7))
    response = send(store, "POST", "/shoppinglistitems", 8, item_body(theirs))
    assert errors(response, 403) == [denied("shoppingList")]
    assert data(send(store, "GET", f"/shoppinglists/{theirs}/items", 7)) == before


def test_a_buyer_cannot_create_a_list_for_someone_else(store: Storefront) -> None:
    before = len(lists_of(store, 7))
    body = {
        "data": {
            "type": "shoppinglists",
            "attributes": {"name": "Not mine"},
            "relationships": {"customerUser": {"data": {"type": "customerusers", "id": "7"}}},
        }
    }
    response = send(store, "POST", "/shoppinglists", 8, body)
    assert errors(response, 403) == [denied("customerUser")]
    assert len(lists_of(store, 7)) == before


def test_an_administrator_edits_a_buyers_list(store: Storefront) -> None:
    buyers = lists_of(store, 10)[0]["id"]
    item = data(send(store, "POST", "/shoppinglistitems", 9, item_body(buyers, "2", 1)), 201)
    assert item["relationships"]["shoppingList"]["data"]["id"] == buyers
    assert send(store, "DELETE", f"/shoppinglistitems/{item['id']}", 9).status_code == 204


def test_a_product_of_another_organization_is_refused(store: Storefront) -> None:
    acme_products = data(send(store, "GET", "/products", 19, params={"page[size]": "1"}))
    (acme_product,) = acme_products
    list_id = lists_of(store, 12)[0]["id"]
    response = send(store, "POST", "/shoppinglistitems", 12, item_body(list_id, acme_product["id"]))
    assert errors(response, 403) == [denied("product")]


def test_an_unknown_unit_is_refused(store: Storefront) -> None:
    list_id = lists_of(store, 12)[0]["id"]
    response = send(store, "POST", "/shoppinglistitems", 12, item_body(list_id, "1", unit="box"))
    assert errors(response, 400) == [
        {
            "status": "400",
            "title": "form constraint",
            "detail": "The entity does not exist.",
            "source": {"pointer": "/data/relationships/unit/data"},
        }
    ]


def test_a_buyer_cannot_hand_their_list_to_someone_else(store: Storefront) -> None:
    list_id = lists_of(store, 12)[0]["id"]
    body = {
        "data": {
            "type": "shoppinglists",
            "id": list_id,
            "relationships": {"customerUser": {"data": {"type": "customerusers", "id": "11"}}},
        }
    }
    response = send(store, "PATCH", f"/shoppinglists/{list_id}", 12, body)
    assert errors(response, 403) == [denied("customerUser")]
    assert lists_of(store, 12)[0]["relationships"]["customerUser"]["data"]["id"] == "12"
