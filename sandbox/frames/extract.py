"""Resource objects → column lists, grouped by type: the pure-Python part of the conversion.

This is where the time goes for big collections, so it works a column at a time with C-level
helpers (``itemgetter``, ``map``, ``zip``) and falls back to ``dict.get`` only for resources
that lack a member. ``fetch_all()`` runs it on each page as the page arrives (on the worker
threads, while others wait for the server). Attributes whose kind the metadata gives are typed
here, page by page (their dtype does not depend on the values); :func:`merge` puts the pages'
chunks together, and ``document.py`` types the rest (inferred columns, ids) once, from all the
values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from operator import itemgetter
from typing import Any

from sandbox.frames.columns import CONVERTERS, Decimals, Ids, Typed, Types, convert, kinds_of, typed
from sandbox.frames.container import FramesError

__all__ = ["Chunk", "ToMany", "ToOne", "Typing", "extract", "merge"]

_EMPTY: Mapping[str, Any] = {}
_TYPE, _ID, _DATA = itemgetter("type"), itemgetter("id"), itemgetter("data")


class _Missing:
    """A relationship object without ``data`` (links only): the document does not say."""

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


@dataclass
class ToOne:
    ids: Ids  # None for null (or not said)
    found: tuple[str, ...]  # the types pointed at, in order of appearance
    kinds: list[str | None] | None  # the type per row, kept only when there are several


@dataclass
class ToMany:
    cells: list[list[Any] | None]  # the ids per row (ints when ``integers``); None for null
    integers: bool
    found: tuple[str, ...]
    kinds: list[list[str] | None] | None  # the types per row, only when there are several


class Typing:
    """What attributes become: their kinds (from ``types``) and how decimals are kept; with
    ``early``, attributes of a known kind are typed chunk by chunk (worth it for big chunks
    only: each conversion costs a fraction of a millisecond however few the values)."""

    def __init__(
        self, types: Types = None, decimals: Decimals = "float", early: bool = True
    ) -> None:
        self.types = types
        self.decimals = decimals
        self.early = early
        self._kinds: dict[str, Mapping[str, str]] = {}

    def kinds(self, kind: str) -> Mapping[str, str]:
        found = self._kinds.get(kind)
        if found is None:
            found = self._kinds[kind] = kinds_of(self.types, kind)
        return found


Column = list[Any] | Typed  # values as sent, or typed already (attributes of a known kind)


@dataclass
class Chunk:
    """The resources of one type as columns: each column holds one value per resource."""

    rows: int
    ids: Ids
    attributes: dict[str, Column]
    relationships: dict[str, ToOne | ToMany]
    meta: dict[str, list[Any]]

    @classmethod
    def of(cls, kind: str, resources: list[Mapping[str, Any]], typing: Typing) -> Chunk:
        try:
            raw_ids = list(map(_ID, resources))
        except KeyError:
            raw_ids = [r.get("id") for r in resources]
        relationships: dict[str, ToOne | ToMany] = {}
        objects = _columns([r.get("relationships") or _EMPTY for r in resources], None)
        for name, column in objects.items():
            try:
                linkage = list(map(_DATA, column))
            except (KeyError, TypeError):  # links only, or a malformed relationship object
                linkage = [o.get("data", MISSING) if type(o) is dict else MISSING for o in column]
            shapes = set(map(type, linkage))
            if shapes == {_Missing}:
                continue
            if list in shapes:
                relationships[name] = _to_many(linkage)
            else:
                relationships[name] = _to_one(linkage)
        attributes: dict[str, Column] = {}
        kinds = typing.kinds(kind)
        for name, values in _columns(
            [r.get("attributes") or _EMPTY for r in resources], None
        ).items():
            of = kinds.get(name)
            if typing.early and of in CONVERTERS:  # typed now, as the page arrives
                attributes[name] = typed(f"{kind}.{name}", values, of, typing.decimals)
            else:  # typed once all pages are in, from all the values
                attributes[name] = values
        return cls(
            len(resources),
            Ids.of(raw_ids),
            attributes,
            relationships,
            _columns([r.get("meta") or _EMPTY for r in resources], None),
        )


def _to_one(linkage: list[Any]) -> ToOne:
    try:  # every row points at something: C-level all the way
        raw, found = list(map(_ID, linkage)), tuple(dict.fromkeys(map(_TYPE, linkage)))
        kinds = list(map(_TYPE, linkage)) if len(found) > 1 else None
    except (KeyError, TypeError):  # nulls, or a malformed identifier object
        refs = [d if type(d) is dict else _EMPTY for d in linkage]
        raw = [d.get("id") for d in refs]
        found = tuple(k for k in dict.fromkeys(d.get("type") for d in refs) if k is not None)
        kinds = [d.get("type") for d in refs] if len(found) > 1 else None
    return ToOne(Ids.of(raw), found, kinds)


def _to_many(linkage: list[Any]) -> ToMany:
    lists = [d if type(d) is list else None for d in linkage]
    refs = list(chain.from_iterable(d for d in lists if d))
    try:
        found = tuple(dict.fromkeys(map(_TYPE, refs)))
        ids = Ids.of(list(map(_ID, refs)))
    except (KeyError, TypeError):  # a malformed identifier object
        refs = [r if type(r) is dict else _EMPTY for r in refs]
        found = tuple(k for k in dict.fromkeys(r.get("type") for r in refs) if k is not None)
        ids = Ids.of([r.get("id") for r in refs])
    kinds = _cells(lists, [r.get("type") for r in refs]) if len(found) > 1 else None
    return ToMany(_cells(lists, ids.values), ids.integers, found, kinds)


def _cells(lists: list[list[Any] | None], values: list[Any]) -> list[list[Any] | None]:
    """``values`` cut back into one list per row, as long as the rows' ``lists``."""
    flat = iter(values)
    return [None if d is None else list(islice(flat, len(d))) for d in lists]


