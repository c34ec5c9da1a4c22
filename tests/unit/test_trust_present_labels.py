"""Names on the presentation map: placed apart at every scale the page may draw
(:func:`atlas.labels.place_labels`, issue #13 item 7), and on the exported map."""

from __future__ import annotations

from atlas import export, labels
from atlas.labels import place_labels, variant_for


def _boxes(variant: dict, size: float) -> list[tuple]:
    scale = size / variant["ratio"]
    out = []
    for lon, lat, text in zip(variant["lon"], variant["lat"], variant["text"]):
        w, h = labels.text_box(text, size)
        x, y = lon * scale, -labels.mercator_y(lat) * scale
        out.append((x - w / 2, y - h / 2, x + w / 2, y + h / 2))
    return out


def test_no_two_names_overlap_at_any_prepared_scale(data):
    regions = data.regions
    placed = labels.labels(data.geojson, dict(zip(regions["ags"], regions["name"])),
                           dict(zip(regions["ags"], regions["kind"])))
    assert [v["ratio"] for v in placed["variants"]] == list(labels.LABEL_RATIOS)
    for variant in placed["variants"]:
        boxes = _boxes(variant, labels.LABEL_SIZE)
        hits = [(i, j) for i, a in enumerate(boxes) for j, b in enumerate(boxes[i + 1:], i + 1)
                if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]
        assert not hits, (variant["ratio"], [(placed["ags"][i], placed["ags"][j])
                                             for i, j in hits])
        # every name is one of the forms of its district's name
        for ags, text in zip(placed["ags"], variant["text"]):
            name = dict(zip(regions["ags"], regions["name"]))[ags]
            assert text.replace("<br>", " ").replace("- ", "-") == name


def test_place_labels_moves_a_colliding_name_inside_its_area():
    from shapely.geometry import box

    areas = {"a": box(10.0, 50.0, 10.2, 50.07), "b": box(9.8, 50.07, 10.4, 50.6)}
    anchors = {"a": (10.1, 50.06), "b": (10.1, 50.075)}
    placed = place_labels(anchors, {"a": "Aaaa", "b": "Bbbbbb"}, areas, 20, 400)
    assert placed["a"][:2] == anchors["a"]  # the smaller area keeps its place
    assert placed["b"][:2] != anchors["b"]
    assert areas["b"].contains(__import__("shapely.geometry", fromlist=["Point"]).Point(
        placed["b"][:2]))


def test_label_lines_breaks_at_every_hyphen_and_space():
    assert labels.label_lines("Saale-Holzland-Kreis") == "Saale-<br>Holzland-<br>Kreis"
    assert labels.label_lines("Weimarer Land") == "Weimarer<br>Land"
    assert labels.label_lines("Gera") == "Gera"


def test_variant_for_takes_the_first_spread_enough():
    placed = {"variants": [{"ratio": r} for r in labels.LABEL_RATIOS]}
    ratio = labels.LABEL_RATIOS[3] * 0.99
    assert variant_for(placed, 20, 20 / ratio)["ratio"] == labels.LABEL_RATIOS[3]
    assert variant_for(placed, 20, 1e-3) is placed["variants"][-1]  # tiny map: the widest


def test_exported_map_names_do_not_overlap(data):
    """The exported A4 map names the 22 Kreise with the placement of their print size."""
    year = data.years("kinderarmut")[-1]
    fig = export.map_figure(data, "kinderarmut", year)
    names = next(t for t in fig.data if t.name == "Kreisnamen")
    assert len(names.text) == len(data.regions)
    geo = fig.layout.geo
    size = names.textfont.size
    # the map's scale as exported: px of the geo domain over its longitude range
    width_px = (geo.domain.x[1] - geo.domain.x[0]) * fig.layout.width
    height_px = (geo.domain.y[1] - geo.domain.y[0]) * fig.layout.height
    west, east = geo.lonaxis.range
    south, north = geo.lataxis.range
    scale = min(width_px / (east - west),
                height_px / (labels.mercator_y(north) - labels.mercator_y(south)))
    boxes = []
    for lon, lat, text in zip(names.lon, names.lat, names.text):
        w, h = labels.text_box(text, size)
        x, y = lon * scale, -labels.mercator_y(lat) * scale
        boxes.append((x - w / 2, y - h / 2, x + w / 2, y + h / 2))
    hits = [(names.text[i], names.text[j]) for i, a in enumerate(boxes)
            for j, b in enumerate(boxes[i + 1:], i + 1)
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]
    assert not hits
