"""The checkout's coupons sub-resource (``POST`` and ``DELETE /checkouts/{id}/coupons``): apply
or remove a coupon of the back-office's ``coupons`` (``server.domain.coupons`` judges it), and
count a use of each once the order is placed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from server.actions.checkout_reading import (
    checkout_document,
    meta_of,
    priced_lines,
    request_currency,
    stored_checkout,
)
from server.actions.common import fetch_one, loader_for, now, writing
from server.actions.context import Backend, Context, Reply
from server.domain.coupons import (
    ALREADY_ADDED,
    Applied,
    Refused,
    coupon_discount,
    find_coupon,
    record_coupon_use,
)
from server.jsonapi.errors import TitledError, raise_all
from server.jsonapi.ids import parse_id
from server.metadata.model import Resource, SubResource

__all__ = ["ACTIONS", "record_coupon_uses"]

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
        stored = stored_checkout(connection, backend, id_)
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
        document = checkout_document(ctx, loader, resource, id_)
    return Reply(200, document)


def _judge_coupon(
    ctx: Context, connection: sa.Connection, stored: sa.Row[Any], code: str, codes: list[str]
) -> dict[str, Any]:
    """The coupon ``code`` names, as the checkout keeps it once applied; Oro's messages when it
    does not apply (400, one error each)."""
    assert ctx.principal is not None
    backend, currency = ctx.backend, request_currency(ctx)
    coupon = find_coupon(connection, _coupon_table(backend), ctx.principal.organization_id, code)
    lines = priced_lines(connection, backend, stored.id, currency)
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


def record_coupon_uses(ctx: Context, connection: sa.Connection, stored: sa.Row[Any]) -> None:
    """An order placed with coupons counts one use of each (their usage limits)."""
    for coupon in stored.coupon_list or []:
        if "id" in coupon:
            record_coupon_use(
                connection, _coupon_table(ctx.backend), coupon["id"], stored.customer_user_id
            )


ACTIONS = {"checkout_coupon": checkout_coupon}
