"""Own data ("eigene Daten"): indicators that planners import themselves, kept in a database.

SQLAlchemy Core with portable SQL, so the same code runs on

* SQLite (default, embedded): the file ``eigene_daten.sqlite`` in :func:`atlas.paths.data_dir`;
* PostgreSQL, when ``$ATLAS_DATABASE_URL`` is set (e.g. ``postgresql+psycopg://user@host/atlas``).

Every change is one transaction: the indicator row, all its values and the bump of the revision
counter are stored together or not at all. App workers poll :meth:`Store.revision` (one tiny
SELECT) to notice new or deleted own indicators.

Concurrency: on SQLite the file runs in WAL mode (readers never wait for writers), write
transactions start with ``BEGIN IMMEDIATE`` (the write lock is taken at the start, so two imports
queue up behind each other instead of failing with "database is locked" or deadlocking) and a
busy timeout of 30 s lets the second writer wait. On PostgreSQL every write transaction first
updates the revision row, which serialises writers the same way.
"""

from __future__ import annotations

import math
import os
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd
from sqlalchemy import (
    Column,
    Double,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    event,
    exc,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import URL, Connection, Engine, create_engine, make_url
from sqlalchemy.schema import CreateTable

from atlas.catalogue import KINDS, LIFE_PHASES, POLARITIES
from atlas.errors import AtlasError
from atlas.paths import data_dir

#: File name of the embedded SQLite database in the data folder.
SQLITE_FILENAME = "eigene_daten.sqlite"
#: Environment variable with a database URL (SQLAlchemy syntax) that replaces the SQLite file.
DATABASE_URL_ENV = "ATLAS_DATABASE_URL"
#: Version of the table layout below; stored in ``atlas_meta``.
SCHEMA_VERSION = 1
#: Seconds a writer waits for another writer's lock (SQLite busy timeout).
BUSY_TIMEOUT_S = 30

LEVELS = ("kreis", "gemeinde")
ID_RE = re.compile(r"[a-z0-9_]{2,40}")

_REVISION = "revision"
_SCHEMA_VERSION_KEY = "schema_version"
_PG_LOCK_KEY = 0x41544C41  # "ATLA": advisory lock serialising schema creation on PostgreSQL

metadata = MetaData()

indicator_table = Table(
    "atlas_own_indicator",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("title", Text, nullable=False),
    Column("unit", Text, nullable=False),
    Column("decimals", Integer, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("definition", Text, nullable=False),
    Column("area", String(60), nullable=False),
    Column("life_phases", Text, nullable=False),  # comma-joined ids, "" for none
    Column("polarity", String(20), nullable=False),
    Column("source", Text, nullable=False),
    Column("licence", Text, nullable=False),
    Column("filename", Text, nullable=False),
    Column("file_format", Text, nullable=False),
    Column("code", Text, nullable=False),
    Column("level", String(10), nullable=False),
    Column("imported_at", String(40), nullable=False),
)

value_table = Table(
    "atlas_own_value",
    metadata,
    Column(
        "indicator_id",
        String(40),
        ForeignKey("atlas_own_indicator.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("ags", String(20), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("value", Double, nullable=True),  # NULL = missing (NaN), never 0
    Column("status", Text, nullable=False),
)

meta_table = Table(
    "atlas_meta",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Integer, nullable=False),
)

VALUE_COLUMNS = ["indicator", "ags", "year", "value", "status"]


@dataclass(frozen=True)
class OwnIndicator:
    """An indicator imported by a planner, with everything needed to show and cite it."""

    id: str  # [a-z0-9_]{2,40}, unique among own indicators
    title: str
    unit: str  # e.g. "%", "Anzahl", "Euro"
    decimals: int
    kind: str  # "rate" or "count"
    definition: str
    area: str  # Lebenslagenbereich id
    life_phases: tuple[str, ...]
    polarity: str  # "risk" | "protective" | "neutral"
    source: str  # free text typed by the planner
    licence: str  # free text, may be ""
    filename: str  # original upload name
    file_format: str  # German format name as detected
    code: str  # series code in the file
    level: str = "kreis"  # "kreis" or "gemeinde"
    imported_at: str = ""  # ISO timestamp (UTC), set by the store when empty


class StoreError(AtlasError):
    """Own data could not be stored or read; the message (German) says why and what to do."""


def default_url() -> URL:
    """``$ATLAS_DATABASE_URL``, else the SQLite file ``eigene_daten.sqlite`` in the data folder."""
    env = os.environ.get(DATABASE_URL_ENV, "").strip()
    if env:
        return _parse_url(env)
    return URL.create("sqlite", database=str(data_dir() / SQLITE_FILENAME))


def _display_url(url: URL) -> str:
    # URL.set(password=None) would keep the password (None means "unchanged" there).
    return mask_secrets(url._replace(password=None).render_as_string(hide_password=False))


_QUERY_SECRET = re.compile(r"(?i)((?:password|passwd|pwd|secret|token)=)[^&;\s]*")


def mask_secrets(text: str, secret: str | None = None) -> str:
    """``text`` (a database address or an error message about one) with every password shown as
    ``***``: the part between ``user:`` and the last ``@`` of an address (also of addresses too
    malformed to parse), ``password=…`` parameters, and ``secret`` wherever it occurs."""
    if secret:
        text = text.replace(secret, "***")
    if "@" in text:
        head, tail = text.rsplit("@", 1)
        start = head.find("//") + 2 if "//" in head else head.rfind(" ") + 1
        userinfo = head[start:]
        if ":" in userinfo:
            text = head[:start] + userinfo.split(":", 1)[0] + ":***@" + tail
    return _QUERY_SECRET.sub(r"\1***", text)


def _parse_url(raw: str) -> URL:
    """The URL of ``raw``; a German StoreError (password masked) when it is not a valid address.

    SQLAlchemy raises ``ArgumentError`` for an unparsable address and a bare ``ValueError`` for a
    non-numeric port; both mean the same to the planner.
    """
    try:
        url = make_url(raw)
    except (exc.ArgumentError, ValueError, TypeError):
        raise StoreError(
            f"Die Datenbankadresse „{mask_secrets(raw)}“ ({DATABASE_URL_ENV}) ist ungültig. "
            "Erwartet wird z. B. „sqlite:////pfad/eigene_daten.sqlite“ oder "
            "„postgresql+psycopg://benutzer:passwort@rechner:5432/atlas“."
        ) from None
    return url


class Store:
    """The database of own indicators (see module docstring).

    One engine per Store, created when first needed (and again in a forked child process);
    safe to share between threads.
    """

    def __init__(self, url: str | None = None) -> None:
        self._url = _parse_url(url) if url else default_url()
        self._is_sqlite = self._url.get_backend_name() == "sqlite"
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._pid = os.getpid()
        self._schema_ready = False
        self._engine_()  # creates the tables if missing

    # ------------------------------------------------------------------ public API

    @property
    def url_for_display(self) -> str:
        """The database URL without the password (for the UI and logs)."""
        return _display_url(self._url)

    def revision(self) -> int:
        """A counter that grows with every successful add and delete (one tiny SELECT)."""
        with self._read() as conn:
            value = conn.execute(
                select(meta_table.c.value).where(meta_table.c.key == _REVISION)
            ).scalar_one_or_none()
        return int(value or 0)

    def add(self, indicator: OwnIndicator, values: pd.DataFrame) -> OwnIndicator:
        """Store an indicator and its values in one transaction (all or nothing); return the
        stored indicator (with its import time).

        ``values`` has the columns ``ags`` (str), ``year`` (int), ``value`` (float, NaN when
        missing) and ``status`` (str).

        Raises
        ------
        StoreError
            The id is taken, the indicator description is incomplete, the values are empty, have
            duplicate (ags, year) pairs or cannot be stored.
        """
        _check_indicator(indicator)
        rows = _value_rows(indicator.id, values)
        imported_at = indicator.imported_at or datetime.now(timezone.utc).isoformat(
            timespec="seconds"
        )
        record = _indicator_record(indicator, imported_at)
        try:
            with self._write() as conn:
                _bump_revision(conn)
                taken = conn.execute(
                    select(indicator_table.c.id).where(indicator_table.c.id == indicator.id)
                ).first()
                if taken is not None:
                    raise _duplicate_id(indicator.id)
                try:
                    conn.execute(insert(indicator_table), [record])
                except exc.IntegrityError:
                    raise _duplicate_id(indicator.id) from None
                try:
                    conn.execute(insert(value_table), rows)
                except exc.IntegrityError as error:
                    raise _bad_values(indicator.id, values, error) from None
        except StoreError:
            raise
        except exc.DBAPIError as error:
            raise self._db_error("Der Indikator konnte nicht gespeichert werden", error) from None
        return replace(indicator, imported_at=imported_at)

    def delete(self, indicator_id: str) -> None:
        """Delete an own indicator with all its values (one transaction).

        Raises
        ------
        StoreError
            No own indicator has this id.
        """
        try:
            with self._write() as conn:
                _bump_revision(conn)
                conn.execute(delete(value_table).where(value_table.c.indicator_id == indicator_id))
                gone = conn.execute(
                    delete(indicator_table).where(indicator_table.c.id == indicator_id)
                ).rowcount
                if gone != 1:
                    raise StoreError(
                        f"Es gibt keinen eigenen Indikator mit der Kennung „{indicator_id}“ – "
                        "vielleicht wurde er inzwischen gelöscht. Bitte die Seite neu laden."
                    )
        except StoreError:
            raise
        except exc.DBAPIError as error:
            raise self._db_error("Der Indikator konnte nicht gelöscht werden", error) from None

    def indicators(self) -> list[OwnIndicator]:
        """All own indicators, oldest import first (ties by id)."""
        try:
            with self._read() as conn:
                result = conn.execute(
                    select(indicator_table).order_by(
                        indicator_table.c.imported_at, indicator_table.c.id
                    )
                ).mappings()
                return [_indicator_from_row(row) for row in result]
        except exc.DBAPIError as error:
            raise self._db_error("Die eigenen Indikatoren konnten nicht gelesen werden", error)

    def values(self) -> pd.DataFrame:
        """Values of all own indicators: columns indicator, ags, year, value, status.

        Missing values are NaN (never 0) and keep their status.
        """
        v = value_table.c
        try:
            with self._read() as conn:
                rows = conn.execute(
                    select(v.indicator_id, v.ags, v.year, v.value, v.status).order_by(
                        v.indicator_id, v.ags, v.year
                    )
                ).all()
        except exc.DBAPIError as error:
            raise self._db_error("Die eigenen Daten konnten nicht gelesen werden", error)
        if rows:
            indicator, ags, year, value, status = zip(*rows)
        else:
            indicator = ags = year = value = status = ()
        return pd.DataFrame(
            {
                "indicator": pd.Series(indicator, dtype=str),
                "ags": pd.Series(ags, dtype=str),
                "year": pd.Series(year, dtype="int64"),
                "value": pd.Series([np.nan if x is None else x for x in value], dtype="float64"),
                "status": pd.Series(status, dtype=str),
            },
            columns=VALUE_COLUMNS,
        )

    def dispose(self) -> None:
        """Close all pooled connections (the Store can still be used; it reconnects)."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    # ------------------------------------------------------------------ engine and transactions

    def _engine_(self) -> Engine:
        with self._lock:
            if self._engine is not None and self._pid != os.getpid():
                # Forked child (e.g. gunicorn --preload): never reuse the parent's connections.
                self._engine.dispose(close=False)
                self._engine = None
            if self._engine is None:
                self._pid = os.getpid()
                self._engine = self._create_engine()
            engine = self._engine
            if not self._schema_ready:
                self._ensure_schema(engine)
                self._schema_ready = True
            return engine

    def _create_engine(self) -> Engine:
        try:
            return self._new_engine()
        except (ImportError, exc.NoSuchModuleError) as error:
            raise self._driver_error(error) from None
        except (exc.ArgumentError, ValueError, TypeError) as error:  # e.g. an unknown URL option
            raise StoreError(
                f"Die Datenbankadresse {self.url_for_display} ({DATABASE_URL_ENV}) ist ungültig: "
                f"{mask_secrets(str(error), self._url.password)}."
            ) from None

    def _new_engine(self) -> Engine:
        if self._is_sqlite:
            database = self._url.database or ""
            if database and database != ":memory:" and not database.startswith("file:"):
                try:
                    Path(database).parent.mkdir(parents=True, exist_ok=True)
                except OSError as error:
                    raise StoreError(
                        f"Der Ordner für die eigenen Daten ({Path(database).parent}) kann nicht "
                        f"angelegt werden: {error.strerror}. Bitte ATLAS_DATA_DIR oder "
                        f"{DATABASE_URL_ENV} auf einen beschreibbaren Ort setzen."
                    ) from None
            engine = create_engine(self._url, connect_args={"timeout": BUSY_TIMEOUT_S})
            event.listen(engine, "connect", _sqlite_on_connect)
            event.listen(engine, "begin", _sqlite_on_begin)
            return engine
        return create_engine(self._url, pool_pre_ping=True)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        engine = self._engine_()
        try:
            with engine.connect() as conn:
                yield conn
        except exc.OperationalError as error:
            raise self._db_error("Die Datenbank der eigenen Daten ist nicht erreichbar", error)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction; on SQLite it holds the write lock from its first statement."""
        engine = self._engine_()
        with engine.connect() as conn:
            conn.execution_options(atlas_write=True)
            with conn.begin():
                yield conn

    def _ensure_schema(self, engine: Engine) -> None:
        """Create the tables and meta rows if missing; safe when several processes start."""
        try:
            with engine.connect() as conn:
                if _schema_complete(conn):
                    return
            with engine.connect() as conn:
                conn.execution_options(atlas_write=True)
                with conn.begin():
                    if engine.dialect.name == "postgresql":
                        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})")
                    for table in metadata.sorted_tables:
                        conn.execute(CreateTable(table, if_not_exists=True))
                    present = dict(conn.execute(select(meta_table.c.key, meta_table.c.value)).all())
                    missing = [
                        {"key": key, "value": value}
                        for key, value in ((_SCHEMA_VERSION_KEY, SCHEMA_VERSION), (_REVISION, 0))
                        if key not in present
                    ]
                    if missing:
                        conn.execute(insert(meta_table), missing)
                    _check_version(present.get(_SCHEMA_VERSION_KEY, SCHEMA_VERSION))
        except StoreError:
            raise
        except exc.DBAPIError as error:
            raise self._db_error(
                "Die Datenbank der eigenen Daten kann nicht geöffnet werden", error
            ) from None

    def _driver_error(self, error: Exception) -> StoreError:
        backend, driver = self._url.get_backend_name(), self._url.get_driver_name()
        known = {"sqlite", "postgresql"}
        if backend not in known:
            return StoreError(
                f"Die Datenbankadresse {self.url_for_display} ({DATABASE_URL_ENV}) nennt die "
                f"unbekannte Datenbank „{backend}“ – vertippt? Unterstützt werden „sqlite“ und "
                "„postgresql+psycopg“."
            )
        detail = ""
        if isinstance(error, ImportError):  # a known dialect whose Python package is missing
            detail = f" ({mask_secrets(str(error), self._url.password)})"
        hint = ""
        if backend == "postgresql":
            hint = (" Für PostgreSQL „postgresql+psycopg://…“ verwenden und das Paket installieren: "
                    "pip install 'psycopg[binary]'.")
        return StoreError(
            f"Der Datenbanktreiber „{driver}“ der Datenbankadresse {self.url_for_display} "
            f"({DATABASE_URL_ENV}) fehlt oder ist unbekannt{detail} – vertippt?{hint}"
        )

    def _db_error(self, what: str, error: exc.DBAPIError) -> StoreError:
        """The one mapping of a database failure to the planner's message (password masked)."""
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()
        detail = mask_secrets(detail[0] if detail else type(error).__name__, self._url.password)
        return StoreError(
            f"{what} ({self.url_for_display}): {detail}. Bitte später erneut versuchen; "
            "bleibt der Fehler, die Verwaltung des Atlas informieren."
        )


# ---------------------------------------------------------------------- SQLite connection setup


def _sqlite_on_connect(dbapi_connection, connection_record) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite would defer it to the first write).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA foreign_keys = ON")
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() not in ("wal", "memory"):
            cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    if conn.get_execution_options().get("atlas_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


# ---------------------------------------------------------------------- helpers


def _schema_complete(conn: Connection) -> bool:
    inspector = inspect(conn)
    if not all(inspector.has_table(t.name) for t in metadata.sorted_tables):
        return False
    present = dict(conn.execute(select(meta_table.c.key, meta_table.c.value)).all())
    if _SCHEMA_VERSION_KEY in present:
        _check_version(present[_SCHEMA_VERSION_KEY])
    return _SCHEMA_VERSION_KEY in present and _REVISION in present


def _check_version(version: int) -> None:
    if int(version) != SCHEMA_VERSION:
        raise StoreError(
            f"Die Datenbank der eigenen Daten hat die Schemaversion {version}, dieses Programm "
            f"kennt nur Version {SCHEMA_VERSION}. Bitte die passende Atlas-Version verwenden."
        )


def _bump_revision(conn: Connection) -> None:
    # First statement of every write: on PostgreSQL the row lock serialises writers.
    conn.execute(
        update(meta_table).where(meta_table.c.key == _REVISION).values(value=meta_table.c.value + 1)
    )


def _duplicate_id(indicator_id: str) -> StoreError:
    return StoreError(
        f"Ein eigener Indikator mit der Kennung „{indicator_id}“ existiert bereits – bitte eine "
        "andere Kennung wählen oder den vorhandenen zuerst löschen."
    )


def _pairs(frame: pd.DataFrame, limit: int = 5) -> str:
    shown = [
        f"{a}/{y}"
        for a, y in frame[["ags", "year"]].drop_duplicates().head(limit).itertuples(index=False)
    ]
    more = len(frame[["ags", "year"]].drop_duplicates()) - len(shown)
    return ", ".join(shown) + (f" und {more} weitere" if more > 0 else "")


def _bad_values(indicator_id: str, values: pd.DataFrame, error: exc.IntegrityError) -> StoreError:
    keys = pd.DataFrame({"ags": values["ags"].astype(str), "year": values["year"]})
    dup = keys[keys.duplicated(keep=False)]
    if len(dup):
        return StoreError(
            f"Die Werte für „{indicator_id}“ enthalten Kreis/Jahr-Kombinationen mehrfach "
            f"(Regionalschlüssel/Jahr: {_pairs(dup)}). Jede Region darf je Jahr nur einen Wert "
            "haben – bitte die Datei bereinigen. Es wurde nichts gespeichert."
        )
    detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    return StoreError(
        f"Die Werte für „{indicator_id}“ konnten nicht gespeichert werden ({detail}). "
        "Es wurde nichts gespeichert."
    )


def _check_indicator(ind: OwnIndicator) -> None:
    problems: list[str] = []
    if not isinstance(ind.id, str) or not ID_RE.fullmatch(ind.id):
        problems.append(
            f"die Kennung „{ind.id}“ darf nur Kleinbuchstaben a–z, Ziffern und _ enthalten "
            "(2 bis 40 Zeichen)"
        )
    texts = (
        "title",
        "unit",
        "definition",
        "area",
        "source",
        "licence",
        "filename",
        "file_format",
        "code",
        "imported_at",
    )
    for name in texts:
        text = getattr(ind, name)
        if not isinstance(text, str):
            problems.append(f"das Feld „{name}“ muss Text sein")
        elif "\x00" in text:  # PostgreSQL cannot store NUL; refuse it on every backend alike
            problems.append(f"das Feld „{name}“ enthält ein unzulässiges Steuerzeichen (NUL)")
    if isinstance(ind.title, str) and not ind.title.strip():
        problems.append("der Titel fehlt")
    if isinstance(ind.area, str) and not (0 < len(ind.area.strip()) <= 60):
        problems.append("der Lebenslagenbereich fehlt oder ist länger als 60 Zeichen")
    if (
        isinstance(ind.decimals, bool)
        or not isinstance(ind.decimals, (int, np.integer))
        or not (0 <= int(ind.decimals) <= 10)
    ):
        problems.append("die Nachkommastellen müssen eine ganze Zahl von 0 bis 10 sein")
    if ind.kind not in KINDS:
        problems.append(f"die Art muss „rate“ oder „count“ sein, nicht „{ind.kind}“")
    if ind.polarity not in POLARITIES:
        problems.append(f"die Polarität muss eine von {', '.join(POLARITIES)} sein")
    if isinstance(ind.life_phases, str) or not all(p in LIFE_PHASES for p in ind.life_phases):
        problems.append(f"unbekannte Lebensphase(n), erlaubt: {', '.join(LIFE_PHASES)}")
    if ind.level not in LEVELS:
        problems.append(f"die Ebene muss „kreis“ oder „gemeinde“ sein, nicht „{ind.level}“")
    if problems:
        raise StoreError(
            f"Der eigene Indikator „{ind.id}“ kann nicht gespeichert werden: "
            + "; ".join(problems)
            + "."
        )


def _indicator_record(ind: OwnIndicator, imported_at: str) -> dict:
    return {
        "id": ind.id,
        "title": ind.title,
        "unit": ind.unit,
        "decimals": int(ind.decimals),
        "kind": ind.kind,
        "definition": ind.definition,
        "area": ind.area,
        "life_phases": ",".join(ind.life_phases),
        "polarity": ind.polarity,
        "source": ind.source,
        "licence": ind.licence,
        "filename": ind.filename,
        "file_format": ind.file_format,
        "code": ind.code,
        "level": ind.level,
        "imported_at": imported_at,
    }


def _indicator_from_row(row) -> OwnIndicator:
    return OwnIndicator(
        id=row["id"],
        title=row["title"],
        unit=row["unit"],
        decimals=int(row["decimals"]),
        kind=row["kind"],
        definition=row["definition"],
        area=row["area"],
        life_phases=tuple(p for p in row["life_phases"].split(",") if p),
        polarity=row["polarity"],
        source=row["source"],
        licence=row["licence"],
        filename=row["filename"],
        file_format=row["file_format"],
        code=row["code"],
        level=row["level"],
        imported_at=row["imported_at"],
    )


def _value_rows(indicator_id: str, values: pd.DataFrame) -> list[dict]:
    """Check the values frame and turn it into parameter rows (NaN → NULL)."""
    missing = [c for c in ("ags", "year", "value", "status") if c not in values.columns]
    if missing:
        raise StoreError(
            f"Den Werten für „{indicator_id}“ fehlen die Spalten {', '.join(missing)}."
        )
    if values.empty:
        raise StoreError(
            f"Für „{indicator_id}“ gibt es keine Werte – eine leere Datei wird nicht gespeichert."
        )
    ags = values["ags"]
    if ags.isna().any() or (ags.astype(str).str.strip() == "").any():
        raise StoreError(
            f"In den Werten für „{indicator_id}“ fehlt bei einigen Zeilen der Regionalschlüssel."
        )
    if (ags.astype(str).str.len() > 20).any():
        raise StoreError(
            f"In den Werten für „{indicator_id}“ ist ein Regionalschlüssel länger als 20 Zeichen."
        )
    try:
        year_float = pd.to_numeric(values["year"], errors="raise").astype("float64")
    except (ValueError, TypeError):
        raise StoreError(
            f"In den Werten für „{indicator_id}“ ist nicht jedes Jahr eine Zahl."
        ) from None
    if (
        year_float.isna().any()
        or (year_float % 1 != 0).any()
        or not year_float.between(1000, 9999).all()
    ):
        raise StoreError(
            f"In den Werten für „{indicator_id}“ ist nicht jedes Jahr eine vierstellige ganze Zahl."
        )
    try:
        number = pd.to_numeric(values["value"], errors="raise").astype("float64").to_numpy()
    except (ValueError, TypeError):
        raise StoreError(
            f"In den Werten für „{indicator_id}“ ist nicht jeder Wert eine Zahl (fehlende Werte "
            "bitte leer lassen)."
        ) from None
    if np.isinf(number).any():
        raise StoreError(f"In den Werten für „{indicator_id}“ stehen unendliche Werte.")
    status = values["status"].astype(object).where(values["status"].notna(), "").astype(str)
    if ags.astype(str).str.contains("\x00").any() or status.str.contains("\x00").any():
        raise StoreError(
            f"In den Werten für „{indicator_id}“ steht ein unzulässiges Steuerzeichen (NUL)."
        )
    value_list = [None if math.isnan(x) else x for x in number.tolist()]
    return [
        {"indicator_id": indicator_id, "ags": a, "year": y, "value": v, "status": s}
        for a, y, v, s in zip(
            ags.astype(str).tolist(),
            year_float.astype("int64").tolist(),
            value_list,
            status.astype(str).tolist(),
        )
    ]
