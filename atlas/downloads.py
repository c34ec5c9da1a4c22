"""Stable download URLs for reports (a Flask blueprint, no Dash): map, charts, Regionenprofil and
indicator data, built by :mod:`atlas.export`.

Routes (all GET, under ``/export``)::

    /export/map.{png,svg,pdf}?indicator=ID[&year=YYYY][&kreise=KEY,…][&klassifikation=…]
        [&klassen=3..7][&palette=…][&grenzen=5;7,5;10][&format=a4|a5|folie][&breite_mm=…]
        [&notiz=…][&zoom=AGS][&namen=1|0]  (zoom: the map of the areas in that Kreis, for
        levels that nest in Kreise; namen: the areas' names, default on for small levels)
    /export/chart/timeseries.{png,svg,pdf}?indicator=ID[&kreise=…][&year=…]  (year: shaded)
    /export/chart/ranking.{png,svg,pdf}?indicator=ID[&year=…][&kreise=…][display options]
        [&zoom=AGS]
    /export/chart/scatter.{png,svg,pdf}?x=ID&y=ID[&year=…][&kreise=…]
    /export/profil.{pdf,docx}?kreis=KEY[&ebene=LEVEL][&lebensphase=…]  (``gebiet`` = ``kreis``)
    /export/baustein.docx?indicator=ID[&year=YYYY][&kreise=…][display options][&zoom=AGS]
        (Word "Berichtsbaustein": map, caption, generated text, values table, sources)
    /export/data.{csv,xlsx}?indicator=ID[&year=YYYY|alle]  (no year: all years)

    POST /export/handout.pdf, /export/sitzung.pptx  (JSON ``{"views": [{"name", "query"}]}``:
        a Sitzungsfolge as PDF handout or PowerPoint presentation)

Every export works for an indicator of any level (Kreise, Gemeinden, a planner's own areas):
``kreise`` takes keys of the Kreise or of the areas of the indicator's level; ``ebene`` names
the level of the Regionenprofil's area (default ``kreis``) and, beside ``indicator``, the level
the indicator is shown at: a count of a finer level summed into a coarser one
(:mod:`atlas.levels.derived`; 400 with a German message where that is not possible, e.g. a
rate).

The parameters are those of the page URL (``indicator``/``indikator``, ``year``/``jahr``,
``kreise``, ``lebensphase``, …; unknown extra parameters are ignored). Every page-URL parameter
given is checked, also where a download does not use it (``kreise`` of a data export). An unknown indicator or
Kreis answers 404, a bad parameter 400, a failed picture 503, each with a German message as plain
text. Downloads carry ``Content-Disposition: attachment`` with a safe file name.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, request
from werkzeug.exceptions import HTTPException

from atlas import export
from atlas.analysis import AnalysisInputError
from atlas.catalogue import LIFE_PHASES
from atlas.data import AtlasData, get_data
from atlas.errors import UnknownIndicator
from atlas.levels import wording
from atlas.levels.derived import shown_at
from atlas.levels.registry import KREIS, Level, UnknownLevel
from atlas.report import office
from atlas.schema import Col
from atlas.urlstate import MAX_SELECTED, PRESENTATION, VIEW_TABS, parse_display
from atlas.values import parse_int

log = logging.getLogger("atlas")

downloads = Blueprint("downloads", __name__, url_prefix="/export")

CHARTS = {"timeseries": "zeitreihe", "ranking": "rangfolge", "scatter": "streudiagramm"}


class NotFound(Exception):
    """404 with a German message."""


class BadRequest(Exception):
    """400 with a German message."""


def _data() -> AtlasData:
    """The data exports are built from (the process-wide data; tests may replace this)."""
    return get_data()


def _text(status: int, message: str) -> Response:
    response = Response(message + "\n", status=status, mimetype="text/plain")
    response.charset = "utf-8"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@downloads.errorhandler(NotFound)
@downloads.errorhandler(UnknownIndicator)
def _not_found(exc):
    return _text(404, str(exc))


@downloads.errorhandler(BadRequest)
@downloads.errorhandler(export.ExportError)
@downloads.errorhandler(AnalysisInputError)
def _bad_request(exc):
    return _text(400, str(exc))


@downloads.errorhandler(export.ExportUnavailable)
def _unavailable(exc):
    log.warning("Export nicht möglich: %s", exc, exc_info=exc.__cause__)
    return _text(503, str(exc))


def _send(content: bytes, ext: str, name: str) -> Response:
    response = Response(content, mimetype=export.MEDIA_TYPES[ext].split(";")[0])
    if ext == "csv":
        response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- parameters ---------------------------------------------------------------------------------


def _arg(*names: str) -> str | None:
    for name in names:
        value = request.args.get(name)
        if value is not None:
            return value.strip()
    return None


def _indicator(data: AtlasData, *names: str, required_text: str = "") -> str:
    names = names or ("indicator", "indikator")
    raw = _arg(*names)
    if not raw:
        raise BadRequest(required_text or f"Parameter „{names[0]}“ fehlt, z. B. "
                                          f"?{names[0]}=sgb2_quote")
    known = {ind.id for ind in data.catalogue.indicators}
    if raw not in known:
        raise NotFound(f"Unbekannter Indikator „{raw[:60]}“. Liste: /api/indicators")
    if names[0] == "indicator" and _arg("ebene"):
        raw, problem = shown_at(data, raw, _arg("ebene"))  # a count summed into a coarser level
        if problem:
            raise BadRequest(problem)
    if not data.has_values(raw):
        raise NotFound(f"Für den Indikator „{raw[:60]}“ gibt es keine Werte.")
    return raw


def _year(data: AtlasData, indicator_ids: list[str], allow_all: bool = False) -> int | None:
    raw = _arg("year", "jahr")
    if raw in (None, "") or (allow_all and raw.lower() == "alle"):
        return None
    year = parse_int(raw)
    if year is None:
        raise BadRequest(f"Jahr „{raw[:20]}“ ist keine Jahreszahl.")
    if len(indicator_ids) == 1:
        years = data.years(indicator_ids[0])
        if year not in years:
            raise BadRequest(f"Für „{indicator_ids[0]}“ gibt es kein Jahr {year}; verfügbar: "
                             f"{', '.join(map(str, years))}.")
    return year


def _indicator_level(data: AtlasData) -> Level | None:
    """The level of the indicator the request names (``indicator``/``indikator``, or ``x`` of
    a scatter plot), ``None`` when it names none the atlas knows."""
    known = {ind.id: ind for ind in data.catalogue.indicators}
    raw = _arg("indicator", "indikator", "x")
    if raw not in known:
        return None
    if _arg("indicator", "indikator") == raw and _arg("ebene"):
        raw = shown_at(data, raw, _arg("ebene"))[0]
    return data.level_of(known[raw].level)


def _selected(data: AtlasData) -> list[str]:
    """``kreise``: keys of Kreise or of the areas of the indicator's level."""
    raw = _arg("kreise") or ""
    level = _indicator_level(data)
    known = set(data.regions[Col.AGS]) | set(level.keys if level is not None else ())
    chosen: list[str] = []
    for ags in filter(None, (part.strip() for part in raw.split(","))):
        if ags not in known:
            also = (f" oder Schlüssel eines Gebiets der Ebene „{level.title}“"
                    if level is not None and level.parent else "")
            what = level.singular if level is not None else "Kreis"
            raise BadRequest(f"{what} „{ags[:12]}“ ist unbekannt (erwartet: fünfstelliger "
                             f"Kreisschlüssel, z. B. 16052{also}).")
        if ags not in chosen:
            chosen.append(ags)
    if len(chosen) > MAX_SELECTED:
        raise BadRequest(f"Höchstens {MAX_SELECTED} Gebiete gleichzeitig.")
    return chosen


