"""The language check's word matching, reading level and length, on its own."""

from __future__ import annotations

from questions.language_check import AvoidWord, check, find_words


def found(text: str, language: str = "en") -> list[tuple[str, str]]:
    return [(flag.found, flag.suggestion) for flag in check(text, language, "text", []).flags]


def test_the_longer_phrase_wins_and_hyphens_join_words() -> None:
    assert found("She is a former addict.") == [("former addict", "person in recovery")]
    assert found("An ex-addict and a drug-user.") == [
        ("ex-addict", "person in recovery"),
        ("drug-user", "person who uses drugs"),
    ]


def test_acronyms_match_only_in_capitals() -> None:
    assert found("Are you on MAT? Sit on the mat.") == [("MAT", "medication for opioid use disorder")]


def test_spanish_forms_and_board_words() -> None:
    assert [suggestion for _, suggestion in found("¿Es usted ex-adicta o drogadicto?", "es-MX")] == [
        "persona en recuperación",
        "persona que usa drogas",
    ]
    added = [AvoidWord(phrase="frequent flyer", suggestion="regular visitor")]
    assert [flag.suggestion for flag in find_words("A Frequent  Flyer", added)] == ["regular visitor"]


def test_reading_level_and_length() -> None:
    short = check("Hello there", "en", "text", [])
    long_text = (
        "Over the last two weeks, how often have you been bothered by feeling nervous or anxious? " * 2
    )
    advice = check(long_text, "en", "text", [])
    assert short.reading is None
    assert advice.reading is not None
    assert advice.reading.formula == "Flesch-Kincaid grade"
    assert not advice.length.fits
    assert check("Lo que sea que usted quiera decirnos hoy", "es", "help", []).reading is not None
    assert check("Quelque chose que vous voulez dire", "fr", "help", []).reading is None
