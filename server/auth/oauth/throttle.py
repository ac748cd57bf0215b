"""Login throttling: too many failed logins within a window lock the key out until it slides.

Keys are tuples, e.g. ``("login", "user", 4)`` (one user, whether named by username or e-mail)
and ``("ip", "203.0.113.7")``; a request is refused while any of its keys has reached its limit.
:meth:`LoginThrottle.attempt` checks and counts in one write transaction (writers take turns), so
parallel attempts cannot all pass the check before any failure is counted. The failures live in
the database (``auth_login_failure``, by a hash of the key), so every worker process counts the
same ones (Oro has no login throttling; a sandbox needs it); the clock is injectable.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable, Hashable, Sequence

import sqlalchemy as sa

from server.storage.dialect import begin_write

__all__ = ["LoginThrottle", "login_keys"]


def login_keys(user_id: int | None, login: str) -> tuple[tuple[str, str, int | str], ...]:
    """The throttle keys of a login: the name as typed (in any case), and its user when there is
    one, so the username and the e-mail count as one."""
    name = ("login", "name", login.lower())
    return (name,) if user_id is None else (name, ("login", "user", user_id))


def _stored(key: Hashable) -> str:
    return hashlib.sha256(json.dumps(key, default=str).encode()).hexdigest()


class LoginThrottle:
    def __init__(
        self,
        allowed: int,
        window: float,
        *,
        engine: sa.Engine,
        table: sa.Table,
        ip_allowed: int | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``allowed`` failures per key within ``window`` seconds; keys starting with ``"ip"``
        may fail ``ip_allowed`` times (default: four times ``allowed``, since one address may
        stand for many people). Failures are rows of ``table`` (``key``, ``at``) in ``engine``."""
        self.allowed = allowed
        self.ip_allowed = ip_allowed if ip_allowed is not None else allowed * 4
        self.window = window
        self.clock = clock
        self.engine = engine
        self.table = table

    def _limit(self, key: Hashable) -> int:
        is_ip = isinstance(key, tuple) and bool(key) and key[0] == "ip"
        return self.ip_allowed if is_ip else self.allowed

    def _wait(self, connection: sa.Connection, keys: Sequence[Hashable], now: float) -> int:
        t = self.table
        stored = {_stored(key): key for key in keys}
        recent: dict[str, list[float]] = {}
        rows = connection.execute(
            sa.select(t.c.key, t.c.at)
            .where(t.c.key.in_(list(stored)), t.c.at > now - self.window)
            .order_by(t.c.at)
        )
        for name, at in rows:
            recent.setdefault(name, []).append(at)
        wait = 0.0
        for name, failures in recent.items():
            limit = self._limit(stored[name])
            if len(failures) >= limit:
                wait = max(wait, failures[-limit] + self.window - now)
        return math.ceil(wait) if wait > 0 else 0

    def _record(self, connection: sa.Connection, keys: Sequence[Hashable], now: float) -> None:
        t = self.table
        connection.execute(sa.delete(t).where(t.c.at <= now - self.window))  # slid out
        if keys:
            connection.execute(sa.insert(t), [{"key": _stored(key), "at": now} for key in keys])

    def retry_after(self, *keys: Hashable) -> int:
        """Seconds to wait before any of ``keys`` may try again; 0 when none is locked out."""
        with self.engine.connect() as connection:
            return self._wait(connection, keys, self.clock())

    def attempt(self, *keys: Hashable) -> int:
        """Atomically: the seconds to wait when a key is locked out, else 0 — and the attempt is
        then counted as a failure until :meth:`succeeded` or :meth:`cancel` says otherwise."""
        with self.engine.begin() as connection:
            begin_write(connection)
            now = self.clock()
            wait = self._wait(connection, keys, now)
            if not wait:
                self._record(connection, keys, now)
            return wait

    def cancel(self, *keys: Hashable) -> None:
        """An attempt counted by :meth:`attempt` was no failed login after all."""
        t = self.table
        with self.engine.begin() as connection:
            begin_write(connection)
            for key in keys:
                latest = (
                    sa.select(sa.func.max(t.c.id)).where(t.c.key == _stored(key)).scalar_subquery()
                )
                connection.execute(sa.delete(t).where(t.c.id == latest))

    def failed(self, *keys: Hashable) -> None:
        with self.engine.begin() as connection:
            begin_write(connection)
            self._record(connection, keys, self.clock())

    def succeeded(self, *keys: Hashable) -> None:
        """A good login clears its own keys (never the address's: one success hides nothing)."""
        t = self.table
        with self.engine.begin() as connection:
            begin_write(connection)
            connection.execute(sa.delete(t).where(t.c.key.in_([_stored(key) for key in keys])))

    def reset(self) -> None:
        with self.engine.begin() as connection:
            begin_write(connection)
            connection.execute(sa.delete(self.table))
