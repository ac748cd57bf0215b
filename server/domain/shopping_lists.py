"""The storefront's shopping lists (OroCommerce's ShoppingListBundle ``api_frontend.yml``): a
customer user's lists and their items, the first storefront resources a caller writes; with guest
shopping lists on (``Settings.storefront_guest_shopping_lists``), a visitor's too (their
``visitor_id``; no customer user nor customer), moved to the customer user who signs in with the
visitor's token (``server.auth.visitors``).

The simplified model: an item's ``value`` is its product's price in the request's currency
(X-Currency), a list's ``subTotal`` the sum of its items' quantity × value (items without a price
in that currency count nothing) and its ``total`` the same (no discounts, taxes or shipping here).
A customer user's default list is their first one (Oro: the one marked current; the sandbox does
not serve switching it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from server.domain.resources import CREATED, UPDATED
from server.metadata import types as t
from server.metadata.model import VISITOR_COLUMN, Resource
from server.metadata.model import Attribute as A
from server.metadata.model import Relationship as R
from server.metadata.rules import GreaterThanZero, Length
from server.storage.operands import bind

__all__ = ["SHOPPING_LIST_RESOURCES"]

IGNORED = ("create", "update")  # Oro's ``form_options: {mapped: false}``: output only
ITEM_ACTIONS = frozenset({"get", "get_list", "create", "update", "delete", "delete_list"})
LIST_ACTIONS = frozenset(
    {"get", "get_list", "create", "update", "delete", "delete_list", "get_subresource"}
    | {"get_relationship"}
)


ZERO: sa.ColumnElement[Any] = sa.literal_column(
    "0"
)  # (a literal, not a bind: statements are compiled once per shape)


def _price(priced: Mapping[Any, Any], product: Any) -> sa.ColumnElement[Any]:
    prices = priced[("products", "price")]
    return (
        sa.select(prices.c.value)
        .where(prices.c.owner_id == product, prices.c.currency == bind("cur"))
        .scalar_subquery()
    )


def item_value(
    tables: Mapping[str, Any], priced: Mapping[Any, Any], table: Any
) -> sa.ColumnElement[Any]:
    """The price of one unit of the item's product in the request's currency."""
    return _price(priced, table.c.product_id)


def items_subtotal(
    priced: Mapping[Any, Any], items: Any, parent: str, table: Any
) -> sa.ColumnElement[Any]:
    """The sum of the quantity × price of the ``items`` whose ``parent`` column is the row's
    id, each rounded to the stored 1/10000 (an item without a price counts nothing)."""
    items = items.alias()
    amount = sa.func.coalesce(_price(priced, items.c.product_id), ZERO) * items.c.quantity
    total = sa.func.coalesce(sa.func.sum(sa.func.round(amount)), ZERO)
    return (
        sa.select(sa.cast(total, sa.BigInteger()))
        .where(items.c[parent] == table.c.id)
        .scalar_subquery()
    )


def list_subtotal(
    tables: Mapping[str, Any], priced: Mapping[Any, Any], table: Any
) -> sa.ColumnElement[Any]:
    """The sum of the list's items' quantity × price."""
    return items_subtotal(priced, tables["shoppinglistitems"], "shopping_list_id", table)


def list_default(
    tables: Mapping[str, Any], priced: Mapping[Any, Any], table: Any
) -> sa.ColumnElement[Any]:
    """Whether the list is its owner's first one (its customer user's, or its visitor's)."""
    lists = tables["shoppinglists"].alias()
    first = (
        sa.select(sa.func.min(lists.c.id))
        .where(
            lists.c.customer_user_id.is_not_distinct_from(table.c.customer_user_id),
            lists.c[VISITOR_COLUMN].is_not_distinct_from(table.c[VISITOR_COLUMN]),
        )
        .scalar_subquery()
    )
    return sa.case((table.c.id == first, sa.true()), else_=sa.false())


SHOPPING_LIST_RESOURCES = (
    Resource(
        "productunits",
        "product_unit",
        "A unit a product is sold in (item, set…).",
        (A("defaultPrecision", t.INTEGER, "The number of decimal digits of a quantity."),),
        id_type=t.STRING,
        id_generated=False,
        actions=frozenset({"get", "get_list"}),
        title="{id}",
    ),
    Resource(
        "shoppinglists",
        "shopping_list",
        "A shopping list of a customer user, or of a visitor when the website allows guest"
        " shopping lists (then without a customer user or customer; signing in with"
        " visitor_access_token moves it to the customer user): products they mean to buy. Its"
        " totals are in the request's currency (X-Currency; by default the website's).",
        (
            A(
                "name",
                t.STRING,
                "The name of the shopping list.",
                required=True,
                sortable=True,
                rules=(Length(max=255),),
            ),
            A("notes", t.TEXT, "Notes about the shopping list."),
            A(
                "default",
                t.BOOLEAN,
                "Whether it is the customer user's default shopping list (their first one).",
                computed=list_default,
                ignored_on=IGNORED,
                filterable=False,
            ),
            A(
                "currency",
                t.CURRENCY,
                "The currency of the totals.",
                request_currency=True,
                ignored_on=IGNORED,
                filterable=False,
            ),
            A(
                "total",
                t.MONEY,
                "The total of the shopping list (the sandbox has no discounts: the subtotal).",
                computed=list_subtotal,
                ignored_on=IGNORED,
                filterable=False,
            ),
            A(
                "subTotal",
                t.MONEY,
                "The sum of the items' quantity times their price.",
                computed=list_subtotal,
                ignored_on=IGNORED,
                filterable=False,
            ),
            CREATED,
            UPDATED,
        ),
        (
            R(
                "items",
                "shoppinglistitems",
                many=True,
                inverse="shoppingList",
                read_only=True,
                description="The items of the shopping list.",
            ),
            R(
                "customerUser",
                "customerusers",
                default="user",
                on_delete="set null",
                description="The customer user the shopping list belongs to.",
            ),
            R(
                "customer",
                "customers",
                default="business_unit",
                on_delete="set null",
                description="The customer the shopping list belongs to.",
            ),
        ),
        actions=LIST_ACTIONS,
        title="{name}",
        ownership="customer_user",
        visitor_owned=True,  # guest shopping lists
        upsert_enabled=False,
    ),
    Resource(
        "shoppinglistitems",
        "shopping_list_item",
        "An item of a shopping list: a quantity of a product in a unit.",
        (
            A(
                "quantity",
                t.FLOAT,
                "The quantity of the product.",
                required=True,
                rules=(GreaterThanZero(),),
                sortable=True,
            ),
            A("notes", t.TEXT, "Notes about the item."),
            A(
                "currency",
                t.CURRENCY,
                "The currency of the value.",
                request_currency=True,
                ignored_on=IGNORED,
                filterable=False,
            ),
            A(
                "value",
                t.MONEY,
                "The price of one unit of the product; null when it has none in the currency.",
                computed=item_value,
                ignored_on=IGNORED,
                filterable=False,
            ),
            CREATED,
            UPDATED,
        ),
        (
            R(
                "shoppingList",
                "shoppinglists",
                required=True,
                on_delete="cascade",
                description="The shopping list of the item.",
            ),
            R(
                "product",
                "products",
                required=True,
                on_delete="cascade",
                description="The product.",
            ),
            R(
                "unit",
                "productunits",
                required=True,
                on_delete="cascade",
                description="The unit of the quantity.",
            ),
        ),
        actions=ITEM_ACTIONS,
        title="{id}",
        ownership="parent",
        acl_parent="shoppingList",
        upsert_enabled=False,
    ),
)
