"""Orders on the storefront (server/domain/storefront_orders.py) and their customer user in the
back-office (server/domain/resources.py), over HTTP on both database backends.

Demo layout (server/domain/seed.py, storefront_seed.py): customer ``c`` has customer users
``2c - 1`` (its administrator) and ``2c`` (a buyer); every order was placed by its customer's
buyer, every fourth (id a multiple of 4) by its administrator. Customer 10 is Acme's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.live_server import JSON_API, LiveServer
from tests.postgres import NewDatabase
from tests.server.test_api_storefront import SF, Storefront, ids


@pytest.fixture(scope="module")
def store(new_database: NewDatabase) -> Iterator[Storefront]:
    with LiveServer(new_database("orders"), auth=True) as live:
        storefront = Storefront(live)
        yield storefront
        storefront.http.close()


def orders_placed_by(store: Storefront, *customer_users: int) -> list[str]:
    """The ids of the orders the customer users placed, as the database holds them."""
    backend = store.live.app.state.backend
    orders = backend.schema.tables["orders"]
    query = sa.select(orders.c.id).where(orders.c.customer_user_id.in_(customer_users))
    with backend.engine.connect() as connection:
        return [str(id_) for id_ in connection.execute(query.order_by(orders.c.id)).scalars()]


def all_ids(store: Storefront, path: str, who: int, **params: Any) -> list[str]:
    return ids(store.get(path, who, **{"page[size]": "-1", **params}))


def back_office(store: Storefront) -> dict[str, str]:
    token = store.http.post(
        "/oauth2-token",
        json={
            "grant_type": "client_credentials",
            "client_id": "sandbox-integration",
            "client_secret": "integration-secret",
        },
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def first_order(store: Storefront, who: int) -> dict[str, Any]:
    response = store.get("/orders", who, sort="id", **{"page[size]": "1"})
    (order,) = response.json()["data"]
    result: dict[str, Any] = order
    return result


# --- who sees which orders ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "placed_by"),
    [
        pytest.param(2, (2,), id="buyer-own-orders"),
        pytest.param(1, (1, 2), id="administrator-their-customers-orders"),
        pytest.param(4, (4,), id="another-buyer"),
        pytest.param(19, (19, 20), id="acme-administrator"),
    ],
)
def test_orders_hold_what_the_caller_may_see(
    store: Storefront, who: int, placed_by: tuple[int, ...]
) -> None:
    expected = orders_placed_by(store, *placed_by)
    assert expected  # (the demo gives each customer user some)
    assert all_ids(store, "/orders", who, sort="id") == expected


def test_an_order_as_the_buyer_sees_it(store: Storefront) -> None:
    order = first_order(store, 2)
    assert order["type"] == "orders"
    attributes = order["attributes"]
    assert set(attributes) == {
        "identifier",
        "poNumber",
        "customerNotes",
        "shipUntil",
        "currency",
        "subtotalValue",
        "totalValue",
        "createdAt",
        "updatedAt",
    }
    assert attributes["identifier"] == f"SO-{int(order['id']):06d}"
    relationships = order["relationships"]
    assert set(relationships) == {
        "lineItems",
        "customerUser",
        "customer",
        "status",
        "billingAddress",
        "shippingAddress",
    }
    # a seeded order has no addresses (only a paid checkout's order gets copies of its own)
    assert relationships["billingAddress"]["data"] is None
    assert relationships["customerUser"]["data"] == {"type": "customerusers", "id": "2"}
    assert relationships["customer"]["data"] == {"type": "customers", "id": "1"}
    assert relationships["lineItems"]["data"]
    # the same record as the back-office serves it
    same = store.http.get(f"/api/orders/{order['id']}", headers=back_office(store)).json()["data"]
    for name in ("identifier", "totalValue", "subtotalValue", "currency"):
        assert same["attributes"][name] == attributes[name]


def test_line_items_of_an_order(store: Storefront) -> None:
    order = first_order(store, 2)
    listed = [item["id"] for item in order["relationships"]["lineItems"]["data"]]
    assert ids(store.get(f"/orders/{order['id']}/lineItems", 2)) == listed
    item = store.get(f"/orderlineitems/{listed[0]}", 2).json()["data"]
    assert set(item["attributes"]) == {
        "productSku",
        "productName",
        "quantity",
        "productUnitCode",
        "price",
        "currency",
        "comment",
    }
    assert item["relationships"]["order"]["data"] == {"type": "orders", "id": order["id"]}
    back = store.http.get(f"/api/orderlineitems/{listed[0]}", headers=back_office(store))
    assert item["attributes"]["price"] == back.json()["data"]["attributes"]["value"]
    # the list holds the caller's orders' items only
    own = set(all_ids(store, "/orderlineitems", 2))
    assert set(listed) <= own
    others = {
        item["id"]
        for order_id in orders_placed_by(store, 4)[:3]
        for item in store.http.get(f"/api/orders/{order_id}", headers=back_office(store)).json()[
            "data"
        ]["relationships"]["lineItems"]["data"]
    }
    assert others and not own & others


def test_include_line_items_and_customer_user(store: Storefront) -> None:
    order = first_order(store, 1)
    response = store.get(f"/orders/{order['id']}", 1, include="lineItems,customerUser")
    document = response.json()
    included = {(item["type"], item["id"]) for item in document["included"]}
    expected = {("orderlineitems", i["id"]) for i in order["relationships"]["lineItems"]["data"]}
    expected.add(("customerusers", order["relationships"]["customerUser"]["data"]["id"]))
    assert included == expected


def test_filters_by_identifier_and_customer_user(store: Storefront) -> None:
    order = first_order(store, 1)
    identifier = order["attributes"]["identifier"]
    assert ids(store.get("/orders", 1, **{"filter[identifier]": identifier})) == [order["id"]]
    assert all_ids(store, "/orders", 1, sort="id", **{"filter[customerUser]": "1"}) == (
        orders_placed_by(store, 1)
    )


def test_a_buyer_cannot_read_another_customer_users_order(store: Storefront) -> None:
    others = orders_placed_by(store, 1)[0]  # the administrator's: the buyer may not see it
    for path in (
        f"/orders/{others}",
        f"/orders/{others}/lineItems",
        f"/orders/{others}/relationships/customerUser",
    ):
        response = store.get(path, 2)
        assert response.status_code == 403, (path, response.text)
        assert response.json()["errors"][0]["title"] == "access denied exception"
    item = store.http.get(f"/api/orders/{others}", headers=back_office(store)).json()["data"]
    line = item["relationships"]["lineItems"]["data"][0]["id"]
    assert store.get(f"/orderlineitems/{line}", 2).status_code == 403


def test_a_visitor_sees_no_orders(store: Storefront) -> None:
    response = store.get("/orders", "guest")
    assert response.status_code == 403, response.text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/orders"),
        ("PATCH", "/orders/1"),
        ("DELETE", "/orders/1"),
        ("POST", "/orderlineitems"),
    ],
)
def test_orders_are_read_only_on_the_storefront(store: Storefront, method: str, path: str) -> None:
    type_ = path.split("/")[1]
    body = {"data": {"type": type_, "attributes": {"poNumber": "X"}}}
    response = store.http.request(
        method,
        SF + path,
        json=body,
        headers={"Authorization": f"Bearer {store.token(1)}", "Content-Type": JSON_API},
    )
    assert response.status_code == 405, response.text


# --- the back-office's customerUser -------------------------------------------------------------


def test_the_back_office_order_names_its_customer_user(store: Storefront) -> None:
    headers = back_office(store)
    order = store.http.get("/api/orders/4", headers=headers, params={"include": "customerUser"})
    document = order.json()
    assert order.status_code == 200, order.text
    customer = document["data"]["relationships"]["customer"]["data"]["id"]
    administrator = str(2 * int(customer) - 1)  # order 4: placed by its customer's administrator
    assert document["data"]["relationships"]["customerUser"]["data"] == {
        "type": "customerusers",
        "id": administrator,
    }
    (user,) = document["included"]
    assert user["relationships"]["customer"]["data"] == {"type": "customers", "id": customer}
    assert set(user["attributes"]) == {
        "email",
        "firstName",
        "lastName",
        "enabled",
        "confirmed",
        "createdAt",
        "updatedAt",
    }


def test_customer_users_are_read_only_in_the_back_office(store: Storefront) -> None:
    response = store.http.patch(
        "/api/customerusers/2",
        json={"data": {"type": "customerusers", "id": "2", "attributes": {"firstName": "X"}}},
        headers={**back_office(store), "Content-Type": JSON_API},
    )
    assert response.status_code == 405, response.text


def test_the_back_office_moves_an_order_to_another_customer_user(store: Storefront) -> None:
    headers = {**back_office(store), "Content-Type": JSON_API}
    order = orders_placed_by(store, 2)[-1]
    url = f"/api/orders/{order}/relationships/customerUser"

    def move(to: dict[str, str] | None) -> httpx.Response:
        return store.http.patch(url, json={"data": to}, headers=headers)

    assert move(None).status_code == 204
    assert order not in orders_placed_by(store, 2)
    assert store.get(f"/orders/{order}", 2).status_code == 403
    # no customer user: the order's customer decides, as Oro's frontend_customer_field_name
    # has it — its administrator sees it, no buyer does
    assert ids(store.get(f"/orders/{order}", 1)) == [order]
    assert order in all_ids(store, "/orders", 1)
    assert order not in all_ids(store, "/orders", 4)
    assert move({"type": "customerusers", "id": "1"}).status_code == 204
    assert store.get(f"/orders/{order}", 2).status_code == 403
    assert ids(store.get(f"/orders/{order}", 1)) == [order]
    assert move({"type": "customerusers", "id": "2"}).status_code == 204
    assert ids(store.get(f"/orders/{order}", 2)) == [order]
