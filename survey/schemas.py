"""Shapes of what comes in (forms, JSON bodies) and what goes out, as msgspec Structs."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Final, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from survey.forms import Form

Role = Literal["admin", "board", "evaluator"]
ROLES: Final[tuple[Role, ...]] = ("admin", "board", "evaluator")

AccountName = Annotated[
    str,
    Meta(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$",
        description="2-64 letters, digits, dots, dashes or underscores; used to sign in.",
    ),
]


def account_name_key(name: str) -> str:
    """The one form of an account name used to store, find and limit it: NFKC, then case folding.

    Every look-up, the unique index and the sign-in limit use this key, so a name written with
    compatibility letters (fullwidth forms), combining marks or another case (``STRAßE``) is the
    same name everywhere, and no spelling can reach an account without counting against its limit.
    """
    return unicodedata.normalize("NFKC", name.strip()).casefold()


ChosenName = Annotated[str, Meta(min_length=1, max_length=100, description="The name shown to others.")]
Password = Annotated[str, Meta(min_length=10, max_length=256, description="At least 10 characters.")]
LanguageTag = Annotated[
    str, Meta(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$", description="e.g. en, es, es-MX")
]


class SigninForm(Form):
    """The sign-in form."""

    name: Annotated[str, Meta(min_length=1, max_length=64)]
    password: Annotated[str, Meta(min_length=1, max_length=256)]
    next: str = ""


class AccountCreate(Form):
    """An admin adds an account. Without a password, one is generated and shown once."""

    name: AccountName
    display_name: ChosenName
    roles: list[Role] | Role
    password: Annotated[str, Meta(max_length=256)] = ""


class AccountRoles(Form):
    """An admin changes the roles an account holds."""

    roles: list[Role] | Role


class AccountActive(Form):
    """An admin turns an account off (its sessions and tokens end) or on again."""

    active: bool


class PasswordChange(Form):
    """Someone changes their own password."""

    current_password: Annotated[str, Meta(min_length=1, max_length=256)]
    new_password: Password


class ChosenNameChange(Form):
    """Someone changes the name others see."""

    display_name: ChosenName


class TokenCreate(Form):
    """An evaluator makes an API token for scripts."""

    label: Annotated[str, Meta(max_length=100)] = ""


class KioskEnrol(Form):
    """Staff type the one-time code on the tablet."""

    code: Annotated[str, Meta(min_length=1, max_length=20)]


class KioskExit(Form):
    """Staff leave kiosk mode with the site's PIN."""

    pin: Annotated[str, Meta(min_length=1, max_length=12)]


class KioskCreate(Form):
    """An admin adds a kiosk for a site and gets its one-time code."""

    site_id: int
    label: Annotated[str, Meta(min_length=1, max_length=100)]


class SitePin(Form):
    """An admin sets a site's staff PIN."""

    pin: Annotated[str, Meta(pattern=r"^\d{4,12}$", description="4 to 12 digits")]


ResourceText = Annotated[str, Meta(max_length=2000)]


class SiteSettings(Form):
    """An admin sets what a site's kiosks run and the resources its thank-you screen shows.

    ``survey_id`` empty: the site runs no survey yet (its kiosks say so). ``resources`` is the text in the
    site's main language; ``resource_language`` and ``resource_text`` pair up the text in each other
    language of its survey (an empty text removes that language's).
    """

    survey_id: BigintId | Literal[""] | None = None
    resources: ResourceText = ""
    resource_language: list[LanguageTag] | LanguageTag = []
    resource_text: list[ResourceText] | ResourceText = []


class SiteRename(Form):
    """An admin renames a site and picks its main language from the list."""

    name: Annotated[str, Meta(min_length=1, max_length=200)]
    default_language: LanguageTag


class KioskRename(Form):
    """An admin gives a kiosk a new label."""

    label: Annotated[str, Meta(min_length=1, max_length=100)]


BankKey = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


