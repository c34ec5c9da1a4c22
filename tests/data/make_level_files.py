"""Make the small real test files of own levels (issue #14) from the BKG VG5000 sources.

Run from the project root (the sources are found as ``atlas build`` finds them)::

    python tests/data/make_level_files.py

It writes into ``tests/data/levels/`` (all files are committed; see tests/data/README.md for the
licence). Every geometry is a Gemeinde polygon of the sources or a union of such polygons;
the broken variants change them in documented ways (a moved area, a bow-tie made of an area's
own envelope corners). ``manifest.json`` records which Gemeinden and areas were used, so that
the tests derive their expectations from the sources.

The areas: the Gemeinden of the Landkreis Altenburger Land (16077) grouped by their
Verwaltungsgemeinschaft (the Verband part of the ARS, digits 6–9): 9 areas, keyed by that
4-digit Verband code (``0001`` … ``5052``, leading zeros kept) and named after the group's town
(the member that is a Stadt, else the largest member).
"""

from __future__ import annotations

import io
import json
import re
import sys
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from openpyxl import Workbook
from shapely import affinity
from shapely.geometry import Polygon

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from atlas.paths import find_sources  # noqa: E402

OUT = Path(__file__).resolve().parent / "levels"
KREIS = "16077"  # Altenburger Land
PARTIAL_VG = "160625053"  # a Verwaltungsgemeinschaft of Nordhausen (16062), for partial cover
METRIC = "EPSG:25832"
WGS84 = "EPSG:4326"
MOVE_EAST_M = 15_000.0  # the "moved" area of ausserhalb.geojson
ZIP_DATE = (2021, 1, 1, 0, 0, 0)  # fixed, so that the files do not change on every run


