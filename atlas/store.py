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

import json
import logging
import math
import os
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pandas as pd
import shapely
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
    func,
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
from atlas.visibility import INTERNAL, parse_visibility
from atlas.visibility import LABELS as VISIBILITY_LABELS

#: File name of the embedded SQLite database in the data folder.
SQLITE_FILENAME = "eigene_daten.sqlite"
#: Environment variable with a database URL (SQLAlchemy syntax) that replaces the SQLite file.
DATABASE_URL_ENV = "ATLAS_DATABASE_URL"
#: Version of the table layout below; stored in ``atlas_meta``. Versions 1 (own indicators of
#: Kreise and Gemeinden only) and 2 (without defined indicators) are upgraded in place
#: (:func:`_upgrade`); 3 → 4 adds the audit trail and the Papierkorb (:func:`_upgrade_audit`)
#: and the accounts (:func:`_upgrade_users`); 4 → 5 the visibility of own data
#: (:func:`_upgrade_visibility`) and the shared count of failed logins
#: (:func:`_upgrade_login_failures`).
SCHEMA_VERSION = 5
#: Seconds a writer waits for another writer's lock (SQLite busy timeout).
BUSY_TIMEOUT_S = 30

BUILT_LEVELS = ("kreis", "gemeinde")
ID_RE = re.compile(r"[a-z0-9_]{2,40}")
LEVEL_ID_RE = re.compile(r"[a-z][a-z0-9_]{1,39}")
#: Longest key of an area (an own level's keys are the planner's, e.g. slugs of group names).
KEY_LENGTH = 60

_REVISION = "revision"
_SCHEMA_VERSION_KEY = "schema_version"
_PG_LOCK_KEY = 0x41544C41  # "ATLA": advisory lock serialising schema creation on PostgreSQL

_log = logging.getLogger(__name__)

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
    Column("level", String(40), nullable=False),  # "kreis", "gemeinde" or an own level's id
    Column("imported_at", String(40), nullable=False),
    # who may see it (atlas.visibility): "intern" (redaktion, admin) or "oeffentlich"
    Column("visibility", String(12), nullable=False, server_default=INTERNAL),
)

#: Own levels (:class:`OwnLevel`): a planner's areas, from a boundary file or groups of Gemeinden.
level_table = Table(
    "atlas_own_level",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("title", Text, nullable=False),
    Column("singular", Text, nullable=False),
    Column("origin", String(10), nullable=False),
    Column("gebietsstand", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("licence", Text, nullable=False),
    Column("filename", Text, nullable=False),
    Column("key_column", Text, nullable=False),
    Column("name_column", Text, nullable=False),
    Column("min_count", Integer, nullable=False),
    Column("min_denominator", Integer, nullable=False),
    Column("created_at", String(40), nullable=False),
    # who may see it (atlas.visibility): "intern" (redaktion, admin) or "oeffentlich"
    Column("visibility", String(12), nullable=False, server_default=INTERNAL),
)

area_table = Table(
    "atlas_own_area",
    metadata,
    Column("level_id", String(40), ForeignKey("atlas_own_level.id", ondelete="CASCADE"),
           primary_key=True),
    Column("key", String(KEY_LENGTH), primary_key=True),
    Column("name", Text, nullable=False),
    Column("geometry", Text, nullable=False),  # GeoJSON geometry in EPSG:4326
)

#: Which Kreise and Gemeinden an own area overlaps, by area share (atlas.levels.linkage);
#: ``member`` = 1 where a Gemeinde belongs to a group of Gemeinden by the planner's table.
link_table = Table(
    "atlas_own_link",
    metadata,
    Column("level_id", String(40), ForeignKey("atlas_own_level.id", ondelete="CASCADE"),
           primary_key=True),
    Column("key", String(KEY_LENGTH), primary_key=True),
    Column("parent_level", String(10), primary_key=True),
    Column("parent", String(20), primary_key=True),
    Column("share", Double, nullable=False),
    Column("parent_share", Double, nullable=False),
    Column("member", Integer, nullable=False),
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
    Column("ags", String(KEY_LENGTH), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("value", Double, nullable=True),  # NULL = missing (NaN), never 0
    Column("status", Text, nullable=False),
)

#: Indicators planners define from others (:mod:`atlas.composite.formulas`): rates, changes and
#: the Sozialindex. Only the definition is kept; the values are computed from the current data.
formula_table = Table(
    "atlas_own_formula",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("title", Text, nullable=False),
    Column("level", String(40), nullable=False),
    Column("parts", Text, nullable=False),  # comma-joined ids of the indicators it uses
    Column("definition", Text, nullable=False),  # JSON (atlas.composite.formulas.to_json)
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    # who may see it (atlas.visibility): "intern" (redaktion, admin) or "oeffentlich"
    Column("visibility", String(12), nullable=False, server_default=INTERNAL),
)

#: The audit trail (:class:`AuditEntry`): one row per change, written in the transaction of the
#: change itself by the Store method that makes it, so no write path can skip it.
audit_table = Table(
    "atlas_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("time", String(40), nullable=False),  # ISO timestamp (UTC)
    Column("actor", Text, nullable=False),  # user name, "cli:<OS user>", "seite", "system"
    Column("action", String(20), nullable=False),  # a key of ACTION_LABELS
    Column("object_kind", String(20), nullable=False),  # a key of OBJECT_KINDS
    Column("object_id", String(40), nullable=False),
    Column("detail", Text, nullable=False),  # JSON object
    Column("filename", Text, nullable=False),  # of the imported file, "" for none
    Column("sha256", String(64), nullable=False),  # of the imported file's bytes, "" for none
    sqlite_autoincrement=True,  # numbers are never reused (also after the newest row went)
)

#: The Papierkorb (:class:`TrashEntry`): deleted and replaced own data, complete (values,
#: description, areas, the indicators deleted with a level) as JSON, kept :data:`TRASH_DAYS` days.
trash_table = Table(
    "atlas_trash",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # "Nr." of the entry
    Column("object_kind", String(20), nullable=False),  # "indicator", "formula" or "level"
    Column("object_id", String(40), nullable=False),
    Column("reason", String(10), nullable=False),  # "delete" or "replace"
    Column("title", Text, nullable=False),
    Column("summary", Text, nullable=False),  # German, e.g. "120 Werte, Ebene kreis"
    Column("trashed_at", String(40), nullable=False),  # ISO timestamp (UTC)
    Column("actor", Text, nullable=False),
    Column("payload", Text, nullable=False),  # JSON: everything needed to restore it
    sqlite_autoincrement=True,  # an entry's number is never given to another one
)

meta_table = Table(
    "atlas_meta",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Integer, nullable=False),
)

#: Accounts of the page (:mod:`atlas.auth`): who may change own data ("redaktion") and who may
#: also manage accounts ("admin"). Only an argon2 hash of the password is kept.
user_table = Table(
    "atlas_user",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("last_login", String(40), nullable=False),  # "" = never
)

#: Settings shared by every worker and host on this store, e.g. the secret that signs the
#: session cookies (so a cookie from one worker is accepted by all).
setting_table = Table(
    "atlas_setting",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)

#: Failed logins (:mod:`atlas.auth.ratelimit`), shared by every worker and host on this store:
#: the name tried, a keyed hash of the client address (never the address itself) and the time
#: (seconds since the epoch). Rows older than the limit's window are purged by the next failure.
login_failure_table = Table(
    "atlas_login_failure",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(80), nullable=False),
    Column("address", String(64), nullable=False),  # HMAC-SHA-256 of the client address
    Column("time", Double, nullable=False),
)

