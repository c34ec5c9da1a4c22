"""Exports without waiting (issue #20): rendered pictures are kept by content hash, concurrent
requests for one picture draw it once, and the export browser starts with the worker.

Real kaleido with the system Chromium, real built data; the renders are counted by the engine
itself (:func:`atlas.export.engine_counts`), not by a mock.
"""

from __future__ import annotations

import io
import threading

import pytest
from pypdf import PdfReader

from atlas import export
from atlas.rendercache import CACHE_ENV, ByteCache, budget_bytes
from tests.conftest import indicator_rows
from tests.unit.test_rights_visibility import editor_client, own_count, own_data  # noqa: F401, F811

pytestmark = pytest.mark.usefixtures("export_engine")

OWN_ID = "cache_zahl"


def renders() -> int:
    return export.engine_counts()[1]


def fetch(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
    return response.get_data()


@pytest.fixture
def client(app_module):
    """The app as a visitor reaches it (built data and the public own data)."""
    return app_module.server.test_client()


@pytest.fixture
def empty_cache():
    """The process's picture cache, emptied (other tests may have drawn the same views)."""
    export.RENDERED.clear()
    yield export.RENDERED
    export.RENDERED.clear()


# ----------------------------------------------------------------- same view, same bytes


@pytest.mark.parametrize("path", [
    "/export/map.png?indicator=sgb2_quote&format=folie",
    "/export/map.svg?indicator=kinderarmut&kreise=16052",
    "/export/map.pdf?indicator=sgb2_quote&format=a5",
    "/export/chart/ranking.png?indicator=kinderarmut",
    "/export/chart/timeseries.svg?indicator=sgb2_quote&kreise=16052,16053",
])
def test_the_same_view_gives_the_same_bytes_and_is_drawn_once(client, empty_cache,
                                                              path):
    before = renders()
    first = fetch(client, path)
    assert renders() == before + 1
    second = fetch(client, path)
    assert second == first
    assert renders() == before + 1  # the second request did not draw


def test_another_view_is_drawn_again(client, data, empty_cache):
    """Year, format, note and size are part of the picture: each gives its own picture."""
    years = data.years("sgb2_quote")
    base = "/export/map.png?indicator=sgb2_quote&format=folie"
    variants = [base, f"{base}&year={years[0]}", base.replace("folie", "a5"), f"{base}&notiz=AG",
                base.replace("png", "svg")]
    before = renders()
    pictures = [fetch(client, path) for path in variants]
    assert renders() == before + len(variants)
    assert len(set(pictures)) == len(variants)


def test_the_office_exports_use_the_same_cache(client, empty_cache):
    """The Word Berichtsbaustein draws its map through the same render function: asked twice,
    the map is drawn once."""
    path = "/export/baustein.docx?indicator=sgb2_quote"
    before = renders()
    fetch(client, path)
    drawn = renders() - before
    assert drawn >= 1
    fetch(client, path)
    assert renders() - before == drawn


def test_the_regionenprofil_pages_are_kept(client, empty_cache):
    path = "/export/profil.pdf?kreis=16052"
    before = renders()
    first = fetch(client, path)
    pages = len(PdfReader(io.BytesIO(first)).pages)
    assert renders() == before + pages
    assert fetch(client, path) == first
    assert renders() == before + pages


# ----------------------------------------------------------------- single flight


def test_concurrent_identical_requests_draw_once(data, monkeypatch):
    """Six threads ask for the same new picture at once; with no cache at all (budget 0), only
    the single flight can save the five other renders: they wait for the first one's bytes."""
    monkeypatch.setattr(export, "RENDERED", ByteCache(budget=0))
    page = export.page_for("folie")
    fig = export.map_figure(data, "kinderarmut", page=page, note="gleichzeitig")
    start, results, errors = threading.Barrier(6), [], []

    def ask():
        start.wait()
        try:
            results.append(export.render(fig, "png", page))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    before = renders()
    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 6 and len(set(results)) == 1
    assert export.RENDERED.shared >= 1
    # the threads that came after the first picture was done draw again (no cache), the
    # others shared it
    assert renders() - before == 6 - export.RENDERED.shared
    assert len(export.RENDERED) == 0  # budget 0 keeps nothing


# ----------------------------------------------------------------- data and roles


@pytest.fixture
def own_count_client(app_module):
    """A public own Kreis count in the app's store; yields (client, store, its values)."""
    from atlas.data import data_changed, get_data, own_store
    from atlas.visibility import PUBLIC

    rows = indicator_rows(get_data(), "arbeitslose").dropna(subset=["value"])
    store = own_store()
    store.add(own_count(OWN_ID, PUBLIC), rows.assign(value=(rows["value"] * 0.5).round(),
                                                     status=""), replace_existing=True)
    data_changed()
    yield app_module.server.test_client(), store, rows
    store.delete(OWN_ID)
    data_changed()


def test_an_own_data_change_never_serves_the_old_picture(own_count_client, empty_cache):
    from atlas.data import data_changed
    from atlas.visibility import PUBLIC

    client, store, rows = own_count_client
    path = f"/export/map.svg?indicator={OWN_ID}"
    old = fetch(client, path)
    assert fetch(client, path) == old
    before = renders()
    store.add(own_count(OWN_ID, PUBLIC), rows.assign(value=(rows["value"] * 0.25).round(),
                                                     status=""), replace_existing=True)
    data_changed()
    new = fetch(client, path)
    assert renders() == before + 1
    assert new != old
    # the legend shows the new class limits: the largest new value, not the old one
    largest_new = export.format_number((rows["value"] * 0.25).round().max(), 0)
    largest_old = export.format_number((rows["value"] * 0.5).round().max(), 0)
    assert largest_new in new.decode("utf-8") and largest_old not in new.decode("utf-8")


def _pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


@pytest.mark.parametrize("redaktion_first", [True, False])
def test_internal_data_does_not_reach_a_visitor_through_the_cache(app_module, editor_client,  # noqa: F811 - the fixture
                                                                  empty_cache, redaktion_first):
    """The Regionenprofil of the Redaktion lists the internal indicators, the visitor's does
    not: the same URL, other figures, other keys – whoever asks first."""
    visitor = app_module.server.test_client()
    path = "/export/profil.pdf?kreis=16077"
    order = [editor_client, visitor] if redaktion_first else [visitor, editor_client]
    bodies = {}
    for client in order:
        before = renders()
        bodies[client] = fetch(client, path)
        assert renders() > before  # drawn for this role, not taken from the other's
    assert "sicht_geheim" in _pdf_text(bodies[editor_client])
    assert "sicht_geheim" not in _pdf_text(bodies[visitor])
    assert "sicht_offen" in _pdf_text(bodies[visitor])


# ----------------------------------------------------------------- the cache itself


def test_the_cache_is_bounded_by_bytes_least_recently_used_first_out():
    cache = ByteCache(budget=10)
    made = []

    def make(value: bytes):
        def inner():
            made.append(value)
            return value
        return inner

    assert cache.get_or_make("a", make(b"aaaa")) == b"aaaa"
    cache.get_or_make("b", make(b"bbbb"))
    cache.get_or_make("a", make(b"----"))  # kept: "a" is now the most recently used
    cache.get_or_make("c", make(b"cccc"))  # 12 bytes > 10: "b" goes
    assert cache.size == 8 and len(cache) == 2
    cache.get_or_make("a", make(b"----"))
    cache.get_or_make("b", make(b"BBBB"))
    assert made == [b"aaaa", b"bbbb", b"cccc", b"BBBB"]
    assert cache.get_or_make("big", make(b"x" * 11)) == b"x" * 11  # larger than all: not kept
    assert "big" not in cache._entries and cache.size <= 10


def test_a_failed_picture_is_not_kept_and_the_next_request_tries_again():
    cache = ByteCache(budget=100)
    calls = []

    def failing():
        calls.append(1)
        raise export.ExportUnavailable("Der Bildexport ist abgebrochen.")

    with pytest.raises(export.ExportUnavailable):
        cache.get_or_make("k", failing)
    assert cache.get_or_make("k", lambda: b"ok") == b"ok"
    assert len(calls) == 1 and len(cache) == 1


@pytest.mark.parametrize(("value", "expected"), [
    (None, 64 * 1024 * 1024), ("16", 16 * 1024 * 1024), ("0", 0), ("0.5", 512 * 1024),
    ("viel", 64 * 1024 * 1024), ("-3", 64 * 1024 * 1024), ("nan", 64 * 1024 * 1024)])
def test_the_cache_size_comes_from_the_environment(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv(CACHE_ENV, raising=False)
    else:
        monkeypatch.setenv(CACHE_ENV, value)
    assert budget_bytes() == expected
    assert ByteCache().budget == expected


# ----------------------------------------------------------------- the browser starts early


def test_the_background_start_readies_the_browser_and_the_first_export_does_not_pay_it(data):
    export.stop_engine()
    starts, _ = export.engine_counts()
    thread = export.start_engine_in_background()
    assert thread.daemon  # never keeps a stopping worker alive
    thread.join(export.START_TIMEOUT + 5)
    assert export.engine_counts()[0] == starts + 1 and export.engine_ready_s() > 0
    page = export.page_for("folie")
    export.render(export.map_figure(data, "sgb2_quote", page=page, note="nach dem Start"),
                  "png", page)
    assert export.engine_counts()[0] == starts + 1  # no second start for the export


def test_an_export_during_the_start_waits_for_it(data):
    """An export asked while the browser is still starting waits for that start (one start in
    all) and gets its picture."""
    export.stop_engine()
    starts, _ = export.engine_counts()
    export.start_engine_in_background()
    page = export.page_for("folie")
    png = export.render(export.map_figure(data, "sgb2_quote", page=page, note="beim Start"),
                        "png", page)
    assert png.startswith(b"\x89PNG")
    assert export.engine_counts()[0] == starts + 1


def test_a_failed_start_kills_nothing_and_the_next_export_tries_again(data, monkeypatch, caplog):
    """No browser (a path that does not exist): the background start logs and returns, the
    export answers with the German message, and once the browser is back the next export
    starts it and draws."""
    export.stop_engine()
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    caplog.set_level("WARNING", logger="atlas")
    thread = export.start_engine_in_background()
    thread.join(export.START_TIMEOUT + 5)
    assert "Export-Browser nicht gestartet" in caplog.text
    page = export.page_for("folie")
    fig = export.map_figure(data, "sgb2_quote", page=page, note="ohne Browser")
    with pytest.raises(export.ExportUnavailable, match="Chromium"):
        export.render(fig, "png", page)
    monkeypatch.delenv("BROWSER_PATH")
    assert export.render(fig, "png", page).startswith(b"\x89PNG")
