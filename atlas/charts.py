"""Chart builders for the analysis views: ranking, scatter. Same builders for screen and export."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from atlas import palettes
from atlas.analysis import ScatterResult, ranking
from atlas.data import AtlasData, rank_note
from atlas.figures import FONT, SEPARATORS, MapView
from atlas.text import plotly_indicator, plotly_text
from atlas.values import format_number

BASE_LAYOUT = {"template": "none", "separators": SEPARATORS, "font": {"family": FONT, "size": 14},
               "plot_bgcolor": "white", "paper_bgcolor": "white"}


#: A figure without axes for a view that has nothing to draw (its note says why).
BLANK = {"layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False},
                    "template": "none", "height": 120}}

#: Analysis views that exist for Kreis indicators only (tab → German name for the note).
KREIS_ONLY_VIEWS = {"timeseries": "Zeitreihen", "scatter": "Das Streudiagramm",
                    "change": "Die Veränderungskarte", "clusters": "Räumliche Muster"}


def kreis_only_note(data: AtlasData, indicator_id: str, view: str) -> str:
    """Why ``view`` (a key of :data:`KREIS_ONLY_VIEWS`) shows nothing for a Gemeinde indicator;
    ``""`` for a Kreis indicator."""
    if data.level(indicator_id) != "gemeinde":
        return ""
    years = ", ".join(map(str, data.years(indicator_id)))
    return (f"{KREIS_ONLY_VIEWS[view]} zeigt der Atlas für Indikatoren der Kreise. Für diesen "
            f"Gemeindeindikator ({years}) gibt es Karte und Ranking, mit „Kreis heranzoomen“ "
            "auch für die Gemeinden eines Kreises.")


def ranking_hint(data: AtlasData, view: MapView, kreis: str | None = None) -> str:
    """The line above the ranking: what a click on a bar does, and at the Gemeinde level which
    Gemeinden are ranked."""
    if view.level != "gemeinde":
        return "Balken anklicken wählt den Kreis überall aus."
    click = "Balken anklicken zoomt auf den Kreis der Gemeinde."
    if kreis:
        return (f"{data.areas_shown('gemeinde', kreis, gebietsstand=False)}; Rang unter allen "
                f"{len(view.table)} Gemeinden Thüringens. {click}")
    return (f"Alle {len(view.table)} Gemeinden: für eine Rangfolge mit Namen links „Kreis "
            f"heranzoomen“ wählen. {click}")


#: Bar height in px of a ranking short enough to name every region.
RANKING_ROW_PX = 19
RANKING_MAX_NAMED = 80


def ranking_bar(data: AtlasData, view: MapView, selected: list[str],
                kreis: str | None = None) -> go.Figure:
    """Horizontal bars sorted by rank (rank 1 on top) in the map's class colours; the Thüringen
    reference as a line; selected Kreise outlined and named in bold. For a Gemeinde indicator
    ``kreis`` limits the bars to that Kreis's Gemeinden (their ranks stay those among all
    Gemeinden, the colours those of the map)."""
    ind = plotly_indicator(data.indicator(view.indicator_id))
    table = ranking(data, view.indicator_id, view.year)
    kreis = data.zoom(view.indicator_id, kreis)
    if kreis:
        table = table[table["ags"].isin(set(data.kreis_gemeinden(kreis)))]
    colour_of = {a: (view.colours[c] if c >= 0 else palettes.MISSING_COLOUR)
                 for a, c in zip(view.table["ags"], view.table["class"])}
    names = [f"<b>{n}</b>" if a in selected else n for a, n in zip(table["ags"], table["name"])]
    values = table["value"].fillna(0).tolist()
    texts = [plotly_text(row.value_text) for row in table.itertuples(index=False)]
    fig = go.Figure(
        go.Bar(
            x=values, y=names, orientation="h", customdata=table["ags"].tolist(),
            marker={"color": [colour_of[a] for a in table["ags"]],
                    "line": {"color": [palettes.SELECTED_OUTLINE if a in selected else "#888"
                                       for a in table["ags"]],
                             "width": [3 if a in selected else 0.5 for a in table["ags"]]}},
            text=texts, textposition="outside", cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
            name=ind.short_title,
        )
    )
    ref = view.reference
    if not ref.missing and ind.kind == "rate":
        fig.add_vline(x=ref.value, line={"color": palettes.REFERENCE_COLOUR, "dash": "dash",
                                         "width": 2})
        fig.add_annotation(x=ref.value, y=1.0, yref="paper", yanchor="bottom", showarrow=False,
                           text=f"{ref.label}: {format_number(ref.value, ind.decimals, ind.unit)}")
    rows = len(table)
    fig.update_layout(
        **BASE_LAYOUT,
        height=max(620, rows * RANKING_ROW_PX + 90) if rows <= RANKING_MAX_NAMED else 620,
        margin={"l": 170, "r": 80, "t": 40, "b": 50},
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"title": {"text": f"{ind.unit_label} ({view.year})"}, "gridcolor": "#e5e5e5"},
        showlegend=False,
        title={"text": f"Rang: {rank_note(ind)}", "font": {"size": 13}, "x": 0, "y": 0.99},
    )
    return fig


def scatter_plot(data: AtlasData, result: ScatterResult, selected: list[str],
                 sizes: dict[str, float] | None = None) -> go.Figure:
    """Districts as points, selected ones highlighted and labelled, OLS trend line."""
    xi = plotly_indicator(data.indicator(result.x_id))
    yi = plotly_indicator(data.indicator(result.y_id))
    points = result.points
    chosen = [a in selected for a in points["ags"]]
    marker = {"color": [palettes.SERIES_COLOURS[1] if c else palettes.SERIES_COLOURS[0]
                        for c in chosen],
              "line": {"color": "white", "width": 1}, "opacity": 0.85}
    if sizes:
        raw = np.array([sizes.get(a, np.nan) for a in points["ags"]], dtype=float)
        scale = np.sqrt(raw / np.nanmax(raw)) * 45
        marker["size"] = np.where(np.isnan(scale), 8, np.maximum(scale, 6)).tolist()
    else:
        marker["size"] = [16 if c else 11 for c in chosen]
    hover = [
        f"<b>{row.name}</b><br>{xi.short_title} {result.x_year}: "
        f"{format_number(row.x, xi.decimals, xi.unit)}<br>{yi.short_title} {result.y_year}: "
        f"{format_number(row.y, yi.decimals, yi.unit)}"
        for row in points.itertuples(index=False)
    ]
    fig = go.Figure(
        go.Scatter(
            x=points["x"].tolist(), y=points["y"].tolist(), mode="markers+text",
            text=[n if c else "" for n, c in zip(points["name"], chosen)],
            textposition="top center", customdata=points["ags"].tolist(), marker=marker,
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", name="Kreise",
        )
    )
    if result.has_stats:
        xs = np.array([points["x"].min(), points["x"].max()])
        fig.add_trace(go.Scatter(x=xs.tolist(), y=(result.intercept + result.slope * xs).tolist(),
                                 mode="lines", name="Trendlinie (kleinste Quadrate)",
                                 line={"color": palettes.REFERENCE_COLOUR, "dash": "dash"},
                                 hoverinfo="skip"))
    fig.update_layout(
        **BASE_LAYOUT,
        height=520,
        margin={"l": 70, "r": 20, "t": 30, "b": 60},
        xaxis={"title": {"text": f"{xi.short_title} {result.x_year} ({xi.unit})"},
               "gridcolor": "#e5e5e5", "zeroline": False},
        yaxis={"title": {"text": f"{yi.short_title} {result.y_year} ({yi.unit})"},
               "gridcolor": "#e5e5e5", "zeroline": False},
        showlegend=result.has_stats,
        legend={"orientation": "h", "y": -0.15},
    )
    return fig


def scatter_summary(result: ScatterResult) -> str:
    """Plain-language German summary of the correlation."""
    if not result.has_stats:
        return result.note or "Keine Korrelation berechenbar."
    strength = abs(result.pearson_r)
    words = ("kein nennenswerter" if strength < 0.1 else "ein schwacher" if strength < 0.3
             else "ein mittlerer" if strength < 0.5 else "ein starker")
    sign = "positiver" if result.pearson_r > 0 else "negativer"
    if strength < 0.1:
        sign = ""
    text = (f"Pearson r = {format_number(result.pearson_r, 2)} (p = "
            f"{format_number(result.pearson_p, 3)}), Spearman ρ = "
            f"{format_number(result.spearman_rho, 2)} (p = {format_number(result.spearman_p, 3)}), "
            f"n = {result.n} Kreise: {words} {sign} Zusammenhang.".replace("  ", " "))
    if result.n_excluded:
        text += f" Ohne Werte: {', '.join(result.excluded)}."
    if result.note:
        text += " " + result.note
    return text


def sparkline(points: list[tuple[int, float]]) -> str:
    """A text sparkline (▁▂▃▄▅▆▇█) of a short series: printable and screen-reader friendly."""
    values = [v for _, v in points if v is not None and not math.isnan(v)]
    if len(values) < 2:
        return ""
    lo, hi = min(values), max(values)
    bars = "▁▂▃▄▅▆▇█"
    if hi == lo:
        return bars[3] * len(values)
    return "".join(bars[int((v - lo) / (hi - lo) * (len(bars) - 1))] for v in values)
