"""Chart builders for the analysis views: ranking, scatter. Same builders for screen and export."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from atlas import palettes
from atlas.analysis import ScatterResult, ranking
from atlas.catalogue import rank_note
from atlas.composite import indexview
from atlas.data import AtlasData
from atlas.figures import FONT, SEPARATORS, MapView, area_colours
from atlas.levels import wording
from atlas.levels.registry import KREIS
from atlas.text import plotly_indicator, plotly_text
from atlas.values import format_number

BASE_LAYOUT = {"template": "none", "separators": SEPARATORS, "font": {"family": FONT, "size": 14},
               "plot_bgcolor": "white", "paper_bgcolor": "white"}


#: A figure without axes for a view that has nothing to draw (its note says why).
BLANK = {"layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False},
                    "template": "none", "height": 120}}

#: Analysis views the page draws for the top level only (tab → German name for the note): they
#: need what only the Kreis level has today (the selection of Kreise on the left, neighbours
#: for the clusters). The time series works at every level (:func:`series_choice`).
KREIS_ONLY_VIEWS = {"scatter": "Das Streudiagramm", "clusters": "Räumliche Muster"}


def kreis_only_note(data: AtlasData, indicator_id: str, view: str) -> str:
    """Why ``view`` (a key of :data:`KREIS_ONLY_VIEWS`) shows nothing for an indicator of a level
    that nests in another (Gemeinden, own areas); ``""`` for an indicator of the top level."""
    level = data.level_of(data.level(indicator_id))
    if not level.parent and level.built:
        return ""
    top = data.level_of(KREIS)
    years = ", ".join(map(str, data.years(indicator_id)))
    zoom = (f", mit „Kreis heranzoomen“ auch für die {level.title} eines Kreises"
            if level.parent == KREIS else "")
    return (f"{KREIS_ONLY_VIEWS[view]} zeigt der Atlas für Indikatoren der {top.title}. Für "
            f"diesen Indikator der {level.title} ({years}) gibt es Karte, Tabelle, Ranking, "
            "Zeitreihe und Veränderung"
            f"{zoom}.")


def ranking_hint(data: AtlasData, view: MapView, kreis: str | None = None) -> str:
    """The line above the ranking: what a click on a bar does, and for a level that nests in
    Kreise which of its areas are ranked; for a Sozialindex what its rank ranges and marks mean
    (:func:`atlas.composite.indexview.robustness_note`)."""
    robust = indexview.robustness_note(data, view.indicator_id, view.year)
    return " ".join(filter(None, [_ranking_areas(data, view, kreis), robust]))


def _ranking_areas(data: AtlasData, view: MapView, kreis: str | None) -> str:
    level = data.level_of(view.level)
    select = "Balken anklicken wählt das Gebiet überall aus."
    if level.parent != KREIS:
        return select
    if kreis:
        return (f"{wording.areas_shown(data, level, kreis, gebietsstand=False)}; Rang unter "
                f"{wording.all_areas(level, len(view.table))}. {select}")
    if not level.click_zooms:  # the areas of one Kreis: ranked with their names
        return f"{wording.all_areas(level, len(view.table))}. {select}"
    return (f"{wording.all_areas(level, len(view.table))}: für eine Rangfolge mit Namen links "
            f"„Kreis heranzoomen“ wählen. Balken anklicken zoomt auf den Kreis des Gebiets.")


#: Most areas of a level below the Kreise the page's time series draws a line each for (more
#: would be unreadable; the data export has every area's series).
SERIES_MAX_AREAS = 5


def series_choice(data: AtlasData, indicator_id: str, selected: list[str] | None,
                  zoom: str | None = None) -> tuple[list[str], str]:
    """The keys the page's time series compares (:func:`atlas.figures.series_lines`) and a hint.

    The page selects Kreise and areas of the shown level. For an indicator of the Kreise: the
    selected Kreise. Below the Kreise (Gemeinden, own areas): the selected areas of the level,
    each with its Kreis; without such, the level's areas in the selected Kreise, or in the Kreis
    the map is zoomed to, when at most :data:`SERIES_MAX_AREAS`; with more, the Kreise themselves
    (their values or, for counts, the sums of their areas) and a hint."""
    level = data.level_of(data.level(indicator_id))
    chosen = list(dict.fromkeys(selected or ()))
    if level.parent != KREIS:
        return chosen, ""
    mine = [a for a in chosen if a in set(level.keys)]
    if mine:  # areas of the level chosen (in the map or the list): each with its Kreis
        return mine, ""
    kreise = [k for k in chosen if k in set(data.level_of(KREIS).keys)] or \
        ([zoom] if zoom else [])
    areas = [a for k in kreise for a in level.in_kreis(k)]
    if not kreise or 0 < len(areas) <= SERIES_MAX_AREAS:
        return areas, ""
    where = ", ".join(data.level_of(KREIS).name(k) or k for k in kreise)
    return kreise, (f"{len(areas)} {level.title} in {where}: zu viele für eine Linie je Gebiet "
                    f"(bis zu {SERIES_MAX_AREAS}); gezeigt wird der Kreis. Die Zeitreihe jedes "
                    "Gebiets enthält der Datenexport.")


def timeseries_texts(data: AtlasData, indicator_id: str, selected: list[str]) -> tuple[str, str]:
    """Heading of the time series and the hint shown while no area is chosen; both name the
    reference as what it is (:meth:`AtlasData.reference_name`) and the areas by their level's
    title."""
    level = data.level_of(data.level(indicator_id))
    reference = data.reference_name(indicator_id)
    if not selected:
        if level.parent == KREIS:
            return (f"Zeitreihe: {reference}",
                    f"Wählen Sie links einen Kreis oder zoomen Sie auf ihn, um seine "
                    f"{level.title} (bis zu {SERIES_MAX_AREAS}) und den Kreis mit dem "
                    f"Vergleichswert zu vergleichen – hier: {reference}.")
        return (f"Zeitreihe: {reference}",
                f"Wählen Sie {level.title} in der Karte oder links aus, um sie mit dem "
                f"Vergleichswert zu vergleichen – hier: {reference}.")
    if level.parent == KREIS and set(selected) & set(level.keys):
        return f"Zeitreihe: ausgewählte {level.title}, ihr Kreis und {reference}", ""
    if level.parent == KREIS:  # the Kreise themselves (their areas are too many for lines)
        kreise = data.level_of(KREIS)
        names = ", ".join(kreise.name(k) or k for k in selected)
        return f"Zeitreihe: {names} und {reference}", ""
    return f"Zeitreihe: ausgewählte {level.title} und {reference}", ""


#: Bar height in px of a ranking short enough to name every region.
RANKING_ROW_PX = 19
RANKING_MAX_NAMED = 80


def ranking_bar(data: AtlasData, view: MapView, selected: list[str],
                kreis: str | None = None) -> go.Figure:
    """Horizontal bars sorted by rank (rank 1 on top) in the map's class colours; the Thüringen
    reference as a line; selected areas outlined and named in bold. For a level that nests in
    Kreise ``kreis`` limits the bars to the areas in that Kreis (their ranks stay those among
    all areas of the level, the colours those of the map)."""
    ind = plotly_indicator(data.indicator(view.indicator_id))
    table = ranking(data, view.indicator_id, view.year)
    kreis = data.zoom(view.indicator_id, kreis)
    if kreis:
        table = table[table["ags"].isin(set(data.level_of(view.level).in_kreis(kreis)))]
    colour_of = area_colours(view)
    names = [f"<b>{n}</b>" if a in selected else n for a, n in zip(table["ags"], table["name"])]
    values = table["value"].fillna(0).tolist()
    texts = [plotly_text(row.value_text) for row in table.itertuples(index=False)]
    robust = indexview.rank_frame(data, view.indicator_id, view.year)
    bar = {"hovertemplate": "%{y}: %{text}<extra></extra>", "marker": {}}
    if robust is not None:  # a Sozialindex: rank ranges beside the bars, unstable classes hatched
        robust = robust.set_index("ags").reindex(table["ags"])
        unstable = robust["class_changes"].fillna(False).astype(bool).tolist()
        texts = [f"{t} ⚠" if u else t for t, u in zip(texts, unstable)]
        bar = {"hovertext": [f"{r}<br>{indexview.UNSTABLE}" if u else r for r, u in
                             zip(robust["rank_text"].fillna(""), unstable)],
               "hovertemplate": "%{y}: %{text}<br>%{hovertext}<extra></extra>",
               "marker": {"pattern": {"shape": ["/" if u else "" for u in unstable],
                                      "fgcolor": palettes.RANK_UNSTABLE, "solidity": 0.3}}}
        fig = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.72, 0.28],
                            horizontal_spacing=0.05)
    else:
        fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=values, y=names, orientation="h", customdata=table["ags"].tolist(),
            marker={"color": [colour_of[a] for a in table["ags"]],
                    "line": {"color": [palettes.SELECTED_OUTLINE if a in selected else "#888"
                                       for a in table["ags"]],
                             "width": [3 if a in selected else 0.5 for a in table["ags"]]},
                    **bar.pop("marker")},
            text=texts, textposition="outside", cliponaxis=False,
            name=ind.short_title, **bar,
        ),
        **({"row": 1, "col": 1} if robust is not None else {}),
    )
    if robust is not None:
        _rank_ranges(fig, robust, names, len(view.table))
    ref = view.reference
    if not ref.missing and ind.kind == "rate":
        fig.add_vline(x=ref.value, line={"color": palettes.REFERENCE_COLOUR, "dash": "dash",
                                         "width": 2},
                      **({"row": 1, "col": 1} if robust is not None else {}))
        fig.add_annotation(x=ref.value, y=1.0, yref="paper", yanchor="bottom", showarrow=False,
                           text=f"{ref.label}: {ref.text(ind.decimals, ind.unit)}")
    rows = len(table)
    _room_for_texts(fig, table["value"])
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


#: Share of the value span left free beside the longest bar on a side for its value text.
TEXT_ROOM = 0.25


def _room_for_texts(fig: go.Figure, values) -> None:
    """With negative values (a change, a z-index) the bars' value texts sit left of the bars:
    widen the value axis so that they do not run into the areas' names."""
    present = values.dropna()
    if present.empty or present.min() >= 0:
        return
    lo, hi = min(float(present.min()), 0.0), max(float(present.max()), 0.0)
    room = (hi - lo) * TEXT_ROOM
    fig.update_layout(xaxis_range=[lo - room, hi + (room if hi > 0 else 0)])


