"""Component tree: every id once, German labels, offline assets."""

from collections import Counter

from layouts import ids


def _ids(component):
    found = []
    stack = [component]
    while stack:
        node = stack.pop()
        if isinstance(node, (list, tuple)):
            stack.extend(node)
            continue
        if getattr(node, "id", None):
            found.append(node.id)
        children = getattr(node, "children", None)
        if children is not None:
            stack.append(children)
    return found


def test_every_id_appears_exactly_once(app_module):
    counts = Counter(_ids(app_module.app.layout))
    declared = {v for k, v in vars(ids).items() if k.isupper()}
    assert declared <= set(counts), declared - set(counts)
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
