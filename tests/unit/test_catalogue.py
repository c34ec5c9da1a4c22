"""The catalogue: nine Lebenslagenbereiche, ≥ 58 indicators with real values, complete entries."""

import pytest

from atlas.catalogue import LIFE_PHASES, POLARITIES, default_catalogue

REQUIRED = {
    "sgb2_quote": ("inkar2024", "q_SGBII"),
    "kinderarmut": ("inkar2024", "q_newfBGu15_bev"),
    "grundsicherung_alter": ("inkar2024", "a_GSa"),
    "mindestsicherung": ("inkar2024", "a_sMin"),
    "schulabgaenger_ohne_abschluss": ("inkar2024", "a_schul_oA"),
    "betreuungsquote_u3": ("inkar2024", "a_betr0003_bev0003"),
    "pflegebeduerftige": ("inkar2024", "q_pfl"),
    "bevoelkerung": ("genesis", "12411-01-01-4/BEVSTD"),
    "arbeitslose": ("ba", "total"),
    "gisd": ("gisd", "gisd_score"),
}


@pytest.fixture(scope="module")
def catalogue():
    return default_catalogue()


def test_nine_areas_each_with_indicators(catalogue):
    assert len(catalogue.areas) == 9
    for area in catalogue.areas:
        assert len(catalogue.filter(area=area.id)) >= 3, area.id


def test_required_ids_with_their_sources(catalogue):
    for indicator_id, (reader, code) in REQUIRED.items():
        series = catalogue.indicator(indicator_id).series
        assert (reader, code) in {(s.source, s.code) for s in series}, indicator_id


def test_every_entry_is_complete(catalogue):
    for ind in catalogue.indicators:
        assert ind.title and ind.short_title and len(ind.short_title) <= 30, ind.id
        assert ind.unit and ind.unit_label, ind.id
        assert len(ind.definition) >= 60, ind.id  # a real definition, not a placeholder
        assert set(ind.life_phases) <= set(LIFE_PHASES) and ind.life_phases, ind.id
        assert ind.polarity in POLARITIES, ind.id
        src = catalogue.source_of(ind)
        assert src.licence and src.attribution and ind.table, ind.id


def test_at_least_58_indicators_have_values_after_build(data):
    with_values = [i.id for i in data.catalogue.indicators if data.has_values(i.id)]
    assert len(with_values) >= 58
    for indicator_id in REQUIRED:
        assert data.has_values(indicator_id), indicator_id
        latest = data.latest_year(indicator_id)
        assert data.table(indicator_id, latest)["value"].notna().sum() >= 20, indicator_id


def test_life_phase_filter_narrows_the_list(data):
    everything = data.available_indicators()
    seniors = data.available_indicators("senioren")
    assert 0 < len(seniors) < len(everything)
    assert all("senioren" in i.life_phases for i in seniors)
    assert "grundsicherung_alter" in {i.id for i in seniors}
    assert "kinderarmut" not in {i.id for i in seniors}
