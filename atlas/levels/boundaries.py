"""An own level from a boundary file: GeoJSON, GeoPackage, Shapefile or a zipped Shapefile.

:func:`inspect_file` describes a file for the preview form (columns, suggested key and name
column, CRS, geometry type); :func:`read_boundaries` reads it with the chosen columns, reprojects
it to EPSG:4326 and checks it. Fatal problems (unreadable, no CRS, a point or line layer, no
such column, no features) raise :class:`~atlas.levels.types.LevelError`; everything else is a
:class:`~atlas.levels.types.Finding` (errors stop storing, warnings do not).

The format is detected from the content, never from the file name (uploads are stored under
temporary names). A ZIP must hold exactly one Shapefile (``.shp``, ``.shx``, ``.dbf``, and the
``.prj``); its directory is checked before anything is unpacked (member count, unpacked size,
packing ratio, paths leaving the archive), with the limits of :mod:`atlas.formats`.

Tolerances (geometry in EPSG:25832):

* overlaps and gaps smaller than :data:`SLIVER_M2` (100 m² = 0,01 ha) are ignored: files
  digitised at different scales leave such slivers along every border;
* an area counts as outside Thuringia by the part of it farther than
  :data:`OUTSIDE_TOLERANCE_M` (1 km, the generalisation of the BKG VG5000 Land border) from the
  Land; it is reported from :data:`OUTSIDE_MIN_SHARE` (1 %) of its area on.

Gaps are the holes of the union of all areas (land enclosed by the level's areas that belongs to
none of them); bays at the level's outer edge are not gaps.
"""

from __future__ import annotations

import math
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterator

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import Polygon

from atlas import formats
from atlas.geo import WGS84
from atlas.levels.linkage import link_areas, metric_geometries
from atlas.levels.types import ERROR, NOTE, WARNING, AreaSet, Finding, LevelError
from atlas.values import format_number

#: Overlaps and gaps below this area (m²) are slivers and ignored.
SLIVER_M2 = 100.0
#: Distance (m) from the Land border within which an area still counts as inside.
OUTSIDE_TOLERANCE_M = 1000.0
#: Share of an area outside Thuringia from which it is reported.
OUTSIDE_MIN_SHARE = 0.01
#: Areas, pairs or gaps named in one finding at most (the rest counted).
LIST_LIMIT = 10
#: Sample rows of :class:`BoundaryFile`.
SAMPLE_ROWS = 5

FORMAT_GEOJSON = "GeoJSON"
FORMAT_GPKG = "GeoPackage"
FORMAT_SHAPEFILE = "Shapefile"
FORMAT_SHAPEFILE_ZIP = "Shapefile (ZIP)"
SUPPORTED = "GeoJSON, GeoPackage, Shapefile (als ZIP mit .shp, .shx, .dbf und .prj)"

#: Column names that suggest a key / a name (lower case, umlauts as ae/oe/ue/ss), best first.
KEY_NAMES = ("schluessel", "key", "ags", "ars", "code", "kennziffer", "gkz", "nr", "nummer",
             "id")
NAME_NAMES = ("name", "bezeichnung", "gen", "gebiet", "sozialraum", "stadtteil", "ortsteil",
              "bezirk", "titel", "label")

_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
_SHP_MAGIC = b"\x00\x00\x27\x0a"
_SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class BoundaryFile:
    """What the preview form shows of a boundary file before the planner chooses columns.

    ``columns``: the attribute columns in file order; ``key_column``/``name_column``: the
    suggestions (``None`` when no column fits); ``crs``: e.g. ``"EPSG:25832 (ETRS89 / UTM zone
    32N)"``; ``geometry_type``: e.g. ``"MultiPolygon"``; ``sample``: the first rows as text
    (in the order of ``columns``); ``layer``/``layers``: for a GeoPackage the layer read and all
    layers.
    """

    filename: str
    format: str
    columns: tuple[str, ...]
    key_column: str | None
    name_column: str | None
    crs: str
    geometry_type: str
    feature_count: int
    sample: tuple[tuple[str, ...], ...]
    layer: str = ""
    layers: tuple[str, ...] = ()


# --- public functions ----------------------------------------------------------------------------


def inspect_file(path: Path | str, filename: str | None = None) -> BoundaryFile:
    """Describe a boundary file for the preview form.

    Raises
    ------
    LevelError
        If the file cannot be read as a polygon layer with a coordinate reference system (the
        same fatal problems as :func:`read_boundaries`).
    """
    path = Path(path)
    display = filename or path.name
    return _guarded(display, lambda: _inspect(path, display))


