"""The Checkout API (reference §18, §20 "Checkout (simplified)", §21): checkouts made empty or from
a shopping list, addresses, methods, readiness, payment term and the redirect method's round
trip, over HTTP on both database backends; the order made shows in the back-office API.

Demo layout (server/domain/storefront_seed.py): customer ``c`` has customer users ``2c - 1`` (its
administrator) and ``2c`` (a buyer), each with a default shopping list (list ids follow the users:
an administrator has two); checkout 1 is customer user 1's, from list 1, with both addresses and
no methods chosen.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from server.auth.oauth.seed import CUSTOMER_PASSWORD
from tests.live_server import JSON_API, LiveServer
from tests.postgres import NewDatabase
from tests.server.test_api_storefront import CLIENT, SF, Storefront

NO_ENTITY = {
    "status": "403",
    "title": "access denied exception",
    "detail": "No access to the entity.",
}
NOT_READY = "The checkout is not ready for payment."


@pytest.fixture(scope="module")
def store(new_database: NewDatabase) -> Iterator[Storefront]:
    database = new_database("checkout")
    with LiveServer(database, auth=True, storefront_guest_shopping_lists=True) as live:
        storefront = Storefront(live)
        yield storefront
        storefront.http.close()


def call(
    store: Storefront,
    method: str,
    path: str,
    who: int | str,
    body: Any = None,
    **options: Any,
) -> httpx.Response:
    token = who if isinstance(who, str) and who != "guest" else store.token(who)
    headers = {"Authorization": f"Bearer {token}", **options.pop("headers", {})}
    if body is not None:
        headers["Content-Type"] = JSON_API
    return store.http.request(method, SF + path, json=body, headers=headers, **options)


def document(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == JSON_API
    return response.json()


def data(response: httpx.Response, status: int = 200) -> Any:
    return document(response, status)["data"]


def errors(response: httpx.Response, status: int = 400) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = document(response, status)["errors"]
    return result


def list_of(store: Storefront, who: int) -> str:
    """The customer user's default shopping list."""
    lists = data(call(store, "GET", "/shoppinglists", who))
    return str(next(x["id"] for x in lists if x["attributes"]["default"]))


def start(store: Storefront, who: int | str, list_id: str) -> dict[str, Any]:
    response = call(store, "POST", f"/shoppinglists/{list_id}/checkout", who)
    created: dict[str, Any] = data(response, 201)
    assert response.headers["location"].endswith(f"{SF}/checkouts/{created['id']}")
    return created


OWN_ADDRESS = {  # an address of its own fields
    "street": "801 Scenic Hwy",
    "city": "Haines City",
    "postalCode": "33844",
    "firstName": "Amanda",
    "lastName": "Cole",
}
IN_FLORIDA = {
    "country": {"data": {"type": "countries", "id": "US"}},
    "region": {"data": {"type": "regions", "id": "US-FL"}},
}


def addresses_body(checkout_id: str, billing: Any, shipping: Any) -> dict[str, Any]:
    """Both addresses of a checkout at once, as included checkout addresses (``billing`` and
    ``shipping``: their ``attributes`` and ``relationships``)."""
    return {
        "data": {
            "type": "checkouts",
            "id": checkout_id,
            "relationships": {
                "billingAddress": {"data": {"type": "checkoutaddresses", "id": "billing"}},
                "shippingAddress": {"data": {"type": "checkoutaddresses", "id": "shipping"}},
            },
        },
        "included": [
            {"type": "checkoutaddresses", "id": id_, **item}
            for id_, item in (("billing", billing), ("shipping", shipping))
        ],
    }


def address_body(checkout_id: str, customer_user_address: str) -> Any:
    """Both addresses of a checkout at once: one standing for a customer user address, one of
    its own fields (Oro's create example's two kinds)."""
    stands_for = {"type": "customeruseraddresses", "id": customer_user_address}
    return addresses_body(
        checkout_id,
        {"relationships": {"customerUserAddress": {"data": stands_for}}},
        {
            "attributes": {"label": "Primary address", **OWN_ADDRESS},
            "relationships": IN_FLORIDA,
        },
    )


