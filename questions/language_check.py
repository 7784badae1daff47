"""The board's language check: words to avoid, reading level, kiosk-screen length. It advises, never blocks.

The words-to-avoid lists are data (``questions/data/words_to_avoid/<language>.csv``: phrase, suggestion,
note), extended by the words the board adds in its workspace.
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path
from typing import Final, Literal

import msgspec
from textstat.textstat import textstatistics

WORD_LISTS: Final = Path(__file__).resolve().parent / "data" / "words_to_avoid"

Field = Literal["text", "help", "option"]

LENGTH_LIMITS: Final[dict[str, int]] = {"text": 150, "help": 200, "option": 60}
"""Characters that fit a kiosk screen: at the kiosk's 1.75rem heading on a 10-inch tablet a line holds about
45 characters, so 150 is three to four lines, leaving the answers in view without scrolling; an answer
button holds about 60 characters on two lines."""

READING_GRADE_AIM: Final = 8.0
"""Public health guidance asks for text readable at school grade 6 to 8 (CDC Clear Communication Index)."""

MIN_WORDS_FOR_READING_LEVEL: Final = 4
"""Reading-level formulas say nothing useful about a few words."""


class AvoidWord(msgspec.Struct, frozen=True, kw_only=True):
    """A word or phrase to avoid, with what to say instead."""

    phrase: str
    suggestion: str
    note: str = ""
    added_by_board: bool = False
    id: int | None = None
    added_by: int | None = None


class Flag(msgspec.Struct, frozen=True, kw_only=True):
    """A word to avoid found in the text."""

    found: str
    suggestion: str
    note: str


class Reading(msgspec.Struct, frozen=True, kw_only=True):
    """A reading-level estimate, named by its formula."""

    formula: str
    grade: float
    hard: bool
    words: str = ""
    """The estimate in plain words, as the board's pages show it (the number stays in the data)."""


def reading_words(grade: float) -> str:
    """A reading grade in words: grade 6 to 8 is the aim (CDC Clear Communication Index), above it is hard."""
    if grade <= READING_GRADE_AIM - 2:
        return "Easy to read"
    if grade <= READING_GRADE_AIM:
        return "Fairly easy to read"
    if grade <= READING_GRADE_AIM + 2:
        return "Fairly hard: try shorter sentences"
    return "Hard: try shorter sentences and everyday words"


class Length(msgspec.Struct, frozen=True, kw_only=True):
    """How long the text is against what fits a kiosk screen."""

    characters: int
    limit: int

    @property
    def fits(self) -> bool:
        """Whether it fits."""
        return self.characters <= self.limit


class Advice(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the check has to say about one text."""

    language: str
    flags: list[Flag]
    reading: Reading | None
    length: Length


def language_root(language: str) -> str:
    """``es`` for ``es-MX``: the lists are per language, not per region."""
    return language.split("-")[0].lower()


def shipped_words(language: str) -> tuple[AvoidWord, ...]:
    """The shipped list for a language (empty when there is none)."""
    return _shipped(language_root(language))


@functools.cache
def _shipped(root: str) -> tuple[AvoidWord, ...]:
    path = WORD_LISTS / f"{root}.csv"
    if not path.is_file():
        return ()
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(
            AvoidWord(
                phrase=row["phrase"].strip(), suggestion=row["suggestion"].strip(), note=row["note"].strip()
            )
            for row in csv.DictReader(handle)
            if row["phrase"].strip()
        )


def _pattern(phrase: str) -> re.Pattern[str]:
    # Words may be joined by spaces or hyphens ("drug-user"); a hyphenated word is a word of its own, so
    # "ex-addict" still shows "addict" (or its own entry, which wins as the longer phrase).
    words = r"[\s-]+".join(re.escape(word) for word in re.split(r"[\s-]+", phrase.strip()))
    # An acronym (MAT) is matched as written, so the ordinary word "mat" is left alone.
    flags = 0 if phrase.isupper() else re.IGNORECASE
    return re.compile(rf"(?<!\w){words}(?!\w)", flags)


def find_words(text: str, words: list[AvoidWord] | tuple[AvoidWord, ...]) -> list[Flag]:
    """Words to avoid in ``text``, in reading order; a longer phrase wins over a word inside it."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, Flag]] = []
    for word in sorted(words, key=lambda w: len(w.phrase), reverse=True):
        for match in _pattern(word.phrase).finditer(text):
            start, end = match.span()
            if any(start < other_end and other_start < end for other_start, other_end in taken):
                continue
            taken.append((start, end))
            found.append((start, Flag(found=match.group(0), suggestion=word.suggestion, note=word.note)))
    return [flag for _, flag in sorted(found, key=lambda pair: pair[0])]


@functools.cache
def _statistics(language: str) -> textstatistics:
    statistics = textstatistics()
    statistics.set_lang(language)
    return statistics


def reading_level(text: str, language: str) -> Reading | None:
    """Flesch-Kincaid grade for English, Crawford's years of schooling for Spanish; ``None`` otherwise.

    ``None`` as well for texts too short for a formula to mean anything.
    """
    root = language.split("-")[0]
    if len(text.split()) < MIN_WORDS_FOR_READING_LEVEL or root not in {"en", "es"}:
        return None
    if root == "en":
        grade = float(_statistics("en_US").flesch_kincaid_grade(text))
        formula = "Flesch-Kincaid grade"
    else:
        grade = float(_statistics("es").crawford(text))
        formula = "Crawford (years of school, Spanish)"
    grade = max(0.0, round(grade, 1))
    return Reading(formula=formula, grade=grade, hard=grade > READING_GRADE_AIM, words=reading_words(grade))


def check(text: str, language: str, field: Field, board_words: list[AvoidWord]) -> Advice:
    """Advice on one text the board is writing.

    Args:
        text: the text as typed.
        language: its language code.
        field: what it is (question text, help, answer option), which sets the length that fits.
        board_words: the words the board added for this language.
    """
    words = [*shipped_words(language), *board_words]
    return Advice(
        language=language,
        flags=find_words(text, words),
        reading=reading_level(text, language),
        length=Length(characters=len(text.strip()), limit=LENGTH_LIMITS[field]),
    )