VALUE_COLUMNS = ["indicator", "ags", "year", "value", "status"]

#: Days a deleted or replaced object stays in the Papierkorb; then the next write (or the next
#: start) purges it, and the purge is audited.
TRASH_DAYS = 30
#: Actor of what the store does by itself (the purge of old Papierkorb entries).
SYSTEM_ACTOR = "system"

#: Audit actions: stable key in the table → German label for display.
ACTION_LABELS = {
    "import": "Import",
    "replace": "Ersetzt (alte Fassung im Papierkorb)",
    "delete": "Gelöscht (in den Papierkorb)",
    "restore": "Wiederhergestellt",
    "level_add": "Ebene angelegt",
    "level_delete": "Ebene gelöscht (in den Papierkorb)",
    "formula_save": "Berechnung gespeichert",
    "formula_replace": "Berechnung ersetzt (alte Fassung im Papierkorb)",
    "formula_delete": "Berechnung gelöscht (in den Papierkorb)",
    "purge": "Endgültig gelöscht (Papierkorb nach 30 Tagen)",
    "visibility": "Sichtbarkeit geändert",
    "user_add": "Konto angelegt",
    "user_change": "Konto geändert (Rolle und Passwort neu)",
    "user_role": "Rolle geändert",
    "user_remove": "Konto gelöscht",
}
#: Kinds of objects in the audit trail and the Papierkorb → German label.
OBJECT_KINDS = {"indicator": "Indikator", "formula": "Berechnung", "level": "Ebene",
                "user": "Konto"}
#: Why an object is in the Papierkorb → German label.
TRASH_REASONS = {"delete": "gelöscht", "replace": "ersetzt"}


@dataclass(frozen=True)
class AuditEntry:
    """One row of the audit trail: who changed what when (see :data:`ACTION_LABELS`)."""

    id: int
    time: str  # ISO timestamp (UTC)
    actor: str
    action: str
    object_kind: str
    object_id: str
    detail: dict
    filename: str = ""
    sha256: str = ""

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


@dataclass(frozen=True)
class TrashEntry:
    """One object in the Papierkorb (without its payload)."""

    id: int  # the number to restore exactly this one (``atlas restore ID --version N``)
    object_kind: str
    object_id: str
    reason: str  # "delete" or "replace"
    title: str
    summary: str
    trashed_at: str  # ISO timestamp (UTC)
    actor: str

    @property
    def expires_at(self) -> str:
        """When it will be purged (ISO, UTC)."""
        return (datetime.fromisoformat(self.trashed_at) + timedelta(days=TRASH_DAYS)).isoformat(
            timespec="seconds")


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")

#: Called before every write transaction (:meth:`Store._write`); the web app installs a check of
#: the logged-in role here (:func:`atlas.auth.web.install`), so a write the request may not make
#: fails before anything changed, whichever callback or route reaches it. The CLI installs none.
write_guard = None


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
    level: str = "kreis"  # "kreis", "gemeinde" or the id of an own level
    imported_at: str = ""  # ISO timestamp (UTC), set by the store when empty
    visibility: str = INTERNAL  # atlas.visibility: "intern" or "oeffentlich"


#: How an own level was made: from a boundary file or as groups of Gemeinden.
ORIGINS = ("datei", "gruppen")


