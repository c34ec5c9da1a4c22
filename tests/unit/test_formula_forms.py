"""The forms "Indikator berechnen" and "Sozialindex bilden": choices, form → definition (German
messages for every odd input, never a traceback), definition → form, rows, the list."""

import pytest

from atlas.composite import define, forms
from atlas.composite import formulas as fm
from atlas.composite.index import MAX_PARTS, MIN_PARTS


def _rate_form(**changes):
    form = {"kind": "rate", "numerator": "arbeitslose_frauen", "denominator": "arbeitslose",
            "factor": "100", "factor_other": None, "id": "alo_frauen", "title": "Frauen unter den "
            "Arbeitslosen", "unit": "", "polarity": forms.FROM_PARTS, "note": "Test"}
    return {**form, **changes}


def _index_form(data, n=3, **changes):
    rates = [i.id for i in data.available_indicators(level="kreis") if i.kind == "rate"][:n]
    form = {"parts": [{"indicator": r, "weight": 1, "direction": 0} for r in rates],
            "method": "z", "year": forms.LATEST_YEAR, "id": "testindex", "title": "Testindex",
            "polarity": "", "note": ""}
    return {**form, **changes}


def test_suggested_id_spells_out_umlauts_and_avoids_taken_ids():
    assert forms.suggest_id("Anteil Frauen an Arbeitslosen (%)") == \
        "anteil_frauen_an_arbeitslosen"
    assert forms.suggest_id("Ärzte je Größe") == "aerzte_je_groesse"
    assert forms.suggest_id("Quote", taken={"quote", "quote_2"}) == "quote_3"
    long = forms.suggest_id("x" * 500, taken={"x" * 40})
    assert fm.ID_RE.fullmatch(long) and long.endswith("_2")
    for odd in (None, "", "!!!", "ä", 5, ["a"]):
        assert forms.suggest_id(odd) in ("", "ae")


def test_choices_offer_the_levels_counts_and_years_of_the_data(data):
    levels = forms.level_choices(data)
    assert levels[0]["value"] == "kreis" and "22 Gebiete" in levels[0]["label"]
    counts = {o["value"] for o in forms.indicator_choices(data, "kreis", counts_only=True)}
    assert {"arbeitslose", "arbeitslose_frauen"} <= counts
    assert all(data.indicator(i).kind == "count" for i in counts)
    every = {o["value"] for o in forms.indicator_choices(data, "kreis")}
    assert counts < every and "sgb2_quote" in every
    assert forms.indicator_choices(data, "nirgends") == []
    assert forms.indicator_choices(data, None) == []
    assert [int(o["value"]) for o in forms.year_choices(data, "arbeitslose")] == \
        data.years("arbeitslose")
    assert forms.year_choices(data, "gibt_es_nicht") == []
    years = forms.index_year_choices(data, ["sgb2_quote", "kinderarmut"])
    common = sorted(set(data.years("sgb2_quote")) & set(data.years("kinderarmut")))
    assert years[0]["value"] == forms.LATEST_YEAR and str(common[-1]) in years[0]["label"]
    assert forms.index_year_choices(data, [None, "gibt_es_nicht"])[0]["value"] == \
        forms.LATEST_YEAR


def test_a_rate_form_gives_the_definition_the_command_line_gives():
    formula = forms.derive_formula(_rate_form(factor="1000"))
    assert formula.kind == "rate" and formula.id == "alo_frauen"
    assert formula.params == fm.RateParams("arbeitslose_frauen", "arbeitslose", 1000.0)
    other = forms.derive_formula(_rate_form(factor=forms.OTHER_FACTOR, factor_other="2,5"))
    assert other.params.factor == 2.5
    assert forms.derive_formula(_rate_form(title="  A   b  ")).title == "A b"
    assert forms.derive_formula(_rate_form()).polarity == ""  # from the parts
    assert forms.derive_formula(_rate_form(polarity="protective")).polarity == "protective"
    assert forms.derive_formula(_rate_form(polarity=None)).polarity == ""


