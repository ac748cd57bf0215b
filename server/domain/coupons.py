"""Coupons (OroCommerce's PromotionBundle), simplified for the sandbox: what a coupon code is
worth at checkout, and Oro's message when it is worth nothing.

In Oro a coupon has a code, an ``enabled`` flag, ``validFrom``/``validUntil``, ``usesPerCoupon``
and ``usesPerPerson``, and belongs to a promotion whose discount configuration says what it gives
(an order, line item, shipping or buy-X-get-Y discount, with conditions and schedules). The
sandbox folds the promotion into the coupon (reference §21's spirit: simplified where Oro is too
big to copy): a coupon gives a share of the subtotal (``discountPercent``, a fraction: 0.25 =
25 %) and/or a fixed amount in one currency (``discountAmount``, ``currency``), at most the
subtotal; its ``description`` is what the checkout's ``coupons`` show (Oro: the promotion's
label). A code matches in any case, as Oro's case-insensitive coupon search; codes are unique
per organization as typed (the database does not compare them case-insensitively).

Uses are counted on the coupon (internal columns: the total, and per customer user), kept by
:func:`record_coupon_use` when an order uses it; :func:`coupon_discount` is the pure judgement:
the discount, or Oro's violation messages in Oro's order (``CouponValidationService``, then the
applicability check), their texts from PromotionBundle's ``jsmessages.en.yml``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

__all__ = [
    "ABSENT",
    "ALREADY_ADDED",
    "DEMO_COUPONS",
    "DISABLED",
    "EXPIRED",
    "INVALID_CODE",
    "NOT_APPLICABLE",
    "NOT_STARTED",
    "PERSON_LIMIT",
    "USAGE_LIMIT",
    "USES",
    "Applied",
    "CouponRow",
    "Refused",
    "coupon_discount",
    "find_coupon",
    "record_coupon_use",
]

# Oro's texts (oro.promotion.coupon.violation.*)
INVALID_CODE = "Invalid coupon code, please try another"
DISABLED = "Coupon is disabled"
ABSENT = "There is no promotion for this coupon"  # (never here: the coupon is its promotion)
NOT_STARTED = "Coupon start date has not begun"
EXPIRED = "Coupon is expired"
USAGE_LIMIT = "Coupon usage limit is exceeded"
PERSON_LIMIT = "Customer user coupon usage limit is exceeded"
ALREADY_ADDED = "This coupon has been already added"
NOT_APPLICABLE = "This coupon's discount is not applicable"

# the coupon table's internal columns (no API field): uses in all, and per customer user
USES, USES_BY = "uses_total", "uses_by_customer_user"

DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # (as stored: server.metadata.types.DATETIME)


@dataclass(frozen=True)
class CouponRow:
    """A stored coupon, as :func:`coupon_discount` judges it (amounts in 1/10000 of the unit,
    as money is stored; dates as stored, ``YYYY-MM-DDTHH:MM:SSZ``)."""

    id: int
    code: str
    description: str | None
    enabled: bool
    valid_from: str | None = None
    valid_until: str | None = None
    uses_per_coupon: int | None = None
    uses_per_person: int | None = None
    discount_percent: float | None = None
    discount_amount: int | None = None
    currency: str | None = None
    uses: int = 0
    uses_by: dict[str, int] | None = None  # customer user id (as text) → uses

    def uses_of(self, customer_user_id: int | None) -> int:
        if customer_user_id is None:
            return 0
        return int((self.uses_by or {}).get(str(customer_user_id), 0))


@dataclass(frozen=True)
class Applied:
    """The coupon applies: ``amount`` off the subtotal (1/10000 units), of which ``percent`` ×
    subtotal and ``fixed`` the fixed part (what a checkout keeps to recompute it)."""

    amount: int
    percent: float
    fixed: int


@dataclass(frozen=True)
class Refused:
    """The coupon does not apply: Oro's messages, in Oro's order."""

    errors: tuple[str, ...]


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime(DATETIME_FORMAT)


def coupon_discount(
    coupon: CouponRow | None,
    now: dt.datetime,
    uses: int,
    uses_by_person: int,
    subtotal: int,
    currency: str,
    *,
    customer_user: bool = True,
) -> Applied | Refused:
    """What ``coupon`` (None: no coupon has that code) takes off ``subtotal`` in ``currency`` at
    ``now``, with ``uses`` uses in all and ``uses_by_person`` of the customer user (a visitor:
    ``customer_user=False``, whose uses are not limited, as Oro's). Oro's checks, in its order:
    enabled, started, not expired, uses per coupon, uses per person; then whether its discount
    applies (a fixed amount in another currency does not)."""
    if coupon is None:
        return Refused((INVALID_CODE,))
    errors: list[str] = []
    stamp = _stamp(now)
    if not coupon.enabled:
        errors.append(DISABLED)
    if coupon.valid_from is not None and coupon.valid_from > stamp:
        errors.append(NOT_STARTED)
    if coupon.valid_until is not None and coupon.valid_until < stamp:
        errors.append(EXPIRED)
    if coupon.uses_per_coupon is not None and coupon.uses_per_coupon <= uses:
        errors.append(USAGE_LIMIT)
    limit = coupon.uses_per_person
    if customer_user and limit is not None and limit <= uses_by_person:
        errors.append(PERSON_LIMIT)
    if errors:
        return Refused(tuple(errors))
    percent = coupon.discount_percent or 0.0
    fixed = coupon.discount_amount or 0
    if fixed and coupon.currency != currency:
        fixed = 0
        if not percent:
            return Refused((NOT_APPLICABLE,))
    amount = min(round(subtotal * percent) + fixed, max(subtotal, 0))
    return Applied(amount, percent, fixed)


def _row(row: Any) -> CouponRow:
    return CouponRow(
        id=row.id,
        code=row.code,
        description=row.description,
        enabled=bool(row.enabled),
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        uses_per_coupon=row.uses_per_coupon,
        uses_per_person=row.uses_per_person,
        discount_percent=row.discount_percent,
        discount_amount=row.discount_amount,
        currency=row.currency,
        uses=row.uses_total or 0,
        uses_by=dict(row.uses_by_customer_user or {}),
    )


def find_coupon(
    connection: sa.Connection, table: sa.Table, organization_id: int, code: str
) -> CouponRow | None:
    """The organization's coupon whose code is ``code`` in any case (Oro: a coupon of another
    organization is an invalid code); the first by id when codes differ in case only."""
    query = (
        sa.select(table)
        .where(
            table.c.organization_id == organization_id,
            sa.func.lower(table.c.code) == code.strip().lower(),
        )
        .order_by(table.c.id)
        .limit(1)
    )
    row = connection.execute(query).first()
    return None if row is None else _row(row)


def record_coupon_use(
    connection: sa.Connection, table: sa.Table, coupon_id: int, customer_user_id: int | None
) -> None:
    """Count one use of the coupon (an order placed with it), in the caller's transaction."""
    row = connection.execute(
        sa.select(table.c[USES], table.c[USES_BY]).where(table.c.id == coupon_id)
    ).first()
    if row is None:
        return
    by = dict(row[1] or {})
    if customer_user_id is not None:
        by[str(customer_user_id)] = int(by.get(str(customer_user_id), 0)) + 1
    connection.execute(
        table.update().where(table.c.id == coupon_id).values({USES: (row[0] or 0) + 1, USES_BY: by})
    )


