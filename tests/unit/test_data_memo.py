"""Results derived from data live and die with their data (atlas.memo).

After an import the page works on a new data object; the old one, with every map, frame and
figure derived from it, must be freed, not kept by a process-wide cache.
"""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from atlas import analysis, api, figures, labels
from atlas.data import AtlasData
from atlas.data.own import with_own
from atlas.figures import Display
from atlas.memo import per_data


def _fresh(data: AtlasData) -> AtlasData:
    """A new data object over the same frames (as after an import with nothing new)."""
    return AtlasData.assemble(data.catalogue, data, data.values, data.levels)


def _use_everything(data: AtlasData) -> None:
    year = data.latest_year("sgb2_quote")
    figures.map_view(data, "sgb2_quote", year)
    figures.screen_figure(data, "sgb2_quote", year, Display())
    figures.level_frames(data, "sgb2_quote")
    figures.timeseries_figure(data, "sgb2_quote", ["16051"])
    analysis.scatter_partner(data, "sgb2_quote")
    labels.kreis_labels(data)
    labels.kreis_bounds(data)
    api.geometry_url(data, "kreis")
    figures.kreis_outline(data, "gemeinde")


def test_old_data_and_what_was_derived_from_it_are_freed(data):
    old = _fresh(data)
    _use_everything(old)
    kept = figures.map_view.cache_info(old)[2]
    gone = weakref.ref(old)
    del old
    gc.collect()
    assert kept >= 1  # results were kept while the data lived
    assert gone() is None, "a cache still holds the replaced data"


def test_results_are_reused_while_the_data_live(data):
    fresh = _fresh(data)
    year = fresh.latest_year("sgb2_quote")
    first = figures.map_view(fresh, "sgb2_quote", year)
    assert figures.map_view(fresh, "sgb2_quote", year) is first
    hits, misses, size = figures.map_view.cache_info(fresh)
    assert (hits, misses, size) == (1, 1, 1)
    other = _fresh(data)  # another data object computes its own result
    assert figures.map_view(other, "sgb2_quote", year) is not first


def test_built_levels_and_their_derived_results_are_shared_with_own_data(data, own_level_data):
    """Merging own indicators makes new data but keeps the built levels (and their outlines,
    boundary files, shapes): an import does not recompute the Gemeinde borders."""
    merged = with_own(data, [], data.values.iloc[0:0], tuple(own_level_data.own_levels))
    assert merged is not data
    assert merged.level_of("gemeinde") is data.level_of("gemeinde")
    assert merged.level_of("kreis") is data.level_of("kreis")
    assert api.geometry_url(merged, "gemeinde") == api.geometry_url(data, "gemeinde")


def test_least_recently_used_results_go_first():
    class Owner:
        pass

    calls = []

    @per_data(maxsize=2)
    def square(owner, x):
        calls.append(x)
        return x * x

    owner = Owner()
    assert [square(owner, 1), square(owner, 2), square(owner, 1), square(owner, 3)] == [1, 4, 1, 9]
    square(owner, 1)  # still there (used after 2)
    square(owner, 2)  # pushed out by 3: computed again
    assert calls == [1, 2, 3, 2]


def test_threads_get_one_consistent_result():
    class Owner:
        pass

    @per_data(maxsize=8)
    def slow(owner, x):
        return [x]

    owner = Owner()
    results = []
    threads = [threading.Thread(target=lambda: results.append(slow(owner, 7))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == [7] for r in results) and len(results) == 8
    assert slow(owner, 7) is slow(owner, 7)


@pytest.mark.parametrize("kwargs", [{}, {"k": 4}])
def test_keyword_arguments_are_part_of_the_key(data, kwargs):
    fresh = _fresh(data)
    year = fresh.latest_year("sgb2_quote")
    view = figures.map_view(fresh, "sgb2_quote", year, **kwargs)
    assert len(view.legend) >= 1
    assert figures.map_view(fresh, "sgb2_quote", year, **kwargs) is view


def test_no_process_wide_cache_is_keyed_on_data():
    """Results derived from data are kept with ``per_data``; an ``lru_cache`` is only for
    functions without arguments (the process's catalogue and built data)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found = []
    for folder in ("atlas", "layouts", "callbacks"):
        for path in (root / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for match in re.finditer(r"@(?:functools\.)?(?:lru_)?cache\b[^\n]*\n(?:@[^\n]*\n)*"
                                     r"def (\w+)\(([^)]*)\)", text):
                if match.group(2).strip():
                    found.append(f"{path.relative_to(root)}: {match.group(1)}")
    assert found == []
