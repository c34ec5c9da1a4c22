"""The view in the URL (atlas.urlstate) and the Sitzungsfolge (atlas.playlist): every view
survives the round trip through its link and its file; wrong files and links get German
messages, never a traceback."""

from __future__ import annotations

import itertools
import json
from datetime import date

import pytest

from atlas import playlist
from atlas.figures import Display
from atlas.urlstate import (
    DEFAULT_TAB,
    PRESENTATION,
    VIEW_TABS,
    ViewState,
    breaks_text,
    format_bound,
    parse_display,
    parse_state,
    parse_view,
    state_query,
    view_query,
)
from atlas.values import parse_breaks

DISPLAYS = [
    Display(),
    Display("natural_breaks", 7, "PuBu"),
    Display("equal_interval", 3, "RdBu"),
    Display("manual", 5, None, (5.0, 7.5, 10.0)),
    Display("manual", 4, "Greens", (-2.5, 0.00001, 1234567.5)),
]


def _states(data):
    indicator = "kinderarmut"
    years = data.years(indicator)
    for tab, mode, display, selected, phase, area in itertools.product(
            VIEW_TABS, ("", PRESENTATION), DISPLAYS, [(), ("16053",), ("16052", "16077", "16053")],
            ["alle", "kindheit"], ["alle", "einkommen_armut"]):
        if mode == PRESENTATION and tab != DEFAULT_TAB:
            continue  # presentation shows the map: not a state of its own
        yield ViewState(indicator, years[0], phase, area, selected, display, tab, mode)


def test_parse_of_build_is_identity_for_every_parameter(data):
    count = 0
    for state in _states(data):
        query = state_query(state)
        parsed, problems = parse_state(query, data)
        assert problems == [], (query, problems)
        assert parsed == state, query
        assert state_query(parsed) == query  # and the link is written the same way again
        count += 1
    assert count == (len(VIEW_TABS) + 1) * len(DISPLAYS) * 3 * 2 * 2  # tabs plus presentation


def test_defaults_are_left_out_and_the_year_is_always_written(data):
    state = ViewState("sgb2_quote", 2021)
    assert state_query(state) == "indicator=sgb2_quote&year=2021"
    full = ViewState("kinderarmut", 2020, "kindheit", "einkommen_armut", ("16052", "16053"),
                     Display("manual", 5, "PuBu", (5.0, 7.5)), "ranking", "")
    assert state_query(full) == ("indicator=kinderarmut&year=2020&lebensphase=kindheit"
                                 "&bereich=einkommen_armut&kreise=16052,16053"
                                 "&klassifikation=manual&grenzen=5;7,5&palette=PuBu"
                                 "&ansicht=ranking")
    assert state_query(ViewState("kinderarmut", 2020, mode=PRESENTATION)).endswith(
        "&modus=praesentation")


def test_the_kreis_zoom_of_the_gemeinde_map_is_part_of_the_link(data):
    gemeinde = [i.id for i in data.available_indicators(level="gemeinde")]
    if not gemeinde:
        pytest.skip("this build has no Gemeinde level")
    state = ViewState(gemeinde[0], data.years(gemeinde[0])[-1], zoom="16067")
    query = state_query(state)
    assert "zoom=16067" in query
    assert parse_state(query, data) == (state, [])
    wrong, problems = parse_state(f"indicator={gemeinde[0]}&zoom=16999", data)
    assert wrong.zoom is None and "Kreis „16999“ zum Heranzoomen ist unbekannt" in problems[0]
    kreis, problems = parse_state("indicator=sgb2_quote&zoom=16067", data)
    assert kreis.zoom is None and "nur bei Indikatoren der Gemeinden" in problems[0]


def test_presentation_always_shows_the_map(data):
    state, problems = parse_state("indicator=kinderarmut&ansicht=ranking&modus=praesentation",
                                  data)
    assert problems == [] and state.tab == "map" and state.presenting
    assert state.without_mode().mode == "" and not state.without_mode().presenting


