"""The generated German texts (issue #19, atlas.report.describe): every number in them is
recomputed here from the built data, independently of the module, and compared."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from atlas.report import describe
from atlas.values import format_number
from tests.conftest import OWN_COUNT, OWN_LEVEL

#: A dot used as a decimal point ("18.4"): the German texts have a decimal comma; a dot only
#: separates thousands (followed by exactly three digits).
DOT_DECIMAL = re.compile(r"\d\.(?!\d{3}(?!\d))\d")
#: A German date ("01.01.2023", in the labels of territorial breaks).
DATE = re.compile(r"\b\d{1,2}\.\d{1,2}\.\d{4}\b")


def _rows(data, indicator: str) -> pd.DataFrame:
    rows = data.values[(data.values["indicator"] == indicator) & data.values["value"].notna()]
    return rows[rows["ags"].isin(data.level_of(data.indicator(indicator).level).keys)]


def _expected_rank(values: dict[str, float], ags: str, polarity: str) -> tuple[int, int]:
    """(rank, number of areas with a value): 1 = highest value, lowest for protective ones."""
    mine = values[ags]
    better = [v for v in values.values() if (v < mine if polarity == "protective" else v > mine)]
    return len(better) + 1, len(values)


def _check_plain(text: str) -> None:
    assert text.strip()
    for bad in ("nan", "None", "NaN", "<", ">", "**", "inf"):
        assert bad not in text, (bad, text)
    assert not DOT_DECIMAL.search(DATE.sub("", text)), text
    assert ".." not in text, text


@pytest.mark.parametrize("indicator, ags", [("kinderarmut", "16052"), ("haushaltseinkommen", "16052"),
                                            ("personen_in_bedarfsgemeinschaften", "16053"),
                                            ("sgb2_quote", "16069"), ("arbeitslosenquote", "16051")])
def test_every_number_of_an_area_text_is_the_data(data, indicator, ags):
    ind = data.indicator(indicator)
    year = data.latest_year(indicator)
    rows = _rows(data, indicator)
    this_year = rows[rows["year"] == year]
    values = dict(zip(this_year["ags"], this_year["value"].astype(float)))
    text = describe.area_text(data, indicator, ags, year)
    name = data.region_name(ags)
    value = values[ags]
    assert (f"Im Jahr {year} lag der Wert „{ind.short_title}“ in {name} bei "
            f"{format_number(value, ind.decimals, ind.unit)}") in text
    # the reference: the official Land row "16" where the source has one, else the median
    official = data.values[(data.values["indicator"] == indicator) & (data.values["ags"] == "16")
                           & (data.values["year"] == year) & data.values["value"].notna()]
    ref = float(official["value"].iloc[0]) if len(official) else float(pd.Series(
        list(values.values())).median())
    label = "Thüringen (amtlich)" if len(official) else "Median der Kreise"
    assert f"{label}" in text and format_number(ref, ind.decimals, ind.unit) in text
    diff = value - ref  # of the unrounded values, as the profile's "Abweichung"
    unit = "Prozentpunkte" if ind.unit == "%" else ind.unit
    if round(diff, ind.decimals):
        side = "über" if diff > 0 else "unter"
        assert f"{format_number(abs(diff), ind.decimals, unit)} {side} dem" in text
    # rank in the indicator's reading
    rank, n = _expected_rank(values, ags, ind.polarity)
    worst = max(_expected_rank(values, a, ind.polarity)[0] for a in values)
    first, last = ("niedrigsten", "höchsten") if ind.polarity == "protective" else \
        ("höchsten", "niedrigsten")
    if rank == 1:
        assert f"den {first} Wert der {n} Kreise" in text
    elif rank == worst:
        assert f"den {last} Wert der {n} Kreise" in text
    else:
        assert f"auf Rang {rank} der {n} Kreise" in text
    # trend: the last up to five years with a value, first to last
    own = rows[(rows["ags"] == ags) & (rows["year"] <= year)].sort_values("year").tail(5)
    change = float(own["value"].iloc[-1]) - float(own["value"].iloc[0])
    first_year = int(own["year"].iloc[0])
    if "etwa gleich" not in text:
        verb = "gestiegen" if change > 0 else "gesunken"
        assert (f"Seit {first_year} ist der Wert um "
                f"{format_number(abs(change), ind.decimals, unit)} {verb}") in text
    for b_year, label in data.breaks(indicator, [ags]):
        assert (f"Bruch in der Zeitreihe {b_year}" in text) == (first_year < b_year <= year)
    _check_plain(text)


def test_the_issue_example_gera_has_the_highest_child_poverty(data):
    """The issue's sentence for Gera: value, distance to the Kreis median, highest rank."""
    year = data.latest_year("kinderarmut")
    table = data.table("kinderarmut", year)
    top = table.sort_values("value", ascending=False).iloc[0]
    text = describe.area_text(data, "kinderarmut", top["ags"], year)
    assert f"{top['name']} hat den höchsten Wert der 22 Kreise mit Wert." in text


def test_a_missing_value_is_named_with_its_reason(data):
    """An area without a value in the year: no number for it, the reason named."""
    for ind in data.catalogue.indicators:
        if ind.level != "kreis" or not data.years(ind.id):
            continue
        for year in data.years(ind.id):
            table = data.table(ind.id, year)
            gaps = table[table["value"].isna()]
            if len(gaps):
                row = gaps.iloc[0]
                text = describe.area_text(data, ind.id, row["ags"], year)
                assert text.startswith(f"Für {row['name']} gibt es im Jahr {year} keinen Wert")
                assert "lag der Wert" not in text
                _check_plain(text)
                return
    pytest.skip("keine Lücke in den Kreisdaten")


