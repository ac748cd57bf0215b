"""The Checkout API's custom sub-resources (``server.domain.checkout`` declares them): start a
checkout from a shopping list or an order, the available addresses and methods, the payment
readiness document, the payments (payment term; the sandbox's redirect method), coupons.

Each is an action of ``server.endpoint.ACTIONS``, called with the record's resource, its id in
the URL and the :class:`SubResource`; every record is looked up under the caller's access, as
the common actions do (404, or 403 for another customer user's record).

The redirect method's round trip: the first payment request keeps a random token on the
checkout and answers 400 ``payment action constraint`` with the sandbox page's URL
(``purchaseRedirectUrl``); the page (``server.app``) calls :func:`decide_payment`, which marks
the payment approved or declined; the next payment request completes the checkout, or fails
and resets it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa

from server.actions.common import (
    allowed_rule,
    fetch_one,
    item_query,
    loader_for,
    now,
    writing,
)
from server.actions.context import Backend, Context, Reply
from server.actions.render import single_document
from server.domain.checkout import (
    PAYMENT_METHOD,
    PAYMENT_METHODS,
    SHIPPING_METHODS,
    Checkout,
    readiness_errors,
    shipping_cost,
)
from server.domain.coupons import (
    ALREADY_ADDED,
    Applied,
    Refused,
    coupon_discount,
    find_coupon,
    record_coupon_use,
)
from server.jsonapi.body import load_json
from server.jsonapi.errors import ApiError, TitledError, raise_all, request_data_error
from server.jsonapi.ids import parse_id
from server.metadata import types as t
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
NOT_READY = "The checkout is not ready for payment."
IN_PROGRESS = (
    "Payment is being processed. Please follow the payment provider's instructions to complete it."
)
FAILED = "Payment failed, please try again or select a different payment method."
ACTION_NEEDED = "The payment requires additional actions."
COMPLETED = "The checkout is already completed."


def payment_error(title: str, detail: str, meta: dict[str, Any] | None = None) -> TitledError:
    return TitledError(400, title, detail, meta=meta)


# --- reading a checkout --------------------------------------------------------------------------


def _value(resource: Resource, row: Sequence[Any], name: str) -> Any:
    return row[1 + [a.name for a in resource.attributes].index(name)]


def _to_one(resource: Resource, row: Sequence[Any], name: str) -> Any:
    to_one = [r.name for r in resource.relationships if not r.many]
    return row[1 + len(resource.attributes) + to_one.index(name)]


def _stored(connection: sa.Connection, backend: Backend, id_: Any) -> sa.Row[Any]:
    """The checkout's own columns, as stored (its internal ones too)."""
    table = backend.schema.tables["checkouts"]
    return connection.execute(sa.select(table).where(table.c.id == id_)).one()


def _checkout(connection: sa.Connection, backend: Backend, id_: Any) -> Checkout:
    stored = _stored(connection, backend, id_)
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
    )


def _document(
    ctx: Context, loader: Loader, resource: Resource, id_: Any, self_url: str | None = None
) -> Any:
    row = fetch_one(loader, ctx, resource, id_)
    url = self_url or f"{ctx.api_url}/{resource.type}/{id_}"
    return single_document(ctx, loader, resource, row, item_query(ctx, resource), url)


def _currency(ctx: Context) -> str:
    return (ctx.access.currency if ctx.access is not None else None) or "USD"


# --- start -------------------------------------------------------------------------------------


