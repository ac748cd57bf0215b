"""The task queue of the Batch API, on huey.

huey is a small, well-kept task queue with interchangeable storages: by default its SQLite
storage in a file beside the database, consumed by worker threads started with the API server
(``make run`` stays one command, no other service); with ``--queue redis://…`` its Redis storage,
shared by any number of API servers and ``oro-sandbox worker`` processes. Either way the queue
only carries operation ids: the operation itself — request, progress, errors — is in the
database, so a lost or repeated task costs nothing (see ``server/batch/run.py``).

Tasks: ``run`` (one operation), ``search.index`` (the search entries of the records an
asynchronous operation wrote, queued after each; :func:`server.storage.search_index.drain`) and
the periodic ``maintain`` (every minute): unfinished operations nobody moves any more are started
again, records left unindexed (by a crash) are indexed, and operations older than
``batch_lifetime_days`` are deleted (also ``oro-sandbox batch-cleanup``). The queue also carries
the server's other periodic housekeeping: ``storefront.visitors`` (every hour) deletes the
storefront's expired visitors who own nothing (also ``oro-sandbox visitor-cleanup``; Oro's cron
runs it daily at 01:00, which a sandbox server seldom lives to see).
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer
from huey.exceptions import ConfigurationError

from server.actions.context import Backend
from server.auth.visitors import delete_expired_visitors
from server.batch import operations
from server.batch.run import Runner
from server.settings import Settings
from server.storage.dialect import begin_write
from server.storage.search_index import drain

log = logging.getLogger("server.batch")


def make_huey(settings: Settings) -> Huey:
    """The huey of ``settings.queue_url``: "" → SQLite beside the database (in memory when the
    database is; in the temporary folder for a server database), ``redis://…`` → Redis,
    ``sqlite:///path`` → that SQLite file."""
    url = settings.queue_url
    if url.startswith(("redis://", "rediss://", "unix://")):
        try:
            return RedisHuey("oro-sandbox", url=url, results=False)
        except ConfigurationError:
            raise ValueError(
                "a Redis queue needs the redis package: pip install 'oro-api-sandbox[redis]'"
            ) from None
    if url.startswith("sqlite:///"):
        return SqliteHuey("oro-sandbox", filename=url.removeprefix("sqlite:///"), results=False)
    if url:
        raise ValueError(f"unsupported queue URL {url!r}: use redis://… or sqlite:///…")
    database = sa.make_url(settings.database_url)
    if database.get_backend_name() == "sqlite":
        if database.database in (None, "", ":memory:"):
            return MemoryHuey("oro-sandbox", results=False)
        path = Path(database.database or "")
        return SqliteHuey(
            "oro-sandbox", filename=str(path.with_name(path.name + ".queue")), results=False
        )
    # another database (PostgreSQL…) without a queue URL: a SQLite queue named after it in the
    # temporary folder, shared by the processes of this machine that use that database
    key = hashlib.sha256(settings.database_url.encode()).hexdigest()[:16]
    filename = Path(tempfile.gettempdir()) / f"oro-sandbox-{key}.queue"
    return SqliteHuey("oro-sandbox", filename=str(filename), results=False)


class _EmbeddedConsumer(Consumer):  # type: ignore[misc]
    """huey's consumer inside the API server: the server owns the signals."""

    def _set_signal_handlers(self) -> None:
        pass


class BatchQueue:
    def __init__(self, settings: Settings, backend: Callable[[], Backend]) -> None:
        self.settings = settings
        self.backend = backend
        self.huey = make_huey(settings)
        self.stopping = threading.Event()
        self._run = self.huey.task(name="batch.run")(self.run)
        self._index = self.huey.task(name="search.index")(self.index)
        self.huey.periodic_task(crontab(minute="*"), name="batch.maintain")(self.maintain)
        self.huey.periodic_task(crontab(minute="7"), name="storefront.visitors")(
            self.clear_visitors
        )
        self.consumer: Consumer | None = None

    # --- producer side

    def submit(self, operation_id: int) -> None:
        self._run(operation_id)

    def resume_later(self, operation_id: int, delay: float) -> None:
        self._run.schedule(args=(operation_id,), delay=max(delay, 0.0))

    # --- tasks

    def run(self, operation_id: int) -> None:
        Runner(self.backend(), operation_id, self.stopping).run()
        self._index()

    def index(self) -> int:
        """Write the search entries still queued, a transaction per ``DRAIN`` records (other
        writers get their turn between); how many."""
        backend = self.backend()
        total = 0
        while not self.stopping.is_set():
            with backend.engine.connect() as connection:
                begin_write(connection)
                taken = drain(connection, backend.registry, backend.schema)
                connection.commit()
            if not taken:
                break
            total += taken
        return total

    def maintain(self) -> None:
        """Resume what nobody moves; index what a crash left; delete what is too old."""
        self.recover()
        self.index()
        self.cleanup()

    def recover(self) -> int:
        """Schedule every unfinished operation for when it will be stale (now, if it is)."""
        backend = self.backend()
        now = time.time()
        with backend.engine.connect() as connection:
            rows = operations.unfinished(connection, backend.schema.batch)
        stale_after = self.settings.batch_stale_after
        for row in rows:
            last = row.heartbeat if row.heartbeat is not None else row.created_at
            self.resume_later(row.id, last + stale_after - now + 0.05)
        return len(rows)

    def cleanup(self, now: float | None = None) -> int:
        """Delete operations older than the lifetime (and their errors)."""
        backend = self.backend()
        before = (now or time.time()) - self.settings.batch_lifetime_days * 86400
        with backend.engine.begin() as connection:
            ids = operations.obsolete(connection, backend.schema.batch, before)
            operations.delete(connection, backend.schema.batch, ids)
        if ids:
            log.info("deleted %d obsolete asynchronous operation(s)", len(ids))
        return len(ids)

    def clear_visitors(self, now: float | None = None) -> int:
        """Delete the storefront's visitors older than ``visitor_lifetime_days`` who own
        nothing (:func:`server.auth.visitors.delete_expired_visitors`)."""
        backend = self.backend()
        before = (now or time.time()) - self.settings.visitor_lifetime_days * 86400
        with backend.engine.begin() as connection:
            deleted = delete_expired_visitors(connection, backend.schema, before)
        if deleted:
            log.info("deleted %d expired customer visitor(s)", deleted)
        return deleted

    # --- consumer side

    def consumer_options(self, workers: int) -> dict[str, Any]:
        # a short idle poll: a synchronous batch waits for it (Redis blocks instead of polling)
        return {
            "workers": workers,
            "worker_type": "thread",
            "initial_delay": 0.01,
            "backoff": 1.5,
            "max_delay": 0.1,
            "periodic": True,
        }

    def start(self, workers: int) -> None:
        """Start worker threads in this process (the embedded queue)."""
        if workers <= 0:
            return
        self.consumer = _EmbeddedConsumer(self.huey, **self.consumer_options(workers))
        self.consumer.start()
        self.recover()
        self._index()

    def stop(self) -> None:
        """Workers finish the chunk in hand and stop; an operation left running is resumed
        by the next start."""
        self.stopping.set()
        if self.consumer is not None:
            self.consumer.stop(graceful=True)
            self.consumer = None

    def serve(self, workers: int) -> None:
        """``oro-sandbox worker``: consume in the foreground until interrupted."""
        consumer = Consumer(self.huey, **self.consumer_options(workers))
        self.recover()
        self._index()
        consumer.run()
