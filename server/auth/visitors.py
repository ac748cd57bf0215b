"""Storefront visitors (Oro's ``CustomerVisitor``): each guest token makes one and names it, so
what a visitor creates (their shopping lists) is theirs alone, until a customer user signs in
with the visitor's token and takes it over (:func:`adopt_visitor`). Old visitors who own nothing
are deleted (:func:`delete_expired_visitors`), as Oro's cron command does."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from server.metadata.model import VISITOR_COLUMN
from server.storage.tables import Schema

__all__ = [
    "VISITOR_LIFETIME_DAYS",
    "Visitor",
    "adopt_visitor",
    "create_visitor",
    "delete_expired_visitors",
    "find_visitor",
]

VISITOR_LIFETIME_DAYS = 30  # Oro's oro_customer.customer_visitor_cookie_lifetime_days default


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


def delete_expired_visitors(connection: sa.Connection, schema: Schema, before: float) -> int:
    """Delete the visitors whose last visit is ``before`` (epoch seconds) or earlier and who own
    nothing — no record (a shopping list) has their ``visitor_id`` — as Oro's
    ``oro:cron:customer-visitors:clear-expired`` (ShoppingListBundle, daily at 01:00) deletes
    those whose ``last_visit`` is older than the visitor cookie's lifetime (30 days) and who have
    no shopping list; the number deleted. Simplified: a visitor's last visit is their creation
    (a visitor token is never renewed, so a visitor acts for one token's lifetime at most)."""
    table = schema.auth.customer_visitor
    owned = [
        sa.exists().where(other.c[VISITOR_COLUMN] == table.c.id)
        for other in schema.metadata.tables.values()
        if VISITOR_COLUMN in other.c
    ]
    deleted = connection.execute(
        sa.delete(table).where(table.c.created_at <= before, *(~exists for exists in owned))
    )
    return deleted.rowcount
