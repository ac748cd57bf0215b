"""``oro-sandbox worker`` (runs Batch API operations from a shared queue) and
``oro-sandbox batch-cleanup`` (deletes operations older than the lifetime) and
``oro-sandbox batch-cancel ID`` (an administrator's interrupt of an operation: ``cancelled``),
and the queue's other housekeeping by hand: ``oro-sandbox visitor-cleanup`` (Oro's
``oro:cron:customer-visitors:clear-expired``)."""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TextIO

from server.actions.context import Backend
from server.batch import operations
from server.batch.queue import BatchQueue
from server.cli.parser import settings_from
from server.settings import Settings
from server.storage.dialect import begin_write


def backend_of(settings: Settings) -> Backend:
    """The parts an operation needs, as the API server builds them (tables made if missing)."""
    from server.app import prepare_backend

    return prepare_backend(settings.with_(reset=False))


@contextmanager
def _queue(settings: Settings) -> Iterator[BatchQueue]:
    """The queue over a backend of its own, whose connections are closed on the way out."""
    holder: list[Backend] = []
    queue = BatchQueue(settings, lambda: holder[0])
    holder.append(dataclasses.replace(backend_of(settings), queue=queue))
    try:
        yield queue
    finally:
        holder[0].engine.dispose()


def worker(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO) -> int:
    settings = settings_from(args, environ)
    with _queue(settings) as queue:
        print(f"Batch API worker: {args.workers} thread(s) on {settings.database_url}", file=out)
        queue.serve(args.workers)
    return 0


def batch_cleanup(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO) -> int:
    settings = settings_from(args, environ)
    with _queue(settings) as queue:
        deleted = queue.cleanup()
    print(
        f"Deleted {deleted} asynchronous operation(s) older than"
        f" {settings.batch_lifetime_days} days.",
        file=out,
    )
    return 0


def visitor_cleanup(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO) -> int:
    settings = settings_from(args, environ)
    if args.days is not None:
        settings = settings.with_(visitor_lifetime_days=args.days)
    with _queue(settings) as queue:
        deleted = queue.clear_visitors()
    print(
        f"Deleted {deleted} customer visitor(s) last seen more than"
        f" {settings.visitor_lifetime_days} days ago who own nothing.",
        file=out,
    )
    return 0


def batch_cancel(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO) -> int:
    """Oro has no API for it: an administrator interrupts the operation's job in the back
    office (System > Jobs), the chunks not started are cancelled, and the operation ends
    ``cancelled``. Here this command is that administrator."""
    backend = backend_of(settings_from(args, environ))
    try:
        with backend.engine.begin() as connection:
            begin_write(connection)
            cancelled = operations.cancel(connection, backend.schema.batch, args.id)
    finally:
        backend.engine.dispose()
    if not cancelled:
        print(f"Asynchronous operation {args.id} does not exist or is finished.", file=out)
        return 1
    print(f"Asynchronous operation {args.id} cancelled.", file=out)
    return 0
