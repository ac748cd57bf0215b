"""The storefront API's resources (OroCommerce's ``api_frontend.yml`` in Python): what a buyer
and a visitor see, served by the same machinery as the back-office API under its own prefix.

A storefront resource shares the back-office's table when both name one (``customers`` reads the
``customer`` table; every column it names must be there); the others have tables of their own.
Access follows Oro's frontend ownership (``server.storage.access.FRONTEND``): a buyer sees their
own records, a customer administrator their customer's. Shopping lists
(``server.domain.shopping_lists``) and checkouts (``server.domain.checkout``) are written; the
rest is read-only, orders among them (``server.domain.storefront_orders``).
"""

from __future__ import annotations

from dataclasses import replace

from server.domain.addresses import address_attributes
from server.domain.checkout import CHECKOUT_RESOURCES, with_checkout_start
from server.domain.resources import (
    CREATED,
    CUSTOMER_USER_ATTRIBUTES,
    CUSTOMER_USER_CUSTOMER,
    READ_ONLY,
    RESOURCES,
    UPDATED,
)
from server.domain.shopping_lists import SHOPPING_LIST_RESOURCES
from server.domain.storefront_orders import STOREFRONT_ORDER_RESOURCES
from server.metadata import types as t
from server.metadata.model import Attribute as A
from server.metadata.model import Registry, Resource
from server.metadata.model import Relationship as R

STOREFRONT = "storefront"  # the API's name, as OAuth applications and tokens carry it


def _address(type_: str, table: str, description: str, owner: R) -> Resource:
    """An address book entry (Oro's AbstractAddress fields the storefront shows)."""
    return Resource(
        type_,
        table,
        description,
        (
            *address_attributes(sortable=("label", "city", "postalCode")),
            A("primary", t.BOOLEAN, "Whether it is the primary address of its owner."),
            CREATED,
            UPDATED,
        ),
        (
            owner,
            R("country", "countries", description="The country."),
            R("region", "regions", description="The region."),
        ),
        actions=READ_ONLY,
        title="{label}",
        ownership="customer" if owner.name == "customer" else "customer_user",
    )


STOREFRONT_RESOURCES = (
    Resource(
        "localizations",
        "localization",
        "A localization of the storefront: the language and formats of its texts. Send its id"
        " as X-Localization-ID to read localized values.",
        (
            A("title", t.STRING, "The localization name.", sortable=True),
            A("languageCode", t.STRING, "The language, e.g. de."),
            A("formattingCode", t.STRING, "The formats of dates and numbers, e.g. de_DE."),
            A("rtlMode", t.BOOLEAN, "Whether texts read right to left."),
        ),
        actions=READ_ONLY,
        title="{title}",
    ),
    Resource(
        "currencies",
        "currency",
        "A currency the storefront shows prices in. Send its code as X-Currency to read prices"
        " in it.",
        (
            A("name", t.STRING, "The currency name.", sortable=True),
            A("symbol", t.STRING, "The currency symbol."),
        ),
        id_type=t.STRING,
        id_generated=False,
        actions=READ_ONLY,
        title="{name}",
    ),
    Resource(
        "customers",
        "customer",
        "A customer: the company a customer user buys for.",
        (A("name", t.STRING, "The customer name.", sortable=True), CREATED, UPDATED),
        (R("parent", "customers", description="The parent customer.", on_delete="set null"),),
        actions=READ_ONLY,
        title="{name}",
        ownership="customer_self",
    ),
    Resource(
        "customerusers",
        "customer_user",
        "A customer user: a person who buys on the storefront for a customer.",
        CUSTOMER_USER_ATTRIBUTES,
        (
            CUSTOMER_USER_CUSTOMER,
            R(
                "addresses",
                "customeruseraddresses",
                many=True,
                inverse="customerUser",
                read_only=True,
                description="The addresses of the customer user.",
            ),
        ),
        actions=READ_ONLY,
        title="{firstName} {lastName}",
        ownership="customer_user_self",
    ),
    Resource(
        "products",
        "product",
        "A product of the website's catalog. Its name and description are in the request's"
        " localization (X-Localization-ID; by default the website's).",
        (
            A(
                "sku",
                t.STRING,
                "The stock keeping unit.",
                sortable=True,
                extra_operators=("starts_with", "contains"),
            ),
            A("name", t.STRING, "The product name, localized.", localized=True, filterable=False),
            A(
                "description",
                t.TEXT,
                "The long description, localized.",
                localized=True,
                filterable=False,
            ),
            A("featured", t.BOOLEAN, "Whether the product is shown as featured."),
            A(
                "price",
                t.MONEY,
                "The price of one item in the request's currency (X-Currency; by default the"
                " website's); null when the product has no price in it.",
                priced=True,
                filterable=False,
            ),
            A(
                "currencyId",
                t.CURRENCY,
                "The currency of the price.",
                request_currency=True,
                filterable=False,
            ),
            CREATED,
            UPDATED,
        ),
        actions=READ_ONLY,
        title="{sku}",
        ownership="website",
        key_header=("x-product-id", "sku", "sku"),  # the "JSON:API (SKU)" view
    ),
    _address(
        "customeraddresses",
        "customer_address",
        "An address of a customer.",
        R(
            "customer",
            "customers",
            description="The customer of the address.",
            required=True,
            on_delete="cascade",
        ),
    ),
    _address(
        "customeruseraddresses",
        "customer_user_address",
        "An address of a customer user.",
        R(
            "customerUser",
            "customerusers",
            description="The customer user of the address.",
            required=True,
            on_delete="cascade",
        ),
    ),
)

# back-office dictionaries the storefront shows as they are (Oro's storefront has them too)
SHARED = ("countries", "regions", "orderstatuses")


def build_storefront_registry() -> Registry:
    shared = [replace(r, search=None) for r in RESOURCES if r.type in SHARED]
    resources = (
        *STOREFRONT_RESOURCES,
        *SHOPPING_LIST_RESOURCES,
        *CHECKOUT_RESOURCES,
        *STOREFRONT_ORDER_RESOURCES,
        *shared,
    )
    return Registry.of(with_checkout_start(r) for r in resources)
