"""Read-only JSON API for scripts and report automation (a Flask blueprint, no Dash)."""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import threading

import brotli
from flask import Blueprint, Response, abort, jsonify, request

from atlas import readers
from atlas.catalogue import over_time_problem, rank_note
from atlas.data import AtlasData, get_data
from atlas.errors import UnknownIndicator
from atlas.levels.derived import derived_id
from atlas.levels.registry import UnknownLevel
from atlas.levels.rollup import RollupError
from atlas.memo import per_data
from atlas.paths import data_dir
from atlas.values import parse_int, rounded

api = Blueprint("api", __name__, url_prefix="/api")
#: Files offered for download that are not exports of data (the own-data template).
files = Blueprint("files", __name__)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _error(status: int, message: str):
    response = jsonify({"error": message, "status": status})
    response.status_code = status
    return response


def indicators_payload(data: AtlasData) -> list[dict]:
    from atlas.composite.compute import formula_of
    from atlas.composite.formulas import to_dict

    out = []
    for ind in data.catalogue.indicators:
        src = data.catalogue.source_of(ind)
        formula = formula_of(data.catalogue, ind.id) if ind.composite else None
        out.append({
            "id": ind.id,
            "title": ind.title,
            "short_title": ind.short_title,
            "unit": ind.unit,
            "unit_label": ind.unit_label,
            "definition": ind.definition,
            "area": ind.area,
            "area_title": data.catalogue.area(ind.area).title,
            "life_phases": list(ind.life_phases),
            "polarity": ind.polarity,
            "years": data.years(ind.id),
            # false: values of different years must not be compared (the GISD), with the reason
            "over_time": ind.over_time,
            "over_time_note": over_time_problem(ind),
            "source": {"title": src.title, "attribution": src.attribution, "table": ind.table,
                       "licence": src.licence, "licence_url": src.licence_url, "url": src.url},
            # a planner's definition (rate, change, index): what it is computed from
            "formula": to_dict(formula) if formula else None,
        })
    return out


def values_payload(data: AtlasData, indicator_id: str, year: int,
                   level: str | None = None) -> dict:
    """The values of one year at the indicator's level, or (``level``) its counts summed into a
    coarser level (:meth:`AtlasData.rolled_up_table`; RollupError for a rate)."""
    ind = data.indicator(indicator_id)
    own_level = level in (None, ind.level)
    entry = derived_id(indicator_id, level) if level else ""
    if not own_level and entry in {i.id for i in data.catalogue.indicators}:
        # the derived entry: values and reference protected as the page shows them
        table, ref = data.table(entry, year), data.reference(entry, year)
    else:
        table = (data.table(indicator_id, year) if own_level
                 else data.rolled_up_table(indicator_id, year, level))
        ref = data.reference(indicator_id, year)
    src = data.catalogue.source_of(ind)
    values = []
    for row in table.itertuples(index=False):
        missing = math.isnan(row.value)
        values.append({
            "ags": row.ags,
            "name": row.name,
            "kind": row.kind,
            "value": rounded(row.value, ind.decimals),
            "status": row.status or "ok",
            "rank": None if missing else int(row.rank),
        })
    return {
        "indicator": ind.id,
        "title": ind.title,
        "year": year,
        "ebene": ind.level if own_level else level,
        "summed_from": None if own_level else ind.level,
        "unit": ind.unit,
        "source": data.catalogue.source_line(ind),
        "licence": src.licence,
        "rank_note": rank_note(ind),
        "values": values,
        "reference": {"label": ref.label, "basis": ref.basis,
                      "value": None if ref.missing else rounded(ref.value, ind.decimals),
                      "why": ref.why},
    }


@api.get("/indicators")
def indicators():
    return jsonify({"indicators": indicators_payload(get_data())})


@api.get("/levels")
def levels():
    """Every level with areas: the built ``kreis`` and ``gemeinde`` and the own levels."""
    return jsonify({"levels": [level.describe() for level in get_data().levels if len(level)]})


@api.get("/values")
def values():
    data = get_data()
    indicator_id = request.args.get("indicator", "")
    if not indicator_id:
        return _error(400, "Parameter „indicator“ fehlt, z. B. /api/values?indicator=sgb2_quote")
    try:
        years = data.years(indicator_id)
    except UnknownIndicator:
        return _error(404, f"Unbekannter Indikator „{indicator_id[:60]}“. Liste: /api/indicators")
    raw_year = request.args.get("year", request.args.get("jahr"))
    year = years[-1] if raw_year is None else parse_int(raw_year)
    if year is None:
        return _error(400, f"Jahr „{raw_year[:20]}“ ist keine Jahreszahl.")
    if year not in years:
        return _error(400, f"Für „{indicator_id}“ gibt es kein Jahr {year}; verfügbar: "
                           f"{', '.join(map(str, years))}.")
    level = request.args.get("ebene") or None
    try:
        return jsonify(values_payload(data, indicator_id, year, level))
    except (UnknownLevel, RollupError) as exc:
        return _error(400, str(exc)[:400])