@pytest.mark.parametrize(("query", "fragment"), [
    ("ansicht=tabelle", "Ansicht „tabelle“ ist unbekannt"),
    ("modus=kino", "Modus „kino“ ist unbekannt"),
    ("indicator=gibtsnicht", "„gibtsnicht“ ist unbekannt"),
    ("klassen=12", "Klassenzahl"),
    ("kreise=99999", "Kreis „99999“ ist unbekannt"),
])
def test_bad_parameters_are_named_in_german_and_replaced(data, query, fragment):
    state, problems = parse_state(query, data)
    assert any(fragment in p for p in problems), problems
    assert state.tab in VIEW_TABS and state.mode in ("", PRESENTATION)


def test_mode_normal_is_accepted(data):
    state, problems = parse_state("indicator=kinderarmut&modus=normal", data)
    assert problems == [] and state.mode == ""


def test_old_callers_still_work(data):
    """parse_view, parse_display and view_query keep their meaning for downloads and exports."""
    query = view_query("kinderarmut", 2021, selected=["16052"], display=Display(k=4),
                       format="a4", notiz="Entwurf")
    assert "format=a4" in query and "notiz=Entwurf" in query
    view = parse_view(query, data)
    assert (view.indicator, view.year, view.selected) == ("kinderarmut", 2021, ("16052",))
    assert parse_display(query) == (Display(k=4), [])


@pytest.mark.parametrize("value", [5.0, 7.5, 0.1 + 0.2, 1e-05, 1234567.5, -2.5, 100.0, 1e21])
def test_bounds_are_written_exactly_in_german(value):
    text = format_bound(value)
    assert "e" not in text.lower() and "." not in text
    assert parse_breaks(text) == (value,)


def test_breaks_text_is_what_the_input_field_shows():
    assert breaks_text((5.0, 7.5, 10.0)) == "5; 7,5; 10"
    assert parse_breaks(breaks_text((5.0, 7.5, 10.0))) == (5.0, 7.5, 10.0)


# --- Sitzungsfolge ------------------------------------------------------------------------------


def test_playlist_file_round_trip(data):
    kinder, sgb2 = data.years("kinderarmut")[-2], data.years("sgb2_quote")[-2]
    views = [playlist.View("Kinderarmut Ost", f"indicator=kinderarmut&year={kinder}&kreise=16052"),
             playlist.View("Grundsicherung", f"indicator=sgb2_quote&year={sgb2}&klassen=4")]
    text = playlist.to_json(views, today=date(2026, 11, 21))
    document = json.loads(text)
    assert document["format"] == playlist.FORMAT and document["version"] == playlist.VERSION
    assert document["created"] == "2026-11-21"
    read, messages = playlist.read_file(text.encode("utf-8"), data)
    assert read == views and messages == []


def test_imported_queries_are_made_canonical_without_mode(data):
    kinder, sgb2 = data.years("kinderarmut")[-2], data.years("sgb2_quote")[-1]
    raw = [{"name": "  Erste\tAnsicht\n", "query": "?kreise=16052&indicator=kinderarmut"
            f"&year={kinder}&modus=praesentation"},
           {"name": "", "query": f"indicator=sgb2_quote&year={sgb2}"}]
    views, messages = playlist.check_views(raw, data)
    assert messages == []
    assert views[0] == playlist.View("Erste Ansicht",
                                     f"indicator=kinderarmut&year={kinder}&kreise=16052")
    # default name: indicator and year
    assert views[1].name.startswith(f"{data.indicator('sgb2_quote').short_title} {sgb2}")


def test_unknown_indicators_are_reported_and_left_out(data):
    year = data.latest_year("kinderarmut")
    raw = [{"name": "Eigene Reihe", "query": "indicator=eigen_gibtsnicht&year=2021"},
           {"name": "Gut", "query": f"indicator=kinderarmut&year={year}"},
           {"name": "Falsches Jahr", "query": "indicator=kinderarmut&year=1800"},
           "kein Eintrag"]
    views, messages = playlist.check_views(raw, data)
    assert [v.name for v in views] == ["Gut"]
    text = " ".join(messages)
    assert "Ansicht 1 („Eigene Reihe“): Indikator „eigen_gibtsnicht“ gibt es in diesem Atlas " \
           "nicht" in text
    assert "Ansicht 3" in text and "1800" in text
    assert "Ansicht 4: kein Eintrag" in text
    assert all(m.endswith("nicht übernommen.") for m in messages)