@dataclass(frozen=True)
class OwnLevel:
    """A planner's own level: its description (the areas are stored beside it)."""

    id: str  # [a-z][a-z0-9_]{1,39}, never "kreis" or "gemeinde"
    title: str  # plural: "Sozialräume Jena"
    singular: str = "Gebiet"  # one area: "Sozialraum"
    origin: str = "datei"  # ORIGINS
    gebietsstand: str = ""  # as the planner gave it ("01.01.2024")
    source: str = ""  # of the boundaries, shown like BKG's
    licence: str = ""
    filename: str = ""
    key_column: str = ""
    name_column: str = ""
    min_count: int = 3  # counts below are protected
    min_denominator: int = 50  # rates with a smaller denominator are not shown
    created_at: str = ""  # ISO timestamp (UTC), set by the store when empty
    visibility: str = INTERNAL  # atlas.visibility: "intern" or "oeffentlich"


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

    def __init__(self, url: str | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        """``clock``: the current time (UTC) for audit rows and the Papierkorb; tests pass a
        fixed one instead of waiting 30 days."""
        self._url = _parse_url(url) if url else default_url()
        self._is_sqlite = self._url.get_backend_name() == "sqlite"
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._pid = os.getpid()
        self._schema_ready = False
        self._clock = clock or _utc_now
        self._engine_()  # creates the tables if missing
        self.purge_trash()  # entries older than TRASH_DAYS go on start, too

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

    def add(self, indicator: OwnIndicator, values: pd.DataFrame, *, actor: str = "",
            sha256: str = "", replace_existing: bool = False) -> OwnIndicator:
        """Store an indicator and its values in one transaction (all or nothing) with its audit
        row (``actor``; the file's name from ``indicator.filename`` and ``sha256`` of its
        bytes); return the stored indicator (with its import time).

        ``values`` has the columns ``ags`` (str), ``year`` (int), ``value`` (float, NaN when
        missing) and ``status`` (str). With ``replace_existing`` an own indicator of the same id
        is replaced; its previous version goes to the Papierkorb (restorable, see
        :meth:`restore`).

        Raises
        ------
        StoreError
            The id is taken (and not ``replace_existing``, or by a defined indicator), the
            indicator description is incomplete, the values are empty, have duplicate
            (ags, year) pairs or cannot be stored.
        """
        _check_indicator(indicator)
        rows = _value_rows(indicator.id, values)
        imported_at = indicator.imported_at or _iso(self._clock())
        record = _indicator_record(indicator, imported_at)
        try:
            with self._write() as conn:
                now = self._start(conn)
                action, detail = "import", {}
                if conn.execute(select(formula_table.c.id)
                                .where(formula_table.c.id == indicator.id)).first() is not None:
                    raise _duplicate_id(indicator.id)
                if _indicator_exists(conn, indicator.id):
                    if not replace_existing:
                        raise _duplicate_id(indicator.id)
                    if not indicator.visibility:  # not given: the replaced one's
                        record["visibility"] = conn.execute(
                            select(indicator_table.c.visibility)
                            .where(indicator_table.c.id == indicator.id)).scalar_one()
                    # replaced: the old version is restorable (values, description)
                    detail["papierkorb"] = _trash_indicators(
                        conn, [indicator.id], "replace", now, actor)[0]
                    action = "replace"
                if indicator.level not in BUILT_LEVELS and not _level_exists(conn, indicator.level):
                    raise StoreError(
                        f"Die Ebene „{indicator.level}“ gibt es nicht (mehr) – bitte zuerst die "
                        "Ebene anlegen („atlas level add“ oder „Eigene Gebiete“). Es wurde nichts "
                        "gespeichert.")
                try:
                    conn.execute(insert(indicator_table), [record])
                except exc.IntegrityError:
                    raise _duplicate_id(indicator.id) from None
                try:
                    conn.execute(insert(value_table), rows)
                except exc.IntegrityError as error:
                    raise _bad_values(indicator.id, values, error) from None
                _audit(conn, now, actor, action, "indicator", indicator.id,
                       {"titel": indicator.title, "ebene": indicator.level, "werte": len(rows),
                        "reihe": indicator.code, "sichtbarkeit": record["visibility"], **detail},
                       filename=indicator.filename, sha256=sha256)
        except StoreError:
            raise
        except exc.DBAPIError as error:
            raise self._db_error("Der Indikator konnte nicht gespeichert werden", error) from None
        return replace(indicator, imported_at=imported_at)

    def delete(self, indicator_id: str, *, actor: str = "") -> int:
        """Move an own indicator with all its values, or a defined one, to the Papierkorb
        (one transaction, audited); return the number of its Papierkorb entry.

        Raises
        ------
        StoreError
            No own indicator has this id, or a defined indicator uses it.
        """
        try:
            with self._write() as conn:
                now = self._start(conn)
                _refuse_if_used(conn, [indicator_id])
                if _formula_exists(conn, indicator_id):
                    entry = _trash_formula(conn, indicator_id, "delete", now, actor)
                    _audit(conn, now, actor, "formula_delete", "formula", indicator_id,
                           {"papierkorb": entry})
                    return entry
                if not _indicator_exists(conn, indicator_id):
                    raise StoreError(
                        f"Es gibt keinen eigenen Indikator mit der Kennung „{indicator_id}“ – "
                        "vielleicht wurde er inzwischen gelöscht. Bitte die Seite neu laden."
                    )
                title = conn.execute(select(indicator_table.c.title).where(
                    indicator_table.c.id == indicator_id)).scalar_one()
                entry = _trash_indicators(conn, [indicator_id], "delete", now, actor)[0]
                _audit(conn, now, actor, "delete", "indicator", indicator_id,
                       {"papierkorb": entry, "titel": title})
                return entry
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

    # ------------------------------------------------------------------ defined indicators

    def save_formula(self, formula, replace_existing: bool = False, *, actor: str = ""):
        """Store a defined indicator (:class:`atlas.composite.formulas.Formula`, completed);
        with ``replace_existing`` an existing definition of the same id is replaced (its creation
        time kept, the previous definition restorable from the Papierkorb). Audited. Return the
        stored formula (with its times).

        Raises
        ------
        StoreError
            The id is taken (by an imported indicator, or by a definition and not
            ``replace_existing``), or the definition would use itself through another one.
        """
        from atlas.composite.formulas import to_json

        try:
            with self._write() as conn:
                now = self._start(conn)
                stamp = _iso(now)
                if _indicator_exists(conn, formula.id):
                    raise _duplicate_id(formula.id)
                old = conn.execute(select(formula_table.c.created_at, formula_table.c.visibility)
                                   .where(formula_table.c.id == formula.id)).first()
                if old is not None and not replace_existing:
                    raise StoreError(
                        f"Ein berechneter Indikator mit der Kennung „{formula.id}“ existiert "
                        "bereits – bitte eine andere Kennung wählen oder ihn ersetzen "
                        "(„--ersetzen“ bzw. „Bearbeiten“). Es wurde nichts gespeichert.")
                # visibility "" (not given): internal, or the replaced definition's
                stored = replace(formula, created_at=old[0] if old else stamp, updated_at=stamp,
                                 visibility=formula.visibility or (old[1] if old else INTERNAL))
                _refuse_cycle(conn, stored)
                record = {"id": stored.id, "kind": stored.kind, "title": stored.title,
                          "level": stored.level, "parts": ",".join(stored.parts),
                          "definition": to_json(stored), "created_at": stored.created_at,
                          "updated_at": stored.updated_at,
                          "visibility": parse_visibility(stored.visibility)}
                detail = {"titel": stored.title, "art": stored.kind, "ebene": stored.level,
                          "teile": list(stored.parts), "sichtbarkeit": record["visibility"]}
                if old is not None:
                    detail["papierkorb"] = _trash_formula(conn, stored.id, "replace", now, actor,
                                                          remove=False)
                    conn.execute(update(formula_table).where(formula_table.c.id == stored.id)
                                 .values(**record))
                else:
                    conn.execute(insert(formula_table), [record])
                _audit(conn, now, actor, "formula_replace" if old is not None else "formula_save",
                       "formula", stored.id, detail)
        except StoreError:
            raise
        except exc.DBAPIError as error:
            raise self._db_error("Die Berechnung konnte nicht gespeichert werden", error) from None
        return stored

    def formulas(self) -> list:
        """All defined indicators (:class:`atlas.composite.formulas.Formula`), oldest first;
        a stored definition this version cannot read is skipped with a warning."""
        from atlas.composite.formulas import FormulaProblem, from_json

        try:
            with self._read() as conn:
                rows = conn.execute(select(formula_table.c.id, formula_table.c.definition,
                                           formula_table.c.visibility)
                                    .order_by(formula_table.c.created_at, formula_table.c.id)
                                    ).all()
        except exc.DBAPIError as error:
            raise self._db_error("Die berechneten Indikatoren konnten nicht gelesen werden",
                                 error) from None
        out = []
        for formula_id, text, visibility in rows:
            try:
                out.append(replace(from_json(text), visibility=visibility))
            except FormulaProblem as problem:
                _log.warning("Berechnung %s nicht lesbar: %s", formula_id, problem)
        return out

    # ------------------------------------------------------------------ own levels

    def add_level(self, level: OwnLevel, areas: pd.DataFrame, links: pd.DataFrame, *,
                  actor: str = "", sha256: str = "") -> OwnLevel:
        """Store an own level with its areas and links in one transaction (all or nothing) with
        its audit row (``actor``, the file name of ``level.filename`` and ``sha256`` of its
        bytes); return the stored level (with its creation time).

        ``areas``: ``key, name, geometry`` (geometry as GeoJSON text or a shapely geometry in
        EPSG:4326); ``links``: ``key, level, parent, share, parent_share`` and optionally
        ``member`` (see :class:`atlas.levels.types.AreaSet`).

        Raises
        ------
        StoreError
            The id is taken (by an own level) or is a built level's, the description is
            incomplete, there are no areas, keys repeat, or the database fails.
        """
        _check_level(level)
        area_rows = _area_rows(level.id, areas)
        link_rows = _link_rows(level.id, links)
        created_at = level.created_at or _iso(self._clock())
        record = {**level.__dict__, "created_at": created_at,
                  "visibility": parse_visibility(level.visibility or INTERNAL)}
        try:
            with self._write() as conn:
                now = self._start(conn)
                if _level_exists(conn, level.id):
                    raise _duplicate_level(level.id)
                try:
                    conn.execute(insert(level_table), [record])
                except exc.IntegrityError:
                    raise _duplicate_level(level.id) from None
                conn.execute(insert(area_table), area_rows)
                if link_rows:
                    conn.execute(insert(link_table), link_rows)
                _audit(conn, now, actor, "level_add", "level", level.id,
                       {"titel": level.title, "herkunft": level.origin,
                        "gebiete": len(area_rows), "sichtbarkeit": record["visibility"]},
                       filename=level.filename, sha256=sha256)
        except StoreError:
            raise
        except exc.IntegrityError:
            raise StoreError(f"Die Gebiete der Ebene „{level.id}“ enthalten einen Schlüssel "
                             "mehrfach. Es wurde nichts gespeichert.") from None
        except exc.DBAPIError as error:
            raise self._db_error("Die Ebene konnte nicht gespeichert werden", error) from None
        return replace(level, created_at=created_at)

    def levels(self) -> list[OwnLevel]:
        """All own levels, oldest first (ties by id)."""
        try:
            with self._read() as conn:
                rows = conn.execute(select(level_table).order_by(
                    level_table.c.created_at, level_table.c.id)).mappings().all()
        except exc.DBAPIError as error:
            raise self._db_error("Die eigenen Ebenen konnten nicht gelesen werden", error)
        return [OwnLevel(**dict(row)) for row in rows]

    def level_areas(self) -> pd.DataFrame:
        """The areas of all own levels: ``level_id, key, name, geometry`` (GeoJSON text)."""
        return self._frame(select(area_table).order_by(area_table.c.level_id, area_table.c.key),
                           [c.name for c in area_table.columns], "Gebiete")

    def level_links(self) -> pd.DataFrame:
        """The links of all own levels' areas: ``level_id, key, parent_level, parent, share,
        parent_share, member``."""
        t = link_table.c
        return self._frame(select(link_table).order_by(t.level_id, t.key, t.parent_level,
                                                       t.parent),
                           [c.name for c in link_table.columns], "Gebietszuordnungen")

    def delete_level(self, level_id: str, with_data: bool = False, *,
                     actor: str = "") -> list[str]:
        """Move an own level with its areas to the Papierkorb (audited); return the ids of the
        own indicators moved with it (only with ``with_data``; without it a level that
        indicators use is refused). Restoring the level brings its indicators back, too.

        Raises
        ------
        StoreError
            No own level has this id, or indicators use it and ``with_data`` is false.
        """
        try:
            with self._write() as conn:
                now = self._start(conn)
                if not _level_exists(conn, level_id):
                    raise StoreError(
                        f"Es gibt keine eigene Ebene mit der Kennung „{level_id}“ – vielleicht "
                        "wurde sie inzwischen gelöscht.")
                users = [row[0] for row in conn.execute(
                    select(indicator_table.c.id).where(indicator_table.c.level == level_id)
                    .order_by(indicator_table.c.id))]
                if users and not with_data:
                    raise StoreError(
                        f"Die Ebene „{level_id}“ wird von {len(users)} eigenen Indikator(en) "
                        f"verwendet ({', '.join(users)}). Bitte diese zuerst löschen oder die "
                        "Ebene mit ihren Daten löschen („--mit-daten“). Es wurde nichts gelöscht.")
                if users:
                    _refuse_if_used(conn, users)
                entry = _trash_level(conn, level_id, users, now, actor)
                _audit(conn, now, actor, "level_delete", "level", level_id,
                       {"papierkorb": entry, "indikatoren": users})
        except StoreError:
            raise
        except exc.DBAPIError as error:
            raise self._db_error("Die Ebene konnte nicht gelöscht werden", error) from None
        return users

    # ------------------------------------------------------------------ visibility

    def set_visibility(self, object_id: str, visibility: str, *, level: bool = False,
                       actor: str = "") -> str:
        """Make an own indicator or definition (``level``: an own level) internal or public
        (:mod:`atlas.visibility`), audited; return its kind ("indicator", "formula", "level").

        Whether a visitor then sees it also depends on its parts and level
        (:func:`atlas.visibility.public_part`).

        Raises
        ------
        StoreError
            Nothing own has this id.
        """
        key = parse_visibility(visibility)
        tables = (("level", level_table),) if level else (("indicator", indicator_table),
                                                           ("formula", formula_table))
        try:
            with self._write() as conn:
                now = self._start(conn)
                for kind, table in tables:
                    old = conn.execute(select(table.c.visibility, table.c.title)
                                       .where(table.c.id == object_id)).first()
                    if old is None:
                        continue
                    conn.execute(update(table).where(table.c.id == object_id)
                                 .values(visibility=key))
                    _audit(conn, now, actor, "visibility", kind, object_id,
                           {"titel": old[1], "vorher": VISIBILITY_LABELS.get(old[0], old[0]),
                            "nachher": VISIBILITY_LABELS[key]})
                    return kind
                what = "keine eigene Ebene" if level else "keinen eigenen Indikator"
                raise StoreError(f"Es gibt {what} mit der Kennung „{str(object_id)[:40]}“. "
                                 "Es wurde nichts geändert.")
        except StoreError:
            raise
        except exc.DBAPIError as error:
            raise self._db_error("Die Sichtbarkeit konnte nicht geändert werden", error) from None

    # ------------------------------------------------------------------ audit trail and Papierkorb

    def audit(self, since: str | None = None, limit: int | None = None) -> list[AuditEntry]:
        """The audit trail, newest first; ``since``: ISO date or time (UTC), entries from then
        on; ``limit``: at most this many."""
        a = audit_table.c
        query = select(audit_table).order_by(a.id.desc())
        if since:
            query = query.where(a.time >= since)
        if limit is not None:
            query = query.limit(int(limit))
        try:
            with self._read() as conn:
                rows = conn.execute(query).mappings().all()
        except exc.DBAPIError as error:
            raise self._db_error("Das Protokoll konnte nicht gelesen werden", error) from None
        return [AuditEntry(**{**dict(row), "detail": json.loads(row["detail"] or "{}")})
                for row in rows]

    def trash(self) -> list[TrashEntry]:
        """The Papierkorb, newest first (without the stored contents)."""
        t = trash_table.c
        try:
            with self._read() as conn:
                rows = conn.execute(select(t.id, t.object_kind, t.object_id, t.reason, t.title,
                                           t.summary, t.trashed_at, t.actor)
                                    .order_by(t.id.desc())).mappings().all()
        except exc.DBAPIError as error:
            raise self._db_error("Der Papierkorb konnte nicht gelesen werden", error) from None
        return [TrashEntry(**dict(row)) for row in rows]

    def purge_trash(self, now: datetime | None = None) -> int:
        """Delete Papierkorb entries older than :data:`TRASH_DAYS` days (at ``now``, default the
        store's clock) for good, each with an audit row; return how many. Every write does this
        too, in its own transaction."""
        now = now or self._clock()
        limit = _iso(now - timedelta(days=TRASH_DAYS))
        try:
            with self._read() as conn:
                due = conn.execute(select(trash_table.c.id)
                                   .where(trash_table.c.trashed_at < limit)).first()
            if due is None:
                return 0
            with self._write() as conn:
                _bump_revision(conn)
                return _purge(conn, now)
        except exc.DBAPIError as error:
            raise self._db_error("Der Papierkorb konnte nicht geleert werden", error) from None

    def restore(self, object_id: str, entry: int | None = None, *, actor: str = "",
                replace_current: bool = False) -> TrashEntry:
        """Bring ``object_id`` back from the Papierkorb complete (the newest entry of it, or the
        entry numbered ``entry``), in one transaction with its audit row; return the entry.

        An indicator or definition whose id is in use again is refused, unless
        ``replace_current`` (then the current one goes to the Papierkorb in its place: an old
        version of a replaced indicator comes back this way). A level's indicators come back
        with it.

        Raises
        ------
        StoreError
            Nothing of that id (or number) is in the Papierkorb, the id (or an id of a level's
            indicator) is taken again, or the level an indicator needs is gone; the message says
            what to do. Nothing is changed then.
        """
        try:
            with self._write() as conn:
                now = self._start(conn)
                t = trash_table.c
                query = select(trash_table).where(t.object_id == object_id)
                if entry is not None:
                    query = query.where(t.id == int(entry))
                row = conn.execute(query.order_by(t.id.desc())).mappings().first()
                if row is None:
                    raise _not_in_trash(object_id, entry)
                payload = json.loads(row["payload"])
                kind = row["object_kind"]
                detail: dict = {"papierkorb": row["id"], "titel": row["title"]}
                if kind == "indicator":
                    replaced = self._restore_indicator(conn, payload, replace_current, now, actor)
                elif kind == "formula":
                    replaced = self._restore_formula(conn, payload, replace_current, now, actor)
                else:
                    replaced = _restore_level(conn, payload)
                if replaced is not None:
                    detail["ersetzt_papierkorb"] = replaced
                conn.execute(delete(trash_table).where(t.id == row["id"]))
                _audit(conn, now, actor, "restore", kind, object_id, detail)
                return TrashEntry(**{k: row[k] for k in TrashEntry.__dataclass_fields__})
        except StoreError:
            raise
        except exc.DBAPIError as error:
            raise self._db_error("Die Wiederherstellung ist fehlgeschlagen", error) from None

    def _restore_indicator(self, conn: Connection, payload: dict, replace_current: bool,
                           now: datetime, actor: str) -> int | None:
        record = payload["indicator"]
        ident, replaced = record["id"], None
        if _formula_exists(conn, ident):
            raise _taken_again(ident, "ein berechneter Indikator")
        if _indicator_exists(conn, ident):
            if not replace_current:
                raise _taken_again(ident, "ein eigener Indikator")
            replaced = _trash_indicators(conn, [ident], "replace", now, actor)[0]
        if record["level"] not in BUILT_LEVELS and not _level_exists(conn, record["level"]):
            raise _level_gone(ident, record["level"])
        _insert_indicator(conn, payload)
        return replaced

    def _restore_formula(self, conn: Connection, payload: dict, replace_current: bool,
                         now: datetime, actor: str) -> int | None:
        from atlas.composite.formulas import from_json

        record, replaced = payload["formula"], None
        ident = record["id"]
        if _indicator_exists(conn, ident):
            raise _taken_again(ident, "ein eigener Indikator")
        if _formula_exists(conn, ident):
            if not replace_current:
                raise _taken_again(ident, "ein berechneter Indikator")
            replaced = _trash_formula(conn, ident, "replace", now, actor)
        _refuse_cycle(conn, from_json(record["definition"]))
        conn.execute(insert(formula_table), [record])
        return replaced

    def _frame(self, query, columns: list[str], what: str) -> pd.DataFrame:
        try:
            with self._read() as conn:
                rows = conn.execute(query).all()
        except exc.DBAPIError as error:
            raise self._db_error(f"Die {what} der eigenen Ebenen konnten nicht gelesen werden",
                                 error)
        return pd.DataFrame([tuple(r) for r in rows], columns=columns)

    def _start(self, conn: Connection) -> datetime:
        """First step of every write transaction: bump the revision (serialising writers),
        purge the Papierkorb's expired entries; return the time of the change."""
        _bump_revision(conn)
        now = self._clock()
        _purge(conn, now)
        return now

    # ------------------------------------------------------------------ accounts and settings

    def users(self) -> list[dict]:
        """All accounts (name, role, password_hash, created_at, last_login), by name."""
        with self._read() as conn:
            rows = conn.execute(select(user_table).order_by(user_table.c.name)).mappings().all()
        return [dict(r) for r in rows]

    def user(self, name: str) -> dict | None:
        """The account ``name``, or None."""
        with self._read() as conn:
            row = conn.execute(select(user_table).where(user_table.c.name == name)
                               ).mappings().first()
        return dict(row) if row else None

    def add_user(self, name: str, role: str, password_hash: str,
                 replace_existing: bool = False, *, actor: str = "") -> None:
        """Store an account (a new one, or a new role and password for ``name``), in one
        transaction with its audit row (``actor``; the role, never the password or its hash)."""
        now = self._clock()
        try:
            with self._write_accounts() as conn:
                old = conn.execute(select(user_table.c.role)
                                   .where(user_table.c.name == name)).first()
                if old and not replace_existing:
                    raise StoreError(f"Das Konto „{name}“ gibt es schon.")
                if old:
                    if old[0] == "admin" and role != "admin":
                        _refuse_last_admin(conn, name)
                    conn.execute(update(user_table).where(user_table.c.name == name)
                                 .values(role=role, password_hash=password_hash))
                    _audit(conn, now, actor, "user_change", "user", name,
                           {"rolle": role, "vorher": old[0]})
                else:
                    conn.execute(insert(user_table).values(
                        name=name, role=role, password_hash=password_hash,
                        created_at=_iso(now), last_login=""))
                    _audit(conn, now, actor, "user_add", "user", name, {"rolle": role})
        except exc.DBAPIError as error:
            raise self._db_error("Das Konto konnte nicht gespeichert werden", error) from None

    def set_role(self, name: str, role: str, *, actor: str = "") -> None:
        """Give the account ``name`` the role ``role`` (audited); refuse taking the last admin's
        role away."""
        now = self._clock()
        try:
            with self._write_accounts() as conn:
                old = conn.execute(select(user_table.c.role)
                                   .where(user_table.c.name == name)).first()
                if old is None:
                    raise StoreError(f"Es gibt kein Konto „{name}“.")
                if old[0] == role:
                    return
                if old[0] == "admin":
                    _refuse_last_admin(conn, name)
                conn.execute(update(user_table).where(user_table.c.name == name)
                             .values(role=role))
                _audit(conn, now, actor, "user_role", "user", name,
                       {"rolle": role, "vorher": old[0]})
        except exc.DBAPIError as error:
            raise self._db_error("Die Rolle konnte nicht geändert werden", error) from None

    def remove_user(self, name: str, *, actor: str = "") -> None:
        """Delete the account ``name`` (audited); refuse removing the last admin."""
        now = self._clock()
        try:
            with self._write_accounts() as conn:
                row = conn.execute(select(user_table.c.role)
                                   .where(user_table.c.name == name)).first()
                if row is None:
                    raise StoreError(f"Es gibt kein Konto „{name}“.")
                if row[0] == "admin":
                    _refuse_last_admin(conn, name)
                conn.execute(delete(user_table).where(user_table.c.name == name))
                _audit(conn, now, actor, "user_remove", "user", name, {"rolle": row[0]})
        except exc.DBAPIError as error:
            raise self._db_error("Das Konto konnte nicht gelöscht werden", error) from None

    def record_login(self, name: str, password_hash: str | None = None) -> None:
        """Note a successful login (and a rehashed password, when argon2's parameters grew)."""
        values = {"last_login": _now()}
        if password_hash:
            values["password_hash"] = password_hash
        with self._write_accounts() as conn:
            conn.execute(update(user_table).where(user_table.c.name == name).values(**values))

    def shared_setting(self, key: str, make) -> str:
        """The setting ``key``; created once with ``make()`` when missing (the first of several
        processes wins, the others read its value)."""
        with self._read() as conn:
            value = conn.execute(select(setting_table.c.value)
                                 .where(setting_table.c.key == key)).scalar_one_or_none()
        if value is not None:
            return value
        with self._write_accounts() as conn:
            value = conn.execute(select(setting_table.c.value)
                                 .where(setting_table.c.key == key)).scalar_one_or_none()
            if value is None:
                value = make()
                conn.execute(insert(setting_table).values(key=key, value=value))
        return value

    def login_failures(self, name: str, address: str, since: float) -> int:
        """How many failed logins of ``name`` from ``address`` (its hash) happened after
        ``since`` (seconds since the epoch), counted over every worker and host."""
        t = login_failure_table
        with self._read() as conn:
            return conn.execute(select(func.count()).select_from(t).where(
                t.c.name == name, t.c.address == address, t.c.time > since)).scalar_one()

    def record_login_failure(self, name: str, address: str, now: float, purge_before: float
                             ) -> None:
        """Note a failed login; failures before ``purge_before`` are deleted in the same
        transaction (the table holds only the current window)."""
        t = login_failure_table
        with self._write_accounts(lock=False) as conn:
            conn.execute(delete(t).where(t.c.time < purge_before))
            conn.execute(insert(t).values(name=name[:80], address=address, time=now))

    def forget_login_failures(self, name: str, address: str | None = None) -> None:
        """Forget the failed logins of ``name`` (from ``address``; from everywhere when None):
        after a successful login."""
        t = login_failure_table
        condition = t.c.name == name
        if address is not None:
            condition = condition & (t.c.address == address)
        with self._write_accounts(lock=False) as conn:
            conn.execute(delete(t).where(condition))

    @contextmanager
    def _write_accounts(self, lock: bool = True) -> Iterator[Connection]:
        """A write transaction for accounts and settings: not own data, so no write guard (a
        login by a visitor records the login) and no new revision; PostgreSQL serialises it on
        the setting table's lock."""
        engine = self._engine_()
        with engine.connect() as conn:
            conn.execution_options(atlas_write=True)
            with conn.begin():
                if lock and engine.dialect.name == "postgresql":
                    conn.exec_driver_sql("LOCK TABLE atlas_setting IN SHARE ROW EXCLUSIVE MODE")
                yield conn

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
        if write_guard is not None:
            write_guard()  # raises (German) when the current request may not change data
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
                    version = int(present.get(_SCHEMA_VERSION_KEY, SCHEMA_VERSION))
                    if version < SCHEMA_VERSION:
                        _upgrade(conn, version)
                    else:
                        _check_version(version)
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
        if int(present[_SCHEMA_VERSION_KEY]) < SCHEMA_VERSION:
            return False  # upgraded by _ensure_schema
        _check_version(present[_SCHEMA_VERSION_KEY])
    return _SCHEMA_VERSION_KEY in present and _REVISION in present


def _upgrade(conn: Connection, version: int) -> None:
    """Bring a database of an older schema version to :data:`SCHEMA_VERSION` (in the schema
    transaction; the new tables exist already). 1 → 2: own levels; an indicator's level may be
    an own level's id and its keys an own level's (PostgreSQL enforces the columns' old widths
    of 10 and 20)."""
    if version == 1 and conn.dialect.name == "postgresql":  # 2 → 3: only the new formula table
        conn.exec_driver_sql("ALTER TABLE atlas_own_indicator ALTER COLUMN level TYPE VARCHAR(40)")
        conn.exec_driver_sql(f"ALTER TABLE atlas_own_value ALTER COLUMN ags TYPE "
                             f"VARCHAR({KEY_LENGTH})")
    if version < 4:
        _upgrade_audit(conn)
        _upgrade_users(conn)
    if version < 5:
        _upgrade_visibility(conn)
        _upgrade_login_failures(conn)
    conn.execute(update(meta_table).where(meta_table.c.key == _SCHEMA_VERSION_KEY)
                 .values(value=SCHEMA_VERSION))


def _upgrade_audit(conn: Connection) -> None:
    """3 → 4 (audit trail and Papierkorb): only new tables (created by :meth:`Store._ensure_schema`
    before; here again so that this step stands on its own). All stored data is kept as it is."""
    for table in (audit_table, trash_table):
        conn.execute(CreateTable(table, if_not_exists=True))


def _upgrade_users(conn: Connection) -> None:
    """3 → 4: the accounts. Their tables (``atlas_user``, ``atlas_setting``) are new and were
    created empty with the others; the first admin is made by ``atlas serve``
    (:func:`atlas.auth.accounts.ensure_first_admin`). Nothing else changes."""
    for table in (user_table, setting_table):
        conn.execute(CreateTable(table, if_not_exists=True))


def _upgrade_visibility(conn: Connection) -> None:
    """4 → 5: who may see own data (:mod:`atlas.visibility`). Indicators, levels and
    definitions stored before are *internal* (seen only by redaktion and admin) until someone
    makes them public (``atlas sichtbarkeit ID oeffentlich`` or „Eigene Daten“): nothing becomes
    public by an upgrade."""
    for table in (indicator_table, level_table, formula_table):
        columns = {c["name"] for c in inspect(conn).get_columns(table.name)}
        if "visibility" not in columns:
            conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN visibility VARCHAR(12) "
                                 f"NOT NULL DEFAULT '{INTERNAL}'")


