"""The deterministic demo organisation: same ids and values on every machine, every run.

Each family of resources draws from its own ``random.Random`` seeded with a fixed string, and every
date is relative to :data:`REFERENCE` (never the clock), so a change in one family leaves the others
as they were. Rows are written in their stored form (see ``server.metadata.types``): datetimes as
``YYYY-MM-DDTHH:MM:SSZ`` text, money as integers of 1/10000, product weight as integers of 1/1000.

The layout, which tests and documentation may rely on:

- organization 1 "Oro Demo Inc" (business units 1-5, users 1-16 and 21-30) and organization 2
  "Acme Retail" (business unit 6, users 17-20);
- user 1 is ``admin`` (John Doe, Administrator); users 6 and 7 are the ones of Oro's filter example;
  users 21-30 are recent hires that own nothing and that no record refers to;
- accounts and customers whose id is a multiple of 10 belong to organization 2, as do their contacts
  and orders, and products 181-200;
- coupons ``SALE25`` (25 %), ``TENOFF`` ($10), ``WELCOME5`` (once per customer user; user 2 has
  used it), ``SUMMER2025`` (expired), ``NEXTYEAR`` (not started), ``PAUSED10`` (disabled),
  ``FIRST100`` (used up) in organization 1 and ``ACME10`` in organization 2
  (``server.domain.coupons.DEMO_COUPONS``);
- ``scale`` multiplies accounts (300), contacts (600) and orders (2,000, with 1-5 line items each).
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from server.domain.coupons import DEMO_COUPONS, USES, USES_BY
from server.domain.vocabulary import (
    ACME,
    ACME_UNIT,
    ADMINISTRATOR,
    BUSINESS_UNITS,
    CARRIERS,
    COMPANY_SUFFIXES,
    COMPANY_TRADES,
    COMPANY_WORDS,
    CONTACT_SOURCES,
    COUNTRIES,
    DELIVERY_TIMES,
    DISABLED_USERS,
    DOCUMENTED_LOGINS,
    EMAIL_DOMAINS,
    FEMALE_NAMES,
    JOB_TITLES,
    LAST_NAMES,
    MALE_NAMES,
    MIDDLE_NAMES,
    ORDER_STATUSES,
    ORGANIZATIONS,
    PREFIXES,
    PRODUCT_ADJECTIVES,
    PRODUCT_NOUNS,
    PRODUCT_TAGS,
    READ_ONLY,
    REGIONS,
    SALES_MANAGER,
    SALES_REP,
    SALES_TEAM,
    STAFF,
    STATUS_WEIGHTS,
    SUFFIXES,
    SUPPORT_UNIT,
    TASK_PRIORITIES,
    TASK_SUBJECTS,
    TASKS,
    TAX_JURISDICTION_ZIP_CODES,
    TAX_JURISDICTIONS,
    TIMES_CONTACTED,
    USER_ROLES,
    WEIGHT_UNITS,
)
from server.metadata.model import Registry
from server.storage.bulk import BATCH, BulkWriter, Row
from server.storage.tables import Schema

__all__ = ["REFERENCE", "seed"]

SEED = "oro-api-sandbox"
REFERENCE = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
DAY = 86_400

ACCOUNTS_PER_SCALE = 300
ORDERS_PER_SCALE = 2000
CUSTOMERS = 100
PRODUCTS = 200
MAIN_ORG_USERS = (*range(1, 17),)
ACME_USERS = (17, 18, 19, 20)
OWNERS = {1: MAIN_ORG_USERS, ACME: ACME_USERS}  # users that may own records, by organization
ACME_PRODUCTS = range(181, PRODUCTS + 1)


def _ts(year: int, month: int = 1, day: int = 1) -> int:
    return int(dt.datetime(year, month, day, tzinfo=dt.UTC).timestamp())


NOW = int(REFERENCE.timestamp())
ACCOUNTS_START = _ts(2023, 1, 16)


def _stamp(ts: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def _date(ts: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(ts))


def _between(rng: random.Random, start: int, end: int) -> int:
    return rng.randint(start, end - 1)


def _timeline(rng: random.Random, index: int, count: int, start: int, end: int = NOW) -> int:
    """The ``index``-th (from 0) of ``count`` moments spread over ``[start, end)``."""
    step = (end - start) // count
    return start + index * step + rng.randrange(step)


def _created_updated(rng: random.Random, created: int) -> dict[str, str]:
    updated = min(created + rng.randint(0, 90 * DAY), NOW - 1)
    return {"createdAt": _stamp(created), "updatedAt": _stamp(updated)}


def _maybe(rng: random.Random, chance: float, value: Any) -> Any:
    """``value`` with probability ``chance``, else ``None``."""
    return value if rng.random() < chance else None


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _org_of(record_id: int) -> int:
    """Accounts and customers: every tenth belongs to the second organization."""
    return ACME if record_id % 10 == 0 else 1


# --- rows --------------------------------------------------------------------------------------


@dataclass
class _Demo:
    """What later families need to know about earlier ones."""

    accounts_by_org: dict[int, list[int]] = field(default_factory=lambda: {1: [], ACME: []})
    customers_by_org: dict[int, list[int]] = field(default_factory=lambda: {1: [], ACME: []})
    products_by_org: dict[int, list[tuple[int, str, str, int]]] = field(
        default_factory=lambda: {1: [], ACME: []}
    )  # (id, sku, name, unit price)


def _organizations() -> list[Row]:
    return [dict(row) for row in ORGANIZATIONS]


def _business_units(rng: random.Random) -> list[Row]:
    rows = []
    for index, (unit_id, name, org, parent, domain) in enumerate(BUSINESS_UNITS):
        slug = name.lower().replace(" ", "-")
        rows.append(
            {
                "id": unit_id,
                "name": name,
                "organization": org,
                "owner": parent,
                "phone": f"+1-{rng.randint(200, 989)}-555-{rng.randint(100, 199):04d}",
                "website": f"https://{domain}/{slug}" if unit_id != 1 else f"https://{domain}",
                "email": f"{slug}@{domain}",
                "fax": _maybe(rng, 0.4, f"+1-800-555-{unit_id:04d}"),
                **_created_updated(rng, _timeline(rng, index, 6, _ts(2023, 1, 2), _ts(2024, 6))),
            }
        )
    return rows


def _user_roles() -> list[Row]:
    return [
        {
            "id": role_id,
            "label": label,
            "role": role,
            "organization": org,
            "extendDescription": description,
        }
        for role_id, label, role, org, description in USER_ROLES
    ]


def _person(rng: random.Random, first: str, last: str, gender: str) -> Row:
    return {
        "namePrefix": _maybe(rng, 0.3, rng.choice(PREFIXES[gender])),
        "firstName": first,
        "middleName": _maybe(rng, 0.35, rng.choice(MIDDLE_NAMES)),
        "lastName": last,
        "nameSuffix": _maybe(rng, 0.08, rng.choice(SUFFIXES)),
        "birthday": _maybe(rng, 0.75, _date(_between(rng, _ts(1960), _ts(2002)))),
    }


def _login(rng: random.Random, user_id: int, first: str, last: str) -> tuple[str, str]:
    """Username and email in the style of Oro's demo data (a unique suffix on each)."""
    if user_id in DOCUMENTED_LOGINS:
        return DOCUMENTED_LOGINS[user_id]
    base = f"{first}.{last}".lower()
    domain = rng.choice(EMAIL_DOMAINS)
    return f"{base}_{rng.getrandbits(20):05x}", f"{base}_{rng.getrandbits(20):05x}@{domain}"


