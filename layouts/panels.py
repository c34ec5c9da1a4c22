"""Component builders for the parts that change with indicator and year."""

from __future__ import annotations

import math

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from atlas.catalogue import LIFE_PHASES, POLARITIES, rank_note
from atlas.composite import indexview
from atlas.coverage import coverage, stand_text
from atlas.data import AtlasData
from atlas.figures import MapView
from atlas.levels import wording
from atlas.report import describe
from atlas.values import MISSING_LABEL, format_number, year_span


def info_panel(data: AtlasData, indicator_id: str, year: int | None = None) -> dbc.Card:
    """The info box of an indicator; for a Sozialindex its parts in ``year`` (weights,
    directions, the year each part contributes) and its method instead of the long generated
    definition (:func:`index_parts`)."""
    ind = data.indicator(indicator_id)
    src = data.catalogue.source_of(ind)
    years = data.years(indicator_id)
    rows = [
        ("Einheit", ind.unit_label),
        ("Lebenslagenbereich", data.catalogue.area(ind.area).title),
        ("Lebensphasen", ", ".join(LIFE_PHASES[p].split(" (")[0] for p in ind.life_phases)),
        ("Lesart", POLARITIES[ind.polarity]),
        ("Jahre" if len(years) != 1 else "Jahr", year_span(years)),
        ("Quelle", html.Span([_link(src.attribution, src.url),
                              f", {data.catalogue.source_table(ind)}"])),
        ("Lizenz", _link(src.licence, src.licence_url)),
    ]
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div([html.H3(ind.title, className="h6"),
                          *(index_parts(data, indicator_id, year) or
                            [html.P(ind.definition, className="small")])]),
                # generated from the data (atlas.report.describe): plain, selectable text;
                # the second child of the body (INFO_TEXT_PATH: a year step patches only it)
                html.P(info_text(data, indicator_id, year), className="small describe-text"),
                html.Dl(
                    # label above value: the narrow column has no room for both side by
                    # side without breaking words like "Lebenslagenbereich" mid-word
                    [part for label, value in rows
                     for part in (html.Dt(label, className="mb-0"),
                                  html.Dd(value, className="mb-1 ms-2"))],
                    className="small mb-0 info-facts",
                ),
            ]
        ),
        className="mb-3",
        id="info-card",
    )


#: Where the generated text sits in the info box's component tree (card → body → 2nd child):
#: a year step of a plain indicator sends only that text (callbacks/views.py update_info).
INFO_TEXT_PATH = ("props", "children", "props", "children", 1, "props", "children")


def info_text(data: AtlasData, indicator_id: str, year: int | None) -> str:
    """The info box's text about the map of ``year`` (:func:`atlas.report.describe.map_text`)."""
    return describe.map_text(data, indicator_id, year if year in data.years(indicator_id)
                             else None)


#: Class of the info box's list of the parts of an index (browser tests find it by it).
INDEX_PARTS = "index-parts"


def index_parts(data: AtlasData, indicator_id: str, year: int | None) -> list:
    """The parts of a Sozialindex as the info box lists them for ``year`` (default: its latest):
    a lead, one line per part (:func:`atlas.composite.report.info_lines`), the method and the
    planner's note; ``[]`` for any other indicator."""
    from atlas.composite import indexview, report

    if not indexview.is_index(data, indicator_id) or not data.years(indicator_id):
        return []
    formula = data.catalogue.formulas[indicator_id]
    years = data.years(indicator_id)
    year = year if year in years else years[-1]
    *parts, method = report.info_lines(data, indicator_id, year)
    out = [html.P(f"Sozialindex aus {len(parts)} Indikatoren, {year} (höher = mehr Risiko):",
                  className="small mb-1"),
           html.Ul([html.Li(line) for line in parts], className=f"small mb-1 {INDEX_PARTS}"),
           html.P(method, className="small mb-1")]
    if formula.note:
        out.append(html.P(formula.note, className="small"))
    return out


def _link(text: str, url: str):
    """A link only where there is an address: own data ("keine Angabe", a typed source) is plain
    text."""
    if not url:
        return html.Span(text)
    return html.A(text, href=url, target="_blank", rel="noopener")


#: Most areas the values table lists in full (the 22 Kreise, a few Sozialräume; not 631
#: Gemeinden).
MAX_LISTED = 30


