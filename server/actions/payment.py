"""Paying for a checkout (``POST /checkouts/{id}/paymentPaymentTerm``, or the sandbox's redirect
method's ``paymentPayPalExpress``): placing its order, and the redirect method's sandbox page.

The redirect method's round trip: the first payment request keeps a random token on the
checkout and answers 400 ``payment action constraint`` with the sandbox page's URL
(``purchaseRedirectUrl``); the page (``server.app``) calls :func:`decide_payment`, which marks
the payment approved or declined; the next payment request completes the checkout, or fails
and resets it.
"""

from __future__ import annotations

import secrets
from typing import Any

import sqlalchemy as sa

from server.actions.checkout import NOT_READY, payment_problems
from server.actions.checkout_reading import (
    checkout_document,
    meta_of,
    priced_lines,
    read_checkout,
    request_currency,
    stored_checkout,
)
from server.actions.common import fetch_one, loader_for, now, writing
from server.actions.context import Backend, Context, Reply
from server.actions.coupons import record_coupon_uses
from server.domain.checkout_methods import PAYMENT_METHOD, PAYMENT_METHODS, shipping_cost
from server.jsonapi.errors import ApiError, TitledError, raise_all
from server.jsonapi.ids import parse_id
from server.metadata.model import Resource, SubResource
from server.storage.dialect import begin_write
from server.storage.load import Loader
from server.storage.write import Writer

__all__ = [
    "ACTIONS",
    "PAYMENT_PAGE",
    "decide_payment",
    "payment_page_state",
]

PAYMENT_PAGE = "/payment-sandbox"  # the redirect method's page, below the site's root
IN_PROGRESS = (
    "Payment is being processed. Please follow the payment provider's instructions to complete it."
)
FAILED = "Payment failed, please try again or select a different payment method."
ACTION_NEEDED = "The payment requires additional actions."


def payment_error(title: str, detail: str, meta: dict[str, Any] | None = None) -> TitledError:
    return TitledError(400, title, detail, meta=meta)


# --- paying --------------------------------------------------------------------------------------


def _return_urls(meta: dict[str, Any]) -> dict[str, str]:
    urls, errors = {}, []
    for name in ("successUrl", "failureUrl"):
        value = meta.get(name)
        if not isinstance(value, str) or not value.strip():
            errors.append(
                TitledError(
                    400,
                    "not blank constraint",
                    "This value should not be blank.",
                    pointer=f"/meta/{name}",
                )
            )
        else:
            urls[name] = value
    raise_all(errors)
    return urls


def checkout_pay(ctx: Context, resource: Resource, id_text: str, sub: SubResource) -> Reply:
    """``POST /checkouts/{id}/paymentPaymentTerm`` (or the redirect method's): the order, or
    Oro's payment errors (400: ``payment constraint``, ``payment status constraint``,
    ``payment action constraint``)."""
    id_ = parse_id(resource, id_text)
    method = next(m for m in PAYMENT_METHODS if m.subresource == sub.name)
    meta = meta_of(ctx)
    validate_url = f"{ctx.api_url}/checkouts/{id_}/payment"
    failure: ApiError | None = None
    with writing(ctx) as connection:
        loader = loader_for(ctx, connection)
        fetch_one(loader, ctx, resource, id_, "EDIT")
        checkout = read_checkout(connection, ctx.backend, id_)
        if payment_problems(checkout) or checkout.payment_method != method.id:
            raise payment_error(
                "payment constraint", NOT_READY, {"validatePaymentUrl": validate_url}
            )
        stored = stored_checkout(connection, ctx.backend, id_)
        if method.redirect and stored.payment_status != "approved":
            failure = _redirect_step(ctx, connection, id_, stored, meta)
        else:
            order_id = place_order(ctx, connection, id_)
            document = _order_document(ctx, loader, order_id)
    if failure is not None:  # (after the transaction: what it changed is kept)
        raise failure
    return Reply(200, document)


def _redirect_step(
    ctx: Context, connection: sa.Connection, id_: Any, stored: sa.Row[Any], meta: dict[str, Any]
) -> ApiError:
    """The redirect method before approval: send the payer to the page, wait, or fail."""
    table = ctx.backend.schema.tables["checkouts"]
    if stored.payment_status == "pending":
        return payment_error("payment status constraint", IN_PROGRESS)
    if stored.payment_status == "declined":
        connection.execute(
            table.update()
            .where(table.c.id == id_)
            .values(payment_in_progress=False, payment_status=None, payment_token=None)
        )
        return payment_error("payment constraint", FAILED)
    urls = _return_urls(meta)
    token = secrets.token_urlsafe(16)
    connection.execute(
        table.update()
        .where(table.c.id == id_)
        .values(
            payment_in_progress=True,
            payment_status="pending",
            payment_token=token,
            payment_return=urls,
            updated_at=now(),
        )
    )
    site = ctx.api_url[: -len(ctx.backend.prefix)] if ctx.backend.prefix else ctx.api_url
    return payment_error(
        "payment action constraint",
        ACTION_NEEDED,
        {
            "data": {
                "paymentMethod": PAYMENT_METHOD[stored.payment_method].id,
                "purchaseRedirectUrl": f"{site}{PAYMENT_PAGE}/{token}",
                "successUrl": urls["successUrl"],
                "failureUrl": urls["failureUrl"],
            }
        },
    )