def _upgrade_login_failures(conn: Connection) -> None:
    """4 → 5: the failed logins shared by all workers and hosts (``atlas_login_failure``, new
    and empty; created with the others, here again so that this step stands on its own)."""
    conn.execute(CreateTable(login_failure_table, if_not_exists=True))


def _now() -> str:
    return _iso(_utc_now())


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


def _indicator_exists(conn: Connection, indicator_id: str) -> bool:
    return conn.execute(select(indicator_table.c.id)
                        .where(indicator_table.c.id == indicator_id)).first() is not None


def _formula_exists(conn: Connection, formula_id: str) -> bool:
    return conn.execute(select(formula_table.c.id)
                        .where(formula_table.c.id == formula_id)).first() is not None


def _audit(conn: Connection, now: datetime, actor: str, action: str, kind: str, object_id: str,
           detail: dict | None = None, filename: str = "", sha256: str = "") -> None:
    """One audit row, in the caller's transaction (see :data:`audit_table`)."""
    conn.execute(insert(audit_table), [{
        "time": _iso(now), "actor": str(actor or "unbekannt")[:200], "action": action,
        "object_kind": kind, "object_id": object_id,
        "detail": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
        "filename": filename or "", "sha256": sha256 or ""}])


def _refuse_last_admin(conn: Connection, name: str) -> None:
    """Refuse a change that would leave the store without an admin (``name`` is one now)."""
    admins = conn.execute(select(user_table.c.name).where(user_table.c.role == "admin")).all()
    if len(admins) <= 1:
        raise StoreError(f"„{name}“ ist das letzte Admin-Konto und bleibt Admin; zuerst ein "
                         "anderes mit „atlas user add NAME --role admin“ anlegen.")