#: Legend names of the ranking's rank-range traces of a Sozialindex (stable, unstable class).
RANK_RANGE_NAMES = ("Rangspanne", f"Rangspanne, {indexview.UNSTABLE}")


def _rank_ranges(fig: go.Figure, robust, names: list[str], total: int) -> None:
    """The right panel of an index's ranking: per area its rank (dot) and the 5th–95th
    percentile of its ranks over the weight draws (bar), areas with an unstable class in
    :data:`~atlas.palettes.RANK_UNSTABLE`; the hover says "Rang 3 (2–5)"."""
    unstable = robust["class_changes"].fillna(False).astype(bool).to_numpy()
    has = robust["rank"].notna().to_numpy()
    for flag, name, colour in ((False, RANK_RANGE_NAMES[0], palettes.RANK_RANGE),
                               (True, RANK_RANGE_NAMES[1], palettes.RANK_UNSTABLE)):
        rows = has & (unstable == flag)
        part = robust[rows]
        fig.add_trace(go.Scatter(
            x=part["rank"].tolist(), y=[n for n, keep in zip(names, rows) if keep],
            mode="markers", name=name, customdata=part.index.tolist(),
            marker={"color": colour, "size": 7, "symbol": "diamond" if flag else "circle"},
            error_x={"type": "data", "symmetric": False, "color": colour, "thickness": 2,
                     "width": 3, "array": (part["rank_high"] - part["rank"]).tolist(),
                     "arrayminus": (part["rank"] - part["rank_low"]).tolist()},
            hovertext=[f"{t}<br>{indexview.UNSTABLE}" if flag else t
                       for t in part["rank_text"]],
            hovertemplate="%{y}: %{hovertext}<extra></extra>",
            meta="rank-range"), row=1, col=2)
    fig.update_xaxes(title={"text": "Rang, Spanne 5.–95. Perzentil"}, range=[0.5, total + 0.5],
                     gridcolor="#e5e5e5", zeroline=False, row=1, col=2)


