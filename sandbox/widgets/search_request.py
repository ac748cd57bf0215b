"""What the search panel sends and how it reads a refusal (pure).

:class:`SearchForm` is the panel's state as a value: simple search (``filter[searchText]``) or
advanced (``filter[searchQuery]``), the entity types, the aggregations and the page; its
:meth:`~SearchForm.params` are the query parameters of ``GET /api/search``.
:func:`syntax_problem` finds, in a 400 answer, the parameter at fault and the position its detail
names (``Unexpected end of the query at position 20: expected a field name.``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sandbox.client import ErrorObject

__all__ = ["SEARCH_PATH", "SearchForm", "SyntaxProblem", "page_count", "syntax_problem"]

SEARCH_PATH = "search"  # GET /api/search
QUERY = "filter[searchQuery]"
TEXT = "filter[searchText]"
AGGREGATIONS = "filter[aggregations]"
ENTITIES = "filter[entities]"
_POSITION = re.compile(r"\b(?:at|around) position (\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class SearchForm:
    """One search as the panel asks it (``mode``: ``"simple"`` or ``"advanced"``)."""

    mode: str = "simple"
    text: str = ""
    query: str = ""
    entities: tuple[str, ...] = ()
    aggregations: str = ""
    page: int = 1
    size: int = 10

    def params(self) -> list[tuple[str, str]]:
        """``GET /api/search``'s query: the search, the types, the aggregations, the found
        records themselves (``include=entity``) and the page. Texts go as typed (a blank one
        not at all), so the positions a refusal names are the editor's."""
        params: list[tuple[str, str]] = []
        if self.mode == "advanced":
            if self.query.strip():
                params.append((QUERY, self.query))
        elif self.text.strip():
            params.append((TEXT, self.text))
        if self.entities:
            params.append((ENTITIES, ",".join(self.entities)))
        if self.aggregations.strip():
            params.append((AGGREGATIONS, self.aggregations))
        params += [
            ("include", "entity"),
            ("page[number]", str(self.page)),
            ("page[size]", str(self.size)),
        ]
        return params


@dataclass(frozen=True)
class SyntaxProblem:
    """A refused parameter (``filter[searchQuery]``, ``filter[aggregations]``, …), the position
    (characters) its detail names, if any, and the detail itself."""

    parameter: str | None
    position: int | None
    message: str


def syntax_problem(errors: Iterable[ErrorObject]) -> SyntaxProblem | None:
    """The first error of a refused search that names a parameter of the form (or, failing
    that, the first error at all), with the position its detail names."""
    errors = list(errors)
    if not errors:
        return None
    ours = (QUERY, TEXT, AGGREGATIONS, ENTITIES)
    error = next((e for e in errors if e.parameter in ours), errors[0])
    message = error.detail or error.title or ""
    found = _POSITION.search(message)
    return SyntaxProblem(error.parameter, int(found.group(1)) if found else None, message)


def page_count(total: int | None, size: int) -> int | None:
    """How many pages of ``size`` hold ``total`` results (at least one)."""
    if total is None:
        return None
    return max(1, -(-total // max(size, 1)))
