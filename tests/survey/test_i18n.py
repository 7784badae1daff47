"""The kiosk's interface strings: English and Spanish complete, Babel's names and directions."""

from __future__ import annotations

import re

import pytest

from survey import i18n

PLACEHOLDER = re.compile(r"\{(\w+)\}")


@pytest.mark.parametrize("language", ["es", "ar"])
def test_every_interface_string_is_translated(language: str) -> None:
    missing = [msgid for msgid in i18n.message_ids() if msgid not in i18n.catalog(language)]
    assert missing == []


def test_placeholders_survive_translation() -> None:
    for language in ("es", "ar"):
        for msgid, translated in i18n.catalog(language).items():
            assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(translated)), (
                language,
                msgid,
            )


def test_an_unknown_language_falls_back_to_english() -> None:
    assert i18n.ui_strings("fr")["Skip"] == "Skip"
    assert i18n.ui_strings("es-MX")["Skip"] == "Saltar"


def test_languages_are_named_in_themselves_with_their_direction() -> None:
    assert (i18n.describe("es").name, i18n.describe("es").direction) == ("Español", "ltr")
    assert i18n.describe("ar").direction == "rtl"
    assert i18n.describe("fa").direction == "rtl"
