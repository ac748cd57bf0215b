"""The storefront's demo data, deterministic like the back-office's (``server.domain.seed``):
websites, localizations, currencies, customer users and addresses.

The layout, which tests and documentation may rely on:

- localization 1 "English (United States)" and 2 "German (Germany)"; currencies USD and EUR;
- website 1 "Oro Demo Store" (organization 1: English, USD) and website 2 "Acme Retail Store"
  (organization 2: German, EUR);
- every customer ``c`` of the back-office demo has two customer users: ``2c - 1``, its
  administrator, and ``2c``, a buyer; each has one address, and so has each customer;
- every product has a German name and description (localization 2), word for word, and a
  price in USD and in EUR (at 0.92 EUR per USD);
- product units ``item`` and ``set``; every customer user has a shopping list "Shopping List" (their
  default) with two or three items of their organization's products, and every administrator a
  second one, "Office Reorder", with one item;
- checkout 1: customer user 1's, started from their default shopping list (list 1), with its
  items and both addresses (checkout addresses 1 and 2, copies of customer user address 1), no
  shipping or payment method chosen yet;
- every order of the back-office demo was placed by a customer user of its customer: its buyer,
  every fourth order (id a multiple of 4) its administrator;
- every customer user's password is :data:`CUSTOMER_PASSWORD` (one hash for all: seeding
  200 Argon2 hashes would slow every start of an empty database); emails are
  ``first.last{id}@example.com``; the server's banner lists the first ones.
"""

from __future__ import annotations

import random

import sqlalchemy as sa

from server.auth.oauth.seed import CUSTOMER_PASSWORD, seed_applications
from server.auth.passwords import hash_password
from server.domain.seed import REFERENCE
from server.domain.vocabulary import FEMALE_NAMES, LAST_NAMES, MALE_NAMES
from server.metadata.model import Registry
from server.storage.bulk import BulkWriter, Row
from server.storage.tables import Schema

__all__ = [
    "CUSTOMER_PASSWORD",
    "LOCALIZATIONS",
    "WEBSITES",
    "seed_storefront",
    "storefront_seeded",
]

ADMINISTRATOR, BUYER = "ROLE_FRONTEND_ADMINISTRATOR", "ROLE_FRONTEND_BUYER"
LOCALIZATIONS = (
    {
        "id": 1,
        "title": "English (United States)",
        "languageCode": "en",
        "formattingCode": "en_US",
        "rtlMode": False,
    },
    {
        "id": 2,
        "title": "German (Germany)",
        "languageCode": "de",
        "formattingCode": "de_DE",
        "rtlMode": False,
    },
)
CURRENCIES = (
    {"id": "USD", "name": "US Dollar", "symbol": "$"},
    {"id": "EUR", "name": "Euro", "symbol": "€"},
)
# (id, name, organization, default localization, default currency)
WEBSITES = ((1, "Oro Demo Store", 1, 1, "USD"), (2, "Acme Retail Store", 2, 2, "EUR"))
REFERENCE_STAMP = REFERENCE.strftime("%Y-%m-%dT%H:%M:%SZ")
STREETS = ("Main Street", "Oak Avenue", "Market Street", "Park Lane", "Hauptstraße", "Elm Road")
CITIES = (("US", "US-CA", "Los Angeles"), ("US", "US-NY", "New York"), ("DE", None, "Berlin"))


def customer_user_id(customer_id: int, administrator: bool) -> int:
    return 2 * customer_id - 1 if administrator else 2 * customer_id


def _email(first: str, last: str, user_id: int) -> str:
    return f"{first}.{last}{user_id}@example.com".lower()


def _address(rng: random.Random, index: int, first: str, last: str, company: str) -> Row:
    country, region, city = CITIES[index % len(CITIES)]
    return {
        "label": "Primary address",
        "street": f"{rng.randint(1, 999)} {rng.choice(STREETS)}",
        "street2": None,
        "city": city,
        "postalCode": f"{rng.randint(10000, 99999)}",
        "organization": company,
        "firstName": first,
        "lastName": last,
        "phone": f"+1-555-{rng.randint(1000, 9999)}",
        "primary": True,
        "country": country,
        "region": region,
        "createdAt": REFERENCE_STAMP,
        "updatedAt": REFERENCE_STAMP,
    }


