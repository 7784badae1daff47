"""Sites as an admin runs them: main languages from Babel's locales, names, archiving, survey, resources."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import asyncpg
import msgspec
from babel import Locale
from babel.localedata import locale_identifiers

from questions import queries as question_queries
from survey import site_queries
from survey.audit_queries import audit
from survey.problems import SetupProblem

if TYPE_CHECKING:
    from survey.db import Connection


class SiteError(SetupProblem, ValueError):
    """A site action was refused; ``field`` names the form field at fault, the message says why."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class LanguageChoice(msgspec.Struct, frozen=True):
    """A language an admin can pick: its code and its name in itself (and in English when different)."""

    code: str
    name: str


@cache
def language_choices() -> tuple[LanguageChoice, ...]:
    """Every language Babel knows (no regional variants), named in itself, ordered by its English name."""
    found = []
    for code in locale_identifiers():
        if "_" in code or code == "root":
            continue
        locale = Locale.parse(code)
        own, english = locale.get_display_name(code) or code, locale.get_display_name("en") or code
        name = own if own.casefold() == english.casefold() else f"{own} — {english}"
        found.append((english.casefold(), LanguageChoice(code, name)))
    return tuple(choice for _, choice in sorted(found))


def language_name(code: str) -> str:
    """A language's name in itself (the code when Babel does not know it)."""
    return next((choice.name for choice in language_choices() if choice.code == code), code)


def check_language(code: str, field: str) -> str:
    """``code`` when it is one of :func:`language_choices`.

    Raises:
        SiteError: it is not, naming ``field``.
    """
    if not any(choice.code == code for choice in language_choices()):
        raise SiteError(f"{field}: {code!r} is not a language in the list.", field)
    return code


async def survey_languages(conn: Connection, survey_id: int | None) -> list[str]:
    """The languages a survey offers or is being translated into: its latest version's, then its draft's."""
    if survey_id is None:
        return []
    latest = await question_queries.latest_version(conn, survey_id)
    draft = await question_queries.draft(conn, survey_id)
    found = [*(latest.definition.languages if latest else []), *(draft.languages if draft else [])]
    return list(dict.fromkeys(found))


async def rename(conn: Connection, *, site_id: int, name: str, language: str, actor_id: int) -> str:
    """Rename a site and set its main language; the resources follow their language.

    When the main language changes, the old main-language resources are kept under the old language and
    those written in the new one (if any) become the main text, so no text changes its language.

    Raises:
        SiteError: no such site in use, the name is taken, or the language is not in the list.
    """
    check_language(language, "default_language")
    async with conn.transaction():
        before = await site_queries.site_name(conn, site_id)
        rows = {row.id: row for row in await site_queries.site_rows(conn)}
        site = rows.get(site_id)
        if before is None or site is None or site.archived:
            raise SiteError("There is no such site, or it is archived.")
        try:
            renamed = await site_queries.rename_site(conn, site_id, name)
        except asyncpg.UniqueViolationError:
            raise SiteError(f"There is already a site called {name.strip()!r}.", "name") from None
        if renamed is None:
            raise SiteError("There is no such site, or it is archived.")
        if language != site.default_language:
            await site_queries.put_resource(conn, site_id, site.default_language, site.resources)
            await site_queries.put_resource(conn, site_id, language, "")
            await site_queries.set_survey(conn, site_id, site.survey_id, site.resources_in(language))
            await site_queries.set_language(conn, site_id, language)
        await audit(
            conn,
            "site_renamed",
            account_id=actor_id,
            subject=renamed,
            detail={"from": before, "to": renamed, "language": language},
        )
    return renamed


async def archive(conn: Connection, *, site_id: int, actor_id: int) -> str:
    """Archive a site: its kiosks stop at their next request, its responses and history stay.

    Raises:
        SiteError: no such site, or it is archived already.
    """
    async with conn.transaction():
        name = await site_queries.archive_site(conn, site_id)
        if name is None:
            raise SiteError("There is no such site, or it is archived already.")
        await audit(conn, "site_archived", account_id=actor_id, subject=name)
    return name


async def save_settings(
    conn: Connection,
    *,
    site_id: int,
    survey_id: int | None,
    main: str,
    others: dict[str, str],
    actor_id: int,
) -> str:
    """Choose the survey a site runs (``None``: none yet) and its resources by language, in one go.

    ``main`` is the text in the site's main language; ``others`` the text in each other language (a text
    sent for the main language there is ignored); an empty text removes that language's resources.

    Raises:
        SiteError: no such site in use, no such survey, or a language twice.
    """
    async with conn.transaction():
        site = next((row for row in await site_queries.site_rows(conn) if row.id == site_id), None)
        if site is None or site.archived:
            raise SiteError("There is no such site, or it is archived.")
        try:
            await site_queries.set_survey(conn, site_id, survey_id, main)
        except asyncpg.ForeignKeyViolationError:
            raise SiteError("survey_id: there is no such survey.", "survey_id") from None
        written = [site.default_language] if main else []
        for language, body in others.items():
            if language != site.default_language:
                await site_queries.put_resource(conn, site_id, language, body)
                written += [language] if body else []
        await audit(
            conn,
            "site_settings_changed",
            account_id=actor_id,
            subject=site.name,
            detail={"survey_id": survey_id, "resources": sorted(written)},
        )
    return site.name


async def kiosk_resources(conn: Connection, site_id: int, main_language: str, main: str) -> dict[str, str]:
    """A site's resources by language for its kiosks: the main text under its language, then the others."""
    found = {main_language: main} if main else {}
    return found | await site_queries.resources(conn, site_id)


async def note_contact(conn: Connection, kiosk_id: int, outbox_waiting: int | None) -> None:
    """Remember the day (UTC) a kiosk read its survey and how many responses its outbox said were waiting.

    Called only by ``GET /api/kiosk/survey``, never when a kiosk sends answers, so the write (at most one a
    day, the day's first contact) never lines up with a stored response: a day and a count, never a time.
    """
    await site_queries.note_contact(conn, kiosk_id, outbox_waiting)


async def outboxes(conn: Connection) -> dict[int, int]:
    """Each kiosk's reported outbox count (kiosks that never reported one are left out)."""
    return await site_queries.outboxes(conn)
