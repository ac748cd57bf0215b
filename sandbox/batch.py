"""The Batch API from Python: many records in one request, followed to the end (reference §15,
§16).

``batch_document`` (pure) turns rows — mappings, :class:`~sandbox.writes.Record` objects or a
pandas DataFrame, one row per primary item — into a batch request document: related records
(``Record`` values) go to ``included`` under temporary ids unique in the whole request, and each
row's primary item carries the id ``row-N`` so that a synchronous answer's ``meta.dataId`` names
the row it came from. :func:`submit` sends it (``PATCH /api/{type}``), asynchronously — then
follows the operation, with a progress bar, until it is finished — or with ``sync=True``
(``X-Mode: sync``, at most 100 rows and 50 related records per request: a larger input is sent as
several synchronous requests, each atomic). The :class:`BatchResult` has the summary, the errors
as a DataFrame whose ``row`` column points at the input rows, and — synchronous batches only, Oro
tells no ids of an asynchronous one — the id each row was written under::

    result = submit(client, "accounts", frame)            # a DataFrame: one account per row
    result.summary                                        # {'readCount': 3, 'errorCount': 1, …}
    result.errors_frame(frame)                            # row, field, title, detail + the row
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sandbox.exceptions import SpecError
from sandbox.writes import Record, _Keys

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]

    from sandbox.client import ApiClient, Exchange

__all__ = ["BatchResult", "batch_document", "submit", "wait_operation"]

SYNC_LIMIT = 100  # primary items of one synchronous request (Oro's default)
SYNC_INCLUDED_LIMIT = 50
FINISHED = ("success", "failed", "cancelled")
_POINTER = re.compile(r"^/(data|included)/(\d+)(?:/(attributes|relationships)/([^/]+))?")


def _records(type_: str, rows: Any) -> list[Record]:
    if hasattr(rows, "iterrows"):  # a DataFrame: one record per row
        return [Record.of(type_, row) for _, row in rows.iterrows()]
    records = []
    for row in rows:
        records.append(row if isinstance(row, Record) else Record.of(type_, row))
    for record in records:
        if record.type != type_:
            raise SpecError(f"a {record.type} record in a batch of {type_}")
    return records


@dataclass(frozen=True)
class BatchDocument:
    document: dict[str, Any]
    included_rows: tuple[int, ...]  # the row each included item came with

    def row_of(self, pointer: str | None) -> int | None:
        """The input row an error's pointer names (an included item: the row it came with)."""
        match = _POINTER.match(pointer or "")
        if match is None:
            return None
        index = int(match.group(2))
        if match.group(1) == "data":
            return index
        return self.included_rows[index] if index < len(self.included_rows) else None


def batch_document(type_: str, rows: Any, *, first_row: int = 0) -> BatchDocument:
    """The batch request of ``rows`` (primary items ``row-N``, N counted from ``first_row``)."""
    data: list[dict[str, Any]] = []
    included: list[dict[str, Any]] = []
    included_rows: list[int] = []
    for offset, record in enumerate(_records(type_, rows)):
        row = first_row + offset
        keys = _Keys(record)
        prefix = f"r{row}."
        item = record._object(keys, primary=True)
        item["id"] = record.id if record.id is not None else f"row-{row}"
        if record.update:
            item.setdefault("meta", {})["update"] = True
        data.append(_renamed(item, prefix, keys))
        for other in keys.included():
            included.append(_renamed(other._object(keys), prefix, keys))
            included_rows.append(row)
    document: dict[str, Any] = {"data": data}
    if included:
        document["included"] = included
    return BatchDocument(document, tuple(included_rows))


def _renamed(item: dict[str, Any], prefix: str, keys: _Keys) -> dict[str, Any]:
    """Temporary ids (``new-1``…) made unique in the request: ``r3.new-1``."""
    made_up = {keys.keys[i] for i in keys.keys} - {r.id for r in keys.order if r.id is not None}

    def key(value: Any) -> Any:
        if isinstance(value, dict) and value.get("id") in made_up:
            return {**value, "id": prefix + value["id"]}
        return value

    item = key(item)
    relationships = item.get("relationships")
    if relationships:
        item["relationships"] = {
            name: {
                "data": [key(v) for v in rel["data"]]
                if isinstance(rel["data"], list)
                else key(rel["data"])
            }
            for name, rel in relationships.items()
        }
    return item


