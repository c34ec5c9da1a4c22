"""Sitzungsfolge: an ordered list of named views for a working-group session.

A view is the query string of a page URL (see :mod:`atlas.urlstate`), kept without the mode, so
the same list can be shown in normal and in presentation mode. The list travels between machines
as a small JSON file::

    {"format": "sozialstrukturatlas-sitzungsfolge", "version": 1, "created": "2026-11-21",
     "views": [{"name": "Kinderarmut 2022", "query": "indicator=kinderarmut&year=2022"}],
     "definitions": [{"id": "sozialindex", "kind": "index", ...}]}

``definitions`` (optional, version 1 all the same: a reader that does not know the key ignores
it) carries the defined indicators the views show (:mod:`atlas.composite.formulas`), with the
definitions they are made of, each after those it uses. Reading such a file on an atlas that
lacks them creates them (:func:`adopt_definitions`) before the views are checked.

Pure Python, no Dash. Everything read from outside (a file, a request body, the browser's
storage) goes through :func:`read_file`, :func:`views_from_payload` or :func:`check_views`: wrong
input gives a German :class:`PlaylistError` or a German message per skipped view, never a
traceback. Queries are re-written in their canonical form, so a view is stored exactly as the page
writes it into the address bar (with the year it shows: a view saved without a year gets the
indicator's newest year).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from atlas.composite import formulas as fm
from atlas.data import AtlasData
from atlas.errors import AtlasError
from atlas.levels.derived import split_id
from atlas.urlstate import ViewState, parse_state, query_params, resolved, state_query

FORMAT = "sozialstrukturatlas-sitzungsfolge"
VERSION = 1
MAX_VIEWS = 30
MAX_NAME = 120
MAX_QUERY = 2000
MAX_FILE_BYTES = 512 * 1024
FILE_NAME = "sitzungsfolge.json"


class PlaylistError(AtlasError, ValueError):
    """A file or request that is no usable Sitzungsfolge (German message)."""


@dataclass(frozen=True)
class View:
    """One entry of the Sitzungsfolge: a name and the canonical query string (without ``?``)."""

    name: str
    query: str

    def as_dict(self) -> dict:
        return {"name": self.name, "query": self.query}


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def clean_name(text: object) -> str:
    """A name as shown and printed: one line, no control characters, at most
    :data:`MAX_NAME` characters."""
    text = unicodedata.normalize("NFC", str(text or ""))
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text[:MAX_NAME].strip()


def default_name(data: AtlasData, state: ViewState) -> str:
    """The name a view gets when none is typed: indicator and year, plus the chosen Kreise."""
    ind = data.indicator(state.indicator)
    year = state.year if state.year is not None else data.latest_year(state.indicator)
    name = f"{ind.short_title} {year}"
    if state.selected:
        name += " – " + ", ".join(data.region_name(a) for a in state.selected)
    return clean_name(name)


def canonical(query: str, data: AtlasData) -> tuple[str, list[str]]:
    """The canonical query of a view (mode dropped, the year the view shows filled in) and the
    German problems found in it.

    An unknown indicator is reported as such (it may be an own indicator of another machine);
    ``parse_state`` would silently show the default indicator instead.
    """
    query = (query or "").strip().lstrip("?")
    if len(query) > MAX_QUERY:
        return "", [f"Die Ansicht ist zu lang (mehr als {MAX_QUERY} Zeichen)."]
    params = query_params(query)
    raw_indicator = params.get("indicator") or params.get("indikator") or ""
    if raw_indicator:
        known = {i.id for i in data.catalogue.indicators}
        if raw_indicator not in known or not data.has_values(raw_indicator):
            return "", [f"Indikator „{raw_indicator[:60]}“ gibt es in diesem Atlas nicht "
                        "(vielleicht eigene Daten eines anderen Rechners)."]
    state, problems = parse_state(query, data)
    return state_query(resolved(state, data).without_mode(), data), problems


def check_views(raw: object, data: AtlasData) -> tuple[list[View], list[str]]:
    """Views from untrusted data (a list of ``{"name", "query"}``): the usable ones in canonical
    form and one German message per view that was left out (numbered from 1)."""
    if not isinstance(raw, list):
        return [], ["Die Sitzungsfolge ist keine Liste von Ansichten."]
    views: list[View] = []
    messages: list[str] = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("query"), str):
            messages.append(f"Ansicht {number}: kein Eintrag mit „name“ und „query“ – "
                            "nicht übernommen.")
            continue
        name = clean_name(item.get("name") if isinstance(item.get("name"), str) else "")
        query, problems = canonical(item["query"], data)
        label = f"Ansicht {number}" + (f" („{name}“)" if name else "")
        if problems:
            messages.append(f"{label}: {' '.join(problems)} – nicht übernommen.")
            continue
        if not name:
            name = default_name(data, parse_state(query, data)[0])
        if len(views) >= MAX_VIEWS:
            messages.append(f"{label}: höchstens {MAX_VIEWS} Ansichten – nicht übernommen.")
            continue
        views.append(View(name, query))
    return views, messages


def definitions_for(views: list[View], data: AtlasData) -> list[dict]:
    """The definitions the views need (:func:`atlas.composite.formulas.to_dict`): every defined
    indicator a view shows (also as ``id@level`` at another level) and the definitions it is
    made of, each after those it uses; ``[]`` when the views show only tables' indicators."""
    formulas = data.catalogue.formulas
    ordered: dict[str, dict] = {}

    def add(formula_id: str, path: tuple[str, ...] = ()) -> None:
        formula = formulas.get(formula_id)
        if formula is None or formula_id in ordered or formula_id in path:
            return
        for part in formula.parts:
            add(split_id(part)[0], path + (formula_id,))
        ordered[formula_id] = fm.to_dict(formula)

    for view in views:
        params = query_params(view.query)
        add(split_id(params.get("indicator") or params.get("indikator") or "")[0])
    return list(ordered.values())