def _job_title(rng: random.Random, unit: int, roles: tuple[int, ...]) -> str:
    if SALES_MANAGER in roles:
        return "Sales Manager"
    if unit == SUPPORT_UNIT:
        return "Support Engineer"
    return rng.choice(("Sales Representative", "Account Executive", "Inside Sales Rep"))


def _users(rng: random.Random) -> tuple[list[Row], list[tuple[int, int]], list[tuple[int, int]]]:
    """Users with their business-unit and role links."""
    rows: list[Row] = [
        {
            "id": 1,
            "username": "admin",
            "email": "admin@example.com",
            "firstName": "John",
            "lastName": "Doe",
            "phone": "+1-212-555-0100",
            "enabled": True,
            "lastLogin": "2026-05-31T17:42:10Z",
            "loginCount": 1348,
            "owner": 1,
            "organization": 1,
            "createdAt": "2023-01-02T09:00:00Z",
            "updatedAt": "2026-05-31T17:42:10Z",
        }
    ]
    units, roles = [(1, 1)], [(1, ADMINISTRATOR)]
    for user_id, (first, last, gender) in enumerate(STAFF, start=2):
        hire = user_id > 20
        unit, user_roles = SALES_TEAM.get(user_id, (rng.randint(1, 5), (SALES_REP,)))
        if hire:
            user_roles = (rng.choice((SALES_REP, SALES_REP, READ_ONLY)),)
        if hire:
            created = _timeline(rng, user_id - 21, 10, _ts(2026, 5), _ts(2026, 5, 29))
        else:
            created = _timeline(rng, user_id - 2, 19, _ts(2023, 1, 9), _ts(2025, 12))
        logged_in = _maybe(rng, 0.4 if hire else 0.9, _between(rng, created, NOW))
        days = (NOW - created) // DAY
        username, email = _login(rng, user_id, first, last)
        rows.append(
            {
                "id": user_id,
                "username": username,
                "email": email,
                **_person(rng, first, last, gender),
                "title": _maybe(rng, 0.75, _job_title(rng, unit, user_roles)),
                "phone": _maybe(
                    rng, 0.8, f"+1-{rng.randint(200, 989)}-555-{rng.randint(100, 199):04d}"
                ),
                "enabled": user_id not in DISABLED_USERS,
                "lastLogin": _stamp(logged_in) if logged_in else None,
                "loginCount": rng.randint(1, 1 + days * 2) if logged_in else None,
                "owner": unit,
                "organization": ACME if unit == ACME_UNIT else 1,
                "createdAt": _stamp(created),
                "updatedAt": _stamp(max(created, logged_in or created)),
            }
        )
        units.append((user_id, unit))
        if rng.random() < 0.2 and unit != ACME_UNIT:
            units.append((user_id, 1 if unit != 1 else 4))
        roles.extend((user_id, role) for role in user_roles)
    return rows, units, roles


