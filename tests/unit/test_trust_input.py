"""Whatever a link or a script sends, the atlas answers with a German message, never a 5xx.

Numbers are parsed one way everywhere (:func:`atlas.values.parse_int`, ASCII digits only):
``"²".isdigit()`` is true, but ``int("²")`` raises, and ``year=²`` answered 500."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlas.urlstate import parse_state
from atlas.values import parse_decimal, parse_int

#: Strings that look like numbers to ``str.isdigit``/``int``/``float`` but are none a user means,
#: and other classics.
TRICKY = ["²", "٣", "2021²", "²⁰²¹", "２０２１", "9" * 5000, "-1", "1e3", "nan", "inf", " ", "",
          "2021.0", "0x7e5", "../../etc/passwd", "16052,../x", "16052," * 10, "%00", "\x00",
          "<a href='x'>x</a>", "[t](/x)", "1;2;3", "5;7,5;²", "ⅷ", "𝟚𝟘𝟚𝟙"]

#: Per route: a valid query and the parameters a caller may send.
ROUTES = {
    "/api/values": ({"indicator": "sgb2_quote"}, ["indicator", "year", "jahr"]),
    "/export/map.svg": ({"indicator": "sgb2_quote"},
                        ["indicator", "year", "kreise", "klassifikation", "klassen", "palette",
                         "grenzen", "format", "breite_mm", "notiz", "zoom", "lebensphase"]),
    "/export/chart/scatter.svg": ({"x": "sgb2_quote", "y": "kinderarmut"},
                                  ["x", "y", "year", "kreise", "format", "breite_mm", "notiz"]),
    "/export/chart/ranking.svg": ({"indicator": "sgb2_quote"},
                                  ["indicator", "year", "kreise", "klassen", "klassifikation",
                                   "palette", "grenzen", "zoom"]),
    "/export/chart/timeseries.svg": ({"indicator": "sgb2_quote"},
                                     ["indicator", "year", "kreise"]),
    "/export/profil.pdf": ({"kreis": "16052"}, ["kreis", "ags", "lebensphase"]),
    "/export/data.csv": ({"indicator": "sgb2_quote"},
                         ["indicator", "year", "kreise", "lebensphase", "klassen", "zoom"]),
    "/geo/kreise.geojson": ({}, ["v"]),
    "/": ({}, ["indicator", "year", "klassen", "kreise"]),
}
#: Routes whose valid answers are rendered pictures: fewer examples (each takes a moment).
SLOW = {"/export/map.svg", "/export/chart/scatter.svg", "/export/chart/ranking.svg",
        "/export/chart/timeseries.svg", "/export/profil.pdf"}

texts = st.one_of(st.sampled_from(TRICKY), st.text(max_size=40),
                  st.text(alphabet=st.characters(categories=["Nd", "No", "Nl"]), max_size=6))


@pytest.fixture(scope="module")
def client(app_module):
    return app_module.server.test_client()


def test_parse_int_takes_ascii_digits_only():
    assert parse_int("2021") == 2021 and parse_int(" 5 ") == 5 and parse_int(7) == 7
    for text in ["²", "٣", "２０２１", "-1", "1e3", "2021.0", "", " ", "9" * 5000, None, True]:
        assert parse_int(text) is None, text
    assert parse_decimal("150,5") == 150.5 and parse_decimal("150") == 150.0
    for text in ["١٢٠", "nan", "inf", "1e3", "1.234,5", "²"]:
        assert parse_decimal(text) is None, text


@pytest.mark.parametrize("url", [
    "/api/values?indicator=sgb2_quote&year=²",
    "/export/map.svg?indicator=sgb2_quote&year=²",
    "/export/map.svg?indicator=sgb2_quote&klassen=²",
    "/export/chart/scatter.svg?x=sgb2_quote&y=kinderarmut&year=²",
    "/export/chart/ranking.svg?indicator=sgb2_quote&klassen=²",
    "/export/data.csv?indicator=sgb2_quote&year=٣",
    "/export/map.svg?indicator=sgb2_quote&breite_mm=١٢٠",
    "/api/values?indicator=sgb2_quote&year=" + "9" * 5000,
])
def test_unicode_digits_get_the_german_400(client, url):
    response = client.get(url)
    assert response.status_code == 400, (url, response.status_code)
    text = response.get_data(as_text=True)
    assert any(word in text for word in ("Jahreszahl", "Klassenzahl", "breite_mm")), text


def test_a_page_link_with_unicode_digits_keeps_its_indicator(data):
    for query in ["indicator=kinderarmut&year=²", "indicator=kinderarmut&klassen=²",
                  "indicator=kinderarmut&year=٣٠٢١"]:
        state, problems = parse_state(query, data)
        assert state.indicator == "kinderarmut" and state.year is None and state.display.k == 5
        assert len(problems) == 1 and any(c in problems[0] for c in "²٣"), problems


@settings(max_examples=200, deadline=None)
@given(query=st.dictionaries(st.sampled_from(sorted({p for _, ps in ROUTES.values() for p in ps}
                                                    | {"ansicht", "modus", "grenzen",
                                                       "palette", "bereich", "zoom"})),
                             texts, max_size=5))
def test_page_links_never_raise(data, query):
    state, problems = parse_state(urlencode(query), data)
    assert state.indicator in {i.id for i in data.catalogue.indicators}
    assert all(isinstance(p, str) and p for p in problems)


def _fuzz(route: str, examples: int):
    base, names = ROUTES[route]

    @settings(max_examples=examples, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(changes=st.dictionaries(st.sampled_from(names), texts, min_size=1, max_size=3))
    def run(client, changes):
        url = f"{route}?{urlencode({**base, **changes})}"
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code,
                                            response.get_data(as_text=True)[:300])
        if response.status_code >= 400 and route != "/":
            body = response.get_data(as_text=True)
            assert body.strip() and "Traceback" not in body, url

    return run


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_query_parameters_of_every_route_never_give_5xx(client, route):
    _fuzz(route, 12 if route in SLOW else 60)(client)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=texts, query=st.one_of(
    texts, st.dictionaries(st.sampled_from(["indicator", "year", "klassen", "kreise", "zoom"]),
                           texts, max_size=3).map(urlencode)))
def test_handout_body_never_gives_5xx(client, name, query):
    response = client.post("/export/handout.pdf", json={"views": [{"name": name,
                                                                   "query": query}]})
    assert response.status_code < 500, (name, query, response.get_data(as_text=True)[:300])


@pytest.mark.parametrize(("query", "word"), [
    ("kreise=../../etc/passwd", "Kreis"),
    ("kreise={six}", "Höchstens"),
    ("zoom=../x", "Heranzoomen"),
    ("lebensphase=greise", "Lebensphase"),
    ("bereich=nirgends", "Lebenslagenbereich"),
    ("klassen=9", "Klassenzahl"),
    ("palette=<b>", "Farbpalette"),
    ("ansicht=x", "Ansicht"),
    ("modus=x", "Modus"),
])
@pytest.mark.parametrize("route", ["/export/data.csv?indicator=sgb2_quote",
                                   "/export/data.xlsx?indicator=sgb2_quote",
                                   "/export/profil.pdf?kreis=16052"])
def test_every_page_parameter_of_a_download_is_checked(client, data, route, query, word):
    """The README promises 400 for wrong parameters; a download that does not use one must not
    ignore it silently."""
    query = query.replace("{six}", ",".join(data.regions["ags"][:6]))
    response = client.get(f"{route}&{query}")
    assert response.status_code == 400, (route, query, response.status_code)
    assert word in response.get_data(as_text=True)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(template=st.sampled_from(["/export/chart/{a}.{b}?indicator=sgb2_quote",
                                 "/export/map.{a}?indicator=sgb2_quote", "/export/profil.{a}",
                                 "/export/data.{a}?indicator=sgb2_quote", "/geo/{a}.geojson",
                                 "/_dash-component-suites/{a}/{b}", "/assets/{a}", "/{a}/{b}",
                                 "/api/{a}", "/vorlage/{a}"]),
       a=texts, b=texts)
def test_path_segments_of_every_route_never_give_5xx(client, template, a, b):
    from urllib.parse import quote

    url = template.format(a=quote(a, safe=""), b=quote(b, safe=""))
    if url.startswith("//"):  # "//x" is a host to an HTTP client (the test client encodes it)
        url = "/%2F" + url[2:]
    response = client.get(url)
    assert response.status_code < 500, (url, response.status_code,
                                        response.get_data(as_text=True)[:300])
