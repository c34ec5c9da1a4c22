"""Spatial analysis on the real 22 Kreise: contiguity, global Moran's I, LISA, degenerate data."""

import math
from collections import deque

import pytest
from shapely.geometry import shape

from atlas import palettes, spatial

ALLOWED = set(spatial.CLUSTER_ORDER)


@pytest.fixture(scope="module")
def w(data):
    return spatial.contiguity(data.geojson)


@pytest.fixture(scope="module")
def latitude(data):
    """North–south gradient: centroid latitude of each Kreis."""
    return {
        f["properties"]["AGS"]: shape(f["geometry"]).centroid.y for f in data.geojson["features"]
    }


@pytest.fixture(scope="module")
def checkerboard(w):
    """0/1 values alternating along a BFS of the neighbour graph (greedy 2-colouring)."""
    colour = {}
    for start in w.id_order:
        if start in colour:
            continue
        colour[start] = 0
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for other in w.neighbors[node]:
                if other not in colour:
                    colour[other] = 1 - colour[node]
                    queue.append(other)
    return {ags: float(c) for ags, c in colour.items()}


# --- contiguity --------------------------------------------------------------------------------
def test_contiguity_ids_in_feature_order(data, w):
    ags = [f["properties"]["AGS"] for f in data.geojson["features"]]
    assert list(w.id_order) == ags
    assert list(w.id_order) == list(data.regions["ags"])
    assert w.n == 22


def test_every_kreis_has_a_neighbour_and_relation_is_symmetric(w):
    assert not w.islands
    for ags, neighbours in w.neighbors.items():
        assert neighbours, ags
        assert ags not in neighbours
        for other in neighbours:
            assert ags in w.neighbors[other], (ags, other)


@pytest.mark.parametrize(
    "a, b",
    [
        ("16051", "16071"),  # Erfurt – Weimarer Land
        ("16051", "16067"),  # Erfurt – Gotha
        ("16051", "16068"),  # Erfurt – Sömmerda
        ("16051", "16070"),  # Erfurt – Ilm-Kreis
        ("16053", "16074"),  # Jena – Saale-Holzland-Kreis
        ("16055", "16071"),  # Weimar – Weimarer Land (enclave)
        ("16077", "16076"),  # Altenburger Land – Greiz
    ],
)
def test_known_neighbours(w, a, b):
    assert b in w.neighbors[a]


@pytest.mark.parametrize(
    "a, b",
    [
        ("16054", "16077"),  # Suhl – Altenburger Land
        ("16051", "16055"),  # Erfurt – Weimar (Weimarer Land lies between)
        ("16061", "16072"),  # Eichsfeld – Sonneberg
    ],
)
def test_known_non_neighbours(w, a, b):
    assert b not in w.neighbors[a]


def test_known_neighbour_sets(w):
    assert set(w.neighbors["16055"]) == {"16071"}  # Weimar: enclave in Weimarer Land
    assert set(w.neighbors["16077"]) == {"16076"}  # Altenburger Land: only Greiz in Thüringen
    assert set(w.neighbors["16051"]) == {"16067", "16068", "16070", "16071"}


def test_contiguity_is_cached_per_object(data, w):
    assert spatial.contiguity(data.geojson) is w
    copy = {"type": "FeatureCollection", "features": list(data.geojson["features"])}
    other = spatial.contiguity(copy)
    assert other is not w
    assert other.neighbors == w.neighbors


def test_contiguity_rejects_isolated_district(data):
    features = data.geojson["features"]
    weimar = next(f for f in features if f["properties"]["AGS"] == "16055")
    gera = next(f for f in features if f["properties"]["AGS"] == "16052")
    with pytest.raises(spatial.ContiguityError, match="ohne Nachbarn"):
        spatial.contiguity({"type": "FeatureCollection", "features": [weimar, gera]})


# --- global Moran's I --------------------------------------------------------------------------
def test_moran_positive_for_north_south_gradient(w, latitude):
    result = spatial.moran(latitude, w)
    assert result.computed
    assert result.n == 22 and result.permutations == 999
    assert result.I > 0.3
    assert result.p_sim < 0.05
    assert result.z > 2
    assert result.expected == pytest.approx(-1 / 21)
    assert result.note == ""


def test_moran_negative_for_checkerboard(w, checkerboard):
    assert set(checkerboard) == set(w.id_order)
    result = spatial.moran(checkerboard, w)
    assert result.computed
    assert result.I < 0
    assert result.I < result.expected


def test_moran_accepts_series_and_is_reproducible(w, latitude):
    import pandas as pd

    series = pd.Series(latitude)
    first = spatial.moran(series, w, seed=7)
    assert first == spatial.moran(latitude, w, seed=7)
    assert first.I == spatial.moran(latitude, w, seed=8).I


def test_moran_does_not_modify_the_weights(w, latitude):
    before = w.transform, {k: list(v) for k, v in w.weights.items()}
    spatial.moran(latitude, w)
    spatial.lisa(latitude, w)
    assert (w.transform, {k: list(v) for k, v in w.weights.items()}) == before


