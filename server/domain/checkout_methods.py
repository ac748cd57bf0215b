"""The checkout's shipping and payment methods (reference §18, §21): fixed in the sandbox, as
Oro's shipping and payment rules would offer them; ``server.domain.checkout`` offers them once a
checkout has a shipping (a billing) address. ``oro_paypal_express_1`` is the sandbox's redirect
method in the place of PayPal Express (the payer approves or declines on a sandbox page)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["PAYMENT_METHOD", "PAYMENT_METHODS", "SHIPPING_METHODS", "shipping_cost"]


@dataclass(frozen=True)
class ShippingType:
    id: str
    label: str
    cost: int  # in 1/10000 of the checkout's currency, per checkout


@dataclass(frozen=True)
class ShippingMethod:
    id: str
    label: str
    types: tuple[ShippingType, ...]


@dataclass(frozen=True)
class PaymentMethod:
    id: str
    label: str
    subresource: str  # the sub-resource that pays with it, e.g. paymentPaymentTerm
    options: Mapping[str, Any]
    redirect: bool = False  # the payer approves on the provider's page first


SHIPPING_METHODS = (
    ShippingMethod("flat_rate_6", "Flat Rate", (ShippingType("primary", "Flat Rate", 100_000),)),
    ShippingMethod(
        "ups_3",
        "UPS",
        (
            ShippingType("03", "UPS Ground", 150_000),
            ShippingType("02", "UPS 2nd Day Air", 300_000),
        ),
    ),
)
PAYMENT_TERM, REDIRECT = "payment_term_1", "oro_paypal_express_1"
PAYMENT_METHODS = (
    PaymentMethod(PAYMENT_TERM, "Payment Term", "paymentPaymentTerm", {"paymentTerm": "net 30"}),
    PaymentMethod(
        REDIRECT,
        "PayPal Express (sandbox)",
        "paymentPayPalExpress",
        {"sandbox": True},
        redirect=True,
    ),
)
PAYMENT_METHOD = {m.id: m for m in PAYMENT_METHODS}
PAYMENT_SUBRESOURCES = frozenset(m.subresource for m in PAYMENT_METHODS)


def shipping_cost(method: str | None, type_: str | None) -> int | None:
    """The cost of a shipping method's type (None: not one of them)."""
    for shipping in SHIPPING_METHODS:
        for kind in shipping.types:
            if shipping.id == method and kind.id == type_:
                return kind.cost
    return None
