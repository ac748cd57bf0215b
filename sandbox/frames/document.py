"""A JSON:API document → :class:`Frames`: one tidy frame per resource type. Pure: no I/O.

Each frame has the resource ids as its index (named ``id``: ``int64`` when every id is an integer,
else ``str``), then one column per attribute, typed by kind (see :mod:`sandbox.frames.columns`),
then the relationships:

- to-one: a ``<name>.id`` column (``Int64`` for integer ids, else ``str``; missing for null), plus
  a ``<name>.type`` column when the relationship points at several types;
- to-many: a ``<name>`` column holding a list of ids per row (ints for integer ids; a
  ``<name>.type`` column of lists too when several types), and with ``link_tables=True`` a link
  table ``frames.links[(type, name)]`` with the columns ``id`` (the resource's id) and
  ``<name>.id`` (and ``<name>.type``), one row per link, in order;

and last, per-resource ``meta`` members as ``meta.<key>`` columns (e.g. ``meta.title``).
A relationship given by links only (no ``data``) has no column: the document does not say.

The primary data's rows come first in their frame; resources of the same type from ``included``
follow (``Frames.data`` is the primary data alone). A resource repeated (same type and id) is kept
once, where it first appears.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from itertools import chain
from typing import TYPE_CHECKING, Any

from sandbox._lazy import lazy_module

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd  # type: ignore[import-untyped]
else:  # loaded with the first frame, not with ``import sandbox``
    np = lazy_module("numpy")
    pd = lazy_module("pandas")

from sandbox.frames.columns import (
    CONVERTERS,
    AttributeTypes,
    Decimals,
    Ids,
    Typed,
    Types,
    infer,
    kinds_of,
    objects,
    typed,
)
from sandbox.frames.container import Frames, FramesError
from sandbox.frames.extract import Chunk, ToOne, Typing, extract, merge

__all__ = ["AttributeTypes", "Types", "assemble", "paused_gc", "to_frames"]

_EMPTY: Mapping[str, Any] = {}


Pages = list[dict[str, Chunk]]


def to_frames(
    document: Any,
    *,
    types: Types = None,
    link_tables: bool = False,
    decimals: Decimals = "float",
    primary: str | None = None,
) -> Frames:
    """One tidy DataFrame per resource type in a document's ``data`` and ``included``.

    ``document`` is a parsed JSON:API document (a dict), or anything with a ``document``
    attribute such as an :class:`~sandbox.Exchange`. ``data`` may be a list, one resource or
    null. ``types`` gives attribute kinds (``Metadata`` or a dict); without it only booleans,
    numbers and UTC datetimes are recognised. ``decimals="decimal"`` keeps money and decimals
    exact as ``Decimal`` objects instead of ``float64``. ``primary`` names the primary type when
    ``data`` is empty, so that :attr:`Frames.data` still has the type's columns (with ``types``).
    """
    if not isinstance(document, Mapping) and hasattr(document, "document"):
        document = document.document
    if document is None:
        document = {}
    if not isinstance(document, Mapping):
        raise FramesError(
            f"expected a JSON:API document (an object), got {type(document).__name__}"
        )
    data = document.get("data")
    if data is None:
        data = []
    elif isinstance(data, Mapping):
        data = [data]
    elif not isinstance(data, list):
        raise FramesError(f"data must be a list, an object or null, not {type(data).__name__}")
    included = document.get("included") or []
    meta = document.get("meta")
    typing = Typing(types, decimals)
    with paused_gc():
        return assemble(
            [extract(data, typing)],
            [extract(included, typing)],
            types=types,
            link_tables=link_tables,
            decimals=decimals,
            primary=primary,
            meta=meta if isinstance(meta, Mapping) else None,
        )


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection meanwhile: building millions of dicts and lists makes
    Python's collector rescan them again and again (parsing 100,000 orders took 6× longer).
    What is made here is freed by reference counting; the collector resumes as it was after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def assemble(
    data: Pages,
    included: Pages,
    *,
    types: Types = None,
    link_tables: bool = False,
    decimals: Decimals = "float",
    primary: str | None = None,
    meta: Mapping[str, Any] | None = None,
) -> Frames:
    """:class:`Frames` from the chunks of one or more documents (pages, in order)."""
    kinds = list(dict.fromkeys(chain.from_iterable(chain(data, included))))
    # the data's (first) type; the one named is for when there is no data
    primary = next(iter(dict.fromkeys(chain.from_iterable(data))), primary)
    if primary is not None and primary not in kinds:
        kinds.insert(0, primary)
    frames: dict[str, Any] = {}
    data_rows: dict[str, int] = {}
    links: dict[tuple[str, str], Any] = {}
    targets: dict[tuple[str, str], tuple[str, ...]] = {}
    for kind in kinds:
        chunks = [page[kind] for page in chain(data, included) if kind in page]
        in_data = sum(page[kind].rows for page in data if kind in page)
        chunk = merge(chunks, decimals) if chunks else _empty()
        table = _Table(kind, chunk, kinds_of(types, kind), decimals)
        frame = table.frame()
        if frame.index.has_duplicates:
            duplicated = frame.index.duplicated() & frame.index.notna()
            in_data -= int(duplicated[:in_data].sum())
            frame = frame[~duplicated]
        frames[kind], data_rows[kind] = frame, in_data
        targets.update(((kind, name), found) for name, found in table.targets.items())
        if link_tables:
            links.update(((kind, name), _link_table(frame, name)) for name in table.to_many)
    return Frames(
        frames, primary=primary, data_rows=data_rows, links=links, relationships=targets, meta=meta
    )


def _empty() -> Chunk:
    return Chunk(0, Ids([], True), {}, {}, {})


def _link_table(frame: Any, name: str) -> Any:
    cells = [c if c is not None else () for c in frame[name].tolist()]
    lengths = np.fromiter(map(len, cells), dtype=np.int64, count=len(cells))
    ids = list(chain.from_iterable(cells))
    integers = all(type(i) is int for i in ids)
    table = {
        "id": frame.index.repeat(lengths).array,
        f"{name}.id": Ids(ids, integers).index().array,
    }
    if f"{name}.type" in frame.columns:
        kinds = chain.from_iterable(k if k is not None else () for k in frame[f"{name}.type"])
        table[f"{name}.type"] = pd.Categorical(list(kinds))
    return pd.DataFrame(table, copy=False)


class _Table:
    """The typed columns of one resource type."""

    def __init__(
        self, kind: str, chunk: Chunk, kinds: Mapping[str, str], decimals: Decimals
    ) -> None:
        self.kind = kind
        self.chunk = chunk
        self.kinds = kinds
        self.decimals = decimals
        self.targets: dict[str, tuple[str, ...]] = {}
        self.to_many: list[str] = []

    def frame(self) -> Any:
        chunk, columns = self.chunk, {}
        names = list(chunk.attributes) if chunk.rows else list(self.kinds)
        for name in names:
            values = chunk.attributes.get(name, [])
            if isinstance(values, Typed):
                columns[name] = values.values
            else:
                columns[name] = self._convert(name, values, self.kinds.get(name), self.decimals)
        for name, part in chunk.relationships.items():
            self.targets[name] = part.found
            if isinstance(part, ToOne):
                columns[f"{name}.id"] = part.ids.array()
                if part.kinds is not None:
                    columns[f"{name}.type"] = pd.Categorical(part.kinds)
            else:
                self.to_many.append(name)
                columns[name] = objects(part.cells)
                if part.kinds is not None:
                    columns[f"{name}.type"] = objects(part.kinds)
        for name, values in chunk.meta.items():
            columns[f"meta.{name}"] = self._convert(f"meta.{name}", values, None, "float")
        return pd.DataFrame(columns, index=chunk.ids.index(), copy=False)

    def _convert(self, name: str, values: list[Any], kind: str | None, decimals: Decimals) -> Any:
        if kind in CONVERTERS:
            return typed(f"{self.kind}.{name}", values, kind, decimals).values
        return infer(values)  # never raises
