"""What the indicators mean (#16, "Meaning"): polarity of counts and of the reviewed entries, titles
checked against the sources' own descriptions, the GISD not compared over time, and the
territorial breaks of the Kreise (Eisenach 2021, Dünwald 2023) from their one table.

Expected values come from the built catalogue, the built values and the source catalogues
(``inkar2024_indikatoren.csv``, ``inkar2021_indikatoren.csv``) read here.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from atlas import analysis, export, figures
from atlas.catalogue import LIFE_PHASES, over_time_problem, parse_catalogue, rank_note
from atlas.composite import define
from atlas.composite import formulas as fm
from atlas.composite.index import Part
from atlas.errors import SourceError
from atlas.schema import HISTORIC_KREISE, TERRITORIAL_CHANGES
from layouts import analysis as views
from tests.conftest import component_text

GISD_NOTE = "Der GISD wird je Jahr neu skaliert; Werte verschiedener Jahre sind nicht vergleichbar."


_texts = component_text


def _source_rows(sources: Path, edition: str) -> dict[str, dict]:
    """The source catalogue of an INKAR edition: code → row (kuerzel for 2024, id for 2021)."""
    path = sources / "indicators" / edition / f"{edition}_indikatoren.csv"
    key = "kuerzel" if edition == "inkar2024" else "id"
    with path.open(encoding="utf-8") as handle:
        return {row[key]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def source_of(sources):
    """indicator id → the rows of the source catalogues describing its series."""
    editions = {e: _source_rows(sources, e) for e in ("inkar2024", "inkar2021")}

    def rows(data, indicator_id: str) -> list[dict]:
        return [editions[s.source][s.code] for s in data.indicator(indicator_id).series
                if s.source in editions and s.code in editions[s.source]]

    return rows


# --- polarity --------------------------------------------------------------------------------------


def test_counts_are_neutral_and_name_the_rate_for_comparisons(data):
    """A count measures mostly size (Erfurt has the most unemployed): never "risk" or
    "protective"; the unemployed name the rate to compare Kreise by, which exists."""
    counts = [i for i in data.catalogue.indicators if i.kind == "count"]
    assert {"arbeitslose", "arbeitslose_frauen"} <= {i.id for i in counts}
    for ind in counts:
        assert ind.polarity == "neutral", ind.id
    rate = data.indicator("arbeitslosenquote")
    assert rate.kind == "rate" and rate.polarity == "risk"
    for indicator_id in ("arbeitslose", "arbeitslose_frauen"):
        assert "für Vergleiche zwischen Kreisen: Arbeitslosenquote" in \
            data.indicator(indicator_id).definition


def test_the_largest_kreis_is_not_rated_riskiest_by_a_count(data):
    """Rank 1 of the unemployed is the largest number, said as such, and its trend is not
    rated günstig/ungünstig."""
    ind = data.indicator("arbeitslose")
    assert rank_note(ind) == "1 = höchster Wert"
    year = data.latest_year("arbeitslose")
    table = data.table("arbeitslose", year)
    first = table.sort_values("rank").iloc[0]
    assert first["value"] == table["value"].max()
    row = analysis.profile(data, first["ags"]).set_index("indicator").loc["arbeitslose"]
    assert row["trend_assessment"] in ("", analysis.NEUTRAL)


@pytest.mark.parametrize("indicator_id", [
    "asylbewerber", "unterkunftskosten_sgb2", "fernpendler", "verunglueckte_strassenverkehr",
    "pflegeheimplaetze"])
def test_reviewed_entries_are_neutral_and_say_why(data, indicator_id):
    ind = data.indicator(indicator_id)
    assert ind.polarity == "neutral"
    assert analysis.assess(analysis.RISING, ind.polarity) == analysis.NEUTRAL


def test_road_casualties_are_counted_where_the_accident_happened(data, source_of):
    ind = data.indicator("verunglueckte_strassenverkehr")
    assert "am Unfallort" in ind.title
    assert "nicht am Wohnort" in ind.definition and "Durchgangsverkehr" in ind.definition
    source = source_of(data, ind.id)[0]
    assert source["name"].startswith("Verunglückte im Straßenverkehr")


@pytest.mark.parametrize("indicator_id", ["medianeinkommen", "medianeinkommen_frauen",
                                          "bruttoverdienst"])
def test_workplace_earnings_say_am_arbeitsort(data, source_of, indicator_id):
    """The sources count earnings where people work (the median: "am Arbeitsort"; the
    Bruttoverdienst: wages the Betriebe in the Kreis pay): title and definition say so."""
    ind = data.indicator(indicator_id)
    assert "am Arbeitsort" in ind.title and "Arbeitsort" in ind.short_title
    assert "Arbeitsort" in ind.definition
    source = source_of(data, indicator_id)[0]
    assert "Arbeitsort" in source["anmerkungen"] or "Betrieben" in source["anmerkungen"]


def test_care_per_all_inhabitants_tags_the_life_phases_of_its_denominator(data, source_of):
    """Pflegebedürftige are counted per all inhabitants (the source's algorithm divides by E,
    every age): all life phases. Pflegeheimplätze too, but they stay with the Senioren – the
    definition says why."""
    care = data.indicator("pflegebeduerftige")
    assert source_of(data, care.id)[0]["algorithmus"].rstrip().endswith("/ E <Zeitpunkt> x 100")
    assert set(care.life_phases) == set(LIFE_PHASES)
    assert "jeden Alters" in care.definition and "aller Altersgruppen" in care.definition
    places = data.indicator("pflegeheimplaetze")
    assert "/ E <Zeitpunkt>" in source_of(data, places.id)[0]["algorithmus"]
    assert places.life_phases == ("senioren",)
    assert "aller Altersgruppen" in places.definition and "Senioren" in places.definition


def test_one_person_households_in_sgb2_belong_to_income_and_poverty(data):
    ind = data.indicator("einpersonen_bedarfsgemeinschaften")
    assert ind.area == "einkommen_armut"
    listed = [i.id for i in data.available_indicators(area="einkommen_armut")]
    assert ind.id in listed
    assert ind.id not in [i.id for i in data.available_indicators(area="wohnen")]


# --- labels against the source -------------------------------------------------------------------


def test_hochschulreife_includes_fachhochschulreife(data, source_of):
    """INKAR's indicator counts every Hochschulreife ("mit Hochschulreife"), not only the
    allgemeine."""
    ind = data.indicator("schulabgaenger_hochschulreife")
    source = source_of(data, ind.id)[0]
    assert "mit Hochschulreife" in source["name"] and "allgemeiner" not in source["name"]
    assert "Hochschulreife (allgemeine oder Fachhochschulreife" in ind.title
    assert "allgemeiner Hochschulreife" not in ind.title
    assert "Fachhochschulreife" in ind.definition
    assert ind.short_title == "Mit Hochschulreife"


@pytest.mark.parametrize("indicator_id", ["ganztagsbetreuung_u3", "ganztagsbetreuung_3_6"])
def test_ganztag_is_seven_hours_and_more_as_the_source_says(data, source_of, indicator_id):
    ind = data.indicator(indicator_id)
    source = source_of(data, indicator_id)[0]
    assert "7 und mehr Stunden" in source["name"]
    assert "(7 Stunden und mehr täglich)" in ind.title
    assert "mehr als 7" not in ind.title and "mehr als sieben" not in ind.definition
    assert "sieben Stunden oder länger" in ind.definition


def test_every_source_phrase_about_place_or_hours_is_kept(data, source_of):
    """Whatever INKAR indicator says "am Arbeitsort" or "7 und mehr Stunden" in its name or
    notes, our title says it too (the class of the two label faults)."""
    for ind in data.catalogue.indicators:
        for row in source_of(data, ind.id):
            text = f"{row['name']} {row['anmerkungen']}"
            if "Medianeinkommen" in row["name"] and "am Arbeitsort" in text:
                assert "am Arbeitsort" in ind.title, ind.id
            if "7 und mehr Stunden" in row["name"]:
                assert "7 Stunden und mehr" in ind.title, ind.id


# --- GISD: not over time ---------------------------------------------------------------------------


def test_only_the_gisd_is_not_compared_over_time(data):
    gisd = data.indicator("gisd")
    assert gisd.over_time is False and over_time_problem(gisd) == GISD_NOTE
    others = [i.id for i in data.catalogue.indicators if not i.over_time]
    assert others == ["gisd"]
    assert over_time_problem(data.indicator("sgb2_quote")) == ""


def _entry(**extra) -> dict:
    entry = {"id": "x", "title": "X", "short_title": "X", "unit": "%", "unit_label": "Anteil",
             "kind": "rate", "definition": "Eine Definition.", "area": "a",
             "life_phases": ["jugend"], "polarity": "neutral", "source": "s", "table": "T",
             "series": [{"source": "tidy", "code": "x"}]}
    return {**entry, **extra}


def _catalogue(entry: dict):
    return parse_catalogue({
        "sources": {"s": {"title": "S", "publisher": "P", "attribution": "A", "licence": "L",
                          "licence_url": "u", "url": "u"}},
        "areas": [{"id": "a", "title": "A", "description": "D"}],
        "indicators": [entry]}, Path("katalog.toml"))


def test_over_time_field_is_checked_and_defaults_to_true():
    assert _catalogue(_entry()).indicators[0].over_time is True
    ind = _catalogue(_entry(over_time=False)).indicators[0]
    assert over_time_problem(ind) == "Werte verschiedener Jahre sind nicht vergleichbar."
    with pytest.raises(SourceError, match="over_time muss true oder false"):
        _catalogue(_entry(over_time="nein"))
    with pytest.raises(SourceError, match="over_time_note nur zusammen"):
        _catalogue(_entry(over_time_note="Grund"))


def test_no_change_is_computed_for_the_gisd(data):
    years = data.years("gisd")
    assert len(years) > 1  # the years are there, only their comparison is refused
    with pytest.raises(analysis.AnalysisInputError, match="je Jahr neu skaliert"):
        analysis.change(data, "gisd", years[0], years[-1])
    with pytest.raises(analysis.AnalysisInputError, match="je Jahr neu skaliert"):
        figures.change_view(data, "gisd", years[0], years[-1])


def test_profile_and_comparison_show_no_trend_for_the_gisd_but_why(data):
    ags = data.regions["ags"].iloc[0]
    row = analysis.profile(data, ags).set_index("indicator").loc["gisd"]
    assert (row["trend_direction"], row["trend_arrow"], row["trend_assessment"]) == ("", "", "")
    assert row["trend_text"] == analysis.NO_TREND and row["trend_note"] == GISD_NOTE
    assert len(row["sparkline"]) > 1  # the years are still shown
    shown = _texts(views.profile_view("X", "Landkreis", analysis.profile(data, ags), "alle"))
    assert analysis.NO_TREND in shown and GISD_NOTE in shown
    other = data.regions["ags"].iloc[1]
    comparison = analysis.compare_profiles(data, [ags, other]).set_index("indicator")
    assert comparison.loc["gisd", f"trend_{ags}"] == analysis.NO_TREND
    assert comparison.loc["gisd", f"assessment_{ags}"] == ""


def test_profile_pdf_footnotes_the_reason(data):
    ags = data.regions["ags"].iloc[0]
    rows = export._profile_rows(data, analysis.profile(data, ags))
    gisd = next(r for r in rows if r["note"] and r["note"][1] == data.indicator("gisd").short_title)
    assert gisd["note"][2] == GISD_NOTE and gisd["cells"][7] == "–"


def test_time_series_keeps_the_years_with_the_note(data):
    ags = data.regions["ags"].iloc[0]
    fig = figures.timeseries(data, "gisd", [ags])
    assert fig.layout.meta["caveat"] == GISD_NOTE
    assert len(fig.data[0].x) == len(data.series("gisd", [ags]))
    assert figures.timeseries(data, "sgb2_quote", [ags]).layout.meta["caveat"] == ""
    exported = export.timeseries_figure(data, "gisd", [ags])
    texts = " ".join(a.text or "" for a in exported.layout.annotations)
    assert f"Achtung: {GISD_NOTE}" in texts


def test_change_view_callback_says_why_instead_of_a_map(app_module):
    from atlas import charts
    from atlas.data import get_data
    from callbacks import analysis as cb

    years = get_data().years("gisd")
    assert cb.change_years(["gisd"]) == ([], None, [], None)
    figure, note, table, label = cb.update_change(["gisd", []], years[0], years[-1])
    assert figure is charts.BLANK and note == f"Keine Veränderungskarte: {GISD_NOTE}"
    assert table["rows"] == [] and "keine Karte" in label  # no table of a map not shown


def test_a_change_formula_of_the_gisd_is_refused(data):
    years = data.years("gisd")
    formula = fm.Formula("gisd_veraenderung", "Veränderung GISD", "change",
                         fm.ChangeParams("gisd", years[0], years[-1]))
    with pytest.raises(fm.FormulaProblem, match="je Jahr neu skaliert"):
        fm.completed(formula, data.catalogue, years_of=data.years)
    with pytest.raises(fm.FormulaProblem, match="nicht berechnen"):
        define.check(formula, data)


def test_an_index_with_a_count_part_warns_in_its_definition(data):
    with_count = fm.completed(fm.Formula("idx_count", "Index", "index", fm.IndexParams(
        (Part("sgb2_quote", 1), Part("arbeitslose", 1)))), data.catalogue)
    text = fm.definition_text(with_count, data.catalogue)
    assert "Achtung: „Arbeitslose“ ist eine Anzahl" in text and "Quote" in text
    rates = fm.completed(fm.Formula("idx_rates", "Index", "index", fm.IndexParams(
        (Part("sgb2_quote", 1), Part("kinderarmut", 1)))), data.catalogue)
    assert "Achtung" not in fm.definition_text(rates, data.catalogue)


# --- territorial breaks ---------------------------------------------------------------------------


def test_historic_kreise_come_from_the_table_of_changes():
    assert HISTORIC_KREISE == {"16056": "Eisenach (bis 30.06.2021)"}
    duenwald = [c for c in TERRITORIAL_CHANGES if "Dünwald" in c.what]
    assert len(duenwald) == 1 and duenwald[0].kreise == ("16064", "16061")
    assert duenwald[0].date == "01.01.2023" and duenwald[0].year == 2023


def test_duenwald_breaks_the_series_of_both_kreise_across_2023(data):
    """Every Kreis indicator whose years run across 2023 has the break for the Unstrut-Hainich-Kreis
    and Eichsfeld, and only for them; the others have none."""
    change = next(c for c in TERRITORIAL_CHANGES if "Dünwald" in c.what)
    across = [i.id for i in data.available_indicators()
              if data.years(i.id)[0] < change.year <= data.years(i.id)[-1]]
    assert "bevoelkerung" in across
    for indicator_id in [i.id for i in data.available_indicators()]:
        found = [label for year, label in data.breaks(indicator_id) if "Dünwald" in label]
        assert bool(found) == (indicator_id in across), indicator_id
        for ags in change.kreise:
            assert any("Dünwald" in label and year == change.year
                       for year, label in data.breaks(indicator_id, [ags])) == \
                (indicator_id in across)
        assert not any("Dünwald" in label for _, label in data.breaks(indicator_id, ["16051"]))


def test_population_change_view_and_series_name_the_break(data):
    """The change map 2022→2024 of the population (Unstrut-Hainich-Kreis falls, Eichsfeld grows
    partly by the move) carries the break; the Unstrut-Hainich-Kreis's time series draws it."""
    years = data.years("bevoelkerung")
    before, after = max(y for y in years if y < 2023), min(y for y in years if y >= 2023)
    table = analysis.change(data, "bevoelkerung", before, after)
    assert any(year == 2023 and "Dünwald" in label for year, label in table.attrs["breaks"])
    fig = figures.timeseries(data, "bevoelkerung", ["16064"])
    assert any("Dünwald" in note for note in fig.layout.meta["notes"])
    assert any(shape.x0 == 2022.5 for shape in fig.layout.shapes)


