"""Failed logins per name and address: after :data:`MAX_FAILURES` in :data:`WINDOW_S` seconds,
further attempts are refused until the window has passed.

Counted in the memory of each process: a login is a few requests, no store round trip, and the
counter cannot be filled by an attacker into the database. With several workers each counts on
its own, so the limit is at most workers × 5 attempts per 5 minutes, still far too slow to guess
a password of 10 or more characters (argon2 makes each try cost as well).
"""

from __future__ import annotations

import threading
import time

MAX_FAILURES = 5
WINDOW_S = 300
#: Most (name, address) pairs kept; the oldest are dropped beyond (memory stays bounded).
MAX_KEYS = 10_000


class RateLimiter:
    """Failures per key within a sliding window (thread-safe)."""

    def __init__(self, max_failures: int = MAX_FAILURES, window_s: float = WINDOW_S,
                 clock=time.monotonic) -> None:
        self.max_failures, self.window_s, self._clock = max_failures, window_s, clock
        self._failures: dict[tuple, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple) -> list[float]:
        now = self._clock()
        times = [t for t in self._failures.get(key, []) if now - t < self.window_s]
        if times:
            self._failures[key] = times
        else:
            self._failures.pop(key, None)
        return times

    def blocked(self, key: tuple) -> bool:
        """Whether ``key`` has used up its attempts."""
        with self._lock:
            return len(self._recent(key)) >= self.max_failures

    def fail(self, key: tuple) -> None:
        with self._lock:
            times = self._recent(key)
            if len(self._failures) >= MAX_KEYS and key not in self._failures:
                self._failures.pop(next(iter(self._failures)))
            self._failures[key] = [*times, self._clock()]

    def succeed(self, key: tuple) -> None:
        with self._lock:
            self._failures.pop(key, None)
