"""Password hashes (argon2id via argon2-cffi); a password is never stored or logged."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
#: Shortest password an account may have.
MIN_LENGTH = 10
#: A hash to verify against when the name is unknown: the answer takes as long as for a known
#: name, so the time does not tell which names exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` fits ``password_hash`` (None: an unknown name, always False)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


def one_time_password() -> str:
    """A random password (for the first admin when none was given)."""
    return secrets.token_urlsafe(12)


def password_problem(password: str) -> str | None:
    """What is wrong with a new password (German), else None."""
    if len(password) < MIN_LENGTH:
        return f"Das Passwort ist zu kurz: mindestens {MIN_LENGTH} Zeichen."
    return None
