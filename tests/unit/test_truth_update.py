"""Updating the atlas (#16): a planner downloads a newer file into the sources folder and runs
``atlas build``; the build reads the newest file per table code or edition, extends the series
and reports what changed (summary and ``indicators/aenderungen.json``).

Tested for real: a sources folder that links the real sources, where the BA file and the INKAR
2024 file are first replaced by copies without their newest year (and one real BA value swapped
between two Kreise); built; then the full BA file is restored and an INKAR "edition 2025" is added
(the real 2024 file without its oldest year and with one real value swapped) and a newer export
of the population table 12411 (same year, later timestamp, two Kreise's values swapped), and built
again into the same data folder. Expected indicators, years and values come from the catalogue and the source
files, not from a list of today's numbers.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from atlas import editions, readers
from atlas.build import CHANGES_OUT, INFO_OUT, VALUES_OUT, build
from atlas.catalogue import default_catalogue
from atlas.changes import (
    REPORT_KEYS,
    change_report,
    diff_values,
    load_changes,
    read_values,
    summary_line,
)
from atlas.data import load
from atlas.schema import LAND_AGS
from atlas.validation import is_flagged
from atlas.values import format_number

BA_DIR = "indicators/ba"
INKAR_FILE = "indicators/inkar2024/inkar2024_th_kreise_long.csv"
NEW_EDITION = "indicators/inkar2025/inkar2025_th_kreise_long.csv"
GENESIS_DIR = "indicators/genesis_ffcsv"
#: The current population table and the series of its Kreis totals.
POPULATION_TABLE, POPULATION = "12411-01-01-4", "12411-01-01-4/BEVSTD"


# --- the real files and what a change to them means ---------------------------------------


def _csv(path: Path) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    return rows[0], rows[1:]


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink():
        path.unlink()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _closest_pair(rows: list[list[str]], at: dict[str, int], code_col: str | None, code: str,
                  year: int, year_col: str, key_col: str, value_col: str) -> tuple[int, int]:
    """Indexes of the two Thuringian Kreis rows of ``code`` in ``year`` whose (different) values
    are closest: swapping them is a real-looking revision no plausibility rule objects to."""
    found = [(i, float(r[at[value_col]])) for i, r in enumerate(rows)
             if (code_col is None or r[at[code_col]] == code) and int(r[at[year_col]]) == year
             and r[at[key_col]].startswith(LAND_AGS) and len(r[at[key_col]]) == 5
             and r[at[value_col]] not in ("", "NA")]
    found.sort(key=lambda item: item[1])
    pairs = [(b[1] / a[1] - 1, a[0], b[0]) for a, b in zip(found, found[1:])
             if a[1] > 0 and b[1] != a[1]]
    _, first, second = min(pairs)
    return first, second


def _swap(rows, first: int, second: int, column: int) -> None:
    rows[first][column], rows[second][column] = rows[second][column], rows[first][column]


def _swap_flat_values(real: Path, target: Path, frame) -> dict[str, tuple[float, float]]:
    """Write ``real`` (a GENESIS flat CSV) to ``target`` with the ``value`` cells of the two
    Thuringian Kreise whose :data:`POPULATION` totals are closest swapped; returns ags → (old,
    new)."""
    rows = frame[(frame["code"] == POPULATION) & frame["ags"].str.startswith(LAND_AGS)
                 & (frame["ags"].str.len() == 5) & frame["value"].notna()].sort_values("value")
    pairs = [(b.value / a.value - 1, a, b) for a, b in zip(rows.itertuples(), rows.iloc[1:]
                                                           .itertuples()) if b.value != a.value]
    _, first, second = min(pairs, key=lambda item: item[0])
    text = real.read_text(encoding="utf-8-sig")
    lines = text.split("\n")
    column = lines[0].split(";").index("value")
    cells = {line: lines[line - 1].split(";") for line in (first.row, second.row)}
    cells[first.row][column], cells[second.row][column] = (cells[second.row][column],
                                                           cells[first.row][column])
    for line, parts in cells.items():
        lines[line - 1] = ";".join(parts)
    target.write_text("\ufeff" + "\n".join(lines), encoding="utf-8")
    return {first.ags: (first.value, second.value), second.ags: (second.value, first.value)}


def _series_years(catalogue, reader: str, frame) -> dict[str, set[int]]:
    """Indicator → years with a Thuringian Kreis value in ``frame`` (a reader's frame) of its
    series of ``reader``."""
    kreise = frame[frame["ags"].str.startswith(LAND_AGS) & frame["value"].notna()]
    out = {}
    for ind in catalogue.indicators:
        codes = {s.code for s in ind.series if s.source == reader}
        if codes:
            out[ind.id] = set(int(y) for y in kreise.loc[kreise["code"].isin(codes), "year"])
    return out


@pytest.fixture(scope="module")
def update(sources, tmp_path_factory):
    """Two builds into one data folder: before and after the update (module docstring)."""
    catalogue = default_catalogue()
    src = tmp_path_factory.mktemp("update") / "sources"
    (src / "indicators").mkdir(parents=True)
    (src / "geo").symlink_to(sources / "geo", target_is_directory=True)
    for folder in (sources / "indicators").iterdir():
        if folder.name not in ("ba", "inkar2024", "genesis_ffcsv"):
            (src / "indicators" / folder.name).symlink_to(folder, target_is_directory=True)
    (src / "indicators/inkar2024").mkdir()
    (src / GENESIS_DIR).mkdir()
    for path in (sources / GENESIS_DIR).iterdir():
        (src / GENESIS_DIR / path.name).symlink_to(path)

    ba_real = next((sources / BA_DIR).glob("*.csv"))
    ba_head, ba_rows = _csv(ba_real)
    ba_at = {name: i for i, name in enumerate(ba_head)}
    ba_years = sorted({int(r[ba_at["year"]]) for r in ba_rows})
    ba_new, ba_swap_year = ba_years[-1], ba_years[len(ba_years) // 2]
    ba_old = [list(r) for r in ba_rows if int(r[ba_at["year"]]) != ba_new]
    ba_pair = _closest_pair(ba_old, ba_at, None, "total", ba_swap_year, "year", "region", "total")
    _swap(ba_old, *ba_pair, ba_at["total"])
    ba_copy = src / BA_DIR / ba_real.name
    _write_csv(ba_copy, ba_head, ba_old)

    ik_head, ik_rows = _csv(sources / INKAR_FILE)
    ik_at = {name: i for i, name in enumerate(ik_head)}
    ik_years = sorted({int(r[ik_at["jahr"]]) for r in ik_rows})
    ik_new, ik_oldest = ik_years[-1], ik_years[0]
    _write_csv(src / INKAR_FILE, ik_head,
               [r for r in ik_rows if int(r[ik_at["jahr"]]) != ik_new])

    before = build(src, out=(out := tmp_path_factory.mktemp("update_data")))
    first_changes = json.loads((out / CHANGES_OUT).read_text(encoding="utf-8"))
    before_values = read_values((out / VALUES_OUT).read_bytes())

    # the update: the full BA file; INKAR edition 2025 = the real file without its oldest year,
    # with one real value of the year before the newest swapped between two Kreise
    shutil.copyfile(ba_real, ba_copy)
    covered = {}  # kuerzel → years with Thuringian rows
    for r in ik_rows:
        covered.setdefault(r[ik_at["kuerzel"]], set()).add(int(r[ik_at["jahr"]]))
    ik_code = next(s.code for ind in catalogue.indicators for s in ind.series
                   if s.source == "inkar2024"
                   and {ik_oldest, ik_new - 1, ik_new} <= covered.get(s.code, set()))
    edition = [list(r) for r in ik_rows if int(r[ik_at["jahr"]]) != ik_oldest]
    ik_pair = _closest_pair(edition, ik_at, "kuerzel", ik_code, ik_new - 1, "jahr", "ags", "wert")
    _swap(edition, *ik_pair, ik_at["wert"])
    _write_csv(src / NEW_EDITION, ik_head, edition)
    # a newer export of the same GENESIS table (same year, later timestamp in the name) in which
    # two Kreise's populations are swapped
    genesis_old = next(p for p in (sources / GENESIS_DIR).glob(f"{POPULATION_TABLE}_*_de_flat.csv"))
    genesis_new = src / GENESIS_DIR / genesis_old.name.replace(
        str(int(editions.export_stamp(genesis_old) * 1000)),
        str(int(editions.export_stamp(genesis_old) * 1000) + 86_400_000))
    genesis_frame = readers.read_genesis_flat(genesis_old)
    swapped = _swap_flat_values(genesis_old, genesis_new, genesis_frame)
    after = build(src, out=out)

    def revision(rows, pair, at, key, year, value, reader, code):
        first, second = (rows[i] for i in pair)
        inds = [i.id for i in catalogue.indicators
                if any(s.source == reader and s.code == code for s in i.series)]
        return {(ind, r[at[key]], year): (float(r[at[value]]), float(o[at[value]]))
                for ind in inds for r, o in ((first, second), (second, first))}

    # (indicator, ags, year) → (old, new): BA swapped before, INKAR swapped in the new edition
    expected_revised = revision(ba_old, ba_pair, ba_at, "region", ba_swap_year, "total", "ba",
                                "total")
    expected_revised.update({key: (new, old) for key, (old, new) in revision(
        edition, ik_pair, ik_at, "ags", ik_new - 1, "wert", "inkar2024", ik_code).items()})
    # the new export wins where the old one supplied the built value
    genesis_revised = []
    for ags, (old, new) in swapped.items():
        year = int(genesis_frame["year"].max())
        for ind in catalogue.indicators:
            if ("genesis", POPULATION) in {(x.source, x.code) for x in ind.series}:
                built = before_values[(before_values["indicator"] == ind.id)
                                      & (before_values["ags"] == ags)
                                      & (before_values["year"] == year)]["value"]
                if len(built) and built.iloc[0] == old:
                    expected_revised[(ind.id, ags, year)] = (old, new)
                    genesis_revised.append((ind.id, ags, year))
    ba_frame = readers.read_ba(ba_real)
    ik_frame = readers.read_inkar_long(sources / INKAR_FILE)
    return {
        "src": src, "out": out, "before": before, "after": after,
        "first_changes": first_changes, "catalogue": catalogue,
        "ba_new": ba_new, "ik_new": ik_new, "ik_oldest": ik_oldest, "ik_code": ik_code,
        "ba_years": _series_years(catalogue, "ba", ba_frame),
        "ik_years": _series_years(catalogue, "inkar2024", ik_frame),
        "expected_revised": expected_revised,
        "genesis_revised": genesis_revised,
        "genesis_old": genesis_old.name, "genesis_new": genesis_new.name, "swapped": swapped,
    }


# --- the first build ------------------------------------------------------------------------


def test_a_first_build_says_so_and_has_no_diff(update):
    first = update["first_changes"]
    assert set(first) == set(REPORT_KEYS)
    assert first["first_build"] is True and first["previous_built_at"] is None
    assert first["indicators_added"] == [] and first["new_years"] == {}
    assert first["revised"] == [] and first["revised_total"] == 0
    assert "erster Build" in update["before"].summary()


# --- the update -----------------------------------------------------------------------------


def test_the_removed_newest_years_come_back_as_new_years_of_exactly_the_affected_indicators(
        update):
    changes = update["after"].changes
    assert changes["first_build"] is False
    assert changes["previous_built_at"] == update["first_changes"]["built_at"]
    expected = {}
    for years, newest in ((update["ba_years"], update["ba_new"]),
                          (update["ik_years"], update["ik_new"])):
        for ind, have in years.items():
            if newest in have:
                expected.setdefault(ind, set()).add(newest)
    assert expected, "the real files have values in their newest years"
    # an indicator may also have the year from another series: then it was never missing
    for ind, years in changes["new_years"].items():
        assert ind in expected and set(years) <= expected[ind], ind
    only_reader = {i.id for i in update["catalogue"].indicators
                   if {s.source for s in i.series} <= {"ba", "inkar2024"}}
    for ind in expected.keys() & only_reader:
        assert set(changes["new_years"][ind]) == expected[ind], ind
    assert changes["indicators_added"] == [] and changes["indicators_removed"] == []
    assert changes["dropped_years"] == {}  # the old edition keeps the year the new one lacks


def test_only_the_changed_source_values_are_revised_old_to_new(update):
    changes = update["after"].changes
    assert changes["revised_total"] == len(changes["revised"])
    found = {(r["indicator"], r["ags"], r["year"]): (r["old"], r["new"])
             for r in changes["revised"]}
    expected = update["expected_revised"]
    assert update["genesis_revised"]  # the population of 12411 is built from the table
    assert {k: found.get(k) for k in expected} == expected
    for rec in changes["revised"]:
        key = (rec["indicator"], rec["ags"], rec["year"])
        # anything else only where a plausibility rule now judges a value of the longer series
        assert key in expected or is_flagged(rec["old_status"]) or is_flagged(
            rec["new_status"]), rec


def test_the_newer_edition_wins_per_area_and_year_and_the_older_keeps_its_other_years(update):
    data = load(update["out"])
    code, new, oldest = update["ik_code"], update["ik_new"], update["ik_oldest"]
    frame = readers.read_inkar_long(update["src"] / NEW_EDITION)
    old_frame = readers.read_inkar_long(update["src"] / INKAR_FILE)
    ind = next(i.id for i in data.catalogue.indicators
               if [(s.source, s.code) for s in i.series] == [("inkar2024", code)])
    built = data.values[data.values["indicator"] == ind].set_index(["ags", "year"])["value"]
    for source, year in ((frame, new - 1), (frame, new), (old_frame, oldest)):
        rows = source[(source["code"] == code) & (source["year"] == year)
                      & source["ags"].isin(data.regions["ags"])]
        assert len(rows)
        for row in rows.itertuples():
            assert built[(row.ags, year)] == row.value, (row.ags, year)


def test_the_source_line_names_the_editions_the_values_come_from(update):
    data = load(update["out"])
    info = json.loads((update["out"] / INFO_OUT).read_text(encoding="utf-8"))
    ik_years = update["ik_years"]
    with_oldest = [i for i, ys in ik_years.items() if update["ik_oldest"] in ys
                   and {s.source for s in data.indicator(i).series} == {"inkar2024"}]
    without = [i for i, ys in ik_years.items() if ys and update["ik_oldest"] not in ys
               and {s.source for s in data.indicator(i).series} == {"inkar2024"}]
    assert with_oldest
    for ind_id, words in [(with_oldest[0], "INKAR, Ausgaben 2024 und 2025, BBSR Bonn"),
                          *[(i, "INKAR, Ausgabe 2025, BBSR Bonn") for i in without[:1]]]:
        ind = data.indicator(ind_id)
        line = data.catalogue.source_line(ind)
        assert line.startswith(f"Quelle: {words}, ") and "INKAR 2024" not in line, line
        assert data.catalogue.source_of(ind).attribution == words
    assert info["editions"][with_oldest[0]] == [2024, 2025]
    assert "Quellenangabe „INKAR, Ausgaben 2024 und 2025, BBSR Bonn“" in update["after"].summary()


def test_the_summary_and_the_report_name_the_files_used_and_replaced(update):
    changes = update["after"].changes
    files = {r["file"]: r for r in changes["files"]}
    new = files[Path(NEW_EDITION).name]
    assert new["reader"] == "inkar2024" and new["edition"] == "2025"
    assert new["replaces"] == Path(INKAR_FILE).name
    assert max(new["years"]) == update["ik_new"] and update["ik_oldest"] not in new["years"]
    assert files[Path(INKAR_FILE).name]["years"] == [update["ik_oldest"]]
    summary = update["after"].summary()
    assert f"Quelldateien inkar2024: {Path(INKAR_FILE).name} ({update['ik_oldest']})" in summary
    assert f"{Path(NEW_EDITION).name} (" in summary
    assert f"; überschreibt {Path(INKAR_FILE).name})" in summary  # the older one keeps a year
    # a newer export of the same table and year replaces the older one (timestamp in the name)
    assert files[update["genesis_old"]]["years"] == []
    assert update["genesis_old"] in files[update["genesis_new"]]["replaces"].split(", ")
    assert f"{update['genesis_old']} (durch {update['genesis_new']})" in summary
    # the English downloads of 12411 are read but never count: their German twins replace them
    english = [r for r in changes["files"] if "_en_" in r["file"]]
    assert english and all(r["years"] == [] for r in english)
    for rec in english:
        assert f"{rec['file']} (durch " in summary


def test_the_summary_says_what_changed_in_german(update):
    changes = update["after"].changes
    line = next(ln for ln in update["after"].summary().splitlines()
                if ln.startswith("Änderungen gegenüber dem letzten Build"))
    assert update["first_changes"]["built_at"] in line
    assert f"{len(changes['new_years'])} Indikatoren mit neuen Jahren" in line
    some = next(i for i, ys in changes["new_years"].items() if ys == [update["ba_new"]])
    assert f"{some}: {update['ba_new']}" in line or "; …" in line
    first = changes["revised"][0]
    assert f"{changes['revised_total']} Werte revidiert (z. B. {first['indicator']}, " in line
    old = format_number(first["old"], 3).rstrip("0").rstrip(",")
    assert f": {old} → " in line


def test_the_report_file_is_the_build_s_and_loads_back(update):
    out = update["out"]
    assert load_changes(out) == json.loads(json.dumps(update["after"].changes))
    info = json.loads((out / INFO_OUT).read_text(encoding="utf-8"))
    assert CHANGES_OUT.as_posix() in info["files"]


# --- the report file: tolerant loading ------------------------------------------------------


def test_a_data_folder_without_or_with_a_broken_report_still_loads(update, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(update["out"], folder)
    (folder / CHANGES_OUT).write_text("{kaputt", encoding="utf-8")
    assert load_changes(folder) is None
    (folder / CHANGES_OUT).write_text(json.dumps({**update["after"].changes, "revised_total": 1}),
                                      encoding="utf-8")
    assert load_changes(folder) is None  # not the file the build vouched for
    (folder / CHANGES_OUT).unlink()
    assert load_changes(folder) is None
    assert load(folder).values.equals(load(update["out"]).values)


def test_an_unreadable_previous_build_is_named_not_compared(update, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(update["out"], folder)
    (folder / "indicators/values.csv").write_bytes(b"\x00kaputt")
    report = build(update["src"], out=folder)
    assert report.changes["first_build"] is True
    assert any("bisherigen Werte" in w for w in report.warnings)


# --- the pure rules -------------------------------------------------------------------------


def test_a_file_reaching_a_later_year_is_newer_than_a_later_export(sources):
    """13211-02-05-4.csv (2023, "Stand: 09.07.2026") and 13211-02-05-4_2025.csv (2025, an earlier
    Stand): the file with the later data is the newer one."""
    folder = sources / "indicators/genesis_table"
    described = [editions.describe("genesis", p, readers.genesis_table_code(p),
                                   readers.read_genesis_table(p))
                 for p in sorted(folder.glob("13211-02-05-4*.csv"))]
    assert len(described) == 2
    older, newer = sorted(described, key=lambda d: d.rank)
    assert newer.last_year > older.last_year and newer.stamp < older.stamp
    assert newer.path.name == "13211-02-05-4_2025.csv"


def test_english_downloads_never_count_twice(sources):
    paths = sorted((sources / "indicators").glob("genesis_ffcsv*/12411-01-01-4_*flat*.csv"))
    assert any("_en_" in p.name for p in paths)
    files = [(editions.describe("genesis", p, "12411-01-01-4", f), f)
             for p in paths for f in [readers.read_genesis_flat(p)]]
    rows, used = editions.newest_wins(files)
    assert not rows.duplicated(["code", "ags", "year"]).any()
    assert all(r["years"] == [] for r in used if "_en_" in r["file"])
    assert {r["file"] for r in used if r["years"]} == {p.name for p in paths
                                                        if "_en_" not in p.name}


def test_edition_and_export_time_from_the_names():
    assert editions.edition_of(Path("indicators/inkar2025/x_th_kreise_long.csv")) == 2025
    assert editions.edition_of(Path("indicators/inkar2024/inkar2025_th_kreise_long.csv")) == 2025
    assert editions.edition_of(Path("indicators/ba/badata.csv")) is None
    assert editions.export_stamp(Path("12411-01-01-4_1773175772751_de_flat.csv")) == 1773175772.751


def test_diff_of_a_value_that_became_missing_keeps_its_status():
    import pandas as pd

    old = pd.DataFrame({"indicator": ["a", "a"], "ags": ["16051", "16052"], "year": [2020, 2020],
                        "value": [1.5, 2.0], "status": ["", ""]})
    new = old.assign(value=[float("nan"), 2.0], status=["auffällig: Quellwert 1,5", ""])
    diff = diff_values(old, new)
    assert diff["revised"] == [{"indicator": "a", "ags": "16051", "year": 2020, "old": 1.5,
                                "new": None, "old_status": "", "new_status":
                                "auffällig: Quellwert 1,5"}]
    report = change_report(old, new, built_at="b", previous_built_at="a", files=[])
    assert "1 Wert revidiert (z. B. a, 16051, 2020: 1,5 → keine Daten (auffällig: Quellwert " \
           "1,5))" in summary_line(report)


# --- what users see of the edition ------------------------------------------------------------


def _texts(component) -> str:
    """Every text of a Dash component tree, joined."""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(_texts(c) for c in component)
    children = getattr(component, "children", None)
    return _texts(children) if children is not None else ""


def test_info_box_map_line_and_api_name_the_newer_edition(update):
    from layouts import panels
    from tests.conftest import serving

    data = load(update["out"])
    ind = next(i for i in data.catalogue.indicators
               if [(s.source, s.code) for s in i.series] == [("inkar2024", update["ik_code"])])
    year = max(data.years(ind.id))
    words = "INKAR, Ausgaben 2024 und 2025, BBSR Bonn"
    assert words in _texts(panels.info_panel(data, ind.id, year))
    assert words in _texts(panels.attribution(data, ind.id))
    with serving(data, "update") as client:
        listed = {i["id"]: i for i in client.get("/api/indicators").get_json()["indicators"]}
        values = client.get(f"/api/values?indicator={ind.id}&year={year}").get_json()
    assert listed[ind.id]["source"]["attribution"] == words
    assert values["source"].startswith(f"Quelle: {words}, ")