def _inspect(path: Path, display: str) -> BoundaryFile:
    frame, info = _read(path, display)
    columns = tuple(str(c) for c in frame.columns if c != frame.geometry.name)
    texts = {c: frame[c].map(cell_text) for c in columns}
    sample = tuple(tuple(texts[c].iloc[n] for c in columns)
                   for n in range(min(SAMPLE_ROWS, len(frame))))
    key = suggest_key_column(texts)
    return BoundaryFile(
        filename=display, format=info.format, columns=columns, key_column=key,
        name_column=suggest_name_column(texts, exclude=key), crs=_crs_text(frame.crs),
        geometry_type=_geometry_type(frame), feature_count=len(frame), sample=sample,
        layer=info.layer, layers=info.layers)


def read_boundaries(path: Path | str, key: str, name: str, filename: str | None = None,
                    kreise: gpd.GeoDataFrame | None = None,
                    gemeinden: gpd.GeoDataFrame | None = None) -> AreaSet:
    """Read and check the areas of a boundary file.

    Parameters
    ----------
    path
        The file (GeoJSON, GeoPackage, Shapefile with its parts beside it, or a ZIP of one
        Shapefile).
    key, name
        The columns with the areas' keys and names (matched exactly, else ignoring case).
    filename
        The name the planner knows the file by (for messages); default the file's name.
    kreise, gemeinden
        The built levels (columns ``AGS`` or ``id``, and ``geometry``) to link the areas to;
        ``kreise`` also serve as Thuringia for the "outside" check. ``None`` skips.

    Returns
    -------
    AreaSet
        The areas in EPSG:4326 sorted by key, their links and the findings.

    Raises
    ------
    LevelError
        For a file that cannot be used at all; the German message names the file and what to do.
    """
    path = Path(path)
    display = filename or path.name
    return _guarded(display, lambda: _read_boundaries(path, display, key, name, kreise, gemeinden))


def _read_boundaries(path: Path, display: str, key: str, name: str, kreise, gemeinden) -> AreaSet:
    frame, info = _read(path, display)
    key_col = _column(frame, key, "Schlüsselspalte", display)
    name_col = _column(frame, name, "Namensspalte", display)
    findings: list[Finding] = []
    if len(info.layers) > 1:
        findings.append(Finding(NOTE, f"{display}: Die Datei enthält mehrere Ebenen "
                                      f"({', '.join(info.layers)}); gelesen wurde die "
                                      f"Flächen-Ebene „{info.layer}“."))
    keys = frame[key_col].map(cell_text).astype(str)
    names = frame[name_col].map(cell_text).astype(str)
    projected = frame.geometry.to_crs(WGS84)
    x0, y0, x1, y1 = projected.total_bounds
    if not (np.isfinite([x0, y0, x1, y1]).all() and -180 <= x0 <= x1 <= 180
            and -90 <= y0 <= y1 <= 90):
        raise _fail(display, "Die Koordinaten lassen sich nicht aus dem Koordinatenbezugssystem "
                             f"{_crs_text(frame.crs)} in geographische Koordinaten umrechnen; "
                             "vermutlich ist das angegebene System falsch. Bitte im GIS prüfen.")
    geoms = np.asarray(projected.values, dtype=object)
    geoms = np.array([None if g is None else shapely.force_2d(g) for g in geoms], dtype=object)
    rows = np.arange(1, len(frame) + 1)

    findings += _key_findings(display, key_col, keys, names, rows)
    unnamed = (names == "") & (keys != "")
    if unnamed.any():
        findings.append(Finding(
            WARNING, f"{display}: {count_text(int(unnamed.sum()), 'Gebiet', 'Gebiete')} ohne Namen "
            f"in der Spalte „{name_col}“ ({listing(keys[unnamed])}); der Schlüssel wird als "
            "Name verwendet. Bitte Namen ergänzen oder eine andere Namensspalte wählen.",
            tuple(keys[unnamed])))
        names = names.where(~unnamed, keys)
    geoms, geometry_findings = _repair(display, geoms, keys, names)
    findings += geometry_findings

    usable = np.array([g is not None for g in geoms], dtype=bool)
    areas = gpd.GeoDataFrame({"key": keys[usable].to_numpy(), "name": names[usable].to_numpy()},
                             geometry=list(geoms[usable]), crs=WGS84)
    areas = areas.sort_values("key", kind="stable").reset_index(drop=True)
    findings += _topology_findings(display, areas)
    if kreise is not None and len(kreise):
        findings += _outside_findings(display, areas, kreise)
    order = {ERROR: 0, WARNING: 1, NOTE: 2}
    findings.sort(key=lambda f: order[f.severity])
    return AreaSet(areas=areas, links=link_areas(areas, kreise, gemeinden),
                   findings=tuple(findings), source_crs=_crs_text(info.crs), filename=display)