def dictionaries() -> dict[str, list[Row]]:
    """Enum options, countries, regions and weight units: the same rows at every scale."""

    def options(entries: Iterable[tuple[str, str, int, bool]]) -> list[Row]:
        return [{"id": i, "name": n, "priority": p, "default": d} for i, n, p, d in entries]

    return {
        "contactsources": options(CONTACT_SOURCES),
        "orderstatuses": options(ORDER_STATUSES),
        "taskpriorities": options(TASK_PRIORITIES),
        "countries": [{"id": c, "iso3Code": iso3, "name": n} for c, iso3, n in COUNTRIES],
        "regions": [
            {"id": r, "code": r.split("-", 1)[1], "name": n, "country": r.split("-", 1)[0]}
            for r, n in REGIONS
        ],
        "weightunits": [{"id": u, "conversionRates": rates} for u, rates in WEIGHT_UNITS.items()],
    }


def _tasks(rng: random.Random) -> list[Row]:
    """Tasks of the main organization's people, due around the reference date (some overdue)."""
    rows = []
    for task_id in range(1, TASKS + 1):
        created = _timeline(rng, task_id - 1, TASKS, _ts(2025, 6, 1))
        owner = rng.choice(OWNERS[1])
        rows.append(
            {
                "id": task_id,
                "subject": rng.choice(TASK_SUBJECTS),
                "description": _maybe(rng, 0.5, "Details are in the last email."),
                "dueDate": _maybe(rng, 0.9, _stamp(_between(rng, created, NOW + 60 * DAY))),
                "taskPriority": rng.choice([p[0] for p in TASK_PRIORITIES]),
                "owner": owner,
                "organization": 1,
                **_created_updated(rng, created),
            }
        )
    return rows


