"""The data of this process: the built data, loaded once, plus the planners' own indicators and
levels, renewed when the store changes (on any worker or host).

Two data objects live side by side: everything (for redaktion, admin and the CLI) and the
visitors' data, made from the public part of the own data alone (:mod:`atlas.visibility`);
:func:`get_data` gives the one the current request may see."""

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
from atlas.visibility import Part, public_part


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
        self._public: AtlasData | None = None
        self._own = self._own_public = Part()
        self._data_base: AtlasData | None = None
        self._store = None

    def store(self):
        from atlas.store import Store  # late import: the store is optional for pure queries

        if self._store is None:
            self._store = Store()
        return self._store

    def get(self, internal: bool) -> AtlasData:
        """Everything (``internal``) or the visitors' data."""
        self._renew()
        return self._data if internal else self._public

    def own(self, internal: bool) -> Part:
        """The own data (``internal``: all of it, else the public part) of :meth:`get`."""
        self._renew()
        return self._own if internal else self._own_public

    def _renew(self) -> None:
        base = base_data()
        now = time.monotonic()
        if self._data is not None and now - self._checked < self.interval:
            return
        with self._lock:
            store = self.store()
            revision = store.revision()
            if self._data is None or revision != self._revision or self._data_base is not base:
                own = Part(tuple(store.indicators()), tuple(store.levels()),
                           tuple(store.formulas()))
                values, levels = _own_values(store), _own_levels(store, base, own.levels)
                self._data = _merged(base, own, values, levels)
                public = public_part(own)
                self._public = self._data if public == own else _merged(base, public, values,
                                                                         levels)
                self._own, self._own_public = own, public
                self._data_base = base
                self._revision = revision
            self._checked = now

    def invalidate(self) -> None:
        with self._lock:
            self._checked = 0.0
            self._revision = None

    def reset(self) -> None:
        """Forget store and data (tests point ATLAS_DATA_DIR elsewhere)."""
        with self._lock:
            if self._store is not None:
                self._store.dispose()
            self._store, self._data, self._public = None, None, None
            self._revision, self._checked = None, 0.0


def _merged(base: AtlasData, own: Part, values: pd.DataFrame,
            levels: tuple[Level, ...]) -> AtlasData:
    """``base`` with the own data of ``own``: its indicators (only their values), its
    definitions and those of ``levels`` (built once for all) that are ``own``'s."""
    ids = {i.id for i in own.indicators}
    kept = {r.id for r in own.levels}
    return with_own(base, list(own.indicators), values[values[Col.INDICATOR].isin(ids)],
                    tuple(lv for lv in levels if lv.id in kept), list(own.formulas))


def _own_levels(store, base: AtlasData, records=None) -> tuple[Level, ...]:
    """The own levels of ``records`` (default: all of the store) as Level objects."""
    from atlas.levels.own import build_levels  # late import: geopandas only where levels exist

    records = store.levels() if records is None else records
    if not records:
        return ()
    return build_levels(list(records), store.level_areas(), store.level_links(),
                        base.level_of(KREIS))


def _own_values(store) -> pd.DataFrame:
    values = store.values()
    return values.assign(**{Col.YEAR: values[Col.YEAR].astype(int)})


_own_cache = _OwnDataCache()


def get_data() -> AtlasData:
    """The process-wide data the current request may see: the built data plus the planners' own
    indicators and levels, for visitors only the public ones (:mod:`atlas.visibility`);
    outside a web request (CLI, start-up) everything."""
    from atlas.auth import may_see_internal  # late import: Flask only where it is used

    return _own_cache.get(internal=may_see_internal())


def own_part() -> Part:
    """The planners' own indicators, levels and definitions the current request may see (see
    :func:`get_data`), as stored (with their visibility)."""
    from atlas.auth import may_see_internal

    return _own_cache.own(internal=may_see_internal())


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

