"""The storefront's websites: each organization's one, with its default localization and
currency and its two switches (the storefront API, its guest access), read on every request
through :class:`Websites` (kept one second)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from server.jsonapi.errors import NotFound
from server.storage.tables import Schema

__all__ = [
    "STOREFRONT_DISABLED_DETAIL",
    "Website",
    "Websites",
    "ensure_storefront_enabled",
    "set_storefront_enabled",
    "website_of",
    "website_states",
]


@dataclass(frozen=True)
class Website:
    id: int
    name: str
    organization_id: int
    localization_id: int
    currency: str
    api_enabled: bool
    guest_api_enabled: bool


def website_of(connection: sa.Connection, schema: Schema, organization_id: int) -> Website | None:
    """The organization's storefront website (one per organization in this sandbox)."""
    table = schema.auth.website
    row = connection.execute(
        sa.select(table).where(table.c.organization_id == organization_id)
    ).first()
    if row is None:
        return None
    return _website(row)


def _website(row: Any) -> Website:
    return Website(
        row.id,
        row.name,
        row.organization_id,
        row.localization_id,
        row.currency,
        bool(row.api_enabled),
        bool(row.guest_api_enabled),
    )


STOREFRONT_DISABLED_DETAIL = "The API feature is disabled for this website."


class Websites:
    """The websites by organization, each answer kept for ``ttl`` seconds (their switches are
    read on every request), with the ids of the localizations."""

    def __init__(self, ttl: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._entries: dict[int, tuple[Website | None, float]] = {}
        self._localizations: frozenset[int] | None = None
        self._currencies: frozenset[str] | None = None

    def get(self, engine: sa.Engine, schema: Schema, organization_id: int) -> Website | None:
        entry = self._entries.get(organization_id)
        if entry is not None and entry[1] > self.clock():
            return entry[0]
        with engine.connect() as connection:
            website = website_of(connection, schema, organization_id)
            if self._localizations is None:  # read-only resources: read once
                table = schema.tables["localizations"]
                self._localizations = frozenset(connection.scalars(sa.select(table.c.id)))
                table = schema.tables["currencies"]
                self._currencies = frozenset(connection.scalars(sa.select(table.c.id)))
        self._entries[organization_id] = (website, self.clock() + self.ttl)
        return website

    def invalidate(self) -> None:
        self._entries.clear()

    def localization(self, website: Website, header: str | None) -> int:
        """The localization a request reads in: ``X-Localization-ID`` when it names one, else
        the website's (an unknown or malformed value is ignored, as for other unknown values)."""
        value = (header or "").strip()
        if value.isdigit() and int(value) in (self._localizations or ()):
            return int(value)
        return website.localization_id

    def currency(self, website: Website, header: str | None) -> str:
        """The currency a request reads prices in: ``X-Currency`` when it names one (any case),
        else the website's (an unknown value is ignored)."""
        value = (header or "").strip().upper()
        return value if value in (self._currencies or ()) else website.currency


def ensure_storefront_enabled(
    engine: sa.Engine, schema: Schema, organization_id: int, websites: Websites
) -> Website:
    """The caller's website; 404 (as the back-office's switch answers) while its storefront
    API is off."""
    website = websites.get(engine, schema, organization_id)
    if website is None or not website.api_enabled:
        raise NotFound(STOREFRONT_DISABLED_DETAIL)
    return website


def set_storefront_enabled(
    connection: sa.Connection,
    schema: Schema,
    website_id: int,
    *,
    api: bool | None = None,
    guests: bool | None = None,
) -> None:
    """Switch a website's storefront API, or its guest access, on or off."""
    values: dict[str, bool] = {}
    if api is not None:
        values["api_enabled"] = api
    if guests is not None:
        values["guest_api_enabled"] = guests
    if values:
        table = schema.auth.website
        connection.execute(sa.update(table).where(table.c.id == website_id).values(**values))


def website_states(
    connection: sa.Connection,
    schema: Schema,
    website_id: int | None = None,
    *,
    switch_to: bool | None = None,
    guests: bool = False,
) -> list[Website]:
    """Every website, or one (``website_id``; 0 or None: all); their storefront API (or with
    ``guests`` their guest access) switched first unless ``switch_to`` is None."""
    table = schema.auth.website
    query = sa.select(table).order_by(table.c.id)
    if website_id:
        query = query.where(table.c.id == website_id)
    ids = [row.id for row in connection.execute(query)]
    if switch_to is not None:
        for id_ in ids:
            if guests:
                set_storefront_enabled(connection, schema, id_, guests=switch_to)
            else:
                set_storefront_enabled(connection, schema, id_, api=switch_to)
    return [_website(row) for row in connection.execute(query)]
