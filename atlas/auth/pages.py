"""The pages for redaktion and admin (Flask, server-rendered, no Dash, no script):

* ``GET /protokoll`` – the „Änderungsprotokoll“ (audit trail), newest first, 100 a page,
  filtered by ``?seit=JJJJ-MM-TT``, ``?aktion=…``, ``?wer=…``, ``?seite=N``; ``GET
  /protokoll.csv`` the same rows as CSV. Redaktion and admin only.
* ``GET/POST /benutzer`` – the accounts: list, add, change role, remove. Admin only; each change
  is audited with the admin as actor (:class:`atlas.store.Store`).

The logic (reading the query, filtering, paging, German rows, CSV) is in :mod:`atlas.audit`;
the routes here check the role, call it and write HTML. Every text from users (names, titles,
file names) is escaped; nothing is rendered as HTML or Markdown.
"""

from __future__ import annotations

import logging
from html import escape
from urllib.parse import urlencode

from flask import Blueprint, flash, get_flashed_messages, redirect, request

from atlas import audit
from atlas.auth import ACCOUNT_ROLES, ADMIN, EDITOR, accounts, current_user_name, may, web
from atlas.auth.passwords import MIN_LENGTH
from atlas.errors import AtlasError
from atlas.store import ACTION_LABELS

log = logging.getLogger("atlas.auth")

PROTOCOL_PATH, PROTOCOL_CSV_PATH, USERS_PATH = "/protokoll", "/protokoll.csv", "/benutzer"
ROLE_LABELS = {EDITOR: "redaktion (eigene Daten ändern)",
               ADMIN: "admin (zusätzlich Konten verwalten)"}
_HTML = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}
_TEXT = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}

admin_pages = Blueprint("admin_pages", __name__)


def _nav(role: str) -> str:
    """The header's links for a logged-in account, and its logout form."""
    name = current_user_name()
    if not name:
        return '<a class="link-light" href="/anmelden">Anmelden</a>'
    links = ['<a class="link-light" href="/">Zum Atlas</a>']
    if may(role, "change_data"):
        links.append(f'<a class="link-light" href="{PROTOCOL_PATH}">Änderungsprotokoll</a>')
    if may(role, "manage_users"):
        links.append(f'<a class="link-light" href="{USERS_PATH}">Konten</a>')
    logout = (f'<form method="post" action="{web.LOGOUT_PATH}" class="mb-0">'
              f'<input type="hidden" name="{web.CSRF_FIELD}" value="{escape(web.csrf_token())}">'
              f'<button class="btn btn-sm btn-outline-light" type="submit">Abmelden '
              f'({escape(name)})</button></form>')
    return (f'<nav aria-label="Konto" class="d-flex flex-wrap align-items-center gap-3">'
            f'{"".join(links)}{logout}</nav>')


def _page(title: str, body: str, status: int = 200, role: str = ""):
    html = web.page_html(title, body, nav=_nav(role), wide=True)
    return html, status, _HTML


def _alert(message: str, color: str = "danger") -> str:
    role = "alert" if color == "danger" else "status"
    return f'<div class="alert alert-{color}" role="{role}">{escape(message)}</div>'


def _refused(what: str, needed: str, role: str):
    """403 with a German page: who may see this and a link to log in."""
    web._log_refusal(f"{what} ohne Berechtigung")
    hint = ("Bitte mit einem passenden Konto anmelden." if role == "besucher" else
            "Bitte mit einem passenden Konto neu anmelden.")
    body = (_alert(f"Keine Berechtigung: {what} sehen nur angemeldete Konten der Rolle "
                   f"{needed}.") +
            f'<p>{escape(hint)} <a href="{web.LOGIN_PATH}">Anmelden</a> · '
            f'<a href="/">Zurück zum Atlas</a></p>')
    return _page("Keine Berechtigung", body, 403, role)


# ---------------------------------------------------------------------- /protokoll

def _filtered(query: audit.AuditQuery) -> list:
    since = query.since_utc
    entries = web._store().audit(since=since.isoformat(timespec="seconds") if since else None)
    return audit.filter_audit(entries, query)


