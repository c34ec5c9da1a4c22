"""Issue #13, item 11: the import form's suggestions come from the file – its source column, a
readable title (the file's own, the catalogue's, or the code made readable) and the licence the
source names. Files are small subsets of the real sources in ../shared/sources."""

from __future__ import annotations

import csv
import io

import pytest

from atlas import importing
from atlas.importing import OFFICIAL_LICENCE

TIDY = "indicators/tidy/th_kreise_indicator_panel_long.csv"
INKAR = "indicators/inkar2024/inkar2024_th_kreise_long.csv"


def _rows(path, keep) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), [row for row in reader if keep(row)]


def _write(path, header: list[str], rows: list[dict]):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _tidy_subset(sources, tmp_path, code: str, name: str = "auszug.csv", extra=None):
    header, rows = _rows(sources / TIDY, lambda r: r["indikator"] == code)
    assert rows, code
    if extra:
        header = header + list(extra)
        rows = [{**r, **extra} for r in rows]
    return _write(tmp_path / name, header, rows), rows


def _suggest(path, code, data):
    summary = importing.inspect(path)
    return importing.suggest(summary, code, data.catalogue)


def test_source_and_licence_from_the_quelle_column(sources, tmp_path, data):
    path, rows = _tidy_subset(sources, tmp_path, "sgb2_quote")
    hint = _suggest(path, "sgb2_quote", data)
    assert hint["source"] == rows[0]["quelle"]  # the file's own words
    assert "dl-de/by-2-0" in rows[0]["quelle"] and hint["licence"] == OFFICIAL_LICENCE


def test_title_of_a_catalogue_indicator(sources, tmp_path, data):
    path, _ = _tidy_subset(sources, tmp_path, "sgb2_quote")
    hint = _suggest(path, "sgb2_quote", data)
    known = data.indicator("sgb2_quote")
    assert hint["title"] == known.title != "sgb2_quote"
    assert (hint["kind"], hint["decimals"]) == (known.kind, known.decimals)
    assert hint["id"] not in {i.id for i in data.catalogue.indicators}


def test_title_of_an_unknown_code_is_made_readable(sources, tmp_path, data):
    _, rows = _rows(sources / TIDY, lambda r: True)
    codes = sorted({r["indikator"] for r in rows})
    unknown = next(c for c in codes if importing.catalogue_match(data.catalogue, c) is None
                   and "_" in c)
    path, _ = _tidy_subset(sources, tmp_path, unknown)
    title = _suggest(path, unknown, data)["title"]
    assert title != unknown and "_" not in title and title[0].isupper()
    assert title.lower() == unknown.replace("_", " ").lower()


def test_title_from_the_files_titel_column(sources, tmp_path, data):
    path, _ = _tidy_subset(sources, tmp_path, "sgb2_quote",
                           extra={"titel": "SGB-II-Quote laut Jugendhilfeplanung"})
    assert _suggest(path, "sgb2_quote", data)["title"] == "SGB-II-Quote laut Jugendhilfeplanung"


def test_another_licence_named_in_the_source(sources, tmp_path, data):
    path, rows = _tidy_subset(sources, tmp_path, "gisd_score")
    assert "CC BY 4.0" in rows[0]["quelle"]
    hint = _suggest(path, "gisd_score", data)
    assert hint["licence"] == "CC BY 4.0" and hint["source"] == rows[0]["quelle"]


def test_a_source_without_licence_suggests_none(sources, tmp_path, data):
    path, rows = _tidy_subset(sources, tmp_path, "arbeitslose_anzahl")
    hint = _suggest(path, "arbeitslose_anzahl", data)
    assert hint["source"] == rows[0]["quelle"] and hint["licence"] == ""
    assert rows[0]["einheit"].startswith("Personen")  # a count of people: summable, no decimals
    assert (hint["unit"], hint["kind"], hint["decimals"]) == (rows[0]["einheit"], "count", 0)


@pytest.mark.parametrize("unit, count", [
    ("Anzahl", True), ("Personen (Jahresdurchschnitt)", True), ("Personen je 1.000 EW", False),
    ("%", False), ("Kinder in %", False), ("Euro", False), ("je 100 EW u15", False)])
def test_count_units(unit, count):
    assert importing.is_count_unit(unit) is count


def test_inkar_file_with_names_keeps_the_files_name(sources, tmp_path, data):
    header, rows = _rows(sources / INKAR, lambda r: r["kuerzel"] == "q_SGBII")
    path = _write(tmp_path / "inkar.csv", header, rows)
    hint = _suggest(path, "q_SGBII", data)
    label = rows[0].get("indikator_name") or rows[0].get("kurzname")
    assert label and hint["title"] == label.strip()
    assert hint["source"] == "INKAR, BBSR Bonn" and hint["licence"] == OFFICIAL_LICENCE


def test_inkar_kuerzel_without_names_gets_the_catalogue_title(sources, tmp_path, data):
    header, rows = _rows(sources / INKAR, lambda r: r["kuerzel"] == "q_SGBII")
    header = [h for h in header if h not in ("indikator_name", "kurzname", "name")]
    path = _write(tmp_path / "inkar_kurz.csv", header, rows)
    known = importing.catalogue_match(data.catalogue, "q_SGBII")
    assert known is not None
    assert _suggest(path, "q_SGBII", data)["title"] == known.title


@pytest.mark.parametrize("code, title", [("kita_plaetze", "Kita plaetze"),
                                         ("quote", "Quote"), ("A__b", "A b")])
def test_suggest_title_humanises_a_code(code, title):
    info = importing.SeriesInfo(code=code, label=code, unit="", years=(2023,), rows=1)
    assert importing.suggest_title(info) == title
