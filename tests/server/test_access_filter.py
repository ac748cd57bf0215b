"""server/storage/access.py: which records a rule reaches, for every kind of ownership and level.

Run on an in-memory SQLite database of seven small resources written out here (one per kind of
ownership), so that each case reads as the ids a caller sees, whatever SQL a query plan chooses.
The caller is user 100 of organization 1, in business unit 10 (with user 102).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from server.metadata import types as t
from server.metadata.access import Level, Rule
from server.metadata.model import Attribute, Registry, Relationship, Resource
from server.storage.access import AccessFilter, access_params
from server.storage.tables import Schema, build_schema

NAME = (Attribute("name", t.STRING),)
ORGANIZATION = Relationship("organization", "organizations")
REGISTRY = Registry.of(
    [
        Resource("organizations", "org", "", NAME, ownership="organization_self"),
        Resource("businessunits", "unit", "", NAME, (ORGANIZATION,), ownership="organization"),
        Resource(
            "users",
            "member",
            "",
            NAME,
            (
                ORGANIZATION,
                Relationship("businessUnits", "businessunits", many=True, link_table="member_unit"),
            ),
            ownership="organization",
        ),
        Resource(
            "notes",
            "note",
            "",
            NAME,
            (ORGANIZATION, Relationship("owner", "users")),
            ownership="user",
        ),
        Resource(
            "teams",
            "team",
            "",
            NAME,
            (ORGANIZATION, Relationship("owner", "businessunits")),
            ownership="business_unit",
        ),
        Resource(
            "comments",
            "comment",
            "",
            NAME,
            (Relationship("note", "notes"),),
            ownership="parent",
            acl_parent="note",
        ),
        Resource("currencies", "currency", "", NAME),  # shared by every organization
    ]
)
ROWS: dict[str, list[dict[str, Any]]] = {
    "org": [{"id": 1}, {"id": 2}],
    "unit": [
        {"id": 10, "organization_id": 1},
        {"id": 11, "organization_id": 1},
        {"id": 20, "organization_id": 2},
        {"id": 30, "organization_id": None},  # shared
    ],
    "member": [
        {"id": 100, "organization_id": 1},
        {"id": 101, "organization_id": 1},
        {"id": 102, "organization_id": 1},
        {"id": 200, "organization_id": 2},
    ],
    "note": [
        {"id": 1000, "organization_id": 1, "owner_id": 100},
        {"id": 1001, "organization_id": 1, "owner_id": 101},
        {"id": 1002, "organization_id": 1, "owner_id": 102},
        {"id": 2000, "organization_id": 2, "owner_id": 200},
    ],
    "team": [
        {"id": 500, "organization_id": 1, "owner_id": 10},
        {"id": 501, "organization_id": 1, "owner_id": 11},
        {"id": 600, "organization_id": 2, "owner_id": 20},
    ],
    "comment": [{"id": 7, "note_id": 1000}, {"id": 8, "note_id": 1001}, {"id": 9, "note_id": 2000}],
    "currency": [{"id": 1}, {"id": 2}],
}
UNITS = [(100, 10), (101, 11), (102, 10), (200, 20)]  # (user, business unit)


@pytest.fixture(scope="module")
def database() -> Iterator[tuple[sa.Connection, Schema]]:
    schema = build_schema(REGISTRY)
    engine = sa.create_engine("sqlite://")
    schema.metadata.create_all(engine)
    link, columns = schema.link("users", "businessUnits")
    with engine.begin() as connection:
        for name, rows in ROWS.items():
            connection.execute(schema.metadata.tables[name].insert(), rows)
        pairs = [{columns.owner_column: u, columns.target_column: b} for u, b in UNITS]
        connection.execute(link.insert(), pairs)
        yield connection, schema


def rule(level: Level, permission: str = "VIEW", **sight: Level) -> Rule:
    return Rule(level, 100, 1, (10,), permission, tuple(sight.items()))


def seen_ids(database: tuple[sa.Connection, Schema], type_: str, access: Rule | None) -> set[Any]:
    connection, schema = database
    table = schema.tables[type_]
    visible = AccessFilter(REGISTRY, schema).visible(REGISTRY[type_], table, access)
    statement = sa.select(table.c.id).where(visible)
    return set(connection.execute(statement, access_params(access)).scalars())


@pytest.mark.parametrize(
    ("type_", "access", "expected"),
    [
        pytest.param("notes", None, {1000, 1001, 1002, 2000}, id="no-rule-sees-all"),
        pytest.param("notes", rule(Level.NONE), set(), id="none"),
        pytest.param("notes", rule(Level.USER), {1000}, id="user-own"),
        pytest.param("notes", rule(Level.BUSINESS_UNIT), {1000, 1002}, id="unit-colleagues"),
        pytest.param(
            "notes", rule(Level.ORGANIZATION), {1000, 1001, 1002}, id="organization-not-other"
        ),
        pytest.param("notes", rule(Level.SYSTEM), {1000, 1001, 1002}, id="system-not-other-org"),
        pytest.param("teams", rule(Level.USER), {500}, id="unit-owned-at-user-level"),
        pytest.param("teams", rule(Level.BUSINESS_UNIT), {500}, id="unit-owned-own-units"),
        pytest.param("teams", rule(Level.ORGANIZATION), {500, 501}, id="unit-owned-organization"),
        pytest.param("comments", rule(Level.USER), {7}, id="parent-decides"),
        pytest.param("comments", rule(Level.ORGANIZATION), {7, 8}, id="parent-organization"),
        pytest.param("organizations", rule(Level.USER), {1}, id="own-organization-only"),
        pytest.param("businessunits", rule(Level.USER), {10, 11, 30}, id="organization-and-shared"),
        pytest.param(
            "businessunits",
            rule(Level.ORGANIZATION, "EDIT"),
            {10, 11},
            id="shared-changed-only-at-system",
        ),
        pytest.param(
            "businessunits", rule(Level.SYSTEM, "EDIT"), {10, 11, 30}, id="system-changes-shared"
        ),
        pytest.param("currencies", rule(Level.USER), {1, 2}, id="shared-seen-by-all"),
        pytest.param("currencies", rule(Level.SYSTEM, "EDIT"), {1, 2}, id="shared-system-edit"),
        pytest.param(
            "currencies", rule(Level.ORGANIZATION, "EDIT"), set(), id="shared-not-edited-below"
        ),
    ],
)
def test_visible(
    database: tuple[sa.Connection, Schema], type_: str, access: Rule | None, expected: set[Any]
) -> None:
    assert seen_ids(database, type_, access) == expected


@pytest.mark.parametrize(
    ("access", "expected"),
    [
        pytest.param(None, [100, 101, 102, 200], id="no-rule"),
        pytest.param(rule(Level.ORGANIZATION), [None, None, None, None], id="users-unseen"),
        pytest.param(
            rule(Level.ORGANIZATION, users=Level.ORGANIZATION),
            [100, 101, 102, None],
            id="users-of-the-organization-seen",
        ),
    ],
)
def test_a_to_one_key_to_a_hidden_record_reads_null(
    database: tuple[sa.Connection, Schema], access: Rule | None, expected: list[Any]
) -> None:
    connection, schema = database
    notes = schema.tables["notes"]
    owner = AccessFilter(REGISTRY, schema).to_one(
        notes, REGISTRY["notes"].relationship["owner"], access
    )
    statement = sa.select(owner).order_by(notes.c.id)
    assert list(connection.execute(statement, access_params(access)).scalars()) == expected


COPIES = [("notes", "note"), ("teams", "team"), ("businessunits", "unit")]


@pytest.mark.parametrize("permission", ["VIEW", "EDIT"])
@pytest.mark.parametrize("level", list(Level))
@pytest.mark.parametrize(("type_", "table_name"), COPIES)
def test_owned_on_a_copy_of_the_ownership_reaches_what_visible_does(
    database: tuple[sa.Connection, Schema],
    type_: str,
    table_name: str,
    level: Level,
    permission: str,
) -> None:
    """The search index judges access on its items' copy of owner and organization
    (``AccessFilter.owned``): the same records as on the records themselves."""
    connection, schema = database
    copy = sa.Table(
        f"copy_{table_name}",
        sa.MetaData(),
        sa.Column("record_id", sa.Integer),
        sa.Column("owner_id", sa.BigInteger),
        sa.Column("organization_id", sa.BigInteger),
    )
    copy.create(connection, checkfirst=True)
    connection.execute(copy.delete())
    rows = [
        {
            "record_id": r["id"],
            "owner_id": r.get("owner_id"),
            "organization_id": r["organization_id"],
        }
        for r in ROWS[table_name]
    ]
    connection.execute(copy.insert(), rows)
    access = rule(level, permission)
    resource = REGISTRY[type_]
    owner = copy.c.owner_id if resource.ownership != "organization" else None
    clause = AccessFilter(REGISTRY, schema).owned(resource, copy.c.organization_id, owner, access)
    statement = sa.select(copy.c.record_id).where(clause)
    found = set(connection.execute(statement, access_params(access)).scalars())
    assert found == seen_ids(database, type_, access)


def test_owned_conditions_of_one_shape_are_one_condition(
    database: tuple[sa.Connection, Schema],
) -> None:
    """``owned_shape`` tells when two types' conditions are the same (a search then reads
    them with one): every pair of one shape compiles alike, every pair of two shapes not."""
    connection, schema = database
    item = sa.table("item", sa.column("owner_id", sa.BigInteger), sa.column("organization_id"))
    access = AccessFilter(REGISTRY, schema)
    by_shape: dict[str, set[str]] = {}
    for type_, _ in COPIES:
        resource = REGISTRY[type_]
        owner = item.c.owner_id if resource.ownership != "organization" else None
        for level in Level:
            for permission in ("VIEW", "EDIT"):
                a = rule(level, permission)
                sql = str(
                    access.owned(resource, item.c.organization_id, owner, a).compile(
                        dialect=connection.dialect
                    )
                )
                by_shape.setdefault(access.owned_shape(resource, a), set()).add(sql)
    assert all(len(sqls) == 1 for sqls in by_shape.values())
    assert len({sql for sqls in by_shape.values() for sql in sqls}) == len(by_shape)
