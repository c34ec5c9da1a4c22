"""A Sitzungsfolge file carries the definitions its views show (rates, changes, Sozialindex),
dependencies first; reading it on another atlas creates those it lacks, with a German message
per definition created or skipped, and never a traceback for whatever a file holds."""

from __future__ import annotations

import copy
import json
import random
from datetime import date

import pytest

from atlas import playlist
from atlas.composite import define
from atlas.composite import formulas as fm
from atlas.composite.index import Part
from atlas.data.own import with_own
from atlas.data.process import _own_levels, _own_values
from atlas.store import Store

RATE = fm.Formula("test_alo_je_1000", "Arbeitslose je 1.000 Einwohner (Test)", "rate",
                  fm.RateParams("arbeitslose", "bevoelkerung", 1000.0))
INDEX = fm.Formula("test_sozialindex", "Sozialindex (Test)", "index",
                   fm.IndexParams((Part("sgb2_quote", 1.0, 0), Part("kinderarmut", 1.0, 0),
                                   Part("test_alo_je_1000", 0.5, 0))))


class Atlas:
    """One atlas: the built data and its own store (as a process holds them)."""

    def __init__(self, base, url: str):
        self.base = base
        self.store = Store(url)
        self.data = self.reload()

    def reload(self):
        store = self.store
        self.data = with_own(self.base, store.indicators(), _own_values(store),
                             _own_levels(store, self.base), store.formulas())
        return self.data

    def define(self, formula):
        define.save(formula, self.data, self.store)
        return self.reload()

    def read(self, text: str):
        views, messages = playlist.read_file(text.encode("utf-8"), self.data, self.store,
                                             self.reload)
        return views, messages


@pytest.fixture
def here(data, tmp_path):
    atlas = Atlas(data, f"sqlite:///{tmp_path / 'hier.sqlite'}")
    atlas.define(RATE)
    atlas.define(INDEX)
    yield atlas
    atlas.store.dispose()


@pytest.fixture
def there(data, tmp_path):
    atlas = Atlas(data, f"sqlite:///{tmp_path / 'dort.sqlite'}")
    yield atlas
    atlas.store.dispose()


def _file(atlas, views) -> str:
    return playlist.to_json(views, today=date(2026, 12, 7),
                            definitions=playlist.definitions_for(views, atlas.data))


def _index_view(atlas) -> playlist.View:
    year = atlas.data.years(INDEX.id)[-1]
    return playlist.View("Sozialindex", f"indicator={INDEX.id}&year={year}")


def test_a_file_without_defined_indicators_has_no_definitions(here, data):
    views = [playlist.View("SGB II", f"indicator=sgb2_quote&year={data.years('sgb2_quote')[-1]}")]
    assert playlist.definitions_for(views, here.data) == []
    assert "definitions" not in json.loads(_file(here, views))


def test_an_index_view_carries_the_index_and_the_rate_it_uses_first(here):
    document = json.loads(_file(here, [_index_view(here)]))
    assert document["version"] == 1
    assert [d["id"] for d in document["definitions"]] == [RATE.id, INDEX.id]
    assert document["definitions"][1] == fm.to_dict(here.data.catalogue.formulas[INDEX.id])


def test_a_view_of_a_defined_indicator_at_another_level_carries_its_definition(here):
    """An entry at a coarser level ("<id>@<level>") needs the definition of "<id>"."""
    for query in (f"indicator={RATE.id}&ebene=land&year=2020", f"indicator={RATE.id}@land"):
        needed = playlist.definitions_for([playlist.View("grob", query)], here.data)
        assert [d["id"] for d in needed] == [RATE.id]


def test_reading_the_file_elsewhere_creates_the_definitions_and_the_view(here, there):
    view = _index_view(here)
    text = _file(here, [view])
    assert INDEX.id not in there.data.catalogue.formulas
    views, messages = there.read(text)
    assert [v.query for v in views] == [view.query]
    assert len(messages) == 2 and all(m.endswith(playlist.CREATED) for m in messages)
    assert RATE.id in messages[0] and INDEX.id in messages[1]
    # the same index, the same values
    mine = here.data.table(INDEX.id, here.data.years(INDEX.id)[-1]).set_index("ags")["value"]
    theirs = there.data.table(INDEX.id, here.data.years(INDEX.id)[-1]).set_index("ags")["value"]
    assert theirs.to_dict() == pytest.approx(mine.to_dict(), nan_ok=True)
    # reading it again changes nothing and says nothing about the definitions
    views, messages = there.read(text)
    assert messages == [] and [v.query for v in views] == [view.query]


def test_an_old_file_without_definitions_still_reads(here, there):
    text = playlist.to_json([_index_view(here)], today=date(2026, 12, 7))
    views, messages = there.read(text)
    assert views == [] and len(messages) == 1 and "gibt es in diesem Atlas nicht" in messages[0]


def test_an_existing_id_with_another_definition_keeps_the_local_one(here, there):
    other = fm.Formula(RATE.id, "Arbeitslose je 100 Einwohner", "rate",
                       fm.RateParams("arbeitslose", "bevoelkerung", 100.0))
    there.define(other)
    views, messages = there.read(_file(here, [_index_view(here)]))
    kept = [m for m in messages if RATE.id in m and "die hiesige bleibt" in m]
    assert kept, messages
    assert there.data.catalogue.formulas[RATE.id].params.factor == 100.0
    # the index is created over the local rate
    assert any(INDEX.id in m and m.endswith(playlist.CREATED) for m in messages)
    assert len(views) == 1