def main() -> None:
    sources = find_sources() / "geo"
    OUT.mkdir(parents=True, exist_ok=True)
    gemeinden = gpd.read_file(sources / "th_gemeinden_vg5000_2021-01-01.geojson")
    kreise = gpd.read_file(sources / "th_kreise_vg5000_2023.geojson")
    members = gemeinden[gemeinden["AGS"].str[:5] == KREIS].copy()
    members["verband"] = members["ARS"].str[5:9]
    members["area"] = members.to_crs(METRIC).area
    groups = _groups(members)
    manifest: dict = {"kreis": KREIS, "groups": {}}
    for key, part in members.groupby("verband"):
        manifest["groups"][key] = {"name": groups.loc[key, "name"],
                                   "gemeinden": sorted(part["AGS"])}

    # the good files
    _shapefile_zip(groups.to_crs(METRIC).assign(VERBAND=groups.index.astype(int))
                   .rename(columns={"schluessel": "SCHLUESSEL", "name": "NAME"})
                   [["SCHLUESSEL", "NAME", "VERBAND", "geometry"]],
                   OUT / "altenburger_land_vg_25832.zip", "altenburger_land_vg")
    extra = groups.copy()
    extra["id"] = range(1, len(extra) + 1)
    extra["kreis"] = KREIS
    extra["gemeinden"] = [int((members["verband"] == k).sum()) for k in extra.index]
    extra["art"] = ["verbandsfreie Gemeinde" if n == 1 else "Verwaltungsgemeinschaft"
                    for n in extra["gemeinden"]]
    extra["ars"] = [members.loc[members["verband"] == k, "ARS"].iloc[0][:9] for k in extra.index]
    extra = extra[["id", "ars", "schluessel", "name", "art", "gemeinden", "kreis", "geometry"]]
    _geojson(extra, OUT / "altenburger_land_vg.geojson")

    kreise_metric = kreise[["AGS", "GEN", "BEZ", "geometry"]].to_crs(METRIC)
    gpkg = OUT / "thueringen_kreise_25832.gpkg"
    gpkg.unlink(missing_ok=True)
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2021-01-01T00:00:00Z"})
    labels = kreise_metric.copy()
    labels["geometry"] = labels.geometry.representative_point()
    labels.to_file(gpkg, layer="beschriftung", driver="GPKG")
    kreise_metric.to_file(gpkg, layer="kreise", driver="GPKG")

    # broken variants
    no_crs = groups.to_crs(METRIC)  # written without its .prj below
    _shapefile_zip(no_crs, OUT / "ohne_crs.zip", "ohne_crs", prj=False)
    points = members[["AGS", "GEN", "geometry"]].copy()
    points["geometry"] = points.to_crs(METRIC).representative_point().to_crs(WGS84)
    _geojson(points, OUT / "punkte.geojson")
    lines = groups.copy()
    lines["geometry"] = lines.geometry.boundary
    _geojson(lines, OUT / "linien.geojson")

    duplicate = groups.copy().reset_index(drop=True)
    duplicate.loc[1, "schluessel"] = duplicate.loc[0, "schluessel"]
    duplicate.loc[2, "schluessel"] = ""
    _geojson(duplicate, OUT / "doppelter_schluessel.geojson")
    manifest["duplicate"] = {"key": duplicate.loc[0, "schluessel"],
                             "names": [duplicate.loc[0, "name"], duplicate.loc[1, "name"]],
                             "empty_key_name": duplicate.loc[2, "name"]}

    bowtie = groups.copy()
    target = bowtie.index[3]
    x0, y0, x1, y1 = bowtie.loc[target, "geometry"].bounds
    bowtie.loc[target, "geometry"] = Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1), (x0, y0)])
    _geojson(bowtie, OUT / "schleife.geojson")
    manifest["bowtie"] = target

    degenerate = groups.copy()
    target = degenerate.index[4]
    x0, y0, x1, y1 = degenerate.loc[target, "geometry"].bounds
    degenerate.loc[target, "geometry"] = Polygon([(x0, y0), (x1, y1), (x0, y0), (x0, y0)])
    _geojson(degenerate, OUT / "entartet.geojson")
    manifest["degenerate"] = target

    overlap, info = _overlap_and_gap(groups, members)
    _geojson(overlap, OUT / "ueberlappung_luecke.geojson")
    manifest["overlap_gap"] = info

    outside, info = _outside(groups, gemeinden, sources)
    _geojson(outside, OUT / "ausserhalb.geojson")
    manifest["outside"] = info

    # tables of groups of Gemeinden
    table = members.sort_values("AGS")[["AGS", "verband", "ARS"]].copy()
    table["name"] = table["verband"].map(groups["name"])
    _csv(table[["AGS", "name"]].rename(columns={"AGS": "ags"}), OUT / "altenburger_land_gruppen.csv")
    _xlsx(table[["AGS", "name"]].rename(columns={"AGS": "ags"}),
          OUT / "altenburger_land_gruppen.xlsx", numeric_ags=True)
    _csv(table[["ARS", "name", "verband"]].rename(columns={"ARS": "ars",
                                                           "verband": "schluessel"}),
         OUT / "altenburger_land_gruppen_ars.csv", sep=",")
    partial_rows = gemeinden[gemeinden["ARS"].str[:9] == PARTIAL_VG].sort_values("AGS")
    partial = pd.concat([table[["AGS", "name"]],
                         pd.DataFrame({"AGS": partial_rows["AGS"],
                                       "name": "Heringen/Helme und Umgebung"})])
    _csv(partial.rename(columns={"AGS": "ags"}), OUT / "gruppen_teilweise.csv")
    manifest["partial"] = {"kreis": PARTIAL_VG[:5],
                           "gemeinden": sorted(partial_rows["AGS"])}
    broken, info = _broken_groups(table, gemeinden, sources)
    _csv(broken, OUT / "gruppen_fehler.csv")
    manifest["broken_groups"] = info

    (OUT / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                       encoding="utf-8")
    for path in sorted(OUT.iterdir()):
        print(f"{path.name:40s} {path.stat().st_size / 1024:7.1f} KB")


