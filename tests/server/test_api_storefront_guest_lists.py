"""Guest shopping lists (server/auth/visitors.py, server/storage/access.py): with
``storefront_guest_shopping_lists`` on, each guest token names a stored visitor who keeps lists of
their own; a customer user who signs in with the visitor's ``visitor_access_token`` takes them
over. Over HTTP, on both database backends.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from server.auth.oauth.seed import CUSTOMER_PASSWORD
from tests.live_server import JSON_API, LiveServer
from tests.postgres import NewDatabase
from tests.server.test_api_storefront import ACME, CLIENT, SF, Storefront
from tests.server.test_api_storefront_shopping_lists import data, denied, errors, item_body

NO_ENTITY = {
    "status": "403",
    "title": "access denied exception",
    "detail": "No access to the entity.",
}


@pytest.fixture(scope="module")
def store(new_database: NewDatabase) -> Iterator[Storefront]:
    database = new_database("guest-lists")
    with LiveServer(database, auth=True, storefront_guest_shopping_lists=True) as live:
        storefront = Storefront(live)
        yield storefront
        storefront.http.close()


def visitor(store: Storefront, client: dict[str, str] = CLIENT) -> str:
    """A new visitor's token."""
    response = store.token_response("guest", "guest", client)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "refresh_token" not in body
    token: str = body["access_token"]
    return token


