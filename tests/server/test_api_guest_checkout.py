"""Guest checkout (``storefront_guest_checkout``, Oro's "Enable Guest Checkout"): a visitor starts a
checkout from their own shopping list, gives an email and addresses, pays with the payment term,
and the order is placed for a guest customer user made for it. Over HTTP, on both database
backends. (Guest checkout off, the default, is ``test_api_checkout.py``'s 403.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.live_server import LiveServer
from tests.postgres import NewDatabase
from tests.server.test_api_checkout import (
    IN_FLORIDA,
    OWN_ADDRESS,
    addresses_body,
    back_office_order,
    back_office_token,
    call,
    data,
    document,
    errors,
    methods,
    ready_checkout,
    start,
)
from tests.server.test_api_storefront import Storefront
from tests.server.test_api_storefront_guest_lists import create_list, visitor
from tests.server.test_api_storefront_shopping_lists import item_body


@pytest.fixture(scope="module")
def store(new_database: NewDatabase) -> Iterator[Storefront]:
    database = new_database("guest-checkout")
    with LiveServer(
        database,
        auth=True,
        storefront_guest_shopping_lists=True,
        storefront_guest_checkout=True,
    ) as live:
        storefront = Storefront(live)
        yield storefront
        storefront.http.close()


def guest_list(store: Storefront, token: str) -> str:
    """A new list of the visitor's, with one item (2 of product 1)."""
    list_id = create_list(store, token, "Cart")
    data(call(store, "POST", "/shoppinglistitems", token, item_body(list_id, "1", 2)), 201)
    return list_id


def own_addresses(checkout_id: str, email: str | None = None) -> Any:
    """Both addresses of the guest's checkout, of their own fields (a guest has no address book)."""
    own = {"attributes": OWN_ADDRESS, "relationships": IN_FLORIDA}
    body = addresses_body(checkout_id, own, own)
    if email is not None:
        body["data"]["attributes"] = {"email": email}
    return body


def test_a_guest_checks_out_their_list_and_the_order_is_a_guest_customer_users(
    store: Storefront,
) -> None:
    guest = visitor(store)
    list_id = guest_list(store, guest)
    checkout = start(store, guest, list_id)
    checkout_id = checkout["id"]
    assert checkout["relationships"]["customerUser"]["data"] is None
    assert checkout["relationships"]["source"]["data"] == {"type": "shoppinglists", "id": list_id}
    assert len(checkout["relationships"]["lineItems"]["data"]) == 1
    # the same list again: the visitor's open checkout of it
    again = call(store, "POST", f"/shoppinglists/{list_id}/checkout", guest)
    assert data(again)["id"] == checkout_id
    assert [c["id"] for c in data(call(store, "GET", "/checkouts", guest))] == [checkout_id]
    # a guest has no address book: nothing available
    assert (
        data(call(store, "GET", f"/checkouts/{checkout_id}/availableBillingAddresses", guest)) == []
    )

    data(call(store, "PATCH", f"/checkouts/{checkout_id}", guest, own_addresses(checkout_id)))
    data(call(store, "PATCH", f"/checkouts/{checkout_id}", guest, methods(checkout_id)))
    shipping = data(call(store, "GET", f"/checkouts/{checkout_id}/availableShippingMethods", guest))
    assert shipping != []
    # ready but for the email
    readiness = document(call(store, "GET", f"/checkouts/{checkout_id}/payment", guest))["meta"]
    assert readiness["errors"] == [
        {
            "status": "400",
            "title": "not blank constraint",
            "detail": "This value should not be blank.",
            "source": {"pointer": "/data/attributes/email"},
        }
    ]
    refused = call(store, "POST", f"/checkouts/{checkout_id}/paymentPaymentTerm", guest)
    assert errors(refused)[0]["title"] == "payment constraint"

    email = {"data": {"type": "checkouts", "id": checkout_id, "attributes": {"email": "a@x.test"}}}
    data(call(store, "PATCH", f"/checkouts/{checkout_id}", guest, email))
    ready = document(call(store, "GET", f"/checkouts/{checkout_id}/payment", guest))["meta"]
    assert ready["errors"] == []
    total = data(call(store, "GET", f"/checkouts/{checkout_id}", guest))["attributes"]["totalValue"]

    order = data(call(store, "POST", f"/checkouts/{checkout_id}/paymentPaymentTerm", guest))
    assert order["type"] == "orders"
    done = data(call(store, "GET", f"/checkouts/{checkout_id}", guest))
    assert done["attributes"]["completed"] is True
    # the order and its guest customer user are not the visitor's to read (no access to orders
    # nor customer users): the relationships show no record, as any the caller may not see
    assert done["relationships"]["order"]["data"] is None
    assert done["relationships"]["customerUser"]["data"] is None
    assert call(store, "GET", f"/orders/{order['id']}", guest).status_code == 403

    in_back_office = back_office_order(store, order["id"])
    assert in_back_office["attributes"]["totalValue"] == total
    guest_user = in_back_office["relationships"]["customerUser"]["data"]
    assert guest_user is not None and guest_user["id"] not in ("1", "2", "3", "4")
    customer_user = store.http.get(
        f"/api/customerusers/{guest_user['id']}",
        headers={"Authorization": f"Bearer {back_office_token(store)}"},
    )
    attributes = data(customer_user)["attributes"]
    assert (attributes["email"], attributes["firstName"], attributes["lastName"]) == (
        "a@x.test",
        "Amanda",
        "Cole",
    )
    assert attributes["enabled"] is False  # a guest customer user does not log in
    # paid once only
    twice = call(store, "POST", f"/checkouts/{checkout_id}/paymentPaymentTerm", guest)
    assert errors(twice)[0]["title"] == "payment constraint"


