"""Search answers as DataFrames. Pure: documents in, frames out.

- :func:`search_frames`: a JSON:API ``/api/search`` document → :class:`~sandbox.Frames` whose
  primary frame, ``search``, has one row per hit (``entityName``, ``entity.type``, ``entity.id``,
  ``entityUrl``), and — with ``include=entity`` — one frame per type of the records found,
  made by the library's frame machinery (typed columns, relationships as ``<name>.id``).
- :func:`aggregations_frame`: ``meta.aggregatedData`` (or a legacy answer's ``aggregated_data``)
  → one tidy frame, a row per value of a ``count`` (``aggregation``, ``value``, ``count``) and
  one row per other function (its number in ``value``, ``count`` empty).
- :func:`legacy_frame`: the legacy REST search's ``data[]`` → a frame (``entity_name``,
  ``record_id``, ``record_string``, ``record_url`` and ``selected_data.<name>`` per selected
  field), ``records_count`` and ``count`` in ``frame.attrs``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sandbox._lazy import lazy_module
from sandbox.frames import Frames, FramesError, Types, to_frames

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]
else:
    pd = lazy_module("pandas")

__all__ = ["aggregations_frame", "hits_frame", "legacy_frame", "search_frames"]

HIT_TYPE = "search"
HIT_COLUMNS = ("entityName", "entity.type", "entity.id", "entityUrl")
LEGACY_COLUMNS = ("entity_name", "record_id", "record_string", "record_url")


def _document(document: Any) -> Mapping[str, Any]:
    if not isinstance(document, Mapping) and hasattr(document, "document"):
        document = document.document  # an Exchange
    if not isinstance(document, Mapping):
        raise FramesError(f"expected a search document (an object), got {type(document).__name__}")
    return document


def search_frames(document: Any, *, types: Types = None) -> Frames:
    """The hits and the records found, one frame per type (``types`` as for ``to_frames``)."""
    document = _document(document)
    found = to_frames(document, types=types, primary=HIT_TYPE)
    frames = {HIT_TYPE: hits_frame(document)}
    frames |= {kind: found[kind] for kind in found if kind != HIT_TYPE}
    return Frames(
        frames,
        primary=HIT_TYPE,
        links=found.links,
        relationships=found.relationships,
        meta=found.meta,
    )


def hits_frame(document: Any) -> Any:
    """One row per hit, indexed by the hit's id (``orders-5``), whatever types were found."""
    rows = []
    for item in _document(document).get("data") or []:
        entity = ((item.get("relationships") or {}).get("entity") or {}).get("data") or {}
        rows.append(
            (
                item.get("id"),
                (item.get("attributes") or {}).get("entityName"),
                entity.get("type"),
                entity.get("id"),
                (item.get("links") or {}).get("entityUrl"),
            )
        )
    columns = list(zip(*rows, strict=True)) if rows else [()] * 5
    index, names, kinds, ids, urls = (list(c) for c in columns)
    integers = all(isinstance(i, str) and i.isdigit() for i in ids)
    frame = pd.DataFrame(
        {
            "entityName": pd.array(names, dtype="str"),
            "entity.type": pd.array(kinds, dtype="str"),
            "entity.id": pd.array(
                [int(i) for i in ids] if integers else ids, dtype="Int64" if integers else "str"
            ),
            "entityUrl": pd.array(urls, dtype="str"),
        },
        index=pd.Index(pd.array(index, dtype="str"), name="id"),
    )
    return frame


def aggregations_frame(document: Any) -> Any:
    """``meta.aggregatedData`` (JSON:API) or ``aggregated_data`` (the legacy search of Oro, where
    a count is ``{value: count}``) as rows of ``aggregation``, ``value``, ``count``."""
    document = _document(document)
    if "aggregated_data" in document:
        data = document["aggregated_data"]
    else:
        data = (document.get("meta") or {}).get("aggregatedData")
    rows: list[tuple[str, Any, Any]] = []
    for name, result in (data or {}).items() if isinstance(data, Mapping) else ():
        if isinstance(result, list):
            rows += [(name, item.get("value"), item.get("count")) for item in result]
        elif isinstance(result, Mapping):
            rows += [(name, value, count) for value, count in result.items()]
        else:
            rows.append((name, result, None))
    frame = pd.DataFrame(rows, columns=["aggregation", "value", "count"])
    frame["count"] = frame["count"].astype("Int64")
    return frame


def legacy_frame(document: Any) -> Any:
    """A legacy search's ``data[]``, one row per record."""
    document = _document(document)
    rows = []
    for item in document.get("data") or []:
        row = {column: item.get(column) for column in LEGACY_COLUMNS if column in item}
        for name, value in (item.get("selected_data") or {}).items():
            row[f"selected_data.{name}"] = value
        rows.append(row)
    columns = [c for c in LEGACY_COLUMNS if any(c in row for row in rows)] or list(
        LEGACY_COLUMNS[:3]
    )
    columns += sorted({c for row in rows for c in row} - set(columns), key=_first_seen(rows))
    frame = pd.DataFrame(rows, columns=columns)
    if "record_id" in frame and len(frame):
        frame["record_id"] = frame["record_id"].astype("Int64")
    frame.attrs["records_count"] = document.get("records_count")
    frame.attrs["count"] = document.get("count")
    return frame


def _first_seen(rows: list[dict[str, Any]]) -> Any:
    order: dict[str, int] = {}
    for row in rows:
        for column in row:
            order.setdefault(column, len(order))
    return order.__getitem__
