"""The map says why an area has no value: protected small numbers, withheld source values,
incomplete roll-ups and plain gaps each get their own fill, legend entry (only those that
occur), hover reason and table text, on screen and in the exports (atlas.missing).

Protected values come from real counts: the own level ``orte_test`` of tests/conftest.py (the
Gemeinden of one Kreis as own areas, their Zensus population) with the level's minimum count
raised above its smallest real values, as a planner may configure it."""

from __future__ import annotations

import io
import json
import math
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from pypdf import PdfReader

from atlas import charts, export, figures, missing
from atlas.data.own import with_own
from atlas.levels.own import build_levels
from atlas.text import plotly_text
from atlas.values import SPECIAL_SYMBOLS
from layouts import panels
from tests.conftest import OWN_COUNT, OWN_COUNT_SOURCE, OWN_LEVEL, own_level_parts

SVG_NS = "{http://www.w3.org/2000/svg}"
#: how many of the smallest real counts the raised minimum protects (primary suppression)
SMALLEST = 4


def add_protected_level(data, store, level_id=OWN_LEVEL, indicator=OWN_COUNT) -> int:
    """Store the own level of :func:`own_level_parts` with a ``min_count`` just above its
    :data:`SMALLEST` smallest real counts, and the count; returns the minimum count."""
    from atlas.store import OwnIndicator, OwnLevel

    kreis, areas, links, values = own_level_parts(data)
    threshold = int(sorted(values["value"].dropna())[SMALLEST - 1]) + 1
    store.add_level(OwnLevel(id=level_id, title="Orte im Kreis", singular="Ort",
                             gebietsstand=data.level_of("gemeinde").gebietsstand,
                             source="BKG VG5000 (Gemeinden als eigene Gebiete)",
                             licence="dl-de/by-2-0", min_count=threshold,
                             visibility="oeffentlich"), areas, links)
    store.add(OwnIndicator(
        id=indicator, title="Einwohner (Zensus) je Ort", unit="Anzahl", decimals=0,
        kind="count", definition="", area=data.indicator(OWN_COUNT_SOURCE).area,
        life_phases=("kindheit",), polarity="neutral",
        source="Statistische Ämter des Bundes und der Länder, Zensus",
        licence="dl-de/by-2-0", filename="orte.csv", file_format="CSV", code="EW",
        level=level_id, visibility="oeffentlich"), values)  # published: seen by visitors
    return threshold


def protected_level_data(data, folder, level_id=OWN_LEVEL, indicator=OWN_COUNT):
    """The built data with the level of :func:`add_protected_level`, read back from a store as
    the app reads it; returns (data, min_count)."""
    from atlas.store import Store

    store = Store(f"sqlite:///{folder / 'geschuetzt.sqlite'}")
    try:
        threshold = add_protected_level(data, store, level_id, indicator)
        levels = build_levels(store.levels(), store.level_areas(), store.level_links(),
                              data.level_of("kreis"))
        return with_own(data, store.indicators(), store.values(), levels), threshold
    finally:
        store.dispose()


@pytest.fixture(scope="module")
def protected(data, tmp_path_factory):
    return protected_level_data(data, tmp_path_factory.mktemp("geschuetzt"))


@pytest.fixture(scope="module")
def own(protected):
    return protected[0]


@pytest.fixture(scope="module")
def year(own):
    return own.latest_year(OWN_COUNT)


@pytest.fixture(scope="module")
def view(own, year):
    return figures.map_view(own, OWN_COUNT, year)


@pytest.fixture(scope="module")
def hidden(own, year):
    """The rows of the table the protection hid (primary and secondary), from the data."""
    table = own.table(OWN_COUNT, year)
    return table[table["value"].isna()]