def test_a_guest_starts_a_checkout_from_their_own_list_only(store: Storefront) -> None:
    guest = visitor(store)
    empty = {"data": {"type": "checkouts", "attributes": {"poNumber": "P1"}}}
    assert call(store, "POST", "/checkouts", guest, empty).status_code == 403
    assert call(store, "POST", "/orders/1/checkout", guest).status_code == 403
    others = guest_list(store, visitor(store))
    assert call(store, "POST", f"/shoppinglists/{others}/checkout", guest).status_code == 403
    assert call(store, "POST", "/shoppinglists/1/checkout", guest).status_code == 403  # a buyer's
    assert data(call(store, "GET", "/checkouts", guest)) == []


def test_a_visitor_cannot_reach_another_visitors_or_a_customer_users_checkout(
    store: Storefront,
) -> None:
    owner, stranger = visitor(store), visitor(store)
    checkout_id = start(store, owner, guest_list(store, owner))["id"]
    data(call(store, "PATCH", f"/checkouts/{checkout_id}", owner, own_addresses(checkout_id)))
    checkout = data(call(store, "GET", f"/checkouts/{checkout_id}", owner))
    address_id = checkout["relationships"]["billingAddress"]["data"]["id"]
    line_id = checkout["relationships"]["lineItems"]["data"][0]["id"]
    for path in (
        f"/checkouts/{checkout_id}",
        f"/checkouts/{checkout_id}/payment",
        f"/checkoutaddresses/{address_id}",
        f"/checkoutlineitems/{line_id}",
        "/checkouts/1",  # customer user 1's demo checkout
    ):
        assert call(store, "GET", path, stranger).status_code == 403, path
    assert data(call(store, "GET", "/checkouts", stranger)) == []
    patch = {"data": {"type": "checkouts", "id": checkout_id, "attributes": {"poNumber": "X"}}}
    assert call(store, "PATCH", f"/checkouts/{checkout_id}", stranger, patch).status_code == 403
    pay = call(store, "POST", f"/checkouts/{checkout_id}/paymentPaymentTerm", stranger)
    assert pay.status_code == 403
    assert call(store, "DELETE", f"/checkouts/{checkout_id}", stranger).status_code == 403
    assert call(store, "GET", "/checkouts/1", owner).status_code == 403
    # and a customer user does not see the visitor's checkout
    assert call(store, "GET", f"/checkouts/{checkout_id}", 1).status_code == 403
    assert checkout_id not in [c["id"] for c in data(call(store, "GET", "/checkouts", 1))]
    # the owner still reaches theirs
    assert data(call(store, "GET", f"/checkouts/{checkout_id}", owner))["id"] == checkout_id


# --- order addresses ------------------------------------------------------------------------------


def test_the_order_keeps_copies_of_the_checkouts_addresses(store: Storefront) -> None:
    who = 3  # customer 2's administrator
    checkout_id = ready_checkout(store, who)
    order = data(call(store, "POST", f"/checkouts/{checkout_id}/paymentPaymentTerm", who))
    billing = order["relationships"]["billingAddress"]["data"]
    shipping = order["relationships"]["shippingAddress"]["data"]
    assert billing["type"] == shipping["type"] == "orderaddresses"
    # the shipping address: the checkout address's own fields
    copied = data(call(store, "GET", f"/orderaddresses/{shipping['id']}", who))
    assert copied["attributes"]["city"] == "Haines City"
    assert copied["relationships"]["region"]["data"] == {"type": "regions", "id": "US-FL"}
    assert copied["relationships"]["order"]["data"] == {"type": "orders", "id": order["id"]}
    # the billing address: the fields of the customer user address it stood for
    book = data(call(store, "GET", f"/customeruseraddresses/{who}", who))["attributes"]
    billed = data(call(store, "GET", f"/orders/{order['id']}/billingAddress", who))["attributes"]
    assert (billed["street"], billed["city"]) == (book["street"], book["city"])
    # read-only, and another customer's user does not see them
    body = {"data": {"type": "orderaddresses", "attributes": {"city": "X"}}}
    assert call(store, "POST", "/orderaddresses", who, body).status_code in (400, 405)
    assert call(store, "GET", f"/orderaddresses/{billing['id']}", 1).status_code == 403
    # a guest's order has its addresses too (seen in the back office's order by id only)
    guest = visitor(store)
    guest_checkout = start(store, guest, guest_list(store, guest))["id"]
    data(
        call(
            store,
            "PATCH",
            f"/checkouts/{guest_checkout}",
            guest,
            own_addresses(guest_checkout, "b@x.test"),
        )
    )
    data(call(store, "PATCH", f"/checkouts/{guest_checkout}", guest, methods(guest_checkout)))
    guest_order = data(
        call(store, "POST", f"/checkouts/{guest_checkout}/paymentPaymentTerm", guest)
    )
    assert call(store, "GET", f"/orderaddresses/{billing['id']}", guest).status_code == 403
    assert guest_order["type"] == "orders"
