"""A planner reads the generated text in the info box, downloads the Word Berichtsbaustein from
the map's export menu and the Sitzungsfolge as PowerPoint (issue #19). Expected values come from
the built data; waits are on conditions."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from pptx import Presentation

from atlas.report import describe

pytestmark = pytest.mark.browser


def test_rep001_info_box_text_follows_the_year_and_is_plain_selectable_text(atlas_page,
                                                                            live_url, data):
    years = data.years("kinderarmut")
    page = atlas_page.page
    for year in (years[-1], years[0]):
        atlas_page.open(live_url + f"/?indicator=kinderarmut&year={year}")
        wanted = describe.map_text(data, "kinderarmut", year)
        page.wait_for_function(
            "w => { const e = document.querySelector('#info-card .describe-text');"
            " return e && e.textContent === w; }", arg=wanted, timeout=30000)
        # one text node, no markup; a user can select and copy it
        kinds = page.evaluate("Array.from(document.querySelector('#info-card .describe-text')"
                              ".childNodes).map(n => n.nodeType)")
        assert kinds == [3]
        selected = page.evaluate(
            "() => { const e = document.querySelector('#info-card .describe-text');"
            " const r = document.createRange(); r.selectNodeContents(e);"
            " const s = window.getSelection(); s.removeAllRanges(); s.addRange(r);"
            " return s.toString(); }")
        assert selected == wanted
        assert page.evaluate("getComputedStyle(document.querySelector("
                             "'#info-card .describe-text')).userSelect") != "none"
    assert atlas_page.console == []


def test_rep002_word_berichtsbaustein_from_the_map_export_menu(atlas_page, live_url, data):
    year = data.years("kinderarmut")[-2]
    atlas_page.open(live_url + f"/?indicator=kinderarmut&year={year}&kreise=16052")
    page = atlas_page.page
    page.wait_for_function("y => document.querySelector('#heading').innerText.includes(y)",
                           arg=str(year))
    page.get_by_role("button", name="Karte exportieren").click()
    with page.expect_download(timeout=90000) as info:
        page.locator(".dropdown-menu.show a.dropdown-item",
                     has_text="Word-Berichtsbaustein").click()
    download = info.value
    assert download.suggested_filename == f"kinderarmut_{year}_berichtsbaustein.docx"
    doc = Document(io.BytesIO(Path(download.path()).read_bytes()))
    ind = data.indicator("kinderarmut")
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == \
        [f"{ind.title} {year}"]
    texts = [p.text for p in doc.paragraphs]
    assert describe.area_text(data, "kinderarmut", "16052", year) in texts  # the selection
    assert len(doc.tables[0].rows) == 22 + 2
    assert atlas_page.console == []


def test_rep003_sitzungsfolge_as_powerpoint(atlas_page, live_url, data):
    page = atlas_page.page
    year = data.latest_year("kinderarmut")
    atlas_page.open(live_url + f"/?indicator=kinderarmut&year={year}&kreise=16052")
    page.wait_for_function("y => document.querySelector('#heading').innerText.includes(y)",
                           arg=str(year))
    page.fill("#playlist-name", "Kinderarmut Gera")
    page.get_by_role("button", name="Ansicht merken").click()
    page.wait_for_function("document.querySelectorAll('#playlist-list li').length === 1")
    with page.expect_download(timeout=120000) as info:
        page.get_by_role("button", name="PowerPoint").click()
    download = info.value
    assert download.suggested_filename == "sitzungsfolge.pptx"
    deck = Presentation(io.BytesIO(Path(download.path()).read_bytes()))
    slides = list(deck.slides)
    assert [s.shapes.title.text for s in slides] == ["Sitzungsfolge", "Kinderarmut Gera"]
    notes = slides[1].notes_slide.notes_text_frame.text
    assert describe.area_text(data, "kinderarmut", "16052", year) in notes
    assert f"Link: {live_url}/?" in notes and "kinderarmut" in notes
    page.wait_for_function("document.querySelector('#playlist-status').innerText"
                           ".includes('Präsentation mit 1 Ansicht erstellt')")
    assert atlas_page.console == []


def test_rep004_profile_tab_starts_with_the_text_on_the_shown_indicator(atlas_page, live_url,
                                                                        data, tmp_path):
    atlas_page.open(live_url + "/?indicator=kinderarmut&kreise=16052&ansicht=profile")
    page = atlas_page.page
    wanted = describe.area_text(data, "kinderarmut", "16052")
    page.wait_for_function(
        "w => { const e = document.querySelector('#profile .describe-text');"
        " return e && e.textContent === w; }", arg=wanted, timeout=60000)
    page.locator("#profile .describe-text").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "profil.png"))
    info = page.locator("#info-card .describe-text")
    info.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "infokasten.png"))
    assert atlas_page.console == []