def _filter_form(query: audit.AuditQuery) -> str:
    options = ['<option value="">alle</option>'] + [
        f'<option value="{escape(key)}"{" selected" if key == query.action else ""}>'
        f'{escape(label)}</option>' for key, label in ACTION_LABELS.items()]
    since = query.since.isoformat() if query.since else ""
    csv_link = PROTOCOL_CSV_PATH + ("?" + urlencode(query.params()) if query.params() else "")
    return f"""<form method="get" action="{PROTOCOL_PATH}" class="row g-2 align-items-end mb-3"
 aria-label="Protokoll filtern">
<div class="col-auto"><label class="form-label mb-0" for="protokoll-seit">Seit (Tag)</label>
<input class="form-control" type="date" id="protokoll-seit" name="seit" value="{escape(since)}">
</div>
<div class="col-auto"><label class="form-label mb-0" for="protokoll-aktion">Aktion</label>
<select class="form-select" id="protokoll-aktion" name="aktion">{"".join(options)}</select></div>
<div class="col-auto"><label class="form-label mb-0" for="protokoll-wer">Wer (Teil des
 Namens)</label>
<input class="form-control" id="protokoll-wer" name="wer" maxlength="{audit.ACTOR_LIMIT}"
 value="{escape(query.actor)}"></div>
<div class="col-auto"><button class="btn btn-primary" type="submit">Filtern</button>
<a class="btn btn-link" href="{PROTOCOL_PATH}">Filter zurücksetzen</a>
<a class="btn btn-outline-secondary" href="{escape(csv_link)}" download>Als CSV herunterladen
 (Excel)</a></div>
</form>"""


def _row_html(row: audit.AuditRow) -> str:
    title = f'<br><span class="text-muted">{escape(row.title)}</span>' if row.title else ""
    sha = (f'<code title="{escape(row.sha256)}" class="protokoll-sha">'
           f'{escape(row.sha_short)}</code>' if row.sha256 else "")
    return (f'<tr><th scope="row">{row.number}</th>'
            f'<td class="text-nowrap"><time datetime="{escape(row.time_iso)}">{escape(row.time)}</time></td>'
            f'<td>{escape(row.actor)}</td><td>{escape(row.action)}</td>'
            f'<td>{escape(row.kind)} <code>{escape(row.object_id)}</code>{title}</td>'
            f'<td>{escape(row.filename)}</td><td>{sha}</td><td>{escape(row.details)}</td></tr>')


def _pager(query: audit.AuditQuery, shown: audit.AuditPage) -> str:
    if shown.pages <= 1:
        return ""

    def link(page: int, text: str) -> str:
        params = query.params(page)
        href = PROTOCOL_PATH + ("?" + urlencode(params) if params else "")
        return f'<li class="page-item"><a class="page-link" href="{escape(href)}">{text}</a></li>'

    items = []
    if shown.page > 1:
        items.append(link(shown.page - 1, "Neuere Einträge"))
    items.append(f'<li class="page-item active" aria-current="page"><span class="page-link">'
                 f'Seite {shown.page} von {shown.pages}</span></li>')
    if shown.page < shown.pages:
        items.append(link(shown.page + 1, "Ältere Einträge"))
    return (f'<nav aria-label="Seiten des Protokolls"><ul class="pagination">{"".join(items)}'
            '</ul></nav>')


@admin_pages.get(PROTOCOL_PATH)
def protocol():
    role = web.effective_role()
    if not may(role, "change_data"):
        return _refused("Das Änderungsprotokoll", "„redaktion“ oder „admin“", role)
    query = audit.audit_query(request.args)
    shown = audit.page_of(_filtered(query), query.page)
    problems = [*query.problems, *([shown.problem] if shown.problem else [])]
    alerts = "".join(_alert(p) for p in problems)
    first = (shown.page - 1) * audit.PAGE_SIZE + 1
    if shown.total:
        span = f"Einträge {first}–{first + len(shown.entries) - 1} von {shown.total}"
        rows = "".join(_row_html(audit.audit_row(e)) for e in shown.entries)
        table = f"""<div class="table-responsive">
<table class="table table-sm table-striped align-top small caption-top" id="protokoll">
<caption>Änderungsprotokoll, neueste zuerst: {span} (Zeit: Europe/Berlin)</caption>
<thead><tr><th scope="col">Nr.</th><th scope="col">Zeitpunkt</th><th scope="col">Wer</th>
<th scope="col">Aktion</th><th scope="col">Objekt</th><th scope="col">Datei</th>
<th scope="col">SHA-256</th><th scope="col">Details</th></tr></thead>
<tbody>{rows}</tbody>
</table></div>"""
    else:
        table = '<p id="protokoll-leer">Keine Einträge für diese Filter.</p>'
    intro = ("<p class=\"small text-muted\">Jede Änderung eigener Daten und jede Änderung an "
             "Konten, mit Zeitpunkt, Konto, Datei und deren SHA-256-Prüfsumme. Einträge werden nie "
             "gelöscht; gelöschte und ersetzte Daten liegen 30 Tage im Papierkorb unter „Eigene "
             "Daten“.</p>")
    body = alerts + intro + _filter_form(query) + table + _pager(query, shown)
    return _page("Änderungsprotokoll", body, 400 if problems else 200, role)