def _level(data: AtlasData) -> Level:
    """``ebene``: a level of the atlas (default: the Kreise); 404 for an unknown one."""
    raw = _arg("ebene")
    try:
        return data.level_of(raw or KREIS)
    except UnknownLevel as exc:
        raise NotFound(str(exc)) from None


def _zoom(data: AtlasData) -> str | None:
    raw = _arg("zoom")
    if not raw:
        return None
    if raw not in set(data.regions[Col.AGS]):
        raise BadRequest(f"Kreis „{raw[:12]}“ zum Heranzoomen ist unbekannt (erwartet: "
                         "fünfstelliger Kreisschlüssel, z. B. 16067).")
    return raw


def _life_phase() -> str | None:
    raw = _arg("lebensphase")
    if raw in (None, "", "alle"):
        return None
    if raw not in LIFE_PHASES:
        raise BadRequest(f"Lebensphase „{raw[:30]}“ ist unbekannt; erlaubt: alle, "
                         f"{', '.join(LIFE_PHASES)}.")
    return raw


def _display():
    display, problems = parse_display(request.query_string.decode("utf-8", "replace"))
    if problems:
        raise BadRequest(" ".join(problems))
    return display


def _area(data: AtlasData) -> None:
    raw = _arg("bereich")
    known = [a.id for a in data.catalogue.areas]
    if raw not in (None, "", "alle") and raw not in known:
        raise BadRequest(f"Lebenslagenbereich „{raw[:30]}“ ist unbekannt; erlaubt: alle, "
                         f"{', '.join(known)}.")