# --- LISA --------------------------------------------------------------------------------------
def test_lisa_labels_latitude_gradient(w, latitude):
    result = spatial.lisa(latitude, w)
    assert set(result.cluster) == set(w.id_order)
    assert len(result.cluster) == 22
    assert set(result.cluster.values()) <= ALLOWED
    assert spatial.NO_DATA not in result.cluster.values()
    assert spatial.HIGH_HIGH in result.cluster.values()
    assert spatial.LOW_LOW in result.cluster.values()
    assert result.alpha == 0.05
    assert result.moran == spatial.moran(latitude, w)
    # the north is high, the south low
    assert result.cluster["16062"] == spatial.HIGH_HIGH  # Nordhausen
    assert result.quadrant["16072"] == spatial.LOW_LOW  # Sonneberg
    for ags, label in result.cluster.items():
        p = result.p_sim[ags]
        assert 0 < p <= 1
        if label != spatial.NOT_SIGNIFICANT:
            assert p <= result.alpha
            assert label == result.quadrant[ags]
    assert sum(result.counts().values()) == 22
    assert list(result.counts()) == list(spatial.CLUSTER_ORDER)


def test_lisa_quadrants_follow_values_and_neighbour_means(w, latitude, checkerboard):
    for values in (latitude, checkerboard):
        mean = sum(values.values()) / len(values)
        result = spatial.lisa(values, w)
        for ags, label in result.quadrant.items():
            around = sum(values[n] for n in w.neighbors[ags]) / len(w.neighbors[ags])
            own_word, around_word = label.split("-")
            assert own_word == ("hoch" if values[ags] > mean else "niedrig"), ags
            assert around_word == ("hoch" if around > mean else "niedrig"), ags


def test_lisa_reproducible_with_same_seed(w, latitude, checkerboard):
    for values in (latitude, checkerboard):
        assert spatial.lisa(values, w) == spatial.lisa(values, w)
        assert spatial.lisa(values, w, seed=3).p_sim == spatial.lisa(values, w, seed=3).p_sim


def test_lisa_stricter_alpha_gives_fewer_clusters(w, latitude):
    loose = spatial.lisa(latitude, w, alpha=0.2).counts()[spatial.NOT_SIGNIFICANT]
    strict = spatial.lisa(latitude, w, alpha=0.01).counts()[spatial.NOT_SIGNIFICANT]
    assert strict >= loose


def test_lisa_on_real_indicator(data, w):
    indicator = next(i for i in data.available_indicators() if data.latest_year(i.id))
    table = data.table(indicator.id, data.latest_year(indicator.id))
    result = spatial.lisa(table.set_index("ags")["value"], w)
    assert set(result.cluster) == set(table["ags"])
    assert set(result.cluster.values()) <= ALLOWED
    for ags in table.loc[table["value"].isna(), "ags"]:
        assert result.cluster[ags] == spatial.NO_DATA


# --- missing values and degenerate data --------------------------------------------------------
def test_missing_values_are_dropped_with_note(w, latitude):
    values = dict(latitude)
    values["16051"] = math.nan
    del values["16063"]
    result = spatial.lisa(values, w)
    assert result.moran.computed and result.moran.n == 20
    assert result.moran.missing == ("16051", "16063")
    assert result.cluster["16051"] == result.cluster["16063"] == spatial.NO_DATA
    assert math.isnan(result.p_sim["16051"])
    assert "2 Kreise ohne Wert" in result.note


def test_island_after_subsetting_is_left_out(w, latitude):
    values = dict(latitude)
    values["16071"] = None  # Weimarer Land: Weimar loses its only neighbour
    result = spatial.lisa(values, w)
    assert result.moran.computed
    assert result.moran.islands == ("16055",)
    assert result.moran.n == 20
    assert result.cluster["16055"] == spatial.NO_DATA
    assert "ohne Nachbarn" in result.note


def test_too_few_values_gives_note_not_error(w, latitude):
    keep = ["16051", "16067", "16068", "16070", "16071"]
    values = {ags: (latitude[ags] if ags in keep else math.nan) for ags in w.id_order}
    result = spatial.lisa(values, w)
    assert not result.moran.computed
    assert math.isnan(result.moran.I) and math.isnan(result.moran.p_sim)
    assert result.moran.n == 5
    assert "nicht sinnvoll" in result.note
    assert result.note == result.moran.note
    assert set(result.cluster.values()) == {spatial.NO_DATA}
    assert spatial.moran(values, w).note == result.note


def test_no_values_and_equal_values(w):
    empty = spatial.lisa({}, w)
    assert "nicht sinnvoll" in empty.note and len(empty.cluster) == 22
    equal = spatial.moran(dict.fromkeys(w.id_order, 3.0), w)
    assert not equal.computed
    assert "denselben Wert" in equal.note


def test_colours_and_caveat():
    assert list(spatial.CLUSTER_COLOURS) == list(spatial.CLUSTER_ORDER)
    assert spatial.CLUSTER_COLOURS[spatial.HIGH_HIGH] == "#b2182b"
    assert spatial.CLUSTER_COLOURS[spatial.LOW_LOW] == "#2166ac"
    assert spatial.CLUSTER_COLOURS[spatial.NO_DATA] == palettes.MISSING_COLOUR
    caveat = spatial.SMALL_SAMPLE_CAVEAT.lower()
    for word in ("22 kreise", "permutation", "multiples testen", "hinweise", "kein beleg"):
        assert word in caveat


def test_spatial_module_does_not_import_dash():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(spatial))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    } | {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert "dash" not in imported