def _colour_at(update: dict, z: int) -> str:
    """The colour the discrete colour scale gives ``z`` (as plotly maps it)."""
    trace = update["trace"]
    low, high = trace["zmin"], trace["zmax"]
    position = (z - low) / (high - low)
    scale = trace["colorscale"]
    for (start, colour), (end, _) in zip(scale[::2], scale[1::2]):
        if start <= position <= end:
            return colour
    raise AssertionError(f"z {z} outside the colour scale")


def test_the_raised_minimum_hides_the_smallest_real_counts_and_says_why(protected, hidden,
                                                                         own, year):
    _, threshold = protected
    primary = hidden[hidden["status"] == f"< {threshold} (geschützt)"]
    assert len(primary) == SMALLEST
    assert set(hidden["status"]) <= {f"< {threshold} (geschützt)", "geschützt (sekundär)"}
    assert all(missing.reason_of(s) is missing.PROTECTED for s in hidden["status"])


def test_the_legend_names_protection_apart_from_keine_daten_only_as_it_occurs(view, hidden):
    labels = [label for label, _ in view.legend]
    entry = f"{missing.PROTECTED.label} ({len(hidden)})"
    assert entry in labels
    assert not any(label.startswith(missing.NO_DATA.label) for label in labels)  # none missing
    colours = dict(view.legend)
    assert colours[entry] == missing.PROTECTED.colour
    assert missing.PROTECTED.colour not in view.colours  # no class looks like it
    assert missing.PROTECTED.colour != missing.NO_DATA.colour


def test_protected_areas_get_their_own_fill_and_a_dark_outline(view, hidden):
    update = figures.map_update(view)
    trace = update["trace"]
    by_key = dict(zip(trace["locations"], trace["z"]))
    for key in hidden["ags"]:
        assert by_key[key] == missing.PROTECTED.code
        assert _colour_at(update, by_key[key]) == missing.PROTECTED.colour
    others = [k for k in trace["locations"] if k not in set(hidden["ags"])]
    assert {_colour_at(update, by_key[k]) for k in others} <= set(view.colours)
    line = dict(zip(trace["locations"], trace["marker"]["line"]["color"]))
    assert {line[k] for k in hidden["ags"]} == {missing.PROTECTED_OUTLINE}
    assert {line[k] for k in others} == {figures.palettes.OUTLINE_COLOUR}
    shown = [item["name"] for item in update["legend"] if item["visible"]]
    assert shown == [label for label, _ in view.legend]


def test_the_hover_states_the_reason(view, hidden):
    hover = dict(zip(view.table["ags"], view.hover))
    for key, status in zip(hidden["ags"], hidden["status"]):
        assert f"{plotly_text(status)} – {missing.PROTECTED.note}" in hover[key]  # "&lt; 84"
    values = dict(zip(view.table["ags"], view.hover_values))
    key = hidden["ags"].iloc[0]
    assert missing.PROTECTED.note in values[key][0]  # the text the page's hover template shows


def test_table_and_ranking_show_the_status_text_not_a_number(own, view, hidden):
    rows = panels.values_table(own, view)["rows"]
    by_name = {row[1]: row[3] for row in rows}
    level = own.level_of(OWN_LEVEL)
    labels = dict(zip(level.areas["ags"], level.areas["label"]))
    for key, status in zip(hidden["ags"], hidden["status"]):
        if labels[key] in by_name:  # the table lists all areas or 10 + 10 of them
            assert by_name[labels[key]] == status
    fig = charts.ranking_bar(own, view, [])
    bars = fig.data[0]
    text = dict(zip(bars.customdata, bars.text))
    colour = dict(zip(bars.customdata, bars.marker.color))
    for key, status in zip(hidden["ags"], hidden["status"]):
        assert text[key] == plotly_text(status)  # drawn as text: "&lt; 84 (geschützt)"
        assert colour[key] == missing.PROTECTED.colour


