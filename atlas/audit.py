"""The audit trail and the Papierkorb for people: German tables for ``atlas audit`` and
``atlas papierkorb``, the actor of the command line, and the date a planner types after
``--seit``. The rows themselves are written by :class:`atlas.store.Store` (in the transaction of
each change)."""

from __future__ import annotations

import getpass
from datetime import datetime, timezone

from atlas.errors import AtlasError
from atlas.store import OBJECT_KINDS, TRASH_REASONS, AuditEntry, TrashEntry


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
            f"{german_time(entry.expires_at)[:10]}")
