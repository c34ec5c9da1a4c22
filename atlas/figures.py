"""Figure builders: the same functions draw the screen and (later) the exported images."""

from __future__ import annotations

import hashlib
import json
import math
import textwrap
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from atlas import analysis, geo, missing, palettes, spatial
from atlas.catalogue import over_time_problem, rank_note
from atlas.classify import AUTO_SCHEME, SCHEMES, Classes, classify, scheme_for
from atlas.data import AtlasData, Reference
from atlas.data.model import z_index
from atlas.levels.registry import KREIS
from atlas.memo import per_data
from atlas.schema import LAND_NAME, Col
from atlas.text import plotly_indicator, plotly_text
from atlas.validation import is_flagged
from atlas.values import (
    MISSING_LABEL,
    ValueParseError,
    format_number,
    parse_breaks,
    parse_int,
    unit_suffix,
)

FONT = "Segoe UI, Helvetica, Arial, sans-serif"
SEPARATORS = ",."  # decimal comma, dot as thousands separator

# trace order of the map figure as :func:`choropleth` builds it (the exports and the tests read
# it; the page names traces by their ``meta.role`` only, see ROLES): the map, then legend slots
MAP_TRACE = 0
LEGEND_TRACES_START = 1
#: up to 7 classes plus the reasons of missing values (:data:`atlas.missing.REASONS`)
LEGEND_SLOTS = 7 + len(missing.REASONS)
#: Slots a map always assigns in full; the slots after them are assigned only when shown (else
#: one assignment hides them), so a map without special reasons sends no more than before.
LEGEND_SLOTS_ALWAYS = 8
#: Maps of levels below the Kreise only: the Kreis borders drawn on top, the last trace (after
#: the legend slots; see :attr:`atlas.levels.registry.Level.outline`)
OUTLINE_TRACE = LEGEND_TRACES_START + LEGEND_SLOTS

#: Roles of the map's traces, carried as ``meta: {"role": …}`` (legend slots also ``"slot"``).
#: Every assignment of :func:`patch_ops` starts with a role (or ``"layout"``), and the one
#: renderer of the page (``renderMap`` in assets/views.js) finds traces by it, never by their
#: position or name.
ROLE_AREAS = "areas"
ROLE_LEGEND = "legend"
ROLE_OUTLINE = "outline"  # Kreis borders over a map below the Kreise
ROLE_HALO = "halo"  # presentation: white halo under the selection's outline
ROLE_SELECTION = "selection"  # presentation: black outline of the selected areas
ROLE_LABELS = "labels"  # presentation: the district names
ROLES = (ROLE_AREAS, ROLE_LEGEND, ROLE_OUTLINE, ROLE_HALO, ROLE_SELECTION, ROLE_LABELS)

KREIS_LINE_WIDTH = 0.8  # borders between Kreise
KREIS_SELECTED_WIDTH = 3.5
GEMEINDE_LINE_WIDTH = 0.4  # white borders between Gemeinden
GEMEINDE_SELECTED_WIDTH = 2.5
KREIS_BORDER_COLOUR = "#404040"
KREIS_BORDER_WIDTH = 1.2


@dataclass(frozen=True)
class MapView:
    """Everything the map shows for one indicator and year, independent of drawing."""

    indicator_id: str
    year: int
    table: pd.DataFrame  # ags, name, kind, value, status, rank, class
    classes: Classes
    colours: tuple[str, ...]  # class colours, low → high value
    reference: Reference
    hover: tuple[str, ...]
    legend: tuple[tuple[str, str], ...]  # (label, colour), classes then why values are missing
    title: str
    source_line: str
    legend_title: str
    reference_text: str
    level: str = KREIS  # the level's id; below the Kreise the table has kreis, kreis_name
    #: Maps of :func:`map_view`: the hover is the fixed part in the GeoJSON (``properties.HOVER``)
    #: plus this template (indicator, year, unit, reference) and per row the value text (``text``)
    #: and the rank (``customdata``). Empty for change and cluster maps: they hover ``hover``.
    hover_template: str = ""
    hover_values: tuple[tuple[str, int | str], ...] = ()


@dataclass(frozen=True)
class Display:
    """How values become colours: classification scheme, class count, palette, manual breaks."""

    scheme: str = AUTO_SCHEME  # by the indicator (atlas.classify.scheme_for)
    k: int = 5
    palette: str | None = None  # None: by the indicator's polarity
    breaks: tuple[float, ...] = ()


def display_from_inputs(scheme: str | None, k: int | None, palette: str | None,
                        manual: str | None) -> Display:
    """Display options from the UI; bad manual bounds raise a German ValueParseError."""
    scheme = scheme or AUTO_SCHEME
    breaks = parse_breaks(manual) if scheme == "manual" else ()
    if scheme == "manual" and not breaks:
        scheme = AUTO_SCHEME  # nothing typed yet
    count = 5 if k in (None, "") else parse_int(k)  # one number parser (ASCII digits)
    if count is None:
        raise ValueParseError(f"Klassenzahl „{str(k)[:10]}“ ist keine ganze Zahl")
    return Display(scheme=scheme, k=count,
                   palette=None if palette in (None, "auto") else palette, breaks=breaks)


def _colours(classes: Classes, polarity: str, display: Display, centre: float) -> tuple[str, ...]:
    """Class colours; a diverging palette is centred on ``centre`` (the Thüringen reference)."""
    if classes.k == 0:
        return ()
    palette = display.palette
    if palette in palettes.DIVERGING and not math.isnan(centre):
        return tuple(palettes.diverging_centre_classes(classes.bounds, centre, polarity, palette))
    if palette in palettes.DIVERGING:
        palette = None
    if classes.k >= 3:
        return tuple(palettes.class_colours(polarity, classes.k, palette))
    return tuple(palettes.class_colours(polarity, 3, palette)[-classes.k:])


#: Characters per line of a long hover text (a doubted value's reason): the label stays narrower
#: than the map.
HOVER_WIDTH = 60


def _hover_value(value: float, status: str, decimals: int, unit: str) -> str:
    """The value for a hover label (``unit`` already made literal by the caller)."""
    status = plotly_text(status)  # a flag of an own file may be any text
    if math.isnan(value):
        text = missing.hover_text(status)  # the status and why ("Schutz kleiner Fallzahlen")
        if missing.reason_of(status) is missing.DOUBTFUL:  # source value, why, what it means
            text = "<br>".join("<br>".join(textwrap.wrap(part, HOVER_WIDTH))
                               for part in text.split(" – "))
        return text
    text = format_number(value, decimals, unit)
    return f"{text} ({status})" if status else text


def _legend(classes: Classes, colours, decimals: int, unit: str, table: pd.DataFrame) -> list:
    """The class entries, then one entry per reason of missing values that occurs ("geschützt
    (kleine Zahlen) (3)", "keine Daten (2)"; :mod:`atlas.missing`)."""
    legend = list(zip(classes.labels(decimals, unit), colours))
    gaps = table.loc[table[Col.VALUE].isna(), Col.STATUS] if Col.STATUS in table else \
        pd.Series([""] * int(table[Col.VALUE].isna().sum()))
    legend += [(f"{reason.label} ({n})", reason.colour) for reason, n in missing.counts(gaps)]
    return legend


