"""Results derived from data that live and die with their data.

A function whose first argument is a data object (an :class:`~atlas.data.model.AtlasData`, a
:class:`~atlas.levels.registry.Level`) and whose other arguments are hashable may be decorated
with :func:`per_data`: its results are kept *in that object* (least recently used first out), so
they are dropped together with the object when new data replace it (after an import, a new
build). A module-level ``functools.lru_cache`` keyed on the object would keep every old data
object alive until its entries are pushed out.

The data objects are never mutated, so a result never goes stale while its object lives.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import wraps
from typing import Callable, TypeVar

T = TypeVar("T")

_ATTRIBUTE = "_derived_results"
_create_lock = threading.Lock()


class _Results:
    """One function's results for one data object: an LRU mapping, safe across threads."""

    __slots__ = ("lock", "entries", "maxsize", "hits", "misses")

    def __init__(self, maxsize: int) -> None:
        self.lock = threading.Lock()
        self.entries: OrderedDict = OrderedDict()
        self.maxsize = maxsize
        self.hits = self.misses = 0


def _results(owner: object, name: str, maxsize: int) -> _Results:
    store = vars(owner).get(_ATTRIBUTE)  # frozen dataclasses: write around __setattr__
    if store is None:
        with _create_lock:
            store = vars(owner).setdefault(_ATTRIBUTE, {})
    results = store.get(name)
    if results is None:
        with _create_lock:
            results = store.setdefault(name, _Results(maxsize))
    return results


def per_data(maxsize: int = 128) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Memoise ``fn(owner, *args, **kwargs)`` in ``owner`` (at most ``maxsize`` results per
    owner and function). Computing happens outside the lock: two threads asking for the same
    new result may both compute it; the result is the same."""

    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        name = f"{fn.__module__}.{fn.__qualname__}"

        @wraps(fn)
        def wrapper(owner, *args, **kwargs):
            key = (args, tuple(sorted(kwargs.items()))) if kwargs else args
            results = _results(owner, name, maxsize)
            with results.lock:
                if key in results.entries:
                    results.entries.move_to_end(key)
                    results.hits += 1
                    return results.entries[key]
                results.misses += 1
            value = fn(owner, *args, **kwargs)
            with results.lock:
                results.entries[key] = value
                results.entries.move_to_end(key)
                while len(results.entries) > results.maxsize:
                    results.entries.popitem(last=False)
            return value

        def cache_info(owner) -> tuple[int, int, int]:
            """``(hits, misses, size)`` of ``owner``'s results of this function."""
            results = _results(owner, name, maxsize)
            with results.lock:
                return results.hits, results.misses, len(results.entries)

        wrapper.cache_info = cache_info  # type: ignore[attr-defined]
        return wrapper

    return decorate