def call(
    store: Storefront,
    method: str,
    path: str,
    token: str,
    body: Any = None,
    params: dict[str, str] | None = None,
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if body is not None:
        headers["Content-Type"] = JSON_API
    return store.http.request(method, SF + path, json=body, headers=headers, params=params)


def create_list(store: Storefront, token: str, name: str = "Wish list") -> str:
    body = {"data": {"type": "shoppinglists", "attributes": {"name": name}}}
    return str(data(call(store, "POST", "/shoppinglists", token, body), 201)["id"])


def names(store: Storefront, token: str) -> list[str]:
    return [x["attributes"]["name"] for x in data(call(store, "GET", "/shoppinglists", token))]


def sign_in(store: Storefront, customer_user_id: int, **extra: str) -> str:
    body = {
        "grant_type": "password",
        **CLIENT,
        "username": store.email(customer_user_id),
        "password": CUSTOMER_PASSWORD,
        **extra,
    }
    response = store.http.post("/oauth2-token", json=body)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


# --- a visitor's own lists ----------------------------------------------------------------------


def test_a_visitor_creates_fills_changes_and_deletes_a_list(store: Storefront) -> None:
    guest = visitor(store)
    assert data(call(store, "GET", "/shoppinglists", guest)) == []
    list_id = create_list(store, guest)
    created = data(call(store, "GET", f"/shoppinglists/{list_id}", guest))
    assert created["attributes"]["name"] == "Wish list"
    assert created["attributes"]["default"] is True  # the visitor's first list
    assert created["relationships"]["customerUser"]["data"] is None
    assert created["relationships"]["customer"]["data"] is None
    assert (
        data(call(store, "GET", f"/shoppinglists/{create_list(store, guest, 'B')}", guest))[
            "attributes"
        ]["default"]
        is False
    )

    item = data(call(store, "POST", "/shoppinglistitems", guest, item_body(list_id, "1", 2)), 201)
    assert item["attributes"]["quantity"] == 2
    patch = {"data": {"type": "shoppinglistitems", "id": item["id"], "attributes": {"quantity": 5}}}
    assert (
        data(call(store, "PATCH", f"/shoppinglistitems/{item['id']}", guest, patch))["attributes"][
            "quantity"
        ]
        == 5
    )
    included = call(store, "GET", f"/shoppinglists/{list_id}", guest, params={"include": "items"})
    assert response_included_ids(included) == [item["id"]]
    rename = {"data": {"type": "shoppinglists", "id": list_id, "attributes": {"name": "Gifts"}}}
    assert (
        data(call(store, "PATCH", f"/shoppinglists/{list_id}", guest, rename))["attributes"]["name"]
        == "Gifts"
    )
    assert names(store, guest) == ["Gifts", "B"]
    assert call(store, "DELETE", f"/shoppinglistitems/{item['id']}", guest).status_code == 204
    assert call(store, "DELETE", f"/shoppinglists/{list_id}", guest).status_code == 204
    assert names(store, guest) == ["B"]


def response_included_ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [x["id"] for x in response.json()["included"]]


def test_each_guest_token_is_a_new_visitor(store: Storefront) -> None:
    first = visitor(store)
    create_list(store, first, "First's")
    assert names(store, visitor(store)) == []
    assert names(store, first) == ["First's"]


def test_a_visitor_cannot_reach_another_visitors_list(store: Storefront) -> None:
    owner, other = visitor(store), visitor(store)
    list_id = create_list(store, owner, "Mine")
    item = data(call(store, "POST", "/shoppinglistitems", owner, item_body(list_id)), 201)

    assert errors(call(store, "GET", f"/shoppinglists/{list_id}", other), 403) == [NO_ENTITY]
    assert errors(call(store, "GET", f"/shoppinglistitems/{item['id']}", other), 403) == [NO_ENTITY]
    assert data(call(store, "GET", "/shoppinglistitems", other)) == []
    by_list = {"filter[shoppingList]": list_id}
    assert data(call(store, "GET", "/shoppinglistitems", other, params=by_list)) == []
    assert call(store, "GET", f"/shoppinglists/{list_id}/items", other).status_code == 403
    assert (
        call(store, "GET", f"/shoppinglists/{list_id}/relationships/items", other).status_code
        == 403
    )

    response = call(store, "POST", "/shoppinglistitems", other, item_body(list_id))
    assert errors(response, 403) == [denied("shoppingList")]
    rename = {"data": {"type": "shoppinglists", "id": list_id, "attributes": {"name": "Theirs"}}}
    assert errors(call(store, "PATCH", f"/shoppinglists/{list_id}", other, rename), 403) == [
        NO_ENTITY
    ]
    assert call(store, "DELETE", f"/shoppinglistitems/{item['id']}", other).status_code == 403
    assert call(store, "DELETE", f"/shoppinglists/{list_id}", other).status_code == 403

    own = create_list(store, other, "Other's")
    move = {
        "data": {
            "type": "shoppinglistitems",
            "id": item["id"],
            "relationships": {"shoppingList": {"data": {"type": "shoppinglists", "id": own}}},
        }
    }
    assert call(store, "PATCH", f"/shoppinglistitems/{item['id']}", other, move).status_code == 403
    items = data(call(store, "GET", f"/shoppinglists/{list_id}/items", owner))
    assert [(x["id"], x["attributes"]["quantity"]) for x in items] == [(item["id"], 2)]
    assert names(store, owner) == ["Mine"]


def test_customer_users_and_visitors_do_not_see_each_others_lists(store: Storefront) -> None:
    guest = visitor(store)
    list_id = create_list(store, guest, "Guest's")
    administrator = store.token(1)
    assert errors(call(store, "GET", f"/shoppinglists/{list_id}", administrator), 403) == [
        NO_ENTITY
    ]
    assert "Guest's" not in names(store, administrator)
    buyers = data(call(store, "GET", "/shoppinglists", administrator))[0]["id"]
    assert errors(call(store, "GET", f"/shoppinglists/{buyers}", guest), 403) == [NO_ENTITY]


def test_a_visitor_cannot_give_a_list_a_customer_user(store: Storefront) -> None:
    guest = visitor(store)
    body = {
        "data": {
            "type": "shoppinglists",
            "attributes": {"name": "Not mine"},
            "relationships": {"customerUser": {"data": {"type": "customerusers", "id": "2"}}},
        }
    }
    response = call(store, "POST", "/shoppinglists", guest, body)
    assert errors(response, 403) == [denied("customerUser")]
    assert names(store, guest) == []


# --- visitor_access_token -------------------------------------------------------------------------


def test_signing_in_with_the_visitor_token_moves_the_visitors_lists(store: Storefront) -> None:
    guest = visitor(store)
    list_id = create_list(store, guest, "Guest cart")
    data(call(store, "POST", "/shoppinglistitems", guest, item_body(list_id, "3", 4)), 201)

    buyer = sign_in(store, 12, visitor_access_token=guest)
    moved = data(call(store, "GET", f"/shoppinglists/{list_id}", buyer))
    assert moved["attributes"]["name"] == "Guest cart"
    assert moved["relationships"]["customerUser"]["data"] == {"type": "customerusers", "id": "12"}
    assert moved["relationships"]["customer"]["data"] == {"type": "customers", "id": "6"}
    items = data(call(store, "GET", f"/shoppinglists/{list_id}/items", buyer))
    assert [
        (x["relationships"]["product"]["data"]["id"], x["attributes"]["quantity"]) for x in items
    ] == [("3", 4)]
    assert "Guest cart" in names(store, buyer)
    assert names(store, guest) == []
    assert errors(call(store, "GET", f"/shoppinglists/{list_id}", guest), 403) == [NO_ENTITY]
    administrator = store.token(11)  # the buyer's customer's administrator sees it too
    assert data(call(store, "GET", f"/shoppinglists/{list_id}", administrator))["id"] == list_id


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("not-a-token", id="garbage"),
        pytest.param("customer", id="a customer user's token"),
        pytest.param("acme", id="a visitor of another application"),
    ],
)
def test_a_token_that_is_not_this_applications_visitor_is_ignored(
    store: Storefront, token: str
) -> None:
    guest = visitor(store)
    create_list(store, guest, "Stays")
    foreign = visitor(store, ACME)
    create_list(store, foreign, "Acme guest's")
    presented = {"not-a-token": "not-a-token", "customer": store.token(14), "acme": foreign}[token]
    buyer = sign_in(store, 14, visitor_access_token=presented)
    assert names(store, buyer) == ["Shopping List"]
    assert names(store, guest) == ["Stays"]
    assert names(store, foreign) == ["Acme guest's"]
