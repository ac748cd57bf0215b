"""The search fields the panel offers, from the server's :class:`~sandbox.search.SearchCatalog`
(``GET /api/searchentities``, reference §17.2): each searchable type's fields with their search
types (``text``, ``integer``, ``decimal``, ``datetime``). Pure, except :func:`load_catalog`.

:func:`fields_of` narrows them to the chosen types (all, when none is chosen);
:func:`completions` makes them CodeMirror's completion options, with ``allText`` and the query
language's words; :func:`fields_html` lists them under the editor, grouped by type.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from sandbox.client import ApiClient
from sandbox.exceptions import SandboxError
from sandbox.search import ALL_TEXT, SearchCatalog

__all__ = ["Field", "completions", "fields_html", "fields_of", "load_catalog"]

TYPE_ORDER = ("text", "integer", "decimal", "datetime")
# the words of filter[searchQuery] (reference §17.2), offered beside the fields
WORDS = ("and", "or", "in", "!in", "like", "notlike", "starts_with", "exists", "notexists")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    entities: tuple[str, ...]  # the types that have it


def load_catalog(client: ApiClient) -> SearchCatalog:
    """The server's searchable types; an empty catalog when it serves no
    ``/api/searchentities`` or does not answer (the panel then offers no fields and checks
    nothing before sending: the server's answer says what it makes of the query)."""
    try:
        return SearchCatalog.fetch(client)
    except SandboxError:
        return SearchCatalog([])


def fields_of(catalog: SearchCatalog, chosen: Iterable[str] = ()) -> list[Field]:
    """The fields of the ``chosen`` types (every searchable type when none), by name; a name
    typed differently by two types is listed once per type."""
    wanted = list(chosen)
    seen: dict[tuple[str, str], list[str]] = {}
    for entity in catalog.types(wanted or None):
        for field in entity.fields:
            seen.setdefault((field.name, field.type), []).append(entity.type)
    return [Field(name, type_, tuple(types)) for (name, type_), types in seen.items()]


def completions(fields: Sequence[Field]) -> list[dict[str, str]]:
    """CodeMirror's completion options: the fields (their type and types as detail),
    ``allText``, then the language's words."""
    options = [
        {"label": f.name, "type": "property", "detail": f"{f.type} · {', '.join(f.entities)}"}
        for f in fields
    ]
    options.append({"label": ALL_TEXT, "type": "property", "detail": "text · every field"})
    options += [{"label": word, "type": "keyword", "detail": "operator"} for word in WORDS]
    return options


def fields_html(fields: Sequence[Field]) -> str:
    """``text: name, email, … · integer: …``: the field names grouped by search type."""
    by_type: dict[str, list[str]] = {}
    for field in fields:
        names = by_type.setdefault(field.type, [])
        if field.name not in names:
            names.append(field.name)
    order = [t for t in TYPE_ORDER if t in by_type] + sorted(set(by_type) - set(TYPE_ORDER))
    groups = [
        f"<b>{escape(t)}</b>: {', '.join(f'<code>{escape(n)}</code>' for n in by_type[t])}"
        for t in order
    ]
    return " · ".join(groups)