def test_a_change_form_gives_the_definition():
    formula = forms.derive_formula({"kind": "change", "indicator": "bevoelkerung",
                                    "year_from": 2015, "year_to": "2020", "percent": "prozent",
                                    "id": "bev_veraenderung", "title": "Bevölkerung, Veränderung"})
    assert formula.params == fm.ChangeParams("bevoelkerung", 2015, 2020, True)


@pytest.mark.parametrize("changes, message", [
    ({"title": None}, "Titel fehlt"),
    ({"title": "x" * 5000}, "Titel: höchstens"),
    ({"id": None}, "Kennung fehlt"),
    ({"id": "Größe"}, "Kennung"),
    ({"id": "a" * 100000}, "Kennung"),
    ({"numerator": None}, "Zähler fehlt"),
    ({"denominator": ""}, "Nenner fehlt"),
    ({"denominator": "arbeitslose_frauen"}, "derselbe Indikator"),
    ({"numerator": "x" * 10000}, "Zähler"),
    ({"factor": None}, "Faktor"),
    ({"factor": "7"}, "Faktor"),
    ({"factor": forms.OTHER_FACTOR, "factor_other": None}, "Faktor fehlt"),
    ({"factor": forms.OTHER_FACTOR, "factor_other": "-5"}, "größer als 0"),
    ({"factor": forms.OTHER_FACTOR, "factor_other": 0}, "größer als 0"),
    ({"factor": forms.OTHER_FACTOR, "factor_other": "nan"}, "Faktor"),
    ({"factor": forms.OTHER_FACTOR, "factor_other": float("inf")}, "Faktor"),
    ({"factor": forms.OTHER_FACTOR, "factor_other": "1e400"}, "Faktor"),
    ({"polarity": "<b>risk</b>"}, "Lesart"),
    ({"unit": "u" * 100}, "Einheit"),
    ({"note": "n" * 3000}, "Anmerkung"),
    ({"kind": "index"}, "Art der Berechnung"),
    ({"kind": None}, "Art der Berechnung"),
])
def test_a_bad_rate_form_is_named_in_german(changes, message):
    with pytest.raises(fm.FormulaProblem, match=message):
        forms.derive_formula(_rate_form(**changes))


@pytest.mark.parametrize("changes, message", [
    ({"indicator": None}, "Indikator fehlt"),
    ({"year_from": None}, "„von“ fehlt"),
    ({"year_to": "zwanzig"}, "kein Jahr"),
    ({"year_from": 2020, "year_to": 2015}, "vor „bis“"),
    ({"year_from": 2020, "year_to": 2020}, "vor „bis“"),
    ({"year_from": -3}, "kein Jahr"),
    ({"year_from": 10**30}, "kein Jahr"),
])
def test_a_bad_change_form_is_named_in_german(changes, message):
    form = {"kind": "change", "indicator": "bevoelkerung", "year_from": 2015, "year_to": 2020,
            "id": "bev_ver", "title": "Veränderung", **changes}
    with pytest.raises(fm.FormulaProblem, match=message):
        forms.derive_formula(form)


def test_odd_whole_forms_are_refused_in_german():
    for odd in (None, [], "text", 5):
        with pytest.raises(fm.FormulaProblem):
            forms.derive_formula(odd)
        with pytest.raises(fm.FormulaProblem):
            forms.index_formula(odd)


def test_an_index_form_gives_the_definition(data):
    form = _index_form(data)
    form["parts"][1].update(weight="0,5", direction="-1")
    form["parts"][2].update(direction=1)
    formula = forms.index_formula({**form, "year": "2020", "method": "minmax"})
    assert [p.weight for p in formula.params.items] == [1.0, 0.5, 1.0]
    assert [p.direction for p in formula.params.items] == [0, -1, 1]
    assert formula.params.method == "minmax" and formula.params.year == 2020
    assert forms.index_formula(form).params.year is None


