"""Names on the presentation map: placed apart at every scale the page may draw
(:func:`atlas.figures.place_labels`, issue #13 item 7)."""

from __future__ import annotations

from atlas import figures
from layouts import presentation as present


def _boxes(variant: dict, size: float) -> list[tuple]:
    scale = size / variant["ratio"]
    out = []
    for lon, lat, text in zip(variant["lon"], variant["lat"], variant["text"]):
        w, h = figures.text_box(text, size)
        x, y = lon * scale, -figures.mercator_y(lat) * scale
        out.append((x - w / 2, y - h / 2, x + w / 2, y + h / 2))
    return out


def test_no_two_names_overlap_at_any_prepared_scale(data):
    regions = data.regions
    labels = present.labels(data.geojson, dict(zip(regions["ags"], regions["name"])),
                            dict(zip(regions["ags"], regions["kind"])))
    assert [v["ratio"] for v in labels["variants"]] == list(present.LABEL_RATIOS)
    for variant in labels["variants"]:
        boxes = _boxes(variant, present.LABEL_SIZE)
        hits = [(i, j) for i, a in enumerate(boxes) for j, b in enumerate(boxes[i + 1:], i + 1)
                if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]
        assert not hits, (variant["ratio"], [(labels["ags"][i], labels["ags"][j])
                                             for i, j in hits])
        # every name is one of the forms of its district's name
        for ags, text in zip(labels["ags"], variant["text"]):
            name = dict(zip(regions["ags"], regions["name"]))[ags]
            assert text.replace("<br>", " ").replace("- ", "-") == name


def test_place_labels_moves_a_colliding_name_inside_its_area():
    from shapely.geometry import box

    areas = {"a": box(10.0, 50.0, 10.2, 50.07), "b": box(9.8, 50.07, 10.4, 50.6)}
    anchors = {"a": (10.1, 50.06), "b": (10.1, 50.075)}
    placed = figures.place_labels(anchors, {"a": "Aaaa", "b": "Bbbbbb"}, areas, 20, 400)
    assert placed["a"][:2] == anchors["a"]  # the smaller area keeps its place
    assert placed["b"][:2] != anchors["b"]
    assert areas["b"].contains(__import__("shapely.geometry", fromlist=["Point"]).Point(
        placed["b"][:2]))


def test_label_lines_breaks_at_every_hyphen_and_space():
    assert present.label_lines("Saale-Holzland-Kreis") == "Saale-<br>Holzland-<br>Kreis"
    assert present.label_lines("Weimarer Land") == "Weimarer<br>Land"
    assert present.label_lines("Gera") == "Gera"
