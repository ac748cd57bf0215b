"""Login throttling: too many failed logins within a window lock the key out until it slides.

Keys are tuples, e.g. ``("login", "user", 4)`` (one user, whether named by username or e-mail)
and ``("ip", "203.0.113.7")``; a request is refused while any of its keys has reached its limit.
:meth:`LoginThrottle.attempt` checks and counts in one step, so parallel attempts cannot all pass
the check before any failure is counted. State is in memory (one process, reset on restart),
which is what a sandbox needs (Oro has no login throttling); the clock is injectable.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable

__all__ = ["LoginThrottle", "login_keys"]

SWEEP_ABOVE = 10_000  # keys kept before stale ones are swept (bounds memory under a flood)


def login_keys(user_id: int | None, login: str) -> tuple[tuple[str, str, int | str], ...]:
    """The throttle keys of a login: the name as typed (in any case), and its user when there is
    one, so the username and the e-mail count as one."""
    name = ("login", "name", login.lower())
    return (name,) if user_id is None else (name, ("login", "user", user_id))


class LoginThrottle:
    def __init__(
        self,
        allowed: int,
        window: float,
        *,
        ip_allowed: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``allowed`` failures per key within ``window`` seconds; keys starting with ``"ip"``
        may fail ``ip_allowed`` times (default: four times ``allowed``, since one address may
        stand for many people)."""
        self.allowed = allowed
        self.ip_allowed = ip_allowed if ip_allowed is not None else allowed * 4
        self.window = window
        self.clock = clock
        self._failures: dict[Hashable, deque[float]] = {}
        self._lock = threading.Lock()

    def _limit(self, key: Hashable) -> int:
        is_ip = isinstance(key, tuple) and bool(key) and key[0] == "ip"
        return self.ip_allowed if is_ip else self.allowed

    def _recent(self, key: Hashable, now: float) -> deque[float]:
        failures = self._failures.get(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def retry_after(self, *keys: Hashable) -> int:
        """Seconds to wait before any of ``keys`` may try again; 0 when none is locked out."""
        with self._lock:
            return self._wait(keys, self.clock())

    def _wait(self, keys: tuple[Hashable, ...], now: float) -> int:
        wait = 0.0
        for key in keys:
            failures = self._recent(key, now)
            limit = self._limit(key)
            if len(failures) >= limit:
                wait = max(wait, failures[-limit] + self.window - now)
        return math.ceil(wait) if wait > 0 else 0

    def attempt(self, *keys: Hashable) -> int:
        """Atomically: the seconds to wait when a key is locked out, else 0 — and the attempt is
        then counted as a failure until :meth:`succeeded` or :meth:`cancel` says otherwise."""
        with self._lock:
            now = self.clock()
            wait = self._wait(keys, now)
            if not wait:
                self._record(keys, now)
            return wait

    def cancel(self, *keys: Hashable) -> None:
        """An attempt counted by :meth:`attempt` was no failed login after all."""
        with self._lock:
            for key in keys:
                failures = self._failures.get(key)
                if failures:
                    failures.pop()

    def _record(self, keys: tuple[Hashable, ...], now: float) -> None:
        if len(self._failures) > SWEEP_ABOVE:
            self._failures = {k: f for k, f in self._failures.items() if self._recent(k, now)}
        for key in keys:
            failures = self._recent(key, now)
            failures.append(now)
            self._failures[key] = failures

    def failed(self, *keys: Hashable) -> None:
        with self._lock:
            self._record(keys, self.clock())

    def succeeded(self, *keys: Hashable) -> None:
        """A good login clears its own keys (never the address's: one success hides nothing)."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()