def _put_in_trash(conn: Connection, kind: str, object_id: str, reason: str, title: str,
                  summary: str, payload: dict, now: datetime, actor: str) -> int:
    result = conn.execute(insert(trash_table).values(
        object_kind=kind, object_id=object_id, reason=reason, title=title, summary=summary,
        trashed_at=_iso(now), actor=str(actor or "unbekannt")[:200],
        payload=json.dumps(payload, ensure_ascii=False)))
    return int(result.inserted_primary_key[0])


def _indicator_payload(conn: Connection, indicator_id: str) -> dict:
    """An own indicator complete: its row and all its values (missing ones as null)."""
    record = dict(conn.execute(select(indicator_table).where(
        indicator_table.c.id == indicator_id)).mappings().one())
    v = value_table.c
    values = [list(row) for row in conn.execute(
        select(v.ags, v.year, v.value, v.status).where(v.indicator_id == indicator_id)
        .order_by(v.ags, v.year))]
    return {"indicator": record, "values": values}


def _insert_indicator(conn: Connection, payload: dict) -> None:
    record = payload["indicator"]
    conn.execute(insert(indicator_table), [record])
    if payload["values"]:
        conn.execute(insert(value_table), [
            {"indicator_id": record["id"], "ags": a, "year": y, "value": x, "status": st}
            for a, y, x, st in payload["values"]])


