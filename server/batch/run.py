"""Running an asynchronous operation: chunk after chunk, each in one transaction.

Durability: a chunk's records, its errors and the operation's progress (``chunks_done``) commit
together, so a crash (``kill -9``) loses at most the chunk in flight, whose transaction the
database rolls back. Whoever runs the operation next starts again at ``chunks_done``: every item
is written exactly once. A chunk transaction begins by moving the operation's heartbeat under
the condition that ``chunks_done`` is still what it read; when another worker got there first
the condition fails and this one stops (it never writes a chunk twice, with any number of
workers). An operation nobody moves for ``batch_stale_after`` seconds is taken over; one started
``batch_max_attempts`` times, or running past ``batch_operation_timeout``, ends ``failed`` with
an error saying why — never ``running`` for ever.

``X-Mode: sync`` operations run the same way in one transaction for all items: any error and
nothing is kept (reference §16).

The search index follows an asynchronous operation's records after they are saved, as Oro's
message queue has it follow a batch: a chunk queues their ids (in its transaction) and the queue's
``search.index`` task writes their entries (:func:`server.storage.search_index.drain`). A
synchronous operation's records are indexed in its transaction, as every other write's.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import orjson
import sqlalchemy as sa

from server.actions import save
from server.actions.context import Backend, Context
from server.auth.acl import Access
from server.auth.principal import Principal, load_principal
from server.batch import operations
from server.batch.items import Written, parse_unit, written
from server.batch.plan import UNRELATED, Key, Plan, Unit, plan, rewrite_refs
from server.jsonapi.errors import ApiError, request_data_error
from server.jsonapi.request_doc import WriteDocument
from server.metadata.batch import OPERATIONS
from server.storage.dialect import begin_write
from server.storage.search_index import deferred

log = logging.getLogger("server.batch")

EXCEPTION_TITLE = "async operation exception"


@dataclass
class ErrorRow:
    status: int
    title: str
    detail: str
    pointer: str | None = None
    property_path: str | None = None

    @classmethod
    def of(cls, error: ApiError, pointer: str | None) -> ErrorRow:
        return cls(error.status, error.title, error.detail or error.title, pointer)


@dataclass
class ChunkResult:
    errors: list[ErrorRow] = field(default_factory=list)
    written: list[tuple[int, list[Written]]] = field(default_factory=list)  # data index, objects
    read: int = 0
    created: int = 0
    updated: int = 0

    @property
    def write_count(self) -> int:
        return self.created + self.updated


def begin(connection: sa.Connection) -> None:
    """Writers take turns (as every write action of the server does), on SQLite and PostgreSQL."""
    begin_write(connection)


def context_for(backend: Backend, connection: sa.Connection, row: Any) -> Context | None:
    """The request context the operation's items are written in: its owner's access, as it is
    now (a user disabled since cannot write)."""
    principal: Principal | None = operations.principal_of(row.principal)
    if backend.settings.auth and principal is not None:
        principal = load_principal(
            connection,
            backend.schema,
            principal.user_id,
            client_id=principal.client_id,
            method=principal.method,
        )
    if principal is None:
        return None
    return Context(
        backend=backend,
        method="PATCH",
        api_url=row.api_url,
        path=f"/{row.entity_type}",
        params=[],
        headers={},
        body=b"",
        json_api=True,
        x_include=frozenset(),
        principal=principal,
        access=None if backend.acl is None else Access(backend.acl, principal),
    )


def process_units(
    ctx: Context,
    connection: sa.Connection,
    body: dict[str, Any],
    units: tuple[Unit, ...],
    *,
    savepoint: bool = True,
) -> ChunkResult:
    """Write the units, consecutive ones together (``save.save_many``); an invalid one is
    skipped (it wrote nothing) and its errors kept. A unit that borrows included items waits
    for the units before it, whose stored ids its references then name. ``savepoint=False``:
    creates written together are not guarded by a savepoint, and their failure raises
    :class:`server.actions.save.Unsaved` (the caller rolls back and runs the units again)."""
    resource = ctx.backend.registry[ctx.path.strip("/")]
    result = ChunkResult()
    stored: dict[Key, str] = {}  # included items written by earlier units of this chunk
    wave: list[tuple[Unit, tuple[int, ...], WriteDocument, Any]] = []
    for unit in units:
        if unit.borrowed and wave:
            _save_wave(ctx, connection, wave, stored, result, savepoint)
            wave = []
        adopted = tuple(i for i in unit.borrowed if _key(body, i) not in stored)
        document = rewrite_refs(unit.document(body, adopted), stored)
        result.read += 1
        try:
            parsed, url_id = parse_unit(ctx, resource, document)
        except ApiError as error:
            _item_errors(result, unit, adopted, error)
            continue
        wave.append((unit, adopted, parsed, url_id))
    _save_wave(ctx, connection, wave, stored, result, savepoint)
    return result


def _save_wave(
    ctx: Context,
    connection: sa.Connection,
    wave: list[tuple[Unit, tuple[int, ...], WriteDocument, Any]],
    stored: dict[Key, str],
    result: ChunkResult,
    savepoint: bool,
) -> None:
    if not wave:
        return
    documents = [(doc, url_id) for _, _, doc, url_id in wave]
    outcomes = save.save_many(ctx, connection, documents, savepoint=savepoint)
    for (unit, adopted, _, _), outcome in zip(wave, outcomes, strict=True):
        if isinstance(outcome, ApiError):
            _item_errors(result, unit, adopted, outcome)
            continue
        objects = written(outcome)
        positions = unit.included + adopted
        for obj in objects:
            if obj.section == "included" and obj.sent_id is not None:
                stored[(obj.type, obj.sent_id)] = obj.id
                obj.index = positions[obj.index]
            elif obj.section == "data":
                obj.index = unit.data_index
        primary = objects[0]
        if primary.written:
            if primary.created:
                result.created += 1
            else:
                result.updated += 1
        result.written.append((unit.data_index, objects))


def _item_errors(
    result: ChunkResult, unit: Unit, adopted: tuple[int, ...], error: ApiError
) -> None:
    """An item's errors at their places in the request as sent (one without a place of its
    own points at the item)."""
    item = f"/data/{unit.data_index}"
    result.errors += [
        ErrorRow.of(e, unit.original_pointer(e.pointer, adopted) or item) for e in error.objects()
    ]


def _key(body: dict[str, Any], position: int) -> Key | None:
    item = body["included"][position]
    return (item["type"], item["id"]) if isinstance(item, dict) and "id" in item else None


def section_errors(the_plan: Plan) -> list[ErrorRow]:
    """The included section's own errors, numbered apart from the chunks' (Oro's file 0): the
    items its check refuses, else those no primary item reaches."""
    found = the_plan.refused or tuple((index, UNRELATED) for index in the_plan.unrelated)
    return [
        ErrorRow.of(request_data_error(detail), f"/included/{index}") for index, detail in found
    ]


class Runner:
    """Runs one operation for one worker; :meth:`run` returns when it is finished, or when
    another worker is running it."""

    def __init__(
        self, backend: Backend, operation_id: int, stopping: threading.Event | None = None
    ) -> None:
        self.backend = backend
        self.stopping = stopping
        self.tables = backend.schema.batch
        self.table = self.tables.operation
        self.id = operation_id
        self.settings = backend.settings

    def run(self, *, takeover: bool = False) -> None:
        row = self._claim(takeover)
        if row is None:
            return
        try:
            with self.backend.engine.connect() as connection:
                body = orjson.loads(operations.request_body(connection, self.tables, self.id))
                ctx = context_for(self.backend, connection, row)
            the_plan = plan(body, row.chunk_size, row.included_chunk_size)
            if ctx is None:
                self._fail("The user who started the operation cannot act any more.")
            elif row.mode == "sync":
                self._run_atomic(ctx, body, the_plan)
            else:
                self._run_chunks(ctx, body, the_plan, row.chunks_done)
        except Exception as exc:  # the operation fails, with the reason among its errors
            log.exception("asynchronous operation %s failed", self.id)
            self._fail(f"An unexpected error occurred: {exc}")

    def _claim(self, takeover: bool) -> Any | None:
        """Mark the operation running for this worker (a new one, a stale one, or on
        ``takeover`` any unfinished one); None when there is nothing to do here."""
        now = time.time()
        with self.backend.engine.connect() as connection:
            begin(connection)
            row = operations.load(connection, self.tables, self.id)
            if row is None or row.status not in operations.ACTIVE:
                connection.rollback()
                return None
            fresh = (
                row.heartbeat is not None and now - row.heartbeat < self.settings.batch_stale_after
            )
            if row.status == "running" and fresh and not takeover:
                connection.rollback()
                return None
            attempts = row.attempts + 1
            values: dict[str, Any] = {
                "status": "running",
                "attempts": attempts,
                "heartbeat": now,
                "updated_at": now,
            }
            if row.started_at is None:
                values.update(started_at=now, progress=0.0)
            connection.execute(self.table.update().where(self.table.c.id == self.id).values(values))
            connection.commit()
        if attempts > self.settings.batch_max_attempts:
            self._fail(
                f"The operation was interrupted {attempts - 1} times; it is not started again."
            )
            return None
        if now - row.created_at > self.settings.batch_operation_timeout:
            self._fail("The operation did not finish in time.")
            return None
        with self.backend.engine.connect() as connection:
            return operations.load(connection, self.tables, self.id)

    def _advance(self, connection: sa.Connection, done: int) -> bool:
        """The chunk's first statement: still ours, and still at ``done``?"""
        moved = connection.execute(
            _advance_statement(self.table),
            {"operation": self.id, "done": done, "now": time.time()},
        )
        return moved.rowcount == 1

    def _units(
        self,
        ctx: Context,
        connection: sa.Connection,
        body: dict[str, Any],
        units: tuple[Unit, ...],
        done: int,
    ) -> ChunkResult | None:
        """Begin the transaction and write the units (None: another worker has the operation).

        On SQLite, creates written together go without a savepoint first (its journal costs as
        much as a tenth of the chunk); should that write fail, the transaction is rolled back
        and the units are written again with savepoints, each failing item answered alone. On
        PostgreSQL, savepoints are cheap, and a sequence does not roll back with the
        transaction: they are kept."""
        careful = connection.dialect.name != "sqlite"
        while True:
            begin(connection)
            if not self._advance(connection, done):
                connection.rollback()
                return None
            try:
                return process_units(ctx, connection, body, units, savepoint=careful)
            except save.Unsaved:
                connection.rollback()
                careful = True

    def _run_chunks(self, ctx: Context, body: dict[str, Any], the_plan: Plan, done: int) -> None:
        count = len(the_plan.chunks)
        for index in range(done, count):
            if self.stopping is not None and self.stopping.is_set():
                return  # the server stops: the next start resumes at this chunk
            started = time.perf_counter()
            with (
                self.backend.engine.connect() as connection,
                deferred(self.backend.registry),  # the queue indexes them after: see drain
            ):
                result = self._units(ctx, connection, body, the_plan.chunks[index], index)
                if result is None:
                    return  # another worker has it
                self._record(connection, index + 1, result.errors)
                if index == 0:
                    section = section_errors(the_plan)
                    self._record(connection, 0, section)
                    result.errors = section + result.errors  # (counted together)
                ms = round((time.perf_counter() - started) * 1000)
                finished = index + 1 == count
                self._progress(connection, index + 1, count, result, ms, finished=finished)
                connection.commit()
        if count == 0:
            self._finish_empty(the_plan)

    def _finish_empty(self, the_plan: Plan) -> None:
        with self.backend.engine.connect() as connection:
            begin(connection)
            result = ChunkResult(errors=section_errors(the_plan))
            self._record(connection, 0, result.errors)
            self._progress(connection, 0, 0, result, 0, finished=True)
            connection.commit()

    def _run_atomic(self, ctx: Context, body: dict[str, Any], the_plan: Plan) -> None:
        """Every item in request order in one transaction; any error and it is rolled back."""
        started = time.perf_counter()
        units = tuple(
            sorted((u for chunk in the_plan.chunks for u in chunk), key=lambda u: u.data_index)
        )
        with self.backend.engine.connect() as connection:
            result = self._units(ctx, connection, body, units, 0)
            if result is None:
                return
            section = section_errors(the_plan)
            if result.errors or section:
                connection.rollback()
                begin(connection)
                result.created = result.updated = 0
                result.written = []
            else:
                connection.execute(
                    self.table.update()
                    .where(self.table.c.id == self.id)
                    .values(result=_written_json(result))
                )
            self._record(connection, 0, section)
            self._record(connection, 1, result.errors)
            result.errors = section + result.errors  # (counted together)
            ms = round((time.perf_counter() - started) * 1000)
            status = "failed" if result.errors else "success"
            self._progress(connection, 1, 1, result, ms, finished=True, status=status)
            connection.commit()

    def _record(self, connection: sa.Connection, chunk: int, errors: list[ErrorRow]) -> None:
        if errors:
            connection.execute(
                self.tables.error.insert(),
                [
                    {"operation_id": self.id, "chunk": chunk, "position": n, **vars(error)}
                    for n, error in enumerate(errors, 1)
                ],
            )

    def _progress(
        self,
        connection: sa.Connection,
        done: int,
        count: int,
        result: ChunkResult,
        ms: int,
        *,
        finished: bool,
        status: str = "success",
    ) -> None:
        now = time.time()
        params: dict[str, Any] = {
            "operation": self.id,
            "done": done,
            "progress": 1.0 if finished or not count else done / count,
            "now": now,
            "aggregate_time": ms,
            "read_count": result.read,
            "write_count": result.write_count,
            "error_count": len(result.errors),
            "create_count": result.created,
            "update_count": result.updated,
        }
        if finished:
            params["status"] = status
        connection.execute(_progress_statement(self.table, finished), params)

    def _fail(self, reason: str) -> None:
        """End the operation ``failed``, its reason as an error without a source."""
        with self.backend.engine.connect() as connection:
            begin(connection)
            row = operations.load(connection, self.tables, self.id)
            if row is None or row.status not in operations.ACTIVE:
                connection.rollback()
                return
            error = ErrorRow(500, EXCEPTION_TITLE, reason)
            self._record(connection, row.chunk_count + 1, [error])
            now = time.time()
            connection.execute(
                self.table.update()
                .where(self.table.c.id == self.id)
                .values(
                    status="failed",
                    finished_at=now,
                    updated_at=now,
                    started_at=row.started_at or now,
                    error_count=self.table.c.error_count + 1,
                )
            )
            connection.commit()


COUNTERS = (
    "aggregate_time",
    "read_count",
    "write_count",
    "error_count",
    "create_count",
    "update_count",
)


@functools.cache
def _advance_statement(table: sa.Table) -> sa.Update:
    """A chunk's first statement (built once: building it cost more than running it)."""
    c = table.c
    return (
        table.update()
        .where(
            c.id == sa.bindparam("operation"),
            c.chunks_done == sa.bindparam("done"),
            c.status == "running",
        )
        .values(heartbeat=sa.bindparam("now"))
    )


@functools.cache
def _progress_statement(table: sa.Table, finished: bool) -> sa.Update:
    """A chunk's progress: counters added to (built once: every chunk writes it)."""
    c = table.c
    now: Any = sa.bindparam("now")
    values: dict[str, Any] = {
        "chunks_done": sa.bindparam("done"),
        "progress": sa.bindparam("progress"),
        "updated_at": now,
        "heartbeat": now,
        **{name: c[name] + sa.bindparam(name) for name in COUNTERS},
    }
    if finished:
        values.update(status=sa.bindparam("status"), finished_at=now)
    return table.update().where(c.id == sa.bindparam("operation")).values(values)


def _written_json(result: ChunkResult) -> list[dict[str, Any]]:
    return [
        {
            "section": obj.section,
            "index": obj.index,
            "type": obj.type,
            "id": obj.id,
            "sentId": obj.sent_id,
        }
        for _, written in result.written
        for obj in written
    ]


__all__ = ["OPERATIONS", "Runner"]