@pytest.mark.parametrize("edit, message", [
    (lambda f: f["parts"].__setitem__(0, {**f["parts"][0], "weight": -1}), "Gewicht von Teil 1"),
    (lambda f: f["parts"].__setitem__(1, {**f["parts"][1], "weight": 0}), "Gewicht von Teil 2"),
    (lambda f: f["parts"].__setitem__(1, {**f["parts"][1], "weight": None}), "Gewicht von Teil 2 "
                                                                             "fehlt"),
    (lambda f: f["parts"].__setitem__(1, {**f["parts"][1], "weight": "viel"}), "Gewicht"),
    (lambda f: f["parts"].__setitem__(2, {**f["parts"][2], "indicator": None}),
     "Indikator von Teil 3 fehlt"),
    (lambda f: f["parts"].__setitem__(2, {**f["parts"][2], "direction": 7}), "Richtung von Teil 3"),
    (lambda f: f["parts"].__setitem__(2, {**f["parts"][2], "direction": True}), "Richtung"),
    (lambda f: f["parts"].__setitem__(2, dict(f["parts"][0])), "derselbe Indikator wie Teil 1"),
    (lambda f: f["parts"].__setitem__(2, "kaputt"), "Indikator von Teil 3 fehlt"),
    (lambda f: f.update(parts=f["parts"][:1]), "2 bis 15 Teile"),
    (lambda f: f.update(parts=[dict(f["parts"][0]) for _ in range(16)]), "2 bis 15 Teile"),
    (lambda f: f.update(parts=None), "Teile des Index fehlen"),
    (lambda f: f.update(method="median"), "Standardisierung"),
    (lambda f: f.update(year="letztes"), "kein Jahr"),
    (lambda f: f.update(title=""), "Titel fehlt"),
])
def test_a_bad_index_form_is_named_in_german(data, edit, message):
    form = _index_form(data)
    edit(form)
    with pytest.raises(fm.FormulaProblem, match=message):
        forms.index_formula(form)


def test_fifteen_parts_are_allowed(data):
    form = _index_form(data, n=MAX_PARTS)
    assert len(form["parts"]) == MAX_PARTS
    assert len(forms.index_formula(form).params.items) == MAX_PARTS


def test_a_stored_definition_comes_back_into_its_form(data):
    rate = define.check(forms.derive_formula(_rate_form(factor=forms.OTHER_FACTOR,
                                                        factor_other="250")), data)
    back = forms.form_of(rate)
    assert back["level"] == "kreis" and back["factor"] == forms.OTHER_FACTOR
    assert forms.derive_formula(back).params == rate.params
    assert back["unit"] == ""  # generated from the factor: stays generated
    index = define.check(forms.index_formula(_index_form(data)), data)
    back = forms.form_of(index)
    again = forms.index_formula(back)
    assert again.params == index.params and again.title == index.title
    assert forms.form_of(define.check(forms.derive_formula(_rate_form()), data))["factor"] == "100"


def test_rows_of_parts_stay_between_two_and_fifteen():
    two = [forms.blank_part(), forms.blank_part()]
    assert forms.remove_part(two, 0) == two
    three = forms.add_part(two)
    assert len(three) == 3
    three[0]["indicator"] = "a"
    assert [p["indicator"] for p in forms.remove_part(three, 0)] == [None, None]
    assert forms.remove_part(three, 7) == three and forms.remove_part(three, None) == three
    many = two
    for _ in range(20):
        many = forms.add_part(many)
    assert len(many) == MAX_PARTS
    kept = forms.parts_of_level([{"indicator": "a", "weight": 2, "direction": -1},
                                 {"indicator": "b", "weight": 1, "direction": 0}], {"a"})
    assert kept[0]["indicator"] == "a" and kept[1]["indicator"] is None
    assert kept[0]["weight"] == 2
    assert len(forms.parts_of_level(None, set())) == MIN_PARTS
    odd = forms.parts_of_level([{"indicator": ["a"]}, "kaputt", {"indicator": {"b": 1}}], {"a"})
    assert [p["indicator"] for p in odd] == [None, None]


