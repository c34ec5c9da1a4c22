"""What the page and the exports show of a Sozialindex: info box lines, rank ranges in the
ranking, the values table and the CSV/XLSX export, all equal to the robustness report
(:func:`atlas.composite.report.index_report`); the unit "Index" is not written after numbers."""

from __future__ import annotations

import csv
import io
import math

import pytest

from atlas import charts, export, figures
from atlas.composite import define, indexview, report
from atlas.composite import formulas as fm
from atlas.composite.index import Part
from atlas.data.own import with_own
from atlas.data.process import _own_levels, _own_values
from atlas.store import Store
from atlas.values import UNITLESS, format_number, unit_suffix
from layouts import panels

RATE = fm.Formula("uiv_alo_je_1000", "Arbeitslose je 1.000 Einwohner (Einheitstest)", "rate",
                  fm.RateParams("arbeitslose", "bevoelkerung", 1000.0))
INDEX = fm.Formula("uiv_index", "Sozialindex (Einheitstest)", "index",
                   fm.IndexParams((Part("sgb2_quote", 2.0, 0), Part("kinderarmut", 2.0, 0),
                                   Part(RATE.id, 1.0, 0))))


@pytest.fixture(scope="module")
def atlas(data, tmp_path_factory):
    """The built data with the rate and the index defined (an own store of this module)."""
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('iv') / 'eigene.sqlite'}")

    def assembled():
        return with_own(data, store.indicators(), _own_values(store), _own_levels(store, data),
                        store.formulas())

    try:
        define.save(RATE, assembled(), store)
        define.save(INDEX, assembled(), store)
        yield assembled()
    finally:
        store.dispose()


def test_format_number_writes_no_index_unit():
    assert "Index" in UNITLESS
    assert format_number(-0.5, 2, "Index") == "−0,50"
    assert format_number(12.5, 1, "%") == "12,5 %"
    assert unit_suffix("Index") == "" and unit_suffix("%") == " %" and unit_suffix("") == ""


def test_info_lines_give_weights_in_percent_and_keep_the_titles(atlas):
    year = atlas.years(INDEX.id)[-1]
    *parts, method = report.info_lines(atlas, INDEX.id, year)
    assert parts[0].startswith(atlas.indicator("sgb2_quote").title)
    assert "Gewicht 40 %" in parts[0] and "Gewicht 20 %" in parts[2]
    assert parts[2].startswith(RATE.title)  # "je 1.000" keeps its point
    assert all(f"Jahr {year}" in p and "nächstes" not in p for p in parts)
    assert method.startswith("Methode: z-Standardisierung")


def test_a_part_from_its_nearest_year_is_named(atlas, data, tmp_path):
    """A year one part has and the other lacks: that part comes from its nearest year."""
    first = set(data.years("sgb2_quote"))
    other, year = next(
        ((ind.id, y) for ind in data.catalogue.indicators
         if ind.level == "kreis" and ind.kind == "rate" and ind.id != "sgb2_quote"
         and len(data.years(ind.id)) > 1
         for y in sorted(first - set(data.years(ind.id)))
         if min(data.years(ind.id)) < y < max(data.years(ind.id))), (None, None))
    if other is None:
        pytest.skip("kein Indikator mit Lücke in den Jahren der SGB-II-Quote")
    named = fm.Formula("uiv_named", "Index mit Jahr", "index",
                       fm.IndexParams((Part("sgb2_quote"), Part(other)), year=year))
    store = Store(f"sqlite:///{tmp_path / 'named.sqlite'}")
    try:
        define.save(named, data, store)
        own = with_own(data, [], _own_values(store), (), store.formulas())
        lines = report.info_lines(own, named.id, year)[:2]
        assert sum("(nächstes verfügbares Jahr)" in line for line in lines) == 1
        assert all(f"Jahr {year}" in line for line in lines if "nächstes" not in line)
    finally:
        store.dispose()


def test_rank_frame_equals_the_report(atlas):
    year = atlas.years(INDEX.id)[-1]
    table = report.index_report(atlas, INDEX.id, year).table
    frame = indexview.rank_frame(atlas, INDEX.id, year)
    assert list(frame["ags"]) == list(table["ags"])
    for row, (_, want) in zip(frame.itertuples(index=False), table.iterrows()):
        if math.isnan(want["rank"]):
            assert row.rank_text == "" and not row.class_changes
            continue
        low, high = round(want["rank_low"]), round(want["rank_high"])
        assert row.range_text == f"{low}–{high}"
        assert row.rank_text == f"Rang {int(want['rank'])} ({low}–{high})"
        assert row.class_changes == bool(want["class_changes"])
    assert indexview.rank_frame(atlas, "sgb2_quote", year) is None
    assert indexview.rank_frame(atlas, RATE.id, atlas.years(RATE.id)[-1]) is None
    assert indexview.rank_frame(atlas, INDEX.id, 1900) is None
    note = indexview.robustness_note(atlas, INDEX.id, year)
    assert "1.000 Gewichtsziehungen" in note and "Startwert 20261207" in note
    assert indexview.robustness_note(atlas, "sgb2_quote", year) == ""


