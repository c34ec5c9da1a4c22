"""Issue #14: own areas linked to the Kreis and the Gemeinden they lie in, by area share, so that
an area is found from its Kreis and counts roll up (Gemeinde → own area → Kreis)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import geopandas as gpd
import pytest

from atlas import geo
from atlas.levels.boundaries import read_boundaries
from atlas.levels.groups import read_groups
from atlas.levels.linkage import LINK_COLUMNS, link_areas, nesting

LEVELS = Path(__file__).resolve().parents[1] / "data" / "levels"
MANIFEST = json.loads((LEVELS / "manifest.json").read_text(encoding="utf-8"))
GROUPS = MANIFEST["groups"]


def test_reprojected_kreise_are_linked_to_themselves_and_their_gemeinden(
        source_kreise, source_gemeinden):
    result = read_boundaries(LEVELS / "thueringen_kreise_25832.gpkg", "AGS", "GEN",
                             kreise=source_kreise, gemeinden=source_gemeinden)
    assert list(result.links.columns) == LINK_COLUMNS
    by_kreis = nesting(result.links, "kreis")
    assert by_kreis.parent == {k: k for k in source_kreise["AGS"]}
    assert by_kreis.is_nested(source_kreise["AGS"])
    assert by_kreis.unions == frozenset(source_kreise["AGS"])
    # each Kreis holds the Gemeinden that lie in it at >= 95 % (Gemeinden 2021 in Kreise 2023:
    # some Gemeinden have since changed their Kreis in part)
    located = geo.containing_region(source_gemeinden, source_kreise)
    located = located[located["share"] >= 0.95]
    expected = {k: tuple(sorted(g["AGS"])) for k, g in located.groupby("region")}
    by_gemeinde = nesting(result.links, "gemeinde")
    assert by_gemeinde.members == expected
    area = source_gemeinden.to_crs(geo.METRIC_CRS).set_index("AGS").area
    kreis_area = source_kreise.to_crs(geo.METRIC_CRS).set_index("AGS").area
    covered = (area[located["AGS"]].to_numpy() * located["share"].to_numpy())
    covered = located.assign(m2=covered).groupby("region")["m2"].sum() / kreis_area
    assert by_gemeinde.unions == frozenset(covered[covered >= 0.95].index)
    assert len(by_gemeinde.unions) >= 20
    assert by_gemeinde.parent == {k: g[0] for k, g in expected.items() if len(g) == 1}


def test_groups_nest_in_their_kreis_and_are_unions_of_their_gemeinden(
        source_kreise, source_gemeinden):
    result = read_groups(LEVELS / "altenburger_land_gruppen_ars.csv", source_gemeinden,
                         kreise=source_kreise)
    by_kreis = nesting(result.links, "kreis")
    assert by_kreis.parent == {k: MANIFEST["kreis"] for k in GROUPS}
    by_gemeinde = nesting(result.links, "gemeinde")
    assert by_gemeinde.members == {k: tuple(g["gemeinden"]) for k, g in GROUPS.items()}
    assert by_gemeinde.unions == frozenset(GROUPS)
    shares = result.links[result.links["level"] == "gemeinde"].groupby("key")["share"].sum()
    assert shares.to_dict() == pytest.approx({k: 1.0 for k in GROUPS}, abs=1e-9)


def test_an_area_moved_across_the_border_nests_nowhere(source_kreise, source_gemeinden):
    result = read_boundaries(LEVELS / "ausserhalb.geojson", "schluessel", "name",
                             kreise=source_kreise, gemeinden=source_gemeinden)
    info = MANIFEST["outside"]
    by_kreis = nesting(result.links, "kreis")
    assert info["moved"] not in by_kreis.parent and info["saxon"] not in by_kreis.parent
    assert not by_kreis.is_nested(result.areas["key"])
    saxon = result.links[result.links["key"] == info["saxon"]]
    assert (saxon["share"] < 0.01).all()
    assert info["moved"] not in nesting(result.links, "gemeinde").unions


def test_built_levels_keyed_by_id_give_the_same_links(built_dir, source_kreise, source_gemeinden):
    areas = read_boundaries(LEVELS / "altenburger_land_vg.geojson", "schluessel", "name").areas
    built_k = gpd.read_file(built_dir / "geo/kreise.geojson").drop(columns="AGS")
    built_g = gpd.read_file(built_dir / "geo/gemeinden.geojson").drop(columns="AGS")
    built = link_areas(areas, built_k, built_g)
    source = link_areas(areas, source_kreise, source_gemeinden)
    for links in (built, source):
        assert nesting(links, "kreis").parent == {k: MANIFEST["kreis"] for k in GROUPS}
        assert nesting(links, "gemeinde").members == {
            k: tuple(g["gemeinden"]) for k, g in GROUPS.items()}


def test_no_parents_give_empty_links_with_the_columns():
    areas = read_boundaries(LEVELS / "altenburger_land_vg.geojson", "schluessel", "name").areas
    links = link_areas(areas, None, None)
    assert links.empty and list(links.columns) == LINK_COLUMNS
    assert nesting(links, "kreis").parent == {}


def test_threshold_must_leave_one_parent():
    with pytest.raises(ValueError):
        nesting(link_areas(gpd.GeoDataFrame(), None, None), "kreis", threshold=0.5)


def test_thuringias_gemeinden_and_a_thousand_areas_are_fast(
        sources, source_kreise, source_gemeinden):
    path = sources / "geo/th_gemeinden_vg5000_2021-01-01.geojson"
    start = time.perf_counter()
    level = read_boundaries(path, "AGS", "GEN", kreise=source_kreise, gemeinden=source_gemeinden)
    read_seconds = time.perf_counter() - start
    assert len(level.areas) == len(source_gemeinden)
    assert nesting(level.links, "gemeinde").parent == {a: a for a in source_gemeinden["AGS"]}
    many = gpd.read_file(sources / "geo/de_gemeinden_vg5000_2021-01-01.geojson",
                         where="SN_L IN ('14', '15', '16')", columns=["AGS", "geometry"])
    assert len(many) >= 1000
    areas = many.rename(columns={"AGS": "key"})
    start = time.perf_counter()
    links = link_areas(areas, source_kreise, source_gemeinden)
    link_seconds = time.perf_counter() - start
    assert set(links.loc[links["key"].str.startswith("16"), "key"]) == set(source_gemeinden["AGS"])
    print(f"631 Gemeinden gelesen und geprüft: {read_seconds:.2f} s; "
          f"{len(areas)} Gebiete verknüpft: {link_seconds:.2f} s")
    assert read_seconds < 10 and link_seconds < 10  # measured here: well under 1 s each