@pytest.mark.parametrize(("content", "fragment"), [
    (b"\xff\xfe\x00 binary", "kein Text in UTF-8"),
    (b"{not json", "kein gültiges JSON (Zeile 1"),
    (b"[1, 2, 3]", "keine Sitzungsfolge des Sozialstrukturatlas"),
    (b'{"format": "etwas anderes", "version": 1, "views": []}', "Feld „format“"),
    (b'{"format": "sozialstrukturatlas-sitzungsfolge", "version": 7, "views": []}',
     "Version 7"),
    (b'{"format": "sozialstrukturatlas-sitzungsfolge", "version": "1", "views": []}',
     "Versionsnummer"),
    (b'{"format": "sozialstrukturatlas-sitzungsfolge", "version": 1, "views": {}}',
     "keine Liste „views“"),
    (b"x" * (playlist.MAX_FILE_BYTES + 1), "zu groß"),
    (b"[" * 100000, "kein gültiges JSON"),
])
def test_wrong_files_get_a_german_message(data, content, fragment):
    with pytest.raises(playlist.PlaylistError) as caught:
        playlist.read_file(content, data)
    assert fragment in str(caught.value)


def test_a_file_with_too_many_views_keeps_the_first_thirty(data):
    views = [{"name": f"Ansicht {n}", "query": "indicator=kinderarmut"}
             for n in range(35)]
    text = json.dumps({"format": playlist.FORMAT, "version": 1, "views": views})
    read, messages = playlist.read_file(text, data)
    assert len(read) == playlist.MAX_VIEWS and len(messages) == 5
    assert "höchstens 30" in messages[0]


def test_request_body_for_the_handout_is_strict(data):
    good = {"views": [{"name": "A", "query": "indicator=kinderarmut"}]}
    assert playlist.views_from_payload(good, data)[0].name == "A"
    for bad, fragment in [
        ([], "Erwartet wird JSON"),
        ({"views": []}, "leer"),
        ({"views": [{"name": "A", "query": "indicator=x"}] * 31}, "Höchstens 30"),
        ({"views": [{"name": "A", "query": "indicator=gibtsnicht"}]}, "gibtsnicht"),
    ]:
        with pytest.raises(playlist.PlaylistError, match=fragment):
            playlist.views_from_payload(bad, data)


def test_names_are_one_clean_line():
    assert playlist.clean_name("  a\u200b\x00b\n c ") == "a b c"
    assert len(playlist.clean_name("x" * 500)) == playlist.MAX_NAME
    assert playlist.clean_name(None) == ""


def test_stored_list_from_the_browser_is_filtered_silently():
    raw = [{"name": "A", "query": "indicator=kinderarmut"}, {"name": 3, "query": "x"}, None,
           {"name": "B"}, "text"]
    assert playlist.stored_views(raw) == [playlist.View("A", "indicator=kinderarmut")]
    assert playlist.stored_views({"views": []}) == []


def test_stepping_through_the_list(data):
    years = data.years("kinderarmut")
    views = [playlist.View(str(n), f"indicator=kinderarmut&year={y}") for n, y in
             enumerate(years[-3:])]
    assert playlist.position(views, views[1].query, data) == 1
    assert playlist.position(views, "indicator=sgb2_quote", data) is None
    assert playlist.step(views, None, None, 1) == 0  # PageDown from outside: the first
    assert playlist.step(views, None, None, -1) is None
    assert playlist.step(views, 0, 0, 1) == 1
    assert playlist.step(views, 2, 2, 1) is None  # at the end
    assert playlist.step(views, 1, 1, -1) == 0
    assert playlist.step(views, None, 1, 1) == 2  # the view after the one shown last
    assert playlist.step(views, None, 1, -1) == 1  # back to the one shown last
    assert playlist.step([], None, None, 1) is None
