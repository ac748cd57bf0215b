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
  (``customerAddress``/``customerUserAddress``; its fields are not copied).

This module declares the resources and the pure parts (methods, totals, readiness); the actions
that serve the sub-resources are in ``server.actions.checkout``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import orjson
import sqlalchemy as sa

from server.domain.resources import CREATED, UPDATED
from server.domain.shopping_lists import item_value
from server.metadata import types as t
from server.metadata.model import Attribute as A
from server.metadata.model import Relationship as R
from server.metadata.model import Resource, SubResource
from server.metadata.rules import GreaterThanZero, Length, OneOf

__all__ = [
    "CHECKOUT_RESOURCES",
    "PAYMENT_METHODS",
    "SHIPPING_METHODS",
    "readiness_errors",
    "with_checkout_start",
]

IGNORED = ("create", "update")  # Oro's ``form_options: {mapped: false}``: output only


# --- the methods -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShippingType:
    id: str
    label: str
    cost: int  # in 1/10000 of the checkout's currency, per checkout


@dataclass(frozen=True)
class ShippingMethod:
    id: str
    label: str
    types: tuple[ShippingType, ...]


@dataclass(frozen=True)
class PaymentMethod:
    id: str
    label: str
    subresource: str  # the sub-resource that pays with it, e.g. paymentPaymentTerm
    options: Mapping[str, Any]
    redirect: bool = False  # the payer approves on the provider's page first


SHIPPING_METHODS = (
    ShippingMethod("flat_rate_6", "Flat Rate", (ShippingType("primary", "Flat Rate", 100_000),)),
    ShippingMethod(
        "ups_3",
        "UPS",
        (
            ShippingType("03", "UPS Ground", 150_000),
            ShippingType("02", "UPS 2nd Day Air", 300_000),
        ),
    ),
)
PAYMENT_TERM, REDIRECT = "payment_term_1", "oro_paypal_express_1"
PAYMENT_METHODS = (
    PaymentMethod(PAYMENT_TERM, "Payment Term", "paymentPaymentTerm", {"paymentTerm": "net 30"}),
    PaymentMethod(
        REDIRECT,
        "PayPal Express (sandbox)",
        "paymentPayPalExpress",
        {"sandbox": True},
        redirect=True,
    ),
)
PAYMENT_METHOD = {m.id: m for m in PAYMENT_METHODS}
PAYMENT_SUBRESOURCES = frozenset(m.subresource for m in PAYMENT_METHODS)


def shipping_cost(method: str | None, type_: str | None) -> int | None:
    """The cost of a shipping method's type (None: not one of them)."""
    for shipping in SHIPPING_METHODS:
        for kind in shipping.types:
            if shipping.id == method and kind.id == type_:
                return kind.cost
    return None


# --- totals, in SQL ------------------------------------------------------------------------------

ZERO: sa.ColumnElement[Any] = sa.literal_column("0")  # literals: statements are compiled once


def _text(value: str) -> sa.ColumnElement[Any]:
    return sa.literal_column("'" + value.replace("'", "''") + "'")


def line_subtotal(
    tables: Mapping[str, Any], priced: Mapping[Any, Any], table: Any
) -> sa.ColumnElement[Any]:
    """A line item's quantity × price, rounded to the stored 1/10000 (null without a price)."""
    amount = item_value(tables, priced, table) * table.c.quantity
    return sa.cast(sa.func.round(amount), sa.BigInteger())


def checkout_subtotal(
    tables: Mapping[str, Any], priced: Mapping[Any, Any], table: Any
) -> sa.ColumnElement[Any]:
    """The sum of the line items' subtotals (items without a price count nothing)."""
    items = tables["checkoutlineitems"].alias()
    amount = sa.func.coalesce(item_value(tables, priced, items), ZERO) * items.c.quantity
    total = sa.func.coalesce(sa.func.sum(sa.func.round(amount)), ZERO)
    return (
        sa.select(sa.cast(total, sa.BigInteger()))
        .where(items.c.checkout_id == table.c.id)
        .scalar_subquery()
    )


def checkout_shipping(
    tables: Mapping[str, Any], priced: Mapping[Any, Any], table: Any
) -> sa.ColumnElement[Any]:
    """The cost of the chosen shipping method and type; null until one is chosen."""
    cases: list[tuple[Any, Any]] = [
        (
            sa.and_(
                table.c.shipping_method == _text(method.id),
                table.c.shipping_method_type == _text(kind.id),
            ),
            sa.literal_column(str(kind.cost)),
        )
        for method in SHIPPING_METHODS
        for kind in method.types
    ]
    return sa.cast(sa.case(*cases, else_=sa.null()), sa.BigInteger())