@api.get("/coverage")
def coverage():
    """The Datenstand (:mod:`atlas.coverage`): per indicator first and last year, gaps, areas
    with a value, reference basis, source and doubted values; per Lebenslagenbereich the
    newest year; the last build's change report. ``?bereich=`` and ``?ebene=`` narrow the
    indicators to a Lebenslagenbereich or a level."""
    from atlas.changes import load_changes
    from atlas.coverage import coverage_payload

    data = get_data()
    area = request.args.get("bereich", "").strip()
    areas = [a.id for a in data.catalogue.areas]
    if area and area != "alle" and area not in areas:
        return _error(400, f"Lebenslagenbereich „{area[:30]}“ ist unbekannt; erlaubt: alle, "
                           f"{', '.join(areas)}.")
    level = request.args.get("ebene", "").strip()
    if level and level not in data.levels:
        return _error(400, f"Ebene „{level[:30]}“ ist unbekannt. Liste: /api/levels")
    payload = coverage_payload(data, load_changes(data_dir()))
    if area and area != "alle":
        payload["indicators"] = [e for e in payload["indicators"] if e["area"] == area]
        payload["areas"] = [a for a in payload["areas"] if a["id"] == area]
    if level:
        payload["indicators"] = [e for e in payload["indicators"] if e["level"] == level]
    return jsonify(payload)


@api.get("/index/<indicator_id>")
def index(indicator_id: str):
    """A Sozialindex: parts, weights, method, years and per area rank and rank range
    (robustness check); ``?year=`` picks another of its years."""
    from atlas.composite.report import NotAnIndex, index_report, report_payload

    data = get_data()
    raw_year = request.args.get("year", request.args.get("jahr"))
    year = None if raw_year is None else parse_int(raw_year)
    if raw_year is not None and year is None:
        return _error(400, f"Jahr „{raw_year[:20]}“ ist keine Jahreszahl.")
    try:
        return jsonify(report_payload(index_report(data, indicator_id, year)))
    except UnknownIndicator:
        return _error(404, f"Unbekannter Indikator „{indicator_id[:60]}“. Liste: /api/indicators")
    except NotAnIndex as exc:
        return _error(404 if "kein Sozialindex" in str(exc) else 400, str(exc)[:400])


#: Crawlers may index the page; exports (each a rendered picture or file), the API, the Dash
#: internals and the template are no pages to index.
ROBOTS_TXT = """User-agent: *
Disallow: /export/
Disallow: /api/
Disallow: /vorlage/
Disallow: /_dash-
"""


@files.get("/robots.txt")
def robots_txt():
    """A real robots.txt (without it, the page's catch-all route answered with the app's HTML)."""
    response = Response(ROBOTS_TXT, mimetype="text/plain")
    response.charset = "utf-8"
    return response


@files.get("/vorlage/eigene-daten.csv")
def template_csv():
    return Response(readers.template_csv(), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=vorlage_eigene_daten.csv"})


@files.get("/vorlage/eigene-daten.xlsx")
def template_xlsx():
    return Response(readers.template_xlsx(), mimetype=XLSX_TYPE, headers={
        "Content-Disposition": "attachment; filename=vorlage_eigene_daten.xlsx"})


# --- map geometry ---------------------------------------------------------------------------------
#: The boundaries the page's maps draw, as files the browser fetches once and keeps: the figure
#: of a level switch names its geometry by URL (with the content's digest), so neither the
#: server nor the line carries 300 KB of GeoJSON per switch.
#: The built levels' boundary files by name; an own level's are named by its id.
GEO_LEVELS = {"kreise": "kreis", "gemeinden": "gemeinde"}


def _geometry(data: AtlasData, level: str) -> tuple[bytes, str]:
    return _level_geometry(data.level_of(level))


@per_data(maxsize=1)
def _level_geometry(level) -> tuple[bytes, str]:
    """The level's boundaries as the file's bytes and their digest (once per level object)."""
    body = json.dumps(level.geojson, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return body, hashlib.sha1(body).hexdigest()[:16]


def geometry_url(data: AtlasData, level: str) -> str:
    """URL of a level's boundaries, versioned by their content."""
    name = next((name for name, value in GEO_LEVELS.items() if value == level), level)
    return f"/geo/{name}.geojson?v={_geometry(data, level)[1]}"


@files.get("/geo/<name>.geojson")
def geometry(name: str):
    data = get_data()
    level = GEO_LEVELS.get(name, name)
    if level in GEO_LEVELS.values() and name not in GEO_LEVELS or level not in data.levels:
        abort(404)
    body, digest = _geometry(data, level)
    return versioned_response(body, digest, "application/geo+json")


#: Encodings of versioned files, best first; computed once per content (brotli quality 5 packs
#: 5 MB of GeoJSON in 0.2 s to a fifth; per-request compression does not know geo+json).
_ENCODERS = {"br": lambda body: brotli.compress(body, quality=5),
             "gzip": lambda body: gzip.compress(body, compresslevel=6)}
_encoded_lock = threading.Lock()
_encoded: dict[tuple[str, str], bytes] = {}


def _encode(body: bytes, digest: str, encoding: str) -> bytes:
    key = (digest, encoding)
    with _encoded_lock:
        hit = _encoded.get(key)
    if hit is None:
        hit = _ENCODERS[encoding](body)
        with _encoded_lock:
            if len(_encoded) > 16:
                _encoded.clear()
            _encoded[key] = hit
    return hit


def versioned_response(body: bytes, digest: str, mimetype: str) -> Response:
    """``body`` for the current request, compressed once per content: 304 when the browser holds
    ``digest`` already; cached for good (``immutable``) when the URL names this digest as
    ``?v=``, else revalidated."""
    if request.if_none_match and digest in request.if_none_match:
        return Response(status=304)
    encoding = next((e for e in _ENCODERS if request.accept_encodings[e]), None)
    response = Response(body if encoding is None else _encode(body, digest, encoding),
                        mimetype=mimetype)
    if encoding is not None:
        response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    response.set_etag(digest)
    # versioned URL: the content never changes under it
    response.headers["Cache-Control"] = ("public, max-age=31536000, immutable"
                                         if request.args.get("v") == digest else "no-cache")
    return response
