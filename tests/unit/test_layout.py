"""Component tree: every id once, German labels, offline assets."""

from collections import Counter

from layouts import ids


def _ids(component):
    """Every id of the page, those of the lazy tabs' content (waiting in stores as Dash's
    JSON, layouts/tabs.py) included."""
    found = []
    stack = [component]
    while stack:
        node = stack.pop()
        if isinstance(node, (list, tuple)):
            stack.extend(node)
            continue
        if isinstance(node, dict):  # a component as JSON
            node_id, children = node.get("props", {}).get("id"), node.get("props", {}).get("children")
        else:
            node_id, children = getattr(node, "id", None), getattr(node, "children", None)
            if isinstance(node_id, str) and "-content-" in node_id:
                stack.append(node.data)
        if node_id:  # pattern ids (dicts) count by their items
            found.append(tuple(sorted(node_id.items())) if isinstance(node_id, dict) else node_id)
        if children is not None:
            stack.append(children)
    return found


def test_every_id_appears_exactly_once(app_module):
    layout = app_module.app.layout
    counts = Counter(_ids(layout() if callable(layout) else layout))
    declared = {v for k, v in vars(ids).items() if k.isupper() and isinstance(v, str)}
    types = {dict(i)["type"] for i in counts if isinstance(i, tuple)}
    declared -= set(ids.GENERATED_TYPES)  # made by callbacks (lists), not in the layout
    assert declared <= set(counts) | types, declared - set(counts) - types
    views = {tuple(sorted(ids.tab_view(tab, part).items())) for tab, part in ids.TAB_VIEWS}
    assert views <= set(counts)
    assert all(n == 1 for n in counts.values()), counts


def test_page_is_german_and_offline(app_module):
    client = app_module.server.test_client()
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="de">' in html
    assert "https://" not in html.split('id="_dash-config"')[0]  # no CDN stylesheet or script
    assert client.get("/vendor/bootstrap/bootstrap.min.css").status_code == 200
    assert client.get("/assets/topojson/world_110m.json").status_code == 200


def test_year_slider_skips_years_without_data():
    from atlas.urlstate import snap_year

    years = [2017, 2022, 2024]
    assert snap_year(years, 2023, previous=2022) == 2024  # right arrow from 2022
    assert snap_year(years, 2023, previous=2024) == 2022  # left arrow from 2024
    assert snap_year(years, 2018, previous=2017) == 2022
    assert snap_year(years, 2024, previous=2022) == 2024
    assert snap_year(years, 2020, previous=None) == 2022  # nearest


def test_manual_breaks_are_read_in_german_and_bad_ones_named():
    import pytest

    from atlas.figures import display_from_inputs
    from atlas.values import ValueParseError

    display = display_from_inputs("manual", 5, "auto", "5; 7,5; 10")
    assert display.breaks == (5.0, 7.5, 10.0) and display.palette is None
    with pytest.raises(ValueParseError, match="Grenze Nr. 2"):
        display_from_inputs("manual", 5, "RdBu", "5; sieben")
    assert display_from_inputs("manual", 5, None, "").scheme == "auto"


def test_map_view_uses_chosen_scheme_and_centres_diverging_palette(data):
    from atlas import figures

    display = figures.Display(scheme="natural_breaks", k=6, palette="RdBu")
    view = figures.map_view(data, "sgb2_quote", 2021, display=display)
    assert view.classes.k == 6 and "Fisher-Jenks" in view.legend_title
    ref = view.reference.value
    # classes entirely above the Thüringen reference are red (risk), below blue
    for (lo, hi), colour in zip(view.classes.bounds, view.colours):
        if lo >= ref:
            assert colour in {"#fddbc7", "#f4a582", "#ef8a62", "#d6604d", "#b2182b", "#67001f"}
        if hi <= ref:
            assert colour in {"#d1e5f0", "#92c5de", "#67a9cf", "#4393c3", "#2166ac", "#053061"}


def test_responses_are_compressed(app_module):
    client = app_module.server.test_client()
    response = client.get("/_dash-layout", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"