def test_eisenach_break_and_map_note_follow_the_historic_values(data):
    """INKAR 2021 values (Eisenach a Kreis of its own) painted on today's Wartburgkreis: the map
    says so; indicators without historic Eisenach values have no such note."""
    values = data.values
    historic = set(values.loc[(values["ags"] == "16056") & values["value"].notna(), "indicator"])
    assert "haushaltseinkommen" in historic
    for ind in data.available_indicators():
        notes = data.map_notes(ind.id)
        if ind.id in historic:
            last = int(values.loc[(values["indicator"] == ind.id) & (values["ags"] == "16056")
                                  & values["value"].notna(), "year"].max())
            assert len(notes) == 1 and f"Wartburgkreis bis {last} ohne Eisenach" in notes[0]
            assert "heutigen Fläche" in notes[0]
            assert any("Eisenach" in label for _, label in data.breaks(ind.id, ["16063"]))
        else:
            assert notes == [], ind.id


def test_gemeinde_indicators_have_no_kreis_breaks(data):
    for ind in data.available_indicators(level="gemeinde"):
        assert data.territorial_breaks(ind.id) == [] and data.map_notes(ind.id) == []


def test_the_change_form_does_not_offer_the_gisd(data):
    from atlas.composite import forms

    offered = [c["value"] for c in forms.indicator_choices(data, "kreis", comparable_only=True)]
    assert "gisd" not in offered and "sgb2_quote" in offered
    assert "gisd" in [c["value"] for c in forms.indicator_choices(data, "kreis")]  # index parts


