"""The Änderungsprotokoll and the accounts (issue #17, second step): changes of accounts are
audited in their own transaction (CLI, first admin, the page /benutzer) and never carry a
password; the page /protokoll (redaktion and admin) shows the trail newest first, filtered and
in pages of 100, in German local time, with file name and SHA-256, as HTML table and CSV; a
visitor gets a German 403 without any entry; bad query values give a German message, never a
500."""

from __future__ import annotations

import csv
import getpass
import hashlib
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine

from atlas import audit
from atlas.auth import accounts
from atlas.auth import web as auth_web
from atlas.store import ACTION_LABELS, AuditEntry, Store, StoreError
from tests.unit.test_rights_audit import half_of, own_count

PASSWORD = "richtig-langes-passwort"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
TITLE = 'Krippe <b>fett</b> & "Zitat"'


@pytest.fixture
def store(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'eigene_daten.sqlite'}")
    yield store
    store.dispose()


def small_app(store: Store) -> Flask:
    """The accounts and the pages /protokoll and /benutzer, installed as app.py does."""
    from atlas.auth.pages import admin_pages

    app = Flask(f"protocol-{id(store)}")
    auth_web.install(app, store)
    app.register_blueprint(admin_pages)
    return app


def login(client, name: str, password: str = PASSWORD):
    token = CSRF_RE.search(client.get("/anmelden").get_data(as_text=True)).group(1)
    return client.post("/anmelden", data={"name": name, "passwort": password,
                                          "csrf_token": token})


def form_token(client, path: str = "/benutzer") -> str:
    return CSRF_RE.search(client.get(path).get_data(as_text=True)).group(1)