@admin_pages.get(PROTOCOL_CSV_PATH)
def protocol_csv():
    role = web.effective_role()
    if not may(role, "change_data"):
        web._log_refusal("Protokoll-CSV ohne Berechtigung")
        return ("Keine Berechtigung: das Änderungsprotokoll sehen nur angemeldete Konten der "
                "Rollen „redaktion“ und „admin“. Bitte unter /anmelden anmelden.\n", 403, _TEXT)
    query = audit.audit_query(request.args)
    if query.problems:
        return "\n".join(query.problems) + "\n", 400, _TEXT
    return audit.audit_csv(_filtered(query)), 200, {
        "Content-Type": "text/csv; charset=utf-8", "Cache-Control": "no-store",
        "Content-Disposition": 'attachment; filename="aenderungsprotokoll.csv"'}


# ---------------------------------------------------------------------- /benutzer

def _csrf_input() -> str:
    return f'<input type="hidden" name="{web.CSRF_FIELD}" value="{escape(web.csrf_token())}">'


def _role_select(field_id: str, chosen: str) -> str:
    options = "".join(f'<option value="{r}"{" selected" if r == chosen else ""}>'
                      f'{escape(ROLE_LABELS[r])}</option>' for r in ACCOUNT_ROLES)
    return f'<select class="form-select form-select-sm" id="{field_id}" name="rolle">{options}' \
           '</select>'


def _user_row(user: dict, me: str, number: int) -> str:
    name = escape(user["name"])
    last = audit.local_time(user["last_login"]) if user["last_login"] else "nie"
    if user["name"] == me:
        actions = '<span class="text-muted">Ihr Konto (hier nicht änderbar)</span>'
    else:
        actions = f"""<form method="post" action="{USERS_PATH}" class="d-inline-flex gap-1
 align-items-center me-3">{_csrf_input()}
<input type="hidden" name="aktion" value="rolle"><input type="hidden" name="name" value="{name}">
<label class="visually-hidden" for="rolle-{number}">Rolle von {name}</label>
{_role_select(f"rolle-{number}", user["role"])}
<button class="btn btn-sm btn-outline-primary" type="submit"
 aria-label="Rolle von {name} ändern">Rolle ändern</button></form>
<form method="post" action="{USERS_PATH}" class="d-inline">{_csrf_input()}
<input type="hidden" name="aktion" value="loeschen"><input type="hidden" name="name" value="{name}">
<button class="btn btn-sm btn-outline-danger" type="submit"
 aria-label="Konto {name} löschen">Löschen</button></form>"""
    return (f'<tr><th scope="row">{name}</th><td>{escape(user["role"])}</td>'
            f'<td>{escape(audit.local_time(user["created_at"]))}</td><td>{escape(last)}</td>'
            f'<td>{actions}</td></tr>')


