"""Connections for reads: one kept per thread, instead of a pool checkout per request.

A pool checkout and return (the connection's wrapper, the pool's queue, the reset on return) cost
a quarter of the server's CPU time on a small read. Reads run on the event loop's thread, so one
connection, kept for good, serves nearly all of them.

A kept connection never holds a snapshot between requests, so a read never sees stale data after
a committed write (another connection's, or another process's):

- on SQLite it never begins a transaction: the driver begins one only before a data change, and a
  read changes nothing, so each statement sees the last commit (WAL mode);
- on PostgreSQL it is in autocommit (``dialect.read_engine``): each statement sees what is
  committed, as with a pool checkout;
- after each use, a transaction left open all the same is rolled back, and after a driver error
  the connection is closed and the next use opens a new one.

The connection comes from the engine's pool and goes back when its thread ends or at
:meth:`ReadConnections.close` (the application's shutdown). Only threads that read hold one (the
event loop's, and a worker thread now and then), so writers keep the rest of the pool.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections.abc import Hashable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from server.storage.dialect import read_engine

_serials = itertools.count()


class _Held:
    """One thread's read connection; returned to the pool when the thread's locals go."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self.depth = 0  # nested connect() calls on this thread share the connection
        self.serial = next(_serials)  # tells this connection's data versions from another's

    def close(self) -> None:
        with suppress(Exception):  # a connection already broken: nothing left to return
            self.connection.close()

    def __del__(self) -> None:
        self.close()


class ReadConnections:
    """``connect()`` as ``Engine.connect()`` does, for reads only, from a connection kept per
    thread."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = read_engine(engine)
        self._error = engine.dialect.loaded_dbapi.Error
        self._local = threading.local()
        self._all: weakref.WeakSet[_Held] = weakref.WeakSet()
        self._lock = threading.Lock()
        # an in-memory database is one connection that every checkout shares: nothing to keep
        self._keep = not isinstance(engine.pool, StaticPool)

    @contextmanager
    def connect(self) -> Iterator[sa.Connection]:
        if not self._keep:
            with self.engine.connect() as connection:
                yield connection
            return
        held: _Held | None = getattr(self._local, "held", None)
        if held is None or held.connection.closed or held.connection.invalidated:
            held = _Held(self.engine.connect())
            self._local.held = held
            with self._lock:
                self._all.add(held)
        held.depth += 1
        try:
            yield held.connection
        except BaseException as error:
            if held.depth == 1 and isinstance(error, (self._error, sa.exc.DBAPIError)):
                self._drop(held)
            raise
        finally:
            held.depth -= 1
            if held.depth == 0 and not held.connection.closed:
                self._end_transaction(held)

    def version(self) -> Hashable | None:
        """What the database holds, as a value that changes whenever anything is committed, by
        any connection of any process; None where that cannot be known (an in-memory database:
        its one connection also writes).

        - SQLite: ``PRAGMA data_version`` of this thread's kept connection, which changes when
          another connection commits (this one never writes). The number is the connection's
          own, so it goes with the connection's serial.
        - PostgreSQL: the current snapshot (``xmin:xmax:in-progress ids``). Two snapshots are
          equal only when no transaction committed between them, and what a statement sees is
          decided by its snapshot alone.
        """
        if not self._keep:
            return None
        with self.connect() as connection:
            held: _Held = self._local.held
            driver: Any = connection.connection.driver_connection
            if self.engine.dialect.name == "sqlite":
                return held.serial, driver.execute("PRAGMA data_version").fetchone()[0]
            snapshot: str = driver.execute("SELECT pg_current_snapshot()::text").fetchone()[0]
            return snapshot

    def _end_transaction(self, held: _Held) -> None:
        if held.connection.in_transaction():  # begun through SQLAlchemy (reads use the cursor)
            try:
                held.connection.rollback()
            except Exception:
                self._drop(held)
            return
        driver: Any = held.connection.connection.driver_connection
        if driver is None:
            return
        in_transaction = (
            driver.in_transaction
            if self.engine.dialect.name == "sqlite"
            else getattr(getattr(driver, "info", None), "transaction_status", 0) != 0  # psycopg
        )
        if in_transaction:
            try:
                driver.rollback()
            except Exception:
                self._drop(held)

    def _drop(self, held: _Held) -> None:
        """Discard a connection that failed: closed, not returned to the pool."""
        with suppress(Exception):
            held.connection.invalidate()
        held.close()
        if getattr(self._local, "held", None) is held:
            del self._local.held

    def close(self) -> None:
        """Return every thread's connection to the pool (at shutdown)."""
        with self._lock:
            helds = list(self._all)
        for held in helds:
            held.close()