def methods(checkout_id: str, payment: str = "payment_term_1") -> Any:
    attributes = {
        "paymentMethod": payment,
        "shippingMethod": "flat_rate_6",
        "shippingMethodType": "primary",
    }
    return {"data": {"type": "checkouts", "id": checkout_id, "attributes": attributes}}


def ready_checkout(store: Storefront, who: int | str, payment: str = "payment_term_1") -> str:
    """A checkout of the customer user's default list with addresses and methods chosen."""
    checkout_id = str(start(store, who, list_of(store, who))["id"])
    data(
        call(store, "PATCH", f"/checkouts/{checkout_id}", who, address_body(checkout_id, str(who)))
    )
    data(call(store, "PATCH", f"/checkouts/{checkout_id}", who, methods(checkout_id, payment)))
    return checkout_id


def back_office_token(store: Storefront) -> str:
    response = store.http.post(
        "/oauth2-token",
        json={
            "grant_type": "client_credentials",
            "client_id": "sandbox-integration",
            "client_secret": "integration-secret",
        },
    )
    token: str = response.json()["access_token"]
    return token


def back_office_order(store: Storefront, order_id: str) -> dict[str, Any]:
    """The order as the back-office's ``GET /api/orders`` lists it."""
    response = store.http.get(
        "/api/orders",
        params={"filter[id]": order_id},
        headers={"Authorization": f"Bearer {back_office_token(store)}"},
    )
    (order,) = data(response)
    result: dict[str, Any] = order
    return result


# --- the reference's examples --------------------------------------------------------------------


def test_the_examples_of_section_18_on_the_demo_checkout(store: Storefront) -> None:
    # checkout 1: addresses set, no methods: the reference's "not ready" document, word for word
    assert document(call(store, "GET", "/checkouts/1/payment", 1)) == {
        "meta": {
            "message": "The checkout is not ready for payment.",
            "paymentUrl": None,
            "errors": [
                {
                    "status": "400",
                    "title": "not blank constraint",
                    "detail": "Shipping method is not selected.",
                    "source": {"pointer": "/data/attributes/shippingMethod"},
                },
                {
                    "status": "400",
                    "title": "not blank constraint",
                    "detail": "Payment method is not selected.",
                    "source": {"pointer": "/data/attributes/paymentMethod"},
                },
            ],
        }
    }
    patch = {
        "data": {
            "type": "checkouts",
            "id": "1",
            "attributes": {
                "paymentMethod": "oro_paypal_express_1",
                "shippingMethod": "flat_rate_6",
                "shippingMethodType": "primary",
            },
        }
    }
    changed = data(call(store, "PATCH", "/checkouts/1", 1, patch))["attributes"]
    assert changed["paymentMethod"] == "oro_paypal_express_1"
    assert (changed["shippingMethod"], changed["shippingMethodType"]) == ("flat_rate_6", "primary")
    assert changed["shippingEstimateAmount"] == "10.0000"
    subtotal, shipping = changed["totals"]
    assert subtotal["subtotalType"] == "subtotal" and subtotal["description"] == "Subtotal"
    assert shipping == {
        "subtotalType": "shipping_cost",
        "description": "Shipping",
        "amount": "10.0000",
    }
    assert float(changed["totalValue"]) == pytest.approx(float(subtotal["amount"]) + 10)
    ready = document(call(store, "GET", "/checkouts/1/payment", 1))
    assert ready == {
        "meta": {
            "message": "The checkout is ready for payment.",
            "paymentUrl": f"{store.origin}{SF}/checkouts/1/paymentPayPalExpress",
            "errors": [],
        }
    }
    created = data(call(store, "POST", "/checkouts", 1, {"data": {"type": "checkouts"}}), 201)
    assert created["attributes"]["totals"] == [
        {"subtotalType": "subtotal", "description": "Subtotal", "amount": "0.0000"}
    ]
    assert created["attributes"]["shippingType"] == "checkout"
    assert created["attributes"]["completed"] is False
    assert created["attributes"]["coupons"] == []
    assert created["relationships"]["customerUser"]["data"] == {"type": "customerusers", "id": "1"}