@dataclass
class BatchResult:
    """What became of a batch: its operation (asynchronous), its errors, the ids (sync)."""

    type: str
    rows: int
    exchanges: list[Exchange] = field(default_factory=list)
    operation: dict[str, Any] | None = None  # the asynchronous operation as last read
    errors: list[dict[str, Any]] = field(default_factory=list)  # row, field, status, title…
    ids: dict[int, str] = field(default_factory=dict)  # input row → id (synchronous only)

    @property
    def status(self) -> str:
        if self.operation is not None:
            return str(self.operation["attributes"]["status"])
        return "success" if all(e.ok for e in self.exchanges) else "failed"

    @property
    def summary(self) -> dict[str, Any] | None:
        if self.operation is not None:
            summary: dict[str, Any] | None = self.operation["attributes"]["summary"]
            return summary
        written = len(self.ids)
        return {"readCount": self.rows, "writeCount": written, "errorCount": len(self.errors)}

    def errors_frame(self, rows: Any = None) -> pd.DataFrame:
        """The errors, one per line: ``row`` (the input row), ``field``, ``status``, ``title``,
        ``detail``, ``pointer``; joined with ``rows`` (the input DataFrame) when given."""
        import pandas as pd

        frame = pd.DataFrame(
            self.errors, columns=["row", "field", "status", "title", "detail", "pointer"]
        )
        frame["row"] = frame["row"].astype("Int64")
        if rows is None:
            return frame
        inputs = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
        inputs = inputs.reset_index(drop=True)
        inputs.columns = [f"{c}_input" if c in frame.columns else c for c in inputs.columns]
        return frame.merge(inputs, how="left", left_on="row", right_index=True)

    def with_ids(self, rows: pd.DataFrame) -> pd.DataFrame:
        """``rows`` with an ``id`` column: the id each row was written under (sync)."""
        frame = rows.reset_index(drop=True).copy()
        frame["id"] = [self.ids.get(i) for i in range(len(frame))]
        return frame

    def __repr__(self) -> str:
        return f"<BatchResult {self.type} {self.status} rows={self.rows} errors={len(self.errors)}>"


def error_row(batch: BatchDocument, raw: Mapping[str, Any]) -> dict[str, Any]:
    """One error as ``errors_frame`` lists it: the input row, the field, status, title…"""
    attributes = raw.get("attributes", raw)
    source = attributes.get("source") or {}
    pointer = source.get("pointer")
    match = _POINTER.match(pointer or "")
    row = batch.row_of(pointer)
    return {
        "row": None if row is None else row,
        "field": match.group(4) if match and match.group(4) else None,
        "status": int(attributes.get("status", 0)),
        "title": attributes.get("title"),
        "detail": attributes.get("detail"),
        "pointer": pointer,
    }


def error_objects(exchange: Exchange) -> list[Mapping[str, Any]]:
    document = exchange.document
    return list(document.get("errors") or []) if isinstance(document, dict) else []


def _chunks(records: list[Record]) -> Iterable[tuple[int, list[Record]]]:
    """Consecutive slices a synchronous request accepts (≤100 rows, ≤50 related records)."""
    start, related = 0, 0
    current: list[Record] = []
    for index, record in enumerate(records):
        count = len(_Keys(record).included())
        if current and (len(current) == SYNC_LIMIT or related + count > SYNC_INCLUDED_LIMIT):
            yield start, current
            start, current, related = index, [], 0
        current.append(record)
        related += count
    if current:
        yield start, current


