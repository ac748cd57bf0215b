"""The API feature switch, per organization.

Oro ships the Web API switched off and enables it in System Configuration > Application Settings >
Web API, globally or per organization. This sandbox exists to be explored, so here the API is
**enabled** unless the organization's configuration says otherwise (reference §21): a row
``(organization_id, "api_enabled", false)`` in ``auth_organization_config``.

When the API is off for the caller's organization, every API URL answers 404 with
:func:`api_disabled_error` (Oro is silent on the exact answer; §21 decides), and the token endpoint
issues no tokens for it.

The check is one primary-key lookup. A :class:`FeatureCache` (one per application) can spare even
that: it remembers answers for ``ttl`` seconds, and :func:`set_api_enabled` given the same cache
forgets the organization at once. A change made by another process (``oro-sandbox api-feature``)
shows within ``ttl``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from server.jsonapi.errors import NotFound
from server.storage.tables import Schema

__all__ = [
    "API_ENABLED",
    "DISABLED_DETAIL",
    "FeatureCache",
    "api_disabled_error",
    "api_enabled",
    "api_feature_states",
    "ensure_api_enabled",
    "set_api_enabled",
]

API_ENABLED = "api_enabled"
DISABLED_DETAIL = "The API feature is disabled for this organization."
FALSE_VALUES = (False, "false", "0", "off", "no")  # 0 == False, so the integer counts too


class FeatureCache:
    """Answers of :func:`api_enabled` per organization, each kept for ``ttl`` seconds."""

    def __init__(self, ttl: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._entries: dict[int, tuple[bool, float]] = {}

    def get(self, organization_id: int) -> bool | None:
        entry = self._entries.get(organization_id)
        if entry is None or entry[1] <= self.clock():
            return None
        return entry[0]

    def put(self, organization_id: int, enabled: bool) -> None:
        self._entries[organization_id] = (enabled, self.clock() + self.ttl)

    def invalidate(self, organization_id: int | None = None) -> None:
        """Forget one organization, or all of them."""
        if organization_id is None:
            self._entries.clear()
        else:
            self._entries.pop(organization_id, None)


def _is_enabled(value: Any) -> bool:
    if isinstance(value, str):
        value = value.strip().lower()
    return value not in FALSE_VALUES


def api_enabled(
    connection: sa.Connection,
    schema: Schema,
    organization_id: int,
    *,
    cache: FeatureCache | None = None,
) -> bool:
    """Whether the API is on for the organization: yes unless its configuration says false."""
    if cache is not None:
        known = cache.get(organization_id)
        if known is not None:
            return known
    config = schema.auth.config
    row = connection.execute(
        sa.select(config.c.value).where(
            config.c.organization_id == organization_id, config.c.name == API_ENABLED
        )
    ).first()
    enabled = row is None or _is_enabled(row.value)
    if cache is not None:
        cache.put(organization_id, enabled)
    return enabled


def set_api_enabled(
    connection: sa.Connection,
    schema: Schema,
    organization_id: int,
    enabled: bool,
    *,
    cache: FeatureCache | None = None,
) -> None:
    """Switch the API on or off for the organization (in the caller's transaction)."""
    config = schema.auth.config
    connection.execute(
        sa.delete(config).where(
            config.c.organization_id == organization_id, config.c.name == API_ENABLED
        )
    )
    connection.execute(
        sa.insert(config).values(
            organization_id=organization_id, name=API_ENABLED, value=bool(enabled)
        )
    )
    if cache is not None:
        cache.invalidate(organization_id)


def ensure_api_enabled(
    engine: sa.Engine, schema: Schema, organization_id: int, cache: FeatureCache
) -> None:
    """Raise :func:`api_disabled_error` when the API is off for the caller's organization; a
    cached answer spares the connection."""
    enabled = cache.get(organization_id)
    if enabled is None:
        with engine.connect() as connection:
            enabled = api_enabled(connection, schema, organization_id, cache=cache)
    if not enabled:
        raise api_disabled_error()


def api_feature_states(
    connection: sa.Connection,
    schema: Schema,
    organization_id: int | None = None,
    *,
    switch_to: bool | None = None,
) -> list[tuple[int, str, bool]]:
    """``(id, name, enabled)`` of every organization, or of one; switched first unless
    ``switch_to`` is None (the ``api-feature`` command)."""
    organizations = schema.tables["organizations"]
    query = sa.select(organizations.c.id, organizations.c.name).order_by(organizations.c.id)
    if organization_id is not None:
        query = query.where(organizations.c.id == organization_id)
    states = []
    for id_, name in connection.execute(query).all():
        if switch_to is not None:
            set_api_enabled(connection, schema, id_, switch_to)
        states.append((id_, name, api_enabled(connection, schema, id_)))
    return states


def api_disabled_error() -> NotFound:
    """The 404 every API URL answers while the feature is off (title as Oro's other 404s)."""
    return NotFound(DISABLED_DETAIL)
