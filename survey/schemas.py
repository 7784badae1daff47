"""Shapes of what comes in (forms, JSON bodies) and what goes out, as msgspec Structs."""

from __future__ import annotations

from typing import Annotated, Final, Literal

import msgspec
from msgspec import Meta

Role = Literal["admin", "board", "evaluator"]
ROLES: Final[tuple[Role, ...]] = ("admin", "board", "evaluator")

AccountName = Annotated[
    str,
    Meta(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$",
        description="2-64 letters, digits, dots, dashes or underscores; used to sign in.",
    ),
]
ChosenName = Annotated[str, Meta(min_length=1, max_length=100, description="The name shown to others.")]
Password = Annotated[str, Meta(min_length=10, max_length=256, description="At least 10 characters.")]
LanguageTag = Annotated[
    str, Meta(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$", description="e.g. en, es, es-MX")
]


class _Form(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A submitted HTML form; every form carries the CSRF token, which the middleware has already checked."""

    csrf_token: str = msgspec.field(default="", name="_csrf_token")


class SigninForm(_Form):
    """The sign-in form."""

    name: Annotated[str, Meta(min_length=1, max_length=64)]
    password: Annotated[str, Meta(min_length=1, max_length=256)]
    next: str = ""


class AccountCreate(_Form):
    """An admin adds an account. Without a password, one is generated and shown once."""

    name: AccountName
    display_name: ChosenName
    roles: list[Role] | Role
    password: Annotated[str, Meta(max_length=256)] = ""


class AccountRoles(_Form):
    """An admin changes the roles an account holds."""

    roles: list[Role] | Role


class AccountActive(_Form):
    """An admin turns an account off (its sessions and tokens end) or on again."""

    active: bool


class PasswordChange(_Form):
    """Someone changes their own password."""

    current_password: Annotated[str, Meta(min_length=1, max_length=256)]
    new_password: Password


class ChosenNameChange(_Form):
    """Someone changes the name others see."""

    display_name: ChosenName


class TokenCreate(_Form):
    """An evaluator makes an API token for scripts."""

    label: Annotated[str, Meta(max_length=100)] = ""


class SiteCreate(_Form):
    """An admin adds a site."""

    name: Annotated[str, Meta(min_length=1, max_length=200)]
    default_language: LanguageTag = "en"


class Account(msgspec.Struct, frozen=True, kw_only=True):
    """An account as staff pages show it (never its password hash)."""

    id: int
    name: str
    display_name: str
    roles: list[Role]
    active: bool


class Site(msgspec.Struct, frozen=True, kw_only=True):
    """A place where the program meets people."""

    id: int
    name: str
    default_language: str


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """Who is making a request: a signed-in account (session) or a script holding an API token."""

    account_id: int
    name: str
    display_name: str
    roles: frozenset[Role]
    via: Literal["session", "token"]


class Health(msgspec.Struct, frozen=True):
    """What ``/healthz`` answers."""

    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unavailable"]


class WhoAmI(msgspec.Struct, frozen=True):
    """What ``/api/me`` answers: the account an API token belongs to."""

    name: str
    display_name: str
    roles: list[Role]


class IssuedToken(msgspec.Struct, frozen=True):
    """A new API token, shown once."""

    token: str
    label: str


def role_list(roles: list[Role] | Role) -> list[Role]:
    """Roles from a form, where one checked box arrives as a single value, in a stable order."""
    chosen = {roles} if isinstance(roles, str) else set(roles)
    return [role for role in ROLES if role in chosen]