def raw_audit_text(url: str) -> str:
    """Every cell of the audit table as stored (to prove no password or hash is in it)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return repr(conn.exec_driver_sql("SELECT * FROM atlas_audit").all())
    finally:
        engine.dispose()


# ---------------------------------------------------------------------- account changes audited


def test_account_changes_are_audited_without_any_password(url):
    store = Store(url)
    try:
        accounts.add_user(store, "chefin", "admin", PASSWORD, actor="cli:root")
        accounts.add_user(store, "mueller", "redaktion", PASSWORD, actor="chefin")
        accounts.add_user(store, "mueller", "admin", PASSWORD + "2", replace_existing=True,
                          actor="chefin")
        store.set_role("mueller", "redaktion", actor="chefin")
        store.remove_user("mueller", actor="chefin")
        trail = store.audit()
        assert [(e.action, e.object_kind, e.object_id, e.actor) for e in trail] == [
            ("user_remove", "user", "mueller", "chefin"),
            ("user_role", "user", "mueller", "chefin"),
            ("user_change", "user", "mueller", "chefin"),
            ("user_add", "user", "mueller", "chefin"),
            ("user_add", "user", "chefin", "cli:root"),
        ]
        assert trail[1].detail == {"rolle": "redaktion", "vorher": "admin"}
        assert trail[0].action_label == "Konto gelöscht"
        stored = raw_audit_text(url)
        hashes = [u["password_hash"] for u in store.users()]
        assert PASSWORD not in stored and "argon2" not in stored
        assert not any(h in stored for h in hashes)
    finally:
        store.dispose()


def test_a_refused_account_change_leaves_no_row(url):
    store = Store(url)
    try:
        accounts.add_user(store, "chefin", "admin", PASSWORD, actor="cli:root")
        before = store.audit()
        with pytest.raises(StoreError, match="letzte Admin-Konto"):
            store.set_role("chefin", "redaktion", actor="x")
        with pytest.raises(StoreError, match="letzte Admin-Konto"):
            store.remove_user("chefin", actor="x")
        with pytest.raises(StoreError, match="letzte Admin-Konto"):
            accounts.add_user(store, "chefin", "redaktion", PASSWORD, replace_existing=True)
        with pytest.raises(StoreError, match="gibt es schon"):
            accounts.add_user(store, "chefin", "admin", PASSWORD, actor="x")
        with pytest.raises(StoreError, match="kein Konto"):
            store.remove_user("niemand", actor="x")
        assert store.audit() == before and store.user("chefin")["role"] == "admin"
    finally:
        store.dispose()


def test_the_first_admin_is_audited_as_who_started_the_server(store):
    said = []
    assert accounts.ensure_first_admin(store, {accounts.ADMIN_PASSWORD_ENV: PASSWORD},
                                       said.append) == "admin"
    (entry,) = store.audit()
    assert (entry.action, entry.object_id, entry.detail) == ("user_add", "admin",
                                                             {"rolle": "admin"})
    assert entry.actor == audit.cli_actor() == "cli:" + getpass.getuser()


def test_the_user_commands_are_audited_with_the_os_user(app_module, monkeypatch):
    from atlas.cli import main
    from atlas.data import own_store

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["user", "add", "protokoll_cli", "--role", "redaktion"]) == 0
    assert main(["user", "remove", "protokoll_cli"]) == 0
    added, removed = [next(e for e in own_store().audit()
                           if e.object_id == "protokoll_cli" and e.action == action)
                      for action in ("user_add", "user_remove")]
    assert added.actor == removed.actor == "cli:" + getpass.getuser()
    assert added.id < removed.id


# ---------------------------------------------------------------------- the pure part


def entry(number: int, moment: datetime, action: str = "import", actor: str = "mueller",
          **detail) -> AuditEntry:
    return AuditEntry(number, moment.isoformat(timespec="seconds"), actor, action, "indicator",
                      f"ind_{number}", detail, "datei.csv", "ab" * 32)


def test_the_query_is_read_and_bad_values_are_named_in_german():
    query = audit.audit_query({"seit": "2026-12-01", "aktion": "delete", "wer": " Mül ",
                               "seite": "2"})
    assert (query.since.isoformat(), query.action, query.actor, query.page) == (
        "2026-12-01", "delete", "Mül", 2)
    assert query.problems == ()
    assert audit.audit_query({"seit": "01.12.2026"}).since == query.since
    # midnight in Berlin (winter: UTC+1) is 23:00 UTC the day before
    assert query.since_utc == datetime(2026, 11, 30, 23, tzinfo=timezone.utc)
    assert query.params(3) == {"seit": "2026-12-01", "aktion": "delete", "wer": "Mül",
                               "seite": "3"}
    bad = audit.audit_query({"seit": "gestern", "aktion": "<script>", "wer": "x" * 201,
                             "seite": "-1"})
    assert (bad.since, bad.action, bad.actor, bad.page) == (None, "", "", 1)
    assert len(bad.problems) == 4
    assert "kein Datum" in bad.problems[0] and "JJJJ-MM-TT" in bad.problems[0]
    assert "gibt es nicht; möglich: import" in bad.problems[1]
    assert "höchstens 200 Zeichen" in bad.problems[2]
    assert "keine Seitenzahl" in bad.problems[3]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dictionaries(st.sampled_from(["seit", "aktion", "wer", "seite", "x"]),
                       st.text(max_size=300)))
def test_any_query_is_read_without_an_exception(args):
    query = audit.audit_query(args)
    assert query.page >= 1 and all(isinstance(p, str) and p for p in query.problems)
    shown = audit.page_of(audit.filter_audit([entry(1, datetime.now(timezone.utc))], query),
                          query.page)
    assert shown.page <= shown.pages


def test_filter_by_local_day_action_and_part_of_the_name():
    entries = [
        entry(4, datetime(2026, 12, 1, 8, tzinfo=timezone.utc), "delete", "chefin"),
        entry(3, datetime(2026, 11, 30, 23, 30, tzinfo=timezone.utc), "import", "Mueller"),
        entry(2, datetime(2026, 11, 30, 22, 59, tzinfo=timezone.utc), "import", "mueller"),
        entry(1, datetime(2026, 11, 1, tzinfo=timezone.utc), "import", "cli:root"),
    ]

    def ids(**args):
        return [e.id for e in audit.filter_audit(entries, audit.audit_query(args))]

    assert ids() == [4, 3, 2, 1]
    assert ids(seit="2026-12-01") == [4, 3]  # 23:30 UTC is already 1 December in Thuringia
    assert ids(aktion="import") == [3, 2, 1]
    assert ids(wer="MUELL") == [3, 2]
    assert ids(wer="cli:", aktion="import") == [1]


def test_pages_of_a_hundred_newest_first():
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    entries = [entry(n, start + timedelta(minutes=n)) for n in range(250, 0, -1)]
    first = audit.page_of(entries, 1)
    assert (first.page, first.pages, first.total, first.problem) == (1, 3, 250, "")
    assert [e.id for e in first.entries] == list(range(250, 150, -1))
    last = audit.page_of(entries, 3)
    assert [e.id for e in last.entries] == list(range(50, 0, -1))
    beyond = audit.page_of(entries, 7)
    assert beyond.page == 3 and beyond.entries == last.entries
    assert "Seite 7 gibt es nicht" in beyond.problem and "3 Seiten" in beyond.problem
    empty = audit.page_of([], 1)
    assert (empty.page, empty.pages, empty.entries, empty.problem) == (1, 1, [], "")


def test_rows_are_german_in_berlin_time():
    assert audit.local_time("2026-07-01T10:00:00+00:00") == "01.07.2026 12:00:00"  # summer
    assert audit.local_time("2026-12-07T09:03:05+00:00") == "07.12.2026 10:03:05"  # winter
    row = audit.audit_row(entry(5, datetime(2026, 12, 7, 9, 3, 5, tzinfo=timezone.utc),
                                "replace", titel=TITLE, ebene="kreis", werte=22, papierkorb=3))
    assert (row.time, row.action, row.kind, row.title) == (
        "07.12.2026 10:03:05", ACTION_LABELS["replace"], "Indikator", TITLE)
    assert row.details == "Ebene: kreis; Werte: 22; in den Papierkorb: Nr. 3"
    assert audit.detail_text({"papierkorb": 3, "ersetzt_papierkorb": 4}, "restore") == \
        "aus dem Papierkorb: Nr. 3; die ersetzte Fassung in den Papierkorb: Nr. 4"
    assert row.sha_short == "ab" * 6 + "…" and row.sha256 == "ab" * 32


def test_the_csv_is_for_german_excel_and_neutralises_formulas():
    rows = [entry(2, datetime(2026, 12, 7, tzinfo=timezone.utc), actor="=HYPERLINK(1)",
                  titel="Titel; mit Semikolon")]
    raw = audit.audit_csv(rows)
    assert raw.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert table[0] == audit.CSV_HEADER
    assert table[1][:7] == ["2", "07.12.2026 01:00:00", "'=HYPERLINK(1)", "Import", "Indikator",
                            "ind_2", "Titel; mit Semikolon"]
    assert table[1][8] == "ab" * 32


# ---------------------------------------------------------------------- the routes


@pytest.fixture
def filled(store, data, tmp_path):
    """A store with accounts (chefin: admin, mueller: redaktion) and an import of a real file
    (its SHA-256 from hashlib), title with HTML in it."""
    accounts.add_user(store, "chefin", "admin", PASSWORD, actor="cli:root")
    accounts.add_user(store, "mueller", "redaktion", PASSWORD, actor="cli:root")
    path = tmp_path / "krippe <x>.csv"
    path.write_text("ags;wert\n16051;1\n", encoding="utf-8")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    indicator = own_count("krippe_geheim", title=TITLE)
    from dataclasses import replace

    store.add(replace(indicator, filename=path.name), half_of(data, "arbeitslose"),
              actor="mueller", sha256=digest)
    return store, digest


def test_a_visitor_is_refused_without_seeing_any_entry(filled):
    store, digest = filled
    client = small_app(store).test_client()
    for path in ("/protokoll", "/protokoll?aktion=import", "/benutzer"):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 403 and '<html lang="de">' in page
        assert "Keine Berechtigung" in page and 'href="/anmelden"' in page
        for secret in ("krippe_geheim", "Krippe", digest[:12], "mueller", "chefin"):
            assert secret not in page
    csv_answer = client.get("/protokoll.csv")
    assert csv_answer.status_code == 403 and "krippe_geheim" not in csv_answer.text
    assert "Keine Berechtigung" in csv_answer.text
    assert client.post("/benutzer", data={"aktion": "loeschen", "name": "mueller"}
                       ).status_code == 403
    assert store.user("mueller")


def test_redaktion_sees_the_trail_as_an_accessible_table(filled):
    store, digest = filled
    client = small_app(store).test_client()
    login(client, "mueller")
    response = client.get("/protokoll")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert '<html lang="de">' in page and "<main" in page and "<script" not in page
    assert "<caption>Änderungsprotokoll, neueste zuerst: Einträge 1–3 von 3" in page
    assert page.count('<th scope="col">') == 8 and page.count('<th scope="row">') == 3
    assert "&lt;b&gt;fett&lt;/b&gt; &amp; &quot;Zitat&quot;" in page and "<b>fett" not in page
    assert "krippe &lt;x&gt;.csv" in page
    assert f'<code title="{digest}" class="protokoll-sha">{digest[:12]}…</code>' in page
    assert "Konto angelegt" in page and "cli:root" in page
    assert 'href="/protokoll"' in page and 'href="/benutzer"' not in page  # no admin link
    entry = store.audit()[0]
    assert f'<time datetime="{entry.time}">{audit.local_time(entry.time)}</time>' in page
    assert client.get("/benutzer").status_code == 403  # accounts: admin only


def test_the_filters_and_the_csv_give_the_same_rows(filled):
    store, digest = filled
    client = small_app(store).test_client()
    login(client, "chefin")
    page = client.get("/protokoll?aktion=import").get_data(as_text=True)
    assert page.count('<th scope="row">') == 1 and 'selected>Import</option>' in page
    assert 'href="/protokoll.csv?aktion=import"' in page
    answer = client.get("/protokoll.csv?aktion=import")
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in answer.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig")), delimiter=";"))
    assert [r[5] for r in table[1:]] == ["krippe_geheim"] and table[1][8] == digest
    everything = list(csv.reader(io.StringIO(client.get("/protokoll.csv").data
                                             .decode("utf-8-sig")), delimiter=";"))
    shown = re.findall(r'<th scope="row">(\d+)</th>', client.get("/protokoll").text)
    assert [r[0] for r in everything[1:]] == shown == [str(e.id) for e in store.audit()]
    assert client.get("/protokoll?wer=CLI:").text.count('<th scope="row">') == 2
    assert "Keine Einträge für diese Filter" in client.get("/protokoll?seit=2999-01-01").text


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow,
                                                   HealthCheck.function_scoped_fixture],
          deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["seit", "aktion", "wer", "seite", "x"]),
                          st.text(max_size=80)), max_size=5))
def test_fuzzed_query_strings_never_give_a_500(filled, args):
    store, _ = filled
    client = small_app(store).test_client()
    login(client, "mueller")
    for path in ("/protokoll", "/protokoll.csv"):
        response = client.get(path, query_string=args)
        assert response.status_code in (200, 400)
        if response.status_code == 400:
            text = response.get_data(as_text=True)
            assert any(word in text for word in ("kein Datum", "gibt es nicht", "höchstens",
                                                 "keine Seitenzahl"))


def test_bad_values_show_a_german_message_on_the_page(filled):
    store, _ = filled
    client = small_app(store).test_client()
    login(client, "mueller")
    response = client.get("/protokoll?seit=31.02.2026&seite=abc")
    assert response.status_code == 400
    assert response.text.count('role="alert"') == 2 and "kein Datum" in response.text
    assert response.text.count('<th scope="row">') == 3  # the filter not applied, all shown
    beyond = client.get("/protokoll?seite=5")
    assert beyond.status_code == 400 and "Seite 5 gibt es nicht" in beyond.text
    assert client.get("/protokoll.csv?seit=morgen").status_code == 400


# ---------------------------------------------------------------------- /benutzer


def test_admin_adds_changes_and_removes_an_account_audited(filled):
    store, _ = filled
    client = small_app(store).test_client()
    login(client, "chefin")
    page = client.get("/benutzer").text
    assert "<caption>Konten der Seite" in page and page.count('<th scope="row">') == 2
    assert "Ihr Konto" in page and page.count("name=\"csrf_token\"") >= 4  # every form
    token = form_token(client)
    new = {"aktion": "anlegen", "name": "Schulz", "rolle": "redaktion", "passwort": PASSWORD,
           "passwort2": PASSWORD, "csrf_token": token}
    refused = client.post("/benutzer", data={**new, "passwort2": PASSWORD + "x"})
    assert refused.status_code == 400 and "stimmen nicht überein" in refused.text
    assert 'value="Schulz"' in refused.text  # the name stays in the form, the passwords not
    short = client.post("/benutzer", data={**new, "passwort": "kurz", "passwort2": "kurz"})
    assert short.status_code == 400 and "mindestens 10 Zeichen" in short.text
    forged = client.post("/benutzer", data={**new, "csrf_token": "falsch"})
    assert forged.status_code == 403 and store.user("schulz") is None
    done = client.post("/benutzer", data=new)
    assert done.status_code == 303 and store.user("schulz")["role"] == "redaktion"
    assert "Konto „schulz“ (redaktion) angelegt." in client.get("/benutzer").text
    assert client.post("/benutzer", data={"aktion": "rolle", "name": "schulz", "rolle": "admin",
                                          "csrf_token": token}).status_code == 303
    assert store.user("schulz")["role"] == "admin"
    assert client.post("/benutzer", data={"aktion": "loeschen", "name": "schulz",
                                          "csrf_token": token}).status_code == 303
    assert store.user("schulz") is None
    mine = [(e.action, e.object_id, e.actor) for e in store.audit()[:3]]
    assert mine == [("user_remove", "schulz", "chefin"), ("user_role", "schulz", "chefin"),
                    ("user_add", "schulz", "chefin")]
    assert PASSWORD not in repr(store.audit())


def test_admin_cannot_change_or_remove_the_own_account(filled):
    store, _ = filled
    client = small_app(store).test_client()
    login(client, "chefin")
    token = form_token(client)
    before = store.audit()
    for change in ({"aktion": "loeschen"}, {"aktion": "rolle", "rolle": "redaktion"}):
        answer = client.post("/benutzer", data={**change, "name": "chefin", "csrf_token": token})
        assert answer.status_code == 400 and "eigene Konto" in answer.text
    unknown = client.post("/benutzer", data={"aktion": "loeschen", "name": "niemand",
                                             "csrf_token": token})
    assert unknown.status_code == 400 and "kein Konto" in unknown.text
    assert store.audit() == before and store.user("chefin")["role"] == "admin"


def test_the_pages_are_served_by_the_app_under_its_csp(app_module):
    client = app_module.server.test_client()
    for path in ("/protokoll", "/benutzer", "/protokoll.csv"):
        response = client.get(path)
        assert response.status_code == 403
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "default-src 'self'" in policy
        assert "<script" not in response.get_data(as_text=True)
        assert "style=" not in response.get_data(as_text=True)