def _tax_jurisdictions(rng: random.Random) -> list[Row]:
    return [
        {
            "id": i,
            "code": code,
            "country": country,
            "region": region,
            "regionText": text,
            "description": description,
            "zipCodes": [dict(z) for z in TAX_JURISDICTION_ZIP_CODES.get(code, ())],
            **_created_updated(rng, _timeline(rng, i - 1, len(TAX_JURISDICTIONS), _ts(2023, 2))),
        }
        for i, (code, country, region, text, description) in enumerate(TAX_JURISDICTIONS, 1)
    ]


def _company(rng: random.Random) -> str:
    return f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_TRADES)}{rng.choice(COMPANY_SUFFIXES)}"


def _accounts(rng: random.Random, scale: int, demo: _Demo) -> list[Row]:
    rows = []
    count = ACCOUNTS_PER_SCALE * scale
    for account_id in range(1, count + 1):
        org = _org_of(account_id)
        earlier = demo.accounts_by_org[org]
        referred = rng.choice(earlier) if earlier and rng.random() < 0.06 else None
        rows.append(
            {
                "id": account_id,
                "name": _company(rng),
                "description": _maybe(rng, 0.6, f"Customer since {rng.randint(2008, 2024)}."),
                "owner": rng.choice(OWNERS[org]),
                "organization": org,
                "defaultContact": None,
                "referredBy": referred,
                **_created_updated(rng, _timeline(rng, account_id - 1, count, ACCOUNTS_START)),
            }
        )
        earlier.append(account_id)
    return rows


def _contacts(
    rng: random.Random, accounts: list[Row], demo: _Demo
) -> tuple[list[Row], list[tuple[int, int]]]:
    """Two contacts per account (fills the accounts' default contacts) and the account links."""
    count = 2 * len(accounts)
    rows: list[Row] = []
    links: list[tuple[int, int]] = []
    sources = [source[0] for source in CONTACT_SOURCES]
    for account in accounts:
        account_id, org = account["id"], account["organization"]
        linked: list[int] = []
        for contact_id in (2 * account_id - 1, 2 * account_id):
            gender = rng.choice(("male", "female"))
            first = rng.choice(MALE_NAMES if gender == "male" else FEMALE_NAMES)
            last = rng.choice(LAST_NAMES)
            created = _timeline(rng, contact_id - 1, count, ACCOUNTS_START)
            contacted = rng.choice(TIMES_CONTACTED)
            last_contact = _between(rng, created, NOW) if contacted else None
            row = {
                "id": contact_id,
                **_person(rng, first, last, gender),
                "gender": gender if rng.random() < 0.85 else None,
                "description": _maybe(
                    rng, 0.3, f"Met at the {rng.randint(2019, 2025)} trade show."
                ),
                "jobTitle": _maybe(rng, 0.8, rng.choice(JOB_TITLES)),
                "primaryEmail": f"{first}.{last}{contact_id}@{rng.choice(EMAIL_DOMAINS)}".lower(),
                "primaryPhone": _maybe(
                    rng, 0.7, f"+1-{rng.randint(200, 989)}-555-{rng.randint(100, 199):04d}"
                ),
                "timesContacted": contacted,
                "lastContactedDate": _stamp(last_contact) if last_contact else None,
                "owner": account["owner"],
                "organization": org,
                "source": _maybe(rng, 0.85, rng.choice(sources)),
                "assignedTo": _maybe(rng, 0.4, rng.choice(OWNERS[org])),
                "reportsTo": linked[0] if linked and rng.random() < 0.1 else None,
                **_created_updated(rng, created),
            }
            rows.append(row)
            if rng.random() < 0.97:
                links.append((account_id, contact_id))
                linked.append(contact_id)
            if rng.random() < 0.05:  # also works for another account of the same organization
                other = rng.choice(demo.accounts_by_org[org])
                if other != account_id:
                    links.append((other, contact_id))
        if linked and rng.random() < 0.9:
            account["defaultContact"] = rng.choice(linked)
    return rows, sorted(set(links))