def checkout_start(ctx: Context, resource: Resource, id_text: str, sub: SubResource) -> Reply:
    """``POST /shoppinglists/{id}/checkout`` (or an order's): a checkout with the record's
    items, 201; the caller's open checkout of that shopping list when there is one, 200."""
    source_id = parse_id(resource, id_text)
    backend = ctx.backend
    checkouts = backend.registry["checkouts"]
    assert ctx.principal is not None
    with writing(ctx) as connection:
        loader = loader_for(ctx, connection)
        fetch_one(loader, ctx, resource, source_id)
        allowed_rule(ctx, checkouts, "CREATE")
        table = backend.schema.tables["checkouts"]
        user = ctx.principal.default_of("user")
        existing = None
        if resource.type == "shoppinglists":
            existing = connection.execute(
                sa.select(table.c.id)
                .where(
                    table.c.source_id == source_id,
                    table.c.customer_user_id == user,
                    table.c.completed.is_(False),
                )
                .order_by(table.c.id)
                .limit(1)
            ).scalar()
        checkout_id = existing
        if checkout_id is None:
            checkout_id = _start(ctx, connection, resource, source_id)
        document = _document(ctx, loader, checkouts, checkout_id)
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
    checkout_id = writer.insert(
        backend.registry["checkouts"],
        {
            "customer_user_id": ctx.principal.default_of("user"),
            "customer_id": ctx.principal.default_of("business_unit"),
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
    currency = _currency(ctx)
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


# --- readiness and payment -----------------------------------------------------------------------


def _problems(checkout: Checkout) -> list[dict[str, Any]]:
    if checkout.completed:
        return [{"status": "400", "title": "checkout completed constraint", "detail": COMPLETED}]
    return readiness_errors(checkout)


def checkout_payment(ctx: Context, resource: Resource, id_text: str, sub: SubResource) -> Reply:
    """``GET /checkouts/{id}/payment``: Oro's readiness document (top-level ``meta`` only)."""
    id_, _ = _readable(ctx, resource, id_text)
    with ctx.backend.reads.connect() as connection:
        checkout = _checkout(connection, ctx.backend, id_)
    errors = _problems(checkout)
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
        checkout = _checkout(connection, ctx.backend, id_)
        if _problems(checkout) or checkout.payment_method != method.id:
            raise payment_error(
                "payment constraint", NOT_READY, {"validatePaymentUrl": validate_url}
            )
        stored = _stored(connection, ctx.backend, id_)
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
    """The order resource (the storefront's ``orders``), or its identifier alone."""
    registry = ctx.backend.registry
    if "orders" not in registry:
        return {"data": {"type": "orders", "id": str(order_id)}}
    return _document(ctx, loader, registry["orders"], order_id)


def place_order(ctx: Context, connection: sa.Connection, checkout_id: Any) -> Any:
    """Make the checkout's order in the back-office's ``order`` table (through the back-office
    registry, so its search index keeps in step) and complete the checkout; the order's id."""
    backend = ctx.backend
    office = backend.backoffice
    assert office is not None and ctx.principal is not None
    stored = _stored(connection, backend, checkout_id)
    currency = _currency(ctx)
    lines = _priced_lines(connection, backend, checkout_id, currency)
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
    _record_coupon_uses(ctx, connection, stored)
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


def _priced_lines(
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


# --- coupons -------------------------------------------------------------------------------------

COUPON_NOT_APPLIED = "This coupon is not applied to the checkout."


def coupon_error(detail: str) -> TitledError:
    return TitledError(400, "coupon constraint", detail, pointer="/meta/couponCode")


def _coupon_table(backend: Backend) -> sa.Table:
    """The coupons' table (the back-office's ``coupons``: ``server.domain.coupons``)."""
    return backend.schema.metadata.tables["coupon"]


def checkout_coupon(ctx: Context, resource: Resource, id_text: str, sub: SubResource) -> Reply:
    """``POST /checkouts/{id}/coupons`` applies the coupon ``meta.couponCode`` names, ``DELETE``
    removes it: 200 with the checkout (its discount in ``totals``). A coupon is judged by
    ``server.domain.coupons.coupon_discount`` against the checkout's subtotal in the request's
    currency; the share and fixed amount it gives are kept on the checkout."""
    id_ = parse_id(resource, id_text)
    code = meta_of(ctx).get("couponCode")
    if not isinstance(code, str) or not code.strip():
        raise TitledError(
            400,
            "not blank constraint",
            "This value should not be blank.",
            pointer="/meta/couponCode",
        )
    backend = ctx.backend
    table = backend.schema.tables["checkouts"]
    with writing(ctx) as connection:
        loader = loader_for(ctx, connection)
        fetch_one(loader, ctx, resource, id_, "EDIT")
        stored = _stored(connection, backend, id_)
        applied: list[dict[str, Any]] = list(stored.coupon_list or [])
        codes = [c["couponCode"].lower() for c in applied]
        if ctx.method == "DELETE":
            if code.strip().lower() not in codes:
                raise coupon_error(COUPON_NOT_APPLIED)
            applied = [c for c in applied if c["couponCode"].lower() != code.strip().lower()]
        else:
            applied.append(_judge_coupon(ctx, connection, stored, code, codes))
        connection.execute(
            table.update()
            .where(table.c.id == id_)
            .values(
                coupon_list=applied,
                discount_percent=sum(c["percent"] for c in applied),
                discount_amount=sum(c["amount"] for c in applied),
                updated_at=now(),
            )
        )
        document = _document(ctx, loader, resource, id_)
    return Reply(200, document)


def _judge_coupon(
    ctx: Context, connection: sa.Connection, stored: sa.Row[Any], code: str, codes: list[str]
) -> dict[str, Any]:
    """The coupon ``code`` names, as the checkout keeps it once applied; Oro's messages when it
    does not apply (400, one error each)."""
    assert ctx.principal is not None
    backend, currency = ctx.backend, _currency(ctx)
    coupon = find_coupon(connection, _coupon_table(backend), ctx.principal.organization_id, code)
    lines = _priced_lines(connection, backend, stored.id, currency)
    subtotal = sum(round((price or 0) * quantity) for _, _, _, quantity, _, price in lines)
    user = stored.customer_user_id
    result = coupon_discount(
        coupon,
        dt.datetime.now(dt.UTC),
        coupon.uses if coupon else 0,
        coupon.uses_of(user) if coupon else 0,
        subtotal,
        currency,
    )
    if isinstance(result, Refused):
        raise_all([coupon_error(message) for message in result.errors])
    assert coupon is not None and isinstance(result, Applied)
    if coupon.code.lower() in codes:
        raise coupon_error(ALREADY_ADDED)
    return {
        "id": coupon.id,
        "couponCode": coupon.code,
        "description": coupon.description or coupon.code,
        "percent": result.percent,
        "amount": result.fixed,
    }


def _record_coupon_uses(ctx: Context, connection: sa.Connection, stored: sa.Row[Any]) -> None:
    """An order placed with coupons counts one use of each (their usage limits)."""
    for coupon in stored.coupon_list or []:
        if "id" in coupon:
            record_coupon_use(
                connection, _coupon_table(ctx.backend), coupon["id"], stored.customer_user_id
            )


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


ACTIONS = {
    "checkout_start": checkout_start,
    "checkout_addresses": checkout_addresses,
    "checkout_shipping_methods": checkout_shipping_methods,
    "checkout_payment_methods": checkout_payment_methods,
    "checkout_payment": checkout_payment,
    "checkout_pay": checkout_pay,
    "checkout_coupon": checkout_coupon,
}
