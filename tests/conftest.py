"""Shared fixtures: the sources folder (found like `atlas build` finds it) and built data."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

from atlas.data.own import with_own
from atlas.errors import SourcesNotFound
from atlas.paths import find_sources

#: Test files made from the sources at the start of a test run (never committed: data made from
#: the sources stay out of git): the makers and the file each one writes last.
TEST_FILE_MAKERS = (("make_level_files.py", "levels/manifest.json"),
                    ("make_wide_tables.py", "wide/arbeitslose_frauen_namen.csv"))


def pytest_configure(config):
    """Make the small real test files (tests/data/README.md) from the sources folder before the
    tests are collected (some modules read them on import); a few seconds, once per checkout."""
    import runpy

    folder = Path(__file__).parent / "data"
    for script, last in TEST_FILE_MAKERS:
        if (folder / last).exists():
            continue
        try:
            find_sources()
        except SourcesNotFound:
            return  # the tests that need the sources say so themselves
        runpy.run_path(str(folder / script), run_name="__main__")


@pytest.fixture(scope="session")
def sources() -> Path:
    """The sources folder: $ATLAS_SOURCES, ./sources or ../shared/sources (as `atlas build`)."""
    try:
        return find_sources()
    except SourcesNotFound as exc:
        pytest.skip(f"Kein Quellordner: {exc}")


@pytest.fixture(scope="session")
def built_dir(sources, tmp_path_factory) -> Path:
    """A data folder built once per test session from the real sources."""
    from atlas.build import build

    out = tmp_path_factory.mktemp("data")
    build(sources, out=out)
    return out


@pytest.fixture(scope="session")
def data(built_dir):
    """The built data, loaded as the app loads it."""
    from atlas.data import load

    return load(built_dir)


#: The own level of :func:`own_level_data` and its indicator.
OWN_LEVEL = "orte_test"
OWN_COUNT = "orte_einwohner"
#: The built Gemeinde count its values are taken from (real numbers, re-keyed).
OWN_COUNT_SOURCE = "gemeinde_bevoelkerung_zensus"


def indicator_rows(data, indicator: str):
    """The long rows (``ags, year, value, status``) of one indicator in the built data."""
    rows = data.values[data.values["indicator"] == indicator]
    return rows[["ags", "year", "value", "status"]].reset_index(drop=True)


def own_level_parts(data):
    """(kreis, areas, links, values) of a real own level: the Gemeinden of the Kreis with the
    most Gemeinden as own areas (keys: the last three digits of the AGS, as a city's statistics
    office would number them), linked to their Kreis, and their Zensus population as an own
    count indicator."""
    import pandas as pd
    import shapely

    gemeinden = data.level_of("gemeinde").areas
    kreis = gemeinden["kreis"].value_counts().index[0]
    mine = gemeinden[gemeinden["kreis"] == kreis]
    shapes = {f["id"]: shapely.geometry.shape(f["geometry"])
              for f in data.level_of("gemeinde").geojson["features"]}
    areas = pd.DataFrame({"key": mine["ags"].str[-3:], "name": mine["name"],
                          "geometry": [shapes[a] for a in mine["ags"]]}).reset_index(drop=True)
    links = pd.DataFrame({"key": areas["key"], "level": "kreis", "parent": kreis, "share": 1.0,
                          "parent_share": 1.0 / len(areas)})
    year = data.latest_year(OWN_COUNT_SOURCE)
    table = data.table(OWN_COUNT_SOURCE, year)
    table = table[table["ags"].isin(mine["ags"])]
    values = pd.DataFrame({"ags": table["ags"].str[-3:], "year": year, "value": table["value"],
                           "status": table["status"].where(table["value"].isna(), "")})
    return kreis, areas, links, values.reset_index(drop=True)


#: The real level files of tests/data/levels (BKG VG5000, Altenburger Land) and what they hold.
LEVEL_FILES = Path(__file__).parent / "data" / "levels"


def vg_population_table(data, path: Path) -> dict[str, float]:
    """Write a wide city-statistics table (one column per year, a total row with key 0) of the
    Zensus population of the Verwaltungsgemeinschaften of the Altenburger Land
    (tests/data/levels/manifest.json: their Gemeinden) to ``path``; return the population per
    area key. The numbers are the exact sums of the Gemeinden's values in the built data."""
    import json

    from atlas.levels.rollup import exact_sum

    manifest = json.loads((LEVEL_FILES / "manifest.json").read_text(encoding="utf-8"))
    source = "gemeinde_bevoelkerung_zensus"
    year = data.latest_year(source)
    table = data.table(source, year)
    people = dict(zip(table["ags"], table["value"]))
    areas = {key: exact_sum(people[g] for g in group["gemeinden"])
             for key, group in manifest["groups"].items()}
    lines = [f"Einwohner der Verwaltungsgemeinschaften (Zensus {year})", f"Nr.;Name;{year}"]
    lines += [f"{key};{manifest['groups'][key]['name']};{int(value)}"
              for key, value in areas.items()]
    lines.append(f"0;Altenburger Land insgesamt;{int(exact_sum(areas.values()))}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return areas


@pytest.fixture(scope="session")
def own_level_data(data, tmp_path_factory):
    """The built data with a real own level (:func:`own_level_parts`) and one own count on it,
    read back from a store as the app reads them."""
    from atlas.levels.own import build_levels
    from atlas.store import OwnIndicator, OwnLevel, Store

    kreis, areas, links, values = own_level_parts(data)
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('own') / 'eigene_daten.sqlite'}")
    try:
        store.add_level(OwnLevel(id=OWN_LEVEL, title="Orte im Kreis", singular="Ort",
                                 gebietsstand=data.level_of("gemeinde").gebietsstand,
                                 source="BKG VG5000 (Gemeinden als eigene Gebiete)",
                                 licence="dl-de/by-2-0"), areas, links)
        own = store.add(OwnIndicator(
            id=OWN_COUNT, title="Einwohner (Zensus) je Ort", unit="Anzahl", decimals=0,
            kind="count", definition="", area=data.indicator(OWN_COUNT_SOURCE).area,
            life_phases=("kindheit",), polarity="neutral",
            source="Statistische Ämter des Bundes und der Länder, Zensus", licence="dl-de/by-2-0",
            filename="orte.csv", file_format="CSV", code="EW", level=OWN_LEVEL), values)
        levels = build_levels(store.levels(), store.level_areas(), store.level_links(),
                              data.level_of("kreis"))
        return with_own(data, [own], store.values(), levels)
    finally:
        store.dispose()


