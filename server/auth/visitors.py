"""Storefront visitors (Oro's ``CustomerVisitor``): each guest token makes one and names it, so
what a visitor creates (their shopping lists) is theirs alone, until a customer user signs in
with the visitor's token and takes it over (:func:`adopt_visitor`)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from server.metadata.model import VISITOR_COLUMN
from server.storage.tables import Schema

__all__ = ["Visitor", "adopt_visitor", "create_visitor", "find_visitor"]


@dataclass(frozen=True)
class Visitor:
    id: int
    organization_id: int


def create_visitor(
    connection: sa.Connection, schema: Schema, organization_id: int, now: int
) -> Visitor:
    table = schema.auth.customer_visitor
    inserted = connection.execute(
        sa.insert(table).values(organization_id=organization_id, created_at=now)
    )
    key = inserted.inserted_primary_key
    assert key is not None
    return Visitor(int(key[0]), organization_id)


def find_visitor(connection: sa.Connection, schema: Schema, visitor_id: int) -> Visitor | None:
    table = schema.auth.customer_visitor
    row = connection.execute(
        sa.select(table.c.id, table.c.organization_id).where(table.c.id == visitor_id)
    ).first()
    return None if row is None else Visitor(row.id, row.organization_id)


def adopt_visitor(
    connection: sa.Connection,
    schema: Schema,
    visitor: Visitor,
    customer_user_id: int,
    customer_id: int,
) -> int:
    """Move the visitor's shopping lists to the customer user (and their customer), as Oro's
    guest shopping list migration does on login; the number of lists moved."""
    lists = schema.tables["shoppinglists"]
    moved = connection.execute(
        sa.update(lists)
        .where(lists.c[VISITOR_COLUMN] == visitor.id)
        .values(
            {
                lists.c.customer_user_id: customer_user_id,
                lists.c.customer_id: customer_id,
                lists.c[VISITOR_COLUMN]: None,
            }
        )
    )
    return moved.rowcount
