"""Issue #14: a planner adds an own level from a boundary file (real files made from the BKG
VG5000 sources by tests/data/make_level_files.py): what the preview suggests, what is refused with
a German message, and the findings that name the file and the areas."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlas import formats, geo
from atlas.levels.boundaries import inspect_file, read_boundaries
from atlas.levels.types import NOTE, WARNING, LevelError

LEVELS = Path(__file__).resolve().parents[1] / "data" / "levels"
MANIFEST = json.loads((LEVELS / "manifest.json").read_text(encoding="utf-8"))
GROUPS = MANIFEST["groups"]
ZIP = LEVELS / "altenburger_land_vg_25832.zip"
GEOJSON = LEVELS / "altenburger_land_vg.geojson"
GPKG = LEVELS / "thueringen_kreise_25832.gpkg"


def _ha(text: str, after: str) -> float:
    """The first "1.234,5 ha" in ``text`` after ``after``."""
    match = re.search(re.escape(after) + r".*?([\d.]+,\d) ha", text)
    assert match, text
    return float(match.group(1).replace(".", "").replace(",", "."))


def _metric_area(geom_or_frame) -> float:
    if isinstance(geom_or_frame, gpd.GeoDataFrame):
        return float(geom_or_frame.to_crs(geo.METRIC_CRS).area.sum())
    return float(gpd.GeoSeries([geom_or_frame], crs=geo.WGS84).to_crs(geo.METRIC_CRS).area.iloc[0])


def test_test_files_are_small():
    for path in LEVELS.iterdir():
        assert path.stat().st_size < 200 * 1024, path.name


# --- the preview ---------------------------------------------------------------------------


def test_preview_of_a_projected_zipped_shapefile_suggests_key_and_name():
    info = inspect_file(ZIP)
    assert info.format == "Shapefile (ZIP)"
    assert info.columns == ("SCHLUESSEL", "NAME", "VERBAND")
    assert (info.key_column, info.name_column) == ("SCHLUESSEL", "NAME")
    assert info.crs.startswith("EPSG:25832")
    assert info.feature_count == len(GROUPS)
    assert info.sample[0][:2] == ("0001", GROUPS["0001"]["name"])  # leading zeros kept


def test_preview_of_a_geojson_with_extra_columns_prefers_the_key_named_so():
    info = inspect_file(GEOJSON, filename="Sozialräume.geojson")
    assert info.filename == "Sozialräume.geojson"
    assert {"id", "ars", "art", "gemeinden", "kreis"} <= set(info.columns)
    assert (info.key_column, info.name_column) == ("schluessel", "name")
    assert info.crs.startswith("EPSG:4326")
    assert "Polygon" in info.geometry_type


def test_preview_of_a_geopackage_reads_its_polygon_layer_and_names_all_layers():
    info = inspect_file(GPKG)
    assert info.format == "GeoPackage"
    assert info.layer == "kreise"
    assert info.layers == ("beschriftung", "kreise")
    assert (info.key_column, info.name_column) == ("AGS", "GEN")
    assert info.feature_count == 22


# --- good files ----------------------------------------------------------------------------


def test_projected_shapefile_becomes_the_kreis_in_its_groups(source_kreise, source_gemeinden):
    result = read_boundaries(ZIP, "SCHLUESSEL", "NAME", kreise=source_kreise,
                             gemeinden=source_gemeinden)
    assert result.ok and not [f for f in result.findings if f.severity != NOTE], result.findings
    assert result.source_crs.startswith("EPSG:25832")
    assert result.areas.crs.to_epsg() == 4326
    assert list(result.areas["key"]) == sorted(GROUPS)
    assert dict(zip(result.areas["key"], result.areas["name"])) == {
        k: g["name"] for k, g in GROUPS.items()}
    assert result.areas.geometry.is_valid.all()
    # the groups together are the Landkreis, each group the sum of its Gemeinden
    kreis = source_kreise[source_kreise["AGS"] == MANIFEST["kreis"]]
    assert _metric_area(result.areas) == pytest.approx(_metric_area(kreis), rel=0.005)
    for row in result.areas.itertuples():
        members = source_gemeinden[source_gemeinden["AGS"].isin(GROUPS[row.key]["gemeinden"])]
        assert _metric_area(row.geometry) == pytest.approx(_metric_area(members), rel=1e-6)
    # each group lies in its Kreis and holds exactly its Gemeinden
    links = result.links
    to_kreis = links[(links["level"] == "kreis") & (links["share"] > 0.5)]
    assert set(to_kreis["parent"]) == {MANIFEST["kreis"]}
    assert to_kreis["share"].min() == pytest.approx(1.0, abs=1e-3)  # Kreise 2023, Gemeinden 2021
    inside = links[(links["level"] == "gemeinde") & (links["parent_share"] > 0.999)]
    assert {k: sorted(g["parent"]) for k, g in inside.groupby("key")} == {
        k: g["gemeinden"] for k, g in GROUPS.items()}


def test_geojson_gives_the_same_areas_as_the_projected_shapefile():
    a = read_boundaries(ZIP, "SCHLUESSEL", "NAME").areas
    b = read_boundaries(GEOJSON, "schluessel", "name").areas
    assert list(a["key"]) == list(b["key"])
    for x, y in zip(a.geometry, b.geometry):
        assert _metric_area(shapely.symmetric_difference(x, y)) < 1.0  # m², reprojection noise


def test_numeric_key_column_gives_whole_numbers_without_decimals():
    result = read_boundaries(ZIP, "verband", "name")  # column names ignore case
    assert sorted(result.areas["key"]) == sorted(str(int(k)) for k in GROUPS)


def test_missing_column_names_the_columns_that_exist():
    with pytest.raises(LevelError, match=r"altenburger_land_vg_25832\.zip.*„Bezirk“.*"
                                         r"„SCHLUESSEL“, „NAME“, „VERBAND“"):
        read_boundaries(ZIP, "Bezirk", "NAME")


# --- refused files -------------------------------------------------------------------------


@pytest.mark.parametrize("name, pattern", [
    ("ohne_crs.zip", "ohne_crs.zip: Die Datei enthält kein Koordinatenbezugssystem.*\\.prj"),
    ("punkte.geojson", "punkte.geojson: enthält Punkte, keine Flächen"),
    ("linien.geojson", "linien.geojson: enthält Linien, keine Flächen"),
])
def test_files_that_cannot_be_a_level_are_refused_in_german(name, pattern):
    with pytest.raises(LevelError, match=pattern):
        read_boundaries(LEVELS / name, "schluessel", "name")
    with pytest.raises(LevelError, match=pattern):
        inspect_file(LEVELS / name)


def test_a_bare_shp_without_its_parts_asks_for_the_zip(tmp_path):
    with zipfile.ZipFile(ZIP) as archive:
        shp = next(n for n in archive.namelist() if n.endswith(".shp"))
        (tmp_path / "upload.bin").write_bytes(archive.read(shp))
    with pytest.raises(LevelError, match=r"Gebiete\.shp: nur der \.shp-Teil.*ZIP"):
        inspect_file(tmp_path / "upload.bin", filename="Gebiete.shp")


def test_a_shapefile_beside_its_parts_is_read(tmp_path):
    with zipfile.ZipFile(ZIP) as archive:
        for name in archive.namelist():
            (tmp_path / Path(name).name).write_bytes(archive.read(name))
    shp = next(tmp_path.glob("*.shp"))
    assert inspect_file(shp).format == "Shapefile"
    assert len(read_boundaries(shp, "SCHLUESSEL", "NAME").areas) == len(GROUPS)


def _rezip(path: Path, extra: dict[str, bytes] | None = None, skip=()) -> None:
    with zipfile.ZipFile(ZIP) as archive:
        parts = {n: archive.read(n) for n in archive.namelist() if not n.endswith(tuple(skip))}
    parts.update(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


@pytest.mark.parametrize("extra, skip, pattern", [
    ({"../../etc/evil.shp": b"x"}, (), "Pfad außerhalb des Archivs"),
    ({"zweite/andere.shp": b"x"}, (), "mehrere Shapefiles"),
    ({}, (".shp",), "keine Shapefile"),
    ({}, (".dbf",), "fehlen im ZIP-Archiv .dbf"),
])
def test_zip_archives_that_are_not_one_shapefile_are_refused(tmp_path, extra, skip, pattern):
    path = tmp_path / "ebene.zip"
    _rezip(path, extra, skip)
    with pytest.raises(LevelError, match="ebene.zip: .*" + pattern):
        read_boundaries(path, "SCHLUESSEL", "NAME")


def test_zip_bomb_is_refused_before_unpacking(tmp_path):
    with zipfile.ZipFile(ZIP) as archive:
        stem = next(n for n in archive.namelist() if n.endswith(".dbf"))[:-4]
    path = tmp_path / "bombe.zip"
    _rezip(path, {stem + ".cpg": b"\0" * (2 * formats.RATIO_FROM_BYTES)})
    with pytest.raises(LevelError, match="bombe.zip: .*ZIP-Bombe"):
        read_boundaries(path, "SCHLUESSEL", "NAME")


def test_too_large_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_MAX_UPLOAD_MB", "0.001")
    with pytest.raises(LevelError, match="altenburger_land_vg.geojson: Datei ist zu groß"):
        inspect_file(GEOJSON)


def test_coordinates_that_do_not_fit_the_crs_are_refused(tmp_path):
    frame = gpd.read_file(GEOJSON).to_crs(geo.METRIC_CRS).set_crs(geo.WGS84, allow_override=True)
    path = tmp_path / "falsch.geojson"
    frame.to_file(path)
    with pytest.raises(LevelError, match="falsch.geojson: Die Koordinaten passen nicht"):
        read_boundaries(path, "schluessel", "name")


def test_a_crs_that_is_no_position_is_refused(tmp_path):
    frame = gpd.read_file(GEOJSON).to_crs(geo.METRIC_CRS).set_crs("EPSG:5714",
                                                                    allow_override=True)
    path = tmp_path / "hoehe.gpkg"
    frame.to_file(path)  # EPSG:5714 is a height system (Normalnull), not a position
    with pytest.raises(LevelError, match="hoehe.gpkg: Das Koordinatenbezugssystem EPSG:5714"):
        read_boundaries(path, "schluessel", "name")


def test_projected_coordinates_declared_as_degrees_in_a_geopackage(tmp_path, source_kreise):
    frame = gpd.read_file(GEOJSON).set_crs(geo.METRIC_CRS, allow_override=True)
    path = tmp_path / "grad_als_meter.gpkg"
    frame.to_file(path)  # degrees declared as metres: lands in the Atlantic
    result = read_boundaries(path, "schluessel", "name", kreise=source_kreise)
    outside = next(f for f in result.findings if "außerhalb Thüringens" in f.text)
    assert set(outside.areas) == set(GROUPS) and "zu 100 %" in outside.text


# --- findings ------------------------------------------------------------------------------


def test_duplicate_and_empty_keys_are_errors_naming_the_areas():
    result = read_boundaries(LEVELS / "doppelter_schluessel.geojson", "schluessel", "name")
    assert not result.ok
    dup = MANIFEST["duplicate"]
    texts = [f.text for f in result.errors]
    assert any(f"Schlüssel „{dup['key']}“ kommt 2-mal vor" in t and dup["names"][0] in t
               and dup["names"][1] in t for t in texts), texts
    assert any("ohne Schlüssel" in t and dup["empty_key_name"] in t for t in texts), texts
    assert all(t.startswith("doppelter_schluessel.geojson: ") for t in texts)


def test_bow_tie_is_repaired_with_a_warning_naming_the_area(source_kreise):
    result = read_boundaries(LEVELS / "schleife.geojson", "schluessel", "name",
                             kreise=source_kreise)
    key = MANIFEST["bowtie"]
    repaired = [f for f in result.findings if "repariert" in f.text]
    assert [f.areas for f in repaired] == [(key,)]
    assert repaired[0].severity == WARNING
    assert f"„{GROUPS[key]['name']}“ ({key})" in repaired[0].text
    assert "Selbstüberschneidung" in repaired[0].text
    assert result.ok
    geom = result.areas.set_index("key").loc[key, "geometry"]
    assert geom.is_valid and geom.geom_type in ("Polygon", "MultiPolygon") and geom.area > 0


def test_geometry_that_cannot_become_an_area_is_an_error():
    result = read_boundaries(LEVELS / "entartet.geojson", "schluessel", "name")
    key = MANIFEST["degenerate"]
    assert not result.ok
    assert [f.areas for f in result.errors] == [(key,)]
    assert f"„{GROUPS[key]['name']}“ ({key})" in result.errors[0].text
    assert result.errors[0].text.startswith("entartet.geojson: ")


def test_overlap_and_gap_are_warned_with_areas_and_hectares(source_gemeinden):
    result = read_boundaries(LEVELS / "ueberlappung_luecke.geojson", "schluessel", "name")
    assert result.ok
    info = MANIFEST["overlap_gap"]
    overlap = next(f for f in result.findings if "überlapp" in f.text)
    gap = next(f for f in result.findings if "Lücke" in f.text)
    assert overlap.severity == gap.severity == WARNING
    a, b = info["overlap_areas"]
    assert set(overlap.areas) == {a, b}
    for key in (a, b):
        assert f"„{GROUPS[key]['name']}“ ({key})" in overlap.text
    by_ags = source_gemeinden.set_index("AGS").geometry
    assert _ha(overlap.text, "und") == pytest.approx(
        _metric_area(by_ags[info["overlap_gemeinde"]]) / 10_000, abs=0.1)
    assert _ha(gap.text, "(") == pytest.approx(
        _metric_area(by_ags[info["gap_gemeinde"]]) / 10_000, abs=0.1)
    assert info["gap_area"] in gap.areas
    assert f"„{GROUPS[info['gap_area']]['name']}“" in gap.text


def test_areas_outside_thuringia_are_warned_with_their_share(source_kreise):
    result = read_boundaries(LEVELS / "ausserhalb.geojson", "schluessel", "name",
                             kreise=source_kreise)
    info = MANIFEST["outside"]
    outside = next(f for f in result.findings if "außerhalb Thüringens" in f.text)
    assert outside.severity == WARNING and result.ok
    assert set(outside.areas) == {info["saxon"], info["moved"]}
    assert f"„{info['saxon_name']}“ ({info['saxon']}) zu 100 %" in outside.text
    moved = result.areas.set_index("key").loc[info["moved"], "geometry"]
    land = shapely.union_all(source_kreise.geometry.values)
    share = 1 - _metric_area(moved.intersection(land)) / _metric_area(moved)
    expected = f"„{GROUPS[info['moved']]['name']}“ ({info['moved']}) zu {round(100 * share)} %"
    assert expected in outside.text


def test_the_known_gemeinden_of_thuringia_read_as_a_level_without_findings(
        sources, source_kreise, source_gemeinden):
    path = sources / "geo/th_gemeinden_vg5000_2021-01-01.geojson"
    result = read_boundaries(path, "AGS", "GEN", kreise=source_kreise, gemeinden=source_gemeinden)
    assert result.ok and not result.findings
    assert list(result.areas["key"]) == list(source_gemeinden["AGS"])


# --- any input: LevelError, never another exception -----------------------------------------


REAL = [ZIP, GEOJSON, GPKG, LEVELS / "ohne_crs.zip"]
PREFIXES = [b"", b"{", b'{"type":"FeatureCollection","features":[', b"PK\x03\x04",
            b"SQLite format 3\x00", b"\x00\x00\x27\x0a", b"\xef\xbb\xbf{"]


def _survives(path: Path, name: str) -> None:
    try:
        inspect_file(path, filename=name)
        read_boundaries(path, "SCHLUESSEL", "NAME", filename=name)
    except LevelError as exc:
        assert str(exc).startswith(f"Datei {name}"), str(exc)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=600))
def test_random_bytes_give_a_level_error(tmp_path, prefix, body):
    path = tmp_path / "upload.bin"
    path.write_bytes(prefix + body)
    _survives(path, "zufall.bin")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(0, len(REAL) - 1), cut=st.floats(0.0, 0.999), flip=st.integers(0, 255))
def test_truncated_or_damaged_real_files_give_a_level_error(tmp_path, index, cut, flip):
    raw = REAL[index].read_bytes()
    at = int(len(raw) * cut)
    path = tmp_path / "upload.bin"
    path.write_bytes(raw[:at] if flip % 2 else raw[:at] + bytes([flip]) + raw[at + 1:])
    _survives(path, "kaputt" + REAL[index].suffix)


def test_a_directory_or_missing_file_gives_a_level_error(tmp_path):
    with pytest.raises(LevelError, match="Datei fehlt.geojson: Datei nicht gefunden"):
        inspect_file(tmp_path / "fehlt.geojson")
    with pytest.raises(LevelError, match="nicht gefunden"):
        read_boundaries(tmp_path, "a", "b")


def test_pdf_renamed_to_geojson_is_named(tmp_path):
    path = tmp_path / "gebiete.geojson"
    path.write_bytes(b"%PDF-1.7\n" + b"x" * 100)
    with pytest.raises(LevelError, match="gebiete.geojson: keine Geodatei.*PDF"):
        inspect_file(path)


def test_zip_members_are_checked_without_unpacking(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for n in range(formats.MAX_ZIP_MEMBERS + 1):
            out.writestr(f"teil{n}.txt", b"")
    path = tmp_path / "viele.zip"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(LevelError, match="viele.zip: Das ZIP-Archiv besteht aus"):
        inspect_file(path)
