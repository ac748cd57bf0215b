"""The storefront's orders (OroCommerce's OrderBundle ``api_frontend.yml``): a customer user's
orders, their line items and their addresses, as the buyer sees them.

They are the back-office's records (tables ``order`` and ``order_line_item``): an order placed
on the storefront appears in the back-office ``orders`` list and the reverse. A buyer sees the
orders they placed (the order's ``customerUser``), a customer administrator those of every
customer user of their customer (Oro's frontend ownership: Basic and Local).

Simplified: read-only (Oro's storefront also creates an order from a document; here orders come
from the checkout), no discounts, shipping trackings, payment or shipping method fields; a line
item's ``price`` is its stored unit price (Oro's ``value``). An order's billing and shipping
address (``orderaddresses``, a storefront table; the back-office's ``order`` keeps their ids) are
copied from the checkout's when it is paid; each names its order (``order``, the sandbox's: Oro
reaches an order address through the order that holds it), which decides who sees it.
"""

from __future__ import annotations

from server.domain.addresses import address_attributes
from server.domain.resources import CREATED, ORDER_LINE_RELATIONSHIPS, READ_ONLY, UPDATED
from server.metadata import types as t
from server.metadata.model import Attribute as A
from server.metadata.model import Relationship as R
from server.metadata.model import Resource

__all__ = ["STOREFRONT_ORDER_RESOURCES"]

STOREFRONT_ORDER_RESOURCES = (
    Resource(
        "orders",
        "order",
        "An order placed by a customer user: what they bought, at which prices. Orders are"
        " created by the checkout; they are read-only here.",
        (
            A(
                "identifier",
                t.STRING,
                "The order number.",
                sortable=True,
                extra_operators=("starts_with",),
            ),
            A("poNumber", t.STRING, "The customer's purchase order number.", sortable=True),
            A("customerNotes", t.TEXT, "Notes the customer user left with the order."),
            A("shipUntil", t.DATE, "Do not ship later than this date.", sortable=True),
            A("currency", t.CURRENCY, "The currency of the amounts."),
            A("subtotalValue", t.MONEY, "The sum of the line items.", sortable=True),
            A("totalValue", t.MONEY, "The total amount to pay.", sortable=True),
            CREATED,
            UPDATED,
        ),
        (
            R(
                "lineItems",
                "orderlineitems",
                many=True,
                inverse="order",
                read_only=True,
                description="The line items of the order.",
            ),
            R(
                "customerUser",
                "customerusers",
                description="The customer user who placed the order.",
                on_delete="set null",  # (as the back-office's: one column, one rule)
            ),
            R("customer", "customers", description="The customer of the order.", required=True),
            R("status", "orderstatuses", description="The order status.", sortable=True),
            R(
                "billingAddress",
                "orderaddresses",
                read_only=True,
                on_delete="set null",
                description="The billing address (copied from the checkout's).",
            ),
            R(
                "shippingAddress",
                "orderaddresses",
                read_only=True,
                on_delete="set null",
                description="The shipping address (copied from the checkout's).",
            ),
        ),
        actions=READ_ONLY,
        title="{identifier}",
        ownership="customer_user",
    ),
    Resource(
        "orderlineitems",
        "order_line_item",
        "A line of an order: a quantity of a product at a price.",
        (
            A("productSku", t.STRING, "The SKU of the ordered product.", sortable=True),
            A("productName", t.STRING, "The name of the product when ordered."),
            A("quantity", t.FLOAT, "The ordered quantity.", sortable=True),
            A("productUnitCode", t.STRING, "The unit of the quantity, e.g. item."),
            A(
                "price",
                t.MONEY,
                "The price of one unit of the product.",
                sortable=True,
                column_name="value",
            ),
            A("currency", t.CURRENCY, "The currency of the price."),
            A("comment", t.TEXT, "A note on the line."),
        ),
        ORDER_LINE_RELATIONSHIPS,
        actions=READ_ONLY,
        title="{productSku}",
        ownership="parent",
        acl_parent="order",
    ),
    Resource(
        "orderaddresses",
        "order_address",
        "A billing or shipping address of an order, copied from the checkout's when it was paid.",
        (
            *address_attributes(),
            CREATED,
            UPDATED,
        ),
        (
            R("country", "countries", on_delete="set null", description="The country."),
            R("region", "regions", on_delete="set null", description="The region."),
            R(
                "order",
                "orders",
                required=True,
                on_delete="cascade",
                description="The order of the address (the sandbox's: who sees it).",
            ),
        ),
        actions=READ_ONLY,
        title="{label}",
        ownership="parent",
        acl_parent="order",
    ),
)