def _tab_and_mode() -> None:
    tab, mode = _arg("ansicht"), _arg("modus")
    if tab not in (None, "") and tab not in VIEW_TABS:
        raise BadRequest(f"Ansicht „{tab[:30]}“ ist unbekannt; erlaubt: {', '.join(VIEW_TABS)}.")
    if mode not in (None, "", "normal", "standard", PRESENTATION):
        raise BadRequest(f"Modus „{mode[:30]}“ ist unbekannt; erlaubt: {PRESENTATION}.")


@downloads.before_request
def _check_view_parameters():
    """Every parameter of the page URL a download is given is checked, also where the download
    does not use it (``data.csv?…&kreise=../../etc/passwd`` is a 400, not silently ignored)."""
    data = _data()
    _level(data)
    _selected(data)
    _zoom(data)
    _life_phase()
    _area(data)
    _tab_and_mode()
    _display()


def _page() -> export.Page:
    return export.page_for(_arg("format") or "a4", _arg("breite_mm"))


def _note() -> str:
    return export.clean_note(request.args.get("notiz", ""))


#: Values of a yes/no parameter (``namen``).
YES, NO = ("1", "ja", "an", "true"), ("0", "nein", "aus", "false")


def _names() -> bool | None:
    """``namen``: Kreis names on the map (1/ja/an, 0/nein/aus); ``None`` when not given."""
    raw = _arg("namen")
    if raw in (None, ""):
        return None
    if raw.lower() in YES:
        return True
    if raw.lower() in NO:
        return False
    raise BadRequest(f"„namen“ muss 1 (Kreisnamen zeigen) oder 0 (ohne Namen) sein, nicht "
                     f"„{raw[:20]}“.")


def _image_format(ext: str) -> str:
    if ext not in export.IMAGE_FORMATS:
        raise NotFound(f"Dateiformat „{ext[:10]}“ gibt es hier nicht; erlaubt: png, svg, pdf.")
    return ext


def _page_suffix(page: export.Page) -> str:
    return "" if page.key == "a4" and "breit" not in page.label else page.key


# --- routes -------------------------------------------------------------------------------------


@downloads.get("/map.<ext>")
def map_export(ext: str):
    ext = _image_format(ext)
    data = _data()
    indicator = _indicator(data)
    year = _year(data, [indicator]) or data.latest_year(indicator)
    display, selected, page, note = _display(), _selected(data), _page(), _note()
    fig = export.map_figure(data, indicator, year, display=display, selected=selected,
                            note=note, page=page, kreis=_zoom(data), names=_names())
    content = export.render(fig, ext, page)
    name = export.file_name(indicator, year, "karte", _page_suffix(page), ext=ext)
    return _send(content, ext, name)


@downloads.get("/chart/<kind>.<ext>")
def chart_export(kind: str, ext: str):
    if kind not in CHARTS:
        raise NotFound(f"Diagramm „{kind[:20]}“ gibt es nicht; erlaubt: {', '.join(CHARTS)}.")
    ext = _image_format(ext)
    data = _data()
    page, note, selected = _page(), _note(), _selected(data)
    if kind == "scatter":
        x = _indicator(data, "x", required_text="Parameter „x“ und „y“ (Indikatoren der Achsen) "
                                                "fehlen, z. B. ?x=sgb2_quote&y=kinderarmut")
        y = _indicator(data, "y", required_text="Parameter „y“ (Indikator der senkrechten Achse) "
                                                "fehlt, z. B. ?x=sgb2_quote&y=kinderarmut")
        year = _year(data, [x, y])
        fig = export.scatter_figure(data, x, y, year, selected=selected, note=note, page=page)
        parts = [x, y, year]
    else:
        indicator = _indicator(data)
        year = _year(data, [indicator])
        if kind == "timeseries":
            fig = export.timeseries_figure(data, indicator, selected, year, note=note, page=page)
            parts = [indicator]
        else:
            year = year or data.latest_year(indicator)
            fig = export.ranking_figure(data, indicator, year, display=_display(),
                                        selected=selected, note=note, page=page,
                                        kreis=_zoom(data))
            parts = [indicator, year]
    content = export.render(fig, ext, page)
    name = export.file_name(*parts, CHARTS[kind], _page_suffix(page), ext=ext)
    return _send(content, ext, name)


