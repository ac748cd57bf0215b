"""Where a to-many association is stored, and the owners it relates: SQL pieces over one registry.

A to-many association lives in a link table (owner id, target id) or in the target's foreign key
to its owner (the inverse of a to-one); :meth:`Associations.pair` hides which. Every piece is a
sub-select over fresh aliases, so it composes at any depth; a ``seen`` select (from
``server.storage.access``) keeps only the targets the caller may see.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from server.metadata.model import Registry, Relationship, Resource
from server.storage.operands import Test, bind
from server.storage.tables import Schema

Clause = sa.ColumnElement[bool]
Column = sa.ColumnElement[Any]


@dataclass(frozen=True)
class Within:
    """Restrict a list to the records related to ``owner_id`` through ``relationship``."""

    resource: Resource
    relationship: Relationship
    owner_id: Any


def within_key(within: Within | None) -> Hashable:
    """What of a :class:`Within` shapes a statement (the owner's id is bound as ``owner``)."""
    return None if within is None else (within.resource.type, within.relationship.name)


class Associations:
    """The storage of the associations of one registry's resources."""

    def __init__(self, registry: Registry, schema: Schema) -> None:
        self.registry = registry
        self.schema = schema

    def pair(
        self, resource: Resource, rel: Relationship, *, alias: bool = False
    ) -> tuple[Column, Column]:
        """(owner id, target id) columns of a to-many association's storage."""
        if rel.link_table:
            link_table, link = self.schema.link(resource.type, rel.name)
            source = link_table.alias() if alias else link_table
            return source.c[link.owner_column], source.c[link.target_column]
        assert rel.inverse is not None
        inverse = self.registry[rel.target].relationship[rel.inverse]
        target = self.schema.tables[rel.target]
        source = target.alias() if alias else target
        return source.c[inverse.column], source.c.id

    def owners(
        self,
        resource: Resource,
        rel: Relationship,
        test: Test | None,
        seen: sa.Select[Any] | None = None,
    ) -> sa.Select[Any]:
        """Owner ids related through to-many ``rel`` to a target whose id passes ``test`` (any
        target when None), counting only the targets in ``seen`` (all when None)."""
        owner, target = self.pair(resource, rel, alias=True)
        statement = sa.select(owner).where(owner.is_not(None))
        if seen is not None:
            statement = statement.where(target.in_(seen))
        return statement if test is None else statement.where(test(target))

    def held(
        self,
        resource: Resource,
        rel: Relationship,
        owner_id: Column,
        test: Test,
        seen: sa.Select[Any] | None = None,
    ) -> sa.ScalarSelect[Any]:
        """How many different targets passing ``test`` (and in ``seen``) the owner
        ``owner_id`` (a column of the outer statement) holds."""
        owner, target = self.pair(resource, rel, alias=True)
        count = sa.select(sa.func.count(sa.distinct(target)))
        count = count.where(owner == owner_id, test(target))
        return (count if seen is None else count.where(target.in_(seen))).scalar_subquery()

    def members(self, within: Within) -> Clause:
        """Records of the target table related to the bound ``owner``."""
        resource, rel = within.resource, within.relationship
        target_table = self.schema.tables[rel.target]
        owner = bind("owner")
        if rel.many:
            owner_col, target_col = self.pair(resource, rel, alias=True)
            return target_table.c.id.in_(sa.select(target_col).where(owner_col == owner))
        source = self.schema.tables[resource.type].alias()
        return target_table.c.id.in_(sa.select(source.c[rel.column]).where(source.c.id == owner))
