"""Boundaries: real BKG file, topological simplification, validity, orientation, size."""

import json

import geopandas as gpd
import pytest
import shapely

from atlas import geo


@pytest.fixture(scope="module")
def kreise(sources):
    return geo.read_boundaries(sources / "geo/th_kreise_vg5000_2023.geojson")


def test_reads_22_kreise_with_kinds(kreise):
    assert len(kreise) == 22
    assert kreise.crs.to_epsg() == 4326
    kinds = kreise["BEZ"].map(geo.kind_label).value_counts().to_dict()
    assert kinds == {"Landkreis": 17, "kreisfreie Stadt": 5}
    assert "16056" not in set(kreise["AGS"])  # Eisenach belongs to the Wartburgkreis


def test_other_formats_and_crs(kreise, tmp_path):
    path = tmp_path / "kreise.gpkg"
    kreise.to_crs("EPSG:25832").to_file(path, driver="GPKG")
    again = geo.read_boundaries(path)
    assert list(again["AGS"]) == list(kreise["AGS"])
    assert again.crs.to_epsg() == 4326


def test_simplification_keeps_shared_borders_and_validity(kreise):
    simple = geo.simplify(kreise, 100)
    collection = geo.to_geojson(simple)
    assert len(geo.geojson_bytes(collection)) <= 150 * 1024
    result = gpd.GeoDataFrame.from_features(collection["features"], crs="EPSG:4326")
    assert result.is_valid.all()
    metric = result.to_crs("EPSG:25832")
    original = kreise.to_crs("EPSG:25832")
    for i in range(len(original)):
        for j in range(i + 1, len(original)):
            a, b = original.geometry.iloc[i], original.geometry.iloc[j]
            if a.intersection(b).length > 1000:  # neighbours sharing more than 1 km of border
                sa, sb = metric.geometry.iloc[i], metric.geometry.iloc[j]
                assert sa.intersection(sb).length > 500, (original.AGS.iloc[i], original.AGS.iloc[j])
                assert sa.intersection(sb).area < 1.0  # no overlaps
    # no gaps opened between neighbours: union area stays within 0.5 % of the original
    assert abs(metric.union_all().area - original.union_all().area) / original.union_all().area < 0.005


def test_rings_are_clockwise_for_plotly(kreise):
    collection = geo.to_geojson(geo.simplify(kreise, 100))
    for feature in collection["features"]:
        geometry = shapely.geometry.shape(feature["geometry"])
        polygons = getattr(geometry, "geoms", [geometry])
        for polygon in polygons:
            assert not polygon.exterior.is_ccw


def test_missing_attribute_is_named(tmp_path, kreise):
    path = tmp_path / "ohne_gen.geojson"
    kreise.drop(columns=["GEN"]).to_file(path, driver="GeoJSON")
    with pytest.raises(Exception, match="ohne_gen.geojson.*GEN"):
        geo.read_boundaries(path)
    json.loads(path.read_text())  # the file itself is fine JSON
