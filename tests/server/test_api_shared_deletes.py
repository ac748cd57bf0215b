"""A back-office delete of a row the storefront shares (server/storage/write.py ``Writer.delete``)
applies the storefront's reference rules too, as Oro's foreign keys do: a product's shopping-list
items go with it (``LineItem.product``: CASCADE); a customer's addresses go (CASCADE) and its
customer users and shopping lists keep no customer (SET NULL); a refused delete changes nothing in
either API. On both database backends.

Demo layout (server/domain/storefront_seed.py): customer ``c`` has customer users ``2c - 1`` (its
administrator) and ``2c`` (a buyer), each with one address (the same id) and a shopping list; the
customer has one address (id ``c``). Every seeded customer has orders (``orders.customer``:
restrict).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.live_server import JSON_API, LiveServer
from tests.postgres import NewDatabase
from tests.server.test_api_storefront import SF, Storefront

INTEGRATION = {"client_id": "sandbox-integration", "client_secret": "integration-secret"}


class Apis(Storefront):
    """The storefront helper with a back-office token (the integration application: admin)."""

    def __init__(self, live: LiveServer) -> None:
        super().__init__(live)
        body = {"grant_type": "client_credentials", **INTEGRATION}
        response = self.http.post("/oauth2-token", json=body)
        assert response.status_code == 200, response.text
        self.admin = {"Authorization": f"Bearer {response.json()['access_token']}"}

    def back_office(self, method: str, path: str, **params: Any) -> httpx.Response:
        return self.http.request(method, "/api" + path, headers=self.admin, params=params)

    def store(self, method: str, path: str, who: int, body: Any = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token(who)}"}
        if body is not None:
            headers["Content-Type"] = JSON_API
        return self.http.request(method, SF + path, json=body, headers=headers)


@pytest.fixture(scope="module")
def apis(new_database: NewDatabase) -> Iterator[Apis]:
    with LiveServer(new_database("shared-deletes"), auth=True) as live:
        both = Apis(live)
        yield both
        both.http.close()


def data(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == JSON_API
    return response.json()["data"]


def assert_no_content(response: httpx.Response) -> None:
    assert response.status_code == 204, response.text
    assert response.content == b""


def assert_not_found(response: httpx.Response) -> None:
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == JSON_API
    assert response.json()["errors"] == [
        {
            "status": "404",
            "title": "not found http exception",
            "detail": "An entity with the requested identifier does not exist.",
        }
    ]


def related(record: dict[str, Any], name: str) -> Any:
    return record["relationships"][name]["data"]


def item_body(list_id: str, product: str) -> Any:
    return {
        "data": {
            "type": "shoppinglistitems",
            "attributes": {"quantity": 3},
            "relationships": {
                "shoppingList": {"data": {"type": "shoppinglists", "id": list_id}},
                "product": {"data": {"type": "products", "id": product}},
                "unit": {"data": {"type": "productunits", "id": "item"}},
            },
        }
    }


def test_a_deleted_products_shopping_list_items_are_gone(apis: Apis) -> None:
    buyer = 2  # customer 1's buyer
    body = {"data": {"type": "shoppinglists", "attributes": {"name": "Bench"}}}
    list_id = data(apis.store("POST", "/shoppinglists", buyer, body), 201)["id"]
    doomed = data(apis.store("POST", "/shoppinglistitems", buyer, item_body(list_id, "3")), 201)
    kept = data(apis.store("POST", "/shoppinglistitems", buyer, item_body(list_id, "4")), 201)

    assert_no_content(apis.back_office("DELETE", "/products/3"))

    assert_not_found(apis.back_office("GET", "/products/3"))
    assert_not_found(apis.store("GET", f"/shoppinglistitems/{doomed['id']}", buyer))
    listed = data(apis.store("GET", f"/shoppinglists/{list_id}/items", buyer))
    assert [item["id"] for item in listed] == [kept["id"]]
    administrator = 1  # every item of customer 1, the seeded ones included: none of product 3
    items = data(apis.store("GET", "/shoppinglistitems", administrator))
    assert items
    assert all(related(item, "product")["id"] != "3" for item in items)


def test_a_deleted_customers_users_keep_no_customer_and_its_addresses_are_gone(
    apis: Apis,
) -> None:
    customer, administrator, buyer = 5, 9, 10
    assert data(apis.store("GET", f"/customeraddresses/{customer}", administrator))["id"] == "5"
    lists = data(apis.store("GET", "/shoppinglists", buyer))
    assert lists
    orders = data(apis.back_office("GET", "/orders", **{"filter[customer]": str(customer)}))
    assert orders  # (orders.customer restricts: they go first)
    assert_no_content(apis.back_office("DELETE", "/orders", **{"filter[customer]": str(customer)}))

    assert_no_content(apis.back_office("DELETE", f"/customers/{customer}"))

    assert_not_found(apis.back_office("GET", f"/customers/{customer}"))
    assert_not_found(apis.store("GET", f"/customeraddresses/{customer}", 1))
    engine = sa.create_engine(apis.live.settings.database_url, poolclass=sa.NullPool)
    with engine.connect() as connection:
        users = connection.execute(
            sa.text("SELECT id, customer_id FROM customer_user WHERE id IN (:a, :b) ORDER BY id"),
            {"a": administrator, "b": buyer},
        ).all()
        addresses = connection.execute(
            sa.text(
                "SELECT id, customer_user_id FROM customer_user_address"
                " WHERE id IN (:a, :b) ORDER BY id"
            ),
            {"a": administrator, "b": buyer},
        ).all()
        kept = connection.execute(
            sa.text(
                "SELECT id, customer_user_id, customer_id FROM shopping_list"
                " WHERE customer_user_id = :b ORDER BY id"
            ),
            {"b": buyer},
        ).all()
    assert users == [(administrator, None), (buyer, None)]
    assert addresses == [(administrator, administrator), (buyer, buyer)]
    assert kept == [(int(item["id"]), buyer, None) for item in lists]
    # a customer user of no customer signs in nowhere: their token is refused
    response = apis.store("GET", f"/customerusers/{buyer}", buyer)
    assert response.status_code == 401, response.text


def test_a_refused_customer_delete_changes_nothing_in_either_api(apis: Apis) -> None:
    customer, administrator, buyer = 4, 7, 8
    watched = [
        f"/customerusers/{buyer}",
        f"/customeruseraddresses/{buyer}",
        f"/customeraddresses/{customer}",
        "/shoppinglists",
    ]
    before = [data(apis.store("GET", path, administrator)) for path in watched]
    orders = data(
        apis.back_office(
            "GET", "/orders", **{"filter[customer]": str(customer), "page[size]": "-1"}
        )
    )

    response = apis.back_office("DELETE", f"/customers/{customer}")

    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == JSON_API
    assert response.json()["errors"] == [
        {
            "status": "403",
            "title": "access denied exception",
            "detail": "The delete operation is forbidden. Reason: the record is referenced by"
            f' "customer" of {len(orders)} "orders" record(s).',
        }
    ]
    assert data(apis.back_office("GET", f"/customers/{customer}"))["id"] == str(customer)
    assert [data(apis.store("GET", path, administrator)) for path in watched] == before