def test_values_table_has_a_rank_range_column_for_an_index_only(atlas):
    year = atlas.years(INDEX.id)[-1]
    table = panels.values_table(atlas, figures.map_view(atlas, INDEX.id, year))
    assert table["head"][:3] == ["Rang", "Kreis", "Rangspanne"]
    frame = indexview.rank_frame(atlas, INDEX.id, year)
    by_name = {atlas.region_name(a): (t, u) for a, t, u in
               zip(frame["ags"], frame["range_text"], frame["class_changes"])}
    for rank, name, span, *_ in table["rows"][:-1]:
        text, unstable = by_name[name]
        assert span == (f"{text} {indexview.UNSTABLE}" if unstable else text)
    assert ". Robustheit: 1.000 Gewichtsziehungen" in table["note"]
    plain = panels.values_table(atlas, figures.map_view(atlas, "sgb2_quote",
                                                        atlas.years("sgb2_quote")[-1]))
    assert "Rangspanne" not in plain["head"] and len(plain["rows"][0]) == 4


def test_the_ranking_shows_rank_ranges_and_hatches_unstable_classes(atlas):
    year = atlas.years(INDEX.id)[-1]
    view = figures.map_view(atlas, INDEX.id, year)
    fig = charts.ranking_bar(atlas, view, [])
    bars, *ranges = fig.data
    frame = indexview.rank_frame(atlas, INDEX.id, year).set_index("ags")
    unstable = {a for a in frame.index if frame.loc[a, "class_changes"]}
    shapes = dict(zip(bars.customdata, bars.marker.pattern.shape))
    assert {a for a, s in shapes.items() if s} == unstable
    assert [t.name for t in ranges] == list(charts.RANK_RANGE_NAMES)
    seen = {}
    for trace in ranges:
        for a, x, plus, minus, hover in zip(trace.customdata, trace.x, trace.error_x.array,
                                            trace.error_x.arrayminus, trace.hovertext):
            assert x == frame.loc[a, "rank"]
            assert (x - minus, x + plus) == pytest.approx((frame.loc[a, "rank_low"],
                                                           frame.loc[a, "rank_high"]))
            assert hover.startswith(frame.loc[a, "rank_text"])
            seen[a] = trace.name
    assert {a for a, n in seen.items() if n == charts.RANK_RANGE_NAMES[1]} == unstable
    assert len(charts.ranking_bar(atlas, figures.map_view(
        atlas, "sgb2_quote", atlas.years("sgb2_quote")[-1]), []).data) == 1


def test_the_exported_ranking_keeps_both_panels_apart(atlas):
    fig = export.ranking_figure(atlas, INDEX.id, atlas.years(INDEX.id)[-1])
    bars, ranges = fig.layout.xaxis.domain, fig.layout.xaxis2.domain
    assert bars[0] < bars[1] < ranges[0] < ranges[1]
    assert "Gewichtsziehungen" in " ".join(a.text or "" for a in fig.layout.annotations)


def test_the_data_export_of_an_index_has_rank_range_and_class_stability(atlas):
    year = atlas.years(INDEX.id)[-1]
    text = export.data_csv(atlas, INDEX.id, year).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == export.DATA_COLUMNS + indexview.EXPORT_COLUMNS
    frame = indexview.rank_frame(atlas, INDEX.id, year).set_index("ags")
    for row in rows[1:]:
        want = frame.loc[row[0]]
        assert row[8] == str(int(want["rank"]))
        assert row[9] == want["range_text"]
        assert row[10] == (indexview.UNSTABLE_TEXT if want["class_changes"]
                           else indexview.STABLE_TEXT)
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export.data_xlsx(atlas, INDEX.id, year)))["Daten"]
    head = [c.value for c in sheet[1]]
    assert head == export.DATA_COLUMNS + indexview.EXPORT_COLUMNS
    second = [c.value for c in sheet[2]]
    assert second[8] == int(frame.loc[second[0], "rank"])
    plain = export.data_csv(atlas, "sgb2_quote", year).decode("utf-8-sig").splitlines()[0]
    assert plain.split(";") == export.DATA_COLUMNS


def test_the_info_box_lists_the_parts_of_the_year_shown(atlas):
    years = atlas.years(INDEX.id)

    def texts(component):
        out, stack = [], [component]
        while stack:
            node = stack.pop()
            if isinstance(node, str):
                out.append(node)
            elif isinstance(node, (list, tuple)):
                stack.extend(node)
            elif getattr(node, "children", None) is not None:
                stack.append(node.children)
        return " ".join(out)

    for year in (years[0], years[-1]):
        card = texts(panels.info_panel(atlas, INDEX.id, year))
        assert f"Sozialindex aus 3 Indikatoren, {year}" in card
        assert "Gewicht 40 %" in card and "Methode:" in card
    plain = texts(panels.info_panel(atlas, "sgb2_quote", years[-1]))
    assert atlas.indicator("sgb2_quote").definition in plain and "Gewicht" not in plain
