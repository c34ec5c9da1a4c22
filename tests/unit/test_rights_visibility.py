"""Visibility of own data (issue #17): ``intern`` (redaktion, admin) or ``oeffentlich`` (all).

Internal data never reaches a visitor: not in the page's layout, the API, the exports, the
levels' boundaries – not even its id; redaktion sees all of it. A definition made of an internal
part is internal; an indicator of an internal level is internal. Changes are audited; old stores
are upgraded with everything internal.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from pypdf import PdfReader
from sqlalchemy import create_engine

from atlas.audit import detail_text
from atlas.composite import define
from atlas.composite import formulas as fm
from atlas.store import SCHEMA_VERSION, OwnIndicator, OwnLevel, Store
from atlas.visibility import INTERNAL, PUBLIC, Part, parse_visibility, public_part
from tests.conftest import indicator_rows, own_level_parts, schema_version
from tests.unit.test_rights_auth import PASSWORD, login

LEVEL = "sicht_orte"
#: The own data of :func:`own_data`: what a visitor may see, and what not.
PUBLIC_IDS = ("sicht_offen", "sicht_quote_offen")
INTERNAL_IDS = ("sicht_geheim", "sicht_ort_ew", "sicht_quote_misch", "sicht_index", LEVEL)


def own_count(indicator_id: str, visibility: str, level: str = "kreis") -> OwnIndicator:
    return OwnIndicator(id=indicator_id, title=f"Zahl {indicator_id}", unit="Anzahl", decimals=0,
                        kind="count", definition="", area="arbeit_wirtschaft", life_phases=(),
                        polarity="neutral", source="Jobcenter, eigene Auswertung", licence="",
                        filename=f"{indicator_id}.csv", file_format="CSV", code="Z",
                        level=level, visibility=visibility)


def share_of(data, indicator: str, factor: float) -> pd.DataFrame:
    """An own count made from a built one (``factor`` × its real values)."""
    rows = indicator_rows(data, indicator).dropna(subset=["value"])
    return rows.assign(value=(rows["value"] * factor).round(), status="")


@pytest.fixture(scope="module")
def own_data(app_module):
    """In the app's store: an internal own level with a count marked public (internal through
    its level), an internal and a public Kreis count, a public rate of the public count, a rate
    of the internal count asked to be public, and an internal index."""
    from atlas.data import data_changed, get_data, own_store

    data = get_data()
    _, areas, links, people = own_level_parts(data)
    store = own_store()
    store.add_level(OwnLevel(id=LEVEL, title="Orte (intern)", singular="Ort",
                             source="BKG VG5000", visibility=INTERNAL), areas, links)
    store.add(own_count("sicht_ort_ew", PUBLIC, LEVEL), people)
    store.add(own_count("sicht_geheim", INTERNAL), share_of(data, "arbeitslose", 0.5))
    store.add(own_count("sicht_offen", PUBLIC), share_of(data, "arbeitslose", 0.25))
    data_changed()
    for formula in (
            fm.Formula("sicht_quote_offen", "Anteil offen", "rate",
                       fm.RateParams("sicht_offen", "arbeitslose"), visibility=PUBLIC),
            fm.Formula("sicht_quote_misch", "Anteil geheim", "rate",
                       fm.RateParams("sicht_geheim", "arbeitslose"), visibility=PUBLIC),
            fm.Formula("sicht_index", "Index intern", "index",
                       fm.IndexParams(fm.parse_parts("sgb2_quote,kinderarmut")),
                       visibility=INTERNAL)):
        define.save(formula, get_data(), store, actor="test")
        data_changed()
    yield store
    for formula_id in ("sicht_index", "sicht_quote_misch", "sicht_quote_offen"):
        store.delete(formula_id)
    store.delete("sicht_geheim")
    store.delete("sicht_offen")
    store.delete_level(LEVEL, with_data=True)
    data_changed()


@pytest.fixture
def editor_client(app_module, own_data):
    from atlas.auth import accounts
    from atlas.data import own_store

    accounts.add_user(own_store(), "sicht_redaktion", "redaktion", PASSWORD,
                      replace_existing=True)
    own_store().forget_login_failures("sicht_redaktion")
    client = app_module.server.test_client()
    assert login(client, "sicht_redaktion").status_code in (302, 303)
    yield client
    own_store().remove_user("sicht_redaktion")


def visitor_responses(client) -> dict[str, bytes]:
    """Every public route a visitor reaches, with the ids of the data it shows."""
    paths = ["/", "/_dash-layout", "/_dash-dependencies", "/api/indicators", "/api/levels",
             "/api/coverage", "/export/data.csv?indicator=sicht_quote_offen",
             "/export/profil.pdf?kreis=16077", "/export/profil.docx?kreis=16077"]
    paths += [f"/api/values?indicator={i}" for i in PUBLIC_IDS]
    levels = client.get("/api/levels").get_json()["levels"]
    paths += ["/geo/kreise.geojson", "/geo/gemeinden.geojson"]
    paths += [f"/geo/{level['id']}.geojson" for level in levels if level["own"]]
    out = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        body = response.get_data()
        if path.startswith("/export/profil.pdf"):
            body = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages).encode()
        elif path.startswith("/export/profil.docx"):  # the document's text, not its zip
            from docx import Document

            doc = Document(io.BytesIO(body))
            body = "\n".join([p.text for p in doc.paragraphs] + [
                c.text for t in doc.tables for r in t.rows for c in r.cells]).encode()
        out[path] = body
    return out


# ---------------------------------------------------------------------- the rule


def test_the_public_part_follows_levels_and_parts(own_data):
    own = Part(tuple(own_data.indicators()), tuple(own_data.levels()),
               tuple(own_data.formulas()))
    public = public_part(own)
    assert sorted(public.ids) == sorted(PUBLIC_IDS)
    assert public.levels == ()
    # the rate of the internal count asked to be public was stored internal
    stored = {f.id: f.visibility for f in own_data.formulas()}
    assert stored == {"sicht_quote_offen": PUBLIC, "sicht_quote_misch": INTERNAL,
                      "sicht_index": INTERNAL}
    # a definition of a public definition is public; of an internal one, internal
    chain = fm.Formula("kette", "Kette", "change", fm.ChangeParams("sicht_quote_offen", 2020,
                                                                   2022), visibility=PUBLIC)
    chained = public_part(Part(own.indicators, own.levels, own.formulas + (chain,)))
    assert "kette" in chained.ids
    broken = fm.Formula("kette2", "Kette", "change", fm.ChangeParams("sicht_quote_misch", 2020,
                                                                     2022), visibility=PUBLIC)
    assert "kette2" not in public_part(Part(own.indicators, own.levels,
                                            own.formulas + (broken,))).ids


@pytest.mark.parametrize("text, key", [("intern", INTERNAL), ("oeffentlich", PUBLIC),
                                       ("Öffentlich", PUBLIC), (" INTERN ", INTERNAL)])
def test_typed_visibilities(text, key):
    assert parse_visibility(text) == key


@pytest.mark.parametrize("text", ["", "geheim", "öffentlich; DROP TABLE", None, "1"])
def test_an_unknown_visibility_gets_a_german_message(text):
    from atlas.visibility import VisibilityProblem

    with pytest.raises(VisibilityProblem, match="erlaubt: intern, oeffentlich"):
        parse_visibility(text)


# ---------------------------------------------------------------------- what a visitor gets


def test_nothing_internal_reaches_a_visitor(app_module, own_data):
    """Every public response of a visitor: the public own data is there, no internal id."""
    client = app_module.server.test_client()
    responses = visitor_responses(client)
    everything = b"\n".join(responses.values())
    for public_id in PUBLIC_IDS:
        assert public_id.encode() in responses["/api/indicators"]
        assert public_id.encode() in responses["/_dash-layout"]
    for internal_id in INTERNAL_IDS:
        leaks = [path for path, body in responses.items() if internal_id.encode() in body]
        assert not leaks, (internal_id, leaks)
    assert b"Orte (intern)" not in everything  # nor the level's title


def test_redaktion_sees_the_internal_data(editor_client):
    """The same responses logged in as redaktion show the internal data (so the test above
    can fail)."""
    indicators = editor_client.get("/api/indicators").get_data()
    layout = editor_client.get("/_dash-layout").get_data()
    for internal_id in ("sicht_geheim", "sicht_quote_misch", "sicht_index"):
        assert internal_id.encode() in indicators and internal_id.encode() in layout
    levels = editor_client.get("/api/levels").get_json()["levels"]
    assert LEVEL in [lv["id"] for lv in levels]
    assert editor_client.get("/api/values?indicator=sicht_geheim").status_code == 200


def test_an_internal_id_answers_like_an_unknown_one(app_module, own_data):
    """A visitor who guesses an internal id learns nothing: the same answer as for an id that
    does not exist (with the asked id in place of the other)."""
    client = app_module.server.test_client()
    handout, slides = "/export/handout.pdf", "/export/sitzung.pptx"
    for path, secret_id in (("/api/values?indicator={}", "sicht_index"),
                            ("/export/baustein.docx?indicator={}", "sicht_geheim"),
                            ("/export/profil.docx?ebene={}&gebiet=x", LEVEL),
                            (slides, "sicht_quote_misch"),
                            ("/api/index/{}", "sicht_index"),
                            ("/export/data.csv?indicator={}", "sicht_geheim"),
                            ("/export/map.svg?indicator={}", "sicht_quote_misch"),
                            ("/geo/{}.geojson", LEVEL),
                            ("/export/profil.pdf?ebene={}&gebiet=x", LEVEL),
                            ("/api/values?indicator=sgb2_quote&ebene={}", LEVEL),
                            (handout, "sicht_geheim")):
        def get(ident):
            if path in (handout, slides):
                return client.post(path, json={"views": [
                    {"name": "Ansicht", "query": f"indicator={ident}"}]})
            return client.get(path.format(ident))

        secret, unknown = get(secret_id), get("sicht_nichts")
        assert secret.status_code == unknown.status_code >= 400, path
        assert secret.get_data().replace(secret_id.encode(), b"X") == \
            unknown.get_data().replace(b"sicht_nichts", b"X"), path


def test_redaktion_exports_internal_data(editor_client):
    body = {"views": [{"name": "Ansicht", "query": "indicator=sicht_geheim"}]}
    assert editor_client.post("/export/handout.pdf", json=body).status_code == 200
    assert editor_client.post("/export/sitzung.pptx", json=body).status_code == 200
    assert editor_client.get("/export/baustein.docx?indicator=sicht_geheim").status_code == 200
    csv = editor_client.get("/export/data.csv?indicator=sicht_geheim")
    assert csv.status_code == 200 and ";sicht_geheim\r\n" in csv.get_data().decode("utf-8-sig")


# ---------------------------------------------------------------------- changing it


def test_making_data_public_is_audited_and_shows_it_to_visitors(app_module, own_data):
    from atlas.data import data_changed

    client = app_module.server.test_client()
    assert b"sicht_geheim" not in client.get("/api/indicators").get_data()
    assert own_data.set_visibility("sicht_geheim", "öffentlich", actor="test_sicht") == "indicator"
    data_changed()
    try:
        assert b"sicht_geheim" in client.get("/api/indicators").get_data()
        # the rate made of it was stored internal: it stays so until someone makes it public
        assert b"sicht_quote_misch" not in client.get("/api/indicators").get_data()
        entry = own_data.audit(limit=1)[0]
        assert (entry.actor, entry.action, entry.object_id) == ("test_sicht", "visibility",
                                                                 "sicht_geheim")
        assert entry.detail["vorher"] == "intern" and entry.detail["nachher"] == "öffentlich"
        assert entry.action_label == "Sichtbarkeit geändert"
        assert detail_text(entry.detail, entry.action) == "vorher: intern; nachher: öffentlich"
    finally:
        own_data.set_visibility("sicht_geheim", INTERNAL, actor="test_sicht")
        data_changed()
    assert b"sicht_geheim" not in client.get("/api/indicators").get_data()


def test_a_public_indicator_of_an_internal_level_shows_once_the_level_is_public(
        app_module, own_data):
    from atlas.data import data_changed

    client = app_module.server.test_client()
    own_data.set_visibility(LEVEL, PUBLIC, level=True, actor="test_sicht")
    data_changed()
    try:
        assert b"sicht_ort_ew" in client.get("/api/indicators").get_data()
        assert client.get(f"/geo/{LEVEL}.geojson").status_code == 200
    finally:
        own_data.set_visibility(LEVEL, INTERNAL, level=True, actor="test_sicht")
        data_changed()


def test_an_unknown_id_changes_nothing(own_data):
    from atlas.store import StoreError

    before = own_data.revision(), len(own_data.audit())
    with pytest.raises(StoreError, match="keinen eigenen Indikator"):
        own_data.set_visibility("gibt_es_nicht", PUBLIC)
    with pytest.raises(StoreError, match="keine eigene Ebene"):
        own_data.set_visibility("sicht_geheim", PUBLIC, level=True)
    assert (own_data.revision(), len(own_data.audit())) == before


def run(capsys, *argv) -> tuple[int, str, str]:
    from atlas.cli import main

    try:
        code = main(list(argv))
    except SystemExit as stop:  # argparse refuses an argument
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_sets_visibility_and_refuses_unknown_words(app_module, own_data, capsys):
    code, out, _ = run(capsys, "sichtbarkeit", "sicht_offen", "intern")
    try:
        assert code == 0 and "„sicht_offen“ ist jetzt intern" in out
        assert next(i for i in own_data.indicators() if i.id == "sicht_offen").visibility \
            == INTERNAL
        code, out, _ = run(capsys, "list")
        assert "Zahl sicht_offen (sicht_offen)" in out and "; intern" in out
    finally:
        assert run(capsys, "sichtbarkeit", "sicht_offen", "oeffentlich")[0] == 0
    code, out, err = run(capsys, "sichtbarkeit", "sicht_offen", "geheim")
    assert code != 0 and "erlaubt: intern, oeffentlich" in err and "Traceback" not in err
    code, out, err = run(capsys, "sichtbarkeit", "gibt_es_nicht", "intern")
    assert code != 0 and "keinen eigenen Indikator" in err
    code, out, err = run(capsys, "import", "x.csv", "--sichtbarkeit", "alle")
    assert code == 2 and "erlaubt: intern, oeffentlich" in err
    code, out, _ = run(capsys, "level", "list")
    assert f"{LEVEL}: Orte (intern)" in out and "eigene Ebene, intern" in out


def test_the_cli_import_is_internal_unless_told(app_module, own_data, capsys, tmp_path,
                                                 data):
    """``atlas import`` of a real table: internal by default, public with --sichtbarkeit."""
    rows = share_of(data, "arbeitslose", 0.1)
    table = tmp_path / "zahl.csv"
    table.write_text("ags,jahr,indikator,wert,einheit,quelle\n" + "\n".join(
        f"{r.ags},{r.year},zahl,{int(r.value)},Anzahl,Jobcenter" for r in rows.itertuples())
        + "\n", encoding="utf-8")  # the format of the atlas's template
    common = ["import", str(table), "--title", "Zahl", "--unit", "Anzahl", "--kind", "count",
              "--quelle", "Jobcenter", "--bereich", "arbeit_wirtschaft", "--lebensphasen",
              "erwachsenenalter", "--lesart", "neutral"]
    try:
        code, out, err = run(capsys, *common, "--id", "sicht_cli_a")
        assert code == 0, err
        assert run(capsys, *common, "--id", "sicht_cli_b", "--sichtbarkeit", "oeffentlich")[0] == 0
        seen = {i.id: i.visibility for i in own_data.indicators()}
        assert seen["sicht_cli_a"] == INTERNAL and seen["sicht_cli_b"] == PUBLIC
        details = {e.object_id: e.detail for e in own_data.audit(limit=5)}
        assert details["sicht_cli_b"]["sichtbarkeit"] == PUBLIC
    finally:
        for gone in ("sicht_cli_a", "sicht_cli_b"):
            if any(i.id == gone for i in own_data.indicators()):
                own_data.delete(gone)


# ---------------------------------------------------------------------- upgrade


def test_a_schema_4_store_upgrades_to_5_with_everything_internal(url, data):
    _, areas, links, people = own_level_parts(data)
    first = Store(url)
    first.add_level(OwnLevel(id="orte", title="Orte", singular="Ort", visibility=PUBLIC),
                    areas, links)
    first.add(own_count("orte_leute", PUBLIC, "orte"), people)
    first.add(own_count("zahl", PUBLIC), share_of(data, "arbeitslose", 0.5))
    first.save_formula(fm.Formula("anteil", "Anteil", "rate", fm.RateParams("zahl", "arbeitslose"),
                                  level="kreis", visibility=PUBLIC))
    before = (first.values(), first.level_areas(), first.revision(), len(first.audit()))
    first.dispose()
    engine = create_engine(url)
    with engine.begin() as conn:  # as schema 4 left it: no visibility
        for table in ("atlas_own_indicator", "atlas_own_level", "atlas_own_formula"):
            conn.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN visibility")
        conn.exec_driver_sql("UPDATE atlas_meta SET value = 4 WHERE key = 'schema_version'")
    engine.dispose()
    assert schema_version(url) == 4
    store = Store(url)
    try:
        pd.testing.assert_frame_equal(store.values(), before[0])
        pd.testing.assert_frame_equal(store.level_areas(), before[1])
        assert (store.revision(), len(store.audit())) == before[2:]
        assert {i.visibility for i in store.indicators()} == {INTERNAL}
        assert [lv.visibility for lv in store.levels()] == [INTERNAL]
        assert [f.visibility for f in store.formulas()] == [INTERNAL]
        store.set_visibility("zahl", PUBLIC, actor="nach_upgrade")
        assert {i.id: i.visibility for i in store.indicators()}["zahl"] == PUBLIC
    finally:
        store.dispose()
    assert schema_version(url) == SCHEMA_VERSION == 5


def test_a_restored_indicator_keeps_its_visibility(url, data):
    store = Store(url)
    try:
        store.add(own_count("zahl", PUBLIC), share_of(data, "arbeitslose", 0.5))
        store.delete("zahl")
        store.restore("zahl")
        assert store.indicators()[0].visibility == PUBLIC
    finally:
        store.dispose()
