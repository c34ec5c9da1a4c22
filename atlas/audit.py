"""The audit trail and the Papierkorb for people: German tables for ``atlas audit`` and
``atlas papierkorb``, the actor of the command line, and the date a planner types after
``--seit``; for the page „Änderungsprotokoll“ (``/protokoll``, :mod:`atlas.auth.pages`) the
reading of its query string, the filter, the pages of 100, the German rows and the CSV file.
The rows themselves are written by :class:`atlas.store.Store` (in the transaction of each
change)."""

from __future__ import annotations

import csv
import getpass
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from atlas.errors import AtlasError
from atlas.store import ACTION_LABELS, OBJECT_KINDS, TRASH_REASONS, AuditEntry, TrashEntry
from atlas.visibility import label as visibility_label


class AuditInputError(AtlasError):
    """A date or number given to ``atlas audit`` that cannot be read (German message)."""


def cli_actor() -> str:
    """Who changes data on the command line: ``cli:<login name of the OS user>``."""
    try:
        return "cli:" + getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no LOGNAME/USER (e.g. a bare container)
        return "cli:unbekannt"


def parse_since(text: str) -> str:
    """The ISO start (UTC) of ``--seit``: ``TT.MM.JJJJ`` or ``JJJJ-MM-TT`` (optionally with a
    time ``HH:MM``); an :class:`AuditInputError` naming the accepted forms otherwise."""
    raw = (text or "").strip()
    for form in ("%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            moment = datetime.strptime(raw, form)
        except ValueError:
            continue
        return moment.replace(tzinfo=timezone.utc).isoformat(timespec="seconds")
    raise AuditInputError(f"„{raw[:40]}“ ist kein Datum – bitte als TT.MM.JJJJ (z. B. 01.12.2026) "
                          "oder JJJJ-MM-TT angeben, optional mit Uhrzeit HH:MM (UTC).")


def german_time(iso: str) -> str:
    """``2026-12-07T09:03:00+00:00`` → ``07.12.2026 09:03``."""
    try:
        return datetime.fromisoformat(iso).astimezone(timezone.utc).strftime("%d.%m.%Y %H:%M")
    except ValueError:
        return iso


def _object(kind: str, object_id: str) -> str:
    return f"{OBJECT_KINDS.get(kind, kind)} {object_id}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()
             for r in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def audit_table(entries: list[AuditEntry]) -> str:
    """The audit trail as a German text table, in the given order (newest first)."""
    if not entries:
        return "Keine Einträge im Protokoll."
    rows = []
    for e in entries:
        file = e.filename + (f" (SHA-256 {e.sha256})" if e.sha256 else "")
        rows.append([str(e.id), german_time(e.time), e.actor, e.action_label,
                     _object(e.object_kind, e.object_id), file])
    return _table(["Nr.", "Zeit (UTC)", "Wer", "Aktion", "Objekt", "Datei"], rows)


def trash_table(entries: list[TrashEntry]) -> str:
    """The Papierkorb as a German text table (with the command that restores each entry)."""
    if not entries:
        return "Der Papierkorb ist leer."
    rows = [[str(e.id), _object(e.object_kind, e.object_id), e.title,
             TRASH_REASONS.get(e.reason, e.reason) + " am " + german_time(e.trashed_at),
             e.actor, german_time(e.expires_at), e.summary] for e in entries]
    return (_table(["Nr.", "Objekt", "Titel", "Wann", "Wer", "Löschung endgültig am", "Inhalt"],
                   rows)
            + "\n\nZurückholen: atlas restore KENNUNG (die jüngste Fassung) oder "
              "atlas restore KENNUNG --version NR (genau diese; die jetzige kommt dann in den "
              "Papierkorb).")


def trash_label(entry: TrashEntry) -> str:
    """One line of the page's Papierkorb list."""
    return (f"{entry.title} ({_object(entry.object_kind, entry.object_id)}) – "
            f"{TRASH_REASONS.get(entry.reason, entry.reason)} am {german_time(entry.trashed_at)} UTC "
            f"von {entry.actor}; {entry.summary}; endgültig gelöscht am "
            f"{german_time(entry.expires_at)[:10]}"
            + ("; „Wiederherstellen“ holt diese Fassung zurück, die jetzige kommt dann in den "
               "Papierkorb" if entry.reason == "replace" else ""))


# ---------------------------------------------------------------------- the page /protokoll

#: Local time of the page (the audit rows are kept in UTC).
LOCAL_TIME = ZoneInfo("Europe/Berlin")
#: Entries per page of ``/protokoll``.
PAGE_SIZE = 100
#: Longest text accepted for the filter „Wer“.
ACTOR_LIMIT = 200
#: Digits of a SHA-256 shown in the table (the whole one is in its title and in the CSV file).
SHA_SHORT = 12
#: Keys of an audit row's details → German label, in the order shown (``titel`` is shown with
#: the object; ``papierkorb`` depends on the action, :func:`detail_text`).
DETAIL_LABELS = {
    "ebene": "Ebene", "art": "Art", "reihe": "Reihe", "werte": "Werte", "gebiete": "Gebiete",
    "herkunft": "Herkunft", "indikatoren": "mit Indikatoren", "rolle": "Rolle",
    "teile": "Teile", "sichtbarkeit": "Sichtbarkeit", "vorher": "vorher", "nachher": "nachher",
    "papierkorb": "in den Papierkorb: Nr.",
    "ersetzt_papierkorb": "die ersetzte Fassung in den Papierkorb: Nr.",
    "geloescht_am": "gelöscht am",
}
#: The Papierkorb entry of an audit row, by action (default: where the old version went).
_TRASH_LABELS = {"restore": "aus dem Papierkorb: Nr.", "purge": "Papierkorb-Nr."}


@dataclass(frozen=True)
class AuditQuery:
    """The filters of ``/protokoll`` as read from its query string; ``problems``: German
    messages about values that could not be read (those filters are not applied)."""

    since: date | None = None  # local date (Europe/Berlin): entries from its start on
    action: str = ""  # a key of ACTION_LABELS, "" for all
    actor: str = ""  # part of „Wer“ (case ignored), "" for all
    page: int = 1
    problems: tuple[str, ...] = ()

    @property
    def since_utc(self) -> datetime | None:
        """The start of :attr:`since` (midnight in Berlin) in UTC."""
        if self.since is None:
            return None
        return datetime.combine(self.since, time(), LOCAL_TIME).astimezone(timezone.utc)

    def params(self, page: int | None = None) -> dict[str, str]:
        """The query string of these filters (for links to other pages and the CSV file)."""
        out = {}
        if self.since:
            out["seit"] = self.since.isoformat()
        if self.action:
            out["aktion"] = self.action
        if self.actor:
            out["wer"] = self.actor
        if page and page > 1:
            out["seite"] = str(page)
        return out


def _local_date(raw: str) -> date:
    for form in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            moment = datetime.strptime(raw, form).date()
        except ValueError:
            continue
        if moment.year < 1900:  # also keeps the conversion to UTC inside datetime's range
            break
        return moment
    raise ValueError(raw)


def audit_query(args: Mapping[str, str]) -> AuditQuery:
    """The filters of ``/protokoll`` from its query string (``seit``, ``aktion``, ``wer``,
    ``seite``); a value that cannot be read becomes a German problem, never an exception."""
    problems = []
    since, action, actor, page = None, "", "", 1
    raw_since = str(args.get("seit") or "").strip()
    if raw_since:
        try:
            since = _local_date(raw_since)
        except ValueError:
            problems.append(f"„seit“: „{raw_since[:40]}“ ist kein Datum – bitte als JJJJ-MM-TT "
                            "(z. B. 2026-12-01) oder TT.MM.JJJJ angeben. Der Filter wurde nicht "
                            "angewandt.")
    raw_action = str(args.get("aktion") or "").strip()
    if raw_action in ACTION_LABELS:
        action = raw_action
    elif raw_action:
        problems.append(f"„aktion“: „{raw_action[:40]}“ gibt es nicht; möglich: "
                        f"{', '.join(ACTION_LABELS)}. Der Filter wurde nicht angewandt.")
    raw_actor = str(args.get("wer") or "").strip()
    if len(raw_actor) > ACTOR_LIMIT:
        problems.append(f"„wer“: höchstens {ACTOR_LIMIT} Zeichen. Der Filter wurde nicht "
                        "angewandt.")
    else:
        actor = raw_actor
    raw_page = str(args.get("seite") or "").strip()
    if raw_page:
        if raw_page.isascii() and raw_page.isdigit() and 0 < int(raw_page) < 10**9:
            page = int(raw_page)
        else:
            problems.append(f"„seite“: „{raw_page[:40]}“ ist keine Seitenzahl (1, 2, 3 …). "
                            "Gezeigt wird Seite 1.")
    return AuditQuery(since, action, actor, page, tuple(problems))


def _utc(iso: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def filter_audit(entries: list[AuditEntry], query: AuditQuery) -> list[AuditEntry]:
    """The entries the query's filters let through, in their order (newest first)."""
    start, who = query.since_utc, query.actor.casefold()
    out = []
    for entry in entries:
        if start is not None and not ((moment := _utc(entry.time)) and moment >= start):
            continue
        if query.action and entry.action != query.action:
            continue
        if who and who not in entry.actor.casefold():
            continue
        out.append(entry)
    return out


@dataclass(frozen=True)
class AuditPage:
    """One page of the filtered audit trail."""

    entries: list[AuditEntry]
    page: int  # the page shown (1 …)
    pages: int  # how many pages there are (at least 1)
    total: int  # entries after filtering
    problem: str = ""  # German: the page asked for does not exist


def page_of(entries: list[AuditEntry], page: int, size: int = PAGE_SIZE) -> AuditPage:
    """Page ``page`` (1 …) of ``entries``; a page past the end shows the last one, saying so."""
    pages = max(1, -(-len(entries) // size))
    problem = ""
    if page > pages:
        problem = (f"Seite {page} gibt es nicht – das Protokoll hat mit diesen Filtern "
                   f"{pages} Seite{'n' if pages > 1 else ''}. Gezeigt wird die letzte.")
        page = pages
    start = (page - 1) * size
    return AuditPage(entries[start:start + size], page, pages, len(entries), problem)


def local_time(iso: str) -> str:
    """``2026-12-07T09:03:05+00:00`` → ``07.12.2026 10:03:05`` (Europe/Berlin)."""
    moment = _utc(iso)
    if moment is None:
        return str(iso)
    return moment.astimezone(LOCAL_TIME).strftime("%d.%m.%Y %H:%M:%S")


def _detail_value(key: str, value) -> str:
    if key == "geloescht_am" and isinstance(value, str):
        return local_time(value)
    if key == "sichtbarkeit":
        return visibility_label(str(value))
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "keine"
    return str(value)


def detail_text(detail: dict, action: str = "") -> str:
    """An audit row's details in German, e.g. ``Ebene: kreis; Werte: 22; in den Papierkorb:
    Nr. 3`` (never a password: the store writes none)."""
    order = list(DETAIL_LABELS)
    keys = sorted((k for k in detail if k != "titel"),
                  key=lambda k: (order.index(k) if k in order else len(order), k))
    parts = []
    for key in keys:
        label = (_TRASH_LABELS.get(action, DETAIL_LABELS[key]) if key == "papierkorb"
                 else DETAIL_LABELS.get(key, key))
        separator = " " if label.endswith("Nr.") else ": "
        parts.append(f"{label}{separator}{_detail_value(key, detail[key])}")
    return "; ".join(parts)


@dataclass(frozen=True)
class AuditRow:
    """One audit entry as the page and the CSV file show it (all plain text)."""

    number: int
    time: str  # local, German
    time_iso: str  # as stored (UTC)
    actor: str
    action: str  # German label
    kind: str  # German label of the object's kind
    object_id: str
    title: str
    filename: str
    sha256: str
    details: str

    @property
    def sha_short(self) -> str:
        return self.sha256[:SHA_SHORT] + "…" if len(self.sha256) > SHA_SHORT else self.sha256


def audit_row(entry: AuditEntry) -> AuditRow:
    """The German row of one audit entry."""
    title = entry.detail.get("titel", "") if isinstance(entry.detail, dict) else ""
    return AuditRow(entry.id, local_time(entry.time), entry.time, entry.actor,
                    entry.action_label, OBJECT_KINDS.get(entry.object_kind, entry.object_kind),
                    entry.object_id, str(title), entry.filename, entry.sha256,
                    detail_text(entry.detail if isinstance(entry.detail, dict) else {},
                                entry.action))


CSV_HEADER = ["Nr.", "Zeitpunkt (Europe/Berlin)", "Wer", "Aktion", "Objektart", "Kennung",
              "Titel", "Datei", "SHA-256", "Details"]


def audit_csv(entries: list[AuditEntry]) -> bytes:
    """The entries as CSV for German Excel (``;``, UTF-8 with BOM, CRLF), newest first, the
    SHA-256 whole; text cells that look like formulas are neutralised."""
    from atlas.text import neutralise

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_HEADER)
    for row in map(audit_row, entries):
        writer.writerow([row.number, row.time, *(neutralise(text) for text in (
            row.actor, row.action, row.kind, row.object_id, row.title, row.filename,
            row.sha256, row.details))])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