def to_json(views: list[View], *, today: date | None = None,
            definitions: list[dict] | None = None) -> str:
    """The file of a Sitzungsfolge (UTF-8 JSON, readable, with format and version); with
    ``definitions`` (:func:`definitions_for`) the defined indicators its views need."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "created": (today or date.today()).isoformat(),
        "views": [v.as_dict() for v in views],
    }
    if definitions:
        document["definitions"] = definitions
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


#: The end of the message of a definition created from a file (the others name a problem).
CREATED = " angelegt."
#: Most definitions a Sitzungsfolge file may carry (15 index parts of a few views each).
MAX_DEFINITIONS = 60


def _comparable(formula) -> dict:
    """A definition without its times: two atlases hold the same definition when these match."""
    out = fm.to_dict(formula)
    out.pop("created_at", None)
    out.pop("updated_at", None)
    return out


def adopt_definitions(raw: object, data: AtlasData, store, reload, *,
                      actor: str = "") -> tuple[AtlasData, list[str]]:
    """Create the definitions of a Sitzungsfolge file this atlas lacks, in their order, through
    :func:`atlas.composite.define.save` (checked against the data, then stored); ``reload()``
    gives the data after a definition was stored (:func:`atlas.data.data_changed`), so that the
    next one may use it. Return the data then and one German message per definition created
    or skipped: a malformed one, one whose parts are missing here (with the reason), and one
    whose id this atlas already uses for something else (the local one stays). A definition
    this atlas already holds as it is is passed over silently."""
    from atlas.composite import define

    if raw is None:
        return data, []
    if not isinstance(raw, list):
        return data, ["Die Berechnungen der Datei („definitions“) sind keine Liste – nicht "
                      "übernommen."]
    messages: list[str] = []
    if len(raw) > MAX_DEFINITIONS:
        messages.append(f"Höchstens {MAX_DEFINITIONS} Berechnungen je Datei; "
                        f"{len(raw) - MAX_DEFINITIONS} nicht übernommen.")
        raw = raw[:MAX_DEFINITIONS]
    for number, item in enumerate(raw, start=1):
        try:
            formula = fm.from_dict(item)
        except fm.FormulaProblem as problem:
            messages.append(f"Berechnung {number}: {problem} – nicht übernommen.")
            continue
        label = f"Berechnung „{clean_name(formula.title) or formula.id}“ ({formula.id[:40]})"
        local = data.catalogue.formulas.get(formula.id)
        if local is not None:
            if _comparable(local) != _comparable(formula):
                messages.append(f"{label}: Dieser Atlas hat unter der Kennung eine andere "
                                "Berechnung – die hiesige bleibt, die Ansichten zeigen sie.")
            continue
        try:
            define.save(formula, data, store, actor=actor)
        except AtlasError as problem:
            messages.append(f"{label}: {problem} – nicht übernommen.")
            continue
        data = reload()
        messages.append(f"{label}{CREATED}")
    return data, messages


def read_file(content: bytes | str, data: AtlasData, store=None, reload=None, *, actor: str = ""
              ) -> tuple[list[View], list[str]]:
    """A Sitzungsfolge file: its usable views and a German message per view left out.

    With ``store`` (and ``reload``, see :func:`adopt_definitions`) the definitions the file
    carries are created first where this atlas lacks them, with a German message each; the
    views are then checked against the data with them.

    Raises
    ------
    PlaylistError
        When the file is no Sitzungsfolge at all (not JSON, another format, a newer version,
        too large).
    """
    document = read_document(content)
    messages: list[str] = []
    if store is not None and "definitions" in document:
        data, messages = adopt_definitions(document["definitions"], data, store,
                                           reload or _reloaded, actor=actor)
    views, skipped = check_views(document["views"], data)
    return views, messages + skipped


def _reloaded() -> AtlasData:
    """The process's data after a change of the store."""
    from atlas.data import data_changed, get_data

    data_changed()
    return get_data()