@contextlib.contextmanager
def serving(data, name: str):
    """A test client of the exports and the API (app.py registers them in production) serving
    ``data`` instead of the process's data."""
    from flask import Flask

    from atlas import api, downloads

    app = Flask(name)
    app.register_blueprint(downloads.downloads)
    app.register_blueprint(api.api)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(downloads, "_data", lambda: data)
        patch.setattr(api, "get_data", lambda: data)
        yield app.test_client()


def schema_version(url: str) -> int:
    """The schema version a store's database records (``atlas_meta``)."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.exec_driver_sql(
                "SELECT value FROM atlas_meta WHERE key = 'schema_version'").scalar_one())
    finally:
        engine.dispose()


#: The own level of :func:`formula_store`.
FORMULA_LEVEL = "orte_formeln"


def _km2(geometries) -> list[float]:
    """Areas in km² (ETRS89 / UTM 32N), rounded to the hectare as an office would publish."""
    from pyproj import Transformer
    from shapely.ops import transform

    to_utm = Transformer.from_crs(4326, 25832, always_xy=True).transform
    return [round(transform(to_utm, g).area / 1e6, 2) for g in geometries]


def own_area(indicator_id: str, title: str, level: str, unit: str = "Anzahl"):
    """An own count indicator (areas in km², inhabitants) of the formula tests."""
    from atlas.store import OwnIndicator

    return OwnIndicator(id=indicator_id, title=title, unit=unit, decimals=2, kind="count",
                        definition="", area="demografie", life_phases=(), polarity="neutral",
                        source="BKG VG5000, Fläche berechnet", licence="dl-de/by-2-0",
                        filename="flaeche.csv", file_format="CSV", code="FL", level=level)


@pytest.fixture(scope="session")
def formula_store(data, tmp_path_factory):
    """(store, assemble): a store with the own level, three own counts and no definitions yet;
    ``assemble()`` gives the data with everything the store holds (as the app assembles it).
    The areas in km² are measured on the real boundaries (ETRS89 / UTM 32N). Tests remove the
    definitions they save."""
    import pandas as pd
    import shapely

    from atlas.data.own import with_own
    from atlas.levels.own import build_levels
    from atlas.store import OwnLevel, Store

    kreis, areas, links, people = own_level_parts(data)
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('formeln') / 'eigene_daten.sqlite'}")
    store.add_level(OwnLevel(id=FORMULA_LEVEL, title="Orte im Kreis", singular="Ort",
                             gebietsstand="01.01.2021", source="BKG VG5000",
                             licence="dl-de/by-2-0", min_count=1,
                             # half of the real areas fall below it: rates protected there
                             min_denominator=int(people["value"].median())), areas, links)
    year = int(people["year"].iloc[0])
    store.add(own_area("orte_ew", "Einwohner je Ort", FORMULA_LEVEL), people)
    store.add(own_area("orte_flaeche", "Fläche je Ort (km²)", FORMULA_LEVEL, "km²"),
              pd.DataFrame({"ags": areas["key"], "year": year,
                            "value": _km2(areas["geometry"]), "status": ""}))
    gemeinden = data.level_of("gemeinde")
    shapes = {f["id"]: shapely.geometry.shape(f["geometry"])
              for f in gemeinden.geojson["features"]}
    keys = list(gemeinden.keys)
    store.add(own_area("gemeinde_flaeche", "Fläche der Gemeinde (km²)", "gemeinde", "km²"),
              pd.DataFrame({"ags": keys, "year": year,
                            "value": _km2([shapes[k] for k in keys]), "status": ""}))

    def assemble():
        levels = build_levels(store.levels(), store.level_areas(), store.level_links(),
                              data.level_of("kreis"))
        return with_own(data, store.indicators(), store.values(), levels, store.formulas())

    yield store, assemble
    store.dispose()


@pytest.fixture(scope="session")
def app_module(built_dir):
    """The Dash app module, pointed at the test build (imported once per session)."""
    os.environ["ATLAS_DATA_DIR"] = str(built_dir)
    from atlas.data import reset_data
    from atlas.webbundle import ensure_plotly_bundle

    ensure_plotly_bundle()  # the browser tests draw with the plotly.js the atlas serves
    reset_data()
    import app

    return app


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory):
    """A real PostgreSQL server for the store tests: $ATLAS_TEST_POSTGRES_URL, or Debian's
    `postgresql` package started here on loopback in a throw-away cluster (stopped afterwards).
    Skipped with the reason only where PostgreSQL is not installed."""
    import glob
    import pwd
    import shutil
    import socket
    import subprocess
    import tempfile

    given = os.environ.get("ATLAS_TEST_POSTGRES_URL", "").strip()
    if given:
        yield given
        return
    pytest.importorskip("psycopg", reason="psycopg fehlt: pip install -e '.[test]'")
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not bins:
        pytest.skip("PostgreSQL ist nicht installiert (Debian: apt-get install postgresql; "
                    ".ci/run installiert es)")
    bindir = Path(bins[-1]).parent
    # outside pytest's private temp tree, which the postgres user cannot enter
    folder = Path(tempfile.mkdtemp(prefix="atlas-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root: use the package's system user
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("Systembenutzer „postgres“ fehlt (Paket postgresql unvollständig)")
        shutil.chown(folder, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    cluster = folder / "cluster"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    subprocess.run([*run_as, str(bindir / "initdb"), "-D", str(cluster), "-U", "atlas",
                    "--auth=trust", "-E", "UTF8", "--no-instructions"],
                   check=True, capture_output=True)
    subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(cluster), "-w", "-l",
                    str(folder / "server.log"), "-o",
                    f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start"],
                   check=True, capture_output=True)
    try:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={port} user=atlas dbname=postgres",
                             autocommit=True) as conn:
            conn.execute("CREATE DATABASE atlas_test")
        yield f"postgresql+psycopg://atlas@127.0.0.1:{port}/atlas_test"
    finally:
        subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(cluster), "-m", "fast",
                        "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


#: The data sheet of the atlas's Excel template, and the XML around its rows.
XLSX_SHEET = "xl/worksheets/sheet1.xml"
_XLSX_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.'
              b'org/spreadsheetml/2006/main"><sheetData>')
_XLSX_TAIL = b"</sheetData></worksheet>"
_BOMB_ROW = (b'<row><c t="inlineStr"><is><t>16051</t></is></c><c><v>2023</v></c>'
             b'<c t="inlineStr"><is><t>bombe</t></is></c><c><v>1</v></c></row>')


def workbook_with_sheet(path: Path, write_sheet) -> Path:
    """The Excel template with its data sheet replaced by what ``write_sheet(stream)`` writes."""
    import io
    import zipfile

    from atlas.readers import template_xlsx

    template = zipfile.ZipFile(io.BytesIO(template_xlsx()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in template.infolist():
            if info.filename != XLSX_SHEET:
                out.writestr(info.filename, template.read(info.filename))
        with out.open(XLSX_SHEET, "w") as sheet:
            sheet.write(_XLSX_HEAD)
            write_sheet(sheet)
            sheet.write(_XLSX_TAIL)
    return path


def xlsx_bomb(path: Path, unpacked: int = 185 * 1024 * 1024) -> Path:
    """The Excel template whose data sheet unpacks to ``unpacked`` bytes of repeated rows: well
    under 1 MB on disk (a decompression bomb as an attacker makes it; a malicious file, not
    data)."""
    chunk = _BOMB_ROW * (1024 * 1024 // len(_BOMB_ROW))

    def write(sheet):
        written = 0
        while written < unpacked:
            sheet.write(chunk)
            written += len(chunk)

    return workbook_with_sheet(path, write)


@pytest.fixture(scope="session")
def xlsx_files():
    """Builders of malicious Excel files: ``.bomb(path, unpacked)``, ``.with_sheet(path, write)``
    and the sheet's member name ``.sheet``."""
    import types

    return types.SimpleNamespace(bomb=xlsx_bomb, with_sheet=workbook_with_sheet, sheet=XLSX_SHEET)


def component_text(component) -> str:
    """All visible text of a Dash component tree (attributes such as ``title`` excluded)."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(component_text(c) for c in component)
    return component_text(getattr(component, "children", None))