# --- the demo's coupons (server/domain/seed.py inserts them) -------------------------------------

# API field names, and the uses each has had (in all, and by customer user)
DEMO_COUPONS: tuple[dict[str, Any], ...] = tuple(
    {
        "enabled": True,
        "validFrom": None,
        "validUntil": None,
        "usesPerCoupon": None,
        "usesPerPerson": None,
        "discountPercent": None,
        "discountAmount": None,
        "currency": None,
        "organization": 1,
        "uses": 0,
        "usesBy": {},
    }
    | coupon
    for coupon in (
        {"code": "SALE25", "description": "25% off the order", "discountPercent": 0.25},
        {
            "code": "TENOFF",
            "description": "$10 off the order",
            "discountAmount": 100_000,
            "currency": "USD",
        },
        {
            "code": "WELCOME5",
            "description": "5% off your first order",
            "discountPercent": 0.05,
            "usesPerPerson": 1,
            "uses": 1,
            "usesBy": {"2": 1},  # customer user 2 has used it
        },
        {
            "code": "SUMMER2025",
            "description": "15% off, summer 2025",
            "discountPercent": 0.15,
            "validFrom": "2025-06-01T00:00:00Z",
            "validUntil": "2025-08-31T23:59:59Z",
        },
        {
            "code": "NEXTYEAR",
            "description": "20% off, from 2099",
            "discountPercent": 0.2,
            "validFrom": "2099-01-01T00:00:00Z",
        },
        {"code": "PAUSED10", "description": "10% off", "discountPercent": 0.1, "enabled": False},
        {
            "code": "FIRST100",
            "description": "30% off for the first 100 orders",
            "discountPercent": 0.3,
            "usesPerCoupon": 100,
            "uses": 100,
        },
        {"code": "ACME10", "description": "10 % Rabatt", "discountPercent": 0.1, "organization": 2},
    )
)