def test_the_list_names_kind_level_parts_and_problems(data):
    rate = define.check(forms.derive_formula(_rate_form()), data)
    entry, = forms.entries(data, [rate])
    assert entry.kind == "Quote aus zwei Anzahlen" and entry.level == data.level_of("kreis").title
    assert any(data.indicator("arbeitslose_frauen").title in p for p in entry.parts)
    assert "Faktor: 100 (%)" in entry.parts
    assert entry.problem == "" and not entry.shown  # not saved in this data
    gone = fm.Formula("kaputt", "Kaputt", "rate", fm.RateParams("weg", "arbeitslose"),
                      level="kreis")
    entry, = forms.entries(data, [gone])
    assert "weg (fehlt)" in entry.parts[0]


def test_an_empty_kennung_is_taken_from_the_title():
    form = forms.with_id(_rate_form(id="  "), taken={"frauen_unter_den_arbeitslosen"})
    assert forms.derive_formula(form).id == "frauen_unter_den_arbeitslosen_2"
    assert forms.with_id(_rate_form())["id"] == "alo_frauen"  # a typed one stays
    assert forms.with_id(None) is None
    with pytest.raises(fm.FormulaProblem, match="Kennung fehlt"):
        forms.derive_formula(forms.with_id(_rate_form(id="", title="!!!")))


def test_own_levels_are_offered_with_their_counts(own_level_data):
    from tests.conftest import OWN_COUNT, OWN_LEVEL

    levels = {o["value"]: o["label"] for o in forms.level_choices(own_level_data)}
    level = own_level_data.level_of(OWN_LEVEL)
    assert levels[OWN_LEVEL] == f"{level.title} (eigene Gebiete, {len(level)} Gebiete)"
    counts = [o["value"] for o in forms.indicator_choices(own_level_data, OWN_LEVEL,
                                                           counts_only=True)]
    assert OWN_COUNT in counts
    assert all(own_level_data.indicator(i).level == OWN_LEVEL for i in counts)


ODD = [None, "", "x" * 100000, "gibt_es_nicht", -1, 0, 10**30, float("nan"), [], {}, True,
       "<script>alert(1)</script>", ["a"], {"a": 1}, 2020.5]


def test_the_form_callbacks_answer_odd_values_without_a_traceback(app_module):
    """The callbacks' functions with odd values: German messages, empty choices, never an
    exception (and nothing stored: every one of these forms is refused)."""
    from atlas.data import own_store
    from callbacks import formulas as cb

    before = [f.id for f in own_store().formulas()]
    for odd in ODD:
        assert cb.derive_choices(odd, 0, odd, odd, odd)[0] == [] or odd == ""
        cb.derive_years(odd, odd, odd)
        cb.index_years([odd, odd], odd)
        cb.derive_fields_shown(odd, odd)
        for kind in ("rate", "change", odd):
            form = {"kind": kind, "numerator": odd, "denominator": odd, "factor": odd,
                    "factor_other": odd, "indicator": odd, "year_from": odd, "year_to": odd,
                    "percent": odd, "title": odd, "id": odd, "unit": odd, "polarity": odd,
                    "note": odd}
            alert, stored = cb.save(forms.derive_formula, form, odd)
            assert stored is None and alert.children.startswith("Nicht gespeichert")
    for parts in ([], [{"indicator": "sgb2_quote", "weight": 1, "direction": 0}],
                  [{"indicator": f"x{i}", "weight": 1, "direction": 0} for i in range(16)],
                  [{"indicator": "sgb2_quote", "weight": -1, "direction": 0},
                   {"indicator": "kinderarmut", "weight": 1, "direction": 0}],
                  [{"indicator": "gibt_es_nicht", "weight": 1, "direction": 0},
                   {"indicator": "kinderarmut", "weight": 1, "direction": 0}],
                  [{"indicator": "gemeinde_bevoelkerung_zensus", "weight": 1, "direction": 0},
                   {"indicator": "kinderarmut", "weight": 1, "direction": 0}]):
        form = {"level": "kreis", "method": "z", "year": forms.LATEST_YEAR, "title": "Index",
                "id": "odd_index", "note": None, "parts": parts}
        alert, stored = cb.save(forms.index_formula, form, None)
        assert stored is None and alert.children.startswith("Nicht gespeichert"), parts
    assert [f.id for f in own_store().formulas()] == before
