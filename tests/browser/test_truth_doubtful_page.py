"""A value the build doubted, as a planner sees it in the page: its own legend entry and fill on
the map, the source value and why in the tooltip and the values table, no rank, and a reference
that says why a sum cannot be formed (#16)."""

import pytest

from atlas import figures, missing
from atlas.validation import is_flagged

pytestmark = pytest.mark.browser


def _a_doubted_count_and_rate(data):
    values = data.values
    kreise = set(data.regions["ags"])
    flagged = values[values["status"].map(is_flagged) & values["ags"].isin(kreise)]
    kinds = {i.id: i.kind for i in data.catalogue.indicators if i.level == "kreis"}
    found = {}
    for row in flagged.itertuples(index=False):
        kind = kinds.get(row.indicator)
        if kind and kind not in found:
            found[kind] = (row.indicator, int(row.year), row.ags)
    return found


@pytest.mark.parametrize("kind", ["rate", "count"])
def test_a_doubted_value_is_shown_flagged_and_not_counted(atlas_page, live_url, data, kind):
    indicator, year, ags = _a_doubted_count_and_rate(data)[kind]
    atlas_page.open(f"{live_url}/?indicator={indicator}&year={year}")
    page = atlas_page.page
    page.wait_for_function(f"document.querySelector('#heading').innerText.endsWith('{year}')",
                           timeout=15000)
    atlas_page.settle()
    expected = figures.map_update(figures.map_view(data, indicator, year))["trace"]
    page.wait_for_function(
        "z => JSON.stringify(Array.from(document.querySelector('#map .js-plotly-plot')"
        "._fullData[0].z)) === JSON.stringify(z)", arg=expected["z"], timeout=15000)
    shown = dict(zip(expected["locations"], expected["z"]))
    assert shown[ags] == missing.DOUBTFUL.code
    legend = " | ".join(page.locator("#map .legend text").all_text_contents())
    assert missing.DOUBTFUL.label in legend
    hover = atlas_page.hover(ags)
    status = data.table(indicator, year).set_index("ags").loc[ags, "status"]
    assert "Quellwert" in hover and status.split(" – ")[0] in hover
    table = page.locator("#values-table").inner_text()
    assert status.split(" – ")[0] in table  # "auffällig: Quellwert …" where the number would be
    ref = data.reference(indicator, year)
    if ref.missing and ref.why:
        page.wait_for_function("w => document.body.innerText.includes(w)", arg=ref.why,
                               timeout=10000)
    page.screenshot(path=f"tests/artifacts/truth_doubtful_{kind}.png", full_page=False)
    assert atlas_page.console == []