def read_document(content: bytes | str) -> dict:
    """The JSON object of a Sitzungsfolge file, its format and version checked and its
    ``views`` a list (see :func:`read_file`)."""
    if isinstance(content, bytes):
        if len(content) > MAX_FILE_BYTES:
            raise PlaylistError(f"Die Datei ist zu groß für eine Sitzungsfolge (höchstens "
                                f"{MAX_FILE_BYTES // 1024} KB).")
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PlaylistError("Die Datei ist keine Sitzungsfolge: kein Text in UTF-8 "
                                "(erwartet wird eine mit „Exportieren“ gespeicherte "
                                f"{FILE_NAME}).") from exc
    elif len(content) > MAX_FILE_BYTES:
        raise PlaylistError(f"Die Datei ist zu groß für eine Sitzungsfolge (höchstens "
                            f"{MAX_FILE_BYTES // 1024} KB).")
    try:
        document = json.loads(content)
    except (json.JSONDecodeError, RecursionError) as exc:
        where = (f" (Zeile {exc.lineno}, Spalte {exc.colno})"
                 if isinstance(exc, json.JSONDecodeError) else "")
        raise PlaylistError(f"Die Datei ist keine Sitzungsfolge: kein gültiges JSON{where}. "
                            f"Erwartet wird eine mit „Exportieren“ gespeicherte {FILE_NAME}."
                            ) from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise PlaylistError("Die Datei ist keine Sitzungsfolge des Sozialstrukturatlas Thüringen "
                            f"(das Feld „format“ fehlt oder lautet nicht „{FORMAT}“).")
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise PlaylistError("Die Sitzungsfolge hat keine gültige Versionsnummer.")
    if version > VERSION:
        raise PlaylistError(f"Die Sitzungsfolge hat Version {version}; dieser Atlas kennt "
                            f"Version {VERSION}. Bitte den Atlas aktualisieren.")
    if not isinstance(document.get("views"), list):
        raise PlaylistError("Die Sitzungsfolge enthält keine Liste „views“.")
    return document


def views_from_payload(payload: object, data: AtlasData, *, limit: int = MAX_VIEWS
                       ) -> list[View]:
    """Views of a request body ``{"views": [{"name", "query"}]}``; every problem is an error.

    Raises
    ------
    PlaylistError
        Naming the first problems (German).
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("views"), list):
        raise PlaylistError('Erwartet wird JSON der Form {"views": [{"name": "…", "query": '
                            '"indicator=…&year=…"}]}.')
    raw = payload["views"]
    if not raw:
        raise PlaylistError("Die Liste „views“ ist leer.")
    if len(raw) > limit:
        raise PlaylistError(f"Höchstens {limit} Ansichten auf einmal; geschickt wurden {len(raw)}.")
    views, messages = check_views(raw, data)
    if messages:
        raise PlaylistError(" ".join(messages[:5]) + (" …" if len(messages) > 5 else ""))
    return views


def stored_views(raw: object) -> list[View]:
    """The list kept in the browser (already checked when it was stored): wrong entries are
    dropped silently, since the browser's storage may hold anything."""
    if not isinstance(raw, list):
        return []
    return [View(clean_name(item.get("name")), item["query"]) for item in raw[:MAX_VIEWS]
            if isinstance(item, dict) and isinstance(item.get("query"), str)
            and isinstance(item.get("name"), str) and len(item["query"]) <= MAX_QUERY]


def position(views: list[View], query: str, data: AtlasData) -> int | None:
    """Index of the first view that shows what the page with ``query`` (its address, any mode)
    shows, else None.

    Compared are the views as the page shows them (:func:`atlas.urlstate.parse_state` and
    :func:`atlas.urlstate.resolved`) in the page's mode, not their texts: a view kept without a
    year (an older list in the browser) shows the newest year, a view of another tab is shown as
    the map in presentation mode.
    """
    if not query:
        return None
    shown, _ = parse_state(query, data)
    shown = resolved(shown, data)
    for index, view in enumerate(views):
        state, _ = parse_state(view.query, data)
        if resolved(state.in_mode(shown.mode), data) == shown:
            return index
    return None


def step(views: list[View], current: int | None, last: int | None, direction: int
         ) -> int | None:
    """The view to go to with PageDown (``direction`` 1) or PageUp (-1).

    ``current`` is the view now shown (if it is one of the list), ``last`` the one shown last.
    From outside the list, PageDown goes to the view after the last one shown (the first at the
    start), PageUp to the last one shown. None: nothing to go to (empty list, or at an end).
    """
    if not views:
        return None
    if current is None:
        if last is None or not 0 <= last < len(views):
            return 0 if direction > 0 else None
        target = last + 1 if direction > 0 else last
    else:
        target = current + direction
    return target if 0 <= target < len(views) else None
