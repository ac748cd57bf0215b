"""The Checkout API's custom sub-resources (``server.domain.checkout_subresources`` declares
them) that start and inspect a checkout: start one from a shopping list or an order, the
available addresses and methods, the payment readiness document. Paying is
``server.actions.payment``, coupons ``server.actions.coupons``.

Each is an action of ``server.endpoint.ACTIONS``, called with the record's resource, its id in
the URL and the :class:`SubResource`; every record is looked up under the caller's access, as
the common actions do (404, or 403 for another customer user's record).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa

from server.actions.checkout_reading import checkout_document, read_checkout, request_currency
from server.actions.common import allowed_rule, fetch_one, loader_for, now, writing
from server.actions.context import Backend, Context, Reply
from server.domain.checkout_methods import PAYMENT_METHOD, PAYMENT_METHODS, SHIPPING_METHODS
from server.domain.checkout_readiness import Checkout, readiness_errors
from server.jsonapi.ids import parse_id
from server.metadata import types as t
from server.metadata.model import VISITOR_COLUMN, Resource, SubResource
from server.storage.write import Writer

__all__ = ["ACTIONS", "NOT_READY", "payment_problems"]

NOT_READY = "The checkout is not ready for payment."
COMPLETED = "The checkout is already completed."


# --- start -------------------------------------------------------------------------------------


def checkout_start(ctx: Context, resource: Resource, id_text: str, sub: SubResource) -> Reply:
    """``POST /shoppinglists/{id}/checkout`` (or an order's): a checkout with the record's
    items, 201; the caller's open checkout of that shopping list when there is one, 200. A
    visitor (guest checkout) starts one from their own shopping list only: what their role lets
    them do to a checkout is EDIT, not CREATE (``POST /checkouts``)."""
    source_id = parse_id(resource, id_text)
    backend = ctx.backend
    checkouts = backend.registry["checkouts"]
    assert ctx.principal is not None
    with writing(ctx) as connection:
        loader = loader_for(ctx, connection)
        fetch_one(loader, ctx, resource, source_id)
        visitor = ctx.principal.visitor
        allowed_rule(ctx, checkouts, "EDIT" if visitor else "CREATE")
        table = backend.schema.tables["checkouts"]
        owner = table.c[VISITOR_COLUMN] if visitor else table.c.customer_user_id
        existing = None
        if resource.type == "shoppinglists":
            existing = connection.execute(
                sa.select(table.c.id)
                .where(
                    table.c.source_id == source_id,
                    owner == ctx.principal.default_of("user"),
                    table.c.completed.is_(False),
                )
                .order_by(table.c.id)
                .limit(1)
            ).scalar()
        checkout_id = existing
        if checkout_id is None:
            checkout_id = _start(ctx, connection, resource, source_id)
        document = checkout_document(ctx, loader, checkouts, checkout_id)
    if existing is not None:
        return Reply(200, document)
    location = f"{ctx.api_url}/checkouts/{quote(str(checkout_id), safe='')}"
    return Reply(201, document, {"Location": location})


def _source_items(
    connection: sa.Connection, backend: Backend, resource: Resource, source_id: Any
) -> list[tuple[Any, str, float]]:
    """(product, unit, quantity) of the source's items (an order's lines with a product)."""
    tables = backend.schema.tables
    if resource.type == "shoppinglists":
        items = tables["shoppinglistitems"]
        query = sa.select(items.c.product_id, items.c.unit_id, items.c.quantity).where(
            items.c.shopping_list_id == source_id
        )
    else:
        lines = backend.schema.metadata.tables["order_line_item"]
        query = sa.select(lines.c.product_id, lines.c.product_unit_code, lines.c.quantity).where(
            lines.c.order_id == source_id, lines.c.product_id.is_not(None)
        )
    units = {row[0] for row in connection.execute(sa.select(tables["productunits"].c.id))}
    return [
        (product, unit if unit in units else "item", quantity)
        for product, unit, quantity in connection.execute(query)
    ]


def _start(ctx: Context, connection: sa.Connection, resource: Resource, source_id: Any) -> Any:
    backend = ctx.backend
    assert ctx.principal is not None
    writer = Writer(connection, backend.registry, backend.schema)
    stamp = now()
    visitor = ctx.principal.visitor
    checkout_id = writer.insert(
        backend.registry["checkouts"],
        {
            "customer_user_id": None if visitor else ctx.principal.default_of("user"),
            "customer_id": None if visitor else ctx.principal.default_of("business_unit"),
            VISITOR_COLUMN: ctx.principal.user_id if visitor else None,
            "source_id": source_id if resource.type == "shoppinglists" else None,
            "completed": False,
            "payment_in_progress": False,
            "created_at": stamp,
            "updated_at": stamp,
        },
    )
    lines = [
        {
            "checkout_id": checkout_id,
            "product_id": product,
            "product_unit_id": unit,
            "quantity": quantity,
            "created_at": stamp,
            "updated_at": stamp,
        }
        for product, unit, quantity in _source_items(connection, backend, resource, source_id)
    ]
    if lines:
        writer.insert_many(backend.registry["checkoutlineitems"], lines)
    return checkout_id


# --- what is available ---------------------------------------------------------------------------


def _readable(ctx: Context, resource: Resource, id_text: str) -> tuple[Any, Sequence[Any]]:
    id_ = parse_id(resource, id_text)
    with ctx.backend.reads.connect() as connection:
        row = fetch_one(loader_for(ctx, connection), ctx, resource, id_)
    return id_, row


def _list(ctx: Context, items: list[dict[str, Any]]) -> Reply:
    if not ctx.json_api:  # plain REST: the objects with their attributes inline
        return Reply(200, [{"id": i["id"], **i.get("attributes", {})} for i in items])
    document: dict[str, Any] = {"data": items}
    if "noHateoas" not in ctx.x_include:
        document["links"] = {"self": ctx.url}
    return Reply(200, document)


def _to_one(resource: Resource, row: Sequence[Any], name: str) -> Any:
    to_one = [r.name for r in resource.relationships if not r.many]
    return row[1 + len(resource.attributes) + to_one.index(name)]


def _address_title(row: sa.Row[Any]) -> str:
    name = " ".join(p for p in (row.first_name, row.last_name) if p)
    place = " ".join(p for p in (row.city, row.region_id, row.postal_code) if p)
    parts = (row.label, name, row.street, place, row.country_id)
    return ", ".join(p for p in parts if p)


def checkout_addresses(ctx: Context, resource: Resource, id_text: str, sub: SubResource) -> Reply:
    """The customer user's and the customer's addresses (Oro's ``AvailableAddress``: the
    address, its group and a one-line title)."""
    _, row = _readable(ctx, resource, id_text)
    tables = ctx.backend.schema.tables
    groups = (
        ("customeraddresses", "customer_id", _to_one(resource, row, "customer"), "Customer"),
        (
            "customeruseraddresses",
            "customer_user_id",
            _to_one(resource, row, "customerUser"),
            "Customer User",
        ),
    )
    items = []
    with ctx.backend.reads.connect() as connection:
        for type_, column, owner, group in groups:
            if owner is None:
                continue
            table = tables[type_]
            rows = connection.execute(
                sa.select(table).where(table.c[column] == owner).order_by(table.c.id)
            )
            for address in rows:
                items.append(
                    {
                        "type": "checkoutavailableaddresses",
                        "id": f"{type_}-{address.id}",
                        "attributes": {"group": group, "title": _address_title(address)},
                        "relationships": {
                            "address": {"data": {"type": type_, "id": str(address.id)}}
                        },
                    }
                )
    return _list(ctx, items)


def checkout_shipping_methods(
    ctx: Context, resource: Resource, id_text: str, sub: SubResource
) -> Reply:
    """The shipping methods and their types' costs, once the checkout has a shipping address."""
    _, row = _readable(ctx, resource, id_text)
    if _to_one(resource, row, "shippingAddress") is None:
        return _list(ctx, [])
    currency = request_currency(ctx)
    money = t.MONEY.to_wire
    items = [
        {
            "type": "checkoutavailableshippingmethods",
            "id": method.id,
            "attributes": {
                "label": method.label,
                "types": [
                    {
                        "id": kind.id,
                        "label": kind.label,
                        "shippingCost": money(kind.cost),
                        "currency": currency,
                    }
                    for kind in method.types
                ],
            },
        }
        for method in SHIPPING_METHODS
    ]
    return _list(ctx, items)


