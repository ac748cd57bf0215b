"""The checkout's own sub-resources (Oro's CheckoutBundle ``api_frontend.yml``): the available
addresses and methods, the payment readiness document, the payments and the coupons — declared
with the shapes of their documents; ``server.actions.checkout``, ``server.actions.payment`` and
``server.actions.coupons`` serve them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from server.domain.checkout_totals import objects_schema
from server.metadata.model import SubResource

__all__ = ["CHECKOUT_SUBRESOURCES"]


def _available(name: str, what: str, action: str, shape: Mapping[str, Any]) -> SubResource:
    return SubResource(
        name,
        (("GET", action),),
        f"The {what} available for the checkout.",
        many=True,
        shape=shape,
    )


ADDRESS_SHAPE = {
    "type": "checkoutavailableaddresses",
    "attributes": {"group": {"type": "string"}, "title": {"type": "string"}},
    "relationships": {"address": ("customeraddresses", "customeruseraddresses")},
}
SHIPPING_SHAPE = {
    "type": "checkoutavailableshippingmethods",
    "attributes": {
        "label": {"type": "string"},
        "types": objects_schema(
            {
                "id": {"type": "string"},
                "label": {"type": "string"},
                "shippingCost": {"type": "string", "format": "money"},
                "currency": {"type": "string"},
            }
        ),
    },
}
PAYMENT_SHAPE = {
    "type": "checkoutavailablepaymentmethods",
    "attributes": {"label": {"type": "string"}, "options": {"type": "object"}},
}
PAYMENT_RESPONSE = {
    "meta": {
        "message": {"type": "string"},
        "paymentUrl": {"type": ["string", "null"]},
        "errors": {"type": "array", "items": {"type": "object"}},
    }
}

CHECKOUT_SUBRESOURCES = (
    _available(
        "availableBillingAddresses", "billing addresses", "checkout_addresses", ADDRESS_SHAPE
    ),
    _available(
        "availableShippingAddresses", "shipping addresses", "checkout_addresses", ADDRESS_SHAPE
    ),
    _available(
        "availableShippingMethods",
        "shipping methods (once it has a shipping address)",
        "checkout_shipping_methods",
        SHIPPING_SHAPE,
    ),
    _available(
        "availablePaymentMethods",
        "payment methods (once it has a billing address)",
        "checkout_payment_methods",
        PAYMENT_SHAPE,
    ),
    SubResource(
        "payment",
        (("GET", "checkout_payment"),),
        "Whether the checkout is ready for payment: a meta document with a message, the URL"
        " to pay at (paymentUrl) and, when it is not ready, the errors.",
        shape=PAYMENT_RESPONSE,
    ),
    SubResource(
        "paymentPaymentTerm",
        (("POST", "checkout_pay"),),
        "Pay with the payment term: places the order, completes the checkout and answers with"
        " the order.",
    ),
    SubResource(
        "paymentPayPalExpress",
        (("POST", "checkout_pay"),),
        "Pay with the sandbox's redirect method (oro_paypal_express_1, in the place of PayPal"
        " Express). The first request answers 400 'payment action constraint' with"
        " meta.data.purchaseRedirectUrl, the page where the payer approves or declines; the"
        " next one completes the checkout (the order) or fails.",
        request="meta",
        example={
            "meta": {
                "successUrl": "https://example.com/checkout/success",
                "failureUrl": "https://example.com/checkout/failure",
            }
        },
    ),
    SubResource(
        "coupons",
        (("POST", "checkout_coupon"), ("DELETE", "checkout_coupon")),
        "Apply (POST) or remove (DELETE) a coupon: the checkout, with its discount in totals.",
        returns="checkouts",
        request="meta",
        example={"meta": {"couponCode": "SALE25"}},
    ),
)
