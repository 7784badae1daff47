"""The kiosk's interface strings, from Babel message catalogs (``survey/locales/<lang>/LC_MESSAGES``).

Survey texts travel with their version; these are the buttons, consent and messages around them. A
language without a catalog, or a string missing from one, falls back to English.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Final

from babel import Locale, UnknownLocaleError
from babel.messages.pofile import read_po

from survey.schemas import SpeechLanguage

LOCALES: Final = Path(__file__).resolve().parent / "locales"
DOMAIN: Final = "kiosk"


@cache
def catalog(language: str) -> dict[str, str]:
    """The translated strings of one language's catalog (msgid -> msgstr), empty when there is none."""
    path = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        messages = read_po(handle, locale=language)
    return {str(message.id): str(message.string) for message in messages if message.id and message.string}


@cache
def message_ids() -> tuple[str, ...]:
    """Every interface string, as its English msgid (the English catalog lists them all)."""
    path = LOCALES / "en" / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as handle:
        return tuple(str(message.id) for message in read_po(handle, locale="en") if message.id)


def ui_strings(language: str) -> dict[str, str]:
    """Every interface string in ``language``, English where the catalog lacks one."""
    translated = catalog(language) or catalog(language.split("-")[0])
    return {msgid: translated.get(msgid, msgid) for msgid in message_ids()}


def describe(language: str) -> SpeechLanguage:
    """A language as the welcome screen offers it: named in itself, with its writing direction."""
    try:
        locale = Locale.parse(language, sep="-")
    except (UnknownLocaleError, ValueError):
        return SpeechLanguage(language, language, "ltr")
    name = locale.get_display_name(locale) or language
    return SpeechLanguage(
        language, name[:1].upper() + name[1:], "rtl" if locale.text_direction == "rtl" else "ltr"
    )