def _groups(members: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The Gemeinden of the Kreis dissolved by Verband code (EPSG:4326, exact shared borders)."""
    rows = []
    for key, part in members.groupby("verband"):
        towns = part[part["BEZ"] == "Stadt"].sort_values("area", ascending=False)
        lead = (towns if len(towns) else part.sort_values("area", ascending=False)).iloc[0]["GEN"]
        name = lead if len(part) == 1 else f"{lead} und Umgebung"
        rows.append({"schluessel": key, "name": name,
                     "geometry": shapely.coverage_union_all(part.geometry.values)})
    return gpd.GeoDataFrame(rows, crs=members.crs).set_index("schluessel", drop=False)


def _overlap_and_gap(groups, members):
    """Area 0 also takes a Gemeinde of a neighbouring group (overlap = that Gemeinde); a Gemeinde
    enclosed by the others is left out of its group (gap = that Gemeinde)."""
    out = groups.copy()
    union = shapely.coverage_union_all(members.geometry.values)
    first = out.index[0]
    neighbour = members[(members["verband"] != first)
                        & members.geometry.touches(out.loc[first, "geometry"])
                        ].sort_values("AGS").iloc[0]
    out.loc[first, "geometry"] = shapely.union(out.loc[first, "geometry"], neighbour.geometry)
    inner = members[~members.geometry.intersects(union.boundary)
                    & (members["AGS"] != neighbour["AGS"])
                    & (members["verband"] != first)
                    & (members.groupby("verband")["AGS"].transform("size") > 1)]
    gap = inner.sort_values("AGS").iloc[0]
    rest = members[(members["verband"] == gap["verband"]) & (members["AGS"] != gap["AGS"])]
    out.loc[gap["verband"], "geometry"] = shapely.coverage_union_all(rest.geometry.values)
    return out, {"overlap_areas": [first, neighbour["verband"]], "overlap_gemeinde":
                 neighbour["AGS"], "gap_gemeinde": gap["AGS"], "gap_area": gap["verband"]}


def _outside(groups, gemeinden, sources):
    """The easternmost area moved 15 km east, plus a real Saxon Gemeinde next to the Kreis."""
    out = groups.copy()
    east = out.to_crs(METRIC).bounds["maxx"].idxmax()
    moved = gpd.GeoSeries([out.loc[east, "geometry"]], crs=WGS84).to_crs(METRIC)
    moved = affinity.translate(moved.iloc[0], xoff=MOVE_EAST_M)
    out.loc[east, "geometry"] = gpd.GeoSeries([moved], crs=METRIC).to_crs(WGS84).iloc[0]
    germany = gpd.read_file(sources / "de_gemeinden_vg5000_2021-01-01.geojson",
                            bbox=tuple(groups.total_bounds))
    kreis = shapely.union_all(groups.geometry.values)
    saxon = germany[germany["AGS"].str.startswith("14")
                    & germany.geometry.touches(kreis)].sort_values("AGS").iloc[0]
    extra = gpd.GeoDataFrame([{"schluessel": saxon["AGS"], "name": saxon["GEN"],
                               "geometry": saxon.geometry}], crs=WGS84)
    out = pd.concat([out, extra], ignore_index=True)
    return out, {"moved": east, "move_east_m": MOVE_EAST_M, "saxon": saxon["AGS"],
                 "saxon_name": saxon["GEN"]}


def _broken_groups(table, gemeinden, sources):
    """The Altenburger Land table with faults a planner makes: a Gemeinde in two groups, a key
    that is no Thuringian Gemeinde (a real Saxon one), an empty name, a Gemeinde left out."""
    rows = table[["AGS", "name"]].rename(columns={"AGS": "ags"}).reset_index(drop=True)
    twice = rows.iloc[0]
    other = rows[rows["name"] != twice["name"]].iloc[0]["name"]
    left_out = rows.iloc[-1]
    empty = rows.iloc[5]
    germany = gpd.read_file(sources / "de_gemeinden_vg5000_2021-01-01.geojson",
                            bbox=tuple(gemeinden[gemeinden["AGS"].str[:5] == KREIS].total_bounds))
    saxon = germany[germany["AGS"].str.startswith("14")].sort_values("AGS").iloc[0]["AGS"]
    rows = rows.iloc[:-1].copy()
    rows.loc[5, "name"] = ""
    rows = pd.concat([rows, pd.DataFrame([{"ags": twice["ags"], "name": other},
                                          {"ags": saxon, "name": other}])], ignore_index=True)
    # line numbers in the file: header = 1, data rows from 2
    return rows, {"twice": twice["ags"], "twice_groups": [twice["name"], other],
                  "twice_lines": [2, len(rows)], "unknown": saxon, "unknown_line": len(rows) + 1,
                  "empty_name_gemeinde": empty["ags"], "empty_name_line": 7,
                  "left_out": left_out["ags"]}


def _geojson(frame: gpd.GeoDataFrame, path: Path) -> None:
    frame = frame.reset_index(drop=True)
    path.unlink(missing_ok=True)
    frame.to_file(path, driver="GeoJSON", WRITE_BBOX="NO")


def _shapefile_zip(frame: gpd.GeoDataFrame, path: Path, stem: str, prj: bool = True) -> None:
    frame = frame.reset_index(drop=True)
    with tempfile.TemporaryDirectory() as folder:
        shp = Path(folder) / f"{stem}.shp"
        frame.to_file(shp, driver="ESRI Shapefile", ENCODING="UTF-8")
        parts = sorted(p for p in Path(folder).iterdir() if prj or p.suffix != ".prj")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for part in parts:
                info = zipfile.ZipInfo(f"{stem}/{part.name}", date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, part.read_bytes())


def _csv(frame: pd.DataFrame, path: Path, sep: str = ";") -> None:
    buffer = io.StringIO()
    frame.to_csv(buffer, sep=sep, index=False, lineterminator="\n")
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _xlsx(frame: pd.DataFrame, path: Path, numeric_ags: bool) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Gruppen"
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        values = list(row)
        if numeric_ags:
            values[0] = int(values[0])
        sheet.append(values)
    book.properties.created = book.properties.modified = pd.Timestamp("2021-01-01").to_pydatetime()
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w") as out:
        for info in source.infolist():  # fixed dates, so that the file does not change per run
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(info)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2021-01-01T00:00:00Z",
                              data)
            out.writestr(fixed, data)


if __name__ == "__main__":
    main()