def submit(
    client: ApiClient,
    type_: str,
    rows: Any,
    *,
    sync: bool = False,
    wait: bool = True,
    progress: bool = True,
    poll: float = 0.25,
    timeout: float | None = None,
) -> BatchResult:
    """Send ``rows`` as a batch of ``type_`` and, unless ``wait=False``, follow it to its end
    (a tqdm progress bar follows the operation's ``progress``)."""
    records = _records(type_, rows)
    if not records:
        raise SpecError("a batch needs at least one row")
    result = BatchResult(type_, len(records))
    if sync:
        for start, part in _chunks(records):
            _send_sync(client, type_, part, start, result)
        return result
    batch = batch_document(type_, records)
    exchange = client.patch(type_, json=batch.document)
    result.exchanges.append(exchange)
    if exchange.status != 202:
        result.errors += [error_row(batch, raw) for raw in error_objects(exchange)]
        return result
    result.operation = exchange.document["data"]
    if wait:
        follow(client, result, batch, progress=progress, poll=poll, timeout=timeout)
    return result


def _send_sync(
    client: ApiClient, type_: str, part: Sequence[Record], start: int, result: BatchResult
) -> None:
    batch = batch_document(type_, part, first_row=start)
    exchange = client.patch(type_, json=batch.document, headers={"X-Mode": "sync"})
    result.exchanges.append(exchange)
    if exchange.status == 202:  # past the server's wait: it goes on asynchronously
        result.operation = exchange.document["data"]
        follow(client, result, batch, progress=False)
        return
    if not exchange.ok:
        local = BatchDocument(batch.document, tuple(r - start for r in batch.included_rows))
        for raw in error_objects(exchange):
            found = error_row(local, raw)
            if found["row"] is not None:
                found["row"] += start
            result.errors.append(found)
        return
    for item in exchange.document["data"]:
        data_id = (item.get("meta") or {}).get("dataId", "")
        if data_id.startswith("row-"):
            result.ids[int(data_id[4:])] = item["id"]


def follow(
    client: ApiClient,
    result: BatchResult,
    batch: BatchDocument,
    *,
    progress: bool = True,
    poll: float = 0.25,
    timeout: float | None = None,
) -> BatchResult:
    """Follow the result's operation until it is finished, then read all its errors."""
    assert result.operation is not None
    operation = wait_operation(
        client, result.operation, progress=progress, poll=poll, timeout=timeout, rows=result.rows
    )
    result.operation = operation
    if operation["attributes"]["status"] in FINISHED:
        url = operation_url(operation)
        errors = client.get(f"{url}/errors", params={"page[size]": "-1"}).raise_for_errors()
        result.errors = [error_row(batch, raw) for raw in errors.document["data"]]
    return result


def operation_url(operation: Any) -> str:
    if isinstance(operation, str):
        return operation
    if hasattr(operation, "headers"):  # the Exchange of a batch request: 202
        return str(operation.headers["content-location"])
    links = operation.get("links") or {}
    return str(links.get("self") or f"asyncoperations/{operation['id']}")


def wait_operation(
    client: ApiClient,
    operation: Any,
    *,
    progress: bool = True,
    poll: float = 0.25,
    timeout: float | None = None,
    rows: int | None = None,
) -> dict[str, Any]:
    """The asynchronous operation once it is finished (or when ``timeout`` seconds passed):
    ``operation`` is its URL, the 202 answer of a batch request, or its resource object. A
    progress bar follows its ``progress``."""
    url = operation_url(operation)
    bar = _bar(rows) if progress else None
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        while True:
            found: dict[str, Any] = client.get(url).raise_for_errors().document["data"]
            attributes = found["attributes"]
            if bar is not None:
                bar.n = round((attributes["progress"] or 0) * 100)
                bar.set_postfix_str(attributes["status"])
                bar.refresh()
            if attributes["status"] in FINISHED:
                return found
            if deadline is not None and time.monotonic() > deadline:
                return found
            time.sleep(poll)
    finally:
        if bar is not None:
            bar.close()


def _bar(rows: int | None) -> Any:
    from tqdm.auto import tqdm  # type: ignore[import-untyped]  # a widget in notebooks

    shape = "{l_bar}{bar}| {n}%{postfix}"
    label = "operation" if rows is None else f"batch of {rows} rows"
    return tqdm(total=100, desc=label, unit="%", bar_format=shape)
