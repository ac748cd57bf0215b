"""Access control modelled on Oro's ACL: roles grant VIEW, CREATE, EDIT and DELETE on each
resource type at an access level, judged over record ownership.

Levels (Oro's names in brackets): ``NONE``; ``USER`` — records the user owns (Basic);
``BUSINESS_UNIT`` — records owned within the user's business units (Local); ``ORGANIZATION`` —
every record of the user's organization (Global); ``SYSTEM`` — also records shared by every
organization (System). Records of another organization are never visible. Shared records (roles
without an organization, tax jurisdictions) are seen by all, but changing one needs ``SYSTEM``,
which no demo role grants: no organization's administrator changes what the other one uses.
Several roles add up: the highest level wins. A decided level is a ``Rule`` (plain data, in
``server.metadata.access``, below storage and auth); its SQL lives in ``server.storage.access``;
this module decides the level.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import sqlalchemy as sa

from server.auth.principal import Principal
from server.metadata.access import Level, Rule
from server.metadata.model import Registry, Resource
from server.storage.tables import Schema

PERMISSIONS = ("VIEW", "CREATE", "EDIT", "DELETE")


class Acl:
    def __init__(self, grants: Mapping[int, Mapping[tuple[str, str], Level]]) -> None:
        self.grants = grants  # role id -> (resource type, permission) -> level
        self._sights: dict[frozenset[int], tuple[tuple[str, Level], ...]] = {}

    @classmethod
    def load(cls, connection: sa.Connection, schema: Schema) -> Acl:
        table = schema.auth.permission
        grants: dict[int, dict[tuple[str, str], Level]] = {}
        for row in connection.execute(sa.select(table)):
            grants.setdefault(row.role_id, {})[(row.resource_type, row.permission)] = Level[
                row.level
            ]
        return cls(grants)

    def level(self, principal: Principal, type_: str, permission: str) -> Level:
        return max(
            (
                self.grants.get(role, {}).get((type_, permission), Level.NONE)
                for role in principal.role_ids
            ),
            default=Level.NONE,
        )

    def sight(self, principal: Principal) -> tuple[tuple[str, Level], ...]:
        """``(type, VIEW level)`` of every type some role of ``principal`` grants VIEW on."""
        roles = frozenset(principal.role_ids)
        found = self._sights.get(roles)
        if found is None:
            levels: dict[str, Level] = {}
            for role in roles:
                for (type_, permission), level in self.grants.get(role, {}).items():
                    if permission == "VIEW" and level > levels.get(type_, Level.NONE):
                        levels[type_] = level
            found = self._sights[roles] = tuple(sorted(levels.items()))
        return found

    def rule(self, principal: Principal, resource: Resource, permission: str) -> Rule:
        return Rule(
            self.level(principal, resource.type, permission),
            principal.user_id,
            principal.organization_id,
            tuple(sorted(principal.business_unit_ids)),
            permission,
            self.sight(principal),
            visitor=principal.visitor,
        )


@dataclass(frozen=True)
class Access:
    """One principal's access, as actions ask for it."""

    acl: Acl
    principal: Principal
    # the storefront: the localization and currency values are read in
    localization_id: int | None = None
    currency: str | None = None

    def rule(self, resource: Resource, permission: str = "VIEW") -> Rule:
        rule = self.acl.rule(self.principal, resource, permission)
        if self.localization_id is None:
            return rule
        return replace(rule, localization_id=self.localization_id, currency=self.currency)


# --- the demo roles -----------------------------------------------------------------------------

ALL = PERMISSIONS
SALES = ("accounts", "contacts", "customers", "customerusers", "orders", "orderlineitems", "tasks")
PEOPLE = ("organizations", "businessunits", "users", "userroles")
CATALOG = ("products",)

# role (by its code) -> [(resource types, permissions, level)]; anything not listed: NONE.
# Dictionaries and enum options (no ownership) are granted VIEW to every role below.
ROLE_GRANTS: dict[str, list[tuple[tuple[str, ...] | str, tuple[str, ...], Level]]] = {
    "ROLE_ADMINISTRATOR": [("*", ALL, Level.ORGANIZATION)],
    "ROLE_SALES_MANAGER": [
        (SALES, ALL, Level.BUSINESS_UNIT),
        (PEOPLE + CATALOG, ("VIEW",), Level.ORGANIZATION),
    ],
    "ROLE_SALES_REP": [
        (("accounts", "contacts", "tasks"), ("VIEW", "CREATE", "EDIT"), Level.USER),
        (("orders", "orderlineitems"), ("VIEW", "CREATE", "EDIT"), Level.USER),
        (("customers", "customerusers"), ("VIEW",), Level.BUSINESS_UNIT),
        (PEOPLE + CATALOG, ("VIEW",), Level.ORGANIZATION),
    ],
    "ROLE_STORE_MANAGER": [
        (SALES, ALL, Level.BUSINESS_UNIT),
        (PEOPLE + CATALOG, ("VIEW",), Level.ORGANIZATION),
    ],
    "ROLE_BUYER": [
        (
            ("orders", "orderlineitems", "customers", "customerusers"),
            ("VIEW",),
            Level.BUSINESS_UNIT,
        ),
        (CATALOG, ("VIEW",), Level.ORGANIZATION),
    ],
    "ROLE_READ_ONLY": [("*", ("VIEW",), Level.ORGANIZATION)],
    "ROLE_USER": [
        (("tasks",), ALL, Level.USER),
        (("accounts", "contacts"), ("VIEW",), Level.USER),
        (PEOPLE, ("VIEW",), Level.ORGANIZATION),
    ],
}


# The Batch API's operations (not a resource of the registry): every role may start one and see
# its own; the administrator sees every operation of the organization.
OPERATIONS = "asyncoperations"
OPERATIONS_VIEW = {"ROLE_ADMINISTRATOR": Level.ORGANIZATION}


def role_grants(code: str, registry: Registry) -> Iterable[tuple[str, str, Level]]:
    """``(resource type, permission, level)`` rows of a demo role."""
    granted: dict[tuple[str, str], Level] = {
        (OPERATIONS, "CREATE"): Level.USER,
        (OPERATIONS, "VIEW"): OPERATIONS_VIEW.get(code, Level.USER),
    }
    for resource in registry:
        if resource.ownership is None:
            granted[(resource.type, "VIEW")] = Level.ORGANIZATION
    for types, permissions, level in ROLE_GRANTS.get(code, []):
        names = [r.type for r in registry] if types == "*" else types
        for type_ in names:
            for permission in permissions:
                granted[(type_, permission)] = level
    return [(t, p, level) for (t, p), level in sorted(granted.items())]


def seed_permissions(connection: sa.Connection, schema: Schema, registry: Registry) -> None:
    """Grant the demo roles their permissions (roles are found by their code)."""
    roles = schema.tables["userroles"]
    rows = [
        {"role_id": role_id, "resource_type": type_, "permission": permission, "level": level.name}
        for role_id, code in connection.execute(sa.select(roles.c.id, roles.c.role))
        for type_, permission, level in role_grants(code, registry)
    ]
    if rows:
        connection.execute(schema.auth.permission.insert(), rows)
