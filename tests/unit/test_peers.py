"""Similar areas and types of areas (atlas.composite.peers) at the Kreise, the Gemeinden and an own
level, on the built values.

Expected values are computed here from the definitions – each indicator's values read with
``data.table`` in its year, z with the population standard deviation (``statistics.pstdev``),
distance ``sqrt(mean of squared z differences)``, Ward types from scipy directly – not by the
code under test.
"""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster, linkage

from atlas import figures, palettes
from atlas.composite import peers
from atlas.values import format_number
from tests.peers_level import PEER_LEVEL, PEER_RATES, add_peer_level

LEVELS = ("kreis", "gemeinde", PEER_LEVEL)


@pytest.fixture(scope="module")
def peer_data(data, tmp_path_factory):
    """The built data with the own level of :mod:`tests.peers_level`, read back from a store."""
    from atlas.data.own import with_own
    from atlas.levels.own import build_levels
    from atlas.store import Store

    store = Store(f"sqlite:///{tmp_path_factory.mktemp('peers') / 'eigene_daten.sqlite'}")
    try:
        own = add_peer_level(store, data)
        levels = build_levels(store.levels(), store.level_areas(), store.level_links(),
                              data.level_of("kreis"))
        return with_own(data, own, store.values(), levels)
    finally:
        store.dispose()


def _nearest(years: list[int], year: int) -> int:
    return min(years, key=lambda y: (abs(y - year), -y))


def _case(data, level_id):
    """(indicator ids, requested year) of a level: its default set, in its newest year."""
    ids = peers.default_indicators(data, level_id)
    return ids, max(data.years(i)[-1] for i in ids)


def _values(data, level_id, ids, year):
    """{key: [value per indicator]} in each indicator's nearest year, and those years."""
    keys = data.level_of(level_id).keys
    years = [_nearest(data.years(i), year) for i in ids]
    columns = []
    for ind, y in zip(ids, years):
        table = data.table(ind, y).set_index("ags")["value"]
        columns.append([float(table.get(k, math.nan)) for k in keys])
    return keys, years, np.array(columns, dtype=float).T


def _z(matrix):
    out = np.full_like(matrix, math.nan)
    for j in range(matrix.shape[1]):
        present = [v for v in matrix[:, j] if not math.isnan(v)]
        mean, sd = statistics.fmean(present), statistics.pstdev(present)
        out[:, j] = [(v - mean) / sd for v in matrix[:, j]]
    return out


@pytest.mark.parametrize("level_id", LEVELS)
def test_default_set_is_the_levels_risk_rates_else_its_rates(peer_data, level_id):
    available = peer_data.available_indicators(level=level_id)
    risk = [i.id for i in available if i.kind == "rate" and i.polarity == "risk"]
    rates = [i.id for i in available if i.kind == "rate"]
    expected = (risk if len(risk) >= 2 else rates)[:5]
    assert peers.default_indicators(peer_data, level_id) == expected
    assert len(expected) >= 2
    if level_id == PEER_LEVEL:
        assert expected == list(PEER_RATES)