def _remove_indicators(conn: Connection, ids: list[str]) -> None:
    conn.execute(delete(value_table).where(value_table.c.indicator_id.in_(ids)))
    conn.execute(delete(indicator_table).where(indicator_table.c.id.in_(ids)))


def _trash_indicators(conn: Connection, ids: list[str], reason: str, now: datetime,
                      actor: str) -> list[int]:
    """Move own indicators (values and description) to the Papierkorb; their entry numbers."""
    entries = []
    for ident in ids:
        payload = _indicator_payload(conn, ident)
        record = payload["indicator"]
        entries.append(_put_in_trash(
            conn, "indicator", ident, reason, record["title"],
            f"{len(payload['values'])} Werte, Ebene {record['level']}, aus {record['filename']}",
            payload, now, actor))
    _remove_indicators(conn, ids)
    return entries


def _trash_formula(conn: Connection, formula_id: str, reason: str, now: datetime, actor: str,
                   remove: bool = True) -> int:
    """Put a definition in the Papierkorb (and, with ``remove``, delete it); its entry number."""
    record = dict(conn.execute(select(formula_table).where(
        formula_table.c.id == formula_id)).mappings().one())
    entry = _put_in_trash(conn, "formula", formula_id, reason, record["title"],
                          f"Berechnung aus {record['parts'].replace(',', ', ')}",
                          {"formula": record}, now, actor)
    if remove:
        conn.execute(delete(formula_table).where(formula_table.c.id == formula_id))
    return entry