# the German names of the demo's product words (server/domain/vocabulary.py)
GERMAN = {
    "Classic": "Klassischer",
    "Premium": "Premium-",
    "Lightweight": "Leichter",
    "Heavy-Duty": "Robuster",
    "Slim Fit": "Schmaler",
    "Comfort": "Komfort-",
    "Stretch": "Stretch-",
    "Waterproof": "Wasserdichter",
    "Breathable": "Atmungsaktiver",
    "Insulated": "Isolierter",
    "Ergonomic": "Ergonomischer",
    "Antimicrobial": "Antimikrobieller",
    "Unisex": "Unisex-",
    "Women's": "Damen-",
    "Men's": "Herren-",
    "Deluxe": "Deluxe-",
    "Lab Coat": "Laborkittel",
    "Scrub Top": "Kasack",
    "Scrub Pants": "OP-Hose",
    "Nursing Shoes": "Pflegeschuh",
    "Chef Jacket": "Kochjacke",
    "Apron": "Schürze",
    "Work Gloves": "Arbeitshandschuh",
    "Safety Goggles": "Schutzbrille",
    "Headlamp": "Stirnlampe",
    "Stethoscope": "Stethoskop",
    "Clog": "Clog",
    "Polo Shirt": "Poloshirt",
    "Fleece Jacket": "Fleecejacke",
    "Compression Socks": "Kompressionsstrumpf",
    "Tool Belt": "Werkzeuggürtel",
    "Hard Hat": "Schutzhelm",
    "Rain Poncho": "Regenponcho",
    "Badge Reel": "Ausweisjojo",
}
GERMAN_DESCRIPTION = "{name}, gemacht für den professionellen Alltag."


def german(name: str) -> str:
    """A demo product name in German: its adjective and noun translated word for word."""
    for adjective in sorted((w for w in GERMAN if name.startswith(w + " ")), key=len)[-1:]:
        noun = name[len(adjective) + 1 :]
        translated = GERMAN.get(noun, noun)
        joined = "" if GERMAN[adjective].endswith("-") else " "
        return f"{GERMAN[adjective]}{joined}{translated}"
    return name


def _localized_products(connection: sa.Connection, schema: Schema) -> None:
    """German names and descriptions of every product (localization 2); English is the
    products' own value."""
    products = schema.tables["products"]
    names, descriptions = [], []
    rows = connection.execute(
        sa.select(products.c.id, products.c.name, products.c.description).order_by(products.c.id)
    )
    for id_, name, description in rows:
        local = german(name)
        names.append({"owner_id": id_, "localization_id": 2, "value": local})
        if description is not None:
            text = GERMAN_DESCRIPTION.format(name=local)
            descriptions.append({"owner_id": id_, "localization_id": 2, "value": text})
    if names:
        connection.execute(sa.insert(schema.localized[("products", "name")]), names)
    if descriptions:
        connection.execute(sa.insert(schema.localized[("products", "description")]), descriptions)


EUR_PER_USD = 0.92  # the demo's fixed rate


def _prices(connection: sa.Connection, schema: Schema) -> None:
    """A price of every product in USD and in EUR (stored as 1/10000 of the unit)."""
    products = schema.tables["products"]
    rng = random.Random("oro-sandbox:storefront:prices")
    rows = []
    for id_ in connection.scalars(sa.select(products.c.id).order_by(products.c.id)):
        usd = rng.randint(199, 49_999)  # cents
        eur = round(usd * EUR_PER_USD)
        rows.append({"owner_id": id_, "currency": "USD", "value": usd * 100})
        rows.append({"owner_id": id_, "currency": "EUR", "value": eur * 100})
    if rows:
        connection.execute(sa.insert(schema.priced[("products", "price")]), rows)


UNITS = ({"id": "item", "defaultPrecision": 0}, {"id": "set", "defaultPrecision": 0})


def _shopping_lists(
    write: BulkWriter, connection: sa.Connection, schema: Schema, users: list[Row]
) -> tuple[list[Row], list[Row]]:
    """The demo's shopping lists (see the module's layout), items of the customer's catalog."""
    write.insert("productunits", [dict(row) for row in UNITS])
    products, customers = schema.tables["products"], schema.tables["customers"]
    catalog: dict[int, list[int]] = {}
    for id_, org in connection.execute(
        sa.select(products.c.id, products.c.organization_id).order_by(products.c.id)
    ):
        catalog.setdefault(org, []).append(id_)
    organization_of = dict(
        (row.id, row.organization_id)
        for row in connection.execute(sa.select(customers.c.id, customers.c.organization_id))
    )
    rng = random.Random("oro-sandbox:storefront:shopping-lists")
    lists: list[Row] = []
    items: list[Row] = []
    for user in users:
        offer = catalog.get(organization_of[user["customer"]], [])
        administrator = user["id"] % 2 == 1
        names = ("Shopping List", "Office Reorder") if administrator else ("Shopping List",)
        for name, count in zip(names, (rng.choice((2, 3)), 1), strict=False):
            list_id = len(lists) + 1
            lists.append(
                {
                    "id": list_id,
                    "name": name,
                    "notes": None,
                    "customerUser": user["id"],
                    "customer": user["customer"],
                    "createdAt": user["createdAt"],
                    "updatedAt": user["createdAt"],
                }
            )
            for product in rng.sample(offer, min(count, len(offer))):
                items.append(
                    {
                        "id": len(items) + 1,
                        "quantity": float(rng.randint(1, 10)),
                        "notes": None,
                        "shoppingList": list_id,
                        "product": product,
                        "unit": rng.choice(("item", "item", "set")),
                        "createdAt": user["createdAt"],
                        "updatedAt": user["createdAt"],
                    }
                )
    write.insert("shoppinglists", lists)
    write.insert("shoppinglistitems", items)
    return lists, items


