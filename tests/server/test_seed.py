"""The demo organisation: deterministic, consistent, and stored the way the server reads it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from server.domain.resources import build_registry
from server.domain.seed import seed
from server.domain.setup import prepare_database
from server.metadata.model import Registry
from server.storage.database import create_engine
from server.storage.tables import Schema, build_schema

REGISTRY = build_registry()
SCHEMA = build_schema(REGISTRY)

Rows = dict[str, list[dict[str, Any]]]


def _seeded_engine(scale: int = 1) -> sa.Engine:
    engine = create_engine("sqlite://")
    SCHEMA.metadata.create_all(engine)
    with engine.begin() as connection:
        seed(connection, REGISTRY, SCHEMA, scale)
    return engine


def _dump(engine: sa.Engine) -> Rows:
    """Every row of every table (resources and links), in primary-key order."""
    with engine.connect() as connection:
        return {
            table.name: [
                dict(row)
                for row in connection.execute(
                    sa.select(table).order_by(*table.primary_key.columns)
                ).mappings()
            ]
            for table in SCHEMA.metadata.sorted_tables
        }


@pytest.fixture(scope="module")
def engine() -> Iterator[sa.Engine]:
    engine = _seeded_engine()
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def rows(engine: sa.Engine) -> Rows:
    return _dump(engine)


def by_type(rows: Rows, type_: str) -> list[dict[str, Any]]:
    return rows[SCHEMA.tables[type_].name]


def by_id(rows: Rows, type_: str) -> dict[Any, dict[str, Any]]:
    return {row["id"]: row for row in by_type(rows, type_)}


# --- determinism and size ----------------------------------------------------------------------


def test_seeding_twice_gives_identical_rows(rows: Rows) -> None:
    other = _seeded_engine()
    try:
        again = _dump(other)
    finally:
        other.dispose()
    assert again.keys() == rows.keys()
    for table in rows:
        assert again[table] == rows[table], table


FIXED = {
    "organizations": 2,
    "businessunits": 6,
    "userroles": 7,
    "users": 30,
    "contactsources": 5,
    "orderstatuses": 5,
    "taskpriorities": 3,
    "tasks": 200,
    "countries": 15,
    "regions": 15,
    "weightunits": 4,
    "taxjurisdictions": 13,
    "customers": 100,
    "products": 200,
    "coupons": 8,
}


@pytest.mark.parametrize(
    ("scale", "scaled"),
    [
        pytest.param(1, {"accounts": 300, "contacts": 600, "orders": 2000}, id="scale-1"),
        pytest.param(2, {"accounts": 600, "contacts": 1200, "orders": 4000}, id="scale-2"),
    ],
)
def test_counts(scale: int, scaled: dict[str, int]) -> None:
    engine = create_engine("sqlite://")
    SCHEMA.metadata.create_all(engine)
    try:
        with engine.begin() as connection:
            counts = seed(connection, REGISTRY, SCHEMA, scale)
            stored = {
                type_: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar()
                for type_, table in SCHEMA.tables.items()
            }
    finally:
        engine.dispose()
    items = counts.pop("orderlineitems")
    assert counts == FIXED | scaled
    # (customer users are the storefront's demo data: server/domain/storefront_seed.py)
    assert stored == counts | {"orderlineitems": items, "customerusers": 0}
    assert scaled["orders"] * 2.5 < items < scaled["orders"] * 3.5  # 1-5 per order, 3 on average


def test_scale_must_be_positive() -> None:
    engine = create_engine("sqlite://")
    try:
        with engine.begin() as connection, pytest.raises(ValueError, match="scale"):
            seed(connection, REGISTRY, SCHEMA, 0)
    finally:
        engine.dispose()


# --- generic invariants, derived from the metadata ---------------------------------------------


def test_integer_ids_are_contiguous_from_one(rows: Rows) -> None:
    for resource in REGISTRY:
        if resource.id_generated:
            ids = [row["id"] for row in by_type(rows, resource.type)]
            assert ids == list(range(1, len(ids) + 1)), resource.type


def _references(registry: Registry, schema: Schema) -> Iterator[tuple[str, str, str]]:
    """(table, column, target type) for every to-one column and link-table column."""
    for resource in registry:
        for rel in resource.relationships:
            if not rel.many:
                yield resource.table, rel.column, rel.target
            elif rel.link_table:
                table, link = schema.link(resource.type, rel.name)
                yield table.name, link.owner_column, resource.type
                yield table.name, link.target_column, rel.target


def test_every_reference_points_at_an_existing_row(rows: Rows) -> None:
    checked = 0
    for table, column, target in _references(REGISTRY, SCHEMA):
        existing = set(by_id(rows, target))
        values = {row[column] for row in rows[table]} - {None}
        assert values <= existing, (table, column, sorted(values - existing)[:5])
        checked += 1
    assert checked > 30


def test_required_relationships_are_set(rows: Rows) -> None:
    for resource in REGISTRY:
        for rel in resource.relationships:
            if rel.required and not rel.many:
                missing = [r["id"] for r in by_type(rows, resource.type) if r[rel.column] is None]
                assert missing == [], (resource.type, rel.name)


def test_unique_fields_are_unique(rows: Rows) -> None:
    checked = []
    for resource in REGISTRY:
        for attr in resource.attributes:
            if attr.unique:
                values = [row[attr.column] for row in by_type(rows, resource.type)]
                assert len(values) == len(set(values)), (resource.type, attr.name)
                checked.append(f"{resource.type}.{attr.name}")
    assert len(checked) >= 5  # organizations.name, users.username and .email, products.sku, ...


def test_every_value_round_trips_through_its_type_and_passes_its_rules(rows: Rows) -> None:
    """What is stored is what a client could have written: ``load(to_wire(v)) == v``."""
    for resource in REGISTRY:
        for attr in resource.attributes:
            for row in by_type(rows, resource.type):
                value = row[attr.column]
                where = (resource.type, row["id"], attr.name, value)
                if attr.required:
                    assert value not in (None, ""), where
                if value is None:
                    continue
                assert attr.type.load(attr.type.to_wire(value)) == value, where
                assert all(rule.check(value) is None for rule in attr.rules), where


STORED = {
    "datetime": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"),
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "time": re.compile(r"^\d{2}:\d{2}:\d{2}$"),
    "guid": re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"),
    "currency": re.compile(r"^(USD|EUR)$"),
}
PYTHON_TYPES: dict[str, type | tuple[type, ...]] = {
    "money": int,
    "decimal": int,
    "bigint": int,
    "integer": int,
    "duration": int,
    "float": float,
    "percent": float,
    "boolean": bool,
    "array": list,
    "json": dict,
    "string": str,
    "text": str,
    "enum": str,
}


def test_stored_formats(rows: Rows) -> None:
    seen = Counter[str]()
    for resource in REGISTRY:
        for attr in resource.attributes:
            kind = attr.type.name
            for row in by_type(rows, resource.type):
                value = row[attr.column]
                if value is None:
                    continue
                seen[kind] += 1
                if kind in STORED:
                    assert STORED[kind].match(value), (resource.type, attr.name, value)
                else:
                    assert type(value) is PYTHON_TYPES[kind], (resource.type, attr.name, value)
    assert set(seen) == set(STORED) | set(PYTHON_TYPES)  # every data type is exercised


def test_created_at_is_not_after_updated_at_nor_the_reference_date(rows: Rows) -> None:
    for resource in REGISTRY:
        if "createdAt" in resource.attribute:
            for row in by_type(rows, resource.type):
                assert row["created_at"] <= row["updated_at"] < "2026-06-01", (resource.type, row)


def test_records_only_refer_to_records_of_their_organization(rows: Rows) -> None:
    organization_of = {
        resource.type: {row["id"]: row["organization_id"] for row in by_type(rows, resource.type)}
        for resource in REGISTRY
        if "organization" in resource.relationship and resource.type != "userroles"
    }
    for resource in REGISTRY:
        if resource.type not in organization_of:
            continue
        for rel in resource.relationships:
            if rel.many or rel.target not in organization_of or rel.name == "organization":
                continue
            for row in by_type(rows, resource.type):
                target = row[rel.column]
                if target is not None:
                    assert organization_of[rel.target][target] == row["organization_id"], (
                        resource.type,
                        row["id"],
                        rel.name,
                    )


# --- the demo's documented layout ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_id", "username", "email", "first_name", "last_name"),
    [
        pytest.param(1, "admin", "admin@example.com", "John", "Doe", id="admin"),
        pytest.param(
            6,
            "jimmy.henderson_c4261",
            "jimmy.henderson_c428e@example.com",
            "Jimmy",
            "Henderson",
            id="user-6",
        ),
        pytest.param(
            7,
            "gene.cardenas_c760d",
            "gene.cardenas_c7620@yahoo.com",
            "Gene",
            "Cardenas",
            id="user-7",
        ),
    ],
)
def test_documented_users(
    rows: Rows, user_id: int, username: str, email: str, first_name: str, last_name: str
) -> None:
    user = by_id(rows, "users")[user_id]
    assert (user["username"], user["email"], user["first_name"], user["last_name"]) == (
        username,
        email,
        first_name,
        last_name,
    )
    assert user["organization_id"] == 1
    assert user["enabled"] is True


def test_admin_is_an_administrator(rows: Rows) -> None:
    roles = by_id(rows, "userroles")
    admin_roles = [link["user_role_id"] for link in rows["user_user_role"] if link["user_id"] == 1]
    assert [roles[r]["role"] for r in admin_roles] == ["ROLE_ADMINISTRATOR"]
    assert {r["role"] for r in roles.values()} >= {
        "ROLE_ADMINISTRATOR",
        "ROLE_SALES_MANAGER",
        "ROLE_SALES_REP",
    }


def test_recent_hires_are_referred_to_only_by_their_own_links(rows: Rows) -> None:
    hires = set(range(21, 31))
    assert hires <= set(by_id(rows, "users"))
    for table, column, target in _references(REGISTRY, SCHEMA):
        if target != "users":
            continue
        referring = {row[column] for row in rows[table]} & hires
        if table in ("user_business_unit", "user_user_role"):
            assert referring == hires, table  # each hire has a business unit and a role
        else:
            assert referring == set(), (table, column)


def test_users_vary(rows: Rows) -> None:
    users = by_type(rows, "users")
    assert 1 <= sum(not u["enabled"] for u in users) <= 5
    for column in ("middle_name", "title", "birthday", "last_login"):
        values = [u[column] for u in users]
        assert None in values and len(set(values) - {None}) > 3, column
    assert len({u["owner_id"] for u in users}) == 6
    managers = [link for link in rows["user_user_role"] if link["user_role_id"] == 4]
    reps = [link for link in rows["user_user_role"] if link["user_role_id"] == 5]
    assert 2 <= len(managers) < len(reps)


def test_second_organization_has_records_of_every_kind(rows: Rows) -> None:
    for type_ in (
        "businessunits",
        "users",
        "accounts",
        "contacts",
        "customers",
        "products",
        "orders",
    ):
        in_acme = [row["id"] for row in by_type(rows, type_) if row["organization_id"] == 2]
        assert in_acme, type_
    acme_users = [u["id"] for u in by_type(rows, "users") if u["organization_id"] == 2]
    assert 3 <= len(acme_users) <= 4 and max(acme_users) <= 20


def test_business_unit_tree(rows: Rows) -> None:
    units = by_id(rows, "businessunits")
    assert (units[1]["name"], units[1]["organization_id"], units[1]["owner_id"]) == (
        "Main",
        1,
        None,
    )
    children = [u for u in units.values() if u["owner_id"] == 1]
    assert len(children) >= 3
    assert [u["organization_id"] for u in units.values()].count(2) == 1


def test_accounts_and_contacts_are_linked_in_varied_ways(rows: Rows) -> None:
    accounts = by_type(rows, "accounts")
    links = rows["account_contact"]
    per_contact = Counter(link["contact_id"] for link in links)
    contacts = by_type(rows, "contacts")
    assert any(count == 2 for count in per_contact.values())  # a contact of two accounts
    assert any(c["id"] not in per_contact for c in contacts)  # a contact of no account
    linked = {(link["account_id"], link["contact_id"]) for link in links}
    defaults = [a for a in accounts if a["default_contact_id"] is not None]
    assert all((a["id"], a["default_contact_id"]) in linked for a in defaults)
    assert len(accounts) * 0.7 < len(defaults) < len(accounts)
    assert 0 < sum(a["referred_by_id"] is not None for a in accounts) < len(accounts) * 0.2
    assert any(a["description"] is None for a in accounts)
    for column in ("gender", "source_id", "birthday", "last_contacted_date", "assigned_to_id"):
        values = [c[column] for c in contacts]
        assert None in values and len(set(values)) > 2, column
    assert any(c["reports_to_id"] is not None for c in contacts)


def test_dictionaries(rows: Rows) -> None:
    sources = {s["id"]: s["name"] for s in by_type(rows, "contactsources")}
    assert sources == {
        "call": "Call",
        "email": "Email",
        "website": "Website",
        "tv": "TV",
        "other": "Other",
    }
    assert sorted(by_id(rows, "orderstatuses")) == [
        "cancelled",
        "closed",
        "open",
        "pending",
        "shipped",
    ]
    for type_ in ("contactsources", "orderstatuses"):
        assert sum(row["default"] for row in by_type(rows, type_)) == 1, type_
    regions = by_id(rows, "regions")
    assert (regions["US-CA"]["code"], regions["US-CA"]["country_id"]) == ("CA", "US")
    assert by_id(rows, "countries")["DE"]["iso3_code"] == "DEU"
    assert by_id(rows, "weightunits")["kg"]["conversion_rates"]["lbs"] == pytest.approx(2.20462)
    jurisdictions = by_type(rows, "taxjurisdictions")
    assert any(j["region_id"] for j in jurisdictions)
    assert any(j["region_text"] and not j["region_id"] for j in jurisdictions)


def test_products(rows: Rows) -> None:
    products = by_type(rows, "products")
    assert all(re.match(r"^\d[A-Z]{2}\d{2}$", p["sku"]) for p in products)
    assert all(10**12 <= p["gtin"] < 10**14 for p in products)
    assert {p["status"] for p in products} == {"enabled", "disabled"}
    assert {p["featured"] for p in products} == {True, False}
    assert all((p["weight"] is None) == (p["weight_unit_id"] is None) for p in products)


def test_orders_agree_with_their_line_items(rows: Rows) -> None:
    orders = by_id(rows, "orders")
    products = by_id(rows, "products")
    subtotals = Counter[int]()
    for item in by_type(rows, "orderlineitems"):
        order = orders[item["order_id"]]
        product = products[item["product_id"]]
        assert (item["product_sku"], item["product_name"]) == (product["sku"], product["name"])
        assert item["currency"] == order["currency"]
        assert item["product_unit_code"] in ("item", "set")
        subtotals[order["id"]] += round(item["quantity"] * item["value"])
    for order in orders.values():
        assert order["subtotal_value"] == subtotals[order["id"]], order["id"]
        discount = order["discount_percent"] or 0
        assert order["total_value"] == order["subtotal_value"] - round(
            order["subtotal_value"] * discount
        )
    assert [o["identifier"] for o in orders.values()][:2] == ["SO-000001", "SO-000002"]
    assert Counter(o["status_id"] for o in orders.values()).keys() == {
        "open",
        "pending",
        "shipped",
        "closed",
        "cancelled",
    }
    assert Counter(o["currency"] for o in orders.values()).keys() == {"USD", "EUR"}
    created = [o["created_at"] for o in orders.values()]
    assert created == sorted(created)
    assert created[0].startswith("2024-01") and created[-1].startswith("2026-05")
    for column in ("po_number", "discount_percent", "tracking_data", "ship_until"):
        values = [o[column] for o in orders.values()]
        assert None in values and any(v is not None for v in values), column


def test_json_null_is_stored_as_sql_null(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        stored = connection.exec_driver_sql(
            'SELECT tracking_data IS NULL, count(*) FROM "order" '
            "WHERE tracking_data IS NULL OR tracking_data = 'null' GROUP BY 1"
        ).all()
    assert [(bool(is_null), count > 0) for is_null, count in stored] == [(True, True)]


# --- prepare_database ----------------------------------------------------------------------------


def test_prepare_database_seeds_once_and_reset_seeds_again(tmp_path: Any) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    users = SCHEMA.tables["users"]
    try:
        assert prepare_database(engine, REGISTRY, SCHEMA) is True
        with engine.begin() as connection:
            connection.execute(users.delete().where(users.c.id == 30))
        assert prepare_database(engine, REGISTRY, SCHEMA) is False
        with engine.connect() as connection:
            assert connection.execute(sa.select(sa.func.max(users.c.id))).scalar() == 29
        assert prepare_database(engine, REGISTRY, SCHEMA, reset=True) is True
        with engine.connect() as connection:
            assert connection.execute(sa.select(sa.func.max(users.c.id))).scalar() == 30
    finally:
        engine.dispose()