def _trash_level(conn: Connection, level_id: str, indicator_ids: list[str], now: datetime,
                 actor: str) -> int:
    """Move an own level (description, areas, links) and the own indicators on it to the
    Papierkorb as one entry; its number."""
    record = dict(conn.execute(select(level_table).where(
        level_table.c.id == level_id)).mappings().one())
    areas = [dict(r) for r in conn.execute(select(area_table).where(
        area_table.c.level_id == level_id).order_by(area_table.c.key)).mappings()]
    links = [dict(r) for r in conn.execute(select(link_table).where(
        link_table.c.level_id == level_id)).mappings()]
    indicators = [_indicator_payload(conn, ident) for ident in indicator_ids]
    summary = f"{len(areas)} Gebiete" + (
        f", mit {len(indicators)} Indikator(en): {', '.join(indicator_ids)}" if indicators else "")
    entry = _put_in_trash(conn, "level", level_id, "delete", record["title"], summary,
                          {"level": record, "areas": areas, "links": links,
                           "indicators": indicators}, now, actor)
    if indicator_ids:
        _remove_indicators(conn, indicator_ids)
    conn.execute(delete(link_table).where(link_table.c.level_id == level_id))
    conn.execute(delete(area_table).where(area_table.c.level_id == level_id))
    conn.execute(delete(level_table).where(level_table.c.id == level_id))
    return entry


def _restore_level(conn: Connection, payload: dict) -> None:
    record = payload["level"]
    if _level_exists(conn, record["id"]):
        raise StoreError(
            f"Die Ebene „{record['id']}“ kann nicht wiederhergestellt werden: eine eigene Ebene "
            "dieser Kennung gibt es inzwischen wieder. Bitte diese zuerst löschen („atlas level "
            "delete“ bzw. „Eigene Gebiete“) und dann erneut wiederherstellen. Es wurde nichts "
            "geändert.")
    taken = [p["indicator"]["id"] for p in payload["indicators"]
             if _indicator_exists(conn, p["indicator"]["id"])
             or _formula_exists(conn, p["indicator"]["id"])]
    if taken:
        raise StoreError(
            f"Die Ebene „{record['id']}“ kann nicht wiederhergestellt werden: die Kennung(en) "
            f"{', '.join(taken)} ihrer Indikatoren sind inzwischen wieder vergeben. Bitte diese "
            "zuerst löschen und dann erneut wiederherstellen. Es wurde nichts geändert.")
    conn.execute(insert(level_table), [record])
    conn.execute(insert(area_table), payload["areas"])
    if payload["links"]:
        conn.execute(insert(link_table), payload["links"])
    for indicator in payload["indicators"]:
        _insert_indicator(conn, indicator)
    return None


def _purge(conn: Connection, now: datetime) -> int:
    """Delete Papierkorb entries older than TRASH_DAYS for good, each audited (``system``)."""
    limit = _iso(now - timedelta(days=TRASH_DAYS))
    t = trash_table.c
    due = conn.execute(select(t.id, t.object_kind, t.object_id, t.title, t.trashed_at)
                       .where(t.trashed_at < limit).order_by(t.id)).all()
    for entry, kind, object_id, title, trashed_at in due:
        conn.execute(delete(trash_table).where(t.id == entry))
        _audit(conn, now, SYSTEM_ACTOR, "purge", kind, object_id,
               {"papierkorb": entry, "titel": title, "geloescht_am": trashed_at})
    return len(due)


def _not_in_trash(object_id: str, entry: int | None) -> StoreError:
    which = f" mit der Nummer {entry}" if entry is not None else ""
    return StoreError(
        f"Im Papierkorb liegt nichts mit der Kennung „{object_id}“{which} – vielleicht schon "
        f"wiederhergestellt oder nach {TRASH_DAYS} Tagen endgültig gelöscht. Den Inhalt zeigt "
        "„atlas papierkorb“.")