# --- texts -----------------------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A cell as key or name text: exactly as written, numbers without a spurious ``.0``
    (``1.0`` → ``"1"``), missing → ``""``."""
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return ""
        if math.isfinite(value) and float(value).is_integer():
            return str(int(value))
        return format(float(value), ".15g")
    if value is pd.NA or value is pd.NaT:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def area_label(key: str, name: str) -> str:
    """An area for a message: ``„Altenburg“ (0001)``."""
    return f"„{name}“ ({key})" if name and name != key else f"„{key}“"


def listing(items, limit: int = LIST_LIMIT) -> str:
    items = [str(i) for i in items]
    shown = ", ".join(items[:limit])
    return shown + (f" und {len(items) - limit} weitere" if len(items) > limit else "")


def count_text(n: int, one: str, many: str) -> str:
    return f"1 {one}" if n == 1 else f"{n} {many}"


def _ha(square_metres: float) -> str:
    return format_number(square_metres / 10_000, 1, "ha")


def _percent(share: float) -> str:
    return format_number(100 * share, 0 if share >= 0.1 else 1, "%")


# --- column suggestions ------------------------------------------------------------------------


def _plain(name: str) -> str:
    text = name.strip().lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    return text


def _name_score(column: str, preferred: tuple[str, ...]) -> int:
    plain = _plain(column)
    tokens = [t for t in "".join(c if c.isalnum() else " " for c in plain).split() if t]
    for rank, word in enumerate(preferred):
        if plain == word:
            return 100 - rank
    for rank, word in enumerate(preferred):
        if word in tokens or (len(word) > 3 and word in plain):
            return 50 - rank
    return 0


def suggest_key_column(texts: dict[str, pd.Series]) -> str | None:
    """The column that best serves as key: every value present and unique; names like
    ``schluessel``, ``key``, ``ags`` … preferred, then short codes without spaces."""
    best, best_score = None, -math.inf
    for column, values in texts.items():
        if values.empty or (values == "").any() or values.duplicated().any():
            continue
        length = values.str.len().mean()
        score = _name_score(column, KEY_NAMES)
        score += 10 if length <= 12 else 0
        score -= 30 if values.str.contains(" ").any() else 0
        if score > best_score:
            best, best_score = column, score
    return best


def suggest_name_column(texts: dict[str, pd.Series], exclude: str | None = None) -> str | None:
    """The column that best serves as name: text (letters), mostly unique; names like ``name``,
    ``bezeichnung``, ``gen`` … preferred."""
    best, best_score = None, -math.inf
    for column, values in texts.items():
        filled = values[values != ""]
        if column == exclude or filled.empty:
            continue
        letters = filled.str.contains(r"[^\W\d_]", regex=True).mean()
        if letters < 0.5:
            continue
        unique = filled.nunique() / len(values)
        if unique < 0.5:
            continue
        score = _name_score(column, NAME_NAMES) + 20 * unique + 10 * letters
        if score > best_score:
            best, best_score = column, score
    return best


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Info:
    format: str
    layer: str = ""
    layers: tuple[str, ...] = ()
    crs: object = None


def _guarded(display: str, action):
    """Run ``action``; anything but a LevelError becomes one (the promise: for any content of
    the file only LevelError)."""
    try:
        return action()
    except LevelError:
        raise
    except (MemoryError, RecursionError) as exc:
        raise LevelError(f"Datei {display}: zu groß oder zu tief verschachtelt, um sie zu lesen. "
                         f"Bitte nur die benötigten Gebiete exportieren.") from exc
    except Exception as exc:  # pyogrio/GDAL, shapely and pyproj raise many kinds
        raise LevelError(f"Datei {display}: konnte nicht als Geodatei gelesen werden "
                         f"({type(exc).__name__}). Unterstützt werden: {SUPPORTED}.") from exc


def _fail(display: str, problem: str) -> LevelError:
    return LevelError(f"Datei {display}: {problem}")


def _read(path: Path, display: str) -> tuple[gpd.GeoDataFrame, _Info]:
    """The polygon layer of the file in its own CRS, with the format; fatal problems raise."""
    head = _check_file(path, display)
    with _readable(path, display, head) as (source, info):
        frame = pyogrio.read_dataframe(source, layer=info.layer or None)
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame.columns:
        raise _fail(display, "enthält keine Geometrien (nur eine Tabelle). Für Gruppen von "
                             "Gemeinden ohne Geometrie bitte eine Tabelle ags;name verwenden.")
    if frame.empty:
        raise _fail(display, "enthält keine Gebiete (keine Objekte). Bitte die Ebene mit ihren "
                             "Flächen exportieren.")
    _check_geometry_kind(frame, display)
    if frame.crs is None:
        raise _fail(display, "Die Datei enthält kein Koordinatenbezugssystem (bei einer "
                             "Shapefile fehlt die .prj-Datei). Bitte die Datei im GIS mit "
                             "Koordinatenbezugssystem exportieren (z. B. ETRS89 / UTM 32N, "
                             "EPSG:25832) bzw. die .prj-Datei mit in das ZIP-Archiv packen.")
    if not (frame.crs.is_geographic or frame.crs.is_projected):
        raise _fail(display, f"Das Koordinatenbezugssystem {_crs_text(frame.crs)} beschreibt "
                             "keine Lage (weder geographisch noch projiziert). Bitte die Datei "
                             "im GIS z. B. in ETRS89 / UTM 32N (EPSG:25832) exportieren.")
    if frame.crs.is_geographic:
        x0, y0, x1, y1 = frame.total_bounds
        if not (-180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
            raise _fail(display, "Die Koordinaten passen nicht zum angegebenen "
                                 f"Koordinatenbezugssystem {_crs_text(frame.crs)} (Werte "
                                 "außerhalb von ±180/±90 Grad), vermutlich fehlt die Angabe des "
                                 "eigentlichen Systems. Bitte die Datei im GIS mit "
                                 "Koordinatenbezugssystem exportieren.")
    return frame, _Info(info.format, info.layer, info.layers, frame.crs)


def _check_file(path: Path, display: str) -> bytes:
    if not path.is_file():
        raise _fail(display, "Datei nicht gefunden. Bitte Pfad bzw. Upload prüfen.")
    limit = formats.max_upload_bytes()
    size = path.stat().st_size
    if size > limit:
        raise _fail(display, f"Datei ist zu groß ({formats._size_text(size)}; erlaubt sind "
                             f"höchstens {formats._size_text(limit)}). Bitte nur die benötigten "
                             "Gebiete exportieren oder die Geometrien im GIS vereinfachen.")
    with path.open("rb") as handle:
        head = handle.read(64)
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n"):
        raise _fail(display, "Datei ist leer. Bitte die Ebene erneut exportieren.")
    return head


@contextmanager
def _readable(path: Path, display: str, head: bytes) -> Iterator[tuple[Path, _Info]]:
    """A path pyogrio can read and what it is, by content."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        with tempfile.TemporaryDirectory(prefix="atlas-level-") as folder:
            yield _unzip_shapefile(path, display, Path(folder)), _Info(FORMAT_SHAPEFILE_ZIP)
        return
    if head.startswith(_SQLITE_MAGIC):
        yield path, _gpkg_info(path, display)
        return
    if head.startswith(_SHP_MAGIC):
        missing = [ext for ext in (".shx", ".dbf") if not _sibling(path, ext)]
        if missing:
            raise _fail(display, f"nur der .shp-Teil einer Shapefile; es fehlen "
                                 f"{', '.join(missing)}. Bitte alle Teile (.shp, .shx, .dbf, "
                                 ".prj) zusammen als ZIP-Archiv hochladen.")
        yield path, _Info(FORMAT_SHAPEFILE)
        return
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        yield path, _Info(FORMAT_GEOJSON)
        return
    known = next((name for magic, name in formats._IMAGES.items() if head.startswith(magic)), None)
    found = f" (erkannt: {known})" if known else ""
    raise _fail(display, f"keine Geodatei in einem unterstützten Format{found}. Unterstützt "
                         f"werden: {SUPPORTED}.")


