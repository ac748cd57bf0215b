"""``sandbox.exercises``: each test accepts what the server answers now, rejects anything else, and
follows the data when it changes (one live server with authentication for the module)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sandbox import ApiClient, ClientCredentials, PasswordGrant, Query, exercises, range_
from tests.live_server import LiveServer


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiClient]:
    database: Path = tmp_path_factory.mktemp("exercises") / "exercises.db"
    with LiveServer(database, auth=True) as server:
        auth = ClientCredentials("sandbox-integration", "integration-secret")
        with ApiClient(server.origin + "/api", auth=auth) as api:
            yield api


def count(client: ApiClient, path: str, query: Query) -> int:
    total = client.get(path, params=query.x_include("totalCount")).total_count
    assert total is not None
    return total


def new_order(client: ApiClient, currency: str, total: str) -> str:
    body = {
        "data": {
            "type": "orders",
            "attributes": {"currency": currency, "totalValue": total},
            "relationships": {"customer": {"data": {"type": "customers", "id": "1"}}},
        }
    }
    created = client.post("orders", json=body)
    assert created.status == 201, created.errors
    return str(created.data["id"])


def wrong_answers(right: Any) -> list[Any]:
    return [None, ..., "x", True, [right], str(right) + "!"]


def test_eur_orders_between_follows_the_server(client: ApiClient) -> None:
    test = exercises.eur_orders_between(client)
    query = Query().filter("currency", "EUR").filter("totalValue", range_(1000, 5000))
    before = count(client, "/orders", query)
    assert test(before)
    assert not any(test(wrong) for wrong in [before + 1, str(before), float(before) + 0.5])
    order = new_order(client, "EUR", "2500")
    try:
        assert not test(before) and test(before + 1)
    finally:
        assert client.delete(f"orders/{order}").status == 204


def test_top_eur_orders_follows_the_server(client: ApiClient) -> None:
    test = exercises.top_eur_orders(client)
    query = Query().filter("currency", "EUR").sort("-totalValue").page(size=5)
    before = [o["attributes"]["identifier"] for o in client.get("/orders", params=query).data]
    assert len(before) == 5 and test(before) and test(tuple(before))
    assert not any(test(wrong) for wrong in [before[::-1], before[:4], *wrong_answers(before)])
    order = new_order(client, "EUR", "99999999")
    try:
        identifier = client.get(f"orders/{order}").data["attributes"]["identifier"]
        assert not test(before) and test([identifier, *before[:4]])
    finally:
        assert client.delete(f"orders/{order}").status == 204


def test_orders_seen_by_counts_as_that_user(client: ApiClient) -> None:
    test = exercises.orders_seen_by(client, "ronald.rivera_f16d7")
    grant = PasswordGrant(
        "sandbox-password", "password-secret", "ronald.rivera_f16d7", "ronald.rivera_f16d7"
    )
    with ApiClient(client.base_url, auth=grant) as rep:
        seen = count(rep, "/orders", Query())
    everything = count(client, "/orders", Query())
    assert 0 < seen < everything
    assert test(seen)
    assert not any(test(wrong) for wrong in [everything, seen + 1, str(seen), None])


def top_customer_by_hand(client: ApiClient) -> tuple[str, str]:
    """The name of the customer with the largest EUR sum, and of another customer."""
    sums: dict[str, Decimal] = {}
    query = Query().filter("currency", "EUR").fields("orders", "totalValue", "customer")
    for order in client.get("/orders", params=query.page(size=-1)).data:
        customer = order["relationships"]["customer"]["data"]["id"]
        sums[customer] = sums.get(customer, Decimal(0)) + Decimal(order["attributes"]["totalValue"])
    ranked = sorted(sums, key=lambda id_: sums[id_], reverse=True)
    top, other = (client.get(f"customers/{id_}").data["attributes"]["name"] for id_ in ranked[:2])
    return top, other


def test_top_eur_customer_sums_exactly(client: ApiClient) -> None:
    test = exercises.top_eur_customer(client)
    top, other = top_customer_by_hand(client)
    assert test(top) and not test(other)
    assert not any(test(wrong) for wrong in wrong_answers(top))
    other_id = client.get("/customers", params={"filter[name]": other}).data[0]["id"]
    body = {
        "data": {
            "type": "orders",
            "attributes": {"currency": "EUR", "totalValue": "99999999"},
            "relationships": {"customer": {"data": {"type": "customers", "id": other_id}}},
        }
    }
    order = client.post("orders", json=body).data["id"]  # the other customer takes the lead
    try:
        assert test(other) and not test(top)
    finally:
        assert client.delete(f"orders/{order}").status == 204


def test_organization_of_asks_as_the_application(client: ApiClient) -> None:
    test = exercises.organization_of(client, "acme-integration", "acme-secret")
    names = ["Oro Demo Inc", "Acme Retail"]  # the admin sees only the first
    assert [name for name in names if test(name)] == ["Acme Retail"]
    assert not any(test(wrong) for wrong in wrong_answers("Acme Retail"))


def test_ignored_read_only_field_wants_a_patch_that_changed_nothing(client: ApiClient) -> None:
    test = exercises.ignored_read_only_field(client, "contacts", "timesContacted")
    before = client.get("contacts/3").data["attributes"]["timesContacted"]

    def patch(attributes: dict[str, Any]) -> Any:
        body = {"data": {"type": "contacts", "id": "3", "attributes": attributes}}
        return client.patch("contacts/3", json=body)

    assert test(patch({"timesContacted": before + 5}))
    assert not test(patch({"jobTitle": "Analyst"}))  # the field was not sent
    assert not test(client.get("contacts/3"))  # not a PATCH
    assert not test(None)
    assert not test(patch({"timesContacted": before}))  # sending the same value proves nothing
    refused = client.patch("contacts/3", json={"data": {"type": "accounts", "id": "3"}})
    assert not test(refused)


def test_account_with_new_contacts_wants_them_made_in_the_same_request(
    client: ApiClient,
) -> None:
    test = exercises.account_with_new_contacts(
        client, "Test & Co", [("Ann", "One"), ("Bob", "Two")], ("Bob", "Two")
    )
    bob = {"type": "contacts", "id": "b", "attributes": {"firstName": "Bob", "lastName": "Two"}}
    ann = {"type": "contacts", "id": "a", "attributes": {"firstName": "Ann", "lastName": "One"}}
    contacts = {"data": [{"type": "contacts", "id": "a"}, {"type": "contacts", "id": "b"}]}

    def account(default: str, included: list[Any]) -> dict[str, Any]:
        relationships = {
            "contacts": contacts,
            "defaultContact": {"data": {"type": "contacts", "id": default}},
        }
        data = {
            "type": "accounts",
            "attributes": {"name": "Test & Co"},
            "relationships": relationships,
        }
        return {"data": data, "included": included}

    right = client.post("accounts", json=account("b", [ann, bob]))
    assert right.status == 201, right.errors
    assert test(right)
    wrong_default = client.post("accounts", json=account("a", [ann, bob]))
    assert not test(wrong_default)
    # the same contacts, made beforehand: not in one request
    made = [client.post("contacts", json={"data": item}) for item in (ann, bob)]
    ids = [str(m.data["id"]) for m in made]
    later = account(ids[1], [])
    later["data"]["relationships"]["contacts"] = {
        "data": [{"type": "contacts", "id": i} for i in ids]
    }
    separate = client.post("accounts", json=later)
    assert separate.status == 201, separate.errors
    assert not test(separate)
    assert not any(test(wrong) for wrong in wrong_answers(right))


def test_upserted_by_fields_wants_the_found_record_changed(client: ApiClient) -> None:
    sku = client.get("products", params={"page[size]": "1"}).data[0]["attributes"]["sku"]
    test = exercises.upserted_by_fields(client, "products", {"sku": sku}, {"name": "Upserted"})
    body: dict[str, Any] = {
        "data": {
            "type": "products",
            "meta": {"upsert": ["sku"]},
            "attributes": {"sku": sku, "name": "Not yet"},
        }
    }
    first = client.post("products", json=body)
    assert first.status == 200, first.errors
    assert not test(first)  # the name is not the one asked for
    body["data"]["attributes"]["name"] = "Upserted"
    right = client.post("products", json=body)
    assert test(right)
    product = right.data["id"]
    plain = client.patch(
        f"products/{product}",
        json={"data": {"type": "products", "id": product, "attributes": {"name": "Upserted"}}},
    )
    assert plain.status == 200 and not test(plain)  # found by id, not by the SKU
    assert not any(test(wrong) for wrong in wrong_answers(right))


def test_search_found_by_counts_as_that_user_and_follows_writes(client: ApiClient) -> None:
    test = exercises.search_found_by(client, "ronald.rivera_f16d7", "zyxwv", "accounts")
    assert test(0)
    created = client.post(
        "accounts", json={"data": {"type": "accounts", "attributes": {"name": "Zyxwv Ltd"}}}
    )
    assert created.status == 201
    try:
        assert test(0)  # the integration user owns it: the Sales Rep does not see it
        assert exercises.search_found_by(client, "admin", "zyxwv", "accounts")(1)
    finally:
        assert client.delete(f"accounts/{created.data['id']}").status == 204
    assert not any(test(wrong) for wrong in [1, "0", None, False, 0.0])


def test_orders_by_status_wants_every_status_counted(client: ApiClient) -> None:
    condition = "currency = EUR and totalValue > 1000"
    test = exercises.orders_by_status(client, condition)
    params = {
        "filter[entities]": "orders",
        "filter[searchQuery]": condition,
        "filter[aggregations]": "status count",
    }
    found = client.get("search", params=params).document["meta"]["aggregatedData"]
    right = {item["value"]: item["count"] for item in found["statusCount"]}
    assert len(right) > 1
    assert test(right) and test(pd.Series(right)) and test(pd.Series(right, dtype="Int64"))
    first = next(iter(right))
    wrong = [
        {**right, first: right[first] + 1},
        {k: v for k, v in right.items() if k != first},
        {**right, "lost": 1},
        {k: str(v) for k, v in right.items()},
        list(right.items()),
        None,
    ]
    assert not any(test(answer) for answer in wrong)
    hit = client.get("search", params={**params, "page[size]": "1"}).data[0]
    order = hit["relationships"]["entity"]["data"]["id"]

    def currency(code: str) -> None:
        body = {"data": {"type": "orders", "id": order, "attributes": {"currency": code}}}
        assert client.patch(f"orders/{order}", json=body).status == 200

    currency("USD")  # one order less in the set: its status counts one less
    try:
        assert not test(right)
    finally:
        currency("EUR")
    assert test(right)


def new_list(shop: ApiClient, name: str) -> str:
    body = {"data": {"type": "shoppinglists", "attributes": {"name": name}}}
    created = shop.post("/shoppinglists", json=body)
    assert created.status == 201, created.errors
    return str(created.data["id"])


def add_item(shop: ApiClient, list_id: str, product_id: str, quantity: float) -> str:
    body = {
        "data": {
            "type": "shoppinglistitems",
            "attributes": {"quantity": quantity},
            "relationships": {
                "shoppingList": {"data": {"type": "shoppinglists", "id": list_id}},
                "product": {"data": {"type": "products", "id": product_id}},
                "unit": {"data": {"type": "productunits", "id": "item"}},
            },
        }
    }
    created = shop.post("/shoppinglistitems", json=body)
    assert created.status == 201, created.errors
    return str(created.data["id"])


def test_shopping_list_filled_wants_the_list_read_in_the_currency_once_filled(
    client: ApiClient,
) -> None:
    storefront = client.base_url.removesuffix("/api") + "/storefront/api"
    grant = PasswordGrant(
        "sandbox-storefront", "storefront-secret", "jacob.lewis2@example.com", "storefront"
    )
    with ApiClient(storefront, auth=grant) as buyer:
        by_sku = {"X-Product-ID": "sku"}
        gloves, reel = (
            buyer.get(f"/products/{sku}", headers=by_sku).data["id"] for sku in ("4HH33", "5FM41")
        )
        test = exercises.shopping_list_filled(buyer, "Mine", {"4HH33": 3, "5FM41": 1}, "EUR")
        in_eur = {"X-Currency": "EUR"}
        mine, other = new_list(buyer, "Mine"), new_list(buyer, "Other")
        add_item(buyer, mine, gloves, 2)
        add_item(buyer, other, gloves, 3)
        add_item(buyer, other, reel, 1)
        early = buyer.get(f"/shoppinglists/{mine}", headers=in_eur)
        add_item(buyer, mine, gloves, 1)  # the same product twice: its quantities add up
        add_item(buyer, mine, reel, 1)
        right = buyer.get(f"/shoppinglists/{mine}", headers=in_eur)
        assert test(right)
        assert not test(early)  # read before the last items: not the total of now
        assert not test(buyer.get(f"/shoppinglists/{mine}"))  # in the website's USD
        assert not test(buyer.get(f"/shoppinglists/{other}", headers=in_eur))  # another name
        assert not test(buyer.get(f"/shoppinglists/{mine}/items", headers=in_eur))
        assert not any(test(wrong) for wrong in [None, ..., right.data, mine])
        add_item(buyer, mine, reel, 1)  # more than asked
        assert not test(right) and not test(buyer.get(f"/shoppinglists/{mine}", headers=in_eur))


def ref(type_: str, id_: str) -> dict[str, Any]:
    return {"data": {"type": type_, "id": id_}}


def ready_checkout(shop: ApiClient, list_id: str, shipping: tuple[str, str], address: str) -> str:
    """A checkout of the list, to the customer user address ``address``, paid by payment term."""
    started = shop.post(f"/shoppinglists/{list_id}/checkout")
    assert started.status == 201, started.errors
    checkout = str(started.data["id"])
    body = {
        "data": {
            "type": "checkouts",
            "id": checkout,
            "attributes": {
                "paymentMethod": "payment_term_1",
                "shippingMethod": shipping[0],
                "shippingMethodType": shipping[1],
            },
            "relationships": {
                "billingAddress": ref("checkoutaddresses", "billing"),
                "shippingAddress": ref("checkoutaddresses", "shipping"),
            },
        },
        "included": [
            {
                "type": "checkoutaddresses",
                "id": name,
                "relationships": {"customerUserAddress": ref("customeruseraddresses", address)},
            }
            for name in ("billing", "shipping")
        ],
    }
    assert shop.patch(f"/checkouts/{checkout}", json=body).status == 200
    return checkout


def test_checked_out_wants_the_order_of_that_checkout(client: ApiClient) -> None:
    storefront = client.base_url.removesuffix("/api") + "/storefront/api"
    grant = PasswordGrant(
        "sandbox-storefront", "storefront-secret", "jacob.lewis2@example.com", "storefront"
    )
    with ApiClient(storefront, auth=grant) as buyer:
        own_address = buyer.get("/customeruseraddresses").data[0]["id"]
        reel = buyer.get("/products/5FM41", headers={"X-Product-ID": "sku"}).data["id"]
        ground = ("ups_3", "03")
        test = exercises.checked_out(buyer, client, {"5FM41": 2}, ground)
        mine, other = new_list(buyer, "To order"), new_list(buyer, "Other")
        add_item(buyer, mine, reel, 2)
        add_item(buyer, other, reel, 3)
        checkout = ready_checkout(buyer, mine, ground, own_address)
        unpaid = buyer.get(f"/checkouts/{checkout}")
        paid = buyer.post(f"/checkouts/{checkout}/paymentPaymentTerm")
        assert paid.status == 200 and test(paid)
        assert not any(test(wrong) for wrong in [None, ..., unpaid, paid.data, paid.data["id"]])
        again = buyer.post(f"/checkouts/{checkout}/paymentPaymentTerm")  # refused: already paid
        assert again.status == 400 and not test(again)
        by_flat_rate = ready_checkout(buyer, other, ("flat_rate_6", "primary"), own_address)
        assert not test(buyer.post(f"/checkouts/{by_flat_rate}/paymentPaymentTerm"))
        unpaid_ready = ready_checkout(buyer, new_list(buyer, "Empty"), ground, own_address)
        assert not test(buyer.get(f"/checkouts/{unpaid_ready}"))  # a read, not a payment
    # the check reads the order in the back-office: there, it is gone once deleted
    assert client.delete(f"orders/{paid.data['id']}").status == 204
    assert not test(paid)
