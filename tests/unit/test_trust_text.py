"""An own indicator's title, unit, source and definition are text everywhere: never a link, an
image, bold type or a template placeholder (on the page, in the map legend and hover, in charts and
in the SVG/PDF/CSV/XLSX exports)."""

from __future__ import annotations

import io
import json
import re

import pytest

from atlas import charts, export, figures
from atlas.analysis import scatter
from atlas.data.own import with_own
from atlas.importing import TEXT_LIMITS, validate_meta
from atlas.store import OwnIndicator
from atlas.text import plotly_text

TITLE = "[Neue Daten](https://evil.example/x) ![t](/export/map.png?indicator=sgb2_quote)"
UNIT = "<a href=\"https://evil.example/u\">Klick</a> $x$ %{customdata}"
SOURCE = "<b>Amt</b> [Quelle](https://evil.example/s)"
DEFINITION = "<img src=/export/map.png> <br> Definition"
ID = "eigen_boese"

#: Markup plotly or Markdown would turn into something live.
LIVE = re.compile(r"<a\b|<img\b|<b>Amt|\$x\$|\$ %\{customdata\}")


@pytest.fixture(scope="module")
def evil(data):
    """The built data plus an own indicator whose texts are markup, with the values of
    sgb2_quote (every Kreis, every year)."""
    own = OwnIndicator(id=ID, title=TITLE, unit=UNIT, decimals=1, kind="rate",
                       definition=DEFINITION, area=data.indicator("sgb2_quote").area,
                       life_phases=("kindheit",), polarity="risk", source=SOURCE,
                       licence="<a href=x>Lizenz</a>", filename="<b>datei</b>.csv",
                       file_format="eigene Vorlage (CSV)", code="x")
    values = data.values[data.values["indicator"] == "sgb2_quote"].copy()
    values["indicator"] = ID
    return with_own(data, [own], values)


def _texts(figure) -> str:
    return json.dumps(figure if isinstance(figure, dict) else figure.to_plotly_json(),
                      ensure_ascii=False)


def test_plotly_text_is_literal():
    assert plotly_text('<a href="x">y</a>') == '&lt;a href="x"&gt;y&lt;/a&gt;'
    assert plotly_text("$x$ %{y} & <br>") == "&#36;x&#36; &#37;{y} &amp; &lt;br&gt;"
    assert plotly_text("12,5 %") == "12,5 %"


def test_map_legend_hover_and_reference_show_the_text_literally(evil):
    year = evil.latest_year(ID)
    view = figures.map_view(evil, ID, year)
    text = _texts(figures.choropleth(evil, view))
    assert not LIVE.search(text), LIVE.search(text)
    assert "&lt;a href=\\\"https://evil.example/u\\\"&gt;Klick&lt;/a&gt;" in text  # legend
    assert "&#37;{customdata}" in text and "&#36;x&#36;" in text
    screen = _texts(figures.screen_figure(evil, ID, year))
    assert not LIVE.search(screen)
    # the raw title stays raw for texts that are not drawn by plotly (page, export frame)
    assert view.title.startswith(TITLE[:30]) and "&#" not in view.source_line


@pytest.mark.parametrize("build", ["timeseries", "ranking", "scatter", "change", "clusters"])
def test_charts_show_the_text_literally(evil, build):
    year = evil.latest_year(ID)
    if build == "timeseries":
        fig = figures.timeseries(evil, ID, list(evil.regions["ags"][:2]))
    elif build == "ranking":
        fig = charts.ranking_bar(evil, figures.map_view(evil, ID, year), [])
    elif build == "scatter":
        fig = charts.scatter_plot(evil, scatter(evil, ID, "kinderarmut"), [])
    elif build == "change":
        years = evil.years(ID)
        fig = figures.choropleth(evil, figures.change_view(evil, ID, years[0], years[-1]))
    else:
        fig = figures.choropleth(evil, figures.cluster_view(evil, ID, year)[0])
    text = _texts(fig)
    assert not LIVE.search(text), (build, LIVE.search(text))


@pytest.mark.parametrize("kind", ["map", "ranking", "scatter", "timeseries"])
def test_svg_exports_have_no_link_and_show_the_literal_text(evil, kind):
    year = evil.latest_year(ID)
    if kind == "map":
        fig = export.map_figure(evil, ID, year)
    elif kind == "ranking":
        fig = export.ranking_figure(evil, ID, year)
    elif kind == "scatter":
        fig = export.scatter_figure(evil, ID, "kinderarmut", None)
    else:
        fig = export.timeseries_figure(evil, ID, list(evil.regions["ags"][:2]))
    svg = export.render(fig, "svg", export.page_for("a4")).decode("utf-8")
    assert "<a " not in svg and "<image" not in svg.replace("<image xmlns", "")
    assert "evil.example" in svg  # shown as text, not dropped
    if kind == "map":
        assert re.search(r"Klick(&lt;|&#60;)/a", svg)  # the unit in the legend, as text


def test_values_table_is_texts_never_markdown(evil):
    """The table goes to the browser as plain texts (drawn as text nodes by views.js
    valuesTable; the browser test checks the page): the literal title and unit, no markup."""
    from layouts import panels

    year = evil.latest_year(ID)
    table = panels.values_table(evil, figures.map_view(evil, ID, year))
    short = evil.indicator(ID).short_title
    assert table["head"][-1] == f"{short} {year} ({UNIT})"  # the literal text, one string
    texts = [table["note"], *table["head"], *(cell for row in table["rows"] for cell in row)]
    assert all(isinstance(t, str) for t in texts)
    assert len(table["rows"]) == len(evil.regions) + 1  # every Kreis and the reference


def test_data_exports_keep_the_text_as_text(evil):
    from openpyxl import load_workbook

    csv_text = export.data_csv(evil, ID).decode("utf-8-sig")
    assert UNIT in csv_text or UNIT.replace('"', '""') in csv_text
    book = load_workbook(io.BytesIO(export.data_xlsx(evil, ID)))
    info = {r[0]: r[1] for r in book.worksheets[1].iter_rows(values_only=True)}
    assert info["Indikator"] == TITLE and info["Definition"] == DEFINITION


@pytest.mark.parametrize("key", sorted(TEXT_LIMITS))
def test_text_fields_have_a_server_side_length_limit(data, key):
    label, limit = TEXT_LIMITS[key]
    meta = {"id": "eigen_lang", "title": "Titel", "unit": "%", "area": data.catalogue.areas[0].id,
            "life_phases": ["kindheit"], "polarity": "risk", "kind": "rate", "source": "Amt",
            "licence": "", "definition": "", "decimals": 1}
    assert validate_meta(data, meta) == []
    meta[key] = "x" * (limit + 1)
    problems = validate_meta(data, meta)
    assert problems == [f"{label}: höchstens {limit} Zeichen (eingegeben: {limit + 1})."]
    meta[key] = "x" * limit
    assert validate_meta(data, meta) == []
