"""The storefront's orders (OroCommerce's OrderBundle ``api_frontend.yml``): a customer user's
orders and their line items, as the buyer sees them.

They are the back-office's records (tables ``order`` and ``order_line_item``): an order placed
on the storefront appears in the back-office ``orders`` list and the reverse. A buyer sees the
orders they placed (the order's ``customerUser``), a customer administrator those of every
customer user of their customer (Oro's frontend ownership: Basic and Local).

Simplified: read-only (Oro's storefront also creates an order from a document; here orders come
from the checkout), no order addresses, discounts, shipping trackings, payment or shipping
method fields; a line item's ``price`` is its stored unit price (Oro's ``value``).
"""

from __future__ import annotations

from server.domain.resources import CREATED, READ_ONLY, UPDATED
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
        (
            R(
                "order",
                "orders",
                description="The order of the line.",
                required=True,
                on_delete="cascade",
            ),
            R("product", "products", description="The ordered product.", on_delete="set null"),
        ),
        actions=READ_ONLY,
        title="{productSku}",
        ownership="parent",
        acl_parent="order",
    ),
)