def values_table(data: AtlasData, view: MapView, kreis: str | None = None) -> dict:
    """The current map as an accessible table, sorted by rank; missing values are named.

    The table lists the areas of the indicator's level: with ``kreis`` (levels that nest in
    Kreise) those in that Kreis; a level of more than :data:`MAX_LISTED` areas shows its 10
    highest and 10 lowest ranks (all values are in the data export). Ranks are given as "n von
    N" wherever the rows are not all of the level's areas.

    Returns the table's texts only, compactly (``note``, ``head``, ``rows``; the reference is
    the last row): the browser builds the table from them (``assets/views.js`` ``valuesTable``)
    with every text as a text node, never Markdown or HTML, so an own indicator's title or unit
    is shown exactly as typed; a year step sends ≈ 1.5 KB instead of a component tree.
    """
    ind = data.indicator(view.indicator_id)
    level = data.level_of(view.level)
    table = view.table.sort_values(["rank", "name"], na_position="last")
    caption = ""
    if kreis and "kreis" in table and kreis in set(table["kreis"]) and level.parent:
        table = table[table["kreis"] == kreis]
        caption = f"{wording.areas_shown(data, level, kreis, gebietsstand=False)}. "
    elif len(table) > MAX_LISTED:
        table = pd.concat([table.head(10), table.dropna(subset=["value"]).tail(10)])
        table = table.drop_duplicates(subset=["ags"])
        zoom = " oder nach Wahl eines Kreises" if level.parent else ""
        caption = (f"Die 10 höchsten und 10 niedrigsten Ränge; {wording.all_areas(level)} im "
                   f"Datenexport{zoom}. ")
    total = len(view.table)
    of_total = len(table) < total  # "Rang 12 von 631" where not every area is listed
    names = dict(zip(level.areas["ags"], level.areas["label"]))
    # a Sozialindex: the rank range of the robustness check next to the rank
    robust = indexview.rank_frame(data, view.indicator_id, view.year)
    spans = {} if robust is None else {
        a: f"{text} {indexview.UNSTABLE}" if unstable else text
        for a, text, unstable in zip(robust["ags"], robust["range_text"],
                                     robust["class_changes"])}
    rows = []
    for row in table.itertuples(index=False):
        missing = math.isnan(row.value)
        value = row.status if missing else format_number(row.value, ind.decimals, ind.unit)
        if not missing and row.status:
            value += f" ({row.status})"
        rank = "–" if missing else f"{row.rank} von {total}" if of_total else str(row.rank)
        cells = [rank, names.get(row.ags, str(row.name)), str(row.kind), value]
        if robust is not None:  # after the name (the names' column stays the second)
            cells.insert(2, spans.get(row.ags) or "–")
        rows.append(cells)
    reference = format_number(view.reference.value, ind.decimals, ind.unit)
    rows.append(["", view.reference.label, "Referenz", reference])
    head = ["Rang", level.singular, "Art", f"{ind.short_title} {view.year} ({ind.unit})"]
    note = f"{ind.title}, {view.year}. {caption}Rang: {rank_note(ind)}. {view.source_line}"
    if robust is not None:
        head.insert(2, "Rangspanne")
        rows[-1].insert(2, "")
        note = (f"{note.rstrip('.')}. "
                f"{indexview.robustness_note(data, view.indicator_id, view.year)}")
    return {"note": note, "head": head, "rows": rows}


def _value_text(value: float, status: str, decimals: int, unit: str) -> str:
    """A value for a table cell: the number, with its flag; a missing value by its status."""
    if value is None or math.isnan(value):
        return status or MISSING_LABEL
    text = format_number(value, decimals, unit)
    return f"{text} ({status})" if status else text