def test_exports_carry_the_reason_in_legend_and_data(own, year, hidden):
    page = export.page_for("a4")
    fig = export.map_figure(own, OWN_COUNT, year, page=page)
    legend = [t.name for t in fig.data if (t.meta or {}).get("role") == figures.ROLE_LEGEND
              and t.visible]
    assert f"{missing.PROTECTED.label} ({len(hidden)})" in legend
    svg = export.render(fig, "svg", page).decode()
    texts = ["".join(el.itertext()) for el in ET.fromstring(svg).iter(f"{SVG_NS}text")]
    assert f"{missing.PROTECTED.label} ({len(hidden)})" in texts
    fills = [p.get("fill") for p in ET.fromstring(svg).iter(f"{SVG_NS}path")
             if p.get("class") == "choroplethlocation"]
    assert fills.count("rgb(228, 228, 228)") == len(hidden)  # PROTECTED.colour #e4e4e4
    pdf = export.render(fig, "pdf", page)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert missing.PROTECTED.label in text.replace("\xa0", " ")
    rows = export.data_rows(own, OWN_COUNT, year)
    mine = rows[rows["ags"].isin(set(hidden["ags"]))]
    assert mine["value"].isna().all()
    assert dict(zip(mine["ags"], mine["status"])) == dict(zip(hidden["ags"], hidden["status"]))


def test_incomplete_roll_ups_and_secret_values_are_their_own_reasons(own, year, hidden, data):
    """The Kreis the protected areas lie in: its sum of them is missing ("unvollständig"),
    never a smaller number, and the map names that reason."""
    kreis = own.level_of(OWN_LEVEL).areas["kreis"].iloc[0]
    rolled = own.rolled_up_table(OWN_COUNT, year, "kreis")
    status = rolled.set_index("ags").loc[kreis, "status"]
    assert math.isnan(rolled.set_index("ags").loc[kreis, "value"])
    assert missing.reason_of(status) is missing.PARTIAL
    assert missing.reason_of(SPECIAL_SYMBOLS["."]) is missing.SECRET
    assert missing.reason_of(SPECIAL_SYMBOLS["/"]) is missing.SECRET
    assert missing.reason_of(SPECIAL_SYMBOLS["..."]) is missing.NO_DATA
    # a table with every reason: one legend entry each, in a fixed order
    statuses = [status, SPECIAL_SYMBOLS["."], hidden["status"].iloc[0], "keine Daten", ""]
    table = pd.DataFrame({"value": [math.nan] * 5, "status": statuses})
    assert [(r.label, n) for r, n in missing.counts(table["status"])] == [
        (missing.PROTECTED.label, 1), (missing.SECRET.label, 1), (missing.PARTIAL.label, 1),
        (missing.NO_DATA.label, 2)]


def test_a_built_map_without_gaps_sends_what_it_sent_before(data):
    """A Kreis map whose every value is there: no reason entry, the colour scale of the classes
    and "keine Daten" only, and the extra legend slots cost one assignment each, in the frames'
    common part (the year step does not grow)."""
    ind = next(i.id for i in data.available_indicators(level="kreis")
               if all(data.table(i.id, y)["value"].notna().all() for y in data.years(i.id)))
    view = figures.map_view(data, ind, data.latest_year(ind))
    update = figures.map_update(view)
    assert update["trace"]["zmin"] == -0.5
    assert len(update["trace"]["colorscale"]) == 2 * (len(view.colours) + 1)
    frames = figures.map_frames(data, ind)
    extra = [op for op in frames["base"] if op[0][0] == figures.ROLE_LEGEND
             and op[0][1] >= figures.LEGEND_SLOTS_ALWAYS]
    assert extra == [[[figures.ROLE_LEGEND, s, "visible"], False]
                     for s in range(figures.LEGEND_SLOTS_ALWAYS, figures.LEGEND_SLOTS)]
    for ops in frames["frames"].values():
        assert not [op for op in ops if op[0][0] == figures.ROLE_LEGEND
                    and op[0][1] >= figures.LEGEND_SLOTS_ALWAYS]
    assert json.dumps(frames)  # plain JSON
