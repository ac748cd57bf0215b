"""The search fields the panel offers, from ``GET /api/searchentities`` (reference §17.2): each
searchable type's fields with their search types (``text``, ``integer``, ``decimal``,
``datetime``). Pure, except :func:`fetch_entities` (one request).

:func:`fields_of` narrows them to the chosen types (all, when none is chosen);
:func:`completions` makes them CodeMirror's completion options, with ``allText`` and the query
language's words; :func:`fields_html` lists them under the editor, grouped by type.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from sandbox.client import ApiClient, ConnectionFailed

__all__ = [
    "Field",
    "SearchEntity",
    "completions",
    "entities_of",
    "fetch_entities",
    "fields_html",
    "fields_of",
]

TYPE_ORDER = ("text", "integer", "decimal", "datetime")
# the words of filter[searchQuery] (reference §17.2), offered beside the fields
WORDS = ("and", "or", "in", "!in", "like", "notlike", "starts_with", "exists", "notexists")
ALL_TEXT = "allText"


@dataclass(frozen=True)
class SearchEntity:
    type: str  # entityType: "contacts"
    name: str  # entityName: "Contact"
    fields: tuple[tuple[str, str], ...]  # (name, search type)


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    entities: tuple[str, ...]  # the types that have it


def entities_of(document: Mapping[str, Any] | None) -> list[SearchEntity]:
    """The searchable types of a ``/api/searchentities`` document, in its order."""
    found = []
    for item in (document or {}).get("data") or []:
        attributes = item.get("attributes") or {}
        if attributes.get("searchable") is False:
            continue
        fields = tuple(
            (str(f["name"]), str(f.get("type") or "text"))
            for f in attributes.get("fields") or []
            if isinstance(f, Mapping) and f.get("name")
        )
        type_ = str(attributes.get("entityType") or item.get("id"))
        found.append(SearchEntity(type_, str(attributes.get("entityName") or type_), fields))
    return found


def fetch_entities(client: ApiClient) -> list[SearchEntity]:
    """The server's searchable types (none when it serves no ``/api/searchentities`` or does
    not answer: the panel then offers no fields, and searching says what the server says)."""
    try:
        exchange = client.get("searchentities", params=[("filter[searchable]", "true")])
    except ConnectionFailed:
        return []
    return entities_of(exchange.document) if exchange.ok else []


def fields_of(entities: Sequence[SearchEntity], chosen: Iterable[str] = ()) -> list[Field]:
    """The fields of the ``chosen`` types (every searchable type when none), by name; a name
    typed differently by two types is listed once per type."""
    wanted = set(chosen)
    seen: dict[tuple[str, str], list[str]] = {}
    for entity in entities:
        if wanted and entity.type not in wanted:
            continue
        for name, type_ in entity.fields:
            seen.setdefault((name, type_), []).append(entity.type)
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
