"""Failed logins per name and address: after :data:`MAX_FAILURES` in :data:`WINDOW_S` seconds,
further attempts are refused until the window has passed.

Counted in the store (table ``atlas_login_failure``), so every gunicorn worker and every host on
one PostgreSQL store shares the count: the limit is 5 tries per name and address in 5 minutes
however many processes answer. The address is kept only as a keyed hash (HMAC-SHA-256 with the
store's session secret), the rows only for the window: each failure purges the older ones, so
an attacker cannot fill the table for longer than 5 minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import time

MAX_FAILURES = 5
WINDOW_S = 300


class RateLimiter:
    """Failures per (name, address) within a sliding window, kept in ``store`` (a Store or a
    function returning it). ``secret`` keys the hash of the addresses."""

    def __init__(self, store, secret: str, max_failures: int = MAX_FAILURES,
                 window_s: float = WINDOW_S, clock=time.time) -> None:
        self._store_of, self._secret = store, secret.encode()
        self.max_failures, self.window_s, self._clock = max_failures, window_s, clock

    def _store(self):
        return self._store_of() if callable(self._store_of) else self._store_of

    def _key(self, key: tuple[str, str]) -> tuple[str, str]:
        name, address = key
        digest = hmac.new(self._secret, address.encode(), hashlib.sha256).hexdigest()
        return name[:80], digest

    def blocked(self, key: tuple[str, str]) -> bool:
        """Whether ``key`` (name, address) has used up its attempts."""
        name, address = self._key(key)
        since = self._clock() - self.window_s
        return self._store().login_failures(name, address, since) >= self.max_failures

    def fail(self, key: tuple[str, str]) -> None:
        """Count one failure of ``key``."""
        name, address = self._key(key)
        now = self._clock()
        self._store().record_login_failure(name, address, now, now - self.window_s)

    def succeed(self, key: tuple[str, str]) -> None:
        """A successful login: the failures of ``key`` are forgotten."""
        name, address = self._key(key)
        self._store().forget_login_failures(name, address)
