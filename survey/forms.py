"""The base of every HTML form body: strict about unknown fields, carrying the CSRF token."""

from __future__ import annotations

import msgspec


class Form(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A submitted HTML form; every form carries the CSRF token, which the middleware has already checked."""

    csrf_token: str = msgspec.field(default="", name="_csrf_token")
