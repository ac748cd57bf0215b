"""Which records a caller may see, as SQL: the access filter every statement applies on every hop.

Access rules apply to every record a statement reaches, not only to the primary table: each
association hop of a filter or a sort, each to-many linkage and each to-one foreign key sees only
the related records the caller may view (a to-one key to a hidden record reads as null), so no
filter, sort, count or linkage tells anything about a hidden record.

A rule's values are bind parameters (``acl_user``, ``acl_org``, ``acl_bu`` — the business units as
one JSON array): :func:`access_params` gives them and :func:`access_key` the part of a statement's
shape that depends on the rule (its level and sight, never the caller's ids). No rule (None) means
no restriction: the server's own reads.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import sqlalchemy as sa

from server.metadata.access import Level, Rule
from server.metadata.model import VISITOR_COLUMN, Registry, Relationship, Resource
from server.storage.dialect import listed
from server.storage.operands import bind, to_json
from server.storage.tables import Schema

Clause = sa.ColumnElement[bool]
OWNED = ("organization", "business_unit", "user")  # ownerships judged by owner/organization
# the storefront's (Oro's frontend ownership): a customer itself, a customer user itself, a
# record of a customer (its ``customer``), a record of a customer user (its ``customerUser``),
# a record of the website (its organization's: products).
# Levels: USER is Oro's Basic (the caller's own records), BUSINESS_UNIT its Local (the caller's
# customer's records), ORGANIZATION its Global; a storefront rule's ``user_id`` is the customer
# user and its ``business_unit_ids`` hold the customer. A visitor's rule (``Rule.visitor``) reaches
# the records whose ``visitor_id`` is theirs (``Resource.visitor_owned``), nothing else owned.
FRONTEND = ("customer_self", "customer_user_self", "customer", "customer_user", "website")


def access_key(access: Rule | None) -> Hashable:
    """What of a rule shapes a statement (its cache key's part)."""
    if access is None:
        return None
    return (
        access.level,
        access.changes_shared,
        access.sight,
        access.localization_id is None,
        access.visitor,
    )


def access_params(access: Rule | None) -> dict[str, Any]:
    """A rule's values by bind name."""
    if access is None:
        return {}
    params = {
        "acl_user": access.user_id,
        "acl_org": access.organization_id,
        "acl_bu": to_json(list(access.business_unit_ids)),
    }
    if access.localization_id is not None:  # the storefront's: both are set
        params["loc"] = access.localization_id
        params["cur"] = access.currency
    return params


class AccessFilter:
    """The records a rule reaches, for the tables of one registry."""

    def __init__(self, registry: Registry, schema: Schema) -> None:
        self.registry = registry
        self.schema = schema

    def visible(self, resource: Resource, table: sa.FromClause, access: Rule | None) -> Clause:
        """The records ``access`` reaches (bind parameters ``acl_*``; see server.auth.acl)."""
        if access is None:
            return sa.true()
        level = access.level
        ownership = resource.ownership
        if level == Level.NONE:
            return sa.false()
        if ownership is None:  # shared by every organization
            return sa.true() if access.changes_shared else sa.false()
        organization = bind("acl_org")
        if ownership in FRONTEND:
            return self.frontend(resource, table, access)
        if ownership == "organization_self":
            return table.c.id == organization
        if ownership == "parent":
            assert resource.acl_parent is not None
            rel = resource.relationship[resource.acl_parent]
            parent = self.registry[rel.target]
            parent_table = self.schema.tables[parent.type].alias()
            return table.c[rel.column].in_(
                sa.select(parent_table.c.id).where(self.visible(parent, parent_table, access))
            )
        org_column = table.c[resource.relationship["organization"].column]
        owner = (
            table.c[resource.relationship["owner"].column] if ownership != "organization" else None
        )
        return self.owned(resource, org_column, owner, access)

    def frontend(self, resource: Resource, table: sa.FromClause, access: Rule) -> Clause:
        """The records a storefront rule reaches (see :data:`FRONTEND`); a level above Local
        reaches the customer's records too (Oro's Deep, the customer's subsidiaries, is not
        modelled: no storefront role grants it)."""
        ownership = resource.ownership
        customers = listed("acl_bu", table.c.id.type)
        user = bind("acl_user")
        basic = access.level == Level.USER
        if ownership == "website":  # a record of the website's organization (a product)
            return table.c["organization_id"] == bind("acl_org")
        if access.visitor:  # a visitor's own records (Basic at most), of a type they may own
            if ownership == "customer_user" and resource.visitor_owned:
                return table.c[VISITOR_COLUMN] == user
            return sa.false()
        if ownership == "customer_self":
            return table.c.id.in_(customers)
        if ownership == "customer_user":  # beyond Basic the record's customer decides (Oro's
            # frontend_customer_field_name), or its customer user's when it names none
            column = table.c[resource.relationship["customerUser"].column]
            if basic:
                return column == user
            customer_rel = resource.relationship.get("customer")
            if customer_rel is not None and not customer_rel.many:
                return table.c[customer_rel.column].in_(customers)
            users = self.schema.tables["customerusers"].alias()
            rel = self.registry["customerusers"].relationship["customer"]
            return column.in_(sa.select(users.c.id).where(users.c[rel.column].in_(customers)))
        customer = table.c[resource.relationship["customer"].column]
        if ownership == "customer_user_self" and basic:
            return table.c.id == user
        return customer.in_(customers)

    def owned(
        self,
        resource: Resource,
        organization_column: sa.ColumnElement[Any],
        owner: sa.ColumnElement[Any] | None,
        access: Rule,
    ) -> Clause:
        """The records ``access`` reaches of a type owned by a user, a business unit or an
        organization (:data:`OWNED`), judged on its owner and organization columns wherever
        they are (the record's own table, or a copy such as the search index's items)."""
        ownership = resource.ownership
        assert ownership in OWNED
        if access.level == Level.NONE:
            return sa.false()
        organization = bind("acl_org")
        if ownership == "organization":
            if not access.changes_shared:
                return organization_column == organization
            return sa.or_(organization_column == organization, organization_column.is_(None))
        assert owner is not None
        in_organization = organization_column == organization
        if access.level >= Level.ORGANIZATION:  # SYSTEM reaches all that ORGANIZATION does
            return in_organization
        units = listed("acl_bu", owner.type)
        if ownership == "business_unit":
            return sa.and_(in_organization, owner.in_(units))
        if access.level == Level.USER:
            return sa.and_(in_organization, owner == bind("acl_user"))
        link_table, link = self.schema.link("users", "businessUnits")
        colleagues = sa.select(link_table.c[link.owner_column]).where(
            link_table.c[link.target_column].in_(units)
        )
        return sa.and_(in_organization, owner.in_(colleagues))

    @staticmethod
    def owned_shape(resource: Resource, access: Rule) -> str:
        """What of a type's ownership and a rule shapes :meth:`owned`'s condition: two types of
        one shape get the same condition (a search reads them with one)."""
        if access.level == Level.NONE:
            return "none"
        if resource.ownership == "organization":
            return "organization or shared" if access.changes_shared else "organization"
        if access.level >= Level.ORGANIZATION:
            return "organization"
        if resource.ownership == "business_unit":
            return "units"
        return "user" if access.level == Level.USER else "colleagues"

    def seen(self, type_: str, access: Rule | None) -> sa.Select[Any] | None:
        """Ids of the ``type_`` records a related path may reach; None when every one may be."""
        related = None if access is None else access.seeing(type_)
        target = self.registry[type_]
        if related is None or (related.level != Level.NONE and target.ownership is None):
            return None
        table = self.schema.tables[type_].alias()
        return sa.select(table.c.id).where(self.visible(target, table, related))

    def to_one(
        self, table: sa.FromClause, rel: Relationship, access: Rule | None
    ) -> sa.ColumnElement[Any]:
        """A to-one foreign key as the caller may see it: null when it points at a hidden record."""
        column = table.c[rel.column]
        seen = self.seen(rel.target, access)
        return column if seen is None else sa.case((column.in_(seen), column), else_=sa.null())