def test_available_shipping_and_payment_methods(store: Storefront) -> None:
    shipping = data(call(store, "GET", "/checkouts/1/availableShippingMethods", 1))
    flat = next(m for m in shipping if m["id"] == "flat_rate_6")
    assert flat == {
        "type": "checkoutavailableshippingmethods",
        "id": "flat_rate_6",
        "attributes": {
            "label": "Flat Rate",
            "types": [
                {
                    "id": "primary",
                    "label": "Flat Rate",
                    "shippingCost": "10.0000",
                    "currency": "USD",
                }
            ],
        },
    }
    euro = data(
        call(
            store, "GET", "/checkouts/1/availableShippingMethods", 1, headers={"X-Currency": "EUR"}
        )
    )
    assert {t["currency"] for m in euro for t in m["attributes"]["types"]} == {"EUR"}
    payment = data(call(store, "GET", "/checkouts/1/availablePaymentMethods", 1))
    assert [(m["id"], m["attributes"]["label"]) for m in payment] == [
        ("payment_term_1", "Payment Term"),
        ("oro_paypal_express_1", "PayPal Express (sandbox)"),
    ]
    for name in ("availableBillingAddresses", "availableShippingAddresses"):
        addresses = data(call(store, "GET", f"/checkouts/1/{name}", 1))
        assert [a["relationships"]["address"]["data"] for a in addresses] == [
            {"type": "customeraddresses", "id": "1"},
            {"type": "customeruseraddresses", "id": "1"},
        ]
        assert all(a["attributes"]["title"] and a["attributes"]["group"] for a in addresses)


def test_methods_are_offered_once_the_addresses_are_set(store: Storefront) -> None:
    empty = data(call(store, "POST", "/checkouts", 3, {"data": {"type": "checkouts"}}), 201)
    for name in ("availableShippingMethods", "availablePaymentMethods"):
        assert data(call(store, "GET", f"/checkouts/{empty['id']}/{name}", 3)) == []


# --- from a shopping list to an order ------------------------------------------------------------


def test_from_shopping_list_to_order_with_payment_term(store: Storefront) -> None:
    who = 3  # customer 2's administrator
    list_id = list_of(store, who)
    items = data(call(store, "GET", f"/shoppinglists/{list_id}", who, params={"include": "items"}))
    checkout = start(store, who, list_id)
    checkout_id = checkout["id"]
    assert checkout["relationships"]["source"]["data"] == {"type": "shoppinglists", "id": list_id}
    assert len(checkout["relationships"]["lineItems"]["data"]) == len(
        items["relationships"]["items"]["data"]
    )
    # the same list again: the open checkout of it
    again = call(store, "POST", f"/shoppinglists/{list_id}/checkout", who)
    assert data(again)["id"] == checkout_id

    readiness = document(call(store, "GET", f"/checkouts/{checkout_id}/payment", who))["meta"]
    assert [e["detail"] for e in readiness["errors"]] == [
        "Please enter correct billing address.",
        "Please enter correct shipping address.",
        "Shipping method is not selected.",
        "Payment method is not selected.",
    ]
    assert readiness["errors"][1]["title"] == "not empty shipping address constraint"
    refused = call(store, "POST", f"/checkouts/{checkout_id}/paymentPaymentTerm", who)
    assert errors(refused) == [
        {
            "status": "400",
            "title": "payment constraint",
            "detail": NOT_READY,
            "meta": {"validatePaymentUrl": f"{store.origin}{SF}/checkouts/{checkout_id}/payment"},
        }
    ]

    with_addresses = call(
        store, "PATCH", f"/checkouts/{checkout_id}", who, address_body(checkout_id, "3")
    )
    included = document(with_addresses)["included"]
    assert {i["attributes"]["city"] for i in included} >= {"Haines City"}
    data(call(store, "PATCH", f"/checkouts/{checkout_id}", who, methods(checkout_id)))
    ready = document(call(store, "GET", f"/checkouts/{checkout_id}/payment", who))["meta"]
    assert ready["errors"] == [] and ready["paymentUrl"].endswith(
        f"/checkouts/{checkout_id}/paymentPaymentTerm"
    )
    total = data(call(store, "GET", f"/checkouts/{checkout_id}", who))["attributes"]["totalValue"]

    order = data(call(store, "POST", f"/checkouts/{checkout_id}/paymentPaymentTerm", who))
    assert order["type"] == "orders"
    assert order["attributes"]["totalValue"] == total
    assert order["relationships"]["customerUser"]["data"] == {"type": "customerusers", "id": "3"}
    assert order["relationships"]["status"]["data"] == {"type": "orderstatuses", "id": "open"}
    lines = data(call(store, "GET", f"/orders/{order['id']}/lineItems", who))
    assert len(lines) == len(items["relationships"]["items"]["data"])
    done = data(call(store, "GET", f"/checkouts/{checkout_id}", who))
    assert done["relationships"]["order"]["data"] == {"type": "orders", "id": order["id"]}
    assert data(call(store, "GET", f"/checkouts/{checkout_id}/order", who))["id"] == order["id"]
    assert done["attributes"]["completed"] is True
    assert done["attributes"]["paymentInProgress"] is False
    in_back_office = back_office_order(store, order["id"])
    assert in_back_office["attributes"]["totalValue"] == total
    assert in_back_office["attributes"]["identifier"] == order["id"]
    assert in_back_office["relationships"]["customer"]["data"] == {"type": "customers", "id": "2"}
    # a completed checkout is not paid twice
    twice = call(store, "POST", f"/checkouts/{checkout_id}/paymentPaymentTerm", who)
    assert errors(twice)[0]["title"] == "payment constraint"


