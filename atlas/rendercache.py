"""Rendered exports kept by content: the same picture is drawn once.

A rendered export (PNG, SVG, PDF page) is a pure function of what goes into the renderer: the
final figure (every value, colour, label, the export date and the document properties are in
its JSON), the render options (format, size, scale) and the post-processing (pixel size, dpi).
:func:`content_key` hashes exactly that, so a key can only be found again for a figure that
would be drawn the same: a new data object or a changed own indicator gives another figure and
so another key, and a figure that differs by role (internal data for the Redaktion) has another
key than the visitor's. No data revision is needed beside the figure; pictures of replaced data
are never found again and leave the cache as the least recently used.

:class:`ByteCache` is an LRU bounded by the total size of its values (``ATLAS_EXPORT_CACHE_MB``,
default 64 MB per process; 0 turns it off), safe across threads, and single-flight: concurrent
requests for the same key wait for the first one's result instead of rendering again.
"""

from __future__ import annotations

import hashlib
import math
import os
import threading
from collections import OrderedDict
from concurrent.futures import Future
from typing import Callable

CACHE_ENV = "ATLAS_EXPORT_CACHE_MB"
DEFAULT_CACHE_MB = 64.0


def budget_bytes() -> int:
    """The cache size in bytes: ``ATLAS_EXPORT_CACHE_MB`` (default 64; 0 = no cache; an
    unreadable or negative value gives the default)."""
    try:
        megabytes = float(os.environ.get(CACHE_ENV, DEFAULT_CACHE_MB))
    except ValueError:
        megabytes = DEFAULT_CACHE_MB
    if not math.isfinite(megabytes) or megabytes < 0:
        megabytes = DEFAULT_CACHE_MB
    return int(megabytes * 1024 * 1024)


def content_key(*parts: str | bytes) -> str:
    """SHA-256 of the parts (each length-prefixed, so no two different part lists collide)."""
    digest = hashlib.sha256()
    for part in parts:
        raw = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(raw).to_bytes(8, "big"))
        digest.update(raw)
    return digest.hexdigest()


class ByteCache:
    """LRU of ``bytes`` values bounded by their total size; single-flight per key.

    ``budget`` is read from the environment when not given (:func:`budget_bytes`). A value larger
    than the whole budget is returned but not kept.
    """

    def __init__(self, budget: int | None = None) -> None:
        self.budget = budget_bytes() if budget is None else budget
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._pending: dict[str, Future] = {}
        self.hits = self.misses = self.shared = 0

    def get_or_make(self, key: str, make: Callable[[], bytes], wait: float | None = None
                    ) -> bytes:
        """The value of ``key``: kept, or being made by another thread (waited for, at most
        ``wait`` seconds), or made now by ``make()``. An exception of ``make`` reaches every
        caller waiting for it and nothing is kept; the next call tries again."""
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return value
            pending = self._pending.get(key)
            if pending is None:
                pending = self._pending[key] = Future()
                owner = True
                self.misses += 1
            else:
                owner = False
                self.shared += 1
        if not owner:
            return pending.result(wait)
        try:
            value = make()
        except BaseException as exc:
            with self._lock:
                del self._pending[key]
            pending.set_exception(exc)
            raise
        with self._lock:
            del self._pending[key]
            self._keep(key, value)
        pending.set_result(value)
        return value

    def _keep(self, key: str, value: bytes) -> None:
        if len(value) > self.budget:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._size -= len(old)
        self._entries[key] = value
        self._size += len(value)
        while self._size > self.budget:
            _, dropped = self._entries.popitem(last=False)
            self._size -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0

    @property
    def size(self) -> int:
        """Total bytes kept."""
        with self._lock:
            return self._size

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