def checkout_discount(
    tables: Mapping[str, Any], priced: Mapping[Any, Any], table: Any
) -> sa.ColumnElement[Any]:
    """The applied coupons' discount: a share of the subtotal plus a fixed amount, at most the
    subtotal (the share and amount are kept on the checkout when coupons change)."""
    subtotal = checkout_subtotal(tables, priced, table)
    share = sa.func.round(subtotal * sa.func.coalesce(table.c.discount_percent, ZERO))
    discount = sa.cast(share, sa.BigInteger()) + sa.func.coalesce(table.c.discount_amount, ZERO)
    return sa.case((discount > subtotal, subtotal), else_=discount)


def checkout_total(
    tables: Mapping[str, Any], priced: Mapping[Any, Any], table: Any
) -> sa.ColumnElement[Any]:
    """Subtotal + shipping − discount."""
    subtotal = checkout_subtotal(tables, priced, table)
    shipping = sa.func.coalesce(checkout_shipping(tables, priced, table), ZERO)
    return subtotal + shipping - checkout_discount(tables, priced, table)


def checkout_totals(
    tables: Mapping[str, Any], priced: Mapping[Any, Any], table: Any
) -> sa.ColumnElement[Any]:
    """``subtotal;shipping;discount`` (shipping empty until chosen), read by :data:`TOTALS`."""
    text = sa.String()
    shipping = sa.func.coalesce(
        sa.cast(checkout_shipping(tables, priced, table), text), sa.literal_column("''")
    )
    return (
        sa.cast(checkout_subtotal(tables, priced, table), text)
        + sa.literal_column("';'")
        + shipping
        + sa.literal_column("';'")
        + sa.cast(checkout_discount(tables, priced, table), text)
    )


def _flag(column: str) -> Any:
    """A flag kept in an internal column (written by the payment actions only): false until
    set."""

    def flag(tables: Mapping[str, Any], priced: Mapping[Any, Any], table: Any) -> Any:
        return sa.func.coalesce(table.c[column], sa.false())

    return flag


def totals_of(subtotal: int, shipping: int | None, discount: int) -> list[dict[str, str]]:
    """Oro's ``totals``: each subtotal's type, description and signed amount."""
    money = t.MONEY.to_wire
    totals = [{"subtotalType": "subtotal", "description": "Subtotal", "amount": money(subtotal)}]
    if shipping is not None:
        totals.append(
            {"subtotalType": "shipping_cost", "description": "Shipping", "amount": money(shipping)}
        )
    if discount:
        totals.append(
            {"subtotalType": "discount", "description": "Discount", "amount": money(-discount)}
        )
    return totals


def _totals_from_db(value: Any) -> list[dict[str, str]]:
    subtotal, shipping, discount = str(value).split(";")
    return totals_of(int(subtotal), int(shipping) if shipping else None, int(discount or 0))


def _output_only(value: Any) -> Any:  # (never called: the fields are ignored on input)
    raise t.InvalidValue("This value is read-only.")


def _no_filter(text: str) -> Any:
    raise t.InvalidValue("This field has no filter.")


def _objects(properties: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "type": "array",
        "items": {"type": "object", "properties": dict(properties)},
    }


TOTALS = t.DataType(
    "objects",
    "array",
    sa.Text,
    _output_only,
    _no_filter,
    None,
    (),
    allow_list=False,
    openapi=_objects(
        {
            "subtotalType": {
                "type": "string",
                "enum": ["subtotal", "shipping_cost", "tax", "discount"],
            },
            "description": {"type": "string"},
            "amount": {"type": "string", "format": "money"},
        }
    ),
    from_db=_totals_from_db,
)
COUPONS = replace(
    TOTALS,
    openapi=_objects({"couponCode": {"type": "string"}, "description": {"type": "string"}}),
    from_db=lambda value: _coupons_from_db(value),
)


def _coupons_from_db(value: Any) -> list[dict[str, Any]]:
    """The applied coupons as Oro shows them (the discount each gives stays inside)."""
    applied = orjson.loads(value) if isinstance(value, str | bytes) else value
    return [{"couponCode": c["couponCode"], "description": c["description"]} for c in applied]


def checkout_coupons(
    tables: Mapping[str, Any], priced: Mapping[Any, Any], table: Any
) -> sa.ColumnElement[Any]:
    """The applied coupons as JSON text (the internal ``coupon_list``; none: ``[]``)."""
    return sa.func.coalesce(sa.cast(table.c.coupon_list, sa.Text()), sa.literal_column("'[]'"))


# --- readiness -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkout:
    """What readiness and payment look at of a checkout."""

    id: int
    billing_address: int | None
    shipping_address: int | None
    shipping_method: str | None
    shipping_method_type: str | None
    payment_method: str | None
    line_items: int
    completed: bool