def _with_reasons(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the column ``reason``: the :class:`atlas.missing.Reason` key of a missing
    value, "" for a value."""
    statuses = table[Col.STATUS] if Col.STATUS in table else pd.Series("", index=table.index)
    reasons = [missing.reason_of(s).key if math.isnan(v) else ""
               for v, s in zip(table[Col.VALUE].astype(float), statuses)]
    return table.assign(reason=reasons)


def _classified(data: AtlasData, ind, year: int, display: Display):
    """Table, reference, classes, colours, formatted reference of one indicator and year (any
    level) and the display as applied (the automatic scheme and palette resolved). Diverging palettes are centred on the reference; for counts (reference = Land total)
    on the median of the regions."""
    table = data.table(ind.id, year)
    reference = data.reference(ind.id, year)
    z_values = z_index(data.catalogue, ind)
    if display.palette is None and z_values:
        display = replace(display, palette=palettes.DEFAULT_DIVERGING)  # around 0 = average
    display = replace(display, scheme=scheme_for(display.scheme, z_values))
    classes = classify(table[Col.VALUE].to_numpy(), k=display.k, scheme=display.scheme,
                       breaks=list(display.breaks) or None)
    centre = reference.value if ind.kind == "rate" else float(table[Col.VALUE].median())
    colours = _colours(classes, ind.polarity, display, centre)
    table = table.assign(**{"class": classes.index})
    ref_text = reference.text(ind.decimals, ind.unit)
    return table, reference, classes, colours, ref_text, display


@per_data(maxsize=512)
def map_view(data: AtlasData, indicator_id: str, year: int, k: int = 5,
             display: Display | None = None) -> MapView:
    """Classes, colours, hover and legend of one map (cached: data never changes).

    Works for every level: for a Gemeinde indicator the table has every Gemeinde (ranks among
    the Gemeinden, "Rang 12 von 631"), the hover names Gemeinde and Kreis. The hover is the
    fixed part in the level's GeoJSON (``properties.HOVER``: name, kind, Kreis) plus
    :attr:`MapView.hover_template` (indicator, year, unit, reference) and per region the value
    text and rank (:attr:`MapView.hover_values`), so a change of year or indicator does not
    resend long texts. :attr:`MapView.hover` has the same texts in full (tests, screen readers).
    """
    display = display or Display(k=k)
    raw = data.indicator(indicator_id)  # title and source line: raw (escaped where drawn)
    ind = plotly_indicator(raw)  # every other text here goes into the figure
    table, reference, classes, colours, ref_text, display = _classified(data, ind, year,
                                                                        display)
    level = data.level_of(ind.level)
    heads = level.hover_heads
    n = len(table)
    note = rank_note(ind)
    # the unit goes into the template when every value is a plain number (no "keine Daten")
    plain = bool(table[Col.VALUE].notna().all() and (table[Col.STATUS] == "").all())
    unit = unit_suffix(ind.unit) if plain else ""
    values, hover = [], []
    for row in table.itertuples(index=False):
        value = _hover_value(row.value, row.status, ind.decimals, ind.unit)
        short = format_number(row.value, ind.decimals) if plain else value
        rank = int(row.rank) if not pd.isna(row.rank) else "–"
        values.append((short, rank))
        head = heads.get(row.ags, f"<b>{plotly_text(row.name)}</b>")
        hover.append(f"{head}<br>{ind.short_title} {year}: <b>{value}</b><br>"
                     f"Rang {rank} von {n} ({note})<br>{reference.label}: {ref_text}")
    template = (f"%{{properties.HOVER}}<br>{ind.short_title} {year}: <b>%{{text}}{unit}</b>"
                f"<br>Rang %{{customdata}} von {n} ({note})<br>{reference.label}: {ref_text}"
                "<extra></extra>")
    scheme = SCHEMES[display.scheme]
    return MapView(
        indicator_id=indicator_id,
        year=year,
        table=_with_reasons(table),
        classes=classes,
        colours=colours,
        reference=reference,
        hover=tuple(hover),
        legend=tuple(_legend(classes, colours, ind.decimals, ind.unit, table)),
        title=f"{raw.short_title} {year}",
        source_line=f"{data.catalogue.source_line(raw)} · {plotly_text(level.attribution)}",
        legend_title=f"{ind.unit_label}<br>{scheme}, {classes.k} Klassen",
        reference_text=f"{reference.label} {year}: <b>{ref_text}</b>",
        level=ind.level,
        hover_template=template,
        hover_values=tuple(values),
    )


@per_data(maxsize=256)
def change_view(data: AtlasData, indicator_id: str, year_from: int, year_to: int,
                k: int = 5) -> MapView:
    """Map of the change between two years: diverging palette centred on zero (no change)."""
    raw = data.indicator(indicator_id)
    ind = plotly_indicator(raw)
    table = analysis.change(data, indicator_id, year_from, year_to)
    values = table["change"].to_numpy(dtype=float)
    classes = classify(values, k=k)
    colours = _colours(classes, ind.polarity, Display(palette=palettes.DEFAULT_DIVERGING), 0.0)
    unit = plotly_text(table["change_unit"].iloc[0]) if len(table) else ind.unit
    short_unit = "Pp." if unit == analysis.PERCENTAGE_POINTS else ind.unit
    hover = []
    for row in table.itertuples(index=False):
        if math.isnan(row.change):
            text = MISSING_LABEL + f" (für {year_from} oder {year_to})"
        else:
            text = (f"{format_number(row.value_from, ind.decimals, ind.unit)} → "
                    f"{format_number(row.value_to, ind.decimals, ind.unit)}<br>"
                    f"Veränderung: <b>{plotly_text(row.change_text)}</b>")
        hover.append(f"<b>{row.name}</b><br>{row.kind}<br>{ind.short_title} "
                     f"{year_from}–{year_to}<br>{text}")
    reference = Reference(0.0, "keine Veränderung", "")
    changed = table.assign(value=values)
    return MapView(
        indicator_id=indicator_id,
        year=year_to,
        table=table.assign(value=values, rank=pd.NA, **{"class": classes.index}),
        classes=classes,
        colours=colours,
        reference=reference,
        hover=tuple(hover),
        legend=tuple(_legend(classes, colours, ind.decimals, short_unit, changed)),
        title=f"Veränderung {raw.short_title} {year_from}–{year_to}",
        source_line=(f"{data.catalogue.source_line(raw)} · "
                     f"{plotly_text(data.level_of(ind.level).attribution)}"),
        legend_title=f"Veränderung {year_from}–{year_to}<br>{analysis.difference_label(ind)}",
        reference_text=f"Farbmitte: keine Veränderung (0) · {ind.short_title}",
        level=ind.level,
    )


def categorical_view(table: pd.DataFrame, index: list[int], labels: list[str],
                     colours: list[str], hover: list[str], *, level: str, title: str,
                     source_line: str, legend_title: str, reference_text: str,
                     indicator_id: str = "", year: int = 0, scheme: str = "categories",
                     note: str = "", unassigned: str = "") -> MapView:
    """A map of categories (the kind of figure of the LISA clusters and the types of areas):
    one fill per category, the legend "label (count)" for each category that occurs; an area
    of ``index`` −1 has none and takes the fill of missing values, counted in the legend as
    ``unassigned`` ("keine Zuordnung (3)"). ``table`` has a row per area (``ags``, ``name``) in
    the order of ``index`` and ``hover``; ``labels`` and ``hover`` are drawn as given (already
    made literal for plotly)."""
    index = [int(i) for i in index]
    counts = tuple(index.count(i) for i in range(len(labels)))
    missing_count = index.count(-1)
    classes = Classes(scheme, len(labels), tuple(index), tuple((i, i) for i in range(len(labels))),
                      counts, missing_count, note)
    legend = [(f"{label} ({n})", colour) for label, n, colour in zip(labels, counts, colours) if n]
    if missing_count and unassigned:
        legend.append((f"{unassigned} ({missing_count})", missing.NO_DATA.colour))
    return MapView(
        indicator_id=indicator_id, year=year, table=table.assign(**{"class": index}),
        classes=classes, colours=tuple(colours), reference=Reference(float("nan"), "", ""),
        hover=tuple(hover), legend=tuple(legend), title=title, source_line=source_line,
        legend_title=legend_title, reference_text=reference_text, level=level,
    )


@per_data(maxsize=256)
def cluster_view(data: AtlasData, indicator_id: str, year: int) -> tuple[MapView, object]:
    """LISA cluster map (queen contiguity of our polygons) and the LISA result."""
    raw = data.indicator(indicator_id)
    ind = plotly_indicator(raw)
    table = data.table(indicator_id, year)
    result = spatial.lisa(table.set_index(Col.AGS)[Col.VALUE], spatial.contiguity(data.geojson))
    order = list(spatial.CLUSTER_ORDER)
    labels = [result.cluster[a] for a in table[Col.AGS]]
    hover = []
    for row, label in zip(table.itertuples(index=False), labels):
        p = result.p_sim.get(row.ags, float("nan"))
        p_text = f"p = {format_number(p, 3)}" if not math.isnan(p) else ""
        value = _hover_value(row.value, row.status, ind.decimals, ind.unit)
        hover.append(f"<b>{row.name}</b><br>{ind.short_title} {year}: {value}<br>"
                     f"Cluster: <b>{label}</b> {p_text}")
    moran = result.moran
    ref = (f"Moran's I = {format_number(moran.I, 2)}, p = {format_number(moran.p_sim, 3)}"
           if moran.computed else "Moran's I: nicht berechnet")
    view = categorical_view(
        table, [order.index(label) for label in labels], order,
        [spatial.CLUSTER_COLOURS[label] for label in order], hover, level=ind.level,
        title=f"Räumliche Cluster {raw.short_title} {year}",
        source_line=(f"{data.catalogue.source_line(raw)} · "
                     f"{plotly_text(data.level_of(ind.level).attribution)}"),
        legend_title="LISA-Cluster (α = 0,05)", reference_text=ref, indicator_id=indicator_id,
        year=year, scheme="lisa", note=result.note)
    return view, result


def types_view(data: AtlasData, types) -> MapView:
    """The map of the types of areas (:func:`atlas.composite.peers.area_types`): a colour per
    type (:data:`atlas.palettes.CATEGORY_COLOURS`), the legend names the types, areas without a
    type are "keine Zuordnung" in the fill of missing values; the hover names area and type
    (or what is missing)."""
    from atlas.composite.peers import UNASSIGNED

    level = data.level_of(types.level_id)
    table = level.areas[[Col.AGS, Col.NAME, "kind"]].set_index(Col.AGS).loc[list(types.keys)]
    table = table.reset_index()
    names = [plotly_text(name) for name in types.names]
    heads = level.hover_heads
    hover = [f"{heads.get(key) or f'<b>{name}</b>'}<br><b>{plotly_text(types.type_name(key))}</b>"
             for key, name in zip(types.keys, names)]
    labels = [legend_name(plotly_text(t.name)) for t in types.types]
    sources = "; ".join(dict.fromkeys(data.catalogue.source_line(data.indicator(i))
                                      for i in types.indicators))
    return categorical_view(
        table, [label - 1 for label in types.labels], labels,
        palettes.CATEGORY_COLOURS[:types.k], hover, level=types.level_id,
        title=f"{types.k} Typen der {plotly_text(level.title)}",
        source_line=f"{sources} · {plotly_text(level.attribution)}",
        legend_title="Typen (Ward, z-standardisiert)",
        reference_text=plotly_text(types.years_text), scheme="types", unassigned=UNASSIGNED)


def _discrete_colorscale(colours: list[str], special: bool = False) -> list[list]:
    """Stepwise colorscale for integer z = 0 (missing), 1..k; with ``special`` also the codes
    −3…−1 of the other reasons of missing values (:data:`atlas.missing.SPECIAL`)."""
    steps = [*(r.colour for r in reversed(missing.SPECIAL) if special),
             missing.NO_DATA.colour, *colours]
    n = len(steps)
    scale = []
    for i, colour in enumerate(steps):
        scale.append([i / n, colour])
        scale.append([(i + 1) / n, colour])
    return scale


def area_colours(view: MapView) -> dict[str, str]:
    """``{ags: fill}`` of the view's areas as the map fills them: the class colour, or the
    colour of the reason a value is missing (:mod:`atlas.missing`; the ranking's bars)."""
    reasons = {r.key: r.colour for r in missing.REASONS}
    rows = view.table
    why = rows["reason"] if "reason" in rows else [""] * len(rows)
    return {a: view.colours[c] if c >= 0 else reasons.get(r, missing.NO_DATA.colour)
            for a, c, r in zip(rows[Col.AGS], rows["class"], why)}


def _legend_update(view: MapView) -> list[dict]:
    legend = []
    for slot in range(LEGEND_SLOTS):
        if slot < len(view.legend):
            label, colour = view.legend[slot]
            legend.append({"name": label, "visible": True, "marker": {"color": colour}})
        else:
            legend.append({"name": "", "visible": False, "marker": {"color": "#ffffff"}})
    return legend


def kreis_filter(view: MapView, kreis: str | None = None) -> list[int]:
    """Row positions of ``view.table`` shown when a map below the Kreise is zoomed to ``kreis``:
    the areas in that current Kreis in table order; every row for ``None``, an unknown Kreis or a
    Kreis view. Pure: the page zooms by assigning the areas (role ``areas``) these rows only."""
    if not kreis or view.level == KREIS or "kreis" not in view.table:
        return list(range(len(view.table)))
    inside = np.flatnonzero(view.table["kreis"].to_numpy() == kreis)
    return inside.tolist() if len(inside) else list(range(len(view.table)))


def map_update(view: MapView, selected: list[str] | None = None,
               kreis: str | None = None) -> dict:
    """The part of the map figure that changes with indicator, year and selection.

    The full figure, the placement of :func:`map_placement` and the per-year frames of
    :func:`map_frames`
    are all built from this, so the geometry is sent once. Selected regions (AGS of the view's
    level) are drawn last with a thick outline.

    The hover travels as ``hovertemplate`` plus short value texts (``text``) and ranks
    (``customdata``) where the view has a template (:func:`map_view`), else as full texts.
    ``kreis`` (5-digit key of a current Kreis) restricts a view below the Kreise to the areas in
    that Kreis (the zoom, see :func:`kreis_filter`; the outline trace (role ``outline``) then
    needs :func:`kreis_outline` of the same Kreis); it has no effect on Kreis views.
    """
    rows = kreis_filter(view, kreis)
    all_ags = view.table[Col.AGS].tolist()
    chosen = set(selected or []) & {all_ags[i] for i in rows}
    order = sorted(rows, key=lambda i: all_ags[i] in chosen)  # stable: selected drawn last
    thin, thick = ((KREIS_LINE_WIDTH, KREIS_SELECTED_WIDTH) if view.level == KREIS
                   else (GEMEINDE_LINE_WIDTH, GEMEINDE_SELECTED_WIDTH))
    reasons = view.table["reason"].tolist() if "reason" in view.table else [""] * len(all_ags)
    protected = {i for i in order if reasons[i] == missing.PROTECTED.key}
    if chosen or protected:  # selected areas and protected ones (dark outline) stand out
        flags = [all_ags[i] in chosen for i in order]
        line = {"width": [thick if f else missing.PROTECTED_LINE_WIDTH if i in protected
                          else thin for f, i in zip(flags, order)],
                "color": [palettes.SELECTED_OUTLINE if f else missing.PROTECTED_OUTLINE
                          if i in protected else palettes.OUTLINE_COLOUR
                          for f, i in zip(flags, order)]}
    else:  # scalars: equal widths and colours need not travel per region
        line = {"width": thin, "color": palettes.OUTLINE_COLOUR}
    codes = {r.key: r.code for r in missing.REASONS}
    special = any(codes.get(r, 0) < 0 for r in reasons)
    if view.hover_template:
        hover = {"text": [view.hover_values[i][0] for i in order],
                 "customdata": [view.hover_values[i][1] for i in order],
                 "hovertemplate": view.hover_template}
    else:
        hover = {"text": [view.hover[i] for i in order],
                 "hovertemplate": "%{text}<extra></extra>"}
    return {
        "trace": {
            "locations": [all_ags[i] for i in order],
            # classes 1..k; a missing value the code of its reason (0 = keine Daten)
            "z": [view.classes.index[i] + 1 if view.classes.index[i] >= 0
                  else codes.get(reasons[i], 0) for i in order],
            "zmin": -0.5 - (len(missing.SPECIAL) if special else 0),
            "zmax": len(view.colours) + 0.5,
            "colorscale": _discrete_colorscale(list(view.colours), special),
            **hover,
            "marker": {"line": line},
        },
        "legend": _legend_update(view),
        "legend_title": view.legend_title,
        "reference_text": view.reference_text,
        "year": view.year,
    }


def patch_ops(update: dict, locations: bool = True) -> list[list]:
    """A :func:`map_update` (optionally with ``"outline"``) as ``[path, value]`` assignments on
    the map figure: the one description of what a map update changes, applied by the page's
    renderer (``renderMap`` in assets/views.js: frames of :func:`map_frames`, the placement of
    :func:`map_description`) and by :func:`apply_ops`. A path starts with a trace's role
    (:data:`ROLES`; legend slots then their slot number) or ``"layout"``: nothing names a trace
    by its position. ``locations=False`` leaves the regions' order alone (the frames: it changes
    only with level, zoom and selection)."""
    ops = []
    for key, value in update["trace"].items():
        if key == "locations" and not locations:
            continue
        path = [ROLE_AREAS, "marker", "line"] if key == "marker" else [ROLE_AREAS, key]
        ops.append([path, value["line"] if key == "marker" else value])
    for slot, item in enumerate(update["legend"]):
        if slot >= LEGEND_SLOTS_ALWAYS and not item["visible"]:
            ops.append([[ROLE_LEGEND, slot, "visible"], False])
            continue
        ops.append([[ROLE_LEGEND, slot, "name"], item["name"]])
        ops.append([[ROLE_LEGEND, slot, "visible"], item["visible"]])
        ops.append([[ROLE_LEGEND, slot, "marker", "color"], item["marker"]["color"]])
    ops.append([["layout", "legend", "title", "text"], update["legend_title"]])
    ops.append([["layout", "annotations", 0, "text"], update["reference_text"]])
    # the year the map shows: the page writes it into heading and title the moment the map is
    # drawn (assets/views.js), so map, slider and texts never show two years
    ops.append([["layout", "meta", "year"], update["year"]])
    if "outline" in update:
        ops.append([[ROLE_OUTLINE, "lon"], update["outline"]["lon"]])
        ops.append([[ROLE_OUTLINE, "lat"], update["outline"]["lat"]])
    return ops


def trace_roles(figure: dict) -> dict:
    """``{role: index}`` of a figure dict's traces by their ``meta.role`` (legend slots:
    ``{"legend": {slot: index}}``); what the page's renderer computes the same way."""
    roles: dict = {}
    for index, trace in enumerate(figure.get("data", [])):
        meta = trace.get("meta") if isinstance(trace, dict) else None
        role = meta.get("role") if isinstance(meta, dict) else None
        if role == ROLE_LEGEND:
            roles.setdefault(ROLE_LEGEND, {})[meta.get("slot")] = index
        elif role:
            roles[role] = index
    return roles


def apply_ops(figure: dict, ops: list[list]) -> dict:
    """A copy of ``figure`` with the assignments of :func:`patch_ops` made (paths by role); the
    containers along each path are copied, everything else (the geometry above all) is shared.
    Assignments to a role the figure lacks are skipped. What ``renderMap`` does in the page."""
    roles = trace_roles(figure)
    out = dict(figure)
    for path, value in ops:
        if path[0] == "layout":
            steps = list(path)
        elif path[0] == ROLE_LEGEND:
            index = roles.get(ROLE_LEGEND, {}).get(path[1])
            if index is None:
                continue
            steps = ["data", index, *path[2:]]
        elif path[0] in roles:
            steps = ["data", roles[path[0]], *path[1:]]
        else:
            continue
        parent = out
        for step in steps[:-1]:
            child = parent[step] if (isinstance(parent, list) or step in parent) else {}
            child = list(child) if isinstance(child, (list, tuple)) else dict(child)
            parent[step] = child
            parent = child
        parent[steps[-1]] = value
    return out


#: Below the Kreise the browser gets the frames of up to this many indicators of the level at
#: once, so switching between them needs no server round trip (such a level has few indicators;
#: Kreis indicators, 70+ with many years each, come one at a time).
PREFETCH_LEVEL_INDICATORS = 12


def level_frames(data: AtlasData, indicator_id: str, display: Display | None = None,
                 selected: list[str] | None = None, kreis: str | None = None) -> dict:
    """``{"sets": {indicator id: map_frames(...)}, "digest": …}``: the indicator's frames and, at
    levels below the Kreise, those of the level's other indicators
    (:data:`PREFETCH_LEVEL_INDICATORS`), with the same display, selection and zoom;
    ``digest`` names the content (the page sends frames only when the browser lacks them).
    Cached: treat the result as read-only."""
    return _level_frames(data, indicator_id, display or Display(), tuple(selected or ()), kreis)


@per_data(maxsize=256)
def _level_frames(data: AtlasData, indicator_id: str, display: Display, selected: tuple,
                  kreis: str | None) -> dict:
    ids = [indicator_id]
    level = data.level(indicator_id)
    if level != KREIS:
        others = [i.id for i in data.available_indicators(level=level) if i.id != indicator_id]
        ids += sorted(others)[: PREFETCH_LEVEL_INDICATORS - 1]
    sets = {i: map_frames(data, i, display, list(selected), kreis) for i in ids}
    digest = hashlib.sha1(json.dumps(sets, sort_keys=True).encode()).hexdigest()[:16]
    return {"sets": sets, "digest": digest}


#: Width of a character of the screen map's legend (14 px font), in px, rounded up
LEGEND_CHAR_PX = 8.0


def legend_width_ops(years_ops) -> list:
    """Ops giving every legend entry of the screen map the width of the longest entry name
    of any year (``years_ops``: each year's :func:`patch_ops`). The legend's rows then stay
    from year to year: plotly sizes the bottom margin to the legend, and a margin that
    changes moves the map and draws it anew (at 1,050 areas ≈ 50 ms of a year step)."""
    names = [value for ops in years_ops for path, value in ops
             if path[0] == "legend" and path[-1] == "name" and isinstance(value, str)]
    if not names:
        return []
    width = math.ceil(max(len(name) for name in names) * LEGEND_CHAR_PX)
    return [[["layout", "legend", "entrywidthmode"], "pixels"],
            [["layout", "legend", "entrywidth"], width]]


def map_frames(data: AtlasData, indicator_id: str, display: Display | None = None,
               selected: list[str] | None = None, kreis: str | None = None) -> dict:
    """Every year of an indicator as map patches for the browser, so a change of year repaints
    without asking the server: ``{"indicator", "years": [...], "base": ops, "frames": {year:
    ops}}`` (:func:`patch_ops` without locations). ``base`` holds the assignments equal in all
    years (template parts, outlines, often colours and legend), each frame only the rest."""
    display = display or Display()
    years = data.years(indicator_id)
    per_year = {year: patch_ops(map_update(map_view(data, indicator_id, year, display=display),
                                           selected, kreis), locations=False)
                for year in years}
    first = per_year[years[0]] if years else []
    common = [i for i, op in enumerate(first)
              if all(len(ops) > i and ops[i] == op for ops in per_year.values())]
    keep = set(common)
    return {
        "indicator": indicator_id,
        "years": list(years),
        "base": legend_width_ops(per_year.values()) + [first[i] for i in common],
        "frames": {str(year): [op for i, op in enumerate(ops) if i not in keep]
                   for year, ops in per_year.items()},
    }


#: Where the page puts the parts of a map around its areas (:func:`on_screen`): the reference
#: value in a band above the map, where the toolbar's few buttons sit on the right; the legend
#: in a band below the map (plotly widens the bottom margin to fit its rows), its title above
#: the classes (with the title at its side plotly wraps the classes without counting the title
#: and cuts one off at the graph's edge). Nothing covers an area or the reference, at any width. (The export and presentation mode place them
#: themselves.)
SCREEN_TOP = 34  # px: the reference (one line) and the toolbar above the map
SCREEN_LAYOUT = {
    "margin": {"l": 0, "r": 0, "t": SCREEN_TOP, "b": 0},
    "legend": {"orientation": "h", "x": 0.0, "y": 0.0, "xanchor": "left", "yanchor": "top",
               "title": {"side": "top"}, "bgcolor": "rgba(255,255,255,0)"},
}
SCREEN_REFERENCE = {"x": 0.0, "y": 1.0, "xanchor": "left", "yanchor": "bottom",
                    "yshift": 4, "bgcolor": "rgba(255,255,255,0)"}


def on_screen(fig: go.Figure) -> go.Figure:
    """A map of :func:`choropleth` placed for the page: legend below and reference above the
    areas (:data:`SCREEN_LAYOUT`). Returns the same figure."""
    fig.update_layout(SCREEN_LAYOUT)
    if fig.layout.annotations:
        fig.layout.annotations[0].update(SCREEN_REFERENCE)
    return fig


# --- names on the map: placed so that no two collide ------------------------------------------

#: stands in for the geometry while a screen figure is built (see :func:`screen_figure`)
_NO_GEOMETRY = {"type": "FeatureCollection", "features": []}


@per_data(maxsize=32)
def screen_figure(data: AtlasData, indicator_id: str, year: int, display: Display | None = None,
                  selected: tuple[str, ...] = (), kreis: str | None = None,
                  geometry_url: str | None = None) -> dict:
    """The map for the page (any level) as a plain figure dict. It is built without its
    geometry, which then goes in as the very same object, or as ``geometry_url`` (plotly.js
    fetches it once; the browser keeps it): plotly would validate and copy the GeoJSON on every
    build (≈ 0.4 s for the 631 Gemeinden). Cached (a level switch of many users asks for the
    same few maps): treat the result as read-only."""
    view = map_view(data, indicator_id, year, display=display or Display())
    fig = choropleth(data, view, list(selected), geojson=_NO_GEOMETRY, kreis=kreis)
    out = on_screen(fig).to_plotly_json()
    out["data"][MAP_TRACE]["geojson"] = geometry_url or data.level_geojson(view.level)
    return out


# --- the map description: everything the page's one renderer draws -----------------------------

#: Names of the presentation traces (the name is a label only: the page finds them by role):
#: white halo and black line around the selected districts, then the district names on top.
OVERLAY_NAMES = ("Präsentation: Auswahl (Rand)", "Präsentation: Auswahl",
                 "Präsentation: Kreisnamen")
TEXT_COLOUR = "#000000"
HALO_COLOUR = "#ffffff"
#: px of the selection's black line (on a white halo 4 px wider): clear, yet thin enough to
#: leave the name of a small city inside it readable
OUTLINE_WIDTH = 4
PRESENT_FONT = 22  # px: legend, hover and map texts in presentation mode (at least 20)
PRESENT_REFERENCE_FONT = 24
#: Left part of the map area kept free for the legend in presentation mode.
PRESENT_LEGEND_SHARE = 0.24


def overlay_traces() -> list[dict]:
    """The presentation traces (plotly JSON) without coordinates, invisible: the renderer fills
    and shows them in presentation mode (:data:`ROLE_HALO`, :data:`ROLE_SELECTION`,
    :data:`ROLE_LABELS`)."""
    from atlas.labels import LABEL_SIZE

    common = {"hoverinfo": "skip", "showlegend": False, "visible": False, "lon": [], "lat": []}
    traces = [
        go.Scattergeo(name=OVERLAY_NAMES[0], mode="lines", meta={"role": ROLE_HALO},
                      line={"color": HALO_COLOUR, "width": OUTLINE_WIDTH + 4}, **common),
        go.Scattergeo(name=OVERLAY_NAMES[1], mode="lines", meta={"role": ROLE_SELECTION},
                      line={"color": TEXT_COLOUR, "width": OUTLINE_WIDTH}, **common),
        go.Scattergeo(name=OVERLAY_NAMES[2], mode="text", text=[], meta={"role": ROLE_LABELS},
                      textfont={"family": FONT, "size": LABEL_SIZE, "color": TEXT_COLOUR,
                                "weight": "bold"}, **common),
    ]
    return [t.to_plotly_json() for t in traces]


#: Bottom part of the graph kept free for the reference value in presentation mode on maps
#: below the Kreise: an own level's reference ("Summe der Gebiete (Sozialräume …)") is long and
#: would cover the southern areas (the Kreis map is fitted beside it, :func:`present_fit`).
PRESENT_REFERENCE_SHARE = 0.08


def present_style(below: bool = False) -> list[list]:
    """``[path, value]`` assignments (:func:`patch_ops` paths) for the map in presentation mode:
    large black type, opaque legend (top left) and reference value (bottom left) beside the map,
    hover as large as the legend. (The renderer scales the font sizes with the screen height.)"""
    box = {"bgcolor": "#ffffff", "bordercolor": TEXT_COLOUR, "borderwidth": 1}
    font = {"family": FONT, "size": PRESENT_FONT, "color": TEXT_COLOUR}
    return [
        [["layout", "font"], font],
        [["layout", "legend", "font"], font],
        [["layout", "legend", "title", "font"], font],
        [["layout", "legend", "orientation"], "v"],
        [["layout", "legend", "title", "side"], "top"],
        [["layout", "legend", "x"], 0.0],
        [["layout", "legend", "y"], 1.0],
        [["layout", "legend", "xanchor"], "left"],
        [["layout", "legend", "yanchor"], "top"],
        [["layout", "legend", "bgcolor"], box["bgcolor"]],
        [["layout", "legend", "bordercolor"], box["bordercolor"]],
        [["layout", "legend", "borderwidth"], box["borderwidth"]],
        [["layout", "legend", "tracegroupgap"], 4],
        [["layout", "hoverlabel", "font"], {"family": FONT, "size": PRESENT_FONT}],
        [["layout", "annotations", 0, "font"],
         {"family": FONT, "size": PRESENT_REFERENCE_FONT, "color": TEXT_COLOUR}],
        [["layout", "annotations", 0, "bgcolor"], box["bgcolor"]],
        [["layout", "annotations", 0, "bordercolor"], box["bordercolor"]],
        [["layout", "annotations", 0, "borderwidth"], box["borderwidth"]],
        [["layout", "annotations", 0, "borderpad"], 6],
        [["layout", "annotations", 0, "x"], 0.0],
        [["layout", "annotations", 0, "y"], 0.0],
        [["layout", "annotations", 0, "xanchor"], "left"],
        [["layout", "annotations", 0, "yanchor"], "bottom"],
        [["layout", "annotations", 0, "yshift"], 0],
        [["layout", "geo", "domain"], {"x": [PRESENT_LEGEND_SHARE, 1.0],
                                       "y": [PRESENT_REFERENCE_SHARE if below else 0.0, 1.0]}],
        [["layout", "margin"], {"l": 8, "r": 8, "t": 8, "b": 8}],
    ]


def present_fit(box: tuple[float, float, float, float]) -> list[list]:
    """The whole of Thüringen fitted to ``box`` (west, south, east, north) instead of plotly's
    ``fitbounds``, which leaves a wide margin once text traces are on the map. Only for the
    Kreis map: a map that zooms by its locations (the areas of one Kreis) keeps ``fitbounds``."""
    west, south, east, north = box
    return [
        [["layout", "geo", "fitbounds"], False],
        [["layout", "geo", "lonaxis", "range"], [west, east]],
        [["layout", "geo", "lataxis", "range"], [south, north]],
        [["layout", "geo", "center"], {"lon": round((west + east) / 2, 4),
                                       "lat": round((south + north) / 2, 4)}],
    ]


def _value_at(tree, path: list):
    for key in path:
        if isinstance(tree, dict):
            tree = tree.get(key)
        elif isinstance(tree, (list, tuple)) and isinstance(key, int) and key < len(tree):
            tree = tree[key]
        else:
            return None
    return tree


def normal_style(figure: dict, ops: list[list]) -> list[list]:
    """The assignments of ``ops`` (layout paths) with the values of the normal map ``figure``
    (``None``: plotly's default; the map's domain: all of the graph): leaving presentation mode
    sets them, since plotly keeps the view of the map (``uirevision``) where they are left out.
    So :func:`choropleth` stays the one place of the normal look."""
    out = []
    for path, _ in ops:
        current = _value_at(figure, path)
        if path == ["layout", "geo", "domain"] and current is None:
            current = {"x": [0.0, 1.0], "y": [0.0, 1.0]}
        out.append([path, current])
    return out


def selection_outline(data: AtlasData, level_id: str, selected: list[str] | tuple = ()) -> dict:
    """``{"lon": [...], "lat": [...]}`` of the outer rings of the ``selected`` areas of a level
    (each ring closed by ``None``): the presentation's outline of the selection."""
    wanted = set(selected or ())
    lon: list = []
    lat: list = []
    if not wanted:
        return {"lon": lon, "lat": lat}
    for feature in data.level_geojson(level_id)["features"]:
        if (feature.get("properties") or {}).get("AGS") not in wanted:
            continue
        geometry = feature.get("geometry") or {}
        polygons = (geometry.get("coordinates") or [] if geometry.get("type") == "MultiPolygon"
                    else [geometry.get("coordinates")] if geometry.get("type") == "Polygon"
                    else [])
        for polygon in polygons:
            for point in (polygon or [[]])[0]:
                lon.append(point[0])
                lat.append(point[1])
            lon.append(None)
            lat.append(None)
    return {"lon": lon, "lat": lat}


def shown_labels(data: AtlasData, kreise: set[str] | None = None) -> dict:
    """The district names for the map (:func:`atlas.labels.kreis_labels`: places for several
    font-size-to-scale ratios): all, or those of the Kreise in ``kreise`` (a map below the
    Kreise names the Kreise its areas lie in: a map zoomed to a Kreis only that one)."""
    from atlas.labels import kreis_labels

    labels = kreis_labels(data)
    if kreise is None:
        return labels
    keep = [a in kreise for a in labels["ags"]]

    def pick(values):
        return [v for v, k in zip(values, keep) if k]

    return {"lon": pick(labels["lon"]), "lat": pick(labels["lat"]), "text": pick(labels["text"]),
            "ags": pick(labels["ags"]),
            "variants": [{"ratio": v["ratio"], "lon": pick(v["lon"]), "lat": pick(v["lat"]),
                          "text": pick(v["text"])} for v in labels.get("variants", [])]}


def map_placement(data: AtlasData, view: MapView, selected: list[str] | tuple = (),
                  kreis: str | None = None) -> dict:
    """What changes with the zoom and the selection, not with the year: ``update`` (the areas'
    order, below the Kreise the Kreis outline: :func:`patch_ops` assignments) and the overlays
    of presentation mode (outline of the selection, names). The Kreise the selection names are
    outlined on the Kreis map only."""
    below = view.level != KREIS
    outlined = [] if below else list(selected or ())
    update = zoom_update(data, view, kreis) if below else map_update(view, outlined)
    ops = [op for op in patch_ops(update) if op[0][0] in (ROLE_AREAS, ROLE_OUTLINE)
           and op[0][-1] in ("locations", "lon", "lat")]
    kreise = None
    names = None
    if below:
        from atlas.labels import MAX_NAMED_AREAS, level_labels

        rows = kreis_filter(view, kreis)
        level = data.level_of(view.level)
        if len(level) <= MAX_NAMED_AREAS:  # a small level: its areas' names, as the Kreise
            names = level_labels(level, tuple(sorted(view.table[Col.AGS].iloc[rows])))
        kreise = (set(view.table["kreis"].iloc[rows].dropna()) if "kreis" in view.table
                  else set())
    return {"update": ops,
            "selection": selection_outline(data, view.level, outlined),
            "labels": names or shown_labels(data, kreise)}


def map_description(data: AtlasData, indicator_id: str, year: int,
                    display: Display | None = None, selected: tuple[str, ...] = (),
                    kreis: str | None = None, geometry_url: str | None = None,
                    frames: bool = True) -> dict:
    """The one description of the map the page's renderer (``renderMap``, assets/views.js)
    draws; the server sends it whole with a new level and patches its parts otherwise:

    ``indicator``  the indicator the description was made for (drawn while the frames of the
                   one chosen are on their way)
    ``level``      the level's id
    ``figure``     the screen figure of ``indicator_id`` in ``year`` (:func:`screen_figure`:
                   geometry inline or by ``geometry_url``), plus the presentation traces
                   (:func:`overlay_traces`); every trace tagged with ``meta.role``
    ``update``     assignments applied to ``figure`` first (zoom and selection changed since)
    ``frames``     :func:`level_frames` (every year of the level's indicators); ``{}`` when
                   ``frames=False`` (the page's first figure: the server sends them)
    ``overlays``   presentation mode: ``present`` and ``fit`` (assignments; ``fit`` on the Kreis
                   map only), ``normal`` (the same paths with the normal map's values, set in
                   normal mode), ``selection`` (outline of the selected Kreise) and ``labels``
                   (names, places per font-size-to-scale ratio: of the areas shown where the
                   level is small, :data:`atlas.labels.MAX_NAMED_AREAS` areas at most, as on
                   exported maps; else of the Kreise the areas shown lie in)

    Pure (no Dash). Composing it is :func:`compose` (here) and ``renderMap`` (the page)."""
    from atlas.labels import kreis_bounds

    display = display or Display()
    view = map_view(data, indicator_id, year, display=display)
    below = view.level != KREIS
    outlined = () if below else tuple(selected or ())
    base = screen_figure(data, indicator_id, year, display, outlined, kreis, geometry_url)
    placement = map_placement(data, view, outlined, kreis)
    present = present_style(below)
    fit = [] if below else present_fit(kreis_bounds(data))
    return {
        "indicator": indicator_id,
        "level": view.level,
        "figure": {**base, "data": [*base["data"], *overlay_traces()]},
        "update": [],
        "frames": level_frames(data, indicator_id, display, list(outlined), kreis) if frames
        else {},
        "overlays": {
            "present": present,
            "fit": fit,
            "normal": normal_style(base, present + fit),
            "selection": placement["selection"],
            "labels": placement["labels"],
        },
    }


def compose(description: dict, indicator: str | None = None, year: int | None = None,
            presenting: bool = False, names: bool = True) -> dict:
    """The figure a description shows for ``indicator`` in ``year``, in normal or presentation
    mode, with or without names (label places: the widest variant; no font scaling): what
    ``renderMap`` draws, for tests and for the page's first figure."""
    ops = list(description.get("update") or [])
    sets = (description.get("frames") or {}).get("sets") or {}
    frames = sets.get(indicator) or sets.get(description.get("indicator"))
    if frames and str(year) in frames["frames"]:
        ops += frames["base"] + frames["frames"][str(year)]
    overlays = description.get("overlays") or {}
    if not presenting:
        ops += overlays.get("normal", [])
    else:
        ops += overlays.get("present", []) + overlays.get("fit", [])
        selection = overlays.get("selection") or {"lon": [], "lat": []}
        shown = bool(selection["lon"])
        for role in (ROLE_HALO, ROLE_SELECTION):
            ops += [[[role, "lon"], selection["lon"]], [[role, "lat"], selection["lat"]],
                    [[role, "visible"], shown]]
        labels = overlays.get("labels") or {}
        place = (labels.get("variants") or [labels])[-1]
        ops += [[[ROLE_LABELS, key], place.get(key, [])] for key in ("lon", "lat", "text")]
        ops.append([[ROLE_LABELS, "visible"], bool(names)])
    return apply_ops(description["figure"], ops)


def choropleth(data: AtlasData, view: MapView, selected: list[str] | None = None,
               height: int = 560, geojson: dict | None = None,
               kreis: str | None = None) -> go.Figure:
    """The map of a view at its level: discrete classes, legend with class bounds and "keine
    Daten", hover with German numbers, rank and the reference, ``selected`` areas outlined.

    Every trace carries its role in ``meta`` (:data:`ROLES`). In order: the areas (geometry:
    the level's, sent once with the figure), the legend slots (so the same assignments of
    :func:`map_update` apply at every level). Below the Kreise the last trace (role
    ``outline``) draws the Kreis borders; with ``kreis`` only
    the areas in that Kreis are located and the borders are that Kreis's outline, so
    ``fitbounds`` zooms to it.
    """
    level = data.level_of(view.level)
    update = map_update(view, selected, kreis)
    fig = go.Figure()
    fig.add_trace(
        go.Choropleth(
            geojson=level.geojson if geojson is None else geojson,
            featureidkey="properties.AGS",
            showscale=False,
            name=level.title,
            showlegend=False,
            meta={"role": ROLE_AREAS},
            **update["trace"],
        )
    )
    _add_legend_and_layout(fig, update, height)
    if level.outline is not None:
        outline = kreis_outline(data, view.level, kreis)
        fig.add_trace(
            go.Scattergeo(
                lon=outline["lon"], lat=outline["lat"], mode="lines", name="Kreisgrenzen",
                line={"color": KREIS_BORDER_COLOUR, "width": KREIS_BORDER_WIDTH},
                hoverinfo="skip", showlegend=False, meta={"role": ROLE_OUTLINE},
            )
        )
        fig.update_layout(uirevision=f"map-{view.level}")
    return fig


def zoom_update(data: AtlasData, view: MapView, kreis: str | None = None,
                selected: list[str] | None = None) -> dict:
    """:func:`map_update` of a view below the Kreise zoomed to ``kreis`` (``None``: all of
    Thuringia) plus ``"outline"``, the lon/lat of the outline trace: everything the page needs
    to zoom without resending the level's geometry."""
    update = map_update(view, selected, kreis)
    known = view.level != KREIS and kreis in set(view.table["kreis"])
    update["outline"] = kreis_outline(data, view.level, kreis if known else None)
    return update


@per_data(maxsize=1)
def _outline_lines(level) -> dict:
    """The level's outline borders per key (:func:`atlas.geo.boundary_lines`)."""
    collection, property_key = level.outline
    return geo.boundary_lines(collection, property_key)


def kreis_outline(data: AtlasData, level_id: str, kreis: str | None = None) -> dict:
    """``{"lon": [...], "lat": [...]}`` of the Kreis borders for the outline trace of a map
    below the Kreise: all borders (each shared border once) or, with ``kreis``, that Kreis's
    outline (:attr:`~atlas.levels.registry.Level.outline`; on the Gemeinde map the unions of
    the Gemeinden per current Kreis, so they follow the Gemeinde polygons exactly).

    The borders are computed once per level object (the built levels' objects are shared by
    the data with and without own indicators).
    """
    level = data.level_of(level_id)
    outline = level.outline
    if outline is None:
        return {"lon": [], "lat": []}
    lines = _outline_lines(level)
    if kreis is not None and kreis in lines:
        lon, lat = lines[kreis]
    elif level.own:  # an own level shows the Kreise it lies in, so the map fits its areas
        lon, lat = [], []
        for key in sorted(set(level.areas["kreis"]) - {""}):
            if key in lines:
                lon += ([None] if lon else []) + list(lines[key][0])
                lat += ([None] if lat else []) + list(lines[key][1])
    else:
        lon, lat = lines[None]
    return {"lon": lon, "lat": lat}


def _add_legend_and_layout(fig: go.Figure, update: dict, height: int) -> None:
    for slot, item in enumerate(update["legend"]):
        fig.add_trace(
            go.Scattergeo(
                lon=[None], lat=[None], mode="markers", hoverinfo="skip", showlegend=True,
                name=item["name"], visible=item["visible"],
                meta={"role": ROLE_LEGEND, "slot": slot},
                marker={"symbol": "square", "size": 16, "color": item["marker"]["color"],
                        "line": {"color": "#666", "width": 0.5}},
            )
        )
    fig.update_layout(
        template="none",  # no 7 KB default template in every figure sent to the browser
        height=height,
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        separators=SEPARATORS,
        font={"family": FONT, "size": 14},
        dragmode=False,
        geo={
            "fitbounds": "locations",
            "visible": False,
            "projection": {"type": "mercator"},
            "bgcolor": "rgba(0,0,0,0)",
        },
        legend={
            "title": {"text": update["legend_title"]},
            "x": 0.0, "y": 0.02, "xanchor": "left", "yanchor": "bottom",
            "bgcolor": "rgba(255,255,255,0.85)", "itemclick": False, "itemdoubleclick": False,
        },
        annotations=[
            {
                "text": update["reference_text"],
                "x": 1.0, "y": 1.0, "xref": "paper", "yref": "paper", "xanchor": "right",
                "yanchor": "top", "showarrow": False, "font": {"size": 14},
                "bgcolor": "rgba(255,255,255,0.85)",
            }
        ],
        paper_bgcolor="white",
        uirevision="map",
        meta={"year": update["year"]},
    )


def legend_name(name: str | None, width: int = 44) -> str | None:
    """A legend entry broken into lines of at most about ``width`` characters (at spaces), so a
    long name (an own level's sum of its areas) stays inside the chart."""
    if not name or len(name) <= width:
        return name
    lines, line = [], ""
    for word in name.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "<br>".join(lines + [line])


def year_marker(year: int | None) -> dict:
    """Shading of the year shown on the map (always the first shape of the time series)."""
    x = year if year is not None else 0
    return {"type": "rect", "x0": x - 0.4, "x1": x + 0.4, "y0": 0, "y1": 1, "yref": "paper",
            "fillcolor": "rgba(0,0,0,0.06)", "line": {"width": 0}, "layer": "below",
            "visible": year is not None}


def timeseries_figure(data: AtlasData, indicator_id: str, selected: list[str],
                      year: int | None = None) -> dict:
    """:func:`timeseries` for the page as a figure dict: built once per indicator and selection
    (cached; treat as read-only), the year shading set per call (the first shape)."""
    base = _timeseries_json(data, indicator_id, tuple(selected))
    shapes = [year_marker(year), *base["layout"].get("shapes", [])[1:]]
    return {**base, "layout": {**base["layout"], "shapes": shapes}}


@per_data(maxsize=256)
def _timeseries_json(data: AtlasData, indicator_id: str, selected: tuple[str, ...]) -> dict:
    return timeseries(data, indicator_id, list(selected)).to_plotly_json()


@dataclass(frozen=True)
class SeriesLine:
    """One line of a time series: an area of the indicator's level (``parent=""``) or the
    area a selected one lies in (``parent`` = the key of that area; ``derived``: its values are
    the sum of its areas, :meth:`AtlasData.rolled_up_table`)."""

    key: str
    name: str
    rows: pd.DataFrame  # year, value, status
    parent: str = ""
    derived: bool = False


def series_lines(data: AtlasData, indicator_id: str,
                 selected: list[str]) -> tuple[list[SeriesLine], list[str]]:
    """The lines of a time series of ``selected`` (keys of the indicator's level; below the
    Kreise also Kreis keys, drawn as parents; others are left out) and notes: each area followed by its parent, the Kreis it lies in, where the
    level nests in Kreise – with the indicator's own values for that Kreis where it has them,
    else for a count the sum of the Kreis's areas of the level (years with a missing or
    protected part are gaps, never a smaller number); a rate is never summed: a note says
    that the Kreis's value cannot be derived."""
    ind = data.indicator(indicator_id)
    level = data.level_of(ind.level)
    wanted = list(dict.fromkeys(selected or ()))
    with_values = set(data.series(indicator_id, wanted).dropna(subset=[Col.VALUE])[Col.AGS])
    keys = set(level.keys)
    chosen = [k for k in wanted if k in keys or (k in with_values and not level.parent)]
    series = data.series(indicator_id, chosen)
    lines, notes = [], []
    columns = [Col.YEAR, Col.VALUE, Col.STATUS]
    kreise = level.areas.set_index(Col.AGS)["kreis"] if level.parent == KREIS else None
    parents: list[str] = []
    for key in chosen:
        rows = series[series[Col.AGS] == key]
        lines.append(SeriesLine(key, data.region_name(key), rows[columns]))
        doubted = rows[rows[Col.VALUE].isna() & rows[Col.STATUS].map(is_flagged)]
        if not doubted.empty:
            years = ", ".join(str(int(y)) for y in doubted[Col.YEAR])
            notes.append(f"{data.region_name(key)} {years}: Quellwert auffällig (Quelle prüfen), "
                         "als Lücke gezeigt – Wert und Grund im Tooltip der Karte und in der "
                         "Tabelle.")
        parent = str(kreise.get(key, "") or "") if kreise is not None else ""
        if parent and parent not in parents:
            parents.append(parent)
    top = data.level_of(KREIS)
    if kreise is not None:  # Kreise chosen themselves: their lines without their areas
        parents += [k for k in wanted if k in set(top.keys) and k not in parents]
    for parent in parents:
        name = top.name(parent) or parent
        own_rows = data.series(indicator_id, [parent]).dropna(subset=[Col.VALUE])
        if not own_rows.empty:
            lines.append(SeriesLine(parent, name, own_rows[columns], parent=parent))
            continue
        if ind.kind != "count":
            notes.append(f"{name}: Wert des Kreises nicht aus den {level.title} ableitbar "
                         "(Quoten werden nicht summiert).")
            continue
        rows = _rolled_up_series(data, indicator_id, parent)
        if rows is None:
            notes.append(f"{name}: Wert des Kreises nicht aus den {level.title} ableitbar "
                         f"(nicht alle {level.title} liegen ganz im Kreis).")
            continue
        lines.append(SeriesLine(parent, f"{name} (Summe der {level.title})", rows,
                                parent=parent, derived=True))
        gaps = rows[rows[Col.VALUE].isna()]
        if not gaps.empty:
            years = ", ".join(str(int(y)) for y in gaps[Col.YEAR])
            notes.append(f"{name} {years}: {gaps[Col.STATUS].iloc[0]} (ein Teil fehlt oder ist "
                         "geschützt).")
    return lines, notes


def _rolled_up_series(data: AtlasData, indicator_id: str, kreis: str) -> pd.DataFrame | None:
    """``year, value, status`` of the indicator's counts summed into Kreis ``kreis`` over all
    years; ``None`` where the level's areas do not make up that Kreis."""
    from atlas.levels.rollup import RollupError

    rows = []
    for year in data.years(indicator_id):
        try:
            table = data.rolled_up_table(indicator_id, year, KREIS)
        except RollupError:
            return None
        row = table[table[Col.AGS] == kreis]
        if row.empty or (row[Col.VALUE].isna().all()
                         and row[Col.STATUS].iloc[0].startswith("nicht aus")):
            return None
        rows.append((year, float(row[Col.VALUE].iloc[0]), str(row[Col.STATUS].iloc[0])))
    return pd.DataFrame(rows, columns=[Col.YEAR, Col.VALUE, Col.STATUS])


#: Height of the page's time series in px (its place keeps it before the graph is drawn)
TIMESERIES_HEIGHT = 380


def timeseries(data: AtlasData, indicator_id: str, selected: list[str],
               year: int | None = None, height: int = TIMESERIES_HEIGHT) -> go.Figure:
    """Time series of the selected areas against the reference, with series breaks.

    At every level: the selected areas of the indicator's level, below the Kreise each followed
    by the Kreis it lies in (:func:`series_lines`: its own values or, for counts, the sum of its
    areas; dashed in the area's colour), then the level's reference. The reference lines are
    named and styled by what they are (:meth:`AtlasData.reference`: official total, sum or
    median of the areas). For counts with areas selected the reference (the total) has its own
    right-hand axis, titled by its name. ``layout.meta.notes``: series breaks and parents whose
    value cannot be derived; ``layout.meta.caveat``: why the years must not be compared ("" when
    they may be, :func:`atlas.catalogue.over_time_problem`).
    """
    ind = plotly_indicator(data.indicator(indicator_id))
    fig = go.Figure()
    lines, line_notes = series_lines(data, indicator_id, selected)
    areas = 0
    parent_colour: dict[str, str] = {}  # a parent is drawn in the colour of its first area
    kreis_of = (data.level_of(ind.level).areas.set_index(Col.AGS)["kreis"].to_dict()
                if any(line.parent for line in lines) else {})
    for line in lines:
        if line.parent:
            colour = parent_colour.get(line.parent, palettes.REFERENCE_COLOUR)
        else:
            colour = palettes.SERIES_COLOURS[areas % len(palettes.SERIES_COLOURS)]
            areas += 1
            parent_colour.setdefault(kreis_of.get(line.key, ""), colour)
        rows = line.rows
        name = plotly_text(line.name)
        fig.add_trace(
            go.Scatter(
                x=rows[Col.YEAR], y=rows[Col.VALUE], mode="lines+markers", name=name,
                line={"color": colour, "width": 2.5 if not line.parent else 2,
                      **({"dash": "dashdot"} if line.parent else {})},
                marker={"symbol": "square" if line.parent else "circle"},
                customdata=[[line.key]] * len(rows),
                meta={"parent": line.parent, "derived": line.derived} if line.parent else None,
                hovertemplate=f"{name} %{{x}}: %{{y:,.{ind.decimals}f}}{unit_suffix(ind.unit)}"
                              "<extra></extra>",
                connectgaps=False,
            )
        )
    selected = [line.key for line in lines if not line.parent]
    ref = data.reference_series(indicator_id)
    count = ind.kind == "count"
    for basis, part in ref.groupby(Col.BASIS, sort=False):
        if basis == "":
            continue
        label = part["label"].iloc[0]
        style = palettes.REFERENCE_STYLES.get(basis, palettes.REFERENCE_STYLES["median"])
        fig.add_trace(
            go.Scatter(
                x=part[Col.YEAR], y=part[Col.VALUE], mode="lines+markers", name=label,
                **style, legendgroup="reference", meta={"reference": basis},
                yaxis="y2" if count and selected else "y",
                hovertemplate=f"{label} %{{x}}: %{{y:,.{ind.decimals}f}}{unit_suffix(ind.unit)}"
                              "<extra></extra>",
            )
        )
    shapes, notes = [year_marker(year)], []
    for break_year, label in data.breaks(indicator_id, selected):
        shapes.append({"type": "line", "x0": break_year - 0.5, "x1": break_year - 0.5, "y0": 0,
                       "y1": 1, "yref": "paper", "line": {"color": "#8a6d00", "dash": "dot"}})
        notes.append(f"Bruch {break_year}: {label}")
    layout = {
        "template": "none",
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 20, "b": 90},
        "separators": SEPARATORS,
        "font": {"family": FONT, "size": 14},
        "xaxis": {"tickformat": "d", "dtick": 2},  # years need no axis title
        "yaxis": {"title": {"text": ind.unit_label, "standoff": 8}, "automargin": True,
                  "tickformat": f",.{min(ind.decimals, 2)}f"},
        "legend": {"orientation": "h", "y": -0.22, "yanchor": "top"},
        "showlegend": True,  # a lone reference line says what it is, too
        "shapes": shapes,
        "hovermode": "x unified",
        "plot_bgcolor": "white",
    }
    if count:  # counts start at 0: a short series of similar numbers repeats no tick label
        layout["yaxis"]["rangemode"] = "tozero"
    if count and selected:  # the level's total on its own axis beside the areas
        name = data.reference_name(indicator_id)
        short = (f"{LAND_NAME} insgesamt" if data.level_of(ind.level).built
                 else "Vergleichswert der Ebene")
        layout["yaxis2"] = {"title": {"text": name if len(name) <= 30 else short, "standoff": 8},
                            "overlaying": "y", "side": "right", "showgrid": False,
                            "rangemode": "tozero",
                            "tickformat": ",.0f", "tickmode": "auto", "automargin": True}
    for trace in fig.data:  # long names (an own level's sums) wrap instead of running off
        trace.name = legend_name(trace.name)
    fig.update_layout(**layout)
    fig.update_xaxes(showgrid=True, gridcolor="#e5e5e5")
    fig.update_yaxes(showgrid=True, gridcolor="#e5e5e5")
    fig.layout.meta = {"notes": notes + line_notes,
                       "caveat": over_time_problem(data.indicator(indicator_id))}
    return fig
