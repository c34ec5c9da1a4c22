"""Figure builders: the same functions draw the screen and (later) the exported images."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go

from atlas import palettes
from atlas.classify import Classes, classify
from atlas.data import AtlasData, Reference, rank_note
from atlas.schema import Col
from atlas.values import MISSING_LABEL, format_number

GEO_ATTRIBUTION = "© GeoBasis-DE / BKG 2023 (Daten verändert)"
FONT = "Segoe UI, Helvetica, Arial, sans-serif"
SEPARATORS = ",."  # decimal comma, dot as thousands separator

# trace order of the map figure (the callbacks patch by index): the map, then legend slots
MAP_TRACE = 0
LEGEND_TRACES_START = 1
LEGEND_SLOTS = 8  # up to 7 classes plus "keine Daten"


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
    legend: tuple[tuple[str, str], ...]  # (label, colour), classes then "keine Daten"
    title: str
    source_line: str
    legend_title: str
    reference_text: str


@lru_cache(maxsize=512)
def map_view(data: AtlasData, indicator_id: str, year: int, k: int = 5) -> MapView:
    """Classes, colours, hover texts and legend of one map (cached: data never changes)."""
    ind = data.indicator(indicator_id)
    table = data.table(indicator_id, year)
    classes = classify(table[Col.VALUE].to_numpy(), k=k)
    colours = tuple(palettes.class_colours(ind.polarity, classes.k)) if classes.k >= 3 else (
        tuple(palettes.class_colours(ind.polarity, 3)[-classes.k:]) if classes.k else ()
    )
    table = table.assign(**{"class": classes.index})
    reference = data.reference(indicator_id, year)
    ref_text = format_number(reference.value, ind.decimals, ind.unit)
    n = len(table)
    note = rank_note(ind)
    hover = []
    for row in table.itertuples(index=False):
        value = format_number(row.value, ind.decimals, ind.unit)
        if isinstance(row.status, str) and row.status and not math.isnan(row.value):
            value += f" ({row.status})"
        elif math.isnan(row.value):
            value = row.status or MISSING_LABEL
        rank = f"Rang {row.rank} von {n} ({note})" if not pd.isna(row.rank) else "Rang: –"
        hover.append(
            f"<b>{row.name}</b><br>{row.kind}<br>{ind.short_title} {year}: <b>{value}</b>"
            f"<br>{rank}<br>{reference.label}: {ref_text}"
        )
    legend = list(zip(classes.labels(ind.decimals, ind.unit), colours))
    missing = int(table[Col.VALUE].isna().sum())
    if missing:
        legend.append((f"{MISSING_LABEL} ({missing})", palettes.MISSING_COLOUR))
    return MapView(
        indicator_id=indicator_id,
        year=year,
        table=table,
        classes=classes,
        colours=colours,
        reference=reference,
        hover=tuple(hover),
        legend=tuple(legend),
        title=f"{ind.short_title} {year}",
        source_line=f"{data.catalogue.source_line(ind)} · Grenzen: {GEO_ATTRIBUTION}",
        legend_title=f"{ind.unit_label}<br>Quantile, {classes.k} Klassen",
        reference_text=f"{reference.label} {year}: <b>{ref_text}</b>",
    )


def _discrete_colorscale(colours: list[str]) -> list[list]:
    """Stepwise colorscale for integer z = 0 (missing), 1..k."""
    steps = [palettes.MISSING_COLOUR, *colours]
    n = len(steps)
    scale = []
    for i, colour in enumerate(steps):
        scale.append([i / n, colour])
        scale.append([(i + 1) / n, colour])
    return scale


def map_update(view: MapView, selected: list[str] | None = None) -> dict:
    """The part of the map figure that changes with indicator, year and selection.

    The full figure and the partial update (Dash ``Patch``) are both built from this, so the
    geometry is sent once. Selected Kreise are drawn last with a thick outline.
    """
    selected = [a for a in (selected or []) if a in set(view.table[Col.AGS])]
    order = sorted(range(len(view.table)),
                   key=lambda i: view.table[Col.AGS].iloc[i] in selected)
    ags = [view.table[Col.AGS].iloc[i] for i in order]
    is_selected = [a in selected for a in ags]
    k = len(view.colours)
    legend = []
    for slot in range(LEGEND_SLOTS):
        if slot < len(view.legend):
            label, colour = view.legend[slot]
            legend.append({"name": label, "visible": True, "marker": {"color": colour}})
        else:
            legend.append({"name": "", "visible": False, "marker": {"color": "#ffffff"}})
    return {
        "trace": {
            "locations": ags,
            "customdata": ags,
            "z": [view.classes.index[i] + 1 for i in order],  # 0 = missing
            "zmin": -0.5,
            "zmax": k + 0.5,
            "colorscale": _discrete_colorscale(list(view.colours)),
            "text": [view.hover[i] for i in order],
            "marker": {"line": {
                "width": [3.5 if s else 0.8 for s in is_selected],
                "color": [palettes.SELECTED_OUTLINE if s else palettes.OUTLINE_COLOUR
                          for s in is_selected],
            }},
        },
        "legend": legend,
        "legend_title": view.legend_title,
        "reference_text": view.reference_text,
    }


def choropleth(data: AtlasData, view: MapView, selected: list[str] | None = None,
               height: int = 560) -> go.Figure:
    """Choropleth of the Kreise: discrete classes, legend with class bounds and "keine Daten",
    hover with German numbers, rank and the Thüringen reference, selected Kreise outlined."""
    update = map_update(view, selected)
    fig = go.Figure()
    fig.add_trace(
        go.Choropleth(
            geojson=data.geojson,
            featureidkey="properties.AGS",
            hovertemplate="%{text}<extra></extra>",
            showscale=False,
            name="Kreise",
            showlegend=False,
            **update["trace"],
        )
    )
    for item in update["legend"]:
        fig.add_trace(
            go.Scattergeo(
                lon=[None], lat=[None], mode="markers", hoverinfo="skip", showlegend=True,
                name=item["name"], visible=item["visible"],
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
    )
    return fig


def year_marker(year: int | None) -> dict:
    """Shading of the year shown on the map (always the first shape of the time series)."""
    x = year if year is not None else 0
    return {"type": "rect", "x0": x - 0.4, "x1": x + 0.4, "y0": 0, "y1": 1, "yref": "paper",
            "fillcolor": "rgba(0,0,0,0.06)", "line": {"width": 0}, "layer": "below",
            "visible": year is not None}


def timeseries(data: AtlasData, indicator_id: str, selected: list[str],
               year: int | None = None, height: int = 380) -> go.Figure:
    """Time series of the selected Kreise against the Thüringen reference, with series breaks.

    For counts the reference (sum of all Kreise) has its own right-hand axis.
    """
    ind = data.indicator(indicator_id)
    fig = go.Figure()
    series = data.series(indicator_id, selected)
    for i, ags in enumerate(selected):
        rows = series[series[Col.AGS] == ags]
        name = data.region_name(ags)
        fig.add_trace(
            go.Scatter(
                x=rows[Col.YEAR], y=rows[Col.VALUE], mode="lines+markers", name=name,
                line={"color": palettes.SERIES_COLOURS[i % len(palettes.SERIES_COLOURS)], "width": 2.5},
                customdata=[[ags]] * len(rows),
                hovertemplate=f"{name} %{{x}}: %{{y:,.{ind.decimals}f}} {ind.unit}<extra></extra>",
                connectgaps=False,
            )
        )
    ref = data.reference_series(indicator_id)
    count = ind.kind == "count"
    for basis, part in ref.groupby(Col.BASIS, sort=False):
        if basis == "":
            continue
        label = part["label"].iloc[0]
        fig.add_trace(
            go.Scatter(
                x=part[Col.YEAR], y=part[Col.VALUE], mode="lines+markers", name=label,
                line={"color": palettes.REFERENCE_COLOUR, "width": 2, "dash": "dash"},
                marker={"symbol": "diamond"},
                yaxis="y2" if count else "y",
                hovertemplate=f"{label} %{{x}}: %{{y:,.{ind.decimals}f}} {ind.unit}<extra></extra>",
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
        "margin": {"l": 60, "r": 70 if count else 20, "t": 20, "b": 40},
        "separators": SEPARATORS,
        "font": {"family": FONT, "size": 14},
        "xaxis": {"title": {"text": "Jahr"}, "tickformat": "d", "dtick": 2},
        "yaxis": {"title": {"text": ind.unit_label}, "tickformat": f",.{min(ind.decimals, 2)}f"},
        "legend": {"orientation": "h", "y": -0.2},
        "shapes": shapes,
        "hovermode": "x unified",
        "plot_bgcolor": "white",
    }
    if count:
        layout["yaxis2"] = {"title": {"text": "Thüringen gesamt"}, "overlaying": "y",
                            "side": "right", "showgrid": False, "tickformat": ",.0f"}
    fig.update_layout(**layout)
    fig.update_xaxes(showgrid=True, gridcolor="#e5e5e5")
    fig.update_yaxes(showgrid=True, gridcolor="#e5e5e5")
    fig.layout.meta = {"notes": notes}
    return fig