def test_a_checkout_from_an_earlier_order(store: Storefront) -> None:
    who = 3
    order = data(call(store, "GET", "/orders", who, params={"sort": "id"}))[0]
    lines = data(call(store, "GET", f"/orders/{order['id']}/lineItems", who))
    checkout = data(call(store, "POST", f"/orders/{order['id']}/checkout", who), 201)
    assert checkout["relationships"]["source"]["data"] is None
    assert checkout["relationships"]["order"]["data"] is None
    items = data(call(store, "GET", f"/checkouts/{checkout['id']}/lineItems", who))
    assert sorted(i["attributes"]["quantity"] for i in items) == sorted(
        x["attributes"]["quantity"] for x in lines
    )
    # an order of another customer is out of reach: nothing is made
    others = data(call(store, "GET", "/orders", 5, params={"sort": "id"}))[0]["id"]
    assert call(store, "POST", f"/orders/{others}/checkout", who).status_code == 403


def test_a_checkout_created_with_its_line_items_and_addresses(store: Storefront) -> None:
    body = address_body("new", "1")
    body["data"]["attributes"] = {"poNumber": "PO01"}
    body["included"].append(
        {
            "type": "checkoutlineitems",
            "id": "line_item_1",
            "attributes": {"quantity": 2},
            "relationships": {
                "checkout": {"data": {"type": "checkouts", "id": "new"}},
                "product": {"data": {"type": "products", "id": "1"}},
                "productUnit": {"data": {"type": "productunits", "id": "set"}},
            },
        }
    )
    created = document(call(store, "POST", "/checkouts", 1, body), 201)
    line = next(i for i in created["included"] if i["type"] == "checkoutlineitems")
    price = float(line["attributes"]["price"])
    assert float(line["attributes"]["subTotal"]) == pytest.approx(2 * price)
    attributes = created["data"]["attributes"]
    assert attributes["poNumber"] == "PO01"
    assert float(attributes["totalValue"]) == pytest.approx(2 * price)
    checkout_id = created["data"]["id"]
    payment = document(call(store, "GET", f"/checkouts/{checkout_id}/payment", 1))["meta"]
    assert [e["detail"] for e in payment["errors"]] == [
        "Shipping method is not selected.",
        "Payment method is not selected.",
    ]


# --- the redirect method -------------------------------------------------------------------------

RETURN = {"successUrl": "https://shop.example/success", "failureUrl": "https://shop.example/fail"}


def pay_redirect(
    store: Storefront, who: int, checkout_id: str, meta: Any = RETURN
) -> httpx.Response:
    return call(
        store, "POST", f"/checkouts/{checkout_id}/paymentPayPalExpress", who, {"meta": meta}
    )


