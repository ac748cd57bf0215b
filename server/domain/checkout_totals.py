"""A checkout's amounts, computed in SQL when it is read (the ``computed`` attributes of
``server.domain.checkout``), and the data types that show them: ``totals`` and ``coupons``.

Amounts are in the request's currency, in 1/10000: a line item's price is its product's price in
it (as a shopping list item's value); the shipping cost is the chosen method's, the same number in
every currency; the discount is the applied coupons' share of the subtotal plus their fixed
amount, at most the subtotal; no taxes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import orjson
import sqlalchemy as sa

from server.domain.checkout_methods import SHIPPING_METHODS
from server.domain.shopping_lists import item_value, items_subtotal
from server.metadata import types as t

__all__ = [
    "COUPONS",
    "TOTALS",
    "checkout_coupons",
    "checkout_shipping",
    "checkout_total",
    "checkout_totals",
    "line_subtotal",
    "objects_schema",
    "sql_text",
    "stored_flag",
]

ZERO: sa.ColumnElement[Any] = sa.literal_column("0")  # literals: statements are compiled once


def sql_text(value: str) -> sa.ColumnElement[Any]:
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
    return items_subtotal(priced, tables["checkoutlineitems"], "checkout_id", table)


def checkout_shipping(
    tables: Mapping[str, Any], priced: Mapping[Any, Any], table: Any
) -> sa.ColumnElement[Any]:
    """The cost of the chosen shipping method and type; null until one is chosen."""
    cases: list[tuple[Any, Any]] = [
        (
            sa.and_(
                table.c.shipping_method == sql_text(method.id),
                table.c.shipping_method_type == sql_text(kind.id),
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


def stored_flag(column: str) -> Any:
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


def objects_schema(properties: Mapping[str, Any]) -> dict[str, Any]:
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
    openapi=objects_schema(
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
    openapi=objects_schema({"couponCode": {"type": "string"}, "description": {"type": "string"}}),
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
