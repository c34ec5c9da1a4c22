"""Issue #14: a planner adds an own level as groups of Gemeinden (a table ``ags;name``); the
groups are dissolved from the Gemeinden of the sources with shared borders kept shared, and the
faults a planner makes are named with file, rows, Gemeinden and groups."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlas import geo, readers
from atlas.levels.groups import read_groups
from atlas.levels.types import ERROR, NOTE, WARNING, LevelError

LEVELS = Path(__file__).resolve().parents[1] / "data" / "levels"
MANIFEST = json.loads((LEVELS / "manifest.json").read_text(encoding="utf-8"))
GROUPS = MANIFEST["groups"]
CSV = LEVELS / "altenburger_land_gruppen.csv"


def _slugs() -> dict[str, str]:
    """Group key (the slug of the name, as documented) → Verband key of the manifest."""
    return {readers._slug(g["name"]): k for k, g in GROUPS.items()}


def _metric_area(geoms) -> float:
    return float(gpd.GeoSeries(list(geoms), crs=geo.WGS84).to_crs(geo.METRIC_CRS).area.sum())


def test_groups_of_a_landkreis_are_dissolved_into_its_area(source_kreise, source_gemeinden):
    result = read_groups(CSV, source_gemeinden, kreise=source_kreise)
    assert result.ok and not [f for f in result.findings if f.severity != NOTE]
    slugs = _slugs()
    assert sorted(result.areas["key"]) == sorted(slugs)
    assert {slugs[k]: n for k, n in zip(result.areas["key"], result.areas["name"])} == {
        k: g["name"] for k, g in GROUPS.items()}
    members = result.members.groupby("key")["gemeinde"].apply(sorted).to_dict()
    assert {slugs[k]: v for k, v in members.items()} == {k: g["gemeinden"] for k, g in
                                                         GROUPS.items()}
    kreis = source_kreise[source_kreise["AGS"] == MANIFEST["kreis"]].geometry
    assert _metric_area(result.areas.geometry) == pytest.approx(_metric_area(kreis), rel=0.005)
    by_ags = source_gemeinden.set_index("AGS").geometry
    for row in result.areas.itertuples():
        assert row.geometry.is_valid
        assert _metric_area([row.geometry]) == pytest.approx(
            _metric_area(by_ags[GROUPS[slugs[row.key]]["gemeinden"]]), rel=1e-9)
    to_kreis = result.links[(result.links["level"] == "kreis") & (result.links["share"] > 0.5)]
    assert set(to_kreis["parent"]) == {MANIFEST["kreis"]}
    assert len(to_kreis) == len(GROUPS)
    assert to_kreis["share"].min() == pytest.approx(1.0, abs=1e-3)


def test_neighbouring_groups_share_their_borders_exactly(source_gemeinden):
    areas = read_groups(CSV, source_gemeinden).areas
    pairs = 0
    for a, b in itertools.combinations(areas.geometry, 2):
        if not a.intersects(b):
            continue
        pairs += 1
        assert a.intersection(b).area == 0  # no overlap, not even a sliver
        border_a = a.boundary.intersection(b)
        border_b = b.boundary.intersection(a)
        assert border_a.length > 0
        assert shapely.equals(shapely.line_merge(border_a), shapely.line_merge(border_b))
        assert shapely.union(a, b).area == pytest.approx(a.area + b.area, rel=1e-12)
    assert pairs >= len(areas) - 1
    # together exactly the union of the Gemeinden: no gap, no sliver
    members = source_gemeinden[source_gemeinden["AGS"].str[:5] == MANIFEST["kreis"]].geometry.values
    whole = shapely.coverage_union_all(members)
    assert shapely.symmetric_difference(shapely.union_all(areas.geometry.values), whole).area \
        < 1e-12


def test_built_gemeinden_with_id_and_kreis_columns_give_the_same_groups(built_dir):
    gemeinden = gpd.read_file(built_dir / "geo/gemeinden.geojson")
    kreise = gpd.read_file(built_dir / "geo/kreise.geojson")
    assert "AGS" in gemeinden.columns and "KREIS" in gemeinden.columns
    result = read_groups(CSV, gemeinden.drop(columns="AGS"), kreise=kreise)  # keyed by id
    assert result.ok
    assert sorted(result.areas["key"]) == sorted(_slugs())
    assert set(result.links.loc[result.links["level"] == "kreis", "parent"]) >= {
        MANIFEST["kreis"]}


def test_excel_table_with_numeric_keys_gives_the_same_groups(source_gemeinden):
    csv = read_groups(CSV, source_gemeinden)
    xlsx = read_groups(LEVELS / "altenburger_land_gruppen.xlsx", source_gemeinden)
    assert xlsx.ok
    assert list(xlsx.areas["key"]) == list(csv.areas["key"])
    assert xlsx.members.equals(csv.members)


def test_ars_keys_and_an_own_key_column(source_gemeinden):
    result = read_groups(LEVELS / "altenburger_land_gruppen_ars.csv", source_gemeinden)
    assert result.ok
    assert list(result.areas["key"]) == sorted(GROUPS)  # "0001": leading zeros kept
    members = result.members.groupby("key")["gemeinde"].apply(sorted).to_dict()
    assert members == {k: g["gemeinden"] for k, g in GROUPS.items()}


def test_a_headerless_table_and_lost_leading_zeros(tmp_path, source_gemeinden):
    path = tmp_path / "ohne_kopf.csv"
    rows = [f"{ags},{GROUPS[key]['name']}" for key, g in GROUPS.items() for ags in g["gemeinden"]]
    path.write_text("\n".join(rows) + "\n", encoding="cp1252")  # Excel's "CSV" in Windows-1252
    result = read_groups(path, source_gemeinden)
    assert result.ok and len(result.areas) == len(GROUPS)
    assert readers.region_key("1001000") == "01001000"  # the normalisation the reader uses


def test_partly_covered_kreis_is_warned_and_the_other_kreise_noted(source_kreise, source_gemeinden):
    result = read_groups(LEVELS / "gruppen_teilweise.csv", source_gemeinden, kreise=source_kreise)
    assert result.ok
    partial = MANIFEST["partial"]
    kreis_name = source_kreise.set_index("AGS").loc[partial["kreis"], "GEN"]
    warning = next(f for f in result.findings if f.severity == WARNING)
    of_kreis = (source_gemeinden["AGS"].str[:5] == partial["kreis"]).sum()
    assert warning.text.startswith("gruppen_teilweise.csv: ")
    assert f"„{kreis_name}“ ({partial['kreis']}) ist nur teilweise abgedeckt" in warning.text
    assert f"{of_kreis - len(partial['gemeinden'])} von {of_kreis} Gemeinden" in warning.text
    note = next(f for f in result.findings if f.severity == NOTE)
    assert "umfasst 2 Kreise" in note.text
    assert f"{len(source_kreise) - 2} weitere Kreise" in note.text


def test_faults_of_a_planner_are_errors_naming_rows_gemeinden_and_groups(
        source_kreise, source_gemeinden):
    result = read_groups(LEVELS / "gruppen_fehler.csv", source_gemeinden, kreise=source_kreise,
                         filename="Sozialräume Altenburger Land.csv")
    info = MANIFEST["broken_groups"]
    assert not result.ok
    errors = [f.text for f in result.errors]
    assert all(t.startswith("Sozialräume Altenburger Land.csv: ") for t in errors)
    by_ags = source_gemeinden.set_index("AGS")["GEN"]
    twice = next(t for t in errors if "mehreren Gebieten" in t)
    assert f"„{by_ags[info['twice']]}“ ({info['twice']})" in twice
    for line, group in zip(info["twice_lines"], info["twice_groups"]):
        assert f"Zeile {line} „{group}“" in twice
    unknown = next(t for t in errors if info["unknown"] in t)
    assert f"Zeile {info['unknown_line']}" in unknown
    empty = next(t for t in errors if "ohne Gebietsnamen" in t)
    assert f"Zeile {info['empty_name_line']}" in empty
    assert f"({info['empty_name_gemeinde']})" in empty
    left = next(f for f in result.findings if f.severity == WARNING and "teilweise" in f.text)
    assert f"({info['left_out']})" in left.text


@pytest.mark.parametrize("content, pattern", [
    (b"", "Datei ist leer"),
    (b"gemeinde_id;bezirk\n16077001;A\n", "Spalte\\(n\\) ags, name fehlen.*„gemeinde_id“"),
    (b"ags\tname\n16077001\tA\n", "Tabulator"),
    (b"%PDF-1.7\n\x00\x01\x02", "keine Textdatei"),
])
def test_unreadable_tables_are_refused_naming_the_file(
        tmp_path, source_gemeinden, content, pattern):
    path = tmp_path / "upload.bin"
    path.write_bytes(content)
    with pytest.raises(LevelError, match="Datei gruppen.csv.*" + pattern):
        read_groups(path, source_gemeinden, filename="gruppen.csv")


def test_a_kreis_key_instead_of_gemeinden_is_explained(tmp_path, source_gemeinden):
    path = tmp_path / "kreis.csv"
    path.write_text("ags;name\n16077;Altenburger Land\n", encoding="utf-8")
    result = read_groups(path, source_gemeinden)
    assert [f.severity for f in result.findings] == [ERROR]
    assert "Kreisschlüssel" in result.findings[0].text
    assert "„Altenburger Land“" in result.findings[0].text


TABLE_PREFIXES = [b"", b"ags;name\n", b"ags,name,schluessel\n", b"\xef\xbb\xbfags;name\n16077001;",
                  b"PK\x03\x04", b"16077001;"]


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefix=st.sampled_from(TABLE_PREFIXES), body=st.binary(max_size=300))
def test_any_bytes_as_a_table_give_a_level_error_or_findings(
        tmp_path, source_gemeinden, prefix, body):
    path = tmp_path / "upload.bin"
    path.write_bytes(prefix + body)
    try:
        result = read_groups(path, source_gemeinden, filename="gruppen.csv")
    except LevelError as exc:
        assert str(exc).startswith("Datei gruppen.csv"), str(exc)
    else:
        assert all(f.text.startswith("gruppen.csv: ") for f in result.findings)


def test_a_two_column_table_headed_schluessel_takes_it_as_the_gemeinde_key(
        tmp_path, source_gemeinden):
    path = tmp_path / "schluessel.csv"
    rows = [f"{ags};{GROUPS[key]['name']}" for key, g in GROUPS.items() for ags in g["gemeinden"]]
    path.write_text("Schlüssel;Name\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = read_groups(path, source_gemeinden)
    assert result.ok and sorted(result.areas["key"]) == sorted(_slugs())