def test_the_redirect_round_trip_approved(store: Storefront) -> None:
    who = 5
    checkout_id = ready_checkout(store, who, "oro_paypal_express_1")
    missing = errors(pay_redirect(store, who, checkout_id, {}))
    assert [(e["title"], e["source"]["pointer"]) for e in missing] == [
        ("not blank constraint", "/meta/successUrl"),
        ("not blank constraint", "/meta/failureUrl"),
    ]
    (action,) = errors(pay_redirect(store, who, checkout_id))
    assert (action["title"], action["detail"]) == (
        "payment action constraint",
        "The payment requires additional actions.",
    )
    page = action["meta"]["data"]["purchaseRedirectUrl"]
    assert page.startswith(store.origin + "/payment-sandbox/")
    checkout = data(call(store, "GET", f"/checkouts/{checkout_id}", who))
    assert checkout["attributes"]["paymentInProgress"] is True
    (waiting,) = errors(pay_redirect(store, who, checkout_id))
    assert waiting == {
        "status": "400",
        "title": "payment status constraint",
        "detail": "Payment is being processed. Please follow the payment provider's"
        " instructions to complete it.",
    }
    shown = store.http.get(page)
    assert shown.status_code == 200 and "Approve" in shown.text
    back = store.http.post(page, data={"decision": "approve"})
    assert (back.status_code, back.headers["location"]) == (303, RETURN["successUrl"])
    order = data(pay_redirect(store, who, checkout_id))
    assert order["type"] == "orders"
    assert back_office_order(store, order["id"])["id"] == order["id"]
    done = data(call(store, "GET", f"/checkouts/{checkout_id}", who))["attributes"]
    assert (done["completed"], done["paymentInProgress"]) == (True, False)
    assert store.http.get(page).status_code == 404  # the page is gone with the payment


def test_the_redirect_round_trip_declined(store: Storefront) -> None:
    who = 7
    checkout_id = ready_checkout(store, who, "oro_paypal_express_1")
    page = errors(pay_redirect(store, who, checkout_id))[0]["meta"]["data"]["purchaseRedirectUrl"]
    back = store.http.post(page, data={"decision": "decline"})
    assert (back.status_code, back.headers["location"]) == (303, RETURN["failureUrl"])
    assert errors(pay_redirect(store, who, checkout_id)) == [
        {
            "status": "400",
            "title": "payment constraint",
            "detail": "Payment failed, please try again or select a different payment method.",
        }
    ]
    checkout = data(call(store, "GET", f"/checkouts/{checkout_id}", who))["attributes"]
    assert (checkout["completed"], checkout["paymentInProgress"]) == (False, False)
    # try again: a new round trip starts
    (again,) = errors(pay_redirect(store, who, checkout_id))
    assert again["title"] == "payment action constraint"
    assert store.http.post(page, data={"decision": "approve"}).status_code == 404  # old page
    assert store.http.post(page, data={"decision": "maybe"}).status_code == 400


# --- who sees what -------------------------------------------------------------------------------


def test_a_buyer_cannot_reach_another_customer_users_checkout(store: Storefront) -> None:
    # checkout 1 is customer user 1's (customer 1's administrator); 2 is customer 1's buyer
    for path in ("", "/payment", "/availableShippingMethods", "/availableBillingAddresses"):
        assert errors(call(store, "GET", f"/checkouts/1{path}", 2), 403) == [NO_ENTITY]
    for who in (2, 4):
        assert "1" not in [c["id"] for c in data(call(store, "GET", "/checkouts", who))]
    patch = {"data": {"type": "checkouts", "id": "1", "attributes": {"poNumber": "X"}}}
    assert call(store, "PATCH", "/checkouts/1", 2, patch).status_code == 403
    assert call(store, "POST", "/checkouts/1/paymentPaymentTerm", 2).status_code == 403
    # the administrator reaches their buyer's checkouts (Oro's Local level on the customer)
    buyers = start(store, 2, list_of(store, 2))
    assert data(call(store, "GET", f"/checkouts/{buyers['id']}", 1))["id"] == buyers["id"]
    assert call(store, "GET", f"/checkouts/{buyers['id']}", 3).status_code == 403


def test_a_back_office_token_is_refused(store: Storefront) -> None:
    token = back_office_token(store)
    for method, path in (("GET", "/checkouts"), ("GET", "/checkouts/1/payment")):
        refused = call(store, method, path, token)
        assert (refused.status_code, refused.content) == (401, b"")