@pytest.mark.parametrize("indicator", ["kinderarmut", "haushaltseinkommen", "bevoelkerung",
                                       "arbeitslose"])
def test_every_number_of_a_map_text_is_the_data(data, indicator):
    ind = data.indicator(indicator)
    year = data.latest_year(indicator)
    rows = _rows(data, indicator)
    this_year = rows[rows["year"] == year]
    values = dict(zip(this_year["ags"], this_year["value"].astype(float)))
    text = describe.map_text(data, indicator, year)
    low, high = min(values.values()), max(values.values())
    low_names = sorted(data.region_name(a) for a, v in values.items() if v == low)
    high_names = sorted(data.region_name(a) for a, v in values.items() if v == high)
    assert (f"von {format_number(low, ind.decimals, ind.unit)} ({low_names[0]}" in text)
    assert (f"bis {format_number(high, ind.decimals, ind.unit)} ({high_names[0]}" in text)
    assert f"der {len(values)} Kreise mit Wert" in text
    reference = data.reference(indicator, year)
    assert f"{reference.label}: {format_number(reference.value, ind.decimals, ind.unit)}" in text
    if ind.kind != "count":
        above = sum(v > reference.value for v in values.values())
        below = sum(v < reference.value for v in values.values())
        assert f"{above} Kreis" in text and f"darüber, {below} darunter" in text
    _check_plain(text)


def _all_texts(data, level_id: str, areas: list[str], limit: int | None = None):
    for ind in data.available_indicators(level=level_id)[:limit]:
        years = data.years(ind.id)
        for year in {years[0], years[-1]}:
            yield describe.map_text(data, ind.id, year)
            for ags in areas:
                yield describe.area_text(data, ind.id, ags, year)


def test_kreis_texts_are_plain_german(data):
    """Every Kreis indicator, first and last year, for four Kreise (cities and Landkreise)."""
    count = 0
    for text in _all_texts(data, "kreis", ["16051", "16052", "16061", "16077"]):
        _check_plain(text)
        count += 1
    assert count > 300


def test_gemeinde_texts_are_plain_german(data):
    level = data.level_of("gemeinde")
    keys = level.keys[::90]  # a spread of Gemeinden
    count = 0
    for text in _all_texts(data, "gemeinde", keys):
        _check_plain(text)
        count += 1
    assert count > 10


def test_own_level_texts_name_the_own_areas(own_level_data):
    data = own_level_data
    level = data.level_of(OWN_LEVEL)
    ind = data.indicator(OWN_COUNT)
    year = data.latest_year(OWN_COUNT)
    table = data.table(OWN_COUNT, year)
    for ags in level.keys[:20]:
        text = describe.area_text(data, OWN_COUNT, ags, year)
        _check_plain(text)
        value = table.loc[table["ags"] == ags, "value"].iloc[0]
        if not math.isnan(value):
            assert format_number(float(value), ind.decimals, ind.unit) in text
            assert f"der {int(table['value'].notna().sum())} {level.title} mit Wert" in text
    text = describe.map_text(data, OWN_COUNT, year)
    _check_plain(text)
    assert level.title in text


def test_an_area_of_another_level_is_a_german_error(data):
    from atlas.analysis import AnalysisInputError

    with pytest.raises(AnalysisInputError, match="ist unbekannt"):
        describe.area_text(data, "kinderarmut", "16052000")


def _texts(component) -> list[str]:
    """Every string child in a Dash component tree (what the browser shows as text nodes)."""
    out = []
    children = getattr(component, "children", component)
    if isinstance(children, str):
        return [children]
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if isinstance(child, str):
            out.append(child)
        elif child is not None:
            out += _texts(child)
    return out


def test_the_info_box_and_the_profile_show_the_text_as_plain_text(data):
    """The texts reach the page as text nodes (no Markdown, no HTML), for the year shown."""
    from layouts import analysis as views
    from layouts.panels import info_panel

    years = data.years("kinderarmut")
    for year in (years[0], years[-1]):
        box = _texts(info_panel(data, "kinderarmut", year))
        assert describe.map_text(data, "kinderarmut", year) in box
    summary = describe.profile_summary(data, "16052", "kreis", "kinderarmut")
    assert summary == describe.area_text(data, "kinderarmut", "16052")
    from atlas.analysis import profile
    shown = _texts(views.profile_view("Gera", "Kreisfreie Stadt", profile(data, "16052"),
                                      "alle Lebensphasen", summary))
    assert summary in shown
    # an indicator of another level: no text about it in a Kreis profile
    gemeinde = data.available_indicators(level="gemeinde")[0].id
    assert describe.profile_summary(data, "16052", "kreis", gemeinde) == ""


def test_the_texts_difference_and_trend_are_the_profiles(data):
    """One concept, one number: the text's distance to the reference and its change are the
    Regionenprofil's "Abweichung" and trend, for every indicator of a Kreis."""
    from atlas.analysis import profile

    for rec in profile(data, "16053").itertuples(index=False):
        text = describe.area_text(data, rec.indicator, "16053", int(rec.year))
        if rec.deviation_text and not rec.deviation_text.startswith("±"):
            amount = rec.deviation_text.lstrip("+−")
            side = "über" if rec.deviation > 0 else "unter"
            assert f"{amount} {side} dem" in text, (rec.indicator, text)
        if rec.trend_direction in ("steigend", "fallend"):
            verb = "gestiegen" if rec.trend_direction == "steigend" else "gesunken"
            assert f"Seit {rec.trend_from} ist der Wert um " \
                   f"{rec.trend_change_text.lstrip('+−')} {verb}" in text, (rec.indicator, text)