def _sibling(path: Path, ext: str) -> bool:
    return any(path.with_suffix(e).is_file() for e in (ext, ext.upper()))


def _gpkg_info(path: Path, display: str) -> _Info:
    """The first polygon layer of a GeoPackage; layers named when there is none."""
    layers = [(str(name), str(kind)) for name, kind in pyogrio.list_layers(path)]
    if not layers:
        raise _fail(display, "Das GeoPackage enthält keine Ebenen.")
    polygonal = [name for name, kind in layers if "polygon" in kind.lower()
                 or "surface" in kind.lower()]
    unknown = [name for name, kind in layers if kind.lower() in ("unknown", "geometry",
                                                                  "geometrycollection")]
    names = tuple(name for name, _ in layers)
    chosen = (polygonal or unknown or [None])[0]
    if chosen is None:
        described = ", ".join(f"„{name}“ ({_kind_text(kind)})" for name, kind in layers)
        raise _fail(display, f"Das GeoPackage enthält keine Flächen-Ebene, nur {described}. "
                             "Eigene Gebiete brauchen Flächen (Polygone).")
    return _Info(FORMAT_GPKG, chosen, names)


def _kind_text(kind: str) -> str:
    low = kind.lower()
    if "point" in low:
        return "Punkte"
    if "line" in low or "curve" in low:
        return "Linien"
    if low in ("none", ""):
        return "Tabelle ohne Geometrie"
    return kind


