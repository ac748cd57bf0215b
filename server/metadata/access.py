"""Access levels and rules as plain data: what :mod:`server.auth.acl` decides and
:mod:`server.storage.access` turns into SQL, so neither layer imports the other.

Levels (Oro's names in brackets): ``NONE``; ``USER`` — records the user owns (Basic);
``BUSINESS_UNIT`` — records owned within the user's business units (Local); ``ORGANIZATION`` —
every record of the user's organization (Global); ``SYSTEM`` — also records shared by every
organization (System).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import IntEnum

__all__ = ["Level", "Rule"]


class Level(IntEnum):
    NONE = 0
    USER = 1
    BUSINESS_UNIT = 2
    ORGANIZATION = 3
    SYSTEM = 4


@dataclass(frozen=True)
class Rule:
    """What a principal may reach of one resource type with one permission."""

    level: Level
    user_id: int
    organization_id: int
    business_unit_ids: tuple[int, ...]
    permission: str = "VIEW"
    # the VIEW level of every type the principal sees something of: records reached through an
    # association (filters, sorts, includes, linkage) are judged by their own type's rule
    sight: tuple[tuple[str, Level], ...] = ()
    # the storefront: the localization localized values are read in (None: the default values)
    localization_id: int | None = None
    currency: str | None = None  # the storefront: the currency prices are read in
    visitor: bool = False  # the storefront: ``user_id`` is a visitor's (no customer user)

    def seeing(self, type_: str) -> Rule:
        """The VIEW rule of a related type, for the same principal."""
        return replace(self, level=dict(self.sight).get(type_, Level.NONE), permission="VIEW")

    @property
    def changes_shared(self) -> bool:
        """Whether the rule reaches records shared by every organization."""
        return self.permission == "VIEW" or self.level >= Level.SYSTEM
