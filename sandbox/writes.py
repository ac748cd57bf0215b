"""Write documents with related records, built from Python values (reference §12-§14).

A :class:`Record` is one resource object to write: its type, attributes, relationships and
meta options. A relationship's value is another :class:`Record` (created or updated in the same
request, so it goes to ``included`` under a temporary id), a :class:`Ref` (an existing record),
a list of them, or ``None``::

    contact = Record("contacts", {"firstName": "John", "lastName": "Doe"})
    account = Record("accounts", {"name": "Cloth World"}, contacts=[contact])
    doc = account.document()                   # {"data": ..., "included": [...]}
    exchange = client.post("accounts", json=doc)
    include_ids(exchange.document)             # {"new-1": "79"}: temporary id → real id

``Record.of(type, row)`` takes a mapping or a pandas row (missing values — ``None``, ``NaN`` —
are left out). Pure: no I/O.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Union

from sandbox.exceptions import SpecError

__all__ = ["Record", "Ref", "include_ids", "with_meta"]


@dataclass(frozen=True)
class Ref:
    """An existing record: ``Ref("users", "1")``."""

    type: str
    id: str

    def identifier(self) -> dict[str, str]:
        return {"type": self.type, "id": str(self.id)}


Related = Union["Record", Ref, None, Sequence[Union["Record", Ref]]]


@dataclass(eq=False)  # records are told apart by identity: one record, one included item
class Record:
    """One resource object of a write request.

    ``id``: the real id of a record to update (``update=True`` in ``included``, or the primary
    record of a PATCH), a client id for types whose ids are not generated, or the temporary id an
    included record is known by (one is made up when None). ``upsert``: ``True`` (by id) or the
    names of the fields to find the record by.
    """

    type: str
    attributes: dict[str, Any] = field(default_factory=dict)
    relationships: dict[str, Related] = field(default_factory=dict)
    id: str | None = None
    update: bool = False
    upsert: bool | Sequence[str] = False

    def __init__(
        self,
        type: str,
        attributes: Mapping[str, Any] | None = None,
        *,
        id: str | None = None,
        update: bool = False,
        upsert: bool | Sequence[str] = False,
        **relationships: Related,
    ) -> None:
        self.type = type
        self.attributes = dict(attributes or {})
        self.relationships = dict(relationships)
        self.id = None if id is None else str(id)
        self.update = update
        self.upsert = upsert

    @classmethod
    def of(
        cls,
        type_: str,
        row: Any,
        *,
        id: str | None = None,
        **options: Any,
    ) -> Record:
        """A record from a mapping or a pandas row: ``Ref``/``Record`` values (and lists of
        them) are relationships, missing values (None, NaN) are left out, the rest attributes."""
        attributes: dict[str, Any] = {}
        relationships: dict[str, Related] = {}
        for name, value in row.items():
            if _missing(value):
                continue
            if isinstance(value, Record | Ref) or (
                isinstance(value, list | tuple)
                and value
                and all(isinstance(v, Record | Ref) for v in value)
            ):
                relationships[str(name)] = value
            else:
                attributes[str(name)] = _plain(value)
        record = cls(type_, attributes, id=id, **options)
        record.relationships = relationships
        return record

    def identifier(self, key: str) -> dict[str, str]:
        return {"type": self.type, "id": key}

    def document(self, *, validate: bool = False) -> dict[str, Any]:
        """The request document: this record as ``data``, every :class:`Record` it reaches
        through relationships in ``included`` (each once, under its id or a made-up one)."""
        keys = _Keys(self)
        data = self._object(keys, primary=True, validate=validate)
        included = [record._object(keys) for record in keys.included()]
        doc: dict[str, Any] = {"data": data}
        if included:
            doc["included"] = included
        return doc

    def _object(
        self, keys: _Keys, *, primary: bool = False, validate: bool = False
    ) -> dict[str, Any]:
        item: dict[str, Any] = {"type": self.type}
        key = keys.key(self)
        if key is not None:
            item["id"] = key
        meta: dict[str, Any] = {}
        if self.update and not primary:
            meta["update"] = True
        if self.upsert:
            meta["upsert"] = True if self.upsert is True else list(self.upsert)
        if validate:
            meta["validate"] = True
        if meta:
            item["meta"] = meta
        if self.attributes:
            item["attributes"] = dict(self.attributes)
        if self.relationships:
            item["relationships"] = {
                name: {"data": _linkage(value, keys)} for name, value in self.relationships.items()
            }
        return item


class _Keys:
    """The ids records are written under: their own, else ``new-1``, ``new-2``… in order."""

    def __init__(self, primary: Record) -> None:
        self.primary = primary
        self.order: list[Record] = []
        self.keys: dict[int, str] = {}
        counter = itertools.count(1)
        taken = {r.id for r in _reachable(primary) if r.id is not None}
        for record in _reachable(primary):
            if record is primary:
                continue
            self.order.append(record)
            if record.id is None:
                key = next(f"new-{n}" for n in counter if f"new-{n}" not in taken)
                self.keys[id(record)] = key
            else:
                self.keys[id(record)] = record.id

    def key(self, record: Record) -> str | None:
        return record.id if record is self.primary else self.keys[id(record)]

    def included(self) -> list[Record]:
        return self.order


def _reachable(primary: Record) -> Iterator[Record]:
    seen: set[int] = set()
    todo = [primary]
    while todo:
        record = todo.pop(0)
        if id(record) in seen:
            continue
        seen.add(id(record))
        yield record
        for value in record.relationships.values():
            todo += [v for v in _members(value) if isinstance(v, Record)]


def _members(value: Related) -> list[Record | Ref]:
    if value is None:
        return []
    if isinstance(value, Record | Ref):
        return [value]
    return list(value)


def _linkage(value: Related, keys: _Keys) -> Any:
    def one(item: Record | Ref) -> dict[str, str]:
        if isinstance(item, Ref):
            return item.identifier()
        key = keys.key(item)
        if key is None:  # the primary record without an id: give it one to be referred to
            raise SpecError(
                f"a {item.type} record refers back to the primary record, which needs an id"
                " (any text, e.g. Record(..., id='new'))"
            )
        return item.identifier(key)

    if value is None:
        return None
    if isinstance(value, Record | Ref):
        return one(value)
    return [one(item) for item in value]


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value)) or str(value) in ("NaT", "<NA>")
    except (TypeError, ValueError):
        return False


def _plain(value: Any) -> Any:
    """numpy and pandas scalars as plain Python values (JSON-serialisable)."""
    if hasattr(value, "isoformat") and hasattr(value, "tzinfo") and hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, list | dict | str):
        return value.item()
    return value


def include_ids(document: Any) -> dict[str, str]:
    """Which real id each temporary id became: ``{includeId: id}`` from a response's
    ``included`` items (``meta.includeId``)."""
    if not isinstance(document, Mapping):
        return {}
    return {
        item["meta"]["includeId"]: item["id"]
        for item in document.get("included") or []
        if isinstance(item, Mapping)
        and isinstance(item.get("meta"), Mapping)
        and "includeId" in item["meta"]
    }


def with_meta(document: Mapping[str, Any], **options: Any) -> dict[str, Any]:
    """A copy of a write document whose primary object carries ``options`` in its ``meta``
    (``upsert=True``, ``upsert=["sku"]``, ``validate=True``); a None value removes an option."""
    doc = dict(document)
    data = dict(doc.get("data") or {})
    meta = dict(data.get("meta") or {})
    for name, value in options.items():
        if value is None:
            meta.pop(name, None)
        else:
            meta[name] = (
                list(value)
                if isinstance(value, Iterable) and not isinstance(value, str | bool)
                else value
            )
    if meta:
        data["meta"] = meta
    else:
        data.pop("meta", None)
    doc["data"] = data
    return doc