def test_visitors_do_not_check_out(store: Storefront) -> None:
    guest = store.token_response("guest", "guest").json()["access_token"]
    body = {"data": {"type": "shoppinglists", "attributes": {"name": "Cart"}}}
    list_id = data(call(store, "POST", "/shoppinglists", guest, body), 201)["id"]
    refused = call(store, "POST", f"/shoppinglists/{list_id}/checkout", guest)
    assert refused.status_code == 403
    assert call(store, "GET", "/checkouts", guest).status_code == 403


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attributes", "title", "pointer"),
    [
        pytest.param(
            {"shippingMethod": "teleport"},
            "shipping method is valid constraint",
            "/data/attributes/shippingMethod",
            id="unknown-shipping-method",
        ),
        pytest.param(
            {"shippingMethodType": "warp"},
            "shipping method is valid constraint",
            "/data/attributes/shippingMethodType",
            id="unknown-shipping-type",
        ),
        pytest.param(
            {"paymentMethod": "gold_bars"},
            "payment method is applicable constraint",
            "/data/attributes/paymentMethod",
            id="unknown-payment-method",
        ),
        pytest.param(
            {"shipUntil": "tomorrow"}, "form constraint", "/data/attributes/shipUntil", id="date"
        ),
        pytest.param(
            {"totals": [], "poNumber": "x" * 256},
            "length constraint",
            "/data/attributes/poNumber",
            id="too-long",
        ),
    ],
)
def test_bad_values_change_nothing(
    store: Storefront, attributes: dict[str, Any], title: str, pointer: str
) -> None:
    before = data(call(store, "GET", "/checkouts/1", 1))["attributes"]
    body = {"data": {"type": "checkouts", "id": "1", "attributes": attributes}}
    (error,) = errors(call(store, "PATCH", "/checkouts/1", 1, body))
    assert (error["title"], error["source"]["pointer"]) == (title, pointer)
    after = data(call(store, "GET", "/checkouts/1", 1))["attributes"]
    assert after == before


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        pytest.param("DELETE", "/checkouts/1/payment", 405, id="delete-payment"),
        pytest.param("GET", "/checkouts/1/paymentPaymentTerm", 405, id="get-pay"),
        pytest.param("PATCH", "/shoppinglists/1/checkout", 405, id="patch-start"),
        pytest.param("GET", "/checkouts/1/nothing", 404, id="unknown-subresource"),
        pytest.param("GET", "/checkouts/abc/payment", 400, id="bad-id"),
        pytest.param("GET", "/checkouts/99999/payment", 404, id="missing"),
        pytest.param("POST", "/shoppinglists/99999/checkout", 404, id="missing-list"),
    ],
)
def test_routes_of_the_sub_resources(
    store: Storefront, method: str, path: str, status: int
) -> None:
    response = call(store, method, path, 1)
    assert response.status_code == status, response.text
    if status == 405:
        allow = store.http.options(SF + path).headers["allow"]
        assert response.headers["allow"] == allow
        assert method not in allow.split(", ")
    else:
        assert response.json()["errors"][0]["status"] == str(status)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("[]", id="array"),
        pytest.param('{"meta": 5}', id="meta-not-object"),
        pytest.param('{"data": {"type": "checkouts"}}', id="data"),
        pytest.param("{", id="malformed"),
    ],
)
def test_bad_payment_bodies_are_refused(store: Storefront, body: str) -> None:
    checkout_id = data(call(store, "POST", "/checkouts", 1, {"data": {"type": "checkouts"}}), 201)[
        "id"
    ]
    response = store.http.post(
        f"{SF}/checkouts/{checkout_id}/paymentPayPalExpress",
        content=body,
        headers={"Authorization": f"Bearer {store.token(1)}", "Content-Type": JSON_API},
    )
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["status"] == "400"
    after = data(call(store, "GET", f"/checkouts/{checkout_id}", 1))["attributes"]
    assert after["paymentInProgress"] is False


def test_a_line_item_quantity_must_be_positive(store: Storefront) -> None:
    body = {
        "data": {
            "type": "checkoutlineitems",
            "attributes": {"quantity": 0},
            "relationships": {
                "checkout": {"data": {"type": "checkouts", "id": "1"}},
                "product": {"data": {"type": "products", "id": "1"}},
                "productUnit": {"data": {"type": "productunits", "id": "item"}},
            },
        }
    }
    (error,) = errors(call(store, "POST", "/checkoutlineitems", 1, body))
    assert error["title"] == "greater than zero constraint"


