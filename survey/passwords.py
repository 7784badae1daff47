"""Password and token hashing: argon2id for what people choose, SHA-256 for random tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2-cffi's defaults follow RFC 9106's second recommended option (argon2id, 64 MiB, 3 passes).
_hasher: Final = PasswordHasher()
# Verified against when an account name is unknown, so that a wrong name costs as long as a wrong password.
_UNKNOWN_ACCOUNT_HASH: Final = _hasher.hash(secrets.token_urlsafe(16))
# Easy to read aloud and type on a phone: no 0/O, 1/l/I.
_ALPHABET: Final = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` in PHC string format."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; ``None`` (no such account) still spends the time."""
    try:
        return _hasher.verify(password_hash or _UNKNOWN_ACCOUNT_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


def generate_password(length: int = 16) -> str:
    """A random password of unambiguous letters and digits (about 95 bits at 16 characters)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_token() -> str:
    """A random 256-bit URL-safe token (API tokens, session ids)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """The stored form of a random token: its SHA-256, hex-encoded."""
    return hashlib.sha256(token.encode()).hexdigest()