def _unzip_shapefile(path: Path, display: str, folder: Path) -> Path:
    """Unpack the one Shapefile of a ZIP archive into ``folder``; the archive's directory is
    checked first (members, sizes, packing ratio, paths)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            chosen = _zip_members(infos, display)
            target = folder / "ebene.shp"
            for info in chosen:
                suffix = PurePosixPath(info.filename).suffix.lower()
                (folder / f"ebene{suffix}").write_bytes(archive.read(info))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError,
            NotImplementedError) as exc:
        raise _fail(display, "beschädigtes ZIP-Archiv. Bitte das Archiv neu packen.") from exc
    return target


def _zip_members(infos: list[zipfile.ZipInfo], display: str) -> list[zipfile.ZipInfo]:
    if len(infos) > formats.MAX_ZIP_MEMBERS:
        raise _fail(display, f"Das ZIP-Archiv besteht aus {len(infos)} Teilen (erlaubt sind "
                             f"höchstens {formats.MAX_ZIP_MEMBERS}). Bitte nur die Shapefile "
                             "packen.")
    files = []
    for info in infos:
        name = info.filename.replace("\\", "/")
        parts = PurePosixPath(name).parts
        if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
            raise _fail(display, f"Das ZIP-Archiv enthält einen Pfad außerhalb des Archivs "
                                 f"(„{info.filename}“) und wird nicht entpackt. Bitte die "
                                 "Shapefile-Teile neu packen.")
        base = PurePosixPath(name).name
        if info.is_dir() or name.startswith("__MACOSX/") or base.startswith("."):
            continue
        files.append((name, info))
    names = {name for name, _ in files}
    if "xl/workbook.xml" in names:
        raise _fail(display, "ist eine Excel-Arbeitsmappe, keine Geodatei. Für Gruppen von "
                             "Gemeinden bitte „Gemeinden gruppieren“ verwenden (Tabelle ags;name).")
    shps = sorted(name for name in names if name.lower().endswith(".shp"))
    if not shps:
        others = sorted(n for n in names if n.lower().endswith((".geojson", ".json", ".gpkg")))
        hint = (f" Es enthält {', '.join(others)}: bitte diese Datei selbst hochladen."
                if others else " Bitte die Teile einer Shapefile (.shp, .shx, .dbf, .prj) packen.")
        raise _fail(display, "Das ZIP-Archiv enthält keine Shapefile (.shp)." + hint)
    if len(shps) > 1:
        raise _fail(display, f"Das ZIP-Archiv enthält mehrere Shapefiles ({listing(shps)}). "
                             "Bitte je Ebene ein ZIP-Archiv mit genau einer Shapefile hochladen.")
    stem = shps[0][:-4].lower()
    chosen = [info for name, info in files
              if name.lower().rsplit(".", 1)[0] == stem
              and PurePosixPath(name).suffix.lower() in _SHAPEFILE_PARTS]
    have = {PurePosixPath(i.filename).suffix.lower() for i in chosen}
    missing = [ext for ext in (".shx", ".dbf") if ext not in have]
    if missing:
        raise _fail(display, f"Zur Shapefile {shps[0]} fehlen im ZIP-Archiv {', '.join(missing)}. "
                             "Bitte alle Teile (.shp, .shx, .dbf, .prj) zusammen packen.")
    unpacked = sum(i.file_size for i in chosen)
    if unpacked > formats.MAX_UNPACKED_BYTES:
        raise _fail(display, f"Die Shapefile ist entpackt zu groß ({formats._size_text(unpacked)}"
                             f"; erlaubt sind höchstens "
                             f"{formats._size_text(formats.MAX_UNPACKED_BYTES)}). Bitte nur die "
                             "benötigten Gebiete exportieren oder die Geometrien vereinfachen.")
    for info in chosen:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > formats.RATIO_FROM_BYTES and ratio > formats.MAX_COMPRESSION_RATIO:
            raise _fail(display, f"Das ZIP-Archiv ist verdächtig stark gepackt ({info.filename}: "
                                 f"{formats._size_text(info.compress_size)} entpacken zu "
                                 f"{formats._size_text(info.file_size)}, Faktor {ratio:.0f}), "
                                 "vermutlich eine „ZIP-Bombe“, und wird nicht entpackt.")
    return chosen


_POINT_TYPES = {"Point", "MultiPoint"}
_LINE_TYPES = {"LineString", "MultiLineString", "LinearRing"}
_AREA_TYPES = {"Polygon", "MultiPolygon"}


def _check_geometry_kind(frame: gpd.GeoDataFrame, display: str) -> None:
    types = set(frame.geometry.dropna().geom_type.unique())
    if not types:
        raise _fail(display, "enthält keine Geometrien (alle Objekte ohne Geometrie).")
    if types <= _POINT_TYPES:
        raise _fail(display, "enthält Punkte, keine Flächen. Eigene Gebiete brauchen Flächen "
                             "(Polygone); bitte die Flächen-Ebene exportieren.")
    if types <= _LINE_TYPES:
        raise _fail(display, "enthält Linien, keine Flächen. Eigene Gebiete brauchen Flächen "
                             "(Polygone); bitte die Flächen-Ebene exportieren (Linien ggf. im GIS "
                             "in Polygone umwandeln).")
    if types <= _POINT_TYPES | _LINE_TYPES:
        raise _fail(display, "enthält Punkte und Linien, keine Flächen. Eigene Gebiete brauchen "
                             "Flächen (Polygone).")


def _geometry_type(frame: gpd.GeoDataFrame) -> str:
    types = sorted(frame.geometry.dropna().geom_type.unique())
    if set(types) == _AREA_TYPES:
        return "Polygon/MultiPolygon"
    return "/".join(types)


def _crs_text(crs) -> str:
    if crs is None:
        return ""
    try:
        epsg = crs.to_epsg()
    except Exception:  # pyproj can fail on exotic definitions
        epsg = None
    name = getattr(crs, "name", "") or ""
    if epsg:
        return f"EPSG:{epsg} ({name})" if name else f"EPSG:{epsg}"
    return name or str(crs)


def _column(frame: gpd.GeoDataFrame, wanted: str, role: str, display: str) -> str:
    columns = [str(c) for c in frame.columns if c != frame.geometry.name]
    if wanted in columns:
        return wanted
    folded = [c for c in columns if c.casefold() == str(wanted).strip().casefold()]
    if folded:
        return folded[0]
    raise _fail(display, f"Die {role} „{wanted}“ gibt es nicht. Vorhanden sind: "
                         f"{', '.join(f'„{c}“' for c in columns) or 'keine Spalten'}. Bitte eine "
                         "davon wählen.")


# --- checks ----------------------------------------------------------------------------------


def _key_findings(display: str, key_col: str, keys: pd.Series, names: pd.Series,
                  rows: np.ndarray) -> list[Finding]:
    findings = []
    empty = keys == ""
    if empty.any():
        which = [f"Objekt {r}" + (f" „{n}“" if n else "") for r, n in
                 zip(rows[empty.to_numpy()], names[empty])]
        findings.append(Finding(
            ERROR, f"{display}: {count_text(int(empty.sum()), 'Gebiet', 'Gebiete')} ohne Schlüssel "
            f"in der Spalte „{key_col}“ ({listing(which)}). Jedes Gebiet braucht einen "
            "Schlüssel: bitte ergänzen oder eine andere Schlüsselspalte wählen."))
    repeated = keys[(keys != "") & keys.duplicated(keep=False)]
    for key in sorted(repeated.unique()):
        same = (keys == key).to_numpy()
        which = [f"Objekt {r} „{n}“" if n else f"Objekt {r}"
                 for r, n in zip(rows[same], names[same])]
        findings.append(Finding(
            ERROR, f"{display}: Der Schlüssel „{key}“ kommt {int(same.sum())}-mal vor "
            f"({listing(which)}). Jeder Schlüssel darf nur einmal vorkommen: bitte in der "
            f"Spalte „{key_col}“ eindeutige Schlüssel vergeben, Teilflächen zu einem Gebiet "
            "zusammenfassen oder eine andere Schlüsselspalte wählen.", (key,)))
    return findings


def _repair(display: str, geoms: np.ndarray, keys: pd.Series,
            names: pd.Series) -> tuple[np.ndarray, list[Finding]]:
    """Valid polygonal geometries: invalid ones repaired with make_valid (a warning per area),
    missing or non-polygonal ones set to None (an error per area)."""
    findings = []
    out = geoms.copy()
    for n, geom in enumerate(geoms):
        label = area_label(keys.iloc[n], names.iloc[n])
        if geom is None or geom.is_empty:
            findings.append(Finding(ERROR, f"{display}: Gebiet {label} hat keine Geometrie. "
                                           "Bitte die Fläche ergänzen oder das Objekt löschen.",
                                    (keys.iloc[n],)))
            out[n] = None
            continue
        if geom.geom_type not in _AREA_TYPES and geom.geom_type != "GeometryCollection":
            findings.append(Finding(ERROR, f"{display}: Gebiet {label} ist keine Fläche "
                                           f"({geom.geom_type}). Bitte als Polygon erfassen.",
                                    (keys.iloc[n],)))
            out[n] = None
            continue
        if geom.is_valid and geom.geom_type in _AREA_TYPES:
            continue
        reason = _reason_text(shapely.is_valid_reason(geom))
        repaired = _polygonal(shapely.make_valid(geom))
        if repaired is None:
            findings.append(Finding(
                ERROR, f"{display}: Die Geometrie von Gebiet {label} ist ungültig ({reason}) und "
                "lässt sich nicht zu einer Fläche reparieren (es bliebe keine Fläche übrig). Bitte "
                "im GIS korrigieren.", (keys.iloc[n],)))
            out[n] = None
            continue
        findings.append(Finding(
            WARNING, f"{display}: Die Geometrie von Gebiet {label} war ungültig ({reason}) und "
            "wurde automatisch repariert. Bitte das Ergebnis in der Vorschau prüfen und die "
            "Fläche möglichst im GIS korrigieren.", (keys.iloc[n],)))
        out[n] = repaired
    return out, findings


_REASONS = {
    "Ring Self-intersection": "Ring überschneidet sich selbst",
    "Self-intersection": "Selbstüberschneidung",
    "Too few points in geometry component": "zu wenige Punkte",
    "Hole lies outside shell": "Loch außerhalb der Außengrenze",
    "Nested holes": "verschachtelte Löcher",
    "Interior is disconnected": "Inneres zerfällt in Teile",
    "Nested shells": "verschachtelte Außengrenzen",
    "Duplicate Rings": "doppelte Ringe",
    "Invalid Coordinate": "ungültige Koordinate",
    "Ring is not closed": "Ring nicht geschlossen",
}


def _reason_text(reason: str) -> str:
    """GEOS's reason in German: ``Self-intersection[12.47 51.04]`` → ``Selbstüberschneidung bei
    12,47000/51,04000``."""
    text, _, where = reason.partition("[")
    text = _REASONS.get(text.strip(), text.strip())
    coords = where.rstrip("]").split()
    try:
        x, y = (float(c) for c in coords[:2])
    except ValueError:
        return text
    return f"{text} bei {format_number(x, 5)}/{format_number(y, 5)}"


def _polygonal(geom) -> object | None:
    """The polygonal part of a geometry (a Polygon/MultiPolygon) or None when it has none."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in _AREA_TYPES:
        return geom
    parts = [p for p in getattr(geom, "geoms", [geom]) if p.geom_type in _AREA_TYPES
             and not p.is_empty]
    polygons = [q for p in parts for q in getattr(p, "geoms", [p])]
    polygons = [p for p in polygons if p.area > 0]
    if not polygons:
        return None
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def _topology_findings(display: str, areas: gpd.GeoDataFrame) -> list[Finding]:
    """Overlaps between areas and gaps enclosed by them (in EPSG:25832, slivers ignored)."""
    if len(areas) < 2:
        return []
    geoms = metric_geometries(areas)
    labels = [area_label(k, n) for k, n in zip(areas["key"], areas["name"])]
    keys = areas["key"].tolist()
    tree = shapely.STRtree(geoms)
    i, j = tree.query(geoms, predicate="intersects")
    pair = i < j
    i, j = i[pair], j[pair]
    findings = []
    if len(i):
        overlap = shapely.area(shapely.intersection(geoms[i], geoms[j]))
        big = overlap >= SLIVER_M2
        pairs = sorted(zip(overlap[big], i[big], j[big]), key=lambda p: -p[0])
        if pairs:
            text = [f"{labels[a]} und {labels[b]}: {_ha(m2)}" for m2, a, b in pairs]
            involved = sorted({keys[a] for _, a, _ in pairs} | {keys[b] for _, _, b in pairs})
            findings.append(Finding(
                WARNING, f"{display}: {count_text(len(pairs), 'Paar', 'Paare')} von Gebieten "
                f"{'überlappt' if len(pairs) == 1 else 'überlappen'} sich ({listing(text)}; zusammen "
                f"{_ha(sum(p[0] for p in pairs))}). Überlappungen sind erlaubt, aber Werte der "
                "überlappenden Flächen zählen dann in beiden Gebieten. Bitte prüfen, ob die "
                "Grenzen stimmen.", tuple(involved)))
    union = shapely.union_all(geoms)
    shells = [Polygon(p.exterior) for p in getattr(union, "geoms", [union])
              if p.geom_type == "Polygon"]
    holes = shapely.difference(shapely.union_all(shells), union) if shells else None
    gaps = [g for g in getattr(holes, "geoms", [holes]) if g is not None and not g.is_empty
            and g.geom_type == "Polygon" and g.area >= SLIVER_M2]
    if gaps:
        text, involved = [], set()
        for gap in sorted(gaps, key=lambda g: -g.area):
            around = sorted(set(tree.query(gap.buffer(1.0), predicate="intersects")))
            involved |= {keys[a] for a in around}
            text.append(f"{_ha(gap.area)} umgeben von {listing([labels[a] for a in around])}")
        findings.append(Finding(
            WARNING, f"{display}: {count_text(len(gaps), 'Lücke', 'Lücken')} zwischen den Gebieten "
            f"({'; '.join(text[:LIST_LIMIT])}"
            f"{f'; und {len(text) - LIST_LIMIT} weitere' if len(text) > LIST_LIMIT else ''}). "
            "Diese Flächen gehören zu keinem Gebiet; Lücken sind erlaubt. Bitte prüfen, ob dort "
            "ein Gebiet fehlt.", tuple(sorted(involved))))
    return findings