def _order_document(ctx: Context, loader: Loader, order_id: Any) -> Any:
    """The order resource (the storefront's ``orders``), or its identifier alone (also to a
    visitor, who may not read orders: the order is their guest customer user's)."""
    registry = ctx.backend.registry
    if "orders" not in registry or (ctx.principal is not None and ctx.principal.visitor):
        return {"data": {"type": "orders", "id": str(order_id)}}
    return checkout_document(ctx, loader, registry["orders"], order_id)


def place_order(ctx: Context, connection: sa.Connection, checkout_id: Any) -> Any:
    """Make the checkout's order in the back-office's ``order`` table (through the back-office
    registry, so its search index keeps in step) and complete the checkout; the order's id. A
    guest's checkout gets its guest customer user first (:func:`make_guest_customer_user`)."""
    backend = ctx.backend
    office = backend.backoffice
    assert office is not None and ctx.principal is not None
    stored = stored_checkout(connection, backend, checkout_id)
    if stored.customer_user_id is None:
        make_guest_customer_user(ctx, connection, stored)
        stored = stored_checkout(connection, backend, checkout_id)
    currency = request_currency(ctx)
    lines = priced_lines(connection, backend, checkout_id, currency)
    subtotal = sum(round((price or 0) * quantity) for _, _, _, quantity, _, price in lines)
    cost = shipping_cost(stored.shipping_method, stored.shipping_method_type) or 0
    share = round(subtotal * (stored.discount_percent or 0)) + (stored.discount_amount or 0)
    discount = min(share, subtotal)
    customers = office.schema.tables["customers"]
    owner_id, organization_id = connection.execute(
        sa.select(customers.c.owner_id, customers.c.organization_id).where(
            customers.c.id == stored.customer_id
        )
    ).one()
    stamp = now()
    orders = office.registry["orders"]
    writer = Writer(connection, office.registry, office.schema)
    values = {
        "identifier": None,
        "po_number": stored.po_number,
        "customer_notes": stored.customer_notes,
        "ship_until": stored.ship_until,
        "currency": currency,
        "subtotal_value": subtotal,
        "total_value": subtotal + cost - discount,
        "customer_id": stored.customer_id,
        "status_id": "open",
        "owner_id": owner_id,
        "organization_id": organization_id,
        "created_at": stamp,
        "updated_at": stamp,
    }
    if "customer_user_id" in office.schema.tables["orders"].c:
        values["customer_user_id"] = stored.customer_user_id
    order_id = writer.insert(orders, values)
    writer.update(orders, order_id, {"identifier": str(order_id)})
    if lines:
        writer.insert_many(
            office.registry["orderlineitems"],
            [
                {
                    "order_id": order_id,
                    "product_id": product,
                    "product_sku": sku,
                    "product_name": name,
                    "quantity": quantity,
                    "product_unit_code": unit,
                    "value": price,
                    "currency": currency,
                }
                for product, sku, name, quantity, unit, price in lines
            ],
        )
    copy_order_addresses(ctx, connection, stored, order_id)
    record_coupon_uses(ctx, connection, stored)
    table = backend.schema.tables["checkouts"]
    connection.execute(
        table.update()
        .where(table.c.id == checkout_id)
        .values(
            completed=True,
            payment_in_progress=False,
            payment_token=None,
            order_id=order_id,
            updated_at=stamp,
        )
    )
    return order_id


ADDRESS_FIELDS = (
    "label",
    "street",
    "street2",
    "city",
    "postal_code",
    "organization",
    "first_name",
    "last_name",
    "phone",
    "country_id",
    "region_id",
)


def _address_fields(connection: sa.Connection, ctx: Context, address_id: Any) -> dict[str, Any]:
    """A checkout address's fields: its own, or those of the customer (user) address it stands
    for (a field of its own wins)."""
    tables = ctx.backend.schema.tables
    row = connection.execute(
        sa.select(tables["checkoutaddresses"]).where(tables["checkoutaddresses"].c.id == address_id)
    ).one()
    fields = {name: getattr(row, name) for name in ADDRESS_FIELDS}
    for type_, column in (
        ("customeruseraddresses", row.customer_user_address_id),
        ("customeraddresses", row.customer_address_id),
    ):
        if column is None:
            continue
        table = tables[type_]
        book = connection.execute(sa.select(table).where(table.c.id == column)).first()
        if book is not None:
            for name in ADDRESS_FIELDS:
                if fields[name] is None:
                    fields[name] = getattr(book, name)
    return fields


