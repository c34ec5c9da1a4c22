"""The time series at levels below the Kreise: the selected areas, the Kreis each lies in
(its own values, or for a count the sum of its areas – never for a rate) and the level's
reference; and what the page's time series compares (atlas.figures.series_lines,
atlas.charts.series_choice). Expected values are derived from the data."""

from __future__ import annotations

import math

import pytest

from atlas import charts, figures
from atlas.levels.rollup import exact_sum
from tests.conftest import OWN_COUNT, OWN_LEVEL
from tests.unit.test_levels_status_legend import protected_level_data


@pytest.fixture(scope="module")
def own(own_level_data):
    return own_level_data


@pytest.fixture(scope="module")
def level(own):
    return own.level_of(OWN_LEVEL)


def _kreis_sum(data, indicator, level, kreis):
    """Per year the exact sum of the level's areas in ``kreis`` (NaN with any part missing)."""
    out = {}
    for year in data.years(indicator):
        table = data.table(indicator, year)
        parts = table[table["ags"].isin(set(level.in_kreis(kreis)))]["value"]
        out[year] = math.nan if parts.isna().any() else exact_sum(parts)
    return out


def test_an_own_area_is_shown_with_its_kreis_as_the_sum_of_the_kreis_areas(own, level):
    first = level.keys[0]
    kreis = level.areas.set_index("ags").loc[first, "kreis"]
    lines, notes = figures.series_lines(own, OWN_COUNT, [first])
    assert [(line.key, line.parent, line.derived) for line in lines] == [
        (first, "", False), (kreis, kreis, True)]
    assert lines[1].name == f"{own.level_of('kreis').name(kreis)} (Summe der {level.title})"
    expected = _kreis_sum(own, OWN_COUNT, level, kreis)
    assert dict(zip(lines[1].rows["year"], lines[1].rows["value"])) == expected
    assert notes == []
    own_values = own.series(OWN_COUNT, [first])
    assert list(lines[0].rows["value"]) == list(own_values["value"])


def test_the_figure_draws_area_kreis_and_the_levels_reference(own, level):
    first = level.keys[0]
    kreis = level.areas.set_index("ags").loc[first, "kreis"]
    fig = figures.timeseries(own, OWN_COUNT, [first])
    names = [t.name.replace("<br>", " ") for t in fig.data]  # long names wrap in the legend
    reference = own.reference_series(OWN_COUNT)
    assert names == [level.name(first),
                     f"{own.level_of('kreis').name(kreis)} (Summe der {level.title})",
                     *dict.fromkeys(reference["label"])]
    area, parent, total = fig.data
    assert parent.line.dash == "dashdot" and parent.line.color == area.line.color
    assert parent.meta == {"parent": kreis, "derived": True}
    assert list(total.y) == list(reference["value"])  # the level's reference ("Summe …")
    assert total.yaxis == "y2"  # a count: the total on its own axis


def test_a_gemeinde_count_and_a_gemeinde_rate(data):
    """Gemeinden: the Kreis of a count is the sum of its Gemeinden; of a rate it is not
    derivable, and a note says so instead of a summed number."""
    gemeinden = data.level_of("gemeinde")
    kreis = "16051"  # Erfurt: a kreisfreie Stadt of one Gemeinde
    [erfurt] = gemeinden.in_kreis(kreis)
    lines, notes = figures.series_lines(data, "gemeinde_bevoelkerung_zensus", [erfurt])
    assert [line.key for line in lines] == [erfurt, kreis] and lines[1].derived
    expected = _kreis_sum(data, "gemeinde_bevoelkerung_zensus", gemeinden, kreis)
    assert dict(zip(lines[1].rows["year"], lines[1].rows["value"])) == expected
    rate = "gemeinde_anteil_siedlungsflaeche"
    assert data.indicator(rate).kind == "rate"
    lines, notes = figures.series_lines(data, rate, [erfurt])
    assert [line.key for line in lines] == [erfurt]
    name = data.level_of("kreis").name(kreis)
    assert notes == [f"{name}: Wert des Kreises nicht aus den {gemeinden.title} ableitbar "
                     "(Quoten werden nicht summiert)."]
    fig = figures.timeseries(data, rate, [erfurt])
    assert notes[0] in fig.layout.meta["notes"]


def test_a_kreis_with_a_protected_area_has_a_gap_not_a_smaller_sum(data, tmp_path_factory):
    own, _ = protected_level_data(data, tmp_path_factory.mktemp("reihe"))
    level = own.level_of(OWN_LEVEL)
    first = level.keys[0]
    kreis = level.areas.set_index("ags").loc[first, "kreis"]
    lines, notes = figures.series_lines(own, OWN_COUNT, [first])
    parent = lines[-1]
    assert parent.key == kreis and parent.rows["value"].isna().all()
    assert set(parent.rows["status"]) == {"unvollständig"}
    year = own.latest_year(OWN_COUNT)
    assert notes == [f"{own.level_of('kreis').name(kreis)} {year}: unvollständig (ein Teil "
                     "fehlt oder ist geschützt)."]