def _outside_findings(display: str, areas: gpd.GeoDataFrame,
                      kreise: gpd.GeoDataFrame) -> list[Finding]:
    """Areas (partly) outside Thuringia (the union of ``kreise``, with a tolerance)."""
    if areas.empty:
        return []
    land = shapely.union_all(metric_geometries(kreise)).buffer(OUTSIDE_TOLERANCE_M)
    shapely.prepare(land)
    geoms = metric_geometries(areas)
    inside = shapely.contains(land, geoms)
    share = np.zeros(len(geoms))
    rest = ~inside
    if rest.any():
        total = shapely.area(geoms[rest])
        within = shapely.area(shapely.intersection(geoms[rest], land))
        share[rest] = np.where(total > 0, 1 - within / np.maximum(total, 1e-9), 0.0)
    out = np.flatnonzero(share >= OUTSIDE_MIN_SHARE)
    if not len(out):
        return []
    # the share told is the part outside the Land itself (the tolerance only decides whether)
    exact = shapely.union_all(metric_geometries(kreise))
    shapely.prepare(exact)
    share[out] = 1 - shapely.area(shapely.intersection(geoms[out], exact)) / np.maximum(
        shapely.area(geoms[out]), 1e-9)
    out = sorted(out, key=lambda n: -share[n])
    text = [f"{area_label(areas['key'].iloc[n], areas['name'].iloc[n])} zu "
            f"{_percent(share[n])}" for n in out]
    return [Finding(
        WARNING, f"{display}: {count_text(len(out), 'Gebiet liegt', 'Gebiete liegen')} ganz oder "
        f"teilweise außerhalb Thüringens ({listing(text)}). Der Atlas zeigt Thüringen; bitte "
        "prüfen, ob die Datei die richtigen Gebiete und das richtige Koordinatenbezugssystem "
        "hat.", tuple(areas["key"].iloc[n] for n in out))]

