"""Who is this request: the one place that answers it, for all three ways of logging in.

* a password login or an OpenID Connect login (:mod:`atlas.auth.oidc`): both set the signed
  session cookie (:mod:`atlas.auth.web`); a password login's role is the account's role as the
  store has it now (an account removed or changed since counts as such), an OIDC login's role
  is the one the identity provider gave at the login (bounded by the idle timeout);
* a trusted reverse proxy's header (:mod:`atlas.auth.proxy`), only when configured and only
  from the proxy's own address; it wins over a session.

The answer is kept for the request (``flask.g``); :func:`forget` drops it when the session
changes (login, logout, idle timeout).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from atlas.auth import ACCOUNT_ROLES, ROLES, SESSION_ROLE, SESSION_USER, VISITOR
from atlas.errors import AtlasError

#: How the user of a session logged in (session key :data:`SESSION_VIA`): with a password, with
#: OpenID Connect and the role from the provider's claim, with OpenID Connect and the role from
#: the atlas account of the same name, or (no session) by the proxy's header.
VIA_PASSWORD, VIA_OIDC, VIA_OIDC_ACCOUNT, VIA_PROXY = "passwort", "oidc", "oidc-konto", "proxy"
SESSION_VIA = "via"
#: Where :func:`atlas.auth.web.install` keeps the store and the proxy settings of an app.
STORE_KEY, PROXY_KEY = "atlas_store", "atlas_proxy"
#: Longest user name taken from a proxy header or an ID token.
MAX_NAME = 80
_CACHE = "_atlas_identity"
#: Role names a group or claim value maps to when no mapping is configured.
DEFAULT_ROLE_MAP = {"redaktion": "redaktion", "admin": "admin"}


class AuthConfigError(AtlasError):
    """A login setting in the environment is wrong (German message naming the variable)."""


@dataclass(frozen=True)
class Identity:
    """The user of a request: ``name`` ("" for an anonymous visitor), ``role`` and ``via``
    (:data:`VIA_PASSWORD`, :data:`VIA_OIDC`, :data:`VIA_PROXY`, "" for nobody)."""

    name: str = ""
    role: str = VISITOR
    via: str = ""


ANONYMOUS = Identity()


def clean_name(raw: object) -> str:
    """A user name from outside (proxy header, ID token) as the atlas keeps it: trimmed, lower
    case, at most :data:`MAX_NAME` characters; "" when it is empty or has control characters."""
    if not isinstance(raw, str):
        return ""
    name = raw.strip().lower()
    if not name or len(name) > MAX_NAME or any(ord(c) < 32 or ord(c) == 127 for c in name):
        return ""
    return name


def parse_role_map(text: str, variable: str) -> dict[str, str]:
    """``"atlas-redaktion:redaktion, atlas-admin:admin"`` → {group: role}; empty: the role names
    themselves (:data:`DEFAULT_ROLE_MAP`). A wrong entry is an :class:`AuthConfigError`."""
    if not text.strip():
        return dict(DEFAULT_ROLE_MAP)
    mapping = {}
    for entry in text.split(","):
        if not entry.strip():
            continue
        group, sep, role = entry.rpartition(":")
        group, role = group.strip(), role.strip().lower()
        if not sep or not group or role not in ACCOUNT_ROLES:
            raise AuthConfigError(
                f"{variable}: der Eintrag „{entry.strip()[:60]}“ ist ungültig. Erwartet wird "
                f"GRUPPE:ROLLE, durch Kommas getrennt, mit ROLLE {' oder '.join(ACCOUNT_ROLES)} "
                "(z. B. „atlas-redaktion:redaktion,atlas-admin:admin“).")
        mapping[group] = role
    return mapping


def split_groups(value: object) -> list[str]:
    """Group or role values from a header or claim: a list, or a text separated by commas or
    semicolons."""
    if isinstance(value, str):
        return [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
    if isinstance(value, (list, tuple)):
        return [v.strip() for v in value if isinstance(v, str) and v.strip()]
    return []


def role_of_groups(groups: Iterable[str], mapping: dict[str, str]) -> str:
    """The strongest role any of ``groups`` maps to, else :data:`VISITOR`."""
    roles = {mapping[g] for g in groups if g in mapping}
    return max(roles, key=ROLES.index) if roles else VISITOR


def account_role(store, name: str) -> str:
    """The role of the atlas account ``name``; :data:`VISITOR` when there is none."""
    from atlas.auth.accounts import NAME_RE

    if store is None or not NAME_RE.fullmatch(name or ""):
        return VISITOR
    user = store.user(name)
    return user["role"] if user and user["role"] in ACCOUNT_ROLES else VISITOR


def from_session(session, account_role_of: Callable[[str], str] | None) -> Identity:
    """The identity a session cookie carries (:data:`ANONYMOUS` without a login)."""
    name = session.get(SESSION_USER, "")
    if not isinstance(name, str) or not name:
        return ANONYMOUS
    via = session.get(SESSION_VIA, VIA_PASSWORD)
    via = via if via in (VIA_PASSWORD, VIA_OIDC, VIA_OIDC_ACCOUNT) else VIA_PASSWORD
    if via == VIA_OIDC or account_role_of is None:
        role = session.get(SESSION_ROLE)
        return Identity(name, role if role in ACCOUNT_ROLES else VISITOR, via)
    return Identity(name, account_role_of(name), via)  # the account as it is now


def installed_store():
    """The store of the app serving the request, or None (an app without accounts)."""
    from flask import current_app

    store = current_app.extensions.get(STORE_KEY)
    return store() if callable(store) else store


def current() -> Identity:
    """Who the current web request is (:data:`ANONYMOUS` outside a request, e.g. the CLI)."""
    from flask import current_app, g, has_request_context, request, session

    if not has_request_context():
        return ANONYMOUS
    known = g.get(_CACHE)
    if known is not None:
        return known
    installed = STORE_KEY in current_app.extensions

    def role_of(name: str) -> str:
        return account_role(installed_store(), name)

    identity = None
    proxy = current_app.extensions.get(PROXY_KEY)
    if proxy is not None:
        identity = proxy.identity(request, role_of)
    if identity is None:
        identity = from_session(session, role_of if installed else None)
    setattr(g, _CACHE, identity)
    return identity


def forget() -> None:
    """Drop the request's identity (after the session changed)."""
    from flask import g, has_request_context

    if has_request_context():
        g.pop(_CACHE, None)