# --- the end-to-end row ------------------------------------------------------------------


def test_a_guest_fills_a_list_signs_in_and_checks_out(store: Storefront) -> None:
    guest = store.token_response("guest", "guest").json()["access_token"]
    body = {"data": {"type": "shoppinglists", "attributes": {"name": "Guest cart"}}}
    list_id = data(call(store, "POST", "/shoppinglists", guest, body), 201)["id"]
    item = {
        "data": {
            "type": "shoppinglistitems",
            "attributes": {"quantity": 3},
            "relationships": {
                "shoppingList": {"data": {"type": "shoppinglists", "id": list_id}},
                "product": {"data": {"type": "products", "id": "2"}},
                "unit": {"data": {"type": "productunits", "id": "item"}},
            },
        }
    }
    data(call(store, "POST", "/shoppinglistitems", guest, item), 201)
    who = 9
    signed_in = store.http.post(
        "/oauth2-token",
        json={
            "grant_type": "password",
            **CLIENT,
            "username": store.email(who),
            "password": CUSTOMER_PASSWORD,
            "visitor_access_token": guest,
        },
    )
    token = signed_in.json()["access_token"]
    checkout = data(call(store, "POST", f"/shoppinglists/{list_id}/checkout", token), 201)
    checkout_id = checkout["id"]
    (line,) = data(call(store, "GET", f"/checkouts/{checkout_id}/lineItems", token))
    assert line["attributes"]["quantity"] == 3
    data(call(store, "PATCH", f"/checkouts/{checkout_id}", token, address_body(checkout_id, "9")))
    data(call(store, "PATCH", f"/checkouts/{checkout_id}", token, methods(checkout_id)))
    order = data(call(store, "POST", f"/checkouts/{checkout_id}/paymentPaymentTerm", token))
    listed = back_office_order(store, order["id"])
    assert listed["relationships"]["customer"]["data"]["id"] == "5"  # customer user 9's
    lines = store.http.get(
        f"/api/orders/{order['id']}/lineItems",
        headers={"Authorization": f"Bearer {back_office_token(store)}"},
    )
    assert [x["attributes"]["quantity"] for x in data(lines)] == [3]


# --- documentation -------------------------------------------------------------------------------


def test_the_openapi_document_describes_the_sub_resources(store: Storefront) -> None:
    paths = store.http.get(f"{SF}/doc/openapi.json").json()["paths"]
    methods_of = {
        path.removeprefix(SF): sorted(m for m in item if m != "parameters")
        for path, item in paths.items()
    }
    assert methods_of["/shoppinglists/{id}/checkout"] == ["post"]
    assert methods_of["/checkouts/{id}/payment"] == ["get"]
    assert methods_of["/checkouts/{id}/paymentPaymentTerm"] == ["post"]
    assert methods_of["/checkouts/{id}/coupons"] == ["delete", "post"]
    for name in ("BillingAddresses", "ShippingAddresses", "ShippingMethods", "PaymentMethods"):
        assert methods_of[f"/checkouts/{{id}}/available{name}"] == ["get"]
    pay = paths[f"{SF}/checkouts/{{id}}/paymentPayPalExpress"]["post"]
    assert "Oro action: `add_subresource`" in pay["description"]
    example = pay["requestBody"]["content"][JSON_API]["example"]
    assert set(example["meta"]) == {"successUrl", "failureUrl"}


def test_the_documentation_page_lists_the_sub_resources(store: Storefront) -> None:
    page = store.http.get(f"{SF}/doc/rest_json_api/checkouts")
    assert page.status_code == 200
    for path in ("/checkouts/{id}/payment", "/checkouts/{id}/paymentPaymentTerm", "/coupons"):
        assert path in page.text
    assert (
        "/shoppinglists/{id}/checkout"
        in store.http.get(f"{SF}/doc/rest_json_api/shoppinglists").text
    )


