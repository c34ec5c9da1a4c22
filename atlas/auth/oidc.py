"""Login with OpenID Connect (Authlib) against the authority's identity provider, e.g. Keycloak.

Configured by the environment (off without ``ATLAS_OIDC_ISSUER``):

* ``ATLAS_OIDC_ISSUER``: the provider's issuer URL (its ``/.well-known/openid-configuration``
  is read at the first login), ``ATLAS_OIDC_CLIENT_ID``, ``ATLAS_OIDC_CLIENT_SECRET``;
* ``ATLAS_OIDC_ROLE_CLAIM``: the claim with the user's groups or roles (a dotted path reaches
  into objects, e.g. Keycloak's ``realm_access.roles``), mapped by ``ATLAS_OIDC_ROLES``
  (``atlas-redaktion:redaktion,atlas-admin:admin``; default: the role names themselves).
  Without a role claim the role is that of the atlas account of the same name (looked up on
  every request, as for a password login);
* ``ATLAS_OIDC_NAME_CLAIM`` (``preferred_username``, else ``sub``): the user's name;
* ``ATLAS_OIDC_REDIRECT_URI``: the callback URL when the atlas cannot see its public address
  (default: ``/anmelden/oidc/zurueck`` on the address of the request).

The code flow: ``/anmelden/oidc`` sends the browser to the provider with ``state``, ``nonce``
and a PKCE challenge (S256), kept in the signed session; ``/anmelden/oidc/zurueck`` checks the
state, exchanges the code (with the PKCE verifier), validates the ID token (signature from the
provider's keys, issuer, audience, expiry, nonce) and sets the same session as a password login
(:mod:`atlas.auth.web`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable

from atlas.auth.identity import (
    VIA_OIDC,
    VIA_OIDC_ACCOUNT,
    AuthConfigError,
    Identity,
    clean_name,
    parse_role_map,
    role_of_groups,
    split_groups,
)

ISSUER_ENV = "ATLAS_OIDC_ISSUER"
CLIENT_ID_ENV = "ATLAS_OIDC_CLIENT_ID"
CLIENT_SECRET_ENV = "ATLAS_OIDC_CLIENT_SECRET"
ROLE_CLAIM_ENV = "ATLAS_OIDC_ROLE_CLAIM"
ROLES_ENV = "ATLAS_OIDC_ROLES"
NAME_CLAIM_ENV = "ATLAS_OIDC_NAME_CLAIM"
REDIRECT_ENV = "ATLAS_OIDC_REDIRECT_URI"
DEFAULT_NAME_CLAIM = "preferred_username"
#: The name of the provider in Authlib's registry.
CLIENT_NAME = "atlas_oidc"
SCOPE = "openid profile email"


@dataclass(frozen=True)
class OidcConfig:
    """The provider's settings (:meth:`from_env`)."""

    issuer: str
    client_id: str
    client_secret: str = ""
    role_claim: str = ""
    roles: dict[str, str] = field(default_factory=dict)
    name_claim: str = DEFAULT_NAME_CLAIM
    redirect_uri: str = ""

    @classmethod
    def from_env(cls, environ=os.environ) -> OidcConfig | None:
        """The settings from the environment; None when ``ATLAS_OIDC_ISSUER`` is not set."""
        issuer = environ.get(ISSUER_ENV, "").strip().rstrip("/")
        if not issuer:
            return None
        if not issuer.startswith(("https://", "http://")):
            raise AuthConfigError(f"{ISSUER_ENV}: „{issuer[:80]}“ ist keine http(s)-Adresse "
                                  "(z. B. „https://login.example.de/realms/kreis“).")
        client_id = environ.get(CLIENT_ID_ENV, "").strip()
        if not client_id:
            raise AuthConfigError(f"{ISSUER_ENV} ist gesetzt, {CLIENT_ID_ENV} aber nicht: bitte "
                                  "die Client-ID des Atlas beim Anmeldedienst angeben.")
        return cls(issuer=issuer, client_id=client_id,
                   client_secret=environ.get(CLIENT_SECRET_ENV, ""),
                   role_claim=environ.get(ROLE_CLAIM_ENV, "").strip(),
                   roles=parse_role_map(environ.get(ROLES_ENV, ""), ROLES_ENV),
                   name_claim=environ.get(NAME_CLAIM_ENV, "").strip() or DEFAULT_NAME_CLAIM,
                   redirect_uri=environ.get(REDIRECT_ENV, "").strip())

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"


def claim(claims: dict, path: str):
    """The claim ``path`` of ``claims``; a dotted path reaches into objects
    (``realm_access.roles``). None when missing."""
    value = claims
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def identity_of(config: OidcConfig, claims: dict, account_role_of: Callable[[str], str]
                ) -> Identity | None:
    """The atlas user the validated ID token (and user info) ``claims`` name; None when they
    carry no usable name."""
    name = clean_name(claim(claims, config.name_claim)) or clean_name(claims.get("sub"))
    if not name:
        return None
    if config.role_claim:
        role = role_of_groups(split_groups(claim(claims, config.role_claim)), config.roles)
        return Identity(name, role, VIA_OIDC)
    return Identity(name, account_role_of(name), VIA_OIDC_ACCOUNT)


def register(server, config: OidcConfig):
    """The provider as an Authlib client of the Flask app ``server`` (no request to the
    provider yet: its metadata is read at the first login)."""
    from authlib.integrations.flask_client import OAuth

    oauth = OAuth(server)
    return oauth.register(
        CLIENT_NAME,
        client_id=config.client_id,
        client_secret=config.client_secret or None,
        server_metadata_url=config.metadata_url,
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "timeout": 10},
    )
