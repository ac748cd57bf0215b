"""A checkout's readiness for payment, as Oro's ``GET /checkouts/{id}/payment`` reports it: the
addresses, the methods and the line items it still lacks (pure; the actions read the checkout)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Checkout", "readiness_errors"]


@dataclass(frozen=True)
class Checkout:
    """What readiness and payment look at of a checkout."""

    id: int
    billing_address: int | None
    shipping_address: int | None
    shipping_method: str | None
    shipping_method_type: str | None
    payment_method: str | None
    line_items: int
    completed: bool
    guest: bool = False  # a visitor's checkout (guest checkout): it needs an email
    email: str | None = None


def readiness_errors(checkout: Checkout) -> list[dict[str, Any]]:
    """Why a checkout is not ready for payment, as Oro's ``GET /checkouts/{id}/payment`` lists
    it (an empty list: it is ready)."""
    problems: list[tuple[str, str, str]] = []
    if checkout.billing_address is None:
        problems.append(
            (
                "not blank constraint",
                "Please enter correct billing address.",
                "/data/relationships/billingAddress/data",
            )
        )
    if checkout.shipping_address is None:
        problems.append(
            (
                "not empty shipping address constraint",
                "Please enter correct shipping address.",
                "/data/relationships/shippingAddress/data",
            )
        )
    if checkout.shipping_method is None:
        problems.append(
            (
                "not blank constraint",
                "Shipping method is not selected.",
                "/data/attributes/shippingMethod",
            )
        )
    if checkout.payment_method is None:
        problems.append(
            (
                "not blank constraint",
                "Payment method is not selected.",
                "/data/attributes/paymentMethod",
            )
        )
    if checkout.guest and not (checkout.email or "").strip():
        problems.append(
            ("not blank constraint", "This value should not be blank.", "/data/attributes/email")
        )
    if checkout.line_items == 0:
        problems.append(
            (
                "count constraint",
                "This collection should contain 1 element or more.",
                "/data/relationships/lineItems/data",
            )
        )
    return [
        {"status": "400", "title": title, "detail": detail, "source": {"pointer": pointer}}
        for title, detail, pointer in problems
    ]
