"""`atlas build`: real sources in, validated data out; failures keep the previous data."""

import shutil

import pandas as pd
import pytest

from atlas.build import GEO_OUT, INFO_OUT, VALUES_OUT, build
from atlas.errors import SourceError, SourcesNotFound
from atlas.paths import find_sources


def test_build_summary_names_regions_indicators_years(built_dir, data):
    info = (built_dir / INFO_OUT).read_text(encoding="utf-8")
    assert "31.12.2023" in info
    assert len(data.regions) == 22
    assert (built_dir / GEO_OUT).stat().st_size <= 150 * 1024


def test_population_joins_panel_and_regionalstatistik_with_official_land_value(data):
    years = data.years("bevoelkerung")
    assert 2021 in years and 2022 in years and 2024 in years
    table = data.table("bevoelkerung", 2024).set_index("ags")
    assert table.loc["16075", "value"] == 77341  # Saale-Orla-Kreis, 12411-01-01-4, 31.12.2024
    ref = data.reference("bevoelkerung", 2022)
    assert (ref.value, ref.label) == (2126846, "Thüringen (amtlich)")  # official Land row of the 2022 file


def test_reference_is_labelled_median_when_no_land_value(data):
    ref = data.reference("sgb2_quote", 2021)
    assert ref.label == "Median der Kreise"
    assert ref.value == pytest.approx(data.table("sgb2_quote", 2021)["value"].median())


def test_missing_sources_message_lists_folders_and_download_pages(tmp_path, monkeypatch):
    monkeypatch.delenv("ATLAS_SOURCES", raising=False)
    with pytest.raises(SourcesNotFound) as info:
        find_sources(tmp_path / "nirgends")
    message = str(info.value)
    assert str(tmp_path / "nirgends") in message
    assert "regionalstatistik.de" in message and "inkar.de" in message and "VG5000" in message


def _copy_sources(sources, target):
    shutil.copytree(sources / "geo", target / "geo",
                    ignore=shutil.ignore_patterns("de_*", "*gemeinden*"))
    shutil.copytree(sources / "indicators", target / "indicators",
                    ignore=shutil.ignore_patterns("*de_kreise*", "GISD_Bund*", "1000A*", "AI-N*"))


def test_failed_build_keeps_previous_data(sources, tmp_path):
    src = tmp_path / "sources"
    _copy_sources(sources, src)
    out = tmp_path / "data"
    build(src, out=out)
    before = {p: (out / p).read_bytes() for p in (GEO_OUT, VALUES_OUT, INFO_OUT)}

    panel = next((src / "indicators/tidy").glob("*_long.csv"))
    lines = panel.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("16051", "16099", 1)  # an AGS that does not exist
    panel.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as info:
        build(src, out=out)
    message = str(info.value)
    assert panel.name in message and "Zeile 2" in message and "16099" in message
    assert {p: (out / p).read_bytes() for p in before} == before
    assert not list(out.rglob("*.tmp"))


def test_malformed_boundary_file_stops_build(sources, tmp_path):
    src = tmp_path / "sources"
    _copy_sources(sources, src)
    (src / "geo/th_kreise_vg5000_2023.geojson").write_text("{kaputt", encoding="utf-8")
    with pytest.raises(SourceError, match="th_kreise_vg5000_2023.geojson"):
        build(src, out=tmp_path / "data")
    assert not (tmp_path / "data").exists()


def test_implausible_spike_is_flagged_with_the_source_value(data, sources):
    """A spike is not "corrected": it is shown as doubtful with the source's own value, and a
    build warning names it."""
    from atlas.validation import is_flagged

    raw = pd.read_csv(next((sources / "indicators/tidy").glob("*_long.csv")), dtype={"ags": str})
    source = raw[(raw["indikator"] == "bevoelkerung") & (raw["ags"] == "16063")
                 & (raw["jahr"] == 2020)]["wert"].iloc[0]
    row = data.table("bevoelkerung", 2020).set_index("ags").loc["16063"]
    assert pd.isna(row["value"]) and is_flagged(row["status"])
    assert f"Quellwert {source:,.0f}".replace(",", ".") in row["status"]
    assert any("16063" in w and "2020" in w for w in data.info["warnings"])


def test_spike_at_the_end_of_a_series_is_never_shown_as_a_normal_value(data, sources):
    """The BA file's Greiz 2025 (a fraction of 2024 and 2023) is doubted – or replaced by an
    official series of the same year – but never shown as a normal value."""
    from atlas.validation import is_flagged

    ba = pd.read_csv(next((sources / "indicators/ba").glob("*.csv")), dtype={"region": str})
    greiz_ba = ba[ba["region"] == "16076"].set_index("year")["total"]
    last = int(greiz_ba.index.max())
    assert greiz_ba[last] < greiz_ba[last - 1] / 2  # the source's leap
    greiz = data.table("arbeitslose", last).set_index("ags").loc["16076"]
    if is_flagged(greiz["status"]):
        assert pd.isna(greiz["value"])
        assert f"Quellwert {greiz_ba[last]:.1f}".replace(".", ",") in greiz["status"]
    else:
        assert greiz["value"] != pytest.approx(greiz_ba[last])
    erfurt = data.table("arbeitslose", last).set_index("ags").loc["16051"]
    assert not is_flagged(erfurt["status"]) and erfurt["value"] > 0
    # the BA file's women in Greiz 2025 have no official series: doubted with the source value
    women = ba[ba["region"] == "16076"].set_index("year")["women"]
    shown = data.table("arbeitslose_frauen", last).set_index("ags").loc["16076"]
    assert pd.isna(shown["value"]) and is_flagged(shown["status"])
    assert f"Quellwert {women[last]:.2f}".replace(".", ",") in shown["status"]
