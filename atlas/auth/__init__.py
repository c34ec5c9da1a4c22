"""Who may change what: accounts, roles and the logged-in user of the current request.

Roles (:data:`ROLES`): ``besucher`` (anonymous: reads public data), ``redaktion`` (changes own
data: import, delete, own levels, derived indicators, indices) and ``admin`` (everything, and the
accounts). The web part (login page, session cookie, CSRF, the check of every state-changing
request) is :mod:`atlas.auth.web`; accounts are kept in the store (:mod:`atlas.auth.accounts`). Who a request is, is answered in
one place (:mod:`atlas.auth.identity`) for the three ways in: password, OpenID Connect
(:mod:`atlas.auth.oidc`) and a trusted reverse proxy's header (:mod:`atlas.auth.proxy`).
"""

from __future__ import annotations

from atlas.errors import AtlasError

VISITOR, EDITOR, ADMIN = "besucher", "redaktion", "admin"
#: Every role, weakest first.
ROLES = (VISITOR, EDITOR, ADMIN)
#: The roles an account can have (a visitor has no account).
ACCOUNT_ROLES = (EDITOR, ADMIN)
#: What a role may do beyond reading public data.
RIGHTS = {
    VISITOR: frozenset(),
    EDITOR: frozenset({"change_data", "see_internal"}),
    ADMIN: frozenset({"change_data", "see_internal", "manage_users"}),
}
#: The session keys (Flask's signed cookie) of the logged-in user.
SESSION_USER, SESSION_ROLE = "user", "role"


class Refused(AtlasError):
    """The current user may not do this; the message (German) says what to do."""


def may(role: str, right: str) -> bool:
    """Whether ``role`` has ``right`` (an unknown role has none)."""
    return right in RIGHTS.get(role, frozenset())


def current_user_name() -> str:
    """The logged-in user's name in the current web request; "" when nobody is logged in or
    outside a request (the CLI). Resolved in one place for password, OIDC and proxy logins:
    :func:`atlas.auth.identity.current`."""
    from atlas.auth import identity

    return identity.current().name


def current_role() -> str:
    """The role of the current web request: "besucher", "redaktion" or "admin"."""
    from atlas.auth import identity

    return identity.current().role


def may_change_data() -> bool:
    """Whether the current request may change own data."""
    return may(current_role(), "change_data")


def may_see_internal() -> bool:
    """Whether the current request may see internal own data (:mod:`atlas.visibility`):
    redaktion and admin; outside a web request (the CLI, the machine's administrator) always."""
    from flask import has_request_context

    return not has_request_context() or may(current_role(), "see_internal")