# --- coupons -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "meta", "title", "detail"),
    [
        pytest.param(
            "POST",
            {"couponCode": "NO-SUCH-CODE"},
            "coupon constraint",
            "Invalid coupon code, please try another",
            id="unknown-code",
        ),
        pytest.param(
            "POST", {}, "not blank constraint", "This value should not be blank.", id="no-code"
        ),
        pytest.param(
            "POST",
            {"couponCode": 25},
            "not blank constraint",
            "This value should not be blank.",
            id="not-a-string",
        ),
        pytest.param(
            "DELETE",
            {"couponCode": "SALE25"},
            "coupon constraint",
            "This coupon is not applied to the checkout.",
            id="remove-not-applied",
        ),
    ],
)
def test_bad_coupon_requests_change_nothing(
    store: Storefront, method: str, meta: dict[str, Any], title: str, detail: str
) -> None:
    before = data(call(store, "GET", "/checkouts/1", 1))["attributes"]
    (error,) = errors(call(store, method, "/checkouts/1/coupons", 1, {"meta": meta}))
    assert (error["title"], error["detail"], error["source"]) == (
        title,
        detail,
        {"pointer": "/meta/couponCode"},
    )
    assert data(call(store, "GET", "/checkouts/1", 1))["attributes"] == before


def amounts(checkout: dict[str, Any]) -> dict[str, float]:
    return {t["subtotalType"]: float(t["amount"]) for t in checkout["attributes"]["totals"]}


def test_a_coupon_gives_its_discount_and_the_order_keeps_it(store: Storefront) -> None:
    who = 11
    checkout_id = ready_checkout(store, who)
    # the reference's example, word for word
    body = {"meta": {"couponCode": "SALE25"}}
    applied = data(call(store, "POST", f"/checkouts/{checkout_id}/coupons", who, body))
    assert applied["attributes"]["coupons"] == [
        {"couponCode": "SALE25", "description": "25% off the order"}
    ]
    totals = amounts(applied)
    assert totals["discount"] == pytest.approx(-round(totals["subtotal"] * 0.25, 4))
    total = float(applied["attributes"]["totalValue"])
    assert total == pytest.approx(totals["subtotal"] + totals["shipping_cost"] + totals["discount"])
    (again,) = errors(call(store, "POST", f"/checkouts/{checkout_id}/coupons", who, body))
    assert (again["title"], again["detail"]) == (
        "coupon constraint",
        "This coupon has been already added",
    )
    removed = data(call(store, "DELETE", f"/checkouts/{checkout_id}/coupons", who, body))
    assert removed["attributes"]["coupons"] == []
    assert "discount" not in amounts(removed)
    tenoff = {"meta": {"couponCode": "tenoff"}}  # any case
    data(call(store, "POST", f"/checkouts/{checkout_id}/coupons", who, tenoff))
    order = data(call(store, "POST", f"/checkouts/{checkout_id}/paymentPaymentTerm", who))
    expected = totals["subtotal"] + totals["shipping_cost"] - 10
    assert float(order["attributes"]["totalValue"]) == pytest.approx(expected)
    assert float(back_office_order(store, order["id"])["attributes"]["totalValue"]) == (
        pytest.approx(expected)
    )


@pytest.mark.parametrize(
    ("who", "code", "detail"),
    [
        pytest.param(13, "SUMMER2025", "Coupon is expired", id="expired"),
        pytest.param(13, "NEXTYEAR", "Coupon start date has not begun", id="not-started"),
        pytest.param(13, "PAUSED10", "Coupon is disabled", id="disabled"),
        pytest.param(13, "FIRST100", "Coupon usage limit is exceeded", id="used-up"),
        pytest.param(
            2, "WELCOME5", "Customer user coupon usage limit is exceeded", id="used-by-them"
        ),
        pytest.param(13, "ACME10", "Invalid coupon code, please try another", id="other-org"),
    ],
)
def test_coupons_that_do_not_apply(store: Storefront, who: int, code: str, detail: str) -> None:
    checkout_id = data(
        call(store, "POST", "/checkouts", who, {"data": {"type": "checkouts"}}), 201
    )["id"]
    body = {"meta": {"couponCode": code}}
    (error,) = errors(call(store, "POST", f"/checkouts/{checkout_id}/coupons", who, body))
    assert (error["title"], error["detail"]) == ("coupon constraint", detail)
    after = data(call(store, "GET", f"/checkouts/{checkout_id}", who))["attributes"]
    assert after["coupons"] == []