def scatter_points(areas: str) -> tuple[str, str]:
    """Legend names of the scatter plot's two point traces (trace 0 and 1) for areas called
    ``areas`` (the title of their level)."""
    return areas, f"ausgewählte {areas}"


#: The legend names of the scatter plot over the Kreise.
SCATTER_POINTS = scatter_points("Kreise")


def scatter_plot(data: AtlasData, result: ScatterResult, selected: list[str],
                 sizes: dict[str, float] | None = None, label_all: bool = False) -> go.Figure:
    """Areas as points, OLS trend line. Trace 0 holds the other areas, trace 1 the selected
    ones (highlighted and labelled), each in one colour, so each legend entry shows the colour
    of its points. ``label_all`` names every point (for exports; see
    :func:`place_point_labels`)."""
    xi = plotly_indicator(data.indicator(result.x_id))
    yi = plotly_indicator(data.indicator(result.y_id))
    points = result.points
    if sizes:
        raw = np.array([sizes.get(a, np.nan) for a in points["ags"]], dtype=float)
        scale = np.sqrt(raw / np.nanmax(raw)) * 45
        size_of = dict(zip(points["ags"], np.where(np.isnan(scale), 8, np.maximum(scale, 6))))
    else:
        size_of = {a: 16 if a in selected else 11 for a in points["ags"]}
    fig = go.Figure()
    for chosen, name in zip((False, True), scatter_points(result.areas)):
        part = points[points["ags"].isin(selected) == chosen]
        hover = [
            f"<b>{row.name}</b><br>{xi.short_title} {result.x_year}: "
            f"{format_number(row.x, xi.decimals, xi.unit)}<br>{yi.short_title} {result.y_year}: "
            f"{format_number(row.y, yi.decimals, yi.unit)}"
            for row in part.itertuples(index=False)
        ]
        fig.add_trace(go.Scatter(
            x=part["x"].tolist(), y=part["y"].tolist(), mode="markers+text",
            text=[n if chosen or label_all else "" for n in part["name"]],
            textposition="top center", customdata=part["ags"].tolist(),
            marker={"color": palettes.SERIES_COLOURS[1 if chosen else 0],
                    "size": [float(size_of[a]) for a in part["ags"]],
                    "line": {"color": "white", "width": 1}, "opacity": 0.85},
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", name=name,
            showlegend=bool(len(part)), meta={"points": "selected" if chosen else "other"},
        ))
    if result.has_stats:
        xs = np.array([points["x"].min(), points["x"].max()])
        fig.add_trace(go.Scatter(x=xs.tolist(), y=(result.intercept + result.slope * xs).tolist(),
                                 mode="lines", name="Trendlinie (kleinste Quadrate)",
                                 line={"color": palettes.REFERENCE_COLOUR, "dash": "dash"},
                                 hoverinfo="skip"))
    fig.update_layout(
        **BASE_LAYOUT,
        height=540,
        margin={"l": 70, "r": 20, "t": 30, "b": 90},
        xaxis={"title": {"text": f"{xi.short_title} {result.x_year} ({xi.unit})"},
               "gridcolor": "#e5e5e5", "zeroline": False},
        yaxis={"title": {"text": f"{yi.short_title} {result.y_year} ({yi.unit})"},
               "gridcolor": "#e5e5e5", "zeroline": False},
        showlegend=True,
        legend={"orientation": "h", "y": -0.2, "yanchor": "top"},
    )
    return fig