def _customers(rng: random.Random, demo: _Demo) -> list[Row]:
    rows = []
    for customer_id in range(1, CUSTOMERS + 1):
        org = _org_of(customer_id)
        earlier = demo.customers_by_org[org]
        rows.append(
            {
                "id": customer_id,
                "name": _company(rng),
                "owner": rng.choice(OWNERS[org]),
                "organization": org,
                "parent": rng.choice(earlier) if earlier and rng.random() < 0.2 else None,
                **_created_updated(rng, _timeline(rng, customer_id - 1, CUSTOMERS, _ts(2023, 3))),
            }
        )
        earlier.append(customer_id)
    return rows


def _products(rng: random.Random, demo: _Demo) -> list[Row]:
    rows, skus = [], set()
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    for product_id in range(1, PRODUCTS + 1):
        sku = ""
        while not sku or sku in skus:
            pair = rng.choice(letters) + rng.choice(letters)
            sku = f"{rng.randint(1, 9)}{pair}{rng.randint(10, 99)}"
        skus.add(sku)
        org = ACME if product_id in ACME_PRODUCTS else 1
        name = f"{rng.choice(PRODUCT_ADJECTIVES)} {rng.choice(PRODUCT_NOUNS)}"
        weighed = rng.random() < 0.9
        rows.append(
            {
                "id": product_id,
                "sku": sku,
                "name": name,
                "description": _maybe(rng, 0.8, f"{name}, made for everyday professional use."),
                "status": "enabled" if rng.random() < 0.9 else "disabled",
                "featured": rng.random() < 0.15,
                "weight": rng.randint(50, 25_000) if weighed else None,
                "weightUnit": rng.choice(("kg", "kg", "lbs", "g", "oz")) if weighed else None,
                "gtin": rng.randint(10**12, 10**14 - 1),
                "tags": rng.sample(PRODUCT_TAGS, rng.randint(0, 3)),
                "owner": ACME_UNIT if org == ACME else rng.randint(1, 5),
                "organization": org,
                **_created_updated(rng, _timeline(rng, product_id - 1, PRODUCTS, _ts(2023, 1, 20))),
            }
        )
        demo.products_by_org[org].append((product_id, sku, name, rng.randint(199, 49_999) * 100))
    return rows


def _tracking(rng: random.Random) -> dict[str, str]:
    return {"carrier": rng.choice(CARRIERS), "trackingNumber": f"1Z{rng.getrandbits(40):010X}"}


def _orders(rng: random.Random, scale: int, demo: _Demo) -> Iterator[tuple[list[Row], list[Row]]]:
    """Orders and their line items, a batch at a time; ids follow creation time."""
    count = ORDERS_PER_SCALE * scale
    statuses = [status[0] for status in ORDER_STATUSES]
    orders: list[Row] = []
    items: list[Row] = []
    item_id = 0
    for order_id in range(1, count + 1):
        customer = rng.randint(1, CUSTOMERS)
        org = _org_of(customer)
        currency = "USD" if rng.random() < 0.85 else "EUR"
        subtotal = 0
        for _ in range(rng.randint(1, 5)):
            item_id += 1
            product_id, sku, name, price = rng.choice(demo.products_by_org[org])
            unit = "item" if rng.random() < 0.8 else "set"
            quantity = float(rng.randint(1, 10)) if unit == "item" else rng.randint(1, 8) / 2
            subtotal += round(quantity * price)
            items.append(
                {
                    "id": item_id,
                    "order": order_id,
                    "product": product_id,
                    "productSku": sku,
                    "productName": name,
                    "quantity": quantity,
                    "productUnitCode": unit,
                    "value": price,
                    "currency": currency,
                    "comment": "Gift wrap, please." if rng.random() < 0.02 else None,
                }
            )
        discount = rng.choice((0.05, 0.1, 0.15, 0.2)) if rng.random() < 0.3 else None
        created = _timeline(rng, order_id - 1, count, _ts(2024), NOW - DAY)
        status = rng.choices(statuses, STATUS_WEIGHTS)[0]
        shipped = status in ("shipped", "closed")
        ship_until = _date(created + rng.randint(7, 45) * DAY)
        orders.append(
            {
                "id": order_id,
                "identifier": f"SO-{order_id:06d}",
                "poNumber": f"PO-{rng.randint(10_000, 99_999)}" if rng.random() < 0.7 else None,
                "customerNotes": "Please call before delivery." if rng.random() < 0.05 else None,
                "shipUntil": ship_until if rng.random() < 0.8 else None,
                "currency": currency,
                "subtotalValue": subtotal,
                "totalValue": subtotal - round(subtotal * discount) if discount else subtotal,
                "discountPercent": discount,
                "preferredDeliveryTime": rng.choice(DELIVERY_TIMES) if rng.random() < 0.6 else None,
                "handlingTime": rng.randint(600, 3 * DAY) if shipped else None,
                "externalId": _guid(rng),
                "trackingData": _tracking(rng) if shipped else None,
                "customer": customer,
                "status": status,
                "owner": rng.choice(OWNERS[org]),
                "organization": org,
                "createdAt": _stamp(created),
                "updatedAt": _stamp(min(created + rng.randint(0, 20 * DAY), NOW - 1)),
            }
        )
        if len(orders) == BATCH // 2:
            yield orders, items
            orders, items = [], []
    if orders:
        yield orders, items


