"""Write the wide city-statistics test tables in tests/data/wide/ from the real sources.

City statistics offices publish tables with one column per year or per date, a total row and
often a row of cases that belong to no area. ../shared/sources has no such table, so this script
builds them from real values by pivoting official Kreis values into that layout (the Kreise stand
for the areas of a level, Thüringen for the total):

``bevoelkerung_kreise_stichtage.csv``
    Population of the Thuringian Kreise on 31.12.2022 (GENESIS 12411-01-01-4, older flat layout)
    and 31.12.2024 (current flat layout), three blocks (insgesamt, männlich, weiblich); ``;``,
    decimal comma with thousands points, UTF-8 with BOM, a title line. Eisenach (16056) has no
    value for 2024 (merged into the Wartburgkreis in 2021): the source's sign "-" is kept.
    Total row "Thüringen insgesamt" (key 0): 2022 the Land value of the source; 2024 the sum of
    the Kreise, because the 2024 download has no Land row. Row "nicht zugeordnet" (key 999): the
    difference total − sum of the Kreise (real arithmetic, not an invented count): it is 0 in
    both years, written "-" (nichts vorhanden) as the offices do.
``arbeitslose_kreise.xlsx``
    Registered unemployed, annual averages 2019–2023 (Statistik der BA), sheets "Arbeitslose"
    (total) and "Arbeitslose Frauen"; keys as 8-digit text (``16051000``), names from the BKG
    Kreis boundaries, numbers as numeric cells (the BA's decimals of averages), year headers as
    numbers and one as text with a trailing blank ("2023 "). Total row "Thüringen insgesamt"
    (key 00): the sum of the Kreise (the BA file has no Land row).
``arbeitslose_frauen_namen.csv``
    The same women's counts 2021–2023 with names only (no key column), ``,`` and decimal point,
    headers "2021", "2022 " and "Stand 2023"; total row "Summe" (the sum of the Kreise).

Run from the project root: ``python tests/data/make_wide_tables.py`` (needs the sources folder,
found like ``atlas build`` finds it). The output is small and committed.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from atlas.paths import find_sources
from atlas.readers import read_ba, read_genesis_flat
from atlas.values import format_number

OUT = Path(__file__).parent / "wide"
BLOCKS = (("", "Bevölkerung insgesamt"), ("/GESM", "männlich"), ("/GESW", "weiblich"))


def _kreis_names(sources: Path) -> dict[str, str]:
    geo = json.loads((sources / "geo/th_kreise_vg5000_2021-01-01.geojson").read_text("utf-8"))
    return {f["properties"]["AGS"]: f["properties"]["GEN"] for f in geo["features"]}


def _german(value: float) -> str:
    return format_number(value, 0)


def population(sources: Path, names: dict[str, str]) -> None:
    old = read_genesis_flat(next((sources / "indicators/genesis_ffcsv_old").glob(
        "12411-01-01-4_de_flat*.csv")))
    new = read_genesis_flat(next((sources / "indicators/genesis_ffcsv").glob(
        "12411-01-01-4_*_de_flat.csv")))
    lines = [["Bevölkerung nach Kreisen am 31.12."], []]
    lines.append(["Schlüssel", "Kreis", "31.12.2022", "Stand 31.12.2024"])
    kreise = sorted(names)
    for suffix, title in BLOCKS:
        cells = {}
        for frame, year in ((old, 2022), (new, 2024)):
            rows = frame[frame["code"] == f"12411-01-01-4/BEVSTD{suffix}"]
            cells[year] = {a: (v, s) for a, v, s in zip(rows["ags"], rows["value"], rows["status"])}
        lines.append([title])
        sums = {}
        for kreis in kreise:
            row = [kreis, names[kreis]]
            for year in (2022, 2024):
                value, status = cells[year].get(kreis, (float("nan"), "nichts vorhanden"))
                row.append("-" if value != value else _german(value))
                sums[year] = sums.get(year, 0) + (0 if value != value else int(value))
            lines.append(row)
        totals = {2022: int(cells[2022]["16"][0]), 2024: sums[2024]}  # no Land row in 2024
        lines.append(["0", "Thüringen insgesamt", _german(totals[2022]), _german(totals[2024])])
        rest = [totals[y] - sums[y] for y in (2022, 2024)]
        lines.append(["999", "nicht zugeordnet", *("-" if r == 0 else _german(r) for r in rest)])
    lines += [[], ["Quelle: Statistische Ämter des Bundes und der Länder, 12411-01-01-4, "
                   "dl-de/by-2-0"]]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerows(lines)
    (OUT / "bevoelkerung_kreise_stichtage.csv").write_bytes(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"))


def unemployed(sources: Path, names: dict[str, str]) -> None:
    ba = read_ba(next((sources / "indicators/ba").glob("*.csv")))
    ba = ba[ba["ags"].str.startswith("16") & ba["year"].between(2019, 2023)]
    years = [2019, 2020, 2021, 2022, 2023]
    book = Workbook()
    book.remove(book.active)
    for code, title in (("total", "Arbeitslose"), ("women", "Arbeitslose Frauen")):
        rows = ba[ba["code"] == code]
        value = {(a, y): v for a, y, v in zip(rows["ags"], rows["year"], rows["value"])}
        sheet = book.create_sheet(title)
        sheet.append([f"{title} (Jahresdurchschnitt), Statistik der Bundesagentur für Arbeit"])
        sheet.append(["Kennziffer", "Kreis", *years[:-1], f"{years[-1]} "])
        kreise = sorted(set(rows["ags"]))
        for kreis in kreise:
            sheet.append([f"{kreis}000", names[kreis], *(value[kreis, y] for y in years)])
        sheet.append(["00", "Thüringen insgesamt",
                      *(float(sum(Decimal(repr(value[k, y])) for k in kreise)) for y in years)])
        for row in sheet.iter_rows(min_row=3, max_col=1):
            row[0].number_format = "@"
    book.save(OUT / "arbeitslose_kreise.xlsx")
    women = ba[(ba["code"] == "women") & ba["year"].between(2021, 2023)]
    value = {(a, y): v for a, y, v in zip(women["ags"], women["year"], women["value"])}
    kreise = sorted(set(women["ags"]))
    buffer = io.StringIO()
    out = csv.writer(buffer, delimiter=",", lineterminator="\n")
    out.writerow(["Gebiet", "2021", "2022 ", "Stand 2023"])
    for kreis in kreise:
        out.writerow([names[kreis], *(repr(value[kreis, y]) for y in (2021, 2022, 2023))])
    out.writerow(["Summe", *(str(sum(Decimal(repr(value[k, y])) for k in kreise))
                             for y in (2021, 2022, 2023))])
    (OUT / "arbeitslose_frauen_namen.csv").write_text(buffer.getvalue(), "utf-8")


def main() -> None:
    sources = find_sources()
    OUT.mkdir(exist_ok=True)
    names = _kreis_names(sources)
    population(sources, names)
    unemployed(sources, names)


if __name__ == "__main__":
    main()