def test_the_page_compares_few_areas_with_their_kreis_and_many_by_their_kreis(data, own, level):
    # the Kreis level: the selected Kreise, as before
    assert charts.series_choice(data, "sgb2_quote", ["16051", "16052"]) == (
        ["16051", "16052"], "")
    # Gemeinden of a kreisfreie Stadt: few enough for a line each
    erfurt = data.level_of("gemeinde").in_kreis("16051")
    assert charts.series_choice(data, "gemeinde_bevoelkerung_zensus", ["16051"]) == (erfurt, "")
    # 91 own areas in the zoomed Kreis: the Kreis, and a hint
    kreis = level.areas["kreis"].iloc[0]
    keys, hint = charts.series_choice(own, OWN_COUNT, [], kreis)
    assert keys == [kreis]
    assert f"{len(level.in_kreis(kreis))} {level.title} in " in hint and "Datenexport" in hint
    lines, _ = figures.series_lines(own, OWN_COUNT, keys)
    assert [(line.key, line.derived) for line in lines] == [(kreis, True)]
    title, _ = charts.timeseries_texts(own, OWN_COUNT, keys)
    name = data.level_of("kreis").name(kreis)
    assert title == f"Zeitreihe: {name} und {own.reference_name(OWN_COUNT)}"
    title, _ = charts.timeseries_texts(own, OWN_COUNT, [level.keys[0]])
    assert title == (f"Zeitreihe: ausgewählte {level.title}, ihr Kreis und "
                     f"{own.reference_name(OWN_COUNT)}")
    # areas of the level chosen (in the map or the list): those areas, even in a large Kreis
    chosen = level.in_kreis(kreis)[:2]
    assert charts.series_choice(own, OWN_COUNT, chosen + [kreis], kreis) == (chosen, "")
    # nothing chosen: the reference alone, and the hint says how to choose
    assert charts.series_choice(own, OWN_COUNT, [], None) == ([], "")
    title, hint = charts.timeseries_texts(own, OWN_COUNT, [])
    assert own.reference_name(OWN_COUNT) in title and "zoomen" in hint
    assert "timeseries" not in charts.KREIS_ONLY_VIEWS  # the tab is not blanked below the Kreise


def test_the_kreis_time_series_is_unchanged(data):
    fig = figures.timeseries(data, "sgb2_quote", ["16051", "16052"])
    names = [t.name for t in fig.data]
    assert names[:2] == [data.region_name("16051"), data.region_name("16052")]
    assert all(t.meta is None or "reference" in t.meta for t in fig.data)


def test_the_profile_shows_the_selected_areas_of_the_shown_level(data, own, level):
    """The page's list holds Kreise and areas of the shown level: the Regionenprofil shows the
    level's areas where chosen, else the Kreise (it used to look every key up among the
    Kreise and failed for an own area)."""
    from atlas.analysis import profile_choice

    kreis = level.areas["kreis"].iloc[0]
    areas = level.keys[:2]
    assert profile_choice(own, [kreis, *areas], OWN_COUNT) == (level.id, areas)
    assert profile_choice(own, [kreis], OWN_COUNT) == ("kreis", [kreis])
    assert profile_choice(own, [kreis, *areas], "sgb2_quote") == ("kreis", [kreis])
    assert profile_choice(own, [], OWN_COUNT) == ("kreis", [])
    assert profile_choice(own, ["16051"], "gibt_es_nicht") == ("kreis", ["16051"])


def test_long_legend_names_wrap_and_counts_start_at_zero(own, level):
    """An own level's sums have long names ("Altenburger Land (Summe der Verwaltungsgemein-
    schaften Altenburger Land)"): the legend breaks them into lines instead of running off the
    chart; a count's axes start at 0, so one year of similar numbers repeats no tick label;
    the total's axis is named without claiming to be Thüringen."""
    first = level.keys[0]
    fig = figures.timeseries(own, OWN_COUNT, [first])
    for trace in fig.data:
        assert all(len(part) <= 44 or " " not in part for part in trace.name.split("<br>"))
    assert fig.layout.yaxis.rangemode == "tozero" and fig.layout.yaxis2.rangemode == "tozero"
    assert "Thüringen" not in fig.layout.yaxis2.title.text
    assert figures.legend_name("kurz") == "kurz"
    assert figures.legend_name("a " * 40).count("<br>") >= 1


def test_a_click_selects_where_the_areas_lie_in_one_kreis_and_the_ranking_says_so(data, own,
                                                                                   level):
    """The line above the ranking says what a click on a bar does, as the page does it
    (callbacks.selection.click_district asks the same Level.click_zooms)."""
    gemeinden = data.level_of("gemeinde")
    assert gemeinden.click_zooms  # 631 Gemeinden in 22 Kreise: a click zooms first
    assert len(set(level.areas["kreis"])) == 1 and not level.click_zooms
    assert not data.level_of("kreis").click_zooms
    year = own.latest_year(OWN_COUNT)
    hint = charts.ranking_hint(own, figures.map_view(own, OWN_COUNT, year))
    assert "wählt das Gebiet" in hint and "zoomt" not in hint
    year = data.latest_year("gemeinde_bevoelkerung_zensus")
    view = figures.map_view(data, "gemeinde_bevoelkerung_zensus", year)
    assert "zoomt auf den Kreis" in charts.ranking_hint(data, view)
    assert "wählt das Gebiet" in charts.ranking_hint(data, view, "16051")
