"""Issue #20: the page's HTML carries the map of the address's view as SVG, so a coloured map
shows before any script has run; in the colours of the page's own map figure."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from atlas import figures, firstpaint

PATH = re.compile(r'<path fill="(#[0-9a-f]{6})" d="M')


def _figure_colours(data, indicator: str, year: int) -> list[str]:
    """The fill of every area as the page's map figure (the one writer) gives it: z through its
    stepwise colorscale."""
    trace = figures.screen_figure(data, indicator, year)["data"][figures.MAP_TRACE]
    scale, low, high = trace["colorscale"], trace["zmin"], trace["zmax"]
    colours = []
    for z in trace["z"]:
        position = (z - low) / (high - low)
        colours.append(next(c for (p0, c), (p1, _) in zip(scale[::2], scale[1::2])
                            if p0 <= position <= p1))
    return sorted(colours)


@pytest.mark.parametrize("indicator", ["kinderarmut", "sgb2_quote"])
def test_the_first_paint_has_every_area_in_the_colour_of_the_map(data, indicator):
    year = data.years(indicator)[0]  # an older year: the address's, not the newest
    html = firstpaint.first_paint_html(data, f"indicator={indicator}&year={year}")
    fills = PATH.findall(html)
    assert len(fills) == len(data.level_of(data.level(indicator)).keys)
    assert sorted(fills) == _figure_colours(data, indicator, year)
    assert f"– {year}</p>" in html and 'aria-hidden="true"' in html


def test_gemeinden_and_the_default_view(data):
    gemeinde = next(i.id for i in data.catalogue.indicators if i.level == "gemeinde")
    html = firstpaint.first_paint_html(data, f"indicator={gemeinde}")
    assert len(PATH.findall(html)) == len(data.level_of("gemeinde").keys)
    assert len(html) < 150_000  # simplified geometry, integer coordinates
    default = firstpaint.first_paint_html(data, "")
    assert len(PATH.findall(default)) == len(data.level_of("kreis").keys)


@pytest.mark.parametrize("query", ["ansicht=ranking", "indicator=gibtsnicht", "year=1850",
                                   "zoom=16077&indicator=kinderarmut", "klassen=99",
                                   "indicator=" + quote("<script>alert(1)</script>")])
def test_no_first_paint_where_the_page_shows_something_else_first(data, query):
    assert firstpaint.first_paint_html(data, query) == ""


def test_the_page_carries_it_and_escapes_what_it_names(app_module, data):
    client = app_module.server.test_client()
    page = client.get("/?indicator=kinderarmut").get_data(as_text=True)
    assert page.count('id="first-paint"') == 1
    assert len(PATH.findall(page)) == len(data.level_of("kreis").keys)
    odd = client.get("/?indicator=%3Cscript%3Ex%3C/script%3E&ansicht=%22%3E%3Cb%3E")
    assert odd.status_code == 200 and "<script>x" not in odd.get_data(as_text=True)
    assert 'id="first-paint"' not in odd.get_data(as_text=True)