def change_table(data: AtlasData, view: MapView, year_from: int, year_to: int) -> dict:
    """The change map as a table (texts for ``valuesTable`` like :func:`values_table`): per area
    the value of both years and the change, largest increase first, areas without a change last
    with the reason. A level of more than :data:`MAX_LISTED` areas lists the 10 largest
    increases and decreases. ``label`` names the map for screen readers."""
    ind = data.indicator(view.indicator_id)
    level = data.level_of(view.level)
    table = view.table.sort_values(["change", "name"], ascending=[False, True],
                                   na_position="last")
    caption = ""
    if len(table) > MAX_LISTED:
        known = table.dropna(subset=["change"])
        table = pd.concat([known.head(10), known.tail(10)]).drop_duplicates(subset=["ags"])
        caption = (f"Die 10 stärksten Zunahmen und Abnahmen; {wording.all_areas(level)} im "
                   f"Datenexport. ")
    names = dict(zip(level.areas["ags"], level.areas["label"]))
    unit = view.table["change_unit"].iloc[0] if len(view.table) else ind.unit
    rows = []
    for row in table.itertuples(index=False):
        change = (row.status or MISSING_LABEL) if math.isnan(row.change) else row.change_text
        rows.append([names.get(row.ags, str(row.name)), str(row.kind),
                     _value_text(row.value_from, "", ind.decimals, ind.unit),
                     _value_text(row.value_to, "", ind.decimals, ind.unit), change])
    head = [level.singular, "Art", f"{year_from} ({ind.unit})", f"{year_to} ({ind.unit})",
            f"Veränderung ({unit})"]
    title = f"Veränderung {ind.short_title} {year_from}–{year_to}"
    note = f"{title}. {caption}{view.source_line}"
    return {"note": note, "head": head, "rows": rows, "numeric": [2, 3, 4],
            "label": f"Karte: {title}. Die Werte stehen in der Tabelle der Veränderung."}


def cluster_table(data: AtlasData, view: MapView, result) -> dict:
    """The LISA cluster map as a table (texts for ``valuesTable``): per area its value, its
    cluster (:data:`atlas.spatial.CLUSTER_ORDER`, significant clusters first) and the
    permutation p-value. ``label`` names the map for screen readers."""
    from atlas import spatial

    ind = data.indicator(view.indicator_id)
    level = data.level_of(view.level)
    names = dict(zip(level.areas["ags"], level.areas["label"]))
    order = {label: i for i, label in enumerate(spatial.CLUSTER_ORDER)}
    table = view.table.assign(
        cluster=[result.cluster.get(a, spatial.NO_DATA) for a in view.table["ags"]])
    table = table.assign(order=[order[c] for c in table["cluster"]])
    table = table.sort_values(["order", "name"])
    rows = []
    for row in table.itertuples(index=False):
        p = result.p_sim.get(row.ags, math.nan)
        rows.append([names.get(row.ags, str(row.name)), str(row.kind),
                     _value_text(row.value, row.status, ind.decimals, ind.unit), row.cluster,
                     "–" if math.isnan(p) else format_number(p, 3)])
    head = [level.singular, "Art", f"{ind.short_title} {view.year} ({ind.unit})",
            "LISA-Cluster (α = 0,05)", "p-Wert"]
    title = f"Räumliche Cluster {ind.short_title} {view.year}"
    return {"note": f"{title}. {view.source_line}", "head": head, "rows": rows,
            "numeric": [2, 4],
            "label": f"Karte: {title}. Die Cluster stehen in der Tabelle der Cluster."}


def attribution(data: AtlasData, indicator_id: str) -> list:
    """Data source with licence and the boundaries of the indicator's level (under the map and in
    the footer)."""
    ind = data.indicator(indicator_id)
    return [html.Span(data.catalogue.source_line(ind)), html.Span(f" · {boundaries(data, ind)}")]


def boundaries(data: AtlasData, ind) -> str:
    """The boundaries of the indicator's level and their Gebietsstand
    (:attr:`Level.attribution <atlas.levels.registry.Level.attribution>`)."""
    return data.level_of(ind.level).attribution


#: Class of the year in texts that name the year the map shows (heading, presentation title):
#: assets/views.js writes the map's year into them the moment the map is drawn.
SHOWN_YEAR = "shown-year"


def shown_year(year: int) -> html.Span:
    """The year in a text about the map, kept equal to the year the map shows."""
    return html.Span(str(year), className=SHOWN_YEAR)


#: Class of the "Stand: <Jahr>" beside the indicator's title (normal view and presentation).
STAND = "indicator-stand"


