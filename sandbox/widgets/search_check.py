"""The search panel's checks before sending (pure): a ``filter[searchQuery]`` and a
``filter[aggregations]`` parsed by :mod:`sandbox.search` and checked against the server's
:class:`~sandbox.search.SearchCatalog` for the chosen types. Each gives the problems at their
positions — a syntax error, then an unknown field, an operator or value that does not fit the
field's type — as the panel marks them while one types.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sandbox.search import (
    SearchCatalog,
    SearchProblem,
    SearchSyntaxError,
    parse_aggregations,
    parse_condition,
)

__all__ = ["Checked", "aggregation_problems", "query_problems"]


@dataclass(frozen=True)
class Checked:
    """The problems of one text at their positions; ``syntax``: the parser's error (then the
    only one), not the catalog's objections."""

    problems: tuple[SearchProblem, ...] = ()
    syntax: bool = False

    def __bool__(self) -> bool:
        return bool(self.problems)


def _chosen(catalog: SearchCatalog, entities: Sequence[str]) -> list[str] | None:
    """The chosen types the catalog knows (``None``: every type, as when none is chosen)."""
    return [t for t in entities if t in catalog.entities] or None if entities else None


def query_problems(catalog: SearchCatalog, text: str, entities: Sequence[str] = ()) -> Checked:
    """What is wrong with ``text`` as ``filter[searchQuery]`` over ``entities`` (all when
    empty): its syntax error, or what the catalog objects to; nothing for an empty text."""
    if not text.strip():
        return Checked()
    try:
        where = parse_condition(text)
    except SearchSyntaxError as error:
        return Checked((SearchProblem(error.position, str(error)),), syntax=True)
    if not catalog.entities:  # a server without /api/searchentities: nothing to check against
        return Checked()
    return Checked(tuple(catalog.check_condition(where, _chosen(catalog, entities))))


def aggregation_problems(
    catalog: SearchCatalog, text: str, entities: Sequence[str] = ()
) -> Checked:
    """What is wrong with ``text`` as ``filter[aggregations]`` (``status count, total sum``)."""
    if not text.strip():
        return Checked()
    try:
        aggregates = parse_aggregations(text)
    except SearchSyntaxError as error:
        return Checked((SearchProblem(error.position, str(error)),), syntax=True)
    if not catalog.entities:
        return Checked()
    return Checked(tuple(catalog.check_aggregations(aggregates, _chosen(catalog, entities))))
