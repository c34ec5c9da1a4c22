"""The data of this process: the built data, loaded once, plus the planners' own indicators and
levels, renewed when the store changes (on any worker or host)."""

from __future__ import annotations

import threading
import time
from functools import lru_cache

import pandas as pd

from atlas.data.loading import load
from atlas.data.model import AtlasData
from atlas.data.own import with_own
from atlas.levels.registry import KREIS, Level
from atlas.schema import Col


@lru_cache(maxsize=1)
def base_data() -> AtlasData:
    """The built data of this process, loaded on first use and never changed."""
    return load()


class _OwnDataCache:
    """Built data plus the imported indicators, refreshed when the store's revision changes.

    Every worker process checks the revision at most every ``interval`` seconds (one tiny query),
    so an import on one worker or host appears on all others without a restart.
    """

    interval = 1.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._revision: int | None = None
        self._checked = 0.0
        self._data: AtlasData | None = None
        self._data_base: AtlasData | None = None
        self._store = None

    def store(self):
        from atlas.store import Store  # late import: the store is optional for pure queries

        if self._store is None:
            self._store = Store()
        return self._store

    def get(self) -> AtlasData:
        base = base_data()
        now = time.monotonic()
        if self._data is not None and now - self._checked < self.interval:
            return self._data
        with self._lock:
            store = self.store()
            revision = store.revision()
            if self._data is None or revision != self._revision or self._data_base is not base:
                self._data = with_own(base, store.indicators(), _own_values(store),
                                      _own_levels(store, base), store.formulas())
                self._data_base = base
                self._revision = revision
            self._checked = now
            return self._data

    def invalidate(self) -> None:
        with self._lock:
            self._checked = 0.0
            self._revision = None

    def reset(self) -> None:
        """Forget store and data (tests point ATLAS_DATA_DIR elsewhere)."""
        with self._lock:
            if self._store is not None:
                self._store.dispose()
            self._store, self._data, self._revision, self._checked = None, None, None, 0.0


def _own_levels(store, base: AtlasData) -> tuple[Level, ...]:
    from atlas.levels.own import build_levels  # late import: geopandas only where levels exist

    records = store.levels()
    if not records:
        return ()
    return build_levels(records, store.level_areas(), store.level_links(),
                        base.level_of(KREIS))


def _own_values(store) -> pd.DataFrame:
    values = store.values()
    return values.assign(**{Col.YEAR: values[Col.YEAR].astype(int)})


_own_cache = _OwnDataCache()


def get_data() -> AtlasData:
    """The process-wide data: the built data plus the planners' own indicators."""
    return _own_cache.get()


def own_store():
    """The store of this process (SQLite in the data folder or ``$ATLAS_DATABASE_URL``)."""
    return _own_cache.store()


def data_changed() -> None:
    """Call after an import or deletion in this process: the next get_data() re-reads the store."""
    _own_cache.invalidate()


def reset_data() -> None:
    """Drop all cached data (tests that switch the data folder)."""
    base_data.cache_clear()
    _own_cache.reset()