def _coupons(write: BulkWriter, connection: sa.Connection, schema: Schema) -> None:
    """The demo coupons (``server.domain.coupons.DEMO_COUPONS``), owned by their organization's
    main business unit, with the uses they have had."""
    main_unit = {1: 1, ACME: 6}
    stamp = _stamp(_ts(2026, 5, 1))
    rows = [
        {key: value for key, value in coupon.items() if key not in ("uses", "usesBy")}
        | {"id": i, "owner": main_unit[coupon["organization"]]}
        | {"createdAt": stamp, "updatedAt": stamp}
        for i, coupon in enumerate(DEMO_COUPONS, 1)
    ]
    write.insert("coupons", rows)
    table = schema.tables["coupons"]
    for i, coupon in enumerate(DEMO_COUPONS, 1):
        uses = {USES: coupon["uses"], USES_BY: coupon["usesBy"]}
        connection.execute(table.update().where(table.c.id == i).values(uses))


def _rng(family: str) -> random.Random:
    return random.Random(f"{SEED}:{family}")


def seed(
    connection: sa.Connection, registry: Registry, schema: Schema, scale: int = 1
) -> dict[str, int]:
    """Insert the demo organisation into empty tables; return the row count per resource type."""
    if scale < 1:
        raise ValueError(f"scale must be a positive integer, got {scale!r}")
    demo = _Demo()
    write = BulkWriter(connection, registry, schema)
    write.insert("organizations", _organizations())
    write.insert("businessunits", _business_units(_rng("businessunits")))
    write.insert("userroles", _user_roles())
    users, user_units, user_roles = _users(_rng("users"))
    write.insert("users", users)
    write.link("users", "businessUnits", user_units)
    write.link("users", "userRoles", user_roles)
    for type_, rows in dictionaries().items():
        write.insert(type_, rows)
    write.insert("taxjurisdictions", _tax_jurisdictions(_rng("taxjurisdictions")))
    write.insert("tasks", _tasks(_rng("tasks")))
    accounts = _accounts(_rng("accounts"), scale, demo)
    contacts, account_contacts = _contacts(_rng("contacts"), accounts, demo)
    write.insert("accounts", accounts)
    write.insert("contacts", contacts)
    write.link("accounts", "contacts", account_contacts)
    write.insert("customers", _customers(_rng("customers"), demo))
    write.insert("products", _products(_rng("products"), demo))
    for orders, items in _orders(_rng("orders"), scale, demo):
        write.insert("orders", orders)
        write.insert("orderlineitems", items)
    _coupons(write, connection, schema)
    return write.counts
