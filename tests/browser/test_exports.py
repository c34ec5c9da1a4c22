"""A planner downloads the map and the data of the current view from the export menus.
Expected values come from the built data; waits are on conditions, never fixed times."""

import io

import pytest
from PIL import Image

from atlas.export import csv_number

pytestmark = pytest.mark.browser

#: The export links of the menus (Dash pattern-matching ids, rendered as JSON).
LINKS = "[id*='export-link']"


def _download(page, menu: str, item: str):
    page.get_by_role("button", name=menu).click()
    with page.expect_download(timeout=60000) as info:
        page.locator(".dropdown-menu.show a.dropdown-item", has_text=item).click()
    download = info.value
    return download.suggested_filename, open(download.path(), "rb").read()


def test_map_png_download_matches_the_view_on_screen(atlas_page, live_url, data):
    year = data.years("kinderarmut")[-3]  # an older year: the export follows the link's year
    atlas_page.open(live_url + f"/?indicator=kinderarmut&year={year}&kreise=16052")
    page = atlas_page.page
    page.wait_for_function("y => document.querySelector('#heading').innerText.includes(y)",
                           arg=str(year))
    page.fill("#export-note", "Entwurf AG Sozialplanung")
    page.keyboard.press("Enter")
    # the menu links follow the note
    page.wait_for_function(
        "sel => { const links = Array.from(document.querySelectorAll(sel));"
        " return links.length && links.some(a => (a.getAttribute('href') || '')"
        "   .includes('notiz=Entwurf')); }", arg=LINKS)
    name, content = _download(page, "Karte exportieren", "PNG für den Druck, A4 quer (300 dpi)")
    assert name.startswith(f"kinderarmut_{year}") and name.endswith(".png")
    image = Image.open(io.BytesIO(content))
    assert image.size == (3508, 2480)
    assert round(image.info["dpi"][0]) == 300
    assert atlas_page.console == []


def test_data_csv_download_has_the_values_of_the_table(atlas_page, live_url, data):
    year = data.years("sgb2_quote")[-1]
    table = data.table("sgb2_quote", year).set_index("ags")
    ags = table["value"].dropna().index[0]
    atlas_page.open(live_url + f"/?indicator=sgb2_quote&year={year}")
    page = atlas_page.page
    name, content = _download(page, "Daten exportieren", "CSV (Excel), angezeigtes Jahr")
    assert name.endswith(".csv") and "sgb2_quote" in name
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0].count(";") >= 3
    row = next(line for line in text.splitlines() if line.startswith(f"{ags};"))
    # the value of the table, with decimal comma
    assert f";{csv_number(table.at[ags, 'value'])};" in row
    assert atlas_page.console == []
