"""Gemeinde level: the Gemeinden of the boundary file (Gebietsstand 01.01.2021) built from the
real sources, their indicators from the real Gemeinde tables, and the Gemeinde map whose updates
leave the geometry in the browser. Expected counts and values are read from the source files
(with the project's readers), so a new edition of a source does not break these tests."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from atlas import figures
from atlas.build import GEMEINDE_GEO_OUT, GEMEINDEN_OUT, INFO_OUT
from atlas.catalogue import parse_catalogue
from atlas.data import load
from atlas.data.own import with_own
from atlas.errors import SourceError
from atlas.readers import read_genesis_flat
from atlas.store import OwnIndicator

ZENSUS = "gemeinde_bevoelkerung_zensus"
SUV = "gemeinde_anteil_siedlungsflaeche"
SUV_CHANGE = "gemeinde_veraenderung_siedlungsflaeche"
GEMEINDE_INDICATORS = {ZENSUS, SUV, SUV_CHANGE}
SCHMALKALDEN_MEININGEN = "16066"
ZELLA_MEHLIS = "16066092"


@pytest.fixture(scope="module")
def built_geojson(built_dir):
    return json.loads((built_dir / GEMEINDE_GEO_OUT).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def raw_geojson(sources):
    return json.loads((sources / "geo/th_gemeinden_vg5000_2021-01-01.geojson")
                      .read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def n_gemeinden(raw_geojson) -> int:
    """How many Gemeinden the boundary file has."""
    return len(raw_geojson["features"])


#: Eisenach's key since it joined the Wartburgkreis (01.07.2021) → its Gemeinde of the boundary
#: file (Gebietsstand 01.01.2021)
EISENACH_NEW, EISENACH = "16063105", "16056000"


def raw_gemeinde_values(sources, data, indicator: str, year: int) -> pd.DataFrame:
    """``value, status`` per Gemeinde of the boundary file (index: its AGS) as the indicator's
    source table gives them, read with the project's reader of that format. A kreisfreie Stadt
    comes with its 5-digit Kreis key, Eisenach with its new key (where both keys have a row,
    the one with a value counts)."""
    codes = {series.code for series in data.indicator(indicator).series}
    tables = [code.split("/")[0] for code in codes]
    frames = [read_genesis_flat(path) for table in set(tables)
              for path in (sources / "indicators/genesis_ffcsv").glob(f"{table}_*_de_flat.csv")]
    raw = pd.concat(frames)
    raw = raw[raw["code"].isin(codes) & (raw["year"] == year)]
    known = set(data.gemeinden["ags"])
    single = {ags[:5]: ags for ags in known
              if (data.gemeinden["ags"].str[:5] == ags[:5]).sum() == 1}
    keys = raw["ags"].map(lambda a: EISENACH if a == EISENACH_NEW else single.get(a, a))
    raw = raw.assign(ags=keys, known=raw["value"].notna())[keys.isin(known)]
    raw = raw.sort_values("known", kind="stable").drop_duplicates("ags", keep="last")
    return raw.set_index("ags")[["value", "status"]]


# --- build -----------------------------------------------------------------------------------

def test_every_gemeinde_valid_clockwise_in_a_current_kreis(built_dir, built_geojson, data,
                                                           n_gemeinden):
    features = built_geojson["features"]
    assert len(features) == n_gemeinden
    kreise = set(data.regions["ags"])
    for feature in features:
        props = feature["properties"]
        assert len(props["AGS"]) == 8 and props["AGS"].startswith("16"), props
        assert props["GEN"] and props["BEZ"] in {"Gemeinde", "Stadt"}, props
        assert props["KREIS"] in kreise, props
        geometry = shape(feature["geometry"])
        assert geometry.is_valid and not geometry.is_empty, props["AGS"]
        for polygon in getattr(geometry, "geoms", [geometry]):
            assert not polygon.exterior.is_ccw, props["AGS"]  # clockwise, as plotly geo needs
    kreis_of = {f["properties"]["AGS"]: f["properties"]["KREIS"] for f in features}
    assert kreis_of[EISENACH] == "16063"  # Eisenach: Wartburgkreis since 01.07.2021
    assert kreis_of[ZELLA_MEHLIS] == SCHMALKALDEN_MEININGEN
    assert {a[:5] for a, k in kreis_of.items() if k != a[:5]} <= {"16056", "16064"}
    size = (built_dir / GEMEINDE_GEO_OUT).stat().st_size
    assert 150 * 1024 < size <= 400 * 1024, size


def test_gemeinden_table_and_build_info(built_dir, raw_geojson, n_gemeinden):
    table = pd.read_csv(built_dir / GEMEINDEN_OUT, dtype=str)
    assert list(table.columns[:3]) == ["ags", "name", "bez"] and "kreis" in table.columns
    assert len(table) == n_gemeinden and table["ags"].is_unique
    assert set(table["ags"]) == {f["properties"]["AGS"] for f in raw_geojson["features"]}
    # a Gemeinde lies in the Kreis its key names, except where Kreise merged (Eisenach)
    moved = table[table["kreis"] != table["ags"].str[:5]]
    assert set(moved["ags"].str[:5]) <= {"16056", "16064"} and len(moved) < len(table)
    info = json.loads((built_dir / INFO_OUT).read_text(encoding="utf-8"))
    assert info["gemeinde_gebietsstand"] == "01.01.2021" and info["gemeinden"] == n_gemeinden


def test_simplification_keeps_the_gemeinden_recognisable(raw_geojson, built_geojson):
    raw = {f["properties"]["AGS"]: shape(f["geometry"]) for f in raw_geojson["features"]}
    for feature in built_geojson["features"]:
        ags = feature["properties"]["AGS"]
        simple, original = shape(feature["geometry"]), raw[ags]
        # same place and nearly the same area (metric-free check in degrees² is enough here)
        assert simple.intersection(original).area / original.area > 0.9, ags


# --- values from the raw Gemeinde tables ------------------------------------------------------

def test_zensus_population_equals_the_raw_file(sources, data, n_gemeinden):
    year = data.latest_year(ZENSUS)
    table = data.table(ZENSUS, year).set_index("ags")
    raw = raw_gemeinde_values(sources, data, ZENSUS, year)
    assert len(table) == n_gemeinden
    # every Gemeinde the file names has its value, the others none
    assert table["value"].notna().sum() == raw["value"].notna().sum() > 0
    for ags, value in raw["value"].dropna().items():
        assert table.loc[ags, "value"] == value, ags
    # 1000A-0000: "160660092092;Zella-Mehlis, Stadt;…"; a kreisfreie Stadt comes with its Kreis
    # key ("160530000000;Jena, Stadt;…" → 16053000); Eisenach with its key since 2021
    # ("160630105105;Eisenach, Stadt;…" → Gemeinde 16056000)
    assert {ZELLA_MEHLIS, "16053000", EISENACH} <= set(raw["value"].dropna().index)
    assert table.loc[EISENACH, "kreis_name"] == "Wartburgkreis"
    # "072325005218;Eisenach;374" (Rheinland-Pfalz) and every other Land are ignored
    rows = data.values[data.values["indicator"].isin(GEMEINDE_INDICATORS)]
    assert rows["ags"].str.startswith("16").all() and set(rows["ags"].str.len()) == {8}


@pytest.mark.parametrize("indicator", [SUV, SUV_CHANGE])
def test_regionalatlas_values_equal_the_raw_file(sources, data, indicator):
    year = data.latest_year(indicator)
    table = data.table(indicator, year).set_index("ags")
    raw = raw_gemeinde_values(sources, data, indicator, year)
    # AI-N-01-2-5: "16066092;Zella-Mehlis, Stadt;19,8;Prozent;AI0111"; Eisenach with its key
    # since 2021 ("16063105;Eisenach, Stadt;…")
    assert {ZELLA_MEHLIS, "16051000", EISENACH} <= set(raw["value"].dropna().index)
    for ags, value in raw["value"].dropna().items():
        assert table.loc[ags, "value"] == pytest.approx(value), ags
    # a cell the source leaves empty ("16064014;Dünwald;-", merged after 01.01.2021; "x"):
    # missing with the source's reason, never 0
    empty = raw[raw["value"].isna()]
    assert table.loc[empty.index, "value"].isna().all()
    assert (table.loc[empty.index, "status"] == empty["status"]).all()
    assert (table.loc[empty.index, "status"] != "").all()


def test_rank_and_reference_among_the_gemeinden(data, n_gemeinden):
    year = data.latest_year(ZENSUS)
    table = data.table(ZENSUS, year).set_index("ags")
    assert table.loc[table["value"].idxmax(), "rank"] == 1  # the largest Gemeinde
    assert table["rank"].max() <= n_gemeinden
    ref = data.reference(ZENSUS, year)  # no Land row in 1000A: the sum of all Gemeinden
    assert (ref.label, ref.basis) == ("Thüringen (Summe der Gemeinden)", "summe")
    assert ref.value == table["value"].sum()
    year = data.latest_year(SUV)
    ref = data.reference(SUV, year)
    assert (ref.label, ref.basis) == ("Median der Gemeinden", "median")
    assert ref.value == pytest.approx(data.table(SUV, year)["value"].median())
    series = data.series(ZENSUS, [ZELLA_MEHLIS, "16069011"])
    assert list(series["name"]) == ["Zella-Mehlis", "Eichenberg (Hildburghausen)"]


def test_indicators_per_level(data):
    gemeinde = {i.id for i in data.available_indicators(level="gemeinde")}
    kreis = {i.id for i in data.available_indicators(level="kreis")}
    assert gemeinde == GEMEINDE_INDICATORS
    assert not gemeinde & kreis
    assert {i.id for i in data.available_indicators()} == kreis  # the default stays "kreis"
    assert {i.id for i in data.available_indicators("senioren", "wohnen", level="gemeinde")} == {
        SUV, SUV_CHANGE}
    assert data.level(ZENSUS) == "gemeinde" and data.level("bevoelkerung") == "kreis"
    assert data.available_levels() == ["kreis", "gemeinde"]
    assert data.level_of("gemeinde").gebietsstand == "01.01.2021"
    assert len(data.regions) == 22  # the Kreise stay what they were


def test_catalogue_level_is_validated(tmp_path):
    entry = {"id": "x", "title": "X", "short_title": "X", "unit": "%", "unit_label": "%",
             "kind": "rate", "definition": "d", "area": "a", "life_phases": ["jugend"],
             "polarity": "neutral", "source": "s", "table": "t", "level": "ortsteil",
             "series": [{"source": "genesis", "code": "T/X"}]}
    data = {"sources": {"s": dict.fromkeys(
                ("title", "publisher", "attribution", "licence", "licence_url", "url"), "s")},
            "areas": [{"id": "a", "title": "A", "description": "A"}], "indicators": [entry]}
    with pytest.raises(SourceError, match="Ebene"):
        parse_catalogue(data, tmp_path / "catalogue.toml")
    entry["level"] = "gemeinde"
    assert parse_catalogue(data, tmp_path / "catalogue.toml").indicators[0].level == "gemeinde"
    del entry["level"]
    assert parse_catalogue(data, tmp_path / "catalogue.toml").indicators[0].level == "kreis"


def test_own_gemeinde_indicator_appears_at_gemeinde_level(data, n_gemeinden):
    own = OwnIndicator(
        id="spielplaetze", title="Spielplätze je 1.000 Kinder", unit="je 1.000", decimals=1,
        kind="rate", definition="Öffentliche Spielplätze je 1.000 Kinder unter 14 Jahren.",
        area="familie_betreuung", life_phases=("kindheit",), polarity="protective",
        source="eigene Erhebung", licence="", filename="spielplaetze.csv",
        file_format="Eigene Vorlage (CSV)", code="spielplaetze", level="gemeinde")
    values = pd.DataFrame({"indicator": ["spielplaetze"] * 3,
                           "ags": ["16051", ZELLA_MEHLIS, "16063105"],
                           "year": [2024] * 3, "value": [2.5, 4.0, 3.5], "status": [""] * 3})
    combined = with_own(data, [own], values)
    assert "spielplaetze" in {i.id for i in combined.available_indicators(level="gemeinde")}
    assert "spielplaetze" not in {i.id for i in combined.available_indicators()}
    table = combined.table("spielplaetze", 2024).set_index("ags")
    assert len(table) == n_gemeinden
    assert table.loc["16051000", "value"] == 2.5  # Erfurt's Kreis key → its Gemeinde
    assert table.loc[EISENACH, "value"] == 3.5  # Eisenach's new key → its 2021 Gemeinde
    assert table.loc[ZELLA_MEHLIS, "rank"] == 3  # protective: lowest value = rank 1
    assert combined.gemeinde_geojson is data.gemeinde_geojson  # geometry shared, not copied


def test_older_build_without_gemeinde_files_loads(built_dir, tmp_path):
    old = tmp_path / "data"
    shutil.copytree(built_dir, old)
    (old / GEMEINDE_GEO_OUT).unlink()
    (old / GEMEINDEN_OUT).unlink()
    info = json.loads((old / INFO_OUT).read_text(encoding="utf-8"))
    for gone in (GEMEINDE_GEO_OUT, GEMEINDEN_OUT):  # as a build without Gemeinde boundaries
        del info["files"][gone.as_posix()]
    (old / INFO_OUT).write_text(json.dumps(info), encoding="utf-8")
    data = load(old)
    assert len(data.regions) == 22 and data.gemeinden.empty
    assert data.available_indicators(level="gemeinde") == []
    assert data.available_levels() == ["kreis"] and data.level_of("gemeinde").gebietsstand == ""
    assert not data.has_values(ZENSUS)
    assert data.table("bevoelkerung", data.latest_year("bevoelkerung"))["value"].notna().all()


# --- figures -----------------------------------------------------------------------------------

def test_map_view_of_a_gemeinde_indicator(sources, data, n_gemeinden):
    year = data.latest_year(ZENSUS)
    view = figures.map_view(data, ZENSUS, year)
    assert view.level == "gemeinde" and len(view.table) == n_gemeinden
    assert len(figures.map_update(view)["trace"]["locations"]) == n_gemeinden
    assert sum(view.classes.counts) == n_gemeinden
    hover = dict(zip(view.table["ags"], view.hover))[ZELLA_MEHLIS]
    assert "<b>Zella-Mehlis</b>" in hover and "Landkreis: Schmalkalden-Meiningen" in hover
    people = raw_gemeinde_values(sources, data, ZENSUS, year).loc[ZELLA_MEHLIS, "value"]
    assert f"{int(people):,} Einw.".replace(",", ".") in hover  # German thousands: 12.345
    assert f"von {n_gemeinden}" in hover
    assert data.level_of("gemeinde").attribution in view.source_line and "BKG" in view.source_line
    assert "%{properties.HOVER}" in view.hover_template
    assert f"von {n_gemeinden}" in view.hover_template


def test_gemeinde_choropleth_zoomed_to_a_kreis(data, raw_geojson):
    expected = sorted(f["properties"]["AGS"] for f in raw_geojson["features"]
                      if f["properties"]["AGS"].startswith(SCHMALKALDEN_MEININGEN))
    view = figures.map_view(data, ZENSUS, data.latest_year(ZENSUS))
    fig = figures.choropleth(data, view, kreis=SCHMALKALDEN_MEININGEN)
    assert len(fig.data) == 1 + figures.LEGEND_SLOTS + 1
    gemeinden = fig.data[figures.MAP_TRACE]
    assert gemeinden.type == "choropleth"
    assert len(gemeinden.geojson["features"]) == len(raw_geojson["features"])
    assert gemeinden.featureidkey == "properties.AGS"
    assert sorted(gemeinden.locations) == expected and expected
    assert fig.layout.geo.fitbounds == "locations"
    outline = fig.data[-1]
    assert figures.OUTLINE_TRACE == len(fig.data) - 1
    assert outline.type == "scattergeo" and outline.mode == "lines"
    assert outline.hoverinfo == "skip" and outline.fill in (None, "none")
    assert outline.line.width == pytest.approx(1.2)
    # the outline is that Kreis's border, so fitbounds zooms to the Kreis
    kreis = shapely.union_all([shape(f["geometry"]) for f in data.gemeinde_geojson["features"]
                               if f["properties"]["KREIS"] == SCHMALKALDEN_MEININGEN])
    points = [(x, y) for x, y in zip(outline.lon, outline.lat) if x is not None]
    assert shapely.MultiPoint(points).distance(kreis.boundary) < 1e-4
    everything = figures.choropleth(data, view)
    assert len(everything.data[figures.MAP_TRACE].locations) == len(raw_geojson["features"])
    assert len(everything.data[-1].lon) > len(outline.lon)  # all Kreis borders
    # choropleth() (used e.g. by the export) draws a Gemeinde view the same way
    assert figures.choropleth(data, view).to_json() == everything.to_json()


def test_kreis_filter_and_selection_use_the_keys_of_the_level(data, raw_geojson, n_gemeinden):
    view = figures.map_view(data, ZENSUS, data.latest_year(ZENSUS))
    rows = figures.kreis_filter(view, SCHMALKALDEN_MEININGEN)
    in_kreis = [f for f in raw_geojson["features"]
                if f["properties"]["AGS"].startswith(SCHMALKALDEN_MEININGEN)]
    assert len(rows) == len(in_kreis) and all(view.table["kreis"].iloc[i] == "16066" for i in rows)
    assert figures.kreis_filter(view, None) == list(range(n_gemeinden))
    kreis_view = figures.map_view(data, "bevoelkerung", data.latest_year("bevoelkerung"))
    assert figures.kreis_filter(kreis_view, SCHMALKALDEN_MEININGEN) == list(range(22))
    update = figures.map_update(view, [ZELLA_MEHLIS, SCHMALKALDEN_MEININGEN],
                                kreis=SCHMALKALDEN_MEININGEN)
    trace = update["trace"]
    assert trace["locations"][-1] == ZELLA_MEHLIS  # selected Gemeinde drawn last, outlined
    widths = trace["marker"]["line"]["width"]
    assert widths[-1] == figures.GEMEINDE_SELECTED_WIDTH and set(widths[:-1]) == {
        figures.GEMEINDE_LINE_WIDTH}
    assert len(trace["locations"]) == len(trace["z"]) == len(trace["customdata"]) == len(rows)
    zoom = figures.zoom_update(data, view, SCHMALKALDEN_MEININGEN)
    assert zoom["trace"]["locations"] == figures.map_update(view, None, "16066")["trace"][
        "locations"]
    assert zoom["outline"] == figures.kreis_outline(data, "gemeinde", SCHMALKALDEN_MEININGEN)


def _apply(figure: dict, update: dict) -> dict:
    """What the app's patch does with :func:`figures.map_update` (callbacks/views._patch_map)."""
    trace = figure["data"][figures.MAP_TRACE]
    for key, value in update["trace"].items():
        if key == "marker":
            trace.setdefault("marker", {})["line"] = value["line"]
        else:
            trace[key] = value
    for slot, item in enumerate(update["legend"]):
        legend = figure["data"][figures.LEGEND_TRACES_START + slot]
        legend["name"], legend["visible"] = item["name"], item["visible"]
        legend["marker"]["color"] = item["marker"]["color"]
    figure["layout"]["legend"]["title"]["text"] = update["legend_title"]
    figure["layout"]["annotations"][0]["text"] = update["reference_text"]
    return figure


def test_changing_indicator_and_year_sends_values_not_geometry(data):
    first = figures.map_view(data, ZENSUS, data.latest_year(ZENSUS))
    fig = figures.choropleth(data, first)
    full = fig.to_json()
    second = figures.map_view(data, SUV, data.latest_year(SUV))
    update = figures.map_update(second)
    payload = json.dumps(update)
    assert len(payload) < len(full) / 20, (len(payload), len(full))
    assert "coordinates" not in payload and "geojson" not in payload
    assert "Polygon" not in payload
    # the patched figure shows exactly what a freshly built figure for the new view shows
    patched = _apply(json.loads(full), json.loads(payload))
    fresh = json.loads(figures.choropleth(data, second).to_json())
    assert patched["data"] == fresh["data"]
    assert patched["layout"]["legend"] == fresh["layout"]["legend"]
    assert patched["layout"]["annotations"] == fresh["layout"]["annotations"]