def copy_order_addresses(
    ctx: Context, connection: sa.Connection, stored: sa.Row[Any], order_id: Any
) -> None:
    """The order's billing and shipping address (``orderaddresses``): copies of the checkout's,
    as Oro's order keeps its own addresses."""
    registry = ctx.backend.registry
    if "orderaddresses" not in registry:
        return
    writer = Writer(connection, registry, ctx.backend.schema)
    stamp = now()
    ids = {}
    for column in ("billing_address_id", "shipping_address_id"):
        address_id = getattr(stored, column)
        if address_id is not None:
            values = _address_fields(connection, ctx, address_id)
            values.update(order_id=order_id, created_at=stamp, updated_at=stamp)
            ids[column] = writer.insert(registry["orderaddresses"], values)
    if ids:
        orders = ctx.backend.schema.tables["orders"]
        connection.execute(orders.update().where(orders.c.id == order_id).values(**ids))


def make_guest_customer_user(ctx: Context, connection: sa.Connection, stored: sa.Row[Any]) -> None:
    """Oro's guest customer user: a customer user (disabled, no password: it cannot log in) with
    the checkout's email and the billing address's name, and a customer of its own named after
    them, owned by the organization's first user; the checkout (and its addresses) become theirs.
    (Oro also reuses a guest customer user of the same email; the sandbox makes one each time.)"""
    office = ctx.backend.backoffice
    assert office is not None and ctx.principal is not None
    tables = ctx.backend.schema.tables
    addresses = tables["checkoutaddresses"]
    names = connection.execute(
        sa.select(addresses.c.first_name, addresses.c.last_name).where(
            addresses.c.id == stored.billing_address_id
        )
    ).first()
    first, last = (names.first_name, names.last_name) if names is not None else (None, None)
    users = office.schema.tables["users"]
    organization = ctx.principal.organization_id
    owner_id = connection.execute(
        sa.select(sa.func.min(users.c.id)).where(users.c.organization_id == organization)
    ).scalar()
    stamp = now()
    writer = Writer(connection, office.registry, office.schema)
    name = " ".join(p for p in (first, last) if p) or stored.email
    customer_id = writer.insert(
        office.registry["customers"],
        {
            "name": name,
            "owner_id": owner_id,
            "organization_id": organization,
            "created_at": stamp,
            "updated_at": stamp,
        },
    )
    user_id = writer.insert(
        office.registry["customerusers"],
        {
            "email": stored.email,
            "first_name": first,
            "last_name": last,
            "enabled": False,
            "confirmed": False,
            "customer_id": customer_id,
            "created_at": stamp,
            "updated_at": stamp,
        },
    )
    owners = {"customer_user_id": user_id, "customer_id": customer_id}
    checkouts = tables["checkouts"]
    connection.execute(checkouts.update().where(checkouts.c.id == stored.id).values(**owners))
    ids = [i for i in (stored.billing_address_id, stored.shipping_address_id) if i is not None]
    connection.execute(addresses.update().where(addresses.c.id.in_(ids)).values(**owners))


# --- the sandbox payment page --------------------------------------------------------------------


def payment_page_state(engine: sa.Engine, backend: Backend, token: str) -> Any:
    """The checkout id and payment status a page token names (None: no such payment)."""
    table = backend.schema.tables["checkouts"]
    with engine.connect() as connection:
        return connection.execute(
            sa.select(table.c.id, table.c.payment_status).where(table.c.payment_token == token)
        ).first()


def decide_payment(backend: Backend, token: str, approved: bool) -> str | None:
    """The payer's answer on the sandbox page: the pending payment ``token`` names is approved
    or declined; the URL to send the payer back to (None: no pending payment of that token)."""
    table = backend.schema.tables["checkouts"]
    with backend.engine.begin() as connection:
        begin_write(connection)
        row = connection.execute(
            sa.select(table.c.id, table.c.payment_return).where(
                table.c.payment_token == token, table.c.payment_status == "pending"
            )
        ).first()
        if row is None:
            return None
        connection.execute(
            table.update()
            .where(table.c.id == row.id)
            .values(payment_status="approved" if approved else "declined")
        )
    urls = row.payment_return or {}
    return urls.get("successUrl" if approved else "failureUrl")


ACTIONS = {"checkout_pay": checkout_pay}