class SurveyCreate(Form):
    """An admin starts a survey as a draft: its name and language, bank questions, perhaps a new one.

    ``instrument`` picks whole instruments (their measures need every item); ``item`` program items.
    """

    name: Annotated[str, Meta(min_length=1, max_length=200)]
    language: LanguageTag
    instrument: list[BankKey] | BankKey = []
    item: list[BankKey] | BankKey = []
    new_text: Annotated[str, Meta(max_length=2000)] = ""
    new_type: Literal["single_choice", "multi_choice", "number", "text", "info"] = "single_choice"
    new_options: Annotated[str, Meta(max_length=4000)] = ""


class SurveyLanguageAdd(Form):
    """An admin adds a language to a survey's draft, with the survey's name in it."""

    language: LanguageTag
    title: Annotated[str, Meta(min_length=1, max_length=200)]


class SurveyLanguageRetire(Form):
    """An admin retires a language from a survey's draft."""

    language: LanguageTag


class SiteCreate(Form):
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


class SiteDetail(Site, frozen=True, kw_only=True):
    """A site as the admin page shows it."""

    resources: str
    survey_id: int | None
    has_pin: bool


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


BigintId = Annotated[int, Meta(ge=1, le=2**63 - 1)]
"""A row id in a body: PostgreSQL's bigint, so a larger number is a 400 naming the field, never a 500."""

AnswerValue = int | float | str | list[int | str]
"""An answer: an option code, a list of codes, a number, text, or ``"prefer_not_to_say"``."""

LinkagePart = Annotated[str, Meta(min_length=1, max_length=4, pattern=r"^[^\W_]+$")]
"""Letters (any script) or digits."""


AnsweredWith = Literal["own", "read_aloud", "helped"]
"""On their own, with the tablet reading to them, or with someone's help (never who)."""


class LinkageCode(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A code the participant builds from things only they know, e.g. ``["M", "07", "B"]``."""

    parts: Annotated[list[LinkagePart], Meta(min_length=3, max_length=4)]


class ResponseSubmit(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """A completed response from a kiosk. The server, not the tablet, sets the period."""

    id: UUID
    """A random (version 4) UUID made on the tablet; resending the same response is harmless."""
    survey_version: BigintId
    language: LanguageTag
    answers: dict[Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]{0,63}$")], AnswerValue]
    """Answers by question key; a skipped or hidden question is simply absent."""
    linkage: LinkageCode | None = None
    answered_with: AnsweredWith | None = None
    """How the participant answered, as they said at the end (``None``: they skipped that question)."""


class Stored(msgspec.Struct, frozen=True):
    """What intake answers: the response id and whether it was stored now or before."""

    id: UUID
    status: Literal["stored", "already stored"]


class SpeechLanguage(msgspec.Struct, frozen=True):
    """How the kiosk offers a language: its name in itself, its direction and its speech tag."""

    code: str
    name: str
    direction: Literal["ltr", "rtl"]


class KioskSurvey(msgspec.Struct, frozen=True, kw_only=True):
    """Everything a kiosk needs for a whole session offline: the version, its texts and the interface's."""

    survey_version: int
    site: str
    resources: str
    """The site's resources in its main language (kiosks before ``resources_by_language`` read this)."""
    languages: list[SpeechLanguage]
    definition: dict[str, object]
    ui: dict[str, dict[str, str]]
    resources_by_language: dict[str, str] = {}
    """The site's thank-you resources by language code, in every language they are written in."""
    report_back: dict[str, object] | None = None
    """The board's newest released report-back for this survey ("you said, we did"), shown after the
    thank-you: ``released_on`` and, per language, its title, figures in words, texts and labels."""
    recordings: dict[str, dict[str, str]] = {}
    """The board's recordings of the words this version shows: by language, ``key`` (a question) or
    ``key/code`` (an answer) to the file's URL. Where none is given the tablet's own voice reads."""