def stand(data: AtlasData, indicator_id: str) -> html.Span:
    """"Stand: 2022": the newest year with data of the indicator
    (:func:`atlas.coverage.stand_text`), beside its title in every view – whatever year the
    map shows, a planner sees how current the indicator's numbers are."""
    entry = coverage(data).of(indicator_id)
    old = f" {STAND}-old" if entry.stale else ""
    hint = (f"; {entry.years_behind} Jahre älter als die neuesten Daten des Atlas "
            f"({coverage(data).newest_year})" if entry.stale else "")
    return html.Span(stand_text(data, indicator_id), className=STAND + old,
                     title=f"Neuestes Jahr mit Werten für diesen Indikator{hint} – Übersicht "
                           "im Reiter „Datenstand“")


def present_subtitle(data: AtlasData, indicator_id: str) -> list:
    """The line under the presentation's title: the indicator's full title (where the title
    shows the short one; small screens leave it out) and its "Stand"."""
    ind = data.indicator(indicator_id)
    title = ind.title if ind.title != ind.short_title else ""
    return ([html.Span(f"{title} · ", className="present-subtitle-text")] if title else []) + \
        [stand(data, indicator_id)]


def heading(data: AtlasData, indicator_id: str, year: int) -> list:
    ind = data.indicator(indicator_id)
    return [f"{ind.title} – ", shown_year(year)]


def map_start(data: AtlasData, indicator: str, year: int, display, selected, zoom) -> tuple:
    """The map's whole description for a new level (:func:`atlas.figures.map_description`, the
    boundaries below the Kreise by URL), its note and what the browser then holds
    (``MAP_DRAWN``): for the page's first view (the layout) and for a switch of level
    (``callbacks/views.py`` ``update_map``). Raises ValueError for unusable manual bounds."""
    from atlas import figures
    from atlas.api import geometry_url
    from atlas.levels.registry import KREIS

    view = figures.map_view(data, indicator, year, display=display)
    level = data.level_of(view.level)
    kreis = zoom if level.zoomable and zoom else None
    below = level.id != KREIS  # below the Kreise the selection (of Kreise) is not drawn
    outlined = [] if below else list(selected or [])
    frames = figures.level_frames(data, indicator, display, outlined, kreis)
    shown = {"level": view.level, "kreis": kreis, "selected": outlined,
             "frames": frames["digest"]}
    url = geometry_url(data, view.level) if below else None
    description = figures.map_description(data, indicator, year, display, tuple(outlined),
                                          kreis, url)
    return description, map_note(data, indicator, view), shown


def map_note(data: AtlasData, indicator: str, view) -> str:
    """The note under the map: the indicator's notes, the classes', and below the Kreise the
    level with its Gebietsstand."""
    note = " ".join(filter(None, [*data.map_notes(indicator), view.classes.note]))
    level = data.level_of(view.level)
    if level.id != "kreis":
        note = f"{level.title}, Gebietsstand {level.gebietsstand or '–'}. {note}".strip()
    return note


def view_texts(data: AtlasData, indicator: str, year: int, zoom: str | None) -> tuple:
    """Heading, the values table's texts, and the large title and subtitle of presentation mode
    for the map's indicator and year (the page's first view and ``update_view_texts``)."""
    from atlas import figures

    view = figures.map_view(data, indicator, year)
    ind = data.indicator(indicator)
    return (heading(data, indicator, year), values_table(data, view, zoom),
            [f"{ind.short_title} ", shown_year(year)], present_subtitle(data, indicator))


def info_box(data: AtlasData, indicator: str, year: int, revision) -> tuple:
    """The info box and what it is for (``INFO_FOR``: indicator, year, own data's revision)."""
    return info_panel(data, indicator, year), f"{indicator}#{year}#{revision}"


def timeseries_parts(data: AtlasData, indicator: str, selected, zoom, year) -> tuple:
    """The time series of the indicator (at every level: :func:`atlas.charts.series_choice`),
    its notes, what it was drawn for and its title (the page's first view and
    ``update_timeseries``)."""
    from atlas import charts, figures

    years = data.years(indicator)
    selected, choice = charts.series_choice(data, indicator, selected, zoom)
    fig = figures.timeseries_figure(data, indicator, selected, year if year in years else None)
    notes = list(fig["layout"]["meta"]["notes"])
    title, hint = charts.timeseries_texts(data, indicator, selected)
    for text in (hint, choice, fig["layout"]["meta"].get("caveat")):
        if text:
            notes.insert(0, text)
    return (fig, charts.join_notes(notes), {"indicator": indicator, "selected": list(selected or [])},
            title)
