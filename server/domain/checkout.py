"""The storefront's Checkout API (OroCommerce's CheckoutBundle ``api_frontend.yml``), as the
simplified flow of the reference's §18 and §21: a customer user's checkout, made empty, from a
shopping list or from an order, given addresses, a shipping and a payment method, checked for
readiness and paid — with Oro's payment term, or with a fake "redirect" method in the place of
PayPal Express (``oro_paypal_express_1``: the payer approves or declines on a sandbox page) —
which makes an order (the back-office's ``order`` table) and completes the checkout.

What the sandbox simplifies:

- the shipping type is always ``checkout`` (one shipping method for the whole checkout; no line
  item groups); the methods are fixed (:data:`SHIPPING_METHODS`, :data:`PAYMENT_METHODS`) and
  offered once the checkout has a shipping (a billing) address, as Oro's rules by destination;
- amounts are in the request's currency (X-Currency; by default the website's), a line item's
  price its product's price in it (as a shopping list item's value); a shipping cost is the same
  number in every currency;
- ``totals``: the subtotal, the shipping cost once a method is chosen, the discount of applied
  coupons (a negative amount); ``totalValue`` = subtotal + shipping − discount; no taxes;
- a checkout address is an address of its own, or names a customer (user) address it stands for
  (``customerAddress``/``customerUserAddress``; its fields are not copied);
- guest checkout (``Settings.storefront_guest_checkout``, Oro's "Enable Guest Checkout"): a
  visitor's checkout is theirs (``visitor_owned``: no customer user until paid), started from
  their shopping list only; it needs an ``email`` (Oro takes it as the guest's customer user
  data), and paying makes the guest customer user (and a customer) the order belongs to.


This module declares the resources; the methods are in ``server.domain.checkout_methods``, the
amounts (computed in SQL) in ``server.domain.checkout_totals``, readiness in
``server.domain.checkout_readiness``, the sub-resources in ``server.domain.checkout_subresources``;
the actions that serve them are in ``server.actions.checkout``, ``server.actions.payment`` and
``server.actions.coupons``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from server.domain.addresses import address_attributes
from server.domain.checkout_methods import PAYMENT_METHOD, SHIPPING_METHODS
from server.domain.checkout_subresources import CHECKOUT_SUBRESOURCES
from server.domain.checkout_totals import (
    COUPONS,
    TOTALS,
    checkout_coupons,
    checkout_shipping,
    checkout_total,
    checkout_totals,
    line_subtotal,
    sql_text,
    stored_flag,
)
from server.domain.resources import CREATED, UPDATED
from server.domain.shopping_lists import item_value
from server.metadata import types as t
from server.metadata.model import Attribute as A
from server.metadata.model import Relationship as R
from server.metadata.model import Resource, SubResource
from server.metadata.rules import GreaterThanZero, Length, OneOf

__all__ = ["CHECKOUT_RESOURCES", "with_checkout_start"]

IGNORED = ("create", "update")  # Oro's ``form_options: {mapped: false}``: output only


# --- the resources -------------------------------------------------------------------------------

START_CHECKOUT = SubResource(
    "checkout",
    (("POST", "checkout_start"),),
    "Start a checkout with this record's items (the customer user's open checkout of it when"
    " there is one).",
    returns="checkouts",
)


def with_checkout_start(resource: Resource) -> Resource:
    """Shopping lists and orders start checkouts (``POST /shoppinglists/1/checkout``)."""
    if resource.type not in ("shoppinglists", "orders"):
        return resource
    return replace(resource, subresources=(*resource.subresources, START_CHECKOUT))


def _string(name: str, description: str, *rules: Any) -> A:
    return A(name, t.STRING, description, rules=(Length(max=255), *rules))


SHIPPING_IDS = tuple(m.id for m in SHIPPING_METHODS)
SHIPPING_TYPE_IDS = tuple(dict.fromkeys(k.id for m in SHIPPING_METHODS for k in m.types))
ITEM_ACTIONS = frozenset({"get", "get_list", "create", "update", "delete", "get_subresource"})
CHECKOUT_ACTIONS = frozenset(
    {"get", "get_list", "create", "update", "delete", "delete_list", "get_subresource"}
    | {"get_relationship"}
)
ADDRESS_ACTIONS = frozenset({"get", "create", "update", "get_subresource", "get_relationship"})


def _read_only(name: str, type_: t.DataType, description: str, **options: Any) -> A:
    return A(name, type_, description, ignored_on=IGNORED, filterable=False, **options)


CHECKOUT_RESOURCES = (
    Resource(
        "checkouts",
        "checkout",
        "A checkout of a customer user: the items they are buying, where to, how it is shipped"
        " and paid. Start one from a shopping list (POST /shoppinglists/{id}/checkout), an order"
        " (POST /orders/{id}/checkout) or empty; set addresses and methods; check GET"
        " /checkouts/{id}/payment; pay (POST /checkouts/{id}/paymentPaymentTerm): the order."
        " Amounts are in the request's currency.",
        (
            _string("poNumber", "The customer's purchase order number."),
            A("customerNotes", t.TEXT, "Notes for the seller."),
            A("shipUntil", t.DATE, "Do not ship later than this date."),
            _string(
                "email",
                "The buyer's email: required to pay a guest's checkout (the guest customer user"
                " the order is placed for gets it).",
            ),
            _read_only(
                "currency", t.CURRENCY, "The currency of the amounts.", request_currency=True
            ),
            _string(
                "shippingMethod",
                "The shipping method (an id of availableShippingMethods).",
                OneOf(
                    SHIPPING_IDS,
                    "shipping method is valid constraint",
                    "The selected shipping method is not available.",
                ),
            ),
            _string(
                "shippingMethodType",
                "The type of the shipping method (an id of its types).",
                OneOf(
                    SHIPPING_TYPE_IDS,
                    "shipping method is valid constraint",
                    "The selected shipping method type is not available.",
                ),
            ),
            _string(
                "paymentMethod",
                "The payment method (an id of availablePaymentMethods).",
                OneOf(
                    tuple(PAYMENT_METHOD),
                    "payment method is applicable constraint",
                    "The selected payment method is not available.",
                ),
            ),
            _read_only(
                "shippingType",
                t.STRING,
                "Where a shipping method is set: always checkout in the sandbox (Oro also has"
                " line_item_group and line_item).",
                computed=lambda tables, priced, table: sql_text("checkout"),
            ),
            _read_only(
                "shippingEstimateAmount",
                t.MONEY,
                "The cost of the chosen shipping method; null until one is chosen.",
                computed=checkout_shipping,
            ),
            _read_only(
                "totalValue",
                t.MONEY,
                "The total: the line items' costs plus shipping, minus discounts.",
                computed=checkout_total,
            ),
            _read_only(
                "totals",
                TOTALS,
                "The subtotals: subtotalType (subtotal, shipping_cost, discount), description"
                " and amount (negative for a discount).",
                computed=checkout_totals,
            ),
            _read_only(
                "completed",
                t.BOOLEAN,
                "Whether the checkout is paid: its order is made.",
                computed=stored_flag("completed"),
            ),
            _read_only(
                "paymentInProgress",
                t.BOOLEAN,
                "Whether a payment waits for the payer (the redirect method).",
                computed=stored_flag("payment_in_progress"),
            ),
            _read_only(
                "coupons",
                COUPONS,
                "The applied coupons: couponCode and description (POST and DELETE"
                " /checkouts/{id}/coupons change them).",
                computed=checkout_coupons,
            ),
            CREATED,
            UPDATED,
        ),
        (
            R(
                "lineItems",
                "checkoutlineitems",
                many=True,
                inverse="checkout",
                read_only=True,
                description="The line items (each names its checkout).",
            ),
            R(
                "billingAddress",
                "checkoutaddresses",
                on_delete="set null",
                description="The billing address.",
            ),
            R(
                "shippingAddress",
                "checkoutaddresses",
                on_delete="set null",
                description="The shipping address.",
            ),
            R(
                "customerUser",
                "customerusers",
                default="user",
                on_delete="set null",
                description="The customer user of the checkout.",
            ),
            R(
                "customer",
                "customers",
                default="business_unit",
                on_delete="set null",
                description="The customer of the checkout.",
            ),
            R(
                "source",
                "shoppinglists",
                read_only=True,
                on_delete="set null",
                description="The shopping list the checkout was started from.",
            ),
            R(
                "order",
                "orders",
                read_only=True,
                on_delete="set null",
                description="The order the checkout made, once paid.",
            ),
        ),
        actions=CHECKOUT_ACTIONS,
        ownership="customer_user",
        visitor_owned=True,  # guest checkout
        upsert_enabled=False,
        subresources=CHECKOUT_SUBRESOURCES,
        internal_columns=(
            ("completed", t.BOOLEAN),
            ("payment_in_progress", t.BOOLEAN),
            ("coupon_list", t.JSON),  # the applied coupons: couponCode, description
            ("discount_percent", t.FLOAT),
            ("discount_amount", t.MONEY),
            ("payment_status", t.STRING),  # the redirect method's: pending, approved, declined
            ("payment_token", t.STRING),  # names the checkout on the sandbox payment page
            ("payment_return", t.JSON),  # its success and failure URLs
        ),
    ),
    Resource(
        "checkoutlineitems",
        "checkout_line_item",
        "A line item of a checkout: a quantity of a product in a unit, at its price in the"
        " request's currency.",
        (
            A(
                "quantity",
                t.FLOAT,
                "The quantity.",
                required=True,
                rules=(GreaterThanZero(),),
                sortable=True,
            ),
            A("comment", t.TEXT, "A note on the line item."),
            _read_only(
                "price",
                t.MONEY,
                "The price of one unit; null when the product has none in the currency.",
                computed=item_value,
            ),
            _read_only("currency", t.CURRENCY, "The currency of the price.", request_currency=True),
            _read_only(
                "subTotal", t.MONEY, "The quantity times the price.", computed=line_subtotal
            ),
            CREATED,
            UPDATED,
        ),
        (
            R(
                "checkout",
                "checkouts",
                required=True,
                on_delete="cascade",
                description="The checkout of the line item.",
            ),
            R(
                "product",
                "products",
                required=True,
                on_delete="cascade",
                description="The product.",
            ),
            R(
                "productUnit",
                "productunits",
                required=True,
                on_delete="cascade",
                description="The unit.",
            ),
        ),
        actions=ITEM_ACTIONS,
        ownership="parent",
        acl_parent="checkout",
        upsert_enabled=False,
    ),
    Resource(
        "checkoutaddresses",
        "checkout_address",
        "A billing or shipping address of a checkout: its own fields, or a customer (user)"
        " address it stands for (customerAddress, customerUserAddress).",
        (
            *address_attributes(rules=(Length(max=255),)),
            CREATED,
            UPDATED,
        ),
        (
            R("country", "countries", on_delete="set null", description="The country."),
            R("region", "regions", on_delete="set null", description="The region."),
            R(
                "customerAddress",
                "customeraddresses",
                on_delete="set null",
                description="The customer address it stands for.",
            ),
            R(
                "customerUserAddress",
                "customeruseraddresses",
                on_delete="set null",
                description="The customer user address it stands for.",
            ),
            R(
                "customerUser",
                "customerusers",
                default="user",
                on_delete="set null",
                description="The customer user who entered it.",
            ),
            R(
                "customer",
                "customers",
                default="business_unit",
                on_delete="set null",
                description="The customer of that customer user.",
            ),
        ),
        actions=ADDRESS_ACTIONS,
        title="{label}",
        ownership="customer_user",
        visitor_owned=True,  # guest checkout
        upsert_enabled=False,
    ),
)
