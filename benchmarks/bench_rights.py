"""Who may change what (#17): what accounts, sessions and visibility cost a request.

* Renewing the data after a change of the own data: the atlas builds two data objects (all, and
  the visitors' from the public part) once per store revision, against building one.
* A visitor's request against the naive peer that filters internal data per request (builds the
  visitors' data object for every request instead of once per revision).
* ``GET /api/indicators`` anonymous and logged in (session cookie, identity, role from the
  store), and the login itself (argon2id).

Usage: ``python benchmarks/bench_rights.py`` (needs built data in ``data/``; works on a copy).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_index import timed  # noqa: E402

PASSWORD = "benchmark-passwort-2026"
OWN = 12  # own Kreis counts, every other one internal, each with a public rate


def ms(t) -> str:
    return f"{t[0] * 1000:.1f} ms (min {t[1] * 1000:.1f}, max {t[2] * 1000:.1f})"


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench_rights_"))
    shutil.copytree(ROOT / "data", folder / "data",
                    ignore=shutil.ignore_patterns("*.sqlite*"))
    os.environ["ATLAS_DATA_DIR"] = str(folder / "data")
    os.environ["ATLAS_ADMIN_PASSWORD"] = PASSWORD
    try:
        run()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run() -> None:
    from atlas.auth import accounts
    from atlas.composite import define
    from atlas.composite import formulas as fm
    from atlas.data import data_changed, get_data, own_store, process
    from atlas.store import OwnIndicator
    from atlas.visibility import INTERNAL, PUBLIC, Part, public_part

    data = get_data()
    rows = data.values[(data.values["indicator"] == "arbeitslose")
                       & data.values["ags"].isin(list(data.regions["ags"]))
                       & data.values["value"].notna()]
    store = own_store()
    for i in range(OWN):
        store.add(OwnIndicator(
            id=f"bench_zahl_{i}", title=f"Zahl {i}", unit="Anzahl", decimals=0, kind="count",
            definition="", area="arbeit_wirtschaft", life_phases=(), polarity="neutral",
            source="Benchmark (Anteil der Arbeitslosen)", licence="", filename="b.csv",
            file_format="CSV", code="Z", visibility=INTERNAL if i % 2 else PUBLIC),
            rows.assign(indicator=f"bench_zahl_{i}", value=(rows["value"] * (i + 1) / 40).round(),
                        status="")[["ags", "year", "value", "status"]])
        data_changed()
        define.save(fm.Formula(f"bench_quote_{i}", f"Quote {i}", "rate",
                               fm.RateParams(f"bench_zahl_{i}", "arbeitslose"), visibility=PUBLIC),
                    get_data(), store)
        data_changed()
    accounts.add_user(store, "bench_redaktion", "redaktion", PASSWORD)

    base = process.base_data()
    own = Part(tuple(store.indicators()), tuple(store.levels()), tuple(store.formulas()))
    values = process._own_values(store)
    levels = process._own_levels(store, base, own.levels)
    public = public_part(own)
    one = timed(lambda: process._merged(base, own, values, levels), repeat=7)
    two = timed(lambda: (process._merged(base, own, values, levels),
                         process._merged(base, public_part(own), values, levels)), repeat=7)

    import app as atlas_app

    client = atlas_app.server.test_client()
    client.get("/api/indicators")

    def naive_visitor_request():
        # the naive peer: the visitors' data object made for this request, then the answer
        process._merged(base, public_part(own), values, levels).catalogue.indicators
        client.get("/api/indicators")

    anonymous = timed(lambda: client.get("/api/indicators"), repeat=15)
    naive = timed(naive_visitor_request, repeat=7)
    editor = atlas_app.server.test_client()

    def login():
        token = re.search(r'name="csrf_token" value="([^"]+)"',
                          editor.get("/anmelden").get_data(as_text=True)).group(1)
        answer = editor.post("/anmelden", data={"name": "bench_redaktion", "passwort": PASSWORD,
                                                "csrf_token": token})
        assert answer.status_code in (302, 303), answer.status_code

    login_time = timed(login, repeat=5)
    logged_in = timed(lambda: editor.get("/api/indicators"), repeat=15)
    visible = len(client.get("/api/indicators").get_json()["indicators"])
    everything = len(editor.get("/api/indicators").get_json()["indicators"])
    print(f"own data: {OWN} counts ({OWN // 2} internal) and {OWN} rates; "
          f"{len(public.indicators)} counts and {len(public.formulas)} rates public")
    print(f"indicators: visitor {visible}, redaktion {everything}")
    print(f"renewal after a change, one data object (all):        {ms(one)}")
    print(f"renewal after a change, two (all + the visitors'):    {ms(two)}")
    print(f"GET /api/indicators, visitor (atlas, cached per revision): {ms(anonymous)}")
    print(f"GET /api/indicators, visitor (naive: filtered per request): {ms(naive)}")
    print(f"GET /api/indicators, redaktion (session, role from the store): {ms(logged_in)}")
    print(f"login (form, argon2id verify):                        {ms(login_time)}")


if __name__ == "__main__":
    main()
