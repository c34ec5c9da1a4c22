"""Login by a trusted reverse proxy: the proxy authenticates the user (Basic, Kerberos, its own
SSO) and passes the name in a header, e.g. ``X-Remote-User``.

Off unless configured, and built so that it cannot be spoofed by accident:

* ``ATLAS_TRUSTED_PROXY_HEADER`` names the header; without it, no header means anything.
* ``ATLAS_TRUSTED_PROXIES`` (required with it): the proxy's addresses (IPs or CIDR networks,
  comma-separated). The header counts only on a connection whose peer (the real
  ``REMOTE_ADDR``, never ``X-Forwarded-For``) is one of them; from any other peer it is ignored
  and the attempt logged.
* The role: from the header ``ATLAS_TRUSTED_PROXY_ROLE_HEADER`` when configured (group names,
  comma-separated, mapped by ``ATLAS_TRUSTED_PROXY_ROLES``, e.g.
  ``atlas-redaktion:redaktion,atlas-admin:admin``), else the role of the atlas account of that
  name (a name without account is a visitor).

The proxy must set (overwrite) both headers on every request and never pass on a client's.

``ATLAS_TRUSTED_PROXIES`` also says whose ``X-Forwarded-For`` to believe
(:func:`client_address`): behind the proxy, the client's address (for the login rate limit and
the logs) is the last one the proxies added; from any other peer the header is ignored.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
from dataclasses import dataclass, field
from typing import Callable

from atlas.auth.identity import (
    VIA_PROXY,
    AuthConfigError,
    Identity,
    clean_name,
    parse_role_map,
    role_of_groups,
    split_groups,
)

HEADER_ENV = "ATLAS_TRUSTED_PROXY_HEADER"
PROXIES_ENV = "ATLAS_TRUSTED_PROXIES"
ROLE_HEADER_ENV = "ATLAS_TRUSTED_PROXY_ROLE_HEADER"
ROLES_ENV = "ATLAS_TRUSTED_PROXY_ROLES"
_HEADER_RE = re.compile(r"[A-Za-z0-9-]{1,60}")

log = logging.getLogger("atlas.auth")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(environ=os.environ) -> tuple[Network, ...]:
    """The proxies' networks from ``ATLAS_TRUSTED_PROXIES`` (empty when not set)."""
    return _networks(environ.get(PROXIES_ENV, ""))


def _ip(address: str | None):
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip


def trusts(networks: tuple[Network, ...], address: str | None) -> bool:
    """Whether ``address`` is in one of ``networks``."""
    ip = _ip(address)
    return ip is not None and any(ip in network for network in networks)


def peer_address(environ) -> str:
    """The address of the connection's other end as the server saw it (before any ProxyFix
    rewrote ``REMOTE_ADDR``)."""
    original = environ.get("werkzeug.proxy_fix.orig") or {}
    return original.get("REMOTE_ADDR") or environ.get("REMOTE_ADDR") or ""


def client_address(environ, headers, networks: tuple[Network, ...]) -> str:
    """The client's address: the peer, or, when the peer is a trusted proxy, the last address
    in ``X-Forwarded-For`` that is not a trusted proxy itself (what a client wrote there
    itself is left of it and never used)."""
    peer = peer_address(environ)
    if not networks or not trusts(networks, peer):
        return peer
    hops = [hop.strip() for hop in headers.get("X-Forwarded-For", "").split(",")]
    for hop in reversed(hops):
        ip = _ip(hop)
        if ip is None:
            return peer
        if not trusts(networks, hop):
            return str(ip)
    return peer


def _networks(text: str) -> tuple[Network, ...]:
    found = []
    for part in text.split(","):
        if not part.strip():
            continue
        try:
            found.append(ipaddress.ip_network(part.strip(), strict=False))
        except ValueError:
            raise AuthConfigError(
                f"{PROXIES_ENV}: „{part.strip()[:60]}“ ist keine IP-Adresse und kein Netz "
                "(erwartet z. B. „127.0.0.1“ oder „10.0.0.0/24“, durch Kommas getrennt)."
            ) from None
    return tuple(found)


def _header(value: str, variable: str) -> str:
    if not _HEADER_RE.fullmatch(value):
        raise AuthConfigError(f"{variable}: „{value[:60]}“ ist kein gültiger Name einer "
                              "Kopfzeile (Buchstaben, Ziffern und Bindestriche, z. B. "
                              "„X-Remote-User“).")
    return value


@dataclass(frozen=True)
class ProxyConfig:
    """The trusted proxy's settings (:meth:`from_env`)."""

    header: str
    networks: tuple[Network, ...]
    role_header: str = ""
    roles: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ=os.environ) -> ProxyConfig | None:
        """The settings from the environment; None when ``ATLAS_TRUSTED_PROXY_HEADER`` is not
        set (then proxy headers do nothing). A half or wrong setting is an AuthConfigError."""
        header = environ.get(HEADER_ENV, "").strip()
        role_header = environ.get(ROLE_HEADER_ENV, "").strip()
        if not header:
            if role_header:
                raise AuthConfigError(f"{ROLE_HEADER_ENV} ist gesetzt, {HEADER_ENV} aber nicht: "
                                      "ohne Namen gibt es keine Rolle.")
            return None
        networks = _networks(environ.get(PROXIES_ENV, ""))
        if not networks:
            raise AuthConfigError(
                f"{HEADER_ENV} ist gesetzt, {PROXIES_ENV} aber nicht: ohne die Adressen des "
                "Reverse-Proxys könnte jeder die Kopfzeile selbst senden. Bitte die Adresse(n) "
                "des Proxys angeben, z. B. „127.0.0.1“.")
        return cls(header=_header(header, HEADER_ENV), networks=networks,
                   role_header=_header(role_header, ROLE_HEADER_ENV) if role_header else "",
                   roles=parse_role_map(environ.get(ROLES_ENV, ""), ROLES_ENV))

    def trusts(self, address: str | None) -> bool:
        """Whether ``address`` (the connection's peer) is one of the proxy's."""
        return trusts(self.networks, address)

    def resolve(self, peer: str | None, headers, account_role_of: Callable[[str], str]
                ) -> Identity | None:
        """The identity the proxy vouches for, or None (no header, or not from the proxy)."""
        raw = headers.get(self.header)
        if raw is None:
            return None
        if not self.trusts(peer):
            log.warning("Kopfzeile %s von %s ignoriert: kein vertrauenswürdiger Proxy (%s)",
                        self.header, peer, PROXIES_ENV)
            return None
        name = clean_name(raw)
        if not name:
            if raw.strip():
                log.warning("Kopfzeile %s vom Proxy %s ignoriert: ungültiger Name", self.header,
                            peer)
            return None
        if self.role_header:
            role = role_of_groups(split_groups(headers.get(self.role_header, "")), self.roles)
        else:
            role = account_role_of(name)
        return Identity(name, role, VIA_PROXY)

    def identity(self, request, account_role_of: Callable[[str], str]) -> Identity | None:
        """:meth:`resolve` for a Flask request: the peer is the socket's address as the server
        saw it (before any ProxyFix rewrote ``REMOTE_ADDR``)."""
        return self.resolve(peer_address(request.environ), request.headers, account_role_of)