def _taken_again(object_id: str, what: str) -> StoreError:
    return StoreError(
        f"„{object_id}“ kann nicht wiederhergestellt werden: die Kennung trägt inzwischen "
        f"{what}. Bitte diesen zuerst löschen („atlas delete {object_id}“) oder die jetzige "
        f"Fassung ersetzen („atlas restore {object_id} --ersetzen“; sie kommt dann in den "
        "Papierkorb). Es wurde nichts geändert.")


def _level_gone(object_id: str, level_id: str) -> StoreError:
    return StoreError(
        f"„{object_id}“ kann nicht wiederhergestellt werden: die eigene Ebene „{level_id}“, auf "
        f"der er liegt, gibt es nicht mehr. Bitte zuerst die Ebene wiederherstellen („atlas "
        f"restore {level_id}“) oder neu anlegen. Es wurde nichts geändert.")


def _level_exists(conn: Connection, level_id: str) -> bool:
    return conn.execute(select(level_table.c.id).where(level_table.c.id == level_id)).first() \
        is not None


def _duplicate_level(level_id: str) -> StoreError:
    return StoreError(
        f"Eine eigene Ebene mit der Kennung „{level_id}“ existiert bereits – bitte eine andere "
        "Kennung wählen oder die vorhandene zuerst löschen („atlas level delete“). Es wurde "
        "nichts gespeichert.")


def _check_level(level: OwnLevel) -> None:
    problems: list[str] = []
    if not isinstance(level.id, str) or not LEVEL_ID_RE.fullmatch(level.id):
        problems.append(f"die Kennung „{level.id}“ muss mit einem Kleinbuchstaben beginnen und "
                        "darf nur a–z, Ziffern und _ enthalten (2 bis 40 Zeichen)")
    elif level.id in BUILT_LEVELS + ("kreise", "gemeinden"):
        problems.append(f"„{level.id}“ ist der Name einer eingebauten Ebene")
    for name in ("title", "singular", "origin", "gebietsstand", "source", "licence", "filename",
                 "key_column", "name_column", "created_at"):
        text = getattr(level, name)
        if not isinstance(text, str):
            problems.append(f"das Feld „{name}“ muss Text sein")
        elif "\x00" in text:
            problems.append(f"das Feld „{name}“ enthält ein unzulässiges Steuerzeichen (NUL)")
    if isinstance(level.title, str) and not level.title.strip():
        problems.append("der Titel fehlt")
    if level.origin not in ORIGINS:
        problems.append(f"die Herkunft muss „datei“ oder „gruppen“ sein, nicht „{level.origin}“")
    for name, low in (("min_count", 1), ("min_denominator", 1)):
        number = getattr(level, name)
        if isinstance(number, bool) or not isinstance(number, (int, np.integer)) or number < low:
            problems.append(f"„{name}“ muss eine ganze Zahl ab {low} sein")
    if problems:
        raise StoreError(f"Die eigene Ebene „{level.id}“ kann nicht gespeichert werden: "
                         + "; ".join(problems) + ". Es wurde nichts gespeichert.")


def _area_rows(level_id: str, areas: pd.DataFrame) -> list[dict]:
    if areas is None or len(areas) == 0:
        raise StoreError(f"Die Ebene „{level_id}“ hat keine Gebiete. Es wurde nichts gespeichert.")
    rows = []
    for key, name, geometry in zip(areas["key"], areas["name"], areas["geometry"]):
        key, name = str(key), str(name)
        if not key.strip() or len(key) > KEY_LENGTH or "\x00" in key + name:
            raise StoreError(f"Die Ebene „{level_id}“ hat einen leeren, zu langen (über "
                             f"{KEY_LENGTH} Zeichen) oder unzulässigen Schlüssel "
                             f"(„{key[:80]}“). Es wurde nichts gespeichert.")
        text = geometry if isinstance(geometry, str) else shapely.to_geojson(geometry)
        rows.append({"level_id": level_id, "key": key, "name": name, "geometry": text})
    return rows


def _link_rows(level_id: str, links: pd.DataFrame) -> list[dict]:
    if links is None or len(links) == 0:
        return []
    member = links["member"] if "member" in links else pd.Series(0, index=links.index)
    return [{"level_id": level_id, "key": str(k), "parent_level": str(lv), "parent": str(p),
             "share": float(sh), "parent_share": float(ps), "member": int(bool(m))}
            for k, lv, p, sh, ps, m in zip(links["key"], links["level"], links["parent"],
                                           links["share"], links["parent_share"], member)]


def _users(conn: Connection) -> dict[str, list[str]]:
    """id of an indicator → the defined indicators that use it."""
    out: dict[str, list[str]] = {}
    for formula_id, parts in conn.execute(select(formula_table.c.id, formula_table.c.parts)):
        for part in filter(None, str(parts).split(",")):
            out.setdefault(part, []).append(formula_id)
    return out


def _refuse_if_used(conn: Connection, ids: list[str]) -> None:
    """A German StoreError when a defined indicator uses one of ``ids`` (deleting it would leave
    that definition without a part): nothing is lost by one click."""
    users = _users(conn)
    used = {i: users[i] for i in ids if users.get(i)}
    if used:
        listing = "; ".join(f"„{i}“ von {', '.join(sorted(u))}" for i, u in used.items())
        raise StoreError(f"Wird noch verwendet: {listing}. Bitte zuerst die berechneten "
                         "Indikatoren löschen oder ändern. Es wurde nichts gelöscht.")


def _refuse_cycle(conn: Connection, formula) -> None:
    parts = {fid: str(p).split(",") for fid, p in
             conn.execute(select(formula_table.c.id, formula_table.c.parts))}
    parts[formula.id] = list(formula.parts)
    seen, todo = set(), list(formula.parts)
    while todo:
        current = todo.pop()
        if current == formula.id:
            raise StoreError(f"„{formula.id}“ würde sich über einen anderen berechneten "
                             "Indikator selbst verwenden. Es wurde nichts gespeichert.")
        if current not in seen:
            seen.add(current)
            todo.extend(parts.get(current, []))


def _duplicate_id(indicator_id: str) -> StoreError:
    return StoreError(
        f"Ein eigener Indikator mit der Kennung „{indicator_id}“ existiert bereits – bitte eine "
        "andere Kennung wählen, den vorhandenen zuerst löschen oder ihn ersetzen („atlas "
        "import … --ersetzen“; die bisherige Fassung bleibt im Papierkorb)."
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
    if not isinstance(ind.level, str) or not (ind.level in BUILT_LEVELS
                                              or LEVEL_ID_RE.fullmatch(ind.level)):
        problems.append(f"die Ebene „{ind.level}“ ist weder „kreis“, „gemeinde“ noch die Kennung "
                        "einer eigenen Ebene")
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
        # "" (not given): internal, or the replaced indicator's (Store.add)
        "visibility": parse_visibility(ind.visibility) if ind.visibility else INTERNAL,
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
        visibility=row["visibility"],
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
    if (ags.astype(str).str.len() > KEY_LENGTH).any():
        raise StoreError(
            f"In den Werten für „{indicator_id}“ ist ein Regionalschlüssel länger als "
            f"{KEY_LENGTH} Zeichen."
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
