"""Tables of the Batch API (not resources of the registry): asynchronous operations, their
stored request, their progress and their errors.

A chunk's records, its errors and the operation's progress are written in one transaction, so
what the progress says was done is exactly what is stored (see ``server/batch/run.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa


@dataclass(frozen=True)
class BatchTables:
    operation: sa.Table
    request: sa.Table
    error: sa.Table


def define_batch_tables(metadata: sa.MetaData) -> BatchTables:
    operation = sa.Table(
        "api_async_operation",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("entity_type", sa.String(255), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),  # "async" | "sync" (atomic)
        sa.Column("api_url", sa.String(2048), nullable=False),  # links of a sync reply
        # who started it: access rules are theirs when the operation runs
        sa.Column("owner_id", sa.Integer, nullable=False, index=True),
        sa.Column("organization_id", sa.Integer, nullable=False),
        sa.Column("principal", sa.JSON, nullable=False),
        # how the request was split (the settings of its time: a restart may not change them)
        sa.Column("chunk_size", sa.Integer, nullable=False),
        sa.Column("included_chunk_size", sa.Integer, nullable=False),
        sa.Column("chunk_count", sa.Integer, nullable=False),
        sa.Column("chunks_done", sa.Integer, nullable=False, default=0),
        sa.Column("progress", sa.Float),
        sa.Column("created_at", sa.Float, nullable=False, index=True),  # epoch seconds
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.Column("started_at", sa.Float),
        sa.Column("finished_at", sa.Float),
        sa.Column("heartbeat", sa.Float),  # the last sign of life of whoever runs it
        sa.Column("attempts", sa.Integer, nullable=False, default=0),
        sa.Column("aggregate_time", sa.Integer, nullable=False, default=0),  # ms
        sa.Column("read_count", sa.Integer, nullable=False, default=0),
        sa.Column("write_count", sa.Integer, nullable=False, default=0),
        sa.Column("error_count", sa.Integer, nullable=False, default=0),
        sa.Column("create_count", sa.Integer, nullable=False, default=0),
        sa.Column("update_count", sa.Integer, nullable=False, default=0),
        sa.Column("result", sa.JSON),  # sync: the written objects, in request order
        sqlite_autoincrement=True,
    )
    # the body as sent, apart: written once, read once per run, never copied by the progress
    # updates of the operation's row (SQLite rewrites a whole row on UPDATE)
    request = sa.Table(
        "api_async_operation_request",
        metadata,
        sa.Column("operation_id", sa.Integer, primary_key=True),
        sa.Column("body", sa.LargeBinary, nullable=False),
    )
    error = sa.Table(
        "api_async_operation_error",
        metadata,
        sa.Column("operation_id", sa.Integer, primary_key=True),
        sa.Column("chunk", sa.Integer, primary_key=True),  # Oro's error file index
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("pointer", sa.String(1024)),
        sa.Column("property_path", sa.String(1024)),
    )
    return BatchTables(operation, request, error)