def extract(resources: Iterable[Any], typing: Typing | None = None) -> dict[str, Chunk]:
    """Resource objects (from ``data`` or ``included``) as one :class:`Chunk` per type."""
    typing = typing or Typing()
    resources = resources if isinstance(resources, list) else list(resources)
    try:
        kinds = list(map(_TYPE, resources))
    except (KeyError, TypeError):
        kinds = [r.get("type") if isinstance(r, dict) else None for r in resources]
    distinct = set(kinds)
    if not all(isinstance(k, str) for k in distinct):
        bad = next(r for r, k in zip(resources, kinds, strict=True) if not isinstance(k, str))
        raise FramesError(f"not a resource object (no type): {bad!r:.200}")
    if len(distinct) == 1:
        return {kinds[0]: Chunk.of(kinds[0], resources, typing)}
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for kind, resource in zip(kinds, resources, strict=True):
        groups.setdefault(kind, []).append(resource)
    return {kind: Chunk.of(kind, group, typing) for kind, group in groups.items()}


def merge(chunks: list[Chunk], decimals: Decimals = "float") -> Chunk:
    """Chunks of one type, one after the other; what a chunk lacks is filled with nulls."""
    if len(chunks) == 1:
        return chunks[0]
    rows = [c.rows for c in chunks]
    names = dict.fromkeys(chain.from_iterable(c.relationships for c in chunks))
    return Chunk(
        sum(rows),
        Ids.concat([c.ids for c in chunks]),
        _merged([c.attributes for c in chunks], rows, decimals),
        {name: _merged_relationship(name, chunks) for name in names},
        _merged([c.meta for c in chunks], rows, decimals),
    )


def _merged(
    parts: Sequence[Mapping[str, Column]], rows: list[int], decimals: Decimals
) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for name in dict.fromkeys(chain.from_iterable(parts)):
        columns = [p.get(name) for p in parts]
        kind = next((c.kind for c in columns if isinstance(c, Typed)), None)
        if kind is None:  # lists of values as sent, none typed yet
            lists = [
                c if isinstance(c, list) else [None] * n for c, n in zip(columns, rows, strict=True)
            ]
            merged[name] = list(chain.from_iterable(lists))
        else:
            merged[name] = Typed.concat(
                [
                    c if isinstance(c, Typed) else Typed(kind, convert([None] * n, kind, decimals))
                    for c, n in zip(columns, rows, strict=True)
                ]
            )
    return merged


def _merged_relationship(name: str, chunks: list[Chunk]) -> ToOne | ToMany:
    parts = [
        c.relationships.get(name) or ToOne(Ids([None] * c.rows, True), (), None) for c in chunks
    ]
    found = tuple(dict.fromkeys(chain.from_iterable(p.found for p in parts)))
    if all(isinstance(p, ToOne) for p in parts):
        ones = [p for p in parts if isinstance(p, ToOne)]
        kinds = None
        if len(found) > 1:
            kinds = list(chain.from_iterable(p.kinds or _one_kind(p) for p in ones))
        return ToOne(Ids.concat([p.ids for p in ones]), found, kinds)
    many = [_as_many(name, p) for p in parts]
    integers = all(m.integers for m in many)
    cells = chain.from_iterable(m.cells if integers or not m.integers else _text(m) for m in many)
    kinds_many = None
    if len(found) > 1:
        kinds_many = list(chain.from_iterable(m.kinds or _many_kinds(m) for m in many))
    return ToMany(list(cells), integers, found, kinds_many)


def _one_kind(part: ToOne) -> list[str | None]:
    kind = part.found[0] if part.found else None
    return [None if v is None else kind for v in part.ids.values]


def _many_kinds(part: ToMany) -> list[list[str] | None]:
    kind = part.found[0] if part.found else ""
    return [None if c is None else [kind] * len(c) for c in part.cells]


def _text(part: ToMany) -> list[list[Any] | None]:
    return [None if c is None else [str(v) for v in c] for c in part.cells]


def _as_many(name: str, part: ToOne | ToMany) -> ToMany:
    if isinstance(part, ToMany):
        return part
    if any(v is not None for v in part.ids.values):
        raise FramesError(f"relationship {name!r} is to-one in some resources, to-many in others")
    return ToMany([None] * len(part.ids.values), True, (), None)


def _columns(members: list[Mapping[str, Any]], fill: Any) -> dict[str, list[Any]]:
    """``{name: [value per member]}`` for the names of members (attributes, relationships…)."""
    if not members:
        return {}
    names = list(members[0])
    if len(set(map(len, members))) == 1:  # the same number of names everywhere: maybe the same
        try:
            if len(names) == 1:
                return {names[0]: list(map(itemgetter(names[0]), members))}
            if names:
                rows = map(itemgetter(*names), members)
                return dict(zip(names, map(list, zip(*rows, strict=True)), strict=True))
            return {}
        except KeyError:
            pass
    names = _names(members)  # some members lack some names (sparse or uneven resources)
    return {name: [m.get(name, fill) for m in members] for name in names}


def _names(members: list[Mapping[str, Any]]) -> list[str]:
    """Member names in order of first appearance."""
    names: dict[str, None] = {}
    last: Any = None
    for member in members:
        keys = member.keys()
        if keys != last:
            names.update(dict.fromkeys(keys))
            last = keys
    return list(names)
