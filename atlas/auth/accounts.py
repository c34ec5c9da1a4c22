"""Accounts in the store: add, list, remove, check a login, and the first admin."""

from __future__ import annotations

import os
import re

from atlas.auth import ACCOUNT_ROLES, ADMIN
from atlas.auth.passwords import (
    hash_password,
    needs_rehash,
    one_time_password,
    password_problem,
    verify,
)
from atlas.store import Store, StoreError

NAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
#: Environment variable with the first admin's password (``atlas serve`` on a fresh store).
ADMIN_PASSWORD_ENV = "ATLAS_ADMIN_PASSWORD"
FIRST_ADMIN = "admin"


class AccountError(StoreError):
    """An account could not be made or changed (German message)."""


def check_name(name: str) -> str:
    """``name`` as an account name, or AccountError saying what is allowed."""
    if not NAME_RE.fullmatch(name or ""):
        raise AccountError(f"Der Kontoname „{name[:40]}“ ist ungültig: 2 bis 40 Zeichen, "
                           "Kleinbuchstaben, Ziffern, Punkt, Binde- oder Unterstrich, beginnend "
                           "mit Buchstabe oder Ziffer.")
    return name


def check_role(role: str) -> str:
    """``role`` as an account's role, or AccountError naming the possible ones."""
    if role not in ACCOUNT_ROLES:
        raise AccountError(f"Unbekannte Rolle „{str(role)[:40]}“; möglich: "
                           f"{', '.join(ACCOUNT_ROLES)}.")
    return role


def add_user(store: Store, name: str, role: str, password: str,
             replace_existing: bool = False, *, actor: str = "") -> None:
    """Create the account ``name`` (or give it a new role and password), audited with
    ``actor`` (``cli:<OS user>`` on the command line, the admin's name in the page)."""
    check_name(name)
    check_role(role)
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    store.add_user(name, role, hash_password(password), replace_existing, actor=actor)


def authenticate(store: Store, name: str, password: str) -> dict | None:
    """The account when ``password`` is right for ``name``, else None (the same for an unknown
    name and a wrong password)."""
    user = store.user(name) if NAME_RE.fullmatch(name or "") else None
    if not verify(user["password_hash"] if user else None, password):
        return None
    store.record_login(name, hash_password(password) if needs_rehash(user["password_hash"])
                       else None)
    return user


def ensure_first_admin(store: Store, environ=os.environ, say=print,
                       actor: str = "") -> str | None:
    """On a store without accounts, create ``admin``: with ``$ATLAS_ADMIN_PASSWORD`` when set,
    else with a random one-time password that ``say`` shows once. Returns the name created
    (None when accounts exist). Never asks (a server must not block on a prompt). Audited with
    ``actor`` (default: ``cli:<OS user>``, who started the server)."""
    if store.users():
        return None
    given = environ.get(ADMIN_PASSWORD_ENV, "")
    password = given or one_time_password()
    if given and password_problem(given):
        raise AccountError(f"{ADMIN_PASSWORD_ENV}: {password_problem(given)}")
    try:
        add_user(store, FIRST_ADMIN, ADMIN, password, actor=actor or _server_actor())
    except AccountError:
        if store.user(FIRST_ADMIN):  # another worker was quicker
            return None
        raise
    if given:
        say(f"Konto „{FIRST_ADMIN}“ (admin) mit dem Passwort aus {ADMIN_PASSWORD_ENV} angelegt.")
    else:
        say(f"Erstes Konto angelegt: Name „{FIRST_ADMIN}“, Einmal-Passwort: {password}\n"
            "Es wird nur jetzt angezeigt. Bitte anmelden und mit "
            f"„atlas user add {FIRST_ADMIN} --role admin --ersetzen“ ein eigenes Passwort setzen.")
    return FIRST_ADMIN


def _server_actor() -> str:
    from atlas.audit import cli_actor

    return cli_actor()