def _checkouts(write: BulkWriter, lists: list[Row], items: list[Row], addresses: list[Row]) -> None:
    """Checkout 1: customer user 1's, from their default shopping list, with its items and
    both addresses (copies of their address); no methods chosen yet, not paid."""
    if not lists:
        return
    source, address = lists[0], addresses[0]
    user = source["customerUser"]
    copy = {k: v for k, v in address.items() if k not in ("id", "customerUser", "primary")}
    write.insert(
        "checkoutaddresses",
        [
            {**copy, "id": id_, "customerUserAddress": address["id"], "customerUser": user}
            | {"customer": source["customer"]}
            for id_ in (1, 2)
        ],
    )
    write.insert(
        "checkouts",
        [
            {
                "id": 1,
                "customerUser": user,
                "customer": source["customer"],
                "source": source["id"],
                "billingAddress": 1,
                "shippingAddress": 2,
                "createdAt": source["createdAt"],
                "updatedAt": source["createdAt"],
            }
        ],
    )
    write.insert(
        "checkoutlineitems",
        [
            {
                "id": n,
                "quantity": item["quantity"],
                "checkout": 1,
                "product": item["product"],
                "productUnit": item["unit"],
                "createdAt": item["createdAt"],
                "updatedAt": item["updatedAt"],
            }
            for n, item in enumerate(
                (i for i in items if i["shoppingList"] == source["id"]), start=1
            )
        ],
    )


def storefront_seeded(connection: sa.Connection, schema: Schema) -> bool:
    website = schema.auth.website
    return connection.execute(sa.select(website.c.id).limit(1)).first() is not None


def _placed_by(connection: sa.Connection, schema: Schema) -> None:
    """Every order without a customer user was placed by its customer's buyer, every fourth
    (id a multiple of 4) by its administrator."""
    orders = schema.tables["orders"]
    administrator = 2 * orders.c.customer_id - 1  # (customer_user_id's layout, in SQL)
    buyer = 2 * orders.c.customer_id
    placed_by = sa.case((orders.c.id % 4 == 0, administrator), else_=buyer)
    connection.execute(
        orders.update()
        .where(orders.c.customer_user_id.is_(None))
        .values(customer_user_id=placed_by)
    )


def seed_storefront(connection: sa.Connection, registry: Registry, schema: Schema) -> None:
    """Insert the storefront's demo data (the back-office's customers must be there)."""
    write = BulkWriter(connection, registry, schema)
    write.insert("localizations", [dict(row) for row in LOCALIZATIONS])
    write.insert("currencies", [dict(row) for row in CURRENCIES])
    connection.execute(
        sa.insert(schema.auth.website),
        [
            {
                "id": id_,
                "name": name,
                "organization_id": org,
                "localization_id": loc,
                "currency": cur,
                "api_enabled": True,
                "guest_api_enabled": True,
            }
            for id_, name, org, loc, cur in WEBSITES
        ],
    )
    customers = schema.tables["customers"]
    rng = random.Random("oro-sandbox:storefront")
    users: list[Row] = []
    user_addresses: list[Row] = []
    customer_addresses: list[Row] = []
    credentials = []
    password_hash = hash_password(CUSTOMER_PASSWORD)
    rows = connection.execute(
        sa.select(customers.c.id, customers.c.name, customers.c.created_at).order_by(customers.c.id)
    )
    for customer_id, company, created in rows:
        for administrator in (True, False):
            user_id = customer_user_id(customer_id, administrator)
            female = rng.random() < 0.5
            first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
            last = rng.choice(LAST_NAMES)
            users.append(
                {
                    "id": user_id,
                    "email": _email(first, last, user_id),
                    "firstName": first,
                    "lastName": last,
                    "enabled": True,
                    "confirmed": True,
                    "customer": customer_id,
                    "createdAt": created,
                    "updatedAt": created,
                }
            )
            credentials.append(
                {
                    "customer_user_id": user_id,
                    "password_hash": password_hash,
                    "role": ADMINISTRATOR if administrator else BUYER,
                }
            )
            user_addresses.append(
                {"id": user_id, "customerUser": user_id}
                | _address(rng, user_id, first, last, company)
            )
        customer_addresses.append(
            {"id": customer_id, "customer": customer_id}
            | _address(rng, customer_id, users[-2]["firstName"], users[-2]["lastName"], company)
        )
    write.insert("customerusers", users)
    write.insert("customeruseraddresses", user_addresses)
    write.insert("customeraddresses", customer_addresses)
    if credentials:
        connection.execute(sa.insert(schema.auth.customer_credential), credentials)
    _localized_products(connection, schema)
    _prices(connection, schema)
    lists, items = _shopping_lists(write, connection, schema, users)
    _checkouts(write, lists, items, user_addresses)
    _placed_by(connection, schema)
    seed_applications(connection, schema)  # the storefront's, in a database made before it
