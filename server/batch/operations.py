"""Asynchronous operations as stored (``api_async_operation``) and as the API shows them."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import sqlalchemy as sa

from server.auth.principal import Principal
from server.metadata.batch import ERRORS, OPERATIONS
from server.metadata.types import format_datetime
from server.storage.batch_tables import BatchTables

ACTIVE = ("new", "running")
FINISHED = ("success", "failed", "cancelled")


def create(
    connection: sa.Connection,
    tables: BatchTables,
    *,
    entity_type: str,
    mode: str,
    api_url: str,
    principal: Principal,
    request: bytes,
    chunk_size: int,
    included_chunk_size: int,
    chunk_count: int,
) -> int:
    stamp = time.time()
    values = {
        "status": "new",
        "entity_type": entity_type,
        "mode": mode,
        "api_url": api_url,
        "owner_id": principal.user_id,
        "organization_id": principal.organization_id,
        "principal": principal_json(principal),
        "chunk_size": chunk_size,
        "included_chunk_size": included_chunk_size,
        "chunk_count": chunk_count,
        "chunks_done": 0,
        "created_at": stamp,
        "updated_at": stamp,
        "attempts": 0,
        "aggregate_time": 0,
        "read_count": 0,
        "write_count": 0,
        "error_count": 0,
        "create_count": 0,
        "update_count": 0,
    }
    result = connection.execute(tables.operation.insert().values(values))
    key = result.inserted_primary_key
    assert key is not None
    connection.execute(tables.request.insert().values(operation_id=key[0], body=request))
    return int(key[0])


def request_body(connection: sa.Connection, tables: BatchTables, id_: int) -> bytes:
    table = tables.request
    query = sa.select(table.c.body).where(table.c.operation_id == id_)
    return bytes(connection.execute(query).scalar_one())


def principal_json(principal: Principal) -> dict[str, Any]:
    data = asdict(principal)
    data["business_unit_ids"] = sorted(principal.business_unit_ids)
    data["role_ids"] = sorted(principal.role_ids)
    return data


def principal_of(data: dict[str, Any]) -> Principal:
    return Principal(
        data["user_id"],
        data["organization_id"],
        data["business_unit_id"],
        frozenset(data["business_unit_ids"]),
        frozenset(data["role_ids"]),
        data.get("client_id"),
        data.get("method", "none"),
    )


def load(connection: sa.Connection, tables: BatchTables, id_: int) -> sa.Row[Any] | None:
    table = tables.operation
    return connection.execute(sa.select(table).where(table.c.id == id_)).first()


def _moment(epoch: float) -> str:
    return format_datetime(dt.datetime.fromtimestamp(epoch, dt.UTC))


def elapsed(row: Any, now: float | None = None) -> int:
    if row.started_at is None:
        return 0
    end: float = row.finished_at if row.finished_at is not None else (now or time.time())
    started: float = row.started_at
    return max(0, round(end - started))


def summary(row: Any) -> dict[str, int] | None:
    if row.status not in ("success", "failed"):
        return None
    return {
        "aggregateTime": row.aggregate_time,
        "readCount": row.read_count,
        "writeCount": row.write_count,
        "errorCount": row.error_count,
        "createCount": row.create_count,
        "updateCount": row.update_count,
    }


def url(api_url: str, id_: int) -> str:
    return f"{api_url}/{OPERATIONS}/{id_}"


def resource_object(row: Any, api_url: str, *, links: bool = True) -> dict[str, Any]:
    """The ``asyncoperations`` resource object (reference §15.2-15.3)."""
    progress = None if row.progress is None else round(row.progress, 4)
    obj: dict[str, Any] = {"type": OPERATIONS, "id": str(row.id)}
    if links:
        obj["links"] = {"self": url(api_url, row.id)}
    obj["attributes"] = {
        "status": row.status,
        "progress": progress,
        "createdAt": _moment(row.created_at),
        "updatedAt": _moment(row.updated_at),
        "elapsedTime": elapsed(row),
        "entityType": row.entity_type,
        "summary": summary(row),
    }
    obj["relationships"] = {
        "owner": {"data": {"type": "users", "id": str(row.owner_id)}},
        "organization": {"data": {"type": "organizations", "id": str(row.organization_id)}},
    }
    return obj


def error_id(operation_id: int, chunk: int, position: int) -> str:
    """Oro's ``{operation}-{error file index}-{error index}``."""
    return f"{operation_id}-{chunk}-{position}"


def error_object(row: Any) -> dict[str, Any]:
    attributes: dict[str, Any] = {"status": row.status, "title": row.title, "detail": row.detail}
    if row.pointer is not None:
        attributes["source"] = {"pointer": row.pointer}
    elif row.property_path is not None:
        attributes["source"] = {"propertyPath": row.property_path}
    return {
        "type": ERRORS,
        "id": error_id(row.operation_id, row.chunk, row.position),
        "attributes": attributes,
    }


def errors_page(
    connection: sa.Connection, tables: BatchTables, operation_id: int, number: int, size: int
) -> tuple[Sequence[Any], bool]:
    """One page of an operation's errors (``size`` -1: all of them) and whether more follow."""
    table = tables.error
    query = (
        sa.select(table)
        .where(table.c.operation_id == operation_id)
        .order_by(table.c.chunk, table.c.position)
    )
    if size < 0:
        return connection.execute(query).all(), False
    rows = connection.execute(query.limit(size + 1).offset((number - 1) * size)).all()
    return rows[:size], len(rows) > size


def error_count(connection: sa.Connection, tables: BatchTables, operation_id: int) -> int:
    table = tables.error
    query = sa.select(sa.func.count()).where(table.c.operation_id == operation_id)
    return int(connection.execute(query).scalar_one())


def delete(connection: sa.Connection, tables: BatchTables, ids: Sequence[int]) -> None:
    if ids:
        connection.execute(tables.error.delete().where(tables.error.c.operation_id.in_(ids)))
        connection.execute(tables.request.delete().where(tables.request.c.operation_id.in_(ids)))
        connection.execute(tables.operation.delete().where(tables.operation.c.id.in_(ids)))


def obsolete(connection: sa.Connection, tables: BatchTables, before: float) -> list[int]:
    table = tables.operation
    query = sa.select(table.c.id).where(table.c.created_at < before)
    return [row.id for row in connection.execute(query)]


def unfinished(connection: sa.Connection, tables: BatchTables) -> Sequence[Any]:
    table = tables.operation
    columns = (table.c.id, table.c.status, table.c.heartbeat, table.c.created_at)
    return connection.execute(sa.select(*columns).where(table.c.status.in_(ACTIVE))).all()


def cancel(connection: sa.Connection, tables: BatchTables, id_: int) -> bool:
    """Cancel an unfinished operation, as Oro does when an administrator interrupts its job (a
    chunk in progress finishes, no other one starts: a runner's next chunk finds the operation
    no longer ``running``). False when there is no such operation or it is finished already.
    Call within the writers' turn, so that it falls between two chunks."""
    table = tables.operation
    now = time.time()
    done = connection.execute(
        table.update()
        .where(table.c.id == id_, table.c.status.in_(ACTIVE))
        .values(status="cancelled", finished_at=now, updated_at=now)
    )
    return done.rowcount == 1