def test_a_definition_whose_parts_are_missing_is_skipped_with_its_reason(here, there):
    document = json.loads(_file(here, [_index_view(here)]))
    document["definitions"][0]["params"]["numerator"] = "gibt_es_nicht"
    views, messages = there.read(json.dumps(document))
    assert "gibt_es_nicht" in messages[0] and "nicht übernommen" in messages[0]
    assert INDEX.id in messages[1] and "nicht übernommen" in messages[1]
    assert views == [] and "gibt es in diesem Atlas nicht" in messages[-1]
    assert RATE.id not in there.data.catalogue.formulas


def test_without_a_store_the_definitions_are_not_created(here, there):
    views, messages = playlist.read_file(_file(here, [_index_view(here)]), there.data)
    assert views == [] and INDEX.id not in there.data.catalogue.formulas


MALFORMED = [
    "nicht eine Liste", 7, None, [None], [[]], ["text"], [{}], [{"id": "x"}],
    [{"id": 5, "title": "T", "kind": "rate", "params": {}}],
    [{"id": "ok_id", "title": "T", "kind": "quatsch", "params": {}}],
    [{"id": "ok_id", "title": "T", "kind": "rate", "params": []}],
    [{"id": "ok_id", "title": "T", "kind": "rate",
      "params": {"numerator": "arbeitslose", "denominator": "bevoelkerung", "factor": "NaN"}}],
    [{"id": "ok_id", "title": "T", "kind": "rate",
      "params": {"numerator": "arbeitslose", "denominator": "bevoelkerung", "factor": -1}}],
    [{"id": "ok_id", "title": "T", "kind": "rate",
      "params": {"numerator": "arbeitslose", "denominator": "arbeitslose"}}],
    [{"id": "ok_id", "title": "T", "kind": "index", "params": {"parts": "x"}}],
    [{"id": "ok_id", "title": "T", "kind": "index", "params": {"parts": [{"indicator": "a"}]}}],
    [{"id": "ok_id", "title": "T", "kind": "index",
      "params": {"parts": [{"indicator": "sgb2_quote", "weight": 1e309},
                           {"indicator": "kinderarmut"}]}}],
    [{"id": "ok_id", "title": "T", "kind": "change",
      "params": {"indicator": "sgb2_quote", "year_from": True, "year_to": "2020"}}],
    [{"id": "ok_id", "title": "T", "kind": "change",
      "params": {"indicator": "sgb2_quote", "year_from": 2030, "year_to": 2031}}],
    [{"id": "ok_id", "title": "x" * 5000, "kind": "rate", "params": {}}],
    [{"id": "sgb2_quote", "title": "Schon da", "kind": "rate",
      "params": {"numerator": "arbeitslose", "denominator": "bevoelkerung"}}],
    [{"id": "ok_id", "title": "T", "kind": "rate", "life_phases": "x",
      "params": {"numerator": "arbeitslose", "denominator": "bevoelkerung"}}],
    [{"id": "ok_id", "title": "T", "kind": "rate", "decimals": {"a": 1},
      "params": {"numerator": "arbeitslose", "denominator": "bevoelkerung"}}],
    [{"id": "ok_id", "title": "T", "kind": "rate", "polarity": "egal",
      "params": {"numerator": "arbeitslose", "denominator": "bevoelkerung"}}],
    [{"id": "selbst", "title": "T", "kind": "index",
      "params": {"parts": [{"indicator": "selbst"}, {"indicator": "sgb2_quote"}]}}],
    [{"id": "ok_id", "title": "T", "kind": "rate",
      "params": {"numerator": "arbeitslose", "denominator": "bevoelkerung"}}] * 70,
]


@pytest.mark.parametrize("raw", MALFORMED)
def test_malformed_definitions_get_german_messages(there, data, raw):
    year = data.years("sgb2_quote")[-1]
    text = json.dumps({"format": playlist.FORMAT, "version": 1,
                       "views": [{"name": "SGB II", "query": f"indicator=sgb2_quote&year={year}"}],
                       "definitions": raw})
    views, messages = there.read(text)
    assert len(views) == 1  # the views are read all the same
    assert all(isinstance(m, str) and m for m in messages)
    assert not any("Traceback" in m or "Error" in m for m in messages)
    for formula in there.data.catalogue.formulas.values():  # what was created is usable
        assert there.data.years(formula.id)


def _mutations(document: dict, rng: random.Random, count: int):
    """Copies of ``document`` with one value somewhere in its definitions replaced by junk."""
    junk = [None, "", "x", -1, 0, 1e308, float("inf"), True, [], {}, [None], {"a": {}}, "1,5",
            "ü" * 300, 2024, "kreis", "@"]

    def paths(node, path=()):
        yield path
        if isinstance(node, dict):
            for key, value in node.items():
                yield from paths(value, path + (key,))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from paths(value, path + (i,))

    every = [p for p in paths(document["definitions"]) if p]
    for _ in range(count):
        copied = copy.deepcopy(document)
        path = rng.choice(every)
        node = copied["definitions"]
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = rng.choice(junk)
        yield copied


def test_fuzzed_definitions_never_raise(here, there):
    document = json.loads(_file(here, [_index_view(here)]))
    rng = random.Random(20261207)
    for mutated in _mutations(document, rng, 60):
        try:
            text = json.dumps(mutated, allow_nan=True)
        except ValueError:
            continue
        views, messages = there.read(text)
        assert all(isinstance(m, str) and m for m in messages)
        for formula in reversed(there.store.formulas()):  # each case starts afresh
            there.store.delete(formula.id)
        there.reload()