@downloads.get("/profil.<ext>")
def profile_export(ext: str):
    if ext not in ("pdf", "docx"):
        raise NotFound("Das Regionenprofil gibt es als PDF oder Word: "
                       "/export/profil.pdf?kreis=16052, /export/profil.docx?kreis=16052")
    data = _data()
    level = _level(data)
    ags = _arg("kreis", "gebiet", "ags")
    if not ags:
        raise BadRequest("Parameter „kreis“ fehlt, z. B. /export/profil.pdf?kreis=16052 (ein "
                         "Gebiet einer anderen Ebene: ?ebene=…&gebiet=…)")
    if ags not in set(level.keys):
        example = f", z. B. {level.keys[0]} für {level.name(level.keys[0])}" if len(level) else ""
        raise NotFound(f"{level.singular} „{ags[:12]}“ ist unbekannt (erwartet: "
                       f"{wording.key_label(level)} eines der {len(level)} Gebiete der Ebene "
                       f"„{level.title}“{example}).")
    life_phase = _life_phase()
    if ext == "docx":
        content = office.profile_docx(data, ags, life_phase, level=level.id)
    else:
        content = export.profile_pdf(data, ags, life_phase, level=level.id)
    name = export.file_name("regionenprofil", ags, level.name(ags), life_phase, ext=ext)
    return _send(content, ext, name)


@downloads.get("/baustein.<ext>")
def baustein_export(ext: str):
    """The Word "Berichtsbaustein" of a map view (:func:`atlas.report.office.baustein_docx`):
    the parameters of the map export."""
    if ext != "docx":
        raise NotFound("Den Berichtsbaustein gibt es als Word-Datei: "
                       "/export/baustein.docx?indicator=sgb2_quote")
    data = _data()
    indicator = _indicator(data)
    year = _year(data, [indicator]) or data.latest_year(indicator)
    content = office.baustein_docx(data, indicator, year, display=_display(),
                                   selected=_selected(data), kreis=_zoom(data),
                                   note=_note())
    return _send(content, "docx", export.file_name(indicator, year, "berichtsbaustein",
                                                   ext="docx"))


@downloads.get("/data.<ext>")
def data_export(ext: str):
    if ext not in export.DATA_FORMATS:
        raise NotFound(f"Dateiformat „{ext[:10]}“ gibt es hier nicht; erlaubt: csv, xlsx.")
    data = _data()
    indicator = _indicator(data)
    year = _year(data, [indicator], allow_all=True)
    if ext == "csv":
        content = export.data_csv(data, indicator, year)
    else:
        content = export.data_xlsx(data, indicator, year)
    name = export.file_name(indicator, year if year is not None else "alle_jahre", ext=ext)
    return _send(content, ext, name)


def _session_views(limit: int):
    """The views of a Sitzungsfolge a request body (JSON) names: ``{"views": [{"name": "…",
    "query": "indicator=…&year=…"}]}``, each checked (:func:`atlas.playlist.views_from_payload`);
    a German 400 naming the problem otherwise."""
    from atlas import playlist

    form = 'Erwartet wird JSON der Form {"views": [{"name": "…", "query": "indicator=…&year=…"}]}.'
    if not request.is_json:
        raise BadRequest(f"Kein JSON (Content-Type: application/json). {form}")
    try:
        payload = request.get_json()  # atlas.jsonbody: too deep or malformed → German 400
    except HTTPException as exc:
        raise BadRequest(f"{exc.description} {form}") from exc
    try:
        return playlist.views_from_payload(payload, _data(), limit=limit)
    except playlist.PlaylistError as exc:
        raise BadRequest(str(exc)) from exc


@downloads.post("/handout.pdf")
def handout_export():
    """All views of a Sitzungsfolge as one PDF. Body (JSON): ``{"views": [{"name": "…",
    "query": "indicator=…&year=…"}]}``, at most :data:`atlas.export.MAX_HANDOUT_VIEWS` views."""
    views = _session_views(export.MAX_HANDOUT_VIEWS)
    content = export.handout_pdf(_data(), [(v.name, v.query) for v in views])
    return _send(content, "pdf", export.HANDOUT_FILE_NAME)


@downloads.post("/sitzung.pptx")
def session_export():
    """All views of a Sitzungsfolge as a PowerPoint presentation
    (:func:`atlas.report.office.session_pptx`); the body as for the handout."""
    views = _session_views(office.MAX_SLIDES)
    content = office.session_pptx(_data(), [(v.name, v.query) for v in views],
                                  base_url=request.host_url)
    return _send(content, "pptx", office.SLIDE_FILE_NAME)
