import json
from tests.browser.test_presentation import new_page, Atlas  # noqa
import pytest
PRESENTING = "document.documentElement.classList.contains('presenting')"
LAY = """() => { const g = document.querySelector('#map .js-plotly-plot');
 return JSON.stringify({geo: g.layout.geo, fgeo: {c: g._fullLayout.geo.center, d: g._fullLayout.geo.domain, fb: g._fullLayout.geo.fitbounds, lon: g._fullLayout.geo.lonaxis.range},
  h: g._fullLayout.height, w: g._fullLayout.width, m: g._fullLayout.margin, box: document.querySelector('#map .choroplethlayer').getBoundingClientRect().height,
  legend: g.layout.legend, ntr: g.data.length}); }"""

@pytest.mark.browser
def test_dbg(new_page, live_url, data):
    atlas = new_page(1600, 1000)
    atlas.open(live_url + "/?indicator=sgb2_quote&year=2020&kreise=16052")
    page = atlas.page
    print("BEFORE", page.evaluate(LAY))
    page.get_by_role("button", name="Präsentation", exact=True).click()
    page.wait_for_function(PRESENTING)
    atlas.settle()
    print("IN", page.evaluate(LAY))
    page.keyboard.press("Escape")
    page.wait_for_function(f"!{PRESENTING}")
    atlas.settle()
    print("AFTER", page.evaluate(LAY))
