"""Reading a checkout for the Checkout API's actions (``server.actions.checkout``,
``server.actions.payment``, ``server.actions.coupons``): its stored columns, what readiness looks
at, its document, its lines priced in the request's currency, and a meta-only request body."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from server.actions.common import fetch_one, item_query
from server.actions.context import Backend, Context
from server.actions.render import single_document
from server.domain.checkout_readiness import Checkout
from server.jsonapi.body import load_json
from server.jsonapi.errors import request_data_error
from server.metadata.model import Resource
from server.storage.load import Loader

__all__ = [
    "checkout_document",
    "meta_of",
    "priced_lines",
    "read_checkout",
    "request_currency",
    "stored_checkout",
]


def stored_checkout(connection: sa.Connection, backend: Backend, id_: Any) -> sa.Row[Any]:
    """The checkout's own columns, as stored (its internal ones too)."""
    table = backend.schema.tables["checkouts"]
    return connection.execute(sa.select(table).where(table.c.id == id_)).one()


def read_checkout(connection: sa.Connection, backend: Backend, id_: Any) -> Checkout:
    """What readiness and payment look at of the checkout (its line items counted)."""
    stored = stored_checkout(connection, backend, id_)
    items = backend.schema.tables["checkoutlineitems"]
    count = connection.execute(
        sa.select(sa.func.count()).select_from(items).where(items.c.checkout_id == id_)
    ).scalar_one()
    return Checkout(
        id_,
        stored.billing_address_id,
        stored.shipping_address_id,
        stored.shipping_method,
        stored.shipping_method_type,
        stored.payment_method,
        count,
        bool(stored.completed),
        guest=stored.customer_user_id is None,
        email=stored.email,
    )


def checkout_document(
    ctx: Context, loader: Loader, resource: Resource, id_: Any, self_url: str | None = None
) -> Any:
    """The record's JSON:API document, read under the caller's access (404/403 as the common
    actions answer)."""
    row = fetch_one(loader, ctx, resource, id_)
    url = self_url or f"{ctx.api_url}/{resource.type}/{id_}"
    return single_document(ctx, loader, resource, row, item_query(ctx, resource), url)


def request_currency(ctx: Context) -> str:
    """The request's currency (X-Currency, by default the website's; USD without one)."""
    return (ctx.access.currency if ctx.access is not None else None) or "USD"


def priced_lines(
    connection: sa.Connection, backend: Backend, checkout_id: Any, currency: str
) -> list[tuple[Any, str, str, float, str, int | None]]:
    """(product, sku, name, quantity, unit, price in ``currency``) of the checkout's lines."""
    items = backend.schema.tables["checkoutlineitems"]
    products = backend.schema.metadata.tables["product"]
    prices = backend.schema.priced[("products", "price")]
    price = (
        sa.select(prices.c.value)
        .where(prices.c.owner_id == items.c.product_id, prices.c.currency == currency)
        .scalar_subquery()
    )
    query = (
        sa.select(
            items.c.product_id,
            products.c.sku,
            products.c.name,
            items.c.quantity,
            items.c.product_unit_id,
            price,
        )
        .join(products, products.c.id == items.c.product_id)
        .where(items.c.checkout_id == checkout_id)
        .order_by(items.c.id)
    )
    return [tuple(row) for row in connection.execute(query)]


def meta_of(ctx: Context) -> dict[str, Any]:
    """A meta-only request body's ``meta`` (an empty body: none)."""
    if not ctx.body.strip():
        return {}
    body = load_json(ctx.body)
    if not isinstance(body, dict) or not isinstance(body.get("meta", {}), dict):
        raise request_data_error("The request data should be an object with a meta object.")
    extra = sorted(set(body) - {"meta"})
    if extra:
        raise request_data_error(
            f'The "{extra[0]}" property is not allowed here: send "meta" only.',
            pointer="/" + extra[0],
        )
    meta: dict[str, Any] = body.get("meta", {})
    return meta
