"""Password and token hashing: argon2id for what people choose, SHA-256 for random tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

STRONG: Final = PasswordHasher()
"""argon2-cffi's defaults, RFC 9106's second recommended option: argon2id, 64 MiB, 3 passes."""


class _Hashing:
    """The hasher in use and a hash of a random password, checked when an account name is unknown."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self.hasher = hasher
        # So that a wrong name costs as long as a wrong password.
        self.unknown_account_hash = hasher.hash(secrets.token_urlsafe(16))


_in_use: list[_Hashing] = [_Hashing(STRONG)]


def use_hasher(hasher: PasswordHasher) -> None:
    """Hash, and judge which hashes need a new one, with ``hasher`` from now on in this process.

    Only the test suite calls it, with argon2id at its smallest cost: hundreds of its tests make accounts
    and sign in, and at ``STRONG``'s cost each hash and each check takes a fifth of a second (its
    PostgreSQL runs without fsync for the same reason). The platform never calls it: a server and every
    command hash with ``STRONG``, and a sign-in replaces a hash made with other parameters.
    """
    _in_use[0] = _Hashing(hasher)


# Easy to read aloud and type on a phone: no 0/O, 1/l/I.
_ALPHABET: Final = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` in PHC string format."""
    return _in_use[0].hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; ``None`` (no such account) still spends the time."""
    hashing = _in_use[0]
    try:
        return hashing.hasher.verify(password_hash or hashing.unknown_account_hash, password) and (
            password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than today's (a sign-in then replaces it)."""
    return _in_use[0].hasher.check_needs_rehash(password_hash)


def generate_password(length: int = 16) -> str:
    """A random password of unambiguous letters and digits (about 95 bits at 16 characters)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_token() -> str:
    """A random 256-bit URL-safe token (API tokens, session ids)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """The stored form of a random token: its SHA-256, hex-encoded."""
    return hashlib.sha256(token.encode()).hexdigest()
