"""Searches sent through an :class:`~sandbox.ApiClient`, answers as frames (the I/O edge).

- :func:`search_records`: JSON:API ``GET /api/search`` — ``text`` (``filter[searchText]``),
  ``query`` (``filter[searchQuery]``: text or a condition built with ``F``), ``aggregations``,
  ``entities``, paging, ``include=entity`` and ``X-Include: totalCount``; a
  :class:`SearchResult`.
- :func:`legacy_search`: ``GET /api/rest/latest/search`` (``search``, ``from``, ``offset``,
  ``max_results``); :func:`advanced_search`: ``GET /api/rest/latest/search/advanced?query=``;
  both a :class:`LegacyResult`.

A query given as text is parsed first, so a syntax error is a :class:`SearchSyntaxError` before
anything is sent; given a :class:`SearchCatalog` (``catalog=``), fields, types and aliases are
checked too (:class:`SearchCheckError`). An answer that is an error is not raised: the result
holds the exchange (``result.exchange.errors``), and its frames are empty.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sandbox.client import ApiClient, Exchange
from sandbox.exceptions import QueryError
from sandbox.frames import Frames, Types
from sandbox.search.catalog import SearchCatalog
from sandbox.search.language import (
    LEGACY_OPERATORS,
    AdvancedQuery,
    Aggregate,
    Expression,
    conditions,
    format_aggregations,
)
from sandbox.search.parser import parse_aggregations, parse_condition, parse_query
from sandbox.search.results import HIT_TYPE, aggregations_frame, legacy_frame, search_frames

__all__ = ["LegacyResult", "SearchResult", "advanced_search", "legacy_search", "search_records"]

LEGACY_PATH = "rest/latest/search"
PLAIN_JSON = {"Accept": "application/json"}  # the legacy REST API is not JSON:API


@dataclass(eq=False)
class SearchResult:
    """One page of ``/api/search``: the hits, the records found, aggregations, the total."""

    exchange: Exchange
    types: Types = None

    @cached_property
    def frames(self) -> Frames:
        """``search`` (the hits, primary) and one frame per type of the records found."""
        return search_frames(self.exchange.document if self.exchange.ok else {}, types=self.types)

    @property
    def hits(self) -> Any:
        """One row per hit: ``entityName``, ``entity.type``, ``entity.id``, ``entityUrl``."""
        return self.frames[HIT_TYPE]

    @property
    def records(self) -> dict[str, Any]:
        """Entity type → the frame of the records found (with ``include=entity``)."""
        return {kind: self.frames[kind] for kind in self.frames if kind != HIT_TYPE}

    @cached_property
    def aggregations(self) -> Any:
        """``meta.aggregatedData`` as rows of ``aggregation``, ``value``, ``count``."""
        return aggregations_frame(self.exchange.document if self.exchange.ok else {})

    @property
    def total(self) -> int | None:
        """``X-Include-Total-Count`` (asked for unless ``total=False``)."""
        return self.exchange.total_count

    def __repr__(self) -> str:
        if not self.exchange.ok:
            return f"<SearchResult {self.exchange!r}>"
        found = ", ".join(f"{len(frame)} {kind}" for kind, frame in self.records.items())
        total = f" of {self.total}" if self.total is not None else ""
        return f"<SearchResult {len(self.hits)} hits{total}{f' ({found})' if found else ''}>"


@dataclass(eq=False)
class LegacyResult:
    """An answer of the legacy REST search: ``frame`` of ``data[]``, the counts, and
    ``aggregations`` (Oro sends them in ``aggregated_data``)."""

    exchange: Exchange

    @cached_property
    def frame(self) -> Any:
        return legacy_frame(self.exchange.document if self.exchange.ok else {})

    @cached_property
    def aggregations(self) -> Any:
        """``aggregated_data`` (a query's ``aggregate``), as for :class:`SearchResult`; empty
        when the server sends none."""
        return aggregations_frame(self.exchange.document if self.exchange.ok else {})

    @property
    def records_count(self) -> int | None:
        """Every record found, whatever ``offset`` and ``max_results``."""
        document = self.exchange.document
        return document.get("records_count") if self.exchange.ok else None

    @property
    def count(self) -> int | None:
        """The records in this answer."""
        document = self.exchange.document
        return document.get("count") if self.exchange.ok else None

    def __repr__(self) -> str:
        if not self.exchange.ok:
            return f"<LegacyResult {self.exchange!r}>"
        return f"<LegacyResult {self.count} of {self.records_count} records>"


def _condition(query: str | Expression) -> Expression:
    if isinstance(query, str):
        return parse_condition(query)
    for c in conditions(query):  # built in Python: what the JSON:API language cannot say
        if c.field.type is not None:
            raise QueryError(
                f'"{c.field}": filter[searchQuery] names fields without a type'
                f' (F("{c.field.name}"))'
            )
    return query


def _legacy_query(query: str | AdvancedQuery) -> AdvancedQuery:
    if isinstance(query, str):
        return parse_query(query)
    for c in conditions(query.where):
        if c.operator not in LEGACY_OPERATORS:
            raise QueryError(
                f'"{c.operator}" ({c}) is an operator of filter[searchQuery] only, not of the'
                " advanced search"
            )
    return query


def _aggregates(aggregations: str | Iterable[Aggregate]) -> tuple[Aggregate, ...]:
    if isinstance(aggregations, str):
        return parse_aggregations(aggregations)
    return tuple(aggregations)


def search_records(
    client: ApiClient,
    text: str | None = None,
    *,
    query: str | Expression | None = None,
    aggregations: str | Iterable[Aggregate] | None = None,
    entities: Iterable[str] | None = None,
    page: int | None = None,
    size: int | None = None,
    include: bool = True,
    total: bool = True,
    catalog: SearchCatalog | None = None,
    types: Types = None,
) -> SearchResult:
    """``GET /api/search`` as the client's user; ``include=False`` leaves the records out."""
    params: list[tuple[str, str]] = []
    chosen = list(entities) if entities is not None else None
    if text is not None:
        params.append(("filter[searchText]", text))
    if query is not None:
        where = _condition(query)
        if catalog is not None:
            catalog.require(catalog.check_condition(where, chosen))
        params.append(("filter[searchQuery]", query if isinstance(query, str) else str(where)))
    if aggregations is not None:
        aggregates = _aggregates(aggregations)
        if catalog is not None:
            catalog.require(catalog.check_aggregations(aggregates, chosen))
        written = aggregations if isinstance(aggregations, str) else None
        params.append(("filter[aggregations]", written or format_aggregations(aggregates)))
    if chosen is not None:
        params.append(("filter[entities]", ",".join(chosen)))
    if page is not None:
        params.append(("page[number]", str(page)))
    if size is not None:
        params.append(("page[size]", str(size)))
    if include:
        params.append(("include", "entity"))
    headers = {"X-Include": "totalCount"} if total else {}
    return SearchResult(client.get("search", params=params, headers=headers), types)


def legacy_search(
    client: ApiClient,
    text: str = "",
    *,
    from_: Iterable[str] = (),
    offset: int | None = None,
    max_results: int | None = None,
) -> LegacyResult:
    """``GET /api/rest/latest/search?search=…`` (simple search; ``from_``: entity aliases)."""
    params: list[tuple[str, str]] = [("search", text)]
    aliases = list(from_)
    if aliases:
        params.append(("from", ",".join(aliases)))
    if offset is not None:
        params.append(("offset", str(offset)))
    if max_results is not None:
        params.append(("max_results", str(max_results)))
    return LegacyResult(client.get(LEGACY_PATH, params=params, headers=PLAIN_JSON))


def advanced_search(
    client: ApiClient, query: str | AdvancedQuery, *, catalog: SearchCatalog | None = None
) -> LegacyResult:
    """``GET /api/rest/latest/search/advanced?query=…``."""
    parsed = _legacy_query(query)
    if catalog is not None:
        catalog.require(catalog.check_query(parsed))
    text = query if isinstance(query, str) else str(query)
    return LegacyResult(
        client.get(f"{LEGACY_PATH}/advanced", params={"query": text}, headers=PLAIN_JSON)
    )