def readiness_errors(checkout: Checkout) -> list[dict[str, Any]]:
    """Why a checkout is not ready for payment, as Oro's ``GET /checkouts/{id}/payment`` lists
    it (an empty list: it is ready)."""
    problems: list[tuple[str, str, str]] = []
    if checkout.billing_address is None:
        problems.append(
            (
                "not blank constraint",
                "Please enter correct billing address.",
                "/data/relationships/billingAddress/data",
            )
        )
    if checkout.shipping_address is None:
        problems.append(
            (
                "not empty shipping address constraint",
                "Please enter correct shipping address.",
                "/data/relationships/shippingAddress/data",
            )
        )
    if checkout.shipping_method is None:
        problems.append(
            (
                "not blank constraint",
                "Shipping method is not selected.",
                "/data/attributes/shippingMethod",
            )
        )
    if checkout.payment_method is None:
        problems.append(
            (
                "not blank constraint",
                "Payment method is not selected.",
                "/data/attributes/paymentMethod",
            )
        )
    if checkout.line_items == 0:
        problems.append(
            (
                "count constraint",
                "This collection should contain 1 element or more.",
                "/data/relationships/lineItems/data",
            )
        )
    return [
        {"status": "400", "title": title, "detail": detail, "source": {"pointer": pointer}}
        for title, detail, pointer in problems
    ]


# --- the resources -------------------------------------------------------------------------------


def _available(name: str, what: str, action: str, shape: Mapping[str, Any]) -> SubResource:
    return SubResource(
        name,
        (("GET", action),),
        f"The {what} available for the checkout.",
        many=True,
        shape=shape,
    )


ADDRESS_SHAPE = {
    "type": "checkoutavailableaddresses",
    "attributes": {"group": {"type": "string"}, "title": {"type": "string"}},
    "relationships": {"address": ("customeraddresses", "customeruseraddresses")},
}
SHIPPING_SHAPE = {
    "type": "checkoutavailableshippingmethods",
    "attributes": {
        "label": {"type": "string"},
        "types": _objects(
            {
                "id": {"type": "string"},
                "label": {"type": "string"},
                "shippingCost": {"type": "string", "format": "money"},
                "currency": {"type": "string"},
            }
        ),
    },
}
PAYMENT_SHAPE = {
    "type": "checkoutavailablepaymentmethods",
    "attributes": {"label": {"type": "string"}, "options": {"type": "object"}},
}
PAYMENT_RESPONSE = {
    "meta": {
        "message": {"type": "string"},
        "paymentUrl": {"type": ["string", "null"]},
        "errors": {"type": "array", "items": {"type": "object"}},
    }
}

CHECKOUT_SUBRESOURCES = (
    _available(
        "availableBillingAddresses", "billing addresses", "checkout_addresses", ADDRESS_SHAPE
    ),
    _available(
        "availableShippingAddresses", "shipping addresses", "checkout_addresses", ADDRESS_SHAPE
    ),
    _available(
        "availableShippingMethods",
        "shipping methods (once it has a shipping address)",
        "checkout_shipping_methods",
        SHIPPING_SHAPE,
    ),
    _available(
        "availablePaymentMethods",
        "payment methods (once it has a billing address)",
        "checkout_payment_methods",
        PAYMENT_SHAPE,
    ),
    SubResource(
        "payment",
        (("GET", "checkout_payment"),),
        "Whether the checkout is ready for payment: a meta document with a message, the URL"
        " to pay at (paymentUrl) and, when it is not ready, the errors.",
        shape=PAYMENT_RESPONSE,
    ),
    SubResource(
        "paymentPaymentTerm",
        (("POST", "checkout_pay"),),
        "Pay with the payment term: places the order, completes the checkout and answers with"
        " the order.",
    ),
    SubResource(
        "paymentPayPalExpress",
        (("POST", "checkout_pay"),),
        "Pay with the sandbox's redirect method (oro_paypal_express_1, in the place of PayPal"
        " Express). The first request answers 400 'payment action constraint' with"
        " meta.data.purchaseRedirectUrl, the page where the payer approves or declines; the"
        " next one completes the checkout (the order) or fails.",
        request="meta",
        example={
            "meta": {
                "successUrl": "https://example.com/checkout/success",
                "failureUrl": "https://example.com/checkout/failure",
            }
        },
    ),
    SubResource(
        "coupons",
        (("POST", "checkout_coupon"), ("DELETE", "checkout_coupon")),
        "Apply (POST) or remove (DELETE) a coupon: the checkout, with its discount in totals.",
        returns="checkouts",
        request="meta",
        example={"meta": {"couponCode": "SALE25"}},
    ),
)
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
                computed=lambda tables, priced, table: _text("checkout"),
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
                computed=_flag("completed"),
            ),
            _read_only(
                "paymentInProgress",
                t.BOOLEAN,
                "Whether a payment waits for the payer (the redirect method).",
                computed=_flag("payment_in_progress"),
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
            _string("label", "The address label."),
            _string("street", "The street address."),
            _string("street2", "The second line of the street address."),
            _string("city", "The city."),
            _string("postalCode", "The ZIP or postal code."),
            _string("organization", "The company name."),
            _string("firstName", "The first name of the addressee."),
            _string("lastName", "The last name of the addressee."),
            _string("phone", "The phone number."),
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
        upsert_enabled=False,
    ),
)