def checkout_payment_methods(
    ctx: Context, resource: Resource, id_text: str, sub: SubResource
) -> Reply:
    """The payment methods, once the checkout has a billing address."""
    _, row = _readable(ctx, resource, id_text)
    if _to_one(resource, row, "billingAddress") is None:
        return _list(ctx, [])
    items = [
        {
            "type": "checkoutavailablepaymentmethods",
            "id": method.id,
            "attributes": {"label": method.label, "options": dict(method.options)},
        }
        for method in PAYMENT_METHODS
    ]
    return _list(ctx, items)


# --- readiness -----------------------------------------------------------------------------------


def payment_problems(checkout: Checkout) -> list[dict[str, Any]]:
    """Why the checkout cannot be paid: completed already, or not ready (an empty list: it can)."""
    if checkout.completed:
        return [{"status": "400", "title": "checkout completed constraint", "detail": COMPLETED}]
    return readiness_errors(checkout)


def checkout_payment(ctx: Context, resource: Resource, id_text: str, sub: SubResource) -> Reply:
    """``GET /checkouts/{id}/payment``: Oro's readiness document (top-level ``meta`` only)."""
    id_, _ = _readable(ctx, resource, id_text)
    with ctx.backend.reads.connect() as connection:
        checkout = read_checkout(connection, ctx.backend, id_)
    errors = payment_problems(checkout)
    method = PAYMENT_METHOD.get(checkout.payment_method or "")
    ready = not errors and method is not None
    return Reply(
        200,
        {
            "meta": {
                "message": "The checkout is ready for payment." if ready else NOT_READY,
                "paymentUrl": f"{ctx.api_url}/checkouts/{id_}/{method.subresource}"
                if ready and method is not None
                else None,
                "errors": errors,
            }
        },
    )


ACTIONS = {
    "checkout_start": checkout_start,
    "checkout_addresses": checkout_addresses,
    "checkout_shipping_methods": checkout_shipping_methods,
    "checkout_payment_methods": checkout_payment_methods,
    "checkout_payment": checkout_payment,
}
