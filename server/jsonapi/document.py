"""Resource objects and documents from stored rows. Pure: rows and id lists in, dicts out.

A row has the layout of ``Selector.columns``: id, every attribute, every to-one FK. A
:class:`Shape` precomputes, per resource and sparse fieldset, which positions to read and how to
format them, so rendering a page is a tight loop with no per-field lookups.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote, urlencode

from server.metadata.model import Resource

Row = Sequence[Any]
ToMany = Mapping[str, Mapping[Any, Sequence[Any]]]  # relationship -> owner id -> target ids


@dataclass(frozen=True)
class View:
    """How resource objects are rendered for one request."""

    api_url: str  # absolute, e.g. "http://localhost:8765/api"
    links: bool = True  # HATEOAS (off with X-Include: noHateoas)
    title: bool = False  # meta=title


@dataclass(frozen=True, eq=False)
class Shape:
    """What to render of one resource type for one sparse fieldset, precomputed once."""

    type: str
    attributes: tuple[tuple[str, int, Callable[[Any], Any] | None], ...]
    # (name, row position, reader or None)
    to_one: tuple[tuple[str, int, str], ...]  # (name, row position, target type)
    to_many: tuple[tuple[str, str], ...]  # (name, target type)
    link_suffixes: tuple[tuple[str, str], ...]  # ("self", "/relationships/{name}"), ("related", …)
    self_link: bool
    title: Callable[[Row], str]

    def renderer(self, view: View) -> Callable[[Row, ToMany], dict[str, Any]]:
        """A function ``(row, to_many) -> resource object`` for this view."""
        render = compile_renderer(self, view.links, view.title)
        api_url = view.api_url
        return lambda row, to_many: render(row, to_many, api_url)


def _title_renderer(resource: Resource) -> Callable[[Row], str]:
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

    start = len(resource.attributes) + 1
    to_one_all = [r for r in resource.relationships if not r.many]
    suffixes = []
    if resource.allows("get_relationship"):
        suffixes.append(("self", "/relationships/{name}"))
    if resource.allows("get_subresource"):
        suffixes.append(("related", "/{name}"))
    return Shape(
        resource.type,
        tuple(
            (a.name, i + 1, a.type.reader)
            for i, a in enumerate(resource.attributes)
            if wanted(a.name)
        ),
        tuple((r.name, start + i, r.target) for i, r in enumerate(to_one_all) if wanted(r.name)),
        tuple((r.name, r.target) for r in resource.relationships if r.many and wanted(r.name)),
        tuple(suffixes),
        resource.allows("get"),
        _title_renderer(resource),
    )


@cache
def compile_renderer(
    shape: Shape, links: bool, title: bool
) -> Callable[[Row, ToMany, str], dict[str, Any]]:
    """Generate the rendering function of a shape: one dict literal with the row's cells inline.

    Rendering resource objects is the hot loop of every response; a generated literal builds them
    about twice as fast as a loop over the fields (as ``dataclasses`` and ``namedtuple`` do, the
    source is made from trusted metadata only: names go in through ``repr``).
    """
    env: dict[str, Any] = {"_title": shape.title, "_quote": quote}
    prologue = ["    sid = str(row[0])"]
    if links:
        # an id is a URL segment: percent-encoded unless plainly alphanumeric (the usual case)
        segment = "(sid if sid.isascii() and sid.isalnum() else _quote(sid, safe=''))"
        prologue.append(f"    url = api_url + {'/' + shape.type + '/'!r} + {segment}")
    members: list[str] = [f'"type": {shape.type!r}', '"id": sid']
    if links and shape.self_link:
        members.append('"links": {"self": url}')
    if title:
        members.append('"meta": {"title": _title(row)}')
    attributes = []
    for name, position, reader in shape.attributes:
        cell = f"row[{position}]"
        if reader is not None:
            env[f"read{position}"] = reader
            cell = f"(None if (v{position} := {cell}) is None else read{position}(v{position}))"
        attributes.append(f"{name!r}: {cell}")
    if attributes:
        members.append('"attributes": {' + ", ".join(attributes) + "}")

    def relationship(name: str, data: str) -> str:
        if not links:
            return f"{name!r}: {{'data': {data}}}"
        urls = ", ".join(
            f"{key!r}: url + {suffix.format(name=name)!r}" for key, suffix in shape.link_suffixes
        )
        return f"{name!r}: {{'data': {data}, 'links': {{{urls}}}}}"

    relationships = []
    for name, position, target in shape.to_one:
        data = (
            f"(None if (f{position} := row[{position}]) is None"
            f" else {{'type': {target!r}, 'id': str(f{position})}})"
        )
        relationships.append(relationship(name, data))
    for i, (name, target) in enumerate(shape.to_many):
        prologue.append(f"    many{i} = to_many[{name!r}].get(row[0], ())")
        data = f"[{{'type': {target!r}, 'id': str(m)}} for m in many{i}]"
        relationships.append(relationship(name, data))
    if relationships:
        members.append('"relationships": {' + ", ".join(relationships) + "}")
    source = "\n".join(
        ["def render(row, to_many, api_url):", *prologue, "    return {" + ", ".join(members) + "}"]
    )
    exec(compile(source, f"<render {shape.type}>", "exec"), env)  # trusted source: see above
    return env["render"]  # type: ignore[no-any-return]


def identifier(type_: str, id_: Any) -> dict[str, str]:
    return {"type": type_, "id": str(id_)}


def resource_object(shape: Shape, row: Row, to_many: ToMany, view: View) -> dict[str, Any]:
    """One resource object (see :meth:`Shape.renderer` to render many)."""
    return compile_renderer(shape, view.links, view.title)(row, to_many, view.api_url)


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