@pytest.mark.parametrize("level_id", LEVELS)
def test_similar_areas_are_the_nearest_by_definition(peer_data, level_id):
    data = peer_data
    ids, year = _case(data, level_id)
    keys, years, matrix = _values(data, level_id, ids, year)
    z = _z(matrix)
    inds = [data.indicator(i) for i in ids]
    complete = [r for r in range(len(keys)) if not np.isnan(matrix[r]).any()]
    for row in (complete[0], complete[len(complete) // 2], complete[-1]):
        distances = []
        for other in range(len(keys)):
            shared = [j for j in range(len(ids))
                      if not math.isnan(z[row, j]) and not math.isnan(z[other, j])]
            if other == row or len(shared) * 2 < len(ids):
                continue
            d = math.sqrt(statistics.fmean((z[other, j] - z[row, j]) ** 2 for j in shared))
            distances.append((d, other))
        distances.sort()
        result = peers.similar_areas(data, level_id, keys[row], ids, year)
        assert result.years == tuple(years)
        assert [p.key for p in result.peers] == [keys[o] for _, o in distances[:5]]
        assert [p.distance for p in result.peers] == pytest.approx([d for d, _ in distances[:5]])
        level = data.level_of(level_id)
        assert result.name == level.name(keys[row])
        nearest = result.peers[0]
        other = keys.index(nearest.key)
        gaps = sorted(range(len(ids)), key=lambda j: -abs(z[other, j] - z[row, j]))
        shown = nearest.differences
        assert len(shown) == min(3, len(ids))
        assert [d.indicator for d in shown] == [ids[j] for j in gaps[:len(shown)]]
        for d in shown:
            j, ind = ids.index(d.indicator), inds[ids.index(d.indicator)]
            assert d.area_value == format_number(matrix[row, j], ind.decimals, ind.unit)
            assert d.peer_value == format_number(matrix[other, j], ind.decimals, ind.unit)
            assert d.title == ind.short_title


@pytest.mark.parametrize("level_id", LEVELS)
@pytest.mark.parametrize("k", [3, 5])
def test_types_are_scipys_ward_clusters_and_every_area_appears_once(peer_data, level_id, k):
    data = peer_data
    ids, year = _case(data, level_id)
    keys, years, matrix = _values(data, level_id, ids, year)
    z = _z(matrix)
    complete = [r for r in range(len(keys)) if not np.isnan(matrix[r]).any()]
    labels = fcluster(linkage(z[complete], method="ward"), t=k, criterion="maxclust")
    expected = {frozenset(keys[r] for r, c in zip(complete, labels) if c == label)
                for label in set(labels)}
    result = peers.area_types(data, level_id, ids, k, year)
    assert result.keys == tuple(keys)  # every area of the level once, in the level's order
    got = {frozenset(t.keys) for t in result.types}
    assert got == expected
    assert sum(t.size for t in result.types) == len(complete)
    assert [t.size for t in result.types] == sorted((t.size for t in result.types), reverse=True)
    missing = {keys[r] for r in range(len(keys)) if r not in set(complete)}
    assert set(result.unassigned) == missing
    for key in missing:  # the reason names what is missing
        reason = result.reasons[keys.index(key)]
        gaps = [f"{data.indicator(i).short_title} {y}" for i, y, v in
                zip(ids, years, matrix[keys.index(key)]) if math.isnan(v)]
        assert reason == "fehlt: " + ", ".join(gaps)
        assert result.type_name(key).startswith("keine Zuordnung (fehlt: ")
    titles = [data.indicator(i).short_title for i in ids]
    for t in result.types:
        rows = [keys.index(key) for key in t.keys]
        profile = z[rows].mean(axis=0)
        assert t.profile == pytest.approx(list(profile))
        order = sorted(range(len(ids)), key=lambda j: -abs(profile[j]))
        traits = [f"{titles[j]} {'sehr ' if abs(profile[j]) >= 1.5 else ''}"
                  f"{'hoch' if profile[j] > 0 else 'niedrig'}"
                  for j in order[:2] if abs(profile[j]) >= 0.5]
        assert t.name == f"Typ {t.number}: " + (", ".join(traits)
                                               or "nahe dem Mittel aller Indikatoren")
        ind = [data.indicator(i) for i in ids]
        assert t.means == tuple(format_number(matrix[rows, j].mean(), ind[j].decimals,
                                              ind[j].unit) for j in range(len(ids)))
        for key in t.keys:
            assert result.type_name(key) == t.name


@pytest.mark.parametrize("k", list(peers.TYPE_COUNTS))
def test_the_kreis_types_always_carry_the_caveat(data, k):
    ids, year = _case(data, "kreis")
    result = peers.area_types(data, "kreis", ids, k, year)
    assert "Hinweis zur Aussagekraft" in result.caveat
    assert f"nur {len(data.regions)} Gebieten" in result.caveat


def test_many_gemeinden_in_few_types_need_no_caveat(data):
    ids, year = _case(data, "gemeinde")
    result = peers.area_types(data, "gemeinde", ids, 3, year)
    assert len(result.keys) - len(result.unassigned) >= peers.SMALL_LEVEL
    assert result.caveat == ""


def test_the_years_used_are_named(data):
    ids = ["sgb2_quote", "kinderarmut"]
    only_kinderarmut = sorted(set(data.years("kinderarmut")) - set(data.years("sgb2_quote")))
    assert only_kinderarmut, "a year of Kinderarmut without SGB-II-Quote"
    year = only_kinderarmut[-1]
    nearest = _nearest(data.years("sgb2_quote"), year)
    result = peers.area_types(data, "kreis", ids, 3, year)
    assert result.years_text == (f"Jahr: {year}; {data.indicator('sgb2_quote').short_title}: "
                                 f"{nearest} (nächstes verfügbares Jahr)")
    common = max(set(data.years("sgb2_quote")) & set(data.years("kinderarmut")))
    result = peers.area_types(data, "kreis", ids, 3)
    assert result.years_text == f"Jahr: {common} (neuestes Jahr mit Werten aller Indikatoren)"


def test_the_years_text_says_when_no_indicator_has_the_year(data):
    ids, _ = _case(data, "gemeinde")
    year = min(min(data.years(i)) for i in ids) - 1
    result = peers.area_types(data, "gemeinde", ids, 3, year)
    assert result.years_text.startswith(f"Jahr: {_nearest(data.years(ids[0]), year)} "
                                        f"(für {year} keine Werte: nächstes verfügbares Jahr)")


def _gemeinde_without_values(data, ids, year):
    keys, _, matrix = _values(data, "gemeinde", ids, year)
    empty = [k for k, row in zip(keys, matrix) if np.isnan(row).all()]
    assert empty, "a Gemeinde without any of the values"
    return empty[0]


@pytest.mark.parametrize("call, message", [
    (lambda d: peers.similar_areas(d, "kreis", "16051", ["sgb2_quote"]), "2 bis 15"),
    (lambda d: peers.area_types(d, "kreis", ["sgb2_quote"] * 2, 3), "doppelt"),
    (lambda d: peers.area_types(d, "kreis", ["sgb2_quote", "kinderarmut"], 8), "3 bis 7"),
    (lambda d: peers.area_types(d, "kreis", ["sgb2_quote", "kinderarmut"], "x"),
     "keine ganze Zahl"),
    (lambda d: peers.area_types(d, "kreis", ["sgb2_quote", "<script>"], 3),
     "Unbekannter Indikator"),
    (lambda d: peers.similar_areas(d, "kreis", "16051",
                                   ["sgb2_quote", "gemeinde_anteil_siedlungsflaeche"]),
     "Nur Indikatoren der Ebene „Kreise“"),
    (lambda d: peers.similar_areas(d, "gemeinde", "16051",
                                   peers.default_indicators(d, "gemeinde")),
     "kein Gebiet der Ebene „Gemeinden“"),
])
def test_choices_without_an_answer_are_refused_in_german(data, call, message):
    with pytest.raises(peers.PeersProblem, match=message):
        call(data)


def test_an_area_without_values_is_named(data):
    ids, year = _case(data, "gemeinde")
    key = _gemeinde_without_values(data, ids, year)
    name = data.level_of("gemeinde").name(key)
    with pytest.raises(peers.PeersProblem, match=f"Für {name} fehlen Werte für {len(ids)} der "):
        peers.similar_areas(data, "gemeinde", key, ids, year)


def test_the_tab_hints_at_a_selection_and_keeps_the_types(data):
    ids, year = _case(data, "gemeinde")
    view = peers.peers_view(data, "gemeinde", [], ids, 4, year)
    assert view.similar is None and view.similar_message.startswith(
        "Gebiet in der Karte oder links wählen")
    assert view.types is not None and view.types.k == 4
    view = peers.peers_view(data, "gemeinde", ["16051"], ids, 4, year)  # a Kreis, not a Gemeinde
    assert view.similar is None and "kein Gebiet der Ebene „Gemeinden“" in view.similar_message
    gemeinde = data.level_of("gemeinde").keys[0]
    view = peers.peers_view(data, "gemeinde", ["16051", gemeinde], ids, 4, year)
    assert view.similar is not None and view.similar.key == gemeinde
    view = peers.peers_view(data, "kreis", ["16051"], ["sgb2_quote"], None, year)
    assert view.types is None and "2 bis 15" in view.types_message
    assert "2 bis 15" in view.similar_message


def test_the_choice_keeps_the_users_indicators_at_their_level(peer_data):
    chosen = ["kinderarmut", "schuldnerquote"]
    assert peers.indicator_choice(peer_data, "kreis", chosen, "kreis") == chosen
    assert peers.indicator_choice(peer_data, "kreis", chosen + ["gone"], "kreis") == chosen
    assert peers.indicator_choice(peer_data, PEER_LEVEL, chosen, "kreis") == list(PEER_RATES)


@pytest.mark.parametrize("level_id", LEVELS)
def test_the_types_map_names_each_type_and_the_unassigned(peer_data, level_id):
    data = peer_data
    ids, year = _case(data, level_id)
    result = peers.area_types(data, level_id, ids, 4, year)
    view = figures.types_view(data, result)
    legend = [name for name, _ in view.legend]
    for t, colour in zip(result.types, palettes.CATEGORY_COLOURS):
        assert (figures.legend_name(t.name) + f" ({t.size})", colour) in view.legend
    if result.unassigned:
        assert (f"keine Zuordnung ({len(result.unassigned)})", palettes.MISSING_COLOUR) \
            in view.legend
    assert len(legend) == result.k + bool(result.unassigned)
    trace = figures.map_update(view)["trace"]
    codes = dict(zip(trace["locations"], trace["z"]))
    assert codes == dict(zip(result.keys, result.labels))  # 0: the fill of missing values
    assert trace["colorscale"][0][1] == palettes.MISSING_COLOUR
    fig = figures.choropleth(data, view, [])
    shown = [t.name for t in fig.data if t.meta.get("role") == figures.ROLE_LEGEND and t.visible]
    assert shown == legend


@pytest.mark.parametrize("selected, chosen, k", [
    ([{"x": 1}], [{"a": 1}, None], {"k": 1}),
    ("16051", "sgb2_quote,kinderarmut", "4"),
    ([None, 16051], [1.5, "sgb2_quote"], -1),
    (["16051"], ["sgb2_quote", "kinderarmut"], "4"),
])
def test_any_input_from_the_page_gives_a_view_not_an_error(data, selected, chosen, k):
    view = peers.peers_view(data, "kreis", selected, chosen, k, data.latest_year("sgb2_quote"))
    assert view.types is not None or view.types_message
    assert view.similar is not None or view.similar_message
    assert peers.indicator_choice(data, "kreis", chosen, "kreis") == [
        c for c in (chosen if isinstance(chosen, list) else []) if c in ("sgb2_quote",
                                                                        "kinderarmut")]


def test_the_types_map_shows_names_as_typed(data):
    """Titles and area names typed by a planner are text on the map, never markup."""
    from dataclasses import replace

    from atlas.text import plotly_text

    ids, year = _case(data, "kreis")
    result = peers.area_types(data, "kreis", ids, 3, year)
    typed = "Typ 1: <b>Quote</b> & $x$ hoch"
    evil = replace(result, types=(replace(result.types[0], name=typed), *result.types[1:]),
                   names=("<a href='x'>Ort</a>", *result.names[1:]))
    view = figures.types_view(data, evil)
    assert view.legend[0][0] == f"{figures.legend_name(plotly_text(typed))} ({evil.types[0].size})"
    assert "<b>Quote</b>" not in " ".join(name for name, _ in view.legend)
    assert all("<a href" not in h and "<b>Quote" not in h for h in view.hover)