def _users_page(message: str = "", form: dict | None = None, status: int = 200):
    store, me, form = web._store(), current_user_name(), form or {}
    alerts = "".join(_alert(text, "success" if kind == "success" else "danger")
                     for kind, text in get_flashed_messages(with_categories=True))
    alerts += _alert(message) if message else ""
    rows = "".join(_user_row(u, me, n) for n, u in enumerate(store.users()))
    body = f"""{alerts}
<div class="table-responsive"><table class="table table-sm align-middle caption-top" id="konten">
<caption>Konten der Seite (Zeit: Europe/Berlin)</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Rolle</th><th scope="col">Angelegt</th>
<th scope="col">Zuletzt angemeldet</th><th scope="col">Ändern</th></tr></thead>
<tbody>{rows}</tbody></table></div>
<h2 class="h5 mt-4">Konto anlegen</h2>
<form method="post" action="{USERS_PATH}" class="col-md-6 col-lg-4">{_csrf_input()}
<input type="hidden" name="aktion" value="anlegen">
<div class="mb-2"><label class="form-label" for="neu-name">Name</label>
<input class="form-control" id="neu-name" name="name" required maxlength="40"
 autocomplete="off" value="{escape(form.get("name", ""))}" aria-describedby="neu-name-hilfe">
<div class="form-text" id="neu-name-hilfe">2 bis 40 Zeichen: Kleinbuchstaben, Ziffern, Punkt,
 Binde- oder Unterstrich.</div></div>
<div class="mb-2"><label class="form-label" for="neu-rolle">Rolle</label>
{_role_select("neu-rolle", form.get("rolle", EDITOR))}</div>
<div class="mb-2"><label class="form-label" for="neu-passwort">Passwort</label>
<input class="form-control" id="neu-passwort" name="passwort" type="password" required
 minlength="{MIN_LENGTH}" autocomplete="new-password" aria-describedby="neu-passwort-hilfe">
<div class="form-text" id="neu-passwort-hilfe">Mindestens {MIN_LENGTH} Zeichen. Das Passwort
 wird nur als Argon2-Prüfwert gespeichert und nie protokolliert.</div></div>
<div class="mb-3"><label class="form-label" for="neu-passwort2">Passwort wiederholen</label>
<input class="form-control" id="neu-passwort2" name="passwort2" type="password" required
 minlength="{MIN_LENGTH}" autocomplete="new-password"></div>
<button class="btn btn-primary" type="submit">Konto anlegen</button>
</form>
<p class="small text-muted mt-4">Jede Änderung an Konten steht im
 <a href="{PROTOCOL_PATH}?aktion=user_add">Änderungsprotokoll</a>. Das letzte Admin-Konto bleibt
 immer erhalten; das eigene Konto lässt sich hier nicht ändern (dafür „atlas user add NAME
 --role … --ersetzen“ auf dem Server).</p>"""
    return _page("Konten", body, status, ADMIN)


@admin_pages.get(USERS_PATH)
def users():
    role = web.effective_role()
    if not may(role, "manage_users"):
        return _refused("Die Konten", "„admin“", role)
    return _users_page()


def change_users(form, me: str, store) -> str:
    """Carry out one change of ``/benutzer`` (``form``: its fields) for the admin ``me``;
    return the German success message. Raises AtlasError (German) when it cannot be done;
    nothing is changed then."""
    action = form.get("aktion", "")
    name = str(form.get("name", "")).strip().lower()
    if action == "anlegen":
        password = form.get("passwort", "")
        if password != form.get("passwort2", ""):
            raise accounts.AccountError("Die beiden Passwörter stimmen nicht überein; es wurde "
                                        "nichts gespeichert.")
        role = accounts.check_role(form.get("rolle", ""))
        accounts.add_user(store, name, role, password, actor=me)
        return f"Konto „{name}“ ({role}) angelegt."
    if action not in ("rolle", "loeschen"):
        raise accounts.AccountError("Unbekannte Änderung – bitte die Seite neu laden.")
    accounts.check_name(name)
    if name == me:
        raise accounts.AccountError("Das eigene Konto lässt sich hier nicht ändern oder "
                                    "löschen – bitte ein anderes Admin-Konto verwenden.")
    if action == "rolle":
        role = accounts.check_role(form.get("rolle", ""))
        store.set_role(name, role, actor=me)
        return f"Konto „{name}“ hat jetzt die Rolle {role}."
    store.remove_user(name, actor=me)
    return f"Konto „{name}“ gelöscht."


@admin_pages.post(USERS_PATH)
def users_change():
    role = web.effective_role()
    if not may(role, "manage_users"):
        return _refused("Die Konten", "„admin“", role)
    if not web.csrf_ok(request.form.get(web.CSRF_FIELD)):
        web._log_refusal("Kontoänderung ohne CSRF-Token")
        return _users_page(web.CSRF_TEXT, status=403)
    me = current_user_name()
    try:
        done = change_users(request.form, me, web._store())
    except AtlasError as error:
        log.info("Kontoänderung abgewiesen (%s): %s", me, error)
        kept = ({"name": request.form.get("name", "")[:40], "rolle": request.form.get("rolle", "")}
                if request.form.get("aktion") == "anlegen" else None)
        return _users_page(f"Nicht geändert: {error}", kept, 400)
    log.info("Konten geändert von %r: %s", me, done)
    flash(done, "success")
    return redirect(USERS_PATH, code=303)