#: Where a point's name may go, in order of preference (plotly ``textposition``) with the
#: direction of the label box from the point.
LABEL_POSITIONS = (("top center", 0, -1), ("bottom center", 0, 1), ("middle right", 1, 0),
                   ("middle left", -1, 0), ("top right", 1, -1), ("top left", -1, -1),
                   ("bottom right", 1, 1), ("bottom left", -1, 1))


def place_point_labels(points_px: list[tuple[float, float]], texts: list[str],
                       font_px: float, radius_px: float, box: tuple[float, float]) -> list[str]:
    """A plotly ``textposition`` per point so that names overlap each other, the points and the
    plot's edge as little as possible (greedy, crowded points first).

    Parameters
    ----------
    points_px
        Point positions in px from the plot's top left.
    texts
        The names (one line each); their width is estimated from the font size.
    font_px, radius_px
        Font size and marker radius in px.
    box
        Width and height of the plot area in px.
    """
    width, height = box
    sizes = [(len(t) * font_px * 0.55 + 4, font_px * 1.2) for t in texts]

    def rect(i: int, dx: int, dy: int) -> tuple[float, float, float, float]:
        (x, y), (w, h) = points_px[i], sizes[i]
        gap = radius_px + 2
        left = x - w / 2 if dx == 0 else (x + gap if dx > 0 else x - gap - w)
        top = y - h / 2 if dy == 0 else (y + gap if dy > 0 else y - gap - h)
        return left, top, left + w, top + h

    def overlap(a, b, air: float = 3.0) -> float:  # with a little air between names
        return (max(0.0, min(a[2], b[2]) - max(a[0], b[0]) + air)
                * max(0.0, min(a[3], b[3]) - max(a[1], b[1]) + air))

    markers = [(x - radius_px, y - radius_px, x + radius_px, y + radius_px)
               for x, y in points_px]

    def crowding(i: int) -> float:
        x, y = points_px[i]
        return -sum(1 for j, (u, v) in enumerate(points_px)
                    if j != i and abs(u - x) < sizes[i][0] and abs(v - y) < 3 * font_px)

    placed: dict[int, tuple] = {}
    chosen = ["top center"] * len(texts)
    for i in sorted(range(len(texts)), key=crowding):
        best = None
        for rank, (name, dx, dy) in enumerate(LABEL_POSITIONS):
            r = rect(i, dx, dy)
            cost = sum(overlap(r, other) for other in placed.values()) * 3
            cost += sum(overlap(r, m, 0.0) for j, m in enumerate(markers) if j != i)
            outside = (max(0.0, -r[0]) + max(0.0, r[2] - width)) * (r[3] - r[1]) + \
                (max(0.0, -r[1]) + max(0.0, r[3] - height)) * (r[2] - r[0])
            cost += outside * 4 + rank * 0.5
            if best is None or cost < best[0]:
                best = (cost, name, r)
        chosen[i] = best[1]
        placed[i] = best[2]
    return chosen


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
            f"n = {result.n} {result.areas}: {words} {sign} Zusammenhang.".replace("  ", " "))
    if result.n_excluded:
        text += f" Ohne Werte: {', '.join(result.excluded)}."
    if result.note:
        text += " " + result.note
    return text


def join_notes(notes: list[str]) -> str:
    """Notes under a chart as one text: each a sentence of its own ("Bruch 2022: … Zensus 2022.
    Suhl 2016: …"), never run together."""
    sentences = [n.strip() for n in notes if n and n.strip()]
    return " ".join(n if n.endswith((".", "!", "?")) else f"{n}." for n in sentences)


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
