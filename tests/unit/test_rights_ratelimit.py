"""The login rate limit is kept in the store (issue #17, second step): two app instances on one
store — two gunicorn workers, or two hosts on one PostgreSQL — share the count of failed
logins, so 5 failures on one block the next try on the other. SQLite and PostgreSQL (``url``);
once with two real gunicorn processes (two "hosts") on one store."""

from __future__ import annotations

import re

import pytest
import requests
from flask import Flask
from sqlalchemy import create_engine

from atlas.auth import accounts, current_role, current_user_name
from atlas.auth import web as auth_web
from atlas.auth.ratelimit import MAX_FAILURES, WINDOW_S, RateLimiter
from atlas.store import SCHEMA_VERSION, Store
from tests.conftest import schema_version
from tests.live_servers import gunicorn

PASSWORD = "richtig-langes-passwort"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def instance(store: Store, address: str = "192.0.2.7"):
    """One app instance (a worker or a host) on ``store``; its client comes from ``address``."""
    app = Flask(f"worker-{id(store)}")
    auth_web.install(app, store)
    app.get("/wer")(lambda: f"{current_user_name()}|{current_role()}")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def login(client, name: str, password: str):
    token = CSRF_RE.search(client.get("/anmelden").text).group(1)
    return client.post("/anmelden", data={"name": name, "passwort": password,
                                          "csrf_token": token})


@pytest.fixture
def two_hosts(url):
    """Two Store objects on one database, as two hosts have, and an account on it."""
    first, second = Store(url), Store(url)
    accounts.add_user(first, "mueller", "redaktion", PASSWORD)
    yield first, second
    first.dispose()
    second.dispose()


def test_failures_on_one_instance_block_the_login_on_the_other(two_hosts):
    first, second = two_hosts
    one, two = instance(first), instance(second)
    for attempt in range(MAX_FAILURES):
        client = one if attempt % 2 == 0 else two  # a load balancer alternating
        assert login(client, "mueller", "falsch-falsch").status_code == 401
    for client in (one, two):
        blocked = login(client, "mueller", PASSWORD)  # even the right password
        assert blocked.status_code == 429 and "Zu viele Fehlversuche" in blocked.text
        assert client.get("/wer").text == "|besucher"


def test_the_block_is_per_name_and_address(two_hosts):
    first, second = two_hosts
    accounts.add_user(first, "schulze", "redaktion", PASSWORD)
    one = instance(first)
    for _ in range(MAX_FAILURES):
        login(one, "mueller", "falsch-falsch")
    elsewhere = instance(second, address="198.51.100.9")
    assert login(elsewhere, "mueller", PASSWORD).status_code == 303  # another address
    other_name = instance(second)
    assert login(other_name, "schulze", PASSWORD).status_code == 303  # another name
    assert other_name.get("/wer").text == "schulze|redaktion"


def test_a_successful_login_forgets_the_earlier_failures(two_hosts):
    first, second = two_hosts
    one, two = instance(first), instance(second)
    for _ in range(MAX_FAILURES - 1):
        login(one, "mueller", "falsch-falsch")
    assert login(two, "mueller", PASSWORD).status_code == 303
    for _ in range(MAX_FAILURES - 1):  # the count starts again
        assert login(one, "mueller", "falsch-falsch").status_code == 401
    assert login(two, "mueller", PASSWORD).status_code == 303


def test_the_window_slides_and_old_rows_are_purged_addresses_kept_hashed(url):
    store, worker = Store(url), Store(url)
    now = [1_000_000.0]
    limiter = RateLimiter(store, "geheim", clock=lambda: now[0])
    other = RateLimiter(worker, "geheim", clock=lambda: now[0])  # another worker
    try:
        for _ in range(MAX_FAILURES):
            limiter.fail(("mueller", "203.0.113.5"))
        assert other.blocked(("mueller", "203.0.113.5"))
        now[0] += WINDOW_S + 1
        assert not other.blocked(("mueller", "203.0.113.5"))
        other.fail(("schulze", "203.0.113.5"))  # a new failure purges the old rows
        engine = create_engine(url)
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT name, address FROM atlas_login_failure").all()
        engine.dispose()
        assert [r[0] for r in rows] == ["schulze"]
        assert "203.0.113.5" not in str(rows) and len(rows[0][1]) == 64  # an HMAC, not the IP
    finally:
        store.dispose()
        worker.dispose()


def test_a_schema_4_store_is_upgraded_with_the_failure_table(url):
    store = Store(url)
    accounts.add_user(store, "mueller", "redaktion", PASSWORD)
    store.dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE atlas_login_failure")
        conn.exec_driver_sql("UPDATE atlas_meta SET value = 4 WHERE key = 'schema_version'")
    engine.dispose()
    upgraded = Store(url)
    try:
        assert upgraded.user("mueller")["role"] == "redaktion"  # the accounts are kept
        client = instance(upgraded)
        for _ in range(MAX_FAILURES):
            assert login(client, "mueller", "falsch-falsch").status_code == 401
        assert login(client, "mueller", PASSWORD).status_code == 429
    finally:
        upgraded.dispose()
    assert schema_version(url) == SCHEMA_VERSION == 5


def _web_login(session: requests.Session, base: str, name: str, password: str) -> int:
    token = CSRF_RE.search(session.get(base + "/anmelden", timeout=60).text).group(1)
    return session.post(base + "/anmelden", data={"name": name, "passwort": password,
                                                   "csrf_token": token},
                        allow_redirects=False, timeout=60).status_code


def test_two_gunicorn_hosts_on_one_store_share_the_count(url, built_dir):
    """Two separate server processes (each with its own memory) on one store: the failures
    made on the first block the right password on the second."""
    store = Store(url)
    accounts.add_user(store, "mueller", "redaktion", PASSWORD)
    accounts.add_user(store, "schulze", "redaktion", PASSWORD)
    store.dispose()
    with gunicorn(built_dir, url, hosts=2) as (first, second):
        browser = requests.Session()
        for _ in range(MAX_FAILURES):
            assert _web_login(browser, first, "mueller", "falsch-falsch") == 401
        assert _web_login(requests.Session(), second, "mueller", PASSWORD) == 429
        # another account is not affected
        assert _web_login(requests.Session(), second, "schulze", PASSWORD) == 303