def test_years_a_definition_names_are_the_years_the_data_has(data):
    """A definition that names its years ("nur für das Jahr 2017", "bis 2018", "ab 2016",
    "Stand 2017", "nur für 2023 und 2025") says what the built data holds – after an update a
    stale sentence fails here instead of misleading a planner."""
    import re

    checked = 0
    for ind in data.catalogue.indicators:
        years = data.years(ind.id)
        text = ind.definition
        claims = []
        if m := re.search(r"nur für (?:das Jahr )?(\d{4}) vorhanden", text):
            claims.append(([int(m[1])], years))
        if m := re.search(r"Werte nur für (\d{4}) und (\d{4}) vor", text):
            claims.append(([int(m[1]), int(m[2])], years))
        if m := re.search(r"Stand (\d{4})\.", text):
            claims.append(([int(m[1])], years))
        if m := re.search(r"bis (\d{4}) vorhanden", text):
            claims.append((int(m[1]), years[-1] if years else None))
        if m := re.search(r"(?:erst )?ab (\d{4}) vorhanden", text):
            claims.append((int(m[1]), years[0] if years else None))
        for claimed, actual in claims:
            assert claimed == actual, (ind.id, claimed, actual)
            checked += 1
    assert checked >= 15


def test_api_catalogue_says_which_indicators_are_not_compared_over_time(app_module, data):
    body = app_module.server.test_client().get("/api/indicators").get_json()
    by_id = {i["id"]: i for i in body["indicators"]}
    assert by_id["gisd"]["over_time"] is False and by_id["gisd"]["over_time_note"] == GISD_NOTE
    assert by_id["sgb2_quote"]["over_time"] is True and by_id["sgb2_quote"]["over_time_note"] == ""
    assert by_id["arbeitslose"]["polarity"] == "neutral"


def test_exported_map_carries_the_territory_note(data):
    def texts(fig) -> str:
        return " ".join((a.text or "").replace("<br>", " ") for a in fig.layout.annotations)

    year = data.latest_year("haushaltseinkommen")
    shown = " ".join(texts(export.map_figure(data, "haushaltseinkommen", year)).split())
    assert "Achtung Gebietsstand: Wartburgkreis bis" in shown and "ohne Eisenach" in shown
    plain = texts(export.map_figure(data, "sgb2_quote", data.latest_year("sgb2_quote")))
    assert "Gebietsstand:" not in plain
