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
    attributes: tuple[tuple[str, int, Any], ...]  # (name, row position, dump or None)
    to_one: tuple[tuple[str, int, str], ...]  # (name, row position, target type)
    to_many: tuple[tuple[str, str], ...]  # (name, target type)
    self_link: bool
    relationship_link: bool
    related_link: bool
    title: Any  # callable(values) -> str




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


@cache
def shape_of(resource: Resource, fields: frozenset[str] | None = None) -> Shape:
    """The rendering plan of ``resource`` restricted to ``fields`` (None: every field)."""

    def wanted(name: str) -> bool:
        return fields is None or name in fields

    attributes = tuple(
        (a.name, i + 1, a.type.dump) for i, a in enumerate(resource.attributes) if wanted(a.name)
    )
    start = len(resource.attributes) + 1
    to_one_all = [r for r in resource.relationships if not r.many]
    to_one = tuple(
        (r.name, start + i, r.target) for i, r in enumerate(to_one_all) if wanted(r.name)
    )
    to_many = tuple((r.name, r.target) for r in resource.relationships if r.many and wanted(r.name))
    return Shape(
        resource.type, attributes, to_one, to_many, resource.allows("get"),
        resource.allows("get_relationship"), resource.allows("get_subresource"),
        _title_renderer(resource),
    )


def identifier(type_: str, id_: Any) -> dict[str, str]:
    return {"type": type_, "id": str(id_)}


def resource_object(shape: Shape, row: Row, to_many: ToMany, view: View) -> dict[str, Any]:
    id_ = row[0]
    sid = str(id_)
    obj: dict[str, Any] = {"type": shape.type, "id": sid}
    item_url = f"{view.api_url}/{shape.type}/{sid}"
    if view.links and shape.self_link:
        obj["links"] = {"self": item_url}
    if view.title:
        obj["meta"] = {"title": shape.title(row)}
    if shape.attributes:
        attributes = {}
        for name, position, dump in shape.attributes:
            value = row[position]
            attributes[name] = value if dump is None or value is None else dump(value)
        obj["attributes"] = attributes
    if shape.to_one or shape.to_many:
        relationships: dict[str, Any] = {}
        for name, position, target in shape.to_one:
            value = row[position]
            relationship: dict[str, Any] = {
                "data": None if value is None else {"type": target, "id": str(value)}
            }
            if view.links:
                relationship["links"] = _relationship_links(shape, item_url, name)
            relationships[name] = relationship
        for name, target in shape.to_many:
            ids = to_many.get(name, {}).get(id_, ())
            relationship = {"data": [{"type": target, "id": str(i)} for i in ids]}
            if view.links:
                relationship["links"] = _relationship_links(shape, item_url, name)
            relationships[name] = relationship
        obj["relationships"] = relationships
    return obj


def _relationship_links(shape: Shape, item_url: str, name: str) -> dict[str, str]:
    links = {}
    if shape.relationship_link:
        links["self"] = f"{item_url}/relationships/{name}"
    if shape.related_link:
        links["related"] = f"{item_url}/{name}"
    return links


def plain_object(resource: Resource, row: Row, to_many: ToMany) -> dict[str, Any]:
    """Oro's plain JSON representation: attributes and related ids inline, native id."""
    obj: dict[str, Any] = {"id": row[0]}
    for i, attr in enumerate(resource.attributes):
        value = row[i + 1]
        obj[attr.name] = attr.type.to_wire(value)
    start = len(resource.attributes) + 1
    for i, rel in enumerate(r for r in resource.relationships if not r.many):
        obj[rel.name] = row[start + i]
    for rel in resource.relationships:
        if rel.many:
            obj[rel.name] = list(to_many.get(rel.name, {}).get(row[0], ()))
    return obj


def page_links(url: str, params: Iterable[tuple[str, str]], page_number: int,
               has_next: bool) -> dict[str, str]:
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
