"""Resource objects and documents from stored rows. Pure: rows and id lists in, dicts out.

A row has the layout of ``Selector.columns``: id, every attribute, every to-one FK. A
:class:`Shape` precomputes, per resource and sparse fieldset, which positions to read and how to
format them, so rendering a page is a tight loop with no per-field lookups.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlencode

from server.metadata.model import Resource

Row = Sequence[Any]
ToMany = Mapping[str, Mapping[Any, Sequence[Any]]]  # relationship -> owner id -> target ids


@dataclass(frozen=True)
class View:
    """How resource objects are rendered for one request."""

    api_url: str  # absolute, e.g. "http://localhost:8765/api"
    links: bool = True  # HATEOAS (off with X-Include: noHateoas)
    title: bool = False  # meta=title


@dataclass(frozen=True)
class Shape:
    type: str
    attributes: tuple[tuple[str, int, Any], ...]  # (name, row position, reader or None)
    to_one: tuple[tuple[str, int, str, tuple[tuple[str, str], ...]], ...]
    # (name, row position, target type, link suffixes)
    to_many: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]
    # (name, target type, link suffixes); a suffix is ("self", "/relationships/x") or similar
    self_link: bool
    title: Any  # callable(row) -> str


def _title_renderer(resource: Resource) -> Any:
    names = [name for _, name, _, _ in string.Formatter().parse(resource.title) if name]
    positions = {a.name: i + 1 for i, a in enumerate(resource.attributes)}

    def render(row: Row) -> str:
        values = {}
        for name in names:
            value = row[0] if name == "id" else row[positions[name]]
            values[name] = "" if value is None else str(value)
        return " ".join(resource.title.format_map(values).split())

    return render


def _link_suffixes(resource: Resource, name: str) -> tuple[tuple[str, str], ...]:
    suffixes = []
    if resource.allows("get_relationship"):
        suffixes.append(("self", f"/relationships/{name}"))
    if resource.allows("get_subresource"):
        suffixes.append(("related", f"/{name}"))
    return tuple(suffixes)


@cache
def shape_of(resource: Resource, fields: frozenset[str] | None = None) -> Shape:
    """The rendering plan of ``resource`` restricted to ``fields`` (None: every field)."""

    def wanted(name: str) -> bool:
        return fields is None or name in fields

    attributes = tuple(
        (a.name, i + 1, a.type.reader) for i, a in enumerate(resource.attributes) if wanted(a.name)
    )
    start = len(resource.attributes) + 1
    to_one_all = [r for r in resource.relationships if not r.many]
    to_one = tuple(
        (r.name, start + i, r.target, _link_suffixes(resource, r.name))
        for i, r in enumerate(to_one_all)
        if wanted(r.name)
    )
    to_many = tuple(
        (r.name, r.target, _link_suffixes(resource, r.name))
        for r in resource.relationships
        if r.many and wanted(r.name)
    )
    return Shape(
        resource.type,
        attributes,
        to_one,
        to_many,
        resource.allows("get"),
        _title_renderer(resource),
    )


def identifier(type_: str, id_: Any) -> dict[str, str]:
    return {"type": type_, "id": str(id_)}


def resource_object(shape: Shape, row: Row, to_many: ToMany, view: View) -> dict[str, Any]:
    """One resource object; the hot loop of every response, so written for speed."""
    id_ = row[0]
    sid = str(id_)
    obj: dict[str, Any] = {"type": shape.type, "id": sid}
    links = view.links
    item_url = f"{view.api_url}/{shape.type}/{sid}"
    if links and shape.self_link:
        obj["links"] = {"self": item_url}
    if view.title:
        obj["meta"] = {"title": shape.title(row)}
    if shape.attributes:
        attributes = {}
        for name, position, reader in shape.attributes:
            value = row[position]
            attributes[name] = value if reader is None or value is None else reader(value)
        obj["attributes"] = attributes
    if shape.to_one or shape.to_many:
        relationships: dict[str, Any] = {}
        for name, position, target, suffixes in shape.to_one:
            value = row[position]
            data = None if value is None else {"type": target, "id": str(value)}
            relationships[name] = (
                {"data": data, "links": {key: item_url + suffix for key, suffix in suffixes}}
                if links
                else {"data": data}
            )
        for name, target, suffixes in shape.to_many:
            members = [{"type": target, "id": str(i)} for i in to_many[name].get(id_, ())]
            relationships[name] = (
                {"data": members, "links": {key: item_url + suffix for key, suffix in suffixes}}
                if links
                else {"data": members}
            )
        obj["relationships"] = relationships
    return obj


def plain_object(resource: Resource, row: Row, to_many: ToMany) -> dict[str, Any]:
    """Oro's plain JSON representation: attributes and related ids inline, native id."""
    obj: dict[str, Any] = {"id": row[0]}
    for i, attr in enumerate(resource.attributes):
        value, reader = row[i + 1], attr.type.reader
        obj[attr.name] = value if reader is None or value is None else reader(value)
    start = len(resource.attributes) + 1
    for i, rel in enumerate(r for r in resource.relationships if not r.many):
        obj[rel.name] = row[start + i]
    for rel in resource.relationships:
        if rel.many:
            obj[rel.name] = list(to_many.get(rel.name, {}).get(row[0], ()))
    return obj


def page_links(
    url: str, params: Iterable[tuple[str, str]], page_number: int, has_next: bool
) -> dict[str, str]:
    """Oro's pagination links: no ``last``; ``first``/``prev`` past page 1; ``next`` when more."""
    kept = sorted((k, v) for k, v in params if k != "page[number]")

    def at(number: int) -> str:
        pairs = kept if number == 1 else sorted([*kept, ("page[number]", str(number))])
        return f"{url}?{urlencode(pairs)}" if pairs else url

    links: dict[str, str] = {}
    if page_number > 1:
        links["first"] = at(1)
        links["prev"] = at(page_number - 1)
    if has_next:
        links["next"] = at(page_number + 1)
    return links
